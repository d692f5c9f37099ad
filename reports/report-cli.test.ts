// `vmxsim conform --report DIR` as a user runs it: the spawned CLI writes DIR/index.html and the JSON
// report carries every coverage line (per run and per built-in profile).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_PROFILES, EXIT_REASONS } from '../model/generated/index.js';

const root = join(import.meta.dirname, '..');
const main = join(root, 'dist', 'cli', 'main.js');
let scratch = '';

beforeAll(() => {
  if (!existsSync(main)) throw new Error(`${main} is missing: npm test builds it first (tsc), or run npm run build`);
  scratch = mkdtempSync(join(tmpdir(), 'vmxsim-report-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('vmxsim conform --report', () => {
  it('writes a self-contained HTML page and the coverage in the JSON report', () => {
    const r = spawnSync(process.execPath, [main, 'conform', '--filter', 'exit.io.unconditional.out-imm', '--report', 'html', '--json', 'report.json'], { encoding: 'utf8', cwd: scratch });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^wrote html[/\\]index\.html$/m);
    expect(r.stdout).toMatch(/coverage: .*exit reasons 1\/\d+/); // OUT 80h, AL: reason 30 (Appendix C)
    const html = readFileSync(join(scratch, 'html', 'index.html'), 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).not.toMatch(/https?:\/\/|<script/i);
    expect(html).toContain(`1/${EXIT_REASONS.length}`);
    const report = JSON.parse(readFileSync(join(scratch, 'report.json'), 'utf8')) as {
      coverage: Record<string, { exercised: number; total: number }>; coverageByProfile: Record<string, unknown>;
    };
    expect(report.coverage['exitReasons']).toEqual(expect.objectContaining({ exercised: 1, total: EXIT_REASONS.length }));
    expect(report.coverage['qualificationLayouts']!.exercised).toBe(1); // exit-qualification.io-instruction (Table 28-5)
    expect(Object.keys(report.coverageByProfile).sort()).toEqual(BUILTIN_PROFILES.map((p) => p.id).sort());
  });
});
