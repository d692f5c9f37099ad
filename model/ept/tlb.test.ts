// VPID-tagged TLB contexts (SDM 29.4): what the model keeps across VM transitions. The SDM lets a processor
// keep a VPID's mappings across VM exits and entries (29.4.3.3) and requires it to drop those of VPID 0000H;
// these tests pin the model's choice (keep) and the required drops, on the generated invalidation cases.
import { describe, expect, it } from 'vitest';
import { runCase } from '../../conformance/runner.js';
import { eptInstructionCases } from '../../conformance/generators/ept-instructions.js';
import { BUILTIN_PROFILES, type ConformanceCase } from '../generated/index.js';

const profile = BUILTIN_PROFILES.find((p) => p.id === 'skylake-server')!;
const OLD_OLD = '1111111111111111', OLD_NEW = '1111111122222222';

/** An invalidation case without its host program (no INVVPID/INVEPT), expecting `bytes` at the save area. */
function withoutInvalidation(id: string, bytes: string): ConformanceCase {
  const c = structuredClone(eptInstructionCases().find((x) => x.id === id)!);
  const steps = c.steps.filter((s) => s.op !== 'host');
  const last = steps[steps.length - 1]!;
  if (last.op !== 'vmresume' || last.expect.kind !== 'vm-exit') throw new Error('unexpected case shape');
  last.expect.memory = [{ address: last.expect.memory![0]!.address, bytes }];
  return { ...c, steps: [steps[0]!, ...steps.slice(1)] };
}

describe('TLB contexts (SDM 29.4)', () => {
  it('with VPID 1 and no invalidation, the guest keeps using its cached translation after exit and re-entry (29.4.3.3 permits it)', () => {
    expect(runCase(withoutInvalidation('ept.invalidation.vpid.invvpid-single-context', OLD_OLD), 't', profile).status).toBe('pass');
  });
  it('with EPT and VPID 1 and no INVEPT, the combined mapping survives the EPT change', () => {
    expect(runCase(withoutInvalidation('ept.invalidation.ept.vpid.invept-single-context', OLD_OLD), 't', profile).status).toBe('pass');
  });
  it('without VPID the same sequence reads the new page: VPID 0000H mappings are dropped (29.4.3.3)', () => {
    expect(runCase(withoutInvalidation('ept.invalidation.no-vpid.exit-entry', OLD_NEW), 't', profile).status).toBe('pass');
  });
});
