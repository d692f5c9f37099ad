// `npm run bench`: guest instructions per second of the model on three workloads, each run in 64-bit
// mode (paging on, the loader's identity map) for about 1.5 s, three times; the median is reported.
//   integer   a tight register-only loop (ADD, XOR, INC, SUB, DEC, JNZ): the decode cache and exec closures
//   memory    sum-and-write over an 8 MiB array mapped with 4 KiB pages: a sequential pass, then passes
//             touching one qword per page (4 KiB stride), which miss the 1024-entry TLB and walk
//   cpuid     CPUID and RDTSC in a loop: the platform instructions' cost
//   ipi-exit, ipi-posted   interrupts from processor 1 to processor 0's guest (bench/apic.ts)
//   roundtrip  VM exit/entry round trips per second: a guest CPUID loop and an x86 exit handler (bench/roundtrip.ts)
// Prints a table and writes reports/out/bench.json. `npm run bench -- integer cpuid` runs only those.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Assembler, eax, ebx, ecx, qword, rax, rbx, rcx, rdx, rsi } from '../conformance/asm/index.js';
import { Machine, loadFlat, pagingBase } from '../model/machine/index.js';
import { builtinProfile, DEFAULT_PROFILE } from '../model/profile/index.js';
import { printRoundTrips, ROUND_TRIP_WORKLOAD, type RoundTripResult } from './roundtrip.js';
import { EPT_WORKLOADS } from './ept.js';
import { APIC_WORKLOADS, type ApicBenchResult, QUANTUM, benchApic } from './apic.js';

const CODE = 0x10_0000;
const ARRAY = 0x100_0000; // 16 MiB
const ARRAY_BYTES = 8 * 1024 * 1024;
const PAGE_TABLES = 0x80_0000; // 8 MiB: the page tables that map the array with 4 KiB pages
const TARGET_SECONDS = 1.5;
const REPEATS = 3;

interface Workload {
  readonly id: string;
  readonly description: string;
  readonly program: () => Uint8Array;
  /** Changes to memory after the loader ran (page tables). */
  readonly setup?: (m: Machine) => void;
}

function integerLoop(): Uint8Array {
  const a = new Assembler(64);
  a.label('top'); a.mov(ecx, 1_000_000);
  a.label('l'); a.add(rax, rcx); a.xor(rdx, rax); a.inc(rbx); a.sub(rsi, rdx); a.dec(ecx); a.jnz('l');
  a.jmp('top');
  return a.assemble(BigInt(CODE)).bytes;
}

function memoryLoop(): Uint8Array {
  const a = new Assembler(64);
  a.label('top');
  // Sequential: every qword read, summed and written back.
  a.mov(rsi, ARRAY); a.mov(ecx, ARRAY_BYTES / 8);
  a.label('seq'); a.add(rax, qword(rsi)); a.mov(qword(rsi), rax); a.add(rsi, 8); a.dec(ecx); a.jnz('seq');
  // 4 KiB stride: one read and one write per page, 32 passes over the 2048 pages.
  a.mov(ebx, 32);
  a.label('pass'); a.mov(rsi, ARRAY); a.mov(ecx, ARRAY_BYTES / 4096);
  a.label('stride'); a.add(rax, qword(rsi, 0x10)); a.mov(qword(rsi, 0x18), rax); a.add(rsi, 4096); a.dec(ecx); a.jnz('stride');
  a.dec(ebx); a.jnz('pass');
  a.jmp('top');
  return a.assemble(BigInt(CODE)).bytes;
}

function cpuidLoop(): Uint8Array {
  const a = new Assembler(64);
  a.label('l'); a.mov(eax, 1); a.cpuid(); a.rdtsc(); a.jmp('l');
  return a.assemble(BigInt(CODE)).bytes;
}

/** Maps the array with 4 KiB pages: its PDEs in the loader's first page directory point to new page tables. */
function mapArrayWith4KPages(m: Machine): void {
  const pd = pagingBase(m) + 0x2000; // the loader's PML4, PDPT, then the page directory for 0-1 GiB
  for (let t = 0; t < ARRAY_BYTES / 0x20_0000; t++) {
    const pt = PAGE_TABLES + t * 0x1000;
    for (let e = 0; e < 512; e++) m.memory.write64(pt + e * 8, BigInt(ARRAY + t * 0x20_0000 + e * 0x1000) | 0x3n);
    m.memory.write64(pd + ((ARRAY >>> 21) + t) * 8, BigInt(pt) | 0x3n);
  }
}

const WORKLOADS: readonly Workload[] = [
  { id: 'integer', description: 'register ALU loop, 64-bit mode', program: integerLoop },
  { id: 'memory', description: '8 MiB array, 4 KiB pages: sequential + 4 KiB-stride sum/write', program: memoryLoop, setup: mapArrayWith4KPages },
  { id: 'cpuid', description: 'CPUID + RDTSC loop, 64-bit mode', program: cpuidLoop },
  ...EPT_WORKLOADS,
];

interface Result {
  readonly id: string;
  readonly description: string;
  readonly instructionsPerRun: number;
  readonly runs: { seconds: number; mips: number }[];
  readonly medianMips: number;
  readonly tlbMissesPerMillion: number;
  /** Paging-structure reads (guest and EPT) per TLB miss: each miss is one uncached walk. */
  readonly walkReadsPerWalk: number;
}

function machineFor(w: Workload): Machine {
  const profile = builtinProfile(DEFAULT_PROFILE)!;
  const m = new Machine({ profile, memorySize: 64 * 1024 * 1024 });
  loadFlat(m, w.program(), { load: CODE, entry: CODE, mode: 'long64' });
  w.setup?.(m);
  return m;
}

function timed(m: Machine, n: number): { seconds: number; instructions: number } {
  const t0 = process.hrtime.bigint();
  const r = m.run(n);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.end !== 'instruction-budget') throw new Error(`the benchmark program stopped early: ${r.end}`);
  return { seconds, instructions: r.instructions };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function bench(w: Workload): Result {
  const m = machineFor(w);
  // Warm up (JIT, decode cache), then size the runs to about TARGET_SECONDS each.
  timed(m, 2_000_000);
  const probe = timed(m, 5_000_000);
  const n = Math.max(1_000_000, Math.round((probe.instructions / probe.seconds) * TARGET_SECONDS));
  const runs: { seconds: number; mips: number }[] = [];
  const missesBefore = m.cpu.stats.tlbMisses, instrBefore = m.cpu.stats.instructions, readsBefore = m.cpu.stats.pageWalkReads;
  for (let i = 0; i < REPEATS; i++) {
    const r = timed(m, n);
    runs.push({ seconds: r.seconds, mips: r.instructions / r.seconds / 1e6 });
  }
  const tlbMissesPerMillion = ((m.cpu.stats.tlbMisses - missesBefore) / (m.cpu.stats.instructions - instrBefore)) * 1e6;
  const walkReadsPerWalk = (m.cpu.stats.pageWalkReads - readsBefore) / Math.max(1, m.cpu.stats.tlbMisses - missesBefore);
  return { id: w.id, description: w.description, instructionsPerRun: n, runs, medianMips: median(runs.map((r) => r.mips)), tlbMissesPerMillion, walkReadsPerWalk };
}

function main(): void {
  const only = process.argv.slice(2);
  const chosen = only.length > 0 ? WORKLOADS.filter((w) => only.includes(w.id)) : WORKLOADS;
  const roundTrips = only.length === 0 || only.includes(ROUND_TRIP_WORKLOAD);
  const apicChosen = APIC_WORKLOADS.filter((w) => only.length === 0 || only.includes(w.id));
  if (chosen.length === 0 && !roundTrips && apicChosen.length === 0) {
    process.stderr.write(`bench: unknown workload(s) ${only.join(', ')}; choose from ${[...WORKLOADS.map((w) => w.id), ROUND_TRIP_WORKLOAD, ...APIC_WORKLOADS.map((w) => w.id)].join(', ')}\n`);
    process.exitCode = 2;
    return;
  }
  const results: Result[] = [];
  for (const w of chosen) {
    process.stderr.write(`bench: ${w.id}...\n`);
    results.push(bench(w));
  }
  const roundTripResults: RoundTripResult[] = roundTrips ? printRoundTrips(TARGET_SECONDS, REPEATS) : [];
  const interrupts: ApicBenchResult[] = [];
  for (const w of apicChosen) {
    process.stderr.write(`bench: ${w.id}...\n`);
    interrupts.push(benchApic(w.id));
  }
  const header = ['workload', 'median MIPS', 'runs (MIPS)', 'instr/run', 'TLB misses/M instr', 'reads/walk', 'what'];
  const rows = results.map((r) => [
    r.id, r.medianMips.toFixed(1), r.runs.map((x) => x.mips.toFixed(1)).join(' '), String(r.instructionsPerRun),
    r.tlbMissesPerMillion.toFixed(0), r.walkReadsPerWalk.toFixed(2), r.description,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  if (results.length > 0) process.stdout.write([line(header), line(widths.map((x) => '-'.repeat(x))), ...rows.map(line)].join('\n') + '\n');
  for (const r of interrupts) {
    process.stdout.write(`${r.id}: ${r.deliveriesPerSecond.toFixed(0)} deliveries/s of host time, ${r.cyclesPerDelivery.toFixed(1)} modelled cycles/delivery (${r.delivered} in ${r.seconds.toFixed(2)} s, quantum ${QUANTUM}) - ${r.description}\n`);
  }
  const integer = results.find((r) => r.id === 'integer');
  if (integer) process.stdout.write(`integer loop target: 30 MIPS - ${integer.medianMips >= 30 ? 'met' : 'missed'}\n`);
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const out = join(root, 'reports', 'out', 'bench.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify({
    date: new Date().toISOString(), node: process.version, host: cpus()[0]?.model ?? 'unknown', cores: cpus().length,
    profile: DEFAULT_PROFILE, repeats: REPEATS, targetSecondsPerRun: TARGET_SECONDS, results, roundTrips: roundTripResults, interrupts,
  }, null, 2) + '\n');
  process.stdout.write(`wrote ${out}\n`);
}

main();
