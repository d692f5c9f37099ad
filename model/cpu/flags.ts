// RFLAGS with lazily computed arithmetic flags. An ALU instruction records its operands and result;
// CF, PF, AF, ZF, SF and OF are computed only when something reads them. Decided once, here: the
// record holds 32-bit halves (lo as int32, hi for 64-bit operations), so no BigInt is involved.
import type { Cpu } from './cpu.js';

/** RFLAGS bits (SDM Vol. 1 3.4.3, Vol. 3A 2.3). */
export const CF = 1 << 0, FIXED1 = 1 << 1, PF = 1 << 2, AF = 1 << 4, ZF = 1 << 6, SF = 1 << 7, TF = 1 << 8,
  IF = 1 << 9, DF = 1 << 10, OF = 1 << 11, IOPL = 3 << 12, NT = 1 << 14, RF = 1 << 16, VM = 1 << 17, AC = 1 << 18,
  VIF = 1 << 19, VIP = 1 << 20, ID = 1 << 21;
export const ARITH = CF | PF | AF | ZF | SF | OF;

/** The I/O privilege level, RFLAGS bits 13:12 (never lazy). */
export function iopl(c: Cpu): number {
  return (c.flagsValue >>> 12) & 3;
}

/** What the lazy record describes. */
export const enum FlagOp {
  /** The arithmetic flags are materialized in cpu.flagsValue. */
  None = 0,
  Add, Adc, Sub, Sbb, Logic, Inc, Dec, Neg,
  /**
   * SF, ZF and PF come from the result; CF, AF and OF were computed by the instruction and sit in
   * flagsCin at their RFLAGS positions (shifts, SHLD/SHRD, multiplies, TZCNT/LZCNT).
   */
  Result,
}

const PARITY = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
  let b = i, p = 1;
  while (b) { p ^= b & 1; b >>= 1; }
  PARITY[i] = p; // PF = 1 for an even number of 1 bits in the low byte
}

/** Sign bit position of each operand size in bytes; 8 uses the hi half. */
function signOf(size: number, lo: number, hi: number): number {
  switch (size) {
    case 1: return (lo >>> 7) & 1;
    case 2: return (lo >>> 15) & 1;
    case 4: return lo >>> 31;
    default: return hi >>> 31;
  }
}

function maskLo(size: number, v: number): number {
  return size === 1 ? v & 0xFF : size === 2 ? v & 0xFFFF : v >>> 0;
}

/** Carry out of an unsigned addition a + b + cin at the operand size. */
function addCarry(c: Cpu): number {
  const cin = c.flagsOp === FlagOp.Adc ? c.flagsCin : 0;
  if (c.flagsSize === 8) {
    const lo = (c.flagsA >>> 0) + (c.flagsB >>> 0) + cin;
    const carryLo = lo > 0xFFFF_FFFF ? 1 : 0;
    return (c.flagsAHi >>> 0) + (c.flagsBHi >>> 0) + carryLo > 0xFFFF_FFFF ? 1 : 0;
  }
  const max = c.flagsSize === 1 ? 0xFF : c.flagsSize === 2 ? 0xFFFF : 0xFFFF_FFFF;
  return maskLo(c.flagsSize, c.flagsA) + maskLo(c.flagsSize, c.flagsB) + cin > max ? 1 : 0;
}

/** Borrow of an unsigned subtraction a - b - cin at the operand size. */
function subBorrow(c: Cpu): number {
  const cin = c.flagsOp === FlagOp.Sbb ? c.flagsCin : 0;
  if (c.flagsSize === 8) {
    const ah = c.flagsAHi >>> 0, bh = c.flagsBHi >>> 0, al = c.flagsA >>> 0, bl = c.flagsB >>> 0;
    // a < b + cin as 64-bit unsigned: compare the halves, the low half with its own borrow.
    if (ah !== bh) return ah < bh ? 1 : 0;
    return al < bl + cin ? 1 : 0;
  }
  return maskLo(c.flagsSize, c.flagsA) < maskLo(c.flagsSize, c.flagsB) + cin ? 1 : 0;
}

export function getCF(c: Cpu): number {
  switch (c.flagsOp) {
    case FlagOp.None: return c.flagsValue & CF;
    case FlagOp.Add: case FlagOp.Adc: return addCarry(c);
    case FlagOp.Sub: case FlagOp.Sbb: return subBorrow(c);
    case FlagOp.Neg: return c.flagsSize === 8 ? ((c.flagsRes | c.flagsResHi) !== 0 ? 1 : 0) : (maskLo(c.flagsSize, c.flagsRes) !== 0 ? 1 : 0);
    case FlagOp.Inc: case FlagOp.Dec: return c.flagsCin;
    case FlagOp.Result: return c.flagsCin & CF;
    default: return 0; // Logic clears CF
  }
}

export function getZF(c: Cpu): number {
  if (c.flagsOp === FlagOp.None) return (c.flagsValue >>> 6) & 1;
  if (c.flagsSize === 8) return (c.flagsRes | c.flagsResHi) === 0 ? 1 : 0;
  return maskLo(c.flagsSize, c.flagsRes) === 0 ? 1 : 0;
}

export function getSF(c: Cpu): number {
  if (c.flagsOp === FlagOp.None) return (c.flagsValue >>> 7) & 1;
  return signOf(c.flagsSize, c.flagsRes, c.flagsResHi);
}

export function getPF(c: Cpu): number {
  if (c.flagsOp === FlagOp.None) return (c.flagsValue >>> 2) & 1;
  return PARITY[c.flagsRes & 0xFF]!;
}

export function getAF(c: Cpu): number {
  switch (c.flagsOp) {
    case FlagOp.None: return (c.flagsValue >>> 4) & 1;
    case FlagOp.Logic: return 0; // undefined after logic ops (SDM Vol. 2 AND/OR/XOR); we report 0
    case FlagOp.Inc: return (c.flagsRes & 0xF) === 0 ? 1 : 0;
    case FlagOp.Dec: return (c.flagsRes & 0xF) === 0xF ? 1 : 0;
    case FlagOp.Neg: return (c.flagsRes & 0xF) !== 0 ? 1 : 0;
    case FlagOp.Result: return (c.flagsCin >>> 4) & 1;
    default: return ((c.flagsA ^ c.flagsB ^ c.flagsRes) >>> 4) & 1;
  }
}

export function getOF(c: Cpu): number {
  const s = c.flagsSize;
  switch (c.flagsOp) {
    case FlagOp.None: return (c.flagsValue >>> 11) & 1;
    case FlagOp.Add: case FlagOp.Adc: {
      const a = signOf(s, c.flagsA, c.flagsAHi), b = signOf(s, c.flagsB, c.flagsBHi), r = signOf(s, c.flagsRes, c.flagsResHi);
      return a === b && r !== a ? 1 : 0;
    }
    case FlagOp.Sub: case FlagOp.Sbb: {
      const a = signOf(s, c.flagsA, c.flagsAHi), b = signOf(s, c.flagsB, c.flagsBHi), r = signOf(s, c.flagsRes, c.flagsResHi);
      return a !== b && r !== a ? 1 : 0;
    }
    case FlagOp.Inc: // result is the most negative value
      return signOf(s, c.flagsRes, c.flagsResHi) === 1 && isMinSigned(s, c.flagsRes, c.flagsResHi) ? 1 : 0;
    case FlagOp.Dec: // result is the most positive value
      return isMinSigned(s, (c.flagsRes + 1) | 0, c.flagsResHi + ((c.flagsRes | 0) === -1 ? 1 : 0)) ? 1 : 0;
    case FlagOp.Neg:
      return isMinSigned(s, c.flagsRes, c.flagsResHi) ? 1 : 0;
    case FlagOp.Result: return (c.flagsCin >>> 11) & 1;
    default: return 0;
  }
}

function isMinSigned(size: number, lo: number, hi: number): boolean {
  switch (size) {
    case 1: return (lo & 0xFF) === 0x80;
    case 2: return (lo & 0xFFFF) === 0x8000;
    case 4: return (lo | 0) === (0x8000_0000 | 0);
    default: return (lo | 0) === 0 && (hi | 0) === (0x8000_0000 | 0);
  }
}

/** The whole RFLAGS value (low 32 bits; the upper 32 are reserved 0). */
export function readFlags(c: Cpu): number {
  if (c.flagsOp === FlagOp.None) return c.flagsValue | FIXED1;
  const arith = getCF(c) | (getPF(c) << 2) | (getAF(c) << 4) | (getZF(c) << 6) | (getSF(c) << 7) | (getOF(c) << 11);
  return ((c.flagsValue & ~ARITH) | arith | FIXED1) >>> 0;
}

/** Materializes the arithmetic flags, so individual bits can be changed. */
export function settleFlags(c: Cpu): void {
  if (c.flagsOp !== FlagOp.None) {
    c.flagsValue = readFlags(c);
    c.flagsOp = FlagOp.None;
  }
}

/** Replaces the flags in `mask` with those of `value`. */
export function writeFlags(c: Cpu, value: number, mask: number): void {
  // Replacing every arithmetic flag needs none of the lazy record: it is dropped instead of computed.
  if ((mask & ARITH) === ARITH) c.flagsOp = FlagOp.None;
  else settleFlags(c);
  c.flagsValue = (((c.flagsValue & ~mask) | (value & mask)) | FIXED1) >>> 0;
}

export function setFlag(c: Cpu, flag: number, on: boolean | number): void {
  settleFlags(c);
  c.flagsValue = on ? (c.flagsValue | flag) >>> 0 : (c.flagsValue & ~flag) >>> 0;
}

/** Records an ALU result for lazy evaluation. */
export function recordFlags(c: Cpu, op: FlagOp, size: number, a: number, b: number, res: number): void {
  if (c.flagsOp === FlagOp.None) { /* other flags stay in flagsValue */ }
  c.flagsOp = op; c.flagsSize = size; c.flagsA = a; c.flagsB = b; c.flagsRes = res;
}

export function recordFlags64(c: Cpu, op: FlagOp, a: number, aHi: number, b: number, bHi: number, res: number, resHi: number): void {
  c.flagsOp = op; c.flagsSize = 8; c.flagsA = a; c.flagsAHi = aHi; c.flagsB = b; c.flagsBHi = bHi; c.flagsRes = res; c.flagsResHi = resHi;
}

/**
 * Records a result whose SF, ZF and PF follow from it and whose CF, AF and OF the instruction computed:
 * `cao` holds them at their RFLAGS positions (CF bit 0, AF bit 4, OF bit 11).
 */
export function recordResult(c: Cpu, size: number, res: number, resHi: number, cao: number): void {
  c.flagsOp = FlagOp.Result; c.flagsSize = size; c.flagsRes = res; c.flagsResHi = resHi; c.flagsCin = cao;
}

/** Condition codes by their encoding tttn (SDM Vol. 1 Appendix B): O NO B AE E NE BE A S NS P NP L GE LE G. */
export function condition(c: Cpu, cc: number): boolean {
  switch (cc) {
    case 0: return getOF(c) === 1;
    case 1: return getOF(c) === 0;
    case 2: return getCF(c) === 1;
    case 3: return getCF(c) === 0;
    case 4: return getZF(c) === 1;
    case 5: return getZF(c) === 0;
    case 6: return (getCF(c) | getZF(c)) === 1;
    case 7: return (getCF(c) | getZF(c)) === 0;
    case 8: return getSF(c) === 1;
    case 9: return getSF(c) === 0;
    case 10: return getPF(c) === 1;
    case 11: return getPF(c) === 0;
    case 12: return getSF(c) !== getOF(c);
    case 13: return getSF(c) === getOF(c);
    case 14: return getZF(c) === 1 || getSF(c) !== getOF(c);
    default: return getZF(c) === 0 && getSF(c) === getOF(c);
  }
}
