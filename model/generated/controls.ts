// generated — do not edit. Produced by `npm run gen` (spec/codegen) from spec/schemas and spec/data.
/* eslint-disable */
// Every VMX control bit (SDM 25.6-25.8) with its capability MSR (Appendix A).
import type { VmcsFieldId } from './vmcs-fields.js';

/** Pin-Based VM-Execution Controls (SDM 25.6.1): bit masks. */
export const PIN_CTLS = {
  EXTERNAL_INTERRUPT_EXITING: 0x1,
  NMI_EXITING: 0x8,
  VIRTUAL_NMIS: 0x20,
  ACTIVATE_VMX_PREEMPTION_TIMER: 0x40,
  PROCESS_POSTED_INTERRUPTS: 0x80,
} as const;

/** Primary Processor-Based VM-Execution Controls (SDM 25.6.2): bit masks. */
export const PROC_CTLS = {
  INTERRUPT_WINDOW_EXITING: 0x4,
  USE_TSC_OFFSETTING: 0x8,
  HLT_EXITING: 0x80,
  INVLPG_EXITING: 0x200,
  MWAIT_EXITING: 0x400,
  RDPMC_EXITING: 0x800,
  RDTSC_EXITING: 0x1000,
  CR3_LOAD_EXITING: 0x8000,
  CR3_STORE_EXITING: 0x10000,
  ACTIVATE_TERTIARY_CONTROLS: 0x20000,
  CR8_LOAD_EXITING: 0x80000,
  CR8_STORE_EXITING: 0x100000,
  USE_TPR_SHADOW: 0x200000,
  NMI_WINDOW_EXITING: 0x400000,
  MOV_DR_EXITING: 0x800000,
  UNCONDITIONAL_IO_EXITING: 0x1000000,
  USE_IO_BITMAPS: 0x2000000,
  MONITOR_TRAP_FLAG: 0x8000000,
  USE_MSR_BITMAPS: 0x10000000,
  MONITOR_EXITING: 0x20000000,
  PAUSE_EXITING: 0x40000000,
  ACTIVATE_SECONDARY_CONTROLS: 0x80000000,
} as const;

/** Secondary Processor-Based VM-Execution Controls (SDM 25.6.2): bit masks. */
export const PROC2_CTLS = {
  VIRTUALIZE_APIC_ACCESSES: 0x1,
  ENABLE_EPT: 0x2,
  DESCRIPTOR_TABLE_EXITING: 0x4,
  ENABLE_RDTSCP: 0x8,
  VIRTUALIZE_X2APIC_MODE: 0x10,
  ENABLE_VPID: 0x20,
  WBINVD_EXITING: 0x40,
  UNRESTRICTED_GUEST: 0x80,
  APIC_REGISTER_VIRTUALIZATION: 0x100,
  VIRTUAL_INTERRUPT_DELIVERY: 0x200,
  PAUSE_LOOP_EXITING: 0x400,
  RDRAND_EXITING: 0x800,
  ENABLE_INVPCID: 0x1000,
  ENABLE_VM_FUNCTIONS: 0x2000,
  VMCS_SHADOWING: 0x4000,
  ENABLE_ENCLS_EXITING: 0x8000,
  RDSEED_EXITING: 0x10000,
  ENABLE_PML: 0x20000,
  EPT_VIOLATION_VE: 0x40000,
  CONCEAL_VMX_FROM_PT: 0x80000,
  ENABLE_XSAVES_XRSTORS: 0x100000,
  PASID_TRANSLATION: 0x200000,
  MODE_BASED_EXECUTE_CONTROL_FOR_EPT: 0x400000,
  SUB_PAGE_WRITE_PERMISSIONS_FOR_EPT: 0x800000,
  PT_USES_GUEST_PHYSICAL_ADDRESSES: 0x1000000,
  USE_TSC_SCALING: 0x2000000,
  ENABLE_USER_WAIT_AND_PAUSE: 0x4000000,
  ENABLE_PCONFIG: 0x8000000,
  ENABLE_ENCLV_EXITING: 0x10000000,
  VMM_BUS_LOCK_DETECTION: 0x40000000,
  INSTRUCTION_TIMEOUT: 0x80000000,
} as const;

/** Tertiary Processor-Based VM-Execution Controls (SDM 25.6.2): bit masks (64-bit field: bigint). */
export const PROC3_CTLS = {
  LOADIWKEY_EXITING: 0x1n,
  ENABLE_HLAT: 0x2n,
  EPT_PAGING_WRITE_CONTROL: 0x4n,
  GUEST_PAGING_VERIFICATION: 0x8n,
  IPI_VIRTUALIZATION: 0x10n,
  SEAM_GUEST_PHYSICAL_ADDRESS_WIDTH: 0x20n,
  ENABLE_MSR_LIST_INSTRUCTIONS: 0x40n,
  VIRTUALIZE_IA32_SPEC_CTRL: 0x80n,
  APIC_TIMER_VIRTUALIZATION: 0x100n,
  ENABLE_PBNDKB: 0x200n,
  PEBS_USES_GUEST_PHYSICAL_ADDRESSES: 0x1000n,
} as const;

/** Primary VM-Exit Controls (SDM 25.7.1): bit masks. */
export const EXIT_CTLS = {
  SAVE_DEBUG_CONTROLS: 0x4,
  HOST_ADDRESS_SPACE_SIZE: 0x200,
  LOAD_IA32_PERF_GLOBAL_CTRL: 0x1000,
  ACKNOWLEDGE_INTERRUPT_ON_EXIT: 0x8000,
  SAVE_IA32_PAT: 0x40000,
  LOAD_IA32_PAT: 0x80000,
  SAVE_IA32_EFER: 0x100000,
  LOAD_IA32_EFER: 0x200000,
  SAVE_VMX_PREEMPTION_TIMER_VALUE: 0x400000,
  CLEAR_IA32_BNDCFGS: 0x800000,
  CONCEAL_VMX_FROM_PT: 0x1000000,
  CLEAR_IA32_RTIT_CTL: 0x2000000,
  CLEAR_IA32_LBR_CTL: 0x4000000,
  CLEAR_UINV: 0x8000000,
  LOAD_CET_STATE: 0x10000000,
  LOAD_PKRS: 0x20000000,
  SAVE_IA32_PERF_GLOBAL_CTL: 0x40000000,
  ACTIVATE_SECONDARY_CONTROLS: 0x80000000,
} as const;

/** Secondary VM-Exit Controls (SDM 25.7.1): bit masks (64-bit field: bigint). */
export const EXIT2_CTLS = {
  SAVE_FRED: 0x1n,
  LOAD_FRED: 0x2n,
  LOAD_IA32_SPEC_CTRL: 0x4n,
  PREMATURELY_BUSY_SHADOW_STACK: 0x8n,
} as const;

/** VM-Entry Controls (SDM 25.8.1): bit masks. */
export const ENTRY_CTLS = {
  LOAD_DEBUG_CONTROLS: 0x4,
  IA32E_MODE_GUEST: 0x200,
  ENTRY_TO_SMM: 0x400,
  DEACTIVATE_DUAL_MONITOR_TREATMENT: 0x800,
  LOAD_IA32_PERF_GLOBAL_CTRL: 0x2000,
  LOAD_IA32_PAT: 0x4000,
  LOAD_IA32_EFER: 0x8000,
  LOAD_IA32_BNDCFGS: 0x10000,
  CONCEAL_VMX_FROM_PT: 0x20000,
  LOAD_IA32_RTIT_CTL: 0x40000,
  LOAD_UINV: 0x80000,
  LOAD_CET_STATE: 0x100000,
  LOAD_GUEST_IA32_LBR_CTL: 0x200000,
  LOAD_PKRS: 0x400000,
  LOAD_FRED: 0x800000,
  LOAD_IA32_SPEC_CTRL: 0x1000000,
  ALLOW_SEAM_GUEST_TELEMETRY: 0x2000000,
} as const;

/** VM-Function Controls (SDM 25.6.14): bit masks (64-bit field: bigint). */
export const VMFUNC_CTLS = {
  EPTP_SWITCHING: 0x1n,
} as const;

export type ControlGroupId =
  | "pin"
  | "proc"
  | "proc2"
  | "proc3"
  | "exit"
  | "exit2"
  | "entry"
  | "vmfunc";
export type ControlRef =
  | "pin.EXTERNAL_INTERRUPT_EXITING"
  | "pin.NMI_EXITING"
  | "pin.VIRTUAL_NMIS"
  | "pin.ACTIVATE_VMX_PREEMPTION_TIMER"
  | "pin.PROCESS_POSTED_INTERRUPTS"
  | "proc.INTERRUPT_WINDOW_EXITING"
  | "proc.USE_TSC_OFFSETTING"
  | "proc.HLT_EXITING"
  | "proc.INVLPG_EXITING"
  | "proc.MWAIT_EXITING"
  | "proc.RDPMC_EXITING"
  | "proc.RDTSC_EXITING"
  | "proc.CR3_LOAD_EXITING"
  | "proc.CR3_STORE_EXITING"
  | "proc.ACTIVATE_TERTIARY_CONTROLS"
  | "proc.CR8_LOAD_EXITING"
  | "proc.CR8_STORE_EXITING"
  | "proc.USE_TPR_SHADOW"
  | "proc.NMI_WINDOW_EXITING"
  | "proc.MOV_DR_EXITING"
  | "proc.UNCONDITIONAL_IO_EXITING"
  | "proc.USE_IO_BITMAPS"
  | "proc.MONITOR_TRAP_FLAG"
  | "proc.USE_MSR_BITMAPS"
  | "proc.MONITOR_EXITING"
  | "proc.PAUSE_EXITING"
  | "proc.ACTIVATE_SECONDARY_CONTROLS"
  | "proc2.VIRTUALIZE_APIC_ACCESSES"
  | "proc2.ENABLE_EPT"
  | "proc2.DESCRIPTOR_TABLE_EXITING"
  | "proc2.ENABLE_RDTSCP"
  | "proc2.VIRTUALIZE_X2APIC_MODE"
  | "proc2.ENABLE_VPID"
  | "proc2.WBINVD_EXITING"
  | "proc2.UNRESTRICTED_GUEST"
  | "proc2.APIC_REGISTER_VIRTUALIZATION"
  | "proc2.VIRTUAL_INTERRUPT_DELIVERY"
  | "proc2.PAUSE_LOOP_EXITING"
  | "proc2.RDRAND_EXITING"
  | "proc2.ENABLE_INVPCID"
  | "proc2.ENABLE_VM_FUNCTIONS"
  | "proc2.VMCS_SHADOWING"
  | "proc2.ENABLE_ENCLS_EXITING"
  | "proc2.RDSEED_EXITING"
  | "proc2.ENABLE_PML"
  | "proc2.EPT_VIOLATION_VE"
  | "proc2.CONCEAL_VMX_FROM_PT"
  | "proc2.ENABLE_XSAVES_XRSTORS"
  | "proc2.PASID_TRANSLATION"
  | "proc2.MODE_BASED_EXECUTE_CONTROL_FOR_EPT"
  | "proc2.SUB_PAGE_WRITE_PERMISSIONS_FOR_EPT"
  | "proc2.PT_USES_GUEST_PHYSICAL_ADDRESSES"
  | "proc2.USE_TSC_SCALING"
  | "proc2.ENABLE_USER_WAIT_AND_PAUSE"
  | "proc2.ENABLE_PCONFIG"
  | "proc2.ENABLE_ENCLV_EXITING"
  | "proc2.VMM_BUS_LOCK_DETECTION"
  | "proc2.INSTRUCTION_TIMEOUT"
  | "proc3.LOADIWKEY_EXITING"
  | "proc3.ENABLE_HLAT"
  | "proc3.EPT_PAGING_WRITE_CONTROL"
  | "proc3.GUEST_PAGING_VERIFICATION"
  | "proc3.IPI_VIRTUALIZATION"
  | "proc3.SEAM_GUEST_PHYSICAL_ADDRESS_WIDTH"
  | "proc3.ENABLE_MSR_LIST_INSTRUCTIONS"
  | "proc3.VIRTUALIZE_IA32_SPEC_CTRL"
  | "proc3.APIC_TIMER_VIRTUALIZATION"
  | "proc3.ENABLE_PBNDKB"
  | "proc3.PEBS_USES_GUEST_PHYSICAL_ADDRESSES"
  | "exit.SAVE_DEBUG_CONTROLS"
  | "exit.HOST_ADDRESS_SPACE_SIZE"
  | "exit.LOAD_IA32_PERF_GLOBAL_CTRL"
  | "exit.ACKNOWLEDGE_INTERRUPT_ON_EXIT"
  | "exit.SAVE_IA32_PAT"
  | "exit.LOAD_IA32_PAT"
  | "exit.SAVE_IA32_EFER"
  | "exit.LOAD_IA32_EFER"
  | "exit.SAVE_VMX_PREEMPTION_TIMER_VALUE"
  | "exit.CLEAR_IA32_BNDCFGS"
  | "exit.CONCEAL_VMX_FROM_PT"
  | "exit.CLEAR_IA32_RTIT_CTL"
  | "exit.CLEAR_IA32_LBR_CTL"
  | "exit.CLEAR_UINV"
  | "exit.LOAD_CET_STATE"
  | "exit.LOAD_PKRS"
  | "exit.SAVE_IA32_PERF_GLOBAL_CTL"
  | "exit.ACTIVATE_SECONDARY_CONTROLS"
  | "exit2.SAVE_FRED"
  | "exit2.LOAD_FRED"
  | "exit2.LOAD_IA32_SPEC_CTRL"
  | "exit2.PREMATURELY_BUSY_SHADOW_STACK"
  | "entry.LOAD_DEBUG_CONTROLS"
  | "entry.IA32E_MODE_GUEST"
  | "entry.ENTRY_TO_SMM"
  | "entry.DEACTIVATE_DUAL_MONITOR_TREATMENT"
  | "entry.LOAD_IA32_PERF_GLOBAL_CTRL"
  | "entry.LOAD_IA32_PAT"
  | "entry.LOAD_IA32_EFER"
  | "entry.LOAD_IA32_BNDCFGS"
  | "entry.CONCEAL_VMX_FROM_PT"
  | "entry.LOAD_IA32_RTIT_CTL"
  | "entry.LOAD_UINV"
  | "entry.LOAD_CET_STATE"
  | "entry.LOAD_GUEST_IA32_LBR_CTL"
  | "entry.LOAD_PKRS"
  | "entry.LOAD_FRED"
  | "entry.LOAD_IA32_SPEC_CTRL"
  | "entry.ALLOW_SEAM_GUEST_TELEMETRY"
  | "vmfunc.EPTP_SWITCHING";

export interface ControlBitInfo {
  readonly id: string;
  readonly name: string;
  readonly bit: number;
  readonly sdm: string;
  readonly description: string;
}

export interface ControlGroupInfo {
  readonly id: ControlGroupId;
  readonly name: string;
  readonly vmcsField: VmcsFieldId;
  readonly width: 32 | 64;
  readonly capabilityMsr: string;
  readonly trueCapabilityMsr?: string;
  /** Bits in the default1 class (Appendix A.2). */
  readonly default1Mask: bigint;
  /** Bits the SDM defines. */
  readonly definedMask: bigint;
  readonly sdm: string;
  readonly capabilitySdm: string;
  readonly bits: readonly ControlBitInfo[];
}

export const CONTROL_GROUPS: readonly ControlGroupInfo[] = [
  {
    ...{ id: "pin", name: "Pin-Based VM-Execution Controls", vmcsField: "PIN_BASED_VM_EXECUTION_CONTROLS", width: 32, capabilityMsr: "IA32_VMX_PINBASED_CTLS", trueCapabilityMsr: "IA32_VMX_TRUE_PINBASED_CTLS", sdm: "25.6.1", capabilitySdm: "A.3.1", default1Mask: 0x16n, definedMask: 0xE9n },
    bits: [
      { id: "EXTERNAL_INTERRUPT_EXITING", name: "External-interrupt exiting", bit: 0, sdm: "25.6.1", description: "When 1, external interrupts cause VM exits and RFLAGS.IF no longer blocks them; when 0 they are delivered through the guest IDT." },
      { id: "NMI_EXITING", name: "NMI exiting", bit: 3, sdm: "25.6.1", description: "When 1, non-maskable interrupts cause VM exits instead of being delivered through vector 2; it also changes how IRET interacts with NMI blocking." },
      { id: "VIRTUAL_NMIS", name: "Virtual NMIs", bit: 5, sdm: "25.6.1", description: "When 1, NMIs are never blocked and the blocking-by-NMI interruptibility bit tracks virtual-NMI blocking instead; it works together with NMI-window exiting." },
      { id: "ACTIVATE_VMX_PREEMPTION_TIMER", name: "Activate VMX-preemption timer", bit: 6, sdm: "25.6.1", description: "When 1, the VMX-preemption timer counts down in VMX non-root operation and a VM exit occurs when it reaches zero." },
      { id: "PROCESS_POSTED_INTERRUPTS", name: "Process posted interrupts", bit: 7, sdm: "25.6.1", description: "When 1, an interrupt carrying the posted-interrupt notification vector is handled by moving posted requests from the descriptor into the virtual-APIC page instead of causing a VM exit." },
    ],
  },
  {
    ...{ id: "proc", name: "Primary Processor-Based VM-Execution Controls", vmcsField: "PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS", width: 32, capabilityMsr: "IA32_VMX_PROCBASED_CTLS", trueCapabilityMsr: "IA32_VMX_TRUE_PROCBASED_CTLS", sdm: "25.6.2", capabilitySdm: "A.3.2", default1Mask: 0x401E172n, definedMask: 0xFBFB9E8Cn },
    bits: [
      { id: "INTERRUPT_WINDOW_EXITING", name: "Interrupt-window exiting", bit: 2, sdm: "25.6.2", description: "When 1, a VM exit occurs at the start of any instruction at which RFLAGS.IF is 1 and no other blocking of interrupts is in effect." },
      { id: "USE_TSC_OFFSETTING", name: "Use TSC offsetting", bit: 3, sdm: "25.6.2", description: "When 1 (and RDTSC exiting is 0), RDTSC, RDTSCP and RDMSR of IA32_TIME_STAMP_COUNTER return the time-stamp counter plus the TSC-offset field." },
      { id: "HLT_EXITING", name: "HLT exiting", bit: 7, sdm: "25.6.2", description: "Selects whether executions of HLT cause VM exits." },
      { id: "INVLPG_EXITING", name: "INVLPG exiting", bit: 9, sdm: "25.6.2", description: "Selects whether INVLPG causes VM exits (and INVPCID as well when enable INVPCID is 1)." },
      { id: "MWAIT_EXITING", name: "MWAIT exiting", bit: 10, sdm: "25.6.2", description: "Selects whether executions of MWAIT cause VM exits." },
      { id: "RDPMC_EXITING", name: "RDPMC exiting", bit: 11, sdm: "25.6.2", description: "Selects whether executions of RDPMC cause VM exits." },
      { id: "RDTSC_EXITING", name: "RDTSC exiting", bit: 12, sdm: "25.6.2", description: "Selects whether executions of RDTSC and RDTSCP cause VM exits." },
      { id: "CR3_LOAD_EXITING", name: "CR3-load exiting", bit: 15, sdm: "25.6.2", description: "Together with the CR3-target values and count, selects whether MOV to CR3 causes a VM exit; the earliest VMX processors supported only the 1-setting." },
      { id: "CR3_STORE_EXITING", name: "CR3-store exiting", bit: 16, sdm: "25.6.2", description: "Selects whether MOV from CR3 causes a VM exit; the earliest VMX processors supported only the 1-setting." },
      { id: "ACTIVATE_TERTIARY_CONTROLS", name: "Activate tertiary controls", bit: 17, sdm: "25.6.2", description: "Selects whether the tertiary processor-based VM-execution controls are used; when 0 the processor behaves as if they were all 0." },
      { id: "CR8_LOAD_EXITING", name: "CR8-load exiting", bit: 19, sdm: "25.6.2", description: "Selects whether MOV to CR8 causes a VM exit." },
      { id: "CR8_STORE_EXITING", name: "CR8-store exiting", bit: 20, sdm: "25.6.2", description: "Selects whether MOV from CR8 causes a VM exit." },
      { id: "USE_TPR_SHADOW", name: "Use TPR shadow", bit: 21, sdm: "25.6.2", description: "When 1, TPR virtualization through the virtual-APIC page is enabled, a prerequisite for the other APIC-virtualization features." },
      { id: "NMI_WINDOW_EXITING", name: "NMI-window exiting", bit: 22, sdm: "25.6.2", description: "When 1, a VM exit occurs at the start of any instruction at which there is no virtual-NMI blocking." },
      { id: "MOV_DR_EXITING", name: "MOV-DR exiting", bit: 23, sdm: "25.6.2", description: "Selects whether MOV to or from a debug register causes a VM exit." },
      { id: "UNCONDITIONAL_IO_EXITING", name: "Unconditional I/O exiting", bit: 24, sdm: "25.6.2", description: "When 1, every IN, INS, OUT and OUTS causes a VM exit; ignored when the I/O bitmaps are in use." },
      { id: "USE_IO_BITMAPS", name: "Use I/O bitmaps", bit: 25, sdm: "25.6.2", description: "When 1, I/O bitmaps A and B decide, port by port, whether an I/O instruction causes a VM exit, and unconditional I/O exiting is ignored." },
      { id: "MONITOR_TRAP_FLAG", name: "Monitor trap flag", bit: 27, sdm: "25.6.2", description: "When 1, the monitor-trap-flag debugging feature causes a VM exit after the next guest instruction or event delivery." },
      { id: "USE_MSR_BITMAPS", name: "Use MSR bitmaps", bit: 28, sdm: "25.6.2", description: "When 1, the MSR bitmaps decide whether RDMSR and WRMSR cause VM exits; when 0 every RDMSR and WRMSR exits." },
      { id: "MONITOR_EXITING", name: "MONITOR exiting", bit: 29, sdm: "25.6.2", description: "Selects whether executions of MONITOR cause VM exits." },
      { id: "PAUSE_EXITING", name: "PAUSE exiting", bit: 30, sdm: "25.6.2", description: "Selects whether executions of PAUSE cause VM exits." },
      { id: "ACTIVATE_SECONDARY_CONTROLS", name: "Activate secondary controls", bit: 31, sdm: "25.6.2", description: "Selects whether the secondary processor-based VM-execution controls are used; when 0 the processor behaves as if they were all 0." },
    ],
  },
  {
    ...{ id: "proc2", name: "Secondary Processor-Based VM-Execution Controls", vmcsField: "SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS", width: 32, capabilityMsr: "IA32_VMX_PROCBASED_CTLS2", sdm: "25.6.2", capabilitySdm: "A.3.3", default1Mask: 0x0n, definedMask: 0xDFFFFFFFn },
    bits: [
      { id: "VIRTUALIZE_APIC_ACCESSES", name: "Virtualize APIC accesses", bit: 0, sdm: "25.6.2", description: "When 1, accesses to the page at the APIC-access address are treated specially: they are virtualized or cause APIC-access VM exits." },
      { id: "ENABLE_EPT", name: "Enable EPT", bit: 1, sdm: "25.6.2", description: "When 1, guest-physical addresses are translated through extended page tables rooted at the EPT pointer." },
      { id: "DESCRIPTOR_TABLE_EXITING", name: "Descriptor-table exiting", bit: 2, sdm: "25.6.2", description: "Selects whether LGDT, LIDT, LLDT, LTR, SGDT, SIDT, SLDT and STR cause VM exits." },
      { id: "ENABLE_RDTSCP", name: "Enable RDTSCP", bit: 3, sdm: "25.6.2", description: "When 0, any execution of RDTSCP raises #UD." },
      { id: "VIRTUALIZE_X2APIC_MODE", name: "Virtualize x2APIC mode", bit: 4, sdm: "25.6.2", description: "When 1, RDMSR and WRMSR of the x2APIC MSR range 800H-8FFH are treated specially and may be virtualized." },
      { id: "ENABLE_VPID", name: "Enable VPID", bit: 5, sdm: "25.6.2", description: "When 1, cached linear-address translations are tagged with the virtual-processor identifier from the VMCS." },
      { id: "WBINVD_EXITING", name: "WBINVD exiting", bit: 6, sdm: "25.6.2", description: "Selects whether executions of WBINVD (and WBNOINVD) cause VM exits." },
      { id: "UNRESTRICTED_GUEST", name: "Unrestricted guest", bit: 7, sdm: "25.6.2", description: "When 1, the guest may run with paging off or in real-address mode (CR0.PE and CR0.PG may be 0)." },
      { id: "APIC_REGISTER_VIRTUALIZATION", name: "APIC-register virtualization", bit: 8, sdm: "25.6.2", description: "When 1, reads and some writes of APIC registers are served from the virtual-APIC page instead of causing VM exits." },
      { id: "VIRTUAL_INTERRUPT_DELIVERY", name: "Virtual-interrupt delivery", bit: 9, sdm: "25.6.2", description: "When 1, the processor evaluates and delivers pending virtual interrupts and emulates writes to the APIC registers that control interrupt priority." },
      { id: "PAUSE_LOOP_EXITING", name: "PAUSE-loop exiting", bit: 10, sdm: "25.6.2", description: "When 1, a run of PAUSE executions longer than PLE_Window (with gaps below PLE_Gap) causes a VM exit." },
      { id: "RDRAND_EXITING", name: "RDRAND exiting", bit: 11, sdm: "25.6.2", description: "Selects whether executions of RDRAND cause VM exits." },
      { id: "ENABLE_INVPCID", name: "Enable INVPCID", bit: 12, sdm: "25.6.2", description: "When 0, any execution of INVPCID raises #UD." },
      { id: "ENABLE_VM_FUNCTIONS", name: "Enable VM functions", bit: 13, sdm: "25.6.2", description: "When 1, the guest may execute VMFUNC to invoke the VM functions enabled in the VM-function controls." },
      { id: "VMCS_SHADOWING", name: "VMCS shadowing", bit: 14, sdm: "25.6.2", description: "When 1, VMREAD and VMWRITE in VMX non-root operation may access the shadow VMCS named by the VMCS link pointer instead of exiting." },
      { id: "ENABLE_ENCLS_EXITING", name: "Enable ENCLS exiting", bit: 15, sdm: "25.6.2", description: "When 1, ENCLS consults the ENCLS-exiting bitmap, indexed by EAX, to decide whether it causes a VM exit." },
      { id: "RDSEED_EXITING", name: "RDSEED exiting", bit: 16, sdm: "25.6.2", description: "Selects whether executions of RDSEED cause VM exits." },
      { id: "ENABLE_PML", name: "Enable PML", bit: 17, sdm: "25.6.2", description: "When 1, an access that sets an EPT dirty flag first appends the guest-physical address to the page-modification log." },
      { id: "EPT_VIOLATION_VE", name: "EPT-violation #VE", bit: 18, sdm: "25.6.2", description: "When 1, some EPT violations raise a virtualization exception (#VE) in the guest instead of causing VM exits." },
      { id: "CONCEAL_VMX_FROM_PT", name: "Conceal VMX from PT", bit: 19, sdm: "25.6.2", description: "When 1, Intel Processor Trace hides that the processor is in VMX non-root operation (no non-root indication in PIPs and no VMCS packets)." },
      { id: "ENABLE_XSAVES_XRSTORS", name: "Enable XSAVES/XRSTORS", bit: 20, sdm: "25.6.2", description: "When 0, any execution of XSAVES or XRSTORS raises #UD; when 1 they may consult the XSS-exiting bitmap." },
      { id: "PASID_TRANSLATION", name: "PASID translation", bit: 21, sdm: "25.6.2", description: "When 1, ENQCMD and ENQCMDS translate the PASID through the PASID directories named in the VMCS." },
      { id: "MODE_BASED_EXECUTE_CONTROL_FOR_EPT", name: "Mode-based execute control for EPT", bit: 22, sdm: "25.6.2", description: "When 1, EPT execute permission is split into separate rights for supervisor-mode and user-mode linear addresses." },
      { id: "SUB_PAGE_WRITE_PERMISSIONS_FOR_EPT", name: "Sub-page write permissions for EPT", bit: 23, sdm: "25.6.2", description: "When 1, EPT write permission may be specified at a granularity of 128 bytes through the sub-page permission tables." },
      { id: "PT_USES_GUEST_PHYSICAL_ADDRESSES", name: "Intel PT uses guest physical addresses", bit: 24, sdm: "25.6.2", description: "When 1, the output addresses used by Intel Processor Trace are guest-physical addresses translated through EPT." },
      { id: "USE_TSC_SCALING", name: "Use TSC scaling", bit: 25, sdm: "25.6.2", description: "When 1 (with TSC offsetting on and RDTSC exiting off), RDTSC, RDTSCP and RDMSR of the TSC return the counter multiplied by the TSC multiplier before the offset is added." },
      { id: "ENABLE_USER_WAIT_AND_PAUSE", name: "Enable user wait and pause", bit: 26, sdm: "25.6.2", description: "When 0, any execution of TPAUSE, UMONITOR or UMWAIT raises #UD." },
      { id: "ENABLE_PCONFIG", name: "Enable PCONFIG", bit: 27, sdm: "25.6.2", description: "When 0, any execution of PCONFIG raises #UD; when 1 it consults the PCONFIG-exiting bitmap." },
      { id: "ENABLE_ENCLV_EXITING", name: "Enable ENCLV exiting", bit: 28, sdm: "25.6.2", description: "When 1, ENCLV consults the ENCLV-exiting bitmap, indexed by EAX, to decide whether it causes a VM exit." },
      { id: "VMM_BUS_LOCK_DETECTION", name: "VMM bus-lock detection", bit: 30, sdm: "25.6.2", description: "When 1, the assertion of a bus lock causes a VM exit." },
      { id: "INSTRUCTION_TIMEOUT", name: "Instruction timeout", bit: 31, sdm: "25.6.2", description: "When 1, a VM exit occurs if some operation keeps the processor from reaching an instruction boundary within the time given by the instruction-timeout control field." },
    ],
  },
  {
    ...{ id: "proc3", name: "Tertiary Processor-Based VM-Execution Controls", vmcsField: "TERTIARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS", width: 64, capabilityMsr: "IA32_VMX_PROCBASED_CTLS3", sdm: "25.6.2", capabilitySdm: "A.3.4", default1Mask: 0x0n, definedMask: 0x13FFn },
    bits: [
      { id: "LOADIWKEY_EXITING", name: "LOADIWKEY exiting", bit: 0, sdm: "25.6.2", description: "Selects whether executions of LOADIWKEY cause VM exits." },
      { id: "ENABLE_HLAT", name: "Enable HLAT", bit: 1, sdm: "25.6.2", description: "When 1, hypervisor-managed linear-address translation (HLAT paging) is used for linear addresses selected by the HLAT prefix size." },
      { id: "EPT_PAGING_WRITE_CONTROL", name: "EPT paging-write control", bit: 2, sdm: "25.6.2", description: "When 1, EPT entries may grant write permission only to paging-related updates made by the processor." },
      { id: "GUEST_PAGING_VERIFICATION", name: "Guest-paging verification", bit: 3, sdm: "25.6.2", description: "When 1, EPT permissions may block accesses through linear addresses whose translations have certain properties." },
      { id: "IPI_VIRTUALIZATION", name: "IPI virtualization", bit: 4, sdm: "25.6.2", description: "When 1, inter-processor interrupts sent by the guest are virtualized through the PID-pointer table without VM exits." },
      { id: "SEAM_GUEST_PHYSICAL_ADDRESS_WIDTH", name: "SEAM guest-physical address width", bit: 5, sdm: "25.6.2", description: "Controls how EPT operates in SEAM VMX non-root operation; it has no effect outside SEAM." },
      { id: "ENABLE_MSR_LIST_INSTRUCTIONS", name: "Enable MSR-list instructions", bit: 6, sdm: "25.6.2", description: "When 0, any execution of RDMSRLIST or WRMSRLIST raises #UD." },
      { id: "VIRTUALIZE_IA32_SPEC_CTRL", name: "Virtualize IA32_SPEC_CTRL", bit: 7, sdm: "25.6.2", description: "When 1, RDMSR and WRMSR of IA32_SPEC_CTRL are modified by the IA32_SPEC_CTRL mask and shadow fields." },
      { id: "APIC_TIMER_VIRTUALIZATION", name: "APIC-timer virtualization", bit: 8, sdm: "25.6.2", description: "When 1, guest timer events are enabled and accesses to IA32_TSC_DEADLINE are virtualized." },
      { id: "ENABLE_PBNDKB", name: "Enable PBNDKB", bit: 9, sdm: "25.6.2", description: "When 0, any execution of PBNDKB raises #UD." },
      { id: "PEBS_USES_GUEST_PHYSICAL_ADDRESSES", name: "PEBS uses guest physical addresses", bit: 12, sdm: "25.6.2", description: "When 1, the output addresses used by architectural PEBS are guest-physical addresses translated through EPT." },
    ],
  },
  {
    ...{ id: "exit", name: "Primary VM-Exit Controls", vmcsField: "PRIMARY_VM_EXIT_CONTROLS", width: 32, capabilityMsr: "IA32_VMX_EXIT_CTLS", trueCapabilityMsr: "IA32_VMX_TRUE_EXIT_CTLS", sdm: "25.7.1", capabilitySdm: "A.4.1", default1Mask: 0x36DFFn, definedMask: 0xFFFC9204n },
    bits: [
      { id: "SAVE_DEBUG_CONTROLS", name: "Save debug controls", bit: 2, sdm: "25.7.1", description: "Selects whether DR7 and IA32_DEBUGCTL are saved into the guest-state area on VM exit; the earliest VMX processors supported only the 1-setting." },
      { id: "HOST_ADDRESS_SPACE_SIZE", name: "Host address-space size", bit: 9, sdm: "25.7.1", description: "Selects whether the processor is in 64-bit mode after the VM exit; its value is loaded into CS.L, IA32_EFER.LME and IA32_EFER.LMA." },
      { id: "LOAD_IA32_PERF_GLOBAL_CTRL", name: "Load IA32_PERF_GLOBAL_CTRL", bit: 12, sdm: "25.7.1", description: "Selects whether IA32_PERF_GLOBAL_CTRL is loaded from the host-state area on VM exit." },
      { id: "ACKNOWLEDGE_INTERRUPT_ON_EXIT", name: "Acknowledge interrupt on exit", bit: 15, sdm: "25.7.1", description: "When 1, a VM exit caused by an external interrupt acknowledges the interrupt controller and records the vector in the exit interruption information; when 0 the interrupt stays pending." },
      { id: "SAVE_IA32_PAT", name: "Save IA32_PAT", bit: 18, sdm: "25.7.1", description: "Selects whether IA32_PAT is saved into the guest-state area on VM exit." },
      { id: "LOAD_IA32_PAT", name: "Load IA32_PAT", bit: 19, sdm: "25.7.1", description: "Selects whether IA32_PAT is loaded from the host-state area on VM exit." },
      { id: "SAVE_IA32_EFER", name: "Save IA32_EFER", bit: 20, sdm: "25.7.1", description: "Selects whether IA32_EFER is saved into the guest-state area on VM exit." },
      { id: "LOAD_IA32_EFER", name: "Load IA32_EFER", bit: 21, sdm: "25.7.1", description: "Selects whether IA32_EFER is loaded from the host-state area on VM exit." },
      { id: "SAVE_VMX_PREEMPTION_TIMER_VALUE", name: "Save VMX-preemption timer value", bit: 22, sdm: "25.7.1", description: "Selects whether the current VMX-preemption timer value is saved into the VMCS on VM exit." },
      { id: "CLEAR_IA32_BNDCFGS", name: "Clear IA32_BNDCFGS", bit: 23, sdm: "25.7.1", description: "Selects whether IA32_BNDCFGS is cleared on VM exit." },
      { id: "CONCEAL_VMX_FROM_PT", name: "Conceal VMX from PT", bit: 24, sdm: "25.7.1", description: "When 1, Intel Processor Trace emits no paging information packet on VM exit and no VMCS packet on an SMM VM exit." },
      { id: "CLEAR_IA32_RTIT_CTL", name: "Clear IA32_RTIT_CTL", bit: 25, sdm: "25.7.1", description: "Selects whether IA32_RTIT_CTL is cleared on VM exit." },
      { id: "CLEAR_IA32_LBR_CTL", name: "Clear IA32_LBR_CTL", bit: 26, sdm: "25.7.1", description: "Selects whether IA32_LBR_CTL is cleared on VM exit." },
      { id: "CLEAR_UINV", name: "Clear UINV", bit: 27, sdm: "25.7.1", description: "Selects whether the user-interrupt notification vector (UINV) is cleared on VM exit." },
      { id: "LOAD_CET_STATE", name: "Load CET state", bit: 28, sdm: "25.7.1", description: "Selects whether the CET-related MSRs and SSP are loaded from the host-state area on VM exit." },
      { id: "LOAD_PKRS", name: "Load PKRS", bit: 29, sdm: "25.7.1", description: "Selects whether IA32_PKRS is loaded from the host-state area on VM exit." },
      { id: "SAVE_IA32_PERF_GLOBAL_CTL", name: "Save IA32_PERF_GLOBAL_CTL", bit: 30, sdm: "25.7.1", description: "Selects whether IA32_PERF_GLOBAL_CTL is saved into the guest-state area on VM exit." },
      { id: "ACTIVATE_SECONDARY_CONTROLS", name: "Activate secondary controls", bit: 31, sdm: "25.7.1", description: "Selects whether the secondary VM-exit controls are used; when 0 the processor behaves as if they were all 0." },
    ],
  },
  {
    ...{ id: "exit2", name: "Secondary VM-Exit Controls", vmcsField: "SECONDARY_VM_EXIT_CONTROLS", width: 64, capabilityMsr: "IA32_VMX_EXIT_CTLS2", sdm: "25.7.1", capabilitySdm: "A.4.2", default1Mask: 0x0n, definedMask: 0xFn },
    bits: [
      { id: "SAVE_FRED", name: "Save FRED", bit: 0, sdm: "25.7.1", description: "Selects whether the guest FRED MSRs are saved into the guest-state area on VM exit." },
      { id: "LOAD_FRED", name: "Load FRED", bit: 1, sdm: "25.7.1", description: "Selects whether the host FRED MSRs are loaded from the host-state area on VM exit." },
      { id: "LOAD_IA32_SPEC_CTRL", name: "Load IA32_SPEC_CTRL", bit: 2, sdm: "25.7.1", description: "Selects whether IA32_SPEC_CTRL is loaded from the host-state area on VM exit." },
      { id: "PREMATURELY_BUSY_SHADOW_STACK", name: "Prematurely busy shadow stack", bit: 3, sdm: "25.7.1", description: "When 1, a VM exit that leaves a shadow stack prematurely busy reports that fact in the exit reason and saves additional information in the VMCS." },
    ],
  },
  {
    ...{ id: "entry", name: "VM-Entry Controls", vmcsField: "VM_ENTRY_CONTROLS", width: 32, capabilityMsr: "IA32_VMX_ENTRY_CTLS", trueCapabilityMsr: "IA32_VMX_TRUE_ENTRY_CTLS", sdm: "25.8.1", capabilitySdm: "A.5", default1Mask: 0x11FFn, definedMask: 0x3FFEE04n },
    bits: [
      { id: "LOAD_DEBUG_CONTROLS", name: "Load debug controls", bit: 2, sdm: "25.8.1", description: "Selects whether DR7 and IA32_DEBUGCTL are loaded from the guest-state area on VM entry; the earliest VMX processors supported only the 1-setting." },
      { id: "IA32E_MODE_GUEST", name: "IA-32e mode guest", bit: 9, sdm: "25.8.1", description: "Selects whether the processor is in IA-32e mode after VM entry; its value is loaded into IA32_EFER.LMA." },
      { id: "ENTRY_TO_SMM", name: "Entry to SMM", bit: 10, sdm: "25.8.1", description: "Selects whether the processor is in system-management mode after VM entry; must be 0 for any VM entry from outside SMM." },
      { id: "DEACTIVATE_DUAL_MONITOR_TREATMENT", name: "Deactivate dual-monitor treatment", bit: 11, sdm: "25.8.1", description: "When 1, the default treatment of SMIs and SMM is in effect after VM entry; must be 0 for any VM entry from outside SMM." },
      { id: "LOAD_IA32_PERF_GLOBAL_CTRL", name: "Load IA32_PERF_GLOBAL_CTRL", bit: 13, sdm: "25.8.1", description: "Selects whether IA32_PERF_GLOBAL_CTRL is loaded from the guest-state area on VM entry." },
      { id: "LOAD_IA32_PAT", name: "Load IA32_PAT", bit: 14, sdm: "25.8.1", description: "Selects whether IA32_PAT is loaded from the guest-state area on VM entry." },
      { id: "LOAD_IA32_EFER", name: "Load IA32_EFER", bit: 15, sdm: "25.8.1", description: "Selects whether IA32_EFER is loaded from the guest-state area on VM entry." },
      { id: "LOAD_IA32_BNDCFGS", name: "Load IA32_BNDCFGS", bit: 16, sdm: "25.8.1", description: "Selects whether IA32_BNDCFGS is loaded from the guest-state area on VM entry." },
      { id: "CONCEAL_VMX_FROM_PT", name: "Conceal VMX from PT", bit: 17, sdm: "25.8.1", description: "When 1, Intel Processor Trace emits no paging information packet on VM entry and no VMCS packet on a VM entry that returns from SMM." },
      { id: "LOAD_IA32_RTIT_CTL", name: "Load IA32_RTIT_CTL", bit: 18, sdm: "25.8.1", description: "Selects whether IA32_RTIT_CTL is loaded from the guest-state area on VM entry." },
      { id: "LOAD_UINV", name: "Load UINV", bit: 19, sdm: "25.8.1", description: "Selects whether the user-interrupt notification vector (UINV) is loaded from the guest-state area on VM entry." },
      { id: "LOAD_CET_STATE", name: "Load CET state", bit: 20, sdm: "25.8.1", description: "Selects whether the CET-related MSRs and SSP are loaded from the guest-state area on VM entry." },
      { id: "LOAD_GUEST_IA32_LBR_CTL", name: "Load guest IA32_LBR_CTL", bit: 21, sdm: "25.8.1", description: "Selects whether IA32_LBR_CTL is loaded from the guest-state area on VM entry." },
      { id: "LOAD_PKRS", name: "Load PKRS", bit: 22, sdm: "25.8.1", description: "Selects whether IA32_PKRS is loaded from the guest-state area on VM entry." },
      { id: "LOAD_FRED", name: "Load FRED", bit: 23, sdm: "25.8.1", description: "Selects whether the guest FRED MSRs are loaded from the guest-state area on VM entry." },
      { id: "LOAD_IA32_SPEC_CTRL", name: "Load IA32_SPEC_CTRL", bit: 24, sdm: "25.8.1", description: "Selects whether IA32_SPEC_CTRL is loaded from the guest-state area on VM entry." },
      { id: "ALLOW_SEAM_GUEST_TELEMETRY", name: "Allow SEAM-guest telemetry", bit: 25, sdm: "25.8.1", description: "When 1, core out-of-band telemetry may stay enabled across a VM entry into SEAM VMX non-root operation." },
    ],
  },
  {
    ...{ id: "vmfunc", name: "VM-Function Controls", vmcsField: "VM_FUNCTION_CONTROLS", width: 64, capabilityMsr: "IA32_VMX_VMFUNC", sdm: "25.6.14", capabilitySdm: "A.11", default1Mask: 0x0n, definedMask: 0x1n },
    bits: [
      { id: "EPTP_SWITCHING", name: "EPTP switching", bit: 0, sdm: "25.6.14", description: "Enables VM function 0, which replaces the EPT pointer with an entry chosen by ECX from the EPTP list." },
    ],
  },
];
