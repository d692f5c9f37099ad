// A boot stub: a firmware ROM that takes a PC-style processor from its reset state to a 64-bit payload.
//
// The ROM is mapped so its last byte is at physical FFFFFFFFh. Execution starts in real mode at
// FFFFFFF0h (CS selector F000h, base FFFF0000h, IP FFF0h: SDM 3A:9.1.4 "First Instruction Executed").
// The stub goes real mode -> protected mode -> IA-32e mode, builds identity-mapped paging for the
// first 4 GiB, a GDT with a 64-bit TSS, an IDT whose handlers report on the debug console, copies the
// payload from ROM to RAM at `payloadBase` and calls it there. Section references are to Vol. 3A;
// titles are given because chapter numbers differ between SDM editions.
//
// Memory map (defaults; every table is in RAM below 2 GiB):
//   00001000h PML4, 00002000h PDPT, 00003000h-00006FFFh four page directories (2-MiB pages)
//   00007000h GDT (BOOT_SELECTORS), 00007080h TSS, 00007100h exception report (BOOT_REPORT)
//   00008000h IDT (256 gates), 00009000h-00009FFFh IST1 stack for the default handlers
//   00080000h initial RSP (stack grows down), 00100000h payload (copied from the ROM, then called)
// ROM: stub code, exception stubs and the payload image from its start; at FFFFFE00h the GDT image,
// the pseudo-descriptors and the real-mode code; at FFFFFFF0h the reset vector (a near JMP).
import { Assembler, AssembledProgram } from './assembler.js';
import { AsmError } from './errors.js';
import { dword, mem, qword, word } from './operands.js';
import { al, ax, bl, cl, cr0, cr2, cr3, cr4, cs, dx, ds, eax, ecx, edi, es, esi, esp, fs, gs, rax, rbp, rbx, rcx, rdi, rdx, rsi, rsp, ss } from './registers.js';

const FOUR_GIB = 1n << 32n;

/** GDT selectors (SDM 3A:3.4.2). The layout fits SYSCALL/SYSRET: STAR[47:32] = 10h, STAR[63:48] = 20h. */
export const BOOT_SELECTORS = {
  code32: 0x08,
  code64: 0x10,
  data: 0x18,
  userCode32: 0x20,
  userData: 0x28,
  userCode64: 0x30,
  tss: 0x38,
} as const;

/** Offsets in the exception report (all 64-bit fields). */
export const BOOT_REPORT = {
  status: 0x00,
  /** RAX when the payload returned. */
  result: 0x08,
  /** Vector of the last exception or interrupt taken by a default handler; BOOT_NO_VECTOR if none. */
  vector: 0x10,
  errorCode: 0x18,
  rip: 0x20,
  cs: 0x28,
  rflags: 0x30,
  rsp: 0x38,
  ss: 0x40,
  cr2: 0x48,
  /** How many times a default handler ran. */
  count: 0x50,
  size: 0x58,
} as const;

export const BOOT_NO_VECTOR = 0xffff_ffff_ffff_ffffn;

/** Values of the report's `status` field. */
export const BOOT_STATUS = {
  notReached: 0,
  payloadRunning: 1,
  payloadReturned: 2,
  haltedOnException: 3,
} as const;

/** The console line a default handler writes: vector, error code (0 if none), the frame's RIP, CR2. */
export const EXCEPTION_LINE = /^(EXC|INT) ([0-9A-F]{2}) ec=([0-9A-F]{8}) rip=([0-9A-F]{16}) cr2=([0-9A-F]{16})$/;
/** The console line written when the payload returns. */
export const DONE_LINE = /^DONE rax=([0-9A-F]{16})$/;

/** Vectors whose exceptions push an error code (SDM 3A:6.3.1 Table 6-1 "Protected-Mode Exceptions and Interrupts"). */
export const VECTORS_WITH_ERROR_CODE: ReadonlySet<number> = new Set([8, 10, 11, 12, 13, 14, 17, 21]);

export interface BootHandler {
  /** A label of the payload: the gate's offset. The handler ends with IRETQ itself. */
  label: string;
  /** Gate DPL (3 lets INT n from CPL 3 reach it). Default 0. */
  dpl?: 0 | 3;
  /** Interrupt-stack-table slot (SDM 3A:6.14.5); default 0: the current stack (or RSP0 from CPL 3). */
  ist?: number;
}

export interface BootRomOptions {
  /** Writes the payload: 64-bit code assembled at `payloadBase`, entered at its first byte by CALL. */
  payload64: (a: Assembler, map: BootMemoryMap) => void;
  /** ROM size in bytes, a multiple of 4 KiB; default 64 KiB. */
  romSize?: number;
  /** Where the payload is copied to and run; default 100000h. */
  payloadBase?: number | bigint;
  /** RSP before the stub calls the payload (16-byte aligned; the payload sees RSP = stackTop - 8); default 80000h. */
  stackTop?: number | bigint;
  /** First of the six page-table pages (4 KiB aligned, below 4 GiB); default 1000h. */
  pageTableBase?: number | bigint;
  /** Start of the 12 KiB area for GDT, TSS, report, IDT and IST stack (4 KiB aligned, below 2 GiB); default 7000h. */
  systemBase?: number | bigint;
  /** Gates that go to payload code instead of the default reporting handler, by vector. */
  handlers?: Readonly<Record<number, string | BootHandler>>;
  /** I/O port of the debug console; default E9h. */
  debugPort?: number;
  /** Map all pages with U/S = 1 (user-accessible); default false (supervisor only). */
  userPages?: boolean;
}

/** Where everything is, as physical addresses. */
export interface BootMemoryMap {
  readonly romBase: bigint;
  readonly romSize: number;
  readonly resetVector: bigint;
  readonly pml4: bigint;
  readonly pdpt: bigint;
  /** First of four page directories (PD i maps GiB i). */
  readonly pd: bigint;
  readonly pageTablesEnd: bigint;
  readonly gdt: bigint;
  readonly gdtLimit: number;
  readonly tss: bigint;
  readonly tssLimit: number;
  readonly report: bigint;
  /** The exception vector's address (report + BOOT_REPORT.vector). */
  readonly exceptionVector: bigint;
  readonly idt: bigint;
  readonly idtLimit: number;
  readonly istStackTop: bigint;
  readonly stackTop: bigint;
  readonly payloadBase: bigint;
  readonly debugPort: number;
}

export interface BootImage {
  /** The ROM, to be mapped ending at FFFFFFFFh. */
  readonly rom: Uint8Array;
  readonly map: BootMemoryMap;
  /** Labels of the stub (ROM addresses), e.g. `real_start`, `pm32`, `long64`, `isr_common`, `halt`. */
  readonly stubLabels: Map<string, bigint>;
  /** The payload as assembled at `map.payloadBase`, and its labels. */
  readonly payload: AssembledProgram;
  /** Listing of stub and payload (data shown as data). */
  listing(): string[];
}

export const BOOT_DEFAULTS = {
  romSize: 0x10000,
  pageTableBase: 0x1000n,
  systemBase: 0x7000n,
  stackTop: 0x80000n,
  payloadBase: 0x100000n,
  debugPort: 0xe9,
} as const;

const GDT_ENTRIES = 9; // null, six segments, and the 16-byte TSS descriptor
const GDT_SIZE = GDT_ENTRIES * 8;
const TSS_SIZE = 0x68; // 64-bit TSS (SDM 3A:7.7 "Task Management in 64-bit Mode", Figure 7-11)
const TSS_RSP0 = 0x04;
const TSS_IST1 = 0x24;
const TSS_IOMAP = 0x66;
const STUB_SIZE = 16;
const PAGE_TABLE_PAGES = 6;
const ROM_TAIL = 0x200n; // GDT image, pseudo-descriptors and real-mode code live in the ROM's last 512 bytes

const CR0_PE = 1 << 0;
const CR0_NE = 1 << 5;
const CR0_NW = 1 << 29;
const CR0_CD = 1 << 30;
const CR0_PG = 0x8000_0000;
const CR4_PAE = 1 << 5;
const IA32_EFER = 0xc000_0080;
const EFER_LME = 1 << 8;
const PTE_P = 1 << 0;
const PTE_RW = 1 << 1;
const PTE_US = 1 << 2;
const PTE_PS = 1 << 7;

function big(v: number | bigint, what: string): bigint {
  if (typeof v === 'bigint') return v;
  if (!Number.isSafeInteger(v)) throw new AsmError('boot ROM', `${what} ${String(v)} is not an integer`);
  return BigInt(v);
}

/** The memory map for `options` (defaults filled in), checked for alignment and reach. */
export function bootMemoryMap(options: Omit<BootRomOptions, 'payload64'> = {}): BootMemoryMap {
  const romSize = options.romSize ?? BOOT_DEFAULTS.romSize;
  if (!Number.isInteger(romSize) || romSize <= 0 || romSize % 0x1000 !== 0 || romSize > 0x1000_0000) {
    throw new AsmError('boot ROM', `romSize ${String(romSize)} must be a positive multiple of 4 KiB (at most 256 MiB)`);
  }
  const pt = big(options.pageTableBase ?? BOOT_DEFAULTS.pageTableBase, 'pageTableBase');
  const sys = big(options.systemBase ?? BOOT_DEFAULTS.systemBase, 'systemBase');
  const stackTop = big(options.stackTop ?? BOOT_DEFAULTS.stackTop, 'stackTop');
  const payloadBase = big(options.payloadBase ?? BOOT_DEFAULTS.payloadBase, 'payloadBase');
  const debugPort = options.debugPort ?? BOOT_DEFAULTS.debugPort;
  // 32-bit code builds the tables and absolute [disp32] addressing reaches them from 64-bit code: keep them below 2 GiB.
  if (pt % 0x1000n !== 0n || pt + 0x6000n > 0x8000_0000n) throw new AsmError('boot ROM', 'pageTableBase must be 4 KiB aligned and the tables below 2 GiB');
  if (sys % 0x1000n !== 0n || sys + 0x3000n > 0x8000_0000n) throw new AsmError('boot ROM', 'systemBase must be 4 KiB aligned and the area below 2 GiB');
  if (stackTop % 16n !== 0n || stackTop === 0n || stackTop > FOUR_GIB - 16n) throw new AsmError('boot ROM', 'stackTop must be 16-byte aligned, nonzero and below 4 GiB');
  if (payloadBase < 0n || payloadBase >= FOUR_GIB - BigInt(romSize)) throw new AsmError('boot ROM', 'payloadBase must be below the ROM in the first 4 GiB (the identity map)');
  if (!Number.isInteger(debugPort) || debugPort < 0 || debugPort > 0xffff) throw new AsmError('boot ROM', `debugPort ${String(debugPort)} is not a 16-bit port`);
  const ranges: Array<[string, bigint, bigint]> = [
    ['page tables', pt, pt + BigInt(PAGE_TABLE_PAGES * 0x1000)],
    ['system area', sys, sys + 0x3000n],
  ];
  const [a, b] = ranges as [[string, bigint, bigint], [string, bigint, bigint]];
  if (a[1] < b[2] && b[1] < a[2]) throw new AsmError('boot ROM', 'page tables and system area overlap');
  return {
    romBase: FOUR_GIB - BigInt(romSize),
    romSize,
    resetVector: FOUR_GIB - 16n,
    pml4: pt,
    pdpt: pt + 0x1000n,
    pd: pt + 0x2000n,
    pageTablesEnd: pt + 0x6000n,
    gdt: sys,
    gdtLimit: GDT_SIZE - 1,
    tss: sys + 0x80n,
    tssLimit: TSS_SIZE - 1,
    report: sys + 0x100n,
    exceptionVector: sys + 0x100n + BigInt(BOOT_REPORT.vector),
    idt: sys + 0x1000n,
    idtLimit: 256 * 16 - 1,
    istStackTop: sys + 0x3000n,
    stackTop,
    payloadBase,
    debugPort,
  };
}

/** A code or data segment descriptor (SDM 3A:3.4.5 "Segment Descriptors", Figure 3-8). */
export function segmentDescriptor(d: { base: number; limit: number; type: number; s: boolean; dpl: number; l?: boolean; db?: boolean; g?: boolean }): bigint {
  const base = BigInt(d.base);
  const limit = BigInt(d.limit);
  const access = BigInt(d.type | (d.s ? 0x10 : 0) | (d.dpl << 5) | 0x80);
  const flags = BigInt((d.l ? 2 : 0) | (d.db ? 4 : 0) | (d.g ? 8 : 0));
  return (limit & 0xffffn) | ((base & 0xff_ffffn) << 16n) | (access << 40n) | (((limit >> 16n) & 0xfn) << 48n) | (flags << 52n) | (((base >> 24n) & 0xffn) << 56n);
}

/** A 64-bit TSS descriptor, two quadwords (SDM 3A:7.2.3 "TSS Descriptor in 64-bit mode", type 9 = available). */
export function tssDescriptor64(base: bigint, limit: number): [bigint, bigint] {
  const low = segmentDescriptor({ base: Number(base & 0xffff_ffffn), limit, type: 0x9, s: false, dpl: 0 });
  return [low, base >> 32n];
}

/** A 64-bit interrupt gate, two quadwords (SDM 3A:6.14.1 "64-Bit Mode IDT", Figure 6-8; type 1110b). */
export function interruptGate64(offset: bigint, selector: number, ist: number, dpl: number): [bigint, bigint] {
  const low =
    (offset & 0xffffn) |
    (BigInt(selector) << 16n) |
    (BigInt(ist & 7) << 32n) |
    (BigInt(0x8e | (dpl << 5)) << 40n) |
    (((offset >> 16n) & 0xffffn) << 48n);
  return [low, (offset >> 32n) & 0xffff_ffffn];
}

/** The GDT the stub installs, as quadwords (selectors in BOOT_SELECTORS). Accessed bits are preset so loads write nothing. */
export function bootGdt(map: BootMemoryMap): bigint[] {
  const flat = { base: 0, limit: 0xfffff, g: true };
  const [tssLow, tssHigh] = tssDescriptor64(map.tss, map.tssLimit);
  return [
    0n,
    segmentDescriptor({ ...flat, type: 0xb, s: true, dpl: 0, db: true }), // 08h code, 32-bit
    segmentDescriptor({ ...flat, type: 0xb, s: true, dpl: 0, l: true }), // 10h code, 64-bit
    segmentDescriptor({ ...flat, type: 0x3, s: true, dpl: 0, db: true }), // 18h data
    segmentDescriptor({ ...flat, type: 0xb, s: true, dpl: 3, db: true }), // 20h user code, 32-bit
    segmentDescriptor({ ...flat, type: 0x3, s: true, dpl: 3, db: true }), // 28h user data
    segmentDescriptor({ ...flat, type: 0xb, s: true, dpl: 3, l: true }), // 30h user code, 64-bit
    tssLow, // 38h TSS
    tssHigh,
  ];
}

/** Builds the boot ROM (see buildBootImage). */
export function buildBootRom(options: BootRomOptions): Uint8Array {
  return buildBootImage(options).rom;
}

/** Builds the boot ROM and returns it with its memory map, labels and a listing. */
export function buildBootImage(options: BootRomOptions): BootImage {
  const map = bootMemoryMap(options);
  const p = new Assembler(64);
  options.payload64(p, map);
  const payload = p.assemble(map.payloadBase);
  if (payload.bytes.length === 0) throw new AsmError('boot ROM', 'the payload is empty (the stub calls its first byte)');

  const gates: Array<{ vector: number; lo: bigint; hi: bigint }> = [];
  for (const [key, h] of Object.entries(options.handlers ?? {})) {
    const vector = Number(key);
    const spec: BootHandler = typeof h === 'string' ? { label: h } : h;
    if (!Number.isInteger(vector) || vector < 0 || vector > 255) throw new AsmError('boot ROM', `handler vector ${key} is not 0..255`);
    const target = payload.labels.get(spec.label);
    if (target === undefined) throw new AsmError('boot ROM', `handler for vector ${key}: the payload has no label '${spec.label}'`);
    const ist = spec.ist ?? 0;
    if (!Number.isInteger(ist) || ist < 0 || ist > 7) throw new AsmError('boot ROM', `handler for vector ${key}: IST ${String(ist)} is not 0..7`);
    const [lo, hi] = interruptGate64(target, BOOT_SELECTORS.code64, ist, spec.dpl ?? 0);
    gates.push({ vector, lo, hi });
  }

  let built: { a: Assembler; stub: AssembledProgram };
  try {
    built = assembleStub(map, payload, gates, options.userPages ?? false);
  } catch (e) {
    // Too big a payload pushes the ROM tail past 4 GiB, which shows first as some value that does not fit.
    if (!(e instanceof AsmError)) throw e;
    const empty: AssembledProgram = { origin: map.payloadBase, bytes: new Uint8Array(0), labels: new Map() };
    let room: number;
    try {
      room = map.romSize - Number(label(assembleStub(map, empty, gates, false).stub.labels, 'payload_image') - map.romBase) - Number(ROM_TAIL);
    } catch {
      throw new AsmError('boot ROM', `the stub does not fit a ${String(map.romSize)}-byte ROM`);
    }
    if (payload.bytes.length > room) {
      throw new AsmError('boot ROM', `the payload (${String(payload.bytes.length)} bytes) does not fit a ${String(map.romSize)}-byte ROM (room for ${String(room)})`);
    }
    throw e;
  }
  const { a, stub } = built;
  if (stub.bytes.length !== map.romSize) throw new AsmError('boot ROM', `image is ${String(stub.bytes.length)} bytes, not ${String(map.romSize)}`);
  return {
    rom: stub.bytes,
    map,
    stubLabels: stub.labels,
    payload,
    listing: () => [...a.listing(map.romBase), '', `; payload, copied to ${map.payloadBase.toString(16)}h`, ...p.listing(map.payloadBase)],
  };
}

function assembleStub(map: BootMemoryMap, payload: AssembledProgram, gates: Array<{ vector: number; lo: bigint; hi: bigint }>, userPages: boolean): { a: Assembler; stub: AssembledProgram } {
  const a = new Assembler(64);
  writeLongModeCode(a, map, payload, gates);
  writeProtectedModeCode(a, map, userPages);
  a.align(16, 0xff);
  a.label('payload_image');
  a.bytes(payload.bytes);
  writeRomTail(a, map);
  return { a, stub: a.assemble(map.romBase) };
}

function label(labels: Map<string, bigint>, name: string): bigint {
  const v = labels.get(name);
  if (v === undefined) throw new AsmError('boot ROM', `internal: no label '${name}'`);
  return v;
}

/** Real-mode entry, GDT image and the reset vector: the ROM's last 512 bytes (inside the 64 KiB that CS base FFFF0000h reaches). */
function writeRomTail(a: Assembler, map: BootMemoryMap): void {
  const csBase = FOUR_GIB - 0x10000n; // CS base after reset (SDM 3A:9.1.4)
  a.padTo(FOUR_GIB - ROM_TAIL, 0xff);
  a.label('gdt_image');
  a.dq(...bootGdt(map));
  a.label('gdtr_rom'); // pseudo-descriptor: limit, 32-bit base (SDM 3A:3.5.1 "Segment Descriptor Tables")
  a.dw(GDT_SIZE - 1);
  a.dd(a.addr('gdt_image'));
  a.label('gdtr_ram');
  a.dw(map.gdtLimit);
  a.dd(map.gdt);
  a.label('idtr'); // 64-bit pseudo-descriptor: limit, 64-bit base
  a.dw(map.idtLimit);
  a.dq(map.idt);

  a.bits(16);
  a.label('real_start');
  a.cli(); // SDM 3A:9.9.1 "Switching to Protected Mode" step 1: no interrupts until an IDT exists
  a.cld();
  // Step 2: LGDT. o32 loads a 32-bit base (a 16-bit operand size loads only 24 bits); DS.base is 0 after reset, so read via CS.
  a.o32().lgdt(mem({ seg: cs, disp: a.addr('gdtr_rom').minus(csBase), size: 'fword' }));
  a.mov(eax, cr0);
  a.and_(eax, ~(CR0_CD | CR0_NW) >>> 0); // caches on: reset value 60000010h has CD and NW set (SDM 3A:9.1.1 Table 9-1)
  a.or_(eax, CR0_PE | CR0_NE); // NE: native x87 errors, required to be 1 by VMX (IA32_VMX_CR0_FIXED0)
  a.mov(cr0, eax); // step 3: MOV CR0 sets PE
  a.jmpFar(BOOT_SELECTORS.code32, 'pm32'); // step 4: far JMP right after MOV CR0 (ptr16:32, 66 EA)

  a.padTo(map.resetVector, 0xff);
  a.label('reset_vector');
  a.jmp('real_start'); // stays in the CS base FFFF0000h segment: no F000:xxxx alias of the ROM below 1 MiB is needed
  a.padTo(FOUR_GIB, 0xff);
}

/** DS, ES, SS, FS and GS <- the flat data selector, through AX (32- and 64-bit code alike). */
function loadDataSegments(a: Assembler): void {
  a.mov(eax, BOOT_SELECTORS.data);
  for (const s of [ds, es, ss, fs, gs]) a.mov(s, ax);
}

/** 32-bit protected mode: segments, the RAM GDT, page tables, then IA-32e mode. */
function writeProtectedModeCode(a: Assembler, map: BootMemoryMap, userPages: boolean): void {
  const us = userPages ? PTE_US : 0;
  a.bits(32);
  a.label('pm32');
  loadDataSegments(a); // SDM 3A:9.9.1 step 9: reload the data segment registers
  a.mov(esp, map.stackTop);
  // The GDT moves to RAM: LTR writes the TSS descriptor's busy bit (SDM 3A:7.2.4 "Task Register").
  a.mov(esi, a.addr('gdt_image'));
  a.mov(edi, map.gdt);
  a.mov(ecx, GDT_SIZE);
  a.rep().movsb();
  a.lgdt(mem({ disp: a.addr('gdtr_ram'), size: 'fword' }));

  // Identity map of the first 4 GiB with 2-MiB pages (SDM 3A:4.5 "4-Level Paging and 5-Level Paging").
  a.mov(edi, map.pml4);
  a.xor(eax, eax);
  a.mov(ecx, (PAGE_TABLE_PAGES * 0x1000) / 4);
  a.rep().stosd();
  a.mov(dword(map.pml4), Number(map.pdpt) | PTE_P | PTE_RW | us); // PML4E -> PDPT (Table 4-15)
  for (let i = 0; i < 4; i++) {
    a.mov(dword(map.pdpt + BigInt(8 * i)), Number(map.pd) + 0x1000 * i + (PTE_P | PTE_RW | us)); // PDPTE -> PD (Table 4-17)
  }
  a.mov(edi, map.pd); // 2048 PDEs over four contiguous directories, each a 2-MiB page (Table 4-18, PS = 1)
  a.mov(eax, PTE_P | PTE_RW | PTE_PS | us);
  a.mov(ecx, 2048);
  a.label('pde_loop');
  a.mov(dword(edi), eax);
  a.add(eax, 0x20_0000);
  a.add(edi, 8);
  a.loop('pde_loop');

  // SDM 3A:9.8.5 "Initializing IA-32e Mode" (paging is still off, so step 1 is done).
  a.mov(eax, cr4);
  a.or_(eax, CR4_PAE); // step 2: CR4.PAE = 1
  a.mov(cr4, eax);
  a.mov(eax, map.pml4);
  a.mov(cr3, eax); // step 3: CR3 = PML4
  a.mov(ecx, IA32_EFER);
  a.rdmsr();
  a.or_(eax, EFER_LME); // step 4: IA32_EFER.LME = 1
  a.wrmsr();
  a.mov(eax, cr0);
  a.or_(eax, CR0_PG); // step 5: CR0.PG = 1 sets IA32_EFER.LMA; this code is identity-mapped
  a.mov(cr0, eax);
  a.jmpFar(BOOT_SELECTORS.code64, 'long64'); // compatibility mode -> 64-bit mode: load a CS with L = 1 (SDM 3A:9.8.5.3)
}

/** 64-bit mode: TSS, IDT, report, payload copy and call; the exception stubs and console printing. */
function writeLongModeCode(a: Assembler, map: BootMemoryMap, payload: AssembledProgram, gates: Array<{ vector: number; lo: bigint; hi: bigint }>): void {
  const r = (field: keyof typeof BOOT_REPORT): bigint => map.report + BigInt(BOOT_REPORT[field]);
  // Calls of the print routines below: the string at a label, and the low `digits` hex digits of RAX (port DX).
  const printStr = (label: string): void => { a.lea(rsi, mem({ rip: label })); a.call('print_str'); };
  const printHex = (digits: number): void => { a.mov(ecx, digits); a.call('print_hex'); };
  a.label('long64');
  loadDataSegments(a);
  a.mov(rsp, map.stackTop);

  // 64-bit TSS: RSP0 for entries from CPL 3, IST1 for the default handlers, no I/O bitmap (SDM 3A:7.7, Figure 7-11).
  a.mov(rdi, map.tss);
  a.xor(eax, eax);
  a.mov(ecx, Math.ceil(TSS_SIZE / 8));
  a.rep().stosq();
  a.mov(rax, map.stackTop);
  a.mov(qword(map.tss + BigInt(TSS_RSP0)), rax);
  a.mov(rax, map.istStackTop);
  a.mov(qword(map.tss + BigInt(TSS_IST1)), rax);
  a.mov(word(map.tss + BigInt(TSS_IOMAP)), TSS_SIZE);
  a.mov(ax, BOOT_SELECTORS.tss);
  a.ltr(ax); // SDM 3A:7.7: a 64-bit TSS must be loaded with LTR after IA-32e mode is active

  // IDT: 256 interrupt gates to the stubs, IST1 (SDM 3A:6.14.1 "64-Bit Mode IDT", Figure 6-8).
  a.lea(rdx, mem({ rip: 'isr_stubs' }));
  a.mov(rdi, map.idt);
  a.xor(ecx, ecx);
  a.label('idt_loop');
  a.mov(rax, rdx);
  a.mov(word(rdi), ax); // offset 15:0
  a.mov(word(rdi, 2), BOOT_SELECTORS.code64);
  a.mov(word(rdi, 4), 0x8e00 | 1); // P = 1, DPL = 0, type 1110b (64-bit interrupt gate), IST = 1
  a.shr(rax, 16);
  a.mov(word(rdi, 6), ax); // offset 31:16
  a.shr(rax, 16);
  a.mov(dword(rdi, 8), eax); // offset 63:32
  a.mov(dword(rdi, 12), 0);
  a.add(rdx, STUB_SIZE);
  a.add(rdi, 16);
  a.inc(ecx);
  a.cmp(ecx, 256);
  a.jne('idt_loop');
  for (const g of gates) {
    const at = map.idt + BigInt(g.vector * 16);
    a.mov(rax, g.lo);
    a.mov(qword(at), rax);
    a.mov(rax, g.hi);
    a.mov(qword(at + 8n), rax);
  }
  a.lidt(mem({ rip: 'idtr' }));

  // The exception report starts empty.
  a.mov(rdi, map.report);
  a.xor(eax, eax);
  a.mov(ecx, BOOT_REPORT.size / 8);
  a.rep().stosq();
  a.mov(qword(r('vector')), -1);

  // Copy the payload to RAM and call it with RSP 16-byte aligned before the CALL.
  a.lea(rsi, mem({ rip: 'payload_image' }));
  a.mov(rdi, map.payloadBase);
  a.mov(rcx, payload.bytes.length);
  a.rep().movsb();
  a.mov(qword(r('status')), BOOT_STATUS.payloadRunning);
  a.mov(rax, map.payloadBase);
  a.call(rax);
  a.mov(qword(r('result')), rax);
  a.mov(qword(r('status')), BOOT_STATUS.payloadReturned);
  a.mov(rbx, rax);
  a.mov(dx, map.debugPort);
  printStr('s_done');
  a.mov(rax, rbx);
  printHex(16);
  printStr('s_nl');
  a.label('halt');
  a.cli();
  a.hlt();
  a.jmp('halt');

  // One 16-byte stub per vector: push a dummy error code where the CPU pushes none, push the vector.
  a.align(16, 0xcc);
  a.label('isr_stubs');
  for (let v = 0; v < 256; v++) {
    a.align(STUB_SIZE, 0xcc);
    if (!VECTORS_WITH_ERROR_CODE.has(v)) a.push(0);
    a.push(v);
    a.jmp('isr_common');
  }

  // Frame on the IST1 stack (SDM 3A:6.14.2 "64-Bit Mode Stack Frame", Figure 6-9):
  // [rsp] vector, +8 error code, +16 RIP, +24 CS, +32 RFLAGS, +40 RSP, +48 SS.
  a.label('isr_common');
  a.cld();
  a.mov(rbp, rsp);
  a.mov(rax, qword(rbp));
  a.mov(qword(r('vector')), rax);
  a.mov(rax, qword(rbp, 8));
  a.mov(qword(r('errorCode')), rax);
  const frame = ['rip', 'cs', 'rflags', 'rsp', 'ss'] as const;
  frame.forEach((f, i) => {
    a.mov(rax, qword(rbp, 16 + 8 * i));
    a.mov(qword(r(f)), rax);
  });
  a.mov(rax, cr2);
  a.mov(qword(r('cr2')), rax);
  a.inc(qword(r('count')));
  a.mov(qword(r('status')), BOOT_STATUS.haltedOnException);
  a.mov(dx, map.debugPort);
  a.lea(rsi, mem({ rip: 's_exc' }));
  a.cmp(qword(rbp), 32);
  a.jb('isr_named');
  a.lea(rsi, mem({ rip: 's_int' }));
  a.label('isr_named');
  a.call('print_str');
  a.mov(rax, qword(rbp));
  printHex(2);
  printStr('s_ec');
  a.mov(rax, qword(rbp, 8));
  printHex(8);
  printStr('s_rip');
  a.mov(rax, qword(rbp, 16));
  printHex(16);
  printStr('s_cr2');
  a.mov(rax, cr2);
  printHex(16);
  printStr('s_nl');
  a.jmp('halt');

  // print_str: writes the NUL-terminated string at RSI to port DX.
  a.label('print_str');
  a.lodsb();
  a.test(al, al);
  a.jz('print_str_done');
  a.out(dx, al);
  a.jmp('print_str');
  a.label('print_str_done');
  a.ret();

  // print_hex: writes the low ECX (1..16) hex digits of RAX to port DX, most significant first, upper case.
  a.label('print_hex');
  a.mov(rbx, rax);
  a.mov(eax, 16);
  a.sub(eax, ecx);
  a.shl(eax, 2);
  a.xchg(eax, ecx); // CL = 4 * (16 - digits), EAX = digits
  a.shl(rbx, cl);
  a.mov(ecx, eax);
  a.label('print_hex_digit');
  a.rol(rbx, 4);
  a.mov(al, bl);
  a.and_(al, 0x0f);
  a.add(al, 0x30);
  a.cmp(al, 0x39);
  a.jbe('print_hex_out');
  a.add(al, 7); // 'A' - '9' - 1
  a.label('print_hex_out');
  a.out(dx, al);
  a.dec(ecx);
  a.jnz('print_hex_digit');
  a.ret();

  // The NUL-terminated strings printStr prints.
  const strings: [string, string][] = [
    ['s_exc', 'EXC '], ['s_int', 'INT '], ['s_ec', ' ec='], ['s_rip', ' rip='], ['s_cr2', ' cr2='], ['s_done', 'DONE rax='],
    ['s_nl', '\n'],
  ];
  for (const [label, text] of strings) {
    a.label(label);
    a.db(text, 0);
  }
}
