// setup.smm (harness/smm.ts): the processor states it describes, and a clear failure when the processor cannot
// reach them.
import { describe, expect, it } from 'vitest';
import type { ConformanceCase } from '../../model/generated/index.js';
import { runCase } from '../runner.js';
import { SKYLAKE } from './entry-checks.js';

const vmxoff = (smm: NonNullable<ConformanceCase['setup']>['smm'], expect: ConformanceCase['steps'][number]['expect']): ConformanceCase => ({
  id: 'test.smm', title: 'VMXOFF after setup.smm', sdm: ['33.15.1'], setup: { smm },
  steps: [{ op: 'host', code: '0F01C4F4', disassembly: ['vmxoff', 'hlt'], expect } as ConformanceCase['steps'][number]],
});

describe('setup.smm', () => {
  it('enabled leaves the treatment inactive; stm and executive activate it (VMXOFF: VMsucceed, then VMfailValid 23)', () => {
    expect(runCase(vmxoff({ dualMonitor: 'enabled' }, { kind: 'vmsucceed' }), 't', SKYLAKE).status).toBe('pass');
    for (const mode of ['stm', 'executive'] as const) {
      expect(runCase(vmxoff({ dualMonitor: mode }, { kind: 'vmfail-valid', error: 23 }), 't', SKYLAKE).status).toBe('pass');
    }
  });

  it('fails the case, naming why, on a processor without the dual-monitor treatment', () => {
    const basic = BigInt(SKYLAKE.msrs.IA32_VMX_BASIC!) & ~(1n << 49n);
    const r = runCase(vmxoff({ dualMonitor: 'stm' }, { kind: 'vmsucceed' }), 't', { ...SKYLAKE, msrs: { ...SKYLAKE.msrs, IA32_VMX_BASIC: '0x' + basic.toString(16) } });
    expect(r.status).toBe('fail');
    expect(r.note).toMatch(/IA32_SMM_MONITOR_CTL/);
  });
});
