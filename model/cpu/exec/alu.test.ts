// Integer arithmetic and logic (SDM Vol. 2 ADD, ADC, SUB, SBB, CMP, AND, OR, XOR, TEST, INC, DEC, NEG,
// NOT). Every expected value and flag below is worked out by hand from the SDM's definitions
// (Vol. 1 3.4.3.1 for the status flags). AF after AND/OR/XOR/TEST is undefined and never asserted.
import { describe, expect, it } from 'vitest';
import {
  Assembler, al, ah, ax, bl, bx, byte, cl, dword, eax, ebx, ecx, qword, r9, r9d, rax, rbx, rcx, word,
} from '../../../conformance/asm/index.js';
import { UD } from '../fault.js';
import { RAX, RBX, RCX } from '../registers.js';
import { DATA, arith, execute, reg32, reg64, run } from '../../../conformance/harness/cpu.js';

describe('ADD (SDM Vol. 2 ADD)', () => {
  it('8-bit 7Fh + 1 = 80h: signed overflow, OF=1 SF=1 AF=1 CF=0 ZF=0 PF=0', () => {
    const o = run(32, (a) => { a.mov(eax, 0x1234_567F); a.add(al, 1); });
    expect(reg32(o.cpu, RAX)).toBe(0x1234_5680); // only AL changes
    expect(arith(o.flags)).toEqual({ cf: 0, pf: 0, af: 1, zf: 0, sf: 1, of: 1 });
  });
  it('8-bit FFh + 1 = 0: CF=1 ZF=1 AF=1 PF=1 OF=0 SF=0', () => {
    const o = run(32, (a) => { a.mov(eax, 0xFF); a.mov(ebx, 1); a.add(al, bl); });
    expect(reg32(o.cpu, RAX)).toBe(0);
    expect(arith(o.flags)).toEqual({ cf: 1, pf: 1, af: 1, zf: 1, sf: 0, of: 0 });
  });
  it('16-bit 8000h + 8000h = 0: CF=1 OF=1 ZF=1 AF=0 PF=1 SF=0, upper half of EAX kept', () => {
    const o = run(32, (a) => { a.mov(eax, 0xABCD_8000); a.mov(ebx, 0x8000); a.add(ax, bx); });
    expect(reg32(o.cpu, RAX)).toBe(0xABCD_0000);
    expect(arith(o.flags)).toEqual({ cf: 1, pf: 1, af: 0, zf: 1, sf: 0, of: 1 });
  });
  it('32-bit FFFFFFFFh + FFFFFFFFh = FFFFFFFEh: CF=1 SF=1 AF=1 OF=0 PF=0', () => {
    const o = run(32, (a) => { a.mov(eax, 0xFFFF_FFFF); a.mov(ecx, 0xFFFF_FFFF); a.add(eax, ecx); });
    expect(reg32(o.cpu, RAX)).toBe(0xFFFF_FFFE);
    expect(arith(o.flags)).toEqual({ cf: 1, pf: 0, af: 1, zf: 0, sf: 1, of: 0 });
  });
  it('32-bit 7FFFFFFFh + 1 (imm8) = 80000000h: OF=1 SF=1 AF=1 PF=1 CF=0', () => {
    const o = run(32, (a) => { a.mov(eax, 0x7FFF_FFFF); a.add(eax, 1); });
    expect(reg32(o.cpu, RAX)).toBe(0x8000_0000);
    expect(arith(o.flags)).toEqual({ cf: 0, pf: 1, af: 1, zf: 0, sf: 1, of: 1 });
  });
  it('memory destinations: byte, word and dword, register and immediate sources', () => {
    const o = run(32, (a) => {
      a.mov(ebx, DATA);
      a.mov(dword(ebx), 0x1111_1111);
      a.mov(ecx, 0x2222_2222);
      a.add(dword(ebx), ecx); // 33333333h
      a.add(word(ebx, 4), 0x1234); // 0 + 1234h
      a.add(byte(ebx, 8), -1); // 0 + FFh
      a.mov(eax, dword(ebx));
    });
    expect(reg32(o.cpu, RAX)).toBe(0x3333_3333);
    expect(o.machine.memory.read16(DATA + 4)).toBe(0x1234);
    expect(o.machine.memory.read8(DATA + 8)).toBe(0xFF);
    expect(o.machine.memory.read8(DATA + 9)).toBe(0); // a byte operand writes one byte
  });
  it('register destination, memory source', () => {
    const o = run(32, (a) => { a.mov(dword(DATA), 0x8000_0000); a.mov(eax, 0x8000_0000); a.add(eax, dword(DATA)); });
    expect(reg32(o.cpu, RAX)).toBe(0);
    expect(arith(o.flags)).toEqual({ cf: 1, pf: 1, af: 0, zf: 1, sf: 0, of: 1 });
  });
  it('AH as an operand (high byte register)', () => {
    const o = run(32, (a) => { a.mov(eax, 0x0000_0F00); a.add(ah, 1); });
    expect(reg32(o.cpu, RAX)).toBe(0x0000_1000);
    expect(arith(o.flags)).toMatchObject({ af: 1, cf: 0, zf: 0 });
  });
});

describe('ADC (SDM Vol. 2 ADC): DEST + SRC + CF', () => {
  it('32-bit FFFFFFFFh + 0 + CF=1 = 0: CF=1 ZF=1 AF=1 PF=1 OF=0', () => {
    const o = run(32, (a) => { a.mov(eax, 0xFFFF_FFFF); a.stc(); a.adc(eax, 0); });
    expect(reg32(o.cpu, RAX)).toBe(0);
    expect(arith(o.flags)).toEqual({ cf: 1, pf: 1, af: 1, zf: 1, sf: 0, of: 0 });
  });
  it('8-bit 7Fh + 0 + CF=1 = 80h: OF=1 SF=1 AF=1 CF=0', () => {
    const o = run(32, (a) => { a.mov(eax, 0x7F); a.mov(ecx, 0); a.stc(); a.adc(al, cl); });
    expect(reg32(o.cpu, RAX)).toBe(0x80);
    expect(arith(o.flags)).toEqual({ cf: 0, pf: 0, af: 1, zf: 0, sf: 1, of: 1 });
  });
  it('with CF=0 it is ADD: 16-bit FFFFh + 1 = 0, CF=1', () => {
    const o = run(32, (a) => { a.mov(eax, 0xFFFF); a.clc(); a.adc(ax, 1); });
    expect(reg32(o.cpu, RAX)).toBe(0);
    expect(arith(o.flags)).toEqual({ cf: 1, pf: 1, af: 1, zf: 1, sf: 0, of: 0 });
  });
  it('a 64-bit add as two 32-bit halves: ADD then ADC carries', () => {
    // 00000001_FFFFFFFFh + 00000000_00000001h = 00000002_00000000h
    const o = run(32, (a) => { a.mov(eax, 0xFFFF_FFFF); a.mov(ecx, 1); a.add(eax, 1); a.adc(ecx, 0); });
    expect(reg32(o.cpu, RAX)).toBe(0);
    expect(reg32(o.cpu, RCX)).toBe(2);
  });
});

describe('SUB and SBB (SDM Vol. 2 SUB, SBB)', () => {
  it('8-bit 0 - 1 = FFh: CF=1 SF=1 AF=1 PF=1 OF=0 ZF=0', () => {
    const o = run(32, (a) => { a.mov(eax, 0); a.sub(al, 1); });
    expect(reg32(o.cpu, RAX)).toBe(0xFF);
    expect(arith(o.flags)).toEqual({ cf: 1, pf: 1, af: 1, zf: 0, sf: 1, of: 0 });
  });
  it('8-bit 80h - 1 = 7Fh: OF=1 CF=0 AF=1 SF=0 PF=0', () => {
    const o = run(32, (a) => { a.mov(eax, 0x80); a.sub(al, 1); });
    expect(reg32(o.cpu, RAX)).toBe(0x7F);
    expect(arith(o.flags)).toEqual({ cf: 0, pf: 0, af: 1, zf: 0, sf: 0, of: 1 });
  });
  it('32-bit equal operands: 0 with ZF=1 PF=1 and no borrow', () => {
    const o = run(32, (a) => { a.mov(eax, 0x1234_5678); a.mov(ebx, 0x1234_5678); a.sub(eax, ebx); });
    expect(reg32(o.cpu, RAX)).toBe(0);
    expect(arith(o.flags)).toEqual({ cf: 0, pf: 1, af: 0, zf: 1, sf: 0, of: 0 });
  });
  it('SBB 32-bit 0 - 0 - CF=1 = FFFFFFFFh: CF=1 SF=1 AF=1 PF=1 OF=0', () => {
    const o = run(32, (a) => { a.mov(eax, 0); a.stc(); a.sbb(eax, 0); });
    expect(reg32(o.cpu, RAX)).toBe(0xFFFF_FFFF);
    expect(arith(o.flags)).toEqual({ cf: 1, pf: 1, af: 1, zf: 0, sf: 1, of: 0 });
  });
  it('SBB 16-bit 8000h - 0 - CF=1 = 7FFFh: OF=1 CF=0 AF=1 PF=1', () => {
    const o = run(32, (a) => { a.mov(eax, 0x8000); a.mov(ebx, 0); a.stc(); a.sbb(ax, bx); });
    expect(reg32(o.cpu, RAX)).toBe(0x7FFF);
    expect(arith(o.flags)).toEqual({ cf: 0, pf: 1, af: 1, zf: 0, sf: 0, of: 1 });
  });
  it('SBB with a memory destination: 5 - 5 - 1 borrows', () => {
    const o = run(32, (a) => { a.mov(dword(DATA), 5); a.mov(ecx, 5); a.stc(); a.sbb(dword(DATA), ecx); a.mov(eax, dword(DATA)); });
    expect(reg32(o.cpu, RAX)).toBe(0xFFFF_FFFF);
    expect(arith(o.flags)).toMatchObject({ cf: 1, zf: 0, sf: 1 });
  });
});

describe('CMP and TEST (SDM Vol. 2 CMP, TEST): flags only', () => {
  it('CMP 5, 7: flags of 5 - 7 = FFFFFFFEh (CF=1 SF=1 AF=1 PF=0 OF=0), operands unchanged', () => {
    const o = run(32, (a) => { a.mov(eax, 5); a.mov(ebx, 7); a.cmp(eax, ebx); });
    expect(reg32(o.cpu, RAX)).toBe(5);
    expect(arith(o.flags)).toEqual({ cf: 1, pf: 0, af: 1, zf: 0, sf: 1, of: 0 });
  });
  it('CMP byte [mem], imm: 80h vs 1 sets OF (signed -128 - 1 overflows)', () => {
    const o = run(32, (a) => { a.mov(byte(DATA), 0x80); a.cmp(byte(DATA), 1); });
    expect(o.machine.memory.read8(DATA)).toBe(0x80);
    expect(arith(o.flags)).toEqual({ cf: 0, pf: 0, af: 1, zf: 0, sf: 0, of: 1 });
  });
  it('TEST 8-bit 80h & 80h: SF=1 ZF=0 PF=0 CF=0 OF=0 (AF undefined)', () => {
    const o = run(32, (a) => { a.mov(eax, 0x80); a.stc(); a.test(al, 0x80); });
    expect(reg32(o.cpu, RAX)).toBe(0x80);
    expect(arith(o.flags)).toMatchObject({ cf: 0, pf: 0, zf: 0, sf: 1, of: 0 });
  });
  it('TEST dword [mem], reg with no common bits: ZF=1', () => {
    const o = run(32, (a) => { a.mov(dword(DATA), 0xF0F0_F0F0); a.mov(ecx, 0x0F0F_0F0F); a.test(dword(DATA), ecx); });
    expect(arith(o.flags)).toMatchObject({ cf: 0, pf: 1, zf: 1, sf: 0, of: 0 });
  });
});

describe('AND, OR, XOR (SDM Vol. 2 AND, OR, XOR): CF = OF = 0, SF/ZF/PF from the result, AF undefined', () => {
  it('AND 16-bit F0F0h & 0FF0h = 00F0h: PF=1 (four ones)', () => {
    const o = run(32, (a) => { a.mov(eax, 0xF0F0); a.stc(); a.and_(ax, 0x0FF0); });
    expect(reg32(o.cpu, RAX)).toBe(0x00F0);
    expect(arith(o.flags)).toMatchObject({ cf: 0, pf: 1, zf: 0, sf: 0, of: 0 });
  });
  it('OR 8-bit 80h | 01h = 81h: SF=1 PF=1', () => {
    const o = run(32, (a) => { a.mov(eax, 0x80); a.mov(ecx, 1); a.or_(al, cl); });
    expect(reg32(o.cpu, RAX)).toBe(0x81);
    expect(arith(o.flags)).toMatchObject({ cf: 0, pf: 1, zf: 0, sf: 1, of: 0 });
  });
  it('XOR EAX, EAX = 0: ZF=1 PF=1', () => {
    const o = run(32, (a) => { a.mov(eax, 0xDEAD_BEEF); a.xor(eax, eax); });
    expect(reg32(o.cpu, RAX)).toBe(0);
    expect(arith(o.flags)).toMatchObject({ cf: 0, pf: 1, zf: 1, sf: 0, of: 0 });
  });
  it('XOR on memory with an immediate', () => {
    const o = run(32, (a) => { a.mov(dword(DATA), 0xFFFF_0000); a.xor(dword(DATA), 0xFFFF_FFFF); a.mov(eax, dword(DATA)); });
    expect(reg32(o.cpu, RAX)).toBe(0x0000_FFFF);
    expect(arith(o.flags)).toMatchObject({ cf: 0, pf: 1, zf: 0, sf: 0, of: 0 });
  });
});

describe('INC and DEC (SDM Vol. 2 INC, DEC): CF is not affected', () => {
  it('INC 8-bit FFh = 0 with CF left at 1: ZF=1 AF=1 PF=1 OF=0', () => {
    const o = run(32, (a) => { a.mov(eax, 0xFF); a.stc(); a.inc(al); });
    expect(reg32(o.cpu, RAX)).toBe(0);
    expect(arith(o.flags)).toEqual({ cf: 1, pf: 1, af: 1, zf: 1, sf: 0, of: 0 });
  });
  it('INC 32-bit 7FFFFFFFh = 80000000h with CF left at 0: OF=1 SF=1 AF=1 PF=1', () => {
    const o = run(32, (a) => { a.mov(ecx, 0x7FFF_FFFF); a.clc(); a.inc(ecx); });
    expect(reg32(o.cpu, RCX)).toBe(0x8000_0000);
    expect(arith(o.flags)).toEqual({ cf: 0, pf: 1, af: 1, zf: 0, sf: 1, of: 1 });
  });
  it('DEC 16-bit 8000h = 7FFFh: OF=1 AF=1 PF=1 SF=0, CF kept at 1', () => {
    const o = run(32, (a) => { a.mov(ebx, 0x8000); a.stc(); a.dec(bx); });
    expect(reg32(o.cpu, RBX)).toBe(0x7FFF);
    expect(arith(o.flags)).toEqual({ cf: 1, pf: 1, af: 1, zf: 0, sf: 0, of: 1 });
  });
  it('DEC 8-bit 1 = 0: ZF=1 PF=1 AF=0', () => {
    const o = run(32, (a) => { a.mov(ecx, 0x101); a.clc(); a.dec(cl); });
    expect(reg32(o.cpu, RCX)).toBe(0x100);
    expect(arith(o.flags)).toEqual({ cf: 0, pf: 1, af: 0, zf: 1, sf: 0, of: 0 });
  });
  it('INC/DEC keep the carry of an earlier ADD through several steps', () => {
    const o = run(32, (a) => { a.mov(eax, 0xFFFF_FFFF); a.add(eax, 1); a.inc(ecx); a.dec(ecx); a.dec(ecx); });
    expect(arith(o.flags).cf).toBe(1);
  });
  it('INC dword [mem]', () => {
    const o = run(32, (a) => { a.mov(dword(DATA), 0xFFFF_FFFF); a.inc(dword(DATA)); a.mov(eax, dword(DATA)); });
    expect(reg32(o.cpu, RAX)).toBe(0);
    expect(arith(o.flags)).toMatchObject({ zf: 1, af: 1, of: 0 });
  });
});

describe('NEG and NOT (SDM Vol. 2 NEG, NOT)', () => {
  it('NEG 8-bit 80h = 80h: OF=1 CF=1 SF=1 AF=0 PF=0', () => {
    const o = run(32, (a) => { a.mov(eax, 0x80); a.neg(al); });
    expect(reg32(o.cpu, RAX)).toBe(0x80);
    expect(arith(o.flags)).toEqual({ cf: 1, pf: 0, af: 0, zf: 0, sf: 1, of: 1 });
  });
  it('NEG 32-bit 0 = 0: CF=0 ZF=1 PF=1', () => {
    const o = run(32, (a) => { a.mov(eax, 0); a.stc(); a.neg(eax); });
    expect(reg32(o.cpu, RAX)).toBe(0);
    expect(arith(o.flags)).toEqual({ cf: 0, pf: 1, af: 0, zf: 1, sf: 0, of: 0 });
  });
  it('NEG 16-bit 1 = FFFFh: CF=1 SF=1 AF=1 PF=1', () => {
    const o = run(32, (a) => { a.mov(eax, 1); a.neg(ax); });
    expect(reg32(o.cpu, RAX)).toBe(0xFFFF);
    expect(arith(o.flags)).toEqual({ cf: 1, pf: 1, af: 1, zf: 0, sf: 1, of: 0 });
  });
  it('NOT changes no flags', () => {
    const o = run(32, (a) => { a.mov(eax, 0x5A); a.mov(ecx, 0); a.add(ecx, 0); a.stc(); a.not_(al); a.not_(dword(DATA)); a.mov(ebx, dword(DATA)); });
    expect(reg32(o.cpu, RAX)).toBe(0xA5);
    expect(reg32(o.cpu, RBX)).toBe(0xFFFF_FFFF);
    expect(arith(o.flags)).toEqual({ cf: 1, pf: 1, af: 0, zf: 1, sf: 0, of: 0 });
  });
});

describe('64-bit operands (SDM Vol. 2, 64-bit mode forms)', () => {
  it('ADD carries from bit 31 into bit 32: FFFFFFFFh + 1 = 1_00000000h, CF=0 AF=1 PF=1', () => {
    const o = run(64, (a) => { a.mov(rax, 0xFFFF_FFFF); a.add(rax, 1); });
    expect(reg64(o.cpu, RAX)).toBe(0x1_0000_0000n);
    expect(arith(o.flags)).toEqual({ cf: 0, pf: 1, af: 1, zf: 0, sf: 0, of: 0 });
  });
  it('ADD all-ones + 1 = 0: CF=1 ZF=1', () => {
    const o = run(64, (a) => { a.mov(rax, -1); a.mov(rbx, 1); a.add(rax, rbx); });
    expect(reg64(o.cpu, RAX)).toBe(0n);
    expect(arith(o.flags)).toEqual({ cf: 1, pf: 1, af: 1, zf: 1, sf: 0, of: 0 });
  });
  it('ADD 7FFF...FFh + 1: OF=1 SF=1', () => {
    const o = run(64, (a) => { a.mov(rax, 0x7FFF_FFFF_FFFF_FFFFn); a.add(rax, 1); });
    expect(reg64(o.cpu, RAX)).toBe(0x8000_0000_0000_0000n);
    expect(arith(o.flags)).toEqual({ cf: 0, pf: 1, af: 1, zf: 0, sf: 1, of: 1 });
  });
  it('SUB borrows from bit 32: 1_00000000h - 1 = FFFFFFFFh, CF=0 AF=1 PF=1', () => {
    const o = run(64, (a) => { a.mov(rax, 0x1_0000_0000n); a.sub(rax, 1); });
    expect(reg64(o.cpu, RAX)).toBe(0xFFFF_FFFFn);
    expect(arith(o.flags)).toEqual({ cf: 0, pf: 1, af: 1, zf: 0, sf: 0, of: 0 });
  });
  it('SUB 0 - 1 = all ones with CF=1, and CMP of halves that differ only in the upper half', () => {
    const o = run(64, (a) => { a.xor(eax, eax); a.sub(rax, 1); a.mov(rbx, 0x1_0000_0000n); a.mov(rcx, 0x2_0000_0000n); a.cmp(rbx, rcx); });
    expect(reg64(o.cpu, RAX)).toBe(0xFFFF_FFFF_FFFF_FFFFn);
    expect(arith(o.flags)).toEqual({ cf: 1, pf: 1, af: 0, zf: 0, sf: 1, of: 0 });
  });
  it('ADC and SBB through the upper half', () => {
    const o = run(64, (a) => {
      a.mov(rax, -1); a.stc(); a.adc(rax, 0); // 0, CF=1
      a.mov(rbx, 0); a.sbb(rbx, 0); // 0 - 0 - 1 = -1, CF=1
      a.mov(rcx, 0x8000_0000_0000_0000n); a.clc(); a.sbb(rcx, 1); // 7FFF...FF, OF=1
    });
    expect(reg64(o.cpu, RAX)).toBe(0n);
    expect(reg64(o.cpu, RBX)).toBe(0xFFFF_FFFF_FFFF_FFFFn);
    expect(reg64(o.cpu, RCX)).toBe(0x7FFF_FFFF_FFFF_FFFFn);
    expect(arith(o.flags)).toEqual({ cf: 0, pf: 1, af: 1, zf: 0, sf: 0, of: 1 });
  });
  it('a 32-bit operation clears bits 63:32; 8- and 16-bit ones keep them (SDM Vol. 1 3.4.1.1)', () => {
    const o = run(64, (a) => { a.mov(rax, -1); a.add(eax, 0); a.mov(rbx, -1); a.add(bl, 1); a.add(bx, 0); a.mov(r9, -1); a.xor(r9d, r9d); });
    expect(reg64(o.cpu, RAX)).toBe(0xFFFF_FFFFn);
    expect(reg64(o.cpu, RBX)).toBe(0xFFFF_FFFF_FFFF_FF00n);
    expect(reg64(o.cpu, 9)).toBe(0n);
  });
  it('INC and DEC across the halves, NEG and NOT at 64 bits', () => {
    const o = run(64, (a) => {
      a.mov(rax, 0xFFFF_FFFF); a.inc(rax);
      a.xor(ebx, ebx); a.dec(rbx);
      a.mov(rcx, 1); a.neg(rcx);
      a.mov(qword(DATA), 0); a.not_(qword(DATA)); a.mov(r9, qword(DATA));
    });
    expect(reg64(o.cpu, RAX)).toBe(0x1_0000_0000n);
    expect(reg64(o.cpu, RBX)).toBe(0xFFFF_FFFF_FFFF_FFFFn);
    expect(reg64(o.cpu, RCX)).toBe(0xFFFF_FFFF_FFFF_FFFFn);
    expect(reg64(o.cpu, 9)).toBe(0xFFFF_FFFF_FFFF_FFFFn);
    expect(arith(o.flags)).toEqual({ cf: 1, pf: 1, af: 1, zf: 0, sf: 1, of: 0 }); // from NEG 1
  });
  it('ADD qword [mem], imm32 sign-extends the immediate', () => {
    const o = run(64, (a) => { a.mov(rbx, 0x1_0000_0000n); a.mov(qword(DATA), rbx); a.add(qword(DATA), -1); a.mov(rax, qword(DATA)); });
    expect(reg64(o.cpu, RAX)).toBe(0xFFFF_FFFFn);
    expect(arith(o.flags).cf).toBe(1);
  });
});

describe('LOCK (SDM Vol. 2 LOCK): only with a memory destination of a lockable instruction', () => {
  it('LOCK ADD [EBX], EAX executes (F0 01 03)', () => {
    const o = execute(new Uint8Array([0xBB, 0x00, 0x00, 0x20, 0x00, 0xB8, 0x05, 0, 0, 0, 0xF0, 0x01, 0x03, 0xF4]), 'prot32', (cpu) => {
      cpu.memory.write32(DATA, 10);
    });
    expect(o.fault).toBeUndefined();
    expect(o.machine.memory.read32(DATA)).toBe(15);
  });
  it('LOCK ADD EBX, EAX (register destination, F0 01 C3) and LOCK MOV (F0 8B 03) are #UD', () => {
    expect(execute(new Uint8Array([0xF0, 0x01, 0xC3, 0xF4]), 'prot32').fault?.vector).toBe(UD);
    expect(execute(new Uint8Array([0xF0, 0x8B, 0x03, 0xF4]), 'prot32').fault?.vector).toBe(UD);
  });
});

describe('more edge cases', () => {
  it('DEC of the most negative 64-bit value: 7FFF...FFh with OF=1, AF=1', () => {
    const o = run(64, (a) => { a.mov(rax, 0x8000_0000_0000_0000n); a.dec(rax); });
    expect(reg64(o.cpu, RAX)).toBe(0x7FFF_FFFF_FFFF_FFFFn);
    expect(arith(o.flags)).toEqual({ cf: 0, pf: 1, af: 1, zf: 0, sf: 0, of: 1 });
  });
  it('real mode 16-bit arithmetic: FFFFh + 1 in AX', () => {
    const a = new Assembler(16);
    a.mov(ax, 0xFFFF); a.mov(bx, 1); a.add(ax, bx); a.hlt();
    const o = execute(a.assemble(0n).bytes, 'real');
    expect(reg32(o.cpu, RAX) & 0xFFFF).toBe(0);
    expect(arith(o.flags)).toEqual({ cf: 1, pf: 1, af: 1, zf: 1, sf: 0, of: 0 });
  });
});
