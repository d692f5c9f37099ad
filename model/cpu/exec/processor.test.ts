// HLT, PAUSE, MONITOR/MWAIT and XSETBV/XGETBV (SDM Vol. 2 pages of each; XCR0: Vol. 1 13.3).
import { describe, expect, it } from 'vitest';
import { Assembler, eax, ecx, edx, rax } from '../../../conformance/asm/index.js';
import { Activity } from '../cpu.js';
import { CR4_OSXSAVE } from '../control-registers.js';
import { GP, PF, UD } from '../fault.js';
import { DS } from '../registers.js';
import { IA32_MISC_ENABLE } from '../msr.js';
import { CODE_BASE, machineIn, reg64, runCode, setCpl, setReg64, step } from '../../../conformance/harness/cpu.js';

const HLT = [0xF4], PAUSE = [0xF3, 0x90];
const MONITOR = [0x0F, 0x01, 0xC8], MWAIT = [0x0F, 0x01, 0xC9];
const XGETBV = [0x0F, 0x01, 0xD0], XSETBV = [0x0F, 0x01, 0xD1];

describe('HLT and PAUSE (SDM Vol. 2 HLT, PAUSE)', () => {
  it('HLT at CPL 0 enters the HLT activity state with RIP after it; at CPL 3 it is #GP(0)', () => {
    const m = machineIn('prot32');
    expect(step(m.cpu, HLT)).toBeUndefined();
    expect(m.cpu.activity).toBe(Activity.Hlt);
    expect(m.cpu.ripLo).toBe(CODE_BASE + 1);
    const u = machineIn('prot32');
    setCpl(u.cpu, 3);
    const f = step(u.cpu, HLT);
    expect([f?.vector, f?.errorCode]).toEqual([GP, 0]);
    expect(u.cpu.activity).toBe(Activity.Active);
  });

  it('PAUSE changes nothing but RIP, at any CPL', () => {
    const m = machineIn('long64');
    setCpl(m.cpu, 3);
    const before = Array.from(m.cpu.lo);
    expect(step(m.cpu, PAUSE)).toBeUndefined();
    expect(Array.from(m.cpu.lo)).toEqual(before);
    expect(m.cpu.ripLo).toBe(CODE_BASE + 2);
  });
});

describe('MONITOR and MWAIT (SDM Vol. 2 MONITOR, MWAIT)', () => {
  it('are #UD at CPL > 0 and while IA32_MISC_ENABLE.ENABLE_MONITOR_FSM (bit 18) is 0', () => {
    const m = machineIn('long64');
    setCpl(m.cpu, 3);
    expect(step(m.cpu, MONITOR)?.vector).toBe(UD);
    expect(step(m.cpu, MWAIT)?.vector).toBe(UD);
    const f = machineIn('long64');
    f.cpu.msr.write(IA32_MISC_ENABLE, f.cpu.msr.read(IA32_MISC_ENABLE)! & ~(1n << 18n));
    expect(step(f.cpu, MONITOR)?.vector).toBe(UD);
    expect(step(f.cpu, MWAIT)?.vector).toBe(UD);
  });

  it('MONITOR: ECX other than 0 is #GP(0)', () => {
    const m = machineIn('long64');
    m.cpu.lo[0] = 0x2000; m.cpu.lo[1] = 1;
    const f = step(m.cpu, MONITOR);
    expect([f?.vector, f?.errorCode]).toEqual([GP, 0]);
  });

  it('MONITOR checks its address like a byte load: non-canonical #GP(0), not-present page #PF, segment limit #GP(0)', () => {
    const m = machineIn('long64');
    m.cpu.lo[1] = 0;
    setReg64(m.cpu, 0, 0x0000_8000_0000_0000n);
    const nc = step(m.cpu, MONITOR);
    expect([nc?.vector, nc?.errorCode]).toEqual([GP, 0]);
    // The loader identity-maps 4 GiB: 1_0000_0000h has no PDPTE, so a read there is #PF with error code 0
    // (P = 0, read, supervisor; SDM Vol. 3A 4.7).
    setReg64(m.cpu, 0, 0x1_0000_0000n);
    const pf = step(m.cpu, MONITOR);
    expect([pf?.vector, pf?.errorCode]).toEqual([PF, 0]);
    const p = machineIn('prot32');
    p.cpu.segLimit[DS] = 0xFFF;
    p.cpu.lo[0] = 0x1000; p.cpu.lo[1] = 0;
    const gp = step(p.cpu, MONITOR);
    expect([gp?.vector, gp?.errorCode]).toEqual([GP, 0]);
    p.cpu.lo[0] = 0xFFF;
    expect(step(p.cpu, MONITOR)).toBeUndefined();
  });

  it('MWAIT without an armed monitor does nothing; after MONITOR it waits like HLT', () => {
    const m = machineIn('long64');
    m.cpu.lo[0] = 0x2000; m.cpu.lo[1] = 0;
    expect(step(m.cpu, MWAIT)).toBeUndefined();
    expect(m.cpu.activity).toBe(Activity.Active);
    expect(step(m.cpu, MONITOR)).toBeUndefined();
    expect(step(m.cpu, MWAIT)).toBeUndefined();
    expect(m.cpu.activity).toBe(Activity.Hlt);
    expect(m.cpu.ripLo).toBe(CODE_BASE + 9); // MWAIT, MONITOR, MWAIT: 3 bytes each
  });

  it('MWAIT: ECX[0] (interrupt break-event) is not offered, so any ECX but 0 is #GP(0)', () => {
    const m = machineIn('long64');
    m.cpu.lo[1] = 1;
    expect(step(m.cpu, MWAIT)?.vector).toBe(GP);
    m.cpu.lo[1] = 2;
    expect(step(m.cpu, MWAIT)?.vector).toBe(GP);
  });

  it('runs in a program: MONITOR then MWAIT ends the run halted', () => {
    const a = new Assembler(64);
    a.mov(eax, 0x3000); a.xor(ecx, ecx); a.xor(edx, edx); a.monitor(); a.mwait(); a.mov(eax, 1); a.hlt();
    const { machine, result } = runCode(a.assemble(0x10_0000n).bytes, 'long64');
    expect(result.end).toBe('hlt');
    expect(machine.cpu.lo[0]).toBe(0x3000); // stopped at MWAIT: the MOV after it has not run
  });
});

describe('XSETBV and XGETBV (SDM Vol. 2 XSETBV, XGETBV; Vol. 1 13.3)', () => {
  const withOsxsave = (): ReturnType<typeof machineIn> => {
    const m = machineIn('long64');
    m.cpu.cr4 |= CR4_OSXSAVE;
    return m;
  };

  it('are #UD while CR4.OSXSAVE = 0', () => {
    const m = machineIn('long64');
    expect(step(m.cpu, XGETBV)?.vector).toBe(UD);
    m.cpu.lo[0] = 1;
    expect(step(m.cpu, XSETBV)?.vector).toBe(UD);
  });

  it('XGETBV reads XCR0 (1 after reset: x87 only) and clears bits 63:32 of RAX and RDX', () => {
    const m = withOsxsave();
    setReg64(m.cpu, 0, 0xFFFF_FFFF_FFFF_FFFFn); setReg64(m.cpu, 2, 0xFFFF_FFFF_FFFF_FFFFn);
    m.cpu.lo[1] = 0;
    expect(step(m.cpu, XGETBV)).toBeUndefined();
    expect([reg64(m.cpu, 0), reg64(m.cpu, 2)]).toEqual([1n, 0n]);
  });

  it('XGETBV with ECX = 1 (XINUSE, not offered) or any other XCR is #GP(0)', () => {
    const m = withOsxsave();
    for (const ecx of [1, 2, 0x8000_0000]) {
      m.cpu.lo[1] = ecx | 0;
      const f = step(m.cpu, XGETBV);
      expect([f?.vector, f?.errorCode]).toEqual([GP, 0]);
    }
  });

  it('XSETBV is #GP(0) at CPL > 0, for ECX != 0, bit 0 clear, AVX without SSE, and unsupported bits', () => {
    const m = withOsxsave();
    const attempt = (ecx: number, edx: number, eax: number): number | undefined => {
      m.cpu.lo[1] = ecx; m.cpu.lo[2] = edx; m.cpu.lo[0] = eax;
      const f = step(m.cpu, XSETBV);
      return f ? f.vector * 1000 + f.errorCode : undefined;
    };
    expect(attempt(1, 0, 1)).toBe(GP * 1000);
    expect(attempt(0, 0, 0)).toBe(GP * 1000); // x87 (bit 0) must stay 1
    expect(attempt(0, 0, 5)).toBe(GP * 1000); // AVX (bit 2) with SSE (bit 1) clear
    expect(attempt(0, 0, 0x201)).toBe(GP * 1000); // PKRU (bit 9): not supported
    expect(attempt(0, 1, 1)).toBe(GP * 1000); // bits 63:32: none supported
    setCpl(m.cpu, 3);
    expect(attempt(0, 0, 1)).toBe(GP * 1000);
    setCpl(m.cpu, 0);
    m.cpu.xcr0 = 0; // make the effect of the next write visible
    expect(attempt(0, 0, 1)).toBeUndefined();
    expect(m.cpu.xcr0).toBe(1);
  });

  it('runs in a program: XSETBV XCR0 = 1, then XGETBV', () => {
    const a = new Assembler(64);
    a.xor(ecx, ecx); a.xor(edx, edx); a.mov(eax, 1); a.xsetbv(); a.mov(rax, -1); a.xgetbv(); a.hlt();
    const { machine, result } = runCode(a.assemble(0x10_0000n).bytes, 'long64', (mm) => { mm.cpu.cr4 |= CR4_OSXSAVE; });
    expect(result.end).toBe('hlt');
    expect(reg64(machine.cpu, 0)).toBe(1n);
  });
});
