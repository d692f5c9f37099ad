// generated — do not edit. Produced by `npm run gen` (spec/codegen) from spec/schemas and spec/data.
/* eslint-disable */
// The VMX capability MSRs (SDM Vol. 3C Appendix A) and IA32_FEATURE_CONTROL.
import type { CapabilityMsr } from './types.js';

export const CAPABILITY_MSR = {
  IA32_FEATURE_CONTROL: 0x3A,
  IA32_VMX_BASIC: 0x480,
  IA32_VMX_PINBASED_CTLS: 0x481,
  IA32_VMX_PROCBASED_CTLS: 0x482,
  IA32_VMX_EXIT_CTLS: 0x483,
  IA32_VMX_ENTRY_CTLS: 0x484,
  IA32_VMX_MISC: 0x485,
  IA32_VMX_CR0_FIXED0: 0x486,
  IA32_VMX_CR0_FIXED1: 0x487,
  IA32_VMX_CR4_FIXED0: 0x488,
  IA32_VMX_CR4_FIXED1: 0x489,
  IA32_VMX_VMCS_ENUM: 0x48A,
  IA32_VMX_PROCBASED_CTLS2: 0x48B,
  IA32_VMX_EPT_VPID_CAP: 0x48C,
  IA32_VMX_TRUE_PINBASED_CTLS: 0x48D,
  IA32_VMX_TRUE_PROCBASED_CTLS: 0x48E,
  IA32_VMX_TRUE_EXIT_CTLS: 0x48F,
  IA32_VMX_TRUE_ENTRY_CTLS: 0x490,
  IA32_VMX_VMFUNC: 0x491,
  IA32_VMX_PROCBASED_CTLS3: 0x492,
  IA32_VMX_EXIT_CTLS2: 0x493,
} as const;
export type CapabilityMsrId = keyof typeof CAPABILITY_MSR;

export interface CapabilityMsrInfo extends Omit<CapabilityMsr, 'id' | 'address'> {
  readonly id: CapabilityMsrId;
  readonly address: number;
}

export const CAPABILITY_MSRS: readonly CapabilityMsrInfo[] = [
  { id: "IA32_FEATURE_CONTROL", address: 58, kind: "layout", layout: "msr.ia32-feature-control", sdm: "24.7", description: "Firmware-locked enables for VMXON inside and outside SMX operation, SENTER and SGX." },
  { id: "IA32_VMX_BASIC", address: 1152, kind: "layout", layout: "msr.ia32-vmx-basic", sdm: "A.1", description: "VMCS revision identifier, region size, memory type and basic VMX capabilities." },
  { id: "IA32_VMX_PINBASED_CTLS", address: 1153, kind: "allowed-0-and-1", controls: "pin", sdm: "A.3.1", description: "Allowed settings of the pin-based VM-execution controls; default1 bits always read as must-be-1." },
  { id: "IA32_VMX_PROCBASED_CTLS", address: 1154, kind: "allowed-0-and-1", controls: "proc", sdm: "A.3.2", description: "Allowed settings of the primary processor-based VM-execution controls; default1 bits always read as must-be-1." },
  { id: "IA32_VMX_EXIT_CTLS", address: 1155, kind: "allowed-0-and-1", controls: "exit", sdm: "A.4.1", description: "Allowed settings of the primary VM-exit controls; default1 bits always read as must-be-1." },
  { id: "IA32_VMX_ENTRY_CTLS", address: 1156, kind: "allowed-0-and-1", controls: "entry", sdm: "A.5", description: "Allowed settings of the VM-entry controls; default1 bits always read as must-be-1." },
  { id: "IA32_VMX_MISC", address: 1157, kind: "layout", layout: "msr.ia32-vmx-misc", sdm: "A.6", description: "Miscellaneous VMX data such as the preemption-timer rate, supported activity states and CR3-target count." },
  { id: "IA32_VMX_CR0_FIXED0", address: 1158, kind: "fixed-0", register: "CR0", sdm: "A.7", description: "CR0 bits that must be 1 in VMX operation (a 1 here fixes the bit to 1)." },
  { id: "IA32_VMX_CR0_FIXED1", address: 1159, kind: "fixed-1", register: "CR0", sdm: "A.7", description: "CR0 bits that may be 1 in VMX operation (a 0 here fixes the bit to 0)." },
  { id: "IA32_VMX_CR4_FIXED0", address: 1160, kind: "fixed-0", register: "CR4", sdm: "A.8", description: "CR4 bits that must be 1 in VMX operation (a 1 here fixes the bit to 1)." },
  { id: "IA32_VMX_CR4_FIXED1", address: 1161, kind: "fixed-1", register: "CR4", sdm: "A.8", description: "CR4 bits that may be 1 in VMX operation (a 0 here fixes the bit to 0)." },
  { id: "IA32_VMX_VMCS_ENUM", address: 1162, kind: "layout", layout: "msr.ia32-vmx-vmcs-enum", sdm: "A.9", description: "Highest index used in the encoding of any supported VMCS field." },
  { id: "IA32_VMX_PROCBASED_CTLS2", address: 1163, kind: "allowed-0-and-1", controls: "proc2", existsWhen: [{ control: "proc.ACTIVATE_SECONDARY_CONTROLS" }], sdm: "A.3.3", description: "Allowed settings of the secondary processor-based VM-execution controls (no default1 bits, so the low half reads 0)." },
  { id: "IA32_VMX_EPT_VPID_CAP", address: 1164, kind: "layout", layout: "msr.ia32-vmx-ept-vpid-cap", existsWhen: [{ control: "proc2.ENABLE_EPT" }, { control: "proc2.ENABLE_VPID" }], sdm: "A.10", description: "Supported EPT features, INVEPT types and INVVPID types." },
  { id: "IA32_VMX_TRUE_PINBASED_CTLS", address: 1165, kind: "allowed-0-and-1", controls: "pin", existsWhen: [{ msr: "IA32_VMX_BASIC", field: "trueControls" }], sdm: "A.3.1", description: "Allowed settings of every pin-based VM-execution control, including which default1 bits may be 0." },
  { id: "IA32_VMX_TRUE_PROCBASED_CTLS", address: 1166, kind: "allowed-0-and-1", controls: "proc", existsWhen: [{ msr: "IA32_VMX_BASIC", field: "trueControls" }], sdm: "A.3.2", description: "Allowed settings of every primary processor-based VM-execution control, including which default1 bits may be 0." },
  { id: "IA32_VMX_TRUE_EXIT_CTLS", address: 1167, kind: "allowed-0-and-1", controls: "exit", existsWhen: [{ msr: "IA32_VMX_BASIC", field: "trueControls" }], sdm: "A.4.1", description: "Allowed settings of every primary VM-exit control, including which default1 bits may be 0." },
  { id: "IA32_VMX_TRUE_ENTRY_CTLS", address: 1168, kind: "allowed-0-and-1", controls: "entry", existsWhen: [{ msr: "IA32_VMX_BASIC", field: "trueControls" }], sdm: "A.5", description: "Allowed settings of every VM-entry control, including which default1 bits may be 0." },
  { id: "IA32_VMX_VMFUNC", address: 1169, kind: "allowed-1", controls: "vmfunc", existsWhen: [{ control: "proc2.ENABLE_VM_FUNCTIONS" }], sdm: "A.11", description: "64-bit mask of the VM-function controls that may be 1." },
  { id: "IA32_VMX_PROCBASED_CTLS3", address: 1170, kind: "allowed-1", controls: "proc3", existsWhen: [{ control: "proc.ACTIVATE_TERTIARY_CONTROLS" }], sdm: "A.3.4", description: "64-bit mask of the tertiary processor-based VM-execution controls that may be 1." },
  { id: "IA32_VMX_EXIT_CTLS2", address: 1171, kind: "allowed-1", controls: "exit2", existsWhen: [{ control: "exit.ACTIVATE_SECONDARY_CONTROLS" }], sdm: "A.4.2", description: "64-bit mask of the secondary VM-exit controls that may be 1." },
];
