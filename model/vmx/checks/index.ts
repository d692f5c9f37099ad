// VM-entry checks in SDM order (27.2 controls and host state, 27.3 guest state, 27.4 MSR loading): the
// first condition that does not hold decides how VM entry fails, and names its check id.
import { VM_ENTRY_CHECKS, VMCS_SLOT, type VmEntryCheckId } from '../../generated/index.js';
import type { CheckPredicate, CheckResult, EntryContext, MsrLoadEntry, MsrLoadPredicate } from './context.js';
import { CONTROL_CHECKS } from './controls.js';
import { controlOn } from './effective-controls.js';
import { HOST_STATE_CHECKS } from './host-state.js';
import { GUEST_STATE_CHECKS } from './guest-state.js';
import { MSR_LOAD_CHECKS } from './msr-loading.js';

export * from './context.js';

/** A VM entry in SMM with "entry to SMM" 0 returns from SMM (SDM 33.15.4). */
function returnsFromSmm(ctx: EntryContext): boolean {
  return ctx.inSmm && !controlOn(ctx, 'entry.ENTRY_TO_SMM');
}

/**
 * VM entries that return from SMM do not apply the VM-execution control checks of 27.2.1.1 to the current VMCS
 * (the executive VMCS's are checked instead, error 25: model/vmx/dual-monitor.ts), nor the check that "save
 * VMX-preemption timer value" needs "activate VMX-preemption timer" (SDM 33.15.4.2).
 */
function skippedOnReturnFromSmm(id: string): boolean {
  return id.startsWith('exec.') || id === 'exit.save-preemption-timer-requires-activate';
}

const predicates = new Map<VmEntryCheckId, CheckPredicate>(
  ([...Object.entries(CONTROL_CHECKS), ...Object.entries(HOST_STATE_CHECKS), ...Object.entries(GUEST_STATE_CHECKS)] as [VmEntryCheckId, CheckPredicate][])
    .map(([id, p]) => [id, skippedOnReturnFromSmm(id) ? (ctx: EntryContext) => returnsFromSmm(ctx) || p(ctx) : p]),
);
const msrPredicates = new Map<VmEntryCheckId, MsrLoadPredicate>(Object.entries(MSR_LOAD_CHECKS) as [VmEntryCheckId, MsrLoadPredicate][]);

/** Check ids of the catalogue that have no predicate yet (a test keeps this empty). */
export function uncheckedIds(): VmEntryCheckId[] {
  return VM_ENTRY_CHECKS.filter((c) => !predicates.has(c.id) && !msrPredicates.has(c.id)).map((c) => c.id);
}

/** Which checks to evaluate: 27.2 (VMfailValid 7/8), 27.3 (exit 33), or both. */
export type CheckPhase = 'controls-and-host' | 'guest' | 'all';

export interface Bound { readonly check: (typeof VM_ENTRY_CHECKS)[number]; readonly predicate: CheckPredicate }

/** The predicates of each phase in SDM order, bound once (VM entry runs them on every VMLAUNCH/VMRESUME). */
const PHASES: Readonly<Record<CheckPhase, readonly Bound[]>> = (() => {
  const bound = (areas: (area: string) => boolean): Bound[] => VM_ENTRY_CHECKS.flatMap((check) => {
    const predicate = predicates.get(check.id);
    return predicate && areas(check.id.split('.')[0]!) ? [{ check, predicate }] : [];
  });
  return {
    'controls-and-host': bound((a) => a !== 'guest' && a !== 'msr-load'),
    guest: bound((a) => a === 'guest'),
    all: bound((a) => a !== 'msr-load'),
  };
})();

/** The predicates of a phase in SDM order (the incremental evaluation in cache.ts walks the same list). */
export function boundChecks(phase: CheckPhase): readonly Bound[] {
  return PHASES[phase];
}

/** Evaluates the checks of a phase in SDM order; the first that fails is reported. */
export function evaluateEntryChecks(ctx: EntryContext, phase: CheckPhase = 'all'): CheckResult {
  for (const { check, predicate } of PHASES[phase]) {
    if (!predicate(ctx)) return { kind: 'fail', check };
  }
  return { kind: 'pass' };
}

/** The MSR-load area entries of the VMCS (SDM 25.8.2: 16 bytes each, index, reserved, data). */
export function msrLoadEntries(ctx: EntryContext): MsrLoadEntry[] {
  const count = ctx.vmcs.getLo(VMCS_SLOT.VM_ENTRY_MSR_LOAD_COUNT) >>> 0;
  if (count === 0) return [];
  const base = Number(ctx.vmcs.get('VM_ENTRY_MSR_LOAD_ADDRESS'));
  const entries: MsrLoadEntry[] = [];
  for (let i = 0; i < count; i++) {
    const at = base + 16 * i;
    entries.push({ index: i + 1, msr: ctx.memory.read32(at) >>> 0, reserved: ctx.memory.read32(at + 4) >>> 0, value: ctx.memory.read64(at + 8) });
  }
  return entries;
}

/** SDM 27.4: the entries are checked (and loaded) in order; the first failing entry's index is reported. */
export function evaluateMsrLoadChecks(ctx: EntryContext, entries: readonly MsrLoadEntry[] = msrLoadEntries(ctx)): CheckResult {
  for (const entry of entries) {
    for (const check of VM_ENTRY_CHECKS) {
      const p = msrPredicates.get(check.id);
      if (p && !p(ctx, entry)) return { kind: 'fail', check, msrIndex: entry.index };
    }
  }
  return { kind: 'pass' };
}
