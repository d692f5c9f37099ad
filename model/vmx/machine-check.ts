// Machine-check events from the platform (a case's `machine-check` stimulus), as far as VMX needs them:
// at an instruction boundary (Vol. 3A 6.9: machine checks have the highest priority of the events taken
// there) and during VM entry (SDM 27.9). The handling is that of Vol. 3A 15.10.x / 6.15 Interrupt 18: with
// CR4.MCE = 1 a machine-check exception (#MC, vector 18, an abort with no error code) is generated; with
// CR4.MCE = 0 the processor goes to the shutdown state (outside SMX operation: the model has no SMX). In
// VMX non-root operation the #MC is an exception like any other: the exception bitmap decides between a
// VM exit (reason 0) and delivery through the guest IDT (26.2); the shutdown state is entered without a
// VM exit (27.9 says so for a machine check after VM entry; a triple-fault VM exit is only for triple faults).
//
// During VM entry (27.9) one of three things happens, which the profile's implementation choice picks where
// the SDM allows more than one (implementation.machineCheckDuringVmEntry):
//  1. handled as if it occurred before the VM entry (the host's CR4.MCE decides) - not once any guest state is loaded;
//  2. handled after VM entry completes (the guest's CR4.MCE and exception bitmap decide) - only if all guest state loads;
//  3. a VM-entry failure with basic exit reason 41 (27.8).
// The case names where the event happens: before guest state is loaded (while VM entry checks the controls
// and host state, 27.2: choice of 1 or 3, default 1, which older editions' guidance prefers) or after
// guest state and the MSR-load area are loaded (choice of 2 or 3, default 3).
//
// During a VM exit (28.8) the SDM's options are the same with the roles swapped (before host state: as if before
// the VM exit, or a VMX abort with indicator 5; after all host state: after the VM exit, or the abort). The model
// aborts before host state (it does not model handling the event as if before the exit) and lets the profile
// choose after it (implementation.machineCheckDuringVmExit, default the abort).
//
// Not modelled: the IA32_MCG_* / IA32_MCi_* machine-check MSR banks (no error is logged; IA32_MCG_STATUS
// RIPV/EIPV/MCIP are not reported), LMCE, recoverable (SRAR/SRAO) signalling and machine checks during
// VMXON/VMXOFF.
import type { Cpu } from '../cpu/cpu.js';
import { Activity } from '../cpu/cpu.js';
import { Fault, MC } from '../cpu/fault.js';
import { deliverException, enterShutdown } from '../cpu/interrupts.js';
import { PerObject } from '../machine/per-object.js';
import { exceptionExit } from './events.js';
import { inVmxAbortShutdown } from './abort.js';
import { vmxOf } from './operation.js';

const CR4_MCE = 1 << 6;

/** Where during VM entry a machine-check event happens (SDM 27.9). */
export type VmEntryMachineCheckPoint = 'before-guest-state' | 'after-guest-state';
/** Where during a VM exit a machine-check event happens (SDM 28.8). */
export type VmExitMachineCheckPoint = 'before-host-state' | 'after-host-state';

interface MachineCheckState {
  /** A machine-check event waiting for the next instruction boundary. */
  pending: boolean;
  /** A machine-check event that will happen during the next VM entry, at this point. */
  duringEntry: VmEntryMachineCheckPoint | undefined;
  /** A machine-check event that will happen during the next VM exit, at this point. */
  duringExit: VmExitMachineCheckPoint | undefined;
}

const states = new PerObject<Cpu, MachineCheckState>(() => ({ pending: false, duringEntry: undefined, duringExit: undefined }));
/** Processors with an event armed for a VM exit: VM exits look no further while there are none (hot path). */
let armedForExit = 0;
/** Processors with an event armed for VM entry: VM entry looks no further while there are none (hot path). */
let armed = 0;

/** A machine-check event now: taken at the next instruction boundary, before every other event (Vol. 3A 6.9). */
export function raiseMachineCheck(cpu: Cpu): void {
  states.of(cpu).pending = true;
  cpu.eventCheck = true;
}

/** A machine-check event that happens during the next VM entry of `cpu`, at `point` (SDM 27.9). */
export function raiseMachineCheckDuringVmEntry(cpu: Cpu, point: VmEntryMachineCheckPoint): void {
  const s = states.of(cpu);
  if (s.duringEntry === undefined) armed++;
  s.duringEntry = point;
}

/** A machine-check event that happens during the next VM exit of `cpu`, at `point` (SDM 28.8). */
export function raiseMachineCheckDuringVmExit(cpu: Cpu, point: VmExitMachineCheckPoint): void {
  const s = states.of(cpu);
  if (s.duringExit === undefined) armedForExit++;
  s.duringExit = point;
}

/** Whether a machine-check event waits for the instruction boundary (it comes before every boundary VM exit). */
export function machineCheckPending(cpu: Cpu): boolean {
  return states.of(cpu).pending === true;
}

/**
 * At an instruction boundary: takes a pending machine-check event (Vol. 3A 6.9 priority 1). With CR4.MCE = 1
 * a #MC is generated (in VMX non-root operation the exception bitmap may turn it into a VM exit, 26.2); with
 * CR4.MCE = 0 the processor enters the shutdown state (Vol. 3A 6.15 Interrupt 18; SDM 27.9). Returns true
 * when it took one.
 */
export function takeMachineCheck(cpu: Cpu): boolean {
  const s = states.of(cpu);
  if (!s.pending) return false;
  s.pending = false;
  if (inVmxAbortShutdown(cpu)) return false; // machine checks do not affect the VMX-abort shutdown state (28.7)
  if ((cpu.cr4 & CR4_MCE) !== 0) {
    // A VM exit by the exception bitmap saves the activity state the event found (28.3.4); delivery wakes the processor.
    if (cpu.vmx?.nonRoot === true && exceptionExit(cpu, MC, -1, undefined)) return true;
    cpu.activity = Activity.Active;
    deliverException(cpu, MC, -1);
  } else {
    cpu.activity = Activity.Shutdown;
    cpu.eventCheck = true;
  }
  return true;
}

/** What a machine-check event during VM entry does to the entry (SDM 27.9). */
export type VmEntryMachineCheck = 'none' | 'entry-failure' | 'shutdown';

/**
 * Called by VM entry at each point of 27.9 (transitions.ts): if the case armed a machine-check event for
 * this point, the treatment the profile chooses. 'entry-failure': the caller fails the entry with exit
 * reason 41 (27.8). Handled as before the entry: with the host's CR4.MCE = 1 a #MC is thrown for the core to
 * deliver through the host IDT at the VMLAUNCH/VMRESUME; with CR4.MCE = 0 the processor shuts down ('shutdown':
 * the entry ends there). Handled after the entry: the event stays pending for the first guest instruction
 * boundary ('none': the entry completes).
 */
export function machineCheckDuringVmEntry(cpu: Cpu, point: VmEntryMachineCheckPoint): VmEntryMachineCheck {
  if (armed === 0) return 'none';
  const s = states.of(cpu);
  if (s.duringEntry !== point) return 'none';
  s.duringEntry = undefined;
  armed--;
  const choice = vmxOf(cpu).caps.profile.implementation?.machineCheckDuringVmEntry;
  if (point === 'before-guest-state') {
    if ((choice?.beforeGuestState ?? 'before-entry') === 'entry-failure') return 'entry-failure';
    if ((cpu.cr4 & CR4_MCE) !== 0) throw new Fault(MC);
    enterShutdown(cpu); // in VMX root operation: the shutdown state
    return 'shutdown';
  }
  if ((choice?.afterGuestState ?? 'entry-failure') === 'entry-failure') return 'entry-failure';
  raiseMachineCheck(cpu);
  return 'none';
}

/**
 * Called by a VM exit (transitions.ts) before it loads host state and after it loaded host state and MSRs
 * (SDM 28.8): whether a machine-check event armed for this point makes it a VMX abort with indicator 5 (28.7).
 * Before any host state is loaded the model always aborts (the SDM's other option there, handling the event
 * as if it occurred before the VM exit, is not modelled); once all host state is loaded the profile chooses
 * (implementation.machineCheckDuringVmExit): abort, or handle it after the VM exit completes (the host's
 * CR4.MCE: #MC through the host IDT or shutdown, at the first host instruction boundary).
 */
export function machineCheckAbortsVmExit(cpu: Cpu, point: VmExitMachineCheckPoint): boolean {
  if (armedForExit === 0) return false;
  const s = states.of(cpu);
  if (s.duringExit !== point) return false;
  s.duringExit = undefined;
  armedForExit--;
  if (point === 'before-host-state') return true;
  if ((vmxOf(cpu).caps.profile.implementation?.machineCheckDuringVmExit?.afterHostState ?? 'vmx-abort') === 'vmx-abort') return true;
  raiseMachineCheck(cpu);
  return false;
}
