// Test support for the platform-instruction tests (imported by tests only): a machine started in a
// chosen mode, one instruction executed the way the run loop executes it, and privilege changes.
import { BUILTIN_PROFILES, type CpuProfile } from '../../generated/index.js';
import { Machine } from '../../machine/machine.js';
import { type LoadMode, loadFlat } from '../../machine/loader.js';
import type { Cpu } from '../cpu.js';
import { decode } from '../decode.js';
import { Fault } from '../fault.js';
import { CS, SS } from '../registers.js';

export const CODE_BASE = 0x10_0000;
/** Real-mode code goes below 1 MiB. */
export const REAL_CODE_BASE = 0x7C00;

export function profile(id: string): CpuProfile {
  const p = BUILTIN_PROFILES.find((x) => x.id === id);
  if (!p) throw new Error(`no built-in profile ${id}`);
  return p;
}

/** A 64 MiB machine started in `mode` at CODE_BASE, or REAL_CODE_BASE in real mode (a HLT there). */
export function machineIn(mode: LoadMode, options: { profile?: CpuProfile; seed?: number } = {}): Machine {
  const machine = new Machine({ profile: options.profile ?? profile('skylake-server'), memorySize: 64 * 1024 * 1024, seed: options.seed ?? 0 });
  const base = mode === 'real' ? REAL_CODE_BASE : CODE_BASE;
  loadFlat(machine, Uint8Array.of(0xF4), { load: base, entry: base, mode });
  return machine;
}

/**
 * Executes the instruction in `bytes` at the current RIP as the run loop would: RIP moves past it when
 * it completes; a fault leaves RIP where it was and is returned (not delivered).
 */
export function step(cpu: Cpu, bytes: Uint8Array | readonly number[]): Fault | undefined {
  const b = bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes);
  const d = decode(cpu.bitness, b, cpu.ripLo, cpu.ripHi);
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

/** Sets CPL by giving CS and SS that descriptor privilege level (protected or IA-32e mode). */
export function setCpl(cpu: Cpu, cpl: number): void {
  for (const s of [CS, SS]) {
    cpu.segAttr[s] = (cpu.segAttr[s]! & ~0x60) | (cpl << 5);
    cpu.segSel[s] = (cpu.segSel[s]! & ~3) | cpl;
  }
  cpu.updateMode();
}

/** A 64-bit register as a BigInt, for assertions. */
export function reg64(cpu: Cpu, i: number): bigint {
  return (BigInt(cpu.hi[i]! >>> 0) << 32n) | BigInt(cpu.lo[i]! >>> 0);
}

export function setReg64(cpu: Cpu, i: number, v: bigint): void {
  cpu.lo[i] = Number(v & 0xFFFF_FFFFn) | 0;
  cpu.hi[i] = Number((v >> 32n) & 0xFFFF_FFFFn) | 0;
}
