// Events and VMX: event injection at VM entry (SDM 27.6), event-caused VM exits (SDM 26.2: exceptions by
// the exception bitmap, external interrupts, NMIs, triple faults), the exit fields that describe them
// (28.2.2 VM-exit interruption information, 28.2.4 IDT-vectoring information), interrupt-window and
// NMI-window exiting (26.7.5, 26.7.6) and the monitor trap flag (26.7.2). The core calls in at four
// points, all off its hot loop: exception delivery, the delivery of any event through the IDT, the
// pending-event check between instructions, and shutdown.
import type { Cpu } from '../cpu/cpu.js';
import { Activity } from '../cpu/cpu.js';
import { DB, Fault, NMI, PF, pushesErrorCode, VmExitFault } from '../cpu/fault.js';
import { IF, readFlags } from '../cpu/flags.js';
import { EventKind, deliver, deliverException, deliverFault } from '../cpu/interrupts.js';
import type { PageFault } from '../cpu/paging.js';
import { EXIT_CTLS, EXIT_REASON, PIN_CTLS, PROC_CTLS, VMCS_SLOT, packVmcsExitReason } from '../generated/index.js';
import { busLockExitPending, takeBusLockExit, takeBusLockIncurred } from './bus-lock.js';
import { signalExitPending, takeSignalExit } from './signals.js';
import { machineCheckPending, takeMachineCheck } from './machine-check.js';
import { instructionTimeoutPending, takeInstructionTimeoutExit } from './notify.js';
import { vmExit } from './transitions.js';
import { postedInterruptArrival, postedInterrupts, takeTrapExit, virtualInterruptBoundary } from './apic-virtualization.js';
import type { Vmcs } from './vmcs.js';
import { PerObject } from '../machine/per-object.js';

/** Bit 26 of the exit reason, "bus lock detected" (SDM 28.2.1). */
const BUS_LOCK_DETECTED = packVmcsExitReason({ busLockDetected: true });

/** Interruption types (SDM 25.8.3 Table 25-17, 25.9.2, 25.9.3): the same numbers as EventKind, plus 7. */
export const INTERRUPTION_TYPE = {
  EXTERNAL: 0, NMI: 2, HARDWARE_EXCEPTION: 3, SOFTWARE_INTERRUPT: 4, PRIVILEGED_SOFTWARE_EXCEPTION: 5,
  SOFTWARE_EXCEPTION: 6, OTHER: 7,
} as const;

/** The interruption type of an EventKind (evaluated at call time: interrupts.ts and this module import each other). */
function typeOfKind(kind: EventKind): number {
  switch (kind) {
    case EventKind.Exception: return INTERRUPTION_TYPE.HARDWARE_EXCEPTION;
    case EventKind.External: return INTERRUPTION_TYPE.EXTERNAL;
    case EventKind.Nmi: return INTERRUPTION_TYPE.NMI;
    case EventKind.SoftwareInt: return INTERRUPTION_TYPE.SOFTWARE_INTERRUPT;
    case EventKind.SoftwareException: return INTERRUPTION_TYPE.SOFTWARE_EXCEPTION;
    default: return INTERRUPTION_TYPE.PRIVILEGED_SOFTWARE_EXCEPTION;
  }
}

/** The EventKind an injected interruption type delivers as; undefined for types 1 (reserved) and 7. */
function kindOfType(type: number): EventKind | undefined {
  switch (type) {
    case INTERRUPTION_TYPE.EXTERNAL: return EventKind.External;
    case INTERRUPTION_TYPE.NMI: return EventKind.Nmi;
    case INTERRUPTION_TYPE.HARDWARE_EXCEPTION: return EventKind.Exception;
    case INTERRUPTION_TYPE.SOFTWARE_INTERRUPT: return EventKind.SoftwareInt;
    case INTERRUPTION_TYPE.PRIVILEGED_SOFTWARE_EXCEPTION: return EventKind.PrivilegedSoftwareException;
    case INTERRUPTION_TYPE.SOFTWARE_EXCEPTION: return EventKind.SoftwareException;
    default: return undefined;
  }
}

/** An event on its way through the guest IDT (for IDT-vectoring information, 28.2.4). */
interface Vectoring {
  readonly vector: number;
  readonly kind: EventKind;
  /** The error code delivery pushes, or -1. */
  readonly errorCode: number;
  /** Instruction length of a software event (28.2.5), else 0. */
  readonly length: number;
}

/** MTF state (26.7.2): none, armed (exit after the next instruction or delivered event), or pending now. */
const enum Mtf { None = 0, Armed = 1, Stepping = 2, Pending = 3 }

interface EventState {
  vectoring: Vectoring | undefined;
  mtf: Mtf;
}

const states = new PerObject<Cpu, EventState>(() => ({ vectoring: undefined, mtf: Mtf.None }));

function stateOf(cpu: Cpu): EventState {
  return states.of(cpu);
}

function vmcsOf(cpu: Cpu): Vmcs {
  return cpu.vmx!.current!;
}

/** A field of 32 bits or fewer by its VMCS slot (vmcs.ts), as int32: no BigInt on event paths. */
function field32(vmcs: Vmcs, slot: number): number {
  return vmcs.getLo(slot);
}

function has(vmcs: Vmcs, slot: number, mask: number): boolean {
  return (field32(vmcs, slot) & mask) !== 0;
}

/** An interruption-information word: vector, type, error-code-valid, valid (25.9.2, 25.9.3). */
function information(vector: number, type: number, errorCodeValid: boolean): bigint {
  return BigInt(((vector & 0xFF) | (type << 8) | (errorCodeValid ? 0x800 : 0) | 0x8000_0000) >>> 0);
}

/**
 * A VM exit caused by an event: the exit proper (transitions.ts), then the event fields it writes: VM-exit
 * interruption information and error code (28.2.2) and IDT-vectoring information when the exit happened
 * while another event was being delivered (28.2.4), with that event's instruction length if it was a
 * software event (28.2.5).
 */
export function eventExit(cpu: Cpu, reason: number, qualification: bigint, exitInfo: bigint, errorCode: number, instructionLength?: number): void {
  const s = stateOf(cpu);
  const during = s.vectoring;
  s.vectoring = undefined;
  s.mtf = Mtf.None;
  cpu.singleStep = false;
  const busLock = reason !== EXIT_REASON.BUS_LOCK && takeBusLockIncurred(cpu); // bit 26 (28.2.1): bus-lock.ts
  vmExit(cpu, busLock ? (reason | BUS_LOCK_DETECTED) >>> 0 : reason, { qualification, ...(instructionLength !== undefined ? { instructionLength } : {}) });
  // Between instructions (or in a fault's delivery) nothing else moves RIP to the host's.
  cpu.ripLo = cpu.nextLo; cpu.ripHi = cpu.nextHi;
  const vmcs = vmcsOf(cpu);
  vmcs.set('VM_EXIT_INTERRUPTION_INFORMATION', exitInfo);
  if (errorCode >= 0) vmcs.set('VM_EXIT_INTERRUPTION_ERROR_CODE', BigInt(errorCode >>> 0));
  writeVectoring(vmcs, during);
}

/** The IDT-vectoring fields of an exit during the delivery of `during` (28.2.4), with a software event's length (28.2.5). */
function writeVectoring(vmcs: Vmcs, during: Vectoring | undefined): void {
  if (during === undefined) return;
  vmcs.set('IDT_VECTORING_INFORMATION', information(during.vector, typeOfKind(during.kind), during.errorCode >= 0));
  if (during.errorCode >= 0) vmcs.set('IDT_VECTORING_ERROR_CODE', BigInt(during.errorCode >>> 0));
  if (during.length > 0) vmcs.set('VM_EXIT_INSTRUCTION_LENGTH', BigInt(during.length));
}

/** True while an event is being delivered through the guest IDT in VMX non-root operation: its accesses are "during event delivery" (28.2.4; for #VE, 26.5.7.1). */
export function deliveringEvent(cpu: Cpu): boolean {
  return states.peek(cpu)?.vectoring !== undefined;
}

/**
 * A VM exit taken by an access in the middle of event delivery that is not itself caused by an event (an
 * APIC-access exit, SDM 30.4): call before vmExit; after it, the IDT-vectoring fields are written (28.2.4).
 */
export function exitDuringDelivery(cpu: Cpu, exit: () => void): void {
  const s = stateOf(cpu);
  const during = s.vectoring;
  s.vectoring = undefined;
  exit();
  writeVectoring(vmcsOf(cpu), during);
}

/**
 * Whether an exception of `vector` exits (SDM 26.2): its bit in the exception bitmap; for #PF, bit 14
 * says whether a page-fault error code that matches (PFEC & mask = match) exits (bit 14 = 1) or one
 * that does not match exits (bit 14 = 0).
 */
export function exceptionBitmapSelects(vmcs: Vmcs, vector: number, errorCode: number): boolean {
  const bit = (field32(vmcs, VMCS_SLOT.EXCEPTION_BITMAP) >>> vector) & 1;
  if (vector !== PF) return bit !== 0;
  const mask = field32(vmcs, VMCS_SLOT.PAGE_FAULT_ERROR_CODE_MASK), match = field32(vmcs, VMCS_SLOT.PAGE_FAULT_ERROR_CODE_MATCH);
  const matches = ((errorCode & mask) | 0) === (match | 0);
  return matches === (bit !== 0);
}

/**
 * Called by exception delivery in VMX non-root operation before the exception is delivered (and before
 * a nested exception becomes #DF): a VM exit with reason 0 when the bitmap selects it (26.2). The exit
 * qualification is the linear address for #PF (CR2 is not loaded) and 0 otherwise (28.2.1). Returns
 * true when it exited.
 */
export function exceptionExit(cpu: Cpu, vector: number, errorCode: number, pf: PageFault | undefined, kind: EventKind = EventKind.Exception, length = 0): boolean {
  const vmcs = vmcsOf(cpu);
  const code = kind === EventKind.Exception && pushesErrorCode(vector) ? (errorCode < 0 ? 0 : errorCode) : -1;
  if (!exceptionBitmapSelects(vmcs, vector, code)) return false;
  const qualification = vector === PF && pf !== undefined ? (BigInt(pf.linHi >>> 0) << 32n) | BigInt(pf.linLo >>> 0) : 0n;
  const software = kind === EventKind.SoftwareException || kind === EventKind.PrivilegedSoftwareException;
  eventExit(cpu, EXIT_REASON.EXCEPTION_OR_NMI, qualification, information(vector, typeOfKind(kind), code >= 0), code, software ? length : undefined);
  return true;
}

/**
 * A #DB fault detected by the instruction itself (general detect) in VMX non-root operation: when bit 1
 * of the exception bitmap is 1 it exits before DR6 and DR7 change, with the DR6-format bits (here BD,
 * bit 13) in the exit qualification instead (26.2, 28.2.1). Returns true when it exited.
 */
export function debugExceptionExit(cpu: Cpu, qualification: number): boolean {
  if (!exceptionBitmapSelects(vmcsOf(cpu), DB, -1)) return false;
  eventExit(cpu, EXIT_REASON.EXCEPTION_OR_NMI, BigInt(qualification >>> 0), information(DB, INTERRUPTION_TYPE.HARDWARE_EXCEPTION, false), -1);
  return true;
}

/**
 * INT3, INTO (software exceptions) and INT1 (privileged software exception) in VMX non-root operation:
 * they exit by the exception bitmap like other exceptions, saving the instruction length (26.2, 28.2.5).
 */
export function softwareExceptionExit(cpu: Cpu, vector: number, kind: EventKind): boolean {
  const length = ((cpu.nextLo - cpu.ripLo) | 0) & 0xF;
  return exceptionExit(cpu, vector, -1, undefined, kind, length);
}

/**
 * Records the event being delivered through the IDT in VMX non-root operation (for 28.2.4); a software
 * event's length is the distance from RIP to the return address it pushes.
 */
export function beginDelivery(cpu: Cpu, vector: number, errorCode: number, kind: EventKind, retLo: number): void {
  const software = kind === EventKind.SoftwareInt || kind === EventKind.SoftwareException || kind === EventKind.PrivilegedSoftwareException;
  const length = software ? (retLo - cpu.ripLo) >>> 0 : 0;
  stateOf(cpu).vectoring = { vector, kind, errorCode, length };
}

/** The event reached its handler. */
export function endDelivery(cpu: Cpu): void {
  const s = states.peek(cpu);
  if (s) s.vectoring = undefined;
}

/**
 * A VM exit caused by the delivery of the event now being delivered (e.g. a task switch through an IDT task
 * gate, task-switch.ts): the event goes to the IDT-vectoring information fields (28.2.4).
 */
export function deliveryExit(cpu: Cpu, reason: number, qualification: bigint): void {
  eventExit(cpu, reason, qualification, 0n, -1);
}

/** A triple fault in VMX non-root operation is a VM exit with reason 2, not a shutdown (26.2). */
export function tripleFaultExit(cpu: Cpu): void {
  stateOf(cpu).vectoring = undefined;
  eventExit(cpu, EXIT_REASON.TRIPLE_FAULT, 0n, 0n, -1);
}

/**
 * Event injection (SDM 27.6), after guest state is loaded: types 0-6 deliver the vectored event through
 * the guest IDT as if it had occurred normally (27.6.1); software events push guest RIP + the VM-entry
 * instruction length (27.6.1.1), and the error code is pushed when bit 11 says so. A fault during
 * delivery is handled as one during delivery in non-root operation: the exception bitmap, then #DF and
 * triple fault (27.6.1.2). Type 7 vector 0 makes an MTF VM exit pending (27.6.2). The "monitor trap
 * flag" control arms an MTF exit either way (26.7.2).
 */
export function injectEvent(cpu: Cpu, vmcs: Vmcs): void {
  const s = stateOf(cpu);
  s.vectoring = undefined;
  const mtfControl = has(vmcs, VMCS_SLOT.PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, PROC_CTLS.MONITOR_TRAP_FLAG);
  s.mtf = mtfControl ? Mtf.Armed : Mtf.None;
  cpu.singleStep = false;
  const info = field32(vmcs, VMCS_SLOT.VM_ENTRY_INTERRUPTION_INFORMATION);
  // VM exits clear the valid bit (25.8.3); clearing it as the entry consumes the event is equivalent.
  vmcs.setSlot(VMCS_SLOT.VM_ENTRY_INTERRUPTION_INFORMATION, info & 0x7FFF_FFFF, 0);
  if (info >= 0) return;
  const vector = info & 0xFF, type = (info >>> 8) & 7;
  if (type === INTERRUPTION_TYPE.OTHER) { if (vector === 0) s.mtf = Mtf.Pending; return; }
  const kind = kindOfType(type);
  if (kind === undefined) return;
  // Delivery happens at the guest RIP, inside the VMLAUNCH/VMRESUME that is still executing.
  cpu.ripLo = cpu.nextLo; cpu.ripHi = cpu.nextHi;
  // A vectoring entry leaves the processor active with no STI/MOV SS blocking (27.7.1, 27.7.2).
  cpu.activity = Activity.Active;
  cpu.interruptShadow = 0;
  if (kind === EventKind.Nmi) cpu.nmiBlocked = true; // blocking by NMI, or virtual-NMI blocking (27.6.1.1)
  const errorCode = (info & 0x800) !== 0 ? field32(vmcs, VMCS_SLOT.VM_ENTRY_EXCEPTION_ERROR_CODE) : -1;
  const software = type === INTERRUPTION_TYPE.SOFTWARE_INTERRUPT || type === INTERRUPTION_TYPE.SOFTWARE_EXCEPTION ||
    type === INTERRUPTION_TYPE.PRIVILEGED_SOFTWARE_EXCEPTION;
  const length = software ? field32(vmcs, VMCS_SLOT.VM_ENTRY_INSTRUCTION_LENGTH) : 0;
  const retLo = (cpu.ripLo + length) | 0;
  const retHi = (retLo >>> 0) < (cpu.ripLo >>> 0) ? (cpu.ripHi + 1) | 0 : cpu.ripHi;
  if (mtfControl) s.mtf = Mtf.Pending; // before the first instruction after the entry (26.7.2)
  cpu.deliveringVector = vector;
  try {
    // RF is pushed as loaded from the guest-state area whatever the event (27.6.1.1).
    deliver(cpu, vector, errorCode, kind, retLo, retHi, false);
    cpu.deliveringVector = -1;
  } catch (e) {
    cpu.deliveringVector = -1;
    if (!(e instanceof Fault)) throw e;
    if (e instanceof VmExitFault) { e.deliver(cpu); return; }
    cpu.stats.exceptions++;
    // A nested exception: a hardware exception being injected counts as the first event for #DF (6.15).
    if (kind === EventKind.Exception) deliverException(cpu, e.vector, e.errorCode, faultPf(e), vector);
    else deliverFault(cpu, e);
  }
}

function faultPf(e: Fault): PageFault | undefined {
  return e.vector === PF && 'linLo' in e ? (e as PageFault) : undefined;
}

/** A pending MTF VM exit, which has priority over the VMX-preemption timer (SDM Vol. 3A 6.9, 3C 26.7.2). */
export function mtfExitPending(cpu: Cpu): boolean {
  const s = stateOf(cpu);
  return s.mtf === Mtf.Pending || s.mtf === Mtf.Stepping;
}

/**
 * A boundary exit that has priority over the VMX-preemption timer's (SDM Vol. 3A 6.9; 3C 26.2: debug traps and
 * higher-priority events come first): an INIT or SIPI exit (signals.ts), a bus-lock exit after the previous
 * instruction (bus-lock.ts), or a pending MTF exit.
 */
export function exitBeforeTimerPending(cpu: Cpu): boolean {
  return machineCheckPending(cpu) || signalExitPending(cpu) || busLockExitPending(cpu) || instructionTimeoutPending(cpu) || mtfExitPending(cpu);
}

/**
 * Between instructions in VMX non-root operation, before pending events are delivered: the exits that
 * happen on an instruction boundary, highest priority first: a pending MTF exit (26.7.2), NMI-window
 * exiting (26.7.6), an NMI with "NMI exiting" (26.2), interrupt-window exiting (26.7.5), an external
 * interrupt with "external-interrupt exiting" (26.2). Returns true when a VM exit happened.
 */
export function boundaryExits(cpu: Cpu): boolean {
  if (takeMachineCheck(cpu)) return true; // a machine-check event comes before everything (Vol. 3A 6.9): machine-check.ts
  const s = stateOf(cpu);
  if (!cpu.vmx?.nonRoot) { s.mtf = Mtf.None; cpu.singleStep = false; return false; }
  const signal = takeSignalExit(cpu); // INIT and SIPI: above MTF (Vol. 3A 6.9; SDM 26.2), signals.ts
  if (signal !== undefined) { eventExit(cpu, signal.reason, signal.qualification, 0n, -1); return true; }
  // A bus lock by the instruction that just completed: a trap-like exit (26.2), after INIT/SIPI (bus-lock.ts).
  if (takeBusLockExit(cpu)) { eventExit(cpu, EXIT_REASON.BUS_LOCK, 0n, 0n, -1); return true; }
  // No boundary reached for longer than the instruction-timeout window (26.2): notify.ts.
  const timeout = takeInstructionTimeoutExit(cpu);
  if (timeout !== undefined) { eventExit(cpu, timeout.reason, timeout.qualification, 0n, -1); return true; }
  if (cpu.activity === Activity.Shutdown) return false;
  const vmcs = vmcsOf(cpu);
  // Trap-like exits the last instruction owes (TPR below threshold, virtualized EOI, APIC write: SDM 30.1, 30.4.3.3).
  if (takeTrapExit(cpu)) return true;
  if (s.mtf === Mtf.Pending || s.mtf === Mtf.Stepping) {
    eventExit(cpu, EXIT_REASON.MONITOR_TRAP_FLAG, 0n, 0n, -1);
    return true;
  }
  const shadow = cpu.interruptShadow !== 0;
  const movSs = shadow && cpu.shadowByMovSs;
  const proc = field32(vmcs, VMCS_SLOT.PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS);
  const pin = field32(vmcs, VMCS_SLOT.PIN_BASED_VM_EXECUTION_CONTROLS);
  if ((proc & PROC_CTLS.NMI_WINDOW_EXITING) !== 0 && !cpu.nmiBlocked && !movSs) {
    eventExit(cpu, EXIT_REASON.NMI_WINDOW, 0n, 0n, -1);
    return true;
  }
  // With "virtual NMIs" the blocking bit tracks virtual NMIs, so physical NMIs are not blocked by it (26.3.1.2).
  const nmiBlocked = (pin & PIN_CTLS.VIRTUAL_NMIS) === 0 && cpu.nmiBlocked;
  // The wait-for-SIPI state blocks NMIs and external interrupts (27.7.2): they cause no VM exit there.
  const waitForSipi = cpu.activity === Activity.WaitForSipi;
  if ((pin & PIN_CTLS.NMI_EXITING) !== 0 && cpu.pendingNmi && !nmiBlocked && !movSs && !waitForSipi) {
    cpu.pendingNmi = false;
    eventExit(cpu, EXIT_REASON.EXCEPTION_OR_NMI, 0n, information(NMI, INTERRUPTION_TYPE.NMI, false), -1);
    cpu.nmiBlocked = true; // the NMI blocks further NMIs, but only after the VM exit completes (28.1)
    return true;
  }
  const ifSet = (readFlags(cpu) & IF) !== 0;
  if ((proc & PROC_CTLS.INTERRUPT_WINDOW_EXITING) !== 0 && ifSet && !shadow && cpu.activity === Activity.Active) {
    eventExit(cpu, EXIT_REASON.INTERRUPT_WINDOW, 0n, 0n, -1);
    return true;
  }
  // Virtual-interrupt delivery: the priority of interrupt-window exits, above external interrupts (SDM 30.2.2).
  if (virtualInterruptBoundary(cpu)) return true;
  // "External-interrupt exiting": RFLAGS.IF does not block the interrupt; STI/MOV SS blocking does (26.3.1.2).
  if ((pin & PIN_CTLS.EXTERNAL_INTERRUPT_EXITING) !== 0 && cpu.pendingIntr >= 0 && !shadow && !waitForSipi) {
    const ack = has(vmcs, VMCS_SLOT.PRIMARY_VM_EXIT_CONTROLS, EXIT_CTLS.ACKNOWLEDGE_INTERRUPT_ON_EXIT);
    const vector = cpu.pendingIntr;
    // Posted-interrupt processing: the notification vector is processed without an exit (SDM 30.6).
    if (postedInterrupts(vmcs)) {
      if (postedInterruptArrival(cpu, vector)) return virtualInterruptBoundary(cpu) || cpu.activity !== Activity.Active;
    } else if (ack) {
      // With "acknowledge interrupt on exit" the interrupt is acknowledged and its vector saved (28.2.2).
      if (cpu.apic?.owns(vector) === true) cpu.apic.acknowledge(vector);
      cpu.pendingIntr = -1;
      cpu.apic?.note(vector, 'external-interrupt-exit');
    }
    // A halted guest returns to the active state only after the VM exit completes: the exit saves HLT (28.1, 28.3.4).
    eventExit(cpu, EXIT_REASON.EXTERNAL_INTERRUPT, 0n, ack ? information(vector, INTERRUPTION_TYPE.EXTERNAL, false) : 0n, -1);
    return true;
  }
  if (s.mtf === Mtf.Armed) {
    // Run one instruction (or deliver one event or fault), then exit (26.7.2).
    s.mtf = Mtf.Stepping;
    cpu.singleStep = true;
  }
  return false;
}
