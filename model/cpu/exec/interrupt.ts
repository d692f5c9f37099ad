// Interrupt instructions (SDM Vol. 2): INT n, INT3, INTO, INT1, UD0/UD1/UD2, IRET/IRETD/IRETQ in every
// mode, CLI and STI. Delivery itself is interrupts.ts. Virtual-8086 mode extensions (CR4.VME, PVI) are
// not modelled (the model reports those CR4 bits reserved), so the IOPL-sensitive cases raise #GP(0).
import { Code, Mnemonic } from 'iced-x86';
import { type Cpu, CplCause } from '../cpu.js';
import { type Exec, registerBuilder } from '../decode.js';
import { BP, DB, Fault, GP, OF as OF_VECTOR, UD } from '../fault.js';
import {
  AC, ARITH, DF, ID, IF, IOPL, NT, RF, TF, VIF, VIP, VM, getOF, iopl, setFlag, writeFlags,
} from '../flags.js';
import { isCanonical } from '../access.js';
import { CS, DS, ES, FS, GS, SS } from '../registers.js';
import { EventKind, deliver } from '../interrupts.js';
import {
  checkReturnCodeSegment, checkReturnStackSegment, desc, descDb, descLimit, is64Code, loadDescriptor, loadNull, loadReal,
  markAccessed, nullInaccessibleSegments, protectedMode, readTss, setStackPointer, v86Mode,
} from '../segmentation.js';
import { invalidateFetch } from '../decode.js';
import { adjustSp, stackRead } from './stack.js';
import { softwareExceptionExit } from '../../vmx/events.js';
import { inNonRoot } from '../../vmx/exits.js';
import { nestedTaskReturn } from '../../vmx/task-switch.js';

/**
 * INT n, INT3, INTO and INT1: delivery with the next instruction as the return address (they are
 * traps). INT n in virtual-8086 mode with IOPL < 3 raises #GP(0) (SDM Vol. 3A 20.3.3, no VME).
 */
export function softwareInterrupt(cpu: Cpu, vector: number, kind: EventKind): void {
  if (kind === EventKind.SoftwareInt && v86Mode(cpu) && iopl(cpu) < 3) throw new Fault(GP, 0);
  // INT3, INTO and INT1 exit by the exception bitmap in VMX non-root operation (SDM 3C 26.2).
  if (kind !== EventKind.SoftwareInt && cpu.vmx?.nonRoot === true && softwareExceptionExit(cpu, vector, kind)) return;
  deliver(cpu, vector, -1, kind, cpu.nextLo, cpu.nextHi);
}

registerBuilder(Mnemonic.Int, (v): Exec => {
  const vector = Number(v.imms[0]! & 0xFFn);
  return (cpu) => softwareInterrupt(cpu, vector, EventKind.SoftwareInt);
});
registerBuilder(Mnemonic.Int3, () => (cpu) => softwareInterrupt(cpu, BP, EventKind.SoftwareException));
registerBuilder(Mnemonic.Into, () => (cpu) => {
  if (getOF(cpu) === 1) softwareInterrupt(cpu, OF_VECTOR, EventKind.SoftwareException);
});
registerBuilder(Mnemonic.Int1, () => (cpu) => softwareInterrupt(cpu, DB, EventKind.PrivilegedSoftwareException));

// UD0, UD1 and UD2 raise #UD by definition (SDM Vol. 2 UD): implemented, not "unimplemented".
registerBuilder([Mnemonic.Ud0, Mnemonic.Ud1, Mnemonic.Ud2], () => () => { throw new Fault(UD); });

// ---- CLI, STI (SDM Vol. 2 CLI, STI; Vol. 3A 6.8.1 and 6.8.3 for the STI shadow)

/** True when the current mode lets CLI/STI change IF: real mode, CPL <= IOPL, or IOPL = 3 in virtual-8086 mode. */
function ifChangeAllowed(cpu: Cpu): boolean {
  if (!protectedMode(cpu)) return true;
  if (v86Mode(cpu)) return iopl(cpu) === 3;
  return cpu.cpl <= iopl(cpu);
}

registerBuilder(Mnemonic.Cli, () => (cpu) => {
  if (!ifChangeAllowed(cpu)) throw new Fault(GP, 0);
  setFlag(cpu, IF, false);
});

registerBuilder(Mnemonic.Sti, () => (cpu) => {
  if (!ifChangeAllowed(cpu)) throw new Fault(GP, 0);
  if ((cpu.flagsValue & IF) === 0) {
    setFlag(cpu, IF, true);
    // Interrupts stay blocked until the instruction after STI has completed.
    cpu.interruptShadow = 2;
    cpu.shadowByMovSs = false;
    cpu.eventCheck = true;
  }
});

// ---- IRET, IRETD, IRETQ (SDM Vol. 2 IRET)

const ARITH_TF_DF_NT = ARITH | TF | DF | NT;

/** Writes the popped flags image under `mask` and brings the mode up to date (VM may have changed). */
function restoreFlags(cpu: Cpu, value: number, mask: number): void {
  writeFlags(cpu, value, mask);
  cpu.updateMode();
}

/** Sets RIP after IRET (the run loop copies nextLo/nextHi into RIP). */
function setReturnRip(cpu: Cpu, lo: number, hi: number): void {
  cpu.nextLo = lo; cpu.nextHi = hi;
}

/** Real-address mode IRET: pop IP, CS, FLAGS (SDM Vol. 2 IRET, REAL-ADDRESS-MODE). */
function iretReal(cpu: Cpu, size: 2 | 4 | 8): void {
  const ip = stackRead(cpu, 0, size) >>> 0;
  const cs = stackRead(cpu, size, size) & 0xFFFF;
  const flags = stackRead(cpu, 2 * size, size);
  const eip = size === 2 ? ip & 0xFFFF : ip;
  if (eip > cpu.segLimit[CS]!) throw new Fault(GP, 0);
  adjustSp(cpu, 3 * size);
  loadReal(cpu, CS, cs);
  // 32-bit: EFLAGS <- (temp AND 257FD5H) OR (EFLAGS AND 1A0000H); 16-bit: FLAGS <- temp.
  restoreFlags(cpu, flags, size === 2 ? 0x7FD5 : 0x25_7FD5);
  setReturnRip(cpu, eip, 0);
}

/** Virtual-8086 mode IRET with IOPL = 3: as in real mode, but VM, IOPL, VIP and VIF keep their values. */
function iretV86(cpu: Cpu, size: 2 | 4 | 8): void {
  if (iopl(cpu) !== 3) throw new Fault(GP, 0); // without VME
  const ip = stackRead(cpu, 0, size) >>> 0;
  const cs = stackRead(cpu, size, size) & 0xFFFF;
  const flags = stackRead(cpu, 2 * size, size);
  const eip = size === 2 ? ip & 0xFFFF : ip;
  if (eip > 0xFFFF) throw new Fault(GP, 0);
  adjustSp(cpu, 3 * size);
  loadReal(cpu, CS, cs);
  restoreFlags(cpu, flags, (size === 2 ? 0x7FD5 : 0x3F_7FD5) & ~(VM | IOPL | VIP | VIF));
  setReturnRip(cpu, eip, 0);
}

/**
 * Protected-mode and IA-32e-mode IRET (SDM Vol. 2 IRET: PROTECTED-MODE, RETURN-TO-VIRTUAL-8086-MODE,
 * RETURN-TO-SAME/OUTER-PRIVILEGE-LEVEL, IA-32e-MODE). Every read and check comes before any change.
 */
function iretProtected(cpu: Cpu, size: 2 | 4 | 8): void {
  cpu.cplCause = CplCause.Iret; // for the privilege-level-exiting model extension (not in the SDM)
  if ((cpu.flagsValue & NT) !== 0) {
    // A nested-task return switches tasks: in VMX non-root operation outside IA-32e mode a VM exit (SDM 3C
    // 26.4.2) after the checks on the previous-task link; not modelled elsewhere. In IA-32e mode #GP(0).
    if (!cpu.longMode && inNonRoot(cpu)) { nestedTaskReturn(cpu, readTss(cpu, 0, 2, 0), ((cpu.nextLo - cpu.ripLo) | 0) & 0xF); return; }
    throw new Fault(GP, 0);
  }
  const ipLo = stackRead(cpu, 0, size), ipHi = size === 8 ? cpu.vhi : 0;
  const sel = stackRead(cpu, size, size) & 0xFFFF;
  const flags = stackRead(cpu, 2 * size, size);
  const cpl = cpu.cpl;
  if (size === 4 && (flags & VM) !== 0 && cpl === 0 && !cpu.longMode) { iretToV86(cpu, ipLo, sel, flags); return; }

  checkReturnCodeSegment(cpu, sel);
  const cLo = desc.lo, cAddrLo = desc.addrLo, cAddrHi = desc.addrHi;
  let cHi = desc.hi;
  const rpl = sel & 3;
  const target64 = is64Code(cpu, cHi);
  const eipLo = size === 2 ? ipLo & 0xFFFF : ipLo;
  if (target64 ? !isCanonical(cpu, eipLo, ipHi) : (eipLo >>> 0) > descLimit(cLo, cHi)) throw new Fault(GP, 0);

  // In 64-bit mode IRET always pops SS:RSP; elsewhere only on a return to an outer privilege level.
  const popStack = cpu.bitness === 64 || rpl > cpl;
  let spLo = 0, spHi = 0, ssSel = 0, ssLo = 0, ssHi = 0, ssAddrLo = 0, ssAddrHi = 0, ssNull = false;
  if (popStack) {
    spLo = stackRead(cpu, 3 * size, size); spHi = size === 8 ? cpu.vhi : 0;
    ssSel = stackRead(cpu, 4 * size, size) & 0xFFFF;
    ssNull = checkReturnStackSegment(cpu, ssSel, rpl, target64);
    if (!ssNull) { ssLo = desc.lo; ssHi = desc.hi; ssAddrLo = desc.addrLo; ssAddrHi = desc.addrHi; }
  }

  // The flags the return may change depend on the CPL and IOPL before it (and on the operand size).
  let mask = ARITH_TF_DF_NT;
  if (size !== 2) mask |= RF | AC | ID;
  if (cpl <= iopl(cpu)) mask |= IF;
  if (cpl === 0) { mask |= IOPL; if (size !== 2) mask |= VIF | VIP; }
  cHi = markAccessed(cpu, cAddrLo, cAddrHi, cHi);
  writeFlags(cpu, flags, mask);
  if (!popStack) adjustSp(cpu, 3 * size);
  loadDescriptor(cpu, CS, sel, cLo, cHi);
  if (popStack) {
    if (ssNull) loadNull(cpu, SS, ssSel, rpl);
    else loadDescriptor(cpu, SS, ssSel, ssLo, markAccessed(cpu, ssAddrLo, ssAddrHi, ssHi));
    setStackPointer(cpu, size === 8 || cpu.bitness === 64 ? 8 : size === 4 || descDb(ssHi) ? 4 : 2, spLo, spHi);
  }
  if (rpl > cpl) nullInaccessibleSegments(cpu, rpl);
  setReturnRip(cpu, eipLo, target64 ? ipHi : 0);
}

/** RETURN-TO-VIRTUAL-8086-MODE (SDM Vol. 2 IRET): pops ESP, SS, ES, DS, FS, GS and enters virtual-8086 mode at CPL 3. */
function iretToV86(cpu: Cpu, eip: number, cs: number, flags: number): void {
  const esp = stackRead(cpu, 12, 4);
  const ss = stackRead(cpu, 16, 4) & 0xFFFF;
  const es = stackRead(cpu, 20, 4) & 0xFFFF;
  const ds = stackRead(cpu, 24, 4) & 0xFFFF;
  const fs = stackRead(cpu, 28, 4) & 0xFFFF;
  const gs = stackRead(cpu, 32, 4) & 0xFFFF;
  if ((eip & 0xFFFF) !== (eip >>> 0)) throw new Fault(GP, 0); // beyond the 64-KByte CS limit of virtual-8086 mode
  writeFlags(cpu, flags, 0x3F_7FD5);
  for (const [seg, sel] of [[CS, cs], [SS, ss], [ES, es], [DS, ds], [FS, fs], [GS, gs]] as const) {
    cpu.loadSegmentRaw(seg, sel, sel << 4, 0, 0xFFFF, 0xF3);
  }
  cpu.lo[4] = esp;
  cpu.updateMode();
  invalidateFetch(cpu); // CPL 0 -> 3: the cached instruction-fetch translation was checked for CPL 0
  setReturnRip(cpu, eip & 0xFFFF, 0);
}

/** IRET in any mode. NMIs are unblocked by the execution of IRET (SDM Vol. 3A 6.7.1), even one that faults. */
export function iret(cpu: Cpu, size: 2 | 4 | 8): void {
  // Whether this IRET removed (virtual-)NMI blocking, for an EPT violation it meets (SDM 3C 28.2.1, bit 12).
  cpu.iretUnblockedNmi = cpu.nmiBlocked;
  cpu.nmiBlocked = false;
  cpu.eventCheck = true;
  try {
    if (!protectedMode(cpu)) iretReal(cpu, size);
    else if (v86Mode(cpu)) iretV86(cpu, size);
    else iretProtected(cpu, size);
  } finally {
    cpu.iretUnblockedNmi = false;
  }
}

registerBuilder([Mnemonic.Iret, Mnemonic.Iretd, Mnemonic.Iretq], (v): Exec => {
  const size: 2 | 4 | 8 = v.code === Code.Iretw ? 2 : v.code === Code.Iretq ? 8 : 4;
  return (cpu) => iret(cpu, size);
});

