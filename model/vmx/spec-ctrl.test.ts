// IA32_SPEC_CTRL virtualization (SDM 26.3) through the model's API: a guest entered on a Sapphire Rapids-SP variant
// offering "virtualize IA32_SPEC_CTRL" (tertiary bit 7) and "load IA32_SPEC_CTRL" (entry bit 24). Expected values
// are the SDM's rule: RDMSR returns the shadow; WRMSR writes the shadow and (MSR & mask) | (value & ~mask).
import { describe, expect, it } from 'vitest';
import { enterBaseline } from '../../conformance/baseline.js';
import { machineIn } from '../../conformance/harness/cpu.js';
import { BUILTIN_PROFILES, type CpuProfile } from '../generated/index.js';
import { toHex } from '../arch/numbers.js';
import { Fault } from '../cpu/fault.js';
import type { Machine } from '../machine/index.js';
import { vmEntry } from './transitions.js';
import { IA32_SPEC_CTRL, rdmsrSpecCtrlVirtual, wrmsrSpecCtrlVirtual } from './spec-ctrl.js';

function variant(): CpuProfile {
  const p = BUILTIN_PROFILES.find((x) => x.id === 'sapphire-rapids-server')!;
  const or = (id: string, bits: bigint): string => toHex(BigInt(p.msrs[id] ?? '0x0') | bits);
  return {
    ...p, id: 'sapphire-rapids-server+spec-ctrl',
    msrs: {
      ...p.msrs, IA32_VMX_PROCBASED_CTLS3: or('IA32_VMX_PROCBASED_CTLS3', 0x80n),
      IA32_VMX_ENTRY_CTLS: or('IA32_VMX_ENTRY_CTLS', 1n << 56n), IA32_VMX_TRUE_ENTRY_CTLS: or('IA32_VMX_TRUE_ENTRY_CTLS', 1n << 56n),
    },
  };
}

/** Entered with the MSR loaded as 1H (IBRS), the given mask and shadow, virtualization on or off. */
function guest(mask: bigint, shadow: bigint, virtualize = true): Machine {
  const m = machineIn('long64', { code: Uint8Array.of(0xF4), profile: variant() });
  const vmcs = enterBaseline(m).current!;
  vmcs.set('PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS', vmcs.get('PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS') | (1n << 17n));
  vmcs.set('TERTIARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS', virtualize ? 0x80n : 0n);
  vmcs.set('VM_ENTRY_CONTROLS', vmcs.get('VM_ENTRY_CONTROLS') | (1n << 24n));
  vmcs.set('GUEST_IA32_SPEC_CTRL', 0x1n);
  vmcs.set('IA32_SPEC_CTRL_MASK', mask);
  vmcs.set('IA32_SPEC_CTRL_SHADOW', shadow);
  expect(vmEntry(m.cpu, true).kind).toBe('entered');
  return m;
}

describe('IA32_SPEC_CTRL virtualization (SDM 26.3)', () => {
  it('VM entry loads the MSR from the guest field (27.3.2.1); RDMSR in the guest returns the shadow instead', () => {
    const m = guest(0n, 0x4n);
    expect(m.cpu.msr.read(IA32_SPEC_CTRL)).toBe(0x1n);
    expect(rdmsrSpecCtrlVirtual(m.cpu, IA32_SPEC_CTRL)).toBe(0x4n);
    expect(rdmsrSpecCtrlVirtual(m.cpu, 0x49)).toBeUndefined(); // another MSR: not virtualized
  });

  it('WRMSR writes the shadow and loads the MSR with the value where the mask is 0, the MSR\'s bits where it is 1', () => {
    const m = guest(0x3n, 0n); // IBRS and STIBP belong to the VMM
    expect(wrmsrSpecCtrlVirtual(m.cpu, IA32_SPEC_CTRL, 0x6n)).toBe(true);
    expect(m.cpu.msr.read(IA32_SPEC_CTRL)).toBe(0x1n | 0x4n); // IBRS kept, STIBP not taken, SSBD written
    expect(m.cpu.vmx!.current!.get('IA32_SPEC_CTRL_SHADOW')).toBe(0x6n);
  });

  it('a value with a reserved bit raises #GP(0) and changes neither the MSR nor the shadow', () => {
    const m = guest(0n, 0x7n);
    expect(() => wrmsrSpecCtrlVirtual(m.cpu, IA32_SPEC_CTRL, 1n << 9n)).toThrow(Fault);
    expect(m.cpu.msr.read(IA32_SPEC_CTRL)).toBe(0x1n);
    expect(m.cpu.vmx!.current!.get('IA32_SPEC_CTRL_SHADOW')).toBe(0x7n);
  });

  it('with the control 0 nothing is virtualized', () => {
    const m = guest(0n, 0x4n, false);
    expect(rdmsrSpecCtrlVirtual(m.cpu, IA32_SPEC_CTRL)).toBeUndefined();
    expect(wrmsrSpecCtrlVirtual(m.cpu, IA32_SPEC_CTRL, 0x2n)).toBe(false);
  });
});
