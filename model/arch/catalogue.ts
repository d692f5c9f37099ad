// Look-ups over the generated catalogues, by the keys people use: encodings, names, numbers.
import {
  CAPABILITY_MSRS, CONTROL_GROUPS, EXIT_REASONS, LAYOUTS, VM_INSTRUCTION_ERRORS, VMCS_EXTENSION_FIELDS, VMCS_FIELDS,
  type CapabilityMsrInfo, type ControlGroupInfo, type ExitReasonInfo, type LayoutInfo, type VmInstructionErrorInfo,
  type VmcsFieldInfo,
} from '../generated/index.js';
import type { BitField } from '../generated/types.js';

/** Appendix B's fields and the model's extension fields (marked as such in their data). */
const ALL_FIELDS = [...VMCS_FIELDS, ...VMCS_EXTENSION_FIELDS];
const fieldsByEncoding = new Map<number, VmcsFieldInfo>(ALL_FIELDS.map((f) => [f.encoding, f]));
const fieldsById = new Map<string, VmcsFieldInfo>(ALL_FIELDS.map((f) => [f.id, f]));
const reasonsByNumber = new Map<number, ExitReasonInfo>(EXIT_REASONS.map((r) => [r.number, r]));
const layoutsById = new Map<string, LayoutInfo>(LAYOUTS.map((l) => [l.id, l]));
const groupsById = new Map<string, ControlGroupInfo>(CONTROL_GROUPS.map((g) => [g.id, g]));
const errorsByNumber = new Map<number, VmInstructionErrorInfo>(VM_INSTRUCTION_ERRORS.map((e) => [e.number, e]));
const msrsById = new Map<string, CapabilityMsrInfo>(CAPABILITY_MSRS.map((m) => [m.id, m]));
const msrsByAddress = new Map<number, CapabilityMsrInfo>(CAPABILITY_MSRS.map((m) => [m.address, m]));

/** The field an encoding names; for the high half of a 64-bit field, that field (SDM 25.11.2). */
export function fieldByEncoding(encoding: number): { field: VmcsFieldInfo; high: boolean } | undefined {
  const full = fieldsByEncoding.get(encoding);
  if (full) return { field: full, high: false };
  const low = fieldsByEncoding.get(encoding - 1);
  if (low && low.width === '64' && (encoding & 1) === 1) return { field: low, high: true };
  return undefined;
}

export function fieldById(id: string): VmcsFieldInfo | undefined {
  return fieldsById.get(id.toUpperCase());
}

export function exitReasonByNumber(n: number): ExitReasonInfo | undefined {
  return reasonsByNumber.get(n);
}

export function layoutById(id: string): LayoutInfo | undefined {
  return layoutsById.get(id);
}

/** A field of a layout spec data must have (the model's code names it); throws naming both when it is missing. */
export function layoutField(layoutId: string, fieldId: string): BitField {
  const f = layoutsById.get(layoutId)?.fields.find((x) => x.id === fieldId);
  if (f === undefined) throw new Error(`spec/data/layouts: no field ${fieldId} in layout ${layoutId}`);
  return f;
}

/** The number a layout field's named value has (the SDM's tables as spec/data records them). */
export function layoutValue(layoutId: string, fieldId: string, name: string): number {
  const found = Object.entries(layoutField(layoutId, fieldId).values ?? {}).find(([, n]) => n === name);
  if (found === undefined) throw new Error(`spec/data/layouts: layout ${layoutId}.${fieldId} has no value "${name}"`);
  return Number(found[0]);
}

/** A layout by its id or by a unique suffix of it ("cr-access" for exit-qualification.cr-access). */
export function findLayouts(name: string): LayoutInfo[] {
  const exact = layoutsById.get(name);
  if (exact) return [exact];
  return LAYOUTS.filter((l) => l.id.endsWith('.' + name));
}

export function controlGroupById(id: string): ControlGroupInfo | undefined {
  return groupsById.get(id);
}

export function vmInstructionError(n: number): VmInstructionErrorInfo | undefined {
  return errorsByNumber.get(n);
}

export function capabilityMsr(idOrAddress: string | number): CapabilityMsrInfo | undefined {
  return typeof idOrAddress === 'number' ? msrsByAddress.get(idOrAddress) : msrsById.get(idOrAddress.toUpperCase());
}
