// Instruction fetch and decode. Each instruction is decoded once by iced-x86 into a compact record
// whose `exec` closure already holds its operands, and cached by physical address (per decode mode),
// so the hot loop reads no iced fields. A write to a page holding cached code drops that page's records.
import {
  Code, ConditionCode, Decoder, DecoderOptions, FlowControl, FormatterSyntax, Formatter, Instruction, Mnemonic, OpKind, Register,
} from 'iced-x86';
import type { PhysicalMemory } from '../machine/memory.js';
import type { Cpu } from './cpu.js';
import { Fault, ud } from './fault.js';
import { CS } from './registers.js';
import { translateFetch } from './mmu.js';
import { instructionFetch } from '../vmx/apic-virtualization.js';
import type { InstructionClass } from './timing.js';
import { watchBusLock } from '../vmx/bus-lock.js';
import { decodeMsrAccessRecord } from './decode-msr-imm.js';

export type Exec = (cpu: Cpu) => void;

/** What a builder sees of a decoded instruction: every iced field it may need, read out once. */
export interface InstrView {
  readonly code: Code;
  readonly mnemonic: Mnemonic;
  readonly length: number;
  readonly bitness: 16 | 32 | 64;
  readonly opCount: number;
  readonly opKinds: readonly OpKind[];
  readonly opRegs: readonly Register[];
  /** Immediate operand values (0n where the operand is not an immediate), sign/zero-extended as iced reports. */
  readonly imms: readonly bigint[];
  readonly memBase: Register;
  readonly memIndex: Register;
  readonly memScale: number;
  /** Displacement as a signed number (exact: displacements are at most 32 bits, or 64 for moffs). */
  readonly memDispl: number;
  readonly memDisplBig: bigint;
  /** The segment the memory operand uses (prefix or default). */
  readonly memSeg: Register;
  /** Memory operand size in bytes (0 when not known or no memory operand). */
  readonly memSize: number;
  /** RIP-relative memory operand: memDispl is relative to the next instruction. */
  readonly ipRel: boolean;
  /** Near branch target relative to the next instruction (signed), for jumps, calls and loops. */
  readonly branchRel: number;
  readonly farSelector: number;
  readonly farOffset: number;
  /** Address size in bits (16/32/64), after any 67h prefix. */
  readonly addressSize: 16 | 32 | 64;
  readonly rep: boolean;
  readonly repe: boolean;
  readonly repne: boolean;
  readonly lock: boolean;
  readonly conditionCode: ConditionCode;
  /** Bytes the instruction was decoded from. */
  readonly bytes: Uint8Array;
}

export type Builder = (v: InstrView) => Exec | undefined;

export interface Decoded {
  readonly exec: Exec;
  /** The instruction's class, for timing models (timing.ts). */
  readonly cls: InstructionClass;
  readonly length: number;
  readonly mnemonic: Mnemonic;
  readonly bytes: Uint8Array;
  readonly bitness: 16 | 32 | 64;
  /** Intel-syntax text; branch targets are absolute when the instruction's RIP is given. */
  text(ripLo?: number, ripHi?: number): string;
}

const builders: (Builder[] | undefined)[] = [];

/** Instruction groups register their builders here; the first that returns an Exec wins. */
export function registerBuilder(mnemonics: Mnemonic | readonly Mnemonic[], builder: Builder): void {
  for (const m of typeof mnemonics === 'number' ? [mnemonics] : mnemonics) (builders[m] ??= []).push(builder);
}

/** True when an instruction group registered a builder for the mnemonic (CPUID reports features by it). */
export function hasBuilder(mnemonic: Mnemonic): boolean {
  return (builders[mnemonic]?.length ?? 0) > 0;
}

export interface DecodeCache {
  readonly pages: Map<number, (Decoded | undefined)[]>;
  /** The page the processor fetched from last: linear page (lo, hi), mode, and its records. */
  fetchValid: boolean;
  fetchLinLo: number;
  fetchLinHi: number;
  fetchBitness: number;
  fetchPhys: number;
  fetchEntries: (Decoded | undefined)[];
  /**
   * The two pages (physical page * 4 + mode key) fetched from most recently and their records: a VM entry or
   * exit invalidates the fetch page, and the next fetch finds its page here instead of in `pages` (a guest and
   * its host alternate between two code pages). Emptied with `pages` on code writes.
   */
  recentKey: [number, number];
  recentEntries: [(Decoded | undefined)[], (Decoded | undefined)[]];
}

/** The records of one code page, by offset: filled in place (length 4096, so indexing stays a fast array's). */
function newPageRecords(): (Decoded | undefined)[] {
  return new Array<Decoded | undefined>(4096);
}

export function newDecodeCache(memory: PhysicalMemory): DecodeCache {
  const cache: DecodeCache = {
    pages: new Map(), fetchValid: false, fetchLinLo: 0, fetchLinHi: 0, fetchBitness: 0, fetchPhys: 0, fetchEntries: [],
    recentKey: [-1, -1], recentEntries: [[], []],
  };
  // Every processor's cache hears every code write (the processors of a machine share its memory).
  const others = memory.onCodeWrite;
  memory.onCodeWrite = (page: number) => {
    others(page);
    for (let k = 0; k < 3; k++) cache.pages.delete(page * 4 + k);
    for (let r = 0; r < 2; r++) if (Math.floor(cache.recentKey[r]! / 4) === page) cache.recentKey[r] = -1;
    if (cache.fetchValid && Math.floor(cache.fetchPhys / 4096) === page) cache.fetchValid = false;
  };
  return cache;
}

/** Forget the cached linear-to-physical page of instruction fetch (after CR3, paging, CS or mode changes). */
export function invalidateFetch(cpu: Cpu): void {
  cpu.decodeCache.fetchValid = false;
}

const scratch = new Instruction();
let formatter: Formatter | undefined;

function modeKey(bitness: number): number {
  return bitness === 16 ? 0 : bitness === 32 ? 1 : 2;
}

/** The record for the instruction at CS:RIP, decoding it on first use. */
export function fetchDecoded(cpu: Cpu): Decoded {
  const c = cpu.decodeCache;
  // Linear address of RIP: CS.base + RIP, except in 64-bit mode where CS.base is treated as 0.
  let linLo: number, linHi: number;
  if (cpu.bitness === 64) { linLo = cpu.ripLo; linHi = cpu.ripHi; }
  else { linLo = (cpu.segBaseLo[CS]! + cpu.ripLo) | 0; linHi = 0; }
  const pageLo = linLo & ~0xFFF;
  if (c.fetchValid && c.fetchLinLo === pageLo && c.fetchLinHi === linHi && c.fetchBitness === cpu.bitness) {
    const d = c.fetchEntries[linLo & 0xFFF];
    if (d !== undefined) return d;
  }
  return slowFetch(cpu, linLo, linHi);
}

function slowFetch(cpu: Cpu, linLo: number, linHi: number): Decoded {
  const c = cpu.decodeCache;
  if (cpu.bitness !== 64 && (cpu.ripLo >>> 0) > cpu.segLimit[CS]!) throw new Fault(13, 0); // SDM Vol. 3A 5.3
  const phys = translateFetch(cpu, linLo & ~0xFFF, linHi);
  const key = Math.floor(phys / 4096) * 4 + modeKey(cpu.bitness);
  const recent = c.recentKey;
  let entries: (Decoded | undefined)[];
  if (recent[0] === key) entries = c.recentEntries[0];
  else if (recent[1] === key) {
    // Most recent first: swap.
    entries = c.recentEntries[1];
    recent[1] = recent[0]; c.recentEntries[1] = c.recentEntries[0];
    recent[0] = key; c.recentEntries[0] = entries;
  } else {
    let found = c.pages.get(key);
    if (!found) { found = newPageRecords(); c.pages.set(key, found); }
    // A page in `pages` may have had its code flag cleared by a write (which emptied it from `pages` and `recent`).
    cpu.memory.markCode(phys);
    entries = found;
    recent[1] = recent[0]; c.recentEntries[1] = c.recentEntries[0];
    recent[0] = key; c.recentEntries[0] = entries;
  }
  c.fetchValid = true; c.fetchLinLo = linLo & ~0xFFF; c.fetchLinHi = linHi; c.fetchBitness = cpu.bitness; c.fetchPhys = phys;
  c.fetchEntries = entries;
  const off = linLo & 0xFFF;
  const cached = entries[off];
  if (cached) return cached;
  // Up to 15 bytes; those past the page come from the next page's translation, if it has one.
  const avail = Math.min(15, 4096 - off);
  const bytes = new Uint8Array(15);
  // Marked as an instruction fetch for the APIC-access page's exit qualification (SDM 28.2.1, Table 28-6).
  instructionFetch.active = true;
  try {
    for (let i = 0; i < avail; i++) bytes[i] = cpu.memory.read8(phys + off + i);
  } finally {
    instructionFetch.active = false;
  }
  let have = avail;
  let nextPageFault: Fault | undefined;
  if (avail < 15) {
    try {
      const nextLo = ((linLo & ~0xFFF) + 4096) | 0;
      const nextHi = cpu.bitness === 64 && nextLo === 0 ? (linHi + 1) | 0 : linHi;
      const phys2 = translateFetch(cpu, nextLo, nextHi);
      for (let i = avail; i < 15; i++) bytes[i] = cpu.memory.read8(phys2 + (i - avail));
      have = 15;
    } catch (e) {
      if (!(e instanceof Fault)) throw e;
      nextPageFault = e;
    }
  }
  const d = decode(cpu.bitness, bytes.subarray(0, have), cpu.ripLo, cpu.ripHi);
  if (d === undefined) throw nextPageFault ?? new Fault(6); // ran out of bytes: the fetch of the next page faults
  cpu.stats.decoded++;
  if (off + d.length <= 4096) entries[off] = d; // page-crossing instructions are decoded each time
  return d;
}

function memSizeBytes(ins: Instruction): number {
  // Register operand sizes decide most instructions; for memory we derive the size from the Code's
  // operand pattern where iced's MemorySize is a plain integer.
  const ms = ins.memorySize;
  switch (ms) {
    case 1: case 9: return 1; // UInt8, Int8
    case 2: case 10: return 2;
    case 3: case 11: return 4;
    case 5: case 12: return 8;
    case 6: case 13: return 16;
    default: return 0;
  }
}

/** Decodes one instruction; undefined when the bytes end before it does. */
export function decode(bitness: 16 | 32 | 64, bytes: Uint8Array, ripLo: number, ripHi: number): Decoded | undefined {
  const decoder = new Decoder(bitness, bytes, DecoderOptions.None);
  try {
    decoder.ip = (BigInt(ripHi >>> 0) << 32n) | BigInt(ripLo >>> 0);
    decoder.decodeOut(scratch);
    if (scratch.code === Code.INVALID && scratch.length >= bytes.length && bytes.length < 15) return undefined;
    const length = scratch.length;
    const own = bytes.slice(0, length);
    if (scratch.code === Code.INVALID) return decodeMsrAccessRecord(bitness, bytes) ?? record(own, bitness, Mnemonic.INVALID, (cpu) => ud(), 'interrupt');
    const view = viewOf(scratch, bitness, own);
    let exec: Exec | undefined;
    for (const b of builders[view.mnemonic] ?? []) {
      exec = b(view);
      if (exec) break;
    }
    // A locked access to memory may be a bus lock, which VMX non-root operation can detect (vmx/bus-lock.ts).
    if (exec && (view.lock || view.mnemonic === Mnemonic.Xchg) && view.opKinds.includes(OpKind.Memory)) exec = watchBusLock(view, exec);
    const name = Mnemonic[view.mnemonic] ?? String(view.mnemonic);
    exec ??= (cpu) => {
      // Not implemented by the model: #UD, counted by mnemonic so a run's statistics show it.
      cpu.stats.unimplemented.set(name, (cpu.stats.unimplemented.get(name) ?? 0) + 1);
      ud();
    };
    return record(own, bitness, view.mnemonic, exec, classify(scratch, view.mnemonic));
  } finally {
    decoder.free();
  }
}

function record(bytes: Uint8Array, bitness: 16 | 32 | 64, mnemonic: Mnemonic, exec: Exec, cls: InstructionClass): Decoded {
  return {
    exec, cls, length: bytes.length, mnemonic, bytes, bitness,
    text: (ripLo = 0, ripHi = 0) => disassemble(bitness, bytes, (BigInt(ripHi >>> 0) << 32n) | BigInt(ripLo >>> 0)),
  };
}

const STRING = new Set<Mnemonic>([
  Mnemonic.Movsb, Mnemonic.Movsw, Mnemonic.Movsd, Mnemonic.Movsq, Mnemonic.Stosb, Mnemonic.Stosw, Mnemonic.Stosd, Mnemonic.Stosq,
  Mnemonic.Lodsb, Mnemonic.Lodsw, Mnemonic.Lodsd, Mnemonic.Lodsq, Mnemonic.Scasb, Mnemonic.Scasw, Mnemonic.Scasd, Mnemonic.Scasq,
  Mnemonic.Cmpsb, Mnemonic.Cmpsw, Mnemonic.Cmpsd, Mnemonic.Cmpsq, Mnemonic.Insb, Mnemonic.Insw, Mnemonic.Insd,
  Mnemonic.Outsb, Mnemonic.Outsw, Mnemonic.Outsd,
]);
const MULDIV = new Set<Mnemonic>([Mnemonic.Mul, Mnemonic.Imul, Mnemonic.Div, Mnemonic.Idiv]);
const IO = new Set<Mnemonic>([Mnemonic.In, Mnemonic.Out]);
const STACK = new Set<Mnemonic>([
  Mnemonic.Push, Mnemonic.Pop, Mnemonic.Pushf, Mnemonic.Pushfd, Mnemonic.Pushfq, Mnemonic.Popf, Mnemonic.Popfd, Mnemonic.Popfq,
  Mnemonic.Pusha, Mnemonic.Pushad, Mnemonic.Popa, Mnemonic.Popad, Mnemonic.Enter, Mnemonic.Leave,
]);
const MOVE = new Set<Mnemonic>([Mnemonic.Mov, Mnemonic.Movzx, Mnemonic.Movsx, Mnemonic.Movsxd, Mnemonic.Lea, Mnemonic.Xchg]);

/** The timing class of an instruction, from its mnemonic and iced's flow-control kind. */
function classify(ins: Instruction, mnemonic: Mnemonic): InstructionClass {
  switch (ins.flowControl) {
    case FlowControl.UnconditionalBranch: case FlowControl.ConditionalBranch: case FlowControl.IndirectBranch: return 'branch';
    case FlowControl.Call: case FlowControl.IndirectCall: case FlowControl.Return: return 'call-return';
    case FlowControl.Interrupt: case FlowControl.Exception: return 'interrupt';
    default: break;
  }
  if (STRING.has(mnemonic)) return 'string';
  if (MULDIV.has(mnemonic)) return 'muldiv';
  if (IO.has(mnemonic)) return 'io';
  if (STACK.has(mnemonic)) return 'stack';
  if (MOVE.has(mnemonic)) return 'move';
  if (mnemonic === Mnemonic.Nop) return 'nop';
  // Privileged and serializing instructions: everything iced marks as needing CPL 0 or touching CR/DR/MSRs.
  if (ins.isPrivileged) return 'system';
  return 'alu';
}

function viewOf(ins: Instruction, bitness: 16 | 32 | 64, bytes: Uint8Array): InstrView {
  const opCount = ins.opCount;
  const opKinds: OpKind[] = [];
  const opRegs: Register[] = [];
  const imms: bigint[] = [];
  let branchRel = 0;
  for (let i = 0; i < opCount; i++) {
    const k = ins.opKind(i);
    opKinds.push(k);
    opRegs.push(k === OpKind.Register ? ins.opRegister(i) : Register.None);
    const isImm = k >= OpKind.Immediate8 && k <= OpKind.Immediate32to64;
    imms.push(isImm ? ins.immediate(i) : 0n);
    if (k === OpKind.NearBranch16 || k === OpKind.NearBranch32 || k === OpKind.NearBranch64) {
      const target = ins.nearBranch64;
      const next = ins.nextIP;
      const mod = bitness === 64 ? 1n << 64n : 1n << 32n;
      let rel = (target - next) % mod;
      if (rel >= mod / 2n) rel -= mod;
      if (rel < -(mod / 2n)) rel += mod;
      branchRel = Number(rel);
    }
  }
  const hasMem = opKinds.some((k) => k === OpKind.Memory);
  const displ = hasMem ? ins.memoryDisplacement : 0n;
  const signedDispl = displ >= 1n << 63n ? displ - (1n << 64n) : displ;
  const ipRel = hasMem && ins.isIpRelMemoryOperand;
  const addrRegs = ins.memoryBase !== Register.None ? ins.memoryBase : ins.memoryIndex;
  let addressSize: 16 | 32 | 64 = bitness;
  if (addrRegs >= Register.AX && addrRegs <= Register.R15W) addressSize = 16;
  else if ((addrRegs >= Register.EAX && addrRegs <= Register.R15D) || addrRegs === Register.EIP) addressSize = 32;
  else if ((addrRegs >= Register.RAX && addrRegs <= Register.R15) || addrRegs === Register.RIP) addressSize = 64;
  else if (hasMem || opKinds.some((k) => k >= OpKind.MemorySegSI && k <= OpKind.MemoryESRDI)) {
    // No base or index register: the 67h prefix (or the string operand's register) tells.
    const k = opKinds.find((x) => x >= OpKind.MemorySegSI && x <= OpKind.MemoryESRDI);
    if (k !== undefined) addressSize = [OpKind.MemorySegSI, OpKind.MemorySegDI, OpKind.MemoryESDI].includes(k) ? 16 : [OpKind.MemorySegESI, OpKind.MemorySegEDI, OpKind.MemoryESEDI].includes(k) ? 32 : 64;
    else addressSize = hasAddressSizePrefix(bytes) ? (bitness === 32 ? 16 : 32) : bitness === 16 ? 16 : bitness;
  }
  return {
    code: ins.code, mnemonic: ins.mnemonic, length: ins.length, bitness, opCount, opKinds, opRegs, imms,
    memBase: ins.memoryBase, memIndex: ins.memoryIndex, memScale: ins.memoryIndexScale,
    memDispl: ipRel ? Number(ins.ipRelMemoryAddress - ins.nextIP) : Number(signedDispl), memDisplBig: displ,
    memSeg: ins.memorySegment, memSize: memSizeBytes(ins), ipRel, branchRel,
    farSelector: opKinds.some((k) => k === OpKind.FarBranch16 || k === OpKind.FarBranch32) ? ins.farBranchSelector : 0,
    farOffset: opKinds.includes(OpKind.FarBranch32) ? ins.farBranch32 : opKinds.includes(OpKind.FarBranch16) ? ins.farBranch16 : 0,
    addressSize, rep: ins.hasRepPrefix || ins.hasRepePrefix, repe: ins.hasRepePrefix, repne: ins.hasRepnePrefix,
    lock: ins.hasLockPrefix, conditionCode: ins.conditionCode, bytes,
  };
}

function hasAddressSizePrefix(bytes: Uint8Array): boolean {
  for (const b of bytes) {
    if (b === 0x67) return true;
    if (![0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65, 0x66, 0xF0, 0xF2, 0xF3].includes(b)) return false;
  }
  return false;
}

/** Intel-syntax text of one instruction, for traces and listings. */
export function disassemble(bitness: 16 | 32 | 64, bytes: Uint8Array, ip = 0n): string {
  formatter ??= new Formatter(FormatterSyntax.Intel);
  const decoder = new Decoder(bitness, bytes, DecoderOptions.None);
  const ins = new Instruction();
  try {
    decoder.ip = ip;
    decoder.decodeOut(ins);
    return formatter.format(ins);
  } finally {
    decoder.free();
    ins.free();
  }
}
