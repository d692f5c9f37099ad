// Data movement (SDM Vol. 2 MOV, MOVZX, MOVSX/MOVSXD, LEA, XCHG, BSWAP, CBW/CWDE/CDQE, CWD/CDQ/CQO,
// CMPXCHG, CMPXCHG8B/16B, XADD, XLAT, BOUND, ARPL). Expected values are worked out by hand from the
// SDM's Operation sections.
import { describe, expect, it } from 'vitest';
import {
  ah, al, ax, bl, bx, byte, cl, cx, dh, dl, dword, dx, eax, ebx, ecx, edx, esi, mem, qword, r8, rax, rbx, rcx,
  rdx, si, word,
} from '../../../conformance/asm/index.js';
import type { Cpu } from '../cpu.js';
import type { LoadMode } from '../../machine/loader.js';
import { BR, GP, PF, UD } from '../fault.js';
import { RAX, RBX, RCX, RDX } from '../registers.js';
import { DATA, REAL_SNIPPET_BASE, arith, execute, reg32, reg64, run, setReg64, type Outcome } from '../../../conformance/harness/cpu.js';

function runBytes(mode: LoadMode, bytes: number[], setup?: (cpu: Cpu) => void): Outcome {
  return execute(new Uint8Array([...bytes, 0xF4]), mode, setup);
}

describe('MOV (SDM Vol. 2 MOV)', () => {
  it('8- and 16-bit register moves keep the rest of the register; AH is bits 15:8', () => {
    const o = run(32, (a) => { a.mov(eax, 0x1122_3344); a.mov(ebx, 0xAABB_CCDD); a.mov(bl, al); a.mov(cx, bx); a.mov(ah, bl); });
    expect(reg32(o.cpu, RBX)).toBe(0xAABB_CC44);
    expect(reg32(o.cpu, RCX) & 0xFFFF).toBe(0xCC44);
    expect(reg32(o.cpu, RAX)).toBe(0x1122_4444);
  });
  it('memory stores and loads of every size', () => {
    const o = run(32, (a) => {
      a.mov(dword(DATA), 0x8765_4321); a.mov(word(DATA + 4), 0xBEEF); a.mov(byte(DATA + 6), 0x7F);
      a.mov(eax, dword(DATA)); a.mov(bx, word(DATA + 4)); a.mov(cl, byte(DATA + 6));
    });
    expect(reg32(o.cpu, RAX)).toBe(0x8765_4321);
    expect(reg32(o.cpu, RBX) & 0xFFFF).toBe(0xBEEF);
    expect(reg32(o.cpu, RCX) & 0xFF).toBe(0x7F);
  });
  it('the moffs forms A0-A3 address an absolute offset (32-bit)', () => {
    // A1 moffs32: mov eax, [200010h]; A2 moffs32: mov [200020h], al
    const o = runBytes('prot32', [0xA1, 0x10, 0x00, 0x20, 0x00, 0xA2, 0x20, 0x00, 0x20, 0x00], (cpu) => {
      cpu.memory.write32(DATA + 0x10, 0xCAFE_F00D);
    });
    expect(reg32(o.cpu, RAX)).toBe(0xCAFE_F00D);
    expect(o.machine.memory.read8(DATA + 0x20)).toBe(0x0D);
  });
  it('a 64-bit moffs uses all 64 address bits (REX.W A1)', () => {
    // 48 A1 moffs64: mov rax, [0000000000200010h]
    const o = runBytes('long64', [0x48, 0xA1, 0x10, 0x00, 0x20, 0x00, 0, 0, 0, 0], (cpu) => {
      cpu.memory.write64(DATA + 0x10, 0x0123_4567_89AB_CDEFn);
    });
    expect(reg64(o.cpu, RAX)).toBe(0x0123_4567_89AB_CDEFn);
    // 48 A1 moffs64 = 1_00200010h: above the loader's 4-GiB identity map, so the access faults (#PF)
    const f = runBytes('long64', [0x48, 0xA1, 0x10, 0x00, 0x20, 0x00, 0x01, 0, 0, 0]);
    expect(f.fault?.vector).toBe(PF);
  });
  it('64-bit: MOV r32, imm32 clears bits 63:32; MOV r/m64, imm32 sign-extends; MOV r64, imm64', () => {
    const o = run(64, (a) => {
      a.mov(rax, -1); a.mov(eax, 0x8000_0000);
      a.mov(rbx, 0x1234_5678_9ABC_DEF0n);
      a.insn('mov', qword(DATA), -2); a.mov(rcx, qword(DATA));
    });
    expect(reg64(o.cpu, RAX)).toBe(0x8000_0000n);
    expect(reg64(o.cpu, RBX)).toBe(0x1234_5678_9ABC_DEF0n);
    expect(reg64(o.cpu, RCX)).toBe(0xFFFF_FFFF_FFFF_FFFEn);
  });
  it('MOV changes no flags', () => {
    const o = run(32, (a) => { a.stc(); a.mov(eax, 0); a.mov(dword(DATA), eax); });
    expect(arith(o.flags).cf).toBe(1);
  });
});

describe('MOVZX, MOVSX, MOVSXD (SDM Vol. 2 MOVZX, MOVSX/MOVSXD)', () => {
  it('zero- and sign-extend bytes and words', () => {
    const o = run(32, (a) => {
      a.mov(ebx, 0x80); a.mov(word(DATA), 0x8001);
      a.movzx(eax, bl); a.movsx(ecx, bl); a.mov(edx, 0xAAAA_0000); a.movsx(dx, bl); a.movzx(esi, word(DATA));
    });
    expect(reg32(o.cpu, RAX)).toBe(0x80);
    expect(reg32(o.cpu, RCX)).toBe(0xFFFF_FF80);
    expect(reg32(o.cpu, RDX)).toBe(0xAAAA_FF80); // a 16-bit destination keeps bits 31:16
    expect(reg32(o.cpu, 6)).toBe(0x8001);
  });
  it('64-bit: MOVSX r64, r/m8 and MOVSXD r64, r/m32; MOVZX r32 clears bits 63:32', () => {
    const o = run(64, (a) => {
      a.mov(ecx, 0x8000_0000); a.movsxd(rax, ecx);
      a.mov(byte(DATA), 0xFE); a.movsx(rbx, byte(DATA));
      a.mov(rdx, -1); a.movzx(edx, cl);
      a.mov(dword(DATA + 8), 0x7FFF_FFFF); a.movsxd(r8, dword(DATA + 8));
    });
    expect(reg64(o.cpu, RAX)).toBe(0xFFFF_FFFF_8000_0000n);
    expect(reg64(o.cpu, RBX)).toBe(0xFFFF_FFFF_FFFF_FFFEn);
    expect(reg64(o.cpu, RDX)).toBe(0n);
    expect(reg64(o.cpu, 8)).toBe(0x7FFF_FFFFn);
  });
});

describe('LEA (SDM Vol. 2 LEA): the offset at the address size, fitted to the operand size', () => {
  it('32-bit base + index*4 + displacement', () => {
    const o = run(32, (a) => { a.mov(ebx, 0x1000); a.mov(ecx, 3); a.lea(eax, dword(ebx, ecx, 4, 0x10)); });
    expect(reg32(o.cpu, RAX)).toBe(0x101C);
  });
  it('16-bit addressing (67h) wraps at 64 KiB and is zero-extended into a 32-bit register', () => {
    const o = run(32, (a) => { a.mov(ebx, 0xFFFF); a.mov(esi, 2); a.lea(eax, mem({ base: bx, index: si, disp: 0x10 })); });
    expect(reg32(o.cpu, RAX)).toBe(0x11);
  });
  it('a 16-bit operand (66h) takes the low 16 bits of a 32-bit offset and keeps bits 31:16', () => {
    const o = run(32, (a) => { a.mov(eax, 0xAAAA_AAAA); a.mov(ebx, 0x1234_5678); a.lea(ax, dword(ebx, 0x10)); });
    expect(reg32(o.cpu, RAX)).toBe(0xAAAA_5688);
  });
  it('64-bit offsets carry across the halves; a 32-bit operand or address size truncates', () => {
    const o = run(64, (a) => {
      a.mov(rbx, 0xFFFF_FFF0); a.mov(rcx, 2);
      a.lea(rax, qword(rbx, rcx, 8, 0x10)); // FFFFFFF0 + 10 + 10 = 1_00000010
      a.lea(edx, qword(rbx, rcx, 8, 0x10)); // truncated to 32 bits: 10h
      a.mov(r8, -1); a.lea(r8, mem({ base: ebx, disp: 0x20 })); // 67h: (FFFFFFF0 + 20) mod 2^32 = 10h
    });
    expect(reg64(o.cpu, RAX)).toBe(0x1_0000_0010n);
    expect(reg64(o.cpu, RDX)).toBe(0x10n);
    expect(reg64(o.cpu, 8)).toBe(0x10n);
  });
  it('RIP-relative: the address of a label', () => {
    const o = run(64, (a) => { a.lea(rax, mem({ rip: 'here' })); a.label('here'); });
    expect(reg64(o.cpu, RAX)).toBe(o.labels.get('here'));
  });
});

describe('XCHG (SDM Vol. 2 XCHG)', () => {
  it('register pairs and memory', () => {
    const o = run(32, (a) => {
      a.mov(eax, 1); a.mov(ebx, 2); a.xchg(eax, ebx);
      a.mov(dword(DATA), 0x55); a.mov(ecx, 0x66); a.xchg(dword(DATA), ecx);
      a.mov(edx, 0x1234); a.xchg(dl, dh);
    });
    expect(reg32(o.cpu, RAX)).toBe(2);
    expect(reg32(o.cpu, RBX)).toBe(1);
    expect(reg32(o.cpu, RCX)).toBe(0x55);
    expect(o.machine.memory.read32(DATA)).toBe(0x66);
    expect(reg32(o.cpu, RDX)).toBe(0x3412);
  });
  it('64-bit: XCHG EAX, EAX (87 C0) is a 32-bit write and clears bits 63:32; NOP (90) does not', () => {
    const o = runBytes('long64', [0x87, 0xC0, 0x90], (cpu) => { setReg64(cpu, RAX, -1n); });
    expect(reg64(o.cpu, RAX)).toBe(0xFFFF_FFFFn);
    const n = runBytes('long64', [0x90], (cpu) => { setReg64(cpu, RAX, -1n); });
    expect(reg64(n.cpu, RAX)).toBe(0xFFFF_FFFF_FFFF_FFFFn);
  });
});

describe('BSWAP (SDM Vol. 2 BSWAP)', () => {
  it('reverses the bytes of 32- and 64-bit registers', () => {
    const o = run(64, (a) => { a.mov(eax, 0x1234_5678); a.bswap(eax); a.mov(rbx, 0x0102_0304_0506_0708n); a.bswap(rbx); });
    expect(reg64(o.cpu, RAX)).toBe(0x7856_3412n);
    expect(reg64(o.cpu, RBX)).toBe(0x0807_0605_0403_0201n);
  });
});

describe('CBW/CWDE/CDQE, CWD/CDQ/CQO (SDM Vol. 2)', () => {
  it('sign-extend the accumulator in place and into DX/EDX/RDX', () => {
    const o = run(32, (a) => { a.mov(eax, 0x1234_0080); a.cbw(); a.mov(ebx, eax); a.mov(eax, 0x0000_8000); a.cwde(); a.mov(ecx, eax); a.mov(eax, 0x8000); a.mov(edx, 0xAAAA_0000); a.cwd(); });
    expect(reg32(o.cpu, RBX)).toBe(0x1234_FF80);
    expect(reg32(o.cpu, RCX)).toBe(0xFFFF_8000);
    expect(reg32(o.cpu, RDX)).toBe(0xAAAA_FFFF);
    const p = run(32, (a) => { a.mov(eax, 0x8000_0000); a.cdq(); a.mov(ebx, edx); a.mov(eax, 1); a.cdq(); });
    expect(reg32(p.cpu, RBX)).toBe(0xFFFF_FFFF);
    expect(reg32(p.cpu, RDX)).toBe(0);
  });
  it('64-bit: CDQE and CQO', () => {
    const o = run(64, (a) => { a.mov(rax, 0x1234_5678_8000_0000n); a.cdqe(); a.mov(rbx, rax); a.mov(rax, 0x8000_0000_0000_0000n); a.cqo(); });
    expect(reg64(o.cpu, RBX)).toBe(0xFFFF_FFFF_8000_0000n);
    expect(reg64(o.cpu, RDX)).toBe(0xFFFF_FFFF_FFFF_FFFFn);
  });
});

describe('CMPXCHG (SDM Vol. 2 CMPXCHG)', () => {
  it('equal: ZF=1 and the destination receives the source', () => {
    const o = run(32, (a) => { a.mov(dword(DATA), 5); a.mov(eax, 5); a.mov(ecx, 9); a.lock(); a.cmpxchg(dword(DATA), ecx); });
    expect(o.machine.memory.read32(DATA)).toBe(9);
    expect(reg32(o.cpu, RAX)).toBe(5);
    expect(arith(o.flags)).toEqual({ cf: 0, pf: 1, af: 0, zf: 1, sf: 0, of: 0 });
  });
  it('unequal: ZF=0, flags of CMP EAX, DEST (5 - 6), and EAX receives the destination', () => {
    const o = run(32, (a) => { a.mov(dword(DATA), 6); a.mov(eax, 5); a.mov(ecx, 9); a.cmpxchg(dword(DATA), ecx); });
    expect(o.machine.memory.read32(DATA)).toBe(6);
    expect(reg32(o.cpu, RAX)).toBe(6);
    expect(arith(o.flags)).toEqual({ cf: 1, pf: 1, af: 1, zf: 0, sf: 1, of: 0 });
  });
  it('byte and register forms', () => {
    const o = run(32, (a) => { a.mov(eax, 0x7F); a.mov(ebx, 0x7F); a.mov(edx, 0x11); a.cmpxchg(bl, dl); a.mov(ecx, 0x22); a.cmpxchg(cl, dl); });
    expect(reg32(o.cpu, RBX)).toBe(0x11);
    expect(reg32(o.cpu, RAX)).toBe(0x22); // AL = CL after the second (failed) compare
    expect(reg32(o.cpu, RCX)).toBe(0x22);
  });
  it('64-bit: RAX keeps bits 63:32 when a 32-bit compare succeeds, loses them when it fails', () => {
    const o = run(64, (a) => {
      a.mov(rax, 0xFFFF_FFFF_0000_0005n); a.mov(dword(DATA), 5); a.mov(ecx, 7); a.cmpxchg(dword(DATA), ecx); a.mov(rbx, rax);
      a.mov(rax, 0xFFFF_FFFF_0000_0005n); a.cmpxchg(dword(DATA), ecx);
    });
    expect(reg64(o.cpu, RBX)).toBe(0xFFFF_FFFF_0000_0005n);
    expect(reg64(o.cpu, RAX)).toBe(7n);
  });
  it('64-bit operands compare both halves', () => {
    const o = run(64, (a) => { a.mov(rax, 0x1_0000_0000n); a.mov(qword(DATA), rax); a.mov(rax, 0x2_0000_0000n); a.mov(rcx, 1); a.cmpxchg(qword(DATA), rcx); });
    expect(reg64(o.cpu, RAX)).toBe(0x1_0000_0000n);
    expect(arith(o.flags)).toMatchObject({ zf: 0, cf: 0, sf: 0 });
  });
  it('LOCK with a register destination is #UD (F0 0F B1 CB: lock cmpxchg ebx, ecx)', () => {
    const o = runBytes('prot32', [0xF0, 0x0F, 0xB1, 0xCB]);
    expect(o.fault?.vector).toBe(UD);
  });
});

describe('CMPXCHG8B and CMPXCHG16B (SDM Vol. 2 CMPXCHG8B/CMPXCHG16B): only ZF changes', () => {
  it('CMPXCHG8B equal: ECX:EBX stored, ZF=1, CF untouched', () => {
    const o = run(32, (a) => {
      a.mov(dword(DATA), 0x1111_1111); a.mov(dword(DATA + 4), 0x2222_2222);
      a.mov(eax, 0x1111_1111); a.mov(edx, 0x2222_2222); a.mov(ebx, 0x3333_3333); a.mov(ecx, 0x4444_4444);
      a.stc(); a.lock(); a.cmpxchg8b(qword(DATA));
    });
    expect(o.machine.memory.read32(DATA)).toBe(0x3333_3333);
    expect(o.machine.memory.read32(DATA + 4)).toBe(0x4444_4444);
    expect(arith(o.flags)).toMatchObject({ zf: 1, cf: 1 });
  });
  it('CMPXCHG8B unequal: EDX:EAX loaded, ZF=0', () => {
    const o = run(32, (a) => {
      a.mov(dword(DATA), 0x1111_1111); a.mov(dword(DATA + 4), 0x2222_2222);
      a.mov(eax, 0x1111_1111); a.mov(edx, 0); a.cmpxchg8b(qword(DATA));
    });
    expect(reg32(o.cpu, RAX)).toBe(0x1111_1111);
    expect(reg32(o.cpu, RDX)).toBe(0x2222_2222);
    expect(o.machine.memory.read32(DATA)).toBe(0x1111_1111);
    expect(arith(o.flags).zf).toBe(0);
  });
  it('CMPXCHG16B equal and unequal', () => {
    const o = run(64, (a) => {
      a.mov(rax, 1); a.mov(qword(DATA), rax); a.mov(rax, 2); a.mov(qword(DATA + 8), rax);
      a.mov(rax, 1); a.mov(rdx, 2); a.mov(rbx, 3); a.mov(rcx, 4); a.cmpxchg16b(mem({ disp: DATA, size: 'oword' }));
      a.mov(r8, qword(DATA + 8));
      a.mov(rax, 0); a.cmpxchg16b(mem({ disp: DATA, size: 'oword' }));
    });
    expect(reg64(o.cpu, 8)).toBe(4n);
    expect(reg64(o.cpu, RAX)).toBe(3n);
    expect(reg64(o.cpu, RDX)).toBe(4n);
    expect(arith(o.flags).zf).toBe(0);
  });
  it('CMPXCHG16B on an operand that is not 16-byte aligned is #GP(0), nothing changed', () => {
    const o = run(64, (a) => { a.mov(rax, 7); a.cmpxchg16b(mem({ disp: DATA + 8, size: 'oword' })); });
    expect(o.fault?.vector).toBe(GP);
    expect(o.fault?.errorCode).toBe(0);
    expect(reg64(o.cpu, RAX)).toBe(7n);
  });
});

describe('XADD (SDM Vol. 2 XADD): DEST = DEST + SRC, SRC = old DEST, flags as ADD', () => {
  it('memory with LOCK', () => {
    const o = run(32, (a) => { a.mov(dword(DATA), 10); a.mov(ecx, 5); a.lock(); a.xadd(dword(DATA), ecx); });
    expect(o.machine.memory.read32(DATA)).toBe(15);
    expect(reg32(o.cpu, RCX)).toBe(10);
    expect(arith(o.flags)).toEqual({ cf: 0, pf: 1, af: 0, zf: 0, sf: 0, of: 0 });
  });
  it('the same register as both operands ends with the sum; byte form carries', () => {
    const o = run(32, (a) => { a.mov(eax, 3); a.xadd(eax, eax); a.mov(ebx, 0xFF); a.mov(ecx, 1); a.xadd(bl, cl); });
    expect(reg32(o.cpu, RAX)).toBe(6);
    expect(reg32(o.cpu, RBX)).toBe(0);
    expect(reg32(o.cpu, RCX)).toBe(0xFF);
    expect(arith(o.flags)).toEqual({ cf: 1, pf: 1, af: 1, zf: 1, sf: 0, of: 0 });
  });
  it('LOCK with a register destination is #UD (F0 0F C1 C8: lock xadd eax, ecx)', () => {
    const o = runBytes('prot32', [0xF0, 0x0F, 0xC1, 0xC8]);
    expect(o.fault?.vector).toBe(UD);
  });
});

describe('XLAT (SDM Vol. 2 XLAT/XLATB)', () => {
  it('AL = [EBX + AL], AL taken as unsigned', () => {
    const o = run(32, (a) => { a.mov(ebx, DATA); a.mov(byte(DATA + 0x83), 0x5A); a.mov(eax, 0xFFFF_FF83); a.xlatb(); });
    expect(reg32(o.cpu, RAX)).toBe(0xFFFF_FF5A);
  });
  it('16-bit addressing wraps BX + AL at 64 KiB (real mode)', () => {
    // DS base 10000h; BX + AL = FFFFh + 81h = 1_0080h wraps to 0080h: linear 10080h, not 20080h.
    const o = run(16, (a) => { a.mov(bx, 0xFFFF); a.mov(al, 0x81); a.xlatb(); }, (cpu) => {
      cpu.memory.write8(REAL_SNIPPET_BASE + 0x80, 0x77);
      cpu.memory.write8(REAL_SNIPPET_BASE + 0x1_0080, 0x66);
    });
    expect(reg32(o.cpu, RAX) & 0xFF).toBe(0x77);
  });
});

describe('BOUND (SDM Vol. 2 BOUND): #BR outside [lower, upper], signed', () => {
  const prog = (index: number) => run(32, (a) => {
    a.mov(dword(DATA), -5); a.mov(dword(DATA + 4), 10); a.mov(eax, index); a.insn('bound', eax, qword(DATA));
  });
  it('inside the bounds, including both ends', () => {
    expect(prog(10).fault).toBeUndefined();
    expect(prog(-5).fault).toBeUndefined();
  });
  it('above the upper or below the lower bound: #BR', () => {
    expect(prog(11).fault?.vector).toBe(BR);
    expect(prog(-6).fault?.vector).toBe(BR);
  });
});

describe('ARPL (SDM Vol. 2 ARPL)', () => {
  it('raises the destination RPL to the source RPL (ZF=1); otherwise ZF=0 and no change', () => {
    const o = run(32, (a) => { a.mov(edx, 0xAAAA_0010); a.mov(ecx, 3); a.arpl(dx, cx); a.mov(ebx, edx); a.arpl(dx, cx); });
    expect(reg32(o.cpu, RBX)).toBe(0xAAAA_0013);
    expect(reg32(o.cpu, RDX)).toBe(0xAAAA_0013);
    expect(arith(o.flags).zf).toBe(0);
  });
  it('is #UD in real-address mode', () => {
    const o = run(16, (a) => { a.arpl(dx, cx); });
    expect(o.fault?.vector).toBe(UD);
  });
});
