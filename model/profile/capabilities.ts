// What a profile's capability MSRs say the processor supports (SDM Appendix A).
import { CAPABILITY_MSRS, CONTROL_GROUPS, type Condition, type ControlGroupInfo, type CpuProfile } from '../generated/index.js';
import { layoutById } from '../arch/catalogue.js';
import { fieldMask } from '../arch/decode.js';

/** The profile's MSR values as numbers. Callers have validated the profile against its schema. */
export function msrValues(profile: CpuProfile): Map<string, bigint> {
  return new Map(Object.entries(profile.msrs).map(([k, v]) => [k, BigInt(v)]));
}

/** Allowed 0-settings (bits 31:0) and allowed 1-settings (bits 63:32) of a control group (A.3-A.5). */
export interface AllowedSettings {
  /** Bits that must be 1. */
  readonly required1: bigint;
  /** Bits that may be 1. */
  readonly allowed1: bigint;
}

function controlsMsr(group: ControlGroupInfo, msrs: ReadonlyMap<string, bigint>, useTrue: boolean): string {
  return useTrue && group.trueCapabilityMsr && msrs.has(group.trueCapabilityMsr) ? group.trueCapabilityMsr : group.capabilityMsr;
}

/**
 * What a control group may be set to. For the 64-bit groups (tertiary, secondary exit, VM functions) the
 * MSR reports allowed 1-settings only and every control may be 0 (A.3.4, A.4.2, A.11). `useTrue` reads the
 * TRUE MSR where it exists (A.3.1: software that knows the default1 class may clear those bits).
 */
export function allowedSettings(group: ControlGroupInfo, msrs: ReadonlyMap<string, bigint>, useTrue = true): AllowedSettings {
  const msrId = controlsMsr(group, msrs, useTrue);
  const value = msrs.get(msrId);
  if (value === undefined) return { required1: 0n, allowed1: 0n };
  const info = CAPABILITY_MSRS.find((m) => m.id === msrId);
  if (info?.kind === 'allowed-1') return { required1: 0n, allowed1: value };
  return { required1: value & 0xFFFF_FFFFn, allowed1: value >> 32n };
}

/** Whether a capability condition holds: a control's 1-setting is allowed, or an MSR field is non-zero. */
export function conditionHolds(cond: Condition, msrs: ReadonlyMap<string, bigint>): boolean {
  if ('control' in cond) {
    const [groupId, bitId] = cond.control.split('.');
    const group = CONTROL_GROUPS.find((g) => g.id === groupId);
    const bit = group?.bits.find((b) => b.id === bitId);
    if (!group || !bit) return false;
    return ((allowedSettings(group, msrs).allowed1 >> BigInt(bit.bit)) & 1n) === 1n;
  }
  const msr = CAPABILITY_MSRS.find((m) => m.id === cond.msr);
  const field = msr?.layout ? layoutById(msr.layout)?.fields.find((f) => f.id === cond.field) : undefined;
  const value = msrs.get(cond.msr);
  return field !== undefined && value !== undefined && (value & fieldMask(field)) !== 0n;
}
