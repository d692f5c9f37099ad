// Processor state and hint instructions: HLT, PAUSE, MONITOR/MWAIT, XSETBV/XGETBV (SDM Vol. 2 HLT,
// PAUSE, MONITOR, MWAIT, XSETBV, XGETBV; activity states Vol. 3A 9.1, 26.4.2; XCR0 Vol. 1 13.3).
import { Code, Mnemonic } from 'iced-x86';
import type { Cpu } from '../cpu.js';
import { Activity } from '../cpu.js';
import { Fault, GP, UD } from '../fault.js';
import { HLT_EXITING, PROC_CTLS, inNonRoot, instructionExit, procControl } from '../../vmx/exits.js';
import { EXIT_REASON } from '../../generated/index.js';
import { registerBuilder } from '../decode.js';
import { read8 } from '../access.js';
import { CR4_OSXSAVE } from '../control-registers.js';
import { regInfo } from '../registers.js';
import { supportedXcr0 } from './cpuid.js';

registerBuilder(Mnemonic.Hlt, (v) => (cpu) => {
  if (cpu.cpl !== 0) throw new Fault(GP, 0); // privilege faults come before VM exits (SDM 26.1.1)
  if (inNonRoot(cpu) && procControl(cpu, HLT_EXITING)) { instructionExit(cpu, EXIT_REASON.HLT, v.length); return; }
  cpu.activity = Activity.Hlt;
  cpu.eventCheck = true;
});

// PAUSE: a spin-loop hint with no architectural effect (SDM Vol. 2 PAUSE); it exits in VMX non-root
// operation with "PAUSE exiting", at any CPL (SDM 26.1.3). PAUSE-loop exiting is not modelled.
registerBuilder(Mnemonic.Pause, (v) => (cpu) => {
  if (inNonRoot(cpu) && procControl(cpu, PROC_CTLS.PAUSE_EXITING)) instructionExit(cpu, EXIT_REASON.PAUSE, v.length);
});

// ---- MONITOR / MWAIT (SDM Vol. 2 MONITOR, MWAIT; Vol. 3A 9.10.4)

/** Per-processor monitor hardware: armed by MONITOR, consumed by MWAIT. */
const monitorArmed = new WeakMap<Cpu, boolean>();

/**
 * MONITOR and MWAIT are CPL-0 only (#UD elsewhere) and #UD while IA32_MISC_ENABLE.ENABLE_MONITOR_FSM
 * (bit 18) is 0 (SDM Vol. 4 Table 2-2).
 */
function checkMonitorAvailable(cpu: Cpu): void {
  if (cpu.cpl !== 0 || (cpu.msr.miscEnableLo & (1 << 18)) === 0) throw new Fault(UD);
}

/**
 * MONITOR arms the monitor at DS:rAX (segment override allowed; address size from the encoding).
 * The address is checked like a byte load (segmentation, paging: #GP/#SS/#PF). ECX holds extensions:
 * none are defined, so a non-zero ECX is #GP(0). EDX hints are ignored.
 */
registerBuilder(Mnemonic.Monitor, (v) => {
  const seg = regInfo(v.memSeg).kind === 'seg' ? regInfo(v.memSeg).index : 3;
  const as = v.code === Code.Monitorw ? 16 : v.code === Code.Monitord ? 32 : 64;
  return (cpu) => {
    checkMonitorAvailable(cpu);
    // "MONITOR exiting" (SDM 26.1.3): after the #UD checks, before the operand checks.
    if (inNonRoot(cpu) && procControl(cpu, PROC_CTLS.MONITOR_EXITING)) { instructionExit(cpu, EXIT_REASON.MONITOR, v.length); return; }
    if (cpu.lo[1] !== 0) throw new Fault(GP, 0);
    const a = cpu.lo[0]!;
    if (as === 16) read8(cpu, seg, a & 0xFFFF, 0);
    else if (as === 32) read8(cpu, seg, a, 0);
    else read8(cpu, seg, a, cpu.hi[0]!);
    monitorArmed.set(cpu, true);
  };
});

/**
 * MWAIT: with the monitor armed, the processor waits like HLT (activity state HLT) until an event
 * wakes it; without it, MWAIT does nothing. The model has no other agent that could store to the
 * monitored range, so only an interrupt or NMI ends the wait. ECX[0] (treat interrupts as break
 * events even when IF = 0) is not offered (CPUID.05H:ECX[1] = 0), so ECX != 0 is #GP(0); the EAX
 * hints (target C-state) are ignored.
 */
registerBuilder(Mnemonic.Mwait, (v) => (cpu) => {
  checkMonitorAvailable(cpu);
  // "MWAIT exiting" (SDM 26.1.3); exit-qualification bit 0: the monitor was armed (28.2.1).
  if (inNonRoot(cpu) && procControl(cpu, PROC_CTLS.MWAIT_EXITING)) {
    instructionExit(cpu, EXIT_REASON.MWAIT, v.length, { qualification: monitorArmed.get(cpu) === true ? 1n : 0n });
    return;
  }
  if (cpu.lo[1] !== 0) throw new Fault(GP, 0);
  if (monitorArmed.get(cpu) !== true) return;
  monitorArmed.set(cpu, false);
  cpu.activity = Activity.Hlt;
  cpu.eventCheck = true;
});

// ---- GETSEC (SDM Vol. 2 Chapter 7)

/**
 * GETSEC is #UD while CR4.SMXE = 0. The model offers no SMX (CPUID.1:ECX.SMX = 0, CR4.SMXE reserved), so
 * only a guest whose VMX CR4 fixed bits let it run with CR4.SMXE = 1 gets past that, and in VMX non-root
 * operation GETSEC always exits (SDM 26.1.2; the #UD has priority, 26.1.1).
 */
const CR4_SMXE = 1 << 14;
registerBuilder(Mnemonic.Getsec, (v) => (cpu) => {
  if ((cpu.cr4 & CR4_SMXE) === 0) throw new Fault(UD);
  if (inNonRoot(cpu)) { instructionExit(cpu, EXIT_REASON.GETSEC, v.length); return; }
  throw new Fault(UD); // unreachable in root operation: CR4.SMXE cannot be set without SMX
});

// ---- XCR0 (SDM Vol. 1 13.3; Vol. 2 XSETBV, XGETBV)

/** Both need CR4.OSXSAVE = 1 (#UD otherwise); it can be 1 only when CPUID.1:ECX.XSAVE = 1. */
function checkOsxsave(cpu: Cpu): void {
  if ((cpu.cr4 & CR4_OSXSAVE) === 0) throw new Fault(UD);
}

/**
 * XSETBV: XCR[ECX] = EDX:EAX, CPL 0 only. Only XCR0 exists (ECX = 0). #GP(0) for a bit the processor
 * does not support (CPUID.(EAX=0DH,ECX=0):EDX:EAX), for bit 0 (x87) clear, and for bit 2 (AVX) set
 * with bit 1 (SSE) clear.
 */
registerBuilder(Mnemonic.Xsetbv, (v) => (cpu) => {
  checkOsxsave(cpu);
  if (cpu.cpl !== 0) throw new Fault(GP, 0);
  // XSETBV always exits in VMX non-root operation, after the #UD and CPL checks (SDM 26.1.1, 26.1.2).
  if (inNonRoot(cpu)) { instructionExit(cpu, EXIT_REASON.XSETBV, v.length); return; }
  if (cpu.lo[1] !== 0) throw new Fault(GP, 0);
  const lo = cpu.lo[0]! >>> 0, hi = cpu.lo[2]! >>> 0;
  if (hi !== 0 || (lo & ~supportedXcr0(cpu)) !== 0) throw new Fault(GP, 0);
  if ((lo & 1) === 0) throw new Fault(GP, 0);
  if ((lo & 4) !== 0 && (lo & 2) === 0) throw new Fault(GP, 0);
  cpu.xcr0 = lo | 0;
});

/**
 * XGETBV: EDX:EAX = XCR[ECX], any CPL. ECX = 1 (XINUSE) exists only when CPUID.(EAX=0DH,ECX=1):EAX[2]
 * is 1, which the model does not offer, so any ECX but 0 is #GP(0). In 64-bit mode the upper halves of
 * RAX and RDX are cleared.
 */
registerBuilder(Mnemonic.Xgetbv, () => (cpu) => {
  checkOsxsave(cpu);
  if (cpu.lo[1] !== 0) throw new Fault(GP, 0);
  cpu.lo[0] = cpu.xcr0; cpu.hi[0] = 0;
  cpu.lo[2] = 0; cpu.hi[2] = 0;
});
