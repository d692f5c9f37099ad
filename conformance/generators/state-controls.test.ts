// The generated state-control cases (SDM 27.3.2.1, 28.3.1, 28.5.1): every state-moving control of the entry,
// exit and secondary exit controls has a case with it 1 and one with it 0, each variant processor is one
// Appendix A allows, and the cases pass on the model.
import { describe, expect, it } from 'vitest';
import { BUILTIN_PROFILES, type ControlRef } from '../../model/generated/index.js';
import { caseProfile } from '../case-profile.js';
import { runCase } from '../runner.js';
import { stateControlCases } from './state-controls.js';

const cases = stateControlCases();
const skylake = BUILTIN_PROFILES.find((p) => p.id === 'skylake-server')!;

/** The controls of this generator's scope (SDM 25.7.1, 25.7.1 secondary, 25.8.1). */
const SCOPE: readonly ControlRef[] = [
  'exit.SAVE_DEBUG_CONTROLS', 'exit.SAVE_IA32_PAT', 'exit.SAVE_IA32_EFER', 'exit.CLEAR_IA32_BNDCFGS', 'exit.CLEAR_IA32_RTIT_CTL',
  'exit.CLEAR_IA32_LBR_CTL', 'exit.CLEAR_UINV', 'exit.LOAD_CET_STATE', 'exit.LOAD_PKRS', 'exit.LOAD_IA32_PERF_GLOBAL_CTRL',
  'exit.SAVE_IA32_PERF_GLOBAL_CTL', 'exit2.SAVE_FRED', 'exit2.LOAD_FRED',
  'entry.LOAD_IA32_BNDCFGS', 'entry.LOAD_IA32_RTIT_CTL', 'entry.LOAD_UINV', 'entry.LOAD_CET_STATE', 'entry.LOAD_GUEST_IA32_LBR_CTL',
  'entry.LOAD_PKRS', 'entry.LOAD_FRED', 'entry.LOAD_IA32_PERF_GLOBAL_CTRL',
];

describe('generated state-control cases', () => {
  it('have unique ids', () => {
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
  });
  it('set and clear every control of the scope', () => {
    for (const ref of SCOPE) {
      expect(cases.some((c) => c.setup?.controls?.set?.includes(ref)), `${ref} set`).toBe(true);
      expect(cases.some((c) => c.setup?.controls?.clear?.includes(ref)), `${ref} clear`).toBe(true);
    }
  });
  it('ask only for processors Appendix A allows, labelled as variants', () => {
    for (const c of cases.filter((x) => x.profile?.msrs)) {
      expect(caseProfile(c, skylake), c.id).not.toHaveProperty('error');
      expect(c.tags).toContain('profile-variant');
      expect(c.title).toMatch(/variant/);
    }
  });
  it('pass on the model, none unsupported', () => {
    for (const c of cases) {
      const r = runCase(c, 'test', skylake);
      expect(r.status, `${c.id}: ${JSON.stringify(r.diffs)}`).toBe('pass');
    }
  });
});
