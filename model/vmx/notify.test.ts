// The instruction-timeout (notify) VM exit (SDM 26.2, 25.6.25): the budget between instruction boundaries is
// window x cycles per unit + internal threshold (the profile's implementation.instructionTimeout), idle time
// in an inactive state does not count, and the exit reports a valid context (28.2.1). End-to-end cases:
// conformance/cases/vm-exit/instruction-timeout.json.
import { describe, expect, it } from 'vitest';
import { enterBaseline } from '../../conformance/baseline.js';
import { machineIn, profile } from '../../conformance/harness/cpu.js';
import { Activity } from '../cpu/cpu.js';
import { EXIT_REASON } from '../generated/index.js';
import { armInstructionTimeout, instructionTimeoutPending, takeInstructionTimeoutExit } from './notify.js';

const ACTIVATE_SECONDARY = 1n << 31n, INSTRUCTION_TIMEOUT = 1n << 31n; // 25.6.2 Tables 25-6, 25-7

function armed(window: number, control = true) {
  const p = profile('sapphire-rapids-server');
  const m = machineIn('long64', { profile: { ...p, implementation: { ...p.implementation, instructionTimeout: { cyclesPerUnit: 10, internalThresholdCycles: 5 } } } });
  const s = enterBaseline(m);
  const vmcs = s.current!;
  vmcs.set('PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS', vmcs.get('PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS') | ACTIVATE_SECONDARY);
  if (control) vmcs.set('SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS', vmcs.get('SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS') | INSTRUCTION_TIMEOUT);
  vmcs.set('INSTRUCTION_TIMEOUT_CONTROL', BigInt(window));
  s.nonRoot = true;
  armInstructionTimeout(m.cpu, vmcs);
  const start = m.cpu.cycles + m.cpu.timing.cyclesPerInstruction; // measured from the end of the VM-entry instruction
  return { cpu: m.cpu, start };
}

describe('instruction timeout (SDM 26.2)', () => {
  it('exits when the time between two boundaries exceeds window x unit + threshold (3 x 10 + 5 = 35 cycles), not when it equals it', () => {
    const { cpu, start } = armed(3);
    cpu.cycles = start + 35;
    expect(instructionTimeoutPending(cpu)).toBe(false);
    expect(takeInstructionTimeoutExit(cpu)).toBeUndefined();
    cpu.cycles += 36;
    expect(instructionTimeoutPending(cpu)).toBe(true);
    expect(takeInstructionTimeoutExit(cpu)).toEqual({ reason: EXIT_REASON.INSTRUCTION_TIMEOUT, qualification: 0n });
    cpu.cycles += 1000; // taken once: the next VM entry arms it again
    expect(takeInstructionTimeoutExit(cpu)).toBeUndefined();
  });

  it('measures from the last boundary, not from VM entry', () => {
    const { cpu, start } = armed(3);
    for (let i = 1; i <= 10; i++) {
      cpu.cycles = start + 30 * i;
      expect(takeInstructionTimeoutExit(cpu)).toBeUndefined();
    }
  });

  it('does not count time in an inactive state, where event windows are open', () => {
    const { cpu, start } = armed(0);
    cpu.activity = Activity.Hlt;
    cpu.cycles = start + 1_000_000;
    expect(instructionTimeoutPending(cpu)).toBe(false);
    expect(takeInstructionTimeoutExit(cpu)).toBeUndefined();
    cpu.activity = Activity.Active;
    cpu.cycles += 5;
    expect(takeInstructionTimeoutExit(cpu)).toBeUndefined();
  });

  it('does nothing when the control is 0', () => {
    const { cpu, start } = armed(0, false);
    cpu.cycles = start + 1_000_000;
    expect(instructionTimeoutPending(cpu)).toBe(false);
    expect(takeInstructionTimeoutExit(cpu)).toBeUndefined();
  });
});
