// Test support for the core's tests (imported by tests only): machines started in a chosen mode, snippets run one
// instruction at a time (stopping at the first exception and handing it back instead of delivering
// it) or through the real run loop, register access for assertions, and descriptor and gate encoders
// written from the SDM's figures with the protected-mode and IA-32e environments built from them.
//
// Layout (physical = linear): GDT at 1000h, IDT at 2000h, TSS at 3000h (I/O bitmap at 3068h), stacks
// below 80000h (the loader's), 90000h (ring 0) and A0000h (IST1), code at 100000h (protected and
// IA-32e mode), data at 200000h. Real-mode code goes at 7C00h on a machine from machineIn (segment
// bases 0) and at 10000h for execute/run/runCode snippets (segment bases 10000h, IP = 0).
import { Assembler } from '../asm/index.js';
import { BUILTIN_PROFILES, type CpuProfile } from '../../model/generated/index.js';
import { Machine, type RunResult } from '../../model/machine/machine.js';
import { type LoadMode, loadFlat, pagingBase } from '../../model/machine/loader.js';
import { Activity, type Cpu } from '../../model/cpu/cpu.js';
import { type Decoded, decode, fetchDecoded } from '../../model/cpu/decode.js';
import { Fault } from '../../model/cpu/fault.js';
import { readFlags } from '../../model/cpu/flags.js';
import { CS, SS, TR } from '../../model/cpu/registers.js';

// ---- addresses

/** Protected- and IA-32e-mode code (linear = physical). */
export const CODE_BASE = 0x10_0000;
/** Where machineIn starts real-address mode: 0000:7C00h, every segment base 0 (SP = FFFEh). */
export const REAL_CODE_BASE = 0x7C00;
/** Where execute, run and runCode load real-mode snippets: CS = DS = ES = SS = 1000h, IP = 0, SP = FFFEh. */
export const REAL_SNIPPET_BASE = 0x1_0000;
/** The loader's initial stack pointer outside real mode. */
export const STACK = 0x8_0000;
/** Scratch data above the code. */
export const DATA = 0x20_0000;
export const GDT = 0x1000, IDT = 0x2000, TSS = 0x3000, RING0_STACK = 0x9_0000, IST1_STACK = 0xA_0000;

/** Protected-mode selectors (protected32). */
export const P32 = { code0: 0x08, data0: 0x10, code3: 0x18, data3: 0x20, tss: 0x28, dataNotPresent: 0x30, data0ReadOnly: 0x38, codeExecOnly: 0x40, code0Conforming: 0x48, code16: 0x50, data16: 0x58 } as const;
/** IA-32e selectors (long64): the SYSCALL/SYSRET layout STAR[47:32] = 08h, STAR[63:48] = 18h. */
export const L64 = { code0: 0x08, data0: 0x10, code32u: 0x18, data3: 0x20, code3: 0x28, tss: 0x30, compat0: 0x40, dataNotPresent: 0x48 } as const;

// ---- machines

export function profile(id = 'skylake-server'): CpuProfile {
  const p = BUILTIN_PROFILES.find((x) => x.id === id);
  if (!p) throw new Error(`no built-in profile ${id}`);
  return p;
}

export interface MachineOptions {
  /** The program (default: a single HLT). */
  readonly code?: Uint8Array;
  /** Load and entry address (default CODE_BASE, or REAL_CODE_BASE in real mode). */
  readonly base?: number;
  readonly profile?: CpuProfile;
  /** RDRAND/RDSEED seed (default 0). */
  readonly seed?: number;
}

/** A 64 MiB machine with `code` loaded and the processor started in `mode` at its first byte. */
export function machineIn(mode: LoadMode, options: MachineOptions = {}): Machine {
  const machine = new Machine({ profile: options.profile ?? profile(), memorySize: 64 * 1024 * 1024, seed: options.seed ?? 0 });
  const base = options.base ?? (mode === 'real' ? REAL_CODE_BASE : CODE_BASE);
  loadFlat(machine, options.code ?? Uint8Array.of(0xF4), { load: base, entry: base, mode });
  return machine;
}

/** Where a snippet for `mode` is loaded (linear) by execute, run and runCode. */
function snippetBase(mode: LoadMode): number {
  return mode === 'real' ? REAL_SNIPPET_BASE : CODE_BASE;
}

/** The origin to assemble a snippet for `mode` at (its first IP/RIP). */
export function originFor(mode: LoadMode): number {
  return mode === 'real' ? 0 : CODE_BASE;
}

// ---- executing instructions

/**
 * Executes a decoded instruction as the run loop does: RIP moves past it when it completes (carrying
 * into bits 63:32 only in 64-bit mode); a fault leaves RIP where it was and is returned, not delivered.
 */
function retire(cpu: Cpu, d: Decoded): Fault | undefined {
  const next = (cpu.ripLo + d.length) | 0;
  cpu.nextLo = next;
  cpu.nextHi = cpu.bitness === 64 && (next >>> 0) < d.length ? (cpu.ripHi + 1) | 0 : cpu.ripHi;
  try {
    d.exec(cpu);
  } catch (e) {
    if (e instanceof Fault) return e;
    throw e;
  }
  cpu.ripLo = cpu.nextLo;
  cpu.ripHi = cpu.nextHi;
  return undefined;
}

/** Executes the instruction in `bytes` at the current RIP (see retire); returns the fault it raised, if any. */
export function step(cpu: Cpu, bytes: Uint8Array | readonly number[]): Fault | undefined {
  const d = decode(cpu.bitness, bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes), cpu.ripLo, cpu.ripHi);
  if (!d) throw new Error('incomplete instruction');
  return retire(cpu, d);
}

export interface Outcome {
  readonly machine: Machine;
  readonly cpu: Cpu;
  /** The exception the snippet raised, or undefined when it reached HLT. */
  readonly fault: Fault | undefined;
  /** Instructions retired. */
  readonly retired: number;
  /** RFLAGS after the run. */
  readonly flags: number;
}

/**
 * Loads `code` at CODE_BASE (REAL_SNIPPET_BASE in real mode) in `mode` (`setup` may change memory and
 * registers first) and executes it from memory until HLT, the first exception or `budget` instructions
 * (then throws: a test never gets that far).
 */
export function execute(code: Uint8Array, mode: LoadMode, setup?: (cpu: Cpu, m: Machine) => void, budget = 1_000_000): Outcome {
  const machine = machineIn(mode, { code, base: snippetBase(mode) });
  const cpu = machine.cpu;
  setup?.(cpu, machine);
  let retired = 0;
  let fault: Fault | undefined;
  while (cpu.activity === Activity.Active) {
    if (retired >= budget) throw new Error(`the snippet did not stop within ${budget} instructions`);
    // The run loop looks at events between instructions and clears the flag; there are none here.
    cpu.eventCheck = false;
    try {
      fault = retire(cpu, fetchDecoded(cpu));
    } catch (e) {
      if (!(e instanceof Fault)) throw e;
      fault = e; // raised by the instruction fetch
    }
    if (fault) break;
    retired++;
  }
  return { machine, cpu, fault, retired, flags: readFlags(cpu) };
}

/** Assembles `build` as `bits`-bit code with a final `end: HLT` at originFor(mode) and executes it. */
export function run(bits: 16 | 32 | 64, build: (a: Assembler) => void, setup?: (cpu: Cpu) => void): Outcome & { labels: Map<string, bigint> } {
  const a = new Assembler(bits);
  build(a);
  a.label('end');
  a.hlt();
  const mode: LoadMode = bits === 16 ? 'real' : bits === 32 ? 'prot32' : 'long64';
  const prog = a.assemble(BigInt(originFor(mode)));
  return { ...execute(prog.bytes, mode, setup), labels: prog.labels };
}

export interface Snippet {
  readonly machine: Machine;
  readonly result: RunResult;
}

/**
 * Loads `code` as execute does and runs it through the machine's run loop (exceptions are delivered)
 * until HLT, shutdown, triple fault or the budget; `setup` may change the processor or memory first.
 */
export function runCode(code: Uint8Array, mode: LoadMode, setup?: (m: Machine) => void, budget = 1_000_000): Snippet {
  const machine = machineIn(mode, { code, base: snippetBase(mode) });
  setup?.(machine);
  const result = machine.run(budget);
  return { machine, result };
}

/** The bytes of one instruction assembled for `bits`-bit code at CODE_BASE. */
export function insn(bits: 16 | 32 | 64, f: (a: Assembler) => void): number[] {
  const a = new Assembler(bits);
  f(a);
  return Array.from(a.assemble(BigInt(CODE_BASE)).bytes);
}

/** Assembles a program at `origin` and returns it with its labels as numbers. */
export function assemble(a: Assembler, origin: number): { bytes: Uint8Array; at: (label: string) => number } {
  const p = a.assemble(BigInt(origin));
  return { bytes: p.bytes, at: (l) => { const v = p.labels.get(l); if (v === undefined) throw new Error(`no label ${l}`); return Number(v); } };
}

/** A fault's vector and error code, for assertions; throws when there was none. */
export function fault(f: Fault | undefined): [number, number] {
  if (!f) throw new Error('expected a fault');
  return [f.vector, f.errorCode];
}

// ---- registers and flags

/** A GPR as an unsigned 64-bit bigint. */
export function reg64(cpu: Cpu, i: number): bigint {
  return (BigInt(cpu.hi[i]! >>> 0) << 32n) | BigInt(cpu.lo[i]! >>> 0);
}

/** A GPR's low 32 bits, unsigned. */
export function reg32(cpu: Cpu, i: number): number {
  return cpu.lo[i]! >>> 0;
}

/** Sets a GPR from an unsigned or signed 64-bit bigint. */
export function setReg64(cpu: Cpu, i: number, v: bigint): void {
  const u = BigInt.asUintN(64, v);
  cpu.lo[i] = Number(u & 0xFFFF_FFFFn) | 0;
  cpu.hi[i] = Number(u >> 32n) | 0;
}

export function u32(v: number): number {
  return v >>> 0;
}

/** The arithmetic flags of an RFLAGS value as a record, for readable assertions. */
export function arith(flags: number): { cf: number; pf: number; af: number; zf: number; sf: number; of: number } {
  return {
    cf: flags & 1, pf: (flags >>> 2) & 1, af: (flags >>> 4) & 1, zf: (flags >>> 6) & 1, sf: (flags >>> 7) & 1, of: (flags >>> 11) & 1,
  };
}

/** Sets CPL by giving CS and SS that descriptor privilege level (and RPL) without a transfer (protected or IA-32e mode). */
export function setCpl(cpu: Cpu, cpl: number): void {
  for (const s of [CS, SS]) {
    cpu.segAttr[s] = (cpu.segAttr[s]! & ~0x60) | (cpl << 5);
    cpu.segSel[s] = (cpu.segSel[s]! & ~3) | cpl;
  }
  cpu.updateMode();
}

// ---- descriptors, gates and the system environments

/** A code or data segment descriptor (SDM Vol. 3A 3.4.5, Figure 3-8), as its two dwords. */
export function segDesc(base: number, limit: number, type: number, o: { s?: 0 | 1; dpl?: number; p?: 0 | 1; l?: 0 | 1; db?: 0 | 1; g?: 0 | 1 } = {}): [number, number] {
  const { s = 1, dpl = 0, p = 1, l = 0, db = 1, g = 1 } = o;
  const lo = (limit & 0xFFFF) | ((base & 0xFFFF) << 16);
  const hi = ((base >>> 16) & 0xFF) | (type << 8) | (s << 12) | (dpl << 13) | (p << 15) | (limit & 0xF_0000) |
    (l << 21) | (db << 22) | (g << 23) | (base & 0xFF00_0000);
  return [lo | 0, hi | 0];
}

/** A 32-bit interrupt (0Eh), trap (0Fh), call (0Ch) or task (05h) gate (SDM Vol. 3A Figure 6-2, 5-8). */
export function gate32(offset: number, sel: number, type: number, dpl = 0, p: 0 | 1 = 1, params = 0): [number, number] {
  return [((offset & 0xFFFF) | (sel << 16)) | 0, ((offset & 0xFFFF_0000) | (p << 15) | (dpl << 13) | (type << 8) | params) | 0];
}

/** A 64-bit interrupt/trap/call gate (SDM Vol. 3A Figure 6-8, 5-9): four dwords. */
export function gate64(offset: bigint, sel: number, type: number, dpl = 0, ist = 0, p: 0 | 1 = 1): [number, number, number, number] {
  const o = Number(offset & 0xFFFF_FFFFn);
  return [((o & 0xFFFF) | (sel << 16)) | 0, ((o & 0xFFFF_0000) | (p << 15) | (dpl << 13) | (type << 8) | ist) | 0, Number(offset >> 32n) | 0, 0];
}

export function writeDwords(m: Machine, pa: number, words: readonly number[]): void {
  words.forEach((w, i) => m.memory.write32(pa + 4 * i, w));
}

/** Installs gate words for `vector` in the IDT (8 bytes legacy, 16 bytes IA-32e). */
export function setGate(m: Machine, vector: number, words: readonly number[]): void {
  writeDwords(m, IDT + vector * words.length * 4, words);
}

/**
 * The 32-bit protected-mode environment: GDT (P32 selectors), empty IDT of 256 gates, a 32-bit TSS
 * with SS0:ESP0 = 10h:90000h loaded in TR (busy), CS = 08h, data registers 10h, CPL 0.
 */
export function protected32(m: Machine): void {
  const cpu = m.cpu;
  const d: [number, [number, number]][] = [
    [P32.code0, segDesc(0, 0xF_FFFF, 0xB)],
    [P32.data0, segDesc(0, 0xF_FFFF, 0x3)],
    [P32.code3, segDesc(0, 0xF_FFFF, 0xB, { dpl: 3 })],
    [P32.data3, segDesc(0, 0xF_FFFF, 0x3, { dpl: 3 })],
    [P32.tss, segDesc(TSS, 0x68 + 0x2000, 0xB, { s: 0, db: 0, g: 0 })], // busy 32-bit TSS with an 8-KByte I/O bitmap
    [P32.dataNotPresent, segDesc(0, 0xF_FFFF, 0x3, { p: 0 })],
    [P32.data0ReadOnly, segDesc(0, 0xF_FFFF, 0x1)],
    [P32.codeExecOnly, segDesc(0, 0xF_FFFF, 0x9)],
    [P32.code0Conforming, segDesc(0, 0xF_FFFF, 0xF)],
    [P32.code16, segDesc(0, 0xFFFF, 0xB, { db: 0, g: 0 })],
    [P32.data16, segDesc(0, 0xFFFF, 0x3, { db: 0, g: 0 })],
  ];
  for (const [sel, [lo, hi]] of d) writeDwords(m, GDT + sel, [lo, hi]);
  cpu.gdtrBaseLo = GDT; cpu.gdtrBaseHi = 0; cpu.gdtrLimit = 0x5F;
  cpu.idtrBaseLo = IDT; cpu.idtrBaseHi = 0; cpu.idtrLimit = 256 * 8 - 1;
  writeDwords(m, TSS + 4, [RING0_STACK, P32.data0]);
  m.memory.write16(TSS + 0x66, 0x68); // I/O map base
  cpu.loadSegmentRaw(TR, P32.tss, TSS, 0, 0x68 + 0x2000, 0x8B);
}

/**
 * The IA-32e environment on top of the loader's long64 start: GDT (L64 selectors), empty IDT, a 64-bit
 * TSS with RSP0 = 90000h and IST1 = A0000h in TR, and (with `user`) every page user-accessible.
 */
export function long64(m: Machine, user = false): void {
  const cpu = m.cpu;
  const d: [number, [number, number]][] = [
    [L64.code0, segDesc(0, 0xF_FFFF, 0xB, { l: 1, db: 0 })],
    [L64.data0, segDesc(0, 0xF_FFFF, 0x3)],
    [L64.code32u, segDesc(0, 0xF_FFFF, 0xB, { dpl: 3 })],
    [L64.data3, segDesc(0, 0xF_FFFF, 0x3, { dpl: 3 })],
    [L64.code3, segDesc(0, 0xF_FFFF, 0xB, { dpl: 3, l: 1, db: 0 })],
    [L64.tss, segDesc(TSS, 0x67, 0xB, { s: 0, db: 0, g: 0 })],
    [L64.compat0, segDesc(0, 0xF_FFFF, 0xB)],
    [L64.dataNotPresent, segDesc(0, 0xF_FFFF, 0x3, { p: 0 })],
  ];
  for (const [sel, [lo, hi]] of d) writeDwords(m, GDT + sel, [lo, hi]);
  writeDwords(m, GDT + L64.tss + 8, [0, 0]);
  cpu.gdtrBaseLo = GDT; cpu.gdtrBaseHi = 0; cpu.gdtrLimit = 0x4F;
  cpu.idtrBaseLo = IDT; cpu.idtrBaseHi = 0; cpu.idtrLimit = 256 * 16 - 1;
  writeDwords(m, TSS + 4, [RING0_STACK, 0]);
  writeDwords(m, TSS + 0x24, [IST1_STACK, 0]);
  cpu.loadSegmentRaw(TR, L64.tss, TSS, 0, 0x67, 0x8B);
  if (user) {
    // The loader's tables: PML4, PDPT and four PDs of 2-MByte pages; U/S = 1 in all of them.
    const base = pagingBase(m);
    for (let page = 0; page < 6; page++) {
      for (let i = 0; i < 512; i++) {
        const pa = base + page * 0x1000 + i * 8;
        const e = m.memory.read32(pa);
        if ((e & 1) !== 0) m.memory.write32(pa, e | 4);
      }
    }
  }
}
