// Instruction-caused VM exits in VMX non-root operation (SDM 26.1): the instruction groups of the core
// ask here whether to exit instead of executing.
import type { Cpu } from '../cpu/cpu.js';
import { PROC_CTLS } from '../generated/index.js';
import { vmExit, type ExitInfo } from './transitions.js';

/** True while a guest runs (VMX non-root operation). */
export function inNonRoot(cpu: Cpu): boolean {
  return cpu.vmx?.nonRoot === true;
}

/** Whether a primary processor-based control is 1 in the current VMCS. */
export function procControl(cpu: Cpu, mask: number): boolean {
  return ((cpu.vmx?.current?.get('PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS') ?? 0n) & BigInt(mask)) !== 0n;
}

/** An instruction-caused exit: the instruction does not execute; its length is saved (SDM 28.2.5). */
export function instructionExit(cpu: Cpu, reason: number, length: number, info: Omit<ExitInfo, 'instructionLength'> = {}): void {
  vmExit(cpu, reason, { ...info, instructionLength: length });
}

export const HLT_EXITING = PROC_CTLS.HLT_EXITING;
