// INVEPT, INVVPID and VMFUNC as x86 instructions (SDM 31.3, 26.5.6): the #UD and #GP conditions that come
// before any VMX outcome, and the outcome flags (31.2), which conformance cases cannot reach (they run the
// host at CPL 0 in VMX operation).
import { describe, expect, it } from 'vitest';
import { oword, rax } from '../../conformance/asm/index.js';
import { enterBaseline } from '../../conformance/baseline.js';
import { insn, machineIn, setCpl, step } from '../../conformance/harness/cpu.js';
import { readFlags } from '../cpu/flags.js';

const DESC = 0x5000;
const inveptI = insn(64, (a) => a.invept(rax, oword(DESC)));
const invvpidI = insn(64, (a) => a.invvpid(rax, oword(DESC)));
const vmfuncI = insn(64, (a) => a.vmfunc());

describe('INVEPT and INVVPID (SDM 31.3)', () => {
  it('are #UD outside VMX operation', () => {
    const m = machineIn('long64');
    expect(step(m.cpu, inveptI)?.vector).toBe(6);
    expect(step(m.cpu, invvpidI)?.vector).toBe(6);
  });

  it('are #GP(0) at CPL 3 in VMX root operation, before the type is looked at', () => {
    const m = machineIn('long64');
    enterBaseline(m);
    setCpl(m.cpu, 3);
    for (const i of [inveptI, invvpidI]) {
      const f = step(m.cpu, i);
      expect([f?.vector, f?.errorCode]).toEqual([13, 0]);
    }
  });

  it('report VMfailValid(28) through ZF and the VM-instruction error field for an unsupported type', () => {
    const m = machineIn('long64');
    const s = enterBaseline(m);
    m.cpu.lo[0] = 7; m.cpu.hi[0] = 0; // type 7: no processor supports it
    expect(step(m.cpu, inveptI)).toBeUndefined();
    expect(readFlags(m.cpu) & 0x41).toBe(0x40); // ZF = 1, CF = 0
    expect(s.current!.get('VM_INSTRUCTION_ERROR')).toBe(28n);
    m.cpu.lo[0] = 2; // all-context
    expect(step(m.cpu, invvpidI)).toBeUndefined();
    expect(readFlags(m.cpu) & 0x41).toBe(0); // VMsucceed
  });
});

describe('VMFUNC (SDM 26.5.6.1)', () => {
  it('is #UD in VMX root operation and outside VMX operation', () => {
    const m = machineIn('long64');
    expect(step(m.cpu, vmfuncI)?.vector).toBe(6);
    enterBaseline(m);
    expect(step(m.cpu, vmfuncI)?.vector).toBe(6);
  });
});
