// Delivery of exceptions and interrupts (SDM Vol. 3A chapter 6; real mode: Vol. 3A 20.1.4).
import type { Cpu } from './cpu.js';
import { Activity } from './cpu.js';
import { DF, Fault, GP, NMI, PF, pushesErrorCode } from './fault.js';
import { IF, TF, AC, RF, readFlags, writeFlags } from './flags.js';
import { write16 } from './access.js';
import { CS, SS } from './registers.js';
import { invalidateFetch } from './decode.js';

/** How an event came about: it decides the error code's EXT bit and the saved RIP (SDM Vol. 3A 6.5). */
export const enum EventKind { Exception = 0, External = 1, Nmi = 2, SoftwareInt = 3 }

/** Classes for double-fault detection (SDM Vol. 3A Table 6-4/6-5). */
function faultClass(vector: number): 'benign' | 'contributory' | 'page-fault' {
  if (vector === PF) return 'page-fault';
  if (vector === 0 || (vector >= 10 && vector <= 13)) return 'contributory';
  return 'benign';
}

/**
 * Delivers an exception raised by the current instruction (RIP still points at it: faults are
 * restartable). A second exception during delivery becomes #DF or, after #DF, a triple fault (shutdown).
 */
export function deliverException(cpu: Cpu, vector: number, errorCode: number): void {
  const prior = cpu.deliveringVector;
  if (prior >= 0) {
    if (prior === DF) { enterShutdown(cpu); return; }
    const a = faultClass(prior), b = faultClass(vector);
    if ((a === 'contributory' && b === 'contributory') || (a === 'page-fault' && b !== 'benign')) {
      vector = DF; errorCode = 0;
    }
  }
  cpu.deliveringVector = vector;
  try {
    deliver(cpu, vector, pushesErrorCode(vector) ? (errorCode < 0 ? 0 : errorCode) : -1, EventKind.Exception, cpu.ripLo, cpu.ripHi);
  } catch (e) {
    if (!(e instanceof Fault)) throw e;
    deliverException(cpu, e.vector, e.errorCode);
    return;
  } finally {
    if (cpu.deliveringVector === vector) cpu.deliveringVector = -1;
  }
}

export function enterShutdown(cpu: Cpu): void {
  cpu.activity = Activity.Shutdown;
  cpu.deliveringVector = -1;
  cpu.eventCheck = true;
}

/**
 * Delivers pending NMI and external interrupts when they are not blocked, waking a halted processor
 * (SDM Vol. 3A 6.8, 6.9). Returns true when an event was delivered.
 */
export function deliverPendingEvents(cpu: Cpu): boolean {
  if (cpu.interruptShadow !== 0) return false;
  if (cpu.pendingNmi && !cpu.nmiBlocked) {
    cpu.pendingNmi = false;
    cpu.nmiBlocked = true;
    cpu.activity = Activity.Active;
    deliverEvent(cpu, NMI, -1, EventKind.Nmi);
    return true;
  }
  if (cpu.pendingIntr >= 0 && (readFlags(cpu) & IF) !== 0) {
    const vector = cpu.pendingIntr;
    cpu.pendingIntr = -1;
    cpu.activity = Activity.Active;
    deliverEvent(cpu, vector, -1, EventKind.External);
    return true;
  }
  return false;
}

/** Delivers an event between instructions: the saved RIP is the current one. */
export function deliverEvent(cpu: Cpu, vector: number, errorCode: number, kind: EventKind): void {
  cpu.deliveringVector = vector;
  try {
    deliver(cpu, vector, errorCode, kind, cpu.ripLo, cpu.ripHi);
  } catch (e) {
    if (!(e instanceof Fault)) throw e;
    deliverException(cpu, e.vector, e.errorCode);
  } finally {
    cpu.deliveringVector = -1;
  }
}

/**
 * Transfers control to the handler of `vector`, saving (retLo, retHi) as the return address:
 * through the IVT in real mode, the IDT otherwise.
 */
export function deliver(cpu: Cpu, vector: number, errorCode: number, kind: EventKind, retLo: number, retHi: number): void {
  if ((cpu.cr0 & 1) === 0) { deliverReal(cpu, vector, retLo); return; }
  deliverProtected(cpu, vector, errorCode, kind, retLo, retHi);
}

/** Real-address mode: push FLAGS, CS, IP; clear IF, TF, AC; CS:IP from the 4-byte IVT entry (SDM Vol. 3A 20.1.4). */
function deliverReal(cpu: Cpu, vector: number, retLo: number): void {
  const entry = vector * 4;
  if (entry + 3 > cpu.idtrLimit) throw new Fault(GP, vector * 8 + 2);
  const ivtLo = cpu.idtrBaseLo;
  const flags = readFlags(cpu);
  // Read the vector first so a fault leaves the stack untouched.
  const ip = readPhysWord(cpu, ivtLo + entry);
  const cs = readPhysWord(cpu, ivtLo + entry + 2);
  push16(cpu, flags & 0xFFFF);
  push16(cpu, cpu.segSel[CS]!);
  push16(cpu, retLo & 0xFFFF);
  writeFlags(cpu, 0, IF | TF | AC | RF);
  cpu.loadSegmentRaw(CS, cs, cs << 4, 0, cpu.segLimit[CS]!, cpu.segAttr[CS]!);
  cpu.ripLo = ip; cpu.ripHi = 0;
  invalidateFetch(cpu);
}

/** The IVT is read by linear address; real mode has no paging, so that is the physical address. */
function readPhysWord(cpu: Cpu, linear: number): number {
  return cpu.memory.read16(linear >>> 0);
}

function push16(cpu: Cpu, v: number): void {
  const sp = (cpu.lo[4]! - 2) & 0xFFFF;
  write16(cpu, SS, sp, 0, v);
  cpu.lo[4] = (cpu.lo[4]! & ~0xFFFF) | sp;
}

/** Protected mode and IA-32e mode delivery through IDT gates (SDM Vol. 3A 6.10-6.14). */
function deliverProtected(cpu: Cpu, vector: number, errorCode: number, kind: EventKind, retLo: number, retHi: number): void {
  void errorCode; void kind; void retLo; void retHi;
  throw new Fault(GP, vector * 8 + 2);
}
