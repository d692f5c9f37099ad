// The timing interface between the functional core and the clock. The core reports each retired
// instruction: its class, its data-memory accesses, TLB hits and misses, and paging-structure reads.
// The default model (this issue's) charges a fixed cost per instruction and per paging-structure read
// and needs no per-instruction report, so the hot loop stays lean; a model with `retire` (the
// cycle-approximate pipeline, later) gets every instruction's report and decides its cost.
import type { Mnemonic } from 'iced-x86';
import { MEMORY_TYPES } from '../generated/memory-types.js';

/** What kind of work an instruction does, as a timing model sees it. */
export type InstructionClass =
  | 'alu' | 'move' | 'branch' | 'call-return' | 'stack' | 'string' | 'muldiv' | 'io' | 'system' | 'interrupt' | 'nop';

export interface RetireEvent {
  readonly mnemonic: Mnemonic;
  readonly cls: InstructionClass;
  /** Data-memory accesses (reads, writes, read-modify-writes count once each per operand access). */
  readonly memoryAccesses: number;
  readonly tlbHits: number;
  readonly tlbMisses: number;
  /** Paging-structure entries read by page walks during the instruction. */
  readonly pageWalkReads: number;
}

export interface TimingModel {
  readonly name: string;
  /** Cycles added for each retired instruction when the model has no `retire`. */
  readonly cyclesPerInstruction: number;
  /** Cycles added for each paging-structure reference a walk makes (always charged, by the walk). */
  readonly pageWalkCycles: number;
  /** Cycles of posted-interrupt processing (SDM 30.6) and of a virtual-interrupt delivery (30.2.2); absent: 0. */
  readonly postedInterruptCycles?: number;
  readonly virtualInterruptDeliveryCycles?: number;
  /**
   * Cycles of a VM entry past the 27.2 checks and of a VM exit (SDM 27.3-27.7, 28; model/vmx/transitions.ts);
   * absent: 0. The VMX-preemption timer does not count them (26.5.1: it counts in VMX non-root operation).
   */
  readonly vmEntryCycles?: number;
  readonly vmExitCycles?: number;
  /**
   * Extra cycles of one memory access under EPT, indexed by its effective memory type's encoding (SDM 29.3.7;
   * model/ept/memory-type.ts); absent: no charge for any type.
   */
  readonly memoryTypeCycles?: readonly number[];
  /** Per-instruction cost from the instruction's report; replaces cyclesPerInstruction. */
  retire?(event: RetireEvent): number;
}

export const defaultTiming: TimingModel = { name: 'one-cycle', cyclesPerInstruction: 1, pageWalkCycles: 20 };

type ProfileTiming = {
  cyclesPerInstruction: number; pageWalkCycles: number;
  postedInterruptCycles?: number; virtualInterruptDeliveryCycles?: number; vmEntryCycles?: number; vmExitCycles?: number;
  memoryTypeCycles?: Readonly<Record<string, number>>;
};

/** The profile's timing; a cost the profile does not give is 0 (not modelled), as its schema says. */
export function timingFromProfile(profile: { timing: ProfileTiming }): TimingModel {
  const t = profile.timing;
  const byType = t.memoryTypeCycles;
  const memoryTypeCycles = byType === undefined ? undefined : MEMORY_TYPES.reduce((a, m) => {
    a[m.encoding] = byType[m.id] ?? 0;
    return a;
  }, new Array<number>(8).fill(0));
  return {
    name: 'profile', cyclesPerInstruction: t.cyclesPerInstruction, pageWalkCycles: t.pageWalkCycles,
    postedInterruptCycles: t.postedInterruptCycles ?? 0, virtualInterruptDeliveryCycles: t.virtualInterruptDeliveryCycles ?? 0,
    vmEntryCycles: t.vmEntryCycles ?? 0, vmExitCycles: t.vmExitCycles ?? 0,
    ...(memoryTypeCycles === undefined ? {} : { memoryTypeCycles }),
  };
}
