// The default treatment of SMIs and SMM in VMX operation (SDM 33.14) with the SMRAM state-save map of
// Table 33-3 (model/cpu/smm.ts): SMI delivery leaves VMX operation, RSM returns to it. End-to-end cases:
// conformance/cases/smm/default.json.
import { describe, expect, it } from 'vitest';
import { enterBaseline } from '../../conformance/baseline.js';
import { machineIn } from '../../conformance/harness/cpu.js';
import { Activity } from '../cpu/cpu.js';
import { CS } from '../cpu/registers.js';
import { inSmm, raiseSmi, smmOf } from '../cpu/smm.js';
import { vmxOf } from './operation.js';

const SMRAM = 0x3_0000 + 0x8000; // SMBASE after reset + 8000H

function inRoot() {
  const m = machineIn('long64');
  enterBaseline(m);
  m.memory.load(0x10_0000, Uint8Array.of(0x90, 0x90, 0xF4)); // NOP; NOP; HLT
  m.cpu.ripLo = 0x10_0000; m.cpu.ripHi = 0; m.cpu.activity = 0;
  return m;
}

describe('SMI delivery by the default treatment in VMX root operation (33.14.1)', () => {
  it('saves RIP, CR0, CR3 and CR4 (VMXE clear) in SMRAM, leaves VMX operation and runs the handler at SMBASE + 8000H', () => {
    const m = inRoot(), cpu = m.cpu;
    const cr0 = cpu.cr0 >>> 0, cr3 = cpu.cr3Lo >>> 0, cr4 = cpu.cr4 >>> 0;
    m.memory.load(SMRAM, Uint8Array.of(0xF4)); // the handler: HLT
    raiseSmi(cpu);
    m.run(5);
    expect(inSmm(cpu)).toBe(true);
    expect(m.memory.read64(SMRAM + 0x7FD8)).toBe(0x10_0000n); // RIP
    expect(m.memory.read64(SMRAM + 0x7FF8)).toBe(BigInt(cr0)); // CR0
    expect(m.memory.read64(SMRAM + 0x7FF0)).toBe(BigInt(cr3)); // CR3
    expect(m.memory.read32(SMRAM + 0x7E40)).toBe((cr4 & ~(1 << 13)) >>> 0); // CR4, VMXE cleared first (33.14.1)
    expect(m.memory.read32(SMRAM + 0x7EF8)).toBe(0x3_0000); // SMBASE
    expect(m.memory.read32(SMRAM + 0x7EE0)).toBe(0); // not in VMX non-root operation
    expect(vmxOf(cpu).inVmxOperation).toBe(false);
    expect([cpu.segSel[CS], cpu.segBaseLo[CS], cpu.cr4, cpu.efer, cpu.bitness]).toEqual([0x3000, 0x3_0000, 0, 0, 16]); // Table 33-4
    expect(cpu.ripLo).toBe(0x8001); // halted after the handler's HLT at 8000H
  });

  it('RSM returns to VMX root operation with CR4.VMXE and the current VMCS; SMIs are blocked in SMM until then', () => {
    const m = inRoot(), cpu = m.cpu, s = vmxOf(cpu), vmcs = s.current;
    m.memory.load(SMRAM, Uint8Array.of(0x0F, 0xAA)); // RSM
    raiseSmi(cpu);
    m.run(1); // the SMI is taken at the first boundary; the handler's RSM retires
    raiseSmi(cpu); // arrives outside SMM again: taken next
    expect(inSmm(cpu)).toBe(false);
    expect(s.inVmxOperation && s.current === vmcs && (cpu.cr4 & (1 << 13)) !== 0).toBe(true);
    expect(cpu.ripLo).toBe(0x10_0000);
    expect(cpu.bitness).toBe(64);
    m.run(1);
    expect(smmOf(cpu).pending).toBeUndefined(); // the second SMI was taken and returned too
  });

  it('RSM with VMXE set in the CR4 image fails into the shutdown state (33.14.2)', () => {
    const m = inRoot(), cpu = m.cpu;
    // The handler: OR byte [CS:FE41H], 20H (CR4 image bit 13); RSM.
    m.memory.load(SMRAM, Uint8Array.of(0x2E, 0x80, 0x0E, 0x41, 0xFE, 0x20, 0x0F, 0xAA));
    raiseSmi(cpu);
    m.run(5);
    expect(cpu.activity).toBe(Activity.Shutdown);
  });

  it('RSM takes the SMBASE field as the new SMBASE (relocation, 33.11)', () => {
    const m = inRoot(), cpu = m.cpu;
    // The handler: MOV dword [CS:FEF8H], 50000H; RSM.
    m.memory.load(SMRAM, Uint8Array.of(0x2E, 0x66, 0xC7, 0x06, 0xF8, 0xFE, 0x00, 0x00, 0x05, 0x00, 0x0F, 0xAA));
    raiseSmi(cpu);
    m.run(2);
    expect(inSmm(cpu)).toBe(false);
    expect(smmOf(cpu).smbase).toBe(0x5_0000);
  });
});
