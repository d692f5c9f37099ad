// The state-loading, -saving and -clearing controls of VM entry and VM exit (SDM 27.3.2.1, 28.3.1, 28.5.1).
import { describe, expect, it } from 'vitest';
import { Assembler } from '../../conformance/asm/index.js';
import { BASELINE_MEMORY, enterBaseline } from '../../conformance/baseline.js';
import { machineIn } from '../../conformance/harness/cpu.js';
import { MAXIMAL } from '../../conformance/harness/entry-checks.js';
import { BUILTIN_PROFILES, type CpuProfile, ENTRY_CTLS, EXIT_CTLS } from '../generated/index.js';
import type { Machine } from '../machine/index.js';
import { vmxOf } from './operation.js';
import { IA32_BNDCFGS, IA32_FRED_RSP1, IA32_FRED_SSP1, IA32_PERF_GLOBAL_CTRL, IA32_PKRS, IA32_RTIT_CTL, IA32_S_CET, shadowStackPointer } from './state-controls.js';
import type { Vmcs } from './vmcs.js';

const SKYLAKE = BUILTIN_PROFILES.find((p) => p.id === 'skylake-server')!;
const SAPPHIRE = BUILTIN_PROFILES.find((p) => p.id === 'sapphire-rapids-server')!;

/** VMLAUNCH from the baseline into a guest that executes VMCALL (exit 18); the host stops at HLT. */
function machineOn(profile: CpuProfile, edit: (vmcs: Vmcs) => void): Machine {
  const host = new Assembler(64);
  host.vmlaunch().hlt();
  const m = machineIn('long64', { profile, code: host.assemble(0x10_0000n).bytes });
  enterBaseline(m);
  m.memory.load(BASELINE_MEMORY.guestRip, new Assembler(64).vmcall().assemble(BigInt(BASELINE_MEMORY.guestRip)).bytes);
  edit(vmxOf(m.cpu).current!);
  return m;
}

function orCtl(vmcs: Vmcs, field: string, mask: number): void {
  vmcs.set(field, vmcs.get(field) | BigInt(mask >>> 0));
}

describe('state controls (SDM 27.3.2.1, 28.3.1, 28.5.1)', () => {
  it('the MSRs exist only where the profile offers a control that moves them', () => {
    const sky = machineIn('long64', { profile: SKYLAKE }).cpu.msr;
    expect(sky.has(IA32_BNDCFGS)).toBe(true);   // skylake: load IA32_BNDCFGS / clear IA32_BNDCFGS allowed
    expect(sky.has(IA32_RTIT_CTL)).toBe(false); // neither RTIT control allowed
    expect(sky.has(IA32_S_CET)).toBe(false);
    const spr = machineIn('long64', { profile: SAPPHIRE }).cpu.msr;
    expect(spr.has(IA32_RTIT_CTL)).toBe(true);
    expect(spr.has(IA32_BNDCFGS)).toBe(false);
    expect(spr.read(IA32_RTIT_CTL)).toBe(0n);
    expect(spr.write(IA32_RTIT_CTL, 1n << 18n)).toBe(false); // reserved bit: #GP
  });

  it('IA32_PERF_GLOBAL_CTRL starts with the general-purpose counters enabled (Vol. 3B 20.2.2); FRED stacks must be aligned', () => {
    expect(machineIn('long64', { profile: SKYLAKE }).cpu.msr.read(IA32_PERF_GLOBAL_CTRL)).toBe(0x3n);
    const all = machineIn('long64', { profile: MAXIMAL }).cpu.msr;
    expect(all.write(IA32_FRED_RSP1, 0x9_0008n)).toBe(false); // RSP1-3 64-byte aligned (27.3.1.1)
    expect(all.write(IA32_FRED_RSP1, 0x9_0040n)).toBe(true);
    expect(all.write(IA32_FRED_SSP1, 0x8_0004n)).toBe(false); // SSP1-3 8-byte aligned
    expect(all.write(IA32_FRED_SSP1, 1n << 60n)).toBe(false); // not canonical
  });

  it('"load IA32_BNDCFGS" loads the MSR at entry; the exit saves it; "clear IA32_BNDCFGS" clears it', () => {
    const m = machineOn(SKYLAKE, (v) => {
      orCtl(v, 'VM_ENTRY_CONTROLS', ENTRY_CTLS.LOAD_IA32_BNDCFGS);
      orCtl(v, 'PRIMARY_VM_EXIT_CONTROLS', EXIT_CTLS.CLEAR_IA32_BNDCFGS);
      v.set('GUEST_IA32_BNDCFGS', 0x1234_5001n);
    });
    m.run(100);
    const vmcs = vmxOf(m.cpu).current!;
    expect(vmcs.get('EXIT_REASON')).toBe(18n);
    expect(vmcs.get('GUEST_IA32_BNDCFGS')).toBe(0x1234_5001n);
    expect(m.cpu.msr.read(IA32_BNDCFGS)).toBe(0n);
  });

  it('without the controls the MSR keeps the host value and the exit still saves it (28.3.1)', () => {
    const m = machineOn(SKYLAKE, (v) => v.set('GUEST_IA32_BNDCFGS', 0x1234_5001n));
    m.cpu.msr.write(IA32_BNDCFGS, 0x7000_0002n);
    m.run(100);
    expect(vmxOf(m.cpu).current!.get('GUEST_IA32_BNDCFGS')).toBe(0x7000_0002n);
    expect(m.cpu.msr.read(IA32_BNDCFGS)).toBe(0x7000_0002n);
  });

  it('"load CET state" and "load PKRS" load guest values at entry and host values at exit, SSP too', () => {
    const m = machineOn(MAXIMAL, (v) => {
      orCtl(v, 'VM_ENTRY_CONTROLS', ENTRY_CTLS.LOAD_CET_STATE | ENTRY_CTLS.LOAD_PKRS);
      orCtl(v, 'PRIMARY_VM_EXIT_CONTROLS', EXIT_CTLS.LOAD_CET_STATE | EXIT_CTLS.LOAD_PKRS);
      v.set('GUEST_IA32_S_CET', 0x4n); v.set('GUEST_SSP', 0x8000n); v.set('GUEST_IA32_PKRS', 0x5n);
      v.set('HOST_IA32_S_CET', 0x1n); v.set('HOST_SSP', 0x9000n); v.set('HOST_IA32_PKRS', 0xCn);
    });
    m.run(100);
    const vmcs = vmxOf(m.cpu).current!;
    expect(vmcs.get('EXIT_REASON')).toBe(18n);
    expect(vmcs.get('GUEST_IA32_S_CET')).toBe(0x4n);
    expect(vmcs.get('GUEST_SSP')).toBe(0x8000n);
    expect(vmcs.get('GUEST_IA32_PKRS')).toBe(0x5n);
    expect(m.cpu.msr.read(IA32_S_CET)).toBe(0x1n);
    expect(shadowStackPointer(m.cpu)).toBe(0x9000n);
    expect(m.cpu.msr.read(IA32_PKRS)).toBe(0xCn);
  });
});
