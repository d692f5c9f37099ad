// VM-entry checks on the MSR-load area (SDM 27.4): each predicate looks at one entry and is true when the
// processor may load it. Entries are checked in order; the first that fails ends VM entry (exit reason 34).
import type { VmEntryCheckId } from '../../generated/index.js';
import type { VmxCapabilities } from '../capabilities.js';
import type { MsrCheckTable, MsrLoadEntry, MsrLoadPredicate } from './context.js';
import { MSR, wrmsrAccepts } from './msr-rules.js';
import { stateMsrAccepts } from '../state-controls.js';

/**
 * MSRs this processor refuses to load on VM entry for model-specific reasons (SDM 27.4, Vol. 4): the profile's
 * implementation.msrLoadRefused (none in the built-in profiles); the architectural exclusions have checks of their own.
 */
const refusedByProfile = new WeakMap<object, ReadonlySet<number>>();
export function modelSpecificUnloadable(caps: VmxCapabilities): ReadonlySet<number> {
  let set = refusedByProfile.get(caps.profile);
  if (!set) refusedByProfile.set(caps.profile, (set = new Set((caps.profile.implementation?.msrLoadRefused ?? []).map((m) => Number(BigInt(m.msr)) >>> 0))));
  return set;
}

/** MSRs WRMSR can write only in SMM (SDM 27.4; Vol. 4 Table 2-2): IA32_SMM_MONITOR_CTL and IA32_SMBASE. */
export const SMM_ONLY_MSRS: ReadonlySet<number> = new Set<number>([MSR.IA32_SMM_MONITOR_CTL, MSR.IA32_SMBASE]);

const MSR_CHECKS: Record<string, MsrLoadPredicate> = {
  // SDM 27.4: IA32_FS_BASE is not loaded from the MSR-load area
  'msr-load.ia32-fs-base': (_ctx, e: MsrLoadEntry) => e.msr >>> 0 !== MSR.IA32_FS_BASE,
  // SDM 27.4: IA32_GS_BASE is not loaded from the MSR-load area
  'msr-load.ia32-gs-base': (_ctx, e) => e.msr >>> 0 !== MSR.IA32_GS_BASE,
  // SDM 27.4: the x2APIC MSRs 800H-8FFH cannot be loaded
  'msr-load.x2apic-range': (_ctx, e) => e.msr >>> 8 !== 0x8,
  // SDM 27.4: SMM-only MSRs cannot be loaded outside SMM
  'msr-load.smm-only': (ctx, e) => ctx.inSmm || !SMM_ONLY_MSRS.has(e.msr >>> 0),
  // SDM 27.4: model-specific MSRs the processor refuses to load
  'msr-load.model-specific': (ctx, e) => !modelSpecificUnloadable(ctx.caps).has(e.msr >>> 0),
  // SDM 27.4: bits 63:32 of the entry are reserved
  'msr-load.reserved-bits': (_ctx, e) => e.reserved === 0,
  // SDM 27.4: the value must be one WRMSR at CPL 0 would write without #GP
  'msr-load.wrmsr-gp': (ctx, e) => stateMsrAccepts(ctx.caps, e.msr, e.value) ?? wrmsrAccepts(ctx.caps, e.msr, e.value),
};

/** The predicates keyed by check id (the test suite verifies every key is a catalogue id of 27.4). */
export const MSR_LOAD_CHECKS: MsrCheckTable = MSR_CHECKS as Partial<Record<VmEntryCheckId, MsrLoadPredicate>>;
