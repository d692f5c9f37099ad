// Near control transfers: JMP, Jcc, CALL, RET, LOOP/LOOPE/LOOPNE, JCXZ/JECXZ/JRCXZ, and the helpers
// every branch uses (SDM Vol. 2 JMP, Jcc, CALL, RET, LOOP/LOOPcc, Jcc). Far forms are in exec/system.
import { Code, Mnemonic, OpKind } from 'iced-x86';
import type { Cpu } from '../cpu.js';
import { Fault, GP } from '../fault.js';
import { type Exec, type InstrView, registerBuilder } from '../decode.js';
import { condition, getZF } from '../flags.js';
import { isCanonical } from '../access.js';
import { operand, operandSize } from '../operands.js';
import { CS, RCX } from '../registers.js';
import { adjustSp, codeOperandSize, push, stackRead } from './stack.js';

/**
 * Sets the next RIP to (lo, hi) for a near transfer with the given operand size: truncated to 16 or
 * 32 bits outside 64-bit mode and checked against the CS limit (#GP(0)); canonical in 64-bit mode.
 */
export function setNextRip(cpu: Cpu, lo: number, hi: number, size: number): void {
  if (cpu.bitness === 64) {
    if (!isCanonical(cpu, lo, hi)) throw new Fault(GP, 0);
    cpu.nextLo = lo; cpu.nextHi = hi;
    return;
  }
  const ip = size === 2 ? lo & 0xFFFF : lo >>> 0;
  if (ip > cpu.segLimit[CS]!) throw new Fault(GP, 0);
  cpu.nextLo = ip | 0; cpu.nextHi = 0;
}

/** The next RIP plus a signed displacement, at the operand size (relative branches). */
export function relativeTarget(cpu: Cpu, rel: number, size: number): void {
  const lo = (cpu.nextLo + rel) | 0;
  if (cpu.bitness === 64) {
    // 64-bit: carry or borrow into the high half.
    const sum = (cpu.nextLo >>> 0) + rel;
    const hi = (cpu.nextHi + Math.floor(sum / 0x1_0000_0000)) | 0;
    setNextRip(cpu, lo, hi, 8);
    return;
  }
  setNextRip(cpu, lo, 0, size);
}

/** JMP/CALL m16:16, m16:32, m16:64: far transfers through memory (exec/system). */
function isFarIndirect(v: InstrView): boolean {
  return /_m16(16|32|64)$/.test(Code[v.code] ?? '');
}

function branchSize(v: InstrView): number {
  if (v.bitness === 64) return 8;
  const k = v.opKinds[0];
  return k === OpKind.NearBranch16 ? 2 : 4;
}

registerBuilder(Mnemonic.Jmp, (v): Exec | undefined => {
  const k = v.opKinds[0];
  if (k === OpKind.NearBranch16 || k === OpKind.NearBranch32 || k === OpKind.NearBranch64) {
    const rel = v.branchRel, size = branchSize(v);
    if (v.bitness !== 64 && size === 4) {
      return (cpu) => {
        const ip = (cpu.nextLo + rel) >>> 0;
        if (ip > cpu.segLimit[CS]!) throw new Fault(GP, 0);
        cpu.nextLo = ip | 0;
      };
    }
    return (cpu) => relativeTarget(cpu, rel, size);
  }
  if ((k === OpKind.Register || k === OpKind.Memory) && !isFarIndirect(v)) {
    const size = operandSize(v, 0, v.bitness === 64 ? 8 : v.bitness === 32 ? 4 : 2);
    const target = operand(v, 0, size);
    if (!target) return undefined;
    return (cpu) => { const lo = target.read(cpu); setNextRip(cpu, lo, size === 8 ? cpu.vhi : 0, size); };
  }
  return undefined; // far forms: exec/system
});

const JCC = [
  Mnemonic.Jo, Mnemonic.Jno, Mnemonic.Jb, Mnemonic.Jae, Mnemonic.Je, Mnemonic.Jne, Mnemonic.Jbe, Mnemonic.Ja,
  Mnemonic.Js, Mnemonic.Jns, Mnemonic.Jp, Mnemonic.Jnp, Mnemonic.Jl, Mnemonic.Jge, Mnemonic.Jle, Mnemonic.Jg,
];
JCC.forEach((m, cc) => {
  registerBuilder(m, (v): Exec => {
    const rel = v.branchRel, size = branchSize(v);
    if (v.bitness === 64) {
      return (cpu) => { if (condition(cpu, cc)) relativeTarget(cpu, rel, size); };
    }
    return (cpu) => {
      if (!condition(cpu, cc)) return;
      const ip = size === 2 ? (cpu.nextLo + rel) & 0xFFFF : (cpu.nextLo + rel) >>> 0;
      if (ip > cpu.segLimit[CS]!) throw new Fault(GP, 0);
      cpu.nextLo = ip | 0;
    };
  });
});

// NOP and the multi-byte NOP 0F 1F /0, which does not access its memory operand (SDM Vol. 2 NOP).
registerBuilder(Mnemonic.Nop, () => () => {});

// ---- CALL near (SDM Vol. 2 CALL): the target is checked (CS limit, or canonical in 64-bit mode)
// before the return address is pushed; RIP changes only when the push succeeded.

registerBuilder(Mnemonic.Call, (v): Exec | undefined => {
  const k = v.opKinds[0];
  if (k === OpKind.NearBranch16 || k === OpKind.NearBranch32 || k === OpKind.NearBranch64) {
    const rel = v.branchRel, size = branchSize(v);
    return (cpu) => {
      const retLo = cpu.nextLo, retHi = cpu.nextHi;
      relativeTarget(cpu, rel, size);
      push(cpu, size, size === 2 ? retLo & 0xFFFF : retLo, retHi);
    };
  }
  if ((k === OpKind.Register || k === OpKind.Memory) && !isFarIndirect(v)) {
    // In 64-bit mode the operand size of near CALL is 64 bits whatever the prefixes (Intel 64).
    const size = v.bitness === 64 ? 8 : operandSize(v, 0, v.bitness === 32 ? 4 : 2);
    const target = operand(v, 0, size);
    if (!target) return undefined;
    return (cpu) => {
      const retLo = cpu.nextLo, retHi = cpu.nextHi;
      const lo = target.read(cpu);
      setNextRip(cpu, lo, size === 8 ? cpu.vhi : 0, size);
      push(cpu, size, size === 2 ? retLo & 0xFFFF : retLo, retHi);
    };
  }
  return undefined; // far forms: exec/system
});

// ---- RET near, with and without imm16 (SDM Vol. 2 RET): the return address is read and checked
// before RSP moves (by the operand size plus imm16, at the stack-address size).

registerBuilder(Mnemonic.Ret, (v): Exec | undefined => {
  const size = v.bitness === 64 ? 8 : codeOperandSize(v, v.bitness === 32 ? 4 : 2);
  const extra = v.opCount > 0 ? Number(v.imms[0]! & 0xFFFFn) : 0;
  return (cpu) => {
    const lo = stackRead(cpu, 0, size);
    setNextRip(cpu, lo, size === 8 ? cpu.vhi : 0, size);
    adjustSp(cpu, size + extra);
  };
});

// ---- LOOP, LOOPE, LOOPNE (SDM Vol. 2 LOOP/LOOPcc) and JCXZ, JECXZ, JRCXZ (Vol. 2 Jcc)

/** The count register's size from the iced Code: ..._CX, ..._ECX, ..._RCX; Jcxz/Jecxz/Jrcxz by mnemonic. */
function counterSize(v: InstrView): 2 | 4 | 8 {
  const name = Code[v.code] ?? '';
  if (name.endsWith('_RCX') || name.startsWith('Jrcxz')) return 8;
  if (name.endsWith('_ECX') || name.startsWith('Jecxz')) return 4;
  return 2;
}

/** LOOPcc: 0 = LOOP, 1 = LOOPE (ZF = 1), 2 = LOOPNE (ZF = 0). The count decrements without touching the flags. */
function loop(kind: 0 | 1 | 2) {
  return (v: InstrView): Exec => {
    const rel = v.branchRel, size = branchSize(v), cs = counterSize(v);
    return (cpu) => {
      let zero: boolean;
      let lo = cpu.lo[RCX]!, hi = cpu.hi[RCX]!;
      if (cs === 2) { lo = (lo & ~0xFFFF) | ((lo - 1) & 0xFFFF); zero = (lo & 0xFFFF) === 0; }
      else if (cs === 4) { lo = (lo - 1) | 0; hi = 0; zero = lo === 0; }
      else { if (lo === 0) hi = (hi - 1) | 0; lo = (lo - 1) | 0; zero = (lo | hi) === 0; }
      let taken = !zero;
      if (taken && kind !== 0) taken = (getZF(cpu) === 1) === (kind === 1);
      // The target is checked before the count is written, so a #GP leaves RCX as it was.
      if (taken) relativeTarget(cpu, rel, size);
      cpu.lo[RCX] = lo;
      if (cs !== 2) cpu.hi[RCX] = hi;
    };
  };
}
registerBuilder(Mnemonic.Loop, loop(0));
registerBuilder(Mnemonic.Loope, loop(1));
registerBuilder(Mnemonic.Loopne, loop(2));

function jumpIfCountZero(v: InstrView): Exec {
  const rel = v.branchRel, size = branchSize(v), cs = counterSize(v);
  return (cpu) => {
    const c = cpu.lo[RCX]!;
    const zero = cs === 2 ? (c & 0xFFFF) === 0 : cs === 4 ? c === 0 : (c | cpu.hi[RCX]!) === 0;
    if (zero) relativeTarget(cpu, rel, size);
  };
}
registerBuilder(Mnemonic.Jcxz, jumpIfCountZero);
registerBuilder(Mnemonic.Jecxz, jumpIfCountZero);
registerBuilder(Mnemonic.Jrcxz, jumpIfCountZero);
