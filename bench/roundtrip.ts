// `npm run bench -- roundtrip`: VM exit/entry round trips per second of host time (issue 4's target: at least
// 1,000,000). A 64-bit guest loops on CPUID, which exits unconditionally (SDM 26.1.2); the host's exit
// handler is x86 code the model executes, starting at HOST_RIP after each VM exit (SDM 28.5):
//   minimal      VMREAD GUEST_RIP and VM_EXIT_INSTRUCTION_LENGTH, add, VMWRITE GUEST_RIP, VMRESUME (the
//                guest goes on after its CPUID, SDM 28.2.5), 7 host instructions per round trip
//   minimal-vpid the same with "enable VPID" 1: VM entries and exits invalidate no TLB entries (SDM 29.4.3.3)
//   resume-only  VMRESUME alone: the guest re-executes the same CPUID, 1 host instruction per round trip
// Round trips are the VM exits the model counts (VmxState.stats.exits), not derived from instruction counts.
// Without a VPID every entry and exit invalidates the VPID-0000H mappings (SDM 29.4.3.3); the model then
// revalidates each translation whose paging structures are unchanged instead of walking them again
// (model/cpu/tlb-revalidate.ts, counted in CpuStats.tlbRevalidations, not as page-walk reads).
import { Assembler, ecx, edx, rax, rbx, rcx, rdx } from '../conformance/asm/index.js';
import { BASELINE_MEMORY, enterBaseline } from '../conformance/baseline.js';
import { machineIn } from '../conformance/harness/cpu.js';
import { PROC2_CTLS, PROC_CTLS, VMCS_FIELD } from '../model/generated/index.js';
import type { Machine } from '../model/machine/index.js';
import { type Vmcs, vmxOf } from '../model/vmx/index.js';

export interface RoundTripVariant {
  readonly id: string;
  readonly description: string;
  /** The host's exit handler at HOST_RIP. */
  readonly handler: (a: Assembler) => void;
  /** The guest at the baseline guest RIP. */
  readonly guest: (a: Assembler) => void;
  /** Changes to the canonical VMCS (conformance/baseline.ts) before VMLAUNCH. */
  readonly vmcs?: (v: Vmcs) => void;
}

const MINIMAL_GUEST = (a: Assembler): void => { a.label('l'); a.cpuid(); a.jmp('l'); };
const MINIMAL_HANDLER = (a: Assembler): void => {
  a.mov(edx, VMCS_FIELD.GUEST_RIP);
  a.mov(ecx, VMCS_FIELD.VM_EXIT_INSTRUCTION_LENGTH);
  a.vmread(rax, rdx);
  a.vmread(rbx, rcx);
  a.add(rax, rbx);
  a.vmwrite(rdx, rax);
  a.vmresume();
  a.hlt(); // reached only if VMRESUME fails as an instruction
};

export const ROUND_TRIP_VARIANTS: readonly RoundTripVariant[] = [
  {
    id: 'minimal',
    description: 'guest CPUID loop; handler VMREADs GUEST_RIP + exit instruction length, VMWRITEs GUEST_RIP, VMRESUMEs',
    guest: MINIMAL_GUEST, handler: MINIMAL_HANDLER,
  },
  {
    // With a VPID, VM entries and exits invalidate no linear mappings (SDM 29.4.3.3): no page walks per trip.
    id: 'minimal-vpid',
    description: 'the minimal handler with "enable VPID" = 1, VPID 1 (no TLB invalidation at entry/exit)',
    guest: MINIMAL_GUEST, handler: MINIMAL_HANDLER,
    vmcs: (v) => {
      v.set('PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS', v.get('PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS') | BigInt(PROC_CTLS.ACTIVATE_SECONDARY_CONTROLS >>> 0));
      v.set('SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS', v.get('SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS') | BigInt(PROC2_CTLS.ENABLE_VPID));
      v.set('VIRTUAL_PROCESSOR_IDENTIFIER', 1n);
    },
  },
  {
    id: 'resume-only',
    description: 'guest CPUID (re-executed each time); handler is VMRESUME alone',
    guest: (a) => { a.cpuid(); },
    handler: (a) => { a.vmresume(); a.hlt(); },
  },
];

/** A machine in VMX root operation with the canonical VMCS (conformance/baseline.ts), about to VMLAUNCH. */
export function roundTripMachine(v: RoundTripVariant): Machine {
  const host = new Assembler(64);
  host.vmlaunch();
  host.hlt();
  const m = machineIn('long64', { code: host.assemble(0x10_0000n).bytes });
  const s = enterBaseline(m);
  v.vmcs?.(s.current!);
  const g = new Assembler(64); v.guest(g);
  m.memory.load(BASELINE_MEMORY.guestRip, g.assemble(BigInt(BASELINE_MEMORY.guestRip)).bytes);
  const h = new Assembler(64); v.handler(h);
  m.memory.load(BASELINE_MEMORY.hostRip, h.assemble(BigInt(BASELINE_MEMORY.hostRip)).bytes);
  return m;
}

/**
 * Runs `instructions` and returns the VM exits taken, the host (wall-clock) seconds and the process's CPU
 * seconds (which other processes on a busy machine do not inflate); throws if the loop stopped.
 */
export function runRoundTrips(m: Machine, instructions: number): { exits: number; seconds: number; cpuSeconds: number } {
  const s = vmxOf(m.cpu);
  const before = s.stats.exits;
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const r = m.run(instructions);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  if (r.end !== 'instruction-budget') throw new Error(`the round-trip loop stopped early: ${r.end}`);
  return { exits: s.stats.exits - before, seconds, cpuSeconds: (c.user + c.system) / 1e6 };
}

export interface RoundTripResult {
  readonly id: string;
  readonly description: string;
  readonly instructionsPerRun: number;
  readonly runs: { seconds: number; roundTripsPerSecond: number; roundTripsPerCpuSecond: number }[];
  /** Per second of host (wall-clock) time: the measure. */
  readonly medianRoundTripsPerSecond: number;
  /** Per second of the process's CPU time. */
  readonly medianRoundTripsPerCpuSecond: number;
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Warms up, sizes runs to about `targetSeconds`, runs `repeats` times; the median is reported. */
export function benchRoundTrips(v: RoundTripVariant, targetSeconds: number, repeats: number): RoundTripResult {
  const m = roundTripMachine(v);
  runRoundTrips(m, 500_000);
  const probe = runRoundTrips(m, 1_000_000);
  const n = Math.max(100_000, Math.round((1_000_000 / probe.seconds) * targetSeconds));
  const runs: RoundTripResult['runs'] = [];
  for (let i = 0; i < repeats; i++) {
    const r = runRoundTrips(m, n);
    runs.push({ seconds: r.seconds, roundTripsPerSecond: r.exits / r.seconds, roundTripsPerCpuSecond: r.exits / r.cpuSeconds });
  }
  return {
    id: `roundtrip.${v.id}`, description: v.description, instructionsPerRun: n, runs,
    medianRoundTripsPerSecond: median(runs.map((r) => r.roundTripsPerSecond)),
    medianRoundTripsPerCpuSecond: median(runs.map((r) => r.roundTripsPerCpuSecond)),
  };
}

/** The id `npm run bench -- roundtrip` selects. */
export const ROUND_TRIP_WORKLOAD = 'roundtrip';
/** Issue 4: at least a million exit/entry round trips per second of host time. */
const TARGET_ROUND_TRIPS = 1_000_000;

/** Runs every variant, prints a table and the target line, and returns the results for bench.json. */
export function printRoundTrips(targetSeconds: number, repeats: number): RoundTripResult[] {
  const results: RoundTripResult[] = [];
  for (const v of ROUND_TRIP_VARIANTS) {
    process.stderr.write(`bench: roundtrip.${v.id}...\n`);
    results.push(benchRoundTrips(v, targetSeconds, repeats));
  }
  const k = (x: number): string => Math.round(x).toLocaleString('en-US');
  const header = ['workload', 'median round trips/s', 'runs (round trips/s)', 'per CPU second', 'what'];
  const rows = results.map((r) => [
    r.id, k(r.medianRoundTripsPerSecond), r.runs.map((x) => k(x.roundTripsPerSecond)).join(' '), k(r.medianRoundTripsPerCpuSecond), r.description,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  process.stdout.write([line(header), line(widths.map((x) => '-'.repeat(x))), ...rows.map(line)].join('\n') + '\n');
  const minimal = results.find((r) => r.id === 'roundtrip.minimal');
  if (minimal) {
    const met = minimal.medianRoundTripsPerSecond >= TARGET_ROUND_TRIPS;
    process.stdout.write(`round-trip target (minimal handler): ${k(TARGET_ROUND_TRIPS)}/s - ${met ? 'met' : 'missed'}\n`);
  }
  return results;
}
