// Controls whose effects need parts the model does not have (Intel PT, PEBS, CET shadow stacks, SEAM, APIC-timer
// virtualization, PBNDKB). The model implements none of those effects; what it does implement, and these cases
// check, is the one rule every control follows: VM entry accepts the control's 1-setting only where the
// capability MSR allows it, and fails with VMfailValid 7 ("VM entry with invalid control fields", 31.4) where it
// does not (27.2.1.1 for the execution controls, 27.2.1.2 exit, 27.2.1.3 entry; A.3-A.5). Where the SDM sets no
// further requirement on the control (the three "conceal VMX from PT" controls: they only change Intel PT
// packets, 25.6.2, 25.7.1, 25.8.1), a second case checks that the allowed 1-setting enters the guest.
// Each "not allowed" case runs on a variant of a built-in profile that allows the activating control (and, for
// secondary exit controls, another secondary exit control) but not the one under test, so the reserved-bits
// check of exactly that field fails.
import { CONTROL_GROUPS, type Condition, type ConformanceCase, type ControlRef } from '../../model/generated/index.js';
import { hex, program } from './exits.js';

type Profile = NonNullable<ConformanceCase['profile']>;
type MsrChanges = NonNullable<Profile['msrs']>;

interface Unmodelled {
  readonly control: ControlRef;
  /** The VM-entry check that fails when it is 1 but not allowed. */
  readonly check: string;
  readonly sdm: string;
  /** What the model does not have. */
  readonly missing: string;
  /** Controls that must be 1 for the field to count (SDM 25.6.2, 25.7.1). */
  readonly activators: readonly ControlRef[];
  /** A built-in profile allowing the activators; `clear`: the variant also takes away the control's allowed 1-setting. */
  readonly base: string;
  readonly clear?: boolean;
  /** Further capability-MSR changes of the variant. */
  readonly msrs?: MsrChanges;
  /** True when the SDM sets no requirement on the control beyond its allowed-1 setting: a case checks entry succeeds. */
  readonly enterWhenAllowed?: boolean;
}

/**
 * The capability-MSR bit that allows a control's 1-setting (spec/data/controls): bit 32 + n of the 32-bit groups'
 * MSRs and of their TRUE MSRs (A.3.1-A.5), bit n of the 64-bit groups' (IA32_VMX_PROCBASED_CTLS3, IA32_VMX_EXIT_CTLS2).
 */
function allowedOne(ref: ControlRef, change: 'set' | 'clear'): MsrChanges {
  const [groupId, bitId] = ref.split('.');
  const group = CONTROL_GROUPS.find((g) => g.id === groupId)!;
  const bit = BigInt(group.bits.find((b) => b.id === bitId)!.bit);
  const mask = hex(group.width === 32 ? 1n << (32n + bit) : 1n << bit);
  return Object.fromEntries([group.capabilityMsr, group.trueCapabilityMsr].filter((m) => m !== undefined).map((m) => [m, { [change]: mask }]));
}

export const UNMODELLED: readonly Unmodelled[] = [
  { control: 'proc2.CONCEAL_VMX_FROM_PT', check: 'exec.proc2-reserved-bits', sdm: '27.2.1.1', missing: 'Intel PT',
    activators: ['proc.ACTIVATE_SECONDARY_CONTROLS'], enterWhenAllowed: true, base: 'skylake-server', clear: true },
  { control: 'exit.CONCEAL_VMX_FROM_PT', check: 'exit.reserved-bits', sdm: '27.2.1.2', missing: 'Intel PT',
    activators: [], enterWhenAllowed: true, base: 'skylake-server', clear: true },
  { control: 'entry.CONCEAL_VMX_FROM_PT', check: 'entry.reserved-bits', sdm: '27.2.1.3', missing: 'Intel PT',
    activators: [], enterWhenAllowed: true, base: 'skylake-server', clear: true },
  { control: 'proc3.PEBS_USES_GUEST_PHYSICAL_ADDRESSES', check: 'exec.proc3-reserved-bits', sdm: '27.2.1.1', missing: 'PEBS',
    activators: ['proc.ACTIVATE_TERTIARY_CONTROLS'], base: 'sapphire-rapids-server' },
  { control: 'proc3.APIC_TIMER_VIRTUALIZATION', check: 'exec.proc3-reserved-bits', sdm: '27.2.1.1', missing: 'APIC-timer virtualization',
    activators: ['proc.ACTIVATE_TERTIARY_CONTROLS'], base: 'sapphire-rapids-server' },
  { control: 'proc3.ENABLE_PBNDKB', check: 'exec.proc3-reserved-bits', sdm: '27.2.1.1', missing: 'PBNDKB',
    activators: ['proc.ACTIVATE_TERTIARY_CONTROLS'], base: 'sapphire-rapids-server' },
  // Secondary exit controls offered (IA32_VMX_EXIT_CTLS bit 63), "load IA32_SPEC_CTRL" (bit 2) the only one allowed.
  { control: 'exit2.PREMATURELY_BUSY_SHADOW_STACK', check: 'exit.secondary-reserved-bits', sdm: '27.2.1.2', missing: 'CET shadow stacks',
    activators: ['exit.ACTIVATE_SECONDARY_CONTROLS'], base: 'skylake-server',
    msrs: { ...allowedOne('exit.ACTIVATE_SECONDARY_CONTROLS', 'set'), ...allowedOne('exit2.LOAD_IA32_SPEC_CTRL', 'set') } },
  { control: 'entry.ALLOW_SEAM_GUEST_TELEMETRY', check: 'entry.reserved-bits', sdm: '27.2.1.3', missing: 'SEAM (Intel TDX)',
    activators: [], base: 'skylake-server' },
];

function notAllowed(u: Unmodelled): Profile {
  const msrs = { ...(u.clear ? allowedOne(u.control, 'clear') : {}), ...u.msrs };
  return { name: u.base, ...(Object.keys(msrs).length ? { msrs } : {}) };
}

export function unmodelledControlCases(): ConformanceCase[] {
  const p = program(() => undefined, () => undefined);
  const guest = { code: p.code, disassembly: p.disassembly };
  const out: ConformanceCase[] = [];
  for (const u of UNMODELLED) {
    const name = u.control.replace('.', '-').toLowerCase().replace(/_/g, '-');
    const requires: Condition[] = u.activators.map((control) => ({ control }));
    out.push({
      id: `controls.unmodelled.${name}.not-allowed`,
      title: `${u.control} (${u.missing}, not modelled) set to 1 on a processor whose capability MSR does not allow its 1-setting: VMLAUNCH fails with VMfailValid 7 (${u.check})`,
      sdm: [u.sdm, '31.4', 'A.3'],
      tags: ['controls', 'unmodelled', 'profile-variant'],
      profile: notAllowed(u),
      ...(requires.length ? { requires } : {}),
      excludes: [{ control: u.control }],
      setup: { controls: { set: [...u.activators, u.control] } },
      guest,
      steps: [{ op: 'vmlaunch', expect: { kind: 'vmfail-valid', error: 7 } }],
    });
    if (u.enterWhenAllowed) {
      out.push({
        id: `controls.unmodelled.${name}.allowed`,
        title: `${u.control} set to 1 where the capability MSR allows it: VM entry succeeds and the guest reaches its VMCALL (the control changes only ${u.missing} output, which is not modelled)`,
        sdm: [u.sdm, '25.6.2', '26.1.3'],
        tags: ['controls', 'unmodelled'],
        requires: [...requires, { control: u.control }],
        setup: { controls: { set: [...u.activators, u.control] } },
        guest,
        steps: [{ op: 'vmlaunch', expect: { kind: 'vm-exit', exitReason: 18, fields: { GUEST_RIP: hex(p.vmcallAt) } } }],
      });
    }
  }
  return out;
}
