// Linear-to-physical translation: the TLB and the entry point to the paging walks (paging.ts).
// Linear addresses are (lo, hi) int32 pairs; physical addresses are numbers.
//
// The TLB is direct-mapped over typed arrays (no allocation, no Map on the hot path). Each entry
// holds one 4 KiB translation; a 2 MiB, 4 MiB or 1 GiB page is cached as 4 KiB fragments, as
// SDM Vol. 3A 4.10.2.3 allows, and remembers its page size so INVLPG drops every fragment of it.
// An entry also holds the access rights the walk computed for each (access, mode) pair under the
// CR0.WP, CR4.SMEP/SMAP and EFER.NXE in force (changing those flushes the TLB), so a hit is one
// compare of the tag, one of the PCID and one bit test.
import type { Cpu } from './cpu.js';
import { invalidateFetch } from './decode.js';
import { walk } from './paging.js';
import { type WalkInputs, newWalkInputs, recordWalkInputs, retireSlot, revalidate } from './tlb-revalidate.js';
import { GPA_LINEAR, eptAccessCycles, eptTranslate, linear } from '../ept/translate.js';

/** Kinds of access, as the page-fault error code and the permission checks see them. */
export const READ = 0, WRITE = 1, EXEC = 2;
export type Access = typeof READ | typeof WRITE | typeof EXEC;

/**
 * Who makes an access (SDM Vol. 3A 4.6): a user-mode access (CPL 3, explicit), an explicit
 * supervisor-mode access with EFLAGS.AC = 1 (SMAP does not apply to its data accesses), or any other
 * supervisor-mode access (explicit with AC = 0, or implicit: GDT, LDT, IDT, TSS...).
 */
export const MODE_USER = 0, MODE_SUPERVISOR_AC = 1, MODE_SUPERVISOR = 2;

/** The rights bit of an (access, mode) pair in a TLB entry. */
export function rightBit(access: Access, mode: number): number {
  return 1 << (mode * 3 + access);
}

const TLB_BITS = 10;
export const TLB_SIZE = 1 << TLB_BITS;
const TLB_MASK = TLB_SIZE - 1;

export interface Tlb {
  /** Linear page number (bits 56:12 of the address, exact in a double), or -1 when empty. */
  readonly tag: Float64Array;
  /** Physical address of the 4 KiB frame. */
  readonly frame: Float64Array;
  /** Allowed (access, mode) pairs, see rightBit; write rights only once the dirty flag is set. */
  readonly rights: Int32Array;
  /**
   * Whose translation it is: context * 4096 + PCID, or -1 - context for a global translation (SDM Vol. 3A
   * 4.10.1, 4.10.2.4). The context is cpu.tlbContext: 0 outside VMX non-root operation; under VMX, one per
   * VPID and EPTP (model/ept/tlb.ts, SDM 3C 29.4), so context 0 behaves exactly as PCIDs alone.
   */
  readonly pcid: Int32Array;
  /** 4 KiB pages in the page the translation came from: 1, 512 (2 MiB), 1024 (4 MiB) or 262144 (1 GiB). */
  readonly span: Int32Array;
  /** Cycles each access through the translation costs for its memory type under EPT (model/ept/memory-type.ts). */
  readonly cycles: Int32Array;
  /** Slots filled since the last full flush (usedCount of them; TLB_SIZE: too many, flush every slot). */
  readonly used: Int32Array;
  usedCount: number;
  /** The inputs of the walk behind each live slot, and invalidated translations kept for revalidation (tlb-revalidate.ts). */
  readonly inputs: WalkInputs;
  /** The page number of an invalidated translation the slot still holds, for revalidation, or -1. */
  readonly retired: Float64Array;
}

export function newTlb(): Tlb {
  const t: Tlb = {
    tag: new Float64Array(TLB_SIZE), frame: new Float64Array(TLB_SIZE), rights: new Int32Array(TLB_SIZE),
    pcid: new Int32Array(TLB_SIZE), span: new Int32Array(TLB_SIZE), cycles: new Int32Array(TLB_SIZE), used: new Int32Array(TLB_SIZE), usedCount: 0,
    inputs: newWalkInputs(TLB_SIZE), retired: new Float64Array(TLB_SIZE).fill(-1),
  };
  t.tag.fill(-1);
  return t;
}

/** The linear page number as an exact number (at most 45 bits). */
export function pageNumber(lo: number, hi: number): number {
  return (hi >>> 0) * 0x10_0000 + (lo >>> 12);
}

export function pagingEnabled(cpu: Cpu): boolean {
  return (cpu.cr0 & 0x8000_0000) !== 0;
}

/** The current PCID: CR3 bits 11:0 when CR4.PCIDE = 1, else 000H (SDM Vol. 3A 4.10.1). */
export function currentPcid(cpu: Cpu): number {
  return (cpu.cr4 & (1 << 17)) !== 0 ? cpu.cr3Lo & 0xFFF : 0;
}

/**
 * The physical address of a linear address for an access by the current privilege level (or an
 * implicit supervisor-mode access when `implicit` is set), walking the paging structures on a TLB
 * miss; raises #PF as the SDM says (Vol. 3A 4.7).
 */
export function translate(cpu: Cpu, lo: number, hi: number, access: Access, implicit = false): number {
  // No paging: linear = physical (SDM Vol. 3A 4.1.1), guest-physical under EPT (3C 29.3.2).
  if ((cpu.cr0 & 0x8000_0000) === 0) return cpu.ept === undefined ? lo >>> 0 : unpagedGuestPhysical(cpu, lo, hi, access);
  const t = cpu.tlb;
  const pcid = (cpu.cr4 & (1 << 17)) !== 0 ? cpu.cr3Lo & 0xFFF : 0;
  const i = ((lo >>> 12) ^ (pcid << 4) ^ (cpu.tlbContext << 7)) & TLB_MASK;
  const mode = implicit ? MODE_SUPERVISOR : cpu.cpl === 3 ? MODE_USER : (cpu.flagsValue & (1 << 18)) !== 0 ? MODE_SUPERVISOR_AC : MODE_SUPERVISOR;
  if (t.tag[i] === (hi >>> 0) * 0x10_0000 + (lo >>> 12) && (t.rights[i]! & (1 << (mode * 3 + access))) !== 0) {
    const p = t.pcid[i]!, ctx = cpu.tlbContext;
    if (p === ctx * 4096 + pcid || p === -1 - ctx) {
      cpu.stats.tlbHits++;
      cpu.cycles += t.cycles[i]!;
      return t.frame[i]! + (lo & 0xFFF);
    }
  }
  // An invalidated translation whose walk would read and set nothing new is reused (tlb-revalidate.ts).
  const f = revalidate(cpu, t, i, (hi >>> 0) * 0x10_0000 + (lo >>> 12), 1 << (mode * 3 + access), cpu.tlbContext * 4096 + pcid);
  if (f >= 0) {
    if (t.usedCount < TLB_SIZE) t.used[t.usedCount++] = i;
    return f + (lo & 0xFFF);
  }
  cpu.stats.tlbMisses++;
  return walk(cpu, lo, hi, access, mode) + (lo & 0xFFF);
}

/** A guest without paging under EPT: its linear address is the guest-physical address (SDM 3C 29.3.2). */
function unpagedGuestPhysical(cpu: Cpu, lo: number, hi: number, access: Access): number {
  linear.lo = lo; linear.hi = hi; linear.paging = false; linear.user = false;
  return eptTranslate(cpu, lo >>> 0, access, GPA_LINEAR);
}

/**
 * The TLB slot of a linear page for the current PCID and context: the page number's low bits mixed with
 * both, so translations of one page for several PCIDs (or a guest's and the host's) can be cached at once.
 */
export function tlbIndex(cpu: Cpu, lo: number): number {
  return ((lo >>> 12) ^ (currentPcid(cpu) << 4) ^ (cpu.tlbContext << 7)) & TLB_MASK;
}

/**
 * Called by the walk: caches a translation (SDM Vol. 3A 4.10.2). `reads` is the number of paging-structure
 * entries the walk read, or -1 when its translation may not be revalidated after an invalidation.
 */
export function tlbInsert(cpu: Cpu, lo: number, hi: number, frame: number, rights: number, global: boolean, span: number, reads = -1): void {
  const t = cpu.tlb;
  const i = tlbIndex(cpu, lo);
  t.tag[i] = pageNumber(lo, hi);
  if (t.usedCount < TLB_SIZE) t.used[t.usedCount++] = i;
  t.frame[i] = frame;
  t.rights[i] = rights;
  t.pcid[i] = global ? -1 - cpu.tlbContext : cpu.tlbContext * 4096 + currentPcid(cpu);
  t.span[i] = span;
  t.cycles[i] = cpu.ept === undefined ? 0 : eptAccessCycles;
  t.retired[i] = -1;
  recordWalkInputs(cpu, t.inputs, i, reads);
}

/** Physical address of the 4 KiB page of an instruction fetch (pageLo is page-aligned). */
export function translateFetch(cpu: Cpu, pageLo: number, pageHi: number): number {
  return translate(cpu, pageLo & ~0xFFF, pageHi, EXEC);
}

const seenSlot = new Uint8Array(TLB_SIZE);

/**
 * Rewrites the list of filled slots to the slots that hold a translation now, each once, and returns how
 * many (selective flushes then visit only those; after too many fills, every slot is scanned once here).
 */
export function liveTlbSlots(t: Tlb): number {
  let w = 0;
  if (t.usedCount < TLB_SIZE) {
    for (let k = 0; k < t.usedCount; k++) {
      const i = t.used[k]!;
      if (t.tag[i]! >= 0 && seenSlot[i] === 0) { seenSlot[i] = 1; t.used[w++] = i; }
    }
    for (let k = 0; k < w; k++) seenSlot[t.used[k]!] = 0;
  } else {
    for (let i = 0; i < TLB_SIZE; i++) if (t.tag[i]! >= 0) t.used[w++] = i;
  }
  t.usedCount = w;
  return w;
}

/** Every TLB entry, global or not, for every PCID (SDM Vol. 3A 4.10.4.1: CR0.PG 1 -> 0, CR4 changes, INVPCID type 2). */
export function tlbFlushAll(cpu: Cpu): void {
  const t = cpu.tlb;
  // Only slots filled since the last full flush can hold a translation (VM entries and exits flush often).
  if (t.usedCount < TLB_SIZE) {
    for (let k = 0; k < t.usedCount; k++) { const i = t.used[k]!; if (t.tag[i]! >= 0) retireSlot(t, i); }
  } else {
    for (let i = 0; i < TLB_SIZE; i++) if (t.tag[i]! >= 0) retireSlot(t, i);
  }
  t.usedCount = 0;
  invalidateFetch(cpu);
}

/** Non-global entries of one PCID in the current context (MOV to CR3, INVPCID type 1; SDM Vol. 3A 4.10.4.1). */
export function tlbFlushPcid(cpu: Cpu, pcid: number): void {
  const t = cpu.tlb;
  const tag = cpu.tlbContext * 4096 + pcid;
  for (let i = 0; i < TLB_SIZE; i++) if (t.pcid[i] === tag) t.tag[i] = -1;
  invalidateFetch(cpu);
}

/** Non-global entries of every PCID in the current context (INVPCID type 3). */
export function tlbFlushNonGlobal(cpu: Cpu): void {
  const t = cpu.tlb;
  const from = cpu.tlbContext * 4096;
  for (let i = 0; i < TLB_SIZE; i++) { const p = t.pcid[i]!; if (p >= from && p < from + 4096) t.tag[i] = -1; }
  invalidateFetch(cpu);
}

/**
 * INVLPG: the entries for the page holding the address that belong to the current PCID, and global
 * entries, with every fragment of a larger page (SDM Vol. 3A 4.10.4.1).
 */
export function tlbFlushPage(cpu: Cpu, lo: number, hi: number): void {
  flushAddress(cpu, lo, hi, currentPcid(cpu), true);
}

/** INVPCID type 0: the entries for the address tagged with `pcid`, global ones excepted (SDM Vol. 2 INVPCID). */
export function tlbFlushAddressPcid(cpu: Cpu, lo: number, hi: number, pcid: number): void {
  flushAddress(cpu, lo, hi, pcid, false);
}

function flushAddress(cpu: Cpu, lo: number, hi: number, pcid: number, withGlobal: boolean): void {
  const t = cpu.tlb;
  const page = pageNumber(lo, hi);
  for (let i = 0; i < TLB_SIZE; i++) {
    const tag = t.tag[i]!;
    if (tag < 0) continue;
    const span = t.span[i]!;
    if (Math.floor(tag / span) !== Math.floor(page / span)) continue;
    const p = t.pcid[i]!, ctx = cpu.tlbContext;
    if (p === ctx * 4096 + pcid || (withGlobal && p === -1 - ctx)) t.tag[i] = -1;
  }
  invalidateFetch(cpu);
}
