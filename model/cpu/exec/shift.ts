// Shifts and rotates: SHL/SAL, SHR, SAR, ROL, ROR, RCL, RCR, SHLD, SHRD (SDM Vol. 2 SAL/SAR/SHL/SHR,
// RCL/RCR/ROL/ROR, SHLD, SHRD). The count (imm8 or CL) is masked to 5 bits, 6 for 64-bit operands;
// a masked count of 0 changes no flags. Shifts record their flags lazily (FlagOp.Result: CF and OF
// computed here, SF/ZF/PF from the result); rotates change only CF and OF, so they settle the rest.
//
// Flags the SDM leaves undefined, and what this model produces for them:
// - OF after a shift or rotate by more than 1: the count-1 formula applied to the final result.
// - AF after a shift by a nonzero count: 0.
// - CF after SHL/SHR by at least the operand width (8/16-bit operands): the formula, which gives 0
//   (SAR gives the sign bit).
// - SHLD/SHRD with a count larger than a 16-bit operand: the result and all flags are undefined; the
//   model shifts in the source and then the destination again (dest:src:dest).
import { Mnemonic, OpKind } from 'iced-x86';
import type { Cpu } from '../cpu.js';
import { type Exec, type InstrView, registerBuilder } from '../decode.js';
import { CF, FlagOp, OF, getCF, recordResult, settleFlags } from '../flags.js';
import { operand, operandSize } from '../operands.js';
import { RCX, regInfo } from '../registers.js';
import { maskOf, signExtend } from './helpers.js';

const enum Kind { Shl, Shr, Sar, Rol, Ror, Rcl, Rcr }

// ---- 64-bit helpers on int32 halves; results in (rLo, rHi)

let rLo = 0, rHi = 0;

/** (lo, hi) << c for c in 0..63. */
function shl64(lo: number, hi: number, c: number): void {
  if (c === 0) { rLo = lo; rHi = hi; } else if (c < 32) { rHi = (hi << c) | (lo >>> (32 - c)); rLo = lo << c; } else { rHi = lo << (c - 32); rLo = 0; }
}

/** (lo, hi) >>> c for c in 0..63. */
function shr64(lo: number, hi: number, c: number): void {
  if (c === 0) { rLo = lo; rHi = hi; } else if (c < 32) { rLo = (lo >>> c) | (hi << (32 - c)); rHi = (hi >>> c) | 0; } else { rLo = (hi >>> (c - 32)) | 0; rHi = 0; }
}

/** (lo, hi) >> c (arithmetic) for c in 0..63. */
function sar64(lo: number, hi: number, c: number): void {
  if (c === 0) { rLo = lo; rHi = hi; } else if (c < 32) { rLo = (lo >>> c) | (hi << (32 - c)); rHi = hi >> c; } else { rLo = hi >> (c - 32); rHi = hi >> 31; }
}

/** Bit n (0..63) of (lo, hi). */
function bit64(lo: number, hi: number, n: number): number {
  return n < 32 ? (lo >>> n) & 1 : (hi >>> (n - 32)) & 1;
}

/** Rotates change only CF and OF (SDM Vol. 2 RCL/RCR/ROL/ROR, Flags Affected). */
function setCfOf(cpu: Cpu, cf: number, of: number): void {
  settleFlags(cpu);
  cpu.flagsValue = ((cpu.flagsValue & ~(CF | OF)) | cf | (of << 11)) >>> 0;
}

/** One shift or rotate of a 1-, 2- or 4-byte value `a` (zero-extended) by a nonzero masked count. */
function shiftSmall(cpu: Cpu, kind: Kind, size: number, a: number, count: number): number {
  const w = size * 8, mask = maskOf(size), top = w - 1;
  switch (kind) {
    case Kind.Shl: {
      const r = (a << count) & mask;
      const cf = count <= w ? (a >>> (w - count)) & 1 : 0; // the last bit shifted out: bit w - count
      recordResult(cpu, size, r, 0, cf | ((((r >>> top) & 1) ^ cf) << 11));
      return r;
    }
    case Kind.Shr: {
      const r = (a >>> count) & mask;
      const cf = (a >>> (count - 1)) & 1;
      recordResult(cpu, size, r, 0, cf | (((a >>> top) & 1) << 11)); // OF: MSB of the original
      return r;
    }
    case Kind.Sar: {
      const s = signExtend(size, a);
      const r = (s >> count) & mask;
      recordResult(cpu, size, r, 0, (s >> (count - 1)) & 1); // OF = 0
      return r;
    }
    case Kind.Rol: {
      const t = count % w;
      const r = t === 0 ? a : ((a << t) | (a >>> (w - t))) & mask;
      const cf = r & 1;
      setCfOf(cpu, cf, ((r >>> top) & 1) ^ cf);
      return r;
    }
    case Kind.Ror: {
      const t = count % w;
      const r = t === 0 ? a : ((a >>> t) | (a << (w - t))) & mask;
      const msb = (r >>> top) & 1;
      setCfOf(cpu, msb, msb ^ ((r >>> (top - 1)) & 1));
      return r;
    }
    case Kind.Rcl: {
      const cf = getCF(cpu);
      let r: number, ncf: number;
      if (w === 32) {
        // A 33-bit rotation of CF:dest by count (1..31).
        r = ((a << count) | (cf << (count - 1)) | (count === 1 ? 0 : a >>> (33 - count))) | 0;
        ncf = (a >>> (32 - count)) & 1;
      } else {
        const t = count % (w + 1), m1 = (1 << (w + 1)) - 1;
        const x = (cf << w) | a;
        const y = t === 0 ? x : ((x << t) | (x >>> (w + 1 - t))) & m1;
        r = y & mask; ncf = (y >>> w) & 1;
      }
      setCfOf(cpu, ncf, ((r >>> top) & 1) ^ ncf);
      return r;
    }
    default: { // Rcr
      const cf = getCF(cpu);
      const of = ((a >>> top) & 1) ^ cf; // MSB(DEST) XOR CF before the rotation
      let r: number, ncf: number;
      if (w === 32) {
        r = ((a >>> count) | (cf << (32 - count)) | (count === 1 ? 0 : a << (33 - count))) | 0;
        ncf = (a >>> (count - 1)) & 1;
      } else {
        const t = count % (w + 1), m1 = (1 << (w + 1)) - 1;
        const x = (cf << w) | a;
        const y = t === 0 ? x : ((x >>> t) | (x << (w + 1 - t))) & m1;
        r = y & mask; ncf = (y >>> w) & 1;
      }
      setCfOf(cpu, ncf, of);
      return r;
    }
  }
}

/** The same for a 64-bit value (lo, hi) by a masked count 1..63; result in (rLo, rHi). */
function shift64(cpu: Cpu, kind: Kind, lo: number, hi: number, count: number): void {
  switch (kind) {
    case Kind.Shl: {
      const cf = bit64(lo, hi, 64 - count);
      shl64(lo, hi, count);
      recordResult(cpu, 8, rLo, rHi, cf | (((rHi >>> 31) ^ cf) << 11));
      return;
    }
    case Kind.Shr: {
      const cf = bit64(lo, hi, count - 1);
      shr64(lo, hi, count);
      recordResult(cpu, 8, rLo, rHi, cf | ((hi >>> 31) << 11));
      return;
    }
    case Kind.Sar: {
      const cf = bit64(lo, hi, count - 1);
      sar64(lo, hi, count);
      recordResult(cpu, 8, rLo, rHi, cf);
      return;
    }
    case Kind.Rol: {
      shr64(lo, hi, 64 - count);
      const aLo = rLo, aHi = rHi;
      shl64(lo, hi, count);
      rLo |= aLo; rHi |= aHi;
      const cf = rLo & 1;
      setCfOf(cpu, cf, (rHi >>> 31) ^ cf);
      return;
    }
    case Kind.Ror: {
      shl64(lo, hi, 64 - count);
      const aLo = rLo, aHi = rHi;
      shr64(lo, hi, count);
      rLo |= aLo; rHi |= aHi;
      setCfOf(cpu, rHi >>> 31, (rHi >>> 31) ^ ((rHi >>> 30) & 1));
      return;
    }
    default: {
      // RCL/RCR through CF, one bit at a time (rare instructions).
      let cf = getCF(cpu);
      const of = kind === Kind.Rcr ? (hi >>> 31) ^ cf : 0;
      let l = lo, h = hi;
      for (let i = 0; i < count; i++) {
        if (kind === Kind.Rcl) {
          const out = h >>> 31;
          h = (h << 1) | (l >>> 31); l = (l << 1) | cf; cf = out;
        } else {
          const out = l & 1;
          l = (l >>> 1) | (h << 31); h = (h >>> 1) | (cf << 31); cf = out;
        }
      }
      rLo = l | 0; rHi = h | 0;
      setCfOf(cpu, cf, kind === Kind.Rcl ? (rHi >>> 31) ^ cf : of);
    }
  }
}

function countOperand(v: InstrView): { byCl: boolean; imm: number } {
  const byCl = v.opKinds[v.opCount - 1] === OpKind.Register;
  return { byCl, imm: byCl ? 0 : Number(v.imms[v.opCount - 1]! & 0xFFn) };
}

function shiftBuilder(kind: Kind) {
  return (v: InstrView): Exec | undefined => {
    const size = operandSize(v, 0, 4);
    const dst = operand(v, 0, size);
    if (!dst) return undefined;
    const cmask = size === 8 ? 0x3F : 0x1F;
    const { byCl, imm } = countOperand(v);
    const fixed = imm & cmask;
    const reg = !byCl && !dst.isMemory ? regInfo(v.opRegs[0]!).index : -1;
    const fast = reg < 0 ? undefined : size === 4 ? fastShift32(kind, reg, fixed) : size === 8 ? fastShift64(kind, reg, fixed) : undefined;
    if (fast) return fast;
    if (size === 8) {
      return (cpu) => {
        const c = byCl ? cpu.lo[RCX]! & 0x3F : fixed;
        const lo = dst.readRmw(cpu), hi = cpu.vhi;
        if (c === 0) return; // no flags, nothing written
        shift64(cpu, kind, lo, hi, c);
        dst.writeBack(cpu, rLo, rHi);
      };
    }
    return (cpu) => {
      const c = byCl ? cpu.lo[RCX]! & 0x1F : fixed;
      const a = dst.readRmw(cpu);
      // A 32-bit register destination is written (bits 63:32 cleared) even for a count of 0.
      if (c === 0) { if (!dst.isMemory) dst.writeBack(cpu, a, 0); return; }
      dst.writeBack(cpu, shiftSmall(cpu, kind, size, a, c), 0);
    };
  };
}

/** SHL/SHR/SAR of a 32-bit register by an immediate: the common case in compiled code. */
function fastShift32(kind: Kind, i: number, c: number): Exec | undefined {
  if (c === 0) return (cpu) => { cpu.hi[i] = 0; };
  switch (kind) {
    case Kind.Shl:
      return (cpu) => {
        const a = cpu.lo[i]!, r = a << c, cf = (a >>> (32 - c)) & 1;
        cpu.lo[i] = r; cpu.hi[i] = 0;
        cpu.flagsOp = FlagOp.Result; cpu.flagsSize = 4; cpu.flagsRes = r; cpu.flagsCin = cf | (((r >>> 31) ^ cf) << 11);
      };
    case Kind.Shr:
      return (cpu) => {
        const a = cpu.lo[i]!, r = (a >>> c) | 0;
        cpu.lo[i] = r; cpu.hi[i] = 0;
        cpu.flagsOp = FlagOp.Result; cpu.flagsSize = 4; cpu.flagsRes = r; cpu.flagsCin = ((a >>> (c - 1)) & 1) | ((a >>> 31) << 11);
      };
    case Kind.Sar:
      return (cpu) => {
        const a = cpu.lo[i]!, r = a >> c;
        cpu.lo[i] = r; cpu.hi[i] = 0;
        cpu.flagsOp = FlagOp.Result; cpu.flagsSize = 4; cpu.flagsRes = r; cpu.flagsCin = (a >> (c - 1)) & 1;
      };
    default:
      return undefined;
  }
}

/** SHL/SHR/SAR of a 64-bit register by an immediate. */
function fastShift64(kind: Kind, i: number, c: number): Exec | undefined {
  if (c === 0) return () => {};
  if (kind !== Kind.Shl && kind !== Kind.Shr && kind !== Kind.Sar) return undefined;
  return (cpu) => {
    const lo = cpu.lo[i]!, hi = cpu.hi[i]!;
    shift64(cpu, kind, lo, hi, c);
    cpu.lo[i] = rLo; cpu.hi[i] = rHi;
  };
}

registerBuilder([Mnemonic.Shl, Mnemonic.Sal], shiftBuilder(Kind.Shl));
registerBuilder(Mnemonic.Shr, shiftBuilder(Kind.Shr));
registerBuilder(Mnemonic.Sar, shiftBuilder(Kind.Sar));
registerBuilder(Mnemonic.Rol, shiftBuilder(Kind.Rol));
registerBuilder(Mnemonic.Ror, shiftBuilder(Kind.Ror));
registerBuilder(Mnemonic.Rcl, shiftBuilder(Kind.Rcl));
registerBuilder(Mnemonic.Rcr, shiftBuilder(Kind.Rcr));

// ---- SHLD, SHRD (SDM Vol. 2 SHLD, SHRD): dest shifted with bits from src; CF = last bit out of
// dest, OF (count 1) = sign change, SF/ZF/PF from the result, AF undefined (0).

function doubleShift(left: boolean) {
  return (v: InstrView): Exec | undefined => {
    const size = operandSize(v, 0, 4);
    const dst = operand(v, 0, size);
    const src = operand(v, 1, size);
    if (!dst || !src) return undefined;
    const cmask = size === 8 ? 0x3F : 0x1F;
    const { byCl, imm } = countOperand(v);
    const fixed = imm & cmask;
    if (size === 8) {
      return (cpu) => {
        const c = byCl ? cpu.lo[RCX]! & 0x3F : fixed;
        const d = dst.readRmw(cpu), dh = cpu.vhi;
        if (c === 0) return;
        const s = src.read(cpu), sh = cpu.vhi;
        let cf: number;
        if (left) {
          cf = bit64(d, dh, 64 - c);
          shr64(s, sh, 64 - c);
          const aLo = rLo, aHi = rHi;
          shl64(d, dh, c);
          rLo |= aLo; rHi |= aHi;
        } else {
          cf = bit64(d, dh, c - 1);
          shl64(s, sh, 64 - c);
          const aLo = rLo, aHi = rHi;
          shr64(d, dh, c);
          rLo |= aLo; rHi |= aHi;
        }
        recordResult(cpu, 8, rLo, rHi, cf | (((rHi ^ dh) >>> 31) << 11));
        dst.writeBack(cpu, rLo, rHi);
      };
    }
    const w = size * 8, top = w - 1, mask = maskOf(size);
    return (cpu) => {
      const c = byCl ? cpu.lo[RCX]! & 0x1F : fixed;
      const d = dst.readRmw(cpu);
      if (c === 0) { if (!dst.isMemory) dst.writeBack(cpu, d, 0); return; }
      const s = src.read(cpu);
      let r: number, cf: number;
      if (w === 32) {
        if (left) { r = (d << c) | (s >>> (32 - c)); cf = (d >>> (32 - c)) & 1; }
        else { r = (d >>> c) | (s << (32 - c)); cf = (d >>> (c - 1)) & 1; }
      } else if (c <= 16) {
        if (left) { r = ((((d << 16) | s) << c) >>> 16) & 0xFFFF; cf = (d >>> (16 - c)) & 1; }
        else { r = ((((s << 16) | d) >>> c)) & 0xFFFF; cf = (d >>> (c - 1)) & 1; }
      } else {
        // Undefined (count > 16 on a 16-bit operand): continue through dest:src:dest.
        const k = c - 16;
        if (left) { r = ((s << k) | (d >>> (16 - k))) & 0xFFFF; cf = (s >>> (16 - k)) & 1; }
        else { r = ((s >>> k) | (d << (16 - k))) & 0xFFFF; cf = (s >>> (k - 1)) & 1; }
      }
      r &= mask;
      recordResult(cpu, size, r, 0, cf | ((((r ^ d) >>> top) & 1) << 11));
      dst.writeBack(cpu, r, 0);
    };
  };
}
registerBuilder(Mnemonic.Shld, doubleShift(true));
registerBuilder(Mnemonic.Shrd, doubleShift(false));
