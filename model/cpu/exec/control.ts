// Near control transfers: JMP, Jcc, and the helpers every branch uses (SDM Vol. 2 JMP, Jcc).
import { Mnemonic, OpKind } from 'iced-x86';
import type { Cpu } from '../cpu.js';
import { Fault, GP } from '../fault.js';
import { type Exec, type InstrView, registerBuilder } from '../decode.js';
import { condition } from '../flags.js';
import { isCanonical } from '../access.js';
import { operand, operandSize } from '../operands.js';
import { CS } from '../registers.js';

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
  if (k === OpKind.Register || k === OpKind.Memory) {
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

registerBuilder(Mnemonic.Nop, () => () => {});
