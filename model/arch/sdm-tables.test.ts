// Hand-written expectations from the SDM's own tables, checked against the generated catalogues.
// Every number here was typed from the SDM (Appendix B, Tables 25-x/28-x, Appendix A/C), not from the model.
import { describe, expect, it } from 'vitest';
import {
  CAPABILITY_MSR, CONTROL_GROUPS, EXIT_REASON, LAYOUTS, VM_INSTRUCTION_ERROR, VMCS_FIELD, VMCS_FIELDS,
} from '../generated/index.js';

describe('VMCS field encodings (SDM Appendix B)', () => {
  // [id, encoding, width, type]
  const expected: [string, number, string, string][] = [
    // Table B-1 16-bit control fields
    ['VIRTUAL_PROCESSOR_IDENTIFIER', 0x0000, '16', 'control'],
    ['POSTED_INTERRUPT_NOTIFICATION_VECTOR', 0x0002, '16', 'control'],
    ['EPTP_INDEX', 0x0004, '16', 'control'],
    // Table B-2 16-bit guest-state fields
    ['GUEST_ES_SELECTOR', 0x0800, '16', 'guest-state'],
    ['GUEST_CS_SELECTOR', 0x0802, '16', 'guest-state'],
    ['GUEST_TR_SELECTOR', 0x080E, '16', 'guest-state'],
    ['GUEST_INTERRUPT_STATUS', 0x0810, '16', 'guest-state'],
    ['GUEST_PML_INDEX', 0x0812, '16', 'guest-state'],
    // Table B-3 16-bit host-state fields
    ['HOST_ES_SELECTOR', 0x0C00, '16', 'host-state'],
    ['HOST_TR_SELECTOR', 0x0C0C, '16', 'host-state'],
    // Table B-4 64-bit control fields
    ['IO_BITMAP_A_ADDRESS', 0x2000, '64', 'control'],
    ['IO_BITMAP_B_ADDRESS', 0x2002, '64', 'control'],
    ['MSR_BITMAPS_ADDRESS', 0x2004, '64', 'control'],
    ['VM_EXIT_MSR_STORE_ADDRESS', 0x2006, '64', 'control'],
    ['VM_EXIT_MSR_LOAD_ADDRESS', 0x2008, '64', 'control'],
    ['VM_ENTRY_MSR_LOAD_ADDRESS', 0x200A, '64', 'control'],
    ['PML_ADDRESS', 0x200E, '64', 'control'],
    ['TSC_OFFSET', 0x2010, '64', 'control'],
    ['VIRTUAL_APIC_ADDRESS', 0x2012, '64', 'control'],
    ['APIC_ACCESS_ADDRESS', 0x2014, '64', 'control'],
    ['POSTED_INTERRUPT_DESCRIPTOR_ADDRESS', 0x2016, '64', 'control'],
    ['VM_FUNCTION_CONTROLS', 0x2018, '64', 'control'],
    ['EPT_POINTER', 0x201A, '64', 'control'],
    ['EOI_EXIT_BITMAP0', 0x201C, '64', 'control'],
    ['EOI_EXIT_BITMAP3', 0x2022, '64', 'control'],
    ['EPTP_LIST_ADDRESS', 0x2024, '64', 'control'],
    ['VMREAD_BITMAP_ADDRESS', 0x2026, '64', 'control'],
    ['VMWRITE_BITMAP_ADDRESS', 0x2028, '64', 'control'],
    ['TSC_MULTIPLIER', 0x2032, '64', 'control'],
    ['TERTIARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS', 0x2034, '64', 'control'],
    // Table B-5 64-bit read-only data field
    ['GUEST_PHYSICAL_ADDRESS', 0x2400, '64', 'exit-information'],
    // Table B-6 64-bit guest-state fields
    ['VMCS_LINK_POINTER', 0x2800, '64', 'guest-state'],
    ['GUEST_IA32_DEBUGCTL', 0x2802, '64', 'guest-state'],
    ['GUEST_IA32_PAT', 0x2804, '64', 'guest-state'],
    ['GUEST_IA32_EFER', 0x2806, '64', 'guest-state'],
    ['GUEST_IA32_PERF_GLOBAL_CTRL', 0x2808, '64', 'guest-state'],
    ['GUEST_PDPTE0', 0x280A, '64', 'guest-state'],
    ['GUEST_PDPTE3', 0x2810, '64', 'guest-state'],
    ['GUEST_IA32_BNDCFGS', 0x2812, '64', 'guest-state'],
    // Table B-7 64-bit host-state fields
    ['HOST_IA32_PAT', 0x2C00, '64', 'host-state'],
    ['HOST_IA32_EFER', 0x2C02, '64', 'host-state'],
    ['HOST_IA32_PERF_GLOBAL_CTRL', 0x2C04, '64', 'host-state'],
    // Table B-8 32-bit control fields
    ['PIN_BASED_VM_EXECUTION_CONTROLS', 0x4000, '32', 'control'],
    ['PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS', 0x4002, '32', 'control'],
    ['EXCEPTION_BITMAP', 0x4004, '32', 'control'],
    ['PAGE_FAULT_ERROR_CODE_MASK', 0x4006, '32', 'control'],
    ['PAGE_FAULT_ERROR_CODE_MATCH', 0x4008, '32', 'control'],
    ['CR3_TARGET_COUNT', 0x400A, '32', 'control'],
    ['PRIMARY_VM_EXIT_CONTROLS', 0x400C, '32', 'control'],
    ['VM_EXIT_MSR_STORE_COUNT', 0x400E, '32', 'control'],
    ['VM_EXIT_MSR_LOAD_COUNT', 0x4010, '32', 'control'],
    ['VM_ENTRY_CONTROLS', 0x4012, '32', 'control'],
    ['VM_ENTRY_MSR_LOAD_COUNT', 0x4014, '32', 'control'],
    ['VM_ENTRY_INTERRUPTION_INFORMATION', 0x4016, '32', 'control'],
    ['VM_ENTRY_EXCEPTION_ERROR_CODE', 0x4018, '32', 'control'],
    ['VM_ENTRY_INSTRUCTION_LENGTH', 0x401A, '32', 'control'],
    ['TPR_THRESHOLD', 0x401C, '32', 'control'],
    ['SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS', 0x401E, '32', 'control'],
    ['PLE_GAP', 0x4020, '32', 'control'],
    ['PLE_WINDOW', 0x4022, '32', 'control'],
    // Table B-9 32-bit read-only data fields
    ['VM_INSTRUCTION_ERROR', 0x4400, '32', 'exit-information'],
    ['EXIT_REASON', 0x4402, '32', 'exit-information'],
    ['VM_EXIT_INTERRUPTION_INFORMATION', 0x4404, '32', 'exit-information'],
    ['VM_EXIT_INTERRUPTION_ERROR_CODE', 0x4406, '32', 'exit-information'],
    ['IDT_VECTORING_INFORMATION', 0x4408, '32', 'exit-information'],
    ['IDT_VECTORING_ERROR_CODE', 0x440A, '32', 'exit-information'],
    ['VM_EXIT_INSTRUCTION_LENGTH', 0x440C, '32', 'exit-information'],
    ['VM_EXIT_INSTRUCTION_INFORMATION', 0x440E, '32', 'exit-information'],
    // Table B-10 32-bit guest-state fields
    ['GUEST_ES_LIMIT', 0x4800, '32', 'guest-state'],
    ['GUEST_GDTR_LIMIT', 0x4810, '32', 'guest-state'],
    ['GUEST_IDTR_LIMIT', 0x4812, '32', 'guest-state'],
    ['GUEST_ES_ACCESS_RIGHTS', 0x4814, '32', 'guest-state'],
    ['GUEST_CS_ACCESS_RIGHTS', 0x4816, '32', 'guest-state'],
    ['GUEST_TR_ACCESS_RIGHTS', 0x4822, '32', 'guest-state'],
    ['GUEST_INTERRUPTIBILITY_STATE', 0x4824, '32', 'guest-state'],
    ['GUEST_ACTIVITY_STATE', 0x4826, '32', 'guest-state'],
    ['GUEST_SMBASE', 0x4828, '32', 'guest-state'],
    ['GUEST_IA32_SYSENTER_CS', 0x482A, '32', 'guest-state'],
    ['VMX_PREEMPTION_TIMER_VALUE', 0x482E, '32', 'guest-state'],
    // Table B-11 32-bit host-state field
    ['HOST_IA32_SYSENTER_CS', 0x4C00, '32', 'host-state'],
    // Table B-12 natural-width control fields
    ['CR0_GUEST_HOST_MASK', 0x6000, 'natural', 'control'],
    ['CR4_GUEST_HOST_MASK', 0x6002, 'natural', 'control'],
    ['CR0_READ_SHADOW', 0x6004, 'natural', 'control'],
    ['CR4_READ_SHADOW', 0x6006, 'natural', 'control'],
    ['CR3_TARGET_VALUE0', 0x6008, 'natural', 'control'],
    ['CR3_TARGET_VALUE3', 0x600E, 'natural', 'control'],
    // Table B-13 natural-width read-only data fields
    ['EXIT_QUALIFICATION', 0x6400, 'natural', 'exit-information'],
    ['IO_RCX', 0x6402, 'natural', 'exit-information'],
    ['IO_RIP', 0x6408, 'natural', 'exit-information'],
    ['GUEST_LINEAR_ADDRESS', 0x640A, 'natural', 'exit-information'],
    // Table B-14 natural-width guest-state fields
    ['GUEST_CR0', 0x6800, 'natural', 'guest-state'],
    ['GUEST_CR3', 0x6802, 'natural', 'guest-state'],
    ['GUEST_CR4', 0x6804, 'natural', 'guest-state'],
    ['GUEST_ES_BASE', 0x6806, 'natural', 'guest-state'],
    ['GUEST_TR_BASE', 0x6814, 'natural', 'guest-state'],
    ['GUEST_GDTR_BASE', 0x6816, 'natural', 'guest-state'],
    ['GUEST_IDTR_BASE', 0x6818, 'natural', 'guest-state'],
    ['GUEST_DR7', 0x681A, 'natural', 'guest-state'],
    ['GUEST_RSP', 0x681C, 'natural', 'guest-state'],
    ['GUEST_RIP', 0x681E, 'natural', 'guest-state'],
    ['GUEST_RFLAGS', 0x6820, 'natural', 'guest-state'],
    ['GUEST_PENDING_DEBUG_EXCEPTIONS', 0x6822, 'natural', 'guest-state'],
    ['GUEST_IA32_SYSENTER_ESP', 0x6824, 'natural', 'guest-state'],
    ['GUEST_IA32_SYSENTER_EIP', 0x6826, 'natural', 'guest-state'],
    ['GUEST_IA32_S_CET', 0x6828, 'natural', 'guest-state'],
    // Table B-15 natural-width host-state fields
    ['HOST_CR0', 0x6C00, 'natural', 'host-state'],
    ['HOST_CR3', 0x6C02, 'natural', 'host-state'],
    ['HOST_CR4', 0x6C04, 'natural', 'host-state'],
    ['HOST_FS_BASE', 0x6C06, 'natural', 'host-state'],
    ['HOST_GS_BASE', 0x6C08, 'natural', 'host-state'],
    ['HOST_TR_BASE', 0x6C0A, 'natural', 'host-state'],
    ['HOST_GDTR_BASE', 0x6C0C, 'natural', 'host-state'],
    ['HOST_IDTR_BASE', 0x6C0E, 'natural', 'host-state'],
    ['HOST_IA32_SYSENTER_ESP', 0x6C10, 'natural', 'host-state'],
    ['HOST_IA32_SYSENTER_EIP', 0x6C12, 'natural', 'host-state'],
    ['HOST_RSP', 0x6C14, 'natural', 'host-state'],
    ['HOST_RIP', 0x6C16, 'natural', 'host-state'],
  ];

  it.each(expected)('%s is %i', (id, encoding, width, type) => {
    const f = VMCS_FIELDS.find((x) => x.id === id);
    expect(f, id).toBeDefined();
    expect(f!.encoding).toBe(encoding);
    expect(f!.width).toBe(width);
    expect(f!.type).toBe(type);
    expect((VMCS_FIELD as Record<string, number>)[id]).toBe(encoding);
  });

  it('marks exactly the VM-exit information fields read-only (SDM 25.9)', () => {
    for (const f of VMCS_FIELDS) expect(f.readOnly, f.id).toBe(f.type === 'exit-information');
  });
});

function bitOf(group: string, id: string): number | undefined {
  return CONTROL_GROUPS.find((g) => g.id === group)?.bits.find((b) => b.id === id)?.bit;
}

describe('control bit positions (SDM Tables 25-5 .. 25-8, 25-13, 25-17 and 25.6.14)', () => {
  const expected: [string, string, number][] = [
    ['pin', 'EXTERNAL_INTERRUPT_EXITING', 0], ['pin', 'NMI_EXITING', 3], ['pin', 'VIRTUAL_NMIS', 5],
    ['pin', 'ACTIVATE_VMX_PREEMPTION_TIMER', 6], ['pin', 'PROCESS_POSTED_INTERRUPTS', 7],
    ['proc', 'INTERRUPT_WINDOW_EXITING', 2], ['proc', 'USE_TSC_OFFSETTING', 3], ['proc', 'HLT_EXITING', 7],
    ['proc', 'INVLPG_EXITING', 9], ['proc', 'MWAIT_EXITING', 10], ['proc', 'RDPMC_EXITING', 11],
    ['proc', 'RDTSC_EXITING', 12], ['proc', 'CR3_LOAD_EXITING', 15], ['proc', 'CR3_STORE_EXITING', 16],
    ['proc', 'ACTIVATE_TERTIARY_CONTROLS', 17], ['proc', 'CR8_LOAD_EXITING', 19], ['proc', 'CR8_STORE_EXITING', 20],
    ['proc', 'USE_TPR_SHADOW', 21], ['proc', 'NMI_WINDOW_EXITING', 22], ['proc', 'MOV_DR_EXITING', 23],
    ['proc', 'UNCONDITIONAL_IO_EXITING', 24], ['proc', 'USE_IO_BITMAPS', 25], ['proc', 'MONITOR_TRAP_FLAG', 27],
    ['proc', 'USE_MSR_BITMAPS', 28], ['proc', 'MONITOR_EXITING', 29], ['proc', 'PAUSE_EXITING', 30],
    ['proc', 'ACTIVATE_SECONDARY_CONTROLS', 31],
    ['proc2', 'VIRTUALIZE_APIC_ACCESSES', 0], ['proc2', 'ENABLE_EPT', 1], ['proc2', 'DESCRIPTOR_TABLE_EXITING', 2],
    ['proc2', 'ENABLE_RDTSCP', 3], ['proc2', 'VIRTUALIZE_X2APIC_MODE', 4], ['proc2', 'ENABLE_VPID', 5],
    ['proc2', 'WBINVD_EXITING', 6], ['proc2', 'UNRESTRICTED_GUEST', 7], ['proc2', 'APIC_REGISTER_VIRTUALIZATION', 8],
    ['proc2', 'VIRTUAL_INTERRUPT_DELIVERY', 9], ['proc2', 'PAUSE_LOOP_EXITING', 10], ['proc2', 'RDRAND_EXITING', 11],
    ['proc2', 'ENABLE_INVPCID', 12], ['proc2', 'ENABLE_VM_FUNCTIONS', 13], ['proc2', 'VMCS_SHADOWING', 14],
    ['proc2', 'ENABLE_ENCLS_EXITING', 15], ['proc2', 'RDSEED_EXITING', 16], ['proc2', 'ENABLE_PML', 17],
    ['proc2', 'EPT_VIOLATION_VE', 18], ['proc2', 'ENABLE_XSAVES_XRSTORS', 20], ['proc2', 'MODE_BASED_EXECUTE_CONTROL_FOR_EPT', 22],
    ['proc2', 'USE_TSC_SCALING', 25],
    ['proc3', 'LOADIWKEY_EXITING', 0],
    ['exit', 'SAVE_DEBUG_CONTROLS', 2], ['exit', 'HOST_ADDRESS_SPACE_SIZE', 9], ['exit', 'LOAD_IA32_PERF_GLOBAL_CTRL', 12],
    ['exit', 'ACKNOWLEDGE_INTERRUPT_ON_EXIT', 15], ['exit', 'SAVE_IA32_PAT', 18], ['exit', 'LOAD_IA32_PAT', 19],
    ['exit', 'SAVE_IA32_EFER', 20], ['exit', 'LOAD_IA32_EFER', 21], ['exit', 'SAVE_VMX_PREEMPTION_TIMER_VALUE', 22],
    ['entry', 'LOAD_DEBUG_CONTROLS', 2], ['entry', 'IA32E_MODE_GUEST', 9], ['entry', 'ENTRY_TO_SMM', 10],
    ['entry', 'DEACTIVATE_DUAL_MONITOR_TREATMENT', 11], ['entry', 'LOAD_IA32_PERF_GLOBAL_CTRL', 13],
    ['entry', 'LOAD_IA32_PAT', 14], ['entry', 'LOAD_IA32_EFER', 15],
    ['vmfunc', 'EPTP_SWITCHING', 0],
  ];
  it.each(expected)('%s.%s is bit %i', (group, id, bit) => {
    expect(bitOf(group, id)).toBe(bit);
  });

  it('puts the default1 class where Appendix A.2 says', () => {
    const mask = (bits: number[]): bigint => bits.reduce((m, b) => m | (1n << BigInt(b)), 0n);
    const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);
    const d1 = (id: string): bigint | undefined => CONTROL_GROUPS.find((g) => g.id === id)?.default1Mask;
    expect(d1('pin')).toBe(mask([1, 2, 4]));
    expect(d1('proc')).toBe(mask([1, 4, 5, 6, 8, 13, 14, 15, 16, 26]));
    expect(d1('exit')).toBe(mask([...range(0, 8), 10, 11, 13, 14, 16, 17]));
    expect(d1('entry')).toBe(mask([...range(0, 8), 12]));
    expect(d1('proc2')).toBe(0n);
  });
});

function field(layout: string, id: string): { lsb: number; msb: number } | undefined {
  const f = LAYOUTS.find((l) => l.id === layout)?.fields.find((x) => x.id === id);
  return f ? { lsb: f.lsb, msb: f.msb } : undefined;
}

describe('bit-field layouts (SDM 25.4, 25.8, 25.9, 28.2, 29.3, Appendix A)', () => {
  const expected: [string, string, number, number][] = [
    // Table 28-5 I/O instructions
    ['exit-qualification.io-instruction', 'sizeOfAccess', 0, 2],
    ['exit-qualification.io-instruction', 'direction', 3, 3],
    ['exit-qualification.io-instruction', 'string', 4, 4],
    ['exit-qualification.io-instruction', 'rep', 5, 5],
    ['exit-qualification.io-instruction', 'operandEncoding', 6, 6],
    ['exit-qualification.io-instruction', 'portNumber', 16, 31],
    // Table 28-3 control-register accesses
    ['exit-qualification.cr-access', 'controlRegister', 0, 3],
    ['exit-qualification.cr-access', 'accessType', 4, 5],
    ['exit-qualification.cr-access', 'lmswOperandType', 6, 6],
    ['exit-qualification.cr-access', 'generalPurposeRegister', 8, 11],
    ['exit-qualification.cr-access', 'lmswSourceData', 16, 31],
    // Table 28-4 MOV DR
    ['exit-qualification.mov-dr', 'debugRegister', 0, 2],
    ['exit-qualification.mov-dr', 'direction', 4, 4],
    // Table 28-7 EPT violations
    ['exit-qualification.ept-violation', 'dataRead', 0, 0],
    ['exit-qualification.ept-violation', 'dataWrite', 1, 1],
    ['exit-qualification.ept-violation', 'instructionFetch', 2, 2],
    ['exit-qualification.ept-violation', 'guestLinearAddressValid', 7, 7],
    ['exit-qualification.ept-violation', 'linearAddressTranslation', 8, 8],
    ['exit-qualification.ept-violation', 'nmiUnblockingDueToIret', 12, 12],
    // Table 28-6 APIC access
    ['exit-qualification.apic-access', 'offset', 0, 11],
    ['exit-qualification.apic-access', 'accessType', 12, 15],
    // Table 28-2 task switch
    ['exit-qualification.task-switch', 'tssSelector', 0, 15],
    ['exit-qualification.task-switch', 'source', 30, 31],
    // Table 25-2 access rights
    ['vmcs.access-rights', 'segmentType', 0, 3],
    ['vmcs.access-rights', 'descriptorType', 4, 4],
    ['vmcs.access-rights', 'dpl', 5, 6],
    ['vmcs.access-rights', 'present', 7, 7],
    ['vmcs.access-rights', 'longMode', 13, 13],
    ['vmcs.access-rights', 'defaultSize', 14, 14],
    ['vmcs.access-rights', 'granularity', 15, 15],
    ['vmcs.access-rights', 'unusable', 16, 16],
    // Table 25-3 interruptibility state
    ['vmcs.interruptibility-state', 'blockingBySti', 0, 0],
    ['vmcs.interruptibility-state', 'blockingByMovSs', 1, 1],
    ['vmcs.interruptibility-state', 'blockingBySmi', 2, 2],
    ['vmcs.interruptibility-state', 'blockingByNmi', 3, 3],
    // Table 25-17 VM-entry interruption information
    ['vmcs.vm-entry-interruption-information', 'vector', 0, 7],
    ['vmcs.vm-entry-interruption-information', 'interruptionType', 8, 10],
    ['vmcs.vm-entry-interruption-information', 'deliverErrorCode', 11, 11],
    ['vmcs.vm-entry-interruption-information', 'valid', 31, 31],
    ['vmcs.vm-exit-interruption-information', 'nmiUnblockingDueToIret', 12, 12],
    // Table 25-18 exit reason
    ['vmcs.exit-reason', 'basicExitReason', 0, 15],
    ['vmcs.exit-reason', 'vmEntryFailure', 31, 31],
    // Table 25-9 EPTP
    ['ept.eptp', 'memoryType', 0, 2],
    ['ept.eptp', 'pageWalkLength', 3, 5],
    ['ept.eptp', 'enableAccessedDirty', 6, 6],
    // Tables 29-x EPT entries
    ['ept.pte', 'suppressVe', 63, 63],
    ['ept.pde-2mb-page', 'physicalAddress', 21, 51],
    ['ept.pdpte-1gb-page', 'physicalAddress', 30, 51],
    // A.1 IA32_VMX_BASIC, A.6 IA32_VMX_MISC
    ['msr.ia32-vmx-basic', 'vmcsRevisionId', 0, 30],
    ['msr.ia32-vmx-basic', 'vmcsRegionSize', 32, 44],
    ['msr.ia32-vmx-basic', 'memoryType', 50, 53],
    ['msr.ia32-vmx-basic', 'insOutsInformation', 54, 54],
    ['msr.ia32-vmx-basic', 'trueControls', 55, 55],
    ['msr.ia32-vmx-misc', 'preemptionTimerRate', 0, 4],
    ['msr.ia32-vmx-misc', 'cr3TargetCount', 16, 24],
    ['msr.ia32-vmx-misc', 'vmwriteAnyField', 29, 29],
    // SDM 25.11.2 field encoding
    ['vmcs.field-encoding', 'index', 1, 9],
    ['vmcs.field-encoding', 'type', 10, 11],
    ['vmcs.field-encoding', 'width', 13, 14],
  ];
  it.each(expected)('%s.%s is bits %i..%i', (layout, id, lsb, msb) => {
    expect(field(layout, id)).toEqual({ lsb, msb });
  });
});

describe('exit reasons (Appendix C), VM-instruction errors (31.4) and capability MSRs (Appendix A)', () => {
  it.each([
    ['EXCEPTION_OR_NMI', 0], ['EXTERNAL_INTERRUPT', 1], ['TRIPLE_FAULT', 2], ['INTERRUPT_WINDOW', 7], ['NMI_WINDOW', 8],
    ['TASK_SWITCH', 9], ['CPUID', 10], ['HLT', 12], ['INVLPG', 14], ['RDTSC', 16], ['VMCALL', 18], ['VMXON', 27],
    ['CR_ACCESS', 28], ['MOV_DR', 29], ['IO_INSTRUCTION', 30], ['RDMSR', 31], ['WRMSR', 32],
    ['VM_ENTRY_FAILURE_INVALID_GUEST_STATE', 33], ['VM_ENTRY_FAILURE_MSR_LOADING', 34], ['MONITOR_TRAP_FLAG', 37],
    ['TPR_BELOW_THRESHOLD', 43], ['APIC_ACCESS', 44], ['EPT_VIOLATION', 48], ['EPT_MISCONFIGURATION', 49],
    ['VMX_PREEMPTION_TIMER_EXPIRED', 52], ['XSETBV', 55], ['APIC_WRITE', 56], ['PAGE_MODIFICATION_LOG_FULL', 62],
  ] as [string, number][])('exit reason %s is %i', (id, n) => {
    expect((EXIT_REASON as Record<string, number>)[id]).toBe(n);
  });

  it.each([
    ['VMCALL_IN_VMX_ROOT_OPERATION', 1], ['VMLAUNCH_NONCLEAR_VMCS', 4], ['VMRESUME_NONLAUNCHED_VMCS', 5],
    ['VMENTRY_INVALID_CONTROL_FIELDS', 7], ['VMENTRY_INVALID_HOST_STATE_FIELDS', 8],
    ['VMPTRLD_INCORRECT_REVISION_ID', 11], ['VMREAD_VMWRITE_UNSUPPORTED_COMPONENT', 12],
    ['VMWRITE_READ_ONLY_COMPONENT', 13], ['VMXON_IN_VMX_ROOT_OPERATION', 15],
    ['VMENTRY_EVENTS_BLOCKED_BY_MOV_SS', 26], ['INVALID_OPERAND_TO_INVEPT_INVVPID', 28],
  ] as [string, number][])('VM-instruction error %s is %i', (id, n) => {
    expect((VM_INSTRUCTION_ERROR as Record<string, number>)[id]).toBe(n);
  });

  it.each([
    ['IA32_FEATURE_CONTROL', 0x3A], ['IA32_VMX_BASIC', 0x480], ['IA32_VMX_PINBASED_CTLS', 0x481],
    ['IA32_VMX_PROCBASED_CTLS', 0x482], ['IA32_VMX_EXIT_CTLS', 0x483], ['IA32_VMX_ENTRY_CTLS', 0x484],
    ['IA32_VMX_MISC', 0x485], ['IA32_VMX_CR0_FIXED0', 0x486], ['IA32_VMX_CR4_FIXED1', 0x489],
    ['IA32_VMX_VMCS_ENUM', 0x48A], ['IA32_VMX_PROCBASED_CTLS2', 0x48B], ['IA32_VMX_EPT_VPID_CAP', 0x48C],
    ['IA32_VMX_TRUE_PINBASED_CTLS', 0x48D], ['IA32_VMX_TRUE_ENTRY_CTLS', 0x490], ['IA32_VMX_VMFUNC', 0x491],
    ['IA32_VMX_PROCBASED_CTLS3', 0x492], ['IA32_VMX_EXIT_CTLS2', 0x493],
  ] as [string, number][])('MSR %s is at %i', (id, address) => {
    expect((CAPABILITY_MSR as Record<string, number>)[id]).toBe(address);
  });
});
