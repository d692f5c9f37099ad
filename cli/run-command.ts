// `vmxsim run <image>`: runs a flat image or a firmware image on a model machine, streaming the debug
// console (port E9h) to stdout; how the run ended and its figures go to stderr.
import { readFileSync, statSync, writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseUnsigned } from '../model/arch/numbers.js';
import { CS, type Cpu, type Decoded } from '../model/cpu/index.js';
import { DEFAULT_MEMORY, Machine, type LoadMode, loadFlat, pagingBase, type RunEnd } from '../model/machine/index.js';
import { checkRomImage, RomImageError } from '../model/machine/rom.js';
import { DEFAULT_PROFILE, resolveProfile } from '../model/profile/index.js';
import { EXIT_FAILURE, EXIT_OK, UsageError } from './errors.js';

const MAX_ROM = 16 * 1024 * 1024;
export const DEFAULT_SEED = 1;
const MODES: readonly LoadMode[] = ['real', 'prot32', 'long64'];
export const DEFAULT_MAX_INSTRUCTIONS = 1_000_000_000;
/** Instructions per slice of the run: the console is flushed between slices. */
const SLICE = 1_000_000;

/** Where the run's output goes (file descriptors by default; tests may capture). */
export interface RunSink {
  stdout(bytes: Uint8Array): void;
  stderr(text: string): void;
}

const fdSink: RunSink = {
  stdout: (bytes) => { writeAll(1, bytes); },
  stderr: (text) => { writeAll(2, Buffer.from(text, 'utf8')); },
};

function writeAll(fd: number, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) {
    try {
      off += writeSync(fd, bytes, off, bytes.length - off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue; // a non-blocking pipe that is full
      throw e;
    }
  }
}

interface RunOptions {
  readonly image: string;
  readonly rom: boolean;
  readonly load: number;
  readonly entry: number;
  readonly mode: LoadMode;
  readonly maxInstructions: number;
  readonly profileName: string;
  readonly memoryBytes: number;
  readonly seed: number;
  readonly trace: boolean;
}

function number(name: string, text: string | undefined, max: number): number | undefined {
  if (text === undefined) return undefined;
  const v = parseUnsigned(text);
  if (v === undefined) throw new UsageError(`--${name} ${text}: not a number`);
  if (v > BigInt(max)) throw new UsageError(`--${name} ${text}: too large (at most ${max})`);
  return Number(v);
}

function parseRunArgs(args: readonly string[]): RunOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        rom: { type: 'boolean', default: false },
        load: { type: 'string' },
        entry: { type: 'string' },
        mode: { type: 'string' },
        'max-instructions': { type: 'string' },
        profile: { type: 'string' },
        memory: { type: 'string' },
        seed: { type: 'string' },
        trace: { type: 'boolean', default: false },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length === 0) throw new UsageError('run needs an image file: vmxsim run <image.bin> [options] (vmxsim --help lists them)');
  if (positionals.length > 1) throw new UsageError(`run takes one image, got "${positionals[1]}" too`);
  if (values.rom && (values.load !== undefined || values.entry !== undefined || values.mode !== undefined)) {
    throw new UsageError('--rom runs the image as firmware from the reset vector: it takes no --load, --entry or --mode');
  }
  const mode = (values.mode ?? 'long64') as LoadMode;
  if (!MODES.includes(mode)) throw new UsageError(`--mode ${values.mode}: unknown mode (real, prot32 or long64)`);
  const load = number('load', values.load, Number.MAX_SAFE_INTEGER) ?? (mode === 'real' ? 0x7C00 : 0x10_0000);
  const entry = number('entry', values.entry, Number.MAX_SAFE_INTEGER) ?? load;
  const maxInstructions = number('max-instructions', values['max-instructions'], Number.MAX_SAFE_INTEGER) ?? DEFAULT_MAX_INSTRUCTIONS;
  if (maxInstructions === 0) throw new UsageError('--max-instructions must be at least 1');
  const memoryMiB = number('memory', values.memory, 4 * 1024 * 1024) ?? DEFAULT_MEMORY / (1024 * 1024);
  if (memoryMiB === 0) throw new UsageError('--memory must be at least 1 (MiB)');
  // Determinism: the same image and options give the same run; RDRAND/RDSEED come from this printed seed.
  const seed = number('seed', values.seed, Number.MAX_SAFE_INTEGER) ?? DEFAULT_SEED;
  return {
    image: positionals[0]!, rom: values.rom, load, entry, mode, maxInstructions,
    profileName: values.profile ?? DEFAULT_PROFILE, memoryBytes: memoryMiB * 1024 * 1024, seed, trace: values.trace,
  };
}

function readImage(path: string): Uint8Array {
  let bytes: Buffer;
  try {
    if (statSync(path).isDirectory()) throw new UsageError(`${path}: is a directory, not an image`);
    bytes = readFileSync(path);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const err = e as NodeJS.ErrnoException;
    throw new UsageError(`${path}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  }
  if (bytes.length === 0) throw new UsageError(`${path}: the image is empty`);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

const hex = (n: number, digits: number): string => n.toString(16).toUpperCase().padStart(digits, '0');

/** Checks a flat load against the machine before anything runs; each failure is one line. */
function checkFlatLoad(o: RunOptions, size: number, memorySize: number, tablesAt: number): void {
  const what = `the image (${size} bytes at ${hex(o.load, 0)}h)`;
  if (o.load + size > memorySize) throw new UsageError(`${what} does not fit in RAM (${memorySize / (1024 * 1024)} MiB; see --memory)`);
  if (o.mode === 'real' && o.entry >= 0x10_0000) throw new UsageError(`--entry ${hex(o.entry, 0)}h: a real-mode entry must be below 1 MiB (100000h)`);
  if (o.mode !== 'real' && o.entry >= 0x1_0000_0000) throw new UsageError(`--entry ${hex(o.entry, 0)}h: the entry must be below 4 GiB`);
  if (o.mode === 'long64' && o.load < tablesAt + 6 * 0x1000 && o.load + size > tablesAt) {
    throw new UsageError(`${what} overlaps the loader's page tables at ${hex(tablesAt, 0)}h-${hex(tablesAt + 6 * 0x1000 - 1, 0)}h (use more --memory or another --load)`);
  }
}

/** Buffers one stream's bytes; flushing one stream first flushes the other, so the order is kept. */
class Streams {
  private out: number[] = [];
  private err: string[] = [];
  private errLength = 0;
  /** The last console byte (-1: none yet), so the summary can start on a fresh line. */
  lastConsoleByte = -1;
  constructor(private readonly sink: RunSink) {}

  consoleByte(b: number): void {
    if (this.errLength > 0) this.flushErr();
    this.lastConsoleByte = b;
    this.out.push(b);
    if (b === 0x0A || this.out.length >= 4096) this.flushOut();
  }

  traceLine(line: string): void {
    if (this.out.length > 0) this.flushOut();
    this.err.push(line);
    this.errLength += line.length;
    if (this.errLength >= 1 << 16) this.flushErr();
  }

  flushOut(): void {
    if (this.out.length === 0) return;
    this.sink.stdout(Uint8Array.from(this.out));
    this.out = [];
  }

  flushErr(): void {
    if (this.err.length === 0) return;
    this.sink.stderr(this.err.join(''));
    this.err = [];
    this.errLength = 0;
  }

  flush(): void {
    this.flushErr();
    this.flushOut();
  }
}

/** The linear address of CS:RIP (in 64-bit mode CS.base is 0), for the trace. */
function linearRip(cpu: Cpu): string {
  if (cpu.bitness === 64) return hex(cpu.ripHi >>> 0, 8) + hex(cpu.ripLo >>> 0, 8);
  return hex((cpu.segBaseLo[CS]! + cpu.ripLo) >>> 0, 8);
}

export interface RunOutcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCommand(args: readonly string[], sink: RunSink = fdSink): RunOutcome {
  const o = parseRunArgs(args);
  const resolved = resolveProfile(o.profileName);
  if (resolved.kind === 'error') throw new UsageError(resolved.messages.join('\n'));
  const image = readImage(o.image);
  if (o.rom) {
    try {
      checkRomImage(image, MAX_ROM);
    } catch (e) {
      if (e instanceof RomImageError) throw new UsageError(`${o.image}: ${e.message}`);
      throw e;
    }
  }
  const streams = new Streams(sink);
  const machine = new Machine({
    profile: resolved.profile, memorySize: o.memoryBytes, seed: o.seed,
    ...(o.rom ? { rom: image } : {}),
    onConsoleByte: (b) => streams.consoleByte(b),
  });
  if (!o.rom) {
    checkFlatLoad(o, image.length, machine.memory.size, pagingBase(machine));
    loadFlat(machine, image, { load: o.load, entry: o.entry, mode: o.mode });
  }
  const cpu = machine.cpu;
  if (o.trace) {
    cpu.trace = (c: Cpu, d: Decoded) => streams.traceLine(`${linearRip(c)}  ${d.text(c.ripLo, c.ripHi)}\n`);
  }

  let end: RunEnd = 'instruction-budget';
  let instructions = 0;
  const start = performance.now();
  try {
    while (instructions < o.maxInstructions) {
      const r = machine.run(Math.min(SLICE, o.maxInstructions - instructions));
      instructions += r.instructions;
      streams.flush();
      end = r.end;
      if (end !== 'instruction-budget') break;
    }
  } finally {
    streams.flush();
  }
  const seconds = (performance.now() - start) / 1000;
  const mips = seconds > 0 ? instructions / seconds / 1e6 : 0;
  const lines = [
    ...(streams.lastConsoleByte >= 0 && streams.lastConsoleByte !== 0x0A ? [''] : []),
    `run ended: ${end}`,
    `  instructions   ${instructions}`,
    `  cycles         ${cpu.cycles}`,
    `  host seconds   ${seconds.toFixed(3)}`,
    `  guest MIPS     ${mips.toFixed(2)}`,
    `  seed           ${o.seed}`,
  ];
  const unimplemented = [...cpu.stats.unimplemented].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (unimplemented.length > 0) {
    lines.push(`  unimplemented  ${unimplemented.map(([m, n]) => `${m} x${n}`).join(', ')}`);
  }
  return { code: end === 'triple-fault' ? EXIT_FAILURE : EXIT_OK, stdout: '', stderr: lines.join('\n') + '\n' };
}
