// Test support for the instruction groups (imported by tests only): run a snippet one instruction at
// a time, like the processor's run loop, but stop at the first exception and hand it back instead of
// delivering it, so a test sees the vector, the error code and the state the fault left behind.
import { BUILTIN_PROFILES } from '../../generated/index.js';
import { Machine } from '../../machine/machine.js';
import { type LoadMode, loadFlat } from '../../machine/loader.js';
import { Activity, type Cpu } from '../cpu.js';
import { fetchDecoded } from '../decode.js';
import { Fault } from '../fault.js';
import { readFlags } from '../flags.js';

export const CODE_BASE = 0x10_0000;
/** Real-mode snippets load at 64 KiB: CS = DS = ES = SS = 1000h, IP = 0, SP = FFFEh. */
export const REAL_BASE = 0x1_0000;

/** Where a snippet for `mode` is loaded (linear), and the origin to assemble it at (the first IP/RIP). */
export function originFor(mode: LoadMode): number {
  return mode === 'real' ? 0 : CODE_BASE;
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
 * Loads `code` at 1 MiB (64 KiB in real mode) in `mode` (`setup` may change memory and registers first) and executes it
 * until HLT, the first exception or `budget` instructions (then throws: a test never gets that far).
 */
export function execute(code: Uint8Array, mode: LoadMode, setup?: (cpu: Cpu, m: Machine) => void, budget = 1_000_000): Outcome {
  const machine = new Machine({ profile: BUILTIN_PROFILES.find((p) => p.id === 'skylake-server')!, memorySize: 64 * 1024 * 1024 });
  const base = mode === 'real' ? REAL_BASE : CODE_BASE;
  loadFlat(machine, code, { load: base, entry: base, mode });
  const cpu = machine.cpu;
  setup?.(cpu, machine);
  let retired = 0;
  let fault: Fault | undefined;
  while (cpu.activity === Activity.Active) {
    if (retired >= budget) throw new Error(`the snippet did not stop within ${budget} instructions`);
    // The run loop looks at events between instructions and clears the flag; there are none here.
    cpu.eventCheck = false;
    try {
      const d = fetchDecoded(cpu);
      const next = (cpu.ripLo + d.length) | 0;
      cpu.nextLo = next;
      cpu.nextHi = cpu.bitness === 64 && (next >>> 0) < d.length ? (cpu.ripHi + 1) | 0 : cpu.ripHi;
      d.exec(cpu);
      cpu.ripLo = cpu.nextLo;
      cpu.ripHi = cpu.nextHi;
      retired++;
    } catch (e) {
      if (!(e instanceof Fault)) throw e;
      fault = e;
      break;
    }
  }
  return { machine, cpu, fault, retired, flags: readFlags(cpu) };
}

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

/** The arithmetic flags of an RFLAGS value as a record, for readable assertions. */
export function arith(flags: number): { cf: number; pf: number; af: number; zf: number; sf: number; of: number } {
  return {
    cf: flags & 1, pf: (flags >>> 2) & 1, af: (flags >>> 4) & 1, zf: (flags >>> 6) & 1, sf: (flags >>> 7) & 1, of: (flags >>> 11) & 1,
  };
}
