// RDMSR and WRMSR (SDM Vol. 2 RDMSR, WRMSR): ECX selects the MSR, EDX:EAX holds the value. Both are
// CPL-0 only; an MSR the model does not have, or a value it refuses, raises #GP(0) before anything
// changes. Which MSRs exist and what they accept is msr.ts's business.
import { Mnemonic } from 'iced-x86';
import type { Cpu } from '../cpu.js';
import { Fault, GP, UD } from '../fault.js';
import { type InstrView, registerBuilder } from '../decode.js';
import { readSized, writeSized } from '../access.js';
import { DS, RCX, RDI, RSI } from '../registers.js';
import { EXIT_REASON } from '../../generated/index.js';
import { PROC_CTLS, inNonRoot, instructionExit, msrExits } from '../../vmx/exits.js';
import { readGuestTscBig } from '../../vmx/timers.js';
import { rdmsrVirtual, wrmsrVirtual } from '../../vmx/apic-virtualization.js';
import { rdmsrSpecCtrlVirtual, wrmsrSpecCtrlVirtual } from '../../vmx/spec-ctrl.js';
import { vmxOf } from '../../vmx/operation.js';
import { IA32_TIME_STAMP_COUNTER } from '../msr.js';

/** RDMSR's semantics, for the instruction and for anything that reads an MSR the way it does. */
export function rdmsr(cpu: Cpu, index: number): bigint {
  if (cpu.cpl !== 0) throw new Fault(GP, 0);
  const value = cpu.msr.read(index);
  if (value === undefined) throw new Fault(GP, 0);
  return value;
}

/** WRMSR's semantics. */
export function wrmsr(cpu: Cpu, index: number, value: bigint): void {
  if (cpu.cpl !== 0) throw new Fault(GP, 0);
  if (!cpu.msr.write(index, value)) throw new Fault(GP, 0);
}

/**
 * What RDMSR (any form) reads once it did not exit: in the guest, IA32_TIME_STAMP_COUNTER with TSC offsetting
 * and scaling (SDM 26.3, 26.6) and x2APIC MSRs from the virtual-APIC page (SDM 30.5).
 */
export function rdmsrExecuted(cpu: Cpu, index: number): bigint {
  const guest = inNonRoot(cpu);
  // IA32_SPEC_CTRL may read its shadow (SDM 26.3).
  return (guest ? rdmsrVirtual(cpu, index) ?? rdmsrSpecCtrlVirtual(cpu, index) : undefined) ??
    (guest && index === IA32_TIME_STAMP_COUNTER ? readGuestTscBig(cpu) : rdmsr(cpu, index));
}

/**
 * What WRMSR (any form) does once it did not exit: x2APIC MSR writes the guest's virtual APIC takes (SDM 30.5);
 * IA32_SPEC_CTRL through its mask and shadow (26.3).
 */
export function wrmsrExecuted(cpu: Cpu, index: number, value: bigint): void {
  if (!(inNonRoot(cpu) && (wrmsrVirtual(cpu, index, value) || wrmsrSpecCtrlVirtual(cpu, index, value)))) wrmsr(cpu, index, value);
  // A write may change paging or the execution mode (IA32_EFER): let the run loop look again.
  cpu.eventCheck = true;
}

// In 64-bit mode RDMSR clears bits 63:32 of RAX and RDX; WRMSR ignores them (SDM Vol. 2 RDMSR, WRMSR).
// In VMX non-root operation they exit by the MSR bitmaps (SDM 26.1.3), after the CPL check (26.1.1) and
// before the MSR's own checks.
registerBuilder(Mnemonic.Rdmsr, (v) => (cpu) => {
  if (inNonRoot(cpu)) {
    if (cpu.cpl !== 0) throw new Fault(GP, 0);
    if (msrExits(cpu, cpu.lo[1]! >>> 0, false)) { instructionExit(cpu, EXIT_REASON.RDMSR, v.length); return; }
  }
  const value = rdmsrExecuted(cpu, cpu.lo[1]! >>> 0);
  cpu.lo[0] = Number(value & 0xFFFF_FFFFn) | 0; cpu.hi[0] = 0;
  cpu.lo[2] = Number(value >> 32n) | 0; cpu.hi[2] = 0;
});

registerBuilder(Mnemonic.Wrmsr, (v) => (cpu) => {
  if (inNonRoot(cpu)) {
    if (cpu.cpl !== 0) throw new Fault(GP, 0);
    if (msrExits(cpu, cpu.lo[1]! >>> 0, true)) { instructionExit(cpu, EXIT_REASON.WRMSR, v.length); return; }
  }
  wrmsrExecuted(cpu, cpu.lo[1]! >>> 0, (BigInt(cpu.lo[2]! >>> 0) << 32n) | BigInt(cpu.lo[0]! >>> 0));
});

// ---- RDMSRLIST, WRMSRLIST (SDM Vol. 2 RDMSRLIST, WRMSRLIST; 3C 26.1.3, 26.3)
//
// 64-bit mode, CPL 0. RSI points to a table of MSR indices and RDI to a table of data, 8 bytes per entry
// (both 8-byte aligned); RCX is a bitmap of the entries to process. Entries are processed lowest bit first,
// each clearing its RCX bit when done, so an exit or fault in the middle leaves RCX naming the entries not
// yet done. An index with bits 63:32 set, or an MSR RDMSR/WRMSR would refuse, raises #GP(0). The part has
// the instructions when its profile allows "enable MSR-list instructions" (the model's CPUID does not
// enumerate MSRLIST). In VMX non-root operation: #UD while that tertiary control is 0; otherwise each
// entry exits (reason 78/79, fault-like, before the entry is processed) when RDMSR/WRMSR of its MSR would
// exit by the MSR bitmaps.
const ENABLE_MSR_LIST = 0x40n;

function msrListEnabled(cpu: Cpu): boolean {
  const vmcs = cpu.vmx!.current!;
  if ((vmcs.get('PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS') & BigInt(PROC_CTLS.ACTIVATE_TERTIARY_CONTROLS)) === 0n) return false;
  return (vmcs.get('TERTIARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS') & ENABLE_MSR_LIST) !== 0n;
}

function msrList(write: boolean) {
  return (v: InstrView) => (cpu: Cpu) => {
    if (cpu.bitness !== 64 || !vmxOf(cpu).caps.supports('proc3.ENABLE_MSR_LIST_INSTRUCTIONS')) throw new Fault(UD);
    const guest = inNonRoot(cpu);
    if (guest && !msrListEnabled(cpu)) throw new Fault(UD);
    if (cpu.cpl !== 0 || (cpu.lo[RSI]! & 7) !== 0 || (cpu.lo[RDI]! & 7) !== 0) throw new Fault(GP, 0);
    while ((cpu.lo[RCX]! | cpu.hi[RCX]!) !== 0) {
      const i = cpu.lo[RCX] !== 0 ? 31 - Math.clz32(cpu.lo[RCX]! & -cpu.lo[RCX]!) : 63 - Math.clz32(cpu.hi[RCX]! & -cpu.hi[RCX]!);
      const index = readSized(cpu, DS, (cpu.lo[RSI]! + 8 * i) | 0, cpu.hi[RSI]!, 8);
      if (cpu.vhi !== 0) throw new Fault(GP, 0);
      if (guest && msrExits(cpu, index >>> 0, write)) {
        instructionExit(cpu, write ? EXIT_REASON.WRMSRLIST : EXIT_REASON.RDMSRLIST, v.length);
        return;
      }
      if (write) {
        const lo = readSized(cpu, DS, (cpu.lo[RDI]! + 8 * i) | 0, cpu.hi[RDI]!, 8);
        wrmsr(cpu, index >>> 0, (BigInt(cpu.vhi >>> 0) << 32n) | BigInt(lo >>> 0));
      } else {
        const value = rdmsr(cpu, index >>> 0);
        writeSized(cpu, DS, (cpu.lo[RDI]! + 8 * i) | 0, cpu.hi[RDI]!, 8, Number(value & 0xFFFF_FFFFn) | 0, Number(value >> 32n) | 0);
      }
      if (i < 32) cpu.lo[RCX] = cpu.lo[RCX]! & ~(1 << i);
      else cpu.hi[RCX] = cpu.hi[RCX]! & ~(1 << (i - 32));
    }
    if (write) cpu.eventCheck = true;
  };
}

registerBuilder(Mnemonic.Rdmsrlist, msrList(false));
registerBuilder(Mnemonic.Wrmsrlist, msrList(true));
