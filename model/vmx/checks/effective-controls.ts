// The VMX controls as VM entry sees them (SDM 25.6.2, 25.7.1, 25.6.14): a secondary, tertiary or
// secondary VM-exit control, or a VM-function control, counts only when the control that activates its
// field is 1; otherwise the whole field is treated as 0 whatever it holds.
import { CONTROL_GROUPS, type ControlGroupId, type ControlGroupInfo, type ControlRef } from '../../generated/index.js';
import type { EntryContext } from './context.js';

const groups = new Map<ControlGroupId, ControlGroupInfo>(CONTROL_GROUPS.map((g) => [g.id, g]));

/** The control that activates a group's field, if any (SDM 25.6.2, 25.7.1, 25.6.14). */
const ACTIVATED_BY: Partial<Record<ControlGroupId, ControlRef>> = {
  proc2: 'proc.ACTIVATE_SECONDARY_CONTROLS',
  proc3: 'proc.ACTIVATE_TERTIARY_CONTROLS',
  exit2: 'exit.ACTIVATE_SECONDARY_CONTROLS',
  vmfunc: 'proc2.ENABLE_VM_FUNCTIONS',
};

/** The VMCS field holding a control group, as stored (no activation applied). */
export function rawControls(ctx: EntryContext, group: ControlGroupId): bigint {
  return ctx.vmcs.get(groups.get(group)!.vmcsField);
}

/** Whether the field of a group is in effect: its activating control (if any) is itself in effect and 1. */
export function groupActive(ctx: EntryContext, group: ControlGroupId): boolean {
  const by = ACTIVATED_BY[group];
  return by === undefined || controlOn(ctx, by);
}

/** A control group's field as VM entry treats it: 0 when the field is not activated. */
export function effectiveControls(ctx: EntryContext, group: ControlGroupId): bigint {
  return groupActive(ctx, group) ? rawControls(ctx, group) : 0n;
}

/** Each control's group and bit mask, from the generated control table (computed once: VM entry asks often). */
const controls = new Map<string, { group: ControlGroupId; mask: bigint }>(
  CONTROL_GROUPS.flatMap((g) => g.bits.map((b) => [`${g.id}.${b.id}`, { group: g.id, mask: 1n << BigInt(b.bit) }] as const)),
);

/** The bit mask of a control within its field. */
export function controlMask(ref: ControlRef): bigint {
  return controls.get(ref)!.mask;
}

/** Whether a control is 1 as VM entry treats it. */
export function controlOn(ctx: EntryContext, ref: ControlRef): boolean {
  const c = controls.get(ref)!;
  return (effectiveControls(ctx, c.group) & c.mask) !== 0n;
}

/** A control field holds only settings the capability MSRs allow (SDM 27.2.1.1-27.2.1.3, A.3-A.5, A.11). */
export function controlsAllowed(ctx: EntryContext, group: ControlGroupId): boolean {
  const v = rawControls(ctx, group);
  const { required1, allowed1 } = ctx.caps.allowed(group);
  return (v & required1) === required1 && (v & ~allowed1) === 0n;
}
