// The stack (SDM Vol. 2 PUSH, POP, PUSHA/PUSHAD, POPA/POPAD, PUSHF, POPF, ENTER, LEAVE; stack-address
// size Vol. 1 6.2.3; flags Vol. 1 3.4.3, Vol. 3A 2.3). The loader starts the stack at 80000h.
import { describe, expect, it } from 'vitest';
import {
  ax, bp, bx, ds, dword, eax, ebp, ebx, ecx, edi, edx, esi, esp, fs, rax, rbp, rbx, rsp, sp, word,
} from '../../../conformance/asm/index.js';
import type { Cpu } from '../cpu.js';
import { GP, SS_ } from '../fault.js';
import { AC, DF, FIXED1, ID, IF, IOPL, NT, VIF, VM } from '../flags.js';
import { CS, DS, RAX, RBP, RBX, RCX, RSP, SS } from '../registers.js';
import { DATA, REAL_SNIPPET_BASE, STACK, execute, reg32, reg64, run, type Outcome } from '../../../conformance/harness/cpu.js';

const mem32 = (o: Outcome, at: number) => o.machine.memory.read32(at) >>> 0;

describe('PUSH and POP (SDM Vol. 2 PUSH, POP)', () => {
  it('32-bit: PUSH writes at ESP - 4 and moves ESP; POP reads and moves it back', () => {
    const o = run(32, (a) => { a.mov(eax, 0x1234_5678); a.push(eax); a.mov(ebx, esp); a.pop(ecx); });
    expect(reg32(o.cpu, RBX)).toBe(STACK - 4);
    expect(mem32(o, STACK - 4)).toBe(0x1234_5678);
    expect(reg32(o.cpu, RCX)).toBe(0x1234_5678);
    expect(reg32(o.cpu, RSP)).toBe(STACK);
  });
  it('PUSH imm8 is sign-extended to the operand size; PUSH with 66h pushes a word', () => {
    const o = run(32, (a) => { a.push(-1); a.o16(); a.push(0x1234); });
    expect(mem32(o, STACK - 4)).toBe(0xFFFF_FFFF);
    expect(o.machine.memory.read16(STACK - 6)).toBe(0x1234);
    expect(reg32(o.cpu, RSP)).toBe(STACK - 6);
  });
  it('PUSH ESP pushes the value ESP had before the push', () => {
    const o = run(32, (a) => { a.push(esp); a.pop(eax); });
    expect(reg32(o.cpu, RAX)).toBe(STACK);
  });
  it('POP ESP loads the popped value into ESP', () => {
    const o = run(32, (a) => { a.push(0x1_2344); a.pop(esp); });
    expect(reg32(o.cpu, RSP)).toBe(0x1_2344);
  });
  it('POP to memory addressed by ESP uses ESP after the increment', () => {
    // push 1 (at S-4), push 2 (at S-8); pop [esp] pops 2 and stores it at the new top, S-4.
    const o = run(32, (a) => { a.push(1); a.push(2); a.pop(dword(esp)); a.pop(eax); });
    expect(reg32(o.cpu, RAX)).toBe(2);
    expect(reg32(o.cpu, RSP)).toBe(STACK);
  });
  it('PUSH and POP of memory operands', () => {
    const o = run(32, (a) => { a.mov(dword(DATA), 0xCAFE); a.push(dword(DATA)); a.pop(dword(DATA + 4)); a.o16(); a.push(word(DATA)); a.o16(); a.pop(word(DATA + 8)); });
    expect(mem32(o, DATA + 4)).toBe(0xCAFE);
    expect(o.machine.memory.read16(DATA + 8)).toBe(0xCAFE);
    expect(reg32(o.cpu, RSP)).toBe(STACK);
  });
  it('PUSH DS with a 32-bit operand writes the selector as a word and moves ESP by 4', () => {
    const o = run(32, (a) => { a.mov(dword(STACK - 4), -1); a.push(ds); });
    expect(mem32(o, STACK - 4)).toBe(0xFFFF_0010);
    expect(reg32(o.cpu, RSP)).toBe(STACK - 4);
  });
  it('a 16-bit stack (SS.B = 0) uses SP and keeps ESP bits 31:16', () => {
    const o = run(32, (a) => { a.mov(esp, 0x1234_0010); a.mov(eax, 0xAABB_CCDD); a.push(eax); }, (cpu) => {
      cpu.loadSegmentRaw(SS, 0x10, 0, 0, 0xFFFF_FFFF, 0x8093); // G=1, B=0: a 16-bit stack
    });
    expect(reg32(o.cpu, RSP)).toBe(0x1234_000C);
    expect(mem32(o, 0x000C)).toBe(0xAABB_CCDD);
  });
  it('a push outside the stack segment limit is #SS(0) and leaves ESP unchanged', () => {
    const o = run(32, (a) => { a.mov(esp, 0x1_0002); a.push(eax); }, (cpu) => {
      cpu.loadSegmentRaw(SS, 0x10, 0, 0, 0xFFFF, 0x4093);
    });
    expect(o.fault?.vector).toBe(SS_);
    expect(o.fault?.errorCode).toBe(0);
    expect(reg32(o.cpu, RSP)).toBe(0x1_0002);
  });
  it('real mode: POP DS loads selector and base = selector * 16; PUSH/POP use SP', () => {
    const o = run(16, (a) => { a.push(0x2000); a.insn('pop', ds); a.mov(ax, sp); });
    expect(o.cpu.segSel[DS]).toBe(0x2000);
    expect(o.cpu.segBaseLo[DS]).toBe(0x2_0000);
    expect(reg32(o.cpu, RAX) & 0xFFFF).toBe(0xFFFE);
  });
  it('64-bit: 8-byte pushes, imm32 sign-extended to 64 bits, 66h pushes 2 bytes, PUSH FS zero-extends', () => {
    const o = run(64, (a) => {
      a.mov(rax, 0x1122_3344_5566_7788n); a.push(rax); a.push(-2); a.pop(rbx); a.pop(rbp); a.o16(); a.push(0x55AA); a.mov(rax, rsp);
      a.insn('push', fs);
    });
    expect(reg64(o.cpu, RBX)).toBe(0xFFFF_FFFF_FFFF_FFFEn);
    expect(reg64(o.cpu, RBP)).toBe(0x1122_3344_5566_7788n);
    expect(reg64(o.cpu, RAX)).toBe(BigInt(STACK - 2));
    expect(reg64(o.cpu, RSP)).toBe(BigInt(STACK - 10));
    expect(o.machine.memory.read64(STACK - 10)).toBe(0x10n);
  });
});

describe('PUSHA/PUSHAD, POPA/POPAD (SDM Vol. 2)', () => {
  it('PUSHAD stores EAX ECX EDX EBX (old ESP) EBP ESI EDI downwards; POPAD skips the ESP slot', () => {
    const o = run(32, (a) => {
      a.mov(eax, 1); a.mov(ecx, 2); a.mov(edx, 3); a.mov(ebx, 4); a.mov(ebp, 6); a.mov(esi, 7); a.mov(edi, 8);
      a.pushad();
      a.mov(dword(esp, 12), 0x5555); // the saved ESP: ignored by POPAD
      a.mov(dword(esp, 28), 0x11); // the saved EAX
      a.xor(eax, eax); a.xor(ebx, ebx);
      a.popad();
    });
    const base = STACK - 32;
    expect([0, 4, 8, 12, 16, 20, 24, 28].map((d) => mem32(o, base + d))).toEqual([8, 7, 6, 0x5555, 4, 3, 2, 0x11]);
    expect(reg32(o.cpu, RAX)).toBe(0x11);
    expect(reg32(o.cpu, RBX)).toBe(4);
    expect(reg32(o.cpu, RSP)).toBe(STACK);
  });
  it('PUSHA with a 16-bit operand size pushes eight words', () => {
    const o = run(32, (a) => { a.mov(eax, 0xAAAA_1111); a.o16(); a.pusha(); a.mov(dword(DATA), esp); a.mov(eax, 0); a.o16(); a.popa(); });
    expect(mem32(o, DATA)).toBe(STACK - 16);
    expect(o.machine.memory.read16(STACK - 2)).toBe(0x1111);
    expect(o.machine.memory.read16(STACK - 10)).toBe(STACK & 0xFFFF); // the original SP
    expect(reg32(o.cpu, RAX)).toBe(0x0000_1111); // POPA (16-bit) restores AX only
    expect(reg32(o.cpu, RSP)).toBe(STACK);
  });
});

describe('PUSHF and POPF (SDM Vol. 2 PUSHF, POPF)', () => {
  it('PUSHFD stores EFLAGS with bit 1 set and VM, RF clear', () => {
    const o = run(32, (a) => { a.stc(); a.std(); a.pushfd(); a.pop(eax); });
    expect(reg32(o.cpu, RAX)).toBe(FIXED1 | 1 | DF);
  });
  it('POPFD at CPL 0 changes every modifiable flag; VIF, VIP, VM and the reserved bits stay clear', () => {
    const o = run(32, (a) => { a.push(0xFFFF_FEFF); a.popfd(); a.pushfd(); a.pop(eax); a.push(0); a.popfd(); });
    const modifiable = 0x8D5 | DF | IF | IOPL | NT | AC | ID | FIXED1; // all but TF (not tested: it traps)
    expect(reg32(o.cpu, RAX)).toBe(modifiable);
    expect(o.flags).toBe(FIXED1);
  });
  it('POPF (16-bit) changes only bits 15:0', () => {
    const o = run(32, (a) => { a.push(AC); a.popfd(); a.o16(); a.push(0x0001); a.o16(); a.popf(); a.pushfd(); a.pop(eax); });
    expect(reg32(o.cpu, RAX)).toBe(AC | FIXED1 | 1);
  });
  it('at CPL 3 with IOPL 0, POPFD changes neither IF nor IOPL (the arithmetic flags it does)', () => {
    const o = run(32, (a) => { a.push(0x0000_3001); a.popfd(); a.pushfd(); a.pop(eax); }, (cpu) => toRing3(cpu, IF));
    expect(o.fault?.vector).toBe(GP); // HLT at CPL 3 ends the snippet
    expect(BigInt(o.cpu.ripLo >>> 0)).toBe(o.labels.get('end'));
    expect(reg32(o.cpu, RAX)).toBe(IF | FIXED1 | 1);
  });
  it('at CPL 3 with IOPL 3, POPFD may change IF but still not IOPL', () => {
    const o = run(32, (a) => { a.push(0); a.popfd(); a.pushfd(); a.pop(eax); }, (cpu) => toRing3(cpu, IF | IOPL));
    expect(reg32(o.cpu, RAX)).toBe(IOPL | FIXED1);
  });
  it('virtual-8086 mode with IOPL < 3: PUSHF and POPF are #GP(0)', () => {
    expect(runV86([0x9C], 0).fault?.vector).toBe(GP);
    expect(runV86([0x9D], 0).fault?.vector).toBe(GP);
    expect(runV86([0x66, 0x9C], 0).fault?.vector).toBe(GP);
  });
  it('virtual-8086 mode with CR4.VME: PUSHF stores VIF as IF and 3 as IOPL; POPF sets VIF from bit 9', () => {
    const o = runV86([0x9C, 0x58], VIF, true); // pushf; pop ax
    expect(reg32(o.cpu, RAX) & 0xFFFF).toBe(IF | IOPL | FIXED1);
    const p = runV86([0x68, 0x00, 0x02, 0x9D], 0, true); // push 0200h; popf
    expect(p.machine.cpu.flagsValue & (VIF | IF)).toBe(VIF);
  });
  it('virtual-8086 mode with IOPL 3: POPF changes IF but not IOPL', () => {
    const o = runV86([0x68, 0x00, 0x02, 0x9D], IOPL); // push 0200h; popf
    expect(o.machine.cpu.flagsValue & (IF | IOPL)).toBe(IF | IOPL);
  });
});

/** Moves the snippet to CPL 3 (ring-3 code and stack segments) with the given extra RFLAGS bits. */
function toRing3(cpu: Cpu, flags: number): void {
  cpu.flagsValue |= flags;
  cpu.loadSegmentRaw(CS, 0x1B, 0, 0, 0xFFFF_FFFF, 0xC0FB);
  cpu.loadSegmentRaw(SS, 0x23, 0, 0, 0xFFFF_FFFF, 0xC0F3);
}

/** Runs 16-bit code in virtual-8086 mode (segments of the real-mode load, CR0.PE = 1, VM = 1). */
function runV86(bytes: number[], flags: number, vme = false): Outcome {
  return execute(new Uint8Array([...bytes, 0xF4]), 'real', (cpu) => {
    cpu.cr0 |= 1;
    if (vme) cpu.cr4 |= 1;
    cpu.flagsValue |= VM | flags;
    cpu.updateMode();
  });
}

describe('ENTER and LEAVE (SDM Vol. 2 ENTER, LEAVE)', () => {
  it('ENTER 16, 0: push EBP, EBP = frame, ESP = frame - 16; LEAVE undoes it', () => {
    const o = run(32, (a) => { a.mov(ebp, 0xBEEF); a.enter(16, 0); a.mov(eax, ebp); a.mov(ebx, esp); a.leave(); });
    expect(reg32(o.cpu, RAX)).toBe(STACK - 4);
    expect(reg32(o.cpu, RBX)).toBe(STACK - 20);
    expect(mem32(o, STACK - 4)).toBe(0xBEEF);
    expect(reg32(o.cpu, RBP)).toBe(0xBEEF);
    expect(reg32(o.cpu, RSP)).toBe(STACK);
  });
  it('ENTER 8, 3 copies two enclosing frame pointers and pushes the new frame pointer', () => {
    const B = 0x7_0000;
    const o = run(32, (a) => {
      a.mov(dword(B - 4), 0x1111); a.mov(dword(B - 8), 0x2222); a.mov(ebp, B);
      a.enter(8, 3); a.mov(eax, ebp); a.mov(ebx, esp);
    });
    expect(reg32(o.cpu, RAX)).toBe(STACK - 4);
    expect(reg32(o.cpu, RBX)).toBe(STACK - 24);
    expect([4, 8, 12, 16].map((d) => mem32(o, STACK - d))).toEqual([B, 0x1111, 0x2222, STACK - 4]);
  });
  it('ENTER 0, 1 pushes EBP and then the frame pointer', () => {
    const o = run(32, (a) => { a.mov(ebp, 0x1234); a.enter(0, 1); });
    expect(reg32(o.cpu, RBP)).toBe(STACK - 4);
    expect(reg32(o.cpu, RSP)).toBe(STACK - 8);
    expect(mem32(o, STACK - 8)).toBe(STACK - 4);
  });
  it('64-bit: ENTER 32, 0 and LEAVE with 8-byte slots', () => {
    const o = run(64, (a) => { a.mov(rbp, 0x1_0000_0000n); a.enter(32, 0); a.mov(rax, rbp); a.mov(rbx, rsp); a.leave(); });
    expect(reg64(o.cpu, RAX)).toBe(BigInt(STACK - 8));
    expect(reg64(o.cpu, RBX)).toBe(BigInt(STACK - 40));
    expect(reg64(o.cpu, RBP)).toBe(0x1_0000_0000n);
    expect(reg64(o.cpu, RSP)).toBe(BigInt(STACK));
  });
  it('real mode: ENTER 4, 0 and LEAVE on SP/BP', () => {
    const o = run(16, (a) => { a.mov(bp, 0x4321); a.enter(4, 0); a.mov(ax, bp); a.mov(bx, sp); a.leave(); });
    expect(reg32(o.cpu, RAX) & 0xFFFF).toBe(0xFFFC);
    expect(reg32(o.cpu, RBX) & 0xFFFF).toBe(0xFFF8);
    expect(reg32(o.cpu, RBP) & 0xFFFF).toBe(0x4321);
    expect(o.machine.memory.read16(REAL_SNIPPET_BASE + 0xFFFC)).toBe(0x4321);
  });
});

