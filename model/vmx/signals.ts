// Events from outside the processor: external interrupts and NMIs from the interrupt controller, INIT
// signals and start-up IPIs (SIPIs). Whoever models the platform (a device, the conformance runner's
// stimulus) raises them here; they wait until the processor takes them at an instruction boundary.
//
// In VMX non-root operation (SDM 26.2): INIT signals cause VM exits (reason 3) unless the processor is in
// the wait-for-SIPI state, where they are blocked; a SIPI causes a VM exit (reason 4, the SIPI vector as
// the exit qualification, 28.2.1) only in the wait-for-SIPI state and is discarded in any other state
// (27.7.2: blocking by activity state). Such exits perform none of the operations the events normally do
// (28.1). In VMX root operation INIT is blocked (24.8: it stays pending); a SIPI outside the wait-for-SIPI
// state is discarded. INIT and SIPI handling outside VMX operation (Vol. 3A 9.4: the INIT reset and the
// start-up of an application processor) is not modelled: there they stay pending / are discarded.
import type { Cpu } from '../cpu/cpu.js';
import { Activity } from '../cpu/cpu.js';
import { EXIT_REASON } from '../generated/index.js';

interface Signals {
  init: boolean;
  /** The vector of a pending SIPI, or -1. */
  sipi: number;
}

const signals = new WeakMap<Cpu, Signals>();
/** Whether any processor has had a signal (entries are never removed): until then the map is not asked. */
let anySignals = false;

function signalsOf(cpu: Cpu): Signals {
  let s = signals.get(cpu);
  if (!s) { signals.set(cpu, (s = { init: false, sipi: -1 })); anySignals = true; }
  return s;
}

/** An external interrupt request with `vector` from the interrupt controller (Vol. 3A 6.3.1). */
export function raiseExternalInterrupt(cpu: Cpu, vector: number): void {
  cpu.pendingIntr = vector & 0xFF;
  cpu.eventCheck = true;
}

/** A non-maskable interrupt (Vol. 3A 6.7). */
export function raiseNmi(cpu: Cpu): void {
  cpu.pendingNmi = true;
  cpu.eventCheck = true;
}

/** An INIT signal (Vol. 3A 9.4; SDM 26.2 in VMX non-root operation). */
export function raiseInit(cpu: Cpu): void {
  signalsOf(cpu).init = true;
  cpu.eventCheck = true;
}

/**
 * A start-up IPI with `vector`. Only a processor in the wait-for-SIPI state keeps it; in any other state it
 * is discarded (SDM 26.2, 27.7.2).
 */
export function raiseSipi(cpu: Cpu, vector: number): void {
  if (cpu.activity !== Activity.WaitForSipi) return;
  signalsOf(cpu).sipi = vector & 0xFF;
  cpu.eventCheck = true;
}

/** Whether takeSignalExit would take an exit now (INIT outside wait-for-SIPI, or a SIPI in it). */
export function signalExitPending(cpu: Cpu): boolean {
  const s = anySignals ? signals.get(cpu) : undefined;
  if (s === undefined) return false;
  return cpu.activity === Activity.WaitForSipi ? s.sipi >= 0 : s.init;
}

/** Whether an INIT signal is pending (blocked in VMX root operation, 24.8). */
export function initPending(cpu: Cpu): boolean {
  return signals.get(cpu)?.init === true;
}

/**
 * At an instruction boundary in VMX non-root operation, before MTF and every lower-priority event (INIT is
 * among the "external hardware interventions" of Vol. 3A 6.9, above MTF, 26.7.2): an INIT signal not
 * blocked by the wait-for-SIPI state causes a VM exit with qualification 0; in the wait-for-SIPI state a
 * pending SIPI causes one with its vector as the qualification (28.2.1). Returns the exit to take (the
 * caller, events.ts boundaryExits, takes it like its other boundary exits), or undefined.
 */
export function takeSignalExit(cpu: Cpu): { readonly reason: number; readonly qualification: bigint } | undefined {
  const s = anySignals ? signals.get(cpu) : undefined;
  if (s === undefined) return undefined;
  if (cpu.activity === Activity.WaitForSipi) {
    if (s.sipi < 0) return undefined;
    const vector = s.sipi;
    s.sipi = -1;
    return { reason: EXIT_REASON.START_UP_IPI, qualification: BigInt(vector) };
  }
  s.sipi = -1;
  if (!s.init) return undefined;
  s.init = false;
  return { reason: EXIT_REASON.INIT_SIGNAL, qualification: 0n };
}

// SMIs from the platform (model/cpu/smm.ts): another SMI, or an I/O SMI the platform raises for a guest's access
// to a trapped port. They are taken at an instruction boundary before INIT (Vol. 3A 6.9; dual-monitor.ts).
export { raiseSmi, trapIoPort } from '../cpu/smm.js';
