// generated — do not edit. Produced by `npm run gen` (spec/codegen) from spec/schemas and spec/data.
/* eslint-disable */
// VM-instruction error numbers (SDM 31.4, Table 31-1).

export const VM_INSTRUCTION_ERROR = {
  VMCALL_IN_VMX_ROOT_OPERATION: 1,
  VMCLEAR_INVALID_ADDRESS: 2,
  VMCLEAR_VMXON_POINTER: 3,
  VMLAUNCH_NONCLEAR_VMCS: 4,
  VMRESUME_NONLAUNCHED_VMCS: 5,
  VMRESUME_AFTER_VMXOFF: 6,
  VMENTRY_INVALID_CONTROL_FIELDS: 7,
  VMENTRY_INVALID_HOST_STATE_FIELDS: 8,
  VMPTRLD_INVALID_ADDRESS: 9,
  VMPTRLD_VMXON_POINTER: 10,
  VMPTRLD_INCORRECT_REVISION_ID: 11,
  VMREAD_VMWRITE_UNSUPPORTED_COMPONENT: 12,
  VMWRITE_READ_ONLY_COMPONENT: 13,
  VMXON_IN_VMX_ROOT_OPERATION: 15,
  VMENTRY_INVALID_EXECUTIVE_VMCS_POINTER: 16,
  VMENTRY_NONLAUNCHED_EXECUTIVE_VMCS: 17,
  VMENTRY_EXECUTIVE_VMCS_POINTER_NOT_VMXON_POINTER: 18,
  VMCALL_NONCLEAR_VMCS: 19,
  VMCALL_INVALID_VM_EXIT_CONTROL_FIELDS: 20,
  VMCALL_INCORRECT_MSEG_REVISION_ID: 22,
  VMXOFF_UNDER_DUAL_MONITOR_TREATMENT: 23,
  VMCALL_INVALID_SMM_MONITOR_FEATURES: 24,
  VMENTRY_INVALID_VM_EXECUTION_CONTROL_FIELDS_IN_EXECUTIVE_VMCS: 25,
  VMENTRY_EVENTS_BLOCKED_BY_MOV_SS: 26,
  INVALID_OPERAND_TO_INVEPT_INVVPID: 28,
} as const;
export type VmInstructionErrorId = keyof typeof VM_INSTRUCTION_ERROR;

export interface VmInstructionErrorInfo {
  readonly number: number;
  readonly id: VmInstructionErrorId;
  readonly name: string;
  readonly instructions: readonly string[];
  readonly sdm: string;
  /** Set when the current pseudocode can no longer produce the error (coverage shows it as not produced). */
  readonly notProduced?: { readonly why: string; readonly sdm: readonly string[] };
}

export const VM_INSTRUCTION_ERRORS: readonly VmInstructionErrorInfo[] = [
  { number: 1, id: "VMCALL_IN_VMX_ROOT_OPERATION", name: "VMCALL executed in VMX root operation", instructions: ["VMCALL"], sdm: "31.4" },
  { number: 2, id: "VMCLEAR_INVALID_ADDRESS", name: "VMCLEAR with invalid physical address", instructions: ["VMCLEAR"], sdm: "31.4" },
  { number: 3, id: "VMCLEAR_VMXON_POINTER", name: "VMCLEAR with VMXON pointer", instructions: ["VMCLEAR"], sdm: "31.4" },
  { number: 4, id: "VMLAUNCH_NONCLEAR_VMCS", name: "VMLAUNCH with non-clear VMCS", instructions: ["VMLAUNCH"], sdm: "31.4" },
  { number: 5, id: "VMRESUME_NONLAUNCHED_VMCS", name: "VMRESUME with non-launched VMCS", instructions: ["VMRESUME"], sdm: "31.4" },
  { number: 6, id: "VMRESUME_AFTER_VMXOFF", name: "VMRESUME after VMXOFF (VMXOFF and VMXON between VMLAUNCH and VMRESUME)", instructions: ["VMRESUME"], sdm: "31.4", notProduced: { why: "The VMLAUNCH/VMRESUME operation pseudocode has no path to error 6 (its VMfailValid errors are 26, 4, 5, 7, 8 and, for entries from SMM, 16-18 and 25): VMXON makes the current-VMCS pointer invalid, so VMRESUME after VMXOFF and VMXON fails with VMfailInvalid, and after a VMPTRLD of the VMCS (cleared before VMXOFF, as 25.11.1 asks) with error 5 (VMRESUME with non-launched VMCS). Table 31-1 keeps the number; an earlier edition called it VMRESUME with a corrupted VMCS.", sdm: ["31.3", "31.4", "25.11.1"] } },
  { number: 7, id: "VMENTRY_INVALID_CONTROL_FIELDS", name: "VM entry with invalid control field(s)", instructions: ["VMLAUNCH", "VMRESUME"], sdm: "31.4" },
  { number: 8, id: "VMENTRY_INVALID_HOST_STATE_FIELDS", name: "VM entry with invalid host-state field(s)", instructions: ["VMLAUNCH", "VMRESUME"], sdm: "31.4" },
  { number: 9, id: "VMPTRLD_INVALID_ADDRESS", name: "VMPTRLD with invalid physical address", instructions: ["VMPTRLD"], sdm: "31.4" },
  { number: 10, id: "VMPTRLD_VMXON_POINTER", name: "VMPTRLD with VMXON pointer", instructions: ["VMPTRLD"], sdm: "31.4" },
  { number: 11, id: "VMPTRLD_INCORRECT_REVISION_ID", name: "VMPTRLD with incorrect VMCS revision identifier", instructions: ["VMPTRLD"], sdm: "31.4" },
  { number: 12, id: "VMREAD_VMWRITE_UNSUPPORTED_COMPONENT", name: "VMREAD/VMWRITE from/to unsupported VMCS component", instructions: ["VMREAD", "VMWRITE"], sdm: "31.4" },
  { number: 13, id: "VMWRITE_READ_ONLY_COMPONENT", name: "VMWRITE to read-only VMCS component", instructions: ["VMWRITE"], sdm: "31.4" },
  { number: 15, id: "VMXON_IN_VMX_ROOT_OPERATION", name: "VMXON executed in VMX root operation", instructions: ["VMXON"], sdm: "31.4" },
  { number: 16, id: "VMENTRY_INVALID_EXECUTIVE_VMCS_POINTER", name: "VM entry with invalid executive-VMCS pointer", instructions: ["VMLAUNCH", "VMRESUME"], sdm: "31.4" },
  { number: 17, id: "VMENTRY_NONLAUNCHED_EXECUTIVE_VMCS", name: "VM entry with non-launched executive VMCS", instructions: ["VMLAUNCH", "VMRESUME"], sdm: "31.4" },
  { number: 18, id: "VMENTRY_EXECUTIVE_VMCS_POINTER_NOT_VMXON_POINTER", name: "VM entry with executive-VMCS pointer not VMXON pointer (when attempting to deactivate the dual-monitor treatment of SMIs and SMM)", instructions: ["VMLAUNCH", "VMRESUME"], sdm: "31.4" },
  { number: 19, id: "VMCALL_NONCLEAR_VMCS", name: "VMCALL with non-clear VMCS (when attempting to activate the dual-monitor treatment of SMIs and SMM)", instructions: ["VMCALL"], sdm: "31.4" },
  { number: 20, id: "VMCALL_INVALID_VM_EXIT_CONTROL_FIELDS", name: "VMCALL with invalid VM-exit control fields", instructions: ["VMCALL"], sdm: "31.4" },
  { number: 22, id: "VMCALL_INCORRECT_MSEG_REVISION_ID", name: "VMCALL with incorrect MSEG revision identifier (when attempting to activate the dual-monitor treatment of SMIs and SMM)", instructions: ["VMCALL"], sdm: "31.4" },
  { number: 23, id: "VMXOFF_UNDER_DUAL_MONITOR_TREATMENT", name: "VMXOFF under dual-monitor treatment of SMIs and SMM", instructions: ["VMXOFF"], sdm: "31.4" },
  { number: 24, id: "VMCALL_INVALID_SMM_MONITOR_FEATURES", name: "VMCALL with invalid SMM-monitor features (when attempting to activate the dual-monitor treatment of SMIs and SMM)", instructions: ["VMCALL"], sdm: "31.4" },
  { number: 25, id: "VMENTRY_INVALID_VM_EXECUTION_CONTROL_FIELDS_IN_EXECUTIVE_VMCS", name: "VM entry with invalid VM-execution control fields in executive VMCS (when attempting to return from SMM)", instructions: ["VMLAUNCH", "VMRESUME"], sdm: "31.4" },
  { number: 26, id: "VMENTRY_EVENTS_BLOCKED_BY_MOV_SS", name: "VM entry with events blocked by MOV SS", instructions: ["VMLAUNCH", "VMRESUME"], sdm: "31.4" },
  { number: 28, id: "INVALID_OPERAND_TO_INVEPT_INVVPID", name: "Invalid operand to INVEPT/INVVPID", instructions: ["INVEPT", "INVVPID"], sdm: "31.4" },
];
