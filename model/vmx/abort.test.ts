// VMX aborts (SDM 28.7) and the entry rules of the VM-exit MSR areas that cause them (28.4, 28.6), from the
// SDM's lists; the end-to-end behaviour is in conformance/cases/vm-exit/vmx-abort.json.
import { describe, expect, it } from 'vitest';
import { BASELINE_MEMORY, enterBaseline } from '../../conformance/baseline.js';
import { machineIn } from '../../conformance/harness/cpu.js';
import { Activity } from '../cpu/cpu.js';
import { VMX_ABORT, guestMsrStoreEntryFails, hostMsrLoadEntryFails, inVmxAbortShutdown, vmxAbort, vmxAbortIndicator } from './abort.js';
import { vmxOf } from './operation.js';

describe('VM-exit MSR-load entries that fail (SDM 28.6)', () => {
  it('IA32_FS_BASE, IA32_GS_BASE, x2APIC MSRs (31:8 = 000008H), IA32_SMM_MONITOR_CTL outside SMM, bits 63:32 set', () => {
    for (const index of [0xC000_0100, 0xC000_0101, 0x800, 0x8FF, 0x9B]) expect(hostMsrLoadEntryFails(index, 0)).toBe(true);
    expect(hostMsrLoadEntryFails(0x174, 1)).toBe(true);
    expect(hostMsrLoadEntryFails(0x174, 0)).toBe(false);
    expect(hostMsrLoadEntryFails(0x900, 0)).toBe(false);
    expect(hostMsrLoadEntryFails(0x9B, 0, true)).toBe(false); // an exit that ends in SMM (SDM 28.6)
  });
});

describe('VM-exit MSR-store entries that fail (SDM 28.4)', () => {
  it('IA32_SMBASE, x2APIC MSRs, bits 63:32 set, an MSR RDMSR would refuse', () => {
    expect(guestMsrStoreEntryFails(0x9E, 0, true)).toBe(true);
    expect(guestMsrStoreEntryFails(0x80B, 0, true)).toBe(true);
    expect(guestMsrStoreEntryFails(0x174, 0x8000_0000, true)).toBe(true);
    expect(guestMsrStoreEntryFails(0x174, 0, false)).toBe(true);
    expect(guestMsrStoreEntryFails(0x174, 0, true)).toBe(false);
  });
});

describe('a VMX abort (SDM 28.7)', () => {
  it('takes the six indicator codes from spec data, as the SDM numbers them', () => {
    // SDM 28.7: 1 saving guest MSRs, 2 host PDPTEs, 3 corrupted VMCS, 4 loading host MSRs, 5 machine check
    // during the VM exit, 6 IA-32e mode with "host address-space size" 0.
    expect(VMX_ABORT).toEqual({ SAVING_GUEST_MSRS: 1, HOST_PDPTE: 2, VMCS_CORRUPT: 3, LOADING_HOST_MSRS: 4, MACHINE_CHECK: 5, HOST_ADDRESS_SPACE_SIZE: 6 });
  });

  it('writes the indicator at byte 4 of the VMCS region and leaves the processor in the VMX-abort shutdown state, which NMIs do not leave', () => {
    const m = machineIn('long64');
    const s = enterBaseline(m);
    vmxAbort(m.cpu, s.current!, VMX_ABORT.LOADING_HOST_MSRS);
    expect(m.memory.read32(BASELINE_MEMORY.vmcsRegion + 4)).toBe(4);
    expect(vmxAbortIndicator(m.cpu, vmxOf(m.cpu).current!)).toBe(4);
    expect(inVmxAbortShutdown(m.cpu)).toBe(true);
    m.cpu.pendingNmi = true;
    m.run(10);
    expect(m.cpu.activity).toBe(Activity.Shutdown);
  });
});
