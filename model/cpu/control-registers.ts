// Writes to CR0, CR3, CR4, CR8 and IA32_EFER, with the checks the SDM gives MOV to CR and WRMSR, and
// their effects on the execution mode, the PDPTE registers and the TLB (SDM Vol. 3A 2.5, 4.4.1,
// 4.10.4.1, 9.8.5; Vol. 2 MOV CR). Every check runs before anything changes: a #GP leaves the
// registers as they were. Privilege (CPL 0) is the instruction's business (exec/system.ts).
import type { Cpu } from './cpu.js';
import { Fault, GP } from './fault.js';
import { tlbFlushAll, tlbFlushPcid } from './mmu.js';
import { invalidateFetch } from './decode.js';
import { isPaePaging, loadPdptes, maxPhysAddr } from './paging.js';
import { crSupportedInVmx } from '../vmx/operation.js';

export const CR0_PE = 1 << 0, CR0_MP = 1 << 1, CR0_EM = 1 << 2, CR0_TS = 1 << 3, CR0_ET = 1 << 4, CR0_NE = 1 << 5,
  CR0_WP = 1 << 16, CR0_AM = 1 << 18, CR0_NW = 1 << 29, CR0_CD = 1 << 30, CR0_PG = 1 << 31;
export const CR4_VME = 1 << 0, CR4_PVI = 1 << 1, CR4_TSD = 1 << 2, CR4_DE = 1 << 3, CR4_PSE = 1 << 4, CR4_PAE = 1 << 5,
  CR4_MCE = 1 << 6, CR4_PGE = 1 << 7, CR4_PCE = 1 << 8, CR4_OSFXSR = 1 << 9, CR4_OSXMMEXCPT = 1 << 10, CR4_UMIP = 1 << 11,
  CR4_LA57 = 1 << 12, CR4_VMXE = 1 << 13, CR4_SMXE = 1 << 14, CR4_FSGSBASE = 1 << 16, CR4_PCIDE = 1 << 17,
  CR4_OSXSAVE = 1 << 18, CR4_SMEP = 1 << 20, CR4_SMAP = 1 << 21, CR4_PKE = 1 << 22;
export const EFER_SCE = 1 << 0, EFER_LME = 1 << 8, EFER_LMA = 1 << 10, EFER_NXE = 1 << 11;

/** CR0 bits that exist (SDM Vol. 3A 2.5, Figure 2-7); the others read as 0 and writes to them have no effect. */
const CR0_DEFINED = CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET | CR0_NE | CR0_WP | CR0_AM | CR0_NW | CR0_CD | CR0_PG;

/**
 * MOV to CR0 (SDM Vol. 2 MOV CR; Vol. 3A 2.5, 9.8.5). `hi` is bits 63:32 of a 64-bit source (#GP if
 * not 0). Enabling paging with EFER.LME = 1 activates IA-32e mode (LMA = 1); disabling it deactivates.
 */
export function writeCr0(cpu: Cpu, value: number, hi = 0): void {
  if (hi !== 0) throw new Fault(GP, 0);
  const v = ((value & CR0_DEFINED) | CR0_ET) >>> 0; // ET is fixed to 1 on processors since the Pentium 4
  if ((v & CR0_PG) !== 0 && (v & CR0_PE) === 0) throw new Fault(GP, 0);
  if ((v & CR0_NW) !== 0 && (v & CR0_CD) === 0) throw new Fault(GP, 0);
  // In VMX operation CR0 must keep the values IA32_VMX_CR0_FIXED0/1 require (SDM 24.8).
  if (cpu.vmx?.inVmxOperation && !crSupportedInVmx(cpu.vmx.caps, v, cpu.cr4)) throw new Fault(GP, 0);
  const old = cpu.cr0 >>> 0;
  const enablingPaging = (old & CR0_PG) === 0 && (v & CR0_PG) !== 0;
  const disablingPaging = (old & CR0_PG) !== 0 && (v & CR0_PG) === 0;
  let efer = cpu.efer;
  if (enablingPaging && (efer & EFER_LME) !== 0) {
    // IA-32e mode activation needs CR4.PAE = 1 and may not start from a 64-bit code segment (9.8.5).
    if ((cpu.cr4 & CR4_PAE) === 0) throw new Fault(GP, 0);
    if ((cpu.segAttr[1]! & (1 << 13)) !== 0) throw new Fault(GP, 0);
    efer |= EFER_LMA;
  }
  if (disablingPaging) {
    if ((cpu.cr4 & CR4_PCIDE) !== 0) throw new Fault(GP, 0); // SDM Vol. 2 MOV CR: PG may not be cleared with PCIDE = 1
    if ((efer & EFER_LMA) !== 0) {
      if (cpu.bitness === 64) throw new Fault(GP, 0); // only compatibility-mode code may leave IA-32e mode
      efer &= ~EFER_LMA;
    }
  }
  // PAE paging after the write, with PG, CD or NW changing: the PDPTEs are loaded (4.4.1).
  if (isPaePaging(v, cpu.cr4, efer) && ((old ^ v) & (CR0_PG | CR0_CD | CR0_NW)) !== 0) loadPdptes(cpu, cpu.cr3Lo);
  cpu.cr0 = v | 0;
  cpu.efer = efer;
  // PG changes invalidate every TLB entry (4.10.4.1); so do WP and PE in this model, whose TLB entries
  // hold access rights computed under them.
  if (((old ^ v) & (CR0_PG | CR0_WP | CR0_PE)) !== 0) tlbFlushAll(cpu);
  cpu.updateMode();
  invalidateFetch(cpu);
  cpu.eventCheck = true;
}

/** Bits 62:MAXPHYADDR of a 64-bit CR3 value (SDM Vol. 3A 4.5, Tables 4-12 and 4-13), as a mask of the high half. */
function cr3ReservedHi(cpu: Cpu): number {
  const m = maxPhysAddr(cpu);
  return 0x7FFF_FFFF & ~(m <= 32 ? 0 : (1 << (m - 32)) - 1);
}

/**
 * MOV to CR3 (SDM Vol. 2 MOV CR; Vol. 3A 4.10.4.1). In IA-32e mode the source is 64 bits: bits 62:M are
 * reserved, and bit 63 is the no-flush request when CR4.PCIDE = 1 (reserved otherwise) and is not
 * stored. Under PAE paging the PDPTEs are loaded from the new table (#GP(0) if one is invalid).
 * Invalidates the non-global TLB entries of the new PCID (PCID 000H without PCIDE), unless bit 63 asks not to.
 */
export function writeCr3(cpu: Cpu, lo: number, hi = 0): void {
  let noFlush = false;
  if ((cpu.efer & EFER_LMA) !== 0) {
    if ((hi & cr3ReservedHi(cpu)) !== 0) throw new Fault(GP, 0);
    if (hi < 0) {
      if ((cpu.cr4 & CR4_PCIDE) === 0) throw new Fault(GP, 0);
      noFlush = true;
      hi &= 0x7FFF_FFFF;
    }
  } else {
    hi = 0; // outside IA-32e mode CR3 is 32 bits wide
  }
  if (isPaePaging(cpu.cr0, cpu.cr4, cpu.efer)) loadPdptes(cpu, lo);
  cpu.cr3Lo = lo | 0;
  cpu.cr3Hi = hi | 0;
  if (noFlush) invalidateFetch(cpu);
  else tlbFlushPcid(cpu, (cpu.cr4 & CR4_PCIDE) !== 0 ? lo & 0xFFF : 0);
}

/**
 * MOV to CR4 (SDM Vol. 2 MOV CR; Vol. 3A 2.5, 4.10.4.1). `reserved` is the mask of bits the processor
 * does not support (from CPUID, see exec/system.ts); `hi` is bits 63:32 of a 64-bit source.
 */
export function writeCr4(cpu: Cpu, value: number, hi = 0, reserved = 0): void {
  const v = value >>> 0;
  const old = cpu.cr4 >>> 0;
  if (hi !== 0 || (v & reserved) !== 0) throw new Fault(GP, 0);
  // In VMX operation CR4 must keep the values IA32_VMX_CR4_FIXED0/1 require: VMXE stays 1 (SDM 24.8).
  if (cpu.vmx?.inVmxOperation && !crSupportedInVmx(cpu.vmx.caps, cpu.cr0, v)) throw new Fault(GP, 0);
  const lma = (cpu.efer & EFER_LMA) !== 0;
  if (lma && (v & CR4_PAE) === 0) throw new Fault(GP, 0); // leaving IA-32e mode by clearing PAE
  if (lma && ((old ^ v) & CR4_LA57) !== 0) throw new Fault(GP, 0); // LA57 cannot change in IA-32e mode
  // PCIDE may be set only in IA-32e mode and with CR3[11:0] = 000H.
  if ((old & CR4_PCIDE) === 0 && (v & CR4_PCIDE) !== 0 && (!lma || (cpu.cr3Lo & 0xFFF) !== 0)) throw new Fault(GP, 0);
  // PAE paging after the write, with PAE, PGE, PSE or SMEP changing: the PDPTEs are loaded (4.4.1).
  if (isPaePaging(cpu.cr0, v, cpu.efer) && ((old ^ v) & (CR4_PAE | CR4_PGE | CR4_PSE | CR4_SMEP)) !== 0) loadPdptes(cpu, cpu.cr3Lo);
  cpu.cr4 = v | 0;
  // Changing PGE, or clearing PCIDE, invalidates every entry including global ones (4.10.4.1); so does
  // any change to the other paging controls in this model (its TLB entries hold rights computed under them).
  if (((old ^ v) & (CR4_PGE | CR4_PAE | CR4_PSE | CR4_PCIDE | CR4_SMEP | CR4_SMAP | CR4_LA57)) !== 0) tlbFlushAll(cpu);
  invalidateFetch(cpu);
  cpu.eventCheck = true;
}

/** MOV to CR8: the task-priority class; bits 63:4 are reserved (SDM Vol. 3A 11.8.6; Vol. 2 MOV CR). */
export function writeCr8(cpu: Cpu, value: number, hi = 0): void {
  if (hi !== 0 || (value & ~0xF) !== 0) throw new Fault(GP, 0);
  cpu.cr8 = value;
  // CR8 is the local APIC's TPR[7:4]; TPR[3:0] become 0 (SDM Vol. 3A 11.8.6).
  if (cpu.apic !== undefined) { cpu.apic.setReg('TPR', value << 4); cpu.apic.update(); }
  cpu.eventCheck = true;
}

/**
 * WRMSR to IA32_EFER (C0000080h; SDM Vol. 3A 2.2.1, 9.8.5): SCE, LME and NXE are writable; LMA is
 * read-only (the value written to it is ignored); LME may not change while paging is on; other bits
 * are reserved. Returns false when WRMSR must raise #GP(0).
 */
export function writeEfer(cpu: Cpu, value: bigint): boolean {
  const allowed = BigInt(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE);
  if ((value & ~allowed) !== 0n) return false;
  const v = Number(value);
  if ((cpu.cr0 & CR0_PG) !== 0 && ((v ^ cpu.efer) & EFER_LME) !== 0) return false;
  const old = cpu.efer;
  cpu.efer = (v & ~EFER_LMA) | (cpu.efer & EFER_LMA);
  // NXE changes the meaning of bit 63 of paging entries: cached translations go.
  if (((old ^ cpu.efer) & EFER_NXE) !== 0) tlbFlushAll(cpu);
  return true;
}
