// Data movement between general-purpose registers, memory and immediates (SDM Vol. 2): MOV,
// MOVZX, MOVSX, MOVSXD, LEA, XCHG, BSWAP, CBW/CWDE/CDQE, CWD/CDQ/CQO, CMPXCHG, CMPXCHG8B/16B, XADD,
// XLAT, BOUND, ARPL. Moves to and from segment, control and debug registers are in exec/system.
// LOCK is accepted by the decoder only on the memory forms that allow it (others decode as #UD);
// with one logical processor every read-modify-write here is atomic already.
import { Code, Mnemonic, OpKind, Register } from 'iced-x86';
import type { Cpu } from '../cpu.js';
import { type Exec, type InstrView, registerBuilder } from '../decode.js';
import { BR, Fault, GP, UD } from '../fault.js';
import { readForWrite, readSized, writeSized } from '../access.js';
import { FlagOp, ZF, recordFlags, recordFlags64, setFlag } from '../flags.js';
import { compileEa, operand, operandSize, regOperand } from '../operands.js';
import { RAX, RBX, RCX, RDX, regInfo } from '../registers.js';
import { maskOf, memSegment, off, offsetAdd, signExtend } from './helpers.js';

// ---- MOV (SDM Vol. 2 MOV), including the moffs forms A0-A3 (their offset is a full-width displacement)

registerBuilder(Mnemonic.Mov, (v: InstrView): Exec | undefined => {
  for (let i = 0; i < 2; i++) {
    if (v.opKinds[i] === OpKind.Register && regInfo(v.opRegs[i]!).kind !== 'gpr') return undefined;
  }
  const size = operandSize(v, 0, operandSize(v, 1, 4));
  // Fast path: register to register and immediate to register.
  if (v.opKinds[0] === OpKind.Register) {
    const d = regInfo(v.opRegs[0]!);
    if (v.opKinds[1] === OpKind.Register && d.size >= 4) {
      const s = regInfo(v.opRegs[1]!).index, di = d.index;
      return d.size === 4
        ? (cpu) => { cpu.lo[di] = cpu.lo[s]!; cpu.hi[di] = 0; }
        : (cpu) => { cpu.lo[di] = cpu.lo[s]!; cpu.hi[di] = cpu.hi[s]!; };
    }
    if (v.opKinds[1]! >= OpKind.Immediate8 && v.opKinds[1]! <= OpKind.Immediate32to64 && d.size >= 4) {
      const lo = Number(BigInt.asIntN(32, v.imms[1]!)), hi = d.size === 8 ? Number(BigInt.asIntN(32, v.imms[1]! >> 32n)) : 0, di = d.index;
      return (cpu) => { cpu.lo[di] = lo; cpu.hi[di] = hi; };
    }
  }
  const dst = operand(v, 0, size);
  const src = operand(v, 1, size);
  if (!dst || !src) return undefined;
  return (cpu) => { const lo = src.read(cpu); dst.write(cpu, lo, cpu.vhi); };
});

// ---- MOVZX, MOVSX, MOVSXD (SDM Vol. 2 MOVZX, MOVSX/MOVSXD)

function extend(signed: boolean) {
  return (v: InstrView): Exec | undefined => {
    if (v.opKinds[0] !== OpKind.Register) return undefined;
    const dsize = regInfo(v.opRegs[0]!).size;
    const ssize = v.opKinds[1] === OpKind.Register ? regInfo(v.opRegs[1]!).size : v.memSize;
    if (ssize !== 1 && ssize !== 2 && ssize !== 4) return undefined;
    const dst = regOperand(v.opRegs[0]!);
    const src = operand(v, 1, ssize);
    if (!src) return undefined;
    if (!signed) return (cpu) => dst.write(cpu, src.read(cpu), 0);
    if (dsize === 8) return (cpu) => { const x = signExtend(ssize, src.read(cpu)); dst.write(cpu, x, x >> 31); };
    return (cpu) => dst.write(cpu, signExtend(ssize, src.read(cpu)), 0);
  };
}
registerBuilder(Mnemonic.Movzx, extend(false));
registerBuilder(Mnemonic.Movsx, extend(true));
registerBuilder(Mnemonic.Movsxd, extend(true));

// ---- LEA (SDM Vol. 2 LEA): the offset at the address size, then truncated or zero-extended to the operand size

registerBuilder(Mnemonic.Lea, (v): Exec | undefined => {
  if (v.opKinds[0] !== OpKind.Register || v.opKinds[1] !== OpKind.Memory) return undefined;
  const d = regInfo(v.opRegs[0]!);
  const ea = compileEa(v);
  const i = d.index;
  switch (d.size) {
    case 2: return (cpu) => { ea(cpu); cpu.lo[i] = (cpu.lo[i]! & ~0xFFFF) | (cpu.eaLo & 0xFFFF); };
    case 4: return (cpu) => { ea(cpu); cpu.lo[i] = cpu.eaLo; cpu.hi[i] = 0; };
    case 8: return (cpu) => { ea(cpu); cpu.lo[i] = cpu.eaLo; cpu.hi[i] = cpu.eaHi; };
    default: return undefined;
  }
});

// ---- XCHG (SDM Vol. 2 XCHG): with a memory operand the processor locks whatever the prefix says

registerBuilder(Mnemonic.Xchg, (v): Exec | undefined => {
  const size = operandSize(v, 0, operandSize(v, 1, 4));
  const memFirst = v.opKinds[0] === OpKind.Memory;
  const regIdx = memFirst ? 1 : 0;
  const other = operand(v, memFirst ? 0 : 1, size);
  const reg = operand(v, regIdx, size);
  if (!other || !reg || reg.isMemory) return undefined;
  return (cpu) => {
    const a = other.readRmw(cpu), ah = cpu.vhi;
    const b = reg.read(cpu), bh = cpu.vhi;
    other.writeBack(cpu, b, bh);
    reg.write(cpu, a, ah);
  };
});

// ---- BSWAP (SDM Vol. 2 BSWAP): a 16-bit operand gives an undefined result; we clear the register's low word

registerBuilder(Mnemonic.Bswap, (v): Exec | undefined => {
  const r = regInfo(v.opRegs[0]!);
  const i = r.index;
  if (r.size === 2) return (cpu) => { cpu.lo[i] = cpu.lo[i]! & ~0xFFFF; };
  if (r.size === 4) return (cpu) => { cpu.lo[i] = bswap32(cpu.lo[i]!); cpu.hi[i] = 0; };
  return (cpu) => { const lo = cpu.lo[i]!; cpu.lo[i] = bswap32(cpu.hi[i]!); cpu.hi[i] = bswap32(lo); };
});

function bswap32(x: number): number {
  return ((x >>> 24) | ((x >>> 8) & 0xFF00) | ((x << 8) & 0xFF_0000) | (x << 24)) | 0;
}

// ---- CBW/CWDE/CDQE and CWD/CDQ/CQO (SDM Vol. 2 CBW/CWDE/CDQE, CWD/CDQ/CQO)

registerBuilder(Mnemonic.Cbw, () => (cpu) => { cpu.lo[RAX] = (cpu.lo[RAX]! & ~0xFFFF) | (signExtend(1, cpu.lo[RAX]!) & 0xFFFF); });
registerBuilder(Mnemonic.Cwde, () => (cpu) => { cpu.lo[RAX] = signExtend(2, cpu.lo[RAX]!); cpu.hi[RAX] = 0; });
registerBuilder(Mnemonic.Cdqe, () => (cpu) => { cpu.hi[RAX] = cpu.lo[RAX]! >> 31; });
registerBuilder(Mnemonic.Cwd, () => (cpu) => { cpu.lo[RDX] = (cpu.lo[RDX]! & ~0xFFFF) | (signExtend(2, cpu.lo[RAX]!) >> 16 & 0xFFFF); });
registerBuilder(Mnemonic.Cdq, () => (cpu) => { cpu.lo[RDX] = cpu.lo[RAX]! >> 31; cpu.hi[RDX] = 0; });
registerBuilder(Mnemonic.Cqo, () => (cpu) => { const s = cpu.hi[RAX]! >> 31; cpu.lo[RDX] = s; cpu.hi[RDX] = s; });

// ---- CMPXCHG (SDM Vol. 2 CMPXCHG): flags as CMP accumulator, destination; on a mismatch the
// destination is written back with its own value and the accumulator receives it.

registerBuilder(Mnemonic.Cmpxchg, (v): Exec | undefined => {
  const size = operandSize(v, 0, 4);
  const dst = operand(v, 0, size);
  const src = operand(v, 1, size);
  if (!dst || !src) return undefined;
  const m = maskOf(size);
  if (size === 8) {
    return (cpu) => {
      const d = dst.readRmw(cpu), dh = cpu.vhi;
      const a = cpu.lo[RAX]!, ah = cpu.hi[RAX]!;
      const diff = (a >>> 0) - (d >>> 0);
      recordFlags64(cpu, FlagOp.Sub, a, ah, d, dh, diff | 0, (ah - dh - (diff < 0 ? 1 : 0)) | 0);
      if (a === d && ah === dh) {
        const s = src.read(cpu);
        dst.writeBack(cpu, s, cpu.vhi);
      } else {
        dst.writeBack(cpu, d, dh);
        cpu.lo[RAX] = d; cpu.hi[RAX] = dh;
      }
    };
  }
  const acc = regOperand(size === 1 ? Register.AL : size === 2 ? Register.AX : Register.EAX);
  return (cpu) => {
    const d = dst.readRmw(cpu);
    const a = acc.read(cpu);
    recordFlags(cpu, FlagOp.Sub, size, a, d, (a - d) | 0);
    if (((a ^ d) & m) === 0) {
      dst.writeBack(cpu, src.read(cpu), 0);
    } else {
      dst.writeBack(cpu, d, 0);
      acc.write(cpu, d, 0);
    }
  };
});

// ---- CMPXCHG8B / CMPXCHG16B (SDM Vol. 2 CMPXCHG8B/CMPXCHG16B): only ZF changes; the memory operand
// is written back either way; CMPXCHG16B needs a 16-byte aligned operand (#GP(0)).

registerBuilder(Mnemonic.Cmpxchg8b, (v): Exec | undefined => {
  if (v.opKinds[0] !== OpKind.Memory) return undefined;
  const ea = compileEa(v);
  const seg = memSegment(v);
  return (cpu) => {
    ea(cpu);
    const lo = readForWrite(cpu, seg, cpu.eaLo, cpu.eaHi, 8), hi = cpu.vhi;
    if (lo === cpu.lo[RAX] && hi === cpu.lo[RDX]) {
      writeSized(cpu, seg, cpu.eaLo, cpu.eaHi, 8, cpu.lo[RBX]!, cpu.lo[RCX]!);
      setFlag(cpu, ZF, true);
    } else {
      writeSized(cpu, seg, cpu.eaLo, cpu.eaHi, 8, lo, hi);
      cpu.set32(RAX, lo); cpu.set32(RDX, hi);
      setFlag(cpu, ZF, false);
    }
  };
});

registerBuilder(Mnemonic.Cmpxchg16b, (v): Exec | undefined => {
  if (v.opKinds[0] !== OpKind.Memory) return undefined;
  const ea = compileEa(v);
  const seg = memSegment(v);
  const as = v.addressSize / 8;
  return (cpu) => {
    ea(cpu);
    if ((cpu.eaLo & 0xF) !== 0) throw new Fault(GP, 0);
    const aLo = cpu.eaLo, aHi = cpu.eaHi;
    offsetAdd(as, aLo, aHi, 8);
    const bLo = off.lo, bHi = off.hi;
    const l0 = readForWrite(cpu, seg, aLo, aHi, 8), h0 = cpu.vhi;
    const l1 = readForWrite(cpu, seg, bLo, bHi, 8), h1 = cpu.vhi;
    if (l0 === cpu.lo[RAX] && h0 === cpu.hi[RAX] && l1 === cpu.lo[RDX] && h1 === cpu.hi[RDX]) {
      writeSized(cpu, seg, aLo, aHi, 8, cpu.lo[RBX]!, cpu.hi[RBX]!);
      writeSized(cpu, seg, bLo, bHi, 8, cpu.lo[RCX]!, cpu.hi[RCX]!);
      setFlag(cpu, ZF, true);
    } else {
      writeSized(cpu, seg, aLo, aHi, 8, l0, h0);
      writeSized(cpu, seg, bLo, bHi, 8, l1, h1);
      cpu.lo[RAX] = l0; cpu.hi[RAX] = h0; cpu.lo[RDX] = l1; cpu.hi[RDX] = h1;
      setFlag(cpu, ZF, false);
    }
  };
});

// ---- XADD (SDM Vol. 2 XADD): TEMP = SRC + DEST; SRC = DEST; DEST = TEMP; flags as ADD

registerBuilder(Mnemonic.Xadd, (v): Exec | undefined => {
  const size = operandSize(v, 0, 4);
  const dst = operand(v, 0, size);
  const src = operand(v, 1, size);
  if (!dst || !src) return undefined;
  if (size === 8) {
    return (cpu) => {
      const d = dst.readRmw(cpu), dh = cpu.vhi;
      const s = src.read(cpu), sh = cpu.vhi;
      const sum = (d >>> 0) + (s >>> 0);
      const r = sum | 0, rh = (dh + sh + (sum > 0xFFFF_FFFF ? 1 : 0)) | 0;
      recordFlags64(cpu, FlagOp.Add, d, dh, s, sh, r, rh);
      src.write(cpu, d, dh);
      dst.writeBack(cpu, r, rh);
    };
  }
  const m = maskOf(size);
  return (cpu) => {
    const d = dst.readRmw(cpu);
    const s = src.read(cpu);
    const r = (d + s) & m;
    recordFlags(cpu, FlagOp.Add, size, d, s, r);
    src.write(cpu, d, 0);
    dst.writeBack(cpu, r, 0);
  };
});

// ---- XLAT (SDM Vol. 2 XLAT/XLATB): AL = [seg:(E/R)BX + zero-extended AL] at the address size

registerBuilder(Mnemonic.Xlatb, (v): Exec | undefined => {
  const seg = memSegment(v);
  const as = v.addressSize / 8;
  return (cpu) => {
    offsetAdd(as, cpu.lo[RBX]!, cpu.hi[RBX]!, cpu.lo[RAX]! & 0xFF);
    const b = readSized(cpu, seg, off.lo, off.hi, 1);
    cpu.lo[RAX] = (cpu.lo[RAX]! & ~0xFF) | b;
  };
});

// ---- BOUND (SDM Vol. 2 BOUND): #BR when the signed index is below [m] or above [m + size]

registerBuilder(Mnemonic.Bound, (v): Exec | undefined => {
  if (v.opKinds[0] !== OpKind.Register || v.opKinds[1] !== OpKind.Memory) return undefined;
  const r = regInfo(v.opRegs[0]!);
  const size = r.size;
  const ea = compileEa(v);
  const seg = memSegment(v);
  const as = v.addressSize / 8;
  return (cpu) => {
    ea(cpu);
    const lower = signExtend(size, readSized(cpu, seg, cpu.eaLo, cpu.eaHi, size));
    offsetAdd(as, cpu.eaLo, cpu.eaHi, size);
    const upper = signExtend(size, readSized(cpu, seg, off.lo, off.hi, size));
    const index = signExtend(size, cpu.lo[r.index]!);
    if (index < lower || index > upper) throw new Fault(BR);
  };
});

// ---- ARPL (SDM Vol. 2 ARPL): protected mode only (#UD in real-address and virtual-8086 mode);
// raises the destination selector's RPL to the source's, ZF tells whether it did.

registerBuilder(Mnemonic.Arpl, (v): Exec | undefined => {
  if (v.code !== Code.Arpl_rm16_r16 && v.code !== Code.Arpl_r32m16_r32) return undefined;
  // The operands are 16 bits even when iced names a 32-bit register (r32/m16 form).
  const word = (i: number) => v.opKinds[i] === OpKind.Register ? regOperand(Register.AX + regInfo(v.opRegs[i]!).index) : operand(v, i, 2);
  const dst = word(0);
  const src = word(1);
  if (!dst || !src) return undefined;
  return (cpu: Cpu) => {
    if ((cpu.cr0 & 1) === 0 || (cpu.flagsValue & (1 << 17)) !== 0) throw new Fault(UD);
    const d = dst.readRmw(cpu) & 0xFFFF;
    const s = src.read(cpu) & 0xFFFF;
    if ((d & 3) < (s & 3)) {
      dst.writeBack(cpu, (d & ~3) | (s & 3), 0);
      setFlag(cpu, ZF, true);
    } else {
      setFlag(cpu, ZF, false);
    }
  };
});
