// Shared by the VM-entry check tests: capability variants of the built-in profiles, an entry context
// around a VMCS the test supplies (the tests start from conformance/baseline.ts, which the model itself
// must not import), and the application of the hand-derived violation recipes
// (conformance/generators/entry-check-recipes.ts), which the conformance suite uses as well.
import {
  BUILTIN_PROFILES, CONTROL_GROUPS, type ControlGroupId, type ControlRef, ENTRY_CTLS, type CpuProfile, type VmcsFieldId,
} from '../../model/generated/index.js';
import { BASELINE_MEMORY, baselineVmcs } from '../baseline.js';
import { PhysicalMemory } from '../../model/machine/memory.js';
import { VmxCapabilities } from '../../model/vmx/capabilities.js';
import type { Vmcs } from '../../model/vmx/vmcs.js';
import type { EntryContext } from '../../model/vmx/checks/context.js';
import type { Recipe, VariantId } from '../generators/entry-check-recipes.js';

export const SKYLAKE = BUILTIN_PROFILES.find((p) => p.id === 'skylake-server')!;
export const ICE_LAKE = BUILTIN_PROFILES.find((p) => p.id === 'ice-lake-server')!;
export const BUILTIN = [SKYLAKE, ICE_LAKE] as const;

const hex = (v: bigint): string => '0x' + v.toString(16).toUpperCase();
const msr = (p: CpuProfile, id: string): bigint => BigInt(p.msrs[id] ?? '0');

/** A profile whose MSRs are changed by `edit` (old value, or 0 when absent, to new value). */
export function withMsrs(base: CpuProfile, edits: Record<string, (old: bigint) => bigint>): CpuProfile {
  const msrs = { ...base.msrs };
  for (const [id, edit] of Object.entries(edits)) msrs[id] = hex(edit(BigInt(base.msrs[id] ?? '0')));
  return { ...base, id: `${base.id}-variant`, msrs };
}

/** A profile with the MSRs in `change` replaced, under its own id. */
export function variant(base: CpuProfile, id: string, change: Record<string, bigint>): CpuProfile {
  const msrs: Record<string, string> = { ...base.msrs };
  for (const [k, v] of Object.entries(change)) msrs[k] = hex(v);
  return { ...base, id, msrs };
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

/** Allowed 1-settings of a 0-and-1 control MSR plus `more` (plain and TRUE MSRs keep equal high halves, A.3.1). */
function allow(p: CpuProfile, msrId: string, more: bigint): bigint {
  return msr(p, msrId) | (more << 32n);
}
const defined = (g: ControlGroupId): bigint => CONTROL_GROUPS.find((c) => c.id === g)!.definedMask;

/**
 * Skylake-SP with every control the SDM defines offered, tertiary and secondary VM-exit controls present,
 * CET and FRED settable in CR4 (A.8) and every EPTP feature (A.10): a consistent processor on which every
 * check can be reached.
 */
export const MAXIMAL = variant(SKYLAKE, 'all-features', {
  IA32_VMX_PINBASED_CTLS: allow(SKYLAKE, 'IA32_VMX_PINBASED_CTLS', defined('pin')),
  IA32_VMX_TRUE_PINBASED_CTLS: allow(SKYLAKE, 'IA32_VMX_TRUE_PINBASED_CTLS', defined('pin')),
  IA32_VMX_PROCBASED_CTLS: allow(SKYLAKE, 'IA32_VMX_PROCBASED_CTLS', defined('proc')),
  IA32_VMX_TRUE_PROCBASED_CTLS: allow(SKYLAKE, 'IA32_VMX_TRUE_PROCBASED_CTLS', defined('proc')),
  IA32_VMX_PROCBASED_CTLS2: defined('proc2') << 32n,
  IA32_VMX_PROCBASED_CTLS3: defined('proc3'),
  IA32_VMX_EXIT_CTLS: allow(SKYLAKE, 'IA32_VMX_EXIT_CTLS', defined('exit')),
  IA32_VMX_TRUE_EXIT_CTLS: allow(SKYLAKE, 'IA32_VMX_TRUE_EXIT_CTLS', defined('exit')),
  IA32_VMX_EXIT_CTLS2: defined('exit2'),
  IA32_VMX_ENTRY_CTLS: allow(SKYLAKE, 'IA32_VMX_ENTRY_CTLS', defined('entry')),
  IA32_VMX_TRUE_ENTRY_CTLS: allow(SKYLAKE, 'IA32_VMX_TRUE_ENTRY_CTLS', defined('entry')),
  IA32_VMX_CR4_FIXED1: msr(SKYLAKE, 'IA32_VMX_CR4_FIXED1') | (1n << 23n) | (1n << 32n),
  IA32_VMX_EPT_VPID_CAP: msr(SKYLAKE, 'IA32_VMX_EPT_VPID_CAP') | (1n << 6n) | (1n << 7n) | (1n << 8n) | (1n << 14n) | (1n << 21n) | (1n << 23n),
});

const CR4_CET = 1n << 23n, CR4_FRED = 1n << 32n;

/** The capability variants the recipes name (conformance cases cannot ask for these). */
export const VARIANTS: Readonly<Record<VariantId, CpuProfile>> = {
  'all-features': MAXIMAL,
  'no-ept-ad': variant(SKYLAKE, 'no-ept-ad', { IA32_VMX_EPT_VPID_CAP: msr(SKYLAKE, 'IA32_VMX_EPT_VPID_CAP') & ~(1n << 21n) }),
  'no-mtf': variant(SKYLAKE, 'no-mtf', {
    IA32_VMX_PROCBASED_CTLS: msr(SKYLAKE, 'IA32_VMX_PROCBASED_CTLS') & ~(1n << (32n + 27n)),
    IA32_VMX_TRUE_PROCBASED_CTLS: msr(SKYLAKE, 'IA32_VMX_TRUE_PROCBASED_CTLS') & ~(1n << (32n + 27n)),
  }),
  'no-zero-length-injection': variant(SKYLAKE, 'no-zero-length-injection', { IA32_VMX_MISC: msr(SKYLAKE, 'IA32_VMX_MISC') & ~(1n << 30n) }),
  cet: allowCr4(allowEntry(SKYLAKE, ENTRY_CTLS.LOAD_CET_STATE), CR4_CET),
  fred: allowCr4(allowEntry(SKYLAKE, ENTRY_CTLS.LOAD_FRED), CR4_FRED),
  lbr: allowEntry(SKYLAKE, ENTRY_CTLS.LOAD_GUEST_IA32_LBR_CTL),
  pkrs: allowEntry(SKYLAKE, ENTRY_CTLS.LOAD_PKRS),
  uinv: allowEntry(SKYLAKE, ENTRY_CTLS.LOAD_UINV),
  rtit: allowEntry(SKYLAKE, ENTRY_CTLS.LOAD_IA32_RTIT_CTL),
};

export interface Setup {
  readonly caps: VmxCapabilities;
  readonly vmcs: Vmcs;
  readonly memory: PhysicalMemory;
  inSmm: boolean;
  /** IA32_EFER.LMA at VM entry (SDM 27.2.4); undefined: not known. */
  ia32eMode?: boolean;
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
  return {
    caps, vmcs: s.vmcs, memory: s.memory, resume: false, inSmm: s.inSmm, currentVmcs: start.currentVmcs, vmxon: start.vmxon,
    ...(s.ia32eMode !== undefined ? { ia32eMode: s.ia32eMode } : {}),
  };
}

/** The profiles a recipe runs on: its variant, or the built-in profiles meeting its requires/excludes. */
export function recipeProfiles(recipe: Recipe): CpuProfile[] {
  if (recipe.variant) return [VARIANTS[recipe.variant]];
  return BUILTIN.filter((p) => {
    const caps = new VmxCapabilities(p);
    return (recipe.requires ?? []).every((c) => caps.holds(c)) && !(recipe.excludes ?? []).some((c) => caps.holds(c));
  });
}

function controlBit(ref: string): { field: string; mask: bigint } {
  const [g, id] = ref.split('.');
  const group = CONTROL_GROUPS.find((c) => c.id === g)!;
  const bit = group.bits.find((b) => b.id === id);
  if (!bit) throw new Error(`no control ${ref}`);
  return { field: group.vmcsField, mask: 1n << BigInt(bit.bit) };
}

/** Applies a recipe as the conformance runner applies a case's setup: fields, bits, controls (set, clear), memory. */
export function applyRecipe(s: Setup, recipe: Recipe): void {
  const v = s.vmcs;
  for (const [id, value] of Object.entries(recipe.fields ?? {})) v.set(id, value);
  for (const [id, b] of Object.entries(recipe.bits ?? {})) v.set(id, (v.get(id) | (b.set ?? 0n)) & ~(b.clear ?? 0n));
  for (const ref of recipe.controls?.set ?? []) { const { field, mask } = controlBit(ref); v.set(field, v.get(field) | mask); }
  for (const ref of recipe.controls?.clear ?? []) { const { field, mask } = controlBit(ref); v.set(field, v.get(field) & ~mask); }
  for (const w of recipe.memory ?? []) {
    if ('bytes' in w) Buffer.from(w.bytes, 'hex').forEach((byte, i) => s.memory.write8(w.address + i, byte));
    else s.memory.write32(w.address, (s.caps.revisionId | (w.revisionId === 'shadow' ? 0x8000_0000 : 0)) >>> 0);
  }
  s.inSmm = recipe.inSmm ?? false;
  if (recipe.ia32eMode !== undefined) s.ia32eMode = recipe.ia32eMode;
}

// ---- Tools for the controls and host-state tests: a baseline VMCS to change and a context to check it in.

export interface Tools {
  readonly v: Vmcs;
  readonly caps: VmxCapabilities;
  readonly memory: PhysicalMemory;
  /** MAXPHYADDR of the profile (CPUID.80000008H:EAX[7:0]). */
  readonly n: bigint;
  enable(ref: ControlRef): void;
  disable(ref: ControlRef): void;
  set(id: VmcsFieldId, value: bigint): void;
}

export function controlField(ref: ControlRef): { field: VmcsFieldId; mask: bigint } {
  const [g, id] = ref.split('.');
  const group = CONTROL_GROUPS.find((c) => c.id === g)!;
  return { field: group.vmcsField, mask: 1n << BigInt(group.bits.find((b) => b.id === id)!.bit) };
}

/** The control that activates a field (SDM 25.6.2, 25.7.1, 25.6.14). */
const ACTIVATOR: Partial<Record<string, ControlRef>> = {
  proc2: 'proc.ACTIVATE_SECONDARY_CONTROLS', proc3: 'proc.ACTIVATE_TERTIARY_CONTROLS',
  exit2: 'exit.ACTIVATE_SECONDARY_CONTROLS', vmfunc: 'proc2.ENABLE_VM_FUNCTIONS',
};

export function tools(profile: CpuProfile): Tools {
  const caps = new VmxCapabilities(profile);
  const v = baselineVmcs(caps);
  const t: Tools = {
    v, caps, memory: new PhysicalMemory(MEMORY_BYTES), n: BigInt(profile.cpuid.maxPhysicalAddressBits),
    enable(ref) {
      const activator = ACTIVATOR[ref.split('.')[0]!];
      if (activator) t.enable(activator);
      const { field, mask } = controlField(ref);
      v.set(field, v.get(field) | mask);
    },
    disable(ref) {
      const { field, mask } = controlField(ref);
      v.set(field, v.get(field) & ~mask);
    },
    set(id, value) {
      v.set(id, value);
    },
  };
  return t;
}

export function context(t: Tools, extra: Partial<EntryContext> = {}): EntryContext {
  return {
    caps: t.caps, vmcs: t.v, memory: t.memory, resume: false, inSmm: false,
    currentVmcs: BASELINE_MEMORY.vmcsRegion, vmxon: BASELINE_MEMORY.vmxonRegion, ...extra,
  };
}
