// Shifts and rotates (SDM Vol. 2 SAL/SAR/SHL/SHR, RCL/RCR/ROL/ROR, SHLD, SHRD). Expected results are
// worked out by hand from the Operation sections. Not asserted, because the SDM leaves them
// undefined: AF after any shift with a nonzero count, OF after shifts and rotates by more than one,
// CF after SHL/SHR by at least the operand width.
import { describe, expect, it } from 'vitest';
import { al, ax, bl, bx, byte, cl, dword, eax, ebx, ecx, rax, rbx, rcx } from '../../../conformance/asm/index.js';
import { RAX, RBX, RCX } from '../registers.js';
import { DATA, arith, reg32, reg64, run } from '../../../conformance/harness/cpu.js';

describe('SHL/SAL (SDM Vol. 2 SAL/SAR/SHL/SHR)', () => {
  it('SHL AL, 1: 81h -> 02h, CF=1 (bit 7 out), OF = MSB(result) XOR CF = 1, SF=0 ZF=0 PF=0', () => {
    const o = run(32, (a) => { a.mov(eax, 0x81); a.shl(al, 1); });
    expect(reg32(o.cpu, RAX)).toBe(0x02);
    expect(arith(o.flags)).toMatchObject({ cf: 1, of: 1, sf: 0, zf: 0, pf: 0 });
  });
  it('SHL EAX, 4: F000000Fh -> F0h, CF = bit 28 = 1, PF=1', () => {
    const o = run(32, (a) => { a.mov(eax, 0xF000_000F); a.shl(eax, 4); });
    expect(reg32(o.cpu, RAX)).toBe(0xF0);
    expect(arith(o.flags)).toMatchObject({ cf: 1, sf: 0, zf: 0, pf: 1 });
  });
  it('a count of 33 is masked to 1: 80000001h -> 2, CF=1 OF=1', () => {
    const o = run(32, (a) => { a.mov(eax, 0x8000_0001); a.mov(ecx, 33); a.shl(eax, cl); });
    expect(reg32(o.cpu, RAX)).toBe(2);
    expect(arith(o.flags)).toMatchObject({ cf: 1, of: 1, sf: 0, zf: 0, pf: 0 });
  });
  it('a count of 0 (CL = 32 masked) changes neither the value nor any flag', () => {
    const o = run(32, (a) => { a.mov(eax, 5); a.cmp(eax, 7); a.mov(ecx, 32); a.shl(eax, cl); a.shr(eax, cl); a.rol(eax, cl); a.rcr(eax, cl); });
    expect(reg32(o.cpu, RAX)).toBe(5);
    expect(arith(o.flags)).toEqual({ cf: 1, pf: 0, af: 1, zf: 0, sf: 1, of: 0 }); // still those of CMP 5, 7
  });
  it('an 8-bit shift by 8 (masked count 8 = the width) leaves 0: ZF=1 PF=1 SF=0', () => {
    const o = run(32, (a) => { a.mov(eax, 0xFF); a.shl(al, 8); });
    expect(reg32(o.cpu, RAX)).toBe(0);
    expect(arith(o.flags)).toMatchObject({ zf: 1, pf: 1, sf: 0 });
  });
  it('SHL dword [mem], 1 and SAL byte [mem], CL', () => {
    const o = run(32, (a) => {
      a.mov(dword(DATA), 0x4000_0000); a.shl(dword(DATA), 1);
      a.mov(byte(DATA + 4), 0x03); a.mov(ecx, 2); a.insn('shl', byte(DATA + 4), cl);
    });
    expect(o.machine.memory.read32(DATA) >>> 0).toBe(0x8000_0000);
    expect(o.machine.memory.read8(DATA + 4)).toBe(0x0C);
    expect(arith(o.flags)).toMatchObject({ cf: 0, sf: 0, zf: 0, pf: 1 });
  });
});

describe('SHR and SAR (SDM Vol. 2 SAL/SAR/SHL/SHR)', () => {
  it('SHR AL, 1: 81h -> 40h, CF=1, OF = MSB of the original = 1, PF=0', () => {
    const o = run(32, (a) => { a.mov(eax, 0x81); a.shr(al, 1); });
    expect(reg32(o.cpu, RAX)).toBe(0x40);
    expect(arith(o.flags)).toMatchObject({ cf: 1, of: 1, sf: 0, zf: 0, pf: 0 });
  });
  it('SHR EAX, 31: 80000000h -> 1, CF = bit 30 = 0', () => {
    const o = run(32, (a) => { a.mov(eax, 0x8000_0000); a.stc(); a.shr(eax, 31); });
    expect(reg32(o.cpu, RAX)).toBe(1);
    expect(arith(o.flags)).toMatchObject({ cf: 0, sf: 0, zf: 0, pf: 0 });
  });
  it('SHR AX, CL with CL = 16 (the width) gives 0 and keeps bits 31:16', () => {
    const o = run(32, (a) => { a.mov(eax, 0x1234_FFFF); a.mov(ecx, 16); a.shr(ax, cl); });
    expect(reg32(o.cpu, RAX)).toBe(0x1234_0000);
    expect(arith(o.flags)).toMatchObject({ zf: 1, sf: 0, pf: 1 });
  });
  it('SAR AL, 1: 81h -> C0h, CF=1 OF=0 SF=1 PF=1', () => {
    const o = run(32, (a) => { a.mov(eax, 0x81); a.sar(al, 1); });
    expect(reg32(o.cpu, RAX)).toBe(0xC0);
    expect(arith(o.flags)).toMatchObject({ cf: 1, of: 0, sf: 1, zf: 0, pf: 1 });
  });
  it('SAR EAX, 31: 80000000h -> FFFFFFFFh, CF = bit 30 = 0', () => {
    const o = run(32, (a) => { a.mov(eax, 0x8000_0000); a.sar(eax, 31); });
    expect(reg32(o.cpu, RAX)).toBe(0xFFFF_FFFF);
    expect(arith(o.flags)).toMatchObject({ cf: 0, sf: 1, zf: 0, pf: 1 });
  });
  it('SAR BL, CL with CL = 9 (beyond the width) fills with the sign', () => {
    const o = run(32, (a) => { a.mov(ebx, 0x80); a.mov(ecx, 9); a.sar(bl, cl); });
    expect(reg32(o.cpu, RBX)).toBe(0xFF);
    expect(arith(o.flags)).toMatchObject({ cf: 1, sf: 1, zf: 0, pf: 1 });
  });
});

describe('ROL, ROR (SDM Vol. 2 RCL/RCR/ROL/ROR): only CF and OF change', () => {
  it('ROL AL, 1: 81h -> 03h, CF = LSB = 1, OF = MSB XOR CF = 1', () => {
    const o = run(32, (a) => { a.mov(eax, 0x81); a.rol(al, 1); });
    expect(reg32(o.cpu, RAX)).toBe(0x03);
    expect(arith(o.flags)).toMatchObject({ cf: 1, of: 1 });
  });
  it('ROL EAX, 8: 12345678h -> 34567812h, CF=0, ZF of the earlier CMP kept', () => {
    const o = run(32, (a) => { a.mov(eax, 0x1234_5678); a.cmp(eax, eax); a.rol(eax, 8); });
    expect(reg32(o.cpu, RAX)).toBe(0x3456_7812);
    expect(arith(o.flags)).toMatchObject({ cf: 0, zf: 1, pf: 1, sf: 0 });
  });
  it('ROL AX, 16: the rotation is a multiple of the width, the value stays, CF = LSB = 1', () => {
    const o = run(32, (a) => { a.mov(eax, 0x8001); a.clc(); a.rol(ax, 16); });
    expect(reg32(o.cpu, RAX)).toBe(0x8001);
    expect(arith(o.flags).cf).toBe(1);
  });
  it('ROR AL, 1: 01h -> 80h, CF = MSB = 1, OF = MSB XOR next = 1', () => {
    const o = run(32, (a) => { a.mov(eax, 0x01); a.ror(al, 1); });
    expect(reg32(o.cpu, RAX)).toBe(0x80);
    expect(arith(o.flags)).toMatchObject({ cf: 1, of: 1 });
  });
  it('ROR EAX, 4: 12345678h -> 81234567h, CF=1; ROR byte [mem], CL', () => {
    const o = run(32, (a) => { a.mov(eax, 0x1234_5678); a.ror(eax, 4); a.mov(byte(DATA), 0x0F); a.mov(ecx, 4); a.ror(byte(DATA), cl); });
    expect(reg32(o.cpu, RAX)).toBe(0x8123_4567);
    expect(o.machine.memory.read8(DATA)).toBe(0xF0);
    expect(arith(o.flags).cf).toBe(1);
  });
});

describe('RCL, RCR (SDM Vol. 2 RCL/RCR/ROL/ROR): rotations through CF', () => {
  it('RCL AL, 1 with CF=1: 80h -> 01h, CF=1, OF = MSB XOR CF = 1', () => {
    const o = run(32, (a) => { a.mov(eax, 0x80); a.stc(); a.rcl(al, 1); });
    expect(reg32(o.cpu, RAX)).toBe(0x01);
    expect(arith(o.flags)).toMatchObject({ cf: 1, of: 1 });
  });
  it('RCL AL, 9: the 9-bit rotation is complete, AL and CF unchanged', () => {
    const o = run(32, (a) => { a.mov(eax, 0x5A); a.clc(); a.rcl(al, 9); });
    expect(reg32(o.cpu, RAX)).toBe(0x5A);
    expect(arith(o.flags).cf).toBe(0);
  });
  it('RCL EAX, 1 with CF=0: 80000000h -> 0, CF=1, OF=1, ZF not touched', () => {
    const o = run(32, (a) => { a.mov(eax, 0x8000_0000); a.mov(ecx, 1); a.add(ecx, ecx); a.rcl(eax, 1); });
    expect(reg32(o.cpu, RAX)).toBe(0);
    expect(arith(o.flags)).toMatchObject({ cf: 1, of: 1, zf: 0 });
  });
  it('RCL AX, 4 with CF=1: 1234h -> 2348h, CF=1', () => {
    const o = run(32, (a) => { a.mov(eax, 0x1234); a.stc(); a.rcl(ax, 4); });
    expect(reg32(o.cpu, RAX)).toBe(0x2348);
    expect(arith(o.flags).cf).toBe(1);
  });
  it('RCR AL, 1 with CF=1: 01h -> 80h, CF=1, OF = old MSB XOR CF = 1', () => {
    const o = run(32, (a) => { a.mov(eax, 0x01); a.stc(); a.rcr(al, 1); });
    expect(reg32(o.cpu, RAX)).toBe(0x80);
    expect(arith(o.flags)).toMatchObject({ cf: 1, of: 1 });
  });
  it('RCR EAX, 1 with CF=0: 1 -> 0, CF=1, OF=0', () => {
    const o = run(32, (a) => { a.mov(eax, 1); a.clc(); a.rcr(eax, 1); });
    expect(reg32(o.cpu, RAX)).toBe(0);
    expect(arith(o.flags)).toMatchObject({ cf: 1, of: 0 });
  });
  it('RCR BL, 3 with CF=0: 0Fh -> C1h, CF=1', () => {
    const o = run(32, (a) => { a.mov(ebx, 0x0F); a.clc(); a.rcr(bl, 3); });
    expect(reg32(o.cpu, RBX)).toBe(0xC1);
    expect(arith(o.flags).cf).toBe(1);
  });
  it('RCR EAX, 3 with CF=1: 0Fh -> E0000001h, CF=1', () => {
    // 1: CF<-1, EAX = 7h | 1<<31 = 80000007h; 2: CF<-1, EAX = 40000003h | 1<<31 = C0000003h;
    // 3: CF<-1, EAX = 60000001h | 1<<31 = E0000001h.
    const o = run(32, (a) => { a.mov(eax, 0x0F); a.stc(); a.rcr(eax, 3); });
    expect(reg32(o.cpu, RAX)).toBe(0xE000_0001);
    expect(arith(o.flags).cf).toBe(1);
  });
});

describe('SHLD, SHRD (SDM Vol. 2 SHLD, SHRD)', () => {
  it('SHLD EAX, EBX, 4: 12345678h:9ABCDEF0h -> 23456789h, CF = bit 28 = 1, PF=0', () => {
    const o = run(32, (a) => { a.mov(eax, 0x1234_5678); a.mov(ebx, 0x9ABC_DEF0); a.shld(eax, ebx, 4); });
    expect(reg32(o.cpu, RAX)).toBe(0x2345_6789);
    expect(reg32(o.cpu, RBX)).toBe(0x9ABC_DEF0);
    expect(arith(o.flags)).toMatchObject({ cf: 1, sf: 0, zf: 0, pf: 0 });
  });
  it('SHRD EAX, EBX, 4: -> 01234567h, CF = bit 3 = 1', () => {
    const o = run(32, (a) => { a.mov(eax, 0x1234_5678); a.mov(ebx, 0x9ABC_DEF0); a.shrd(eax, ebx, 4); });
    expect(reg32(o.cpu, RAX)).toBe(0x0123_4567);
    expect(arith(o.flags)).toMatchObject({ cf: 1, sf: 0, zf: 0, pf: 0 });
  });
  it('SHLD AX, BX, 1: 4000h -> 8001h, OF=1 (sign changed), SF=1, CF=0', () => {
    const o = run(32, (a) => { a.mov(eax, 0x4000); a.mov(ebx, 0x8000); a.shld(ax, bx, 1); });
    expect(reg32(o.cpu, RAX)).toBe(0x8001);
    expect(arith(o.flags)).toMatchObject({ cf: 0, of: 1, sf: 1, zf: 0 });
  });
  it('SHRD dword [mem], EBX, CL with CL = 32 (masked to 0) does nothing', () => {
    const o = run(32, (a) => { a.mov(dword(DATA), 0x55); a.mov(ebx, -1); a.mov(ecx, 32); a.stc(); a.shrd(dword(DATA), ebx, cl); });
    expect(o.machine.memory.read32(DATA)).toBe(0x55);
    expect(arith(o.flags).cf).toBe(1);
  });
  it('SHRD word [mem], BX, 8', () => {
    const o = run(32, (a) => { a.mov(dword(DATA), 0x1234); a.mov(ebx, 0xABCD); a.shrd(dword(DATA).withSize('word'), bx, 8); });
    expect(o.machine.memory.read16(DATA)).toBe(0xCD12);
    expect(arith(o.flags)).toMatchObject({ cf: 0, sf: 1 });
  });
});

describe('64-bit shifts and rotates (6-bit count mask)', () => {
  it('SHL RAX, 32 and 33 move bits across the halves; CF = the last bit out', () => {
    const o = run(64, (a) => { a.mov(rax, 0x8000_0001); a.shl(rax, 32); a.mov(rbx, 0x8000_0001); a.shl(rbx, 33); });
    expect(reg64(o.cpu, RAX)).toBe(0x8000_0001_0000_0000n);
    expect(reg64(o.cpu, RBX)).toBe(0x2_0000_0000n);
    expect(arith(o.flags)).toMatchObject({ cf: 1, sf: 0, zf: 0 });
  });
  it('SHR RAX, 63 and SAR RBX, 40', () => {
    const o = run(64, (a) => { a.mov(rax, 0x8000_0000_0000_0000n); a.shr(rax, 63); a.mov(rbx, 0x8000_0000_0000_0000n); a.sar(rbx, 40); });
    expect(reg64(o.cpu, RAX)).toBe(1n);
    expect(reg64(o.cpu, RBX)).toBe(0xFFFF_FFFF_FF80_0000n);
    expect(arith(o.flags)).toMatchObject({ cf: 0, sf: 1, zf: 0 });
  });
  it('SHL RAX, CL with CL = 65 is a shift by 1; SHL EAX, CL with CL = 0 still clears bits 63:32', () => {
    const o = run(64, (a) => {
      a.mov(rax, 0xC000_0000_0000_0000n); a.mov(ecx, 65); a.shl(rax, cl);
      a.mov(rbx, -1); a.xor(ecx, ecx); a.shl(ebx, cl);
    });
    expect(reg64(o.cpu, RAX)).toBe(0x8000_0000_0000_0000n);
    expect(reg64(o.cpu, RBX)).toBe(0xFFFF_FFFFn);
  });
  it('ROL RAX, 4 and ROR RBX, 36', () => {
    const o = run(64, (a) => { a.mov(rax, 0x1234_5678_9ABC_DEF0n); a.rol(rax, 4); a.mov(rbx, 0x1234_5678_9ABC_DEF0n); a.ror(rbx, 36); });
    expect(reg64(o.cpu, RAX)).toBe(0x2345_6789_ABCD_EF01n);
    expect(reg64(o.cpu, RBX)).toBe(0x89AB_CDEF_0123_4567n);
    expect(arith(o.flags).cf).toBe(1);
  });
  it('RCL RAX, 1 and RCR RBX, 2 through CF', () => {
    const o = run(64, (a) => { a.mov(rax, 0x8000_0000_0000_0000n); a.stc(); a.rcl(rax, 1); a.mov(rbx, 3); a.clc(); a.rcr(rbx, 2); });
    expect(reg64(o.cpu, RAX)).toBe(1n);
    expect(reg64(o.cpu, RBX)).toBe(0x8000_0000_0000_0000n);
    expect(arith(o.flags).cf).toBe(1);
  });
  it('SHLD RAX, RBX, 36 and SHRD RCX, RBX, 4', () => {
    const o = run(64, (a) => {
      a.mov(rax, 0x1234_5678); a.mov(rbx, 0xABCD_EF00_0000_0000n); a.shld(rax, rbx, 36);
      a.mov(rcx, 1); a.mov(rbx, 0xF); a.shrd(rcx, rbx, 4);
    });
    expect(reg64(o.cpu, RAX)).toBe(0x2345_678A_BCDE_F000n);
    expect(reg64(o.cpu, RCX)).toBe(0xF000_0000_0000_0000n);
    expect(arith(o.flags)).toMatchObject({ cf: 0, sf: 1, zf: 0 });
  });
});
