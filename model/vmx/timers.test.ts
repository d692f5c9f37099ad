// The VMX-preemption timer (SDM 26.5.1, 27.7.4, 28.3.4, A.6) and TSC offsetting and scaling (SDM 26.3,
// 26.6). The clock is set by hand before the guest starts, so every expected value follows from the
// SDM's rules and the profile's timing (1 cycle per instruction, 20 per paging-structure read; the
// baseline's 2 MiB identity map walks 3 levels on the guest's first fetch after VM entry flushes the TLB).
import { describe, expect, it } from 'vitest';
import { BASELINE_MEMORY, enterBaseline } from '../../conformance/baseline.js';
import { machineIn } from '../../conformance/harness/cpu.js';
import { BUILTIN_PROFILES, EXIT_CTLS, PIN_CTLS, type CpuProfile } from '../generated/index.js';
import type { Machine } from '../machine/index.js';
import { vmxOf } from './operation.js';
import { guestTscFrom, preemptionTimerRate } from './timers.js';
import { vmEntry } from './transitions.js';
import { Vmcs } from './vmcs.js';

const SKYLAKE = BUILTIN_PROFILES.find((p) => p.id === 'skylake-server')!;
/** INC RSP; JMP back to it: RSP counts the INCs. */
const COUNT_LOOP = [0x48, 0xFF, 0xC4, 0xEB, 0xFB];

/** A guest entered through the VMLAUNCH API with the clock at `cycles` (TSC = cycles: no TSC writes). */
function enterGuest(profile: CpuProfile, code: number[], setup: (v: Vmcs) => void, cycles: number): Machine {
  const m = machineIn('long64', { profile });
  const cpu = m.cpu;
  const s = enterBaseline(m);
  m.memory.load(BASELINE_MEMORY.guestRip, Uint8Array.from(code));
  setup(s.current!);
  expect(vmEntry(cpu, true).kind).toBe('entered');
  cpu.ripLo = cpu.nextLo; cpu.ripHi = cpu.nextHi;
  cpu.cycles = cycles;
  return m;
}

function withTimer(value: number, save = true): (v: Vmcs) => void {
  return (v) => {
    v.set('PIN_BASED_VM_EXECUTION_CONTROLS', v.get('PIN_BASED_VM_EXECUTION_CONTROLS') | BigInt(PIN_CTLS.ACTIVATE_VMX_PREEMPTION_TIMER));
    if (save) v.set('PRIMARY_VM_EXIT_CONTROLS', v.get('PRIMARY_VM_EXIT_CONTROLS') | BigInt(EXIT_CTLS.SAVE_VMX_PREEMPTION_TIMER_VALUE));
    v.set('VMX_PREEMPTION_TIMER_VALUE', BigInt(value));
    v.set('GUEST_RSP', 0n);
  };
}

describe('VMX-preemption timer', () => {
  it('both built-in profiles count down on TSC bit 7 (IA32_VMX_MISC[4:0] = 7, SDM A.6)', () => {
    for (const p of BUILTIN_PROFILES) expect(preemptionTimerRate(machineIn('long64', { profile: p }).cpu)).toBe(7);
  });

  it('expires when TSC bit 7 has changed `value` times and exits (52) between instructions (SDM 26.5.1)', () => {
    // TSC 1000 at the start: bit 7 changes at 1024, 1152, 1280 -> value 3 expires at 1280. The guest's
    // first fetch walks (60 cycles): after instruction k the clock is 1060 + k, so the exit follows k = 220
    // (a JMP): 110 INCs, next RIP the INC.
    const m = enterGuest(SKYLAKE, COUNT_LOOP, withTimer(3), 1000);
    m.run(10_000);
    const vmcs = vmxOf(m.cpu).current!;
    expect(vmcs.get('EXIT_REASON')).toBe(52n);
    expect(vmcs.get('GUEST_RSP')).toBe(110n);
    expect(vmcs.get('GUEST_RIP')).toBe(BigInt(BASELINE_MEMORY.guestRip));
    expect(vmcs.get('VMX_PREEMPTION_TIMER_VALUE')).toBe(0n); // expired: 0 saved (28.3.4)
    expect(m.cpu.cycleDeadline).toBe(Infinity);           // the timer stops in root operation
  });

  it('with X = 0 it counts every cycle: value 50 expires during the first instruction (its fetch walk costs 60)', () => {
    const x0: CpuProfile = { ...SKYLAKE, msrs: { ...SKYLAKE.msrs, IA32_VMX_MISC: '0x7004C1E0' } };
    const m = enterGuest(x0, COUNT_LOOP, withTimer(50), 1000);
    m.run(10_000);
    const vmcs = vmxOf(m.cpu).current!;
    expect(vmcs.get('EXIT_REASON')).toBe(52n);
    expect(vmcs.get('GUEST_RSP')).toBe(1n);
    expect(vmcs.get('GUEST_RIP')).toBe(BigInt(BASELINE_MEMORY.guestRip + 3));
  });

  it('saves the counted-down value on another exit, and leaves the field alone without "save" (SDM 28.3.4)', () => {
    // MOV ECX, 300; DEC ECX; JNZ; CPUID: 601 instructions retire, the CPUID exits at clock 1060 + 601 = 1661;
    // bit 7 changed at 1024, 1152, ..., 1536: 5 times.
    const code = [0xB9, 0x2C, 0x01, 0x00, 0x00, 0xFF, 0xC9, 0x75, 0xFC, 0x0F, 0xA2];
    const saved = enterGuest(SKYLAKE, code, withTimer(1000), 1000);
    saved.run(10_000);
    expect(vmxOf(saved.cpu).current!.get('EXIT_REASON')).toBe(10n);
    expect(vmxOf(saved.cpu).current!.get('VMX_PREEMPTION_TIMER_VALUE')).toBe(995n);
    const unsaved = enterGuest(SKYLAKE, code, withTimer(1000, false), 1000);
    unsaved.run(10_000);
    expect(vmxOf(unsaved.cpu).current!.get('VMX_PREEMPTION_TIMER_VALUE')).toBe(1000n);
  });

  it('value 0 exits before the first guest instruction (SDM 27.7.4)', () => {
    const m = enterGuest(SKYLAKE, COUNT_LOOP, withTimer(0), 1000);
    m.run(10_000);
    const vmcs = vmxOf(m.cpu).current!;
    expect(vmcs.get('EXIT_REASON')).toBe(52n);
    expect(vmcs.get('GUEST_RSP')).toBe(0n);
    expect(vmcs.get('GUEST_RIP')).toBe(BigInt(BASELINE_MEMORY.guestRip));
  });

  it('wakes a guest in the HLT state; the clock advances to the deadline (SDM 26.5.1)', () => {
    // TSC 1000: value 2 expires at 1152.
    const m = enterGuest(SKYLAKE, [0xF4], withTimer(2), 1000);
    m.run(10_000);
    const vmcs = vmxOf(m.cpu).current!;
    expect(vmcs.get('EXIT_REASON')).toBe(52n);
    expect(vmcs.get('GUEST_ACTIVITY_STATE')).toBe(1n);
    expect(vmcs.get('GUEST_RIP')).toBe(BigInt(BASELINE_MEMORY.guestRip + 1));
    expect(m.cpu.cycles).toBeGreaterThanOrEqual(1152);
  });
});

describe('TSC offsetting and scaling (SDM 26.3, 26.6)', () => {
  const vmcs = (offsetting: boolean, scaling: boolean, offset: bigint, multiplier: bigint): Vmcs => {
    const v = new Vmcs(0);
    v.set('PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS', (offsetting ? 1n << 3n : 0n) | (1n << 31n));
    v.set('SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS', scaling ? 1n << 25n : 0n);
    v.set('TSC_OFFSET', offset);
    v.set('TSC_MULTIPLIER', multiplier);
    return v;
  };

  it('adds the offset modulo 2^64', () => {
    expect(guestTscFrom(vmcs(true, false, 0xFFFF_FFFF_FFFF_FF00n, 0n), 0x121n)).toBe(0x21n);
  });

  it('ignores the offset and the multiplier while "use TSC offsetting" is 0', () => {
    expect(guestTscFrom(vmcs(false, true, 0x1000n, 1n << 56n), 0x121n)).toBe(0x121n);
  });

  it('scales with 48 fractional bits: 1.5 x 2^40, and a product wider than 64 bits', () => {
    expect(guestTscFrom(vmcs(true, true, 0x7n, 3n << 47n), 1n << 40n)).toBe(0x180_0000_0007n);
    expect(guestTscFrom(vmcs(true, true, 0n, 1n << 49n), 0xFFFF_FFFF_FFFF_FFFFn)).toBe(0xFFFF_FFFF_FFFF_FFFEn);
  });
});

describe('the modelled time of VM entries and exits (profile timing.vmEntryCycles / vmExitCycles)', () => {
  /** VMLAUNCH (the API, from clock 1000) into a guest that runs CPUID (exits unconditionally, 26.1.2), timer 1000. */
  function cpuidRoundTrip(vmEntryCycles: number, vmExitCycles: number): { entered: number; cycles: number; timer: bigint; reason: bigint } {
    const m = machineIn('long64', { profile: { ...SKYLAKE, timing: { ...SKYLAKE.timing, vmEntryCycles, vmExitCycles } } });
    const s = enterBaseline(m);
    m.memory.load(BASELINE_MEMORY.guestRip, Uint8Array.from([0x0F, 0xA2]));
    withTimer(1000)(s.current!);
    m.cpu.cycles = 1000;
    expect(vmEntry(m.cpu, true).kind).toBe('entered');
    const entered = m.cpu.cycles;
    m.cpu.ripLo = m.cpu.nextLo; m.cpu.ripHi = m.cpu.nextHi;
    m.run(1);
    const vmcs = vmxOf(m.cpu).current!;
    return { entered, cycles: m.cpu.cycles, timer: vmcs.get('VMX_PREEMPTION_TIMER_VALUE'), reason: vmcs.get('EXIT_REASON') };
  }

  it('a VM entry and a VM exit advance the clock by the profile costs; the VMX-preemption timer counts neither (SDM 26.5.1)', () => {
    const free = cpuidRoundTrip(0, 0), timed = cpuidRoundTrip(400, 300);
    expect([free.reason, timed.reason]).toEqual([10n, 10n]);
    expect(free.entered).toBe(1000);
    expect(timed.entered).toBe(1400);
    expect(timed.cycles - free.cycles).toBe(700); // the same guest and host work, plus 400 + 300
    // The timer starts after the entry and is saved before the exit's cycles (28.3.4). From TSC 1000 the
    // guest's 60-cycle fetch walk crosses bit 7 once (1024); from 1400 once as well (1408): 999 both times.
    // Had the timer counted the 400 entry cycles it would have seen 1024, 1152, 1280 and 1408 (996).
    expect([free.timer, timed.timer]).toEqual([999n, 999n]);
  });
});
