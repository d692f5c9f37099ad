// The VM-entry and VM-exit controls that load, save or clear processor state (SDM 27.3.2.1, 28.3.1, 28.5.1),
// each on (the value moves) and off (it does not), with the value made visible where the SDM puts it:
//   - a guest-state field loaded at entry: the guest reads the MSR with RDMSR (MSR bitmaps all 0, so no
//     exit) and stores it at SCRATCH, which the case checks after the guest's VMCALL exit;
//   - a value saved at exit: the guest writes the MSR with WRMSR, and the case checks the guest-state field;
//   - a value the exit loads or clears: a host program reads the MSR with RDMSR and VMWRITEs it into
//     CR3-target value 0 (an otherwise unused field, CR3-target count 0), which a VMREAD step checks.
// Each case runs on the built-in profile that offers its control (sapphire-rapids-server for IA32_RTIT_CTL,
// skylake-server for the rest), or, for controls no built-in profile offers (CET state, PKRS, guest
// IA32_LBR_CTL), on a clearly labelled variant of skylake-server that allows the control's 1-setting (case
// `profile`, tag `profile-variant`). Expected values follow from the SDM's rules alone.
import { type Assembler, Assembler as Asm, dr7, eax, ecx, edx, qword, rax, rdx } from '../asm/index.js';
import { type ConformanceCase, type ControlRef, VMCS_FIELD } from '../../model/generated/index.js';
import {
  IA32_BNDCFGS, IA32_FRED_CONFIG, IA32_FRED_RSP1, IA32_FRED_RSP2, IA32_FRED_RSP3, IA32_FRED_SSP1, IA32_FRED_SSP2, IA32_FRED_SSP3,
  IA32_FRED_STKLVLS, IA32_INTERRUPT_SSP_TABLE_ADDR, IA32_UINTR_MISC, IA32_LBR_CTL, IA32_PERF_GLOBAL_CTRL, IA32_PKRS, IA32_RTIT_CTL, IA32_S_CET,
} from '../../model/vmx/state-controls.js';
import { IA32_SPEC_CTRL } from '../../model/vmx/spec-ctrl.js';
import { BASELINE_MEMORY } from '../baseline.js';
import { host } from './vm-instruction-errors.js';

type Step = ConformanceCase['steps'][number];
type Setup = NonNullable<ConformanceCase['setup']>;

/** A zeroed page: MSR bitmaps that let every RDMSR and WRMSR execute (SDM 25.6.9, 26.1.3). */
const MSR_BITMAP = 0x7000;
/** Where the guest stores what RDMSR returned (identity-mapped, away from every baseline structure). */
const SCRATCH = 0x5000;
/** The guest-state field a VMCALL exit leaves at the VMCALL (the baseline guest RIP plus the program before it). */
const VMCALL_EXIT = 18;
/** A host-writable field with no effect while CR3_TARGET_COUNT is 0 (SDM 25.6.7): the host's probe. */
const PROBE = VMCS_FIELD.CR3_TARGET_VALUE0;
const IA32_DEBUGCTL = 0x1D9, IA32_PAT = 0x277, IA32_EFER = 0xC000_0080;

function hex(v: bigint | number): string {
  return '0x' + BigInt(v).toString(16).toUpperCase();
}

/** Little-endian bytes of a quadword, as hex. */
function le64(v: bigint): string {
  let s = '';
  for (let i = 0n; i < 8n; i++) s += ((v >> (8n * i)) & 0xFFn).toString(16).toUpperCase().padStart(2, '0');
  return s;
}

/** A guest program: `body`, then VMCALL. */
function guest(body: (a: Assembler) => void): NonNullable<ConformanceCase['guest']> {
  const a = new Asm(64);
  body(a);
  a.vmcall();
  const origin = BigInt(BASELINE_MEMORY.guestRip);
  const code = Buffer.from(a.assemble(origin).bytes).toString('hex').toUpperCase();
  return { code, disassembly: a.listing(origin).map((l) => l.split(/ {2,}/).slice(2).join('  ').trim() || l.trim()) };
}

function loadMsrValue(a: Assembler, msr: number, value: bigint): void {
  a.mov(ecx, msr).mov(eax, Number(value & 0xFFFF_FFFFn)).mov(edx, Number(value >> 32n));
}

/** Guest: RDMSR into SCRATCH. */
const readInto = (msr: number) => (a: Assembler): void => {
  a.mov(ecx, msr).rdmsr().mov(qword(SCRATCH), rax).mov(qword(SCRATCH + 4), rdx);
};
/** Guest: WRMSR `value`. */
const writeMsr = (msr: number, value: bigint) => (a: Assembler): void => {
  loadMsrValue(a, msr, value);
  a.wrmsr();
};

/** Host, before VM entry: WRMSR `value`, then a VMREAD that succeeds (the step's outcome, SDM 31.2). */
function hostWrites(msr: number, value: bigint): Step {
  return host((a) => {
    loadMsrValue(a, msr, value);
    a.wrmsr().mov(edx, VMCS_FIELD.GUEST_RIP).vmread(rax, rdx);
  }, { kind: 'vmsucceed' });
}

/** Host, after the VM exit: RDMSR, VMWRITE of EDX:EAX into the probe field; then a VMREAD of it expecting `value`. */
function hostReads(msr: number, value: bigint): Step[] {
  return [
    host((a) => { a.mov(ecx, msr).rdmsr().shl(rdx, 32).or(rax, rdx).mov(edx, PROBE).vmwrite(rdx, rax); }, { kind: 'vmsucceed' }),
    { op: 'vmread', encoding: hex(PROBE), mode: '64-bit', expect: { kind: 'vmsucceed', value: hex(value) } },
  ];
}

/** VM entry into the guest, which ends with VMCALL: the fields and memory the exit must show. */
function launch(fields: Record<string, bigint>, memory?: bigint): Step {
  return {
    op: 'vmlaunch',
    expect: {
      kind: 'vm-exit', exitReason: VMCALL_EXIT,
      fields: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, hex(v)])),
      ...(memory !== undefined ? { memory: [{ address: hex(SCRATCH), bytes: le64(memory) }] } : {}),
    },
  };
}

/**
 * A capability variant of skylake-server allowing the 1-settings of these entry, exit and secondary exit
 * controls (A.4, A.5; IA32_VMX_EXIT_CTLS2 reports allowed 1-settings in all 64 bits).
 */
interface Variant { readonly label: string; readonly entry: readonly number[]; readonly exit: readonly number[]; readonly exit2?: readonly number[] }

function variantProfile(v: Variant): NonNullable<ConformanceCase['profile']> {
  const bits = (list: readonly number[], shift: number): string => hex(list.reduce((m, b) => m | (1n << BigInt(shift + b)), 0n));
  const msrs: Record<string, { set: string }> = {};
  if (v.entry.length) Object.assign(msrs, { IA32_VMX_ENTRY_CTLS: { set: bits(v.entry, 32) }, IA32_VMX_TRUE_ENTRY_CTLS: { set: bits(v.entry, 32) } });
  if (v.exit.length) Object.assign(msrs, { IA32_VMX_EXIT_CTLS: { set: bits(v.exit, 32) }, IA32_VMX_TRUE_EXIT_CTLS: { set: bits(v.exit, 32) } });
  if (v.exit2?.length) msrs['IA32_VMX_EXIT_CTLS2'] = { set: bits(v.exit2, 0) };
  return { name: 'skylake-server', msrs };
}

/** One MSR a state control moves, with the values the cases use (each accepted by WRMSR and by the entry checks). */
interface StateMsrCase {
  readonly name: string;
  readonly msr: number;
  readonly guestField: string;
  readonly entryLoad: ControlRef;
  /** The exit clears it (28.5.1). */
  readonly exitClear?: ControlRef;
  /** The exit loads it from this host-state field (28.5.1). */
  readonly exitLoad?: { readonly control: ControlRef; readonly field: string; readonly value: bigint };
  /** The exit saves it only when this control is 1 (28.3.1); otherwise it saves it always (the processor supports the controls). */
  readonly saveControl?: ControlRef;
  /** Where the save-control cases run, when not where the others do. */
  readonly saveVariant?: Variant;
  /** The field's value sits at this bit of the MSR (UINV); values here are field values. */
  readonly msrShift?: bigint;
  /** The guest-state field's value (loaded when the entry control is 1). */
  readonly guestValue: bigint;
  /** What the guest writes (saved at exit, 28.3.1; then cleared, loaded over, or kept). */
  readonly written: bigint;
  /** What the host writes before VM entry (the guest sees it when the entry control is 0). */
  readonly hostValue: bigint;
  readonly profile?: string;
  readonly variant?: Variant;
  /** Whether a VM exit saves the MSR is not asserted (the SDM text for it was not at hand). */
  readonly saveNotAsserted?: boolean;
}

const CET_VARIANT: Variant = { label: 'a skylake-server variant offering the "load CET state" entry and exit controls', entry: [20], exit: [28] };

export const STATE_MSR_CASES: readonly StateMsrCase[] = [
  // IA32_BNDCFGS: EN (0), BNDPRESERVE (1), base 63:12 (Vol. 1 17.3.3).
  { name: 'bndcfgs', msr: IA32_BNDCFGS, guestField: 'GUEST_IA32_BNDCFGS', entryLoad: 'entry.LOAD_IA32_BNDCFGS', exitClear: 'exit.CLEAR_IA32_BNDCFGS',
    guestValue: 0x1234_5001n, written: 0x7000_0002n, hostValue: 0x5000_0000n },
  // IA32_RTIT_CTL: OS (2), User (3), BranchEn (13); TraceEn (0) stays 0 (Vol. 3C 33.2.8.2).
  { name: 'rtit-ctl', msr: IA32_RTIT_CTL, guestField: 'GUEST_IA32_RTIT_CTL', entryLoad: 'entry.LOAD_IA32_RTIT_CTL', exitClear: 'exit.CLEAR_IA32_RTIT_CTL',
    guestValue: 0x200Cn, written: 0x2004n, hostValue: 0x8n, profile: 'sapphire-rapids-server' },
  // IA32_LBR_CTL: LBREn (0), OS (1), USR (2), JCC filter (16) (Vol. 3B 19.1.2.2).
  { name: 'lbr-ctl', msr: IA32_LBR_CTL, guestField: 'GUEST_IA32_LBR_CTL', entryLoad: 'entry.LOAD_GUEST_IA32_LBR_CTL', exitClear: 'exit.CLEAR_IA32_LBR_CTL',
    guestValue: 0x7n, written: 0x1_0006n, hostValue: 0x2n,
    variant: { label: 'a skylake-server variant offering the "load guest IA32_LBR_CTL" and "clear IA32_LBR_CTL" controls', entry: [21], exit: [26] } },
  // IA32_S_CET: ENDBR_EN (2), NO_TRACK_EN (4), legacy-bitmap base 63:12 (Vol. 1 18.3.1); inert while CR4.CET = 0.
  { name: 's-cet', msr: IA32_S_CET, guestField: 'GUEST_IA32_S_CET', entryLoad: 'entry.LOAD_CET_STATE',
    exitLoad: { control: 'exit.LOAD_CET_STATE', field: 'HOST_IA32_S_CET', value: 0x10n },
    guestValue: 0x1000_0004n, written: 0x14n, hostValue: 0x4n, variant: CET_VARIANT },
  // IA32_INTERRUPT_SSP_TABLE_ADDR: a canonical linear address (Vol. 1 18.2.6).
  { name: 'interrupt-ssp-table-addr', msr: IA32_INTERRUPT_SSP_TABLE_ADDR, guestField: 'GUEST_IA32_INTERRUPT_SSP_TABLE_ADDR', entryLoad: 'entry.LOAD_CET_STATE',
    exitLoad: { control: 'exit.LOAD_CET_STATE', field: 'HOST_IA32_INTERRUPT_SSP_TABLE_ADDR', value: 0x8_2000n },
    guestValue: 0x8_0000n, written: 0x8_1000n, hostValue: 0x8_3000n, variant: CET_VARIANT },
  // IA32_PKRS: bits 31:0, two bits per protection key (Vol. 3A 4.6.2).
  { name: 'pkrs', msr: IA32_PKRS, guestField: 'GUEST_IA32_PKRS', entryLoad: 'entry.LOAD_PKRS',
    exitLoad: { control: 'exit.LOAD_PKRS', field: 'HOST_IA32_PKRS', value: 0xCn },
    guestValue: 0x5555_5554n, written: 0x30n, hostValue: 0x3n,
    variant: { label: 'a skylake-server variant offering the "load PKRS" entry and exit controls', entry: [22], exit: [29] } },
  ...uinvCases(),
  // IA32_PERF_GLOBAL_CTRL: the enables of the two general-purpose counters (Vol. 3B 20.2.2; CPUID leaf 0AH of the model).
  { name: 'perf-global-ctrl', msr: IA32_PERF_GLOBAL_CTRL, guestField: 'GUEST_IA32_PERF_GLOBAL_CTRL', entryLoad: 'entry.LOAD_IA32_PERF_GLOBAL_CTRL',
    exitLoad: { control: 'exit.LOAD_IA32_PERF_GLOBAL_CTRL', field: 'HOST_IA32_PERF_GLOBAL_CTRL', value: 0n },
    saveControl: 'exit.SAVE_IA32_PERF_GLOBAL_CTL', guestValue: 0x1n, written: 0x2n, hostValue: 0x3n,
    saveVariant: { label: 'a skylake-server variant offering the "save IA32_PERF_GLOBAL_CTRL" exit control', entry: [], exit: [30] } },
  ...fredCases(),
  // IA32_SPEC_CTRL: IBRS (0), STIBP (1), SSBD (2) (Vol. 4 Table 2-2, model/vmx/spec-ctrl.ts).
  { name: 'spec-ctrl', msr: IA32_SPEC_CTRL, guestField: 'GUEST_IA32_SPEC_CTRL', entryLoad: 'entry.LOAD_IA32_SPEC_CTRL',
    exitLoad: { control: 'exit2.LOAD_IA32_SPEC_CTRL', field: 'HOST_IA32_SPEC_CTRL', value: 0x5n },
    guestValue: 0x1n, written: 0x4n, hostValue: 0x2n, saveNotAsserted: true,
    variant: { label: 'a skylake-server variant offering "load IA32_SPEC_CTRL" (entry and secondary exit controls)', entry: [24], exit: [31], exit2: [2] } },
];

/**
 * UINV, bits 39:32 of IA32_UINTR_MISC (bits 31:0 the UITT size). The MSR-level cases would mix UITTSZ into the
 * comparison, so the values keep UITTSZ 0: the guest field 0xEC becomes the MSR value EC00000000H.
 */
function uinvCases(): StateMsrCase[] {
  return [{
    name: 'uinv', msr: IA32_UINTR_MISC, guestField: 'GUEST_UINV', entryLoad: 'entry.LOAD_UINV', exitClear: 'exit.CLEAR_UINV',
    guestValue: 0xECn, written: 0xD1n, hostValue: 0x41n, msrShift: 32n,
    variant: { label: 'a skylake-server variant offering the "load UINV" and "clear UINV" controls', entry: [19], exit: [27] },
  }];
}

/** The FRED MSRs of the VMCS (FRED spec 7.1): canonical values, stacks 64-byte and shadow stacks 8-byte aligned (27.3.1.1). */
function fredCases(): StateMsrCase[] {
  const variant: Variant = {
    label: 'a skylake-server variant offering "load FRED" (entry) and "save FRED"/"load FRED" (secondary exit controls)',
    entry: [23], exit: [31], exit2: [0, 1],
  };
  const list: [string, number, bigint][] = [
    ['CONFIG', IA32_FRED_CONFIG, 0x1234_5000n], ['RSP1', IA32_FRED_RSP1, 0x9_0040n], ['RSP2', IA32_FRED_RSP2, 0x9_1040n],
    ['RSP3', IA32_FRED_RSP3, 0x9_2040n], ['STKLVLS', IA32_FRED_STKLVLS, 0x5n], ['SSP1', IA32_FRED_SSP1, 0x8_0008n],
    ['SSP2', IA32_FRED_SSP2, 0x8_1008n], ['SSP3', IA32_FRED_SSP3, 0x8_2008n],
  ];
  return list.map(([name, msr, v]) => ({
    name: `fred-${name.toLowerCase()}`, msr, guestField: `GUEST_IA32_FRED_${name}`, entryLoad: 'entry.LOAD_FRED',
    exitLoad: { control: 'exit2.LOAD_FRED', field: `HOST_IA32_FRED_${name}`, value: v + 0x300_0000n },
    saveControl: 'exit2.SAVE_FRED', guestValue: v, written: v + 0x100_0000n, hostValue: v + 0x200_0000n, variant,
  }));
}

const BITMAPS: ControlRef = 'proc.USE_MSR_BITMAPS';
/** A secondary exit control counts only with "activate secondary controls" (SDM 25.7.1). */
const withActivator = (refs: readonly ControlRef[]): ControlRef[] =>
  refs.some((r) => r.startsWith('exit2.')) ? ['exit.ACTIVATE_SECONDARY_CONTROLS', ...refs] : [...refs];

function setupOf(x: StateMsrCase, set: ControlRef[], clear: ControlRef[], fields: Record<string, bigint>): Setup {
  return {
    fields: Object.fromEntries(Object.entries({ MSR_BITMAPS_ADDRESS: BigInt(MSR_BITMAP), [x.guestField]: x.guestValue, ...fields }).map(([k, v]) => [k, hex(v)])),
    controls: { set: [BITMAPS, ...withActivator(set)], ...(clear.length ? { clear } : {}) },
  };
}

function where(x: StateMsrCase, variant = x.variant): Pick<ConformanceCase, 'profile' | 'tags'> & { readonly on: string } {
  if (variant) return { profile: variantProfile(variant), tags: ['state-control', 'profile-variant'], on: ` (on ${variant.label})` };
  if (x.profile) return { profile: { name: x.profile }, tags: ['state-control'], on: ` (on ${x.profile})` };
  return { tags: ['state-control'], on: '' };
}

function msrCases(x: StateMsrCase): ConformanceCase[] {
  const w = where(x);
  const base = { tags: w.tags, ...(w.profile ? { profile: w.profile } : {}) };
  const both = [x.entryLoad, ...(x.exitClear ? [x.exitClear] : []), ...(x.exitLoad ? [x.exitLoad.control] : [])];
  const requires = (refs: readonly ControlRef[]): ConformanceCase['requires'] => [BITMAPS, ...withActivator(refs)].map((control) => ({ control }));
  // Without a save control the exit saves the MSR (the processor supports its controls); with one that is 0, the field keeps the VMM's value.
  const saved = x.saveNotAsserted ? {} : { [x.guestField]: x.saveControl ? x.guestValue : x.written };
  const savesSdm = x.saveNotAsserted ? [] : ['28.3.1'];
  const savesWord = x.saveNotAsserted ? '' : x.saveControl ? `; the exit does not save it (${x.saveControl} 0)` : '; the exit saves what the guest wrote';
  const asMsr = (v: bigint): bigint => v << (x.msrShift ?? 0n);
  const guestReadsThenWrites = guest((a) => { readInto(x.msr)(a); writeMsr(x.msr, asMsr(x.written))(a); });
  const out: ConformanceCase[] = [
    {
      id: `state.${x.name}.entry-load.set`, ...base,
      title: `${x.entryLoad} 1: VM entry loads the MSR from ${x.guestField}; the guest's RDMSR returns it${savesWord}${w.on}`,
      sdm: ['27.3.2.1', ...savesSdm, '25.8.1'],
      requires: requires([x.entryLoad]),
      setup: setupOf(x, [x.entryLoad], [], {}),
      guest: guestReadsThenWrites,
      steps: [launch(saved, asMsr(x.guestValue))],
    },
    {
      id: `state.${x.name}.entry-load.clear`, ...base,
      title: `${x.entryLoad} 0: the guest's RDMSR returns the host's value, not ${x.guestField}${savesWord}${w.on}`,
      sdm: ['27.3.2.1', ...savesSdm, '25.8.1'],
      requires: requires([x.entryLoad]),
      setup: setupOf(x, [], [x.entryLoad], {}),
      guest: guestReadsThenWrites,
      steps: [hostWrites(x.msr, asMsr(x.hostValue)), launch(saved, asMsr(x.hostValue))],
    },
  ];
  const exitControl = x.exitClear ?? x.exitLoad?.control;
  if (exitControl) {
    const after = x.exitClear ? 0n : x.exitLoad!.value;
    const hostField = x.exitLoad ? { [x.exitLoad.field]: x.exitLoad.value } : {};
    const what = x.exitClear ? 'clears the MSR to 0' : `loads the MSR from ${x.exitLoad!.field}`;
    const writes = guest(writeMsr(x.msr, asMsr(x.written)));
    out.push({
      id: `state.${x.name}.exit.set`, ...base,
      title: `${exitControl} 1: the VM exit ${what}; the host's RDMSR returns ${hex(asMsr(after))}${w.on}`,
      sdm: ['28.5.1', ...savesSdm, '25.7.1'],
      requires: requires([exitControl]),
      setup: setupOf(x, [exitControl], both.filter((c) => c !== exitControl), hostField),
      guest: writes,
      steps: [launch(saved), ...hostReads(x.msr, asMsr(after))],
    }, {
      id: `state.${x.name}.exit.clear`, ...base,
      title: `${exitControl} 0: the VM exit leaves the guest's value in the MSR; the host's RDMSR returns it${w.on}`,
      sdm: ['28.5.1', ...savesSdm, '25.7.1'],
      requires: requires([exitControl]),
      setup: setupOf(x, [], both, hostField),
      guest: writes,
      steps: [launch(saved), ...hostReads(x.msr, asMsr(x.written))],
    });
  }
  if (x.saveControl) {
    const sv = where(x, x.saveVariant ?? x.variant);
    const writes = guest(writeMsr(x.msr, asMsr(x.written)));
    for (const set of [true, false]) {
      out.push({
        id: `state.${x.name}.save.${set ? 'set' : 'clear'}`, tags: sv.tags, ...(sv.profile ? { profile: sv.profile } : {}),
        title: `${x.saveControl} ${set ? 1 : 0}: the VM exit ${set ? 'saves' : 'does not save'} the MSR the guest wrote into ${x.guestField}${sv.on}`,
        sdm: ['28.3.1', '25.7.1'],
        requires: requires([x.saveControl]),
        setup: setupOf(x, set ? [x.saveControl] : [], [...both, ...(set ? [] : [x.saveControl])], {}),
        guest: writes,
        steps: [launch({ [x.guestField]: set ? x.written : x.guestValue })],
      });
    }
  }
  return out;
}

/** The save controls of SDM 28.3.1 for state the model always has (DR7 and IA32_DEBUGCTL, IA32_PAT, IA32_EFER). */
function saveControlCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  const tags = ['state-control'];
  // "save debug controls": DR7 = 700H (LE, GE, bit 10), IA32_DEBUGCTL = 1 (LBR) written by the guest; with the
  // control 0 both fields keep what the VMM wrote (the baseline's DR7 400H, DEBUGCTL 0).
  const dr7Guest = guest((a) => { a.mov(rax, 0x700).mov(dr7, rax); writeMsr(IA32_DEBUGCTL, 1n)(a); });
  for (const on of [true, false]) {
    out.push({
      id: `state.save-debug-controls.${on ? 'set' : 'clear'}`, tags,
      title: `exit.SAVE_DEBUG_CONTROLS ${on ? 1 : 0}: the VM exit ${on ? 'saves' : 'does not save'} DR7 and IA32_DEBUGCTL into the guest-state area`,
      sdm: ['28.3.1', '25.7.1'],
      requires: [{ control: BITMAPS }, { control: 'exit.SAVE_DEBUG_CONTROLS' }],
      setup: { fields: { MSR_BITMAPS_ADDRESS: hex(MSR_BITMAP) }, controls: on ? { set: [BITMAPS, 'exit.SAVE_DEBUG_CONTROLS'] } : { set: [BITMAPS], clear: ['exit.SAVE_DEBUG_CONTROLS'] } },
      guest: dr7Guest,
      steps: [launch(on ? { GUEST_DR7: 0x700n, GUEST_IA32_DEBUGCTL: 1n } : { GUEST_DR7: 0x400n, GUEST_IA32_DEBUGCTL: 0n })],
    });
  }
  // "save IA32_PAT": the guest writes all-WB (06H in each entry, Vol. 3A 12.12.2); the field held the reset value.
  const PAT_FIELD = 0x0007_0406_0007_0406n, PAT_WB = 0x0606_0606_0606_0606n;
  for (const on of [true, false]) {
    out.push({
      id: `state.save-ia32-pat.${on ? 'set' : 'clear'}`, tags,
      title: `exit.SAVE_IA32_PAT ${on ? 1 : 0}: the VM exit ${on ? 'saves' : 'does not save'} IA32_PAT into the guest-state area`,
      sdm: ['28.3.1', '25.7.1'],
      requires: [{ control: BITMAPS }, { control: 'exit.SAVE_IA32_PAT' }],
      setup: { fields: { MSR_BITMAPS_ADDRESS: hex(MSR_BITMAP), GUEST_IA32_PAT: hex(PAT_FIELD) }, controls: on ? { set: [BITMAPS, 'exit.SAVE_IA32_PAT'] } : { set: [BITMAPS], clear: ['exit.SAVE_IA32_PAT', 'entry.LOAD_IA32_PAT'] } },
      guest: guest(writeMsr(IA32_PAT, PAT_WB)),
      steps: [launch({ GUEST_IA32_PAT: on ? PAT_WB : PAT_FIELD })],
    });
  }
  // "save IA32_EFER": entry loads EFER = 500H (LME, LMA; "load IA32_EFER", 27.3.2.1); the guest sets NXE (bit 11).
  for (const on of [true, false]) {
    out.push({
      id: `state.save-ia32-efer.${on ? 'set' : 'clear'}`, tags,
      title: `exit.SAVE_IA32_EFER ${on ? 1 : 0}: the VM exit ${on ? 'saves' : 'does not save'} IA32_EFER (NXE set by the guest) into the guest-state area`,
      sdm: ['28.3.1', '27.3.2.1', '25.7.1'],
      requires: [{ control: BITMAPS }, { control: 'exit.SAVE_IA32_EFER' }, { control: 'entry.LOAD_IA32_EFER' }],
      setup: {
        fields: { MSR_BITMAPS_ADDRESS: hex(MSR_BITMAP), GUEST_IA32_EFER: '0x500' },
        controls: on ? { set: [BITMAPS, 'entry.LOAD_IA32_EFER', 'exit.SAVE_IA32_EFER'] } : { set: [BITMAPS, 'entry.LOAD_IA32_EFER'], clear: ['exit.SAVE_IA32_EFER'] },
      },
      guest: guest((a) => { a.mov(ecx, IA32_EFER).rdmsr().bts(eax, 11).wrmsr(); }),
      steps: [launch({ GUEST_IA32_EFER: on ? 0xD00n : 0x500n })],
    });
  }
  return out;
}

/** The VM-entry MSR-load area (16-byte entries: index, reserved, value; SDM 25.8.2, 27.4). */
const MSR_LOAD_AREA = 0x6000;

/**
 * MSR loading (27.4) treats these MSRs as WRMSR does: an entry for IA32_BNDCFGS in the VM-entry MSR-load area
 * loads it (the guest reads it), and one with a reserved bit (bit 2, Vol. 1 17.3.3) fails VM entry with exit
 * reason 34 and the entry's index as qualification (27.8).
 */
function msrLoadAreaCases(): ConformanceCase[] {
  const entry = (value: bigint): string => le64(BigInt(IA32_BNDCFGS)) + le64(value);
  const setup = (value: bigint): Setup => ({
    fields: { MSR_BITMAPS_ADDRESS: hex(MSR_BITMAP), VM_ENTRY_MSR_LOAD_COUNT: '0x1', VM_ENTRY_MSR_LOAD_ADDRESS: hex(MSR_LOAD_AREA), GUEST_IA32_BNDCFGS: '0x0' },
    controls: { set: [BITMAPS], clear: ['entry.LOAD_IA32_BNDCFGS'] },
    memory: [{ address: hex(MSR_LOAD_AREA), bytes: entry(value) }],
  });
  const requires = [{ control: BITMAPS }, { control: 'entry.LOAD_IA32_BNDCFGS' as ControlRef }];
  return [{
    id: 'state.bndcfgs.msr-load-area.loads', tags: ['state-control'],
    title: 'an IA32_BNDCFGS entry of the VM-entry MSR-load area loads the MSR: the guest\'s RDMSR returns it and the exit saves it',
    sdm: ['27.4', '28.3.1'], requires, setup: setup(0x1234_5001n),
    guest: guest(readInto(IA32_BNDCFGS)),
    steps: [launch({ GUEST_IA32_BNDCFGS: 0x1234_5001n }, 0x1234_5001n)],
  }, {
    id: 'state.bndcfgs.msr-load-area.reserved-bit', tags: ['state-control'],
    title: 'an IA32_BNDCFGS entry with reserved bit 2 set fails VM entry (exit reason 34, qualification 1: the entry\'s index)',
    sdm: ['27.4', '27.8'], requires, setup: setup(0x1234_5004n),
    guest: guest(readInto(IA32_BNDCFGS)),
    steps: [{ op: 'vmlaunch', expect: { kind: 'entry-failure', exitReason: 34, qualification: '0x1' } }],
  }];
}

export function stateControlCases(): ConformanceCase[] {
  return [...STATE_MSR_CASES.flatMap(msrCases), ...saveControlCases(), ...msrLoadAreaCases()];
}

export { MSR_BITMAP, SCRATCH, guest, hostReads, launch, readInto, writeMsr };
