// Revalidating invalidated TLB entries instead of walking again.
//
// After an invalidation (INVLPG, MOV to CR3, VM entries and exits with VPID 0000H, SDM 3C 29.4.3.3) the
// next access must use the paging structures as they are in memory (SDM Vol. 3A 4.10.4). A walk that
// reads the same entries under the same inputs and sets no accessed or dirty flag gives the same
// translation as the invalidated entry held, and has no other effect. So an invalidation leaves the entry in
// its slot as "retired" (mmu.ts Tlb.retired) and a miss on the same page reuses it only when all of these hold:
// - no page a walk has read was written (or became or stopped being MMIO) since the entry was made:
//   PhysicalMemory.pagingGeneration is unchanged (model/machine/memory.ts);
// - the walk's inputs are identical: CR0, CR3, CR4 and IA32_EFER (CR0.PG/WP, CR3 with its PCID, CR4.PSE/
//   PAE/PGE/LA57/SMEP/SMAP/PCIDE, EFER.NXE/LMA), and the TLB context (VPID/EPTP) and PCID tag match;
// - the walk set its accessed flags (it did: the generation is read after them) and, for a write, the
//   entry already grants writes, which it does only when the dirty flag was set (paging.ts);
// - the walk was a plain one: no EPT (guest-physical paging-structure addresses, 29.3.2), no PAE PDPTE
//   registers, no entry read from an MMIO page (such translations are recorded as not reusable).
// The page-walk reads a revalidation replaces are not counted as reads (stats.tlbRevalidations counts
// them) but are charged to the clock as the walk would be, so timing does not depend on this shortcut.
import type { Cpu } from './cpu.js';

/** The inputs of the walk that made each slot's translation. */
export interface WalkInputs {
  readonly cr0: Int32Array;
  readonly cr4: Int32Array;
  readonly efer: Int32Array;
  readonly cr3Lo: Int32Array;
  readonly cr3Hi: Int32Array;
  /** PhysicalMemory.pagingGeneration after the walk, or -1 when the translation may not be reused. */
  readonly generation: Float64Array;
  /** Paging-structure entries the walk read. */
  readonly reads: Int32Array;
}

export function newWalkInputs(size: number): WalkInputs {
  return {
    cr0: new Int32Array(size), cr4: new Int32Array(size), efer: new Int32Array(size), cr3Lo: new Int32Array(size),
    cr3Hi: new Int32Array(size), generation: new Float64Array(size).fill(-1), reads: new Int32Array(size),
  };
}

/** Records the inputs of the walk that fills slot i (reads = -1: the translation may not be reused). */
export function recordWalkInputs(cpu: Cpu, inputs: WalkInputs, i: number, reads: number): void {
  inputs.cr0[i] = cpu.cr0; inputs.cr4[i] = cpu.cr4; inputs.efer[i] = cpu.efer;
  inputs.cr3Lo[i] = cpu.cr3Lo; inputs.cr3Hi[i] = cpu.cr3Hi;
  inputs.generation[i] = reads < 0 ? -1 : cpu.memory.pagingGeneration;
  inputs.reads[i] = reads;
}

/** The live slot arrays of the TLB (mmu.ts Tlb), as far as retiring needs them. */
interface Slots {
  readonly tag: Float64Array;
  readonly frame: Float64Array;
  readonly rights: Int32Array;
  readonly pcid: Int32Array;
  /**
   * The linear page number of the invalidated translation a slot still holds (frame, rights, PCID tag, span
   * and inputs stay in place until tlbInsert reuses the slot), or -1.
   */
  readonly retired: Float64Array;
  readonly inputs: WalkInputs;
}

/** Invalidates live slot i, keeping its translation as retired when it may be revalidated. */
export function retireSlot(t: Slots, i: number): void {
  t.retired[i] = t.inputs.generation[i]! >= 0 ? t.tag[i]! : -1;
  t.tag[i] = -1;
}

/**
 * On a TLB miss at slot i for linear page `page`: when the retired translation there grants `rightBit`
 * under the current PCID tag (or is global) and every condition above holds, it becomes live again and
 * its frame is returned; otherwise -1 (the caller walks).
 */
export function revalidate(cpu: Cpu, t: Slots, i: number, page: number, rightBit: number, pcidTag: number): number {
  if (t.retired[i] !== page || (t.rights[i]! & rightBit) === 0) return -1;
  const p = t.pcid[i]!;
  if (p !== pcidTag && p !== -1 - cpu.tlbContext) return -1;
  const ri = t.inputs;
  if (ri.generation[i] !== cpu.memory.pagingGeneration || cpu.ept !== undefined) return -1;
  if (ri.cr0[i] !== (cpu.cr0 | 0) || ri.cr4[i] !== (cpu.cr4 | 0) || ri.efer[i] !== (cpu.efer | 0)
    || ri.cr3Lo[i] !== (cpu.cr3Lo | 0) || ri.cr3Hi[i] !== (cpu.cr3Hi | 0)) return -1;
  t.tag[i] = page;
  t.retired[i] = -1;
  cpu.stats.tlbRevalidations++;
  cpu.cycles += ri.reads[i]! * cpu.timing.pageWalkCycles;
  return t.frame[i]!;
}
