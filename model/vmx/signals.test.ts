// INIT and SIPI (SDM 26.2, 27.7.2): when they cause VM exits, when they are blocked or discarded. The
// end-to-end cases are in conformance/cases/events/stimuli.json.
import { describe, expect, it } from 'vitest';
import { BASELINE_MEMORY, enterBaseline } from '../../conformance/baseline.js';
import { machineIn } from '../../conformance/harness/cpu.js';
import { Activity } from '../cpu/cpu.js';
import { EXIT_REASON } from '../generated/index.js';
import { vmxOf } from './operation.js';
import { initPending, raiseInit, raiseNmi, raiseSipi, takeSignalExit } from './signals.js';

function processor() {
  const m = machineIn('long64');
  enterBaseline(m);
  return m.cpu;
}

describe('INIT and SIPI in VMX non-root operation', () => {
  it('INIT exits with qualification 0 unless the processor waits for a SIPI (26.2)', () => {
    const cpu = processor();
    raiseInit(cpu);
    expect(initPending(cpu)).toBe(true);
    cpu.activity = Activity.WaitForSipi;
    expect(takeSignalExit(cpu)).toBeUndefined(); // blocked in wait-for-SIPI (27.7.2)
    cpu.activity = Activity.Hlt;
    expect(takeSignalExit(cpu)).toEqual({ reason: EXIT_REASON.INIT_SIGNAL, qualification: 0n });
    expect(initPending(cpu)).toBe(false);
  });

  it('a SIPI is kept only in the wait-for-SIPI state, and exits with its vector as the qualification (28.2.1)', () => {
    const cpu = processor();
    raiseSipi(cpu, 0x12); // active: discarded
    cpu.activity = Activity.WaitForSipi;
    expect(takeSignalExit(cpu)).toBeUndefined();
    raiseSipi(cpu, 0x34);
    expect(takeSignalExit(cpu)).toEqual({ reason: EXIT_REASON.START_UP_IPI, qualification: 0x34n });
  });
});

describe('an NMI that causes a VM exit (SDM 28.1)', () => {
  it('blocks further NMIs only after the exit: the guest state saved shows no blocking by NMI, the host has it', () => {
    const m = machineIn('long64');
    const s = enterBaseline(m);
    const vmcs = s.current!;
    vmcs.set('PIN_BASED_VM_EXECUTION_CONTROLS', vmcs.get('PIN_BASED_VM_EXECUTION_CONTROLS') | 0x8n); // NMI exiting (bit 3, 25.6.1)
    m.memory.load(0x10_0000, Uint8Array.of(0x0F, 0x01, 0xC2, 0xF4)); // VMLAUNCH; HLT
    m.memory.write8(BASELINE_MEMORY.guestRip, 0xF4);
    m.cpu.ripLo = 0x10_0000; m.cpu.ripHi = 0;
    m.run(1);
    raiseNmi(m.cpu);
    m.run(100);
    expect(vmxOf(m.cpu).current!.get('EXIT_REASON')).toBe(0n);
    expect(vmxOf(m.cpu).current!.get('GUEST_INTERRUPTIBILITY_STATE') & 8n).toBe(0n);
    expect(m.cpu.nmiBlocked).toBe(true);
  });
});
