// Bit instructions and conditional moves (SDM Vol. 2): BT, BTS, BTR, BTC; BSF, BSR, TZCNT, LZCNT,
// POPCNT; SETcc; CMOVcc.
//
// Undefined flags, and what this model produces:
// - BT/BTS/BTR/BTC: OF, SF, AF, PF undefined, ZF unaffected: the model changes only CF.
// - BSF/BSR: CF, OF, SF, AF, PF undefined: the model changes only ZF. With a zero source the
//   destination is undefined: the model leaves the register untouched (all 64 bits).
// - TZCNT/LZCNT: OF, SF, PF, AF undefined: SF and PF follow the result, OF = AF = 0.
import { Mnemonic, OpKind } from 'iced-x86';
import type { Cpu } from '../cpu.js';
import { type Exec, type InstrView, registerBuilder } from '../decode.js';
import { readForWrite, readSized, writeSized } from '../access.js';
import { ARITH, CF, ZF, condition, recordResult, setFlag, writeFlags } from '../flags.js';
import { compileEa, operand, operandSize, regOperand } from '../operands.js';
import { regInfo } from '../registers.js';
import { memSegment, off, offsetAdd } from './helpers.js';

// ---- BT, BTS, BTR, BTC (SDM Vol. 2 BT/BTS/BTR/BTC)

const enum BitOp { Test, Set, Reset, Complement }

function applyBit(op: BitOp, v: number, mask: number): number {
  return op === BitOp.Set ? v | mask : op === BitOp.Reset ? v & ~mask : v ^ mask;
}

function bitTest(op: BitOp) {
  return (v: InstrView): Exec | undefined => {
    const size = operandSize(v, 0, 4);
    const w = size * 8;
    const immForm = v.opKinds[1] !== OpKind.Register;
    const imm = immForm ? Number(v.imms[1]! & 0xFFn) : 0;
    const dst = operand(v, 0, size);
    if (!dst) return undefined;
    if (!dst.isMemory || immForm) {
      // Register bit base, or an immediate offset: the offset is taken modulo the operand size.
      const src = immForm ? undefined : regOperand(v.opRegs[1]!);
      return (cpu) => {
        const n = (src ? src.read(cpu) : imm) & (w - 1);
        const lo = op === BitOp.Test ? dst.read(cpu) : dst.readRmw(cpu), hi = cpu.vhi;
        const inHi = n >= 32;
        const m = 1 << (n & 31);
        setFlag(cpu, CF, ((inHi ? hi : lo) & m) !== 0);
        if (op === BitOp.Test) return;
        if (size === 8) dst.writeBack(cpu, inHi ? lo : applyBit(op, lo, m), inHi ? applyBit(op, hi, m) : hi);
        else dst.writeBack(cpu, applyBit(op, lo, m), 0);
      };
    }
    // A memory bit string with a register offset: the offset is signed and may reach outside the
    // operand; the processor accesses the operand-size unit that holds the bit.
    const ea = compileEa(v);
    const seg = memSegment(v);
    const as = v.addressSize / 8;
    const r = regInfo(v.opRegs[1]!);
    const ri = r.index;
    return (cpu) => {
      ea(cpu);
      let bit: number;
      if (size === 8) {
        // Byte displacement = (offset SAR 6) * 8 as a 64-bit value.
        const lo = cpu.lo[ri]!, hi = cpu.hi[ri]!;
        bit = lo & 63;
        const dLo = ((lo >>> 3) | (hi << 29)) & ~7, dHi = hi >> 3;
        const s = (cpu.eaLo >>> 0) + (dLo >>> 0);
        off.lo = s | 0;
        off.hi = as === 8 ? (cpu.eaHi + dHi + (s > 0xFFFF_FFFF ? 1 : 0)) | 0 : 0;
        if (as === 2) off.lo &= 0xFFFF;
      } else {
        const o = size === 2 ? (cpu.lo[ri]! << 16) >> 16 : cpu.lo[ri]!;
        bit = o & (w - 1);
        offsetAdd(as, cpu.eaLo, cpu.eaHi, (o >> (size === 2 ? 4 : 5)) * size);
      }
      const aLo = off.lo, aHi = off.hi;
      const v0 = op === BitOp.Test ? readSized(cpu, seg, aLo, aHi, size) : readForWrite(cpu, seg, aLo, aHi, size);
      const h0 = cpu.vhi;
      const inHi = bit >= 32;
      const m = 1 << (bit & 31);
      setFlag(cpu, CF, ((inHi ? h0 : v0) & m) !== 0);
      if (op === BitOp.Test) return;
      if (size === 8) writeSized(cpu, seg, aLo, aHi, 8, inHi ? v0 : applyBit(op, v0, m), inHi ? applyBit(op, h0, m) : h0);
      else writeSized(cpu, seg, aLo, aHi, size, applyBit(op, v0, m), 0);
    };
  };
}
registerBuilder(Mnemonic.Bt, bitTest(BitOp.Test));
registerBuilder(Mnemonic.Bts, bitTest(BitOp.Set));
registerBuilder(Mnemonic.Btr, bitTest(BitOp.Reset));
registerBuilder(Mnemonic.Btc, bitTest(BitOp.Complement));

// ---- BSF, BSR (SDM Vol. 2 BSF, BSR), TZCNT, LZCNT (Vol. 2 TZCNT, LZCNT), POPCNT (Vol. 2 POPCNT)

function scanBuilder(kind: 'bsf' | 'bsr' | 'tzcnt' | 'lzcnt' | 'popcnt') {
  return (v: InstrView): Exec | undefined => {
    if (v.opKinds[0] !== OpKind.Register) return undefined;
    const size = regInfo(v.opRegs[0]!).size;
    const dst = regOperand(v.opRegs[0]!);
    const src = operand(v, 1, size);
    if (!src) return undefined;
    const w = size * 8;
    return (cpu) => {
      const lo = src.read(cpu), hi = size === 8 ? cpu.vhi : 0;
      const zero = (lo | hi) === 0;
      switch (kind) {
        case 'bsf':
          if (!zero) dst.write(cpu, lo !== 0 ? ctz32(lo) : 32 + ctz32(hi), 0);
          setFlag(cpu, ZF, zero);
          return;
        case 'bsr':
          if (!zero) dst.write(cpu, hi !== 0 ? 63 - Math.clz32(hi) : 31 - Math.clz32(lo), 0);
          setFlag(cpu, ZF, zero);
          return;
        case 'tzcnt': {
          const n = zero ? w : lo !== 0 ? ctz32(lo) : 32 + ctz32(hi);
          dst.write(cpu, n, 0);
          recordResult(cpu, size, n, 0, zero ? CF : 0); // CF = source was 0; ZF = result is 0
          return;
        }
        case 'lzcnt': {
          const n = size === 8 ? (hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(lo)) : Math.clz32(lo) - (32 - w);
          dst.write(cpu, n, 0);
          recordResult(cpu, size, n, 0, n === w ? CF : 0); // CF = source was 0; ZF = result is 0
          return;
        }
        default: {
          const n = popcount32(lo) + (size === 8 ? popcount32(hi) : 0);
          dst.write(cpu, n, 0);
          writeFlags(cpu, zero ? ZF : 0, ARITH); // OF SF AF CF PF cleared, ZF = source was 0
        }
      }
    };
  };
}

function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}

function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x5555_5555);
  x = (x & 0x3333_3333) + ((x >>> 2) & 0x3333_3333);
  x = (x + (x >>> 4)) & 0x0F0F_0F0F;
  return Math.imul(x, 0x0101_0101) >>> 24;
}

registerBuilder(Mnemonic.Bsf, scanBuilder('bsf'));
registerBuilder(Mnemonic.Bsr, scanBuilder('bsr'));
registerBuilder(Mnemonic.Tzcnt, scanBuilder('tzcnt'));
registerBuilder(Mnemonic.Lzcnt, scanBuilder('lzcnt'));
registerBuilder(Mnemonic.Popcnt, scanBuilder('popcnt'));

// ---- SETcc (SDM Vol. 2 SETcc): r/m8 = condition ? 1 : 0

const SETCC = [
  Mnemonic.Seto, Mnemonic.Setno, Mnemonic.Setb, Mnemonic.Setae, Mnemonic.Sete, Mnemonic.Setne, Mnemonic.Setbe, Mnemonic.Seta,
  Mnemonic.Sets, Mnemonic.Setns, Mnemonic.Setp, Mnemonic.Setnp, Mnemonic.Setl, Mnemonic.Setge, Mnemonic.Setle, Mnemonic.Setg,
];
SETCC.forEach((m, cc) => {
  registerBuilder(m, (v): Exec | undefined => {
    const dst = operand(v, 0, 1);
    if (!dst) return undefined;
    return (cpu: Cpu) => dst.write(cpu, condition(cpu, cc) ? 1 : 0, 0);
  });
});

// ---- CMOVcc (SDM Vol. 2 CMOVcc): the source is read (and may fault) whatever the condition; a
// 32-bit destination has bits 63:32 cleared even when the condition is false.

const CMOVCC = [
  Mnemonic.Cmovo, Mnemonic.Cmovno, Mnemonic.Cmovb, Mnemonic.Cmovae, Mnemonic.Cmove, Mnemonic.Cmovne, Mnemonic.Cmovbe, Mnemonic.Cmova,
  Mnemonic.Cmovs, Mnemonic.Cmovns, Mnemonic.Cmovp, Mnemonic.Cmovnp, Mnemonic.Cmovl, Mnemonic.Cmovge, Mnemonic.Cmovle, Mnemonic.Cmovg,
];
CMOVCC.forEach((m, cc) => {
  registerBuilder(m, (v): Exec | undefined => {
    if (v.opKinds[0] !== OpKind.Register) return undefined;
    const r = regInfo(v.opRegs[0]!);
    const dst = regOperand(v.opRegs[0]!);
    const src = operand(v, 1, r.size);
    if (!src) return undefined;
    const d = r.index;
    if (r.size === 4) {
      return (cpu: Cpu) => {
        const x = src.read(cpu);
        if (condition(cpu, cc)) cpu.lo[d] = x;
        cpu.hi[d] = 0;
      };
    }
    return (cpu: Cpu) => {
      const x = src.read(cpu), xh = cpu.vhi;
      if (condition(cpu, cc)) dst.write(cpu, x, xh);
    };
  });
});
