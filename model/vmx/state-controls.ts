// The VM-entry and VM-exit controls that load, save or clear processor state beyond the fixed set of
// transitions.ts: IA32_BNDCFGS, IA32_RTIT_CTL, IA32_LBR_CTL, the CET state (IA32_S_CET, SSP,
// IA32_INTERRUPT_SSP_TABLE_ADDR), IA32_PKRS, IA32_PERF_GLOBAL_CTRL, the FRED MSRs, UINV and IA32_SPEC_CTRL.
//   VM entry   (SDM 27.3.2.1): "load IA32_BNDCFGS", "load IA32_RTIT_CTL", "load guest IA32_LBR_CTL", "load UINV",
//              "load CET state", "load PKRS", "load IA32_PERF_GLOBAL_CTRL", "load FRED" load the MSR (and SSP)
//              from the guest-state field.
//   VM exit    (SDM 28.3.1): the MSR is saved into its guest-state field whenever the processor supports the
//              1-setting of a control that moves it (for BNDCFGS, RTIT_CTL, LBR_CTL, UINV: the entry load or the exit
//              clear control; for CET and PKRS: the entry load control), whatever the controls hold;
//              IA32_PERF_GLOBAL_CTRL only when "save IA32_PERF_GLOBAL_CTRL" is 1, the FRED MSRs only when
//              "save FRED" is 1.
//              (SDM 28.5.1): "clear IA32_BNDCFGS", "clear IA32_RTIT_CTL", "clear IA32_LBR_CTL", "clear UINV" clear it to
//              0; "load CET state", "load PKRS", "load IA32_PERF_GLOBAL_CTRL", "load FRED" load it (and SSP)
//              from the host-state field.
// A profile carries no CPUID feature bits, so a processor has these MSRs exactly when its capability MSRs
// allow the 1-setting of a control that moves them (the SDM offers each control only on processors with
// the feature: 25.7.1, 25.8.1); the MSRs are defined at reset by the hook below. The model keeps them as
// values only: no bound checking, trace output, LBR recording, shadow stacks or protection keys follow.
// The guest-state fields are validated by the VM-entry checks first (checks/guest-state.ts, 27.3.1.1), so
// loading writes the value as is. Values are BigInt: these controls are rare; the hot path tests one mask.
import type { Cpu } from '../cpu/cpu.js';
import { onMsrReset, type MsrFile } from '../cpu/msr.js';
import { CONTROL_GROUPS, type ControlRef, ENTRY_CTLS, EXIT_CTLS, VMCS_SLOT, type CpuProfile } from '../generated/index.js';
import { VmxCapabilities } from './capabilities.js';
import {
  BNDCFGS_RESERVED, FRED_CONFIG_RESERVED, LBR_CTL_RESERVED, PERF_GLOBAL_CTRL_GP_COUNTERS, PERF_GLOBAL_CTRL_RESERVED, PKRS_RESERVED,
  RTIT_CTL_RESERVED, S_CET_RESERVED,
} from './checks/msr-rules.js';
import { isCanonical } from './checks/features.js';
import { type Vmcs, watchSlots } from './vmcs.js';
import { IA32_SPEC_CTRL, SPEC_CTRL_RESERVED } from './spec-ctrl.js';
import { SAVED_STATE_MSR_GROUP, msrMemoOf } from './msr-memo.js';

type Slot = keyof typeof VMCS_SLOT;

/** One MSR a state control moves. */
interface StateMsr {
  readonly msr: number;
  /** Bits WRMSR refuses (#GP). */
  readonly reserved: bigint;
  /** WRMSR also requires a canonical linear address: the whole value, or bits 63:12 (flags below). */
  readonly canonical?: 'address' | 'page';
  readonly guest: Slot;
  /** Host-state field an exit "load" control loads from. */
  readonly host?: Slot;
  readonly entryLoad: ControlRef;
  readonly exitClear?: ControlRef;
  readonly exitLoad?: ControlRef;
  /** A VM exit saves the MSR when the processor supports the 1-setting of any of these (SDM 28.3.1). */
  readonly savedWhenSupported: readonly ControlRef[];
  /** A VM exit saves the MSR when this control is 1 (SDM 28.3.1). */
  readonly saveControl?: ControlRef;
  /** Value at reset (0 unless given). */
  readonly reset?: bigint;
  /** Bits 5:0 (a 64-byte-aligned stack) or 2:0 (an 8-byte-aligned shadow stack) must be 0: the FRED stack MSRs. */
  readonly alignment?: bigint;
  /** The field holds only these bits of the MSR (UINV in IA32_UINTR_MISC); the others stay as they are. */
  readonly part?: { readonly shift: bigint; readonly mask: bigint };
}

/** SDM Vol. 4 Table 2-2 indices; layouts and reserved bits: checks/msr-rules.ts. */
export const IA32_BNDCFGS = 0xD90, IA32_RTIT_CTL = 0x570, IA32_LBR_CTL = 0x14CE, IA32_S_CET = 0x6A2,
  IA32_INTERRUPT_SSP_TABLE_ADDR = 0x6A8, IA32_PKRS = 0x6E1, IA32_PERF_GLOBAL_CTRL = 0x38F;
/** The FRED MSRs the VMCS holds (FRED spec 7.1; RSP0 and SSP0 are not in the VMCS). */
export const IA32_FRED_RSP1 = 0x1CD, IA32_FRED_RSP2 = 0x1CE, IA32_FRED_RSP3 = 0x1CF, IA32_FRED_STKLVLS = 0x1D0,
  IA32_FRED_SSP1 = 0x1D1, IA32_FRED_SSP2 = 0x1D2, IA32_FRED_SSP3 = 0x1D3, IA32_FRED_CONFIG = 0x1D4;

/** IA32_UINTR_MISC (Vol. 3A, user interrupts): UITT size in bits 31:0, UINV in 39:32, 63:40 reserved. */
export const IA32_UINTR_MISC = 0x988;

/** A FRED MSR: loaded by "load FRED" (entry, exit2), saved by "save FRED" (exit2). */
function fred(msr: number, name: string, rules: Pick<StateMsr, 'reserved' | 'canonical' | 'alignment'>): StateMsr {
  return {
    msr, ...rules, guest: `GUEST_IA32_FRED_${name}` as Slot, host: `HOST_IA32_FRED_${name}` as Slot,
    entryLoad: 'entry.LOAD_FRED', exitLoad: 'exit2.LOAD_FRED', saveControl: 'exit2.SAVE_FRED', savedWhenSupported: [],
  };
}

export const STATE_MSRS: readonly StateMsr[] = [
  { msr: IA32_BNDCFGS, reserved: BNDCFGS_RESERVED, canonical: 'page', guest: 'GUEST_IA32_BNDCFGS',
    entryLoad: 'entry.LOAD_IA32_BNDCFGS', exitClear: 'exit.CLEAR_IA32_BNDCFGS', savedWhenSupported: ['entry.LOAD_IA32_BNDCFGS', 'exit.CLEAR_IA32_BNDCFGS'] },
  { msr: IA32_RTIT_CTL, reserved: RTIT_CTL_RESERVED, guest: 'GUEST_IA32_RTIT_CTL',
    entryLoad: 'entry.LOAD_IA32_RTIT_CTL', exitClear: 'exit.CLEAR_IA32_RTIT_CTL', savedWhenSupported: ['entry.LOAD_IA32_RTIT_CTL', 'exit.CLEAR_IA32_RTIT_CTL'] },
  { msr: IA32_LBR_CTL, reserved: LBR_CTL_RESERVED, guest: 'GUEST_IA32_LBR_CTL',
    entryLoad: 'entry.LOAD_GUEST_IA32_LBR_CTL', exitClear: 'exit.CLEAR_IA32_LBR_CTL', savedWhenSupported: ['entry.LOAD_GUEST_IA32_LBR_CTL', 'exit.CLEAR_IA32_LBR_CTL'] },
  { msr: IA32_S_CET, reserved: S_CET_RESERVED, canonical: 'page', guest: 'GUEST_IA32_S_CET', host: 'HOST_IA32_S_CET',
    entryLoad: 'entry.LOAD_CET_STATE', exitLoad: 'exit.LOAD_CET_STATE', savedWhenSupported: ['entry.LOAD_CET_STATE'] },
  { msr: IA32_INTERRUPT_SSP_TABLE_ADDR, reserved: 0n, canonical: 'address', guest: 'GUEST_IA32_INTERRUPT_SSP_TABLE_ADDR', host: 'HOST_IA32_INTERRUPT_SSP_TABLE_ADDR',
    entryLoad: 'entry.LOAD_CET_STATE', exitLoad: 'exit.LOAD_CET_STATE', savedWhenSupported: ['entry.LOAD_CET_STATE'] },
  { msr: IA32_PKRS, reserved: PKRS_RESERVED, guest: 'GUEST_IA32_PKRS', host: 'HOST_IA32_PKRS',
    entryLoad: 'entry.LOAD_PKRS', exitLoad: 'exit.LOAD_PKRS', savedWhenSupported: ['entry.LOAD_PKRS'] },
  // UINV, the user-interrupt notification vector (IA32_UINTR_MISC[39:32]): "load UINV", "clear UINV"; saved into
  // the 16-bit guest UINV field when the processor supports either (28.3.1).
  { msr: IA32_UINTR_MISC, reserved: 0xFFFF_FF00_0000_0000n, part: { shift: 32n, mask: 0xFFn }, guest: 'GUEST_UINV',
    entryLoad: 'entry.LOAD_UINV', exitClear: 'exit.CLEAR_UINV', savedWhenSupported: ['entry.LOAD_UINV', 'exit.CLEAR_UINV'] },
  // At reset the enable bits of the general-purpose counters are 1 (Vol. 3B 20.2.2).
  { msr: IA32_PERF_GLOBAL_CTRL, reserved: PERF_GLOBAL_CTRL_RESERVED, guest: 'GUEST_IA32_PERF_GLOBAL_CTRL', host: 'HOST_IA32_PERF_GLOBAL_CTRL',
    entryLoad: 'entry.LOAD_IA32_PERF_GLOBAL_CTRL', exitLoad: 'exit.LOAD_IA32_PERF_GLOBAL_CTRL', saveControl: 'exit.SAVE_IA32_PERF_GLOBAL_CTL',
    savedWhenSupported: [], reset: (1n << BigInt(PERF_GLOBAL_CTRL_GP_COUNTERS)) - 1n },
  // IA32_SPEC_CTRL: "load IA32_SPEC_CTRL" (entry; secondary exit control); saved when the processor supports the
  // entry control, as for PKRS (model choice, model/vmx/spec-ctrl.ts).
  { msr: IA32_SPEC_CTRL, reserved: SPEC_CTRL_RESERVED, guest: 'GUEST_IA32_SPEC_CTRL', host: 'HOST_IA32_SPEC_CTRL',
    entryLoad: 'entry.LOAD_IA32_SPEC_CTRL', exitLoad: 'exit2.LOAD_IA32_SPEC_CTRL', savedWhenSupported: ['entry.LOAD_IA32_SPEC_CTRL'] },
  // The WRMSR rules of the FRED MSRs are those the VM-entry checks apply to their fields (27.3.1.1).
  fred(IA32_FRED_CONFIG, 'CONFIG', { reserved: FRED_CONFIG_RESERVED, canonical: 'page' }),
  fred(IA32_FRED_RSP1, 'RSP1', { reserved: 0n, canonical: 'address', alignment: 0x3Fn }),
  fred(IA32_FRED_RSP2, 'RSP2', { reserved: 0n, canonical: 'address', alignment: 0x3Fn }),
  fred(IA32_FRED_RSP3, 'RSP3', { reserved: 0n, canonical: 'address', alignment: 0x3Fn }),
  fred(IA32_FRED_STKLVLS, 'STKLVLS', { reserved: 0n }),
  fred(IA32_FRED_SSP1, 'SSP1', { reserved: 0n, canonical: 'address', alignment: 0x7n }),
  fred(IA32_FRED_SSP2, 'SSP2', { reserved: 0n, canonical: 'address', alignment: 0x7n }),
  fred(IA32_FRED_SSP3, 'SSP3', { reserved: 0n, canonical: 'address', alignment: 0x7n }),
];

/** The control fields this file reads: the entry controls, and the primary and secondary exit controls. */
const ENTRY = 0, EXIT = 1, EXIT2 = 2;
type Group = typeof ENTRY | typeof EXIT | typeof EXIT2;
/** A control as its field and bit mask (all these controls sit in bits 31:0 of their field). */
interface Ctl { readonly g: Group; readonly mask: number }
const NONE: Ctl = { g: ENTRY, mask: 0 };

function ctlOf(ref: ControlRef | undefined): Ctl {
  if (ref === undefined) return NONE;
  const [g, id] = ref.split('.');
  const bit = CONTROL_GROUPS.find((c) => c.id === g)!.bits.find((b) => b.id === id)!.bit;
  return { g: g === 'entry' ? ENTRY : g === 'exit' ? EXIT : EXIT2, mask: (1 << bit) >>> 0 };
}

interface Resolved {
  readonly m: StateMsr;
  readonly guest: number;
  readonly host: number | undefined;
  readonly entryLoad: Ctl;
  readonly exitClear: Ctl;
  readonly exitLoad: Ctl;
  readonly saveControl: Ctl;
}

/** What a processor has of the table: the MSRs it implements and what VM entry and exit do with them. */
interface Plan {
  readonly caps: VmxCapabilities;
  readonly present: readonly Resolved[];
  /** Saved on every VM exit (28.3.1): whole MSRs, and MSRs of which the field holds a part (UINV). */
  readonly savedWhole: readonly Resolved[];
  readonly savedPart: readonly Resolved[];
  /** Saved when their save control is 1. */
  readonly savedByControl: readonly Resolved[];
  /** Loaded or cleared by an exit control. */
  readonly atExit: readonly Resolved[];
  /** Any entry control of the table: VM entry skips this file's work when none is 1. */
  readonly entryMask: number;
  /** The exit controls (primary, secondary) of atExit and "load CET state": VM exit skips this file's loads when none is 1. */
  readonly exitMask: number;
  readonly exit2Mask: number;
  /** The processor has SSP (it supports "load CET state" on entry or exit). */
  readonly ssp: boolean;
  /** A VM exit saves SSP (the processor supports the entry control "load CET state", 28.3.1). */
  readonly saveSsp: boolean;
}

const plans = new WeakMap<CpuProfile, Plan>();

/** The last profile asked for and its plan (VM entries and exits ask for the same one each time). */
let lastProfile: CpuProfile | undefined;
let lastPlan: Plan | undefined;

function planOf(profile: CpuProfile): Plan {
  if (profile === lastProfile) return lastPlan!;
  let p = plans.get(profile);
  if (p) { lastProfile = profile; lastPlan = p; return p; }
  const caps = new VmxCapabilities(profile);
  const present: Resolved[] = [];
  let entryMask = 0;
  for (const m of STATE_MSRS) {
    const controls = [m.entryLoad, m.exitClear, m.exitLoad, m.saveControl].filter((c): c is ControlRef => c !== undefined);
    if (!controls.some((c) => caps.supports(c))) continue;
    const r: Resolved = {
      m, guest: VMCS_SLOT[m.guest], host: m.host ? VMCS_SLOT[m.host] : undefined,
      entryLoad: ctlOf(m.entryLoad), exitClear: ctlOf(m.exitClear), exitLoad: ctlOf(m.exitLoad), saveControl: ctlOf(m.saveControl),
    };
    present.push(r);
    entryMask |= r.entryLoad.mask;
  }
  const saveSsp = caps.supports('entry.LOAD_CET_STATE');
  const atExit = present.filter((r) => r.exitClear.mask !== 0 || r.exitLoad.mask !== 0);
  const saved = present.filter((r) => r.m.savedWhenSupported.some((c) => caps.supports(c)));
  watchSlots(saved.map((r) => r.guest)); // for the saved-MSR group of the memo (saveGuestStateControls)
  let exitMask = EXIT_CTLS.LOAD_CET_STATE, exit2Mask = 0;
  for (const r of atExit) {
    for (const c of [r.exitClear, r.exitLoad]) {
      if (c.g === EXIT) exitMask |= c.mask;
      else if (c.g === EXIT2) exit2Mask |= c.mask;
    }
  }
  p = {
    caps, present, entryMask, exitMask, exit2Mask, saveSsp, ssp: saveSsp || caps.supports('exit.LOAD_CET_STATE'),
    savedWhole: saved.filter((r) => r.m.part === undefined),
    savedPart: saved.filter((r) => r.m.part !== undefined),
    savedByControl: present.filter((r) => r.saveControl.mask !== 0),
    atExit,
  };
  plans.set(profile, p);
  lastProfile = profile; lastPlan = p;
  return p;
}

const F = VMCS_SLOT;

/** The three control fields as a VM exit sees them: the secondary exit controls count only when activated (25.7.1). */
function controlFields(vmcs: Vmcs, out: number[]): number[] {
  out[ENTRY] = vmcs.getLo(F.VM_ENTRY_CONTROLS);
  const exit = vmcs.getLo(F.PRIMARY_VM_EXIT_CONTROLS);
  out[EXIT] = exit;
  out[EXIT2] = (exit & EXIT_CTLS.ACTIVATE_SECONDARY_CONTROLS) !== 0 ? vmcs.getLo(F.SECONDARY_VM_EXIT_CONTROLS) : 0;
  return out;
}
const fields: number[] = [0, 0, 0];
const on = (c: Ctl): boolean => (fields[c.g]! & c.mask) !== 0;

/** The shadow-stack pointer (SDM Vol. 1 18.2): no instruction of the model reads it; VM entry and exit move it. */
const sspOf = new WeakMap<Cpu, bigint>();

/** WRMSR's rule for one of these MSRs: reserved and alignment bits 0, addresses canonical (SDM Vol. 2 WRMSR). */
function wrmsrAcceptsState(caps: VmxCapabilities, m: StateMsr, v: bigint): boolean {
  if ((v & (m.reserved | (m.alignment ?? 0n))) !== 0n) return false;
  return m.canonical === undefined || isCanonical(caps, m.canonical === 'page' ? v & ~0xFFFn : v);
}

/**
 * Whether WRMSR at CPL 0 accepts `value` for `msr` when it is one of this file's MSRs on the processor
 * (undefined: it is not). The VM-entry MSR-load check (27.4) asks this as WRMSR itself does.
 */
export function stateMsrAccepts(caps: VmxCapabilities, msr: number, value: bigint): boolean | undefined {
  const r = planOf(caps.profile).present.find((x) => x.m.msr === msr >>> 0);
  return r === undefined ? undefined : wrmsrAcceptsState(caps, r.m, value);
}

/** Defines the MSRs the profile's controls imply (see the file comment), at their reset values (SDM Vol. 4 Table 2-2). */
function defineStateMsrs(cpu: Cpu, f: MsrFile): void {
  const plan = planOf(cpu.profile);
  for (const { m } of plan.present) {
    f.values.set(m.msr, m.reset ?? 0n);
    f.define(m.msr, {
      read: () => f.values.get(m.msr) ?? 0n,
      write: (_c, v) => {
        if (!wrmsrAcceptsState(plan.caps, m, v)) return false;
        f.values.set(m.msr, v);
        return true;
      },
    });
  }
  if (plan.ssp) sspOf.set(cpu, 0n);
}
onMsrReset(defineStateMsrs);

/** Writes what a field holds into the MSR (only its part, for UINV). */
function loadInto(cpu: Cpu, m: StateMsr, value: bigint): void {
  const p = m.part;
  if (p === undefined) { cpu.msr.values.set(m.msr, value); return; }
  const old = cpu.msr.values.get(m.msr) ?? 0n;
  cpu.msr.values.set(m.msr, (old & ~(p.mask << p.shift)) | ((value & p.mask) << p.shift));
}

/** What a VM exit saves of the MSR into its field. */
function savedValue(cpu: Cpu, m: StateMsr): bigint {
  const v = cpu.msr.values.get(m.msr) ?? 0n;
  return m.part === undefined ? v : (v >> m.part.shift) & m.part.mask;
}

/** VM entry: the state the entry controls load (SDM 27.3.2.1), after the checks of 27.3.1 passed. */
export function loadGuestStateControls(cpu: Cpu, vmcs: Vmcs): void {
  const plan = planOf(cpu.profile);
  if ((vmcs.getLo(F.VM_ENTRY_CONTROLS) & plan.entryMask) === 0) return;
  controlFields(vmcs, fields);
  for (const r of plan.present) if (on(r.entryLoad)) loadInto(cpu, r.m, vmcs.getBig(r.guest));
  if (plan.ssp && (fields[ENTRY]! & ENTRY_CTLS.LOAD_CET_STATE) !== 0) sspOf.set(cpu, vmcs.getBig(F.GUEST_SSP));
}

/** VM exit: the MSRs saved into the guest-state area (SDM 28.3.1), and SSP with them (28.3.1, "load CET state"). */
export function saveGuestStateControls(cpu: Cpu, vmcs: Vmcs): void {
  const plan = planOf(cpu.profile);
  const memo = msrMemoOf(vmcs);
  const values = cpu.msr.values;
  // The whole MSRs are saved through the memo (msr-memo.ts): nothing to do while each field and its MSR are
  // known equal, or all of them are (their slots are watched: the group stays equal until one changes).
  if (!memo.groupEqual(values, vmcs, SAVED_STATE_MSR_GROUP)) {
    let equal = true;
    for (const r of plan.savedWhole) equal = memo.save(values, r.m.msr, vmcs, r.guest) && equal;
    if (equal) memo.noteGroupEqual(values, vmcs, SAVED_STATE_MSR_GROUP);
  }
  for (const r of plan.savedPart) vmcs.setBig(r.guest, savedValue(cpu, r.m));
  if (plan.saveSsp) vmcs.setBig(F.GUEST_SSP, sspOf.get(cpu) ?? 0n);
  if (plan.savedByControl.length === 0) return;
  controlFields(vmcs, fields);
  for (const r of plan.savedByControl) if (on(r.saveControl)) vmcs.setBig(r.guest, savedValue(cpu, r.m));
}

/** VM exit: the state the exit controls clear or load (SDM 28.5.1). */
export function loadHostStateControls(cpu: Cpu, vmcs: Vmcs): void {
  const plan = planOf(cpu.profile);
  if (plan.atExit.length === 0) return;
  controlFields(vmcs, fields);
  if ((fields[EXIT]! & plan.exitMask) === 0 && (fields[EXIT2]! & plan.exit2Mask) === 0) return;
  for (const r of plan.atExit) {
    if (on(r.exitClear)) loadInto(cpu, r.m, 0n);
    if (on(r.exitLoad) && r.host !== undefined) loadInto(cpu, r.m, vmcs.getBig(r.host));
  }
  if (plan.ssp && (fields[EXIT]! & EXIT_CTLS.LOAD_CET_STATE) !== 0) sspOf.set(cpu, vmcs.getBig(F.HOST_SSP));
}

/** The shadow-stack pointer as VM entry and exit left it (tests; no instruction of the model reads it). */
export function shadowStackPointer(cpu: Cpu): bigint | undefined {
  return sspOf.get(cpu);
}
