// Machine-check events during VM entry (SDM 27.9) handled as if they occurred before the VM entry: the
// host's CR4.MCE decides between #MC through the host IDT and shutdown (Vol. 3A 6.15 Interrupt 18). The
// conformance runner cannot observe a host-side #MC or shutdown, so these are unit tests; the cases for
// exit reason 41 and the guest-side handling are in conformance/cases/events/machine-check.json.
import { describe, expect, it } from 'vitest';
import { enterBaseline } from '../../conformance/baseline.js';
import { machineIn, profile } from '../../conformance/harness/cpu.js';
import { interruptGate64 } from '../../conformance/asm/index.js';
import { Activity } from '../cpu/cpu.js';
import { CS } from '../cpu/registers.js';
import type { CpuProfile } from '../generated/index.js';
import { machineCheckPending, raiseMachineCheck, raiseMachineCheckDuringVmEntry, raiseMachineCheckDuringVmExit } from './machine-check.js';
import { vmxAbortIndicator } from './abort.js';
import { vmxOf } from './operation.js';

const HOST_CODE = 0x10_0000, HANDLER = 0x40_0000, IDT_AT = 0x50_0000, GDT_AT = 0x51_0000;
const VMLAUNCH_HLT = Uint8Array.of(0x0F, 0x01, 0xC2, 0xF4);

function processor(profile?: CpuProfile) {
  const m = machineIn('long64', profile ? { profile } : {});
  const s = enterBaseline(m);
  m.memory.load(HOST_CODE, VMLAUNCH_HLT);
  m.memory.write8(HANDLER, 0xF4);
  m.memory.write8(0x30_0000, 0xF4); // the guest: HLT
  // A GDT with a 64-bit code segment at the current CS selector (Vol. 3A 3.4.5) and a 64-bit interrupt gate for
  // #MC (vector 18) in a fresh host IDT (Vol. 3A 6.14.1).
  m.memory.write64(GDT_AT + m.cpu.segSel[CS]!, 0x00AF_9B00_0000_FFFFn);
  m.cpu.gdtrBaseLo = GDT_AT; m.cpu.gdtrBaseHi = 0; m.cpu.gdtrLimit = 0xFF;
  const [lo, hi] = interruptGate64(BigInt(HANDLER), m.cpu.segSel[CS]!, 0, 0);
  m.memory.write64(IDT_AT + 18 * 16, lo);
  m.memory.write64(IDT_AT + 18 * 16 + 8, hi);
  m.cpu.idtrBaseLo = IDT_AT; m.cpu.idtrBaseHi = 0; m.cpu.idtrLimit = 0xFFF;
  m.cpu.ripLo = HOST_CODE; m.cpu.ripHi = 0;
  return { m, s };
}

describe('a machine-check event while VM entry checks controls and host state (SDM 27.9)', () => {
  it('handled as before the entry with the host CR4.MCE = 1: #MC through the host IDT at the VMLAUNCH, no VM entry', () => {
    const { m, s } = processor();
    m.cpu.cr4 |= 1 << 6;
    raiseMachineCheckDuringVmEntry(m.cpu, 'before-guest-state');
    m.run(2); // VMLAUNCH (delivers #MC), then the handler's HLT
    expect(s.nonRoot).toBe(false);
    expect(s.current!.launched).toBe(false);
    expect(m.cpu.ripLo).toBe(HANDLER + 1);
    // The #MC frame's return RIP is the VMLAUNCH (the event came before the entry); #MC pushes no error code.
    const rsp = m.cpu.lo[4]! >>> 0;
    expect(m.memory.read64(rsp)).toBe(BigInt(HOST_CODE));
  });

  it('handled as before the entry with the host CR4.MCE = 0: shutdown in VMX root operation', () => {
    const { m, s } = processor();
    m.cpu.cr4 &= ~(1 << 6);
    raiseMachineCheckDuringVmEntry(m.cpu, 'before-guest-state');
    m.run(2);
    expect(s.nonRoot).toBe(false);
    expect(s.current!.launched).toBe(false);
    expect(m.cpu.activity).toBe(Activity.Shutdown);
  });

  it('only the VM entry it was armed for sees it, once', () => {
    const { m, s } = processor();
    raiseMachineCheckDuringVmEntry(m.cpu, 'after-guest-state');
    m.run(1); // the default for after guest state: VM-entry failure, exit reason 41 with bit 31 (27.8)
    expect(s.current!.get('EXIT_REASON')).toBe(0x8000_0029n);
    m.cpu.ripLo = HOST_CODE;
    m.run(1);
    expect(s.nonRoot).toBe(true);
    expect(machineCheckPending(m.cpu)).toBe(false);
  });
});

describe('a machine-check event at an instruction boundary in VMX root operation (Vol. 3A 6.15)', () => {
  it('with CR4.MCE = 1 it is delivered through the IDT before the next instruction', () => {
    const { m } = processor();
    m.cpu.cr4 |= 1 << 6;
    raiseMachineCheck(m.cpu);
    m.run(1);
    expect(m.cpu.ripLo).toBe(HANDLER + 1);
    expect(vmxOf(m.cpu).nonRoot).toBe(false);
  });
});

describe('a machine-check event during a VM exit (SDM 28.8)', () => {
  it('after host state is loaded, on a processor that handles it after the exit: no VMX abort; the host (CR4.MCE = 0) shuts down', () => {
    const p = profile('skylake-server');
    const { m, s } = processor({ ...p, implementation: { ...p.implementation, machineCheckDuringVmExit: { afterHostState: 'after-exit' } } });
    m.memory.load(0x30_0000, Uint8Array.of(0x0F, 0x01, 0xC1)); // the guest: VMCALL (exit 18)
    raiseMachineCheckDuringVmExit(m.cpu, 'after-host-state');
    m.run(10);
    expect(s.nonRoot).toBe(false);
    expect(s.current!.get('EXIT_REASON')).toBe(18n);
    expect(vmxAbortIndicator(m.cpu, s.current!)).toBe(0);
    expect(m.cpu.activity).toBe(Activity.Shutdown);
  });
});
