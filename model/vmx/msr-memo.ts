// VM entries and exits load MSRs from VMCS fields (SDM 27.3.2.1, 28.5.1) and save them into fields (28.3.2);
// a load that finds the MSR already holding the field's value is skipped (it would change nothing). This
// memo spares even the lookup: for a VMCS slot it records the MSR storage stamp (model/cpu/msr.ts
// StampedMsrMap) under which the slot's value and its MSR's value were last seen equal, with the slot's
// halves then. While the stamp and the halves are unchanged, the two are still equal.
import { VMCS_SLOT_COUNT } from '../generated/index.js';
import type { StampedMsrMap } from '../cpu/msr.js';
import type { Vmcs } from './vmcs.js';
import { PerObject } from '../machine/per-object.js';

export class MsrMemo {
  private readonly stamp = new Float64Array(VMCS_SLOT_COUNT).fill(-1);
  private readonly lo = new Int32Array(VMCS_SLOT_COUNT);
  private readonly hi = new Int32Array(VMCS_SLOT_COUNT);

  /** True when the slot and the MSR were seen equal and neither changed since. */
  equal(values: StampedMsrMap, vmcs: Vmcs, slot: number): boolean {
    return this.stamp[slot] === values.stamp && this.lo[slot] === vmcs.getLo(slot) && this.hi[slot] === vmcs.getHi(slot);
  }

  /** Records that the slot and `msr` hold the same value now (checked here, so a refused write records nothing). */
  noteEqual(values: StampedMsrMap, msr: number, vmcs: Vmcs, slot: number): void {
    if (values.get(msr) === vmcs.getBig(slot)) {
      this.stamp[slot] = values.stamp; this.lo[slot] = vmcs.getLo(slot); this.hi[slot] = vmcs.getHi(slot);
    }
  }
}

const memos = new PerObject<Vmcs, MsrMemo>(() => new MsrMemo());

/** The MSR memo of a VMCS. */
export function msrMemoOf(vmcs: Vmcs): MsrMemo {
  return memos.of(vmcs);
}
