// The cases for controls whose effects the model does not have: each "not allowed" case fails VM entry on the
// reserved-bits check of its own control field (SDM 27.2.1), not on another check that also gives error 7.
import { describe, expect, it } from 'vitest';
import { BUILTIN_PROFILES } from '../../model/generated/index.js';
import { VmxCapabilities } from '../../model/vmx/index.js';
import { vmEntry } from '../../model/vmx/transitions.js';
import { caseProfile } from '../case-profile.js';
import { setUpCase } from '../runner.js';
import { UNMODELLED, unmodelledControlCases } from './unmodelled-controls.js';

describe('cases for unmodelled controls', () => {
  const cases = unmodelledControlCases();
  for (const u of UNMODELLED) {
    it(`${u.control}: set where not allowed, VM entry fails on ${u.check}`, () => {
      const c = cases.find((x) => x.id.endsWith('.not-allowed') && x.setup?.controls?.set?.includes(u.control))!;
      const p = caseProfile(c, BUILTIN_PROFILES[0]!);
      if ('error' in p) throw new Error(p.error);
      const m = setUpCase(c, new VmxCapabilities(p.profile));
      const r = vmEntry(m.cpu, true);
      expect(r.kind === 'outcome' ? [r.outcome, r.check?.id] : r.kind).toEqual([{ kind: 'vmfail-valid', error: 7 }, u.check]);
    });
  }
});
