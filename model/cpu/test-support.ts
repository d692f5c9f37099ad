// Test support (imported by tests only): run a small program in a chosen mode on a fresh machine.
import { BUILTIN_PROFILES } from '../generated/index.js';
import { Machine, type RunResult } from '../machine/machine.js';
import { type LoadMode, loadFlat } from '../machine/loader.js';

export const CODE_BASE = 0x10_0000;

export interface Snippet {
  readonly machine: Machine;
  readonly result: RunResult;
}

/**
 * Loads `code` at 1 MiB (linear = physical) and runs it in `mode` until HLT, shutdown, triple fault or
 * the budget; `setup` may change the processor or memory first.
 */
export function runCode(code: Uint8Array, mode: LoadMode, setup?: (m: Machine) => void, budget = 1_000_000): Snippet {
  const machine = new Machine({ profile: BUILTIN_PROFILES.find((p) => p.id === 'skylake-server')!, memorySize: 64 * 1024 * 1024 });
  loadFlat(machine, code, { load: CODE_BASE, entry: CODE_BASE, mode });
  setup?.(machine);
  const result = machine.run(budget);
  return { machine, result };
}
