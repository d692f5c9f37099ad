// Operands compiled once per decoded instruction into small accessor objects. Values travel as int32
// low halves; a 64-bit operand's high half goes through cpu.vhi on reads and a second argument on writes.
import { OpKind, Register } from 'iced-x86';
import type { Cpu } from './cpu.js';
import type { InstrView } from './decode.js';
import { readForWrite, readSized, writeSized } from './access.js';
import { regInfo } from './registers.js';

export interface Operand {
  readonly size: 1 | 2 | 4 | 8;
  /** Low 32 bits, zero-extended for 1- and 2-byte operands; 8-byte operands leave the high half in cpu.vhi. */
  read(cpu: Cpu): number;
  /** Writes with the architectural width rules (a 32-bit GPR write clears bits 63:32). */
  write(cpu: Cpu, lo: number, hi: number): void;
  /** For read-modify-write: reads after checking that the destination can be written. */
  readRmw(cpu: Cpu): number;
  /** Writes the result of readRmw back (memory: to the address computed by readRmw). */
  writeBack(cpu: Cpu, lo: number, hi: number): void;
  readonly isMemory: boolean;
}

/** Effective-address scratch (no allocation per access). */
export interface EaScratch { lo: number; hi: number }

/** A compiled effective-address computation: writes the offset into cpu.eaLo/eaHi. */
export type EaFn = (cpu: Cpu) => void;

function gprIndex(r: Register): number {
  const info = regInfo(r);
  return info.kind === 'gpr' ? info.index : -1;
}

/**
 * Effective address = base + index * scale + displacement, truncated to the address size (SDM Vol. 1
 * 3.7.5); RIP-relative operands add the next instruction's RIP.
 */
export function compileEa(v: InstrView): EaFn {
  const base = gprIndex(v.memBase);
  const index = gprIndex(v.memIndex);
  const scale = v.memScale || 1;
  // The exact displacement (a 64-bit moffs is not exact as a number); RIP-relative ones are relative.
  const displ = v.ipRel ? BigInt(v.memDispl) : BigInt.asIntN(64, v.memDisplBig);
  const dispLo = Number(BigInt.asIntN(32, displ));
  const dispHi = Number(BigInt.asIntN(32, displ >> 32n));
  const as = v.addressSize;
  if (v.ipRel) {
    return (cpu) => {
      const lo = (cpu.nextLo + dispLo) | 0;
      const carry = (lo >>> 0) < (cpu.nextLo >>> 0) ? 1 : 0;
      cpu.eaLo = lo;
      cpu.eaHi = as === 64 ? (cpu.nextHi + dispHi + carry) | 0 : 0;
    };
  }
  if (as === 16) {
    return (cpu) => {
      let o = dispLo;
      if (base >= 0) o += cpu.lo[base]!;
      if (index >= 0) o += cpu.lo[index]! * scale;
      cpu.eaLo = o & 0xFFFF; cpu.eaHi = 0;
    };
  }
  if (as === 32) {
    if (index < 0 && base >= 0) return (cpu) => { cpu.eaLo = (cpu.lo[base]! + dispLo) | 0; cpu.eaHi = 0; };
    return (cpu) => {
      let o = dispLo;
      if (base >= 0) o = (o + cpu.lo[base]!) | 0;
      if (index >= 0) o = (o + Math.imul(cpu.lo[index]!, scale)) | 0;
      cpu.eaLo = o; cpu.eaHi = 0;
    };
  }
  // 64-bit: add with carries between the halves; the sum wraps at 2^64.
  return (cpu) => {
    let lo = dispLo >>> 0, hi = dispHi;
    if (base >= 0) {
      const s = lo + (cpu.lo[base]! >>> 0);
      hi = (hi + cpu.hi[base]! + (s > 0xFFFF_FFFF ? 1 : 0)) | 0;
      lo = s >>> 0;
    }
    if (index >= 0) {
      // index * scale as 64-bit: scale is 1, 2, 4 or 8, a shift.
      const sh = scale === 1 ? 0 : scale === 2 ? 1 : scale === 4 ? 2 : 3;
      const il = cpu.lo[index]! >>> 0, ih = cpu.hi[index]!;
      const sl = (il * scale) >>> 0;
      const sHi = sh === 0 ? ih : ((ih << sh) | (il >>> (32 - sh))) | 0;
      const s = lo + sl;
      hi = (hi + sHi + (s > 0xFFFF_FFFF ? 1 : 0)) | 0;
      lo = s >>> 0;
    }
    cpu.eaLo = lo | 0; cpu.eaHi = hi;
  };
}

function segIndex(r: Register): number {
  const info = regInfo(r);
  return info.kind === 'seg' ? info.index : 3; // DS by default
}

export function regOperand(r: Register): Operand {
  const info = regInfo(r);
  if (info.kind !== 'gpr') throw new Error(`not a general-purpose register: ${r}`);
  return gprOperand(info.index, info.size, info.high8);
}

/**
 * General-purpose register `i` at `size` bytes (AH..BH with `high8`), with the architectural width
 * rules on writes: 8- and 16-bit writes keep the rest of the register, a 32-bit write clears bits
 * 63:32 (SDM Vol. 1 3.4.1.1).
 */
export function gprOperand(i: number, size: 1 | 2 | 4 | 8, high8 = false): Operand {
  switch (size) {
    case 1:
      if (high8) {
        const op: Operand = {
          size: 1, isMemory: false,
          read: (cpu) => (cpu.lo[i]! >>> 8) & 0xFF,
          write: (cpu, v) => { cpu.lo[i] = (cpu.lo[i]! & ~0xFF00) | ((v & 0xFF) << 8); },
          readRmw: (cpu) => op.read(cpu), writeBack: (cpu, v, h) => op.write(cpu, v, h),
        };
        return op;
      }
      return {
        size: 1, isMemory: false,
        read: (cpu) => cpu.lo[i]! & 0xFF,
        write: (cpu, v) => { cpu.lo[i] = (cpu.lo[i]! & ~0xFF) | (v & 0xFF); },
        readRmw: (cpu) => cpu.lo[i]! & 0xFF,
        writeBack: (cpu, v) => { cpu.lo[i] = (cpu.lo[i]! & ~0xFF) | (v & 0xFF); },
      };
    case 2:
      return {
        size: 2, isMemory: false,
        read: (cpu) => cpu.lo[i]! & 0xFFFF,
        write: (cpu, v) => { cpu.lo[i] = (cpu.lo[i]! & ~0xFFFF) | (v & 0xFFFF); },
        readRmw: (cpu) => cpu.lo[i]! & 0xFFFF,
        writeBack: (cpu, v) => { cpu.lo[i] = (cpu.lo[i]! & ~0xFFFF) | (v & 0xFFFF); },
      };
    case 4:
      return {
        size: 4, isMemory: false,
        read: (cpu) => cpu.lo[i]!,
        write: (cpu, v) => { cpu.lo[i] = v; cpu.hi[i] = 0; },
        readRmw: (cpu) => cpu.lo[i]!,
        writeBack: (cpu, v) => { cpu.lo[i] = v; cpu.hi[i] = 0; },
      };
    default:
      return {
        size: 8, isMemory: false,
        read: (cpu) => { cpu.vhi = cpu.hi[i]!; return cpu.lo[i]!; },
        write: (cpu, v, h) => { cpu.lo[i] = v; cpu.hi[i] = h; },
        readRmw: (cpu) => { cpu.vhi = cpu.hi[i]!; return cpu.lo[i]!; },
        writeBack: (cpu, v, h) => { cpu.lo[i] = v; cpu.hi[i] = h; },
      };
  }
}

export function memOperand(v: InstrView, size: 1 | 2 | 4 | 8): Operand {
  const ea = compileEa(v);
  const seg = segIndex(v.memSeg);
  return {
    size, isMemory: true,
    read: (cpu) => { ea(cpu); return readSized(cpu, seg, cpu.eaLo, cpu.eaHi, size); },
    write: (cpu, lo, hi) => { ea(cpu); writeSized(cpu, seg, cpu.eaLo, cpu.eaHi, size, lo, hi); },
    readRmw: (cpu) => { ea(cpu); return readForWrite(cpu, seg, cpu.eaLo, cpu.eaHi, size); },
    // The offset is still in cpu.eaLo/eaHi from readRmw, and the page was checked writable.
    writeBack: (cpu, lo, hi) => writeSized(cpu, seg, cpu.eaLo, cpu.eaHi, size, lo, hi),
  };
}

/** An immediate as (lo, hi) already sign- or zero-extended to the operand size by the decoder. */
export function immOperand(value: bigint, size: 1 | 2 | 4 | 8): Operand {
  const lo = Number(BigInt.asIntN(32, value));
  const hi = Number(BigInt.asIntN(32, value >> 32n));
  const masked = size === 1 ? lo & 0xFF : size === 2 ? lo & 0xFFFF : lo;
  const fail = (): never => { throw new Error('write to an immediate operand'); };
  return {
    size, isMemory: false,
    read: (cpu) => { cpu.vhi = hi; return masked; },
    write: fail, readRmw: (cpu) => { cpu.vhi = hi; return masked; }, writeBack: fail,
  };
}

/** Size in bytes of operand i: its register, or the memory operand's size, or the fallback. */
export function operandSize(v: InstrView, i: number, fallback: 1 | 2 | 4 | 8): 1 | 2 | 4 | 8 {
  const k = v.opKinds[i];
  if (k === OpKind.Register) return regInfo(v.opRegs[i]!).size;
  if (k === OpKind.Memory && (v.memSize === 1 || v.memSize === 2 || v.memSize === 4 || v.memSize === 8)) return v.memSize;
  return fallback;
}

/** The operand i of a decoded instruction (register, memory or immediate), at `size` bytes. */
export function operand(v: InstrView, i: number, size: 1 | 2 | 4 | 8): Operand | undefined {
  const k = v.opKinds[i];
  if (k === OpKind.Register) return regInfo(v.opRegs[i]!).kind === 'gpr' ? regOperand(v.opRegs[i]!) : undefined;
  if (k === OpKind.Memory) return memOperand(v, size);
  if (k !== undefined && k >= OpKind.Immediate8 && k <= OpKind.Immediate32to64) return immOperand(v.imms[i]!, size);
  return undefined;
}
