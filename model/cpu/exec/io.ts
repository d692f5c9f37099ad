// Port I/O: IN, OUT, INS, OUTS (SDM Vol. 2 IN, OUT, INS/INSB/INSW/INSD, OUTS/OUTSB/OUTSW/OUTSD, REP;
// protection by IOPL and the TSS I/O permission bitmap, Vol. 1 19.5).
import { Mnemonic, OpKind } from 'iced-x86';
import type { Cpu } from '../cpu.js';
import { Fault, GP } from '../fault.js';
import { type Exec, type InstrView, registerBuilder } from '../decode.js';
import { readForWrite, readSized, writeSized } from '../access.js';
import { iopl } from '../flags.js';
import { gprOperand } from '../operands.js';
import { ES, RAX, RCX, RDI, RSI, regInfo } from '../registers.js';
import { off, offsetAdd } from './helpers.js';
import { ioBitmapAllows } from '../segmentation.js';
import { EXIT_REASON } from '../../generated/index.js';
import { noteIoForSmi } from '../smm.js';
import { inNonRoot, instructionExit, ioExits, ioQualification } from '../../vmx/exits.js';

/**
 * In protected mode with CPL > IOPL, and always in virtual-8086 mode, an access to ports
 * [port, port + size) needs their bits clear in the TSS I/O permission bitmap, else #GP(0)
 * (SDM Vol. 1 19.5.1, 19.5.2; the bitmap walk is segmentation.ts ioBitmapAllows).
 */
export function checkIoPermission(cpu: Cpu, port: number, size: number): void {
  if ((cpu.cr0 & 1) === 0) return;
  const v86 = (cpu.flagsValue & (1 << 17)) !== 0;
  if (!v86 && cpu.cpl <= iopl(cpu)) return;
  if (!ioBitmapAllows(cpu, port, size)) throw new Fault(GP, 0);
}

function portOf(cpu: Cpu, fromDx: boolean, imm: number): number {
  return fromDx ? cpu.lo[2]! & 0xFFFF : imm;
}

/**
 * IN and OUT in VMX non-root operation: after the I/O-permission check (SDM 26.1.1), an exit by
 * "unconditional I/O exiting" or the I/O bitmaps (26.1.3) with the I/O qualification (28.2.1).
 */
function ioExit(cpu: Cpu, v: InstrView, port: number, size: number, input: boolean, fromDx: boolean): boolean {
  if (!inNonRoot(cpu) || !ioExits(cpu, port, size)) return false;
  instructionExit(cpu, EXIT_REASON.IO_INSTRUCTION, v.length, { qualification: ioQualification(port, size, input, false, false, !fromDx) });
  return true;
}

registerBuilder(Mnemonic.Out, (v): Exec | undefined => {
  const fromDx = v.opKinds[0] === OpKind.Register;
  const imm = fromDx ? 0 : Number(v.imms[0]!);
  const size = regInfo(v.opRegs[1]!).size as 1 | 2 | 4;
  return (cpu) => {
    const port = portOf(cpu, fromDx, imm);
    checkIoPermission(cpu, port, size);
    if (ioExit(cpu, v, port, size, false, fromDx)) return;
    noteIoForSmi(cpu, port, size, false, !fromDx); // a chipset's I/O trap (SDM 33.15.2.3): smm.ts
    const a = cpu.lo[0]!;
    cpu.io.write(port, size, size === 1 ? a & 0xFF : size === 2 ? a & 0xFFFF : a >>> 0);
  };
});

registerBuilder(Mnemonic.In, (v): Exec | undefined => {
  const fromDx = v.opKinds[1] === OpKind.Register;
  const imm = fromDx ? 0 : Number(v.imms[1]!);
  const size = regInfo(v.opRegs[0]!).size as 1 | 2 | 4;
  const acc = gprOperand(RAX, size); // AL, AX or EAX
  return (cpu) => {
    const port = portOf(cpu, fromDx, imm);
    checkIoPermission(cpu, port, size);
    if (ioExit(cpu, v, port, size, true, fromDx)) return;
    noteIoForSmi(cpu, port, size, true, !fromDx); // a chipset's I/O trap (SDM 33.15.2.3): smm.ts
    acc.write(cpu, cpu.io.read(port, size), 0);
  };
});

// ---- INS and OUTS

/**
 * Iterations of a REP INS/OUTS done in one go. When more remain, RIP stays on the instruction so the
 * run loop can take events between the chunks and the instruction goes on where it stopped, as the SDM
 * allows for REP string instructions (Vol. 2 REP: interrupts between iterations).
 */
const REP_CHUNK = 65536;

/** Adds delta to a string register at the address size: SI/DI wrap at 16 bits, ESI/EDI zero-extend. */
function advance(cpu: Cpu, r: number, delta: number, as: 16 | 32 | 64): void {
  offsetAdd(as / 8, cpu.lo[r]!, cpu.hi[r]!, delta);
  if (as === 16) cpu.lo[r] = (cpu.lo[r]! & ~0xFFFF) | off.lo;
  else { cpu.lo[r] = off.lo; cpu.hi[r] = off.hi; }
}

/** The count register at the address size: CX, ECX or RCX (as a number: exact below 2^53). */
function count(cpu: Cpu, as: 16 | 32 | 64): number {
  if (as === 16) return cpu.lo[RCX]! & 0xFFFF;
  if (as === 32) return cpu.lo[RCX]! >>> 0;
  return (cpu.hi[RCX]! >>> 0) * 0x1_0000_0000 + (cpu.lo[RCX]! >>> 0);
}

/** CX/ECX/RCX minus one. */
function decrementCount(cpu: Cpu, as: 16 | 32 | 64): void {
  advance(cpu, RCX, -1, as);
}

function offsetHi(cpu: Cpu, r: number, as: 16 | 32 | 64): number {
  return as === 64 ? cpu.hi[r]! : 0;
}

function offsetLo(cpu: Cpu, r: number, as: 16 | 32 | 64): number {
  return as === 16 ? cpu.lo[r]! & 0xFFFF : cpu.lo[r]!;
}

/**
 * INS m, DX: reads the port and stores to ES:[rDI] (no segment override), then moves rDI by the size,
 * down when DF = 1. The destination is checked for writing before the port is read, so a fault leaves
 * no I/O done (SDM Vol. 2 INS: Operation; faults are restartable).
 * OUTS DX, m: loads DS:[rSI] (segment override allowed) and writes it to the port, then moves rSI.
 * With REP (F3, or F2, which Intel processors treat alike for these), rCX counts the iterations; each
 * completed iteration updates rSI/rDI and rCX, so a fault in the middle resumes correctly.
 */
function stringIo(v: InstrView, ins: boolean): Exec | undefined {
  const size = (v.memSize === 1 || v.memSize === 2 || v.memSize === 4 ? v.memSize : 0) as 0 | 1 | 2 | 4;
  if (size === 0) return undefined;
  const as = v.addressSize;
  const rep = v.rep || v.repne;
  const src = regInfo(v.memSeg).kind === 'seg' ? regInfo(v.memSeg).index : 3;
  const ptr = ins ? RDI : RSI;
  const seg = ins ? ES : src;
  /**
   * INS/OUTS exit like IN/OUT (string bit and REP bit in the qualification) and save the linear address
   * of the memory operand; the instruction information (address size, segment) only where
   * IA32_VMX_BASIC[54] reports it (SDM 28.2.1, 28.2.5).
   */
  const stringExit = (cpu: Cpu, port: number): boolean => {
    if (!inNonRoot(cpu) || !ioExits(cpu, port, size)) return false;
    const lo = offsetLo(cpu, ptr, as) >>> 0, hi = offsetHi(cpu, ptr, as) >>> 0;
    const flat = cpu.bitness === 64 && seg !== 4 && seg !== 5;
    const base = flat ? 0n : (BigInt(cpu.segBaseHi[seg]! >>> 0) << 32n) | BigInt(cpu.segBaseLo[seg]! >>> 0);
    const offset = (BigInt(hi) << 32n) | BigInt(lo);
    const linear = BigInt.asUintN(cpu.bitness === 64 ? 64 : 32, base + offset);
    const info = cpu.vmx!.caps.basic.insOutsInformation ? { instructionInformation: (as === 16 ? 0 : as === 32 ? 1 : 2) << 7 | seg << 15 } : {};
    instructionExit(cpu, EXIT_REASON.IO_INSTRUCTION, v.length, {
      qualification: ioQualification(port, size, ins, true, rep, false), guestLinearAddress: linear, ...info,
    });
    return true;
  };
  const once = (cpu: Cpu, port: number): void => {
    const lo = offsetLo(cpu, ptr, as), hi = offsetHi(cpu, ptr, as);
    if (ins) {
      readForWrite(cpu, ES, lo, hi, size);
      writeSized(cpu, ES, lo, hi, size, cpu.io.read(port, size), 0);
    } else {
      const value = readSized(cpu, src, lo, hi, size);
      cpu.io.write(port, size, size === 1 ? value & 0xFF : size === 2 ? value & 0xFFFF : value >>> 0);
    }
    advance(cpu, ptr, (cpu.flagsValue & (1 << 10)) !== 0 ? -size : size, as);
  };
  if (!rep) {
    return (cpu) => {
      const port = cpu.lo[2]! & 0xFFFF;
      checkIoPermission(cpu, port, size);
      if (stringExit(cpu, port)) return;
      once(cpu, port);
    };
  }
  return (cpu) => {
    const port = cpu.lo[2]! & 0xFFFF;
    let n = count(cpu, as);
    if (n === 0) return;
    checkIoPermission(cpu, port, size);
    if (stringExit(cpu, port)) return;
    for (let done = 0; n > 0; done++) {
      if (done === REP_CHUNK) { cpu.nextLo = cpu.ripLo; cpu.nextHi = cpu.ripHi; return; }
      once(cpu, port);
      decrementCount(cpu, as);
      n--;
    }
  };
}

registerBuilder([Mnemonic.Insb, Mnemonic.Insw, Mnemonic.Insd], (v) => stringIo(v, true));
registerBuilder([Mnemonic.Outsb, Mnemonic.Outsw, Mnemonic.Outsd], (v) => stringIo(v, false));
