// The VM-entry and VM-exit controls that load, save or clear processor state beyond the fixed set of
// transitions.ts: IA32_BNDCFGS, IA32_RTIT_CTL, IA32_LBR_CTL, the CET state (IA32_S_CET, SSP,
// IA32_INTERRUPT_SSP_TABLE_ADDR) and IA32_PKRS.
//   VM entry   (SDM 27.3.2.1): "load IA32_BNDCFGS", "load IA32_RTIT_CTL", "load guest IA32_LBR_CTL",
//              "load CET state", "load PKRS" load the MSR (and SSP) from the guest-state field.
//   VM exit    (SDM 28.3.1): the MSR is saved into its guest-state field whenever the processor supports the
//              1-setting of a control that moves it (for BNDCFGS, RTIT_CTL, LBR_CTL: the entry load or the exit
//              clear control; for CET and PKRS: the entry load control), whatever the controls hold.
//              (SDM 28.5.1): "clear IA32_BNDCFGS", "clear IA32_RTIT_CTL", "clear IA32_LBR_CTL" clear the MSR to
//              0; "load CET state" and "load PKRS" load it (and SSP) from the host-state field.
// A profile carries no CPUID feature bits, so a processor has these MSRs exactly when its capability MSRs
// allow the 1-setting of a control that moves them (the SDM offers each control only on processors with
// the feature: 25.7.1, 25.8.1); the MSRs are defined at reset by the hook below. The model keeps them as
// values only: no bound checking, trace output, LBR recording, shadow stacks or protection keys follow.
// The guest-state fields are validated by the VM-entry checks first (checks/guest-state.ts, 27.3.1.1), so
// loading writes the value as is. Values are BigInt: these controls are rare; the hot path tests one mask.
import type { Cpu } from '../cpu/cpu.js';
import { isCanonicalMsrValue, onMsrReset, type MsrFile } from '../cpu/msr.js';
import { CONTROL_GROUPS, type ControlRef, ENTRY_CTLS, EXIT_CTLS, VMCS_SLOT, type CpuProfile } from '../generated/index.js';
import { VmxCapabilities } from './capabilities.js';
import { BNDCFGS_RESERVED, LBR_CTL_RESERVED, PKRS_RESERVED, RTIT_CTL_RESERVED, S_CET_RESERVED } from './checks/msr-rules.js';
import type { Vmcs } from './vmcs.js';

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
}

/** SDM Vol. 4 Table 2-2 indices; layouts and reserved bits: checks/msr-rules.ts. */
export const IA32_BNDCFGS = 0xD90, IA32_RTIT_CTL = 0x570, IA32_LBR_CTL = 0x14CE, IA32_S_CET = 0x6A2,
  IA32_INTERRUPT_SSP_TABLE_ADDR = 0x6A8, IA32_PKRS = 0x6E1;

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
];

/** A control's bit within its 32-bit field (the entry and primary exit controls). */
function maskOf(ref: ControlRef): number {
  const [g, id] = ref.split('.');
  const bit = CONTROL_GROUPS.find((c) => c.id === g)!.bits.find((b) => b.id === id)!.bit;
  return (1 << bit) >>> 0;
}

interface Resolved {
  readonly m: StateMsr;
  readonly guest: number;
  readonly host: number | undefined;
  readonly entryLoad: number;
  readonly exitClear: number;
  readonly exitLoad: number;
}

/** What a processor has of the table: the MSRs it implements, and the masks VM entry and exit test. */
interface Plan {
  readonly present: readonly Resolved[];
  /** Saved on every VM exit (28.3.1). */
  readonly saved: readonly Resolved[];
  /** Any entry control of the table: VM entry skips this file's work when none is 1. */
  readonly entryMask: number;
  /** Any exit control of the table. */
  readonly exitMask: number;
  /** The processor has SSP (it supports "load CET state" on entry or exit). */
  readonly ssp: boolean;
  /** A VM exit saves SSP (the processor supports the entry control "load CET state", 28.3.1). */
  readonly saveSsp: boolean;
}

const plans = new WeakMap<CpuProfile, Plan>();

function planOf(profile: CpuProfile): Plan {
  let p = plans.get(profile);
  if (p) return p;
  const caps = new VmxCapabilities(profile);
  const present: Resolved[] = [], saved: Resolved[] = [];
  let entryMask = 0, exitMask = 0;
  for (const m of STATE_MSRS) {
    const controls = [m.entryLoad, m.exitClear, m.exitLoad].filter((c): c is ControlRef => c !== undefined);
    if (!controls.some((c) => caps.supports(c))) continue;
    const r: Resolved = {
      m, guest: VMCS_SLOT[m.guest], host: m.host ? VMCS_SLOT[m.host] : undefined,
      entryLoad: maskOf(m.entryLoad), exitClear: m.exitClear ? maskOf(m.exitClear) : 0, exitLoad: m.exitLoad ? maskOf(m.exitLoad) : 0,
    };
    present.push(r);
    if (m.savedWhenSupported.some((c) => caps.supports(c))) saved.push(r);
    entryMask |= r.entryLoad;
    exitMask |= r.exitClear | r.exitLoad;
  }
  const saveSsp = caps.supports('entry.LOAD_CET_STATE');
  p = { present, saved, entryMask, exitMask, saveSsp, ssp: saveSsp || caps.supports('exit.LOAD_CET_STATE') };
  plans.set(profile, p);
  return p;
}

/** The shadow-stack pointer (SDM Vol. 1 18.2): no instruction of the model reads it; VM entry and exit move it. */
const sspOf = new WeakMap<Cpu, bigint>();

/** Defines the MSRs the profile's controls imply (see the file comment), each reset to 0 (SDM Vol. 4 Table 2-2). */
function defineStateMsrs(cpu: Cpu, f: MsrFile): void {
  const plan = planOf(cpu.profile);
  for (const { m } of plan.present) {
    f.values.set(m.msr, 0n);
    f.define(m.msr, {
      read: () => f.values.get(m.msr) ?? 0n,
      write: (c, v) => {
        if ((v & m.reserved) !== 0n) return false;
        if (m.canonical !== undefined && !isCanonicalMsrValue(c, m.canonical === 'page' ? v & ~0xFFFn : v)) return false;
        f.values.set(m.msr, v);
        return true;
      },
    });
  }
  if (plan.ssp) sspOf.set(cpu, 0n);
}
onMsrReset(defineStateMsrs);

const F = VMCS_SLOT;

/** VM entry: the state the entry controls load (SDM 27.3.2.1), after the checks of 27.3.1 passed. */
export function loadGuestStateControls(cpu: Cpu, vmcs: Vmcs): void {
  const entry = vmcs.getLo(F.VM_ENTRY_CONTROLS);
  const plan = planOf(cpu.profile);
  if ((entry & plan.entryMask) === 0) return;
  for (const r of plan.present) if ((entry & r.entryLoad) !== 0) cpu.msr.values.set(r.m.msr, vmcs.getBig(r.guest));
  if (plan.ssp && (entry & ENTRY_CTLS.LOAD_CET_STATE) !== 0) sspOf.set(cpu, vmcs.getBig(F.GUEST_SSP));
}

/** VM exit: the MSRs saved into the guest-state area (SDM 28.3.1), and SSP with them (28.3.1, "load CET state"). */
export function saveGuestStateControls(cpu: Cpu, vmcs: Vmcs): void {
  const plan = planOf(cpu.profile);
  for (const r of plan.saved) vmcs.setBig(r.guest, cpu.msr.values.get(r.m.msr) ?? 0n);
  if (plan.saveSsp) vmcs.setBig(F.GUEST_SSP, sspOf.get(cpu) ?? 0n);
}

/** VM exit: the state the exit controls clear or load (SDM 28.5.1). */
export function loadHostStateControls(cpu: Cpu, vmcs: Vmcs): void {
  const exit = vmcs.getLo(F.PRIMARY_VM_EXIT_CONTROLS);
  const plan = planOf(cpu.profile);
  if ((exit & plan.exitMask) === 0) return;
  for (const r of plan.present) {
    if ((exit & r.exitClear) !== 0) cpu.msr.values.set(r.m.msr, 0n);
    if ((exit & r.exitLoad) !== 0 && r.host !== undefined) cpu.msr.values.set(r.m.msr, vmcs.getBig(r.host));
  }
  if (plan.ssp && (exit & EXIT_CTLS.LOAD_CET_STATE) !== 0) sspOf.set(cpu, vmcs.getBig(F.HOST_SSP));
}

/** The shadow-stack pointer as VM entry and exit left it (tests; no instruction of the model reads it). */
export function shadowStackPointer(cpu: Cpu): bigint | undefined {
  return sspOf.get(cpu);
}
