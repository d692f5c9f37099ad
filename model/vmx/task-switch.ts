// Task switches in VMX non-root operation (SDM 26.4.2): they are not allowed; any attempt causes a VM exit
// (reason 9, 26.2), but only after the checks that come first, in this order, have passed (each may fault):
//   1. a task gate's P bit and privilege (by the caller: the gate was reached through the GDT/LDT or the
//      IDT), or the privilege of a TSS descriptor that CALL/JMP names directly (outside IA-32e mode; in
//      IA-32e mode CALL/JMP to a TSS, a task gate in the IDT and IRET with NT = 1 are #GP: the core
//      raises those before it gets here);
//   2. the new TSS selector (in the GDT, within its limit);
//   3. the new TSS descriptor is read;
//   4. its type (available for CALL, JMP and task gates; busy for IRET), P bit, S bit and limit.
// The exit qualification gives the TSS selector and the source (28.2.1); an exit from an instruction
// saves its length, and one during the delivery of an event through an IDT task gate saves the event as
// IDT-vectoring information (28.2.4, events.ts). Outside VMX non-root operation task switching is not
// modelled (the core raises #GP there).
import type { Cpu } from '../cpu/cpu.js';
import { Fault, GP, NP, TS } from '../cpu/fault.js';
import {
  DT_TSS16_AVAIL, DT_TSS16_BUSY, DT_TSS_AVAIL, DT_TSS_BUSY, desc, descDpl, descLimit, descPresent, descS, descType, readDescriptor,
  selectorError,
} from '../cpu/segmentation.js';
import { EXIT_REASON, packExitQualificationTaskSwitch } from '../generated/index.js';
import { deliveryExit } from './events.js';
import { instructionExit } from './exits.js';

/** Source of a task switch in the exit qualification (28.2.1, Table 28-2). */
export const TASK_SWITCH_SOURCE = { CALL: 0, IRET: 1, JMP: 2, IDT_TASK_GATE: 3 } as const;

/** Minimum TSS limits: 67h for a 32-bit TSS, 2Bh for a 16-bit one (Vol. 3A 7.2.2, 7.6). */
function minimumLimit(type: number): number {
  return type === DT_TSS16_AVAIL || type === DT_TSS16_BUSY ? 0x2B : 0x67;
}

/**
 * Checks 2-4 of 26.4.2 on the new TSS (Vol. 3A 7.3, Table 7-1 for the faults): a selector in the GDT within
 * its limit (#GP(selector), #TS(selector) for IRET), a TSS descriptor of the type the source needs
 * (#GP(selector), #TS for IRET), present (#NP(selector)), with a limit large enough (#TS(selector)).
 */
function checkNewTss(cpu: Cpu, sel: number, source: number, ext: number): void {
  const iret = source === TASK_SWITCH_SOURCE.IRET;
  const fault = iret ? TS : GP;
  if ((sel & 4) !== 0 || !readDescriptor(cpu, sel)) throw new Fault(fault, selectorError(sel, ext));
  const hi = desc.hi, type = descType(hi);
  const wanted = iret ? type === DT_TSS_BUSY || type === DT_TSS16_BUSY : type === DT_TSS_AVAIL || type === DT_TSS16_AVAIL;
  if (descS(hi) || !wanted) throw new Fault(fault, selectorError(sel, ext));
  if (!descPresent(hi)) throw new Fault(NP, selectorError(sel, ext));
  if (descLimit(desc.lo, hi) < minimumLimit(type)) throw new Fault(TS, selectorError(sel, ext));
}

function qualification(sel: number, source: number): bigint {
  return packExitQualificationTaskSwitch({ tssSelector: sel & 0xFFFF, source });
}

/**
 * CALL or JMP (source) to the TSS descriptor `sel` already read into `desc`, or through a task gate whose
 * TSS selector is `tssSel` (the gate's checks done by the caller): check 1 for a direct TSS (DPL >= CPL and
 * >= RPL, #GP(selector)), checks 2-4, then the VM exit with the instruction's length.
 */
export function farTransferTaskSwitch(cpu: Cpu, sel: number, viaGate: boolean, tssSel: number, source: number, length: number): void {
  if (!viaGate) {
    const dpl = descDpl(desc.hi);
    if (dpl < cpu.cpl || dpl < (sel & 3)) throw new Fault(GP, selectorError(sel));
  }
  checkNewTss(cpu, tssSel, source, 0);
  instructionExit(cpu, EXIT_REASON.TASK_SWITCH, length, { qualification: qualification(tssSel, source) });
}

/** IRET with RFLAGS.NT = 1 outside IA-32e mode: the previous-task link of the current TSS, checks 2-4, the VM exit. */
export function nestedTaskReturn(cpu: Cpu, link: number, length: number): void {
  checkNewTss(cpu, link, TASK_SWITCH_SOURCE.IRET, 0);
  instructionExit(cpu, EXIT_REASON.TASK_SWITCH, length, { qualification: qualification(link, TASK_SWITCH_SOURCE.IRET) });
}

/**
 * An event delivered through a task gate in the IDT outside IA-32e mode (the gate's P and DPL checks done by
 * the delivery): checks 2-4 on the gate's TSS selector (faults with EXT as the event sets it), then the VM
 * exit, which records the event in the IDT-vectoring information fields.
 */
export function idtTaskGate(cpu: Cpu, tssSel: number, ext: number): void {
  checkNewTss(cpu, tssSel, TASK_SWITCH_SOURCE.IDT_TASK_GATE, ext);
  deliveryExit(cpu, EXIT_REASON.TASK_SWITCH, qualification(tssSel, TASK_SWITCH_SOURCE.IDT_TASK_GATE));
}
