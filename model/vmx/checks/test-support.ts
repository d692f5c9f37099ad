// Shared by the VM-entry check tests: capability variants of the built-in profiles and an entry context
// around a VMCS the test supplies (the tests start from conformance/baseline.ts, which the model itself
// must not import).
import { BUILTIN_PROFILES, type CpuProfile } from '../../generated/index.js';
import { PhysicalMemory } from '../../machine/memory.js';
import { VmxCapabilities } from '../capabilities.js';
import type { Vmcs } from '../vmcs.js';
import type { EntryContext } from './context.js';

export const SKYLAKE = BUILTIN_PROFILES.find((p) => p.id === 'skylake-server')!;
export const ICE_LAKE = BUILTIN_PROFILES.find((p) => p.id === 'ice-lake-server')!;

const hex = (v: bigint): string => '0x' + v.toString(16).toUpperCase();

/** A profile whose MSRs are changed by `edit` (old value, or 0 when absent, to new value). */
export function withMsrs(base: CpuProfile, edits: Record<string, (old: bigint) => bigint>): CpuProfile {
  const msrs = { ...base.msrs };
  for (const [id, edit] of Object.entries(edits)) msrs[id] = hex(edit(BigInt(base.msrs[id] ?? '0')));
  return { ...base, id: `${base.id}-variant`, msrs };
}

/** Allows the 1-setting of VM-entry controls (bits 63:32 of both entry-control MSRs, A.5). */
export function allowEntry(base: CpuProfile, ...masks: number[]): CpuProfile {
  const add = masks.reduce((a, m) => a | BigInt(m), 0n) << 32n;
  return withMsrs(base, { IA32_VMX_ENTRY_CTLS: (o) => o | add, IA32_VMX_TRUE_ENTRY_CTLS: (o) => o | add });
}

/** Lets CR4 bits be 1 in VMX operation (IA32_VMX_CR4_FIXED1, A.8). */
export function allowCr4(base: CpuProfile, bits: bigint): CpuProfile {
  return withMsrs(base, { IA32_VMX_CR4_FIXED1: (o) => o | bits });
}

export interface Setup {
  readonly caps: VmxCapabilities;
  readonly vmcs: Vmcs;
  readonly memory: PhysicalMemory;
  inSmm: boolean;
}

export const MEMORY_BYTES = 16 * 1024 * 1024;

/** Where the current VMCS and the VMXON region are, and how to build the starting VMCS. */
export interface Start {
  readonly vmcs: (caps: VmxCapabilities) => Vmcs;
  readonly currentVmcs: number;
  readonly vmxon: number;
}

/** The entry context of the starting VMCS on a profile, after `change`. */
export function entryContext(start: Start, profile: CpuProfile, change: (s: Setup) => void = () => {}): EntryContext {
  const caps = new VmxCapabilities(profile);
  const s: Setup = { caps, vmcs: start.vmcs(caps), memory: new PhysicalMemory(MEMORY_BYTES), inSmm: false };
  change(s);
  return { caps, vmcs: s.vmcs, memory: s.memory, resume: false, inSmm: s.inSmm, currentVmcs: start.currentVmcs, vmxon: start.vmxon };
}
