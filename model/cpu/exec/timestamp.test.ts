// RDTSC, RDTSCP, RDPID, RDPMC (SDM Vol. 2 pages of each; the TSC: Vol. 3B 18.17). The skylake-server
// profile charges 1 cycle per instruction, so the TSC advances by 1 per retired instruction when no
// page walk is made (32-bit protected mode without paging).
import { describe, expect, it } from 'vitest';
import { Assembler, eax, ebx, edx, esi } from '../../../conformance/asm/index.js';
import { CR4_PCE, CR4_TSD } from '../control-registers.js';
import { GP } from '../fault.js';
import { machineIn, reg64, runCode, setCpl, setReg64, step } from '../../../conformance/harness/cpu.js';

const RDTSC = [0x0F, 0x31], RDTSCP = [0x0F, 0x01, 0xF9], RDPMC = [0x0F, 0x33];
const RDPID_RAX = [0xF3, 0x0F, 0xC7, 0xF8]; // F3 0F C7 /7, ModRM F8 = rAX (SDM Vol. 2 RDPID)

describe('RDTSC and RDTSCP (SDM Vol. 2 RDTSC, RDTSCP)', () => {
  it('two reads five instructions apart differ by 5 cycles', () => {
    const a = new Assembler(32);
    a.rdtsc(); a.mov(ebx, eax); a.mov(esi, edx); a.nop(); a.nop(); a.rdtsc(); a.hlt();
    const { machine, result } = runCode(a.assemble(0x10_0000n).bytes, 'prot32');
    expect(result.end).toBe('hlt');
    expect((machine.cpu.lo[0]! - machine.cpu.lo[3]!) | 0).toBe(5);
    expect(machine.cpu.lo[2]).toBe(machine.cpu.lo[6]);
  });

  it('EDX:EAX is the TSC and bits 63:32 of RAX and RDX are cleared in 64-bit mode', () => {
    const m = machineIn('long64');
    m.cpu.cycles = 0x1_2345_6789;
    setReg64(m.cpu, 0, -1n & 0xFFFF_FFFF_FFFF_FFFFn); setReg64(m.cpu, 2, 0xFFFF_FFFF_FFFF_FFFFn);
    expect(step(m.cpu, RDTSC)).toBeUndefined();
    expect(reg64(m.cpu, 2)).toBe(0x1n);
    expect(reg64(m.cpu, 0)).toBe(0x2345_6789n);
  });

  it('CR4.TSD = 1 makes them #GP(0) at CPL > 0, not at CPL 0', () => {
    const m = machineIn('prot32');
    setCpl(m.cpu, 3);
    expect(step(m.cpu, RDTSC)).toBeUndefined();
    m.cpu.cr4 |= CR4_TSD;
    m.cpu.lo[0] = 0x55;
    const f = step(m.cpu, RDTSC);
    expect([f?.vector, f?.errorCode]).toEqual([GP, 0]);
    expect(m.cpu.lo[0]).toBe(0x55);
    const g = step(m.cpu, RDTSCP);
    expect([g?.vector, g?.errorCode]).toEqual([GP, 0]);
    setCpl(m.cpu, 0);
    expect(step(m.cpu, RDTSC)).toBeUndefined();
    expect(step(m.cpu, RDTSCP)).toBeUndefined();
  });

  it('RDTSCP also loads ECX with IA32_TSC_AUX[31:0]', () => {
    const m = machineIn('long64');
    m.cpu.msr.write(0xC000_0103, 0xABCDn);
    m.cpu.cycles = 77;
    setReg64(m.cpu, 1, 0xFFFF_FFFF_FFFF_FFFFn);
    expect(step(m.cpu, RDTSCP)).toBeUndefined();
    expect([reg64(m.cpu, 1), reg64(m.cpu, 0), reg64(m.cpu, 2)]).toEqual([0xABCDn, 77n, 0n]);
  });
});

describe('RDPID (SDM Vol. 2 RDPID)', () => {
  it('reads IA32_TSC_AUX zero-extended into a 64-bit register, at any CPL and regardless of CR4.TSD', () => {
    const m = machineIn('long64');
    m.cpu.msr.write(0xC000_0103, 0x8000_0001n);
    setReg64(m.cpu, 0, 0xFFFF_FFFF_FFFF_FFFFn);
    setCpl(m.cpu, 3);
    m.cpu.cr4 |= CR4_TSD;
    expect(step(m.cpu, RDPID_RAX)).toBeUndefined();
    expect(reg64(m.cpu, 0)).toBe(0x8000_0001n);
  });
});

describe('RDPMC (SDM Vol. 2 RDPMC; Vol. 3B 20.2.1)', () => {
  it('#GP(0) at CPL > 0 unless CR4.PCE = 1', () => {
    const m = machineIn('prot32');
    setCpl(m.cpu, 3);
    m.cpu.lo[1] = 0;
    const f = step(m.cpu, RDPMC);
    expect([f?.vector, f?.errorCode]).toEqual([GP, 0]);
    m.cpu.cr4 |= CR4_PCE;
    expect(step(m.cpu, RDPMC)).toBeUndefined();
  });

  it('reads general-purpose counters 0 and 1 (which do not count); another counter is #GP(0)', () => {
    const m = machineIn('long64');
    m.cpu.msr.write(0xC2, 0x1234n);
    m.cpu.lo[1] = 1;
    expect(step(m.cpu, RDPMC)).toBeUndefined();
    expect([m.cpu.lo[2], m.cpu.lo[0]]).toEqual([0, 0x1234]);
    m.cpu.lo[1] = 0;
    expect(step(m.cpu, RDPMC)).toBeUndefined();
    expect([m.cpu.lo[2], m.cpu.lo[0]]).toEqual([0, 0]);
    m.cpu.lo[1] = 2;
    expect(step(m.cpu, RDPMC)?.vector).toBe(GP);
    m.cpu.lo[1] = 1 << 30; // fixed-function counters: none with version 1
    expect(step(m.cpu, RDPMC)?.vector).toBe(GP);
  });
});
