// Delivery of exceptions and interrupts (SDM Vol. 3A chapter 6; real mode: Vol. 3A 20.1.4;
// virtual-8086 mode: Vol. 3A 20.3; the INT n pseudocode of Vol. 2 for the checks and their order).
//
// Delivery reads the gate and the handler's code-segment descriptor, checks them, and pushes the
// frame before any register changes, so a fault during delivery leaves the registers as they were;
// the fault is then delivered in turn, becoming #DF or a triple fault (shutdown) by the rules of
// SDM Vol. 3A 6.15 (Tables 6-4 and 6-5). Task gates are not modelled (no task switching): delivery
// through one raises #GP(vector * 8 + 2 + EXT), as for an invalid gate type.
import type { Cpu } from './cpu.js';
import { Activity, CplCause } from './cpu.js';
import { BP, DB, DF, Fault, GP, MC, NMI, NP, OF, PF, SS_, pushesErrorCode, VmExitFault } from './fault.js';
import { AC, IF, NT, RF, TF, VM, readFlags, writeFlags } from './flags.js';
import { isCanonical, readSystem32 } from './access.js';
import { READ, translate } from './mmu.js';
import { CS, DS, ES, FS, GS, SS } from './registers.js';
import { PageFault } from './paging.js';
import { beginDelivery, boundaryExits, endDelivery, exceptionExit, tripleFaultExit } from '../vmx/events.js';
import { idtTaskGate } from '../vmx/task-switch.js';
import { takeSmi } from '../vmx/dual-monitor.js';
import {
  NewStack, checkTssLimit, desc, descDpl, descLimit, descPresent, gateOffset, gateSelector, innerStack, is64Code,
  isCodeDescriptor, isConforming, loadDescriptor, loadNull, loadReal, markAccessed, readDescriptor, readTss, selectorError,
  tss16, v86Mode,
} from './segmentation.js';

/**
 * How an event came about (the VMX interruption types of SDM Vol. 3C 25.8.3 use the same split): it
 * decides the EXT bit of error codes raised during delivery, the gate-DPL check and the saved RIP.
 */
export const enum EventKind {
  /** A hardware exception raised by an instruction (or by delivery). */
  Exception = 0,
  External = 1,
  Nmi = 2,
  /** INT n. */
  SoftwareInt = 3,
  /** INT3 and INTO. */
  SoftwareException = 4,
  /** INT1 (ICEBP). */
  PrivilegedSoftwareException = 5,
}

/** Classes for double-fault detection (SDM Vol. 3A 6.15, Table 6-4). */
const BENIGN = 0, CONTRIBUTORY = 1, PAGE_FAULT = 2;
function faultClass(vector: number): number {
  if (vector === PF) return PAGE_FAULT;
  if (vector === 0 || (vector >= 10 && vector <= 13)) return CONTRIBUTORY;
  return BENIGN;
}

/**
 * Fault-class exceptions push RF = 1 in the saved EFLAGS image (SDM Vol. 3A 17.3.1.1); traps (#BP, #OF,
 * single-step #DB) and aborts (#DF, #MC) push RF as it is. #DB is treated as a trap here (the model
 * raises it for INT1 and MOV DR with DR7.GD).
 */
function isFaultClass(vector: number): boolean {
  return vector < 32 && vector !== DB && vector !== NMI && vector !== BP && vector !== OF && vector !== DF && vector !== MC;
}

/** RIP after delivery: both the current and the next RIP (delivery happens inside or between instructions). */
function setRip(cpu: Cpu, lo: number, hi: number): void {
  cpu.ripLo = cpu.nextLo = lo;
  cpu.ripHi = cpu.nextHi = hi;
}

/** Delivers a fault thrown by an instruction or by event delivery; a #PF loads CR2 with its linear address. */
export function deliverFault(cpu: Cpu, f: Fault): void {
  if (f instanceof VmExitFault) { f.deliver(cpu); return; }
  deliverException(cpu, f.vector, f.errorCode, f instanceof PageFault ? f : undefined);
}

/**
 * Delivers an exception raised by the current instruction (RIP still points at it: faults are
 * restartable). A second exception during delivery becomes #DF or, after #DF, a triple fault
 * (shutdown) (SDM Vol. 3A 6.15, Table 6-5).
 */
export function deliverException(cpu: Cpu, vector: number, errorCode: number, pf?: PageFault, prior = -1): void {
  for (;;) {
    // In VMX non-root operation the exception bitmap sees the exception before any #DF (SDM 3C 26.2, 27.6.1).
    if (cpu.vmx?.nonRoot === true && exceptionExit(cpu, vector, errorCode, pf)) return;
    if (prior >= 0) {
      if (prior === DF) { enterShutdown(cpu); return; }
      const a = faultClass(prior), b = faultClass(vector);
      if ((a === CONTRIBUTORY && b === CONTRIBUTORY) || (a === PAGE_FAULT && b !== BENIGN)) {
        vector = DF; errorCode = 0; pf = undefined;
        // A #DF that exits is not an exit during event delivery: no IDT-vectoring information (SDM 3C 28.2.4).
        if (cpu.vmx?.nonRoot === true) { endDelivery(cpu); if (exceptionExit(cpu, vector, errorCode, pf)) return; }
      }
    }
    // CR2 receives the linear address when a #PF is delivered (SDM Vol. 3A 6.15, Interrupt 14).
    if (vector === PF && pf !== undefined) { cpu.cr2Lo = pf.linLo; cpu.cr2Hi = pf.linHi; }
    cpu.deliveringVector = vector;
    try {
      const code = pushesErrorCode(vector) ? (errorCode < 0 ? 0 : errorCode) : -1;
      deliver(cpu, vector, code, EventKind.Exception, cpu.ripLo, cpu.ripHi, isFaultClass(vector));
      cpu.deliveringVector = -1;
      return;
    } catch (e) {
      if (!(e instanceof Fault)) { cpu.deliveringVector = -1; throw e; }
      if (e instanceof VmExitFault) { cpu.deliveringVector = -1; e.deliver(cpu); return; } // e.g. an EPT violation during delivery
      cpu.stats.exceptions++;
      prior = vector;
      vector = e.vector; errorCode = e.errorCode; pf = e instanceof PageFault ? e : undefined;
    }
  }
}

/** Shutdown after a triple fault (SDM Vol. 3A 6.15, Interrupt 8): the run ends as 'triple-fault'. */
export function enterShutdown(cpu: Cpu): void {
  // A triple fault in VMX non-root operation is a VM exit (SDM 3C 26.2).
  if (cpu.vmx?.nonRoot === true) { cpu.deliveringVector = -1; tripleFaultExit(cpu); return; }
  cpu.activity = Activity.Shutdown;
  cpu.deliveringVector = -1;
  cpu.eventCheck = true;
}

/**
 * Delivers pending NMI and external interrupts when they are not blocked, waking a halted processor
 * (SDM Vol. 3A 6.7.1, 6.8.1, 6.9). Returns true when an event was delivered.
 */
export function deliverPendingEvents(cpu: Cpu): boolean {
  // An SMI comes before INIT, NMIs and interrupts (Vol. 3A 6.9); model/vmx/dual-monitor.ts takes it.
  if (cpu.smiPending && takeSmi(cpu)) return true;
  // VMX: exits on instruction boundaries (MTF, windows, NMI and interrupt exiting) come first (SDM 3C 26.2, 26.7).
  if (cpu.vmx !== undefined && boundaryExits(cpu)) return true;
  if (cpu.interruptShadow !== 0 || cpu.activity === Activity.Shutdown) return false;
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
    if (cpu.apic?.owns(vector) === true) cpu.apic.acknowledge(vector); // IRR to ISR (SDM Vol. 3A 11.8.4)
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
    deliver(cpu, vector, errorCode, kind, cpu.ripLo, cpu.ripHi, false);
    cpu.deliveringVector = -1;
  } catch (e) {
    cpu.deliveringVector = -1;
    if (!(e instanceof Fault)) throw e;
    cpu.stats.exceptions++;
    // The first event is benign: the fault is handled serially (Table 6-5).
    deliverFault(cpu, e);
  }
}

/**
 * Transfers control to the handler of `vector`, saving (retLo, retHi) as the return address:
 * through the IVT in real mode, the IDT otherwise. `rf` sets RF in the saved flags image.
 */
export function deliver(cpu: Cpu, vector: number, errorCode: number, kind: EventKind, retLo: number, retHi: number, rf = false): void {
  const guest = cpu.vmx?.nonRoot === true;
  if (guest) beginDelivery(cpu, vector, errorCode, kind, retLo); // for IDT-vectoring information (SDM 3C 28.2.4)
  if ((cpu.cr0 & 1) === 0) deliverReal(cpu, vector, retLo);
  else deliverProtected(cpu, vector, errorCode, kind, retLo, retHi, rf);
  if (guest) endDelivery(cpu);
  cpu.interruptShadow = 0;
}

const stack = new NewStack();

/** Real-address mode: push FLAGS, CS, IP; clear IF, TF, AC; CS:IP from the 4-byte IVT entry (SDM Vol. 3A 20.1.4). */
function deliverReal(cpu: Cpu, vector: number, retLo: number): void {
  const entry = vector * 4;
  if (entry + 3 > cpu.idtrLimit) throw new Fault(GP, vector * 8 + 2);
  // The IVT is read by linear address; real mode has no paging, so that is the physical address (a
  // guest-physical one under EPT, SDM 3C 29.3.2, which translate applies).
  const at = translate(cpu, (cpu.idtrBaseLo + entry) | 0, 0, READ, true);
  const ip = cpu.memory.read16(at);
  const cs = cpu.memory.read16(at + 2);
  stack.current(cpu, 0);
  stack.push(cpu, 2, readFlags(cpu) & 0xFFFF);
  stack.push(cpu, 2, cpu.segSel[CS]!);
  stack.push(cpu, 2, retLo & 0xFFFF);
  cpu.lo[4] = (cpu.lo[4]! & ~0xFFFF) | (stack.spLo & 0xFFFF);
  writeFlags(cpu, 0, IF | TF | AC | RF);
  loadReal(cpu, CS, cs);
  setRip(cpu, ip, 0);
}

/** Protected-mode and IA-32e-mode delivery through an IDT interrupt or trap gate (SDM Vol. 3A 6.10-6.14). */
function deliverProtected(cpu: Cpu, vector: number, errorCode: number, kind: EventKind, retLo: number, retHi: number, rf: boolean): void {
  cpu.cplCause = CplCause.Event; // for the privilege-level-exiting model extension (not in the SDM)
  const software = kind === EventKind.SoftwareInt || kind === EventKind.SoftwareException;
  // EXT is set for events external to the program: everything but INT n, INT3 and INTO (6.13).
  const ext = software ? 0 : 1;
  const idtError = vector * 8 + 2 + ext;
  const long = cpu.longMode;
  const gateSize = long ? 16 : 8;
  if (vector * gateSize + gateSize - 1 > cpu.idtrLimit) throw new Fault(GP, idtError);
  const gAddrLo = (cpu.idtrBaseLo + vector * gateSize) | 0;
  const gAddrHi = long && (gAddrLo >>> 0) < (cpu.idtrBaseLo >>> 0) ? (cpu.idtrBaseHi + 1) | 0 : long ? cpu.idtrBaseHi : 0;
  const gLo = readSystem32(cpu, gAddrLo, gAddrHi);
  const gHi = readSystem32(cpu, (gAddrLo + 4) | 0, gAddrHi);
  const gUpper = long ? readSystem32(cpu, (gAddrLo + 8) | 0, gAddrHi) : 0;
  // Gate types: 64-bit interrupt and trap gates in IA-32e mode (6.14.1); 16/32-bit interrupt and trap
  // gates and task gates otherwise (6.11). S must be 0.
  const type = (gHi >>> 8) & 0x1F;
  const valid = long ? type === 0xE || type === 0xF : type === 0x5 || type === 0x6 || type === 0x7 || type === 0xE || type === 0xF;
  if (!valid) throw new Fault(GP, idtError);
  // Software interrupts check the gate's DPL against the CPL; INT1 and hardware events do not (6.12.1.1).
  if (software && descDpl(gHi) < cpu.cpl) throw new Fault(GP, idtError);
  if (!descPresent(gHi)) throw new Fault(NP, idtError);
  if (type === 0x5) {
    // A task gate switches tasks: a VM exit in VMX non-root operation (SDM 3C 26.4.2); not modelled elsewhere.
    if (cpu.vmx?.nonRoot === true) { idtTaskGate(cpu, gateSelector(gLo), ext); return; }
    throw new Fault(GP, idtError);
  }
  const gate32 = (type & 8) !== 0;
  const trapGate = (type & 1) !== 0;
  const csSel = gateSelector(gLo);
  let offLo = gateOffset(gLo, gHi);
  if (!gate32) offLo &= 0xFFFF;
  const offHi = long ? gUpper : 0;

  // The handler's code segment (6.12.1, INT n pseudocode).
  if ((csSel & 0xFFFC) === 0) throw new Fault(GP, ext);
  if (!readDescriptor(cpu, csSel)) throw new Fault(GP, selectorError(csSel, ext));
  const cLo = desc.lo, cAddrLo = desc.addrLo, cAddrHi = desc.addrHi;
  let cHi = desc.hi;
  const dpl = descDpl(cHi);
  if (!isCodeDescriptor(cHi) || dpl > cpu.cpl) throw new Fault(GP, selectorError(csSel, ext));
  if (!descPresent(cHi)) throw new Fault(NP, selectorError(csSel, ext));
  if (long && !is64Code(cpu, cHi)) throw new Fault(GP, selectorError(csSel, ext));
  const v86 = v86Mode(cpu);
  const inner = !isConforming(cHi) && dpl < cpu.cpl;
  // From virtual-8086 mode the handler must be non-conforming code at DPL 0 (20.3.1.1).
  if (v86 && (!inner || dpl !== 0)) throw new Fault(GP, selectorError(csSel, ext));
  const newCpl = inner ? dpl : cpu.cpl;
  const flags = (readFlags(cpu) | (rf ? RF : 0)) >>> 0;
  const oldSs = cpu.segSel[SS]!, oldCs = cpu.segSel[CS]!;

  if (long) {
    // IA-32e mode (6.14): 8-byte pushes, RSP aligned to 16, the stack from the TSS on a privilege change
    // or from the IST when the gate names one; SS becomes null with RPL = new CPL.
    const ist = gHi & 7;
    let spLo: number, spHi: number;
    if (ist !== 0) { spLo = readTss(cpu, 0x24 + 8 * (ist - 1), 8, ext); spHi = cpu.vhi; }
    else if (inner) { spLo = readTss(cpu, 4 + 8 * dpl, 8, ext); spHi = cpu.vhi; }
    else { spLo = cpu.lo[4]!; spHi = cpu.hi[4]!; }
    if (!isCanonical(cpu, spLo, spHi)) throw new Fault(SS_, ext);
    if (!isCanonical(cpu, offLo, offHi)) throw new Fault(GP, ext);
    stack.flat(spLo & ~0xF, spHi, ext, newCpl < 3);
    stack.push(cpu, 8, oldSs);
    stack.push(cpu, 8, cpu.lo[4]!, cpu.hi[4]!);
    stack.push(cpu, 8, flags);
    stack.push(cpu, 8, oldCs);
    stack.push(cpu, 8, retLo, retHi);
    if (errorCode >= 0) stack.push(cpu, 8, errorCode);
    cHi = markAccessed(cpu, cAddrLo, cAddrHi, cHi);
    writeFlags(cpu, 0, TF | NT | RF | VM | (trapGate ? 0 : IF));
    if (inner) loadNull(cpu, SS, newCpl, newCpl);
    stack.commit(cpu);
    loadDescriptor(cpu, CS, (csSel & 0xFFFC) | newCpl, cLo, cHi);
    setRip(cpu, offLo, offHi);
    return;
  }

  // Protected mode (6.12.1): 2- or 4-byte pushes as the gate says.
  const size = gate32 ? 4 : 2;
  let ssLo = 0, ssHi = 0, ssAddrLo = 0, ssAddrHi = 0, newSs = 0;
  if (inner) {
    // The inner stack from the TSS (7.2.1): SS:ESP for the new CPL, with the checks of the INT n pseudocode,
    // which first checks that the 4 bytes of SPn and SSn (16-bit TSS) or the 8 of ESPn and SSn lie within the limit.
    checkTssLimit(cpu, tss16(cpu) ? 2 + 4 * dpl + 3 : 4 + 8 * dpl + 7, ext);
    newSs = innerStack(cpu, dpl, ext, stack);
    ssLo = desc.lo; ssHi = desc.hi; ssAddrLo = desc.addrLo; ssAddrHi = desc.addrHi;
    if (v86) {
      stack.push(cpu, size, cpu.segSel[GS]!);
      stack.push(cpu, size, cpu.segSel[FS]!);
      stack.push(cpu, size, cpu.segSel[DS]!);
      stack.push(cpu, size, cpu.segSel[ES]!);
    }
    stack.push(cpu, size, oldSs);
    stack.push(cpu, size, cpu.lo[4]!);
  } else {
    stack.current(cpu, ext);
  }
  stack.push(cpu, size, flags);
  stack.push(cpu, size, oldCs);
  stack.push(cpu, size, retLo);
  if (errorCode >= 0) stack.push(cpu, size, errorCode);
  if ((offLo >>> 0) > descLimit(cLo, cHi)) throw new Fault(GP, ext);

  cHi = markAccessed(cpu, cAddrLo, cAddrHi, cHi);
  writeFlags(cpu, 0, TF | NT | RF | VM | (trapGate ? 0 : IF));
  if (inner) {
    ssHi = markAccessed(cpu, ssAddrLo, ssAddrHi, ssHi);
    loadDescriptor(cpu, SS, newSs, ssLo, ssHi);
    cpu.lo[4] = stack.spLo;
    if (v86) for (const s of [ES, DS, FS, GS]) loadNull(cpu, s, 0);
  } else {
    stack.commit(cpu);
  }
  loadDescriptor(cpu, CS, (csSel & 0xFFFC) | newCpl, cLo, cHi);
  setRip(cpu, offLo, 0);
}
