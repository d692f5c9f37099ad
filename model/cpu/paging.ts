// The paging-structure walks: 32-bit, PAE, 4-level and 5-level paging (SDM Vol. 3A chapter 4).
// A walk reads the paging-structure entries as two int32 halves (no BigInt), checks presence,
// reserved bits and access rights, sets the accessed and dirty flags, caches the translation in the
// TLB and returns the physical frame; or it raises #PF with the error code of SDM Vol. 3A 4.7.
import type { Cpu } from './cpu.js';
import { Fault, GP, PF } from './fault.js';
import {
  type Access, EXEC, MODE_SUPERVISOR_AC, MODE_USER, READ, WRITE, pageNumber, rightBit, tlbIndex, tlbInsert,
} from './mmu.js';
import { GPA_LINEAR, GPA_ONLY, GPA_PAGING, eptAllowsWrite, eptRightsMask, eptTranslate, linear } from '../ept/translate.js';
import { patIndex } from '../ept/memory-type.js';

/** Page-fault error code bits (SDM Vol. 3A 4.7, Figure 4-12). */
export const PFEC_P = 1 << 0, PFEC_W = 1 << 1, PFEC_U = 1 << 2, PFEC_RSVD = 1 << 3, PFEC_I = 1 << 4;

/** A #PF carries the linear address that CR2 receives when the exception is delivered (SDM Vol. 3A 4.7, 6.15). */
export class PageFault extends Fault {
  constructor(errorCode: number, readonly linLo: number, readonly linHi: number) {
    super(PF, errorCode);
  }
}

/** The paging modes of SDM Vol. 3A 4.1.1, Table 4-1. */
export const enum PagingMode { None = 0, Bits32 = 1, Pae = 2, Level4 = 3, Level5 = 4 }

export function pagingMode(cpu: Cpu): PagingMode {
  if ((cpu.cr0 & 0x8000_0000) === 0) return PagingMode.None;
  if ((cpu.cr4 & (1 << 5)) === 0) return PagingMode.Bits32;
  if ((cpu.efer & (1 << 10)) === 0) return PagingMode.Pae;
  return (cpu.cr4 & (1 << 12)) !== 0 ? PagingMode.Level5 : PagingMode.Level4;
}

const TWO32 = 0x1_0000_0000;
const CR0_WP = 1 << 16;
const CR4_PSE = 1 << 4, CR4_PAE = 1 << 5, CR4_PGE = 1 << 7, CR4_LA57 = 1 << 12, CR4_SMEP = 1 << 20, CR4_SMAP = 1 << 21;
const EFER_NXE = 1 << 11, EFER_LMA = 1 << 10;

/** MAXPHYADDR (SDM Vol. 3A 4.1.4; CPUID.80000008H:EAX[7:0]) from the processor's profile. */
export function maxPhysAddr(cpu: Cpu): number {
  return Math.min(52, cpu.profile.cpuid.maxPhysicalAddressBits);
}

/** Mask of the address bits 51:32 a 64-bit entry may use (bits M-1:32), as a mask of the high half. */
function physHiMask(m: number): number {
  return m <= 32 ? 0 : (1 << (m - 32)) - 1;
}

/** Bits M..51 of a 64-bit entry, as a mask of the high half: reserved (SDM Vol. 3A 4.4.2, 4.5.4). */
function rsvdHiMask(m: number): number {
  return 0xF_FFFF & ~physHiMask(m);
}

// The entries a walk used: their (guest-)physical addresses and low halves, to set A/D flags afterwards;
// under EPT also the physical address each translated to and whether EPT let it be written.
const usedAddr = new Float64Array(6);
const usedLo = new Int32Array(6);
const usedHost = new Float64Array(6);
const usedWritable = new Uint8Array(6);
let used = 0;
/** High half of the entry readEntry64 read last. */
let entryHi = 0;
/** Physical address (and EPT writability) of the entry read last: its guest-physical address translated by EPT. */
let entryHost = 0, entryWritable = 0;

/**
 * Where a paging-structure entry is: in VMX non-root operation with EPT its address is guest-physical and
 * the read goes through EPT (SDM 29.3.2: a guest paging-structure access).
 */
function entryAt(cpu: Cpu, pa: number): number {
  if (cpu.ept === undefined) { entryHost = pa; entryWritable = 1; return pa; }
  entryHost = eptTranslate(cpu, pa, READ, GPA_PAGING);
  entryWritable = eptAllowsWrite ? 1 : 0;
  return entryHost;
}

/** One paging-structure read: counted, and charged to the clock through the timing interface. */
function readEntry32(cpu: Cpu, pa: number): number {
  const at = entryAt(cpu, pa);
  cpu.stats.pageWalkReads++;
  cpu.cycles += cpu.timing.pageWalkCycles;
  return cpu.memory.read32(at);
}

function readEntry64(cpu: Cpu, pa: number): number {
  const at = entryAt(cpu, pa);
  cpu.stats.pageWalkReads++;
  cpu.cycles += cpu.timing.pageWalkCycles;
  entryHi = cpu.memory.read32(at + 4);
  return cpu.memory.read32(at);
}

function use(pa: number, lo: number): void {
  usedAddr[used] = pa;
  usedLo[used] = lo;
  usedHost[used] = entryHost;
  usedWritable[used] = entryWritable;
  used++;
}

/**
 * Raises #PF for the access (SDM Vol. 3A 4.7): W/R from the access, U/S from the mode, I/D for a fetch
 * when SMEP or (PAE and NXE) is on. The fault also drops any TLB entry for the address (4.10.4.1).
 */
function pageFault(cpu: Cpu, lo: number, hi: number, access: Access, mode: number, bits: number): never {
  let code = bits;
  if (access === WRITE) code |= PFEC_W;
  if (mode === MODE_USER) code |= PFEC_U;
  if (access === EXEC && ((cpu.cr4 & CR4_SMEP) !== 0 || ((cpu.cr4 & CR4_PAE) !== 0 && (cpu.efer & EFER_NXE) !== 0))) code |= PFEC_I;
  const i = tlbIndex(cpu, lo);
  if (cpu.tlb.tag[i] === pageNumber(lo, hi)) cpu.tlb.tag[i] = -1;
  throw new PageFault(code, lo, hi);
}

/**
 * The rights a translation grants each (access, mode) pair (SDM Vol. 3A 4.6.1): `u` and `w` are the
 * AND of U/S and R/W over the entries used, `xd` the OR of XD (only when EFER.NXE = 1).
 */
function rightsOf(cpu: Cpu, u: boolean, w: boolean, xd: boolean): number {
  const wp = (cpu.cr0 & CR0_WP) !== 0;
  const smep = (cpu.cr4 & CR4_SMEP) !== 0;
  const smap = (cpu.cr4 & CR4_SMAP) !== 0;
  let r = 0;
  // User-mode accesses: user-mode addresses only; writes need R/W = 1 whatever CR0.WP says.
  if (u) {
    r |= rightBit(READ, MODE_USER);
    if (w) r |= rightBit(WRITE, MODE_USER);
    if (!xd) r |= rightBit(EXEC, MODE_USER);
  }
  // Supervisor-mode accesses: mode 1 is explicit with EFLAGS.AC = 1 (SMAP off for data), mode 2 the rest.
  for (let mode = MODE_SUPERVISOR_AC; mode <= 2; mode++) {
    const dataOk = !u || !smap || mode === MODE_SUPERVISOR_AC;
    if (dataOk) {
      r |= rightBit(READ, mode);
      if (w || !wp) r |= rightBit(WRITE, mode);
    }
    if (!xd && !(u && smep)) r |= rightBit(EXEC, mode);
  }
  return r;
}

/**
 * Walks the paging structures for the linear address (lo, hi) and an access of `access` kind by
 * `mode` (mmu.ts MODE_*); caches the translation and returns the physical address of the 4 KiB frame,
 * or raises #PF. Entries are read in the order of SDM Vol. 3A 4.3 (32-bit), 4.4.2 (PAE), 4.5.4 (4- and
 * 5-level); a not-present entry stops the walk (P = 0), a reserved bit set in a present entry too
 * (P = 1, RSVD = 1); access rights are checked last (4.6).
 */
export function walk(cpu: Cpu, lo: number, hi: number, access: Access, mode: number): number {
  if (cpu.ept !== undefined) { linear.lo = lo; linear.hi = hi; linear.paging = true; }
  const cr4 = cpu.cr4;
  const nxe = (cpu.efer & EFER_NXE) !== 0;
  const m = maxPhysAddr(cpu);
  used = 0;
  let u = true, w = true, xd = false;
  let frame: number, span: number, finalLo: number;

  if ((cr4 & CR4_PAE) === 0) {
    // 32-bit paging (SDM Vol. 3A 4.3): 10 + 10 + 12 bits, 4-byte entries; 4 MiB pages with CR4.PSE.
    const pdeAddr = ((cpu.cr3Lo & 0xFFFF_F000) >>> 0) + ((lo >>> 22) << 2);
    const pde = readEntry32(cpu, pdeAddr);
    if ((pde & 1) === 0) pageFault(cpu, lo, hi, access, mode, 0);
    use(pdeAddr, pde);
    u = (pde & 4) !== 0; w = (pde & 2) !== 0;
    if ((pde & 0x80) !== 0 && (cr4 & CR4_PSE) !== 0) {
      // 4 MiB page; with PSE-36, PDE bits (M'-20):13 give address bits (M'-1):32 and bits 21:(M'-19)
      // are reserved, M' = min(MAXPHYADDR, 40) (Table 4-4).
      const mp = Math.min(m, 40);
      const rsvd = 0x3F_FFFF & ~((1 << (mp - 19)) - 1);
      if ((pde & rsvd) !== 0) pageFault(cpu, lo, hi, access, mode, PFEC_P | PFEC_RSVD);
      const high = (pde >>> 13) & ((1 << (mp - 32)) - 1);
      frame = high * TWO32 + ((pde & 0xFFC0_0000) >>> 0) + (lo & 0x3F_F000);
      span = 1024;
      finalLo = pde;
    } else {
      const pteAddr = ((pde & 0xFFFF_F000) >>> 0) + (((lo >>> 12) & 0x3FF) << 2);
      const pte = readEntry32(cpu, pteAddr);
      if ((pte & 1) === 0) pageFault(cpu, lo, hi, access, mode, 0);
      use(pteAddr, pte);
      u &&= (pte & 4) !== 0; w &&= (pte & 2) !== 0;
      frame = (pte & 0xFFFF_F000) >>> 0;
      span = 1;
      finalLo = pte;
    }
  } else {
    const hiMask = physHiMask(m);
    // Reserved in every PAE/4-level/5-level entry: bits 51:M, and XD (bit 63) when EFER.NXE = 0.
    let rsvdHi = rsvdHiMask(m) | (nxe ? 0 : 0x8000_0000);
    let base: number;
    let level: number; // 4 = PML5 ... 1 = PT
    if ((cpu.efer & EFER_LMA) === 0) {
      // PAE paging (SDM Vol. 3A 4.4): the PDPTE registers, then a PD and a PT of 8-byte entries.
      // Bits 62:M are reserved as well (Tables 4-8 to 4-11).
      rsvdHi |= 0x7FFF_FFFF & ~hiMask;
      const idx = lo >>> 30;
      const pLo = cpu.pdpteLo[idx]!, pHi = cpu.pdpteHi[idx]!;
      if ((pLo & 1) === 0) pageFault(cpu, lo, hi, access, mode, 0);
      base = (pHi & hiMask) * TWO32 + ((pLo & 0xFFFF_F000) >>> 0);
      level = 2;
    } else {
      base = (cpu.cr3Hi & hiMask) * TWO32 + ((cpu.cr3Lo & 0xFFFF_F000) >>> 0);
      level = (cr4 & CR4_LA57) !== 0 ? 5 : 4;
    }
    for (;;) {
      let idx: number;
      switch (level) {
        case 5: idx = (hi >>> 16) & 0x1FF; break; // linear bits 56:48
        case 4: idx = (hi >>> 7) & 0x1FF; break; // 47:39
        case 3: idx = ((hi & 0x7F) << 2) | (lo >>> 30); break; // 38:30
        case 2: idx = (lo >>> 21) & 0x1FF; break; // 29:21
        default: idx = (lo >>> 12) & 0x1FF; // 20:12
      }
      const addr = base + idx * 8;
      const eLo = readEntry64(cpu, addr), eHi = entryHi;
      if ((eLo & 1) === 0) pageFault(cpu, lo, hi, access, mode, 0);
      const ps = (eLo & 0x80) !== 0;
      // PS is reserved in PML5Es and PML4Es; the page-frame bits below the page size are reserved in
      // PDPTEs mapping 1 GiB pages (29:13) and PDEs mapping 2 MiB pages (20:13).
      let rsvdLo = 0;
      if (level >= 4) rsvdLo = 0x80;
      else if (ps && level === 3) rsvdLo = 0x3FFF_E000;
      else if (ps && level === 2) rsvdLo = 0x1F_E000;
      if ((eHi & rsvdHi) !== 0 || (eLo & rsvdLo) !== 0) pageFault(cpu, lo, hi, access, mode, PFEC_P | PFEC_RSVD);
      use(addr, eLo);
      u &&= (eLo & 4) !== 0; w &&= (eLo & 2) !== 0;
      if (nxe && eHi < 0) xd = true;
      const entryBase = (eHi & hiMask) * TWO32 + ((eLo & 0xFFFF_F000) >>> 0);
      if (level === 1) { frame = entryBase; span = 1; finalLo = eLo; break; }
      if (ps && level === 3) {
        frame = (eHi & hiMask) * TWO32 + ((eLo & 0xC000_0000) >>> 0) + (lo & 0x3FFF_F000);
        span = 262144; finalLo = eLo; break;
      }
      if (ps && level === 2) {
        frame = (eHi & hiMask) * TWO32 + ((eLo & 0xFFE0_0000) >>> 0) + (lo & 0x1F_F000);
        span = 512; finalLo = eLo; break;
      }
      base = entryBase;
      level--;
    }
  }

  // Access rights (SDM Vol. 3A 4.6).
  let rights = rightsOf(cpu, u, w, xd);
  if ((rights & rightBit(access, mode)) === 0) pageFault(cpu, lo, hi, access, mode, PFEC_P);

  // Accessed flag on every entry used, dirty flag on the entry that maps the page for a write (4.8). Under
  // EPT these updates are writes to guest-physical addresses (SDM 3C 29.3.3.2).
  const last = used - 1;
  for (let i = 0; i < used; i++) {
    const e = usedLo[i]!;
    let set = e | 0x20;
    if (i === last && access === WRITE) set |= 0x40;
    if (set === e) continue;
    const at = usedWritable[i] !== 0 ? usedHost[i]! : eptTranslate(cpu, usedAddr[i]!, WRITE, GPA_PAGING);
    cpu.memory.write32(at, set);
  }
  const dirty = access === WRITE || (finalLo & 0x40) !== 0;
  // A write through a translation made while the page was clean walks again, to set D.
  if (!dirty) rights &= ~(rightBit(WRITE, 0) | rightBit(WRITE, 1) | rightBit(WRITE, 2));
  if (cpu.ept !== undefined) {
    // The guest-physical frame goes through EPT for this access (SDM 3C 29.3.2); the TLB keeps the
    // combined mapping with the rights both grant (29.4.2).
    linear.user = u; linear.write = w; linear.xd = xd; linear.pat = patIndex(finalLo, span !== 1);
    const off = lo & 0xFFF;
    frame = eptTranslate(cpu, frame + off, access, GPA_LINEAR) - off;
    rights &= eptRightsMask(u);
  }
  const global = (finalLo & 0x100) !== 0 && (cr4 & CR4_PGE) !== 0;
  tlbInsert(cpu, lo, hi, frame, rights, global, span, reusableReads(cpu));
  return frame;
}

/**
 * The entries the walk read when its translation may be revalidated after an invalidation (tlb-revalidate.ts),
 * else -1: not under EPT, not from the PAE PDPTE registers, no entry in an MMIO page. Writes to the pages read
 * from now on end the reuse of the translation (memory.ts pagingGeneration).
 */
function reusableReads(cpu: Cpu): number {
  if (cpu.ept !== undefined || ((cpu.cr4 & CR4_PAE) !== 0 && (cpu.efer & EFER_LMA) === 0)) return -1;
  for (let i = 0; i < used; i++) if (cpu.memory.notePagingStructureRead(usedHost[i]!)) return -1;
  return used;
}

/** Reserved bits of a PAE PDPTE: 2:1, 8:5 and 63:MAXPHYADDR (SDM Vol. 3A 4.4.1, Table 4-8). */
function pdpteReserved(cpu: Cpu, lo: number, hi: number): boolean {
  const m = maxPhysAddr(cpu);
  return (lo & 0x1E6) !== 0 || (hi & ~physHiMask(m)) !== 0;
}

/**
 * Loads the four PDPTE registers from the 32-byte-aligned table CR3 points to (SDM Vol. 3A 4.4.1).
 * A present PDPTE with a reserved bit set makes the instruction fail with #GP(0) before anything
 * changes: `cr3Lo` is the CR3 value about to be used.
 */
export function loadPdptes(cpu: Cpu, cr3Lo: number): void {
  const base = (cr3Lo & 0xFFFF_FFE0) >>> 0;
  const lo = [0, 0, 0, 0], hi = [0, 0, 0, 0];
  for (let i = 0; i < 4; i++) {
    // Under EPT the table's address is guest-physical, with no linear address (SDM 3C 28.2.1, bit 7 = 0).
    const at = cpu.ept === undefined ? base + i * 8 : eptTranslate(cpu, base + i * 8, READ, GPA_ONLY);
    lo[i] = cpu.memory.read32(at);
    hi[i] = cpu.memory.read32(at + 4);
    if ((lo[i]! & 1) !== 0 && pdpteReserved(cpu, lo[i]!, hi[i]!)) throw new Fault(GP, 0);
  }
  for (let i = 0; i < 4; i++) { cpu.pdpteLo[i] = lo[i]!; cpu.pdpteHi[i] = hi[i]!; }
}

/** True when PAE paging is (or would be, for these register values) in use (SDM Vol. 3A 4.1.1). */
export function isPaePaging(cr0: number, cr4: number, efer: number): boolean {
  return (cr0 & 0x8000_0000) !== 0 && (cr4 & CR4_PAE) !== 0 && (efer & (1 << 8)) === 0;
}
