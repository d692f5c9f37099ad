// The stack: PUSH, POP, PUSHA/POPA, PUSHF/POPF, ENTER, LEAVE (SDM Vol. 2), and the push/pop helpers
// near CALL/RET use. Every access goes through SS with the stack-address size (SDM Vol. 1 6.2.3):
// 64 bits in 64-bit mode, else 32 when SS.B = 1, else 16. RSP changes only after the accesses
// succeeded, so a fault leaves the instruction restartable.
import { Code, Mnemonic, OpKind, Register } from 'iced-x86';
import type { Cpu } from '../cpu.js';
import { type Exec, type InstrView, registerBuilder } from '../decode.js';
import { Fault, GP } from '../fault.js';
import { readSized, writeSized } from '../access.js';
import {
  AC, ARITH, DF, FIXED1, ID, IF, IOPL, NT, RF, TF, VIF, VIP, VM, iopl, readFlags, settleFlags,
} from '../flags.js';
import { CR4_VME } from '../control-registers.js';
import { gprOperand, operand } from '../operands.js';
import { loadDataSegment, setStackPointer } from '../segmentation.js';
import { RBP, RSP, SS, regInfo } from '../registers.js';
import { off, offsetAdd } from './helpers.js';

/** Stack-address size in bytes: 8 in 64-bit mode, else 4 when SS.B = 1, else 2 (SDM Vol. 1 6.2.3). */
export function stackAddressSize(cpu: Cpu): 2 | 4 | 8 {
  if (cpu.bitness === 64) return 8;
  return (cpu.segAttr[SS]! & 0x4000) !== 0 ? 4 : 2;
}

/** RSP + delta at the stack-address size, into `off`. */
function spOffset(cpu: Cpu, delta: number): void {
  offsetAdd(stackAddressSize(cpu), cpu.lo[RSP]!, cpu.hi[RSP]!, delta);
}

/** Adds delta to the stack pointer at the stack-address size. */
export function adjustSp(cpu: Cpu, delta: number): void {
  const size = stackAddressSize(cpu);
  offsetAdd(size, cpu.lo[RSP]!, cpu.hi[RSP]!, delta);
  setStackPointer(cpu, size, off.lo, off.hi);
}

/** Writes `size` bytes at SS:(RSP + delta) without moving RSP. */
export function stackWrite(cpu: Cpu, delta: number, size: number, lo: number, hi: number): void {
  spOffset(cpu, delta);
  writeSized(cpu, SS, off.lo, off.hi, size, lo, hi);
}

/** Reads `size` bytes at SS:(RSP + delta) without moving RSP (8 bytes leave the high half in cpu.vhi). */
export function stackRead(cpu: Cpu, delta: number, size: number): number {
  spOffset(cpu, delta);
  return readSized(cpu, SS, off.lo, off.hi, size);
}

/** PUSH of a `size`-byte value (SDM Vol. 2 PUSH): write at RSP - size, then move RSP. */
export function push(cpu: Cpu, size: number, lo: number, hi: number): void {
  const ss = stackAddressSize(cpu);
  offsetAdd(ss, cpu.lo[RSP]!, cpu.hi[RSP]!, -size);
  const nLo = off.lo, nHi = off.hi;
  writeSized(cpu, SS, nLo, nHi, size, lo, hi);
  setStackPointer(cpu, ss, nLo, nHi);
}

/** POP of a `size`-byte value (SDM Vol. 2 POP): read at RSP, then move RSP; 8 bytes leave the high half in cpu.vhi. */
export function pop(cpu: Cpu, size: number): number {
  spOffset(cpu, 0);
  const v = readSized(cpu, SS, off.lo, off.hi, size);
  const vhi = cpu.vhi;
  adjustSp(cpu, size);
  cpu.vhi = vhi;
  return v;
}

/** Operand size in bytes from an iced Code name: Pushw/Pushd/Pushq, Retnw, Leaved, Push_r16... */
export function codeOperandSize(v: InstrView, fallback: 2 | 4 | 8): 2 | 4 | 8 {
  const name = Code[v.code] ?? '';
  const m = /^[A-Z][a-z]+?(w|d|q)(_|$)/.exec(name);
  if (m && !/^(Movs|Cmps|Stos|Lods|Scas)/.test(name)) {
    if (m[1] === 'w') return 2;
    if (m[1] === 'd') return 4;
    return 8;
  }
  if (/_(r|rm|imm)16(_|$)/.test(name)) return 2;
  if (/_(r|rm|imm)32(_|$)/.test(name)) return 4;
  if (/_(r|rm|imm)64(_|$)/.test(name)) return 8;
  return fallback;
}

function defaultOpSize(v: InstrView): 2 | 4 | 8 {
  return v.bitness === 64 ? 8 : v.bitness === 32 ? 4 : 2;
}

function segOf(r: Register): number {
  const info = regInfo(r);
  return info.kind === 'seg' ? info.index : -1;
}

// ---- PUSH (SDM Vol. 2 PUSH)

registerBuilder(Mnemonic.Push, (v): Exec | undefined => {
  const k = v.opKinds[0];
  const size = codeOperandSize(v, defaultOpSize(v));
  if (k === OpKind.Register) {
    const seg = segOf(v.opRegs[0]!);
    if (seg >= 0) {
      // A segment selector: zero-extended for 64-bit pushes; for 32-bit ones current processors
      // write only the low 16 bits of the slot (SDM Vol. 2 PUSH, Operation note).
      if (size === 4) {
        return (cpu) => {
          stackWrite(cpu, -4, 2, cpu.segSel[seg]!, 0);
          adjustSp(cpu, -4);
        };
      }
      return (cpu) => push(cpu, size, cpu.segSel[seg]!, 0);
    }
    const r = regInfo(v.opRegs[0]!);
    if (r.kind !== 'gpr') return undefined;
    const i = r.index;
    // PUSH (E/R)SP pushes the value before the push (SDM Vol. 2 PUSH).
    if (size === 8) return (cpu) => push(cpu, 8, cpu.lo[i]!, cpu.hi[i]!);
    if (size === 4) return (cpu) => push(cpu, 4, cpu.lo[i]!, 0);
    return (cpu) => push(cpu, 2, cpu.lo[i]! & 0xFFFF, 0);
  }
  if (k !== undefined && k >= OpKind.Immediate8 && k <= OpKind.Immediate32to64) {
    const imm = v.imms[0]!;
    const lo = size === 2 ? Number(imm & 0xFFFFn) : Number(BigInt.asIntN(32, imm));
    const hi = size === 8 ? Number(BigInt.asIntN(32, BigInt.asIntN(64, imm) >> 32n)) : 0;
    return (cpu) => push(cpu, size, lo, hi);
  }
  if (k === OpKind.Memory) {
    const src = operand(v, 0, size);
    if (!src) return undefined;
    return (cpu) => { const lo = src.read(cpu); push(cpu, size, lo, cpu.vhi); };
  }
  return undefined;
});

// ---- POP (SDM Vol. 2 POP)

registerBuilder(Mnemonic.Pop, (v): Exec | undefined => {
  const k = v.opKinds[0];
  const size = codeOperandSize(v, defaultOpSize(v));
  if (k === OpKind.Register) {
    const seg = segOf(v.opRegs[0]!);
    if (seg >= 0) {
      // The load has the checks of its mode (segmentation.ts) and faults before anything changes; RSP
      // then moves at the stack-address size in force before the load (POP SS may change SS.B).
      return (cpu) => {
        const ssize = stackAddressSize(cpu);
        const sel = stackRead(cpu, 0, size) & 0xFFFF;
        spOffset(cpu, size);
        const nLo = off.lo, nHi = off.hi;
        loadDataSegment(cpu, seg, sel);
        setStackPointer(cpu, ssize, nLo, nHi);
        // POP SS blocks interrupts until after the next instruction (SDM Vol. 2 POP; Vol. 3A 6.8.3).
        if (seg === SS) { cpu.interruptShadow = 2; cpu.shadowByMovSs = true; cpu.eventCheck = true; }
      };
    }
    const r = regInfo(v.opRegs[0]!);
    if (r.kind !== 'gpr') return undefined;
    const i = r.index;
    // POP (E/R)SP: the popped value replaces the incremented stack pointer (SDM Vol. 2 POP).
    if (size === 8) return (cpu) => { const lo = pop(cpu, 8); cpu.lo[i] = lo; cpu.hi[i] = cpu.vhi; };
    if (size === 4) return (cpu) => { const lo = pop(cpu, 4); cpu.lo[i] = lo; cpu.hi[i] = 0; };
    return (cpu) => { const lo = pop(cpu, 2); cpu.lo[i] = (cpu.lo[i]! & ~0xFFFF) | (lo & 0xFFFF); };
  }
  if (k === OpKind.Memory) {
    // The destination's address uses RSP after the increment (SDM Vol. 2 POP); if the write faults,
    // RSP goes back so the instruction can restart.
    const dst = operand(v, 0, size);
    if (!dst) return undefined;
    return (cpu) => {
      const spLo = cpu.lo[RSP]!, spHi = cpu.hi[RSP]!;
      const lo = pop(cpu, size), hi = cpu.vhi;
      try {
        dst.write(cpu, lo, hi);
      } catch (e) {
        cpu.lo[RSP] = spLo; cpu.hi[RSP] = spHi;
        throw e;
      }
    };
  }
  return undefined;
});

// ---- PUSHA/PUSHAD, POPA/POPAD (SDM Vol. 2 PUSHA, POPA; invalid in 64-bit mode, the decoder's #UD)

registerBuilder(Mnemonic.Pusha, (v): Exec | undefined => pushAll(codeOperandSize(v, 2)));
registerBuilder(Mnemonic.Pushad, (v): Exec | undefined => pushAll(codeOperandSize(v, 4)));
registerBuilder(Mnemonic.Popa, (v): Exec | undefined => popAll(codeOperandSize(v, 2)));
registerBuilder(Mnemonic.Popad, (v): Exec | undefined => popAll(codeOperandSize(v, 4)));

/** Pushes AX/EAX, CX, DX, BX, the original SP, BP, SI, DI; SP moves once all writes succeeded. */
function pushAll(size: number): Exec {
  const mask = size === 2 ? 0xFFFF : -1;
  return (cpu) => {
    for (let r = 0; r < 8; r++) stackWrite(cpu, -size * (r + 1), size, cpu.lo[r]! & mask, 0);
    adjustSp(cpu, -8 * size);
  };
}

/** Pops DI, SI, BP, (skipped SP slot), BX, DX, CX, AX: reads all eight slots first. */
function popAll(size: number): Exec {
  const values = new Int32Array(8);
  return (cpu) => {
    for (let r = 0; r < 8; r++) values[r] = stackRead(cpu, size * (7 - r), size);
    for (let r = 0; r < 8; r++) {
      if (r === RSP) continue;
      if (size === 2) cpu.lo[r] = (cpu.lo[r]! & ~0xFFFF) | (values[r]! & 0xFFFF);
      else cpu.set32(r, values[r]!);
    }
    adjustSp(cpu, 8 * size);
  };
}

// ---- PUSHF/PUSHFD/PUSHFQ (SDM Vol. 2 PUSHF)

function pushf(size: 2 | 4 | 8): Exec {
  return (cpu) => {
    const flags = readFlags(cpu);
    if ((flags & VM) !== 0 && iopl(cpu) < 3) {
      // Virtual-8086 mode with IOPL < 3: #GP(0), except a 16-bit PUSHF with CR4.VME = 1, which
      // pushes VIF in place of IF and 3 as IOPL.
      if ((cpu.cr4 & CR4_VME) === 0 || size !== 2) throw new Fault(GP, 0);
      const image = (flags & 0xFFFF & ~IF) | ((flags & VIF) !== 0 ? IF : 0) | IOPL;
      push(cpu, 2, image, 0);
      return;
    }
    // VM and RF are cleared in the image; a 16-bit push stores FLAGS (bits 15:0).
    push(cpu, size, size === 2 ? flags & 0xFFFF : flags & 0x00FC_FFFF, 0);
  };
}
registerBuilder(Mnemonic.Pushf, () => pushf(2));
registerBuilder(Mnemonic.Pushfd, () => pushf(4));
registerBuilder(Mnemonic.Pushfq, () => pushf(8));

// ---- POPF/POPFD/POPFQ (SDM Vol. 2 POPF)

/** Flags POPF may ever change: the arithmetic flags, TF, IF, DF, IOPL, NT, AC, ID (RF is cleared). */
const POPF_ALL = ARITH | TF | IF | DF | IOPL | NT | AC | ID;

function popf(size: 2 | 4 | 8): Exec {
  return (cpu) => {
    settleFlags(cpu);
    const old = cpu.flagsValue;
    const cpl = cpu.cpl;
    const pl = (old >>> 12) & 3;
    let mask: number;
    if ((old & VM) !== 0) {
      if (pl < 3) {
        // Virtual-8086 mode with IOPL < 3: only a 16-bit POPF with CR4.VME = 1, which changes VIF
        // in place of IF; #GP(0) if that would unmask a pending virtual interrupt or set TF.
        if (size !== 2 || (cpu.cr4 & CR4_VME) === 0) throw new Fault(GP, 0);
        const image = stackRead(cpu, 0, 2);
        if (((old & VIP) !== 0 && (image & IF) !== 0) || (image & TF) !== 0) throw new Fault(GP, 0);
        adjustSp(cpu, 2);
        const keep = IF | IOPL;
        const m = POPF_ALL & 0xFFFF & ~keep;
        cpu.flagsValue = ((((old & ~m) | (image & m)) & ~VIF) | ((image & IF) !== 0 ? VIF : 0) | FIXED1) >>> 0;
        cpu.eventCheck = true;
        return;
      }
      mask = POPF_ALL & ~IOPL; // IOPL = 3: everything but IOPL
    } else if (cpl === 0 || (cpu.cr0 & 1) === 0) {
      mask = POPF_ALL;
    } else {
      mask = POPF_ALL & ~IOPL;
      if (cpl > pl) mask &= ~IF; // IF changes only when CPL <= IOPL
    }
    if (size === 2) mask &= 0xFFFF;
    const image = stackRead(cpu, 0, size);
    adjustSp(cpu, size);
    // RF is cleared by the 32- and 64-bit forms; VIP, VIF, VM and the reserved bits stay.
    let next = (old & ~mask) | (image & mask);
    if (size !== 2) next &= ~RF;
    cpu.flagsValue = (next | FIXED1) >>> 0;
    // IF or TF may have changed: the run loop looks for deliverable events.
    if (((old ^ cpu.flagsValue) & (IF | TF)) !== 0) cpu.eventCheck = true;
  };
}
registerBuilder(Mnemonic.Popf, () => popf(2));
registerBuilder(Mnemonic.Popfd, () => popf(4));
registerBuilder(Mnemonic.Popfq, () => popf(8));

// ---- ENTER, LEAVE (SDM Vol. 2 ENTER, LEAVE)

registerBuilder(Mnemonic.Enter, (v): Exec | undefined => {
  const size = codeOperandSize(v, defaultOpSize(v));
  const alloc = Number(v.imms[0]! & 0xFFFFn);
  const level = Number(v.imms[1]! & 0x1Fn); // NestingLevel = imm8 MOD 32
  const rbp = gprOperand(RBP, size);
  return (cpu) => {
    const ss = stackAddressSize(cpu);
    // All reads and writes happen at offsets from the old RSP first; the registers change last.
    let depth = size; // bytes pushed so far
    stackWrite(cpu, -depth, size, cpu.lo[5]!, cpu.hi[5]!); // push RBP
    // FrameTemp: RSP after that push.
    spOffset(cpu, -size);
    const frameLo = off.lo, frameHi = off.hi;
    if (level > 0) {
      // Copy level-1 frame pointers from the enclosing frame (at RBP - size*i through SS), then FrameTemp.
      for (let i = 1; i < level; i++) {
        offsetAdd(ss, cpu.lo[RBP]!, cpu.hi[RBP]!, -size * i);
        const lo = readSized(cpu, SS, off.lo, off.hi, size), hi = cpu.vhi;
        depth += size;
        stackWrite(cpu, -depth, size, lo, hi);
      }
      depth += size;
      stackWrite(cpu, -depth, size, frameLo, frameHi);
    }
    // The final RSP - AllocSize must itself be a valid stack offset for the frame (checked by the last write above).
    spOffset(cpu, -depth - alloc);
    const spLo = off.lo, spHi = off.hi;
    rbp.write(cpu, frameLo, frameHi);
    setStackPointer(cpu, ss, spLo, spHi);
  };
});

registerBuilder(Mnemonic.Leave, (v): Exec | undefined => {
  const size = codeOperandSize(v, defaultOpSize(v));
  const rbp = gprOperand(RBP, size);
  return (cpu) => {
    // RSP <- RBP at the stack-address size, then POP RBP at the operand size.
    const ss = stackAddressSize(cpu);
    offsetAdd(ss, cpu.lo[RBP]!, cpu.hi[RBP]!, 0);
    const bpLo = off.lo, bpHi = off.hi;
    const lo = readSized(cpu, SS, bpLo, bpHi, size), hi = cpu.vhi;
    setStackPointer(cpu, ss, bpLo, bpHi);
    adjustSp(cpu, size);
    rbp.write(cpu, lo, hi);
  };
});
