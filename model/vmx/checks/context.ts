// What the VM-entry checks read (SDM 27.2-27.4): the current VMCS, the processor's capabilities, memory
// (PDPTEs, MSR-load areas, the VMCS link pointer's region) and a little processor state. Each check of
// the catalogue (spec/data/entry-checks, model/generated VM_ENTRY_CHECKS) has one predicate, keyed by its
// id, returning true when the condition holds.
import type { VmEntryCheckId, VmEntryCheckInfo } from '../../generated/index.js';
import type { PhysicalMemory } from '../../machine/memory.js';
import type { VmxCapabilities } from '../capabilities.js';
import type { Vmcs } from '../vmcs.js';

export interface EntryContext {
  readonly caps: VmxCapabilities;
  readonly vmcs: Vmcs;
  readonly memory: PhysicalMemory;
  /** The instruction is VMRESUME (some checks differ from VMLAUNCH). */
  readonly resume: boolean;
  /** The logical processor is in SMM (entry to SMM, deactivate dual-monitor treatment). */
  readonly inSmm: boolean;
  /** Physical address of the current VMCS (the VMCS-link-pointer check compares with it). */
  readonly currentVmcs: number;
  /** The VMXON pointer. */
  readonly vmxon: number;
  /** IA32_EFER.LMA when VMLAUNCH/VMRESUME executes (SDM 27.2.4); absent: the mode-dependent checks do not apply. */
  readonly ia32eMode?: boolean;
}

/** A check's condition: true when it holds. */
export type CheckPredicate = (ctx: EntryContext) => boolean;

/** An MSR-load check evaluates one entry of the VM-entry MSR-load area (SDM 27.4). */
export interface MsrLoadEntry {
  /** 1-based, as the exit qualification reports it. */
  readonly index: number;
  readonly msr: number;
  /** Bits 63:32 of the entry's first quadword (reserved). */
  readonly reserved: number;
  readonly value: bigint;
}
export type MsrLoadPredicate = (ctx: EntryContext, entry: MsrLoadEntry) => boolean;

export type CheckResult =
  | { readonly kind: 'pass' }
  | { readonly kind: 'fail'; readonly check: VmEntryCheckInfo; readonly msrIndex?: number };

export type CheckTable = Partial<Record<VmEntryCheckId, CheckPredicate>>;
export type MsrCheckTable = Partial<Record<VmEntryCheckId, MsrLoadPredicate>>;
