// The dual-monitor treatment of SMIs and SMM (SDM 33.15): IA32_SMM_MONITOR_CTL, the state the activating VMCALL
// loads from the MSEG header, SMI blocking and SMBASE across SMM VM exits and VM entries that return from SMM.
// End-to-end cases: conformance/generators/smm.ts.
import { describe, expect, it } from 'vitest';
import { BASELINE_MEMORY, enterBaseline } from '../../conformance/baseline.js';
import { machineIn } from '../../conformance/harness/cpu.js';
import { SKYLAKE } from '../../conformance/harness/entry-checks.js';
import { SMM_MEMORY, setUpSmm } from '../../conformance/harness/smm.js';
import { CS, DS, LDTR, SS } from '../cpu/registers.js';
import { IA32_SMM_MONITOR_CTL, inSmm, raiseSmi, smmOf } from '../cpu/smm.js';
import type { CpuProfile } from '../generated/index.js';
import { dualMonitorActive, smmTransferVmcs, writeSmmMonitorCtlInSmm } from './dual-monitor.js';
import { vmxOf } from './operation.js';

function inVmx(profile: CpuProfile = SKYLAKE) {
  const m = machineIn('long64', { profile });
  enterBaseline(m);
  return m;
}

describe('IA32_SMM_MONITOR_CTL (SDM 33.15.5)', () => {
  it('is read any time, written only in SMM, and refuses reserved bits', () => {
    const m = inVmx();
    expect(m.cpu.msr.read(IA32_SMM_MONITOR_CTL)).toBe(0n); // valid bit clear at reset
    expect(m.cpu.msr.write(IA32_SMM_MONITOR_CTL, 0x7_0001n)).toBe(false); // WRMSR outside SMM: #GP(0)
    expect(writeSmmMonitorCtlInSmm(m.cpu, 0x7_0002n)).toBe(false); // bit 1 reserved
    expect(writeSmmMonitorCtlInSmm(m.cpu, 0x1_0000_0001n)).toBe(false); // bits 63:32 reserved
    expect(writeSmmMonitorCtlInSmm(m.cpu, 0x7_0005n)).toBe(true); // bit 2: IA32_VMX_MISC[28] = 1 on Skylake-SP
    expect(m.cpu.msr.read(IA32_SMM_MONITOR_CTL)).toBe(0x7_0005n);
  });

  it('does not exist without the dual-monitor treatment (IA32_VMX_BASIC[49] = 0)', () => {
    const basic = BigInt(SKYLAKE.msrs.IA32_VMX_BASIC!) & ~(1n << 49n);
    const m = inVmx({ ...SKYLAKE, msrs: { ...SKYLAKE.msrs, IA32_VMX_BASIC: '0x' + basic.toString(16) } });
    expect(m.cpu.msr.read(IA32_SMM_MONITOR_CTL)).toBeUndefined();
    expect(writeSmmMonitorCtlInSmm(m.cpu, 0x7_0001n)).toBe(false);
  });
});

describe('activation by VMCALL (SDM 33.15.6)', () => {
  it('loads the STM state of 33.15.6.6 from the MSEG header and records an SMM VM exit from VMX root operation', () => {
    const m = inVmx();
    setUpSmm(m, { dualMonitor: 'stm' });
    const cpu = m.cpu, s = vmxOf(cpu), t = s.current!;
    expect(dualMonitorActive(cpu) && inSmm(cpu)).toBe(true);
    expect(smmTransferVmcs(cpu)).toBe(BASELINE_MEMORY.vmcsRegion); // the current VMCS became the SMM-transfer VMCS
    expect(t.get('EXECUTIVE_VMCS_POINTER')).toBe(BigInt(BASELINE_MEMORY.vmxonRegion)); // 33.15.2.2: from root
    expect(t.get('EXIT_REASON')).toBe(0x2000_0012n); // VMCALL, bit 29: from VMX root operation (33.15.2.3)
    expect(t.get('GUEST_SMBASE')).toBe(0x3_0000n);
    expect(cpu.cr0 >>> 0).toBe(0x8000_0033); // PG, NE, ET, MP, PE
    expect(cpu.cr3Lo >>> 0).toBe(BASELINE_MEMORY.pageTables); // MSEG base + CR3 offset
    expect(cpu.cr4 & 0x30).toBe(0x20); // PAE = IA-32e mode SMM feature bit, PSE clear
    expect([cpu.segSel[CS], cpu.segAttr[CS], cpu.segSel[SS], cpu.segSel[DS], cpu.segAttr[DS]]).toEqual([0x08, 0xA09B, 0x10, 0x10, 0xC093]);
    expect(cpu.segAttr[LDTR]! & 0x1_0000).toBe(0x1_0000); // unusable
    expect([cpu.gdtrBaseLo >>> 0, cpu.gdtrLimit, cpu.idtrLimit]).toEqual([BASELINE_MEMORY.gdt, 0x1F, 0]);
    expect(cpu.lo[4]! >>> 0).toBe(BASELINE_MEMORY.hostStackTop);
    expect(cpu.longMode && cpu.bitness).toBe(64); // IA32_EFER.LME = LMA = 1
    expect(cpu.nmiBlocked && smmOf(cpu).smiBlocked).toBe(true); // 33.15.6.6: blocking by NMI and by SMI
  });
});

describe('SMIs under the dual-monitor treatment', () => {
  it('stay pending while blocked in SMM, and are taken after the STM returns from SMM with SMIs unblocked (33.15.4.9)', () => {
    const m = inVmx();
    setUpSmm(m, { dualMonitor: 'stm' });
    const cpu = m.cpu, t = vmxOf(cpu).current!;
    raiseSmi(cpu);
    m.memory.load(0x10_0000, Uint8Array.of(0x90, 0x90, 0xF4)); // the STM: NOP; NOP; HLT
    cpu.ripLo = 0x10_0000; cpu.ripHi = 0; cpu.activity = 0;
    m.run(10);
    expect(cpu.ripLo).toBe(0x10_0003); // no SMM VM exit in SMM
    expect(smmOf(cpu).pending).toBe('other');
    // Return from SMM to VMX root operation with SMBASE 40000H and no blocking by SMI; the SMI then exits to the STM.
    t.set('GUEST_RIP', 0x10_0010n);
    t.set('GUEST_SMBASE', 0x4_0000n);
    t.set('VMCS_LINK_POINTER', BigInt(BASELINE_MEMORY.vmcsRegion));
    m.memory.load(0x10_0010, Uint8Array.of(0x90, 0xF4));
    m.memory.load(0x10_0020, Uint8Array.of(0x0F, 0x01, 0xC2, 0xF4)); // VMLAUNCH; HLT
    cpu.ripLo = 0x10_0020; cpu.activity = 0; cpu.eventCheck = true;
    m.run(1);
    expect(inSmm(cpu)).toBe(false);
    expect(smmOf(cpu).smbase).toBe(0x4_0000); // 33.15.4.5
    m.run(10);
    expect(inSmm(cpu)).toBe(true);
    expect(t.get('EXIT_REASON')).toBe(0x2000_0006n); // other SMI, from VMX root operation
    expect(t.get('GUEST_SMBASE')).toBe(0x4_0000n);
    expect(t.get('GUEST_RIP')).toBe(0x10_0010n); // taken at the first boundary after the VM entry
    expect(cpu.ripLo).toBe(BASELINE_MEMORY.hostRip + 1); // the STM's host RIP (a HLT)
  });

  it('a VM entry returning from SMM with blocking by SMI (interruptibility bit 2) leaves SMIs blocked (33.15.4.9)', () => {
    const m = inVmx();
    setUpSmm(m, { dualMonitor: 'stm' });
    const cpu = m.cpu, t = vmxOf(cpu).current!;
    t.set('GUEST_RIP', 0x10_0010n);
    t.set('GUEST_INTERRUPTIBILITY_STATE', 4n);
    t.set('VMCS_LINK_POINTER', BigInt(BASELINE_MEMORY.vmcsRegion));
    m.memory.load(0x10_0010, Uint8Array.of(0x90, 0xF4));
    m.memory.load(0x10_0020, Uint8Array.of(0x0F, 0x01, 0xC2, 0xF4));
    cpu.ripLo = 0x10_0020; cpu.activity = 0; cpu.eventCheck = true;
    m.run(1);
    expect(inSmm(cpu)).toBe(false);
    raiseSmi(cpu);
    m.run(10);
    expect(inSmm(cpu)).toBe(false);
    expect(cpu.ripLo).toBe(0x10_0012);
  });

  it('the executive set-up returns to the executive monitor with its VMCS current and the SMM-transfer VMCS at 60000H', () => {
    const m = inVmx();
    setUpSmm(m, { dualMonitor: 'executive' });
    expect(vmxOf(m.cpu).current!.address).toBe(BASELINE_MEMORY.vmcsRegion);
    expect(smmTransferVmcs(m.cpu)).toBe(SMM_MEMORY.transferVmcs);
    expect(inSmm(m.cpu)).toBe(false);
  });

  it('VMCALL by the executive monitor while the treatment is active is an SMM VM exit with reason 18 and bit 29 (33.15.2)', () => {
    const m = inVmx();
    setUpSmm(m, { dualMonitor: 'executive' });
    const cpu = m.cpu, s = vmxOf(cpu);
    m.memory.load(0x10_0000, Uint8Array.of(0x0F, 0x01, 0xC1, 0xF4)); // VMCALL; HLT
    cpu.ripLo = 0x10_0000; cpu.activity = 0; cpu.eventCheck = true;
    m.run(5);
    const t = s.current!;
    expect(t.address).toBe(SMM_MEMORY.transferVmcs);
    expect(t.get('EXIT_REASON')).toBe(0x2000_0012n);
    expect(t.get('VM_EXIT_INSTRUCTION_LENGTH')).toBe(3n);
    expect(t.get('GUEST_RIP')).toBe(0x10_0000n); // the VMCALL: the STM advances it
    expect(t.get('EXECUTIVE_VMCS_POINTER')).toBe(BigInt(BASELINE_MEMORY.vmxonRegion));
    expect(inSmm(cpu) && cpu.ripLo === BASELINE_MEMORY.hostRip + 1).toBe(true); // the SMM-transfer VMCS's host state
  });

  it('a VM entry returning from SMM that fails after its guest-state checks leaves the processor in SMM with the SMM-transfer VMCS current (33.15.4.10)', () => {
    const m = inVmx();
    setUpSmm(m, { dualMonitor: 'stm' });
    const cpu = m.cpu, s = vmxOf(cpu), t = s.current!;
    t.set('GUEST_ACTIVITY_STATE', 9n); // not an activity state (27.3.1.5)
    m.memory.load(0x10_0020, Uint8Array.of(0x0F, 0x01, 0xC2, 0xF4));
    cpu.ripLo = 0x10_0020; cpu.activity = 0; cpu.eventCheck = true;
    m.run(5);
    expect(t.get('EXIT_REASON')).toBe(0x8000_0021n);
    expect(inSmm(cpu) && s.current === t && dualMonitorActive(cpu)).toBe(true);
  });
});
