// The `apic` part of a conformance case: logical processors and their programs, processor 0's local APIC
// before the steps, and what the APICs must show after them (the routing path of every request, the timer's
// expiry cycle, IRR and ISR). The runner calls in at three points: machine options, setup, check.
import type { ConformanceCase } from '../model/generated/index.js';
import { APIC_REG, type ApicRegisterId } from '../model/generated/index.js';
import type { Machine } from '../model/machine/index.js';
import type { Cpu } from '../model/cpu/cpu.js';
import { Activity } from '../model/cpu/cpu.js';
import type { InterruptTraceEntry } from '../model/apic/index.js';
import type { StepDiff } from './runner.js';

type ApicPart = NonNullable<ConformanceCase['apic']>;

/** Where the program of processor i (1-3) is placed, and its stack. */
export const APIC_PROGRAM_BASE = 0x50_0000;
export function programAddress(processor: number): number {
  return APIC_PROGRAM_BASE + (processor - 1) * 0x1000;
}

export interface ApicRun {
  readonly trace: InterruptTraceEntry[];
  /** Processor 0's clock when its timer registers were written. */
  readonly armedAt: number;
}

/** Machine options the case asks for. */
export function apicMachineOptions(c: ConformanceCase): { processors?: number; quantum?: number } {
  return { ...(c.apic?.processors !== undefined ? { processors: c.apic.processors } : {}), ...(c.apic?.quantum !== undefined ? { quantum: c.apic.quantum } : {}) };
}

/** Processor `to` starts where `from` is: same mode, paging, descriptor tables and segments (host state). */
export function startLike(from: Cpu, to: Cpu, rip: number, rsp: number): void {
  to.cr0 = from.cr0; to.cr3Lo = from.cr3Lo; to.cr3Hi = from.cr3Hi; to.cr4 = from.cr4; to.efer = from.efer;
  for (let s = 0; s < 8; s++) to.loadSegmentRaw(s, from.segSel[s]!, from.segBaseLo[s]!, from.segBaseHi[s]!, from.segLimit[s]!, from.segAttr[s]!);
  to.gdtrBaseLo = from.gdtrBaseLo; to.gdtrBaseHi = from.gdtrBaseHi; to.gdtrLimit = from.gdtrLimit;
  to.idtrBaseLo = from.idtrBaseLo; to.idtrBaseHi = from.idtrBaseHi; to.idtrLimit = from.idtrLimit;
  to.flagsValue = 0x2;
  to.ripLo = to.nextLo = rip; to.ripHi = to.nextHi = 0;
  to.lo[4] = rsp; to.hi[4] = 0;
  to.activity = Activity.Active;
  to.updateMode();
  to.eventCheck = true;
}

/** Applies the case's APIC setup after the VMCS setup; returns what the check needs. Throws on a bad register name. */
export function setupApic(m: Machine, c: ConformanceCase): ApicRun | undefined {
  const a: ApicPart | undefined = c.apic;
  if (a === undefined) return undefined;
  const cpu = m.cpu;
  const apic = cpu.apic!;
  if (a.x2apic === true && !cpu.msr.write(0x1B, apic.base | (1n << 10n))) throw new Error(`case ${c.id}: apic.x2apic: IA32_APIC_BASE refused EXTD`);
  for (const r of a.registers ?? []) {
    if (!(r.register in APIC_REG)) throw new Error(`case ${c.id}: apic.registers: no APIC register ${r.register}`);
    apic.writeRegister(APIC_REG[r.register as ApicRegisterId], Number(BigInt(r.value) & 0xFFFF_FFFFn));
  }
  const armedAt = cpu.cycles;
  if (a.tscDeadline !== undefined) {
    const tsc = cpu.msr.read(0x10)!;
    cpu.msr.write(0x6E0, tsc + BigInt(a.tscDeadline));
  }
  for (const v of a.requests ?? []) apic.accept(v);
  for (const p of a.programs ?? []) {
    const target = m.cpus[p.processor];
    if (target === undefined) throw new Error(`case ${c.id}: apic.programs: no processor ${p.processor} (apic.processors is ${m.cpus.length})`);
    const at = programAddress(p.processor);
    m.memory.load(at, Uint8Array.from(Buffer.from(p.code, 'hex')));
    startLike(cpu, target, at, at + 0xFF0);
  }
  return { trace: m.apicBus.startTrace(), armedAt };
}

function vectorsOf(words: Uint32Array): number[] {
  const out: number[] = [];
  for (let v = 0; v < 256; v++) if (((words[v >>> 5]! >>> (v & 31)) & 1) !== 0) out.push(v);
  return out;
}

function show(list: readonly { processor?: number; vector: number; path: string }[]): string {
  return list.length === 0 ? '(none)' : list.map((e) => `${e.processor ?? 0}:${e.vector.toString(16).toUpperCase()}H ${e.path}`).join(', ');
}

/** Compares the APIC expectations after the steps. */
export function checkApic(m: Machine, c: ConformanceCase, run: ApicRun | undefined, step: number, diffs: StepDiff[]): void {
  const e = c.apic?.expect;
  if (e === undefined || run === undefined) return;
  const apic = m.cpu.apic!;
  if (e.paths !== undefined) {
    const actual = run.trace.filter((t) => t.path !== 'accepted').map((t) => ({ processor: t.processor, vector: t.vector, path: t.path }));
    const want = e.paths.map((p) => ({ processor: p.processor ?? 0, vector: p.vector, path: p.path }));
    const same = actual.length === want.length && actual.every((x, i) => x.processor === want[i]!.processor && x.vector === want[i]!.vector && x.path === want[i]!.path);
    if (!same) diffs.push({ step, what: 'interrupt paths', expected: show(want), actual: show(actual) });
  }
  // The first expiry after the setup armed the timer (a periodic timer goes on expiring).
  if (e.timerExpiryAfter !== undefined) {
    const first = apic.timer.firstExpiry;
    const actual = first < 0 ? 'no expiry' : `${first - run.armedAt} cycles after arming`;
    if (first < 0 || first - run.armedAt !== e.timerExpiryAfter) diffs.push({ step, what: 'APIC timer expiry', expected: `${e.timerExpiryAfter} cycles after arming`, actual });
  }
  for (const [what, words, want] of [['IRR', apic.irr, e.irr], ['ISR', apic.isr, e.isr]] as const) {
    if (want === undefined) continue;
    const got = vectorsOf(words);
    const sorted = [...want].sort((x, y) => x - y);
    if (got.join(',') !== sorted.join(',')) diffs.push({ step, what: `processor 0 ${what}`, expected: sorted.map((v) => v.toString(16).toUpperCase() + 'H').join(' ') || '(empty)', actual: got.map((v) => v.toString(16).toUpperCase() + 'H').join(' ') || '(empty)' });
  }
}
