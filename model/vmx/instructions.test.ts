// The VMX instructions executed as x86 code (SDM 31.3; outcomes per 31.2, error numbers per 31.4).
import { describe, expect, it } from 'vitest';
import { cr0, cr4, qword, rax, rbx, rcx } from '../../conformance/asm/index.js';
import { insn, machineIn, setCpl, step } from '../../conformance/harness/cpu.js';
import { type Cpu, readFlags } from '../cpu/index.js';
import type { Machine } from '../machine/index.js';

const CF = 1, ZF = 1 << 6;
const PTR = 0x5000;            // where the m64 operands live
const VMXON_REGION = 0x2_0000, VMCS_A = 0x2_1000, VMCS_B = 0x2_2000;
const REVISION = 4;            // IA32_VMX_BASIC[30:0] of the skylake-server profile (A.1)

function setup(): { m: Machine; cpu: Cpu } {
  const m = machineIn('long64');
  const cpu = m.cpu;
  cpu.cr4 |= 1 << 13; // CR4.VMXE (SDM 24.7)
  cpu.cr0 |= 1 << 5;  // CR0.NE: IA32_VMX_CR0_FIXED0 requires it in VMX operation (SDM 24.8, A.7)
  for (const r of [VMXON_REGION, VMCS_A, VMCS_B]) m.memory.write32(r, REVISION);
  return { m, cpu };
}

function withPointer(m: Machine, addr: number | bigint): void {
  m.memory.write64(PTR, BigInt(addr));
}

const vmxonI = insn(64, (a) => a.vmxon(qword(null, null, 1, PTR)));
const vmptrldI = insn(64, (a) => a.vmptrld(qword(null, null, 1, PTR)));
const vmclearI = insn(64, (a) => a.vmclear(qword(null, null, 1, PTR)));
const vmptrstI = insn(64, (a) => a.vmptrst(qword(null, null, 1, PTR)));
const vmreadI = insn(64, (a) => a.vmread(rax, rbx));   // RAX := field RBX
const vmwriteI = insn(64, (a) => a.vmwrite(rbx, rcx)); // field RBX := RCX
const vmxoffI = insn(64, (a) => a.vmxoff());

function arith(cpu: Cpu): { cf: boolean; zf: boolean } {
  const f = readFlags(cpu);
  return { cf: (f & CF) !== 0, zf: (f & ZF) !== 0 };
}

const SUCCEED = { cf: false, zf: false }, FAIL_INVALID = { cf: true, zf: false }, FAIL_VALID = { cf: false, zf: true };

function enter(m: Machine, cpu: Cpu): void {
  withPointer(m, VMXON_REGION);
  expect(step(cpu, vmxonI)).toBeUndefined();
  expect(arith(cpu)).toEqual(SUCCEED);
}

function load(m: Machine, cpu: Cpu, addr: number): void {
  withPointer(m, addr);
  expect(step(cpu, vmptrldI)).toBeUndefined();
}

function readField(cpu: Cpu, encoding: number): bigint {
  cpu.lo[3] = encoding; cpu.hi[3] = 0;
  expect(step(cpu, vmreadI)).toBeUndefined();
  return (BigInt(cpu.hi[0]! >>> 0) << 32n) | BigInt(cpu.lo[0]! >>> 0);
}

describe('VMXON (SDM 31.3)', () => {
  it('is #UD while CR4.VMXE is 0', () => {
    const { m, cpu } = setup();
    cpu.cr4 &= ~(1 << 13);
    withPointer(m, VMXON_REGION);
    expect(step(cpu, vmxonI)?.vector).toBe(6);
  });

  it('is #GP(0) while CR0.NE is 0, a bit IA32_VMX_CR0_FIXED0 fixes to 1 (SDM 24.8, A.7)', () => {
    const { m, cpu } = setup();
    cpu.cr0 &= ~(1 << 5);
    withPointer(m, VMXON_REGION);
    const f = step(cpu, vmxonI);
    expect([f?.vector, f?.errorCode]).toEqual([13, 0]);
  });

  it('is #GP(0) at CPL 3', () => {
    const { m, cpu } = setup();
    withPointer(m, VMXON_REGION);
    setCpl(cpu, 3);
    const f = step(cpu, vmxonI);
    expect([f?.vector, f?.errorCode]).toEqual([13, 0]);
  });

  it('succeeds with an aligned pointer to a region holding the revision identifier', () => {
    const { m, cpu } = setup();
    enter(m, cpu);
    expect(cpu.vmx?.inVmxOperation).toBe(true);
  });

  it('fails (VMfailInvalid) for a pointer that is not 4-KByte aligned, or a wrong revision identifier', () => {
    const { m, cpu } = setup();
    withPointer(m, VMXON_REGION + 8);
    expect(step(cpu, vmxonI)).toBeUndefined();
    expect(arith(cpu)).toEqual(FAIL_INVALID);
    m.memory.write32(VMXON_REGION, REVISION + 1);
    withPointer(m, VMXON_REGION);
    step(cpu, vmxonI);
    expect(arith(cpu)).toEqual(FAIL_INVALID);
    expect(cpu.vmx?.inVmxOperation).toBe(false);
  });

  it('in VMX root operation fails with error 15 when a VMCS is current, VMfailInvalid otherwise', () => {
    const { m, cpu } = setup();
    enter(m, cpu);
    step(cpu, vmxonI);
    expect(arith(cpu)).toEqual(FAIL_INVALID);
    load(m, cpu, VMCS_A);
    withPointer(m, VMXON_REGION);
    step(cpu, vmxonI);
    expect(arith(cpu)).toEqual(FAIL_VALID);
    expect(readField(cpu, 0x4400)).toBe(15n); // VM-instruction error
  });
});

describe('VMPTRLD, VMPTRST, VMCLEAR (SDM 31.3)', () => {
  it('VMPTRLD makes a VMCS current and VMPTRST stores its address', () => {
    const { m, cpu } = setup();
    enter(m, cpu);
    load(m, cpu, VMCS_A);
    expect(arith(cpu)).toEqual(SUCCEED);
    m.memory.write64(PTR, 0n);
    step(cpu, vmptrstI);
    expect(m.memory.read64(PTR)).toBe(BigInt(VMCS_A));
  });

  it('VMPTRST stores FFFFFFFF_FFFFFFFFh while no VMCS is current', () => {
    const { m, cpu } = setup();
    enter(m, cpu);
    step(cpu, vmptrstI);
    expect(m.memory.read64(PTR)).toBe(0xFFFF_FFFF_FFFF_FFFFn);
  });

  it('VMPTRLD of the VMXON pointer fails with error 10; of a wrong revision with error 11', () => {
    const { m, cpu } = setup();
    enter(m, cpu);
    load(m, cpu, VMCS_A);
    load(m, cpu, VMXON_REGION);
    expect(arith(cpu)).toEqual(FAIL_VALID);
    expect(readField(cpu, 0x4400)).toBe(10n);
    m.memory.write32(VMCS_B, REVISION + 1);
    load(m, cpu, VMCS_B);
    expect(readField(cpu, 0x4400)).toBe(11n);
  });

  it('VMCLEAR of the current VMCS makes the pointer invalid; of the VMXON pointer fails with error 3', () => {
    const { m, cpu } = setup();
    enter(m, cpu);
    load(m, cpu, VMCS_A);
    withPointer(m, VMXON_REGION);
    step(cpu, vmclearI);
    expect(readField(cpu, 0x4400)).toBe(3n);
    withPointer(m, VMCS_A);
    step(cpu, vmclearI);
    expect(arith(cpu)).toEqual(SUCCEED);
    step(cpu, vmptrstI);
    expect(m.memory.read64(PTR)).toBe(0xFFFF_FFFF_FFFF_FFFFn);
  });

  it('VMCLEAR of an unaligned address fails with error 2 (VMfailValid while a VMCS is current)', () => {
    const { m, cpu } = setup();
    enter(m, cpu);
    load(m, cpu, VMCS_A);
    withPointer(m, VMCS_B + 1);
    step(cpu, vmclearI);
    expect(arith(cpu)).toEqual(FAIL_VALID);
    expect(readField(cpu, 0x4400)).toBe(2n);
  });
});

describe('VMREAD and VMWRITE (SDM 31.3)', () => {
  it('write then read a field of the current VMCS', () => {
    const { m, cpu } = setup();
    enter(m, cpu);
    load(m, cpu, VMCS_A);
    cpu.lo[3] = 0x681E; cpu.hi[3] = 0;                  // GUEST_RIP
    cpu.lo[1] = 0x1234_5678; cpu.hi[1] = 0x0000_7FFF;   // RCX
    step(cpu, vmwriteI);
    expect(arith(cpu)).toEqual(SUCCEED);
    expect(readField(cpu, 0x681E)).toBe(0x7FFF_1234_5678n);
  });

  it('fail with error 12 for an encoding that names no field', () => {
    const { m, cpu } = setup();
    enter(m, cpu);
    load(m, cpu, VMCS_A);
    readField(cpu, 0x9999);
    expect(arith(cpu)).toEqual(FAIL_VALID);
    expect(readField(cpu, 0x4400)).toBe(12n);
  });

  it('fail (VMfailInvalid) without a current VMCS', () => {
    const { m, cpu } = setup();
    enter(m, cpu);
    readField(cpu, 0x681E);
    expect(arith(cpu)).toEqual(FAIL_INVALID);
  });

  it('keep field values across VMCLEAR and VMPTRLD (the region holds them)', () => {
    const { m, cpu } = setup();
    enter(m, cpu);
    load(m, cpu, VMCS_A);
    cpu.lo[3] = 0x4004; cpu.lo[1] = 0x4000; cpu.hi[1] = 0; // EXCEPTION_BITMAP := bit 14
    step(cpu, vmwriteI);
    withPointer(m, VMCS_A);
    step(cpu, vmclearI);
    load(m, cpu, VMCS_A);
    expect(readField(cpu, 0x4004)).toBe(0x4000n);
  });
});

describe('restrictions in VMX operation (SDM 24.8)', () => {
  it('MOV to CR4 that clears VMXE, or to CR0 that clears NE, is #GP(0) in VMX operation', () => {
    const { m, cpu } = setup();
    enter(m, cpu);
    cpu.lo[0] = cpu.cr4 & ~(1 << 13); cpu.hi[0] = 0;
    expect(step(cpu, insn(64, (a) => a.mov(cr4, rax)))?.vector).toBe(13);
    cpu.lo[0] = cpu.cr0 & ~(1 << 5); cpu.hi[0] = 0;
    expect(step(cpu, insn(64, (a) => a.mov(cr0, rax)))?.vector).toBe(13);
    expect((cpu.cr4 >>> 13) & 1).toBe(1);
  });
});

describe('VMXOFF (SDM 31.3)', () => {
  it('leaves VMX operation: VMX instructions other than VMXON are #UD again', () => {
    const { m, cpu } = setup();
    enter(m, cpu);
    step(cpu, vmxoffI);
    expect(arith(cpu)).toEqual(SUCCEED);
    expect(cpu.vmx?.inVmxOperation).toBe(false);
    expect(step(cpu, vmptrstI)?.vector).toBe(6);
  });

  it('is #UD outside VMX operation', () => {
    const { cpu } = setup();
    expect(step(cpu, vmxoffI)?.vector).toBe(6);
  });
});
