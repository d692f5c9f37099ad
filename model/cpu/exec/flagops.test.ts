// Flag instructions (SDM Vol. 2 CLC, STC, CMC, CLD, STD, LAHF, SAHF) and decimal adjustments
// (SDM Vol. 2 DAA, DAS, AAA, AAS, AAM, AAD). Expected values worked out by hand from the Operation
// sections. Undefined and not asserted: OF after DAA/DAS; OF, SF, ZF, PF after AAA/AAS; OF, AF, CF
// after AAM/AAD.
import { describe, expect, it } from 'vitest';
import { Assembler, al, eax } from '../../../conformance/asm/index.js';
import { DE, UD } from '../fault.js';
import { DF } from '../flags.js';
import { RAX } from '../registers.js';
import { arith, execute, reg32, run as runIn, type Outcome } from '../../../conformance/harness/cpu.js';

/** Flag instructions are the same in every mode: the snippets run in 32-bit protected mode. */
function run(build: (a: Assembler) => void): Outcome {
  return runIn(32, build);
}

describe('CLC, STC, CMC, CLD, STD (SDM Vol. 2)', () => {
  it('set, clear and complement CF; other flags stay', () => {
    const o = run((a) => { a.xor(eax, eax); a.stc(); a.cmc(); a.cmc(); });
    expect(arith(o.flags)).toEqual({ cf: 1, pf: 1, af: 0, zf: 1, sf: 0, of: 0 });
    const p = run((a) => { a.stc(); a.clc(); });
    expect(arith(p.flags).cf).toBe(0);
  });
  it('STD sets DF (bit 10), CLD clears it', () => {
    expect(run((a) => { a.std(); }).flags & DF).toBe(DF);
    expect(run((a) => { a.std(); a.cld(); }).flags & DF).toBe(0);
  });
});

describe('LAHF, SAHF (SDM Vol. 2 LAHF, SAHF)', () => {
  it('LAHF after FFh + 1 (CF=1 ZF=1 AF=1 PF=1 SF=0): AH = 01010111b = 57h', () => {
    const o = run((a) => { a.mov(eax, 0xFF); a.add(al, 1); a.lahf(); });
    expect(reg32(o.cpu, RAX)).toBe(0x5700);
  });
  it('SAHF loads SF ZF AF PF CF from AH and leaves OF', () => {
    const o = run((a) => { a.mov(eax, 0x7FFF_FFFF); a.add(eax, 1); a.mov(eax, 0xFF00); a.sahf(); });
    // OF = 1 from the ADD survives; SF ZF AF PF CF = 1 from AH = FFh.
    expect(arith(o.flags)).toEqual({ cf: 1, pf: 1, af: 1, zf: 1, sf: 1, of: 1 });
    expect(o.flags & 0x28).toBe(0); // reserved bits 3 and 5 stay 0
    const p = run((a) => { a.stc(); a.mov(eax, 0); a.sahf(); });
    expect(arith(p.flags)).toMatchObject({ cf: 0, pf: 0, af: 0, zf: 0, sf: 0 });
  });
});

describe('DAA, DAS (SDM Vol. 2 DAA, DAS)', () => {
  it('DAA after 79h + 35h = AEh: 14h with CF=1 AF=1 (BCD 79 + 35 = 114)', () => {
    const o = run((a) => { a.mov(eax, 0x79); a.add(al, 0x35); a.insn('daa'); });
    expect(reg32(o.cpu, RAX)).toBe(0x14);
    expect(arith(o.flags)).toMatchObject({ cf: 1, af: 1, sf: 0, zf: 0, pf: 1 });
  });
  it('DAA after 38h + 45h = 7Dh: 83h with CF=0 AF=1 SF=1 PF=0', () => {
    const o = run((a) => { a.mov(eax, 0x38); a.add(al, 0x45); a.insn('daa'); });
    expect(reg32(o.cpu, RAX)).toBe(0x83);
    expect(arith(o.flags)).toMatchObject({ cf: 0, af: 1, sf: 1, zf: 0, pf: 0 });
  });
  it('DAS after 35h - 47h = EEh (CF=1 AF=1): 88h with CF=1 (BCD 35 - 47 = -12 -> 88, borrow)', () => {
    const o = run((a) => { a.mov(eax, 0x35); a.sub(al, 0x47); a.insn('das'); });
    expect(reg32(o.cpu, RAX)).toBe(0x88);
    expect(arith(o.flags)).toMatchObject({ cf: 1, af: 1, sf: 1, zf: 0, pf: 1 });
  });
  it('DAS with nothing to adjust: 45h - 12h = 33h, CF=0 AF=0', () => {
    const o = run((a) => { a.mov(eax, 0x45); a.sub(al, 0x12); a.insn('das'); });
    expect(reg32(o.cpu, RAX)).toBe(0x33);
    expect(arith(o.flags)).toMatchObject({ cf: 0, af: 0, zf: 0 });
  });
});

describe('AAA, AAS (SDM Vol. 2 AAA, AAS)', () => {
  it('AAA after 08h + 06h = 0Eh: AX = 0104h, CF=AF=1', () => {
    const o = run((a) => { a.mov(eax, 0x08); a.add(al, 6); a.insn('aaa'); });
    expect(reg32(o.cpu, RAX)).toBe(0x0104);
    expect(arith(o.flags)).toMatchObject({ cf: 1, af: 1 });
  });
  it('AAA with nothing to adjust clears the high nibble of AL: 35h -> 05h, CF=AF=0', () => {
    const o = run((a) => { a.mov(eax, 0x30); a.add(al, 5); a.insn('aaa'); });
    expect(reg32(o.cpu, RAX)).toBe(0x05);
    expect(arith(o.flags)).toMatchObject({ cf: 0, af: 0 });
  });
  it('AAS after 0203h - 8 = 02FBh (AF=1): AX = 0105h, CF=AF=1', () => {
    const o = run((a) => { a.mov(eax, 0x0203); a.sub(al, 8); a.insn('aas'); });
    expect(reg32(o.cpu, RAX)).toBe(0x0105);
    expect(arith(o.flags)).toMatchObject({ cf: 1, af: 1 });
  });
});

describe('AAM, AAD (SDM Vol. 2 AAM, AAD)', () => {
  it('AAM: AL = 63 -> AH = 6, AL = 3; base 16: FFh -> 0F0Fh', () => {
    const o = run((a) => { a.mov(eax, 0x3F); a.insn('aam', 10); });
    expect(reg32(o.cpu, RAX)).toBe(0x0603);
    expect(arith(o.flags)).toMatchObject({ sf: 0, zf: 0, pf: 1 });
    const p = run((a) => { a.mov(eax, 0xFF); a.insn('aam', 16); });
    expect(reg32(p.cpu, RAX)).toBe(0x0F0F);
  });
  it('AAM 0 is #DE, AX unchanged', () => {
    const o = run((a) => { a.mov(eax, 0x1234); a.insn('aam', 0); });
    expect(o.fault?.vector).toBe(DE);
    expect(reg32(o.cpu, RAX)).toBe(0x1234);
  });
  it('AAD: 0603h -> 003Fh (PF=1); base 16: 0F0Fh -> 00FFh (SF=1)', () => {
    const o = run((a) => { a.mov(eax, 0x0603); a.insn('aad', 10); });
    expect(reg32(o.cpu, RAX)).toBe(0x3F);
    expect(arith(o.flags)).toMatchObject({ sf: 0, zf: 0, pf: 1 });
    const p = run((a) => { a.mov(eax, 0x0F0F); a.insn('aad', 16); });
    expect(reg32(p.cpu, RAX)).toBe(0xFF);
    expect(arith(p.flags)).toMatchObject({ sf: 1, zf: 0, pf: 1 });
  });
  it('the decimal instructions are #UD in 64-bit mode', () => {
    for (const op of [0x27, 0x2F, 0x37, 0x3F]) {
      const o = execute(new Uint8Array([op, 0xF4]), 'long64');
      expect(o.fault?.vector).toBe(UD);
    }
    expect(execute(new Uint8Array([0xD4, 0x0A, 0xF4]), 'long64').fault?.vector).toBe(UD);
  });
});


