// Writes to CR0, CR3, CR4 and IA32_EFER, with the checks the SDM gives MOV to CR and WRMSR, and their
// effects on the execution mode and the TLB (SDM Vol. 3A 2.5, 4.10.4, 9.8.5; Vol. 2 MOV CR).
import type { Cpu } from './cpu.js';
import { Fault, GP } from './fault.js';
import { tlbFlushAll, tlbFlushNonGlobal } from './mmu.js';
import { invalidateFetch } from './decode.js';

export const CR0_PE = 1 << 0, CR0_MP = 1 << 1, CR0_EM = 1 << 2, CR0_TS = 1 << 3, CR0_ET = 1 << 4, CR0_NE = 1 << 5,
  CR0_WP = 1 << 16, CR0_AM = 1 << 18, CR0_NW = 1 << 29, CR0_CD = 1 << 30, CR0_PG = 1 << 31;
export const CR4_VME = 1 << 0, CR4_PVI = 1 << 1, CR4_TSD = 1 << 2, CR4_DE = 1 << 3, CR4_PSE = 1 << 4, CR4_PAE = 1 << 5,
  CR4_MCE = 1 << 6, CR4_PGE = 1 << 7, CR4_PCE = 1 << 8, CR4_OSFXSR = 1 << 9, CR4_OSXMMEXCPT = 1 << 10, CR4_UMIP = 1 << 11,
  CR4_LA57 = 1 << 12, CR4_VMXE = 1 << 13, CR4_SMXE = 1 << 14, CR4_FSGSBASE = 1 << 16, CR4_PCIDE = 1 << 17,
  CR4_OSXSAVE = 1 << 18, CR4_SMEP = 1 << 20, CR4_SMAP = 1 << 21, CR4_PKE = 1 << 22;
export const EFER_SCE = 1 << 0, EFER_LME = 1 << 8, EFER_LMA = 1 << 10, EFER_NXE = 1 << 11;

/** MOV to CR0 (SDM Vol. 2 MOV CR; Vol. 3A 9.8.5 for IA-32e activation). */
export function writeCr0(cpu: Cpu, value: number): void {
  const v = (value | CR0_ET) >>> 0; // ET is hardwired to 1 on modern processors
  if ((v & CR0_PG) !== 0 && (v & CR0_PE) === 0) throw new Fault(GP, 0);
  if ((v & CR0_NW) !== 0 && (v & CR0_CD) === 0) throw new Fault(GP, 0);
  const old = cpu.cr0 >>> 0;
  const enablingPaging = (old & CR0_PG) === 0 && (v & CR0_PG) !== 0;
  const disablingPaging = (old & CR0_PG) !== 0 && (v & CR0_PG) === 0;
  if (enablingPaging && (cpu.efer & EFER_LME) !== 0) {
    if ((cpu.cr4 & CR4_PAE) === 0) throw new Fault(GP, 0);
    cpu.efer |= EFER_LMA; // IA-32e mode becomes active
  }
  if (disablingPaging && cpu.longMode) {
    if (cpu.bitness === 64) throw new Fault(GP, 0); // paging cannot be turned off from 64-bit code
    cpu.efer &= ~EFER_LMA;
  }
  cpu.cr0 = v | 0;
  if (((old ^ v) & (CR0_PG | CR0_WP | CR0_PE)) !== 0) tlbFlushAll(cpu);
  cpu.updateMode();
  invalidateFetch(cpu);
}

/** MOV to CR3: the new paging-structure root; flushes non-global TLB entries (SDM Vol. 3A 4.10.4.1). */
export function writeCr3(cpu: Cpu, lo: number, hi: number): void {
  cpu.cr3Lo = lo | 0;
  cpu.cr3Hi = hi | 0;
  tlbFlushNonGlobal(cpu);
}

/** MOV to CR4. */
export function writeCr4(cpu: Cpu, value: number): void {
  const old = cpu.cr4 >>> 0;
  const v = value >>> 0;
  if (cpu.longMode && (v & CR4_PAE) === 0) throw new Fault(GP, 0);
  cpu.cr4 = v | 0;
  if (((old ^ v) & (CR4_PGE | CR4_PAE | CR4_PSE | CR4_PCIDE | CR4_SMEP | CR4_SMAP | CR4_LA57)) !== 0) tlbFlushAll(cpu);
  invalidateFetch(cpu);
}

/** WRMSR to IA32_EFER (C0000080h): LMA is read-only; LME may not change while paging is on. */
export function writeEfer(cpu: Cpu, value: bigint): boolean {
  const allowed = BigInt(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE);
  if ((value & ~allowed) !== 0n) return false;
  const v = Number(value);
  if ((cpu.cr0 & CR0_PG) !== 0 && ((v ^ cpu.efer) & EFER_LME) !== 0) return false;
  cpu.efer = (v & ~EFER_LMA) | (cpu.efer & EFER_LMA);
  tlbFlushAll(cpu);
  return true;
}
