// ENQCMD and ENQCMDS outside VMX (SDM Vol. 2 ENQCMD, ENQCMDS): the command formats of Figure 3-16, the faults,
// IA32_PASID and the model's minimal enqueue-register side (every store accepted: ZF = 0). PASID translation
// and its VM exits are covered by conformance/cases/vm-exit/enqcmd.json.
import { describe, expect, it } from 'vitest';
import { fault, machineIn, profile, setCpl, setReg64, step } from '../../../conformance/harness/cpu.js';
import type { CpuProfile } from '../../generated/index.js';
import { GP, UD } from '../fault.js';
import { readFlags } from '../flags.js';
import { IA32_PASID } from './enqcmd.js';

const withEnqcmd = (): CpuProfile => {
  const p = profile('sapphire-rapids-server');
  return { ...p, id: 'spr+enqcmd', cpuid: { ...p.cpuid, features: ['ENQCMD'] } };
};

const ENQCMD_RDI_RSI = [0xF2, 0x0F, 0x38, 0xF8, 0x3E]; // enqcmd rdi, [rsi]
const ENQCMDS_RDI_RSI = [0xF3, 0x0F, 0x38, 0xF8, 0x3E]; // enqcmds rdi, [rsi]
const SRC = 0x30_0000, DST = 0x31_0000, ZF = 1 << 6, CF = 1;
const RSI = 6, RDI = 7;

function setup(p = withEnqcmd()) {
  const m = machineIn('long64', { profile: p });
  for (let i = 0; i < 64; i++) m.memory.write8(SRC + i, (0xA0 + i) & 0xFF);
  setReg64(m.cpu, RSI, BigInt(SRC)); setReg64(m.cpu, RDI, BigInt(DST));
  return m;
}

const dword = (m: ReturnType<typeof machineIn>, a: number): number => m.memory.read32(a) >>> 0;

describe('ENQCMD (SDM Vol. 2 ENQCMD)', () => {
  it('stores IA32_PASID[19:0] with bits 31:20 clear and source bytes 4-63, and reports acceptance (ZF = 0, other flags 0)', () => {
    const m = setup();
    expect(m.cpu.msr.write(IA32_PASID, 0x8001_2345n)).toBe(true);
    m.cpu.flagsValue |= ZF | CF;
    expect(step(m.cpu, ENQCMD_RDI_RSI)).toBeUndefined();
    expect(dword(m, DST)).toBe(0x1_2345);
    for (let i = 4; i < 64; i++) expect(m.memory.read8(DST + i)).toBe((0xA0 + i) & 0xFF);
    expect(readFlags(m.cpu) & 0x8D5).toBe(0);
  });

  it('#GP(0) while IA32_PASID.valid = 0 or with a destination not 64-byte aligned; #UD without ENQCMD', () => {
    const m = setup();
    expect(fault(step(m.cpu, ENQCMD_RDI_RSI))).toEqual([GP, 0]);
    m.cpu.msr.write(IA32_PASID, 0x8000_0001n);
    setReg64(m.cpu, RDI, BigInt(DST + 32));
    expect(fault(step(m.cpu, ENQCMD_RDI_RSI))).toEqual([GP, 0]);
    expect(dword(m, DST + 32)).toBe(0);
    expect(fault(step(setup(profile('sapphire-rapids-server')).cpu, ENQCMD_RDI_RSI))).toEqual([UD, -1]);
  });

  it('IA32_PASID exists only with ENQCMD and refuses bits 30:20', () => {
    expect(machineIn('long64').cpu.msr.read(IA32_PASID)).toBeUndefined();
    const m = setup();
    expect(m.cpu.msr.read(IA32_PASID)).toBe(0n);
    expect(m.cpu.msr.write(IA32_PASID, 0x8010_0000n)).toBe(false);
  });
});

describe('ENQCMDS (SDM Vol. 2 ENQCMDS)', () => {
  it('keeps the source PASID (19:0) and privilege bit (31), clears bits 30:20', () => {
    const m = setup();
    m.memory.write32(SRC, 0xFFFF_FFFF | 0);
    expect(step(m.cpu, ENQCMDS_RDI_RSI)).toBeUndefined();
    expect(dword(m, DST)).toBe(0x800F_FFFF);
    expect(dword(m, DST + 60)).toBe(dword(m, SRC + 60));
  });

  it('#GP(0) at CPL 3', () => {
    const m = setup();
    setCpl(m.cpu, 3);
    expect(fault(step(m.cpu, ENQCMDS_RDI_RSI))).toEqual([GP, 0]);
  });
});
