// RDMSR and WRMSR (SDM Vol. 2 RDMSR, WRMSR): ECX selects the MSR, EDX:EAX holds the value. Both are
// CPL-0 only; an MSR the model does not have, or a value it refuses, raises #GP(0) before anything
// changes. Which MSRs exist and what they accept is msr.ts's business.
import { Mnemonic } from 'iced-x86';
import type { Cpu } from '../cpu.js';
import { Fault, GP } from '../fault.js';
import { registerBuilder } from '../decode.js';
import { EXIT_REASON } from '../../generated/index.js';
import { inNonRoot, instructionExit, msrExits } from '../../vmx/exits.js';
import { readGuestTscBig } from '../../vmx/timers.js';
import { rdmsrVirtual, wrmsrVirtual } from '../../vmx/apic-virtualization.js';
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

// In 64-bit mode RDMSR clears bits 63:32 of RAX and RDX; WRMSR ignores them (SDM Vol. 2 RDMSR, WRMSR).
// In VMX non-root operation they exit by the MSR bitmaps (SDM 26.1.3), after the CPL check (26.1.1) and
// before the MSR's own checks.
registerBuilder(Mnemonic.Rdmsr, (v) => (cpu) => {
  let guest = false;
  if (inNonRoot(cpu)) {
    if (cpu.cpl !== 0) throw new Fault(GP, 0);
    if (msrExits(cpu, cpu.lo[1]! >>> 0, false)) { instructionExit(cpu, EXIT_REASON.RDMSR, v.length); return; }
    guest = true;
  }
  // RDMSR of IA32_TIME_STAMP_COUNTER in the guest: TSC offsetting and scaling apply (SDM 26.3, 26.6); x2APIC
  // MSRs may read the virtual-APIC page (SDM 30.5).
  const index = cpu.lo[1]! >>> 0;
  const value = (guest ? rdmsrVirtual(cpu, index) : undefined) ??
    (guest && index === IA32_TIME_STAMP_COUNTER ? readGuestTscBig(cpu) : rdmsr(cpu, index));
  cpu.lo[0] = Number(value & 0xFFFF_FFFFn) | 0; cpu.hi[0] = 0;
  cpu.lo[2] = Number(value >> 32n) | 0; cpu.hi[2] = 0;
});

registerBuilder(Mnemonic.Wrmsr, (v) => (cpu) => {
  if (inNonRoot(cpu)) {
    if (cpu.cpl !== 0) throw new Fault(GP, 0);
    if (msrExits(cpu, cpu.lo[1]! >>> 0, true)) { instructionExit(cpu, EXIT_REASON.WRMSR, v.length); return; }
  }
  const value = (BigInt(cpu.lo[2]! >>> 0) << 32n) | BigInt(cpu.lo[0]! >>> 0);
  // x2APIC MSR writes the guest's virtual APIC takes (SDM 30.5).
  if (inNonRoot(cpu) && wrmsrVirtual(cpu, cpu.lo[1]! >>> 0, value)) { cpu.eventCheck = true; return; }
  wrmsr(cpu, cpu.lo[1]! >>> 0, value);
  // A write may change paging or the execution mode (IA32_EFER): let the run loop look again.
  cpu.eventCheck = true;
});
