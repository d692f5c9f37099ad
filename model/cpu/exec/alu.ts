// Integer arithmetic and logic: ADD ADC SUB SBB CMP AND OR XOR TEST INC DEC NEG NOT (SDM Vol. 2).
// Flags are recorded lazily (flags.ts). The common 32- and 64-bit register forms get closures of
// their own: they are the hot path of integer loops.
import { Mnemonic, OpKind } from 'iced-x86';
import type { Cpu } from '../cpu.js';
import { type Exec, type InstrView, registerBuilder } from '../decode.js';
import { FlagOp, getCF, recordFlags, recordFlags64 } from '../flags.js';
import { type Operand, operand, operandSize } from '../operands.js';
import { regInfo } from '../registers.js';

type BinOp = 'add' | 'adc' | 'sub' | 'sbb' | 'and' | 'or' | 'xor';

const MASK = [0, 0xFF, 0xFFFF, 0, 0xFFFF_FFFF] as const;

/** One ALU operation at sizes 1, 2 or 4 on int32 values; records the flags and returns the result. */
function alu32(cpu: Cpu, op: BinOp, size: number, a: number, b: number): number {
  let r: number;
  switch (op) {
    case 'add': r = (a + b) | 0; recordFlags(cpu, FlagOp.Add, size, a, b, r); return r;
    case 'sub': r = (a - b) | 0; recordFlags(cpu, FlagOp.Sub, size, a, b, r); return r;
    case 'adc': { const c = getCF(cpu); r = (a + b + c) | 0; cpu.flagsCin = c; recordFlags(cpu, FlagOp.Adc, size, a, b, r); return r; }
    case 'sbb': { const c = getCF(cpu); r = (a - b - c) | 0; cpu.flagsCin = c; recordFlags(cpu, FlagOp.Sbb, size, a, b, r); return r; }
    case 'and': r = a & b; break;
    case 'or': r = a | b; break;
    default: r = a ^ b; break;
  }
  recordFlags(cpu, FlagOp.Logic, size, a, b, r);
  return r;
}

/** The same at 64 bits: (a, ah) op (b, bh); returns lo, leaves hi in cpu.vhi. */
function alu64(cpu: Cpu, op: BinOp, a: number, ah: number, b: number, bh: number): number {
  let lo: number, hi: number;
  switch (op) {
    case 'add': case 'adc': {
      const c = op === 'adc' ? getCF(cpu) : 0;
      const s = (a >>> 0) + (b >>> 0) + c;
      lo = s | 0; hi = (ah + bh + (s > 0xFFFF_FFFF ? 1 : 0)) | 0;
      cpu.flagsCin = c;
      recordFlags64(cpu, op === 'adc' ? FlagOp.Adc : FlagOp.Add, a, ah, b, bh, lo, hi);
      cpu.vhi = hi; return lo;
    }
    case 'sub': case 'sbb': {
      const c = op === 'sbb' ? getCF(cpu) : 0;
      const d = (a >>> 0) - (b >>> 0) - c;
      lo = d | 0; hi = (ah - bh - (d < 0 ? 1 : 0)) | 0;
      cpu.flagsCin = c;
      recordFlags64(cpu, op === 'sbb' ? FlagOp.Sbb : FlagOp.Sub, a, ah, b, bh, lo, hi);
      cpu.vhi = hi; return lo;
    }
    case 'and': lo = a & b; hi = ah & bh; break;
    case 'or': lo = a | b; hi = ah | bh; break;
    default: lo = a ^ b; hi = ah ^ bh; break;
  }
  recordFlags64(cpu, FlagOp.Logic, a, ah, b, bh, lo, hi);
  cpu.vhi = hi; return lo;
}

const BINOPS: [Mnemonic, BinOp][] = [
  [Mnemonic.Add, 'add'], [Mnemonic.Adc, 'adc'], [Mnemonic.Sub, 'sub'], [Mnemonic.Sbb, 'sbb'],
  [Mnemonic.And, 'and'], [Mnemonic.Or, 'or'], [Mnemonic.Xor, 'xor'],
];

function gpr(v: InstrView, i: number): number {
  return v.opKinds[i] === OpKind.Register ? regInfo(v.opRegs[i]!).index : -1;
}

/** Fast closures for reg,reg and reg,imm at 32 and 64 bits; undefined for the general forms. */
function fastBinary(v: InstrView, op: BinOp, size: number, store: boolean): Exec | undefined {
  const d = gpr(v, 0);
  if (d < 0 || (size !== 4 && size !== 8) || regInfo(v.opRegs[0]!).kind !== 'gpr') return undefined;
  const s = gpr(v, 1);
  const immKind = v.opKinds[1]! >= OpKind.Immediate8 && v.opKinds[1]! <= OpKind.Immediate32to64;
  if (s < 0 && !immKind) return undefined;
  const imm = immKind ? Number(BigInt.asIntN(32, v.imms[1]!)) : 0;
  const immHi = immKind ? Number(BigInt.asIntN(32, v.imms[1]! >> 32n)) : 0;
  if (size === 4) {
    if (op === 'add' && store) return s >= 0
      ? (cpu) => { const a = cpu.lo[d]!, b = cpu.lo[s]!, r = (a + b) | 0; cpu.lo[d] = r; cpu.hi[d] = 0; cpu.flagsOp = FlagOp.Add; cpu.flagsSize = 4; cpu.flagsA = a; cpu.flagsB = b; cpu.flagsRes = r; }
      : (cpu) => { const a = cpu.lo[d]!, r = (a + imm) | 0; cpu.lo[d] = r; cpu.hi[d] = 0; cpu.flagsOp = FlagOp.Add; cpu.flagsSize = 4; cpu.flagsA = a; cpu.flagsB = imm; cpu.flagsRes = r; };
    if (op === 'sub') return s >= 0
      ? (cpu) => { const a = cpu.lo[d]!, b = cpu.lo[s]!, r = (a - b) | 0; if (store) { cpu.lo[d] = r; cpu.hi[d] = 0; } cpu.flagsOp = FlagOp.Sub; cpu.flagsSize = 4; cpu.flagsA = a; cpu.flagsB = b; cpu.flagsRes = r; }
      : (cpu) => { const a = cpu.lo[d]!, r = (a - imm) | 0; if (store) { cpu.lo[d] = r; cpu.hi[d] = 0; } cpu.flagsOp = FlagOp.Sub; cpu.flagsSize = 4; cpu.flagsA = a; cpu.flagsB = imm; cpu.flagsRes = r; };
    return s >= 0
      ? (cpu) => { const r = alu32(cpu, op, 4, cpu.lo[d]!, cpu.lo[s]!); if (store) { cpu.lo[d] = r; cpu.hi[d] = 0; } }
      : (cpu) => { const r = alu32(cpu, op, 4, cpu.lo[d]!, imm); if (store) { cpu.lo[d] = r; cpu.hi[d] = 0; } };
  }
  if (op === 'add' && store) return s >= 0
    ? (cpu) => {
      const a = cpu.lo[d]!, ah = cpu.hi[d]!, b = cpu.lo[s]!, bh = cpu.hi[s]!;
      const sum = (a >>> 0) + (b >>> 0);
      const r = sum | 0, rh = (ah + bh + (sum > 0xFFFF_FFFF ? 1 : 0)) | 0;
      cpu.lo[d] = r; cpu.hi[d] = rh;
      cpu.flagsOp = FlagOp.Add; cpu.flagsSize = 8; cpu.flagsA = a; cpu.flagsAHi = ah; cpu.flagsB = b; cpu.flagsBHi = bh; cpu.flagsRes = r; cpu.flagsResHi = rh;
    }
    : (cpu) => {
      const a = cpu.lo[d]!, ah = cpu.hi[d]!;
      const sum = (a >>> 0) + (imm >>> 0);
      const r = sum | 0, rh = (ah + immHi + (sum > 0xFFFF_FFFF ? 1 : 0)) | 0;
      cpu.lo[d] = r; cpu.hi[d] = rh;
      cpu.flagsOp = FlagOp.Add; cpu.flagsSize = 8; cpu.flagsA = a; cpu.flagsAHi = ah; cpu.flagsB = imm; cpu.flagsBHi = immHi; cpu.flagsRes = r; cpu.flagsResHi = rh;
    };
  if (op === 'sub') {
    // SUB and CMP: the borrow out of the low half goes into the high half.
    return s >= 0
      ? (cpu) => {
        const a = cpu.lo[d]!, ah = cpu.hi[d]!, b = cpu.lo[s]!, bh = cpu.hi[s]!;
        const diff = (a >>> 0) - (b >>> 0);
        const r = diff | 0, rh = (ah - bh - (diff < 0 ? 1 : 0)) | 0;
        if (store) { cpu.lo[d] = r; cpu.hi[d] = rh; }
        cpu.flagsOp = FlagOp.Sub; cpu.flagsSize = 8; cpu.flagsA = a; cpu.flagsAHi = ah; cpu.flagsB = b; cpu.flagsBHi = bh; cpu.flagsRes = r; cpu.flagsResHi = rh;
      }
      : (cpu) => {
        const a = cpu.lo[d]!, ah = cpu.hi[d]!;
        const diff = (a >>> 0) - (imm >>> 0);
        const r = diff | 0, rh = (ah - immHi - (diff < 0 ? 1 : 0)) | 0;
        if (store) { cpu.lo[d] = r; cpu.hi[d] = rh; }
        cpu.flagsOp = FlagOp.Sub; cpu.flagsSize = 8; cpu.flagsA = a; cpu.flagsAHi = ah; cpu.flagsB = imm; cpu.flagsBHi = immHi; cpu.flagsRes = r; cpu.flagsResHi = rh;
      };
  }
  return s >= 0
    ? (cpu) => { const r = alu64(cpu, op, cpu.lo[d]!, cpu.hi[d]!, cpu.lo[s]!, cpu.hi[s]!); if (store) { cpu.lo[d] = r; cpu.hi[d] = cpu.vhi; } }
    : (cpu) => { const r = alu64(cpu, op, cpu.lo[d]!, cpu.hi[d]!, imm, immHi); if (store) { cpu.lo[d] = r; cpu.hi[d] = cpu.vhi; } };
}

function binary(op: BinOp, store: boolean) {
  return (v: InstrView): Exec | undefined => {
    if (v.opCount !== 2) return undefined;
    const size = operandSize(v, 0, operandSize(v, 1, 4));
    const fast = fastBinary(v, op, size, store);
    if (fast) return fast;
    const dst = operand(v, 0, size);
    const src = operand(v, 1, size);
    if (!dst || !src) return undefined;
    return generalBinary(op, size, dst, src, store);
  };
}

function generalBinary(op: BinOp, size: 1 | 2 | 4 | 8, dst: Operand, src: Operand, store: boolean): Exec {
  if (size === 8) {
    return (cpu) => {
      const b = src.read(cpu), bh = cpu.vhi;
      const a = store ? dst.readRmw(cpu) : dst.read(cpu), ah = cpu.vhi;
      const r = alu64(cpu, op, a, ah, b, bh);
      if (store) dst.writeBack(cpu, r, cpu.vhi);
    };
  }
  const m = MASK[size]!;
  return (cpu) => {
    const b = src.read(cpu);
    const a = store ? dst.readRmw(cpu) : dst.read(cpu);
    const r = alu32(cpu, op, size, a, b) & m;
    if (store) dst.writeBack(cpu, r, 0);
  };
}

for (const [m, op] of BINOPS) registerBuilder(m, binary(op, true));
registerBuilder(Mnemonic.Cmp, binary('sub', false));
registerBuilder(Mnemonic.Test, binary('and', false));

/** INC and DEC leave CF as it was (SDM Vol. 2 INC, DEC). */
function incDec(inc: boolean) {
  return (v: InstrView): Exec | undefined => {
    const size = operandSize(v, 0, 4);
    const d = gpr(v, 0);
    const fop = inc ? FlagOp.Inc : FlagOp.Dec;
    const delta = inc ? 1 : -1;
    if (d >= 0 && size === 4) {
      return (cpu) => {
        const cf = cpu.flagsOp === FlagOp.Inc || cpu.flagsOp === FlagOp.Dec ? cpu.flagsCin : getCF(cpu);
        const r = (cpu.lo[d]! + delta) | 0;
        cpu.lo[d] = r; cpu.hi[d] = 0;
        cpu.flagsCin = cf; cpu.flagsOp = fop; cpu.flagsSize = 4; cpu.flagsRes = r;
      };
    }
    if (d >= 0 && size === 8) {
      return (cpu) => {
        const cf = cpu.flagsOp === FlagOp.Inc || cpu.flagsOp === FlagOp.Dec ? cpu.flagsCin : getCF(cpu);
        const a = cpu.lo[d]!, r = (a + delta) | 0;
        // The low half wraps to 0 (INC) or from 0 (DEC): carry or borrow into the high half.
        const rh = inc ? (r === 0 ? (cpu.hi[d]! + 1) | 0 : cpu.hi[d]!) : (a === 0 ? (cpu.hi[d]! - 1) | 0 : cpu.hi[d]!);
        cpu.lo[d] = r; cpu.hi[d] = rh;
        cpu.flagsCin = cf; cpu.flagsOp = fop; cpu.flagsSize = 8; cpu.flagsRes = r; cpu.flagsResHi = rh;
      };
    }
    const dst = operand(v, 0, size);
    if (!dst) return undefined;
    if (size === 8) {
      return (cpu) => {
        const cf = getCF(cpu);
        const a = dst.readRmw(cpu), ah = cpu.vhi;
        const s = (a >>> 0) + delta;
        const r = s | 0, rh = (ah + (s > 0xFFFF_FFFF ? 1 : s < 0 ? -1 : 0)) | 0;
        dst.writeBack(cpu, r, rh);
        cpu.flagsCin = cf;
        recordFlags64(cpu, fop, a, ah, 1, 0, r, rh);
      };
    }
    const m = MASK[size]!;
    return (cpu) => {
      const cf = getCF(cpu);
      const r = (dst.readRmw(cpu) + delta) & m;
      dst.writeBack(cpu, r, 0);
      cpu.flagsCin = cf;
      recordFlags(cpu, fop, size, 0, 1, r);
    };
  };
}
registerBuilder(Mnemonic.Inc, incDec(true));
registerBuilder(Mnemonic.Dec, incDec(false));

registerBuilder(Mnemonic.Neg, (v) => {
  const size = operandSize(v, 0, 4);
  const dst = operand(v, 0, size);
  if (!dst) return undefined;
  if (size === 8) {
    return (cpu) => {
      const a = dst.readRmw(cpu), ah = cpu.vhi;
      const lo = (-a) | 0, hi = (~ah + (a === 0 ? 1 : 0)) | 0;
      dst.writeBack(cpu, lo, hi);
      recordFlags64(cpu, FlagOp.Neg, 0, 0, a, ah, lo, hi);
    };
  }
  const m = MASK[size]!;
  return (cpu) => {
    const a = dst.readRmw(cpu);
    const r = (-a) & m;
    dst.writeBack(cpu, r, 0);
    recordFlags(cpu, FlagOp.Neg, size, 0, a, r);
  };
});

registerBuilder(Mnemonic.Not, (v) => {
  const size = operandSize(v, 0, 4);
  const dst = operand(v, 0, size);
  if (!dst) return undefined;
  const m = size === 8 ? -1 : MASK[size]!;
  return (cpu) => {
    const a = dst.readRmw(cpu), ah = cpu.vhi;
    dst.writeBack(cpu, ~a & m, ~ah); // NOT changes no flags
  };
});
