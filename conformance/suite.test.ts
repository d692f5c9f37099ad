// The whole conformance suite on the built-in model, on every built-in profile: no bad case file, no
// duplicate id, and no failing case (a case whose capabilities a profile lacks is unsupported, never
// passed).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_PROFILES } from '../model/generated/index.js';
import { loadCases } from './load.js';
import { runCase } from './runner.js';

const root = join(import.meta.dirname, '..');
const { cases, problems } = loadCases(join(root, 'conformance', 'cases'), root);

describe('the conformance suite', () => {
  it('loads every case file without a problem', () => {
    expect(problems).toEqual([]);
    expect(cases.length).toBeGreaterThan(500);
  });

  it.each(BUILTIN_PROFILES.map((p) => [p.id]))('passes on %s', (id) => {
    const profile = BUILTIN_PROFILES.find((p) => p.id === id)!;
    const failures = cases.map((c) => runCase(c.case, c.source, profile)).filter((r) => r.status === 'fail')
      .map((r) => `${r.id}: ${r.diffs.map((d) => `step ${d.step} ${d.what}: expected ${d.expected}, got ${d.actual}`).join('; ')}`);
    expect(failures).toEqual([]);
  });
});
