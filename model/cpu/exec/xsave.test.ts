// XSAVE, XRSTOR, XSAVES and XRSTORS outside VMX (SDM Vol. 2 XSAVE, XRSTOR, XSAVES, XRSTORS; Vol. 1 13.4,
// 13.6-13.12): the legacy region's x87 bytes, the header, the compacted layout with PASID state at byte 576,
// the faults and XRSTORS's header checks, IA32_XSS and CPUID leaf 0DH. The VM exits (63, 64) are covered by
// conformance/cases/vm-exit/xsaves.json.
import { describe, expect, it } from 'vitest';
import { fault, machineIn, profile, setCpl, setReg64, step } from '../../../conformance/harness/cpu.js';
import type { CpuProfile } from '../../generated/index.js';
import { GP, NM, UD } from '../fault.js';
import { CR0_TS, CR4_OSXSAVE } from '../control-registers.js';
import { IA32_PASID } from './enqcmd.js';
import { IA32_XSS, compactedOffsets } from './xsave.js';
import { cpuid } from './cpuid.js';

const spr = (...features: ('XSAVES' | 'ENQCMD')[]): CpuProfile => {
  const p = profile('sapphire-rapids-server');
  return { ...p, id: `spr+${features.join('+')}`, cpuid: { ...p.cpuid, features } };
};

const XSAVE = [0x0F, 0xAE, 0x26]; // xsave [rsi]
const XRSTOR = [0x0F, 0xAE, 0x2E]; // xrstor [rsi]
const XSAVES = [0x0F, 0xC7, 0x2E]; // xsaves [rsi]
const XRSTORS = [0x0F, 0xC7, 0x1E]; // xrstors [rsi]
const AREA = 0x30_0000, RAX = 0, RDX = 2, RSI = 6;

function setup(p = spr('XSAVES', 'ENQCMD'), mask = 0xFFFF_FFFF_FFFF_FFFFn) {
  const m = machineIn('long64', { profile: p });
  m.cpu.cr4 |= CR4_OSXSAVE;
  setReg64(m.cpu, RSI, BigInt(AREA));
  setReg64(m.cpu, RAX, mask & 0xFFFF_FFFFn); setReg64(m.cpu, RDX, mask >> 32n);
  return m;
}

type M = ReturnType<typeof machineIn>;
const qword = (m: M, a: number): bigint => (BigInt(m.memory.read32(a + 4) >>> 0) << 32n) | BigInt(m.memory.read32(a) >>> 0);
const putQword = (m: M, a: number, v: bigint): void => { m.memory.write32(a, Number(v & 0xFFFF_FFFFn) | 0); m.memory.write32(a + 4, Number(v >> 32n) | 0); };
const fill = (m: M, from: number, to: number, byte: number): void => { for (let a = from; a < to; a++) m.memory.write8(a, byte); };
const leaf = (m: M, l: number, s: number): number[] => { const o = new Int32Array(4); cpuid(m.cpu, l, s, o); return Array.from(o, (x) => x >>> 0); };

describe('CPUID leaf 0DH and IA32_XSS (SDM Vol. 2 CPUID; Vol. 1 13.2, 13.3)', () => {
  it('XSAVE is enumerated (CPUID.01H:ECX[26]) now that XSAVE and XRSTOR exist; XSAVES only when the profile lists it', () => {
    const plain = setup(profile('sapphire-rapids-server'));
    expect((leaf(plain, 1, 0)[2]! >>> 26) & 1).toBe(1);
    expect(leaf(plain, 0xD, 0)).toEqual([1, 576, 576, 0]); // x87 only: the model has no SSE
    expect(leaf(plain, 0xD, 1)).toEqual([0, 0, 0, 0]);
    expect(plain.cpu.msr.read(IA32_XSS)).toBeUndefined();
  });

  it('XSAVES without ENQCMD: EAX[3] = 1, no supervisor component (EDX:ECX = 0), IA32_XSS accepts only 0', () => {
    const m = setup(spr('XSAVES'));
    expect(leaf(m, 0xD, 1)).toEqual([8, 576, 0, 0]);
    expect(leaf(m, 0xD, 10)).toEqual([0, 0, 0, 0]);
    expect(m.cpu.msr.read(IA32_XSS)).toBe(0n);
    expect(m.cpu.msr.write(IA32_XSS, 1n << 10n)).toBe(false);
  });

  it('XSAVES with ENQCMD: PASID state (component 10, 8 bytes, supervisor); EBX of sub-leaf 1 follows XCR0 | IA32_XSS', () => {
    const m = setup();
    expect(leaf(m, 0xD, 1)).toEqual([8, 576, 1 << 10, 0]);
    expect(leaf(m, 0xD, 10)).toEqual([8, 0, 1, 0]);
    expect(m.cpu.msr.write(IA32_XSS, 1n << 10n)).toBe(true);
    expect(leaf(m, 0xD, 1)[1]).toBe(584);
    expect(m.cpu.msr.write(IA32_XSS, 1n << 8n)).toBe(false); // PT state is not supported
  });
});

describe('XSAVE and XRSTOR, standard form (SDM Vol. 1 13.7, 13.8)', () => {
  it('XSAVE writes the x87 bytes (power-up FCW 0040H, abridged FTW FFH) and XSTATE_BV[0] = XINUSE[0] = 1, nothing else', () => {
    const m = setup(profile('sapphire-rapids-server'));
    fill(m, AREA, AREA + 640, 0xEE);
    expect(step(m.cpu, XSAVE)).toBeUndefined();
    expect(m.memory.read16(AREA)).toBe(0x0040);
    expect(m.memory.read8(AREA + 4)).toBe(0xFF);
    expect(m.memory.read8(AREA + 24)).toBe(0xEE); // MXCSR belongs to SSE state, not held
    expect(m.memory.read8(AREA + 100)).toBe(0);
    expect(m.memory.read8(AREA + 160)).toBe(0xEE);
    expect(qword(m, AREA + 512)).toBe(0xEEEE_EEEE_EEEE_EEEFn); // bit 0 = XINUSE[0] = 1; bits outside RFBM kept
    expect(qword(m, AREA + 520)).toBe(0xEEEE_EEEE_EEEE_EEEEn); // XCOMP_BV not written
  });

  it('XRSTOR with XSTATE_BV[0] = 0 initializes x87 state (FCW 037FH, XINUSE[0] = 0); with 1 it loads the bytes', () => {
    const m = setup(profile('sapphire-rapids-server'));
    expect(step(m.cpu, XRSTOR)).toBeUndefined(); // all-zero area: header 0
    fill(m, AREA, AREA + 512, 0xEE);
    expect(step(m.cpu, XSAVE)).toBeUndefined();
    expect(m.memory.read16(AREA)).toBe(0x037F);
    expect(m.memory.read8(AREA + 4)).toBe(0);
    expect(qword(m, AREA + 512) & 1n).toBe(0n);
    fill(m, AREA, AREA + 160, 0x5A); putQword(m, AREA + 512, 1n);
    expect(step(m.cpu, XRSTOR)).toBeUndefined();
    fill(m, AREA + 0x1000, AREA + 0x1200, 0);
    setReg64(m.cpu, RSI, BigInt(AREA + 0x1000));
    expect(step(m.cpu, XSAVE)).toBeUndefined();
    expect(m.memory.read32(AREA + 0x1000) >>> 0).toBe(0x5A5A_5A5A);
    expect(m.memory.read32(AREA + 0x1000 + 24)).toBe(0); // bytes 24-31 are SSE's
    expect(qword(m, AREA + 0x1000 + 512)).toBe(1n);
  });

  it('XRSTOR #GP(0): XSTATE_BV bit not in XCR0, XCOMP_BV[63] = 1 (no XSAVEC), bytes 23:16 of the header not 0', () => {
    for (const [at, v] of [[512, 2n], [520, 1n << 63n], [528, 1n]] as const) {
      const m = setup(profile('sapphire-rapids-server'));
      putQword(m, AREA + at, v);
      expect(fault(step(m.cpu, XRSTOR))).toEqual([GP, 0]);
    }
    const m = setup(profile('sapphire-rapids-server'));
    putQword(m, AREA + 536, 1n); // bytes 63:24 are not checked by the standard form
    expect(step(m.cpu, XRSTOR)).toBeUndefined();
  });

  it('#UD while CR4.OSXSAVE = 0, #NM while CR0.TS = 1, #GP(0) for an area not 64-byte aligned', () => {
    const m = setup(profile('sapphire-rapids-server'));
    m.cpu.cr4 &= ~CR4_OSXSAVE;
    expect(fault(step(m.cpu, XSAVE))).toEqual([UD, -1]);
    m.cpu.cr4 |= CR4_OSXSAVE; m.cpu.cr0 |= CR0_TS;
    expect(fault(step(m.cpu, XSAVE))).toEqual([NM, -1]);
    m.cpu.cr0 &= ~CR0_TS;
    setReg64(m.cpu, RSI, BigInt(AREA + 32));
    expect(fault(step(m.cpu, XRSTOR))).toEqual([GP, 0]);
  });
});

describe('XSAVES and XRSTORS, compacted form (SDM Vol. 1 13.4.3, 13.11, 13.12)', () => {
  it('compacted offsets: PASID state at byte 576 when XCOMP_BV[10] = 1', () => {
    expect([...compactedOffsets(1n << 10n)]).toEqual([[10, 576]]);
    expect([...compactedOffsets(1n)]).toEqual([]);
  });

  it('XSAVES writes IA32_PASID at 576, XSTATE_BV = XINUSE & RFBM, XCOMP_BV = RFBM | 2^63, and leaves header bytes 63:16', () => {
    const m = setup();
    m.cpu.msr.write(IA32_XSS, 1n << 10n);
    m.cpu.msr.write(IA32_PASID, 0x8001_2345n);
    fill(m, AREA + 512, AREA + 600, 0xEE);
    expect(step(m.cpu, XSAVES)).toBeUndefined();
    expect(qword(m, AREA + 512)).toBe(0x401n);
    expect(qword(m, AREA + 520)).toBe((1n << 63n) | 0x401n);
    expect(qword(m, AREA + 528)).toBe(0xEEEE_EEEE_EEEE_EEEEn);
    expect(qword(m, AREA + 576)).toBe(0x8001_2345n);
    expect(m.memory.read16(AREA)).toBe(0x0040);
  });

  it('XSAVES writes nothing for a component not in use (IA32_PASID = 0): XSTATE_BV[10] = 0, XCOMP_BV[10] = 1', () => {
    const m = setup(undefined, 0x400n);
    m.cpu.msr.write(IA32_XSS, 1n << 10n);
    fill(m, AREA, AREA + 600, 0xEE);
    expect(step(m.cpu, XSAVES)).toBeUndefined();
    expect(qword(m, AREA + 512)).toBe(0n);
    expect(qword(m, AREA + 520)).toBe((1n << 63n) | 0x400n);
    expect(qword(m, AREA + 576)).toBe(0xEEEE_EEEE_EEEE_EEEEn);
    expect(m.memory.read8(AREA)).toBe(0xEE); // x87 not requested
  });

  it('XRSTORS loads IA32_PASID, or initializes it (0) when XSTATE_BV[10] = 0; RFBM[10] = 0 leaves it', () => {
    const m = setup();
    m.cpu.msr.write(IA32_XSS, 1n << 10n);
    putQword(m, AREA + 512, 0x400n); putQword(m, AREA + 520, (1n << 63n) | 0x400n); putQword(m, AREA + 576, 0x8000_0077n);
    expect(step(m.cpu, XRSTORS)).toBeUndefined();
    expect(m.cpu.msr.read(IA32_PASID)).toBe(0x8000_0077n);
    putQword(m, AREA + 512, 0n);
    setReg64(m.cpu, RAX, 1n);
    expect(step(m.cpu, XRSTORS)).toBeUndefined();
    expect(m.cpu.msr.read(IA32_PASID)).toBe(0x8000_0077n);
    setReg64(m.cpu, RAX, 0x400n);
    expect(step(m.cpu, XRSTORS)).toBeUndefined();
    expect(m.cpu.msr.read(IA32_PASID)).toBe(0n);
  });

  it('XRSTORS #GP(0) for a bad header: XCOMP_BV[63] = 0, XCOMP_BV bit not in XCR0 | IA32_XSS, XSTATE_BV not within XCOMP_BV, reserved bytes, reserved IA32_PASID bits', () => {
    const bad: [bigint, bigint, number, bigint][] = [
      [0x400n, 0x400n, 0, 0n], // XCOMP_BV[63] = 0
      [0n, (1n << 63n) | 0x2n, 0, 0n], // SSE is not in XCR0
      [0x401n, (1n << 63n) | 0x400n, 0, 0n], // XSTATE_BV[0] = 1, XCOMP_BV[0] = 0
      [1n << 63n, 1n << 63n, 0, 0n], // XSTATE_BV[63] = 1
      [0n, 1n << 63n, 568, 1n], // header byte 56
      [0x400n, (1n << 63n) | 0x400n, 576, 0x0010_0000n], // IA32_PASID bit 20 is reserved
    ];
    for (const [xstate, xcomp, at, v] of bad) {
      const m = setup();
      m.cpu.msr.write(IA32_XSS, 1n << 10n);
      m.cpu.msr.write(IA32_PASID, 5n);
      putQword(m, AREA + 512, xstate); putQword(m, AREA + 520, xcomp);
      if (at !== 0) putQword(m, AREA + at, v);
      expect(fault(step(m.cpu, XRSTORS))).toEqual([GP, 0]);
      expect(m.cpu.msr.read(IA32_PASID)).toBe(5n);
    }
  });

  it('#GP(0) at CPL 3 and for an unaligned area; #UD without XSAVES or with CR4.OSXSAVE = 0', () => {
    const m = setup();
    setCpl(m.cpu, 3);
    expect(fault(step(m.cpu, XSAVES))).toEqual([GP, 0]);
    expect(fault(step(m.cpu, XRSTORS))).toEqual([GP, 0]);
    const u = setup();
    setReg64(u.cpu, RSI, BigInt(AREA + 8));
    expect(fault(step(u.cpu, XSAVES))).toEqual([GP, 0]);
    expect(fault(step(setup(spr('ENQCMD')).cpu, XSAVES))).toEqual([UD, -1]);
    const n = setup();
    n.cpu.cr4 &= ~CR4_OSXSAVE;
    expect(fault(step(n.cpu, XRSTORS))).toEqual([UD, -1]);
  });
});
