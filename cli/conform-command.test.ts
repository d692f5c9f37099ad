// `vmxsim conform` as a user runs it: worker threads, shards, progress and code coverage. These check
// the runner, not the architecture: the results of a run must not depend on how it was spread out.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseShard, shardOf } from './conform-command.js';
import { progressReporter } from './progress.js';

const root = join(import.meta.dirname, '..');
const main = join(root, 'dist', 'cli', 'main.js');
let scratch = '';

beforeAll(() => {
  if (!existsSync(main)) throw new Error(`${main} is missing: npm test builds it first (tsc), or run npm run build`);
  scratch = mkdtempSync(join(tmpdir(), 'vmxsim-conform-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function vmxsim(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', cwd: scratch });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

interface Report { totals: { pass: number; fail: number; unsupported: number }; results: { id: string }[] }

function report(file: string): Report {
  return JSON.parse(readFileSync(join(scratch, file), 'utf8')) as Report;
}

describe('vmxsim conform --workers', () => {
  it('gives the same report, in the same order, with 1 and 2 workers', () => {
    const one = vmxsim('conform', '--workers', '1', '--json', 'w1.json');
    const two = vmxsim('conform', '--workers', '2', '--json', 'w2.json');
    // 0 or 1 (whether every case passes is the suite's test, conformance/suite.test.ts); never a usage error.
    expect([0, 1]).toContain(one.code);
    expect(two.code).toBe(one.code);
    expect(report('w1.json').results.length).toBeGreaterThan(500);
    expect(readFileSync(join(scratch, 'w2.json'), 'utf8')).toBe(readFileSync(join(scratch, 'w1.json'), 'utf8'));
  }, 120_000); // two whole-suite runs, while vitest runs other files on the same cores

  it('rejects a worker count that is not a positive whole number', () => {
    const r = vmxsim('conform', '--workers', '0');
    expect(r.code).toBe(2);
    expect(r.err).toBe('vmxsim: --workers 0: expected a positive whole number\n');
  });

  it('reports progress on stderr as plain lines when stderr is not a terminal, keeping stdout the summary', () => {
    const r = vmxsim('conform', '--filter', 'vmcs.field.GUEST_R*', '--workers', '2');
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^conform: (\d+)\/\1 cases \(100%\)$/m);
    expect(r.out).not.toMatch(/conform: \d+\//);
  });
});

describe('vmxsim conform --shard', () => {
  it('partitions the selected cases: shards 1/3, 2/3 and 3/3 are disjoint and together are all', () => {
    expect([0, 1]).toContain(vmxsim('conform', '--filter', 'vmcs.*', '--json', 'all.json').code);
    const all = report('all.json').results.map((r) => r.id);
    const shards = [1, 2, 3].map((i) => {
      const r = vmxsim('conform', '--filter', 'vmcs.*', '--shard', `${i}/3`, '--json', `s${i}.json`);
      expect([0, 1]).toContain(r.code);
      expect(r.out).toMatch(new RegExp(`cases \\(shard ${i}/3 of ${all.length}\\)`));
      return report(`s${i}.json`).results.map((x) => x.id);
    });
    for (const s of shards) expect(s.length).toBeGreaterThanOrEqual(Math.floor(all.length / 3));
    const union = shards.flat();
    expect(new Set(union).size).toBe(union.length);
    expect([...union].sort()).toEqual([...all].sort());
    // Every third case, starting at the i-th.
    expect(shards[1]).toEqual(all.filter((_, k) => k % 3 === 1));
  }, 120_000);

  it.each(['0/3', '4/3', 'x', '1/0', '1/'])('rejects --shard %s with one line and exit code 2', (spec) => {
    const r = vmxsim('conform', '--shard', spec);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe(`vmxsim: --shard ${spec}: expected i/n with 1 <= i <= n, e.g. --shard 2/4\n`);
  });

  it('parses i/n and picks every n-th item from the i-th', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(shardOf([0, 1, 2, 3, 4, 5, 6, 7, 8], { index: 2, count: 4 })).toEqual([1, 5]);
    expect(shardOf([0, 1], { index: 3, count: 3 })).toEqual([]);
  });
});

describe('progress', () => {
  it('writes a plain line at every tenth when not on a terminal', () => {
    const lines: string[] = [];
    const p = progressReporter({ isTTY: false, write: (t) => lines.push(t) }, () => 0);
    for (let d = 1; d <= 100; d++) p.update(d, 100);
    p.finish();
    expect(lines).toEqual(Array.from({ length: 10 }, (_, k) => `conform: ${(k + 1) * 10}/100 cases (${(k + 1) * 10}%)\n`));
  });

  it('redraws a bar in place on a terminal and clears it at the end', () => {
    const writes: string[] = [];
    const p = progressReporter({ isTTY: true, write: (t) => writes.push(t) });
    for (let d = 1; d <= 4; d++) p.update(d, 4);
    p.finish();
    expect(writes.every((w) => w.startsWith('\r') && !w.includes('\n'))).toBe(true);
    expect(writes.at(-2)).toContain('4/4 cases 100%');
    expect(writes.at(-1)).toBe('\r\x1b[K');
  });
});

describe('vmxsim conform --coverage', () => {
  it('runs under c8 and writes the model code coverage to reports/out/coverage/index.html', () => {
    const r = vmxsim('conform', '--coverage', '--filter', 'vmcs.field.GUEST_RIP.*', '--workers', '2', '--json', 'cov.json');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Statements\s+: [\d.]+% \( \d+\/\d+ \)$/m);
    expect(existsSync(join(scratch, 'reports', 'out', 'coverage', 'index.html'))).toBe(true);
    expect(report('cov.json').totals.pass).toBe(2);
  }, 180_000);
});
