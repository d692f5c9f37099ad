// Decoding values by their layout: every bit field by name, the way one reads a crash dump.
import type { ControlBitInfo, ControlGroupInfo, LayoutInfo } from '../generated/index.js';
import type { BitField } from '../generated/types.js';

export interface DecodedField {
  readonly field: BitField;
  readonly value: bigint;
  /** The name of the value, where the SDM names it. */
  readonly meaning?: string;
}

export interface DecodedLayout {
  readonly layout: LayoutInfo;
  readonly value: bigint;
  readonly fields: readonly DecodedField[];
  /** Set bits that no defined field covers (reserved). */
  readonly undefinedBits: bigint;
}

export function fieldMask(f: BitField): bigint {
  return ((1n << BigInt(f.msb - f.lsb + 1)) - 1n) << BigInt(f.lsb);
}

export function definedMask(layout: LayoutInfo): bigint {
  return layout.fields.reduce((m, f) => m | fieldMask(f), 0n);
}

/** Callers check `value` fits in the layout's width first. */
export function decodeLayout(layout: LayoutInfo, value: bigint): DecodedLayout {
  const fields = layout.fields.map((field): DecodedField => {
    const v = (value & fieldMask(field)) >> BigInt(field.lsb);
    const meaning = field.values?.[v.toString()];
    return meaning === undefined ? { field, value: v } : { field, value: v, meaning };
  });
  return { layout, value, fields, undefinedBits: value & ~definedMask(layout) };
}

export interface DecodedControls {
  readonly group: ControlGroupInfo;
  readonly value: bigint;
  readonly set: readonly ControlBitInfo[];
  /** Set bits the SDM does not define. */
  readonly undefinedBits: bigint;
}

export function decodeControls(group: ControlGroupInfo, value: bigint): DecodedControls {
  const set = group.bits.filter((b) => (value >> BigInt(b.bit)) & 1n);
  return { group, value, set, undefinedBits: value & ~group.definedMask };
}
