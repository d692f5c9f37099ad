// INIT and SIPI (SDM 26.2, 27.7.2): when they cause VM exits, when they are blocked or discarded. The
// end-to-end cases are in conformance/cases/events/stimuli.json.
import { describe, expect, it } from 'vitest';
import { enterBaseline } from '../../conformance/baseline.js';
import { machineIn } from '../../conformance/harness/cpu.js';
import { Activity } from '../cpu/cpu.js';
import { EXIT_REASON } from '../generated/index.js';
import { initPending, raiseInit, raiseSipi, takeSignalExit } from './signals.js';

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
