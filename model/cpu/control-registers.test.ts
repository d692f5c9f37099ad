// Control-register writes and IA32_EFER (SDM Vol. 3A 2.5, 4.4.1, 9.8.5; Vol. 2 MOV CR, WRMSR): the
// checks that make them #GP(0) without changing anything, IA-32e mode activation and deactivation,
// and the PDPTE loads of PAE paging.
import { describe, expect, it } from 'vitest';
import type { Machine } from '../machine/machine.js';
import { GP } from './fault.js';
import { CS } from './registers.js';
import { writeCr0, writeCr3, writeCr4, writeEfer } from './control-registers.js';
import { machineIn } from '../../conformance/harness/cpu.js';

const PE = 1, ET = 0x10, PG = 0x8000_0000 | 0, PAE = 0x20, PCIDE = 1 << 17, LME = 0x100, LMA = 0x400, NXE = 0x800;

function machine(mode: 'prot32' | 'long64' = 'prot32'): Machine {
  return machineIn(mode);
}

const gp0 = expect.objectContaining({ vector: GP, errorCode: 0 });

describe('IA-32e mode activation (SDM Vol. 3A 9.8.5)', () => {
  it('CR0.PG = 1 with EFER.LME = 1 sets EFER.LMA; without CR4.PAE it is #GP(0) and nothing changes', () => {
    const m = machine();
    m.cpu.efer = LME;
    expect(() => writeCr0(m.cpu, PG | PE)).toThrow(gp0);
    expect(m.cpu.cr0).toBe(PE | ET);
    expect(m.cpu.efer).toBe(LME);
    m.cpu.cr4 = PAE;
    writeCr0(m.cpu, PG | PE);
    expect(m.cpu.efer).toBe(LME | LMA);
    expect(m.cpu.longMode).toBe(true);
    expect(m.cpu.bitness).toBe(32); // compatibility mode until CS is loaded with a 64-bit segment
  });

  it('clearing CR0.PG in compatibility mode deactivates IA-32e mode (LMA = 0)', () => {
    const m = machine('long64');
    m.cpu.loadSegmentRaw(CS, 0x40, 0, 0, 0xFFFF_FFFF, 0xC09B); // a 32-bit code segment: compatibility mode
    writeCr0(m.cpu, PE);
    expect(m.cpu.efer & LMA).toBe(0);
    expect(m.cpu.longMode).toBe(false);
  });

  it('CR0.PG cannot be cleared while CR4.PCIDE = 1 (SDM Vol. 2 MOV CR)', () => {
    const m = machine('long64');
    writeCr4(m.cpu, PAE | PCIDE);
    m.cpu.loadSegmentRaw(CS, 0x40, 0, 0, 0xFFFF_FFFF, 0xC09B);
    expect(() => writeCr0(m.cpu, PE)).toThrow(gp0);
  });

  it('IA32_EFER: LME cannot change while paging is on; LMA is read-only; reserved bits are refused', () => {
    const m = machine('long64');
    expect(writeEfer(m.cpu, 0n)).toBe(false); // would clear LME with CR0.PG = 1
    expect(writeEfer(m.cpu, BigInt(LME | NXE))).toBe(true); // LMA written as 0: kept at 1
    expect(m.cpu.efer & (LMA | NXE)).toBe(LMA | NXE);
    expect(writeEfer(m.cpu, BigInt(LME | (1 << 2)))).toBe(false);
  });
});

describe('PAE paging: PDPTE loading (SDM Vol. 3A 4.4.1)', () => {
  it('enabling paging with CR4.PAE = 1 loads the PDPTEs; an invalid one makes MOV to CR0 #GP(0) with CR0 unchanged', () => {
    const m = machine();
    m.memory.write32(0x2_0000, 0x2_1001); // PDPTE 0: present
    m.memory.write32(0x2_0008, 0x2_2001 | 0x100); // PDPTE 1: present, bit 8 reserved
    m.cpu.cr3Lo = 0x2_0000; m.cpu.cr4 = PAE;
    expect(() => writeCr0(m.cpu, PG | PE)).toThrow(gp0);
    expect(m.cpu.cr0).toBe(PE | ET);
    m.memory.write32(0x2_0008, 0);
    writeCr0(m.cpu, PG | PE);
    expect(m.cpu.pdpteLo[0]).toBe(0x2_1001);
  });

  it('setting CR4.PAE while paging is on loads the PDPTEs from CR3 (32-byte aligned table)', () => {
    const m = machine();
    m.memory.write32(0x3_0020, 0x2_5001);
    m.memory.write32(0x3_0038, 0x2_8001);
    m.cpu.cr3Lo = 0x3_0020;
    writeCr0(m.cpu, PG | PE);
    writeCr4(m.cpu, PAE);
    expect(Array.from(m.cpu.pdpteLo)).toEqual([0x2_5001, 0, 0, 0x2_8001]);
  });

  it('outside IA-32e mode MOV to CR3 takes 32 bits: a high half is ignored', () => {
    const m = machine();
    writeCr3(m.cpu, 0x4000, 0x1234);
    expect([m.cpu.cr3Lo, m.cpu.cr3Hi]).toEqual([0x4000, 0]);
  });
});
