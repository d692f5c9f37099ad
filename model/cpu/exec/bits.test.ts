// Bit instructions and conditional moves (SDM Vol. 2 BT, BTS, BTR, BTC, BSF, BSR, TZCNT, LZCNT, POPCNT,
// SETcc, CMOVcc). Expected values are worked out by hand. Undefined in the SDM and not asserted:
// OF, SF, AF, PF after BT*; CF, OF, SF, AF, PF and (for a zero source) the destination after BSF/BSR;
// OF, SF, AF, PF after TZCNT/LZCNT.
import { describe, expect, it } from 'vitest';
import {
  al, ax, bl, bx, byte, cl, cx, dword, eax, ebx, ecx, qword, rax, rbx, rcx, word,
} from '../../../conformance/asm/index.js';
import { PF } from '../fault.js';
import { RAX, RBX, RCX } from '../registers.js';
import { DATA, arith, reg32, reg64, run } from '../../../conformance/harness/cpu.js';

describe('BT, BTS, BTR, BTC with a register bit base (SDM Vol. 2 BT): offset modulo the operand size', () => {
  it('BT EAX, 5 and BT EAX, 37 (37 mod 32 = 5) copy bit 5 to CF; ZF is not affected', () => {
    const o = run(32, (a) => { a.mov(eax, 0x20); a.cmp(eax, eax); a.bt(eax, 37); });
    expect(arith(o.flags)).toMatchObject({ cf: 1, zf: 1 });
    const p = run(32, (a) => { a.mov(eax, 0x20); a.stc(); a.bt(eax, 4); });
    expect(arith(p.flags).cf).toBe(0);
  });
  it('BTS ECX, EBX with EBX = 35 sets bit 3; BTR and BTC clear and toggle', () => {
    const o = run(32, (a) => {
      a.xor(ecx, ecx); a.mov(ebx, 35); a.bts(ecx, ebx); // ECX = 8, CF = 0
      a.mov(eax, 0xFFFF_FFFF); a.btr(ax, 15); // AX = 7FFFh, CF = 1
      a.btc(ebx, 0); // EBX 35 = 100011b -> 100010b = 34, CF = 1
    });
    expect(reg32(o.cpu, RCX)).toBe(8);
    expect(reg32(o.cpu, RAX)).toBe(0xFFFF_7FFF);
    expect(reg32(o.cpu, RBX)).toBe(34);
    expect(arith(o.flags).cf).toBe(1);
  });
});

describe('BT* on memory (SDM Vol. 2 BT): a register offset is signed and addresses a bit string', () => {
  it('offset 35 reaches bit 3 of the doubleword at +4', () => {
    const o = run(32, (a) => { a.mov(dword(DATA + 4), 0x08); a.mov(ecx, 35); a.bt(dword(DATA), ecx); });
    expect(arith(o.flags).cf).toBe(1);
  });
  it('offset -1 is bit 31 of the doubleword at -4 (BTS writes it)', () => {
    const o = run(32, (a) => { a.mov(ecx, -1); a.bts(dword(DATA), ecx); });
    expect(o.machine.memory.read32(DATA - 4) >>> 0).toBe(0x8000_0000);
    expect(o.machine.memory.read32(DATA)).toBe(0);
    expect(arith(o.flags).cf).toBe(0);
  });
  it('a 16-bit offset is sign-extended: CX = FFFFh is bit 15 of the word at -2 (BTC toggles it)', () => {
    const o = run(32, (a) => { a.mov(word(DATA - 2), 0xFFFF); a.mov(ecx, 0xFFFF); a.btc(word(DATA), cx); });
    expect(o.machine.memory.read16(DATA - 2)).toBe(0x7FFF);
    expect(arith(o.flags).cf).toBe(1);
  });
  it('an immediate offset stays inside the operand: BT dword [m], 35 tests bit 3 of [m]', () => {
    const o = run(32, (a) => { a.mov(dword(DATA), 0x08); a.mov(dword(DATA + 4), 0); a.bt(dword(DATA), 35); });
    expect(arith(o.flags).cf).toBe(1);
  });
  it('64-bit: offset 64 is bit 0 of the quadword at +8; offset -65 is bit 63 of the quadword at -16', () => {
    const o = run(64, (a) => {
      a.mov(rbx, DATA); a.mov(rcx, 64); a.bts(qword(rbx), rcx);
      a.mov(rcx, -65); a.bts(qword(rbx), rcx);
      a.mov(rcx, 63); a.btr(qword(rbx, -16), rcx); // clears it again, CF = 1
    });
    expect(o.machine.memory.read8(DATA + 8)).toBe(1);
    expect(o.machine.memory.read64(DATA - 16)).toBe(0n);
    expect(arith(o.flags).cf).toBe(1);
  });
  it('64-bit register form: BTS RAX, 40 sets bit 40', () => {
    const o = run(64, (a) => { a.xor(eax, eax); a.bts(rax, 40); });
    expect(reg64(o.cpu, RAX)).toBe(0x100_0000_0000n);
  });
});

describe('BSF, BSR (SDM Vol. 2 BSF, BSR)', () => {
  it('find the lowest and highest set bits; ZF=0', () => {
    const o = run(32, (a) => { a.mov(ecx, 0x8000_0001); a.bsf(eax, ecx); a.bsr(ebx, ecx); });
    expect(reg32(o.cpu, RAX)).toBe(0);
    expect(reg32(o.cpu, RBX)).toBe(31);
    expect(arith(o.flags).zf).toBe(0);
  });
  it('a zero source sets ZF=1', () => {
    const o = run(32, (a) => { a.xor(ecx, ecx); a.mov(eax, 1); a.add(eax, 0); a.bsf(eax, ecx); });
    expect(arith(o.flags).zf).toBe(1);
  });
  it('16-bit and memory forms', () => {
    const o = run(32, (a) => { a.mov(ecx, 0x0100); a.bsr(ax, cx); a.mov(dword(DATA), 0x0001_0000); a.bsf(ebx, dword(DATA)); });
    expect(reg32(o.cpu, RAX) & 0xFFFF).toBe(8);
    expect(reg32(o.cpu, RBX)).toBe(16);
  });
  it('64-bit: bits in the upper half', () => {
    const o = run(64, (a) => { a.mov(rcx, 0x1_0000_0000n); a.bsf(rax, rcx); a.mov(rcx, 0x8000_0000_0000_0000n); a.bsr(rbx, rcx); a.mov(rcx, 1); a.bsr(rcx, rcx); });
    expect(reg64(o.cpu, RAX)).toBe(32n);
    expect(reg64(o.cpu, RBX)).toBe(63n);
    expect(reg64(o.cpu, RCX)).toBe(0n);
  });
});

describe('TZCNT, LZCNT (SDM Vol. 2 TZCNT, LZCNT): CF = source is 0, ZF = result is 0', () => {
  it('TZCNT: 0 -> 32 (CF=1 ZF=0); 8 -> 3; 1 -> 0 (ZF=1)', () => {
    const o = run(32, (a) => { a.xor(ecx, ecx); a.tzcnt(eax, ecx); });
    expect(reg32(o.cpu, RAX)).toBe(32);
    expect(arith(o.flags)).toMatchObject({ cf: 1, zf: 0 });
    const p = run(32, (a) => { a.mov(ecx, 8); a.tzcnt(eax, ecx); a.mov(ecx, 1); a.tzcnt(ebx, ecx); });
    expect(reg32(p.cpu, RAX)).toBe(3);
    expect(reg32(p.cpu, RBX)).toBe(0);
    expect(arith(p.flags)).toMatchObject({ cf: 0, zf: 1 });
  });
  it('LZCNT: 0 -> 32 (CF=1); 80000000h -> 0 (ZF=1); 1 -> 31; 16-bit 1 -> 15', () => {
    const o = run(32, (a) => { a.xor(ecx, ecx); a.lzcnt(eax, ecx); });
    expect(reg32(o.cpu, RAX)).toBe(32);
    expect(arith(o.flags)).toMatchObject({ cf: 1, zf: 0 });
    const p = run(32, (a) => { a.mov(ecx, 1); a.lzcnt(eax, ecx); a.lzcnt(bx, cx); a.mov(ecx, 0x8000_0000); a.lzcnt(ecx, ecx); });
    expect(reg32(p.cpu, RAX)).toBe(31);
    expect(reg32(p.cpu, RBX) & 0xFFFF).toBe(15);
    expect(reg32(p.cpu, RCX)).toBe(0);
    expect(arith(p.flags)).toMatchObject({ cf: 0, zf: 1 });
  });
  it('64-bit: LZCNT 1 -> 63, 1_00000000h -> 31; TZCNT 0 -> 64', () => {
    const o = run(64, (a) => { a.mov(rcx, 1); a.lzcnt(rax, rcx); a.mov(rcx, 0x1_0000_0000n); a.lzcnt(rbx, rcx); a.xor(ecx, ecx); a.tzcnt(rcx, rcx); });
    expect(reg64(o.cpu, RAX)).toBe(63n);
    expect(reg64(o.cpu, RBX)).toBe(31n);
    expect(reg64(o.cpu, RCX)).toBe(64n);
    expect(arith(o.flags).cf).toBe(1);
  });
});

describe('POPCNT (SDM Vol. 2 POPCNT): OF SF ZF AF CF PF cleared, then ZF = source is 0', () => {
  it('F0F0F0F0h has 16 ones; all arithmetic flags 0', () => {
    const o = run(32, (a) => { a.mov(ecx, 0xF0F0_F0F0); a.stc(); a.popcnt(eax, ecx); });
    expect(reg32(o.cpu, RAX)).toBe(16);
    expect(arith(o.flags)).toEqual({ cf: 0, pf: 0, af: 0, zf: 0, sf: 0, of: 0 });
  });
  it('0 -> 0 with ZF=1; 64-bit all ones -> 64', () => {
    const o = run(32, (a) => { a.xor(ecx, ecx); a.popcnt(eax, ecx); });
    expect(reg32(o.cpu, RAX)).toBe(0);
    expect(arith(o.flags)).toEqual({ cf: 0, pf: 0, af: 0, zf: 1, sf: 0, of: 0 });
    const p = run(64, (a) => { a.mov(rcx, -1); a.popcnt(rax, rcx); });
    expect(reg64(p.cpu, RAX)).toBe(64n);
  });
});

describe('SETcc (SDM Vol. 2 SETcc; conditions Vol. 1 Appendix B)', () => {
  it('after CMP 5, 7 (CF=1 ZF=0 SF=1 OF=0 PF=0)', () => {
    const conds = ['b', 'a', 'l', 'g', 'le', 'z', 'nz', 's', 'o', 'p', 'np', 'ae', 'be', 'ge', 'ns', 'no'] as const;
    const expected = [1, 0, 1, 0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1];
    const o = run(32, (a) => {
      a.mov(eax, 5); a.cmp(eax, 7);
      conds.forEach((c, i) => { a.insn(`set${c}`, byte(DATA + i)); });
    });
    expect(conds.map((_, i) => o.machine.memory.read8(DATA + i))).toEqual(expected);
  });
  it('signed overflow: CMP 80000000h, 1 gives OF=1 SF=0, so "less" holds and "greater" does not', () => {
    const o = run(32, (a) => { a.mov(ebx, 0x8000_0000); a.cmp(ebx, 1); a.setl(al); a.setg(cl); a.mov(ebx, 0xFFFF_FFFF); a.setb(bl); });
    expect(reg32(o.cpu, RAX) & 0xFF).toBe(1);
    expect(reg32(o.cpu, RCX) & 0xFF).toBe(0);
    expect(reg32(o.cpu, RBX)).toBe(0xFFFF_FF00); // only BL is written
  });
});

describe('CMOVcc (SDM Vol. 2 CMOVcc)', () => {
  it('moves when the condition holds, not otherwise', () => {
    const o = run(32, (a) => { a.mov(eax, 1); a.mov(ecx, 2); a.mov(ebx, 3); a.cmp(eax, eax); a.cmovz(eax, ecx); a.cmovnz(ebx, ecx); a.cmovne(ax, cx); });
    expect(reg32(o.cpu, RAX)).toBe(2);
    expect(reg32(o.cpu, RBX)).toBe(3);
  });
  it('64-bit: a 32-bit destination has bits 63:32 cleared even when the condition is false', () => {
    const o = run(64, (a) => { a.mov(rax, -1); a.mov(rbx, -1); a.xor(ecx, ecx); a.cmovnz(eax, ecx); a.cmovz(rbx, rcx); });
    expect(reg64(o.cpu, RAX)).toBe(0xFFFF_FFFFn);
    expect(reg64(o.cpu, RBX)).toBe(0n);
  });
  it('the memory source is read even when the condition is false (a fault is raised)', () => {
    const o = run(64, (a) => { a.mov(rbx, 0x1_0000_0000n); a.xor(eax, eax); a.cmovnz(eax, dword(rbx)); });
    expect(o.fault?.vector).toBe(PF);
  });
});
