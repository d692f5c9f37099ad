// Timers in VMX non-root operation: the VMX-preemption timer (SDM 26.5.1, 27.7.4, 28.3.4; rate: A.6) and
// TSC offsetting and scaling (SDM 26.3 RDTSC/RDTSCP/RDMSR, 26.6).
//
// The timer is a cycle deadline, decided once: VM entry arms it, the run loop compares cpu.cycles with
// cpu.cycleDeadline (the earlier of this timer's cpu.vmxTimerDeadline and the APIC timer's) after each
// instruction (one comparison in the hot loop) and comes here when it is
// reached. Model timing choices the SDM leaves open:
// - The timer starts when the VM entry's instruction (VMLAUNCH/VMRESUME) has retired, i.e. at the clock
//   value the guest's first instruction starts with; the entry instruction's own cycles precede it.
// - The clock advances by whole instructions (and page-walk reads): when bit X of the TSC changes inside an
//   instruction, that instruction completes and the VM exit comes before the next one (26.5.1: the exit is
//   on an instruction boundary).
// - An instruction that causes a VM exit has not retired when the timer value is saved: its own cycles
//   are not counted.
// - The timer counts the TSC's increments from the machine clock only: a WRMSR that moves the TSC while
//   the timer runs does not count as increments (26.5.1: "due to a TSC increment"); the deadline keeps the
//   phase of bit X the TSC had at entry.
import type { Cpu } from '../cpu/cpu.js';
import { Activity } from '../cpu/cpu.js';
import { readTsc } from '../cpu/msr.js';
import { EXIT_CTLS, EXIT_REASON, PIN_CTLS, PROC_CTLS, PROC2_CTLS, VMCS_SLOT } from '../generated/index.js';
import { vmxOf } from './operation.js';
import { vmExit } from './transitions.js';
import type { Vmcs } from './vmcs.js';

/** The running VMX-preemption timer of a processor. */
interface PreemptionTimer {
  /** Loaded by VM entry, not yet started (starts when the entry instruction has retired). */
  pending: boolean;
  /** The value VM entry loaded (27.7.4). */
  value: number;
  /** Cycle clock when the timer started, floored. */
  start: number;
  /** TSC[X-1:0] when the timer started: the phase of bit X. */
  phase: number;
  /** 2^X. */
  period: number;
}

/**
 * The running timers. A processor has one only while its cpu.vmxTimerDeadline is not Infinity (every change of
 * the two goes through loadPreemptionTimer, startTimer and savePreemptionTimer), so VM entries and exits without
 * a timer skip the map.
 */
const timers = new WeakMap<Cpu, PreemptionTimer>();

function timerOf(cpu: Cpu): PreemptionTimer | undefined {
  return cpu.vmxTimerDeadline === Infinity ? undefined : timers.get(cpu);
}

/** Stops the timer (if one runs): it runs only in VMX non-root operation (26.5.1). */
function stopTimer(cpu: Cpu): void {
  if (cpu.vmxTimerDeadline === Infinity) return;
  timers.delete(cpu);
  setVmxDeadline(cpu, Infinity);
}

function setVmxDeadline(cpu: Cpu, deadline: number): void {
  cpu.vmxTimerDeadline = deadline;
  cpu.refreshDeadline();
}

/** X of IA32_VMX_MISC[4:0]: the timer counts down when bit X of the TSC changes (SDM A.6). */
export function preemptionTimerRate(cpu: Cpu): number {
  return vmxOf(cpu).caps.misc.preemptionTimerRate;
}

/**
 * VM entry with "activate VMX-preemption timer" = 1 loads the timer from the VMX-preemption timer-value
 * field (SDM 27.7.4); called once the guest state is loaded. With the control 0 no timer runs. The control is
 * read from `controls`: the executive VMCS for a VM entry that returns from SMM, whose timer value still comes
 * from the current VMCS (33.15.4.6).
 */
export function loadPreemptionTimer(cpu: Cpu, vmcs: Vmcs, controls: Vmcs = vmcs): void {
  stopTimer(cpu);
  if ((controls.getLo(VMCS_SLOT.PIN_BASED_VM_EXECUTION_CONTROLS) & PIN_CTLS.ACTIVATE_VMX_PREEMPTION_TIMER) === 0) return;
  const period = 2 ** preemptionTimerRate(cpu);
  timers.set(cpu, { pending: true, value: Number(vmcs.get('VMX_PREEMPTION_TIMER_VALUE') & 0xFFFF_FFFFn), start: 0, phase: 0, period });
  setVmxDeadline(cpu, -Infinity); // the run loop comes to startTimer before the guest's first instruction
  cpu.eventCheck = true;
}

/** Starts a loaded timer: the deadline is the clock value at which bit X has changed `value` times (26.5.1). */
function startTimer(cpu: Cpu, t: PreemptionTimer): void {
  t.pending = false;
  t.start = Math.floor(cpu.cycles);
  t.phase = (readTsc(cpu) >>> 0) % t.period;
  // Bit X changes each time TSC[X-1:0] wraps to 0: after period - phase cycles, then every period cycles.
  setVmxDeadline(cpu, t.value === 0 ? t.start : t.start + t.value * t.period - t.phase);
}

/** How many times the timer has counted down by the current clock (bit-X changes since it started). */
function countedDown(cpu: Cpu, t: PreemptionTimer): number {
  if (t.pending) return 0;
  return Math.floor((t.phase + Math.floor(cpu.cycles) - t.start) / t.period);
}

/**
 * The run loop's timer service in VMX non-root operation, before pending events are delivered (a
 * timer-expired VM exit has priority over NMIs and external interrupts, SDM 26.2): starts a loaded
 * timer, and when it has counted down to 0 causes the VM exit (reason 52) between instructions (26.5.1;
 * a timer loaded with 0 exits before the guest's first instruction, 27.7.4). Returns true on an exit.
 */
export function serviceVmxTimers(cpu: Cpu): boolean {
  const t = timerOf(cpu);
  if (t === undefined) return false;
  if (t.pending) startTimer(cpu, t);
  if (cpu.cycles < cpu.vmxTimerDeadline) return false;
  // The timer does not cause a VM exit in the wait-for-SIPI state (26.5.1).
  if (cpu.activity === Activity.WaitForSipi) return false;
  vmExit(cpu, EXIT_REASON.VMX_PREEMPTION_TIMER_EXPIRED);
  // Between instructions: the guest RIP saved is that of the next instruction; the host's starts now.
  cpu.ripLo = cpu.nextLo; cpu.ripHi = cpu.nextHi;
  return true;
}

/**
 * A guest in the HLT or shutdown state with the timer running (SDM 26.5.1: the timer operates in C1, the
 * shutdown and wait-for-SIPI states): time passes to the deadline and the timer's VM exit wakes the
 * processor. Returns true when it exited.
 */
export function idleUntilPreemptionTimer(cpu: Cpu): boolean {
  const t = timerOf(cpu);
  if (t === undefined || (cpu.activity !== Activity.Hlt && cpu.activity !== Activity.Shutdown)) return false;
  if (t.pending) startTimer(cpu, t);
  if (cpu.cycles < cpu.vmxTimerDeadline) cpu.cycles = cpu.vmxTimerDeadline;
  return serviceVmxTimers(cpu);
}

/**
 * On every VM exit: with "save VMX-preemption timer value" = 1 the timer's current value goes to the
 * VMX-preemption timer-value field (0 when it expired) (SDM 28.3.4); the timer stops (it runs only in VMX
 * non-root operation, 26.5.1).
 */
export function savePreemptionTimer(cpu: Cpu, vmcs: Vmcs): void {
  const t = timerOf(cpu);
  stopTimer(cpu);
  if (t === undefined) return;
  if ((vmcs.getLo(VMCS_SLOT.PRIMARY_VM_EXIT_CONTROLS) & EXIT_CTLS.SAVE_VMX_PREEMPTION_TIMER_VALUE) === 0) return;
  vmcs.set('VMX_PREEMPTION_TIMER_VALUE', BigInt(Math.max(0, t.value - countedDown(cpu, t))));
}

// ---- TSC offsetting and scaling

const MASK64 = (1n << 64n) - 1n;

/**
 * The TSC as the guest reads it with RDTSC, RDTSCP or RDMSR(10H) when they do not exit (SDM 26.3, 26.6):
 * with "use TSC offsetting" = 0 the TSC itself; with it 1, TSC + TSC offset, or with "use TSC scaling"
 * (secondary control) also 1, ((TSC * TSC multiplier) >> 48) + TSC offset, all modulo 2^64. `tsc` is the
 * processor's TSC. BigInt: guest reads of the TSC are rare next to ALU work.
 */
export function guestTscFrom(vmcs: Vmcs, tsc: bigint): bigint {
  const proc = vmcs.get('PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS');
  if ((proc & BigInt(PROC_CTLS.USE_TSC_OFFSETTING)) === 0n) return tsc;
  const proc2 = (proc & BigInt(PROC_CTLS.ACTIVATE_SECONDARY_CONTROLS)) !== 0n
    ? vmcs.get('SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS') : 0n;
  const scaled = (proc2 & BigInt(PROC2_CTLS.USE_TSC_SCALING)) !== 0n ? ((tsc * vmcs.get('TSC_MULTIPLIER')) >> 48n) & MASK64 : tsc;
  return (scaled + vmcs.get('TSC_OFFSET')) & MASK64;
}

/** The guest's TSC now (see guestTscFrom), as a BigInt. */
export function readGuestTscBig(cpu: Cpu): bigint {
  const lo = readTsc(cpu);
  const tsc = (BigInt(cpu.vhi >>> 0) << 32n) | BigInt(lo >>> 0);
  const vmcs = cpu.vmx?.current;
  return vmcs === undefined ? tsc : guestTscFrom(vmcs, tsc);
}

/** The guest's TSC now: the low 32 bits as int32, the high 32 bits in cpu.vhi (as readTsc returns it). */
export function readGuestTsc(cpu: Cpu): number {
  const v = readGuestTscBig(cpu);
  cpu.vhi = Number(v >> 32n) | 0;
  return Number(v & 0xFFFF_FFFFn) | 0;
}
