// Multiplication and division (SDM Vol. 2 MUL, IMUL, DIV, IDIV). Products and quotients are worked out
// by hand. SF, ZF, AF and PF after MUL/IMUL and every flag after DIV/IDIV are undefined in the SDM
// and not asserted; CF = OF after MUL/IMUL are.
import { describe, expect, it } from 'vitest';
import { ax, bl, cx, dword, eax, ebx, ecx, edx, rax, rcx, rdx } from '../../../conformance/asm/index.js';
import { DE } from '../fault.js';
import { RAX, RDX } from '../registers.js';
import { DATA, arith, reg32, reg64, run, type Outcome } from '../../../conformance/harness/cpu.js';

const cfof = (o: Outcome) => ({ cf: arith(o.flags).cf, of: arith(o.flags).of });

describe('MUL (SDM Vol. 2 MUL): CF = OF = 1 when the upper half of the product is not 0', () => {
  it('8-bit: 80h * 2 = 0100h in AX (CF=OF=1); 10h * 0Fh = 00F0h (CF=OF=0)', () => {
    const o = run(32, (a) => { a.mov(eax, 0xAAAA_0080); a.mov(ebx, 2); a.mul(bl); });
    expect(reg32(o.cpu, RAX)).toBe(0xAAAA_0100);
    expect(cfof(o)).toEqual({ cf: 1, of: 1 });
    const p = run(32, (a) => { a.mov(eax, 0x10); a.mov(ebx, 0x0F); a.mul(bl); });
    expect(reg32(p.cpu, RAX)).toBe(0xF0);
    expect(cfof(p)).toEqual({ cf: 0, of: 0 });
  });
  it('16-bit: FFFFh * FFFFh = FFFE0001h in DX:AX, the upper halves of EAX and EDX kept', () => {
    const o = run(32, (a) => { a.mov(eax, 0x1111_FFFF); a.mov(edx, 0x2222_0000); a.mov(ecx, 0xFFFF); a.mul(cx); });
    expect(reg32(o.cpu, RAX)).toBe(0x1111_0001);
    expect(reg32(o.cpu, RDX)).toBe(0x2222_FFFE);
    expect(cfof(o)).toEqual({ cf: 1, of: 1 });
  });
  it('32-bit: FFFFFFFFh * FFFFFFFFh = FFFFFFFE_00000001h; 10000h * 10000h = 1_00000000h; 3 * 5', () => {
    const o = run(32, (a) => { a.mov(eax, 0xFFFF_FFFF); a.mov(ecx, 0xFFFF_FFFF); a.mul(ecx); });
    expect(reg32(o.cpu, RAX)).toBe(1);
    expect(reg32(o.cpu, RDX)).toBe(0xFFFF_FFFE);
    expect(cfof(o)).toEqual({ cf: 1, of: 1 });
    const p = run(32, (a) => { a.mov(eax, 0x1_0000); a.mov(dword(DATA), 0x1_0000); a.mul(dword(DATA)); });
    expect(reg32(p.cpu, RAX)).toBe(0);
    expect(reg32(p.cpu, RDX)).toBe(1);
    const q = run(32, (a) => { a.mov(eax, 3); a.mov(ecx, 5); a.mov(edx, -1); a.mul(ecx); });
    expect(reg32(q.cpu, RAX)).toBe(15);
    expect(reg32(q.cpu, RDX)).toBe(0);
    expect(cfof(q)).toEqual({ cf: 0, of: 0 });
  });
  it('64-bit: all-ones squared; 2^32 * 2^32; a product that spills four bits', () => {
    const o = run(64, (a) => { a.mov(rax, -1); a.mov(rcx, -1); a.mul(rcx); });
    expect(reg64(o.cpu, RAX)).toBe(1n);
    expect(reg64(o.cpu, RDX)).toBe(0xFFFF_FFFF_FFFF_FFFEn);
    expect(cfof(o)).toEqual({ cf: 1, of: 1 });
    const p = run(64, (a) => { a.mov(rax, 0x1_0000_0000n); a.mov(rcx, 0x1_0000_0000n); a.mul(rcx); });
    expect(reg64(p.cpu, RAX)).toBe(0n);
    expect(reg64(p.cpu, RDX)).toBe(1n);
    const q = run(64, (a) => { a.mov(rax, 0x1234_5678_9ABC_DEF0n); a.mov(rcx, 0x10); a.mul(rcx); });
    expect(reg64(q.cpu, RAX)).toBe(0x2345_6789_ABCD_EF00n);
    expect(reg64(q.cpu, RDX)).toBe(1n);
  });
});

describe('IMUL one operand (SDM Vol. 2 IMUL): CF = OF = 1 when the upper half is not the sign extension', () => {
  it('8-bit: -1 * -1 = 1 (CF=0); 40h * 2 = 0080h does not fit a signed byte (CF=1)', () => {
    const o = run(32, (a) => { a.mov(eax, 0xFF); a.mov(ebx, 0xFF); a.imul(bl); });
    expect(reg32(o.cpu, RAX)).toBe(1);
    expect(cfof(o)).toEqual({ cf: 0, of: 0 });
    const p = run(32, (a) => { a.mov(eax, 0x40); a.mov(ebx, 2); a.imul(bl); });
    expect(reg32(p.cpu, RAX)).toBe(0x80);
    expect(cfof(p)).toEqual({ cf: 1, of: 1 });
  });
  it('16-bit: -2 * 3 = -6 in DX:AX = FFFFh:FFFAh', () => {
    const o = run(32, (a) => { a.mov(eax, 0xFFFE); a.mov(edx, 0); a.mov(ecx, 3); a.imul(cx); });
    expect(reg32(o.cpu, RAX)).toBe(0xFFFA);
    expect(reg32(o.cpu, RDX)).toBe(0xFFFF);
    expect(cfof(o)).toEqual({ cf: 0, of: 0 });
  });
  it('32-bit: -2^31 * -1 = +2^31 does not fit (CF=1); -1 * -1 = 1', () => {
    const o = run(32, (a) => { a.mov(eax, 0x8000_0000); a.mov(ecx, -1); a.imul(ecx); });
    expect(reg32(o.cpu, RAX)).toBe(0x8000_0000);
    expect(reg32(o.cpu, RDX)).toBe(0);
    expect(cfof(o)).toEqual({ cf: 1, of: 1 });
    const p = run(32, (a) => { a.mov(eax, -1); a.mov(ecx, -1); a.imul(ecx); });
    expect(reg32(p.cpu, RAX)).toBe(1);
    expect(reg32(p.cpu, RDX)).toBe(0);
    expect(cfof(p)).toEqual({ cf: 0, of: 0 });
  });
  it('64-bit: -1 * 2 = -2 (RDX all ones, CF=0); -2^63 * -1 = 2^63 (CF=1)', () => {
    const o = run(64, (a) => { a.mov(rax, -1); a.mov(rcx, 2); a.imul(rcx); });
    expect(reg64(o.cpu, RAX)).toBe(0xFFFF_FFFF_FFFF_FFFEn);
    expect(reg64(o.cpu, RDX)).toBe(0xFFFF_FFFF_FFFF_FFFFn);
    expect(cfof(o)).toEqual({ cf: 0, of: 0 });
    const p = run(64, (a) => { a.mov(rax, 0x8000_0000_0000_0000n); a.mov(rcx, -1); a.imul(rcx); });
    expect(reg64(p.cpu, RAX)).toBe(0x8000_0000_0000_0000n);
    expect(reg64(p.cpu, RDX)).toBe(0n);
    expect(cfof(p)).toEqual({ cf: 1, of: 1 });
  });
});

describe('IMUL two and three operands (SDM Vol. 2 IMUL): the product truncated to the destination', () => {
  it('32-bit: 10000h * 10000h truncates to 0 (CF=OF=1); -3 * 7 = -21 (CF=0)', () => {
    const o = run(32, (a) => { a.mov(eax, 0x1_0000); a.mov(ecx, 0x1_0000); a.imul(eax, ecx); });
    expect(reg32(o.cpu, RAX)).toBe(0);
    expect(cfof(o)).toEqual({ cf: 1, of: 1 });
    const p = run(32, (a) => { a.mov(eax, -3); a.mov(ecx, 7); a.imul(eax, ecx); });
    expect(reg32(p.cpu, RAX)).toBe(0xFFFF_FFEB);
    expect(cfof(p)).toEqual({ cf: 0, of: 0 });
  });
  it('16-bit three operands: 80h * 100h = 8000h overflows a signed word (CF=1), bits 31:16 kept', () => {
    const o = run(32, (a) => { a.mov(eax, 0x5555_0000); a.mov(ecx, 0x80); a.imul(ax, cx, 0x100); });
    expect(reg32(o.cpu, RAX)).toBe(0x5555_8000);
    expect(cfof(o)).toEqual({ cf: 1, of: 1 });
  });
  it('memory source and a negative imm8: 5 * -2 = -10', () => {
    const o = run(32, (a) => { a.mov(dword(DATA), 5); a.imul(ebx, dword(DATA), -2); });
    expect(reg32(o.cpu, 3)).toBe(0xFFFF_FFF6);
    expect(cfof(o)).toEqual({ cf: 0, of: 0 });
  });
  it('64-bit: 2^32 * 2^32 truncates to 0 (CF=1); -3 * 4 = -12; a 32-bit destination clears bits 63:32', () => {
    const o = run(64, (a) => { a.mov(rax, 0x1_0000_0000n); a.mov(rcx, 0x1_0000_0000n); a.imul(rax, rcx); });
    expect(reg64(o.cpu, RAX)).toBe(0n);
    expect(cfof(o)).toEqual({ cf: 1, of: 1 });
    const p = run(64, (a) => { a.mov(rcx, -3); a.imul(rax, rcx, 4); a.mov(rdx, -1); a.mov(ecx, 2); a.imul(edx, ecx); });
    expect(reg64(p.cpu, RAX)).toBe(0xFFFF_FFFF_FFFF_FFF4n);
    expect(reg64(p.cpu, RDX)).toBe(0xFFFF_FFFEn);
    expect(cfof(p)).toEqual({ cf: 0, of: 0 });
  });
  it('64-bit: a product whose high half is the sign extension is not an overflow', () => {
    // 7FFFFFFFh * 7FFFFFFFh = 3FFFFFFF_00000001h fits in 64 bits
    const o = run(64, (a) => { a.mov(rax, 0x7FFF_FFFF); a.mov(rcx, 0x7FFF_FFFF); a.imul(rax, rcx); });
    expect(reg64(o.cpu, RAX)).toBe(0x3FFF_FFFF_0000_0001n);
    expect(cfof(o)).toEqual({ cf: 0, of: 0 });
  });
});

describe('DIV (SDM Vol. 2 DIV): unsigned; #DE for a zero divisor or a quotient too wide', () => {
  it('8-bit: 256 / 3 = 85 remainder 1', () => {
    const o = run(32, (a) => { a.mov(eax, 0x100); a.mov(ebx, 3); a.div(bl); });
    expect(reg32(o.cpu, RAX)).toBe(0x0155);
  });
  it('8-bit: 300h / 2 = 180h does not fit AL: #DE with AX unchanged and RIP at the DIV', () => {
    const o = run(32, (a) => { a.mov(eax, 0x300); a.mov(ebx, 2); a.label('div'); a.div(bl); });
    expect(o.fault?.vector).toBe(DE);
    expect(reg32(o.cpu, RAX)).toBe(0x300);
    expect(BigInt(o.cpu.ripLo >>> 0)).toBe(o.labels.get('div'));
  });
  it('8-bit divide by zero is #DE', () => {
    const o = run(32, (a) => { a.mov(eax, 1); a.mov(ebx, 0); a.div(bl); });
    expect(o.fault?.vector).toBe(DE);
  });
  it('16-bit: 1_0000h / 7 = 2492h remainder 2', () => {
    const o = run(32, (a) => { a.mov(edx, 1); a.mov(eax, 0); a.mov(ecx, 7); a.div(cx); });
    expect(reg32(o.cpu, RAX)).toBe(0x2492);
    expect(reg32(o.cpu, RDX)).toBe(2);
  });
  it('32-bit: 2^32 / 3 = 55555555h remainder 1; FFFFFFFE_FFFFFFFFh / FFFFFFFFh = FFFFFFFFh remainder FFFFFFFEh', () => {
    const o = run(32, (a) => { a.mov(edx, 1); a.mov(eax, 0); a.mov(ecx, 3); a.div(ecx); });
    expect(reg32(o.cpu, RAX)).toBe(0x5555_5555);
    expect(reg32(o.cpu, RDX)).toBe(1);
    const p = run(32, (a) => { a.mov(edx, 0xFFFF_FFFE); a.mov(eax, 0xFFFF_FFFF); a.mov(ecx, 0xFFFF_FFFF); a.div(ecx); });
    expect(reg32(p.cpu, RAX)).toBe(0xFFFF_FFFF);
    expect(reg32(p.cpu, RDX)).toBe(0xFFFF_FFFE);
  });
  it('32-bit: EDX >= divisor means the quotient needs 33 bits: #DE; divisor 0: #DE; nothing changes', () => {
    const o = run(32, (a) => { a.mov(edx, 5); a.mov(eax, 0); a.mov(ecx, 5); a.div(ecx); });
    expect(o.fault?.vector).toBe(DE);
    expect(reg32(o.cpu, RDX)).toBe(5);
    const p = run(32, (a) => { a.mov(edx, 0); a.mov(eax, 9); a.mov(dword(DATA), 0); a.div(dword(DATA)); });
    expect(p.fault?.vector).toBe(DE);
    expect(reg32(p.cpu, RAX)).toBe(9);
  });
  it('64-bit: 2^64 / 3 = 5555555555555555h remainder 1; RDX = divisor is #DE', () => {
    const o = run(64, (a) => { a.mov(rdx, 1); a.xor(eax, eax); a.mov(rcx, 3); a.div(rcx); });
    expect(reg64(o.cpu, RAX)).toBe(0x5555_5555_5555_5555n);
    expect(reg64(o.cpu, RDX)).toBe(1n);
    const p = run(64, (a) => { a.mov(rdx, 3); a.xor(eax, eax); a.mov(rcx, 3); a.div(rcx); });
    expect(p.fault?.vector).toBe(DE);
  });
});

describe('IDIV (SDM Vol. 2 IDIV): signed, truncating toward zero; the remainder has the dividend\'s sign', () => {
  it('8-bit: -7 / 2 = -3 remainder -1', () => {
    const o = run(32, (a) => { a.mov(eax, 0xFFF9); a.mov(ebx, 2); a.idiv(bl); });
    expect(reg32(o.cpu, RAX)).toBe(0xFFFD);
  });
  it('8-bit: -256 / 2 = -128 fits; 256 / 2 = 128 and -32768 / -1 do not (#DE)', () => {
    const o = run(32, (a) => { a.mov(eax, 0xFF00); a.mov(ebx, 2); a.idiv(bl); });
    expect(reg32(o.cpu, RAX)).toBe(0x0080);
    expect(run(32, (a) => { a.mov(eax, 0x100); a.mov(ebx, 2); a.idiv(bl); }).fault?.vector).toBe(DE);
    expect(run(32, (a) => { a.mov(eax, 0x8000); a.mov(ebx, 0xFF); a.idiv(bl); }).fault?.vector).toBe(DE);
  });
  it('16-bit: -65536 / 7 = -9362 (DB6Eh) remainder -2 (FFFEh)', () => {
    const o = run(32, (a) => { a.mov(edx, 0xFFFF); a.mov(eax, 0); a.mov(ecx, 7); a.idiv(cx); });
    expect(reg32(o.cpu, RAX)).toBe(0xDB6E);
    expect(reg32(o.cpu, RDX)).toBe(0xFFFE);
  });
  it('32-bit: 7 / -2 = -3 remainder 1; -1 / 1 = -1; -2^31 / 1 fits; -2^31 / -1 is #DE', () => {
    const o = run(32, (a) => { a.mov(edx, 0); a.mov(eax, 7); a.mov(ecx, -2); a.idiv(ecx); });
    expect(reg32(o.cpu, RAX)).toBe(0xFFFF_FFFD);
    expect(reg32(o.cpu, RDX)).toBe(1);
    const p = run(32, (a) => { a.mov(edx, -1); a.mov(eax, -1); a.mov(ecx, 1); a.idiv(ecx); });
    expect(reg32(p.cpu, RAX)).toBe(0xFFFF_FFFF);
    expect(reg32(p.cpu, RDX)).toBe(0);
    const q = run(32, (a) => { a.mov(edx, -1); a.mov(eax, 0x8000_0000); a.mov(ecx, 1); a.idiv(ecx); });
    expect(reg32(q.cpu, RAX)).toBe(0x8000_0000);
    expect(reg32(q.cpu, RDX)).toBe(0);
    const r = run(32, (a) => { a.mov(edx, -1); a.mov(eax, 0x8000_0000); a.mov(ecx, -1); a.idiv(ecx); });
    expect(r.fault?.vector).toBe(DE);
    expect(reg32(r.cpu, RAX)).toBe(0x8000_0000);
  });
  it('64-bit: -7 / 2 = -3 remainder -1; -2^63 / -1 is #DE', () => {
    const o = run(64, (a) => { a.mov(rdx, -1); a.mov(rax, -7); a.mov(rcx, 2); a.idiv(rcx); });
    expect(reg64(o.cpu, RAX)).toBe(0xFFFF_FFFF_FFFF_FFFDn);
    expect(reg64(o.cpu, RDX)).toBe(0xFFFF_FFFF_FFFF_FFFFn);
    const p = run(64, (a) => { a.mov(rdx, -1); a.mov(rax, 0x8000_0000_0000_0000n); a.mov(rcx, -1); a.idiv(rcx); });
    expect(p.fault?.vector).toBe(DE);
  });
  it('a 32-bit DIV in 64-bit mode clears bits 63:32 of RAX and RDX', () => {
    const o = run(64, (a) => { a.mov(rax, 0xFFFF_FFFF_0000_0010n); a.mov(rdx, 0xFFFF_FFFF_0000_0000n); a.mov(ecx, 4); a.div(ecx); });
    expect(reg64(o.cpu, RAX)).toBe(4n);
    expect(reg64(o.cpu, RDX)).toBe(0n);
  });
});


