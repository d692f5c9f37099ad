// Segmentation as the system instructions and event delivery use it (SDM Vol. 3A chapter 3, 5; Vol. 2
// MOV, POP, LDS/LES/LFS/LGS/LSS, JMP, CALL, RET, IRET): reading descriptors from the GDT and LDT,
// loading segment registers with their checks, stack accesses for multi-value pushes and pops, the
// TSS stack pointers and the TSS I/O permission bitmap.
//
// Descriptor words are read into the module-level `desc` record (no allocation); segment attributes
// are kept in the VMCS access-rights format (SDM Vol. 3C 25.4.1): descriptor bits 47:40 and 55:52.
import type { Cpu } from './cpu.js';
import { AR_UNUSABLE } from './cpu.js';
import { Fault, GP, NP, SS_, TS } from './fault.js';
import { isCanonical, readSystem32, writeSystem32 } from './access.js';
import { type Access, READ, WRITE, translate } from './mmu.js';
import { CS, DS, ES, FS, GS, LDTR, RSP, SS, TR } from './registers.js';
import { invalidateFetch } from './decode.js';

/** Descriptor-type values (SDM Vol. 3A 3.5, Table 3-2; 64-bit forms in IA-32e mode). */
export const DT_LDT = 0x2, DT_TSS16_AVAIL = 0x1, DT_TSS16_BUSY = 0x3, DT_CALL_GATE16 = 0x4, DT_TASK_GATE = 0x5,
  DT_INT_GATE16 = 0x6, DT_TRAP_GATE16 = 0x7, DT_TSS_AVAIL = 0x9, DT_TSS_BUSY = 0xB, DT_CALL_GATE = 0xC,
  DT_INT_GATE = 0xE, DT_TRAP_GATE = 0xF;

/** The descriptor read last: its two (or, for 16-byte system descriptors, four) dwords and its linear address. */
export const desc = { lo: 0, hi: 0, upper: 0, upper2: 0, addrLo: 0, addrHi: 0 };

/** Fields of a descriptor's high dword (SDM Vol. 3A 3.4.5, Figure 3-8). */
export function descType(hi: number): number { return (hi >>> 8) & 0xF; }
export function descS(hi: number): boolean { return (hi & 0x1000) !== 0; }
export function descDpl(hi: number): number { return (hi >>> 13) & 3; }
export function descPresent(hi: number): boolean { return (hi & 0x8000) !== 0; }
export function descL(hi: number): boolean { return (hi & 0x20_0000) !== 0; }
export function descDb(hi: number): boolean { return (hi & 0x40_0000) !== 0; }

/** Base address bits 31:0. */
export function descBase(lo: number, hi: number): number {
  return ((lo >>> 16) | ((hi & 0xFF) << 16) | (hi & 0xFF00_0000)) | 0;
}

/** The limit in bytes - 1, scaled by G (SDM Vol. 3A 3.4.5). */
export function descLimit(lo: number, hi: number): number {
  const raw = (lo & 0xFFFF) | (hi & 0xF_0000);
  return (hi & 0x80_0000) !== 0 ? raw * 4096 + 0xFFF : raw;
}

/** Attributes in the access-rights format: type, S, DPL, P (7:0), AVL, L, D/B, G (15:12). */
export function descAttr(hi: number): number {
  return (hi >>> 8) & 0xF0FF;
}

/** A gate's offset bits 31:0 and its target selector (SDM Vol. 3A Figures 5-8, 6-2, 6-8). */
export function gateOffset(lo: number, hi: number): number { return (lo & 0xFFFF) | (hi & 0xFFFF_0000); }
export function gateSelector(lo: number): number { return lo >>> 16; }

export function isCodeDescriptor(hi: number): boolean { return descS(hi) && (hi & 0x800) !== 0; }
/** A 64-bit code segment: L = 1 and D = 0 in IA-32e mode (SDM Vol. 3A 5.2.1). */
export function is64Code(cpu: Cpu, hi: number): boolean { return cpu.longMode && descL(hi) && !descDb(hi); }
export function isConforming(hi: number): boolean { return (hi & 0x400) !== 0; }
export function isWritableData(hi: number): boolean { return descS(hi) && (hi & 0xA00) === 0x200; }
export function isReadable(hi: number): boolean { return descS(hi) && ((hi & 0x800) === 0 || (hi & 0x200) !== 0); }

/** Selector error code: index, TI and the EXT bit (SDM Vol. 3A 6.13). */
export function selectorError(sel: number, ext = 0): number {
  return (sel & 0xFFFC) | ext;
}

export function protectedMode(cpu: Cpu): boolean {
  return (cpu.cr0 & 1) !== 0;
}

export function v86Mode(cpu: Cpu): boolean {
  return (cpu.cr0 & 1) !== 0 && (cpu.flagsValue & (1 << 17)) !== 0;
}

// Scratch for linear-address sums.
let sumLo = 0, sumHi = 0;

/** base + offset as a linear address: 64-bit in IA-32e mode (system-table bases), 32-bit otherwise. */
function linearSum(cpu: Cpu, baseLo: number, baseHi: number, off: number): void {
  const lo = (baseLo + off) | 0;
  if (cpu.longMode) {
    const carry = (lo >>> 0) < (baseLo >>> 0) ? 1 : 0;
    sumLo = lo; sumHi = (baseHi + carry) | 0;
  } else { sumLo = lo; sumHi = 0; }
}

/**
 * Reads the descriptor `sel` selects from the GDT or LDT into `desc` (8 bytes, 16 with `wide`: system
 * descriptors in IA-32e mode, SDM Vol. 3A 7.2.3, 5.8.3.1). Returns false when the descriptor lies
 * beyond the table limit (or TI = 1 with no usable LDT); the caller raises its own fault. The reads are
 * implicit supervisor-mode accesses (SDM Vol. 3A 4.6).
 */
export function readDescriptor(cpu: Cpu, sel: number, wide = false): boolean {
  const index = sel & 0xFFF8;
  let baseLo: number, baseHi: number, limit: number;
  if ((sel & 4) !== 0) {
    if ((cpu.segAttr[LDTR]! & AR_UNUSABLE) !== 0) return false;
    baseLo = cpu.segBaseLo[LDTR]!; baseHi = cpu.segBaseHi[LDTR]!; limit = cpu.segLimit[LDTR]!;
  } else {
    baseLo = cpu.gdtrBaseLo; baseHi = cpu.gdtrBaseHi; limit = cpu.gdtrLimit;
  }
  if (index + (wide ? 15 : 7) > limit) return false;
  linearSum(cpu, baseLo, baseHi, index);
  const aLo = sumLo, aHi = sumHi;
  desc.addrLo = aLo; desc.addrHi = aHi;
  desc.lo = readSystem32(cpu, aLo, aHi);
  linearSum(cpu, aLo, aHi, 4);
  desc.hi = readSystem32(cpu, sumLo, sumHi);
  if (wide) {
    linearSum(cpu, aLo, aHi, 8);
    desc.upper = readSystem32(cpu, sumLo, sumHi);
    linearSum(cpu, aLo, aHi, 12);
    desc.upper2 = readSystem32(cpu, sumLo, sumHi);
  } else {
    desc.upper = 0; desc.upper2 = 0;
  }
  return true;
}

/** Sets the accessed bit of a descriptor in memory, if it is clear (SDM Vol. 3A 3.4.5.1); returns the new high dword. */
export function markAccessed(cpu: Cpu, addrLo: number, addrHi: number, hi: number): number {
  if ((hi & 0x100) !== 0) return hi;
  linearSum(cpu, addrLo, addrHi, 4);
  writeSystem32(cpu, sumLo, sumHi, hi | 0x100);
  return hi | 0x100;
}

/** The same for the descriptor in `desc`. */
export function setAccessed(cpu: Cpu): void {
  desc.hi = markAccessed(cpu, desc.addrLo, desc.addrHi, desc.hi);
}

/** Sets the busy bit of the TSS descriptor in `desc`, in memory (SDM Vol. 3A 7.2.2). */
export function setBusy(cpu: Cpu): void {
  desc.hi |= 0x200;
  linearSum(cpu, desc.addrLo, desc.addrHi, 4);
  writeSystem32(cpu, sumLo, sumHi, desc.hi);
}

/** Loads a segment register from descriptor words (base bits 63:32 from `baseHi`). */
export function loadDescriptor(cpu: Cpu, seg: number, sel: number, lo: number, hi: number, baseHi = 0): void {
  cpu.loadSegmentRaw(seg, sel, descBase(lo, hi), baseHi, descLimit(lo, hi), descAttr(hi));
  if (seg === CS) invalidateFetch(cpu);
}

/** Loads a segment register from the descriptor in `desc`. */
export function loadFromDescriptor(cpu: Cpu, seg: number, sel: number, baseHi = 0): void {
  loadDescriptor(cpu, seg, sel, desc.lo, desc.hi, baseHi);
}

/**
 * A null selector in a data-segment register: the register becomes unusable. On Intel processors the
 * base is cleared as well (the DPL is kept for SS, where it is the CPL; SDM Vol. 3C 25.4.1).
 */
export function loadNull(cpu: Cpu, seg: number, sel: number, dpl = 0): void {
  cpu.loadSegmentRaw(seg, sel, 0, 0, 0, AR_UNUSABLE | (dpl << 5));
}

/** Real-address and virtual-8086 mode: base = selector * 16 (SDM Vol. 3A 20.1.1, 20.2). */
export function loadReal(cpu: Cpu, seg: number, sel: number): void {
  if (v86Mode(cpu)) {
    // Virtual-8086 segments: limit FFFFh, DPL 3, present, read/write data, accessed (SDM Vol. 3A 20.2.1).
    cpu.loadSegmentRaw(seg, sel, sel << 4, 0, 0xFFFF, 0xF3);
  } else {
    cpu.loadSegmentRaw(seg, sel, sel << 4, 0, cpu.segLimit[seg]!, cpu.segAttr[seg]! & ~AR_UNUSABLE);
  }
  if (seg === CS) invalidateFetch(cpu);
}

/**
 * MOV Sreg, POP Sreg and LDS/LES/LFS/LGS/LSS: loads ES, SS, DS, FS or GS with the checks of SDM Vol. 2
 * MOV (protected-mode operation) and Vol. 3A 5.5-5.6: #GP(selector) for a bad type or privilege,
 * #NP(selector) (#SS(selector) for SS) for a not-present segment, #GP(0) for a null SS.
 */
export function loadDataSegment(cpu: Cpu, seg: number, sel: number): void {
  if (!protectedMode(cpu) || v86Mode(cpu)) { loadReal(cpu, seg, sel); return; }
  const rpl = sel & 3;
  const cpl = cpu.cpl;
  if (seg === SS) {
    if ((sel & 0xFFFC) === 0) {
      // 64-bit mode allows a null SS at CPL < 3 when RPL = CPL (SDM Vol. 2 MOV, 64-bit mode exceptions).
      if (cpu.bitness === 64 && cpl < 3 && rpl === cpl) { loadNull(cpu, SS, sel, cpl); return; }
      throw new Fault(GP, 0);
    }
    if (!readDescriptor(cpu, sel)) throw new Fault(GP, selectorError(sel));
    const hi = desc.hi;
    if (rpl !== cpl || descDpl(hi) !== cpl || !isWritableData(hi)) throw new Fault(GP, selectorError(sel));
    if (!descPresent(hi)) throw new Fault(SS_, selectorError(sel));
  } else {
    if ((sel & 0xFFFC) === 0) { loadNull(cpu, seg, sel); return; }
    if (!readDescriptor(cpu, sel)) throw new Fault(GP, selectorError(sel));
    const hi = desc.hi;
    if (!isReadable(hi)) throw new Fault(GP, selectorError(sel));
    // Data and non-conforming code: RPL and CPL must both be at most DPL.
    if ((!isCodeDescriptor(hi) || !isConforming(hi)) && (rpl > descDpl(hi) || cpl > descDpl(hi))) {
      throw new Fault(GP, selectorError(sel));
    }
    if (!descPresent(hi)) throw new Fault(NP, selectorError(sel));
  }
  setAccessed(cpu);
  loadFromDescriptor(cpu, seg, sel);
}

/**
 * After a return to an outer privilege level (RET far, IRET): a data-segment register that holds a
 * segment the new CPL may not use (data or non-conforming code with DPL < CPL) is made null (SDM Vol. 2
 * RET, IRET: "FOR each of segment register ES, FS, GS, DS").
 */
export function nullInaccessibleSegments(cpu: Cpu, newCpl: number): void {
  for (const seg of [ES, DS, FS, GS]) {
    const attr = cpu.segAttr[seg]!;
    if ((attr & AR_UNUSABLE) !== 0) continue;
    const code = (attr & 0x18) === 0x18, conforming = (attr & 0x1C) === 0x1C;
    if ((!code || !conforming) && ((attr >>> 5) & 3) < newCpl) loadNull(cpu, seg, 0);
  }
}

/**
 * Reads and checks the code segment a far return (RET far, IRET) goes back to, with the checks of SDM
 * Vol. 2 RET and IRET: #GP(0) for a null selector; #GP(selector) beyond the table, for a segment that is
 * not code, for RPL < CPL, for DPL other than RPL (above RPL for conforming code) and for L and D both
 * set in IA-32e mode; #NP(selector) when not present. The descriptor is left in `desc`.
 */
export function checkReturnCodeSegment(cpu: Cpu, sel: number): void {
  if ((sel & 0xFFFC) === 0) throw new Fault(GP, 0);
  if (!readDescriptor(cpu, sel)) throw new Fault(GP, selectorError(sel));
  const hi = desc.hi, rpl = sel & 3, dpl = descDpl(hi);
  if (!isCodeDescriptor(hi) || rpl < cpu.cpl) throw new Fault(GP, selectorError(sel));
  if (isConforming(hi) ? dpl > rpl : dpl !== rpl) throw new Fault(GP, selectorError(sel));
  if (!descPresent(hi)) throw new Fault(NP, selectorError(sel));
  if (cpu.longMode && descL(hi) && descDb(hi)) throw new Fault(GP, selectorError(sel));
}

/**
 * Reads and checks the stack segment a return to privilege level `rpl` loads (SDM Vol. 2 RET, IRET): a
 * null selector is allowed only for a return to 64-bit code at CPL < 3 (else #GP(0)); otherwise
 * #GP(selector) beyond the table, for RPL or DPL other than `rpl` or a segment that is not writable
 * data, and #SS(selector) when not present. Returns true for a null selector; else the descriptor is
 * left in `desc`.
 */
export function checkReturnStackSegment(cpu: Cpu, ssSel: number, rpl: number, target64: boolean): boolean {
  if ((ssSel & 0xFFFC) === 0) {
    if (!(target64 && rpl < 3)) throw new Fault(GP, 0);
    return true;
  }
  if (!readDescriptor(cpu, ssSel)) throw new Fault(GP, selectorError(ssSel));
  const hi = desc.hi;
  if ((ssSel & 3) !== rpl || descDpl(hi) !== rpl || !isWritableData(hi)) throw new Fault(GP, selectorError(ssSel));
  if (!descPresent(hi)) throw new Fault(SS_, selectorError(ssSel));
  return false;
}

// ---- The stack pointer, and pushes onto a stack by explicit base, limit and pointer.

/**
 * Sets the stack pointer to (lo, hi) at a stack-address size of 2, 4 or 8 bytes (SDM Vol. 1 6.2.3):
 * SP keeps RSP's bits above 15, ESP leaves bits 63:32 as they are, RSP takes both halves.
 */
export function setStackPointer(cpu: Cpu, size: number, lo: number, hi: number): void {
  if (size === 8) { cpu.lo[RSP] = lo; cpu.hi[RSP] = hi; }
  else if (size === 4) cpu.lo[RSP] = lo;
  else cpu.lo[RSP] = (cpu.lo[RSP]! & ~0xFFFF) | (lo & 0xFFFF);
}

/**
 * A stack that is not (yet) SS: event delivery and far calls push onto the new stack before loading
 * SS:RSP. Each push checks the segment limit (legacy modes) or canonical form (64-bit) and raises
 * #SS(errorCode); the writes are supervisor-mode accesses when `implicit` (the new CPL is below 3).
 */
export class NewStack {
  baseLo = 0; limit = 0; attr = 0;
  spLo = 0; spHi = 0;
  /** 2, 4 or 8: how RSP wraps. */
  addrSize: 2 | 4 | 8 = 4;
  errorCode = 0;
  implicit = false;

  /** Sets up for pushes onto the current stack (at the current privilege level). */
  current(cpu: Cpu, errorCode: number): this {
    this.baseLo = cpu.segBaseLo[SS]!; this.limit = cpu.segLimit[SS]!; this.attr = cpu.segAttr[SS]!;
    this.spLo = cpu.lo[4]!; this.spHi = cpu.hi[4]!;
    this.addrSize = cpu.bitness === 64 ? 8 : (this.attr & (1 << 14)) !== 0 ? 4 : 2;
    if (this.addrSize !== 8) this.spHi = 0;
    this.errorCode = errorCode; this.implicit = false;
    return this;
  }

  /** Sets up for pushes onto a 64-bit stack (IA-32e mode): no base or limit, canonical checks. */
  flat(spLo: number, spHi: number, errorCode: number, implicit: boolean): this {
    this.baseLo = 0; this.limit = 0; this.attr = 0; this.addrSize = 8;
    this.spLo = spLo; this.spHi = spHi;
    this.errorCode = errorCode; this.implicit = implicit;
    return this;
  }

  /** Sets up for supervisor-mode pushes onto the stack segment with descriptor words (lo, hi), from `sp`. */
  inSegment(lo: number, hi: number, sp: number, errorCode: number): this {
    this.baseLo = descBase(lo, hi); this.limit = descLimit(lo, hi); this.attr = descAttr(hi);
    this.addrSize = descDb(hi) ? 4 : 2;
    this.spLo = sp; this.spHi = 0;
    this.errorCode = errorCode; this.implicit = true;
    return this;
  }

  /** Loads RSP with the pointer after the pushes, at this stack's address size (setStackPointer). */
  commit(cpu: Cpu): void {
    setStackPointer(cpu, this.addrSize, this.spLo, this.spHi);
  }

  /** Decrements the stack pointer by `size` and writes the value there. */
  push(cpu: Cpu, size: 2 | 4 | 8, lo: number, hi = 0): void {
    let off: number;
    if (this.addrSize === 8) {
      const s = (this.spLo >>> 0) - size;
      this.spHi = (this.spHi + (s < 0 ? -1 : 0)) | 0;
      this.spLo = s | 0;
      if (!isCanonical(cpu, this.spLo, this.spHi)) throw new Fault(SS_, this.errorCode);
      writeLinear(cpu, this.spLo, this.spHi, size, lo, hi, this.implicit);
      return;
    }
    if (this.addrSize === 4) { this.spLo = (this.spLo - size) | 0; off = this.spLo >>> 0; }
    else { this.spLo = (this.spLo & ~0xFFFF) | ((this.spLo - size) & 0xFFFF); off = this.spLo & 0xFFFF; }
    if (!withinLimit(this.attr, this.limit, off, size)) throw new Fault(SS_, this.errorCode);
    writeLinear(cpu, (this.baseLo + off) | 0, 0, size, lo, hi, this.implicit);
  }
}

/** True when [off, off+size) lies inside a data segment (expand-up or expand-down; SDM Vol. 3A 5.3). */
export function withinLimit(attr: number, limit: number, off: number, size: number): boolean {
  if ((attr & 0x1C) === 0x14) { // expand-down data
    const top = (attr & (1 << 14)) !== 0 ? 0xFFFF_FFFF : 0xFFFF;
    return off > limit && off + size - 1 <= top;
  }
  return off + size - 1 <= limit;
}

/** Writes 2, 4 or 8 bytes at a linear address, translating every page touched before writing any byte. */
export function writeLinear(cpu: Cpu, lo: number, hi: number, size: number, vlo: number, vhi: number, implicit: boolean): void {
  const pa = translateRange(cpu, lo, hi, size, WRITE, implicit);
  if (pa >= 0) {
    if (size === 2) cpu.memory.write16(pa, vlo);
    else if (size === 4) cpu.memory.write32(pa, vlo);
    else { cpu.memory.write32(pa, vlo); cpu.memory.write32(pa + 4, vhi); }
    return;
  }
  for (let i = 0; i < size; i++) {
    const a = (lo + i) | 0;
    const h = (a >>> 0) < (lo >>> 0) ? (hi + 1) | 0 : hi;
    cpu.memory.write8(translate(cpu, a, h, WRITE, implicit), (i < 4 ? vlo >>> (8 * i) : vhi >>> (8 * (i - 4))) & 0xFF);
  }
}

/** Reads 2, 4 or 8 bytes at a linear address (8: high half in cpu.vhi). */
export function readLinear(cpu: Cpu, lo: number, hi: number, size: number, implicit: boolean): number {
  const pa = translateRange(cpu, lo, hi, size, READ, implicit);
  if (pa >= 0) {
    if (size === 2) return cpu.memory.read16(pa);
    if (size === 4) return cpu.memory.read32(pa);
    cpu.vhi = cpu.memory.read32(pa + 4);
    return cpu.memory.read32(pa);
  }
  let v = 0, h = 0;
  for (let i = 0; i < size; i++) {
    const a = (lo + i) | 0;
    const ah = (a >>> 0) < (lo >>> 0) ? (hi + 1) | 0 : hi;
    const b = cpu.memory.read8(translate(cpu, a, ah, READ, implicit));
    if (i < 4) v |= b << (8 * i); else h |= b << (8 * (i - 4));
  }
  cpu.vhi = h;
  return size === 2 ? v & 0xFFFF : v;
}

/** The physical address of an access inside one page, or -1 after checking every page of a crossing one. */
function translateRange(cpu: Cpu, lo: number, hi: number, size: number, access: Access, implicit: boolean): number {
  if ((lo & 0xFFF) <= 4096 - size) return translate(cpu, lo, hi, access, implicit);
  for (let i = 0; i < size; i++) {
    const a = (lo + i) | 0;
    translate(cpu, a, (a >>> 0) < (lo >>> 0) ? (hi + 1) | 0 : hi, access, implicit);
  }
  return -1;
}

// ---- The task-state segment (SDM Vol. 3A 7.2.1 32-bit TSS, 7.7 64-bit TSS).

/** True when TR holds a 16-bit TSS (types 1 and 3). */
export function tss16(cpu: Cpu): boolean {
  return (cpu.segAttr[TR]! & 0x8) === 0;
}

/** Raises #TS(TR selector + EXT) unless the TSS byte at `lastByte` lies within the TSS limit (SDM Vol. 2 INT n). */
export function checkTssLimit(cpu: Cpu, lastByte: number, ext: number): void {
  if (lastByte > cpu.segLimit[TR]! || (cpu.segAttr[TR]! & AR_UNUSABLE) !== 0) {
    throw new Fault(TS, selectorError(cpu.segSel[TR]!, ext));
  }
}

/** Reads `size` bytes (2, 4 or 8) of the TSS at `offset`, or raises #TS(TR selector + EXT) beyond its limit. */
export function readTss(cpu: Cpu, offset: number, size: 2 | 4 | 8, ext: number): number {
  checkTssLimit(cpu, offset + size - 1, ext);
  linearSum(cpu, cpu.segBaseLo[TR]!, cpu.segBaseHi[TR]!, offset);
  return readLinear(cpu, sumLo, sumHi, size, true);
}

/**
 * The stack for a transfer to the more privileged level `dpl` (SDM Vol. 3A 6.12.1, 5.8.5; Vol. 2 CALL
 * and INT n): SSn:(E)SPn from the 16- or 32-bit TSS in TR, and the checks of the new SS: #TS(EXT) for a
 * null selector, #TS(selector + EXT) beyond the table, for RPL or DPL other than `dpl` or a segment that
 * is not writable data, #SS(selector + EXT) when not present. Sets `stack` up for the pushes and returns
 * the SS selector; its descriptor is left in `desc`.
 */
export function innerStack(cpu: Cpu, dpl: number, ext: number, stack: NewStack): number {
  let newSp: number, newSs: number;
  if (tss16(cpu)) {
    newSp = readTss(cpu, 2 + 4 * dpl, 2, ext);
    newSs = readTss(cpu, 4 + 4 * dpl, 2, ext) & 0xFFFF;
  } else {
    newSp = readTss(cpu, 4 + 8 * dpl, 4, ext);
    newSs = readTss(cpu, 8 + 8 * dpl, 2, ext) & 0xFFFF;
  }
  if ((newSs & 0xFFFC) === 0) throw new Fault(TS, ext);
  if (!readDescriptor(cpu, newSs)) throw new Fault(TS, selectorError(newSs, ext));
  const hi = desc.hi;
  if ((newSs & 3) !== dpl || descDpl(hi) !== dpl || !isWritableData(hi)) throw new Fault(TS, selectorError(newSs, ext));
  if (!descPresent(hi)) throw new Fault(SS_, selectorError(newSs, ext));
  stack.inSegment(desc.lo, hi, newSp, selectorError(newSs, ext));
  return newSs;
}

/**
 * The I/O permission bitmap check (SDM Vol. 1 19.5.2): with a 32- or 64-bit TSS in TR, the bits for
 * ports [port, port + size) must all be 0 and the two bytes holding them must lie within the TSS limit;
 * the bitmap starts at the offset the TSS holds at 66h.
 */
export function ioBitmapAllows(cpu: Cpu, port: number, size: number): boolean {
  const attr = cpu.segAttr[TR]!;
  if ((attr & AR_UNUSABLE) !== 0 || (attr & 0xF) !== DT_TSS_BUSY || (attr & 0x80) === 0) return false;
  const limit = cpu.segLimit[TR]!;
  if (0x67 > limit) return false;
  linearSum(cpu, cpu.segBaseLo[TR]!, cpu.segBaseHi[TR]!, 0x66);
  const mapBase = readLinear(cpu, sumLo, sumHi, 2, true) & 0xFFFF;
  const byte = mapBase + (port >>> 3);
  if (byte + 1 > limit) return false;
  linearSum(cpu, cpu.segBaseLo[TR]!, cpu.segBaseHi[TR]!, byte);
  const bits = readLinear(cpu, sumLo, sumHi, 2, true) & 0xFFFF;
  const mask = ((1 << size) - 1) << (port & 7);
  return (bits & mask) === 0;
}
