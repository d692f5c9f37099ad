// The VMX instructions as x86 instructions: operands decoded once, then the same functions the
// TypeScript API calls (operation.ts). SDM 31.3 gives each one's checks in the order used here:
// #UD conditions, CPL, then (inside the functions) the operand read and the VMX checks.
import { Mnemonic, OpKind } from 'iced-x86';
import type { Cpu } from '../cpu/cpu.js';
import { type Exec, type InstrView, registerBuilder } from '../cpu/decode.js';
import { memOperand, operand } from '../cpu/operands.js';
import { EXIT_REASON, PROC2_CTLS, VM_INSTRUCTION_ERROR } from '../generated/index.js';
import {
  applyOutcome, checkVmxInstruction, checkVmxonInstruction, vmclear, vmptrld, vmptrst, vmreadHalves, vmwriteHalves, vmxoff, vmxon,
} from './operation.js';
import { fieldResult } from './vmcs.js';
import { vmcsBitmapExits } from './shadowing.js';
import { displacementQualification, instructionExit, memoryOperandInformation, proc2Control } from './exits.js';
import { regInfo } from '../cpu/registers.js';
import { requireCpl0, vmEntry } from './transitions.js';
import { vmcallInRoot } from './dual-monitor.js';

function u64(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

/** The m64 operand of VMXON, VMCLEAR, VMPTRLD, VMPTRST. */
function pointerOperand(v: InstrView): { read: (cpu: Cpu) => bigint; write: (cpu: Cpu, value: bigint) => void } | undefined {
  if (v.opKinds[0] !== OpKind.Memory) return undefined;
  const m = memOperand(v, 8);
  return {
    read: (cpu) => { const lo = m.read(cpu); return u64(lo, cpu.vhi); },
    write: (cpu, value) => m.write(cpu, Number(value & 0xFFFF_FFFFn) | 0, Number(value >> 32n) | 0),
  };
}

/**
 * In VMX non-root operation the VMX instructions exit unconditionally (SDM 26.1.2; VMREAD and VMWRITE
 * only when VMCS shadowing does not let them through, 26.1.3 and shadowing.ts), saving the instruction length and, for those with an operand,
 * the instruction information and (memory operand) the displacement as exit qualification (28.2.1,
 * 28.2.5). `information` is computed once per decoded instruction.
 */
function nonRootExit(cpu: Cpu, reason: number, v: InstrView, information?: number): boolean {
  if (!cpu.vmx?.nonRoot) return false;
  if (information === undefined) { instructionExit(cpu, reason, v.length); return true; }
  const memory = (information & (1 << 10)) === 0;
  instructionExit(cpu, reason, v.length, { instructionInformation: information, qualification: memory ? displacementQualification(v) : 0n });
  return true;
}

/** VMREAD/VMWRITE in VMX non-root operation exit unless "VMCS shadowing" lets the access through (SDM 26.1.3, 31.3). */
function vmcsAccessExits(cpu: Cpu, encLo: number, encHi: number, write: boolean): boolean {
  return !proc2Control(cpu, PROC2_CTLS.VMCS_SHADOWING) || vmcsBitmapExits(cpu, encLo, encHi, write);
}

/** VMCLEAR, VMPTRLD, VMPTRST, VMXON: the m64 operand's addressing (SDM 28.2.5, Table 28-9). */
function pointerInformation(v: InstrView): number {
  return memoryOperandInformation(v);
}

/**
 * VMREAD and VMWRITE (SDM 28.2.5, Table 28-13): Reg1 (or the memory operand) is VMREAD's destination or
 * VMWRITE's source, Reg2 the field-encoding register; bit 10 says the r/m operand is a register.
 */
function vmreadWriteInformation(v: InstrView, rmIndex: number, regIndex: number): number {
  const reg2 = regInfo(v.opRegs[regIndex]!).index << 28;
  if (v.opKinds[rmIndex] === OpKind.Register) return ((regInfo(v.opRegs[rmIndex]!).index << 3) | (1 << 10) | reg2) >>> 0;
  return (memoryOperandInformation(v) | reg2) >>> 0;
}

registerBuilder(Mnemonic.Vmxon, (v): Exec | undefined => {
  const p = pointerOperand(v);
  if (!p) return undefined;
  const info = pointerInformation(v);
  return (cpu) => {
    checkVmxonInstruction(cpu);
    if (nonRootExit(cpu, EXIT_REASON.VMXON, v, info)) return;
    applyOutcome(cpu, vmxon(cpu, () => p.read(cpu)));
  };
});

registerBuilder(Mnemonic.Vmxoff, (v): Exec => (cpu) => {
  checkVmxInstruction(cpu);
  if (nonRootExit(cpu, EXIT_REASON.VMXOFF, v)) return;
  applyOutcome(cpu, vmxoff(cpu));
});

registerBuilder(Mnemonic.Vmclear, (v): Exec | undefined => {
  const p = pointerOperand(v);
  if (!p) return undefined;
  const info = pointerInformation(v);
  return (cpu) => { checkVmxInstruction(cpu); if (nonRootExit(cpu, EXIT_REASON.VMCLEAR, v, info)) return; applyOutcome(cpu, vmclear(cpu, () => p.read(cpu))); };
});

registerBuilder(Mnemonic.Vmptrld, (v): Exec | undefined => {
  const p = pointerOperand(v);
  if (!p) return undefined;
  const info = pointerInformation(v);
  return (cpu) => { checkVmxInstruction(cpu); if (nonRootExit(cpu, EXIT_REASON.VMPTRLD, v, info)) return; applyOutcome(cpu, vmptrld(cpu, () => p.read(cpu))); };
});

registerBuilder(Mnemonic.Vmptrst, (v): Exec | undefined => {
  const p = pointerOperand(v);
  if (!p) return undefined;
  const info = pointerInformation(v);
  return (cpu) => {
    checkVmxInstruction(cpu);
    if (nonRootExit(cpu, EXIT_REASON.VMPTRST, v, info)) return;
    p.write(cpu, vmptrst(cpu));
    applyOutcome(cpu, { kind: 'vmsucceed' });
  };
});

/**
 * VMREAD r/m, r and VMWRITE r, r/m: 64-bit operands in 64-bit mode, 32-bit outside it whatever CS.D says
 * (SDM 31.3). The field encoding is always a register.
 */
function vmOperands(v: InstrView, valueIndex: number, encodingIndex: number) {
  const size = v.bitness === 64 ? 8 : 4;
  const value = operand(v, valueIndex, size);
  const encoding = v.opKinds[encodingIndex] === OpKind.Register ? regInfo(v.opRegs[encodingIndex]!) : undefined;
  // The encoding register is read directly (bits 63:32 only in 64-bit mode): no operand accessor per execution.
  return value && encoding?.kind === 'gpr' ? { value, encoding: encoding.index, size } : undefined;
}

registerBuilder(Mnemonic.Vmread, (v): Exec | undefined => {
  const ops = vmOperands(v, 0, 1);
  if (!ops) return undefined;
  const { value: dst, encoding } = ops;
  const info = vmreadWriteInformation(v, 0, 1);
  const wide = ops.size === 8;
  return (cpu) => {
    checkVmxInstruction(cpu);
    const lo = cpu.lo[encoding]!;
    const hi = wide ? cpu.hi[encoding]! : 0;
    // In VMX non-root operation VMREAD exits unless VMCS shadowing lets it read the shadow VMCS (SDM 31.3).
    if (cpu.vmx!.nonRoot && vmcsAccessExits(cpu, lo, hi, false) && nonRootExit(cpu, EXIT_REASON.VMREAD, v, info)) return;
    const outcome = vmreadHalves(cpu, lo, hi, wide);
    if (outcome.kind === 'vmsucceed') dst.write(cpu, fieldResult.lo, fieldResult.hi);
    applyOutcome(cpu, outcome);
  };
});

registerBuilder(Mnemonic.Vmwrite, (v): Exec | undefined => {
  const ops = vmOperands(v, 1, 0);
  if (!ops) return undefined;
  const { value: src, encoding } = ops;
  const info = vmreadWriteInformation(v, 1, 0);
  const wide = ops.size === 8;
  let running: Cpu | undefined;
  const readSource = (out: { lo: number; hi: number }): void => {
    const cpu = running!;
    out.lo = src.read(cpu);
    out.hi = wide ? cpu.vhi : 0;
  };
  return (cpu) => {
    checkVmxInstruction(cpu);
    const lo = cpu.lo[encoding]!;
    const hi = wide ? cpu.hi[encoding]! : 0;
    // In VMX non-root operation VMWRITE exits unless VMCS shadowing lets it write the shadow VMCS (SDM 31.3).
    if (cpu.vmx!.nonRoot && vmcsAccessExits(cpu, lo, hi, true) && nonRootExit(cpu, EXIT_REASON.VMWRITE, v, info)) return;
    running = cpu;
    applyOutcome(cpu, vmwriteHalves(cpu, lo, hi, readSource, wide));
  };
});

/** VMLAUNCH and VMRESUME (SDM 31.3): in non-root operation they exit; otherwise VM entry (SDM 27). */
function entryBuilder(launch: boolean) {
  return (v: InstrView): Exec => (cpu) => {
    checkVmxInstruction(cpu);
    if (cpu.vmx!.nonRoot) { instructionExit(cpu, launch ? EXIT_REASON.VMLAUNCH : EXIT_REASON.VMRESUME, v.length); return; }
    requireCpl0(cpu);
    const r = vmEntry(cpu, launch);
    if (r.kind === 'outcome') applyOutcome(cpu, r.outcome);
  };
}
registerBuilder(Mnemonic.Vmlaunch, entryBuilder(true));
registerBuilder(Mnemonic.Vmresume, entryBuilder(false));

/**
 * VMCALL (SDM 31.3): in non-root operation it exits (26.1.2); in root operation it fails with error 1, or
 * activates or calls the dual-monitor treatment of SMIs and SMM (dual-monitor.ts). #UD outside VMX operation.
 */
registerBuilder(Mnemonic.Vmcall, (v): Exec => (cpu) => {
  if (cpu.vmx?.nonRoot) { instructionExit(cpu, EXIT_REASON.VMCALL, v.length); return; }
  checkVmxInstruction(cpu); // #UD outside VMX operation, in virtual-8086 or compatibility mode
  requireCpl0(cpu);
  vmcallInRoot(cpu, v.length);
});
