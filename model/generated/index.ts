// generated — do not edit. Produced by `npm run gen` (spec/codegen) from spec/schemas and spec/data.
/* eslint-disable */
// The public face of the generated spec tables.
export type { ConstId, SdmRef, Hex, Condition, CamelId, CaseStep, CaseOutcome, EntryOutcome, CaseOutcome1, CaseOutcome2, EntryOutcome1, MemoryTypeId, VmxsimSpec, ApicRegisterCatalogue, ApicRegister, CapabilityMsrCatalogue, CapabilityMsr, ConformanceCase, ProfileImplementation, FieldStep, EntryStep, Stimulus, HostStep, ControlGroup, ControlBit, CpuProfile, ExitReasonCatalogue, ExitReason, LayoutCatalogue, Layout, BitField, MemoryTypeCatalogue, MemoryType, MemoryTypeCombination, VmEntryCheckCatalogue, VmEntryCheck, VmInstructionErrorCatalogue, VmInstructionError, VmcsFieldCatalogue, VmcsField } from './types.js';
export * from './vmcs-fields.js';
export * from './controls.js';
export * from './exit-reasons.js';
export * from './layouts.js';
export * from './vm-instruction-errors.js';
export * from './vm-entry-checks.js';
export * from './capability-msrs.js';
export * from './profiles.js';
export * from './apic-registers.js';
export * from './memory-types.js';
export * from './schemas.js';
