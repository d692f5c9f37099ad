// Memory accesses as instructions make them: segment (base, limit, type, canonical form), then
// translate, then read or write physical memory. Values are returned as int32 low halves; a 64-bit
// read leaves the high half in cpu.vhi.
import type { Cpu } from './cpu.js';
import { AR_UNUSABLE } from './cpu.js';
import { Fault, GP, SS_ } from './fault.js';
import { type Access, READ, WRITE, translate } from './mmu.js';
import { SS } from './registers.js';

/** Scratch outputs of linearOf (no allocation on the hot path). */
let linLo = 0, linHi = 0;

/** #GP(0), or #SS(0) for stack-segment references (SDM Vol. 3A 5.3, 6.15). */
function segFault(seg: number): never {
  throw new Fault(seg === SS ? SS_ : GP, 0);
}

/** True when bits 63:47 (or 63:56 with LA57) are all equal: the address is canonical (SDM Vol. 1 3.3.7.1). */
export function isCanonical(cpu: Cpu, lo: number, hi: number): boolean {
  const la57 = (cpu.cr4 & (1 << 12)) !== 0;
  const shift = la57 ? 7 : 16; // sign-extend from bit 56 (hi bit 24) or bit 47 (hi bit 15)
  return ((hi << shift) >> shift) === hi;
}

/**
 * Segmentation: the linear address of seg:offset for an access of `size` bytes. In 64-bit mode only FS
 * and GS add a base and no limit applies, but the address must be canonical; elsewhere the limit and
 * the segment type are checked (SDM Vol. 3A 3.4.5.1, 5.3, 5.5).
 */
function linearOf(cpu: Cpu, seg: number, offLo: number, offHi: number, size: number, access: Access): void {
  cpu.stats.memoryAccesses++; // for the timing interface: every data access an instruction makes
  if (cpu.bitness === 64) {
    if (seg >= 4) { // FS, GS
      const lo = (cpu.segBaseLo[seg]! + offLo) | 0;
      const carry = (lo >>> 0) < (offLo >>> 0) ? 1 : 0;
      linLo = lo; linHi = (cpu.segBaseHi[seg]! + offHi + carry) | 0;
    } else { linLo = offLo; linHi = offHi; }
    if (!isCanonical(cpu, linLo, linHi)) segFault(seg);
    return;
  }
  const attr = cpu.segAttr[seg]!;
  const off = offLo >>> 0;
  if ((cpu.cr0 & 1) !== 0 && (cpu.flagsValue & (1 << 17)) === 0) {
    if ((attr & AR_UNUSABLE) !== 0 || (attr & 0x80) === 0) segFault(seg); // null or not-present selector
    const type = attr & 0xF;
    if (access === WRITE && ((type & 8) !== 0 || (type & 2) === 0)) segFault(seg); // code, or read-only data
    if (access === READ && (type & 0xA) === 0x8) segFault(seg); // execute-only code
    if ((type & 0xC) === 0x4) { // expand-down data: valid offsets are (limit, top]
      const top = (attr & (1 << 14)) !== 0 ? 0xFFFF_FFFF : 0xFFFF;
      if (off <= cpu.segLimit[seg]! || off + size - 1 > top) segFault(seg);
      linLo = (cpu.segBaseLo[seg]! + offLo) | 0; linHi = 0;
      return;
    }
  }
  if (off + size - 1 > cpu.segLimit[seg]!) segFault(seg);
  linLo = (cpu.segBaseLo[seg]! + offLo) | 0;
  linHi = 0;
}

/** Physical address for the access, or -1 when it crosses a page (the caller goes byte by byte). */
function physOf(cpu: Cpu, size: number, access: Access): number {
  if ((linLo & 0xFFF) > 4096 - size) return -1;
  return translate(cpu, linLo, linHi, access);
}

function crossRead(cpu: Cpu, size: number): number {
  // Check both pages first so a fault leaves nothing half done.
  const lo0 = linLo, hi0 = linHi;
  let v = 0;
  const bytes: number[] = [];
  for (let i = 0; i < size; i++) {
    const lo = (lo0 + i) | 0;
    const hi = (lo >>> 0) < (lo0 >>> 0) ? (hi0 + 1) | 0 : hi0;
    bytes.push(translate(cpu, lo, hi, READ));
  }
  for (let i = 0; i < Math.min(size, 4); i++) v |= cpu.memory.read8(bytes[i]!) << (8 * i);
  if (size === 8) {
    let h = 0;
    for (let i = 4; i < 8; i++) h |= cpu.memory.read8(bytes[i]!) << (8 * (i - 4));
    cpu.vhi = h;
  }
  return v;
}

function crossWrite(cpu: Cpu, size: number, lo: number, hi: number): void {
  const lo0 = linLo, hi0 = linHi;
  const phys: number[] = [];
  for (let i = 0; i < size; i++) {
    const a = (lo0 + i) | 0;
    const h = (a >>> 0) < (lo0 >>> 0) ? (hi0 + 1) | 0 : hi0;
    phys.push(translate(cpu, a, h, WRITE));
  }
  for (let i = 0; i < size; i++) cpu.memory.write8(phys[i]!, (i < 4 ? lo >>> (8 * i) : hi >>> (8 * (i - 4))) & 0xFF);
}

export function read8(cpu: Cpu, seg: number, offLo: number, offHi: number): number {
  linearOf(cpu, seg, offLo, offHi, 1, READ);
  return cpu.memory.read8(translate(cpu, linLo, linHi, READ));
}

export function read16(cpu: Cpu, seg: number, offLo: number, offHi: number): number {
  linearOf(cpu, seg, offLo, offHi, 2, READ);
  const pa = physOf(cpu, 2, READ);
  return pa < 0 ? crossRead(cpu, 2) & 0xFFFF : cpu.memory.read16(pa);
}

export function read32(cpu: Cpu, seg: number, offLo: number, offHi: number): number {
  linearOf(cpu, seg, offLo, offHi, 4, READ);
  const pa = physOf(cpu, 4, READ);
  return pa < 0 ? crossRead(cpu, 4) : cpu.memory.read32(pa);
}

/** Returns the low half; the high half is left in cpu.vhi. */
export function read64(cpu: Cpu, seg: number, offLo: number, offHi: number): number {
  linearOf(cpu, seg, offLo, offHi, 8, READ);
  const pa = physOf(cpu, 8, READ);
  if (pa < 0) return crossRead(cpu, 8);
  cpu.vhi = cpu.memory.read32(pa + 4);
  return cpu.memory.read32(pa);
}

export function write8(cpu: Cpu, seg: number, offLo: number, offHi: number, v: number): void {
  linearOf(cpu, seg, offLo, offHi, 1, WRITE);
  cpu.memory.write8(translate(cpu, linLo, linHi, WRITE), v);
}

export function write16(cpu: Cpu, seg: number, offLo: number, offHi: number, v: number): void {
  linearOf(cpu, seg, offLo, offHi, 2, WRITE);
  const pa = physOf(cpu, 2, WRITE);
  if (pa < 0) crossWrite(cpu, 2, v, 0); else cpu.memory.write16(pa, v);
}

export function write32(cpu: Cpu, seg: number, offLo: number, offHi: number, v: number): void {
  linearOf(cpu, seg, offLo, offHi, 4, WRITE);
  const pa = physOf(cpu, 4, WRITE);
  if (pa < 0) crossWrite(cpu, 4, v, 0); else cpu.memory.write32(pa, v);
}

export function write64(cpu: Cpu, seg: number, offLo: number, offHi: number, lo: number, hi: number): void {
  linearOf(cpu, seg, offLo, offHi, 8, WRITE);
  const pa = physOf(cpu, 8, WRITE);
  if (pa < 0) { crossWrite(cpu, 8, lo, hi); return; }
  // Translate once for both halves: the access is inside one page.
  cpu.memory.write32(pa, lo);
  cpu.memory.write32(pa + 4, hi);
}

/** Reads of any size: the low half (zero-extended for 1 and 2 bytes); 8 bytes leave the high half in cpu.vhi. */
export function readSized(cpu: Cpu, seg: number, offLo: number, offHi: number, size: number): number {
  switch (size) {
    case 1: return read8(cpu, seg, offLo, offHi);
    case 2: return read16(cpu, seg, offLo, offHi);
    case 4: return read32(cpu, seg, offLo, offHi);
    default: return read64(cpu, seg, offLo, offHi);
  }
}

export function writeSized(cpu: Cpu, seg: number, offLo: number, offHi: number, size: number, lo: number, hi: number): void {
  switch (size) {
    case 1: write8(cpu, seg, offLo, offHi, lo); return;
    case 2: write16(cpu, seg, offLo, offHi, lo); return;
    case 4: write32(cpu, seg, offLo, offHi, lo); return;
    default: write64(cpu, seg, offLo, offHi, lo, hi);
  }
}

/**
 * A read-modify-write: the destination is checked for writing before anything changes (SDM Vol. 3A
 * 4.7: such accesses are writes), then read. Returns the low half (cpu.vhi the high).
 */
export function readForWrite(cpu: Cpu, seg: number, offLo: number, offHi: number, size: number): number {
  linearOf(cpu, seg, offLo, offHi, size, WRITE);
  if ((linLo & 0xFFF) > 4096 - size) {
    // Probe every byte for writability, then read.
    for (let i = 0; i < size; i++) {
      const a = (linLo + i) | 0;
      translate(cpu, a, (a >>> 0) < (linLo >>> 0) ? (linHi + 1) | 0 : linHi, WRITE);
    }
    return crossRead(cpu, size);
  }
  const pa = translate(cpu, linLo, linHi, WRITE);
  switch (size) {
    case 1: return cpu.memory.read8(pa);
    case 2: return cpu.memory.read16(pa);
    case 4: return cpu.memory.read32(pa);
    default: cpu.vhi = cpu.memory.read32(pa + 4); return cpu.memory.read32(pa);
  }
}

/** Supervisor-mode accesses to system structures by linear address (GDT, IDT, TSS; SDM Vol. 3A 4.6). */
export function readSystem32(cpu: Cpu, lo: number, hi: number): number {
  const pa = translate(cpu, lo, hi, READ, true);
  if ((lo & 0xFFF) <= 4092) return cpu.memory.read32(pa);
  let v = 0;
  for (let i = 0; i < 4; i++) {
    const a = (lo + i) | 0;
    v |= cpu.memory.read8(translate(cpu, a, (a >>> 0) < (lo >>> 0) ? (hi + 1) | 0 : hi, READ, true)) << (8 * i);
  }
  return v;
}

export function writeSystem32(cpu: Cpu, lo: number, hi: number, v: number): void {
  const pa = translate(cpu, lo, hi, WRITE, true);
  if ((lo & 0xFFF) <= 4092) { cpu.memory.write32(pa, v); return; }
  for (let i = 0; i < 4; i++) {
    const a = (lo + i) | 0;
    cpu.memory.write8(translate(cpu, a, (a >>> 0) < (lo >>> 0) ? (hi + 1) | 0 : hi, WRITE, true), (v >>> (8 * i)) & 0xFF);
  }
}
