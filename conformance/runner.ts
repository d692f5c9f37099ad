// The model backend: runs a case's steps on a fresh machine whose processor is in VMX root operation
// with the canonical VMCS current, and compares every outcome with the case's expectation.
import type { CaseOutcome, ConformanceCase, CpuProfile } from '../model/generated/index.js';
import { Machine } from '../model/machine/index.js';
import { loadFlat } from '../model/machine/loader.js';
import { VmxCapabilities, type VmxOutcome, vmptrld, vmread, vmwrite, vmxOf, vmxon } from '../model/vmx/index.js';
import { BASELINE_MEMORY, baselineFields } from './baseline.js';

export type CaseStatus = 'pass' | 'fail' | 'unsupported';

export interface StepDiff {
  readonly step: number;
  readonly what: string;
  readonly expected: string;
  readonly actual: string;
}

export interface CaseResult {
  readonly id: string;
  readonly title: string;
  readonly source: string;
  readonly sdm: readonly string[];
  readonly status: CaseStatus;
  /** Why the case is unsupported, or what broke when the case could not run. */
  readonly note?: string;
  readonly diffs: readonly StepDiff[];
  /** VMCS field encodings the case's steps named. */
  readonly encodings: readonly number[];
}

const capsCache = new WeakMap<CpuProfile, VmxCapabilities>();

function capsOf(profile: CpuProfile): VmxCapabilities {
  let c = capsCache.get(profile);
  if (!c) capsCache.set(profile, (c = new VmxCapabilities(profile)));
  return c;
}

function describe(o: VmxOutcome, value?: bigint): string {
  switch (o.kind) {
    case 'vmsucceed': return value === undefined ? 'VMsucceed' : `VMsucceed value 0x${value.toString(16).toUpperCase()}`;
    case 'vmfail-invalid': return 'VMfailInvalid';
    default: return `VMfailValid(${o.error})`;
  }
}

function expected(e: CaseOutcome): string {
  switch (e.kind) {
    case 'vmsucceed': return e.value === undefined ? 'VMsucceed' : `VMsucceed value 0x${BigInt(e.value).toString(16).toUpperCase()}`;
    case 'vmfail-invalid': return 'VMfailInvalid';
    default: return `VMfailValid(${e.error})`;
  }
}

/** A processor in VMX root operation, the canonical VMCS current (conformance/baseline.ts). */
function prepare(profile: CpuProfile): Machine {
  const m = new Machine({ profile, memorySize: 16 * 1024 * 1024 });
  loadFlat(m, Uint8Array.of(0xF4), { load: 0x10_0000, entry: 0x10_0000, mode: 'long64' });
  const cpu = m.cpu;
  cpu.cr0 |= 1 << 5; cpu.cr4 |= 1 << 13; // CR0.NE and CR4.VMXE, as VMXON requires (SDM 24.8)
  const caps = capsOf(profile);
  m.memory.write32(BASELINE_MEMORY.vmxonRegion, caps.revisionId);
  m.memory.write32(BASELINE_MEMORY.vmcsRegion, caps.revisionId);
  const on = vmxon(cpu, () => BigInt(BASELINE_MEMORY.vmxonRegion));
  const ld = vmptrld(cpu, () => BigInt(BASELINE_MEMORY.vmcsRegion));
  if (on.kind !== 'vmsucceed' || ld.kind !== 'vmsucceed') throw new Error(`the runner could not enter VMX operation (${on.kind}, ${ld.kind})`);
  const s = vmxOf(cpu);
  for (const [id, v] of baselineFields(caps)) if (caps.fields.some((f) => f.id === id)) s.current!.set(id, v);
  return m;
}

export function runCase(c: ConformanceCase, source: string, profile: CpuProfile): CaseResult {
  const caps = capsOf(profile);
  const base = { id: c.id, title: c.title, source, sdm: c.sdm, encodings: c.steps.map((s) => Number(BigInt(s.encoding))) };
  const missing = (c.requires ?? []).filter((r) => !caps.holds(r));
  if (missing.length > 0) {
    return { ...base, status: 'unsupported', diffs: [], note: `the profile lacks ${missing.map((r) => ('control' in r ? r.control : `${r.msr}.${r.field}`)).join(', ')}` };
  }
  const present = (c.excludes ?? []).filter((r) => caps.holds(r));
  if (present.length > 0) {
    return { ...base, status: 'unsupported', diffs: [], note: `the profile has ${present.map((r) => ('control' in r ? r.control : `${r.msr}.${r.field}`)).join(', ')}` };
  }
  const m = prepare(profile);
  const cpu = m.cpu;
  const vmcs = vmxOf(cpu).current!;
  for (const [id, v] of Object.entries(c.setup?.fields ?? {})) vmcs.set(id, BigInt(v));
  const diffs: StepDiff[] = [];
  c.steps.forEach((step, i) => {
    const mode64 = step.mode === '64-bit';
    const enc = BigInt(step.encoding);
    let outcome: VmxOutcome;
    let value: bigint | undefined;
    if (step.op === 'vmread') {
      const r = vmread(cpu, enc, mode64);
      outcome = r.outcome;
      value = r.outcome.kind === 'vmsucceed' ? r.value : undefined;
    } else {
      outcome = vmwrite(cpu, enc, () => BigInt(step.value ?? '0x0'), mode64);
    }
    const e = step.expect;
    const same = e.kind === outcome.kind &&
      (e.kind !== 'vmfail-valid' || (outcome.kind === 'vmfail-valid' && e.error === outcome.error)) &&
      (e.kind !== 'vmsucceed' || e.value === undefined || BigInt(e.value) === value);
    if (!same) {
      diffs.push({ step: i + 1, what: `${step.op} ${step.encoding} (${step.mode})`, expected: expected(e), actual: describe(outcome, step.op === 'vmread' ? value : undefined) });
    }
  });
  return { ...base, status: diffs.length === 0 ? 'pass' : 'fail', diffs };
}
