// Test support for the system-level tests (imported by tests only): descriptor and gate encoders
// written from the SDM's figures, and machines with a GDT, IDT and TSS in place.
//
// Layout (physical = linear): GDT at 1000h, IDT at 2000h, TSS at 3000h (I/O bitmap at 3068h), stacks
// below 90000h (ring 0) and A0000h (IST1), code at 100000h (protected and IA-32e mode) or 7C00h (real).
import { BUILTIN_PROFILES } from '../generated/index.js';
import type { Assembler } from '../../conformance/asm/index.js';
import { Machine } from '../machine/machine.js';
import { type LoadMode, loadFlat, pagingBase } from '../machine/loader.js';
import type { Cpu } from './cpu.js';
import { decode } from './decode.js';
import { Fault } from './fault.js';
import { CS, SS, TR } from './registers.js';

export const GDT = 0x1000, IDT = 0x2000, TSS = 0x3000, RING0_STACK = 0x9_0000, IST1_STACK = 0xA_0000;
export const CODE = 0x10_0000, REAL_CODE = 0x7C00;

/** Protected-mode selectors (32-bit environment). */
export const P32 = { code0: 0x08, data0: 0x10, code3: 0x18, data3: 0x20, tss: 0x28, dataNotPresent: 0x30, data0ReadOnly: 0x38, codeExecOnly: 0x40, code0Conforming: 0x48, code16: 0x50, data16: 0x58 } as const;
/** IA-32e selectors: the SYSCALL/SYSRET layout STAR[47:32] = 08h, STAR[63:48] = 18h. */
export const L64 = { code0: 0x08, data0: 0x10, code32u: 0x18, data3: 0x20, code3: 0x28, tss: 0x30, compat0: 0x40, dataNotPresent: 0x48 } as const;

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

export function profile(id = 'skylake-server') {
  return BUILTIN_PROFILES.find((p) => p.id === id)!;
}

/** A machine with `code` loaded at CODE (or REAL_CODE for real mode) and started in `mode`. */
export function machineWith(code: Uint8Array, mode: LoadMode, profileId = 'skylake-server'): Machine {
  const m = new Machine({ profile: profile(profileId), memorySize: 64 * 1024 * 1024 });
  const base = mode === 'real' ? REAL_CODE : CODE;
  loadFlat(m, code, { load: base, entry: base, mode });
  return m;
}

/** Assembles a program at CODE (or REAL_CODE) for `bits` and returns it with its labels as numbers. */
export function assemble(a: Assembler, origin: number): { bytes: Uint8Array; at: (label: string) => number } {
  const p = a.assemble(BigInt(origin));
  return { bytes: p.bytes, at: (l) => { const v = p.labels.get(l); if (v === undefined) throw new Error(`no label ${l}`); return Number(v); } };
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

/** Installs gate words for `vector` in the IDT (8 bytes legacy, 16 bytes IA-32e). */
export function setGate(m: Machine, vector: number, words: readonly number[]): void {
  writeDwords(m, IDT + vector * words.length * 4, words);
}

/**
 * Executes the instruction in `bytes` at the current RIP as the run loop would: RIP moves past it
 * when it completes; a fault leaves RIP where it was and is returned (not delivered).
 */
export function exec(cpu: Cpu, bytes: readonly number[]): Fault | undefined {
  const d = decode(cpu.bitness, Uint8Array.from(bytes), cpu.ripLo, cpu.ripHi);
  if (!d) throw new Error('incomplete instruction');
  cpu.nextLo = (cpu.ripLo + d.length) | 0;
  cpu.nextHi = cpu.ripHi;
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

/** Gives CS and SS the descriptor privilege level `cpl` (and RPL) without a transfer. */
export function setCpl(cpu: Cpu, cpl: number): void {
  for (const s of [CS, SS]) {
    cpu.segAttr[s] = (cpu.segAttr[s]! & ~0x60) | (cpl << 5);
    cpu.segSel[s] = (cpu.segSel[s]! & ~3) | cpl;
  }
  cpu.updateMode();
}

export function reg64(cpu: Cpu, i: number): bigint {
  return (BigInt(cpu.hi[i]! >>> 0) << 32n) | BigInt(cpu.lo[i]! >>> 0);
}

export function u32(v: number): number {
  return v >>> 0;
}
