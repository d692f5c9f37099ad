// The "instruction timeout" VM-execution control (secondary control bit 31, formerly "notify VM exiting";
// SDM 25.6.2, 25.6.25, 26.2): in VMX non-root operation a VM exit with basic reason 75 occurs when the
// processor goes longer than the time in the instruction-timeout control field (formerly the notify window)
// plus an implementation-specific internal threshold without reaching an instruction boundary (an event
// window). The time is measured on the model clock: the profile's implementation.instructionTimeout gives
// the cycles per unit of the field and the threshold (model/generated profiles; default 1 and 0).
//
// How the model sees it: instructions and the deliveries of the events they raise are atomic, so the time
// without a boundary is the cycles between two consecutive instruction boundaries in the guest (an
// instruction with everything it delivers, or an event delivered between instructions). When that exceeds
// the budget, the exit is taken at the boundary where the operation ended: the guest state it saves is that
// boundary's, a context the guest can resume, so qualification bit 0 (VM context invalid) is 0; bit 12 (NMI
// unblocking due to IRET) is 0 because an IRET has always completed (28.2.1). An inactive processor (HLT,
// shutdown, wait-for-SIPI) has its event windows open: its idle time is not counted. While the control is 1
// the guest runs one instruction per run-loop turn, so each boundary is checked (only then: off the hot loop).
import type { Cpu } from '../cpu/cpu.js';
import { Activity } from '../cpu/cpu.js';
import { EXIT_REASON, PROC2_CTLS, PROC_CTLS, VMCS_SLOT } from '../generated/index.js';
import { PerObject } from '../machine/per-object.js';
import { vmxOf } from './operation.js';
import type { Vmcs } from './vmcs.js';

interface TimeoutState {
  armed: boolean;
  /** The model clock at the last instruction boundary. */
  last: number;
  /** Cycles allowed between two boundaries: window x cycles per unit + internal threshold. */
  budget: number;
}

const states = new PerObject<Cpu, TimeoutState>(() => ({ armed: false, last: 0, budget: 0 }));

/** Whether "instruction timeout" is 1 (with "activate secondary controls", SDM 25.6.2). */
function timeoutControl(vmcs: Vmcs): boolean {
  return (vmcs.getLo(VMCS_SLOT.PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS) & PROC_CTLS.ACTIVATE_SECONDARY_CONTROLS) !== 0 &&
    (vmcs.getLo(VMCS_SLOT.SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS) & PROC2_CTLS.INSTRUCTION_TIMEOUT) !== 0;
}

/** At the end of a VM entry (transitions.ts): starts measuring from here when the control is 1. */
export function armInstructionTimeout(cpu: Cpu, vmcs: Vmcs): void {
  const s = states.of(cpu);
  s.armed = timeoutControl(vmcs);
  if (!s.armed) return;
  const t = vmxOf(cpu).caps.profile.implementation?.instructionTimeout;
  const window = vmcs.getLo(VMCS_SLOT.INSTRUCTION_TIMEOUT_CONTROL) >>> 0;
  s.last = cpu.cycles + cpu.timing.cyclesPerInstruction; // from the end of the VMLAUNCH/VMRESUME, which retires after this
  s.budget = window * (t?.cyclesPerUnit ?? 1) + (t?.internalThresholdCycles ?? 0);
  cpu.singleStep = true;
}

/** Whether the exit is due at this boundary (it comes before the VMX-preemption timer's: events.ts). */
/** Whether the active processor went longer than the budget since the last boundary. */
function overBudget(cpu: Cpu, s: TimeoutState): boolean {
  return cpu.activity === Activity.Active && cpu.cycles - s.last > s.budget;
}

export function instructionTimeoutPending(cpu: Cpu): boolean {
  const s = states.of(cpu);
  return s.armed && cpu.vmx?.nonRoot === true && overBudget(cpu, s);
}

/**
 * At an instruction boundary in VMX non-root operation (events.ts boundaryExits): the VM exit to take if the
 * time since the previous boundary exceeded the budget (reason 75, qualification 0: a valid context), or
 * undefined; the next operation is measured from here.
 */
export function takeInstructionTimeoutExit(cpu: Cpu): { readonly reason: number; readonly qualification: bigint } | undefined {
  const s = states.of(cpu);
  if (!s.armed) return undefined;
  const due = overBudget(cpu, s);
  s.last = cpu.cycles;
  if (!due) { cpu.singleStep = true; return undefined; }
  s.armed = false;
  return { reason: EXIT_REASON.INSTRUCTION_TIMEOUT, qualification: 0n };
}
