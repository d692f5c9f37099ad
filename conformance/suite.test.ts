// The whole conformance suite on the built-in model, on every built-in profile: no bad case file, no
// duplicate id, and no failing case (a case whose capabilities a profile lacks is unsupported, never
// passed).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_PROFILES } from '../model/generated/index.js';
import { undefinedInformationBits } from './instruction-information.js';
import { loadCases } from './load.js';
import { runCase } from './runner.js';

const root = join(import.meta.dirname, '..');
const { cases, problems } = loadCases(join(root, 'conformance', 'cases'), root);

describe('the conformance suite', () => {
  it('loads every case file without a problem', () => {
    expect(problems).toEqual([]);
    expect(cases.length).toBeGreaterThan(500);
  });

  it('never expects a value in instruction-information bits the SDM leaves undefined (28.2.5)', () => {
    const wrong: string[] = [];
    for (const { case: c } of cases) {
      for (const step of c.steps) {
        if (!('expect' in step) || step.expect.kind !== 'vm-exit') continue;
        const want = step.expect.fields?.VM_EXIT_INSTRUCTION_INFORMATION;
        if (want === undefined) continue;
        const undef = undefinedInformationBits(step.expect.exitReason, Number(BigInt(want)), { mode64: true, instructions: c.guest?.disassembly ?? [] });
        const ignored = Number(BigInt(step.expect.ignoreBits?.VM_EXIT_INSTRUCTION_INFORMATION ?? '0x0'));
        if ((undef & ~ignored) !== 0) wrong.push(`${c.id}: bits 0x${(undef & ~ignored).toString(16)} are undefined`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it.each(BUILTIN_PROFILES.map((p) => [p.id]))('passes on %s', (id) => {
    const profile = BUILTIN_PROFILES.find((p) => p.id === id)!;
    const failures = cases.map((c) => runCase(c.case, c.source, profile)).filter((r) => r.status === 'fail')
      .map((r) => `${r.id}: ${r.diffs.map((d) => `step ${d.step} ${d.what}: expected ${d.expected}, got ${d.actual}`).join('; ')}`);
    expect(failures).toEqual([]);
  });
});
