// Whether a set of VMX capability MSR values could come from a real processor (SDM Appendix A).
import { CAPABILITY_MSRS, CONTROL_GROUPS, type CapabilityMsrInfo, type CpuProfile } from '../generated/index.js';
import { layoutById } from '../arch/catalogue.js';
import { fieldMask } from '../arch/decode.js';
import { toHex } from '../arch/numbers.js';
import { conditionHolds, msrValues } from './capabilities.js';

export interface ProfileProblem {
  /** The MSR the problem is in. */
  readonly msr: string;
  /** The bit, where one bit is at fault. */
  readonly bit?: number;
  readonly message: string;
}

export function formatProfileProblem(p: ProfileProblem): string {
  return `${p.msr}${p.bit === undefined ? '' : ` bit ${p.bit}`}: ${p.message}`;
}

function describeCondition(cond: NonNullable<CapabilityMsrInfo['existsWhen']>[number]): string {
  return 'control' in cond ? `the 1-setting of ${cond.control} is allowed` : `${cond.msr}.${cond.field} is set`;
}

/** Every inconsistency in the profile's capability MSRs; empty when they are coherent. */
export function checkProfileConsistency(profile: CpuProfile): ProfileProblem[] {
  const problems: ProfileProblem[] = [];
  const msrs = msrValues(profile);
  const known = new Map<string, CapabilityMsrInfo>(CAPABILITY_MSRS.map((m) => [m.id, m]));

  for (const name of msrs.keys()) {
    if (!known.has(name)) problems.push({ msr: name, message: 'not a VMX capability MSR vmxsim knows' });
  }
  for (const m of CAPABILITY_MSRS) {
    if (m.address >= 0x480 && !m.existsWhen?.length && !msrs.has(m.id)) {
      problems.push({ msr: m.id, message: `missing: every VMX processor reports it (SDM ${m.sdm})` });
    }
  }
  const basic = msrs.get('IA32_VMX_BASIC');
  if (basic !== undefined) {
    const layout = layoutById('msr.ia32-vmx-basic');
    const revision = layout?.fields.find((f) => f.id === 'revisionId' || /revision/i.test(f.name));
    if (revision && (basic & fieldMask(revision)) === 0n) {
      problems.push({ msr: 'IA32_VMX_BASIC', message: 'VMCS revision identifier is 0 (A.1: bits 30:0 hold a non-zero revision id)' });
    }
    if ((basic >> 31n) & 1n) problems.push({ msr: 'IA32_VMX_BASIC', bit: 31, message: 'bit 31 is always 0 (A.1)' });
  }

  // Existence: an MSR is present exactly when the capabilities that make it exist are (Appendix A).
  for (const m of CAPABILITY_MSRS) {
    if (!m.existsWhen || m.existsWhen.length === 0) continue;
    const shouldExist = m.existsWhen.some((c) => conditionHolds(c, msrs));
    if (msrs.has(m.id) && !shouldExist) {
      problems.push({ msr: m.id, message: `present, but it exists only when ${m.existsWhen.map(describeCondition).join(' or ')}` });
    } else if (!msrs.has(m.id) && shouldExist) {
      problems.push({ msr: m.id, message: `missing, but ${m.existsWhen.map(describeCondition).join(' or ')}` });
    }
  }

  // Allowed settings (A.3-A.5): a control that must be 1 must also be allowed to be 1.
  for (const group of CONTROL_GROUPS) {
    for (const msrId of [group.capabilityMsr, group.trueCapabilityMsr]) {
      if (msrId === undefined) continue;
      const value = msrs.get(msrId);
      const info = known.get(msrId);
      if (value === undefined || info?.kind !== 'allowed-0-and-1') continue;
      const required1 = value & 0xFFFF_FFFFn;
      const allowed1 = value >> 32n;
      for (let bit = 0; bit < 32; bit++) {
        if ((required1 >> BigInt(bit)) & 1n && !((allowed1 >> BigInt(bit)) & 1n)) {
          problems.push({ msr: msrId, bit, message: `allowed-0 says the control must be 1, but allowed-1 (bit ${bit + 32}) says it cannot be 1` });
        }
      }
      if (msrId === group.capabilityMsr) {
        for (let bit = 0; bit < 32; bit++) {
          if ((group.default1Mask >> BigInt(bit)) & 1n && !((required1 >> BigInt(bit)) & 1n)) {
            problems.push({ msr: msrId, bit, message: 'in the default1 class, so this MSR must report it as must-be-1 (A.2)' });
          }
        }
      }
    }
    const plain = msrs.get(group.capabilityMsr);
    const trueValue = group.trueCapabilityMsr ? msrs.get(group.trueCapabilityMsr) : undefined;
    if (plain !== undefined && trueValue !== undefined && group.trueCapabilityMsr) {
      if (plain >> 32n !== trueValue >> 32n) {
        problems.push({ msr: group.trueCapabilityMsr, message: `allowed 1-settings (bits 63:32) ${toHex(trueValue >> 32n)} differ from ${group.capabilityMsr}'s ${toHex(plain >> 32n)} (A.3.1)` });
      }
      const outsideDefault1 = 0xFFFF_FFFFn & ~group.default1Mask;
      for (let bit = 0; bit < 32; bit++) {
        if (!((outsideDefault1 >> BigInt(bit)) & 1n)) continue;
        const a = (plain >> BigInt(bit)) & 1n;
        const b = (trueValue >> BigInt(bit)) & 1n;
        if (a !== b) problems.push({ msr: group.trueCapabilityMsr, bit, message: `allowed-0 differs from ${group.capabilityMsr} for a control outside the default1 class (A.3.1)` });
      }
    }
  }

  // CR0/CR4 fixed bits (A.7, A.8): a bit fixed to 1 must be allowed to be 1.
  for (const reg of ['CR0', 'CR4'] as const) {
    const f0 = CAPABILITY_MSRS.find((m) => m.kind === 'fixed-0' && m.register === reg);
    const f1 = CAPABILITY_MSRS.find((m) => m.kind === 'fixed-1' && m.register === reg);
    if (!f0 || !f1) continue;
    const v0 = msrs.get(f0.id);
    const v1 = msrs.get(f1.id);
    if (v0 === undefined || v1 === undefined) continue;
    for (let bit = 0; bit < 64; bit++) {
      if ((v0 >> BigInt(bit)) & 1n && !((v1 >> BigInt(bit)) & 1n)) {
        problems.push({ msr: f0.id, bit, message: `fixed to 1 here but ${f1.id} says it may not be 1 (${reg} could never be valid)` });
      }
    }
  }
  return problems;
}
