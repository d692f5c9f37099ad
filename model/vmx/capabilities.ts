// What the modelled processor supports in VMX operation, read from its profile's capability MSRs
// (SDM Appendix A). Everything capability-dependent in model/vmx asks this object.
import {
  CONTROL_GROUPS, VMCS_EXTENSION_FIELDS, VMCS_FIELDS, type Condition, type ControlGroupId, type ControlGroupInfo, type ControlRef, type CpuProfile,
  type MsrIa32VmxBasic, type MsrIa32VmxMisc, type VmcsFieldInfo, unpackMsrIa32VmxBasic, unpackMsrIa32VmxMisc,
} from '../generated/index.js';
import { slotOf } from './vmcs.js';
import { type AllowedSettings, allowedSettings, conditionHolds, msrValues } from '../profile/capabilities.js';

/** A field an encoding names: the high access type of a 64-bit field is the encoding + 1 (SDM 25.11.2). */
export interface FieldRef {
  readonly field: VmcsFieldInfo;
  readonly high: boolean;
  /** Its storage slot in the model's VMCS (vmcs.ts). */
  readonly slot: number;
}

export class VmxCapabilities {
  readonly profile: CpuProfile;
  readonly msrs: ReadonlyMap<string, bigint>;
  readonly basic: MsrIa32VmxBasic;
  readonly misc: MsrIa32VmxMisc;
  /** The fields this processor's VMCS has, in Appendix B order, then any enabled model-extension fields. */
  readonly fields: readonly VmcsFieldInfo[];
  private readonly allowedByGroup = new Map<ControlGroupId, AllowedSettings>();
  /**
   * Full and high access encodings of this processor's fields (SDM 25.11.2), answered without allocating:
   * encodings below 8000H (every field's: bit 15 is reserved, 25.11.2) index refIndex, which holds 1 + the
   * position of the FieldRef in refs, or 0.
   */
  private readonly refIndex = new Uint16Array(0x8000);
  private readonly refs: FieldRef[] = [];
  private readonly holdsCache = new Map<string, boolean>();

  constructor(profile: CpuProfile) {
    this.profile = profile;
    this.msrs = msrValues(profile);
    this.basic = unpackMsrIa32VmxBasic(this.msrs.get('IA32_VMX_BASIC') ?? 0n);
    this.misc = unpackMsrIa32VmxMisc(this.msrs.get('IA32_VMX_MISC') ?? 0n);
    for (const g of CONTROL_GROUPS) this.allowedByGroup.set(g.id, allowedSettings(g, this.msrs, true));
    // A model-extension field (not in the SDM) exists only when the profile enables its extension.
    const extensions = profile.extensions?.privilegeLevelExiting === true;
    this.fields = [
      ...VMCS_FIELDS.filter((f) => f.existsWhen.length === 0 || f.existsWhen.some((c) => this.holds(c))),
      ...(extensions ? VMCS_EXTENSION_FIELDS : []),
    ];
    const add = (encoding: number, ref: FieldRef): void => {
      if (encoding >= 0x8000) throw new Error(`VMCS field encoding ${encoding.toString(16)}H has bit 15 set (SDM 25.11.2)`);
      this.refs.push(ref);
      this.refIndex[encoding] = this.refs.length;
    };
    for (const f of this.fields) {
      add(f.encoding, { field: f, high: false, slot: slotOf(f) });
      if (f.width === '64') add(f.encoding + 1, { field: f, high: true, slot: slotOf(f) });
    }
  }

  /** The profile enables the privilege-level-exiting model extension (NOT in the SDM; extension-privilege-exiting.ts). */
  get privilegeLevelExiting(): boolean {
    return this.profile.extensions?.privilegeLevelExiting === true;
  }

  /** The VMCS revision identifier (A.1). */
  get revisionId(): number {
    return this.basic.vmcsRevisionId;
  }

  /** Bytes the software must allocate for a VMCS or VMXON region (A.1). */
  get vmcsRegionSize(): number {
    return this.basic.vmcsRegionSize;
  }

  /** Allowed settings of a control group, from the TRUE MSR where the processor has one (A.3.1). */
  allowed(group: ControlGroupId): AllowedSettings {
    return this.allowedByGroup.get(group) ?? { required1: 0n, allowed1: 0n };
  }

  /** Whether the processor allows the 1-setting of a control. */
  supports(ref: ControlRef): boolean {
    return this.holds({ control: ref });
  }

  /** Whether a capability condition holds; answers are cached (the profile never changes). */
  holds(cond: Condition): boolean {
    const key = 'control' in cond ? cond.control : `${cond.msr}.${cond.field}`;
    let v = this.holdsCache.get(key);
    if (v === undefined) this.holdsCache.set(key, (v = conditionHolds(cond, this.msrs)));
    return v;
  }

  /** The field an encoding names on this processor (full or high access), if it exists here (SDM 25.11.2). */
  field(encoding: number): FieldRef | undefined {
    if (encoding < 0 || encoding >= 0x8000) return undefined;
    const i = this.refIndex[encoding]!;
    return i === 0 ? undefined : this.refs[i - 1];
  }

  /** VMWRITE may write the VM-exit information fields when IA32_VMX_MISC bit 29 is 1 (A.6). */
  get vmwriteAnyField(): boolean {
    return this.misc.vmwriteAnyField;
  }

  group(id: ControlGroupId): ControlGroupInfo {
    return CONTROL_GROUPS.find((g) => g.id === id)!;
  }
}
