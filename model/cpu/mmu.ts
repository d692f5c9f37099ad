// Linear-to-physical translation: the TLB and the entry point to the paging walks (paging.ts).
// Linear addresses are (lo, hi) int32 pairs; physical addresses are numbers.
import type { Cpu } from './cpu.js';
import { invalidateFetch } from './decode.js';
import { walk } from './paging.js';

/** Kinds of access, as the page-fault error code and the permission checks see them. */
export const READ = 0, WRITE = 1, EXEC = 2;
export type Access = typeof READ | typeof WRITE | typeof EXEC;

export interface TlbEntry {
  /** Physical address of the 4 KiB frame. */
  readonly frame: number;
  readonly writable: boolean;
  readonly user: boolean;
  readonly executeDisable: boolean;
  /** The dirty flag was already set when this entry was made (a write to a clean page walks again). */
  readonly dirty: boolean;
  readonly global: boolean;
}

export interface Tlb {
  readonly entries: Map<number, TlbEntry>;
}

export function newTlb(): Tlb {
  return { entries: new Map() };
}

/** The linear page number as an exact number (at most 45 bits). */
export function pageNumber(lo: number, hi: number): number {
  return (hi >>> 0) * 0x10_0000 + (lo >>> 12);
}

export function pagingEnabled(cpu: Cpu): boolean {
  return (cpu.cr0 & 0x8000_0000) !== 0;
}

/**
 * The physical address of a linear address for an access by the current privilege level (or a
 * supervisor-mode implicit access when `supervisor` is set), walking the paging structures on a TLB
 * miss; raises #PF as the SDM says (Vol. 3A 4.7).
 */
export function translate(cpu: Cpu, lo: number, hi: number, access: Access, supervisor = false): number {
  if (!pagingEnabled(cpu)) return lo >>> 0; // no paging: linear = physical (32-bit linear addresses)
  const key = pageNumber(lo, hi);
  const user = !supervisor && cpu.cpl === 3;
  const e = cpu.tlb.entries.get(key);
  if (e !== undefined && (access !== WRITE || (e.dirty && allowsWrite(cpu, e, user))) && (!user || e.user) && (access !== EXEC || !e.executeDisable) && !smepSmapBlocks(cpu, e, access, user, supervisor)) {
    cpu.stats.tlbHits++;
    return e.frame + (lo & 0xFFF);
  }
  cpu.stats.tlbMisses++;
  const entry = walk(cpu, lo, hi, access, user, supervisor);
  cpu.tlb.entries.set(key, entry);
  return entry.frame + (lo & 0xFFF);
}

function allowsWrite(cpu: Cpu, e: TlbEntry, user: boolean): boolean {
  return e.writable || (!user && (cpu.cr0 & 0x1_0000) === 0); // CR0.WP = 0 lets supervisor write read-only pages
}

/** SMEP/SMAP are re-checked by the walk; a TLB hit that they would refuse takes the slow path. */
function smepSmapBlocks(cpu: Cpu, e: TlbEntry, access: Access, user: boolean, supervisor: boolean): boolean {
  if (user || !e.user) return false;
  if (access === EXEC) return (cpu.cr4 & (1 << 20)) !== 0;
  return (cpu.cr4 & (1 << 21)) !== 0 || supervisor;
}

/** Physical address of the 4 KiB page of an instruction fetch. */
export function translateFetch(cpu: Cpu, pageLo: number, pageHi: number): number {
  return translate(cpu, pageLo, pageHi, EXEC) & ~0xFFF;
}

export function tlbFlushAll(cpu: Cpu): void {
  cpu.tlb.entries.clear();
  invalidateFetch(cpu);
}

/** MOV to CR3 without PCID: every non-global entry goes (SDM Vol. 3A 4.10.4.1). */
export function tlbFlushNonGlobal(cpu: Cpu): void {
  for (const [k, e] of cpu.tlb.entries) if (!e.global) cpu.tlb.entries.delete(k);
  invalidateFetch(cpu);
}

/** INVLPG: the page's entry goes, global or not. */
export function tlbFlushPage(cpu: Cpu, lo: number, hi: number): void {
  cpu.tlb.entries.delete(pageNumber(lo, hi));
  invalidateFetch(cpu);
}
