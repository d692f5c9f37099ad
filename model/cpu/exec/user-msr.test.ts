// RDMSR/WRMSRNS with an immediate and URDMSR/UWRMSR outside VMX (SDM Vol. 2 RDMSR, WRMSRNS, URDMSR, UWRMSR;
// CPUID.(EAX=07H,ECX=1):ECX[5] MSR_IMM, EDX[15] USER_MSR). Encodings are hand-assembled from the Vol. 2 opcode
// tables (VEX.128.F2/F3.M7.W0 F6/F8 /0 id; F2/F3 0F 38 F8 /r with mod = 11b). The VM exits are covered by the
// conformance cases in conformance/cases/vm-exit/user-msr.json.
import { describe, expect, it } from 'vitest';
import { fault, machineIn, profile, reg64, setCpl, setReg64, step } from '../../../conformance/harness/cpu.js';
import type { CpuProfile } from '../../generated/index.js';
import { GP, UD } from '../fault.js';
import { IA32_SYSENTER_CS, IA32_SYSENTER_ESP } from '../msr.js';
import { decodeMsrAccess, msrAccessText } from '../decode-msr-imm.js';
import { IA32_USER_MSR_CTL } from './user-msr.js';

const withFeatures = (...features: ('USER_MSR' | 'MSR_IMM')[]): CpuProfile => {
  const p = profile('sapphire-rapids-server');
  return { ...p, id: 'spr+user-msr', cpuid: { ...p.cpuid, features } };
};

const le32 = (v: number): number[] => [v & 0xFF, (v >>> 8) & 0xFF, (v >>> 16) & 0xFF, (v >>> 24) & 0xFF];
/** C4 [R X B m-mmmm=7] [W=0 vvvv=1111 L=0 pp] op modrm imm32; rm >= 8 clears the inverted VEX.B. */
const vex7 = (pp: 2 | 3, op: 0xF6 | 0xF8, rm: number, imm: number): number[] =>
  [0xC4, rm >= 8 ? 0xC7 : 0xE7, 0x78 | pp, op, 0xC0 | (rm & 7), ...le32(imm)];
const RDMSR_IMM = (rm: number, imm: number) => vex7(3, 0xF6, rm, imm);
const WRMSRNS_IMM = (rm: number, imm: number) => vex7(2, 0xF6, rm, imm);
const URDMSR_IMM = (rm: number, imm: number) => vex7(3, 0xF8, rm, imm);
const UWRMSR_IMM = (rm: number, imm: number) => vex7(2, 0xF8, rm, imm);
/** F2/F3 REX.W+R+B? 0F 38 F8 /r: ModRM.reg names the MSR, ModRM.rm holds the value. */
const userReg = (p: 0xF2 | 0xF3, msrReg: number, dataReg: number): number[] =>
  [p, 0x48 | (msrReg >= 8 ? 4 : 0) | (dataReg >= 8 ? 1 : 0), 0x0F, 0x38, 0xF8, 0xC0 | ((msrReg & 7) << 3) | (dataReg & 7)];
/** Pads to 15 bytes so the decoder never runs out of bytes (NOPs after the instruction). */
const pad = (b: number[]): number[] => [...b, ...new Array<number>(15 - b.length).fill(0x90)];

const RAX = 0, RCX = 1, RBX = 3, R9 = 9;
const BITMAP = 0x30_0000;

describe('decoding (SDM Vol. 2 opcode tables)', () => {
  it('reads the VEX map-7 immediate forms and the register forms, with their lengths', () => {
    expect(decodeMsrAccess(64, Uint8Array.from(RDMSR_IMM(R9, 0x174)))).toEqual({ form: 'rdmsr-imm', length: 9, dataReg: 9, indexReg: -1, imm: 0x174 });
    expect(decodeMsrAccess(64, Uint8Array.from(WRMSRNS_IMM(RBX, 0xC000_0080)))).toMatchObject({ form: 'wrmsrns-imm', dataReg: 3, imm: 0xC000_0080 });
    expect(decodeMsrAccess(64, Uint8Array.from(URDMSR_IMM(RAX, 0x1B00)))).toMatchObject({ form: 'urdmsr-imm', dataReg: 0 });
    expect(decodeMsrAccess(64, Uint8Array.from(UWRMSR_IMM(RCX, 0x1B00)))).toMatchObject({ form: 'uwrmsr-imm', dataReg: 1 });
    expect(decodeMsrAccess(64, Uint8Array.from(userReg(0xF2, RCX, R9)))).toEqual({ form: 'urdmsr-reg', length: 6, dataReg: 9, indexReg: 1, imm: 0 });
    expect(decodeMsrAccess(64, Uint8Array.from([0xF3, 0x0F, 0x38, 0xF8, 0xC8]))).toEqual({ form: 'uwrmsr-reg', length: 5, dataReg: 0, indexReg: 1, imm: 0 });
    expect(msrAccessText(decodeMsrAccess(64, Uint8Array.from(RDMSR_IMM(R9, 0x174)))!)).toBe('rdmsr r9, 0x174');
  });

  it('rejects other VEX fields, memory operands and non-64-bit modes', () => {
    const bad = (b: number[]) => decodeMsrAccess(64, Uint8Array.from(b));
    expect(bad([0xC4, 0xE7, 0x7B, 0xF6, 0xC8, 0, 0, 0, 0])).toBeUndefined(); // ModRM.reg = 1
    expect(bad([0xC4, 0xE7, 0xFB, 0xF6, 0xC0, 0, 0, 0, 0])).toBeUndefined(); // VEX.W = 1
    expect(bad([0xC4, 0xE7, 0x7F, 0xF6, 0xC0, 0, 0, 0, 0])).toBeUndefined(); // VEX.L = 1
    expect(bad([0xC4, 0xE7, 0x73, 0xF6, 0xC0, 0, 0, 0, 0])).toBeUndefined(); // VEX.vvvv != 1111b
    expect(bad([0xC4, 0xE7, 0x79, 0xF6, 0xC0, 0, 0, 0, 0])).toBeUndefined(); // pp = 66H
    expect(bad([0xF2, 0x0F, 0x38, 0xF8, 0x08])).toBeUndefined(); // mod != 11b: ENQCMD
    expect(decodeMsrAccess(32, Uint8Array.from(RDMSR_IMM(RAX, 0x174)))).toBeUndefined();
  });
});

describe('RDMSR and WRMSRNS with an immediate (SDM Vol. 2 RDMSR, WRMSRNS)', () => {
  it('read and write the MSR named by the immediate through a 64-bit register', () => {
    const m = machineIn('long64', { profile: withFeatures('MSR_IMM') });
    setReg64(m.cpu, RBX, 0x1234n);
    expect(step(m.cpu, pad(WRMSRNS_IMM(RBX, IA32_SYSENTER_CS)))).toBeUndefined();
    expect(m.cpu.msr.read(IA32_SYSENTER_CS)).toBe(0x1234n);
    m.cpu.msr.write(IA32_SYSENTER_ESP, 0xFFFF_8000_1234_5678n);
    setReg64(m.cpu, R9, 0n);
    expect(step(m.cpu, pad(RDMSR_IMM(R9, IA32_SYSENTER_ESP)))).toBeUndefined();
    expect(reg64(m.cpu, R9)).toBe(0xFFFF_8000_1234_5678n);
  });

  it('#UD without MSR_IMM; #GP(0) at CPL 3 and for an MSR the model does not have', () => {
    expect(fault(step(machineIn('long64').cpu, pad(RDMSR_IMM(RAX, IA32_SYSENTER_CS))))).toEqual([UD, -1]);
    const m = machineIn('long64', { profile: withFeatures('MSR_IMM') });
    expect(fault(step(m.cpu, pad(RDMSR_IMM(RAX, 0xDEAD))))).toEqual([GP, 0]);
    setCpl(m.cpu, 3);
    expect(fault(step(m.cpu, pad(WRMSRNS_IMM(RAX, IA32_SYSENTER_CS))))).toEqual([GP, 0]);
  });
});

describe('URDMSR and UWRMSR (SDM Vol. 2 URDMSR, UWRMSR)', () => {
  /** USER_MSR enabled with the bitmap at BITMAP (identity-mapped) allowing reads and writes of IA32_SYSENTER_CS. */
  function enabled() {
    const m = machineIn('long64', { profile: withFeatures('USER_MSR') });
    m.memory.write8(BITMAP + (IA32_SYSENTER_CS >>> 3), 1 << (IA32_SYSENTER_CS & 7));
    m.memory.write8(BITMAP + 0x800 + (IA32_SYSENTER_CS >>> 3), 1 << (IA32_SYSENTER_CS & 7));
    expect(m.cpu.msr.write(IA32_USER_MSR_CTL, BigInt(BITMAP) | 1n)).toBe(true);
    return m;
  }

  it('IA32_USER_MSR_CTL exists only with USER_MSR and refuses bits 11:1', () => {
    expect(machineIn('long64').cpu.msr.read(IA32_USER_MSR_CTL)).toBeUndefined();
    const m = machineIn('long64', { profile: withFeatures('USER_MSR') });
    expect(m.cpu.msr.read(IA32_USER_MSR_CTL)).toBe(0n);
    expect(m.cpu.msr.write(IA32_USER_MSR_CTL, 0x1000n | 2n)).toBe(false);
    expect(m.cpu.msr.write(IA32_USER_MSR_CTL, 0x8000_0000_0000_1000n)).toBe(false); // not canonical
  });

  it('at CPL 3, read and write an MSR the bitmap allows (register and immediate forms)', () => {
    const m = enabled();
    setCpl(m.cpu, 3);
    setReg64(m.cpu, RCX, BigInt(IA32_SYSENTER_CS)); setReg64(m.cpu, R9, 0x77n);
    expect(step(m.cpu, pad(userReg(0xF3, RCX, R9)))).toBeUndefined();
    expect(m.cpu.msr.read(IA32_SYSENTER_CS)).toBe(0x77n);
    expect(step(m.cpu, pad(URDMSR_IMM(RAX, IA32_SYSENTER_CS)))).toBeUndefined();
    expect(reg64(m.cpu, RAX)).toBe(0x77n);
  });

  it('#UD while IA32_USER_MSR_CTL.enable = 0 or without USER_MSR; #GP(0) above 3FFFH or with the bitmap bit 0', () => {
    expect(fault(step(machineIn('long64').cpu, pad(URDMSR_IMM(RAX, IA32_SYSENTER_CS))))).toEqual([UD, -1]);
    const off = machineIn('long64', { profile: withFeatures('USER_MSR') });
    expect(fault(step(off.cpu, pad(URDMSR_IMM(RAX, IA32_SYSENTER_CS))))).toEqual([UD, -1]);
    const m = enabled();
    expect(fault(step(m.cpu, pad(URDMSR_IMM(RAX, 0x4000))))).toEqual([GP, 0]);
    expect(fault(step(m.cpu, pad(URDMSR_IMM(RAX, IA32_SYSENTER_ESP))))).toEqual([GP, 0]);
    m.memory.write8(BITMAP + 0x800 + (IA32_SYSENTER_CS >>> 3), 0); // write half now denies it
    expect(fault(step(m.cpu, pad(UWRMSR_IMM(RAX, IA32_SYSENTER_CS))))).toEqual([GP, 0]);
    expect(step(m.cpu, pad(URDMSR_IMM(RAX, IA32_SYSENTER_CS)))).toBeUndefined(); // the read half still allows it
  });
});

describe('CPUID enumeration (SDM Vol. 2 CPUID, leaf 07H sub-leaf 1)', () => {
  it('reports MSR_IMM (ECX[5]) and USER_MSR (EDX[15]) only when the profile lists them; 7/0 EAX = 1 then', () => {
    const q = (p: CpuProfile, sub: number): number[] => {
      const m = machineIn('long64', { profile: p });
      m.cpu.lo[0] = 7; m.cpu.lo[1] = sub;
      expect(step(m.cpu, [0x0F, 0xA2])).toBeUndefined();
      return [0, 3, 1, 2].map((r) => m.cpu.lo[r]! >>> 0);
    };
    expect(q(withFeatures('USER_MSR', 'MSR_IMM'), 0)[0]).toBe(1);
    expect(q(withFeatures('USER_MSR', 'MSR_IMM'), 1)).toEqual([0, 0, 1 << 5, 1 << 15]);
    expect(q(profile('sapphire-rapids-server'), 0)[0]).toBe(0);
    expect(q(profile('sapphire-rapids-server'), 1)).toEqual([0, 0, 0, 0]);
  });
});
