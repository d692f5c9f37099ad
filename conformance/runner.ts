// The model backend: runs a case's steps on a fresh machine whose processor is in VMX root operation
// with the canonical VMCS current, and compares every outcome with the case's expectation.
import type { CaseOutcome, ConformanceCase, ControlGroupId, CpuProfile, EntryOutcome, EntryStep, HostStep, Stimulus } from '../model/generated/index.js';
import { Machine } from '../model/machine/index.js';
import { loadFlat } from '../model/machine/loader.js';
import { readFlags } from '../model/cpu/flags.js';
import { VmxCapabilities, type VmxOutcome, vmread, vmwrite, vmxOf } from '../model/vmx/index.js';
import { raiseMachineCheck, raiseMachineCheckDuringVmEntry, raiseMachineCheckDuringVmExit } from '../model/vmx/machine-check.js';
import { raiseExternalInterrupt, raiseInit, raiseNmi, raiseSipi, raiseSmi, trapIoPort } from '../model/vmx/signals.js';
import { inVmxAbortShutdown, vmxAbortIndicator } from '../model/vmx/abort.js';
import { caseProfile } from './case-profile.js';
import { BASELINE_MEMORY, enterBaseline } from './baseline.js';
import { buildEpt, memoryDiffs } from './harness/ept.js';
import { apicMachineOptions, checkApic, setupApic } from './apic-setup.js';
import { enterLegacyHost } from './legacy-host.js';
import { setUpSmm } from './harness/smm.js';

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
  /** For a case with an `apic` part: the path every interrupt request took ("processor:vector path"). */
  readonly interruptPaths?: readonly string[];
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

/**
 * A processor in VMX root operation, the canonical VMCS current (conformance/baseline.ts), in 64-bit mode or
 * (setup.hostMode "32-bit") in 32-bit protected mode (legacy-host.ts); the machine has the processors the
 * case's apic part asks for (apic-setup.ts).
 */
function prepare(profile: CpuProfile, c: ConformanceCase): Machine {
  const m = new Machine({ profile, memorySize: 16 * 1024 * 1024, ...apicMachineOptions(c) });
  if (c.setup?.hostMode === '32-bit') enterLegacyHost(m, Uint8Array.of(0xF4), HOST_CODE);
  else {
    loadFlat(m, Uint8Array.of(0xF4), { load: HOST_CODE, entry: HOST_CODE, mode: 'long64' });
    enterBaseline(m);
  }
  m.memory.write8(BASELINE_MEMORY.guestRip, HLT);
  return m;
}

const HOST_CODE = 0x10_0000;
const VMLAUNCH = [0x0F, 0x01, 0xC2], VMRESUME = [0x0F, 0x01, 0xC3], HLT = 0xF4;
const ENTRY_BUDGET = 100_000;

function hex(v: bigint): string {
  return '0x' + v.toString(16).toUpperCase();
}

/** The entry outcome as text, for diffs. */
function entryExpected(e: EntryOutcome): string {
  switch (e.kind) {
    case 'vm-exit': return `VM exit reason ${e.exitReason}`;
    case 'entry-failure': return `VM-entry failure reason ${e.exitReason}${e.qualification === undefined ? '' : ` qualification ${e.qualification}`}`;
    case 'vmx-abort': return `VMX abort, indicator ${e.indicator}`;
    default: return expected(e);
  }
}

/** A stimulus reaches the processor (model/vmx/signals.ts), as its interrupt controller or platform would send it. */
function raise(m: Machine, st: Stimulus): void {
  switch (st.event) {
    case 'external-interrupt': raiseExternalInterrupt(m.cpu, st.vector ?? 0); break;
    case 'nmi': raiseNmi(m.cpu); break;
    case 'init': raiseInit(m.cpu); break;
    case 'sipi': raiseSipi(m.cpu, st.vector ?? 0); break;
    case 'machine-check': raiseMachineCheck(m.cpu); break;
    case 'smi': if (st.ioPort !== undefined) trapIoPort(m.cpu, st.ioPort); else raiseSmi(m.cpu); break;
  }
}

/**
 * Runs the entry instruction and its guest, raising each stimulus after its number of guest instructions
 * (the VMLAUNCH/VMRESUME itself retires first), then the rest of the budget.
 */
function runWithStimuli(m: Machine, stimuli: readonly Stimulus[]): void {
  let used = 0;
  // A machine-check event inside the VM entry or the VM exit is armed before the VMLAUNCH/VMRESUME runs (SDM 27.9, 28.8).
  for (const st of stimuli) {
    switch (st.during) {
      case 'vm-entry-before-guest-state': raiseMachineCheckDuringVmEntry(m.cpu, 'before-guest-state'); break;
      case 'vm-entry-after-guest-state': raiseMachineCheckDuringVmEntry(m.cpu, 'after-guest-state'); break;
      case 'vm-exit-before-host-state': raiseMachineCheckDuringVmExit(m.cpu, 'before-host-state'); break;
      case 'vm-exit-after-host-state': raiseMachineCheckDuringVmExit(m.cpu, 'after-host-state'); break;
    }
  }
  if (stimuli.length > 0) used += m.run(1).instructions;
  for (const st of [...stimuli].filter((x) => x.during === undefined).sort((a, b) => (a.afterInstructions ?? 0) - (b.afterInstructions ?? 0))) {
    const at = 1 + (st.afterInstructions ?? 0);
    if (at > used) used += m.run(at - used).instructions;
    raise(m, st);
  }
  m.run(ENTRY_BUDGET - used);
}

/** Compares an expected field with the bits the SDM defines (`ignore` masks those it leaves undefined). */
function fieldMatches(got: bigint, want: string, ignore: string | undefined): boolean {
  const mask = ~BigInt(ignore ?? '0x0');
  return (got & mask) === (BigInt(want) & mask);
}

/**
 * VMLAUNCH/VMRESUME executed by the host (HOST_CODE: the instruction, then HLT); the guest runs until a
 * VM exit brings the processor to the host RIP (where a HLT waits) or the budget runs out.
 */
function runEntry(m: Machine, entry: EntryStep, step: number, diffs: StepDiff[]): void {
  const cpu = m.cpu;
  const launch = entry.op === 'vmlaunch', e = entry.expect;
  m.memory.load(HOST_CODE, Uint8Array.from([...(launch ? VMLAUNCH : VMRESUME), HLT]));
  cpu.ripLo = HOST_CODE; cpu.ripHi = 0;
  cpu.activity = 0;
  cpu.eventCheck = true;
  runWithStimuli(m, entry.stimulus ?? []);
  const s = vmxOf(cpu);
  const vmcs = s.current;
  const what = launch ? 'vmlaunch' : 'vmresume';
  let actual: string;
  let matches = false;
  const abort = vmcs ? vmxAbortIndicator(cpu, vmcs) : 0;
  if (abort !== 0) {
    const shutdown = inVmxAbortShutdown(cpu);
    actual = `VMX abort, indicator ${abort}${shutdown ? '' : ' (but the processor is not in the VMX-abort shutdown state)'}`;
    matches = e.kind === 'vmx-abort' && e.indicator === abort && shutdown;
  } else if (s.nonRoot) {
    actual = `no VM exit within ${ENTRY_BUDGET} guest instructions`;
  } else if (cpu.ripLo === BASELINE_MEMORY.hostRip + 1 && vmcs) {
    const reason = vmcs.get('EXIT_REASON');
    const basic = Number(reason & 0xFFFFn);
    if ((reason >> 31n) & 1n) {
      const qual = vmcs.get('EXIT_QUALIFICATION');
      actual = `VM-entry failure reason ${basic} qualification ${hex(qual)}`;
      matches = e.kind === 'entry-failure' && e.exitReason === basic && (e.qualification === undefined || BigInt(e.qualification) === qual);
    } else {
      actual = `VM exit reason ${basic}`;
      matches = e.kind === 'vm-exit' && e.exitReason === basic;
      if (matches && e.kind === 'vm-exit') {
        for (const [id, want] of Object.entries(e.fields ?? {})) {
          const got = vmcs.get(id), ignore = e.ignoreBits?.[id];
          if (!fieldMatches(got, want, ignore)) {
            diffs.push({ step, what: `${what}: ${id}${ignore ? ` (bits ${ignore} ignored)` : ''}`, expected: want, actual: hex(got) });
          }
        }
        diffs.push(...memoryDiffs(m, e.memory ?? [], step, what));
      }
    }
  } else if (cpu.ripLo === HOST_CODE + 4) {
    const flags = cpu.flagsOp === 0 ? cpu.flagsValue : undefined;
    const cf = flags !== undefined && (flags & 1) !== 0, zf = flags !== undefined && (flags & 0x40) !== 0;
    const o: VmxOutcome = cf ? { kind: 'vmfail-invalid' } : zf ? { kind: 'vmfail-valid', error: Number(vmcs?.get('VM_INSTRUCTION_ERROR') ?? 0n) } : { kind: 'vmsucceed' };
    actual = describe(o);
    matches = e.kind === o.kind && (e.kind !== 'vmfail-valid' || (o.kind === 'vmfail-valid' && o.error === e.error));
  } else {
    actual = `the host stopped at RIP ${hex(BigInt(cpu.ripLo >>> 0))}`;
  }
  if (!matches) diffs.push({ step, what, expected: entryExpected(e), actual });
}

const HOST_BUDGET = 10_000;

/**
 * A host program (HOST_CODE, ending in HLT) run in VMX root operation; the outcome of its last VMX
 * instruction is read from RFLAGS and the VM-instruction error field (SDM 31.2): CF = 1 VMfailInvalid,
 * ZF = 1 VMfailValid, both clear VMsucceed.
 */
function runHost(m: Machine, step: HostStep, index: number, diffs: StepDiff[]): void {
  const cpu = m.cpu;
  const code = Uint8Array.from(Buffer.from(step.code, 'hex'));
  m.memory.load(HOST_CODE, code);
  cpu.ripLo = HOST_CODE; cpu.ripHi = 0;
  cpu.activity = 0;
  cpu.eventCheck = true;
  m.run(HOST_BUDGET);
  const s = vmxOf(cpu);
  let actual: string;
  let matches = false;
  if (!s.nonRoot && cpu.ripHi === 0 && cpu.ripLo === HOST_CODE + code.length) {
    const flags = readFlags(cpu);
    const o: VmxOutcome = flags & 1 ? { kind: 'vmfail-invalid' }
      : flags & 0x40 ? { kind: 'vmfail-valid', error: Number(s.current?.get('VM_INSTRUCTION_ERROR') ?? 0n) }
        : { kind: 'vmsucceed' };
    actual = describe(o);
    const e = step.expect;
    matches = e.kind === o.kind && (e.kind !== 'vmfail-valid' || (o.kind === 'vmfail-valid' && o.error === e.error));
  } else {
    actual = s.nonRoot ? 'the host program entered the guest' : `the host stopped at RIP ${hex(BigInt(cpu.ripLo >>> 0))}`;
  }
  if (!matches) diffs.push({ step: index, what: `host program (${step.disassembly.join('; ')})`, expected: expected(step.expect), actual });
}

/**
 * A fresh machine for a case on the processor `caps` describes: VMX root operation with the canonical VMCS
 * current, then the case's setup (fields, bits, controls, EPT, memory) and its guest program.
 */
export function setUpCase(c: ConformanceCase, caps: VmxCapabilities): Machine {
  const m = prepare(caps.profile, c);
  if (c.setup?.smm) setUpSmm(m, c.setup.smm); // the dual-monitor treatment (harness/smm.ts)
  const vmcs = vmxOf(m.cpu).current!;
  for (const [id, v] of Object.entries(c.setup?.fields ?? {})) vmcs.set(id, BigInt(v));
  for (const [id, b] of Object.entries(c.setup?.bits ?? {})) {
    vmcs.set(id, (vmcs.get(id) | BigInt(b.set ?? '0x0')) & ~BigInt(b.clear ?? '0x0'));
  }
  for (const [refs, on] of [[c.setup?.controls?.set ?? [], true], [c.setup?.controls?.clear ?? [], false]] as const) {
    for (const ref of refs) {
      const [groupId, bitId] = ref.split('.');
      const group = caps.group(groupId as ControlGroupId);
      const bit = group.bits.find((b) => b.id === bitId);
      if (!bit) throw new Error(`case ${c.id}: no control ${ref}`);
      const mask = 1n << BigInt(bit.bit);
      vmcs.set(group.vmcsField, on ? vmcs.get(group.vmcsField) | mask : vmcs.get(group.vmcsField) & ~mask);
    }
  }
  if (c.setup?.ept) {
    const eptp = buildEpt(m.memory, c.setup.ept);
    if (c.setup.fields?.EPT_POINTER === undefined) vmcs.set('EPT_POINTER', eptp);
  }
  for (const w of c.setup?.memory ?? []) {
    const at = Number(BigInt(w.address));
    if ('bytes' in w) m.memory.load(at, Uint8Array.from(Buffer.from(w.bytes, 'hex')));
    else m.memory.write32(at, (caps.revisionId | (w.revisionId === 'shadow' ? 0x8000_0000 : 0)) >>> 0);
  }
  if (c.guest) m.memory.load(BASELINE_MEMORY.guestRip, Uint8Array.from(Buffer.from(c.guest.code, 'hex')));
  return m;
}

export function runCase(c: ConformanceCase, source: string, underTest: CpuProfile): CaseResult {
  const base = {
    id: c.id, title: c.title, source, sdm: c.sdm,
    encodings: c.steps.flatMap((s) => ('encoding' in s ? [Number(BigInt(s.encoding))] : [])),
  };
  const chosen = caseProfile(c, underTest);
  if ('error' in chosen) return { ...base, status: 'fail', note: chosen.error, diffs: [{ step: 0, what: 'profile', expected: 'a valid processor', actual: chosen.error }] };
  const profile = chosen.profile;
  const caps = capsOf(profile);
  const missing = (c.requires ?? []).filter((r) => !caps.holds(r));
  if (missing.length > 0) {
    return { ...base, status: 'unsupported', diffs: [], note: `the profile lacks ${missing.map((r) => ('control' in r ? r.control : `${r.msr}.${r.field}`)).join(', ')}` };
  }
  const present = (c.excludes ?? []).filter((r) => caps.holds(r));
  if (present.length > 0) {
    return { ...base, status: 'unsupported', diffs: [], note: `the profile has ${present.map((r) => ('control' in r ? r.control : `${r.msr}.${r.field}`)).join(', ')}` };
  }
  let m: Machine;
  try {
    m = setUpCase(c, caps);
  } catch (e) { // a setup the processor cannot reach (e.g. setup.smm without the dual-monitor treatment)
    const why = e instanceof Error ? e.message : String(e);
    return { ...base, status: 'fail', note: why, diffs: [{ step: 0, what: 'setup', expected: 'the state the setup describes', actual: why }] };
  }
  const cpu = m.cpu;
  const apicRun = setupApic(m, c); // the case's local APICs and processors (apic-setup.ts)
  const diffs: StepDiff[] = [];
  c.steps.forEach((step, i) => {
    if (step.op === 'host') {
      runHost(m, step, i + 1, diffs);
      return;
    }
    if (!('encoding' in step)) {
      for (const w of step.memory ?? []) m.memory.load(Number(BigInt(w.address)), Uint8Array.from(Buffer.from(w.bytes, 'hex')));
      runEntry(m, step, i + 1, diffs);
      return;
    }
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
  checkApic(m, c, apicRun, c.steps.length, diffs);
  const interruptPaths = apicRun?.trace.filter((t) => t.path !== 'accepted').map((t) => `${t.processor}:${t.vector.toString(16).toUpperCase()}H ${t.path}`);
  return { ...base, status: diffs.length === 0 ? 'pass' : 'fail', diffs, ...(interruptPaths ? { interruptPaths } : {}) };
}
