// Multiplication and division: MUL, IMUL (one-, two- and three-operand forms), DIV, IDIV (SDM Vol. 2).
// Products are exact without BigInt: 32x32 products through 16-bit partial products, 64x64 through
// four 32x32 ones. Divisions of up to 64-bit dividends use 16-bit long division; the 128/64-bit
// divisions of the 64-bit forms use BigInt (rare instructions).
//
// Flags: MUL/IMUL set CF = OF = "the upper half is significant"; SF, ZF, AF and PF are undefined:
// the model takes SF, ZF and PF from the low half of the result (the destination for two- and
// three-operand IMUL) and reports AF = 0. DIV/IDIV leave every flag undefined: the model leaves
// them unchanged. A zero divisor or a quotient too large for the destination is #DE, raised
// before anything changes.
import { Mnemonic, OpKind } from 'iced-x86';
import { type Exec, type InstrView, registerBuilder } from '../decode.js';
import { DE, Fault } from '../fault.js';
import { recordResult } from '../flags.js';
import { operand, operandSize, regOperand } from '../operands.js';
import { RAX, RDX, regInfo } from '../registers.js';
import { signExtend } from './helpers.js';

const TWO32 = 0x1_0000_0000;

/** High 32 bits of the unsigned 64-bit product of two uint32 values (exact). */
export function mulHiU32(a: number, b: number): number {
  a >>>= 0; b >>>= 0;
  const aLo = a & 0xFFFF, aHi = a >>> 16;
  const p1 = aLo * b; // < 2^48
  const p2 = aHi * b; // < 2^48; the product is p1 + p2 * 2^16
  return (Math.floor(p2 / 0x1_0000) + Math.floor(((p2 % 0x1_0000) * 0x1_0000 + p1) / TWO32)) | 0;
}

/** High 32 bits of the signed 64-bit product of two int32 values. */
export function mulHiS32(a: number, b: number): number {
  let hi = mulHiU32(a, b);
  if (a < 0) hi = (hi - b) | 0;
  if (b < 0) hi = (hi - a) | 0;
  return hi;
}

/** The 128-bit product of two 64-bit values as four int32 limbs p0 (low) .. p3 (high). */
let p0 = 0, p1 = 0, p2 = 0, p3 = 0;

function mul64x64(aLo: number, aHi: number, bLo: number, bHi: number, signed: boolean): void {
  const l00 = Math.imul(aLo, bLo), h00 = mulHiU32(aLo, bLo);
  const l01 = Math.imul(aLo, bHi), h01 = mulHiU32(aLo, bHi);
  const l10 = Math.imul(aHi, bLo), h10 = mulHiU32(aHi, bLo);
  const l11 = Math.imul(aHi, bHi), h11 = mulHiU32(aHi, bHi);
  p0 = l00;
  const s1 = (h00 >>> 0) + (l01 >>> 0) + (l10 >>> 0);
  p1 = s1 | 0;
  const s2 = (h01 >>> 0) + (h10 >>> 0) + (l11 >>> 0) + Math.floor(s1 / TWO32);
  p2 = s2 | 0;
  p3 = ((h11 >>> 0) + Math.floor(s2 / TWO32)) | 0;
  if (signed) {
    // Signed correction of the upper 64 bits: subtract b if a < 0 and a if b < 0 (mod 2^64).
    if (aHi < 0) sub64FromUpper(bLo, bHi);
    if (bHi < 0) sub64FromUpper(aLo, aHi);
  }
}

function sub64FromUpper(lo: number, hi: number): void {
  const d = (p2 >>> 0) - (lo >>> 0);
  p2 = d | 0;
  p3 = (p3 - hi - (d < 0 ? 1 : 0)) | 0;
}

// ---- MUL (SDM Vol. 2 MUL) and one-operand IMUL (SDM Vol. 2 IMUL): AX = AL * r/m8; DX:AX, EDX:EAX,
// RDX:RAX for the wider forms. CF = OF = 1 when the upper half of the product is significant: not 0
// for MUL, not the sign extension of the lower half for IMUL.

/** Zero extension of the low `size` bytes (MUL's counterpart of signExtend). */
function zeroExtend(size: number, v: number): number {
  return size === 1 ? v & 0xFF : size === 2 ? v & 0xFFFF : v >>> 0;
}

function widening(signed: boolean) {
  const ext = signed ? signExtend : zeroExtend;
  const mulHi = signed ? mulHiS32 : mulHiU32;
  return (v: InstrView): Exec | undefined => {
    const src = operand(v, 0, operandSize(v, 0, 4));
    if (!src) return undefined;
    switch (src.size) {
      case 1:
        return (cpu) => {
          const full = ext(1, cpu.lo[RAX]!) * ext(1, src.read(cpu));
          const r = full & 0xFFFF;
          cpu.lo[RAX] = (cpu.lo[RAX]! & ~0xFFFF) | r;
          const of = full !== ext(1, full) ? 1 : 0;
          recordResult(cpu, 1, r & 0xFF, 0, of | (of << 11));
        };
      case 2:
        return (cpu) => {
          const full = ext(2, cpu.lo[RAX]!) * ext(2, src.read(cpu));
          cpu.lo[RAX] = (cpu.lo[RAX]! & ~0xFFFF) | (full & 0xFFFF);
          cpu.lo[RDX] = (cpu.lo[RDX]! & ~0xFFFF) | ((full >>> 16) & 0xFFFF);
          const of = full !== ext(2, full) ? 1 : 0;
          recordResult(cpu, 2, full & 0xFFFF, 0, of | (of << 11));
        };
      case 4:
        return (cpu) => {
          const b = src.read(cpu), a = cpu.lo[RAX]!;
          const lo = Math.imul(a, b), hi = mulHi(a, b);
          cpu.set32(RAX, lo); cpu.set32(RDX, hi);
          const of = hi !== (signed ? lo >> 31 : 0) ? 1 : 0;
          recordResult(cpu, 4, lo, 0, of | (of << 11));
        };
      default:
        return (cpu) => {
          const b = src.read(cpu), bh = cpu.vhi;
          mul64x64(cpu.lo[RAX]!, cpu.hi[RAX]!, b, bh, signed);
          cpu.lo[RAX] = p0; cpu.hi[RAX] = p1; cpu.lo[RDX] = p2; cpu.hi[RDX] = p3;
          const sign = signed ? p1 >> 31 : 0;
          const of = p2 !== sign || p3 !== sign ? 1 : 0;
          recordResult(cpu, 8, p0, p1, of | (of << 11));
        };
    }
  };
}

registerBuilder(Mnemonic.Mul, widening(false));
const imulOne = widening(true);

// ---- IMUL with two and three operands (SDM Vol. 2 IMUL): CF = OF = 1 when the result does not fit
// the destination's size

registerBuilder(Mnemonic.Imul, (v): Exec | undefined => {
  if (v.opCount === 1) return imulOne(v);
  const size = operandSize(v, 0, 4);
  if (v.opKinds[0] !== OpKind.Register) return undefined;
  const dst = regOperand(v.opRegs[0]!);
  const a = operand(v, v.opCount === 3 ? 1 : 0, size);
  const b = operand(v, v.opCount === 3 ? 2 : 1, size);
  if (!a || !b) return undefined;
  if (size === 8) {
    return (cpu) => {
      const x = b.read(cpu), xh = cpu.vhi;
      const y = a.read(cpu), yh = cpu.vhi;
      mul64x64(y, yh, x, xh, true);
      const sign = p1 >> 31;
      const of = p2 !== sign || p3 !== sign ? 1 : 0;
      dst.write(cpu, p0, p1);
      recordResult(cpu, 8, p0, p1, of | (of << 11));
    };
  }
  if (size === 4) {
    const d = regInfo(v.opRegs[0]!).index;
    return (cpu) => {
      const x = b.read(cpu), y = a.read(cpu);
      const lo = Math.imul(x, y), hi = mulHiS32(x, y);
      cpu.lo[d] = lo; cpu.hi[d] = 0;
      const of = hi !== (lo >> 31) ? 1 : 0;
      recordResult(cpu, 4, lo, 0, of | (of << 11));
    };
  }
  return (cpu) => {
    const x = signExtend(2, b.read(cpu)), y = signExtend(2, a.read(cpu));
    const full = x * y; // exact: |x * y| <= 2^30
    const r = full & 0xFFFF;
    const of = full !== signExtend(2, r) ? 1 : 0;
    dst.write(cpu, r, 0);
    recordResult(cpu, 2, r, 0, of | (of << 11));
  };
});

// ---- DIV, IDIV (SDM Vol. 2 DIV, IDIV): quotient truncated toward zero, remainder with the
// dividend's sign; #DE for a zero divisor or a quotient out of range

/** Unsigned (hi * 2^32 + lo) / d for hi < d (so the quotient fits 32 bits): results in divQ, divR. */
let divQ = 0, divR = 0;
function divU64by32(hi: number, lo: number, d: number): void {
  hi >>>= 0; lo >>>= 0; d >>>= 0;
  if (hi === 0) { divQ = Math.floor(lo / d); divR = lo - divQ * d; return; }
  // Long division by 16-bit digits: every partial dividend stays below 2^48.
  let r = hi, q = 0;
  for (let shift = 16; shift >= 0; shift -= 16) {
    const cur = r * 0x1_0000 + ((lo >>> shift) & 0xFFFF);
    const qd = Math.floor(cur / d);
    r = cur - qd * d;
    q = q * 0x1_0000 + qd;
  }
  divQ = q; divR = r;
}

function divide(signed: boolean) {
  return (v: InstrView): Exec | undefined => {
    const src = operand(v, 0, operandSize(v, 0, 4));
    if (!src) return undefined;
    switch (src.size) {
      case 1:
        return (cpu) => {
          const ax = cpu.lo[RAX]! & 0xFFFF;
          const d = src.read(cpu);
          if (d === 0) throw new Fault(DE);
          let q: number, r: number;
          if (signed) {
            const n = signExtend(2, ax), m = signExtend(1, d);
            q = Math.trunc(n / m); r = n - q * m;
            if (q > 0x7F || q < -0x80) throw new Fault(DE);
          } else {
            q = Math.floor(ax / d); r = ax - q * d;
            if (q > 0xFF) throw new Fault(DE);
          }
          cpu.lo[RAX] = (cpu.lo[RAX]! & ~0xFFFF) | ((r & 0xFF) << 8) | (q & 0xFF);
        };
      case 2:
        return (cpu) => {
          const n16 = ((cpu.lo[RDX]! & 0xFFFF) << 16) | (cpu.lo[RAX]! & 0xFFFF);
          const d = src.read(cpu);
          if (d === 0) throw new Fault(DE);
          let q: number, r: number;
          if (signed) {
            const m = signExtend(2, d);
            q = Math.trunc(n16 / m); r = n16 - q * m;
            if (q > 0x7FFF || q < -0x8000) throw new Fault(DE);
          } else {
            const n = n16 >>> 0;
            q = Math.floor(n / d); r = n - q * d;
            if (q > 0xFFFF) throw new Fault(DE);
          }
          cpu.lo[RAX] = (cpu.lo[RAX]! & ~0xFFFF) | (q & 0xFFFF);
          cpu.lo[RDX] = (cpu.lo[RDX]! & ~0xFFFF) | (r & 0xFFFF);
        };
      case 4:
        return (cpu) => {
          const d = src.read(cpu);
          if (d === 0) throw new Fault(DE);
          let hi = cpu.lo[RDX]!, lo = cpu.lo[RAX]!;
          if (!signed) {
            if ((hi >>> 0) >= (d >>> 0)) throw new Fault(DE); // the quotient would not fit 32 bits
            divU64by32(hi, lo, d);
            cpu.set32(RAX, divQ); cpu.set32(RDX, divR);
            return;
          }
          // Signed: divide the magnitudes, then apply the signs.
          const negN = hi < 0, negD = d < 0;
          if (negN) { lo = (-lo) | 0; hi = (~hi + (lo === 0 ? 1 : 0)) | 0; }
          const m = negD ? (-d) >>> 0 : d >>> 0;
          if ((hi >>> 0) >= m) throw new Fault(DE);
          divU64by32(hi, lo, m);
          const neg = negN !== negD;
          if (neg ? divQ > 0x8000_0000 : divQ > 0x7FFF_FFFF) throw new Fault(DE);
          cpu.set32(RAX, neg ? -divQ : divQ);
          cpu.set32(RDX, negN ? -divR : divR);
        };
      default:
        return (cpu) => {
          const d = src.read(cpu), dh = cpu.vhi;
          if ((d | dh) === 0) throw new Fault(DE);
          const big = (lo: number, hi: number) => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
          let n = (big(cpu.lo[RDX]!, cpu.hi[RDX]!) << 64n) | big(cpu.lo[RAX]!, cpu.hi[RAX]!);
          let m = big(d, dh);
          if (signed) { n = BigInt.asIntN(128, n); m = BigInt.asIntN(64, m); }
          const q = n / m; // BigInt division truncates toward zero
          const r = n - q * m;
          if (signed ? q > 0x7FFF_FFFF_FFFF_FFFFn || q < -0x8000_0000_0000_0000n : q > 0xFFFF_FFFF_FFFF_FFFFn) throw new Fault(DE);
          const qu = BigInt.asUintN(64, q), ru = BigInt.asUintN(64, r);
          cpu.lo[RAX] = Number(qu & 0xFFFF_FFFFn) | 0; cpu.hi[RAX] = Number(qu >> 32n) | 0;
          cpu.lo[RDX] = Number(ru & 0xFFFF_FFFFn) | 0; cpu.hi[RDX] = Number(ru >> 32n) | 0;
        };
    }
  };
}
registerBuilder(Mnemonic.Div, divide(false));
registerBuilder(Mnemonic.Idiv, divide(true));
