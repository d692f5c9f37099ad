// Near control transfers (SDM Vol. 2 CALL, RET, JMP, Jcc, LOOP/LOOPcc, JCXZ/JECXZ/JRCXZ). The loader
// starts the stack at 80000h.
import { describe, expect, it } from 'vitest';
import {
  ax, dword, eax, ebx, ecx, esp, mem, qword, rax, rbx, rcx, rsp, sp,
} from '../../../conformance/asm/index.js';
import { GP } from '../fault.js';
import { CS, RAX, RBX, RCX, RSP } from '../registers.js';
import { DATA, REAL_SNIPPET_BASE, STACK, arith, reg32, reg64, run, type Outcome } from '../../../conformance/harness/cpu.js';

const rip = (o: Outcome) => (BigInt(o.cpu.ripHi >>> 0) << 32n) | BigInt(o.cpu.ripLo >>> 0);

describe('CALL and RET near (SDM Vol. 2 CALL, RET)', () => {
  it('32-bit CALL rel32 pushes the address of the next instruction; RET pops it', () => {
    const o = run(32, (a) => {
      a.call('f'); a.label('after'); a.mov(ebx, dword(STACK - 4)); a.jmp('end');
      a.label('f'); a.mov(eax, esp); a.ret();
    });
    expect(reg32(o.cpu, RAX)).toBe(STACK - 4);
    expect(BigInt(reg32(o.cpu, RBX))).toBe(o.labels.get('after'));
    expect(reg32(o.cpu, RSP)).toBe(STACK);
  });
  it('CALL through a register and through memory', () => {
    const o = run(32, (a) => {
      a.mov(ecx, a.addr('f')); a.call(ecx); a.mov(dword(DATA), a.addr('g')); a.call(dword(DATA)); a.jmp('end');
      a.label('f'); a.mov(eax, 1); a.ret();
      a.label('g'); a.mov(ebx, 2); a.ret();
    });
    expect(reg32(o.cpu, RAX)).toBe(1);
    expect(reg32(o.cpu, RBX)).toBe(2);
    expect(reg32(o.cpu, RSP)).toBe(STACK);
  });
  it('CALL [ESP] reads its target before pushing', () => {
    const o = run(32, (a) => { a.push(a.addr('f')); a.call(dword(esp)); a.jmp('end'); a.label('f'); a.mov(eax, 7); a.ret(); });
    expect(reg32(o.cpu, RAX)).toBe(7);
    expect(reg32(o.cpu, RSP)).toBe(STACK - 4);
  });
  it('RET imm16 releases the arguments after popping the return address', () => {
    const o = run(32, (a) => { a.push(1); a.push(2); a.call('f'); a.jmp('end'); a.label('f'); a.mov(eax, dword(esp, 4)); a.ret(8); });
    expect(reg32(o.cpu, RAX)).toBe(2);
    expect(reg32(o.cpu, RSP)).toBe(STACK);
  });
  it('real mode: CALL and RET move SP by 2 and push IP', () => {
    const o = run(16, (a) => { a.call('f'); a.label('after'); a.jmp('end'); a.label('f'); a.mov(ax, sp); a.ret(); });
    expect(reg32(o.cpu, RAX) & 0xFFFF).toBe(0xFFFC);
    expect(BigInt(o.machine.memory.read16(REAL_SNIPPET_BASE + 0xFFFC))).toBe(o.labels.get('after'));
    expect(reg32(o.cpu, RSP) & 0xFFFF).toBe(0xFFFE);
  });
  it('64-bit: CALL pushes 8 bytes; CALL r64; RET', () => {
    const o = run(64, (a) => {
      a.call('f'); a.label('after'); a.lea(rcx, mem({ rip: 'g' })); a.call(rcx); a.jmp('end');
      a.label('f'); a.mov(rax, qword(rsp)); a.ret();
      a.label('g'); a.mov(rbx, rsp); a.ret();
    });
    expect(reg64(o.cpu, RAX)).toBe(o.labels.get('after'));
    expect(reg64(o.cpu, RBX)).toBe(BigInt(STACK - 8));
    expect(reg64(o.cpu, RSP)).toBe(BigInt(STACK));
  });
  it('a CALL target beyond the CS limit is #GP(0) before anything is pushed', () => {
    const o = run(32, (a) => { a.label('call'); a.call('far_away'); a.space(0x100, 0x90); a.label('far_away'); a.nop(); }, (cpu) => {
      cpu.segLimit[CS] = 0x10_0080;
    });
    expect(o.fault?.vector).toBe(GP);
    expect(o.fault?.errorCode).toBe(0);
    expect(rip(o)).toBe(o.labels.get('call'));
    expect(reg32(o.cpu, RSP)).toBe(STACK);
  });
  it('64-bit: RET to a non-canonical address is #GP(0) with RSP unchanged', () => {
    const o = run(64, (a) => { a.mov(rax, 0x8000_0000_0000_0000n); a.push(rax); a.label('ret'); a.ret(); });
    expect(o.fault?.vector).toBe(GP);
    expect(rip(o)).toBe(o.labels.get('ret'));
    expect(reg64(o.cpu, RSP)).toBe(BigInt(STACK - 8));
  });
});

describe('LOOP, LOOPE, LOOPNE (SDM Vol. 2 LOOP/LOOPcc): the count decrements, the flags do not change', () => {
  it('LOOP runs ECX times and leaves ECX = 0; the flags are those of the last INC', () => {
    const o = run(32, (a) => { a.mov(ecx, 5); a.xor(eax, eax); a.label('l'); a.inc(eax); a.loop('l'); });
    expect(reg32(o.cpu, RAX)).toBe(5);
    expect(reg32(o.cpu, RCX)).toBe(0);
    expect(arith(o.flags)).toMatchObject({ zf: 0, pf: 1 }); // INC 4 -> 5
  });
  it('LOOPNE stops when ZF = 1: counting up to 3 from a count of 10', () => {
    const o = run(32, (a) => { a.mov(ecx, 10); a.xor(eax, eax); a.label('l'); a.inc(eax); a.cmp(eax, 3); a.loopne('l'); });
    expect(reg32(o.cpu, RAX)).toBe(3);
    expect(reg32(o.cpu, RCX)).toBe(7);
  });
  it('LOOPE stops when ZF = 0', () => {
    const o = run(32, (a) => { a.mov(ecx, 10); a.xor(eax, eax); a.label('l'); a.inc(eax); a.cmp(eax, 100); a.loope('l'); });
    expect(reg32(o.cpu, RAX)).toBe(1);
    expect(reg32(o.cpu, RCX)).toBe(9);
  });
  it('with a 16-bit address size (67h) the count is CX: ECX = 10001h stops after one pass', () => {
    const o = run(32, (a) => { a.mov(ecx, 0x1_0001); a.xor(eax, eax); a.label('l'); a.inc(eax); a.a16(); a.loop('l'); });
    expect(reg32(o.cpu, RAX)).toBe(1);
    expect(reg32(o.cpu, RCX)).toBe(0x1_0000);
  });
  it('64-bit: the count is RCX (1_00000000h - 1 is not 0, the branch is taken)', () => {
    const o = run(64, (a) => { a.mov(rcx, 0x1_0000_0000n); a.loop('t'); a.jmp('end'); a.label('t'); a.mov(eax, 1); });
    expect(reg64(o.cpu, RCX)).toBe(0xFFFF_FFFFn);
    expect(reg32(o.cpu, RAX)).toBe(1);
  });
  it('a LOOP target beyond the CS limit is #GP(0) and ECX keeps its value', () => {
    const o = run(32, (a) => { a.mov(ecx, 2); a.label('loop'); a.loop('far_away'); a.space(0x70, 0x90); a.label('far_away'); a.nop(); }, (cpu) => {
      cpu.segLimit[CS] = 0x10_0040;
    });
    expect(o.fault?.vector).toBe(GP);
    expect(rip(o)).toBe(o.labels.get('loop'));
    expect(reg32(o.cpu, RCX)).toBe(2);
  });
});

describe('JCXZ, JECXZ, JRCXZ (SDM Vol. 2 Jcc)', () => {
  it('JECXZ jumps when ECX = 0 and falls through otherwise', () => {
    const o = run(32, (a) => { a.xor(ecx, ecx); a.xor(eax, eax); a.jecxz('skip'); a.mov(eax, 1); a.label('skip'); });
    expect(reg32(o.cpu, RAX)).toBe(0);
    const p = run(32, (a) => { a.mov(ecx, 1); a.xor(eax, eax); a.jecxz('skip'); a.mov(eax, 1); a.label('skip'); });
    expect(reg32(p.cpu, RAX)).toBe(1);
  });
  it('JCXZ looks at CX only: ECX = 10000h jumps', () => {
    const o = run(32, (a) => { a.mov(ecx, 0x1_0000); a.xor(eax, eax); a.jcxz('skip'); a.mov(eax, 1); a.label('skip'); });
    expect(reg32(o.cpu, RAX)).toBe(0);
  });
  it('64-bit: JRCXZ looks at all of RCX, JECXZ at ECX', () => {
    const o = run(64, (a) => { a.mov(rcx, 0x1_0000_0000n); a.xor(eax, eax); a.jrcxz('skip'); a.mov(eax, 1); a.label('skip'); });
    expect(reg32(o.cpu, RAX)).toBe(1);
    const p = run(64, (a) => { a.mov(rcx, 0x1_0000_0000n); a.xor(eax, eax); a.jecxz('skip'); a.mov(eax, 1); a.label('skip'); });
    expect(reg32(p.cpu, RAX)).toBe(0);
  });
});

describe('Jcc and JMP (SDM Vol. 2 Jcc, JMP)', () => {
  it('conditional branches follow the flags of CMP (signed and unsigned)', () => {
    const o = run(32, (a) => {
      a.xor(ebx, ebx);
      a.mov(eax, -1); a.cmp(eax, 1);
      a.jb('no'); a.or_(ebx, 1); a.label('no'); // unsigned FFFFFFFFh > 1: not taken
      a.cmp(eax, 1);
      a.jl('yes'); a.or_(ebx, 2); a.label('yes'); // signed -1 < 1: taken
      a.jmp('end');
    });
    expect(reg32(o.cpu, RBX)).toBe(1);
  });
  it('JMP through a register', () => {
    const o = run(32, (a) => { a.mov(ecx, a.addr('t')); a.xor(eax, eax); a.jmp(ecx); a.mov(eax, 1); a.label('t'); });
    expect(reg32(o.cpu, RAX)).toBe(0);
  });
});

