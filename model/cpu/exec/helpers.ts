// Small helpers the integer instruction groups share: segment of a memory operand, offsets at an
// address size, sign extension of int32 values and operand-size masks.
import type { InstrView } from '../decode.js';
import { regInfo } from '../registers.js';

/** The segment register number of the instruction's memory operand (DS when iced names none). */
export function memSegment(v: InstrView): number {
  const info = regInfo(v.memSeg);
  return info.kind === 'seg' ? info.index : 3;
}

/** Scratch output of offsetAdd (no allocation on the hot path). */
export const off = { lo: 0, hi: 0 };

/**
 * (lo, hi) + delta at an address size of 2, 4 or 8 bytes: offsets wrap at 16, 32 or 64 bits
 * (SDM Vol. 1 3.7.5). `delta` is a signed number below 2^52 in magnitude (so the low-half sum is
 * exact). Result in `off`.
 */
export function offsetAdd(as: number, lo: number, hi: number, delta: number): void {
  if (as === 8) {
    const s = (lo >>> 0) + delta;
    off.lo = s | 0;
    off.hi = (hi + Math.floor(s / 0x1_0000_0000)) | 0;
  } else if (as === 4) {
    off.lo = (lo + delta) | 0; off.hi = 0;
  } else {
    off.lo = (lo + delta) & 0xFFFF; off.hi = 0;
  }
}

/** Sign-extends the low `size` bytes of v (1, 2 or 4) to an int32. */
export function signExtend(size: number, v: number): number {
  return size === 1 ? (v << 24) >> 24 : size === 2 ? (v << 16) >> 16 : v | 0;
}

/** Mask of a size in bytes for int32 values (4 gives -1: all 32 bits). */
export function maskOf(size: number): number {
  return size === 1 ? 0xFF : size === 2 ? 0xFFFF : -1;
}
