// Review of the SMM work against the SDM: IA32_SMBASE (33.15.6.4), VMXOFF and SMI blocking (31.3 VMXOFF), and
// what a VM entry that returns from SMM does to the TLB and the controls in effect (33.15.4.5, 33.15.4.7).
// The VMX-preemption timer after a return from SMM (33.15.4.6): cases smm.smi.return.timer-* (generators/smm.ts).
import { describe, expect, it } from 'vitest';
import { BASELINE_MEMORY, enterBaseline } from '../../conformance/baseline.js';
import { machineIn } from '../../conformance/harness/cpu.js';
import { SKYLAKE } from '../../conformance/harness/entry-checks.js';
import { setUpSmm } from '../../conformance/harness/smm.js';
import type { Machine } from '../machine/index.js';
import { pageNumber, tlbIndex, tlbInsert } from '../cpu/mmu.js';
import { RAX } from '../cpu/registers.js';
import { IA32_SMBASE, inSmm, raiseSmi, smmOf } from '../cpu/smm.js';
import { tlbContextOf } from '../ept/index.js';
import { type CpuProfile, PROC_CTLS, PROC2_CTLS } from '../generated/index.js';
import { dualMonitorActive, writeSmmMonitorCtlInSmm } from './dual-monitor.js';
import { vmxOf } from './operation.js';

function inVmx(profile: CpuProfile = SKYLAKE): Machine {
  const m = machineIn('long64', { profile });
  enterBaseline(m);
  return m;
}

function runCode(m: Machine, at: number, code: number[], steps: number): void {
  m.memory.load(at, Uint8Array.from(code));
  m.cpu.ripLo = at; m.cpu.ripHi = 0; m.cpu.activity = 0; m.cpu.eventCheck = true;
  m.run(steps);
}

const RDMSR_SMBASE = [0xB9, 0x9E, 0x00, 0x00, 0x00, 0x0F, 0x32, 0xF4]; // MOV ECX, 9EH; RDMSR; HLT
const VMXOFF_HLT = [0x0F, 0x01, 0xC4, 0xF4];
const VMLAUNCH_HLT = [0x0F, 0x01, 0xC2, 0xF4];

describe('IA32_SMBASE (SDM 33.15.6.4; A.6 bit 15)', () => {
  it('RDMSR of 9EH in SMM (the STM) reads SMBASE', () => {
    const m = inVmx();
    setUpSmm(m, { dualMonitor: 'stm' });
    runCode(m, 0x10_0000, RDMSR_SMBASE, 3);
    expect(m.cpu.ripLo).toBe(0x10_0008); // no #GP: RDMSR retired, HLT reached
    expect(m.cpu.lo[RAX]! >>> 0).toBe(0x3_0000); // SMBASE after reset (33.4)
    expect(m.cpu.msr.write(IA32_SMBASE, 0x4_0000n)).toBe(false); // WRMSR: #GP(0) even in SMM
  });

  it('is #GP(0) outside SMM, and does not exist where IA32_VMX_MISC[15] = 0', () => {
    const m = inVmx();
    expect(m.cpu.msr.read(IA32_SMBASE)).toBeUndefined(); // outside SMM
    const misc = BigInt(SKYLAKE.msrs.IA32_VMX_MISC!) & ~(1n << 15n);
    const n = inVmx({ ...SKYLAKE, msrs: { ...SKYLAKE.msrs, IA32_VMX_MISC: '0x' + misc.toString(16) } });
    setUpSmm(n, { dualMonitor: 'stm' });
    expect(inSmm(n.cpu)).toBe(true);
    expect(n.cpu.msr.read(IA32_SMBASE)).toBeUndefined();
  });
});

describe('VMXOFF and SMI blocking (SDM 31.3 VMXOFF)', () => {
  // Blocking by SMI outside SMM without the dual-monitor treatment active is what GETSEC[SENTER] leaves (SMX is not
  // modelled), so the tests set it directly.
  it('VMXOFF unblocks SMIs when IA32_SMM_MONITOR_CTL[2] = 0: a pending SMI is then taken (default treatment)', () => {
    const m = inVmx();
    smmOf(m.cpu).smiBlocked = true;
    raiseSmi(m.cpu);
    m.memory.load(0x3_8000, Uint8Array.of(0xF4)); // the SMI handler at SMBASE + 8000H (33.5): HLT
    runCode(m, 0x10_0000, VMXOFF_HLT, 1);
    expect(vmxOf(m.cpu).inVmxOperation).toBe(false);
    m.run(2);
    expect(inSmm(m.cpu)).toBe(true);
    expect(m.cpu.ripLo).toBe(0x8001); // EIP after the handler's HLT
  });

  it('VMXOFF leaves SMIs blocked when IA32_SMM_MONITOR_CTL[2] = 1 (settable: IA32_VMX_MISC[28] = 1)', () => {
    const m = inVmx();
    expect(writeSmmMonitorCtlInSmm(m.cpu, 4n)).toBe(true);
    smmOf(m.cpu).smiBlocked = true;
    raiseSmi(m.cpu);
    runCode(m, 0x10_0000, VMXOFF_HLT, 3);
    expect(vmxOf(m.cpu).inVmxOperation).toBe(false);
    expect(inSmm(m.cpu)).toBe(false);
    expect(smmOf(m.cpu).pending).toBe('other');
    expect(m.cpu.ripLo).toBe(0x10_0004); // ran to the HLT
  });
});

describe('a VM entry that returns from SMM to VMX root operation', () => {
  it('invalidates the mappings of every VPID (33.15.4.5) and leaves the executive monitor in the host TLB context without EPT', () => {
    const m = inVmx();
    setUpSmm(m, { dualMonitor: 'stm' });
    const cpu = m.cpu, t = vmxOf(cpu).current!;
    // A linear mapping cached for VPID 5 (as a guest of the executive monitor would have left it).
    const was = cpu.tlbContext;
    cpu.tlbContext = tlbContextOf(cpu, 5, -1);
    const linear = 0x4000_0000, slot = tlbIndex(cpu, linear), tag = cpu.tlbContext * 4096;
    tlbInsert(cpu, linear, 0, 0x12_3000, 7, false, 1);
    cpu.tlbContext = was;
    expect(cpu.tlb.tag[slot]).toBe(pageNumber(linear, 0));
    // The SMM-transfer VMCS enables VPID 3: its controls do not apply after a return to VMX root operation (33.15.4.7).
    t.set('PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS', t.get('PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS') | BigInt(PROC_CTLS.ACTIVATE_SECONDARY_CONTROLS));
    t.set('SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS', t.get('SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS') | BigInt(PROC2_CTLS.ENABLE_VPID));
    t.set('VIRTUAL_PROCESSOR_IDENTIFIER', 3n);
    t.set('GUEST_RIP', 0x10_0010n);
    t.set('VMCS_LINK_POINTER', BigInt(BASELINE_MEMORY.vmcsRegion));
    m.memory.load(0x10_0010, Uint8Array.of(0x90, 0xF4));
    runCode(m, 0x10_0020, VMLAUNCH_HLT, 1);
    expect(inSmm(cpu) || vmxOf(cpu).nonRoot).toBe(false);
    expect(dualMonitorActive(cpu)).toBe(true);
    expect(cpu.tlb.tag[slot] === pageNumber(linear, 0) && cpu.tlb.pcid[slot] === tag).toBe(false); // VPID 5's mapping is gone
    expect(cpu.tlbContext).toBe(0);
    expect(cpu.ept).toBeUndefined();
  });
});
