// String instructions (SDM Vol. 2 MOVS, STOS, LODS, SCAS, CMPS and REP/REPE/REPNE; restartability of
// repeated string instructions: Vol. 2 REP, "Operation", and Vol. 3A 6.6). Expected pointer and count
// values are worked out by hand.
import { describe, expect, it } from 'vitest';
import { cx, di, eax, ecx, edi, esi, fs, rax, rcx, rdi, rsi, si } from '../../../conformance/asm/index.js';
import type { Cpu } from '../cpu.js';
import { GP, PF } from '../fault.js';
import { DS, FS, RAX, RCX, RDI, RSI } from '../registers.js';
import { DATA, REAL_SNIPPET_BASE, arith, reg32, reg64, run, type Outcome } from '../../../conformance/harness/cpu.js';
import { REP_CHUNK } from './string.js';

function poke(cpu: Cpu, at: number, bytes: string | number[]): void {
  const list = typeof bytes === 'string' ? Array.from(bytes, (c) => c.charCodeAt(0)) : bytes;
  list.forEach((b, i) => cpu.memory.write8(at + i, b));
}

function peek(o: Outcome, at: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => o.machine.memory.read8(at + i));
}

describe('MOVS (SDM Vol. 2 MOVS/MOVSB/MOVSW/MOVSD/MOVSQ)', () => {
  it('REP MOVSB with DF = 0 copies ECX bytes upwards; ESI, EDI advance, ECX ends at 0', () => {
    const o = run(32, (a) => { a.mov(esi, DATA); a.mov(edi, DATA + 0x100); a.mov(ecx, 5); a.cld(); a.rep(); a.movsb(); }, (cpu) => poke(cpu, DATA, 'hello'));
    expect(String.fromCharCode(...peek(o, DATA + 0x100, 5))).toBe('hello');
    expect(reg32(o.cpu, RSI)).toBe(DATA + 5);
    expect(reg32(o.cpu, RDI)).toBe(DATA + 0x105);
    expect(reg32(o.cpu, RCX)).toBe(0);
  });
  it('REP MOVSD with DF = 1 copies downwards, 4 bytes per element', () => {
    const o = run(32, (a) => { a.mov(esi, DATA + 12); a.mov(edi, DATA + 0x10C); a.mov(ecx, 4); a.std(); a.rep(); a.movsd(); },
      (cpu) => { for (let i = 0; i < 4; i++) cpu.memory.write32(DATA + 4 * i, 0x1111_1111 * (i + 1)); });
    expect([0, 4, 8, 12].map((d) => o.machine.memory.read32(DATA + 0x100 + d))).toEqual([0x1111_1111, 0x2222_2222, 0x3333_3333, 0x4444_4444]);
    expect(reg32(o.cpu, RSI)).toBe(DATA - 4);
    expect(reg32(o.cpu, RDI)).toBe(DATA + 0xFC);
  });
  it('MOVSW without REP moves one element and leaves ECX alone', () => {
    const o = run(32, (a) => { a.mov(esi, DATA); a.mov(edi, DATA + 0x10); a.mov(ecx, 9); a.movsw(); }, (cpu) => poke(cpu, DATA, [1, 2, 3]));
    expect(peek(o, DATA + 0x10, 3)).toEqual([1, 2, 0]);
    expect(reg32(o.cpu, RCX)).toBe(9);
    expect(reg32(o.cpu, RSI)).toBe(DATA + 2);
  });
  it('a count of 0 does nothing', () => {
    const o = run(32, (a) => { a.mov(esi, DATA); a.mov(edi, DATA + 0x10); a.xor(ecx, ecx); a.rep(); a.movsb(); }, (cpu) => poke(cpu, DATA, [7]));
    expect(peek(o, DATA + 0x10, 1)).toEqual([0]);
    expect(reg32(o.cpu, RSI)).toBe(DATA);
  });
  it('a segment override changes the source segment (FS), never the destination (ES)', () => {
    const o = run(32, (a) => { a.mov(esi, 0x10); a.mov(edi, DATA + 0x20); a.movsb({ seg: fs }); }, (cpu) => {
      cpu.loadSegmentRaw(FS, 0x10, DATA, 0, 0xFFFF_FFFF, 0xC093);
      poke(cpu, DATA + 0x10, [0x99]);
    });
    expect(peek(o, DATA + 0x20, 1)).toEqual([0x99]);
  });
  it('16-bit addressing (67h) in 32-bit code: SI and DI wrap at 64 KiB, bits 31:16 stay', () => {
    const o = run(32, (a) => { a.mov(esi, 0x1234_FFFF); a.mov(edi, 0x5678_0100); a.a16(); a.movsb(); }, (cpu) => poke(cpu, 0xFFFF, [0x42]));
    expect(peek(o, 0x100, 1)).toEqual([0x42]);
    expect(reg32(o.cpu, RSI)).toBe(0x1234_0000);
    expect(reg32(o.cpu, RDI)).toBe(0x5678_0101);
  });
  it('real mode: REP MOVSW with CX, DS:SI to ES:DI', () => {
    const o = run(16, (a) => { a.mov(si, 0x1000); a.mov(di, 0x2000); a.mov(cx, 2); a.rep(); a.movsw(); }, (cpu) => poke(cpu, REAL_SNIPPET_BASE + 0x1000, [1, 2, 3, 4]));
    expect(peek(o, REAL_SNIPPET_BASE + 0x2000, 4)).toEqual([1, 2, 3, 4]);
    expect(reg32(o.cpu, RSI) & 0xFFFF).toBe(0x1004);
  });
  it('64-bit: REP MOVSQ with 64-bit pointers; 67h uses ESI/EDI/ECX and clears bits 63:32', () => {
    const o = run(64, (a) => { a.mov(rsi, DATA); a.mov(rdi, DATA + 0x100); a.mov(rcx, 2); a.rep(); a.movsq(); }, (cpu) => {
      cpu.memory.write64(DATA, 0x0102_0304_0506_0708n); cpu.memory.write64(DATA + 8, 0x1112_1314_1516_1718n);
    });
    expect(o.machine.memory.read64(DATA + 0x108)).toBe(0x1112_1314_1516_1718n);
    expect(reg64(o.cpu, RSI)).toBe(BigInt(DATA + 16));
    const p = run(64, (a) => { a.mov(rsi, 0xFFFF_FFFF_0000_0000n + BigInt(DATA)); a.mov(rdi, DATA + 0x100); a.mov(rcx, 0xFFFF_FFFF_0000_0001n); a.rep(); a.a32(); a.movsb(); },
      (cpu) => poke(cpu, DATA, [0x5A]));
    expect(peek(p, DATA + 0x100, 1)).toEqual([0x5A]);
    expect(reg64(p.cpu, RSI)).toBe(BigInt(DATA + 1));
    expect(reg64(p.cpu, RCX)).toBe(0n);
  });
});

describe('STOS and LODS (SDM Vol. 2 STOS, LODS)', () => {
  it('REP STOSW stores AX ECX times', () => {
    const o = run(32, (a) => { a.mov(eax, 0xABCD); a.mov(edi, DATA); a.mov(ecx, 3); a.rep(); a.stosw(); });
    expect(peek(o, DATA, 7)).toEqual([0xCD, 0xAB, 0xCD, 0xAB, 0xCD, 0xAB, 0]);
    expect(reg32(o.cpu, RDI)).toBe(DATA + 6);
  });
  it('STOSD with DF = 1 moves EDI down by 4', () => {
    const o = run(32, (a) => { a.mov(eax, 0x1234_5678); a.mov(edi, DATA + 8); a.std(); a.stosd(); a.stosd(); });
    expect(o.machine.memory.read32(DATA + 4)).toBe(0x1234_5678);
    expect(reg32(o.cpu, RDI)).toBe(DATA);
  });
  it('LODSB loads AL only; LODSD loads EAX; REP LODSB leaves the last byte', () => {
    const o = run(32, (a) => { a.mov(eax, 0xFFFF_FFFF); a.mov(esi, DATA); a.lodsb(); a.lodsb(); }, (cpu) => poke(cpu, DATA, [1, 2, 3, 4, 5, 6]));
    expect(reg32(o.cpu, RAX)).toBe(0xFFFF_FF02);
    expect(reg32(o.cpu, RSI)).toBe(DATA + 2);
    const p = run(32, (a) => { a.mov(esi, DATA); a.lodsd(); a.mov(ecx, 2); a.rep(); a.lodsb(); }, (cpu) => poke(cpu, DATA, [1, 2, 3, 4, 5, 6]));
    expect(reg32(p.cpu, RAX)).toBe(0x0403_0206);
  });
  it('64-bit: LODSD clears bits 63:32 of RAX; STOSQ stores RAX', () => {
    const o = run(64, (a) => { a.mov(rax, -1); a.mov(rsi, DATA); a.lodsd(); a.mov(rdi, DATA + 0x10); a.stosq(); }, (cpu) => poke(cpu, DATA, [1, 2, 3, 4]));
    expect(reg64(o.cpu, RAX)).toBe(0x0403_0201n);
    expect(o.machine.memory.read64(DATA + 0x10)).toBe(0x0403_0201n);
  });
});

describe('SCAS and CMPS (SDM Vol. 2 SCAS, CMPS): flags as CMP; REPE/REPNE stop on ZF', () => {
  it('REPNE SCASB finds the terminating 0 of "abc": ECX = FFFFFFFBh, EDI past the 0', () => {
    const o = run(32, (a) => { a.mov(edi, DATA); a.xor(eax, eax); a.mov(ecx, -1); a.cld(); a.repne(); a.scasb(); }, (cpu) => poke(cpu, DATA, 'abc\0'));
    expect(reg32(o.cpu, RCX)).toBe(0xFFFF_FFFB);
    expect(reg32(o.cpu, RDI)).toBe(DATA + 4);
    expect(arith(o.flags).zf).toBe(1);
  });
  it('REPE CMPSB stops at the first difference: "abcd" vs "abxd" stops after c/x with CMP c, x flags', () => {
    const o = run(32, (a) => { a.mov(esi, DATA); a.mov(edi, DATA + 0x10); a.mov(ecx, 4); a.repe(); a.cmpsb(); }, (cpu) => {
      poke(cpu, DATA, 'abcd'); poke(cpu, DATA + 0x10, 'abxd');
    });
    expect(reg32(o.cpu, RCX)).toBe(1);
    expect(reg32(o.cpu, RSI)).toBe(DATA + 3);
    expect(reg32(o.cpu, RDI)).toBe(DATA + 0x13);
    // 63h - 78h = EBh: CF=1 SF=1 ZF=0 OF=0 AF=1 PF=1
    expect(arith(o.flags)).toEqual({ cf: 1, pf: 1, af: 1, zf: 0, sf: 1, of: 0 });
  });
  it('REPE CMPSB over equal strings runs out the count with ZF = 1', () => {
    const o = run(32, (a) => { a.mov(esi, DATA); a.mov(edi, DATA + 0x10); a.mov(ecx, 3); a.repe(); a.cmpsb(); }, (cpu) => {
      poke(cpu, DATA, 'xyz'); poke(cpu, DATA + 0x10, 'xyz');
    });
    expect(reg32(o.cpu, RCX)).toBe(0);
    expect(arith(o.flags).zf).toBe(1);
  });
  it('CMPSD with DF = 1 compares [ESI] - [EDI] and steps both down by 4', () => {
    const o = run(32, (a) => { a.mov(esi, DATA); a.mov(edi, DATA + 0x10); a.std(); a.cmpsd(); }, (cpu) => {
      cpu.memory.write32(DATA, 1); cpu.memory.write32(DATA + 0x10, 2);
    });
    expect(reg32(o.cpu, RSI)).toBe(DATA - 4);
    expect(reg32(o.cpu, RDI)).toBe(DATA + 0x0C);
    expect(arith(o.flags)).toEqual({ cf: 1, pf: 1, af: 1, zf: 0, sf: 1, of: 0 }); // 1 - 2 = FFFFFFFFh
  });
  it('REPE SCASW stops at the first word that differs from AX', () => {
    const o = run(32, (a) => { a.mov(eax, 0x0101); a.mov(edi, DATA); a.mov(ecx, 10); a.repe(); a.scasw(); }, (cpu) => poke(cpu, DATA, [1, 1, 1, 1, 2, 1]));
    expect(reg32(o.cpu, RCX)).toBe(7);
    expect(reg32(o.cpu, RDI)).toBe(DATA + 6);
    expect(arith(o.flags).zf).toBe(0);
  });
  it('64-bit: SCASQ compares all 64 bits', () => {
    const o = run(64, (a) => { a.mov(rax, 0x1_0000_0000n); a.mov(rdi, DATA); a.scasq(); }, (cpu) => cpu.memory.write64(DATA, 0x2_0000_0000n));
    expect(arith(o.flags)).toMatchObject({ zf: 0, cf: 1, sf: 1 });
  });
});

describe('restartability of repeated string instructions (SDM Vol. 2 REP; Vol. 3A 6.6)', () => {
  it('a #GP in the middle of REP MOVSB leaves ESI, EDI, ECX at the faulting element and EIP at the instruction', () => {
    const o = run(32, (a) => { a.mov(esi, DATA); a.mov(edi, DATA + 0x100); a.mov(ecx, 8); a.label('rep'); a.rep(); a.movsb(); }, (cpu) => {
      cpu.loadSegmentRaw(DS, 0x10, 0, 0, DATA + 3, 0x4093); // DS ends at DATA + 3: the 5th byte is outside
      poke(cpu, DATA, [1, 2, 3, 4, 5, 6, 7, 8]);
    });
    expect(o.fault?.vector).toBe(GP);
    expect(reg32(o.cpu, RSI)).toBe(DATA + 4);
    expect(reg32(o.cpu, RDI)).toBe(DATA + 0x104);
    expect(reg32(o.cpu, RCX)).toBe(4);
    expect(peek(o, DATA + 0x100, 5)).toEqual([1, 2, 3, 4, 0]);
    expect(BigInt(o.cpu.ripLo >>> 0)).toBe(o.labels.get('rep'));
  });
  it('a #PF in the middle of REP MOVSB (64-bit, source crossing into unmapped memory) does the same', () => {
    const o = run(64, (a) => { a.mov(rsi, 0xFFFF_FFFC); a.mov(rdi, DATA); a.mov(rcx, 8); a.label('rep'); a.rep(); a.movsb(); });
    expect(o.fault?.vector).toBe(PF);
    expect(reg64(o.cpu, RSI)).toBe(0x1_0000_0000n);
    expect(reg64(o.cpu, RDI)).toBe(BigInt(DATA + 4));
    expect(reg64(o.cpu, RCX)).toBe(4n);
    expect((BigInt(o.cpu.ripHi >>> 0) << 32n) | BigInt(o.cpu.ripLo >>> 0)).toBe(o.labels.get('rep'));
  });
  it('a long REP STOSB completes across the model\'s interruption points', () => {
    const n = REP_CHUNK * 2 + 17;
    const o = run(32, (a) => { a.mov(eax, 0x77); a.mov(edi, DATA); a.mov(ecx, n); a.rep(); a.stosb(); });
    expect(reg32(o.cpu, RCX)).toBe(0);
    expect(reg32(o.cpu, RDI)).toBe(DATA + n);
    expect(peek(o, DATA + n - 2, 3)).toEqual([0x77, 0x77, 0]);
  });
});
