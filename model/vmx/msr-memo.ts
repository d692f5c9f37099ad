// VM entries and exits load MSRs from VMCS fields (SDM 27.3.2.1, 28.5.1) and save them into fields (28.3.2);
// a load that finds the MSR already holding the field's value is skipped (it would change nothing). This
// memo spares even the lookup: for a VMCS slot it records the MSR storage stamp (model/cpu/msr.ts
// StampedMsrMap) under which the slot's value and its MSR's value were last seen equal, with the slot's
// halves then. While the stamp and the halves are unchanged, the two are still equal.
import { VMCS_SLOT_COUNT } from '../generated/index.js';
import type { StampedMsrMap } from '../cpu/msr.js';
import type { Vmcs } from './vmcs.js';
import { PerObject } from '../machine/per-object.js';

//
// A group of such (MSR, slot) pairs, whose slots are watched (vmcs.ts watchSlots), can be memoized as a whole:
// the MSR storage stamp and the VMCS's watched-slot version under which every pair of the group was seen equal.
export class MsrMemo {
  private readonly stamp = new Float64Array(VMCS_SLOT_COUNT).fill(-1);
  private readonly lo = new Int32Array(VMCS_SLOT_COUNT);
  private readonly hi = new Int32Array(VMCS_SLOT_COUNT);
  private readonly groupStamp = new Float64Array(MSR_GROUPS).fill(-1);
  private readonly groupVersion = new Float64Array(MSR_GROUPS);

  /**
   * Saves the MSR's value into the slot (a VM exit, SDM 28.3.1, 28.3.2); nothing to do while the two are known
   * equal. Returns whether they are equal afterwards (an absent MSR saves 0 but is not equal to it).
   */
  save(values: StampedMsrMap, msr: number, vmcs: Vmcs, slot: number): boolean {
    if (this.equal(values, vmcs, slot)) return true;
    vmcs.setBig(slot, values.get(msr) ?? 0n);
    return this.noteEqual(values, msr, vmcs, slot);
  }

  /** True when every pair of group g was seen equal and neither the MSR storage nor a watched slot changed since. */
  groupEqual(values: StampedMsrMap, vmcs: Vmcs, g: number): boolean {
    return this.groupStamp[g] === values.stamp && this.groupVersion[g] === vmcs.watchedVersion;
  }

  /** Records that every pair of group g holds equal values now (the caller has checked each). */
  noteGroupEqual(values: StampedMsrMap, vmcs: Vmcs, g: number): void {
    this.groupStamp[g] = values.stamp; this.groupVersion[g] = vmcs.watchedVersion;
  }

  /** True when the slot and the MSR were seen equal and neither changed since. */
  equal(values: StampedMsrMap, vmcs: Vmcs, slot: number): boolean {
    return this.stamp[slot] === values.stamp && this.lo[slot] === vmcs.getLo(slot) && this.hi[slot] === vmcs.getHi(slot);
  }

  /**
   * Records that the slot and `msr` hold the same value now (checked here, so a refused write records nothing);
   * returns whether they do.
   */
  noteEqual(values: StampedMsrMap, msr: number, vmcs: Vmcs, slot: number): boolean {
    if (values.get(msr) !== vmcs.getBig(slot)) return false;
    this.stamp[slot] = values.stamp; this.lo[slot] = vmcs.getLo(slot); this.hi[slot] = vmcs.getHi(slot);
    return true;
  }
}

/** How many groups a memo keeps: transitions.ts's guest and host groups, and state-controls.ts's saved MSRs. */
export const MSR_GROUPS = 3;
export const GUEST_MSR_GROUP = 0, HOST_MSR_GROUP = 1, SAVED_STATE_MSR_GROUP = 2;

const memos = new PerObject<Vmcs, MsrMemo>(() => new MsrMemo());

/** The MSR memo of a VMCS. */
export function msrMemoOf(vmcs: Vmcs): MsrMemo {
  return memos.of(vmcs);
}
