// The boot ROM: its shape, the reset vector, the mode-switch steps and the tables, checked by decoding
// the image (the CPU model that would run it is written separately).
import { createRequire } from 'node:module';
import { Code, Decoder, DecoderOptions, Formatter, FormatterSyntax, Register } from 'iced-x86';
import { describe, expect, test } from 'vitest';
import {
  AsmError,
  BOOT_REPORT,
  BOOT_SELECTORS,
  bootMemoryMap,
  buildBootImage,
  buildBootRom,
  DONE_LINE,
  EXCEPTION_LINE,
  interruptGate64,
  segmentDescriptor,
} from './index.js';
import { al, dx, eax } from './registers.js';

interface Decoded {
  ip: bigint;
  code: Code;
  text: string;
  length: number;
  farSelector: number;
  farOffset: number;
  target: bigint;
  imm: bigint;
}

/** Decodes `count` instructions of the ROM at physical `address` (16-bit code: IP relative to CS base FFFF0000h). */
function decodeAt(rom: Uint8Array, address: bigint, bits: 16 | 32 | 64, count: number): Decoded[] {
  const romBase = (1n << 32n) - BigInt(rom.length);
  const d = new Decoder(bits, rom.subarray(Number(address - romBase)), DecoderOptions.None);
  const f = new Formatter(FormatterSyntax.Intel);
  d.ip = bits === 16 ? address - 0xffff_0000n : address;
  const out: Decoded[] = [];
  try {
    for (let i = 0; i < count && d.canDecode; i++) {
      const ins = d.decode();
      const far = ins.code === Code.Jmp_ptr1632 || ins.code === Code.Jmp_ptr1616;
      out.push({
        ip: ins.ip,
        code: ins.code,
        text: f.format(ins),
        length: ins.length,
        farSelector: far ? ins.farBranchSelector : -1,
        farOffset: ins.code === Code.Jmp_ptr1632 ? ins.farBranch32 : -1,
        target: ins.isJmpShortOrNear || ins.isJccShortOrNear || ins.isCallNear ? ins.nearBranchTarget : -1n,
        imm: ins.opCount > 1 && ins.op1Kind >= 6 && ins.op1Kind <= 14 ? ins.immediate(1) : -1n,
      });
      ins.free();
    }
  } finally {
    d.free();
    f.free();
  }
  return out;
}

function qwordAt(rom: Uint8Array, address: bigint): bigint {
  const off = Number(address - ((1n << 32n) - BigInt(rom.length)));
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(rom[off + i] ?? 0);
  return v;
}

function label(m: Map<string, bigint>, name: string): bigint {
  const v = m.get(name);
  if (v === undefined) throw new Error(`no label ${name}`);
  return v;
}

const hello = (a: Parameters<Parameters<typeof buildBootRom>[0]['payload64']>[0]): void => {
  a.mov(dx, 0xe9).mov(al, 0x41).out(dx, al).mov(eax, 42).ret();
};

describe('boot ROM image', () => {
  const img = buildBootImage({ payload64: hello });
  const { rom, stubLabels: L, map } = img;

  test('is 64 KiB by default, a multiple of 4 KiB, and ends at FFFFFFFFh', () => {
    expect(rom).toBeInstanceOf(Uint8Array);
    expect(rom.length).toBe(0x10000);
    expect(rom.length % 4096).toBe(0);
    expect(map.romBase).toBe(0xffff_0000n);
    expect(buildBootRom({ payload64: hello, romSize: 0x20000 }).length).toBe(0x20000);
  });

  test('the reset vector (offset size-16, FFFFFFF0h) jumps to the real-mode code in the same 64 KiB CS segment (SDM 3A:9.1.4)', () => {
    expect(map.resetVector).toBe(0xffff_fff0n);
    expect(label(L, 'reset_vector')).toBe(0xffff_fff0n);
    expect([0xe9, 0xeb]).toContain(rom[rom.length - 16]);
    const [jmp] = decodeAt(rom, map.resetVector, 16, 1);
    expect(jmp?.code === Code.Jmp_rel16 || jmp?.code === Code.Jmp_rel8_16).toBe(true);
    // CS base FFFF0000h + target IP = the real-mode entry
    expect(0xffff_0000n + (jmp?.target ?? 0n)).toBe(label(L, 'real_start'));
    expect(label(L, 'real_start')).toBeGreaterThanOrEqual(0xffff_0000n);
  });

  test('real mode: CLI, o32 LGDT through CS, CR0.PE, then a far JMP ptr16:32 to 32-bit code (SDM 3A:9.9.1)', () => {
    const code = decodeAt(rom, label(L, 'real_start'), 16, 8);
    expect(code.map((c) => c.code)).toEqual([
      Code.Cli,
      Code.Cld,
      Code.Lgdt_m1632, // 32-bit operand size: a 32-bit GDT base
      Code.Mov_r32_cr,
      Code.And_EAX_imm32,
      Code.Or_rm32_imm8,
      Code.Mov_cr_r32,
      Code.Jmp_ptr1632,
    ]);
    expect(code[2]?.text).toContain('cs:');
    expect(code[7]?.farSelector).toBe(BOOT_SELECTORS.code32);
    expect(BigInt(code[7]?.farOffset ?? 0)).toBe(label(L, 'pm32'));
  });

  test('protected mode: PAE, CR3, EFER.LME by WRMSR C0000080h, CR0.PG, far JMP to the 64-bit code segment (SDM 3A:9.8.5)', () => {
    const code = decodeAt(rom, label(L, 'pm32'), 32, 80);
    const texts = code.map((c) => c.text);
    const at = (t: string): number => texts.indexOf(t);
    expect(at('mov cr4,eax')).toBeGreaterThan(at('or eax,20h'));
    expect(at('mov cr3,eax')).toBeGreaterThan(at('mov cr4,eax'));
    expect(at('mov ecx,0C0000080h')).toBeGreaterThan(at('mov cr3,eax'));
    expect(at('wrmsr')).toBeGreaterThan(at('or eax,100h'));
    expect(at('or eax,80000000h')).toBeGreaterThan(at('wrmsr'));
    const jmp = code.find((c) => c.code === Code.Jmp_ptr1632);
    expect(jmp?.farSelector).toBe(BOOT_SELECTORS.code64);
    expect(BigInt(jmp?.farOffset ?? 0)).toBe(label(L, 'long64'));
    expect(texts).toContain('mov eax,1000h'); // CR3 = PML4 at the default 1000h
  });

  test('the GDT image holds the descriptors of SDM 3A:3.4.5 (Figure 3-8), typed by hand', () => {
    const gdt = label(L, 'gdt_image');
    const want = [
      0n,
      0x00cf_9b00_0000_ffffn, // 08h: base 0, limit FFFFFh, G=1 D=1, P=1 DPL=0 S=1 type 1011b (code, execute/read, accessed)
      0x00af_9b00_0000_ffffn, // 10h: L=1 D=0 (64-bit code)
      0x00cf_9300_0000_ffffn, // 18h: data, read/write, accessed
      0x00cf_fb00_0000_ffffn, // 20h: DPL 3 code
      0x00cf_f300_0000_ffffn, // 28h: DPL 3 data
      0x00af_fb00_0000_ffffn, // 30h: DPL 3 64-bit code
      0x0000_8900_7080_0067n, // 38h: 64-bit TSS at 7080h, limit 67h, type 1001b, P=1 (SDM 3A:7.2.3)
      0n, // TSS base 63:32
    ];
    want.forEach((q, i) => expect(qwordAt(rom, gdt + BigInt(8 * i))).toBe(q));
    expect(segmentDescriptor({ base: 0, limit: 0xfffff, type: 0xb, s: true, dpl: 0, db: true, g: true })).toBe(want[1]);
  });

  test('pseudo-descriptors: GDTR in ROM and RAM, 64-bit IDTR (limit FFFh, base 8000h)', () => {
    const gdtr = Number(label(L, 'gdtr_rom') - map.romBase);
    expect(Array.from(rom.subarray(gdtr, gdtr + 6))).toEqual([0x47, 0, 0x00, 0xfe, 0xff, 0xff]);
    const idtr = Number(label(L, 'idtr') - map.romBase);
    expect(Array.from(rom.subarray(idtr, idtr + 10))).toEqual([0xff, 0x0f, 0x00, 0x80, 0, 0, 0, 0, 0, 0]);
  });

  test('exception stubs: 16 bytes per vector; a dummy error code only where the CPU pushes none (SDM 3A Table 6-1)', () => {
    const stubs = label(L, 'isr_stubs');
    const pf = decodeAt(rom, stubs + 14n * 16n, 64, 2); // #PF pushes an error code
    expect(pf.map((c) => c.text)).toEqual(['push 0Eh', `jmp ${label(L, 'isr_common').toString(16).toUpperCase().padStart(16, '0')}h`]);
    const bp = decodeAt(rom, stubs + 3n * 16n, 64, 3);
    expect(bp.map((c) => c.text).slice(0, 2)).toEqual(['push 0', 'push 3']);
    const v200 = decodeAt(rom, stubs + 200n * 16n, 64, 3);
    expect(v200[1]?.text).toBe('push 0C8h');
  });

  test('the listing shows no invalid instruction', () => {
    const lines = img.listing();
    expect(lines.length).toBeGreaterThan(300);
    expect(lines.filter((l) => l.includes('(bad)'))).toEqual([]);
    expect(lines.some((l) => l.includes('ltr '))).toBe(true);
    expect(lines.some((l) => l.includes('lidt '))).toBe(true);
  });

  test('the payload is in the ROM and assembled for its RAM address', () => {
    const at = Number(label(L, 'payload_image') - map.romBase);
    expect(Array.from(rom.subarray(at, at + img.payload.bytes.length))).toEqual(Array.from(img.payload.bytes));
    expect(img.payload.origin).toBe(0x10_0000n);
  });
});

describe('boot memory map', () => {
  test('defaults', () => {
    const m = bootMemoryMap();
    expect([m.pml4, m.pdpt, m.pd, m.pageTablesEnd]).toEqual([0x1000n, 0x2000n, 0x3000n, 0x7000n]);
    expect([m.gdt, m.tss, m.report, m.idt, m.istStackTop]).toEqual([0x7000n, 0x7080n, 0x7100n, 0x8000n, 0xa000n]);
    expect(m.exceptionVector).toBe(0x7100n + BigInt(BOOT_REPORT.vector));
    expect([m.stackTop, m.payloadBase, m.debugPort]).toEqual([0x8_0000n, 0x10_0000n, 0xe9]);
  });

  test('a configured page-table base reaches CR3', () => {
    const img = buildBootImage({ payload64: hello, pageTableBase: 0x20000 });
    expect(img.map.pml4).toBe(0x20000n);
    const texts = decodeAt(img.rom, label(img.stubLabels, 'pm32'), 32, 80).map((c) => c.text);
    expect(texts[texts.indexOf('mov cr3,eax') - 1]).toBe('mov eax,20000h');
  });

  test('bad options are AsmErrors', () => {
    expect(() => bootMemoryMap({ romSize: 5000 })).toThrow(AsmError);
    expect(() => bootMemoryMap({ pageTableBase: 0x1234 })).toThrow(/4 KiB aligned/);
    expect(() => bootMemoryMap({ pageTableBase: 0x8000 })).toThrow(/overlap/);
    expect(() => buildBootRom({ payload64: (a) => a.space(0x10000).ret() })).toThrow(/does not fit a 65536-byte ROM/);
    expect(() => buildBootRom({ payload64: hello, handlers: { 14: 'nope' } })).toThrow(/no label 'nope'/);
  });
});

describe('payload exception handlers', () => {
  test('a 64-bit interrupt gate, typed by hand from SDM 3A:6.14.1 Figure 6-8', () => {
    // offset 00101234h, selector 10h, IST 1, P=1 DPL=0 type 1110b
    expect(interruptGate64(0x0010_1234n, 0x10, 1, 0)).toEqual([0x0010_8e01_0010_1234n, 0n]);
    expect(interruptGate64(0xffff_8000_0000_1000n, 0x10, 0, 3)).toEqual([0x0000_ee00_0010_1000n, 0xffff_8000n]);
  });

  test('a handler label in the payload replaces the default gate', () => {
    const img = buildBootImage({
      payload64: (a) => {
        a.ret();
        a.label('on_pf').hlt();
      },
      handlers: { 14: { label: 'on_pf', dpl: 0 } },
    });
    const [lo] = interruptGate64(label(img.payload.labels, 'on_pf'), BOOT_SELECTORS.code64, 0, 0);
    const code = decodeAt(img.rom, label(img.stubLabels, 'idt_loop'), 64, 40);
    const i = code.findIndex((c) => c.code === Code.Mov_r64_imm64 && c.imm === lo);
    expect(i).toBeGreaterThan(0);
    expect(code[i + 1]?.text).toBe(`mov [${(img.map.idt + 14n * 16n).toString(16).toUpperCase()}h],rax`);
  });
});

describe('console lines', () => {
  test('the formats tests parse', () => {
    expect(EXCEPTION_LINE.exec('EXC 0E ec=00000002 rip=0000000000101234 cr2=0000000000400000')?.slice(1)).toEqual([
      'EXC', '0E', '00000002', '0000000000101234', '0000000000400000',
    ]);
    expect(DONE_LINE.exec('DONE rax=000000000000002A')?.[1]).toBe('000000000000002A');
  });

  test('the strings the handlers print are in the ROM', () => {
    const { rom } = buildBootImage({ payload64: hello });
    const text = new TextDecoder('latin1').decode(rom);
    for (const s of ['EXC ', 'INT ', ' ec=', ' rip=', ' cr2=', 'DONE rax=']) expect(text).toContain(`${s}\0`);
    expect(Register.None).toBe(0);
  });
});

describe('ROM sizes and the wasm heap', () => {
  test('8 KiB holds the stub and a small payload; 4 KiB does not; an empty payload is refused', () => {
    expect(buildBootRom({ payload64: hello, romSize: 0x2000 }).length).toBe(0x2000);
    expect(() => buildBootRom({ payload64: hello, romSize: 0x1000 })).toThrow(/stub does not fit a 4096-byte ROM/);
    expect(() => buildBootRom({ payload64: () => undefined })).toThrow(/payload is empty/);
  });

  test('handler options: DPL 3 and an IST slot reach the gate', () => {
    const img = buildBootImage({ payload64: (a) => a.ret().label('sys').iretq(), handlers: { 0x80: { label: 'sys', dpl: 3, ist: 2 } } });
    const [lo] = interruptGate64(label(img.payload.labels, 'sys'), BOOT_SELECTORS.code64, 2, 3);
    expect((lo >> 40n) & 0xffn).toBe(0xeen); // P=1, DPL=3, type 1110b
    expect((lo >> 32n) & 7n).toBe(2n);
    const code = decodeAt(img.rom, label(img.stubLabels, 'idt_loop'), 64, 40);
    expect(code.some((c) => c.code === Code.Mov_r64_imm64 && c.imm === lo)).toBe(true);
  });

  test('building and listing images frees every iced object (the wasm memory does not grow)', () => {
    const iced = createRequire(import.meta.url)('iced-x86') as { __wasm?: { memory: WebAssembly.Memory } };
    const size = (): number => iced.__wasm?.memory.buffer.byteLength ?? 0;
    const run = (): void => {
      buildBootImage({ payload64: hello }).listing();
    };
    run();
    const before = size();
    for (let i = 0; i < 20; i++) run();
    expect(size()).toBe(before);
  });
});
