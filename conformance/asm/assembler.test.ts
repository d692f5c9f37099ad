// Labels, branch relaxation, mixed code sizes, data directives, alignment, errors and listings.
import { Decoder, DecoderOptions } from 'iced-x86';
import { describe, expect, test } from 'vitest';
import {
  AsmError,
  Assembler,
  ah,
  al,
  ax,
  cr0,
  disassemble,
  ds,
  dword,
  eax,
  ecx,
  mem,
  qword,
  r8b,
  rax,
  rbx,
  rcx,
  rdi,
  word,
} from './index.js';

function hexOf(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).toUpperCase().padStart(2, '0')).join(' ');
}

/** Decodes `bytes` at `origin` and returns every branch's address and target. */
function branches(bytes: Uint8Array, bits: 16 | 32 | 64, origin: bigint): Array<{ at: bigint; target: bigint; length: number }> {
  const d = new Decoder(bits, bytes, DecoderOptions.None);
  d.ip = origin;
  const out: Array<{ at: bigint; target: bigint; length: number }> = [];
  try {
    while (d.canDecode) {
      const ins = d.decode();
      if (ins.isJccShortOrNear || ins.isJmpShortOrNear || ins.isCallNear) out.push({ at: ins.ip, target: ins.nearBranchTarget, length: ins.length });
      ins.free();
    }
  } finally {
    d.free();
  }
  return out;
}

function expectAsmError(f: () => void, ...parts: string[]): AsmError {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(AsmError);
  const err = caught as AsmError;
  for (const p of parts) expect(err.message).toContain(p);
  return err;
}

describe('labels', () => {
  test('a forward branch within rel8 reach is short (EB cb), one out of reach is near (E9 cd)', () => {
    const a = new Assembler(64);
    a.jmp('near1').nop().label('near1');
    a.jmp('far1').space(200).label('far1');
    expect(hexOf(a.assemble(0).bytes.subarray(0, 8))).toBe('EB 01 90 E9 C8 00 00 00');
  });

  test('a backward branch: exactly -128 is short, -129 is near (rel8 range, SDM Vol. 2 JMP)', () => {
    const a = new Assembler(32);
    a.label('b1').space(126).jmp('b1'); // next IP = 128: rel8 = -128
    a.label('b2').space(127).jmp('b2'); // rel8 would be -129
    const { bytes } = a.assemble(0);
    expect(hexOf(bytes.subarray(126, 128))).toBe('EB 80');
    expect(hexOf(bytes.subarray(128 + 127, 128 + 127 + 5))).toBe('E9 7C FF FF FF'); // -(127 + 5) = -132
  });

  test('chains of relaxation settle and every branch lands on its label', () => {
    const a = new Assembler(64);
    // Each JNZ's short reach depends on whether the ones between it and its label grew.
    for (let i = 0; i < 12; i++) a.jnz(`t${String(i)}`).space(10 * i);
    for (let i = 0; i < 12; i++) a.label(`t${String(i)}`).space(3, 0x90);
    a.label('back');
    for (let i = 0; i < 80; i++) a.jz('back');
    const origin = 0x40_0000n;
    const { bytes, labels } = a.assemble(origin);
    const found = branches(bytes, 64, origin);
    expect(found).toHaveLength(92);
    for (let i = 0; i < 12; i++) expect(found[i]?.target).toBe(labels.get(`t${String(i)}`));
    for (let i = 12; i < 92; i++) expect(found[i]?.target).toBe(labels.get('back'));
    // Short where the final distance allows it: the first JZ back is 2 bytes, the last (over 128 bytes away) near.
    expect(found[12]?.length).toBe(2);
    expect(found[91]?.length).toBe(6);
  });

  test('labels map to addresses from the origin, and a label can be used before and after its definition', () => {
    const a = new Assembler(64);
    a.mov(rax, a.addr('table')); // 10 bytes (a label-valued immediate takes imm64)
    a.label('here').jmp('here');
    a.align(8, 0);
    a.label('table').dq(a.addr('here'), a.addr('table', 8));
    const { bytes, labels } = a.assemble(0xffff_0000n);
    expect(labels.get('here')).toBe(0xffff_000an);
    expect(labels.get('table')).toBe(0xffff_0010n);
    expect(hexOf(bytes.subarray(0, 10))).toBe('48 B8 10 00 FF FF 00 00 00 00');
    expect(hexOf(bytes.subarray(16, 32))).toBe('0A 00 FF FF 00 00 00 00 18 00 FF FF 00 00 00 00');
  });

  test('RIP-relative operands name a label (SDM Vol. 2 2.2.1.6)', () => {
    const a = new Assembler(64);
    a.mov(eax, mem({ rip: 'v', size: 'dword' })); // 6 bytes, next RIP = 6
    a.ret();
    a.label('v').dd(0x12345678);
    expect(hexOf(a.assemble(0x1000).bytes.subarray(0, 6))).toBe('8B 05 01 00 00 00');
  });

  test('label arithmetic: a GDT limit as end - start - 1', () => {
    const a = new Assembler(32);
    a.label('gdt').dq(0n, 0x00cf9a000000ffffn).label('gdt_end');
    a.label('gdtr').dw(a.addr('gdt_end').minus(a.addr('gdt')).minus(1)).dd(a.addr('gdt'));
    const { bytes } = a.assemble(0x7c00);
    expect(hexOf(bytes.subarray(16))).toBe('0F 00 00 7C 00 00');
  });
});

describe('mixed code sizes', () => {
  test('16-, 32- and 64-bit sections in one image each decode in their own size', () => {
    const a = new Assembler(16);
    a.label('r16').mov(eax, cr0).jmpFar(0x08, 'p32');
    a.bits(32).label('p32').mov(eax, 1).jmpFar(0x10, 'l64');
    a.bits(64).label('l64').mov(rax, 1).jmp('l64');
    const origin = 0xffff_0000n;
    const { bytes, labels } = a.assemble(origin);
    const off = (l: string): number => Number((labels.get(l) ?? 0n) - origin);
    expect(hexOf(bytes.subarray(0, off('p32')))).toBe('0F 20 C0 66 EA 0B 00 FF FF 08 00'); // ptr16:32 = FFFF000Bh
    expect(hexOf(bytes.subarray(off('p32'), off('l64')))).toBe('B8 01 00 00 00 EA 17 00 FF FF 10 00');
    expect(hexOf(bytes.subarray(off('l64')))).toBe('48 C7 C0 01 00 00 00 EB F7');
  });

  test('the listing decodes each section with its own size', () => {
    const a = new Assembler(16);
    a.mov(ax, 1).bits(32).mov(eax, 1).bits(64).mov(rax, 1);
    const lines = a.listing(0x1000);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^00001000 {2}b8 01 00 +mov ax, 1$/);
    expect(lines[1]).toMatch(/^00001003 {2}b8 01 00 00 00 +mov eax, 1$/);
    expect(lines[2]).toMatch(/^00001008 {2}48 c7 c0 01 00 00 00 +mov rax, 1$/);
  });
});

describe('data and layout directives', () => {
  test('db/dw/dd/dq are little-endian; db takes strings and negative bytes', () => {
    const a = new Assembler(64);
    a.db(0x90, -1, 'Hi').dw(0x1234, -2).dd(0xdeadbeef).dq(0x0102030405060708n);
    expect(hexOf(a.assemble(0).bytes)).toBe('90 FF 48 69 34 12 FE FF EF BE AD DE 08 07 06 05 04 03 02 01');
  });

  test('bytes and space copy and fill', () => {
    const a = new Assembler(64);
    a.bytes(new Uint8Array([1, 2, 3])).space(2).space(3, 0xcc);
    expect(hexOf(a.assemble(0).bytes)).toBe('01 02 03 00 00 CC CC CC');
  });

  test('align pads with NOP (90h) by default, or the fill given; padTo reaches an absolute address', () => {
    const a = new Assembler(64);
    a.db(1).align(4).label('x').db(2).align(8, 0).label('y').padTo(0x1010, 0xff).label('z');
    const { bytes, labels } = a.assemble(0x1000);
    expect(hexOf(bytes)).toBe('01 90 90 90 02 00 00 00 FF FF FF FF FF FF FF FF');
    expect(labels.get('x')).toBe(0x1004n);
    expect(labels.get('y')).toBe(0x1008n);
    expect(labels.get('z')).toBe(0x1010n);
  });

  test('an empty program assembles to no bytes', () => {
    expect(new Assembler(64).assemble(0).bytes).toHaveLength(0);
  });
});

describe('errors name the instruction and the reason', () => {
  test('unknown mnemonic', () => {
    expectAsmError(() => new Assembler(64).nop().insn('frobnicate', rax), "instruction #1 'frobnicate rax'", "unknown mnemonic 'frobnicate'");
  });

  test('no form takes the operands', () => {
    expectAsmError(() => new Assembler(64).mov(cr0, 5), "'mov cr0, 5'", "no form of 'mov' takes (cr, imm)");
  });

  test('a label name where a value is expected suggests addr()', () => {
    expectAsmError(() => new Assembler(64).mov(rax, 'table'), "a.addr('name')");
  });

  test('an immediate that does not fit', () => {
    expectAsmError(() => new Assembler(64).mov(al, 256), "'mov al, 0x100'", 'does not fit');
    expectAsmError(() => new Assembler(64).out(0x100, al), 'does not fit imm8');
    expectAsmError(() => new Assembler(64).add(rax, 0x8000_0000), 'does not fit');
  });

  test('a label-valued immediate that turns out not to fit is reported at assemble time', () => {
    const a = new Assembler(64);
    a.mov(al, a.addr('x')).space(0x200).label('x');
    expectAsmError(() => a.assemble(0), "instruction #0 'mov al, x'", 'x = 0x202 does not fit imm8');
  });

  test('undefined and duplicate labels', () => {
    const a = new Assembler(64);
    a.nop().jmp('nowhere');
    expectAsmError(() => a.assemble(0), "instruction #1 'jmp nowhere'", "undefined label 'nowhere'");
    expectAsmError(() => new Assembler(64).label('x').label('x'), "label 'x'", 'defined twice');
  });

  test('a short-only branch out of reach (LOOP rel8)', () => {
    const a = new Assembler(64);
    a.label('top').space(200).loop('top');
    expectAsmError(() => a.assemble(0), "'loop top'", 'Branch distance');
  });

  test('a 64-bit absolute address that does not sign-extend from 32 bits', () => {
    expectAsmError(() => new Assembler(64).mov(ecx, dword(0xffff_f000)), 'does not fit 64-bit addressing', 'mem({ rip })');
    const a = new Assembler(64);
    a.mov(rcx, qword(a.addr('far'))).label('x');
    a.label('far');
    expectAsmError(() => a.assemble(0xffff_0000n), 'does not fit 64-bit addressing');
  });

  test('forms that do not exist in the mode', () => {
    expectAsmError(() => new Assembler(64).push(ds), 'cannot be encoded in 64-bit code');
    expectAsmError(() => new Assembler(64).into(), 'cannot be encoded in 64-bit code');
    expectAsmError(() => new Assembler(64).jmpFar(8, 0x1000), 'cannot be encoded in 64-bit code');
    expectAsmError(() => new Assembler(32).mov(rax, 1), 'cannot be encoded in 32-bit code');
  });

  test('AH cannot be encoded with a REX prefix', () => {
    expectAsmError(() => new Assembler(64).mov(ah, r8b), "'mov ah, r8b'");
  });

  test('prefixes that do not apply', () => {
    expectAsmError(() => new Assembler(64).lock().add(eax, 1), 'LOCK is not allowed');
    expectAsmError(() => new Assembler(64).rep().add(dword(rbx), 1), 'REP/REPE is not allowed');
    expectAsmError(() => new Assembler(64).repne().movsb(), 'REPNE applies only to CMPS and SCAS');
    expectAsmError(() => new Assembler(64).lock().assemble(0), 'a prefix');
  });

  test('a memory operand without a size where the size is not implied', () => {
    expectAsmError(() => new Assembler(64).inc(mem({ base: rbx })), 'the memory operand needs a size');
    expectAsmError(() => new Assembler(64).mov(qword(rbx), eax), "no form of 'mov' takes (m64, r32)");
  });

  test('RIP-relative addressing outside 64-bit code, 64-bit registers in 32-bit code', () => {
    expectAsmError(() => new Assembler(32).mov(eax, mem({ rip: 'x' })), 'RIP-relative addressing exists only in 64-bit code');
    expectAsmError(() => new Assembler(32).mov(eax, dword(rbx)), '64-bit registers cannot address memory');
  });

  test('padTo behind the current position', () => {
    const a = new Assembler(64);
    a.space(0x20).padTo(0x1010);
    expectAsmError(() => a.assemble(0x1000), 'padTo 0x1010', 'past');
  });

  test('a non-integer number', () => {
    expectAsmError(() => new Assembler(64).mov(eax, 1.5), 'not an integer');
  });
});

describe('listing and disassembly', () => {
  test('listing: "ADDRESS  BYTES  INSTRUCTION", labels on their own line, branch targets annotated', () => {
    const a = new Assembler(64);
    a.label('loop').dec(ecx).jnz('loop').db('ok', 0);
    expect(a.listing(0x401000)).toEqual([
      'loop:',
      '00401000  ff c9                          dec ecx',
      '00401002  75 fc                          jne short 0x401000  ; loop',
      '00401004  6f 6b 00                       db 0x6f, 0x6b, 0',
    ]);
  });

  test('disassemble() decodes raw bytes and marks invalid ones "(bad)"', () => {
    const lines = disassemble(new Uint8Array([0x0f, 0xa2, 0x06, 0xf4]), 64, 0x1000);
    expect(lines).toEqual([
      '00001000  0f a2                          cpuid',
      '00001002  06                             (bad)',
      '00001003  f4                             hlt',
    ]);
  });

  test('string instructions with a segment override and XLATB', () => {
    const a = new Assembler(32);
    a.movsb({ seg: ds }).rep().cmpsd().xlatb().stosw();
    expect(hexOf(a.assemble(0).bytes)).toBe('3E A4 F3 A7 D7 66 AB');
  });

  test('stack and frame instructions of each size', () => {
    const a = new Assembler(64);
    a.enter(0x20, 0).leave().push(word(rdi)).pop(qword(rcx)).pushf().popf();
    expect(hexOf(a.assemble(0).bytes)).toBe('C8 20 00 00 C9 66 FF 37 8F 01 9C 9D');
  });
});
