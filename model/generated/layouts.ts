// generated — do not edit. Produced by `npm run gen` (spec/codegen) from spec/schemas and spec/data.
/* eslint-disable */
// Bit-field layouts: exit qualifications, information fields, VMCS formats, EPT, MSRs, memory structures.
import type { Layout } from './types.js';

export type LayoutId =
  | "apic.base"
  | "apic.id"
  | "apic.version"
  | "apic.priority"
  | "apic.ldr"
  | "apic.dfr"
  | "apic.spurious-vector"
  | "apic.error-status"
  | "apic.lvt"
  | "apic.lvt-timer"
  | "apic.icr-low"
  | "apic.icr-high"
  | "apic.timer-divide"
  | "apic.self-ipi"
  | "ept.eptp"
  | "ept.pml5e"
  | "ept.pml4e"
  | "ept.pdpte-1gb-page"
  | "ept.pdpte-table"
  | "ept.pde-2mb-page"
  | "ept.pde-table"
  | "ept.pte"
  | "exit-qualification.debug-exception"
  | "exit-qualification.page-fault"
  | "exit-qualification.sipi"
  | "exit-qualification.smi"
  | "exit-qualification.task-switch"
  | "exit-qualification.invlpg"
  | "exit-qualification.instruction-displacement"
  | "exit-qualification.cr-access"
  | "exit-qualification.mov-dr"
  | "exit-qualification.io-instruction"
  | "exit-qualification.mwait"
  | "exit-qualification.wbinvd-wbnoinvd"
  | "exit-qualification.apic-access"
  | "exit-qualification.ept-violation"
  | "exit-qualification.virtualized-eoi"
  | "exit-qualification.apic-write"
  | "exit-qualification.pml-full"
  | "exit-qualification.spp-event"
  | "exit-qualification.instruction-timeout"
  | "exit-qualification.msr-index"
  | "exit-qualification.vm-entry-failure"
  | "exit-qualification.msr-load-failure"
  | "exit-qualification.extension-privilege-level-transition"
  | "instruction-information.ins-outs"
  | "instruction-information.invept-invpcid-invvpid"
  | "instruction-information.lidt-lgdt-sidt-sgdt"
  | "instruction-information.lldt-ltr-sldt-str"
  | "instruction-information.loadiwkey"
  | "instruction-information.rdrand-rdseed-tpause-umwait"
  | "instruction-information.rdmsr-wrmsrns-urdmsr-uwrmsr"
  | "instruction-information.vmclear-vmptrld-vmptrst-vmxon-xrstors-xsaves"
  | "instruction-information.vmread-vmwrite"
  | "memory.posted-interrupt-descriptor-control"
  | "memory.ve-information-area"
  | "memory.vmcs-region-header"
  | "memory.invept-descriptor"
  | "memory.invvpid-descriptor"
  | "memory.invvpid-descriptor-linear-address"
  | "memory.guest-pasid"
  | "memory.pasid-directory-entry"
  | "memory.pasid-table-entry"
  | "memory.sppt-entry"
  | "memory.spp-vector"
  | "memory.xsave-header-xstate-bv"
  | "memory.xsave-header-xcomp-bv"
  | "msr.ia32-vmx-basic"
  | "msr.ia32-vmx-misc"
  | "msr.ia32-vmx-vmcs-enum"
  | "msr.ia32-vmx-ept-vpid-cap"
  | "msr.ia32-feature-control"
  | "msr.ia32-user-msr-ctl"
  | "msr.ia32-pasid"
  | "msr.ia32-xss"
  | "vmcs.field-encoding"
  | "vmcs.access-rights"
  | "vmcs.interruptibility-state"
  | "vmcs.activity-state"
  | "vmcs.pending-debug-exceptions"
  | "vmcs.exit-reason"
  | "vmcs.vm-entry-interruption-information"
  | "vmcs.vm-exit-interruption-information"
  | "vmcs.idt-vectoring-information"
  | "vmcs.guest-interrupt-status"
  | "vmcs.msr-entry"
  | "vmcs.extension-privilege-level-exiting-controls"
  | "vmcs.extension-cpl-transition-bitmap";

export interface LayoutInfo extends Omit<Layout, 'id'> {
  readonly id: LayoutId;
}

export const LAYOUTS: readonly LayoutInfo[] = [
  { id: "apic.base", name: "IA32_APIC_BASE MSR", kind: "msr", width: 64, sdm: "3A:11.4.4", table: "Figure 11-5", description: "Location and status of the local APIC (MSR 1BH); x2APIC enable per 11.12.1.", fields: [{ id: "bsp", name: "BSP flag", lsb: 8, msb: 8, description: "Set on the bootstrap processor." }, { id: "x2apicEnable", name: "Enable x2APIC mode (EXTD)", lsb: 10, msb: 10, description: "With bit 11, the local APIC is in x2APIC mode (11.12.1)." }, { id: "globalEnable", name: "APIC global enable flag (EN)", lsb: 11, msb: 11, description: "Clear: the local APIC is disabled." }, { id: "base", name: "APIC base (physical address bits 51:12)", lsb: 12, msb: 51, description: "Page frame of the xAPIC register page." }] },
  { id: "apic.id", name: "Local APIC ID Register", kind: "apic-register", width: 32, sdm: "3A:11.4.6", table: "Figure 11-6", description: "The xAPIC ID in bits 31:24 (the x2APIC ID is all 32 bits, 11.12.5.1).", fields: [{ id: "apicId", name: "APIC ID", lsb: 24, msb: 31 }] },
  { id: "apic.version", name: "Local APIC Version Register", kind: "apic-register", width: 32, sdm: "3A:11.4.8", table: "Figure 11-7", description: "Version, number of LVT entries minus 1, EOI-broadcast suppression support.", fields: [{ id: "version", name: "Version", lsb: 0, msb: 7, description: "1XH for an integrated APIC." }, { id: "maxLvtEntry", name: "Max LVT Entry", lsb: 16, msb: 23, description: "Number of LVT entries minus 1." }, { id: "eoiBroadcastSuppression", name: "Support for EOI-broadcast suppression", lsb: 24, msb: 24 }] },
  { id: "apic.priority", name: "Task, Arbitration and Processor Priority Registers", kind: "apic-register", width: 32, sdm: "3A:11.8.3.1", table: "Figure 11-18", description: "TPR, APR and PPR: priority class and sub-class.", fields: [{ id: "subClass", name: "Priority Sub-Class", lsb: 0, msb: 3 }, { id: "priorityClass", name: "Priority Class", lsb: 4, msb: 7 }] },
  { id: "apic.ldr", name: "Logical Destination Register (LDR)", kind: "apic-register", width: 32, sdm: "3A:11.6.2.2", table: "Figure 11-13", description: "The logical APIC ID (xAPIC mode).", fields: [{ id: "logicalApicId", name: "Logical APIC ID", lsb: 24, msb: 31 }] },
  { id: "apic.dfr", name: "Destination Format Register (DFR)", kind: "apic-register", width: 32, sdm: "3A:11.6.2.2", table: "Figure 11-14", description: "Flat or cluster logical destination model (xAPIC mode); bits 27:0 read as 1.", fields: [{ id: "model", name: "Model", lsb: 28, msb: 31, values: { "0": "Cluster", "15": "Flat" } }] },
  { id: "apic.spurious-vector", name: "Spurious-Interrupt Vector Register (SVR)", kind: "apic-register", width: 32, sdm: "3A:11.9", table: "Figure 11-23", description: "Spurious vector, APIC software enable, focus processor checking, EOI-broadcast suppression.", fields: [{ id: "spuriousVector", name: "Spurious Vector", lsb: 0, msb: 7 }, { id: "apicSoftwareEnable", name: "APIC Software Enable/Disable", lsb: 8, msb: 8, description: "0: APIC software disabled (LVT entries masked, 11.4.7.2)." }, { id: "focusProcessorChecking", name: "Focus Processor Checking", lsb: 9, msb: 9 }, { id: "eoiBroadcastSuppression", name: "EOI-Broadcast Suppression", lsb: 12, msb: 12 }] },
  { id: "apic.error-status", name: "Error Status Register (ESR)", kind: "apic-register", width: 32, sdm: "3A:11.5.3", table: "Figure 11-9", description: "Errors the local APIC detected; a write (of 0) loads it from the errors recorded since the previous write.", fields: [{ id: "sendChecksumError", name: "Send Checksum Error", lsb: 0, msb: 0 }, { id: "receiveChecksumError", name: "Receive Checksum Error", lsb: 1, msb: 1 }, { id: "sendAcceptError", name: "Send Accept Error", lsb: 2, msb: 2 }, { id: "receiveAcceptError", name: "Receive Accept Error", lsb: 3, msb: 3 }, { id: "redirectableIpi", name: "Redirectable IPI", lsb: 4, msb: 4 }, { id: "sendIllegalVector", name: "Send Illegal Vector", lsb: 5, msb: 5 }, { id: "receivedIllegalVector", name: "Receive Illegal Vector", lsb: 6, msb: 6 }, { id: "illegalRegisterAddress", name: "Illegal Register Address", lsb: 7, msb: 7 }] },
  { id: "apic.lvt", name: "Local Vector Table entry (LINT0, LINT1, Error, Performance, Thermal, CMCI)", kind: "apic-register", width: 32, sdm: "3A:11.5.1", table: "Figure 11-8", description: "How a local interrupt source is delivered; not every entry has every field.", fields: [{ id: "vector", name: "Vector", lsb: 0, msb: 7 }, { id: "deliveryMode", name: "Delivery Mode", lsb: 8, msb: 10, values: { "0": "Fixed", "2": "SMI", "4": "NMI", "5": "INIT", "7": "ExtINT" } }, { id: "deliveryStatus", name: "Delivery Status", lsb: 12, msb: 12, description: "Read-only: 1 send pending." }, { id: "inputPinPolarity", name: "Interrupt Input Pin Polarity", lsb: 13, msb: 13 }, { id: "remoteIrr", name: "Remote IRR Flag", lsb: 14, msb: 14 }, { id: "triggerMode", name: "Trigger Mode", lsb: 15, msb: 15, values: { "0": "Edge", "1": "Level" } }, { id: "mask", name: "Mask", lsb: 16, msb: 16, description: "1 inhibits reception of the interrupt." }] },
  { id: "apic.lvt-timer", name: "LVT Timer Register", kind: "apic-register", width: 32, sdm: "3A:11.5.1", table: "Figure 11-8", description: "Vector, mask and mode of the APIC timer (11.5.4).", fields: [{ id: "vector", name: "Vector", lsb: 0, msb: 7 }, { id: "deliveryStatus", name: "Delivery Status", lsb: 12, msb: 12 }, { id: "mask", name: "Mask", lsb: 16, msb: 16 }, { id: "timerMode", name: "Timer Mode", lsb: 17, msb: 18, values: { "0": "One-shot", "1": "Periodic", "2": "TSC-Deadline" } }] },
  { id: "apic.icr-low", name: "Interrupt Command Register (ICR), bits 31:0", kind: "apic-register", width: 32, sdm: "3A:11.6.1", table: "Figure 11-12", description: "Writing it sends the IPI (in x2APIC mode the whole ICR is MSR 830H with the destination in bits 63:32).", fields: [{ id: "vector", name: "Vector", lsb: 0, msb: 7 }, { id: "deliveryMode", name: "Delivery Mode", lsb: 8, msb: 10, values: { "0": "Fixed", "1": "Lowest Priority", "2": "SMI", "4": "NMI", "5": "INIT", "6": "Start Up", "7": "ExtINT" } }, { id: "destinationMode", name: "Destination Mode", lsb: 11, msb: 11, values: { "0": "Physical", "1": "Logical" } }, { id: "deliveryStatus", name: "Delivery Status", lsb: 12, msb: 12, description: "Read-only: 1 send pending (xAPIC only)." }, { id: "level", name: "Level", lsb: 14, msb: 14, values: { "0": "De-assert", "1": "Assert" } }, { id: "triggerMode", name: "Trigger Mode", lsb: 15, msb: 15, values: { "0": "Edge", "1": "Level" } }, { id: "destinationShorthand", name: "Destination Shorthand", lsb: 18, msb: 19, values: { "0": "No Shorthand", "1": "Self", "2": "All Including Self", "3": "All Excluding Self" } }] },
  { id: "apic.icr-high", name: "Interrupt Command Register (ICR), bits 63:32 (xAPIC)", kind: "apic-register", width: 32, sdm: "3A:11.6.1", table: "Figure 11-12", description: "The destination field of an xAPIC ICR (bits 63:56).", fields: [{ id: "destination", name: "Destination Field", lsb: 24, msb: 31 }] },
  { id: "apic.timer-divide", name: "Divide Configuration Register", kind: "apic-register", width: 32, sdm: "3A:11.5.4", table: "Figure 11-10", description: "Bits 0, 1 and 3 select the divisor of the processor's bus clock: 000 2, 001 4, 010 8, 011 16, 100 32, 101 64, 110 128, 111 1 (bits 3,1,0).", fields: [{ id: "divideLow", name: "Divide Value bits 1:0", lsb: 0, msb: 1 }, { id: "divideHigh", name: "Divide Value bit 2", lsb: 3, msb: 3 }] },
  { id: "apic.self-ipi", name: "SELF IPI register (x2APIC)", kind: "apic-register", width: 32, sdm: "3A:11.12.11", table: "Figure 11-28", description: "Writing a vector sends a fixed, edge-triggered self IPI (MSR 83FH).", fields: [{ id: "vector", name: "Vector", lsb: 0, msb: 7 }] },
  { id: "ept.eptp", name: "Extended-page-table pointer (EPTP)", kind: "ept", width: 64, sdm: "25.6.11", table: "Table 25-9", description: "Format of the EPT pointer: memory type and root of the EPT paging structures.", fields: [{ id: "memoryType", name: "EPT paging-structure memory type", lsb: 0, msb: 2, values: { "0": "UC (uncacheable)", "6": "WB (write back)" }, description: "Memory type used to access the EPT paging structures." }, { id: "pageWalkLength", name: "EPT page-walk length minus 1", lsb: 3, msb: 5, values: { "3": "4-level EPT", "4": "5-level EPT" }, description: "One less than the number of EPT levels." }, { id: "enableAccessedDirty", name: "Enable accessed and dirty flags", lsb: 6, msb: 6, description: "Enables the EPT accessed and dirty flags." }, { id: "enableSupervisorShadowStack", name: "Enable supervisor shadow-stack access rights", lsb: 7, msb: 7, description: "Enforces EPT access rights for supervisor shadow-stack pages." }, { id: "physicalAddress", name: "Physical address of the EPT PML4 or PML5 table", lsb: 12, msb: 51, description: "Bits N-1:12 of the 4-KByte aligned root table (PML4 for 4-level, PML5 for 5-level EPT); bits 51:N must be 0, N = physical-address width." }] },
  { id: "ept.pml5e", name: "EPT PML5 entry (PML5E)", kind: "ept", width: 64, sdm: "29.3.2", description: "EPT PML5 entry, used with 5-level EPT; it references an EPT PML4 table. Bits 7:3 are reserved. Bits no field covers are reserved (an EPT misconfiguration when set in a present entry, SDM 29.3.3.1).", fields: [{ id: "read", name: "Read access", lsb: 0, msb: 0, description: "Reads are allowed from the 256-TByte region controlled by this entry." }, { id: "write", name: "Write access", lsb: 1, msb: 1, description: "Writes are allowed to the 256-TByte region controlled by this entry." }, { id: "execute", name: "Execute access", lsb: 2, msb: 2, description: "Instruction fetches are allowed from the 256-TByte region controlled by this entry (for supervisor-mode linear addresses when mode-based execute control for EPT is 1)." }, { id: "accessed", name: "Accessed", lsb: 8, msb: 8, validWhen: "bit 6 of EPTP is 1", description: "Set by the processor when the entry is used in translation." }, { id: "ignored9", name: "Ignored", lsb: 9, msb: 9, description: "Ignored by the processor: software may use it; setting it never causes an EPT misconfiguration." }, { id: "userModeExecute", name: "Execute access for user-mode linear addresses", lsb: 10, msb: 10, validWhen: "the \"mode-based execute control for EPT\" VM-execution control is 1", description: "Instruction fetches from user-mode linear addresses are allowed from the 256-TByte region controlled by this entry." }, { id: "ignored11", name: "Ignored", lsb: 11, msb: 11, description: "Ignored by the processor: software may use it; setting it never causes an EPT misconfiguration." }, { id: "physicalAddress", name: "Physical address of the EPT PML4 table", lsb: 12, msb: 51, description: "Bits N-1:12 of the 4-KByte aligned EPT PML4 table; bits 51:N must be 0." }, { id: "ignoredHigh", name: "Ignored", lsb: 52, msb: 63, description: "Ignored by the processor: software may use it; setting it never causes an EPT misconfiguration." }] },
  { id: "ept.pml4e", name: "EPT PML4 entry (PML4E)", kind: "ept", width: 64, sdm: "29.3.2", table: "Table 29-1", description: "EPT PML4 entry; it references an EPT page-directory-pointer table. Bits 7:3 are reserved. Bits no field covers are reserved (an EPT misconfiguration when set in a present entry, SDM 29.3.3.1).", fields: [{ id: "read", name: "Read access", lsb: 0, msb: 0, description: "Reads are allowed from the 512-GByte region controlled by this entry." }, { id: "write", name: "Write access", lsb: 1, msb: 1, description: "Writes are allowed to the 512-GByte region controlled by this entry." }, { id: "execute", name: "Execute access", lsb: 2, msb: 2, description: "Instruction fetches are allowed from the 512-GByte region controlled by this entry (for supervisor-mode linear addresses when mode-based execute control for EPT is 1)." }, { id: "accessed", name: "Accessed", lsb: 8, msb: 8, validWhen: "bit 6 of EPTP is 1", description: "Set by the processor when the entry is used in translation." }, { id: "ignored9", name: "Ignored", lsb: 9, msb: 9, description: "Ignored by the processor: software may use it; setting it never causes an EPT misconfiguration." }, { id: "userModeExecute", name: "Execute access for user-mode linear addresses", lsb: 10, msb: 10, validWhen: "the \"mode-based execute control for EPT\" VM-execution control is 1", description: "Instruction fetches from user-mode linear addresses are allowed from the 512-GByte region controlled by this entry." }, { id: "ignored11", name: "Ignored", lsb: 11, msb: 11, description: "Ignored by the processor: software may use it; setting it never causes an EPT misconfiguration." }, { id: "physicalAddress", name: "Physical address of the EPT page-directory-pointer table", lsb: 12, msb: 51, description: "Bits N-1:12 of the 4-KByte aligned EPT page-directory-pointer table; bits 51:N must be 0." }, { id: "ignoredHigh", name: "Ignored", lsb: 52, msb: 63, description: "Ignored by the processor: software may use it; setting it never causes an EPT misconfiguration." }] },
  { id: "ept.pdpte-1gb-page", name: "EPT PDPTE that maps a 1-GByte page", kind: "ept", width: 64, sdm: "29.3.2", table: "Table 29-2", description: "EPT page-directory-pointer-table entry with bit 7 set, which maps a 1-GByte page. Bits 29:12 are reserved. Bits no field covers are reserved (an EPT misconfiguration when set in a present entry, SDM 29.3.3.1).", fields: [{ id: "read", name: "Read access", lsb: 0, msb: 0, description: "Reads are allowed from the 1-GByte page." }, { id: "write", name: "Write access", lsb: 1, msb: 1, description: "Writes are allowed to the 1-GByte page." }, { id: "execute", name: "Execute access", lsb: 2, msb: 2, description: "Instruction fetches are allowed from the 1-GByte page (for supervisor-mode linear addresses when mode-based execute control for EPT is 1)." }, { id: "memoryType", name: "EPT memory type", lsb: 3, msb: 5, values: { "0": "UC (uncacheable)", "1": "WC (write combining)", "4": "WT (write through)", "5": "WP (write protected)", "6": "WB (write back)" }, description: "Memory type for the 1-GByte page." }, { id: "ignorePat", name: "Ignore PAT memory type", lsb: 6, msb: 6, description: "Ignore the guest PAT memory type when combining memory types." }, { id: "pageSize", name: "Page size", lsb: 7, msb: 7, values: { "1": "maps a page" }, description: "Must be 1; a 0 would make the entry reference an EPT paging structure." }, { id: "accessed", name: "Accessed", lsb: 8, msb: 8, validWhen: "bit 6 of EPTP is 1", description: "Set by the processor when the entry is used in translation." }, { id: "dirty", name: "Dirty", lsb: 9, msb: 9, validWhen: "bit 6 of EPTP is 1", description: "Set by the processor on a write to the 1-GByte page." }, { id: "userModeExecute", name: "Execute access for user-mode linear addresses", lsb: 10, msb: 10, validWhen: "the \"mode-based execute control for EPT\" VM-execution control is 1", description: "Instruction fetches from user-mode linear addresses are allowed from the 1-GByte page." }, { id: "ignored11", name: "Ignored", lsb: 11, msb: 11, description: "Ignored by the processor: software may use it; setting it never causes an EPT misconfiguration." }, { id: "physicalAddress", name: "Physical address of the 1-GByte page", lsb: 30, msb: 51, description: "Bits N-1:30 of the physical address of the 1-GByte page; bits 51:N must be 0." }, { id: "ignoredHigh", name: "Ignored", lsb: 52, msb: 56, description: "Ignored by the processor: software may use it; setting it never causes an EPT misconfiguration." }, { id: "verifyGuestPaging", name: "Verify guest paging", lsb: 57, msb: 57, validWhen: "the \"guest-paging verification\" VM-execution control is 1", description: "Requests verification that the guest paging structures used to reach this page lie in pages with paging-write access; otherwise the access causes an EPT violation." }, { id: "pagingWriteAccess", name: "Paging-write access", lsb: 58, msb: 58, validWhen: "the \"EPT paging-write control\" VM-execution control is 1", description: "Guest paging-structure writes (A/D updates) are allowed to this page." }, { id: "ignored59", name: "Ignored", lsb: 59, msb: 59, description: "Ignored by the processor: software may use it; setting it never causes an EPT misconfiguration." }, { id: "supervisorShadowStack", name: "Supervisor shadow stack", lsb: 60, msb: 60, validWhen: "bit 7 of EPTP is 1", description: "The page may be used as a supervisor shadow-stack page." }, { id: "ignored61", name: "Ignored", lsb: 61, msb: 61, description: "Ignored by the processor: software may use it; setting it never causes an EPT misconfiguration." }, { id: "ignored62", name: "Ignored", lsb: 62, msb: 62, description: "Ignored by the processor: software may use it; setting it never causes an EPT misconfiguration." }, { id: "suppressVe", name: "Suppress #VE", lsb: 63, msb: 63, validWhen: "the \"EPT-violation #VE\" VM-execution control is 1", description: "EPT violations caused by accesses to this page are not converted to virtualization exceptions." }] },
  { id: "ept.pdpte-table", name: "EPT PDPTE that references an EPT page directory", kind: "ept", width: 64, sdm: "29.3.2", table: "Table 29-3", description: "EPT page-directory-pointer-table entry with bit 7 clear, which references an EPT page directory. Bits 6:3 are reserved. Bits no field covers are reserved (an EPT misconfiguration when set in a present entry, SDM 29.3.3.1).", fields: [{ id: "read", name: "Read access", lsb: 0, msb: 0, description: "Reads are allowed from the 1-GByte region controlled by this entry." }, { id: "write", name: "Write access", lsb: 1, msb: 1, description: "Writes are allowed to the 1-GByte region controlled by this entry." }, { id: "execute", name: "Execute access", lsb: 2, msb: 2, description: "Instruction fetches are allowed from the 1-GByte region controlled by this entry (for supervisor-mode linear addresses when mode-based execute control for EPT is 1)." }, { id: "pageSize", name: "Page size", lsb: 7, msb: 7, values: { "0": "references an EPT paging structure" }, description: "Must be 0; a 1 would make the entry map a page." }, { id: "accessed", name: "Accessed", lsb: 8, msb: 8, validWhen: "bit 6 of EPTP is 1", description: "Set by the processor when the entry is used in translation." }, { id: "ignored9", name: "Ignored", lsb: 9, msb: 9, description: "Ignored by the processor: software may use it; setting it never causes an EPT misconfiguration." }, { id: "userModeExecute", name: "Execute access for user-mode linear addresses", lsb: 10, msb: 10, validWhen: "the \"mode-based execute control for EPT\" VM-execution control is 1", description: "Instruction fetches from user-mode linear addresses are allowed from the 1-GByte region controlled by this entry." }, { id: "ignored11", name: "Ignored", lsb: 11, msb: 11, description: "Ignored by the processor: software may use it; setting it never causes an EPT misconfiguration." }, { id: "physicalAddress", name: "Physical address of the EPT page directory", lsb: 12, msb: 51, description: "Bits N-1:12 of the 4-KByte aligned EPT page directory; bits 51:N must be 0." }, { id: "ignoredHigh", name: "Ignored", lsb: 52, msb: 63, description: "Ignored by the processor: software may use it; setting it never causes an EPT misconfiguration." }] },
  { id: "ept.pde-2mb-page", name: "EPT PDE that maps a 2-MByte page", kind: "ept", width: 64, sdm: "29.3.2", table: "Table 29-4", description: "EPT page-directory entry with bit 7 set, which maps a 2-MByte page. Bits 20:12 are reserved. Bits no field covers are reserved (an EPT misconfiguration when set in a present entry, SDM 29.3.3.1).", fields: [{ id: "read", name: "Read access", lsb: 0, msb: 0, description: "Reads are allowed from the 2-MByte page." }, { id: "write", name: "Write access", lsb: 1, msb: 1, description: "Writes are allowed to the 2-MByte page." }, { id: "execute", name: "Execute access", lsb: 2, msb: 2, description: "Instruction fetches are allowed from the 2-MByte page (for supervisor-mode linear addresses when mode-based execute control for EPT is 1)." }, { id: "memoryType", name: "EPT memory type", lsb: 3, msb: 5, values: { "0": "UC (uncacheable)", "1": "WC (write combining)", "4": "WT (write through)", "5": "WP (write protected)", "6": "WB (write back)" }, description: "Memory type for the 2-MByte page." }, { id: "ignorePat", name: "Ignore PAT memory type", lsb: 6, msb: 6, description: "Ignore the guest PAT memory type when combining memory types." }, { id: "pageSize", name: "Page size", lsb: 7, msb: 7, values: { "1": "maps a page" }, description: "Must be 1; a 0 would make the entry reference an EPT paging structure." }, { id: "accessed", name: "Accessed", lsb: 8, msb: 8, validWhen: "bit 6 of EPTP is 1", description: "Set by the processor when the entry is used in translation." }, { id: "dirty", name: "Dirty", lsb: 9, msb: 9, validWhen: "bit 6 of EPTP is 1", description: "Set by the processor on a write to the 2-MByte page." }, { id: "userModeExecute", name: "Execute access for user-mode linear addresses", lsb: 10, msb: 10, validWhen: "the \"mode-based execute control for EPT\" VM-execution control is 1", description: "Instruction fetches from user-mode linear addresses are allowed from the 2-MByte page." }, { id: "ignored11", name: "Ignored", lsb: 11, msb: 11, description: "Ignored by the processor: software may use it; setting it never causes an EPT misconfiguration." }, { id: "physicalAddress", name: "Physical address of the 2-MByte page", lsb: 21, msb: 51, description: "Bits N-1:21 of the physical address of the 2-MByte page; bits 51:N must be 0." }, { id: "ignoredHigh", name: "Ignored", lsb: 52, msb: 56, description: "Ignored by the processor: software may use it; setting it never causes an EPT misconfiguration." }, { id: "verifyGuestPaging", name: "Verify guest paging", lsb: 57, msb: 57, validWhen: "the \"guest-paging verification\" VM-execution control is 1", description: "Requests verification that the guest paging structures used to reach this page lie in pages with paging-write access; otherwise the access causes an EPT violation." }, { id: "pagingWriteAccess", name: "Paging-write access", lsb: 58, msb: 58, validWhen: "the \"EPT paging-write control\" VM-execution control is 1", description: "Guest paging-structure writes (A/D updates) are allowed to this page." }, { id: "ignored59", name: "Ignored", lsb: 59, msb: 59, description: "Ignored by the processor: software may use it; setting it never causes an EPT misconfiguration." }, { id: "supervisorShadowStack", name: "Supervisor shadow stack", lsb: 60, msb: 60, validWhen: "bit 7 of EPTP is 1", description: "The page may be used as a supervisor shadow-stack page." }, { id: "ignored61", name: "Ignored", lsb: 61, msb: 61, description: "Ignored by the processor: software may use it; setting it never causes an EPT misconfiguration." }, { id: "ignored62", name: "Ignored", lsb: 62, msb: 62, description: "Ignored by the processor: software may use it; setting it never causes an EPT misconfiguration." }, { id: "suppressVe", name: "Suppress #VE", lsb: 63, msb: 63, validWhen: "the \"EPT-violation #VE\" VM-execution control is 1", description: "EPT violations caused by accesses to this page are not converted to virtualization exceptions." }] },
  { id: "ept.pde-table", name: "EPT PDE that references an EPT page table", kind: "ept", width: 64, sdm: "29.3.2", table: "Table 29-5", description: "EPT page-directory entry with bit 7 clear, which references an EPT page table. Bits 6:3 are reserved. Bits no field covers are reserved (an EPT misconfiguration when set in a present entry, SDM 29.3.3.1).", fields: [{ id: "read", name: "Read access", lsb: 0, msb: 0, description: "Reads are allowed from the 2-MByte region controlled by this entry." }, { id: "write", name: "Write access", lsb: 1, msb: 1, description: "Writes are allowed to the 2-MByte region controlled by this entry." }, { id: "execute", name: "Execute access", lsb: 2, msb: 2, description: "Instruction fetches are allowed from the 2-MByte region controlled by this entry (for supervisor-mode linear addresses when mode-based execute control for EPT is 1)." }, { id: "pageSize", name: "Page size", lsb: 7, msb: 7, values: { "0": "references an EPT paging structure" }, description: "Must be 0; a 1 would make the entry map a page." }, { id: "accessed", name: "Accessed", lsb: 8, msb: 8, validWhen: "bit 6 of EPTP is 1", description: "Set by the processor when the entry is used in translation." }, { id: "ignored9", name: "Ignored", lsb: 9, msb: 9, description: "Ignored by the processor: software may use it; setting it never causes an EPT misconfiguration." }, { id: "userModeExecute", name: "Execute access for user-mode linear addresses", lsb: 10, msb: 10, validWhen: "the \"mode-based execute control for EPT\" VM-execution control is 1", description: "Instruction fetches from user-mode linear addresses are allowed from the 2-MByte region controlled by this entry." }, { id: "ignored11", name: "Ignored", lsb: 11, msb: 11, description: "Ignored by the processor: software may use it; setting it never causes an EPT misconfiguration." }, { id: "physicalAddress", name: "Physical address of the EPT page table", lsb: 12, msb: 51, description: "Bits N-1:12 of the 4-KByte aligned EPT page table; bits 51:N must be 0." }, { id: "ignoredHigh", name: "Ignored", lsb: 52, msb: 63, description: "Ignored by the processor: software may use it; setting it never causes an EPT misconfiguration." }] },
  { id: "ept.pte", name: "EPT page-table entry (PTE)", kind: "ept", width: 64, sdm: "29.3.2", table: "Table 29-6", description: "EPT page-table entry, which maps a 4-KByte page. Bits no field covers are reserved (an EPT misconfiguration when set in a present entry, SDM 29.3.3.1).", fields: [{ id: "read", name: "Read access", lsb: 0, msb: 0, description: "Reads are allowed from the 4-KByte page." }, { id: "write", name: "Write access", lsb: 1, msb: 1, description: "Writes are allowed to the 4-KByte page." }, { id: "execute", name: "Execute access", lsb: 2, msb: 2, description: "Instruction fetches are allowed from the 4-KByte page (for supervisor-mode linear addresses when mode-based execute control for EPT is 1)." }, { id: "memoryType", name: "EPT memory type", lsb: 3, msb: 5, values: { "0": "UC (uncacheable)", "1": "WC (write combining)", "4": "WT (write through)", "5": "WP (write protected)", "6": "WB (write back)" }, description: "Memory type for the 4-KByte page." }, { id: "ignorePat", name: "Ignore PAT memory type", lsb: 6, msb: 6, description: "Ignore the guest PAT memory type when combining memory types." }, { id: "ignored7", name: "Ignored", lsb: 7, msb: 7, description: "Ignored by the processor: software may use it; setting it never causes an EPT misconfiguration." }, { id: "accessed", name: "Accessed", lsb: 8, msb: 8, validWhen: "bit 6 of EPTP is 1", description: "Set by the processor when the entry is used in translation." }, { id: "dirty", name: "Dirty", lsb: 9, msb: 9, validWhen: "bit 6 of EPTP is 1", description: "Set by the processor on a write to the 4-KByte page." }, { id: "userModeExecute", name: "Execute access for user-mode linear addresses", lsb: 10, msb: 10, validWhen: "the \"mode-based execute control for EPT\" VM-execution control is 1", description: "Instruction fetches from user-mode linear addresses are allowed from the 4-KByte page." }, { id: "ignored11", name: "Ignored", lsb: 11, msb: 11, description: "Ignored by the processor: software may use it; setting it never causes an EPT misconfiguration." }, { id: "physicalAddress", name: "Physical address of the 4-KByte page", lsb: 12, msb: 51, description: "Bits N-1:12 of the physical address of the 4-KByte page; bits 51:N must be 0." }, { id: "ignoredHigh", name: "Ignored", lsb: 52, msb: 56, description: "Ignored by the processor: software may use it; setting it never causes an EPT misconfiguration." }, { id: "verifyGuestPaging", name: "Verify guest paging", lsb: 57, msb: 57, validWhen: "the \"guest-paging verification\" VM-execution control is 1", description: "Requests verification that the guest paging structures used to reach this page lie in pages with paging-write access; otherwise the access causes an EPT violation." }, { id: "pagingWriteAccess", name: "Paging-write access", lsb: 58, msb: 58, validWhen: "the \"EPT paging-write control\" VM-execution control is 1", description: "Guest paging-structure writes (A/D updates) are allowed to this page." }, { id: "ignored59", name: "Ignored", lsb: 59, msb: 59, description: "Ignored by the processor: software may use it; setting it never causes an EPT misconfiguration." }, { id: "supervisorShadowStack", name: "Supervisor shadow stack", lsb: 60, msb: 60, validWhen: "bit 7 of EPTP is 1", description: "The page may be used as a supervisor shadow-stack page." }, { id: "subPageWritePermissions", name: "Sub-page write permissions", lsb: 61, msb: 61, validWhen: "the \"sub-page write permissions for EPT\" VM-execution control is 1", description: "Write permission for the page is determined at 128-byte granularity by the SPP tables." }, { id: "ignored62", name: "Ignored", lsb: 62, msb: 62, description: "Ignored by the processor: software may use it; setting it never causes an EPT misconfiguration." }, { id: "suppressVe", name: "Suppress #VE", lsb: 63, msb: 63, validWhen: "the \"EPT-violation #VE\" VM-execution control is 1", description: "EPT violations caused by accesses to this page are not converted to virtualization exceptions." }] },
  { id: "exit-qualification.debug-exception", name: "Exit Qualification for Debug Exceptions", kind: "exit-qualification", width: 64, sdm: "28.2.1", table: "Table 28-1", description: "Saved for a VM exit caused by a debug exception (#DB) through the exception bitmap; reports what DR6 would have reported, with RTM and BLD as active-high flags.", fields: [{ id: "b0", name: "B0", lsb: 0, msb: 0, description: "Breakpoint condition 0 was met (may be set even if DR7 does not enable it)." }, { id: "b1", name: "B1", lsb: 1, msb: 1, description: "Breakpoint condition 1 was met (may be set even if DR7 does not enable it)." }, { id: "b2", name: "B2", lsb: 2, msb: 2, description: "Breakpoint condition 2 was met (may be set even if DR7 does not enable it)." }, { id: "b3", name: "B3", lsb: 3, msb: 3, description: "Breakpoint condition 3 was met (may be set even if DR7 does not enable it)." }, { id: "bld", name: "BLD", lsb: 11, msb: 11, description: "A bus lock was asserted while OS bus-lock detection was enabled (the #DB is a bus-lock trap)." }, { id: "bd", name: "BD", lsb: 13, msb: 13, description: "The debug exception was a debug-register access detected fault (DR7.GD)." }, { id: "bs", name: "BS", lsb: 14, msb: 14, description: "The debug exception was triggered by single-step execution (RFLAGS.TF)." }, { id: "rtm", name: "RTM", lsb: 16, msb: 16, description: "The #DB or #BP occurred inside an RTM region while advanced RTM debugging was enabled." }] },
  { id: "exit-qualification.page-fault", name: "Exit qualification for page-fault exceptions", kind: "exit-qualification", width: 64, sdm: "28.2.1", description: "Saved for a VM exit caused by a page fault (#PF) through the exception bitmap: the faulting linear address (CR2 is not written).", fields: [{ id: "linearAddress", name: "Linear address that caused the page fault", lsb: 0, msb: 63, description: "Bits 63:32 are cleared if the processor was not in 64-bit mode; bits 11:0 are cleared for a fault taken by an instruction in enclave mode." }] },
  { id: "exit-qualification.sipi", name: "Exit qualification for start-up IPIs", kind: "exit-qualification", width: 64, sdm: "28.2.1", description: "Saved for a VM exit caused by a SIPI in the wait-for-SIPI state.", fields: [{ id: "vector", name: "SIPI vector", lsb: 0, msb: 7, description: "The vector carried by the start-up IPI; bits 63:8 are cleared." }] },
  { id: "exit-qualification.smi", name: "Exit Qualification for SMIs That Arrive Immediately After the Retirement of an I/O Instruction", kind: "exit-qualification", width: 64, sdm: "28.2.1", description: "Saved for an SMM VM exit (dual-monitor treatment) caused by an SMI that arrives right after an I/O instruction retires; same encoding as the I/O-instruction qualification. Other SMM VM exits do not save a qualification.", fields: [{ id: "sizeOfAccess", name: "Size of access", lsb: 0, msb: 2, values: { "0": "1-byte", "1": "2-byte", "3": "4-byte" }, description: "Operand size of the I/O access; other encodings are not used." }, { id: "direction", name: "Direction of the attempted access", lsb: 3, msb: 3, values: { "0": "OUT", "1": "IN" }, description: "Whether the retired I/O instruction writes to (OUT) or reads from (IN) the port." }, { id: "string", name: "String instruction", lsb: 4, msb: 4, description: "Set for INS/OUTS, clear for IN/OUT." }, { id: "rep", name: "REP prefixed", lsb: 5, msb: 5, description: "Set if the string instruction carried a REP prefix." }, { id: "operandEncoding", name: "Operand encoding", lsb: 6, msb: 6, values: { "0": "DX", "1": "immediate" }, description: "How the port number was specified." }, { id: "portNumber", name: "Port number", lsb: 16, msb: 31, description: "The port number named by the retired I/O instruction." }] },
  { id: "exit-qualification.task-switch", name: "Exit Qualification for Task Switch", kind: "exit-qualification", width: 64, sdm: "28.2.1", table: "Table 28-2", description: "Saved for a VM exit caused by an attempted task switch.", fields: [{ id: "tssSelector", name: "Selector of task-state segment (TSS) to which the guest attempted to switch", lsb: 0, msb: 15, description: "Selector of the target TSS." }, { id: "source", name: "Source of task switch initiation", lsb: 30, msb: 31, values: { "0": "CALL instruction", "1": "IRET instruction", "2": "JMP instruction", "3": "Task gate in IDT" }, description: "What started the task switch." }] },
  { id: "exit-qualification.invlpg", name: "Exit qualification for INVLPG", kind: "exit-qualification", width: 64, sdm: "28.2.1", description: "Saved for a VM exit caused by INVLPG: the linear-address operand of the instruction.", fields: [{ id: "linearAddress", name: "Linear-address operand of the instruction", lsb: 0, msb: 63, description: "Bits 63:32 are cleared outside 64-bit mode; with an unusable segment the value is implementation-specific." }] },
  { id: "exit-qualification.instruction-displacement", name: "Exit qualification for instructions with a memory operand (displacement)", kind: "exit-qualification", width: 64, sdm: "28.2.1", description: "Saved for VM exits caused by INVEPT, INVPCID, INVVPID, LGDT, LIDT, LLDT, LTR, SGDT, SIDT, SLDT, STR, VMCLEAR, VMPTRLD, VMPTRST, VMREAD, VMWRITE, VMXON, XRSTORS and XSAVES: the instruction's displacement.", fields: [{ id: "displacement", name: "Displacement", lsb: 0, msb: 63, description: "The displacement field, sign-extended to 64 bits; 0 if the instruction has none (e.g. a register operand); for RIP-relative addressing, the displacement plus the RIP of the next instruction. Bits beyond the address size are undefined." }] },
  { id: "exit-qualification.cr-access", name: "Exit Qualification for Control-Register Accesses", kind: "exit-qualification", width: 64, sdm: "28.2.1", table: "Table 28-3", description: "Saved for a VM exit caused by MOV to/from CR0, CR3, CR4 or CR8, CLTS or LMSW.", fields: [{ id: "controlRegister", name: "Number of control register", lsb: 0, msb: 3, values: { "0": "CR0", "3": "CR3", "4": "CR4", "8": "CR8" }, description: "The control register accessed; 0 for CLTS and LMSW." }, { id: "accessType", name: "Access type", lsb: 4, msb: 5, values: { "0": "MOV to CR", "1": "MOV from CR", "2": "CLTS", "3": "LMSW" }, description: "Which kind of access caused the VM exit." }, { id: "lmswOperandType", name: "LMSW operand type", lsb: 6, msb: 6, values: { "0": "register", "1": "memory" }, validWhen: "bits 5:4 are 3 (LMSW); cleared otherwise", description: "Whether the LMSW source is a register or memory." }, { id: "generalPurposeRegister", name: "General-purpose register", lsb: 8, msb: 11, values: { "0": "RAX", "1": "RCX", "2": "RDX", "3": "RBX", "4": "RSP", "5": "RBP", "6": "RSI", "7": "RDI", "8": "R8", "9": "R9", "10": "R10", "11": "R11", "12": "R12", "13": "R13", "14": "R14", "15": "R15" }, validWhen: "bits 5:4 are 0 or 1 (MOV CR); cleared otherwise", description: "The register operand of MOV CR." }, { id: "lmswSourceData", name: "LMSW source data", lsb: 16, msb: 31, validWhen: "bits 5:4 are 3 (LMSW); cleared otherwise", description: "The 16-bit source operand of LMSW." }] },
  { id: "exit-qualification.mov-dr", name: "Exit Qualification for MOV DR", kind: "exit-qualification", width: 64, sdm: "28.2.1", table: "Table 28-4", description: "Saved for a VM exit caused by MOV to or from a debug register.", fields: [{ id: "debugRegister", name: "Number of debug register", lsb: 0, msb: 2, description: "The debug register accessed (0-7)." }, { id: "direction", name: "Direction of access", lsb: 4, msb: 4, values: { "0": "MOV to DR", "1": "MOV from DR" }, description: "Whether the instruction writes or reads the debug register." }, { id: "generalPurposeRegister", name: "General-purpose register", lsb: 8, msb: 11, values: { "0": "RAX", "1": "RCX", "2": "RDX", "3": "RBX", "4": "RSP", "5": "RBP", "6": "RSI", "7": "RDI", "8": "R8", "9": "R9", "10": "R10", "11": "R11", "12": "R12", "13": "R13", "14": "R14", "15": "R15" }, description: "The general-purpose register operand." }] },
  { id: "exit-qualification.io-instruction", name: "Exit Qualification for I/O Instructions", kind: "exit-qualification", width: 64, sdm: "28.2.1", table: "Table 28-5", description: "Saved for a VM exit caused by IN, INS, OUT or OUTS.", fields: [{ id: "sizeOfAccess", name: "Size of access", lsb: 0, msb: 2, values: { "0": "1-byte", "1": "2-byte", "3": "4-byte" }, description: "Operand size of the I/O access; other encodings are not used." }, { id: "direction", name: "Direction of the attempted access", lsb: 3, msb: 3, values: { "0": "OUT", "1": "IN" }, description: "Whether the instruction writes to (OUT) or reads from (IN) the port." }, { id: "string", name: "String instruction", lsb: 4, msb: 4, description: "Set for INS/OUTS, clear for IN/OUT." }, { id: "rep", name: "REP prefixed", lsb: 5, msb: 5, description: "Set if the string instruction carried a REP prefix." }, { id: "operandEncoding", name: "Operand encoding", lsb: 6, msb: 6, values: { "0": "DX", "1": "immediate" }, description: "How the port number was specified." }, { id: "portNumber", name: "Port number", lsb: 16, msb: 31, description: "The port number named by the instruction." }] },
  { id: "exit-qualification.mwait", name: "Exit qualification for MWAIT", kind: "exit-qualification", width: 64, sdm: "28.2.1", description: "Saved for a VM exit caused by MWAIT: whether address-range monitoring hardware was armed (the value is 0 or 1).", fields: [{ id: "monitorArmed", name: "Address-range monitoring hardware armed", lsb: 0, msb: 0, description: "Set if the monitoring hardware was armed by an earlier MONITOR." }] },
  { id: "exit-qualification.wbinvd-wbnoinvd", name: "Exit qualification for WBINVD and WBNOINVD", kind: "exit-qualification", width: 64, sdm: "28.2.1", description: "Saved for a VM exit caused by WBINVD or WBNOINVD: tells which of the two instructions caused it.", fields: [{ id: "instruction", name: "Instruction", lsb: 0, msb: 0, values: { "0": "WBINVD", "1": "WBNOINVD" }, description: "Which cache write-back instruction was executed." }] },
  { id: "exit-qualification.apic-access", name: "Exit Qualification for APIC-Access VM Exits from Linear Accesses and Guest-Physical Accesses", kind: "exit-qualification", width: 64, sdm: "28.2.1", table: "Table 28-6", description: "Saved for an APIC-access VM exit (an access to the APIC-access page while \"virtualize APIC accesses\" is 1). Undefined for exits caused by physical accesses.", fields: [{ id: "offset", name: "Offset of access within the APIC page", lsb: 0, msb: 11, validWhen: "bits 15:12 are 0, 1, 2 or 3 (linear access); undefined otherwise", description: "Page offset of the access." }, { id: "accessType", name: "Access type", lsb: 12, msb: 15, values: { "0": "Linear access for a data read during instruction execution", "1": "Linear access for a data write during instruction execution", "2": "Linear access for an instruction fetch", "3": "Linear access (read or write) during event delivery", "10": "Guest-physical access during event delivery", "15": "Guest-physical access for an instruction fetch or during instruction execution" }, description: "What kind of access reached the APIC-access page; other values are not used." }, { id: "asynchronousToInstruction", name: "Asynchronous to instruction execution", lsb: 16, msb: 16, description: "Set for accesses that are neither part of instruction execution nor of event delivery (e.g. Intel PT trace output, EPT-friendly PEBS)." }] },
  { id: "exit-qualification.ept-violation", name: "Exit Qualification for EPT Violations", kind: "exit-qualification", width: 64, sdm: "28.2.1", table: "Table 28-7", description: "Saved for a VM exit caused by an EPT violation: the kind of access, the permissions the EPT granted and details of the guest linear address.", fields: [{ id: "dataRead", name: "Data read", lsb: 0, msb: 0, description: "The access was a data read (a read-modify-write may or may not set this, implementation-specific)." }, { id: "dataWrite", name: "Data write", lsb: 1, msb: 1, description: "The access was a data write (including the write of a read-modify-write)." }, { id: "instructionFetch", name: "Instruction fetch", lsb: 2, msb: 2, description: "The access was an instruction fetch." }, { id: "readable", name: "Readable", lsb: 3, msb: 3, description: "Logical AND of bit 0 (read) of the EPT entries used to translate the guest-physical address; 0 if any of them was not present." }, { id: "writable", name: "Writable", lsb: 4, msb: 4, description: "Logical AND of bit 1 (write) of the EPT entries used; 0 if any of them was not present." }, { id: "executable", name: "Executable", lsb: 5, msb: 5, description: "Logical AND of bit 2 (execute; supervisor-mode execute under mode-based execute control) of the EPT entries used; 0 if any of them was not present." }, { id: "userModeExecutable", name: "User-mode executable", lsb: 6, msb: 6, validWhen: "the \"mode-based execute control for EPT\" VM-execution control is 1; undefined otherwise", description: "Logical AND of bit 10 (user-mode execute) of the EPT entries used." }, { id: "guestLinearAddressValid", name: "Guest linear-address field valid", lsb: 7, msb: 7, description: "Set if the guest-linear-address field is valid; clear when there is no linear address (e.g. loading PDPTEs for MOV to CR3 under PAE paging)." }, { id: "linearAddressTranslation", name: "Access to the translation of the linear address", lsb: 8, msb: 8, validWhen: "bit 7 is 1; reserved (cleared) otherwise", description: "Set if the access was to the final translation of the linear address; clear if it was to a guest paging-structure entry (page walk or accessed/dirty update)." }, { id: "userModeLinearAddress", name: "User-mode linear address", lsb: 9, msb: 9, validWhen: "bits 7 and 8 are 1 and the processor supports advanced VM-exit information for EPT violations (IA32_VMX_EPT_VPID_CAP bit 22); undefined otherwise", description: "Set if the guest paging structures make the linear address user-mode, clear if supervisor-mode." }, { id: "readWriteLinearAddress", name: "Read/write linear address", lsb: 10, msb: 10, validWhen: "bits 7 and 8 are 1 and the processor supports advanced VM-exit information for EPT violations (IA32_VMX_EPT_VPID_CAP bit 22); undefined otherwise", description: "Set if the guest paging structures make the linear address writable, clear if read-only." }, { id: "executeDisableLinearAddress", name: "Execute-disable linear address", lsb: 11, msb: 11, validWhen: "bits 7 and 8 are 1 and the processor supports advanced VM-exit information for EPT violations (IA32_VMX_EPT_VPID_CAP bit 22); undefined otherwise", description: "Set if the guest paging structures make the linear address execute-disable, clear if executable." }, { id: "nmiUnblockingDueToIret", name: "NMI unblocking due to IRET", lsb: 12, msb: 12, description: "Set if the VM exit happened during an IRET that had unblocked NMIs (or virtual NMIs) before faulting." }, { id: "shadowStackAccess", name: "Shadow-stack access", lsb: 13, msb: 13, description: "Set if the access was a shadow-stack access." }, { id: "supervisorShadowStack", name: "Supervisor shadow stack", lsb: 14, msb: 14, validWhen: "the EPTP enables supervisor shadow-stack control (EPTP bit 7) and the translation reached the entry mapping the page; undefined otherwise", description: "Copy of bit 60 (supervisor shadow stack) of the EPT entry that maps the page." }, { id: "guestPagingVerification", name: "Guest-paging verification", lsb: 15, msb: 15, description: "Set if the EPT violation was caused by guest-paging verification." }, { id: "asynchronousToInstruction", name: "Asynchronous to instruction execution", lsb: 16, msb: 16, description: "Set if the access was neither part of instruction execution nor of event delivery (e.g. Intel PT trace output, EPT-friendly PEBS, user-interrupt delivery)." }] },
  { id: "exit-qualification.virtualized-eoi", name: "Exit qualification for EOI virtualization", kind: "exit-qualification", width: 64, sdm: "28.2.1", description: "Saved for a VM exit caused by EOI virtualization (the vector's bit is set in the EOI-exit bitmap).", fields: [{ id: "vector", name: "Vector", lsb: 0, msb: 7, description: "Vector of the interrupt whose EOI was virtualized; bits 63:8 are cleared." }] },
  { id: "exit-qualification.apic-write", name: "Exit qualification for APIC-write VM exits", kind: "exit-qualification", width: 64, sdm: "28.2.1", description: "Saved for a trap-like APIC-write VM exit (APIC-write emulation).", fields: [{ id: "offset", name: "Page offset of the write access", lsb: 0, msb: 11, description: "Offset on the virtual-APIC page of the write that must be emulated; bits 63:12 are cleared." }] },
  { id: "exit-qualification.pml-full", name: "Exit qualification for page-modification log-full events", kind: "exit-qualification", width: 64, sdm: "28.2.1", description: "Saved for a VM exit caused by a page-modification log-full event; only the NMI-unblocking bit is defined.", fields: [{ id: "nmiUnblockingDueToIret", name: "NMI unblocking due to IRET", lsb: 12, msb: 12, description: "Set if the VM exit happened during an IRET that had unblocked NMIs (or virtual NMIs)." }] },
  { id: "exit-qualification.spp-event", name: "Exit qualification for SPP-related events", kind: "exit-qualification", width: 64, sdm: "28.2.1", description: "Saved for a VM exit caused by an SPP-related event (sub-page write permissions).", fields: [{ id: "eventType", name: "SPP event type", lsb: 11, msb: 11, values: { "0": "SPPT misconfiguration", "1": "SPPT miss" }, description: "Which SPP-related event occurred." }, { id: "nmiUnblockingDueToIret", name: "NMI unblocking due to IRET", lsb: 12, msb: 12, description: "Set if the VM exit happened during an IRET that had unblocked NMIs (or virtual NMIs)." }] },
  { id: "exit-qualification.instruction-timeout", name: "Exit qualification for instruction timeout", kind: "exit-qualification", width: 64, sdm: "28.2.1", description: "Saved for a VM exit caused by the instruction-timeout (notify) control.", fields: [{ id: "vmContextInvalid", name: "VM context invalid", lsb: 0, msb: 0, description: "Set if the guest state saved by the VM exit is corrupted and the guest cannot be resumed." }, { id: "nmiUnblockingDueToIret", name: "NMI unblocking due to IRET", lsb: 12, msb: 12, description: "Set if the VM exit happened during an IRET that had unblocked NMIs (or virtual NMIs)." }] },
  { id: "exit-qualification.msr-index", name: "Exit qualification for URDMSR, UWRMSR and the immediate forms of RDMSR and WRMSRNS", kind: "exit-qualification", width: 64, sdm: "28.2.1", description: "Saved for VM exits caused by URDMSR, UWRMSR, RDMSR with an immediate and WRMSRNS with an immediate: the MSR address the instruction named.", fields: [{ id: "msrIndex", name: "MSR address", lsb: 0, msb: 31, description: "Index of the MSR the instruction tried to access (from the immediate or the register operand)." }] },
  { id: "exit-qualification.vm-entry-failure", name: "Exit qualification for VM-entry failure due to invalid guest state", kind: "exit-qualification", width: 64, sdm: "27.8", description: "Saved for a VM-entry failure with basic exit reason 33; it is 0 in most cases.", fields: [{ id: "code", name: "Failure code", lsb: 0, msb: 63, values: { "0": "Default (no further information)", "1": "Not used", "2": "Failure loading the PDPTEs", "3": "Attempt to inject an NMI into a guest that blocks events by STI (implementation-specific)", "4": "Invalid VMCS link pointer" }, description: "Which check failed, where the processor reports one." }] },
  { id: "exit-qualification.msr-load-failure", name: "Exit qualification for VM-entry failure due to MSR loading", kind: "exit-qualification", width: 64, sdm: "27.8", description: "Saved for a VM-entry failure with basic exit reason 34.", fields: [{ id: "entryIndex", name: "Index of the failing MSR entry", lsb: 0, msb: 63, description: "Position in the VM-entry MSR-load area of the entry that could not be loaded, counting the first entry as 1." }] },
  { id: "exit-qualification.extension-privilege-level-transition", name: "Exit qualification for a privilege-level transition (model extension, not in the SDM)", kind: "exit-qualification", width: 64, sdm: "28.2.1", description: "MODEL EXTENSION, NOT IN THE SDM (vmxsim privilege-level exiting; see model/vmx/extension-privilege-exiting.ts). Saved for the extension's privilege-level-transition VM exit (reason 0xFF00). The SDM defines no such qualification; 28.2.1 is cited only as the section where exit qualifications live.", fields: [{ id: "fromCpl", name: "From CPL", lsb: 0, msb: 1, description: "The CPL before the transition." }, { id: "toCpl", name: "To CPL", lsb: 2, msb: 3, description: "The CPL after the transition (the guest's CPL at the exit)." }, { id: "cause", name: "Cause", lsb: 4, msb: 7, values: { "0": "Other", "1": "Far transfer", "2": "Interrupt or exception delivery", "3": "IRET", "4": "SYSCALL", "5": "SYSRET", "6": "SYSENTER", "7": "SYSEXIT" }, description: "What changed the CPL: a far CALL/JMP/RET, event delivery, IRET, SYSCALL, SYSRET, SYSENTER, SYSEXIT, or something else (e.g. MOV to CR0 or a task switch)." }] },
  { id: "instruction-information.ins-outs", name: "VM-exit instruction-information field for INS and OUTS", kind: "instruction-information", width: 32, sdm: "28.2.5", description: "Instruction information saved by VM exits due to INS and OUTS: the address size and, for OUTS, the segment of the string source.", fields: [{ id: "addressSize", name: "Address size", lsb: 7, msb: 9, values: { "0": "16-bit", "1": "32-bit", "2": "64-bit" }, description: "Address size used by the string instruction." }, { id: "segmentRegister", name: "Segment register", lsb: 15, msb: 17, values: { "0": "ES", "1": "CS", "2": "SS", "3": "DS", "4": "FS", "5": "GS" }, validWhen: "the VM exit is due to OUTS (undefined for INS)", description: "Segment register of the source operand of OUTS; INS always writes through ES." }] },
  { id: "instruction-information.invept-invpcid-invvpid", name: "VM-exit instruction-information field for INVEPT, INVPCID and INVVPID", kind: "instruction-information", width: 32, sdm: "28.2.5", description: "Instruction information saved by VM exits due to INVEPT, INVPCID and INVVPID: the memory descriptor operand and the register that holds the invalidation type.", fields: [{ id: "scaling", name: "Scaling", lsb: 0, msb: 1, values: { "0": "no scaling", "1": "scale by 2", "2": "scale by 4", "3": "scale by 8" }, validWhen: "bit 22 is 0", description: "Scale factor applied to the index register of the memory operand." }, { id: "addressSize", name: "Address size", lsb: 7, msb: 9, values: { "0": "16-bit", "1": "32-bit", "2": "64-bit" }, description: "Address size of the memory operand." }, { id: "memReg", name: "Cleared to 0", lsb: 10, msb: 10, values: { "0": "memory" }, description: "Always 0: the operand of these instructions is in memory." }, { id: "segmentRegister", name: "Segment register", lsb: 15, msb: 17, values: { "0": "ES", "1": "CS", "2": "SS", "3": "DS", "4": "FS", "5": "GS" }, description: "Segment register of the memory operand." }, { id: "indexReg", name: "IndexReg", lsb: 18, msb: 21, values: { "0": "RAX", "1": "RCX", "2": "RDX", "3": "RBX", "4": "RSP", "5": "RBP", "6": "RSI", "7": "RDI", "8": "R8", "9": "R9", "10": "R10", "11": "R11", "12": "R12", "13": "R13", "14": "R14", "15": "R15" }, validWhen: "bit 22 is 0", description: "Index register of the memory operand." }, { id: "indexRegInvalid", name: "IndexReg invalid", lsb: 22, msb: 22, values: { "0": "valid", "1": "invalid" }, description: "Set when the memory operand has no index register." }, { id: "baseReg", name: "BaseReg", lsb: 23, msb: 26, values: { "0": "RAX", "1": "RCX", "2": "RDX", "3": "RBX", "4": "RSP", "5": "RBP", "6": "RSI", "7": "RDI", "8": "R8", "9": "R9", "10": "R10", "11": "R11", "12": "R12", "13": "R13", "14": "R14", "15": "R15" }, validWhen: "bit 27 is 0", description: "Base register of the memory operand." }, { id: "baseRegInvalid", name: "BaseReg invalid", lsb: 27, msb: 27, values: { "0": "valid", "1": "invalid" }, description: "Set when the memory operand has no base register." }, { id: "reg2", name: "Reg2", lsb: 28, msb: 31, values: { "0": "RAX", "1": "RCX", "2": "RDX", "3": "RBX", "4": "RSP", "5": "RBP", "6": "RSI", "7": "RDI", "8": "R8", "9": "R9", "10": "R10", "11": "R11", "12": "R12", "13": "R13", "14": "R14", "15": "R15" }, description: "Register operand that holds the invalidation type." }] },
  { id: "instruction-information.lidt-lgdt-sidt-sgdt", name: "VM-exit instruction-information field for LIDT, LGDT, SIDT and SGDT", kind: "instruction-information", width: 32, sdm: "28.2.5", description: "Instruction information saved by VM exits due to LGDT, LIDT, SGDT and SIDT (descriptor-table exiting): the memory operand, operand size and which instruction it was.", fields: [{ id: "scaling", name: "Scaling", lsb: 0, msb: 1, values: { "0": "no scaling", "1": "scale by 2", "2": "scale by 4", "3": "scale by 8" }, validWhen: "bit 22 is 0", description: "Scale factor applied to the index register of the memory operand." }, { id: "addressSize", name: "Address size", lsb: 7, msb: 9, values: { "0": "16-bit", "1": "32-bit", "2": "64-bit" }, description: "Address size of the memory operand." }, { id: "memReg", name: "Cleared to 0", lsb: 10, msb: 10, values: { "0": "memory" }, description: "Always 0: the operand of these instructions is in memory." }, { id: "operandSize", name: "Operand size", lsb: 11, msb: 11, values: { "0": "16-bit", "1": "32-bit" }, validWhen: "the VM exit is not from 64-bit mode", description: "Operand size of the instruction outside 64-bit mode." }, { id: "segmentRegister", name: "Segment register", lsb: 15, msb: 17, values: { "0": "ES", "1": "CS", "2": "SS", "3": "DS", "4": "FS", "5": "GS" }, description: "Segment register of the memory operand." }, { id: "indexReg", name: "IndexReg", lsb: 18, msb: 21, values: { "0": "RAX", "1": "RCX", "2": "RDX", "3": "RBX", "4": "RSP", "5": "RBP", "6": "RSI", "7": "RDI", "8": "R8", "9": "R9", "10": "R10", "11": "R11", "12": "R12", "13": "R13", "14": "R14", "15": "R15" }, validWhen: "bit 22 is 0", description: "Index register of the memory operand." }, { id: "indexRegInvalid", name: "IndexReg invalid", lsb: 22, msb: 22, values: { "0": "valid", "1": "invalid" }, description: "Set when the memory operand has no index register." }, { id: "baseReg", name: "BaseReg", lsb: 23, msb: 26, values: { "0": "RAX", "1": "RCX", "2": "RDX", "3": "RBX", "4": "RSP", "5": "RBP", "6": "RSI", "7": "RDI", "8": "R8", "9": "R9", "10": "R10", "11": "R11", "12": "R12", "13": "R13", "14": "R14", "15": "R15" }, validWhen: "bit 27 is 0", description: "Base register of the memory operand." }, { id: "baseRegInvalid", name: "BaseReg invalid", lsb: 27, msb: 27, values: { "0": "valid", "1": "invalid" }, description: "Set when the memory operand has no base register." }, { id: "instructionIdentity", name: "Instruction identity", lsb: 28, msb: 29, values: { "0": "SGDT", "1": "SIDT", "2": "LGDT", "3": "LIDT" }, description: "Which descriptor-table instruction caused the VM exit." }] },
  { id: "instruction-information.lldt-ltr-sldt-str", name: "VM-exit instruction-information field for LLDT, LTR, SLDT and STR", kind: "instruction-information", width: 32, sdm: "28.2.5", description: "Instruction information saved by VM exits due to LLDT, LTR, SLDT and STR (descriptor-table exiting): the register or memory operand and which instruction it was.", fields: [{ id: "scaling", name: "Scaling", lsb: 0, msb: 1, values: { "0": "no scaling", "1": "scale by 2", "2": "scale by 4", "3": "scale by 8" }, validWhen: "bit 10 is 0 and bit 22 is 0", description: "Scale factor applied to the index register of the memory operand." }, { id: "reg1", name: "Reg1", lsb: 3, msb: 6, values: { "0": "RAX", "1": "RCX", "2": "RDX", "3": "RBX", "4": "RSP", "5": "RBP", "6": "RSI", "7": "RDI", "8": "R8", "9": "R9", "10": "R10", "11": "R11", "12": "R12", "13": "R13", "14": "R14", "15": "R15" }, validWhen: "bit 10 is 1", description: "Register operand, when the instruction has a register rather than a memory operand." }, { id: "addressSize", name: "Address size", lsb: 7, msb: 9, values: { "0": "16-bit", "1": "32-bit", "2": "64-bit" }, validWhen: "bit 10 is 0", description: "Address size of the memory operand." }, { id: "memReg", name: "Mem/Reg", lsb: 10, msb: 10, values: { "0": "memory", "1": "register" }, description: "Whether the operand is in memory or in a register." }, { id: "segmentRegister", name: "Segment register", lsb: 15, msb: 17, values: { "0": "ES", "1": "CS", "2": "SS", "3": "DS", "4": "FS", "5": "GS" }, validWhen: "bit 10 is 0", description: "Segment register of the memory operand." }, { id: "indexReg", name: "IndexReg", lsb: 18, msb: 21, values: { "0": "RAX", "1": "RCX", "2": "RDX", "3": "RBX", "4": "RSP", "5": "RBP", "6": "RSI", "7": "RDI", "8": "R8", "9": "R9", "10": "R10", "11": "R11", "12": "R12", "13": "R13", "14": "R14", "15": "R15" }, validWhen: "bit 10 is 0 and bit 22 is 0", description: "Index register of the memory operand." }, { id: "indexRegInvalid", name: "IndexReg invalid", lsb: 22, msb: 22, values: { "0": "valid", "1": "invalid" }, validWhen: "bit 10 is 0", description: "Set when the memory operand has no index register." }, { id: "baseReg", name: "BaseReg", lsb: 23, msb: 26, values: { "0": "RAX", "1": "RCX", "2": "RDX", "3": "RBX", "4": "RSP", "5": "RBP", "6": "RSI", "7": "RDI", "8": "R8", "9": "R9", "10": "R10", "11": "R11", "12": "R12", "13": "R13", "14": "R14", "15": "R15" }, validWhen: "bit 10 is 0 and bit 27 is 0", description: "Base register of the memory operand." }, { id: "baseRegInvalid", name: "BaseReg invalid", lsb: 27, msb: 27, values: { "0": "valid", "1": "invalid" }, validWhen: "bit 10 is 0", description: "Set when the memory operand has no base register." }, { id: "instructionIdentity", name: "Instruction identity", lsb: 28, msb: 29, values: { "0": "SLDT", "1": "STR", "2": "LLDT", "3": "LTR" }, description: "Which LDTR/TR instruction caused the VM exit." }] },
  { id: "instruction-information.loadiwkey", name: "VM-exit instruction-information field for LOADIWKEY", kind: "instruction-information", width: 32, sdm: "28.2.5", description: "Instruction information saved by VM exits due to LOADIWKEY: its two explicit XMM register operands.", fields: [{ id: "reg1", name: "Reg1", lsb: 3, msb: 6, values: { "0": "XMM0", "1": "XMM1", "2": "XMM2", "3": "XMM3", "4": "XMM4", "5": "XMM5", "6": "XMM6", "7": "XMM7", "8": "XMM8", "9": "XMM9", "10": "XMM10", "11": "XMM11", "12": "XMM12", "13": "XMM13", "14": "XMM14", "15": "XMM15" }, description: "First XMM register operand." }, { id: "reg2", name: "Reg2", lsb: 28, msb: 31, values: { "0": "XMM0", "1": "XMM1", "2": "XMM2", "3": "XMM3", "4": "XMM4", "5": "XMM5", "6": "XMM6", "7": "XMM7", "8": "XMM8", "9": "XMM9", "10": "XMM10", "11": "XMM11", "12": "XMM12", "13": "XMM13", "14": "XMM14", "15": "XMM15" }, description: "Second XMM register operand." }] },
  { id: "instruction-information.rdrand-rdseed-tpause-umwait", name: "VM-exit instruction-information field for RDRAND, RDSEED, TPAUSE and UMWAIT", kind: "instruction-information", width: 32, sdm: "28.2.5", description: "Instruction information saved by VM exits due to RDRAND, RDSEED, TPAUSE and UMWAIT: the register operand and, for RDRAND and RDSEED, the operand size.", fields: [{ id: "operandRegister", name: "Operand register", lsb: 3, msb: 6, values: { "0": "RAX", "1": "RCX", "2": "RDX", "3": "RBX", "4": "RSP", "5": "RBP", "6": "RSI", "7": "RDI", "8": "R8", "9": "R9", "10": "R10", "11": "R11", "12": "R12", "13": "R13", "14": "R14", "15": "R15" }, description: "Destination register of RDRAND or RDSEED; source register of TPAUSE or UMWAIT." }, { id: "operandSize", name: "Operand size", lsb: 11, msb: 12, values: { "0": "16-bit", "1": "32-bit", "2": "64-bit" }, validWhen: "the VM exit is due to RDRAND or RDSEED (undefined for TPAUSE and UMWAIT)", description: "Operand size of RDRAND or RDSEED." }] },
  { id: "instruction-information.rdmsr-wrmsrns-urdmsr-uwrmsr", name: "VM-exit instruction-information field for URDMSR, UWRMSR and the immediate forms of RDMSR and WRMSRNS", kind: "instruction-information", width: 32, sdm: "28.2.5", description: "Instruction information saved by VM exits due to URDMSR, UWRMSR, RDMSR with an immediate and WRMSRNS with an immediate: the general-purpose register that receives or supplies the MSR's value (the MSR address is in the exit qualification, 28.2.1).", fields: [{ id: "reg1", name: "Reg1", lsb: 3, msb: 6, values: { "0": "RAX", "1": "RCX", "2": "RDX", "3": "RBX", "4": "RSP", "5": "RBP", "6": "RSI", "7": "RDI", "8": "R8", "9": "R9", "10": "R10", "11": "R11", "12": "R12", "13": "R13", "14": "R14", "15": "R15" }, description: "Destination register of RDMSR (immediate form) and URDMSR; source register of WRMSRNS (immediate form) and UWRMSR." }] },
  { id: "instruction-information.vmclear-vmptrld-vmptrst-vmxon-xrstors-xsaves", name: "VM-exit instruction-information field for VMCLEAR, VMPTRLD, VMPTRST, VMXON, XRSTORS and XSAVES", kind: "instruction-information", width: 32, sdm: "28.2.5", description: "Instruction information saved by VM exits due to VMCLEAR, VMPTRLD, VMPTRST, VMXON, XRSTORS and XSAVES: the memory operand.", fields: [{ id: "scaling", name: "Scaling", lsb: 0, msb: 1, values: { "0": "no scaling", "1": "scale by 2", "2": "scale by 4", "3": "scale by 8" }, validWhen: "bit 22 is 0", description: "Scale factor applied to the index register of the memory operand." }, { id: "addressSize", name: "Address size", lsb: 7, msb: 9, values: { "0": "16-bit", "1": "32-bit", "2": "64-bit" }, description: "Address size of the memory operand." }, { id: "memReg", name: "Cleared to 0", lsb: 10, msb: 10, values: { "0": "memory" }, description: "Always 0: the operand of these instructions is in memory." }, { id: "segmentRegister", name: "Segment register", lsb: 15, msb: 17, values: { "0": "ES", "1": "CS", "2": "SS", "3": "DS", "4": "FS", "5": "GS" }, description: "Segment register of the memory operand." }, { id: "indexReg", name: "IndexReg", lsb: 18, msb: 21, values: { "0": "RAX", "1": "RCX", "2": "RDX", "3": "RBX", "4": "RSP", "5": "RBP", "6": "RSI", "7": "RDI", "8": "R8", "9": "R9", "10": "R10", "11": "R11", "12": "R12", "13": "R13", "14": "R14", "15": "R15" }, validWhen: "bit 22 is 0", description: "Index register of the memory operand." }, { id: "indexRegInvalid", name: "IndexReg invalid", lsb: 22, msb: 22, values: { "0": "valid", "1": "invalid" }, description: "Set when the memory operand has no index register." }, { id: "baseReg", name: "BaseReg", lsb: 23, msb: 26, values: { "0": "RAX", "1": "RCX", "2": "RDX", "3": "RBX", "4": "RSP", "5": "RBP", "6": "RSI", "7": "RDI", "8": "R8", "9": "R9", "10": "R10", "11": "R11", "12": "R12", "13": "R13", "14": "R14", "15": "R15" }, validWhen: "bit 27 is 0", description: "Base register of the memory operand." }, { id: "baseRegInvalid", name: "BaseReg invalid", lsb: 27, msb: 27, values: { "0": "valid", "1": "invalid" }, description: "Set when the memory operand has no base register." }] },
  { id: "instruction-information.vmread-vmwrite", name: "VM-exit instruction-information field for VMREAD and VMWRITE", kind: "instruction-information", width: 32, sdm: "28.2.5", description: "Instruction information saved by VM exits due to VMREAD and VMWRITE: the register or memory data operand and the register holding the field encoding.", fields: [{ id: "scaling", name: "Scaling", lsb: 0, msb: 1, values: { "0": "no scaling", "1": "scale by 2", "2": "scale by 4", "3": "scale by 8" }, validWhen: "bit 10 is 0 and bit 22 is 0", description: "Scale factor applied to the index register of the memory operand." }, { id: "reg1", name: "Reg1", lsb: 3, msb: 6, values: { "0": "RAX", "1": "RCX", "2": "RDX", "3": "RBX", "4": "RSP", "5": "RBP", "6": "RSI", "7": "RDI", "8": "R8", "9": "R9", "10": "R10", "11": "R11", "12": "R12", "13": "R13", "14": "R14", "15": "R15" }, validWhen: "bit 10 is 1", description: "Register data operand: destination of VMREAD or source of VMWRITE, when not in memory." }, { id: "addressSize", name: "Address size", lsb: 7, msb: 9, values: { "0": "16-bit", "1": "32-bit", "2": "64-bit" }, validWhen: "bit 10 is 0", description: "Address size of the memory operand." }, { id: "memReg", name: "Mem/Reg", lsb: 10, msb: 10, values: { "0": "memory", "1": "register" }, description: "Whether the operand is in memory or in a register." }, { id: "segmentRegister", name: "Segment register", lsb: 15, msb: 17, values: { "0": "ES", "1": "CS", "2": "SS", "3": "DS", "4": "FS", "5": "GS" }, validWhen: "bit 10 is 0", description: "Segment register of the memory operand." }, { id: "indexReg", name: "IndexReg", lsb: 18, msb: 21, values: { "0": "RAX", "1": "RCX", "2": "RDX", "3": "RBX", "4": "RSP", "5": "RBP", "6": "RSI", "7": "RDI", "8": "R8", "9": "R9", "10": "R10", "11": "R11", "12": "R12", "13": "R13", "14": "R14", "15": "R15" }, validWhen: "bit 10 is 0 and bit 22 is 0", description: "Index register of the memory operand." }, { id: "indexRegInvalid", name: "IndexReg invalid", lsb: 22, msb: 22, values: { "0": "valid", "1": "invalid" }, validWhen: "bit 10 is 0", description: "Set when the memory operand has no index register." }, { id: "baseReg", name: "BaseReg", lsb: 23, msb: 26, values: { "0": "RAX", "1": "RCX", "2": "RDX", "3": "RBX", "4": "RSP", "5": "RBP", "6": "RSI", "7": "RDI", "8": "R8", "9": "R9", "10": "R10", "11": "R11", "12": "R12", "13": "R13", "14": "R14", "15": "R15" }, validWhen: "bit 10 is 0 and bit 27 is 0", description: "Base register of the memory operand." }, { id: "baseRegInvalid", name: "BaseReg invalid", lsb: 27, msb: 27, values: { "0": "valid", "1": "invalid" }, validWhen: "bit 10 is 0", description: "Set when the memory operand has no base register." }, { id: "reg2", name: "Reg2", lsb: 28, msb: 31, values: { "0": "RAX", "1": "RCX", "2": "RDX", "3": "RBX", "4": "RSP", "5": "RBP", "6": "RSI", "7": "RDI", "8": "R8", "9": "R9", "10": "R10", "11": "R11", "12": "R12", "13": "R13", "14": "R14", "15": "R15" }, description: "Register that holds the VMCS-field encoding." }] },
  { id: "memory.posted-interrupt-descriptor-control", name: "Posted-interrupt descriptor control word", kind: "memory-structure", width: 64, byteOffset: 32, sdm: "30.6", table: "Table 30-1", description: "Bits 319:256 of the 64-byte posted-interrupt descriptor; bytes 0-31 hold the 256-bit posted-interrupt requests (PIR) bitmap, one bit per vector.", fields: [{ id: "on", name: "Outstanding notification (ON)", lsb: 0, msb: 0, description: "Descriptor bit 256: a notification event is outstanding for one or more PIR bits." }, { id: "sn", name: "Suppress notification (SN)", lsb: 1, msb: 1, description: "Descriptor bit 257: do not send notifications for new posted interrupts." }, { id: "nv", name: "Notification vector (NV)", lsb: 16, msb: 23, description: "Descriptor bits 279:272: vector of the notification interrupt (used by IPI virtualization)." }, { id: "ndst", name: "Notification destination (NDST)", lsb: 32, msb: 63, description: "Descriptor bits 319:288: APIC ID of the notification target (used by IPI virtualization)." }] },
  { id: "memory.ve-information-area", name: "Virtualization-exception information area", kind: "memory-structure", width: 64, byteOffset: 0, sdm: "26.5.7.2", description: "First 8 bytes of the virtualization-exception information area; after them come the exit qualification (byte 8), guest-linear address (byte 16), guest-physical address (byte 24), each 64 bits, and the 16-bit EPTP index (byte 32).", fields: [{ id: "exitReason", name: "Exit reason", lsb: 0, msb: 31, description: "Exit reason a VM exit would have saved; 48 (EPT violation)." }, { id: "busy", name: "Busy indicator", lsb: 32, msb: 63, description: "Written as FFFFFFFFH when a #VE is delivered; no further #VE is delivered until software clears it." }] },
  { id: "memory.vmcs-region-header", name: "VMCS region header", kind: "memory-structure", width: 64, byteOffset: 0, sdm: "25.2", table: "Table 25-1", description: "First 8 bytes of a VMCS region (and, for the revision identifier, of the VMXON region); VMCS data follows at byte 8.", fields: [{ id: "revisionId", name: "VMCS revision identifier", lsb: 0, msb: 30, description: "Must match the revision identifier reported in IA32_VMX_BASIC." }, { id: "shadowVmcsIndicator", name: "Shadow-VMCS indicator", lsb: 31, msb: 31, description: "Set for a shadow VMCS." }, { id: "vmxAbortIndicator", name: "VMX-abort indicator", lsb: 32, msb: 63, description: "Non-zero VMX-abort code written by the processor when a VMX abort occurs (SDM 28.7): 1, a failure saving guest MSRs (28.4); 2, host checking of the PDPTEs failed (28.5.4); 3, the current VMCS was corrupted so that the VM exit cannot complete; 4, a failure loading host MSRs (28.6); 5, a machine-check event during the VM exit (28.8); 6, the processor was in IA-32e mode before the VM exit and the \"host address-space size\" VM-exit control was 0 (28.5).", values: { "1": "saving guest MSRs failed", "2": "host PDPTE checking failed", "3": "current VMCS corrupted", "4": "loading host MSRs failed", "5": "machine-check event during VM exit", "6": "IA-32e mode with host address-space size 0" } }] },
  { id: "memory.invept-descriptor", name: "INVEPT descriptor", kind: "memory-structure", width: 64, sdm: "31.3", description: "First quadword of the 128-bit INVEPT descriptor: the EPTP whose mappings single-context INVEPT invalidates. Bits 127:64 are reserved and not checked.", fields: [{ id: "eptp", name: "EPTP", lsb: 0, msb: 63, description: "The EPT pointer (format ept.eptp); single-context INVEPT fails with VMfail(28) if VM entry would reject it." }] },
  { id: "memory.invvpid-descriptor", name: "INVVPID descriptor", kind: "memory-structure", width: 64, sdm: "31.3", description: "First quadword of the 128-bit INVVPID descriptor; bits 63:16 are reserved and must be 0 (else VMfail(28)).", fields: [{ id: "vpid", name: "VPID", lsb: 0, msb: 15, description: "The VPID whose mappings are invalidated; 0000H fails (VMfail(28)) for all types but all-context." }] },
  { id: "memory.invvpid-descriptor-linear-address", name: "INVVPID descriptor linear address", kind: "memory-structure", width: 64, byteOffset: 8, sdm: "31.3", description: "Second quadword of the INVVPID descriptor: the linear address individual-address INVVPID invalidates (it must be canonical).", fields: [{ id: "linearAddress", name: "Linear address", lsb: 0, msb: 63, description: "Bits 127:64 of the descriptor." }] },
  { id: "memory.guest-pasid", name: "Guest PASID as PASID translation uses it", kind: "memory-structure", width: 32, sdm: "26.5.8", description: "How PASID translation (\"PASID translation\" VM-execution control 1; ENQCMD: IA32_PASID[19:0], ENQCMDS: bits 19:0 of the source operand) splits the 20-bit guest PASID (bits 31:20 of this 32-bit view are 0) to walk the PASID directory and a PASID table.", fields: [{ id: "tableIndex", name: "PASID-table index", lsb: 0, msb: 9, description: "Selects one of the 1024 4-byte entries of the 4-KByte PASID table." }, { id: "directoryIndex", name: "PASID-directory index", lsb: 10, msb: 18, description: "Selects one of the 512 8-byte entries of the 4-KByte PASID directory." }, { id: "directorySelect", name: "Directory select", lsb: 19, msb: 19, values: { "0": "low PASID directory (LOW_PASID_DIRECTORY_ADDRESS)", "1": "high PASID directory (HIGH_PASID_DIRECTORY_ADDRESS)" }, description: "Which of the two PASID directories the VMCS names is walked." }] },
  { id: "memory.pasid-directory-entry", name: "PASID-directory entry", kind: "memory-structure", width: 64, sdm: "26.5.8", description: "An 8-byte entry of a PASID directory (physical address from the VMCS, 4-KByte aligned).", fields: [{ id: "valid", name: "Valid", lsb: 0, msb: 0, description: "When 0, PASID translation fails (VM exit 72 for ENQCMD, 73 for ENQCMDS)." }, { id: "tableAddress", name: "PASID-table address", lsb: 12, msb: 51, description: "Bits 51:12 of the physical address of the 4-KByte PASID table (bits beyond MAXPHYADDR must be 0)." }] },
  { id: "memory.pasid-table-entry", name: "PASID-table entry", kind: "memory-structure", width: 32, sdm: "26.5.8", description: "A 4-byte entry of a PASID table: the host PASID for one guest PASID.", fields: [{ id: "hostPasid", name: "Host PASID", lsb: 0, msb: 19, description: "The PASID the enqueue store carries instead of the guest PASID." }, { id: "valid", name: "Valid", lsb: 31, msb: 31, description: "When 0, PASID translation fails (VM exit 72 for ENQCMD, 73 for ENQCMDS)." }] },
  { id: "memory.sppt-entry", name: "SPPT L4E, L3E or L2E", kind: "memory-structure", width: 64, sdm: "29.3.4.2", description: "An entry of the sub-page permission table above the SPP vectors: level 4 selected by guest-physical address bits 47:39, level 3 by 38:30, level 2 by 29:21. Bits 11:1 and 63:N are reserved: a valid entry with any of them set is an SPPT misconfiguration.", fields: [{ id: "valid", name: "Valid", lsb: 0, msb: 0, description: "The entry references an SPPT table of the next level; 0: a write that needs it is an SPPT miss." }, { id: "physicalAddress", name: "Physical address of the next SPPT table", lsb: 12, msb: 51, description: "Bits N-1:12 of the 4-KByte aligned table of the next level; bits 51:N must be 0." }] },
  { id: "memory.spp-vector", name: "SPP vector (SPPT L1E)", kind: "memory-structure", width: 64, sdm: "29.3.4.2", description: "The level-1 entry of the sub-page permission table, selected by guest-physical address bits 20:12: bit 2i grants write access to the i-th 128-byte sub-page (guest-physical address bits 11:7 = i). The odd bits are reserved: any of them set is an SPPT misconfiguration.", fields: [{ id: "subPage0Write", name: "Write permission for sub-page 0", lsb: 0, msb: 0, description: "Writes to bytes 0-127 of the 4-KByte page are allowed." }, { id: "subPage1Write", name: "Write permission for sub-page 1", lsb: 2, msb: 2, description: "Writes to bytes 128-255 of the 4-KByte page are allowed." }, { id: "subPage2Write", name: "Write permission for sub-page 2", lsb: 4, msb: 4, description: "Writes to bytes 256-383 of the 4-KByte page are allowed." }, { id: "subPage3Write", name: "Write permission for sub-page 3", lsb: 6, msb: 6, description: "Writes to bytes 384-511 of the 4-KByte page are allowed." }, { id: "subPage4Write", name: "Write permission for sub-page 4", lsb: 8, msb: 8, description: "Writes to bytes 512-639 of the 4-KByte page are allowed." }, { id: "subPage5Write", name: "Write permission for sub-page 5", lsb: 10, msb: 10, description: "Writes to bytes 640-767 of the 4-KByte page are allowed." }, { id: "subPage6Write", name: "Write permission for sub-page 6", lsb: 12, msb: 12, description: "Writes to bytes 768-895 of the 4-KByte page are allowed." }, { id: "subPage7Write", name: "Write permission for sub-page 7", lsb: 14, msb: 14, description: "Writes to bytes 896-1023 of the 4-KByte page are allowed." }, { id: "subPage8Write", name: "Write permission for sub-page 8", lsb: 16, msb: 16, description: "Writes to bytes 1024-1151 of the 4-KByte page are allowed." }, { id: "subPage9Write", name: "Write permission for sub-page 9", lsb: 18, msb: 18, description: "Writes to bytes 1152-1279 of the 4-KByte page are allowed." }, { id: "subPage10Write", name: "Write permission for sub-page 10", lsb: 20, msb: 20, description: "Writes to bytes 1280-1407 of the 4-KByte page are allowed." }, { id: "subPage11Write", name: "Write permission for sub-page 11", lsb: 22, msb: 22, description: "Writes to bytes 1408-1535 of the 4-KByte page are allowed." }, { id: "subPage12Write", name: "Write permission for sub-page 12", lsb: 24, msb: 24, description: "Writes to bytes 1536-1663 of the 4-KByte page are allowed." }, { id: "subPage13Write", name: "Write permission for sub-page 13", lsb: 26, msb: 26, description: "Writes to bytes 1664-1791 of the 4-KByte page are allowed." }, { id: "subPage14Write", name: "Write permission for sub-page 14", lsb: 28, msb: 28, description: "Writes to bytes 1792-1919 of the 4-KByte page are allowed." }, { id: "subPage15Write", name: "Write permission for sub-page 15", lsb: 30, msb: 30, description: "Writes to bytes 1920-2047 of the 4-KByte page are allowed." }, { id: "subPage16Write", name: "Write permission for sub-page 16", lsb: 32, msb: 32, description: "Writes to bytes 2048-2175 of the 4-KByte page are allowed." }, { id: "subPage17Write", name: "Write permission for sub-page 17", lsb: 34, msb: 34, description: "Writes to bytes 2176-2303 of the 4-KByte page are allowed." }, { id: "subPage18Write", name: "Write permission for sub-page 18", lsb: 36, msb: 36, description: "Writes to bytes 2304-2431 of the 4-KByte page are allowed." }, { id: "subPage19Write", name: "Write permission for sub-page 19", lsb: 38, msb: 38, description: "Writes to bytes 2432-2559 of the 4-KByte page are allowed." }, { id: "subPage20Write", name: "Write permission for sub-page 20", lsb: 40, msb: 40, description: "Writes to bytes 2560-2687 of the 4-KByte page are allowed." }, { id: "subPage21Write", name: "Write permission for sub-page 21", lsb: 42, msb: 42, description: "Writes to bytes 2688-2815 of the 4-KByte page are allowed." }, { id: "subPage22Write", name: "Write permission for sub-page 22", lsb: 44, msb: 44, description: "Writes to bytes 2816-2943 of the 4-KByte page are allowed." }, { id: "subPage23Write", name: "Write permission for sub-page 23", lsb: 46, msb: 46, description: "Writes to bytes 2944-3071 of the 4-KByte page are allowed." }, { id: "subPage24Write", name: "Write permission for sub-page 24", lsb: 48, msb: 48, description: "Writes to bytes 3072-3199 of the 4-KByte page are allowed." }, { id: "subPage25Write", name: "Write permission for sub-page 25", lsb: 50, msb: 50, description: "Writes to bytes 3200-3327 of the 4-KByte page are allowed." }, { id: "subPage26Write", name: "Write permission for sub-page 26", lsb: 52, msb: 52, description: "Writes to bytes 3328-3455 of the 4-KByte page are allowed." }, { id: "subPage27Write", name: "Write permission for sub-page 27", lsb: 54, msb: 54, description: "Writes to bytes 3456-3583 of the 4-KByte page are allowed." }, { id: "subPage28Write", name: "Write permission for sub-page 28", lsb: 56, msb: 56, description: "Writes to bytes 3584-3711 of the 4-KByte page are allowed." }, { id: "subPage29Write", name: "Write permission for sub-page 29", lsb: 58, msb: 58, description: "Writes to bytes 3712-3839 of the 4-KByte page are allowed." }, { id: "subPage30Write", name: "Write permission for sub-page 30", lsb: 60, msb: 60, description: "Writes to bytes 3840-3967 of the 4-KByte page are allowed." }, { id: "subPage31Write", name: "Write permission for sub-page 31", lsb: 62, msb: 62, description: "Writes to bytes 3968-4095 of the 4-KByte page are allowed." }] },
  { id: "memory.xsave-header-xstate-bv", name: "XSAVE header: XSTATE_BV", kind: "memory-structure", width: 64, byteOffset: 512, sdm: "2:XRSTORS", description: "Bytes 7:0 of the XSAVE header (SDM Vol. 1 13.4.2), at byte 512 of an XSAVE area: state-component bitmap of the components the area holds in a non-initial configuration (XRSTOR/XRSTORS initialize component i when RFBM[i] = 1 and XSTATE_BV[i] = 0). Bit i is state component i (SDM Vol. 1 13.1); only the components vmxsim holds are named.", fields: [{ id: "x87", name: "x87 state", lsb: 0, msb: 0, description: "State component 0: x87 state, in bytes 0-23 and 32-159 of the legacy region (SDM Vol. 1 13.5.1)." }, { id: "sse", name: "SSE state", lsb: 1, msb: 1, description: "State component 1: SSE state, MXCSR and the XMM registers in the legacy region (SDM Vol. 1 13.5.2)." }, { id: "pasid", name: "PASID state", lsb: 10, msb: 10, description: "State component 10: PASID state, a supervisor state component (IA32_XSS[10]) of 8 bytes holding IA32_PASID (SDM Vol. 1 13.5.8)." }] },
  { id: "memory.xsave-header-xcomp-bv", name: "XSAVE header: XCOMP_BV", kind: "memory-structure", width: 64, byteOffset: 520, sdm: "2:XRSTORS", description: "Bytes 15:8 of the XSAVE header (SDM Vol. 1 13.4.2), at byte 520 of an XSAVE area. Bytes 63:16 of the header (XSAVE-area bytes 528-575) are reserved; XRSTORS raises #GP(0) if any is not 0. The extended region starts after the header, at byte 576 (SDM Vol. 1 13.4.3).", fields: [{ id: "components", name: "Components in the compacted format", lsb: 0, msb: 62, description: "Bit i: state component i has room in the compacted extended region (XSAVES writes RFBM here; XRSTORS raises #GP(0) for a bit not set in XCR0 | IA32_XSS)." }, { id: "compacted", name: "Compacted format", lsb: 63, msb: 63, description: "1: the area uses the compacted format. XSAVES sets it; XRSTORS raises #GP(0) if it is 0; XRSTOR without XSAVEC support raises #GP(0) if it is 1." }] },
  { id: "msr.ia32-vmx-basic", name: "IA32_VMX_BASIC", kind: "msr", width: 64, sdm: "A.1", description: "Basic VMX information: VMCS revision and size, memory type and general VMX capabilities.", fields: [{ id: "vmcsRevisionId", name: "VMCS revision identifier", lsb: 0, msb: 30, description: "Revision identifier software writes into VMXON and VMCS regions; bit 31 of the MSR is always 0." }, { id: "vmcsRegionSize", name: "VMXON/VMCS region size", lsb: 32, msb: 44, description: "Bytes to allocate for the VMXON region and each VMCS region; greater than 0 and at most 4096." }, { id: "physicalAddressWidth32", name: "Physical-address width limited to 32 bits", lsb: 48, msb: 48, description: "When 1, addresses of the VMXON region, VMCS regions and VMCS-referenced structures are limited to 32 bits; always 0 on Intel 64 processors." }, { id: "dualMonitorTreatment", name: "Dual-monitor treatment of SMIs and SMM", lsb: 49, msb: 49, description: "When 1, the dual-monitor treatment of SMIs and SMM is supported." }, { id: "memoryType", name: "Memory type for VMCS and referenced structures", lsb: 50, msb: 53, values: { "0": "UC", "6": "WB" }, description: "Memory type software should use for the VMCS and structures referenced by pointers in it." }, { id: "insOutsInformation", name: "VM-exit instruction information for INS/OUTS", lsb: 54, msb: 54, description: "When 1, VM exits caused by INS and OUTS report information in the VM-exit instruction-information field." }, { id: "trueControls", name: "TRUE capability MSRs", lsb: 55, msb: 55, description: "When 1, default1 controls may be 0 and the IA32_VMX_TRUE_*_CTLS MSRs report their allowed settings." }, { id: "noErrorCodeConsistencyCheck", name: "Hardware exceptions injected with or without error code", lsb: 56, msb: 56, description: "When 1, VM entry does not check that the deliver-error-code bit matches the vector of an injected hardware exception." }, { id: "nestedExceptionSupport", name: "Nested-exception injection", lsb: 58, msb: 58, description: "When 1, the nested-exception bit of the VM-entry interruption-information field may be set." }] },
  { id: "msr.ia32-vmx-misc", name: "IA32_VMX_MISC", kind: "msr", width: 64, sdm: "A.6", description: "Miscellaneous VMX data: preemption-timer rate, activity states, CR3-target count, MSR-list limit, MSEG revision and related capabilities.", fields: [{ id: "preemptionTimerRate", name: "VMX-preemption timer rate", lsb: 0, msb: 4, description: "X such that the VMX-preemption timer counts down by 1 each time bit X of the TSC changes." }, { id: "storeEferLmaOnExit", name: "Store IA32_EFER.LMA into IA-32e mode guest on exit", lsb: 5, msb: 5, description: "When 1, VM exits save IA32_EFER.LMA into the IA-32e mode guest VM-entry control; 1 on every processor that allows unrestricted guest." }, { id: "activityStateHlt", name: "Activity state HLT supported", lsb: 6, msb: 6, description: "When 1, VM entry can establish activity state 1 (HLT)." }, { id: "activityStateShutdown", name: "Activity state shutdown supported", lsb: 7, msb: 7, description: "When 1, VM entry can establish activity state 2 (shutdown)." }, { id: "activityStateWaitForSipi", name: "Activity state wait-for-SIPI supported", lsb: 8, msb: 8, description: "When 1, VM entry can establish activity state 3 (wait-for-SIPI)." }, { id: "intelPtInVmx", name: "Intel PT usable in VMX operation", lsb: 14, msb: 14, description: "When 1, Intel Processor Trace may be used in VMX operation; otherwise VMXON clears IA32_RTIT_CTL.TraceEn." }, { id: "rdmsrSmbaseInSmm", name: "RDMSR of IA32_SMBASE in SMM", lsb: 15, msb: 15, description: "When 1, RDMSR can read IA32_SMBASE (MSR 9EH) in system-management mode." }, { id: "cr3TargetCount", name: "Number of CR3-target values", lsb: 16, msb: 24, description: "How many CR3-target values the processor supports (0 to 256)." }, { id: "maxMsrListSize", name: "MSR-list size", lsb: 25, msb: 27, description: "N such that 512 * (N + 1) is the recommended maximum number of entries in each VM-entry/VM-exit MSR list." }, { id: "smmMonitorCtlBit2", name: "IA32_SMM_MONITOR_CTL bit 2 settable", lsb: 28, msb: 28, description: "When 1, bit 2 of IA32_SMM_MONITOR_CTL can be set to 1; VMXOFF then leaves SMIs blocked (VMXOFF unblocks SMIs unless that bit is 1, SDM A.6, 31.3 VMXOFF)." }, { id: "vmwriteAnyField", name: "VMWRITE to any supported field", lsb: 29, msb: 29, description: "When 1, VMWRITE may write any supported VMCS field, including the VM-exit information fields." }, { id: "zeroLengthInjection", name: "Injection with instruction length 0", lsb: 30, msb: 30, description: "When 1, VM entry may inject a software interrupt, software exception or privileged software exception with an instruction length of 0." }, { id: "msegRevisionId", name: "MSEG revision identifier", lsb: 32, msb: 63, description: "Revision identifier of the MSEG header used by the dual-monitor treatment." }] },
  { id: "msr.ia32-vmx-vmcs-enum", name: "IA32_VMX_VMCS_ENUM", kind: "msr", width: 64, sdm: "A.9", description: "VMCS enumeration: the highest index used in the encoding of any VMCS field the processor supports.", fields: [{ id: "highestIndex", name: "Highest index value", lsb: 1, msb: 9, description: "Largest value of encoding bits 9:1 over all supported VMCS fields." }] },
  { id: "msr.ia32-vmx-ept-vpid-cap", name: "IA32_VMX_EPT_VPID_CAP", kind: "msr", width: 64, sdm: "A.10", description: "EPT and VPID capabilities: supported EPT structure features, INVEPT and INVVPID types.", fields: [{ id: "executeOnly", name: "Execute-only translations", lsb: 0, msb: 0, description: "When 1, EPT entries may have bits 2:0 = 100b (execute-only)." }, { id: "pageWalkLength4", name: "Page-walk length of 4", lsb: 6, msb: 6, description: "When 1, a 4-level EPT page walk is supported." }, { id: "pageWalkLength5", name: "Page-walk length of 5", lsb: 7, msb: 7, description: "When 1, a 5-level EPT page walk is supported." }, { id: "memoryTypeUc", name: "EPT paging-structure memory type UC", lsb: 8, msb: 8, description: "When 1, the EPTP may select uncacheable (UC) for EPT paging structures." }, { id: "memoryTypeWb", name: "EPT paging-structure memory type WB", lsb: 14, msb: 14, description: "When 1, the EPTP may select write-back (WB) for EPT paging structures." }, { id: "pde2MbPages", name: "2-MByte pages", lsb: 16, msb: 16, description: "When 1, an EPT PDE may map a 2-MByte page (bit 7 set)." }, { id: "pdpte1GbPages", name: "1-GByte pages", lsb: 17, msb: 17, description: "When 1, an EPT PDPTE may map a 1-GByte page (bit 7 set)." }, { id: "invept", name: "INVEPT supported", lsb: 20, msb: 20, description: "When 1, the INVEPT instruction is supported." }, { id: "accessedDirtyFlags", name: "Accessed and dirty flags for EPT", lsb: 21, msb: 21, description: "When 1, EPTP bit 6 may enable accessed and dirty flags for EPT." }, { id: "advancedEptViolationInfo", name: "Advanced VM-exit information for EPT violations", lsb: 22, msb: 22, description: "When 1, EPT-violation exit qualifications report the additional information about linear-address translation." }, { id: "supervisorShadowStackControl", name: "Supervisor shadow-stack control", lsb: 23, msb: 23, description: "When 1, EPTP bit 7 may enable enforcement of access rights for supervisor shadow-stack pages." }, { id: "inveptSingleContext", name: "Single-context INVEPT", lsb: 25, msb: 25, description: "When 1, the single-context INVEPT type is supported." }, { id: "inveptAllContext", name: "All-context INVEPT", lsb: 26, msb: 26, description: "When 1, the all-context INVEPT type is supported." }, { id: "invvpid", name: "INVVPID supported", lsb: 32, msb: 32, description: "When 1, the INVVPID instruction is supported." }, { id: "invvpidIndividualAddress", name: "Individual-address INVVPID", lsb: 40, msb: 40, description: "When 1, the individual-address INVVPID type is supported." }, { id: "invvpidSingleContext", name: "Single-context INVVPID", lsb: 41, msb: 41, description: "When 1, the single-context INVVPID type is supported." }, { id: "invvpidAllContext", name: "All-context INVVPID", lsb: 42, msb: 42, description: "When 1, the all-context INVVPID type is supported." }, { id: "invvpidSingleContextRetainingGlobals", name: "Single-context-retaining-globals INVVPID", lsb: 43, msb: 43, description: "When 1, the single-context-retaining-globals INVVPID type is supported." }, { id: "maxHlatPrefixSize", name: "Maximum HLAT prefix size", lsb: 48, msb: 53, description: "Largest value software may write to the HLAT prefix size field." }] },
  { id: "msr.ia32-feature-control", name: "IA32_FEATURE_CONTROL", kind: "msr", width: 64, sdm: "24.7", description: "Feature-control MSR (3AH) that firmware uses to permit VMXON, SENTER and SGX and then locks.", fields: [{ id: "lock", name: "Lock", lsb: 0, msb: 0, description: "When 1, the MSR can no longer be written and VMXON is allowed only as the enable bits permit; WRMSR then raises #GP until reset." }, { id: "vmxInsideSmx", name: "Enable VMX inside SMX operation", lsb: 1, msb: 1, description: "When 1 (and locked), VMXON is allowed in SMX operation." }, { id: "vmxOutsideSmx", name: "Enable VMX outside SMX operation", lsb: 2, msb: 2, description: "When 1 (and locked), VMXON is allowed outside SMX operation." }, { id: "senterLocalFunctionEnables", name: "SENTER local function enables", lsb: 8, msb: 14, description: "Enable bits for the GETSEC[SENTER] local functions." }, { id: "senterGlobalEnable", name: "SENTER global enable", lsb: 15, msb: 15, description: "When 1, GETSEC[SENTER] may be executed." }, { id: "sgxLaunchControlEnable", name: "SGX launch control enable", lsb: 17, msb: 17, description: "When 1, the SGX launch-enclave public-key hash MSRs are writable." }, { id: "sgxGlobalEnable", name: "SGX global enable", lsb: 18, msb: 18, description: "When 1, Intel SGX instructions are enabled." }, { id: "lmceOn", name: "LMCE on", lsb: 20, msb: 20, description: "When 1, local machine-check exceptions may be enabled." }] },
  { id: "msr.ia32-user-msr-ctl", name: "IA32_USER_MSR_CTL", kind: "msr", width: 64, sdm: "2:URDMSR", description: "IA32_USER_MSR_CTL (MSR 1CH, present when CPUID.(EAX=07H,ECX=1):EDX.USER_MSR[15] = 1): enables URDMSR and UWRMSR and locates the user-MSR bitmap that selects which MSRs they may access.", fields: [{ id: "enable", name: "Enable", lsb: 0, msb: 0, description: "When 0, URDMSR and UWRMSR raise #UD." }, { id: "bitmapAddress", name: "User-MSR bitmap address", lsb: 12, msb: 63, description: "Bits 63:12 of the linear address of the 4-KByte user-MSR bitmap: bytes 0-7FFH hold one bit per MSR 0-3FFFH for URDMSR, bytes 800H-FFFH one bit per MSR for UWRMSR; a 1 allows the access. Bits 11:1 of the MSR are reserved." }] },
  { id: "msr.ia32-pasid", name: "IA32_PASID", kind: "msr", width: 64, sdm: "2:ENQCMD", description: "IA32_PASID (MSR D93H, present when CPUID.(EAX=07H,ECX=0):ECX.ENQCMD[29] = 1): the process address-space identifier ENQCMD puts in its command. Bits 30:20 and 63:32 are reserved.", fields: [{ id: "pasid", name: "PASID", lsb: 0, msb: 19, description: "The PASID ENQCMD writes in bits 19:0 of the command (in VMX non-root operation with \"PASID translation\" 1: the guest PASID that is translated)." }, { id: "valid", name: "Valid", lsb: 31, msb: 31, description: "When 0, ENQCMD raises #GP(0)." }] },
  { id: "msr.ia32-xss", name: "IA32_XSS", kind: "msr", width: 64, sdm: "2:XSAVES", description: "IA32_XSS (MSR DA0H, present when CPUID.(EAX=0DH,ECX=1):EAX.XSS[3] = 1): the supervisor state components XSAVES and XRSTORS manage in addition to XCR0's (SDM Vol. 1 13.3). A bit the processor does not enumerate in CPUID.(EAX=0DH,ECX=1):EDX:ECX is reserved (#GP(0) on WRMSR); 0 at reset.", fields: [{ id: "pasid", name: "PASID state", lsb: 10, msb: 10, description: "State component 10 (IA32_PASID), supported when the processor has ENQCMD (SDM Vol. 1 13.5.8)." }] },
  { id: "vmcs.field-encoding", name: "Structure of VMCS component encoding", kind: "vmcs-field-format", width: 32, sdm: "25.11.2", description: "The 32-bit value that VMREAD and VMWRITE take to name a VMCS field.", fields: [{ id: "accessType", name: "Access type", lsb: 0, msb: 0, values: { "0": "full", "1": "high" }, description: "High selects bits 63:32 of a 64-bit field; must be full for other widths." }, { id: "index", name: "Index", lsb: 1, msb: 9, description: "Distinguishes fields of the same width and type." }, { id: "type", name: "Type", lsb: 10, msb: 11, values: { "0": "control", "1": "exit-information", "2": "guest-state", "3": "host-state" }, description: "The field's type: control, VM-exit information (read-only data), guest state or host state." }, { id: "reserved12", name: "Reserved (must be 0)", lsb: 12, msb: 12, description: "Must be 0." }, { id: "width", name: "Width", lsb: 13, msb: 14, values: { "0": "16", "1": "64", "2": "32", "3": "natural" }, description: "The field's width: 16-bit, 64-bit, 32-bit or natural-width." }, { id: "reserved", name: "Reserved (must be 0)", lsb: 15, msb: 31, description: "Must be 0; VMREAD/VMWRITE with a bit set here fail with error 12." }] },
  { id: "vmcs.access-rights", name: "Guest segment access rights", kind: "vmcs-field-format", width: 32, sdm: "25.4.1", table: "Table 25-2", description: "Format of the access-rights fields of the guest segment registers, LDTR and TR.", fields: [{ id: "segmentType", name: "Segment type", lsb: 0, msb: 3, description: "Type field of the segment descriptor." }, { id: "descriptorType", name: "S — Descriptor type", lsb: 4, msb: 4, values: { "0": "system", "1": "code or data" }, description: "Distinguishes system descriptors from code and data descriptors." }, { id: "dpl", name: "DPL — Descriptor privilege level", lsb: 5, msb: 6, description: "Privilege level of the segment." }, { id: "present", name: "P — Segment present", lsb: 7, msb: 7, description: "Segment is present." }, { id: "avl", name: "AVL — Available for use by system software", lsb: 12, msb: 12, description: "Bit available to software." }, { id: "longMode", name: "L — 64-bit mode active", lsb: 13, msb: 13, validWhen: "the register is CS", description: "For CS, marks a 64-bit code segment; reserved for other registers." }, { id: "defaultSize", name: "D/B — Default operation size", lsb: 14, msb: 14, values: { "0": "16-bit segment", "1": "32-bit segment" }, description: "Default operation size or stack-pointer size." }, { id: "granularity", name: "G — Granularity", lsb: 15, msb: 15, description: "Limit is scaled by 4 KBytes when set." }, { id: "unusable", name: "Segment unusable", lsb: 16, msb: 16, values: { "0": "usable", "1": "unusable" }, description: "Marks the register as unusable, e.g. after loading a null selector." }] },
  { id: "vmcs.interruptibility-state", name: "Guest interruptibility state", kind: "vmcs-field-format", width: 32, sdm: "25.4.2", table: "Table 25-3", description: "Format of the guest interruptibility-state field: events blocked at the time of VM exit or to be blocked after VM entry.", fields: [{ id: "blockingBySti", name: "Blocking by STI", lsb: 0, msb: 0, description: "STI was the last instruction and interrupts are blocked for one instruction." }, { id: "blockingByMovSs", name: "Blocking by MOV SS", lsb: 1, msb: 1, description: "MOV SS or POP SS was the last instruction and certain events are blocked for one instruction." }, { id: "blockingBySmi", name: "Blocking by SMI", lsb: 2, msb: 2, description: "SMIs are blocked because the processor is in SMM." }, { id: "blockingByNmi", name: "Blocking by NMI", lsb: 3, msb: 3, description: "NMIs are blocked (or virtual NMIs, when the virtual-NMIs control is 1)." }, { id: "enclaveInterruption", name: "Enclave interruption", lsb: 4, msb: 4, description: "A VM exit interrupted enclave execution." }] },
  { id: "vmcs.activity-state", name: "Guest activity state", kind: "vmcs-field-format", width: 32, sdm: "25.4.2", description: "The guest activity-state field: the logical processor's activity state.", fields: [{ id: "activityState", name: "Activity state", lsb: 0, msb: 31, values: { "0": "Active", "1": "HLT", "2": "Shutdown", "3": "Wait-for-SIPI" }, description: "Active, halted, shut down, or waiting for a start-up IPI; IA32_VMX_MISC reports which non-active states are supported." }] },
  { id: "vmcs.pending-debug-exceptions", name: "Guest pending debug exceptions", kind: "vmcs-field-format", width: 64, sdm: "25.4.2", table: "Table 25-4", description: "Format of the guest pending-debug-exceptions field: debug exceptions recognized but not yet delivered.", fields: [{ id: "breakpointConditions", name: "B3 – B0", lsb: 0, msb: 3, description: "Bit n is set when the breakpoint condition for DRn was met." }, { id: "enabledBreakpoint", name: "Enabled breakpoint", lsb: 12, msb: 12, description: "At least one enabled data or I/O breakpoint condition was met." }, { id: "bs", name: "BS", lsb: 14, msb: 14, description: "A single-step trap is pending." }, { id: "rtm", name: "RTM", lsb: 16, msb: 16, description: "A debug exception or breakpoint occurred inside an RTM region." }] },
  { id: "vmcs.exit-reason", name: "Exit reason", kind: "vmcs-field-format", width: 32, sdm: "25.9.1", table: "Table 25-18", description: "Format of the exit-reason field written by VM exits and by VM-entry failures that load host state; bit 16 is always 0.", fields: [{ id: "basicExitReason", name: "Basic exit reason", lsb: 0, msb: 15, description: "Cause of the VM exit or VM-entry failure (Appendix C)." }, { id: "shadowStackPrematurelyBusy", name: "Shadow stack prematurely busy", lsb: 25, msb: 25, description: "With the \"prematurely busy shadow stack\" secondary VM-exit control 1: the VM exit left a shadow stack prematurely busy (position as in Xen's vmcs_exit_reason; the SDM text was not at hand)." }, { id: "busLockDetected", name: "Bus lock detected", lsb: 26, msb: 26, description: "A bus lock was asserted (VMM bus-lock detection) during the instruction that preceded the VM exit." }, { id: "enclaveMode", name: "Enclave mode", lsb: 27, msb: 27, description: "The VM exit was incident to enclave mode." }, { id: "pendingMtfVmExit", name: "Pending MTF VM exit", lsb: 28, msb: 28, description: "An SMM VM exit took priority over a pending MTF VM exit." }, { id: "vmExitFromVmxRoot", name: "VM exit from VMX root operation", lsb: 29, msb: 29, description: "The VM exit occurred in VMX root operation (SMM VM exits only)." }, { id: "vmEntryFailure", name: "VM-entry failure", lsb: 31, msb: 31, values: { "0": "true VM exit", "1": "VM-entry failure" }, description: "Distinguishes VM-entry failures from real VM exits." }] },
  { id: "vmcs.vm-entry-interruption-information", name: "VM-entry interruption-information field", kind: "vmcs-field-format", width: 32, sdm: "25.8.3", table: "Table 25-17", description: "Format of the VM-entry interruption-information field, which controls event injection on VM entry.", fields: [{ id: "vector", name: "Vector of interrupt or exception", lsb: 0, msb: 7, description: "Vector of the event, or which other event (type 7) is injected." }, { id: "interruptionType", name: "Interruption type", lsb: 8, msb: 10, values: { "0": "External interrupt", "1": "Reserved", "2": "Non-maskable interrupt (NMI)", "3": "Hardware exception", "4": "Software interrupt", "5": "Privileged software exception", "6": "Software exception", "7": "Other event" }, description: "How the event is injected." }, { id: "deliverErrorCode", name: "Deliver error code", lsb: 11, msb: 11, values: { "0": "do not deliver", "1": "deliver" }, description: "Push the VM-entry exception error code when delivering the event." }, { id: "valid", name: "Valid", lsb: 31, msb: 31, description: "VM entry injects an event only when set; every VM exit clears it." }] },
  { id: "vmcs.vm-exit-interruption-information", name: "VM-exit interruption-information field", kind: "vmcs-field-format", width: 32, sdm: "25.9.2", table: "Table 25-19", description: "Format of the VM-exit interruption-information field, which describes the event that caused a VM exit.", fields: [{ id: "vector", name: "Vector of interrupt or exception", lsb: 0, msb: 7, validWhen: "bit 31 is 1", description: "Vector of the event that caused the VM exit." }, { id: "interruptionType", name: "Interruption type", lsb: 8, msb: 10, values: { "0": "External interrupt", "2": "Non-maskable interrupt (NMI)", "3": "Hardware exception", "5": "Privileged software exception", "6": "Software exception" }, validWhen: "bit 31 is 1", description: "Kind of event; values 1, 4 and 7 are not used." }, { id: "errorCodeValid", name: "Error code valid", lsb: 11, msb: 11, values: { "0": "invalid", "1": "valid" }, validWhen: "bit 31 is 1", description: "The VM-exit interruption error code holds an error code." }, { id: "nmiUnblockingDueToIret", name: "NMI unblocking due to IRET", lsb: 12, msb: 12, validWhen: "bit 31 is 1", description: "The VM exit came from a fault on IRET that had removed (virtual-)NMI blocking." }, { id: "valid", name: "Valid", lsb: 31, msb: 31, description: "The field describes an event; otherwise the rest is undefined." }] },
  { id: "vmcs.idt-vectoring-information", name: "IDT-vectoring information field", kind: "vmcs-field-format", width: 32, sdm: "25.9.3", table: "Table 25-20", description: "Format of the IDT-vectoring information field, which describes an event whose delivery was interrupted by the VM exit.", fields: [{ id: "vector", name: "Vector of interrupt or exception", lsb: 0, msb: 7, validWhen: "bit 31 is 1", description: "Vector of the event being delivered." }, { id: "interruptionType", name: "Interruption type", lsb: 8, msb: 10, values: { "0": "External interrupt", "2": "Non-maskable interrupt (NMI)", "3": "Hardware exception", "4": "Software interrupt", "5": "Privileged software exception", "6": "Software exception" }, validWhen: "bit 31 is 1", description: "Kind of event being delivered; values 1 and 7 are not used." }, { id: "errorCodeValid", name: "Error code valid", lsb: 11, msb: 11, values: { "0": "invalid", "1": "valid" }, validWhen: "bit 31 is 1", description: "The IDT-vectoring error code holds an error code." }, { id: "valid", name: "Valid", lsb: 31, msb: 31, description: "The VM exit occurred during delivery of an event through the IDT." }] },
  { id: "vmcs.guest-interrupt-status", name: "Guest interrupt status", kind: "vmcs-field-format", width: 16, sdm: "25.4.2", description: "Format of the guest interrupt-status field used by virtual-interrupt delivery.", fields: [{ id: "rvi", name: "Requesting virtual interrupt (RVI)", lsb: 0, msb: 7, description: "Vector of the highest-priority virtual interrupt requesting service." }, { id: "svi", name: "Servicing virtual interrupt (SVI)", lsb: 8, msb: 15, description: "Vector of the highest-priority virtual interrupt in service." }] },
  { id: "vmcs.msr-entry", name: "MSR entry", kind: "vmcs-field-format", width: 64, byteOffset: 0, sdm: "25.7.2", table: "Table 25-15", description: "First 64 bits of a 16-byte entry of the VM-exit MSR-store, VM-exit MSR-load and VM-entry MSR-load areas; the 64-bit MSR data follows at byte offset 8.", fields: [{ id: "msrIndex", name: "MSR index", lsb: 0, msb: 31, description: "Index of the MSR to load or store." }, { id: "reserved", name: "Reserved", lsb: 32, msb: 63, description: "Must be 0 in areas that are loaded." }] },
  { id: "vmcs.extension-privilege-level-exiting-controls", name: "Privilege-level-exiting controls (model extension, not in the SDM)", kind: "vmcs-field-format", width: 32, sdm: "25.11.2", description: "MODEL EXTENSION, NOT IN THE SDM (vmxsim privilege-level exiting; see model/vmx/extension-privilege-exiting.ts). The extension's control field; only bit 0 is defined.", fields: [{ id: "privilegeLevelExiting", name: "Privilege-level exiting", lsb: 0, msb: 0, description: "1: guest CPL changes selected by the CPL-transition bitmap cause VM exits." }] },
  { id: "vmcs.extension-cpl-transition-bitmap", name: "CPL-transition bitmap (model extension, not in the SDM)", kind: "vmcs-field-format", width: 16, sdm: "25.11.2", description: "MODEL EXTENSION, NOT IN THE SDM (vmxsim privilege-level exiting; see model/vmx/extension-privilege-exiting.ts). Bit 4*from+to selects the transition from CPL `from` to CPL `to`; bits 0, 5, 10 and 15 (from = to) are never used because the CPL did not change.", fields: [{ id: "from0", name: "Transitions from CPL 0", lsb: 0, msb: 3, description: "Bit i: CPL 0 to CPL i." }, { id: "from1", name: "Transitions from CPL 1", lsb: 4, msb: 7, description: "Bit i: CPL 1 to CPL i." }, { id: "from2", name: "Transitions from CPL 2", lsb: 8, msb: 11, description: "Bit i: CPL 2 to CPL i." }, { id: "from3", name: "Transitions from CPL 3", lsb: 12, msb: 15, description: "Bit i: CPL 3 to CPL i." }] },
];

function fieldBits32(value: number, bits: number, lsb: number, name: string): number {
  if (!Number.isInteger(value) || value < 0 || value >= 2 ** bits) throw new RangeError(`${name}: ${value} does not fit in ${bits} bit(s)`);
  return value * 2 ** lsb;
}

function fieldBits64(value: bigint, bits: number, lsb: number, name: string): bigint {
  if (value < 0n || value >= 1n << BigInt(bits)) throw new RangeError(`${name}: ${value} does not fit in ${bits} bit(s)`);
  return value << BigInt(lsb);
}

/** IA32_APIC_BASE MSR (SDM 3A:11.4.4, Figure 11-5). */
export interface ApicBase {
  /** BSP flag, bit 8. */
  bsp: boolean;
  /** Enable x2APIC mode (EXTD), bit 10. */
  x2apicEnable: boolean;
  /** APIC global enable flag (EN), bit 11. */
  globalEnable: boolean;
  /** APIC base (physical address bits 51:12), bits 51:12. */
  base: bigint;
}

export function unpackApicBase(value: bigint): ApicBase {
  return {
    bsp: ((value >> 8n) & 0x1n) !== 0n,
    x2apicEnable: ((value >> 10n) & 0x1n) !== 0n,
    globalEnable: ((value >> 11n) & 0x1n) !== 0n,
    base: (value >> 12n) & 0xFFFFFFFFFFn,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packApicBase(fields: Partial<ApicBase>): bigint {
  let value = 0n;
  if (fields.bsp) value |= 0x100n;
  if (fields.x2apicEnable) value |= 0x400n;
  if (fields.globalEnable) value |= 0x800n;
  if (fields.base !== undefined) value |= fieldBits64(fields.base, 40, 12, "apic.base.base");
  return value;
}

/** Local APIC ID Register (SDM 3A:11.4.6, Figure 11-6). */
export interface ApicId {
  /** APIC ID, bits 31:24. */
  apicId: number;
}

export function unpackApicId(value: number): ApicId {
  return {
    apicId: (value >>> 24) & 0xFF,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packApicId(fields: Partial<ApicId>): number {
  let value = 0;
  if (fields.apicId !== undefined) value += fieldBits32(fields.apicId, 8, 24, "apic.id.apicId");
  return value;
}

/** Local APIC Version Register (SDM 3A:11.4.8, Figure 11-7). */
export interface ApicVersion {
  /** Version, bits 7:0. */
  version: number;
  /** Max LVT Entry, bits 23:16. */
  maxLvtEntry: number;
  /** Support for EOI-broadcast suppression, bit 24. */
  eoiBroadcastSuppression: boolean;
}

export function unpackApicVersion(value: number): ApicVersion {
  return {
    version: value & 0xFF,
    maxLvtEntry: (value >>> 16) & 0xFF,
    eoiBroadcastSuppression: ((value >>> 24) & 0x1) !== 0,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packApicVersion(fields: Partial<ApicVersion>): number {
  let value = 0;
  if (fields.version !== undefined) value += fieldBits32(fields.version, 8, 0, "apic.version.version");
  if (fields.maxLvtEntry !== undefined) value += fieldBits32(fields.maxLvtEntry, 8, 16, "apic.version.maxLvtEntry");
  if (fields.eoiBroadcastSuppression) value += 0x1000000;
  return value;
}

/** Task, Arbitration and Processor Priority Registers (SDM 3A:11.8.3.1, Figure 11-18). */
export interface ApicPriority {
  /** Priority Sub-Class, bits 3:0. */
  subClass: number;
  /** Priority Class, bits 7:4. */
  priorityClass: number;
}

export function unpackApicPriority(value: number): ApicPriority {
  return {
    subClass: value & 0xF,
    priorityClass: (value >>> 4) & 0xF,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packApicPriority(fields: Partial<ApicPriority>): number {
  let value = 0;
  if (fields.subClass !== undefined) value += fieldBits32(fields.subClass, 4, 0, "apic.priority.subClass");
  if (fields.priorityClass !== undefined) value += fieldBits32(fields.priorityClass, 4, 4, "apic.priority.priorityClass");
  return value;
}

/** Logical Destination Register (LDR) (SDM 3A:11.6.2.2, Figure 11-13). */
export interface ApicLdr {
  /** Logical APIC ID, bits 31:24. */
  logicalApicId: number;
}

export function unpackApicLdr(value: number): ApicLdr {
  return {
    logicalApicId: (value >>> 24) & 0xFF,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packApicLdr(fields: Partial<ApicLdr>): number {
  let value = 0;
  if (fields.logicalApicId !== undefined) value += fieldBits32(fields.logicalApicId, 8, 24, "apic.ldr.logicalApicId");
  return value;
}

/** Destination Format Register (DFR) (SDM 3A:11.6.2.2, Figure 11-14). */
export interface ApicDfr {
  /** Model, bits 31:28. */
  model: number;
}

export function unpackApicDfr(value: number): ApicDfr {
  return {
    model: (value >>> 28) & 0xF,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packApicDfr(fields: Partial<ApicDfr>): number {
  let value = 0;
  if (fields.model !== undefined) value += fieldBits32(fields.model, 4, 28, "apic.dfr.model");
  return value;
}

/** Spurious-Interrupt Vector Register (SVR) (SDM 3A:11.9, Figure 11-23). */
export interface ApicSpuriousVector {
  /** Spurious Vector, bits 7:0. */
  spuriousVector: number;
  /** APIC Software Enable/Disable, bit 8. */
  apicSoftwareEnable: boolean;
  /** Focus Processor Checking, bit 9. */
  focusProcessorChecking: boolean;
  /** EOI-Broadcast Suppression, bit 12. */
  eoiBroadcastSuppression: boolean;
}

export function unpackApicSpuriousVector(value: number): ApicSpuriousVector {
  return {
    spuriousVector: value & 0xFF,
    apicSoftwareEnable: ((value >>> 8) & 0x1) !== 0,
    focusProcessorChecking: ((value >>> 9) & 0x1) !== 0,
    eoiBroadcastSuppression: ((value >>> 12) & 0x1) !== 0,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packApicSpuriousVector(fields: Partial<ApicSpuriousVector>): number {
  let value = 0;
  if (fields.spuriousVector !== undefined) value += fieldBits32(fields.spuriousVector, 8, 0, "apic.spurious-vector.spuriousVector");
  if (fields.apicSoftwareEnable) value += 0x100;
  if (fields.focusProcessorChecking) value += 0x200;
  if (fields.eoiBroadcastSuppression) value += 0x1000;
  return value;
}

/** Error Status Register (ESR) (SDM 3A:11.5.3, Figure 11-9). */
export interface ApicErrorStatus {
  /** Send Checksum Error, bit 0. */
  sendChecksumError: boolean;
  /** Receive Checksum Error, bit 1. */
  receiveChecksumError: boolean;
  /** Send Accept Error, bit 2. */
  sendAcceptError: boolean;
  /** Receive Accept Error, bit 3. */
  receiveAcceptError: boolean;
  /** Redirectable IPI, bit 4. */
  redirectableIpi: boolean;
  /** Send Illegal Vector, bit 5. */
  sendIllegalVector: boolean;
  /** Receive Illegal Vector, bit 6. */
  receivedIllegalVector: boolean;
  /** Illegal Register Address, bit 7. */
  illegalRegisterAddress: boolean;
}

export function unpackApicErrorStatus(value: number): ApicErrorStatus {
  return {
    sendChecksumError: (value & 0x1) !== 0,
    receiveChecksumError: ((value >>> 1) & 0x1) !== 0,
    sendAcceptError: ((value >>> 2) & 0x1) !== 0,
    receiveAcceptError: ((value >>> 3) & 0x1) !== 0,
    redirectableIpi: ((value >>> 4) & 0x1) !== 0,
    sendIllegalVector: ((value >>> 5) & 0x1) !== 0,
    receivedIllegalVector: ((value >>> 6) & 0x1) !== 0,
    illegalRegisterAddress: ((value >>> 7) & 0x1) !== 0,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packApicErrorStatus(fields: Partial<ApicErrorStatus>): number {
  let value = 0;
  if (fields.sendChecksumError) value += 0x1;
  if (fields.receiveChecksumError) value += 0x2;
  if (fields.sendAcceptError) value += 0x4;
  if (fields.receiveAcceptError) value += 0x8;
  if (fields.redirectableIpi) value += 0x10;
  if (fields.sendIllegalVector) value += 0x20;
  if (fields.receivedIllegalVector) value += 0x40;
  if (fields.illegalRegisterAddress) value += 0x80;
  return value;
}

/** Local Vector Table entry (LINT0, LINT1, Error, Performance, Thermal, CMCI) (SDM 3A:11.5.1, Figure 11-8). */
export interface ApicLvt {
  /** Vector, bits 7:0. */
  vector: number;
  /** Delivery Mode, bits 10:8. */
  deliveryMode: number;
  /** Delivery Status, bit 12. */
  deliveryStatus: boolean;
  /** Interrupt Input Pin Polarity, bit 13. */
  inputPinPolarity: boolean;
  /** Remote IRR Flag, bit 14. */
  remoteIrr: boolean;
  /** Trigger Mode, bit 15. */
  triggerMode: number;
  /** Mask, bit 16. */
  mask: boolean;
}

export function unpackApicLvt(value: number): ApicLvt {
  return {
    vector: value & 0xFF,
    deliveryMode: (value >>> 8) & 0x7,
    deliveryStatus: ((value >>> 12) & 0x1) !== 0,
    inputPinPolarity: ((value >>> 13) & 0x1) !== 0,
    remoteIrr: ((value >>> 14) & 0x1) !== 0,
    triggerMode: (value >>> 15) & 0x1,
    mask: ((value >>> 16) & 0x1) !== 0,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packApicLvt(fields: Partial<ApicLvt>): number {
  let value = 0;
  if (fields.vector !== undefined) value += fieldBits32(fields.vector, 8, 0, "apic.lvt.vector");
  if (fields.deliveryMode !== undefined) value += fieldBits32(fields.deliveryMode, 3, 8, "apic.lvt.deliveryMode");
  if (fields.deliveryStatus) value += 0x1000;
  if (fields.inputPinPolarity) value += 0x2000;
  if (fields.remoteIrr) value += 0x4000;
  if (fields.triggerMode !== undefined) value += fieldBits32(fields.triggerMode, 1, 15, "apic.lvt.triggerMode");
  if (fields.mask) value += 0x10000;
  return value;
}

/** LVT Timer Register (SDM 3A:11.5.1, Figure 11-8). */
export interface ApicLvtTimer {
  /** Vector, bits 7:0. */
  vector: number;
  /** Delivery Status, bit 12. */
  deliveryStatus: boolean;
  /** Mask, bit 16. */
  mask: boolean;
  /** Timer Mode, bits 18:17. */
  timerMode: number;
}

export function unpackApicLvtTimer(value: number): ApicLvtTimer {
  return {
    vector: value & 0xFF,
    deliveryStatus: ((value >>> 12) & 0x1) !== 0,
    mask: ((value >>> 16) & 0x1) !== 0,
    timerMode: (value >>> 17) & 0x3,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packApicLvtTimer(fields: Partial<ApicLvtTimer>): number {
  let value = 0;
  if (fields.vector !== undefined) value += fieldBits32(fields.vector, 8, 0, "apic.lvt-timer.vector");
  if (fields.deliveryStatus) value += 0x1000;
  if (fields.mask) value += 0x10000;
  if (fields.timerMode !== undefined) value += fieldBits32(fields.timerMode, 2, 17, "apic.lvt-timer.timerMode");
  return value;
}

/** Interrupt Command Register (ICR), bits 31:0 (SDM 3A:11.6.1, Figure 11-12). */
export interface ApicIcrLow {
  /** Vector, bits 7:0. */
  vector: number;
  /** Delivery Mode, bits 10:8. */
  deliveryMode: number;
  /** Destination Mode, bit 11. */
  destinationMode: number;
  /** Delivery Status, bit 12. */
  deliveryStatus: boolean;
  /** Level, bit 14. */
  level: number;
  /** Trigger Mode, bit 15. */
  triggerMode: number;
  /** Destination Shorthand, bits 19:18. */
  destinationShorthand: number;
}

export function unpackApicIcrLow(value: number): ApicIcrLow {
  return {
    vector: value & 0xFF,
    deliveryMode: (value >>> 8) & 0x7,
    destinationMode: (value >>> 11) & 0x1,
    deliveryStatus: ((value >>> 12) & 0x1) !== 0,
    level: (value >>> 14) & 0x1,
    triggerMode: (value >>> 15) & 0x1,
    destinationShorthand: (value >>> 18) & 0x3,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packApicIcrLow(fields: Partial<ApicIcrLow>): number {
  let value = 0;
  if (fields.vector !== undefined) value += fieldBits32(fields.vector, 8, 0, "apic.icr-low.vector");
  if (fields.deliveryMode !== undefined) value += fieldBits32(fields.deliveryMode, 3, 8, "apic.icr-low.deliveryMode");
  if (fields.destinationMode !== undefined) value += fieldBits32(fields.destinationMode, 1, 11, "apic.icr-low.destinationMode");
  if (fields.deliveryStatus) value += 0x1000;
  if (fields.level !== undefined) value += fieldBits32(fields.level, 1, 14, "apic.icr-low.level");
  if (fields.triggerMode !== undefined) value += fieldBits32(fields.triggerMode, 1, 15, "apic.icr-low.triggerMode");
  if (fields.destinationShorthand !== undefined) value += fieldBits32(fields.destinationShorthand, 2, 18, "apic.icr-low.destinationShorthand");
  return value;
}

/** Interrupt Command Register (ICR), bits 63:32 (xAPIC) (SDM 3A:11.6.1, Figure 11-12). */
export interface ApicIcrHigh {
  /** Destination Field, bits 31:24. */
  destination: number;
}

export function unpackApicIcrHigh(value: number): ApicIcrHigh {
  return {
    destination: (value >>> 24) & 0xFF,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packApicIcrHigh(fields: Partial<ApicIcrHigh>): number {
  let value = 0;
  if (fields.destination !== undefined) value += fieldBits32(fields.destination, 8, 24, "apic.icr-high.destination");
  return value;
}

/** Divide Configuration Register (SDM 3A:11.5.4, Figure 11-10). */
export interface ApicTimerDivide {
  /** Divide Value bits 1:0, bits 1:0. */
  divideLow: number;
  /** Divide Value bit 2, bit 3. */
  divideHigh: boolean;
}

export function unpackApicTimerDivide(value: number): ApicTimerDivide {
  return {
    divideLow: value & 0x3,
    divideHigh: ((value >>> 3) & 0x1) !== 0,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packApicTimerDivide(fields: Partial<ApicTimerDivide>): number {
  let value = 0;
  if (fields.divideLow !== undefined) value += fieldBits32(fields.divideLow, 2, 0, "apic.timer-divide.divideLow");
  if (fields.divideHigh) value += 0x8;
  return value;
}

/** SELF IPI register (x2APIC) (SDM 3A:11.12.11, Figure 11-28). */
export interface ApicSelfIpi {
  /** Vector, bits 7:0. */
  vector: number;
}

export function unpackApicSelfIpi(value: number): ApicSelfIpi {
  return {
    vector: value & 0xFF,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packApicSelfIpi(fields: Partial<ApicSelfIpi>): number {
  let value = 0;
  if (fields.vector !== undefined) value += fieldBits32(fields.vector, 8, 0, "apic.self-ipi.vector");
  return value;
}

/** Extended-page-table pointer (EPTP) (SDM 25.6.11, Table 25-9). */
export interface EptEptp {
  /** EPT paging-structure memory type, bits 2:0. */
  memoryType: number;
  /** EPT page-walk length minus 1, bits 5:3. */
  pageWalkLength: number;
  /** Enable accessed and dirty flags, bit 6. */
  enableAccessedDirty: boolean;
  /** Enable supervisor shadow-stack access rights, bit 7. */
  enableSupervisorShadowStack: boolean;
  /** Physical address of the EPT PML4 or PML5 table, bits 51:12. */
  physicalAddress: bigint;
}

export function unpackEptEptp(value: bigint): EptEptp {
  return {
    memoryType: Number((value >> 0n) & 0x7n),
    pageWalkLength: Number((value >> 3n) & 0x7n),
    enableAccessedDirty: ((value >> 6n) & 0x1n) !== 0n,
    enableSupervisorShadowStack: ((value >> 7n) & 0x1n) !== 0n,
    physicalAddress: (value >> 12n) & 0xFFFFFFFFFFn,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packEptEptp(fields: Partial<EptEptp>): bigint {
  let value = 0n;
  if (fields.memoryType !== undefined) value |= fieldBits64(BigInt(fields.memoryType), 3, 0, "ept.eptp.memoryType");
  if (fields.pageWalkLength !== undefined) value |= fieldBits64(BigInt(fields.pageWalkLength), 3, 3, "ept.eptp.pageWalkLength");
  if (fields.enableAccessedDirty) value |= 0x40n;
  if (fields.enableSupervisorShadowStack) value |= 0x80n;
  if (fields.physicalAddress !== undefined) value |= fieldBits64(fields.physicalAddress, 40, 12, "ept.eptp.physicalAddress");
  return value;
}

/** EPT PML5 entry (PML5E) (SDM 29.3.2). */
export interface EptPml5e {
  /** Read access, bit 0. */
  read: boolean;
  /** Write access, bit 1. */
  write: boolean;
  /** Execute access, bit 2. */
  execute: boolean;
  /** Accessed, bit 8. */
  accessed: boolean;
  /** Ignored, bit 9. */
  ignored9: boolean;
  /** Execute access for user-mode linear addresses, bit 10. */
  userModeExecute: boolean;
  /** Ignored, bit 11. */
  ignored11: boolean;
  /** Physical address of the EPT PML4 table, bits 51:12. */
  physicalAddress: bigint;
  /** Ignored, bits 63:52. */
  ignoredHigh: number;
}

export function unpackEptPml5e(value: bigint): EptPml5e {
  return {
    read: ((value >> 0n) & 0x1n) !== 0n,
    write: ((value >> 1n) & 0x1n) !== 0n,
    execute: ((value >> 2n) & 0x1n) !== 0n,
    accessed: ((value >> 8n) & 0x1n) !== 0n,
    ignored9: ((value >> 9n) & 0x1n) !== 0n,
    userModeExecute: ((value >> 10n) & 0x1n) !== 0n,
    ignored11: ((value >> 11n) & 0x1n) !== 0n,
    physicalAddress: (value >> 12n) & 0xFFFFFFFFFFn,
    ignoredHigh: Number((value >> 52n) & 0xFFFn),
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packEptPml5e(fields: Partial<EptPml5e>): bigint {
  let value = 0n;
  if (fields.read) value |= 0x1n;
  if (fields.write) value |= 0x2n;
  if (fields.execute) value |= 0x4n;
  if (fields.accessed) value |= 0x100n;
  if (fields.ignored9) value |= 0x200n;
  if (fields.userModeExecute) value |= 0x400n;
  if (fields.ignored11) value |= 0x800n;
  if (fields.physicalAddress !== undefined) value |= fieldBits64(fields.physicalAddress, 40, 12, "ept.pml5e.physicalAddress");
  if (fields.ignoredHigh !== undefined) value |= fieldBits64(BigInt(fields.ignoredHigh), 12, 52, "ept.pml5e.ignoredHigh");
  return value;
}

/** EPT PML4 entry (PML4E) (SDM 29.3.2, Table 29-1): the same fields as EptPml5e. */
export type EptPml4e = EptPml5e;
export const unpackEptPml4e = unpackEptPml5e;
export const packEptPml4e = packEptPml5e;

/** EPT PDPTE that maps a 1-GByte page (SDM 29.3.2, Table 29-2). */
export interface EptPdpte1gbPage {
  /** Read access, bit 0. */
  read: boolean;
  /** Write access, bit 1. */
  write: boolean;
  /** Execute access, bit 2. */
  execute: boolean;
  /** EPT memory type, bits 5:3. */
  memoryType: number;
  /** Ignore PAT memory type, bit 6. */
  ignorePat: boolean;
  /** Page size, bit 7. */
  pageSize: number;
  /** Accessed, bit 8. */
  accessed: boolean;
  /** Dirty, bit 9. */
  dirty: boolean;
  /** Execute access for user-mode linear addresses, bit 10. */
  userModeExecute: boolean;
  /** Ignored, bit 11. */
  ignored11: boolean;
  /** Physical address of the 1-GByte page, bits 51:30. */
  physicalAddress: number;
  /** Ignored, bits 56:52. */
  ignoredHigh: number;
  /** Verify guest paging, bit 57. */
  verifyGuestPaging: boolean;
  /** Paging-write access, bit 58. */
  pagingWriteAccess: boolean;
  /** Ignored, bit 59. */
  ignored59: boolean;
  /** Supervisor shadow stack, bit 60. */
  supervisorShadowStack: boolean;
  /** Ignored, bit 61. */
  ignored61: boolean;
  /** Ignored, bit 62. */
  ignored62: boolean;
  /** Suppress #VE, bit 63. */
  suppressVe: boolean;
}

export function unpackEptPdpte1gbPage(value: bigint): EptPdpte1gbPage {
  return {
    read: ((value >> 0n) & 0x1n) !== 0n,
    write: ((value >> 1n) & 0x1n) !== 0n,
    execute: ((value >> 2n) & 0x1n) !== 0n,
    memoryType: Number((value >> 3n) & 0x7n),
    ignorePat: ((value >> 6n) & 0x1n) !== 0n,
    pageSize: Number((value >> 7n) & 0x1n),
    accessed: ((value >> 8n) & 0x1n) !== 0n,
    dirty: ((value >> 9n) & 0x1n) !== 0n,
    userModeExecute: ((value >> 10n) & 0x1n) !== 0n,
    ignored11: ((value >> 11n) & 0x1n) !== 0n,
    physicalAddress: Number((value >> 30n) & 0x3FFFFFn),
    ignoredHigh: Number((value >> 52n) & 0x1Fn),
    verifyGuestPaging: ((value >> 57n) & 0x1n) !== 0n,
    pagingWriteAccess: ((value >> 58n) & 0x1n) !== 0n,
    ignored59: ((value >> 59n) & 0x1n) !== 0n,
    supervisorShadowStack: ((value >> 60n) & 0x1n) !== 0n,
    ignored61: ((value >> 61n) & 0x1n) !== 0n,
    ignored62: ((value >> 62n) & 0x1n) !== 0n,
    suppressVe: ((value >> 63n) & 0x1n) !== 0n,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packEptPdpte1gbPage(fields: Partial<EptPdpte1gbPage>): bigint {
  let value = 0n;
  if (fields.read) value |= 0x1n;
  if (fields.write) value |= 0x2n;
  if (fields.execute) value |= 0x4n;
  if (fields.memoryType !== undefined) value |= fieldBits64(BigInt(fields.memoryType), 3, 3, "ept.pdpte-1gb-page.memoryType");
  if (fields.ignorePat) value |= 0x40n;
  if (fields.pageSize !== undefined) value |= fieldBits64(BigInt(fields.pageSize), 1, 7, "ept.pdpte-1gb-page.pageSize");
  if (fields.accessed) value |= 0x100n;
  if (fields.dirty) value |= 0x200n;
  if (fields.userModeExecute) value |= 0x400n;
  if (fields.ignored11) value |= 0x800n;
  if (fields.physicalAddress !== undefined) value |= fieldBits64(BigInt(fields.physicalAddress), 22, 30, "ept.pdpte-1gb-page.physicalAddress");
  if (fields.ignoredHigh !== undefined) value |= fieldBits64(BigInt(fields.ignoredHigh), 5, 52, "ept.pdpte-1gb-page.ignoredHigh");
  if (fields.verifyGuestPaging) value |= 0x200000000000000n;
  if (fields.pagingWriteAccess) value |= 0x400000000000000n;
  if (fields.ignored59) value |= 0x800000000000000n;
  if (fields.supervisorShadowStack) value |= 0x1000000000000000n;
  if (fields.ignored61) value |= 0x2000000000000000n;
  if (fields.ignored62) value |= 0x4000000000000000n;
  if (fields.suppressVe) value |= 0x8000000000000000n;
  return value;
}

/** EPT PDPTE that references an EPT page directory (SDM 29.3.2, Table 29-3). */
export interface EptPdpteTable {
  /** Read access, bit 0. */
  read: boolean;
  /** Write access, bit 1. */
  write: boolean;
  /** Execute access, bit 2. */
  execute: boolean;
  /** Page size, bit 7. */
  pageSize: number;
  /** Accessed, bit 8. */
  accessed: boolean;
  /** Ignored, bit 9. */
  ignored9: boolean;
  /** Execute access for user-mode linear addresses, bit 10. */
  userModeExecute: boolean;
  /** Ignored, bit 11. */
  ignored11: boolean;
  /** Physical address of the EPT page directory, bits 51:12. */
  physicalAddress: bigint;
  /** Ignored, bits 63:52. */
  ignoredHigh: number;
}

export function unpackEptPdpteTable(value: bigint): EptPdpteTable {
  return {
    read: ((value >> 0n) & 0x1n) !== 0n,
    write: ((value >> 1n) & 0x1n) !== 0n,
    execute: ((value >> 2n) & 0x1n) !== 0n,
    pageSize: Number((value >> 7n) & 0x1n),
    accessed: ((value >> 8n) & 0x1n) !== 0n,
    ignored9: ((value >> 9n) & 0x1n) !== 0n,
    userModeExecute: ((value >> 10n) & 0x1n) !== 0n,
    ignored11: ((value >> 11n) & 0x1n) !== 0n,
    physicalAddress: (value >> 12n) & 0xFFFFFFFFFFn,
    ignoredHigh: Number((value >> 52n) & 0xFFFn),
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packEptPdpteTable(fields: Partial<EptPdpteTable>): bigint {
  let value = 0n;
  if (fields.read) value |= 0x1n;
  if (fields.write) value |= 0x2n;
  if (fields.execute) value |= 0x4n;
  if (fields.pageSize !== undefined) value |= fieldBits64(BigInt(fields.pageSize), 1, 7, "ept.pdpte-table.pageSize");
  if (fields.accessed) value |= 0x100n;
  if (fields.ignored9) value |= 0x200n;
  if (fields.userModeExecute) value |= 0x400n;
  if (fields.ignored11) value |= 0x800n;
  if (fields.physicalAddress !== undefined) value |= fieldBits64(fields.physicalAddress, 40, 12, "ept.pdpte-table.physicalAddress");
  if (fields.ignoredHigh !== undefined) value |= fieldBits64(BigInt(fields.ignoredHigh), 12, 52, "ept.pdpte-table.ignoredHigh");
  return value;
}

/** EPT PDE that maps a 2-MByte page (SDM 29.3.2, Table 29-4). */
export interface EptPde2mbPage {
  /** Read access, bit 0. */
  read: boolean;
  /** Write access, bit 1. */
  write: boolean;
  /** Execute access, bit 2. */
  execute: boolean;
  /** EPT memory type, bits 5:3. */
  memoryType: number;
  /** Ignore PAT memory type, bit 6. */
  ignorePat: boolean;
  /** Page size, bit 7. */
  pageSize: number;
  /** Accessed, bit 8. */
  accessed: boolean;
  /** Dirty, bit 9. */
  dirty: boolean;
  /** Execute access for user-mode linear addresses, bit 10. */
  userModeExecute: boolean;
  /** Ignored, bit 11. */
  ignored11: boolean;
  /** Physical address of the 2-MByte page, bits 51:21. */
  physicalAddress: number;
  /** Ignored, bits 56:52. */
  ignoredHigh: number;
  /** Verify guest paging, bit 57. */
  verifyGuestPaging: boolean;
  /** Paging-write access, bit 58. */
  pagingWriteAccess: boolean;
  /** Ignored, bit 59. */
  ignored59: boolean;
  /** Supervisor shadow stack, bit 60. */
  supervisorShadowStack: boolean;
  /** Ignored, bit 61. */
  ignored61: boolean;
  /** Ignored, bit 62. */
  ignored62: boolean;
  /** Suppress #VE, bit 63. */
  suppressVe: boolean;
}

export function unpackEptPde2mbPage(value: bigint): EptPde2mbPage {
  return {
    read: ((value >> 0n) & 0x1n) !== 0n,
    write: ((value >> 1n) & 0x1n) !== 0n,
    execute: ((value >> 2n) & 0x1n) !== 0n,
    memoryType: Number((value >> 3n) & 0x7n),
    ignorePat: ((value >> 6n) & 0x1n) !== 0n,
    pageSize: Number((value >> 7n) & 0x1n),
    accessed: ((value >> 8n) & 0x1n) !== 0n,
    dirty: ((value >> 9n) & 0x1n) !== 0n,
    userModeExecute: ((value >> 10n) & 0x1n) !== 0n,
    ignored11: ((value >> 11n) & 0x1n) !== 0n,
    physicalAddress: Number((value >> 21n) & 0x7FFFFFFFn),
    ignoredHigh: Number((value >> 52n) & 0x1Fn),
    verifyGuestPaging: ((value >> 57n) & 0x1n) !== 0n,
    pagingWriteAccess: ((value >> 58n) & 0x1n) !== 0n,
    ignored59: ((value >> 59n) & 0x1n) !== 0n,
    supervisorShadowStack: ((value >> 60n) & 0x1n) !== 0n,
    ignored61: ((value >> 61n) & 0x1n) !== 0n,
    ignored62: ((value >> 62n) & 0x1n) !== 0n,
    suppressVe: ((value >> 63n) & 0x1n) !== 0n,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packEptPde2mbPage(fields: Partial<EptPde2mbPage>): bigint {
  let value = 0n;
  if (fields.read) value |= 0x1n;
  if (fields.write) value |= 0x2n;
  if (fields.execute) value |= 0x4n;
  if (fields.memoryType !== undefined) value |= fieldBits64(BigInt(fields.memoryType), 3, 3, "ept.pde-2mb-page.memoryType");
  if (fields.ignorePat) value |= 0x40n;
  if (fields.pageSize !== undefined) value |= fieldBits64(BigInt(fields.pageSize), 1, 7, "ept.pde-2mb-page.pageSize");
  if (fields.accessed) value |= 0x100n;
  if (fields.dirty) value |= 0x200n;
  if (fields.userModeExecute) value |= 0x400n;
  if (fields.ignored11) value |= 0x800n;
  if (fields.physicalAddress !== undefined) value |= fieldBits64(BigInt(fields.physicalAddress), 31, 21, "ept.pde-2mb-page.physicalAddress");
  if (fields.ignoredHigh !== undefined) value |= fieldBits64(BigInt(fields.ignoredHigh), 5, 52, "ept.pde-2mb-page.ignoredHigh");
  if (fields.verifyGuestPaging) value |= 0x200000000000000n;
  if (fields.pagingWriteAccess) value |= 0x400000000000000n;
  if (fields.ignored59) value |= 0x800000000000000n;
  if (fields.supervisorShadowStack) value |= 0x1000000000000000n;
  if (fields.ignored61) value |= 0x2000000000000000n;
  if (fields.ignored62) value |= 0x4000000000000000n;
  if (fields.suppressVe) value |= 0x8000000000000000n;
  return value;
}

/** EPT PDE that references an EPT page table (SDM 29.3.2, Table 29-5): the same fields as EptPdpteTable. */
export type EptPdeTable = EptPdpteTable;
export const unpackEptPdeTable = unpackEptPdpteTable;
export const packEptPdeTable = packEptPdpteTable;

/** EPT page-table entry (PTE) (SDM 29.3.2, Table 29-6). */
export interface EptPte {
  /** Read access, bit 0. */
  read: boolean;
  /** Write access, bit 1. */
  write: boolean;
  /** Execute access, bit 2. */
  execute: boolean;
  /** EPT memory type, bits 5:3. */
  memoryType: number;
  /** Ignore PAT memory type, bit 6. */
  ignorePat: boolean;
  /** Ignored, bit 7. */
  ignored7: boolean;
  /** Accessed, bit 8. */
  accessed: boolean;
  /** Dirty, bit 9. */
  dirty: boolean;
  /** Execute access for user-mode linear addresses, bit 10. */
  userModeExecute: boolean;
  /** Ignored, bit 11. */
  ignored11: boolean;
  /** Physical address of the 4-KByte page, bits 51:12. */
  physicalAddress: bigint;
  /** Ignored, bits 56:52. */
  ignoredHigh: number;
  /** Verify guest paging, bit 57. */
  verifyGuestPaging: boolean;
  /** Paging-write access, bit 58. */
  pagingWriteAccess: boolean;
  /** Ignored, bit 59. */
  ignored59: boolean;
  /** Supervisor shadow stack, bit 60. */
  supervisorShadowStack: boolean;
  /** Sub-page write permissions, bit 61. */
  subPageWritePermissions: boolean;
  /** Ignored, bit 62. */
  ignored62: boolean;
  /** Suppress #VE, bit 63. */
  suppressVe: boolean;
}

export function unpackEptPte(value: bigint): EptPte {
  return {
    read: ((value >> 0n) & 0x1n) !== 0n,
    write: ((value >> 1n) & 0x1n) !== 0n,
    execute: ((value >> 2n) & 0x1n) !== 0n,
    memoryType: Number((value >> 3n) & 0x7n),
    ignorePat: ((value >> 6n) & 0x1n) !== 0n,
    ignored7: ((value >> 7n) & 0x1n) !== 0n,
    accessed: ((value >> 8n) & 0x1n) !== 0n,
    dirty: ((value >> 9n) & 0x1n) !== 0n,
    userModeExecute: ((value >> 10n) & 0x1n) !== 0n,
    ignored11: ((value >> 11n) & 0x1n) !== 0n,
    physicalAddress: (value >> 12n) & 0xFFFFFFFFFFn,
    ignoredHigh: Number((value >> 52n) & 0x1Fn),
    verifyGuestPaging: ((value >> 57n) & 0x1n) !== 0n,
    pagingWriteAccess: ((value >> 58n) & 0x1n) !== 0n,
    ignored59: ((value >> 59n) & 0x1n) !== 0n,
    supervisorShadowStack: ((value >> 60n) & 0x1n) !== 0n,
    subPageWritePermissions: ((value >> 61n) & 0x1n) !== 0n,
    ignored62: ((value >> 62n) & 0x1n) !== 0n,
    suppressVe: ((value >> 63n) & 0x1n) !== 0n,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packEptPte(fields: Partial<EptPte>): bigint {
  let value = 0n;
  if (fields.read) value |= 0x1n;
  if (fields.write) value |= 0x2n;
  if (fields.execute) value |= 0x4n;
  if (fields.memoryType !== undefined) value |= fieldBits64(BigInt(fields.memoryType), 3, 3, "ept.pte.memoryType");
  if (fields.ignorePat) value |= 0x40n;
  if (fields.ignored7) value |= 0x80n;
  if (fields.accessed) value |= 0x100n;
  if (fields.dirty) value |= 0x200n;
  if (fields.userModeExecute) value |= 0x400n;
  if (fields.ignored11) value |= 0x800n;
  if (fields.physicalAddress !== undefined) value |= fieldBits64(fields.physicalAddress, 40, 12, "ept.pte.physicalAddress");
  if (fields.ignoredHigh !== undefined) value |= fieldBits64(BigInt(fields.ignoredHigh), 5, 52, "ept.pte.ignoredHigh");
  if (fields.verifyGuestPaging) value |= 0x200000000000000n;
  if (fields.pagingWriteAccess) value |= 0x400000000000000n;
  if (fields.ignored59) value |= 0x800000000000000n;
  if (fields.supervisorShadowStack) value |= 0x1000000000000000n;
  if (fields.subPageWritePermissions) value |= 0x2000000000000000n;
  if (fields.ignored62) value |= 0x4000000000000000n;
  if (fields.suppressVe) value |= 0x8000000000000000n;
  return value;
}

/** Exit Qualification for Debug Exceptions (SDM 28.2.1, Table 28-1). */
export interface ExitQualificationDebugException {
  /** B0, bit 0. */
  b0: boolean;
  /** B1, bit 1. */
  b1: boolean;
  /** B2, bit 2. */
  b2: boolean;
  /** B3, bit 3. */
  b3: boolean;
  /** BLD, bit 11. */
  bld: boolean;
  /** BD, bit 13. */
  bd: boolean;
  /** BS, bit 14. */
  bs: boolean;
  /** RTM, bit 16. */
  rtm: boolean;
}

export function unpackExitQualificationDebugException(value: bigint): ExitQualificationDebugException {
  return {
    b0: ((value >> 0n) & 0x1n) !== 0n,
    b1: ((value >> 1n) & 0x1n) !== 0n,
    b2: ((value >> 2n) & 0x1n) !== 0n,
    b3: ((value >> 3n) & 0x1n) !== 0n,
    bld: ((value >> 11n) & 0x1n) !== 0n,
    bd: ((value >> 13n) & 0x1n) !== 0n,
    bs: ((value >> 14n) & 0x1n) !== 0n,
    rtm: ((value >> 16n) & 0x1n) !== 0n,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packExitQualificationDebugException(fields: Partial<ExitQualificationDebugException>): bigint {
  let value = 0n;
  if (fields.b0) value |= 0x1n;
  if (fields.b1) value |= 0x2n;
  if (fields.b2) value |= 0x4n;
  if (fields.b3) value |= 0x8n;
  if (fields.bld) value |= 0x800n;
  if (fields.bd) value |= 0x2000n;
  if (fields.bs) value |= 0x4000n;
  if (fields.rtm) value |= 0x10000n;
  return value;
}

/** Exit qualification for page-fault exceptions (SDM 28.2.1). */
export interface ExitQualificationPageFault {
  /** Linear address that caused the page fault, bits 63:0. */
  linearAddress: bigint;
}

export function unpackExitQualificationPageFault(value: bigint): ExitQualificationPageFault {
  return {
    linearAddress: (value >> 0n) & 0xFFFFFFFFFFFFFFFFn,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packExitQualificationPageFault(fields: Partial<ExitQualificationPageFault>): bigint {
  let value = 0n;
  if (fields.linearAddress !== undefined) value |= fieldBits64(fields.linearAddress, 64, 0, "exit-qualification.page-fault.linearAddress");
  return value;
}

/** Exit qualification for start-up IPIs (SDM 28.2.1). */
export interface ExitQualificationSipi {
  /** SIPI vector, bits 7:0. */
  vector: number;
}

export function unpackExitQualificationSipi(value: bigint): ExitQualificationSipi {
  return {
    vector: Number((value >> 0n) & 0xFFn),
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packExitQualificationSipi(fields: Partial<ExitQualificationSipi>): bigint {
  let value = 0n;
  if (fields.vector !== undefined) value |= fieldBits64(BigInt(fields.vector), 8, 0, "exit-qualification.sipi.vector");
  return value;
}

/** Exit Qualification for SMIs That Arrive Immediately After the Retirement of an I/O Instruction (SDM 28.2.1). */
export interface ExitQualificationSmi {
  /** Size of access, bits 2:0. */
  sizeOfAccess: number;
  /** Direction of the attempted access, bit 3. */
  direction: number;
  /** String instruction, bit 4. */
  string: boolean;
  /** REP prefixed, bit 5. */
  rep: boolean;
  /** Operand encoding, bit 6. */
  operandEncoding: number;
  /** Port number, bits 31:16. */
  portNumber: number;
}

export function unpackExitQualificationSmi(value: bigint): ExitQualificationSmi {
  return {
    sizeOfAccess: Number((value >> 0n) & 0x7n),
    direction: Number((value >> 3n) & 0x1n),
    string: ((value >> 4n) & 0x1n) !== 0n,
    rep: ((value >> 5n) & 0x1n) !== 0n,
    operandEncoding: Number((value >> 6n) & 0x1n),
    portNumber: Number((value >> 16n) & 0xFFFFn),
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packExitQualificationSmi(fields: Partial<ExitQualificationSmi>): bigint {
  let value = 0n;
  if (fields.sizeOfAccess !== undefined) value |= fieldBits64(BigInt(fields.sizeOfAccess), 3, 0, "exit-qualification.smi.sizeOfAccess");
  if (fields.direction !== undefined) value |= fieldBits64(BigInt(fields.direction), 1, 3, "exit-qualification.smi.direction");
  if (fields.string) value |= 0x10n;
  if (fields.rep) value |= 0x20n;
  if (fields.operandEncoding !== undefined) value |= fieldBits64(BigInt(fields.operandEncoding), 1, 6, "exit-qualification.smi.operandEncoding");
  if (fields.portNumber !== undefined) value |= fieldBits64(BigInt(fields.portNumber), 16, 16, "exit-qualification.smi.portNumber");
  return value;
}

/** Exit Qualification for Task Switch (SDM 28.2.1, Table 28-2). */
export interface ExitQualificationTaskSwitch {
  /** Selector of task-state segment (TSS) to which the guest attempted to switch, bits 15:0. */
  tssSelector: number;
  /** Source of task switch initiation, bits 31:30. */
  source: number;
}

export function unpackExitQualificationTaskSwitch(value: bigint): ExitQualificationTaskSwitch {
  return {
    tssSelector: Number((value >> 0n) & 0xFFFFn),
    source: Number((value >> 30n) & 0x3n),
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packExitQualificationTaskSwitch(fields: Partial<ExitQualificationTaskSwitch>): bigint {
  let value = 0n;
  if (fields.tssSelector !== undefined) value |= fieldBits64(BigInt(fields.tssSelector), 16, 0, "exit-qualification.task-switch.tssSelector");
  if (fields.source !== undefined) value |= fieldBits64(BigInt(fields.source), 2, 30, "exit-qualification.task-switch.source");
  return value;
}

/** Exit qualification for INVLPG (SDM 28.2.1): the same fields as ExitQualificationPageFault. */
export type ExitQualificationInvlpg = ExitQualificationPageFault;
export const unpackExitQualificationInvlpg = unpackExitQualificationPageFault;
export const packExitQualificationInvlpg = packExitQualificationPageFault;

/** Exit qualification for instructions with a memory operand (displacement) (SDM 28.2.1). */
export interface ExitQualificationInstructionDisplacement {
  /** Displacement, bits 63:0. */
  displacement: bigint;
}

export function unpackExitQualificationInstructionDisplacement(value: bigint): ExitQualificationInstructionDisplacement {
  return {
    displacement: (value >> 0n) & 0xFFFFFFFFFFFFFFFFn,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packExitQualificationInstructionDisplacement(fields: Partial<ExitQualificationInstructionDisplacement>): bigint {
  let value = 0n;
  if (fields.displacement !== undefined) value |= fieldBits64(fields.displacement, 64, 0, "exit-qualification.instruction-displacement.displacement");
  return value;
}

/** Exit Qualification for Control-Register Accesses (SDM 28.2.1, Table 28-3). */
export interface ExitQualificationCrAccess {
  /** Number of control register, bits 3:0. */
  controlRegister: number;
  /** Access type, bits 5:4. */
  accessType: number;
  /** LMSW operand type, bit 6. */
  lmswOperandType: number;
  /** General-purpose register, bits 11:8. */
  generalPurposeRegister: number;
  /** LMSW source data, bits 31:16. */
  lmswSourceData: number;
}

export function unpackExitQualificationCrAccess(value: bigint): ExitQualificationCrAccess {
  return {
    controlRegister: Number((value >> 0n) & 0xFn),
    accessType: Number((value >> 4n) & 0x3n),
    lmswOperandType: Number((value >> 6n) & 0x1n),
    generalPurposeRegister: Number((value >> 8n) & 0xFn),
    lmswSourceData: Number((value >> 16n) & 0xFFFFn),
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packExitQualificationCrAccess(fields: Partial<ExitQualificationCrAccess>): bigint {
  let value = 0n;
  if (fields.controlRegister !== undefined) value |= fieldBits64(BigInt(fields.controlRegister), 4, 0, "exit-qualification.cr-access.controlRegister");
  if (fields.accessType !== undefined) value |= fieldBits64(BigInt(fields.accessType), 2, 4, "exit-qualification.cr-access.accessType");
  if (fields.lmswOperandType !== undefined) value |= fieldBits64(BigInt(fields.lmswOperandType), 1, 6, "exit-qualification.cr-access.lmswOperandType");
  if (fields.generalPurposeRegister !== undefined) value |= fieldBits64(BigInt(fields.generalPurposeRegister), 4, 8, "exit-qualification.cr-access.generalPurposeRegister");
  if (fields.lmswSourceData !== undefined) value |= fieldBits64(BigInt(fields.lmswSourceData), 16, 16, "exit-qualification.cr-access.lmswSourceData");
  return value;
}

/** Exit Qualification for MOV DR (SDM 28.2.1, Table 28-4). */
export interface ExitQualificationMovDr {
  /** Number of debug register, bits 2:0. */
  debugRegister: number;
  /** Direction of access, bit 4. */
  direction: number;
  /** General-purpose register, bits 11:8. */
  generalPurposeRegister: number;
}

export function unpackExitQualificationMovDr(value: bigint): ExitQualificationMovDr {
  return {
    debugRegister: Number((value >> 0n) & 0x7n),
    direction: Number((value >> 4n) & 0x1n),
    generalPurposeRegister: Number((value >> 8n) & 0xFn),
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packExitQualificationMovDr(fields: Partial<ExitQualificationMovDr>): bigint {
  let value = 0n;
  if (fields.debugRegister !== undefined) value |= fieldBits64(BigInt(fields.debugRegister), 3, 0, "exit-qualification.mov-dr.debugRegister");
  if (fields.direction !== undefined) value |= fieldBits64(BigInt(fields.direction), 1, 4, "exit-qualification.mov-dr.direction");
  if (fields.generalPurposeRegister !== undefined) value |= fieldBits64(BigInt(fields.generalPurposeRegister), 4, 8, "exit-qualification.mov-dr.generalPurposeRegister");
  return value;
}

/** Exit Qualification for I/O Instructions (SDM 28.2.1, Table 28-5): the same fields as ExitQualificationSmi. */
export type ExitQualificationIoInstruction = ExitQualificationSmi;
export const unpackExitQualificationIoInstruction = unpackExitQualificationSmi;
export const packExitQualificationIoInstruction = packExitQualificationSmi;

/** Exit qualification for MWAIT (SDM 28.2.1). */
export interface ExitQualificationMwait {
  /** Address-range monitoring hardware armed, bit 0. */
  monitorArmed: boolean;
}

export function unpackExitQualificationMwait(value: bigint): ExitQualificationMwait {
  return {
    monitorArmed: ((value >> 0n) & 0x1n) !== 0n,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packExitQualificationMwait(fields: Partial<ExitQualificationMwait>): bigint {
  let value = 0n;
  if (fields.monitorArmed) value |= 0x1n;
  return value;
}

/** Exit qualification for WBINVD and WBNOINVD (SDM 28.2.1). */
export interface ExitQualificationWbinvdWbnoinvd {
  /** Instruction, bit 0. */
  instruction: number;
}

export function unpackExitQualificationWbinvdWbnoinvd(value: bigint): ExitQualificationWbinvdWbnoinvd {
  return {
    instruction: Number((value >> 0n) & 0x1n),
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packExitQualificationWbinvdWbnoinvd(fields: Partial<ExitQualificationWbinvdWbnoinvd>): bigint {
  let value = 0n;
  if (fields.instruction !== undefined) value |= fieldBits64(BigInt(fields.instruction), 1, 0, "exit-qualification.wbinvd-wbnoinvd.instruction");
  return value;
}

/** Exit Qualification for APIC-Access VM Exits from Linear Accesses and Guest-Physical Accesses (SDM 28.2.1, Table 28-6). */
export interface ExitQualificationApicAccess {
  /** Offset of access within the APIC page, bits 11:0. */
  offset: number;
  /** Access type, bits 15:12. */
  accessType: number;
  /** Asynchronous to instruction execution, bit 16. */
  asynchronousToInstruction: boolean;
}

export function unpackExitQualificationApicAccess(value: bigint): ExitQualificationApicAccess {
  return {
    offset: Number((value >> 0n) & 0xFFFn),
    accessType: Number((value >> 12n) & 0xFn),
    asynchronousToInstruction: ((value >> 16n) & 0x1n) !== 0n,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packExitQualificationApicAccess(fields: Partial<ExitQualificationApicAccess>): bigint {
  let value = 0n;
  if (fields.offset !== undefined) value |= fieldBits64(BigInt(fields.offset), 12, 0, "exit-qualification.apic-access.offset");
  if (fields.accessType !== undefined) value |= fieldBits64(BigInt(fields.accessType), 4, 12, "exit-qualification.apic-access.accessType");
  if (fields.asynchronousToInstruction) value |= 0x10000n;
  return value;
}

/** Exit Qualification for EPT Violations (SDM 28.2.1, Table 28-7). */
export interface ExitQualificationEptViolation {
  /** Data read, bit 0. */
  dataRead: boolean;
  /** Data write, bit 1. */
  dataWrite: boolean;
  /** Instruction fetch, bit 2. */
  instructionFetch: boolean;
  /** Readable, bit 3. */
  readable: boolean;
  /** Writable, bit 4. */
  writable: boolean;
  /** Executable, bit 5. */
  executable: boolean;
  /** User-mode executable, bit 6. */
  userModeExecutable: boolean;
  /** Guest linear-address field valid, bit 7. */
  guestLinearAddressValid: boolean;
  /** Access to the translation of the linear address, bit 8. */
  linearAddressTranslation: boolean;
  /** User-mode linear address, bit 9. */
  userModeLinearAddress: boolean;
  /** Read/write linear address, bit 10. */
  readWriteLinearAddress: boolean;
  /** Execute-disable linear address, bit 11. */
  executeDisableLinearAddress: boolean;
  /** NMI unblocking due to IRET, bit 12. */
  nmiUnblockingDueToIret: boolean;
  /** Shadow-stack access, bit 13. */
  shadowStackAccess: boolean;
  /** Supervisor shadow stack, bit 14. */
  supervisorShadowStack: boolean;
  /** Guest-paging verification, bit 15. */
  guestPagingVerification: boolean;
  /** Asynchronous to instruction execution, bit 16. */
  asynchronousToInstruction: boolean;
}

export function unpackExitQualificationEptViolation(value: bigint): ExitQualificationEptViolation {
  return {
    dataRead: ((value >> 0n) & 0x1n) !== 0n,
    dataWrite: ((value >> 1n) & 0x1n) !== 0n,
    instructionFetch: ((value >> 2n) & 0x1n) !== 0n,
    readable: ((value >> 3n) & 0x1n) !== 0n,
    writable: ((value >> 4n) & 0x1n) !== 0n,
    executable: ((value >> 5n) & 0x1n) !== 0n,
    userModeExecutable: ((value >> 6n) & 0x1n) !== 0n,
    guestLinearAddressValid: ((value >> 7n) & 0x1n) !== 0n,
    linearAddressTranslation: ((value >> 8n) & 0x1n) !== 0n,
    userModeLinearAddress: ((value >> 9n) & 0x1n) !== 0n,
    readWriteLinearAddress: ((value >> 10n) & 0x1n) !== 0n,
    executeDisableLinearAddress: ((value >> 11n) & 0x1n) !== 0n,
    nmiUnblockingDueToIret: ((value >> 12n) & 0x1n) !== 0n,
    shadowStackAccess: ((value >> 13n) & 0x1n) !== 0n,
    supervisorShadowStack: ((value >> 14n) & 0x1n) !== 0n,
    guestPagingVerification: ((value >> 15n) & 0x1n) !== 0n,
    asynchronousToInstruction: ((value >> 16n) & 0x1n) !== 0n,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packExitQualificationEptViolation(fields: Partial<ExitQualificationEptViolation>): bigint {
  let value = 0n;
  if (fields.dataRead) value |= 0x1n;
  if (fields.dataWrite) value |= 0x2n;
  if (fields.instructionFetch) value |= 0x4n;
  if (fields.readable) value |= 0x8n;
  if (fields.writable) value |= 0x10n;
  if (fields.executable) value |= 0x20n;
  if (fields.userModeExecutable) value |= 0x40n;
  if (fields.guestLinearAddressValid) value |= 0x80n;
  if (fields.linearAddressTranslation) value |= 0x100n;
  if (fields.userModeLinearAddress) value |= 0x200n;
  if (fields.readWriteLinearAddress) value |= 0x400n;
  if (fields.executeDisableLinearAddress) value |= 0x800n;
  if (fields.nmiUnblockingDueToIret) value |= 0x1000n;
  if (fields.shadowStackAccess) value |= 0x2000n;
  if (fields.supervisorShadowStack) value |= 0x4000n;
  if (fields.guestPagingVerification) value |= 0x8000n;
  if (fields.asynchronousToInstruction) value |= 0x10000n;
  return value;
}

/** Exit qualification for EOI virtualization (SDM 28.2.1): the same fields as ExitQualificationSipi. */
export type ExitQualificationVirtualizedEoi = ExitQualificationSipi;
export const unpackExitQualificationVirtualizedEoi = unpackExitQualificationSipi;
export const packExitQualificationVirtualizedEoi = packExitQualificationSipi;

/** Exit qualification for APIC-write VM exits (SDM 28.2.1). */
export interface ExitQualificationApicWrite {
  /** Page offset of the write access, bits 11:0. */
  offset: number;
}

export function unpackExitQualificationApicWrite(value: bigint): ExitQualificationApicWrite {
  return {
    offset: Number((value >> 0n) & 0xFFFn),
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packExitQualificationApicWrite(fields: Partial<ExitQualificationApicWrite>): bigint {
  let value = 0n;
  if (fields.offset !== undefined) value |= fieldBits64(BigInt(fields.offset), 12, 0, "exit-qualification.apic-write.offset");
  return value;
}

/** Exit qualification for page-modification log-full events (SDM 28.2.1). */
export interface ExitQualificationPmlFull {
  /** NMI unblocking due to IRET, bit 12. */
  nmiUnblockingDueToIret: boolean;
}

export function unpackExitQualificationPmlFull(value: bigint): ExitQualificationPmlFull {
  return {
    nmiUnblockingDueToIret: ((value >> 12n) & 0x1n) !== 0n,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packExitQualificationPmlFull(fields: Partial<ExitQualificationPmlFull>): bigint {
  let value = 0n;
  if (fields.nmiUnblockingDueToIret) value |= 0x1000n;
  return value;
}

/** Exit qualification for SPP-related events (SDM 28.2.1). */
export interface ExitQualificationSppEvent {
  /** SPP event type, bit 11. */
  eventType: number;
  /** NMI unblocking due to IRET, bit 12. */
  nmiUnblockingDueToIret: boolean;
}

export function unpackExitQualificationSppEvent(value: bigint): ExitQualificationSppEvent {
  return {
    eventType: Number((value >> 11n) & 0x1n),
    nmiUnblockingDueToIret: ((value >> 12n) & 0x1n) !== 0n,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packExitQualificationSppEvent(fields: Partial<ExitQualificationSppEvent>): bigint {
  let value = 0n;
  if (fields.eventType !== undefined) value |= fieldBits64(BigInt(fields.eventType), 1, 11, "exit-qualification.spp-event.eventType");
  if (fields.nmiUnblockingDueToIret) value |= 0x1000n;
  return value;
}

/** Exit qualification for instruction timeout (SDM 28.2.1). */
export interface ExitQualificationInstructionTimeout {
  /** VM context invalid, bit 0. */
  vmContextInvalid: boolean;
  /** NMI unblocking due to IRET, bit 12. */
  nmiUnblockingDueToIret: boolean;
}

export function unpackExitQualificationInstructionTimeout(value: bigint): ExitQualificationInstructionTimeout {
  return {
    vmContextInvalid: ((value >> 0n) & 0x1n) !== 0n,
    nmiUnblockingDueToIret: ((value >> 12n) & 0x1n) !== 0n,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packExitQualificationInstructionTimeout(fields: Partial<ExitQualificationInstructionTimeout>): bigint {
  let value = 0n;
  if (fields.vmContextInvalid) value |= 0x1n;
  if (fields.nmiUnblockingDueToIret) value |= 0x1000n;
  return value;
}

/** Exit qualification for URDMSR, UWRMSR and the immediate forms of RDMSR and WRMSRNS (SDM 28.2.1). */
export interface ExitQualificationMsrIndex {
  /** MSR address, bits 31:0. */
  msrIndex: number;
}

export function unpackExitQualificationMsrIndex(value: bigint): ExitQualificationMsrIndex {
  return {
    msrIndex: Number((value >> 0n) & 0xFFFFFFFFn),
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packExitQualificationMsrIndex(fields: Partial<ExitQualificationMsrIndex>): bigint {
  let value = 0n;
  if (fields.msrIndex !== undefined) value |= fieldBits64(BigInt(fields.msrIndex), 32, 0, "exit-qualification.msr-index.msrIndex");
  return value;
}

/** Exit qualification for VM-entry failure due to invalid guest state (SDM 27.8). */
export interface ExitQualificationVmEntryFailure {
  /** Failure code, bits 63:0. */
  code: bigint;
}

export function unpackExitQualificationVmEntryFailure(value: bigint): ExitQualificationVmEntryFailure {
  return {
    code: (value >> 0n) & 0xFFFFFFFFFFFFFFFFn,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packExitQualificationVmEntryFailure(fields: Partial<ExitQualificationVmEntryFailure>): bigint {
  let value = 0n;
  if (fields.code !== undefined) value |= fieldBits64(fields.code, 64, 0, "exit-qualification.vm-entry-failure.code");
  return value;
}

/** Exit qualification for VM-entry failure due to MSR loading (SDM 27.8). */
export interface ExitQualificationMsrLoadFailure {
  /** Index of the failing MSR entry, bits 63:0. */
  entryIndex: bigint;
}

export function unpackExitQualificationMsrLoadFailure(value: bigint): ExitQualificationMsrLoadFailure {
  return {
    entryIndex: (value >> 0n) & 0xFFFFFFFFFFFFFFFFn,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packExitQualificationMsrLoadFailure(fields: Partial<ExitQualificationMsrLoadFailure>): bigint {
  let value = 0n;
  if (fields.entryIndex !== undefined) value |= fieldBits64(fields.entryIndex, 64, 0, "exit-qualification.msr-load-failure.entryIndex");
  return value;
}

/** Exit qualification for a privilege-level transition (model extension, not in the SDM) (SDM 28.2.1). */
export interface ExitQualificationExtensionPrivilegeLevelTransition {
  /** From CPL, bits 1:0. */
  fromCpl: number;
  /** To CPL, bits 3:2. */
  toCpl: number;
  /** Cause, bits 7:4. */
  cause: number;
}

export function unpackExitQualificationExtensionPrivilegeLevelTransition(value: bigint): ExitQualificationExtensionPrivilegeLevelTransition {
  return {
    fromCpl: Number((value >> 0n) & 0x3n),
    toCpl: Number((value >> 2n) & 0x3n),
    cause: Number((value >> 4n) & 0xFn),
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packExitQualificationExtensionPrivilegeLevelTransition(fields: Partial<ExitQualificationExtensionPrivilegeLevelTransition>): bigint {
  let value = 0n;
  if (fields.fromCpl !== undefined) value |= fieldBits64(BigInt(fields.fromCpl), 2, 0, "exit-qualification.extension-privilege-level-transition.fromCpl");
  if (fields.toCpl !== undefined) value |= fieldBits64(BigInt(fields.toCpl), 2, 2, "exit-qualification.extension-privilege-level-transition.toCpl");
  if (fields.cause !== undefined) value |= fieldBits64(BigInt(fields.cause), 4, 4, "exit-qualification.extension-privilege-level-transition.cause");
  return value;
}

/** VM-exit instruction-information field for INS and OUTS (SDM 28.2.5). */
export interface InstructionInformationInsOuts {
  /** Address size, bits 9:7. */
  addressSize: number;
  /** Segment register, bits 17:15. */
  segmentRegister: number;
}

export function unpackInstructionInformationInsOuts(value: number): InstructionInformationInsOuts {
  return {
    addressSize: (value >>> 7) & 0x7,
    segmentRegister: (value >>> 15) & 0x7,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packInstructionInformationInsOuts(fields: Partial<InstructionInformationInsOuts>): number {
  let value = 0;
  if (fields.addressSize !== undefined) value += fieldBits32(fields.addressSize, 3, 7, "instruction-information.ins-outs.addressSize");
  if (fields.segmentRegister !== undefined) value += fieldBits32(fields.segmentRegister, 3, 15, "instruction-information.ins-outs.segmentRegister");
  return value;
}

/** VM-exit instruction-information field for INVEPT, INVPCID and INVVPID (SDM 28.2.5). */
export interface InstructionInformationInveptInvpcidInvvpid {
  /** Scaling, bits 1:0. */
  scaling: number;
  /** Address size, bits 9:7. */
  addressSize: number;
  /** Cleared to 0, bit 10. */
  memReg: number;
  /** Segment register, bits 17:15. */
  segmentRegister: number;
  /** IndexReg, bits 21:18. */
  indexReg: number;
  /** IndexReg invalid, bit 22. */
  indexRegInvalid: number;
  /** BaseReg, bits 26:23. */
  baseReg: number;
  /** BaseReg invalid, bit 27. */
  baseRegInvalid: number;
  /** Reg2, bits 31:28. */
  reg2: number;
}

export function unpackInstructionInformationInveptInvpcidInvvpid(value: number): InstructionInformationInveptInvpcidInvvpid {
  return {
    scaling: value & 0x3,
    addressSize: (value >>> 7) & 0x7,
    memReg: (value >>> 10) & 0x1,
    segmentRegister: (value >>> 15) & 0x7,
    indexReg: (value >>> 18) & 0xF,
    indexRegInvalid: (value >>> 22) & 0x1,
    baseReg: (value >>> 23) & 0xF,
    baseRegInvalid: (value >>> 27) & 0x1,
    reg2: (value >>> 28) & 0xF,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packInstructionInformationInveptInvpcidInvvpid(fields: Partial<InstructionInformationInveptInvpcidInvvpid>): number {
  let value = 0;
  if (fields.scaling !== undefined) value += fieldBits32(fields.scaling, 2, 0, "instruction-information.invept-invpcid-invvpid.scaling");
  if (fields.addressSize !== undefined) value += fieldBits32(fields.addressSize, 3, 7, "instruction-information.invept-invpcid-invvpid.addressSize");
  if (fields.memReg !== undefined) value += fieldBits32(fields.memReg, 1, 10, "instruction-information.invept-invpcid-invvpid.memReg");
  if (fields.segmentRegister !== undefined) value += fieldBits32(fields.segmentRegister, 3, 15, "instruction-information.invept-invpcid-invvpid.segmentRegister");
  if (fields.indexReg !== undefined) value += fieldBits32(fields.indexReg, 4, 18, "instruction-information.invept-invpcid-invvpid.indexReg");
  if (fields.indexRegInvalid !== undefined) value += fieldBits32(fields.indexRegInvalid, 1, 22, "instruction-information.invept-invpcid-invvpid.indexRegInvalid");
  if (fields.baseReg !== undefined) value += fieldBits32(fields.baseReg, 4, 23, "instruction-information.invept-invpcid-invvpid.baseReg");
  if (fields.baseRegInvalid !== undefined) value += fieldBits32(fields.baseRegInvalid, 1, 27, "instruction-information.invept-invpcid-invvpid.baseRegInvalid");
  if (fields.reg2 !== undefined) value += fieldBits32(fields.reg2, 4, 28, "instruction-information.invept-invpcid-invvpid.reg2");
  return value;
}

/** VM-exit instruction-information field for LIDT, LGDT, SIDT and SGDT (SDM 28.2.5). */
export interface InstructionInformationLidtLgdtSidtSgdt {
  /** Scaling, bits 1:0. */
  scaling: number;
  /** Address size, bits 9:7. */
  addressSize: number;
  /** Cleared to 0, bit 10. */
  memReg: number;
  /** Operand size, bit 11. */
  operandSize: number;
  /** Segment register, bits 17:15. */
  segmentRegister: number;
  /** IndexReg, bits 21:18. */
  indexReg: number;
  /** IndexReg invalid, bit 22. */
  indexRegInvalid: number;
  /** BaseReg, bits 26:23. */
  baseReg: number;
  /** BaseReg invalid, bit 27. */
  baseRegInvalid: number;
  /** Instruction identity, bits 29:28. */
  instructionIdentity: number;
}

export function unpackInstructionInformationLidtLgdtSidtSgdt(value: number): InstructionInformationLidtLgdtSidtSgdt {
  return {
    scaling: value & 0x3,
    addressSize: (value >>> 7) & 0x7,
    memReg: (value >>> 10) & 0x1,
    operandSize: (value >>> 11) & 0x1,
    segmentRegister: (value >>> 15) & 0x7,
    indexReg: (value >>> 18) & 0xF,
    indexRegInvalid: (value >>> 22) & 0x1,
    baseReg: (value >>> 23) & 0xF,
    baseRegInvalid: (value >>> 27) & 0x1,
    instructionIdentity: (value >>> 28) & 0x3,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packInstructionInformationLidtLgdtSidtSgdt(fields: Partial<InstructionInformationLidtLgdtSidtSgdt>): number {
  let value = 0;
  if (fields.scaling !== undefined) value += fieldBits32(fields.scaling, 2, 0, "instruction-information.lidt-lgdt-sidt-sgdt.scaling");
  if (fields.addressSize !== undefined) value += fieldBits32(fields.addressSize, 3, 7, "instruction-information.lidt-lgdt-sidt-sgdt.addressSize");
  if (fields.memReg !== undefined) value += fieldBits32(fields.memReg, 1, 10, "instruction-information.lidt-lgdt-sidt-sgdt.memReg");
  if (fields.operandSize !== undefined) value += fieldBits32(fields.operandSize, 1, 11, "instruction-information.lidt-lgdt-sidt-sgdt.operandSize");
  if (fields.segmentRegister !== undefined) value += fieldBits32(fields.segmentRegister, 3, 15, "instruction-information.lidt-lgdt-sidt-sgdt.segmentRegister");
  if (fields.indexReg !== undefined) value += fieldBits32(fields.indexReg, 4, 18, "instruction-information.lidt-lgdt-sidt-sgdt.indexReg");
  if (fields.indexRegInvalid !== undefined) value += fieldBits32(fields.indexRegInvalid, 1, 22, "instruction-information.lidt-lgdt-sidt-sgdt.indexRegInvalid");
  if (fields.baseReg !== undefined) value += fieldBits32(fields.baseReg, 4, 23, "instruction-information.lidt-lgdt-sidt-sgdt.baseReg");
  if (fields.baseRegInvalid !== undefined) value += fieldBits32(fields.baseRegInvalid, 1, 27, "instruction-information.lidt-lgdt-sidt-sgdt.baseRegInvalid");
  if (fields.instructionIdentity !== undefined) value += fieldBits32(fields.instructionIdentity, 2, 28, "instruction-information.lidt-lgdt-sidt-sgdt.instructionIdentity");
  return value;
}

/** VM-exit instruction-information field for LLDT, LTR, SLDT and STR (SDM 28.2.5). */
export interface InstructionInformationLldtLtrSldtStr {
  /** Scaling, bits 1:0. */
  scaling: number;
  /** Reg1, bits 6:3. */
  reg1: number;
  /** Address size, bits 9:7. */
  addressSize: number;
  /** Mem/Reg, bit 10. */
  memReg: number;
  /** Segment register, bits 17:15. */
  segmentRegister: number;
  /** IndexReg, bits 21:18. */
  indexReg: number;
  /** IndexReg invalid, bit 22. */
  indexRegInvalid: number;
  /** BaseReg, bits 26:23. */
  baseReg: number;
  /** BaseReg invalid, bit 27. */
  baseRegInvalid: number;
  /** Instruction identity, bits 29:28. */
  instructionIdentity: number;
}

export function unpackInstructionInformationLldtLtrSldtStr(value: number): InstructionInformationLldtLtrSldtStr {
  return {
    scaling: value & 0x3,
    reg1: (value >>> 3) & 0xF,
    addressSize: (value >>> 7) & 0x7,
    memReg: (value >>> 10) & 0x1,
    segmentRegister: (value >>> 15) & 0x7,
    indexReg: (value >>> 18) & 0xF,
    indexRegInvalid: (value >>> 22) & 0x1,
    baseReg: (value >>> 23) & 0xF,
    baseRegInvalid: (value >>> 27) & 0x1,
    instructionIdentity: (value >>> 28) & 0x3,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packInstructionInformationLldtLtrSldtStr(fields: Partial<InstructionInformationLldtLtrSldtStr>): number {
  let value = 0;
  if (fields.scaling !== undefined) value += fieldBits32(fields.scaling, 2, 0, "instruction-information.lldt-ltr-sldt-str.scaling");
  if (fields.reg1 !== undefined) value += fieldBits32(fields.reg1, 4, 3, "instruction-information.lldt-ltr-sldt-str.reg1");
  if (fields.addressSize !== undefined) value += fieldBits32(fields.addressSize, 3, 7, "instruction-information.lldt-ltr-sldt-str.addressSize");
  if (fields.memReg !== undefined) value += fieldBits32(fields.memReg, 1, 10, "instruction-information.lldt-ltr-sldt-str.memReg");
  if (fields.segmentRegister !== undefined) value += fieldBits32(fields.segmentRegister, 3, 15, "instruction-information.lldt-ltr-sldt-str.segmentRegister");
  if (fields.indexReg !== undefined) value += fieldBits32(fields.indexReg, 4, 18, "instruction-information.lldt-ltr-sldt-str.indexReg");
  if (fields.indexRegInvalid !== undefined) value += fieldBits32(fields.indexRegInvalid, 1, 22, "instruction-information.lldt-ltr-sldt-str.indexRegInvalid");
  if (fields.baseReg !== undefined) value += fieldBits32(fields.baseReg, 4, 23, "instruction-information.lldt-ltr-sldt-str.baseReg");
  if (fields.baseRegInvalid !== undefined) value += fieldBits32(fields.baseRegInvalid, 1, 27, "instruction-information.lldt-ltr-sldt-str.baseRegInvalid");
  if (fields.instructionIdentity !== undefined) value += fieldBits32(fields.instructionIdentity, 2, 28, "instruction-information.lldt-ltr-sldt-str.instructionIdentity");
  return value;
}

/** VM-exit instruction-information field for LOADIWKEY (SDM 28.2.5). */
export interface InstructionInformationLoadiwkey {
  /** Reg1, bits 6:3. */
  reg1: number;
  /** Reg2, bits 31:28. */
  reg2: number;
}

export function unpackInstructionInformationLoadiwkey(value: number): InstructionInformationLoadiwkey {
  return {
    reg1: (value >>> 3) & 0xF,
    reg2: (value >>> 28) & 0xF,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packInstructionInformationLoadiwkey(fields: Partial<InstructionInformationLoadiwkey>): number {
  let value = 0;
  if (fields.reg1 !== undefined) value += fieldBits32(fields.reg1, 4, 3, "instruction-information.loadiwkey.reg1");
  if (fields.reg2 !== undefined) value += fieldBits32(fields.reg2, 4, 28, "instruction-information.loadiwkey.reg2");
  return value;
}

/** VM-exit instruction-information field for RDRAND, RDSEED, TPAUSE and UMWAIT (SDM 28.2.5). */
export interface InstructionInformationRdrandRdseedTpauseUmwait {
  /** Operand register, bits 6:3. */
  operandRegister: number;
  /** Operand size, bits 12:11. */
  operandSize: number;
}

export function unpackInstructionInformationRdrandRdseedTpauseUmwait(value: number): InstructionInformationRdrandRdseedTpauseUmwait {
  return {
    operandRegister: (value >>> 3) & 0xF,
    operandSize: (value >>> 11) & 0x3,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packInstructionInformationRdrandRdseedTpauseUmwait(fields: Partial<InstructionInformationRdrandRdseedTpauseUmwait>): number {
  let value = 0;
  if (fields.operandRegister !== undefined) value += fieldBits32(fields.operandRegister, 4, 3, "instruction-information.rdrand-rdseed-tpause-umwait.operandRegister");
  if (fields.operandSize !== undefined) value += fieldBits32(fields.operandSize, 2, 11, "instruction-information.rdrand-rdseed-tpause-umwait.operandSize");
  return value;
}

/** VM-exit instruction-information field for URDMSR, UWRMSR and the immediate forms of RDMSR and WRMSRNS (SDM 28.2.5). */
export interface InstructionInformationRdmsrWrmsrnsUrdmsrUwrmsr {
  /** Reg1, bits 6:3. */
  reg1: number;
}

export function unpackInstructionInformationRdmsrWrmsrnsUrdmsrUwrmsr(value: number): InstructionInformationRdmsrWrmsrnsUrdmsrUwrmsr {
  return {
    reg1: (value >>> 3) & 0xF,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packInstructionInformationRdmsrWrmsrnsUrdmsrUwrmsr(fields: Partial<InstructionInformationRdmsrWrmsrnsUrdmsrUwrmsr>): number {
  let value = 0;
  if (fields.reg1 !== undefined) value += fieldBits32(fields.reg1, 4, 3, "instruction-information.rdmsr-wrmsrns-urdmsr-uwrmsr.reg1");
  return value;
}

/** VM-exit instruction-information field for VMCLEAR, VMPTRLD, VMPTRST, VMXON, XRSTORS and XSAVES (SDM 28.2.5). */
export interface InstructionInformationVmclearVmptrldVmptrstVmxonXrstorsXsaves {
  /** Scaling, bits 1:0. */
  scaling: number;
  /** Address size, bits 9:7. */
  addressSize: number;
  /** Cleared to 0, bit 10. */
  memReg: number;
  /** Segment register, bits 17:15. */
  segmentRegister: number;
  /** IndexReg, bits 21:18. */
  indexReg: number;
  /** IndexReg invalid, bit 22. */
  indexRegInvalid: number;
  /** BaseReg, bits 26:23. */
  baseReg: number;
  /** BaseReg invalid, bit 27. */
  baseRegInvalid: number;
}

export function unpackInstructionInformationVmclearVmptrldVmptrstVmxonXrstorsXsaves(value: number): InstructionInformationVmclearVmptrldVmptrstVmxonXrstorsXsaves {
  return {
    scaling: value & 0x3,
    addressSize: (value >>> 7) & 0x7,
    memReg: (value >>> 10) & 0x1,
    segmentRegister: (value >>> 15) & 0x7,
    indexReg: (value >>> 18) & 0xF,
    indexRegInvalid: (value >>> 22) & 0x1,
    baseReg: (value >>> 23) & 0xF,
    baseRegInvalid: (value >>> 27) & 0x1,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packInstructionInformationVmclearVmptrldVmptrstVmxonXrstorsXsaves(fields: Partial<InstructionInformationVmclearVmptrldVmptrstVmxonXrstorsXsaves>): number {
  let value = 0;
  if (fields.scaling !== undefined) value += fieldBits32(fields.scaling, 2, 0, "instruction-information.vmclear-vmptrld-vmptrst-vmxon-xrstors-xsaves.scaling");
  if (fields.addressSize !== undefined) value += fieldBits32(fields.addressSize, 3, 7, "instruction-information.vmclear-vmptrld-vmptrst-vmxon-xrstors-xsaves.addressSize");
  if (fields.memReg !== undefined) value += fieldBits32(fields.memReg, 1, 10, "instruction-information.vmclear-vmptrld-vmptrst-vmxon-xrstors-xsaves.memReg");
  if (fields.segmentRegister !== undefined) value += fieldBits32(fields.segmentRegister, 3, 15, "instruction-information.vmclear-vmptrld-vmptrst-vmxon-xrstors-xsaves.segmentRegister");
  if (fields.indexReg !== undefined) value += fieldBits32(fields.indexReg, 4, 18, "instruction-information.vmclear-vmptrld-vmptrst-vmxon-xrstors-xsaves.indexReg");
  if (fields.indexRegInvalid !== undefined) value += fieldBits32(fields.indexRegInvalid, 1, 22, "instruction-information.vmclear-vmptrld-vmptrst-vmxon-xrstors-xsaves.indexRegInvalid");
  if (fields.baseReg !== undefined) value += fieldBits32(fields.baseReg, 4, 23, "instruction-information.vmclear-vmptrld-vmptrst-vmxon-xrstors-xsaves.baseReg");
  if (fields.baseRegInvalid !== undefined) value += fieldBits32(fields.baseRegInvalid, 1, 27, "instruction-information.vmclear-vmptrld-vmptrst-vmxon-xrstors-xsaves.baseRegInvalid");
  return value;
}

/** VM-exit instruction-information field for VMREAD and VMWRITE (SDM 28.2.5). */
export interface InstructionInformationVmreadVmwrite {
  /** Scaling, bits 1:0. */
  scaling: number;
  /** Reg1, bits 6:3. */
  reg1: number;
  /** Address size, bits 9:7. */
  addressSize: number;
  /** Mem/Reg, bit 10. */
  memReg: number;
  /** Segment register, bits 17:15. */
  segmentRegister: number;
  /** IndexReg, bits 21:18. */
  indexReg: number;
  /** IndexReg invalid, bit 22. */
  indexRegInvalid: number;
  /** BaseReg, bits 26:23. */
  baseReg: number;
  /** BaseReg invalid, bit 27. */
  baseRegInvalid: number;
  /** Reg2, bits 31:28. */
  reg2: number;
}

export function unpackInstructionInformationVmreadVmwrite(value: number): InstructionInformationVmreadVmwrite {
  return {
    scaling: value & 0x3,
    reg1: (value >>> 3) & 0xF,
    addressSize: (value >>> 7) & 0x7,
    memReg: (value >>> 10) & 0x1,
    segmentRegister: (value >>> 15) & 0x7,
    indexReg: (value >>> 18) & 0xF,
    indexRegInvalid: (value >>> 22) & 0x1,
    baseReg: (value >>> 23) & 0xF,
    baseRegInvalid: (value >>> 27) & 0x1,
    reg2: (value >>> 28) & 0xF,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packInstructionInformationVmreadVmwrite(fields: Partial<InstructionInformationVmreadVmwrite>): number {
  let value = 0;
  if (fields.scaling !== undefined) value += fieldBits32(fields.scaling, 2, 0, "instruction-information.vmread-vmwrite.scaling");
  if (fields.reg1 !== undefined) value += fieldBits32(fields.reg1, 4, 3, "instruction-information.vmread-vmwrite.reg1");
  if (fields.addressSize !== undefined) value += fieldBits32(fields.addressSize, 3, 7, "instruction-information.vmread-vmwrite.addressSize");
  if (fields.memReg !== undefined) value += fieldBits32(fields.memReg, 1, 10, "instruction-information.vmread-vmwrite.memReg");
  if (fields.segmentRegister !== undefined) value += fieldBits32(fields.segmentRegister, 3, 15, "instruction-information.vmread-vmwrite.segmentRegister");
  if (fields.indexReg !== undefined) value += fieldBits32(fields.indexReg, 4, 18, "instruction-information.vmread-vmwrite.indexReg");
  if (fields.indexRegInvalid !== undefined) value += fieldBits32(fields.indexRegInvalid, 1, 22, "instruction-information.vmread-vmwrite.indexRegInvalid");
  if (fields.baseReg !== undefined) value += fieldBits32(fields.baseReg, 4, 23, "instruction-information.vmread-vmwrite.baseReg");
  if (fields.baseRegInvalid !== undefined) value += fieldBits32(fields.baseRegInvalid, 1, 27, "instruction-information.vmread-vmwrite.baseRegInvalid");
  if (fields.reg2 !== undefined) value += fieldBits32(fields.reg2, 4, 28, "instruction-information.vmread-vmwrite.reg2");
  return value;
}

/** Posted-interrupt descriptor control word (SDM 30.6, Table 30-1). */
export interface MemoryPostedInterruptDescriptorControl {
  /** Outstanding notification (ON), bit 0. */
  on: boolean;
  /** Suppress notification (SN), bit 1. */
  sn: boolean;
  /** Notification vector (NV), bits 23:16. */
  nv: number;
  /** Notification destination (NDST), bits 63:32. */
  ndst: number;
}

export function unpackMemoryPostedInterruptDescriptorControl(value: bigint): MemoryPostedInterruptDescriptorControl {
  return {
    on: ((value >> 0n) & 0x1n) !== 0n,
    sn: ((value >> 1n) & 0x1n) !== 0n,
    nv: Number((value >> 16n) & 0xFFn),
    ndst: Number((value >> 32n) & 0xFFFFFFFFn),
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packMemoryPostedInterruptDescriptorControl(fields: Partial<MemoryPostedInterruptDescriptorControl>): bigint {
  let value = 0n;
  if (fields.on) value |= 0x1n;
  if (fields.sn) value |= 0x2n;
  if (fields.nv !== undefined) value |= fieldBits64(BigInt(fields.nv), 8, 16, "memory.posted-interrupt-descriptor-control.nv");
  if (fields.ndst !== undefined) value |= fieldBits64(BigInt(fields.ndst), 32, 32, "memory.posted-interrupt-descriptor-control.ndst");
  return value;
}

/** Virtualization-exception information area (SDM 26.5.7.2). */
export interface MemoryVeInformationArea {
  /** Exit reason, bits 31:0. */
  exitReason: number;
  /** Busy indicator, bits 63:32. */
  busy: number;
}

export function unpackMemoryVeInformationArea(value: bigint): MemoryVeInformationArea {
  return {
    exitReason: Number((value >> 0n) & 0xFFFFFFFFn),
    busy: Number((value >> 32n) & 0xFFFFFFFFn),
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packMemoryVeInformationArea(fields: Partial<MemoryVeInformationArea>): bigint {
  let value = 0n;
  if (fields.exitReason !== undefined) value |= fieldBits64(BigInt(fields.exitReason), 32, 0, "memory.ve-information-area.exitReason");
  if (fields.busy !== undefined) value |= fieldBits64(BigInt(fields.busy), 32, 32, "memory.ve-information-area.busy");
  return value;
}

/** VMCS region header (SDM 25.2, Table 25-1). */
export interface MemoryVmcsRegionHeader {
  /** VMCS revision identifier, bits 30:0. */
  revisionId: number;
  /** Shadow-VMCS indicator, bit 31. */
  shadowVmcsIndicator: boolean;
  /** VMX-abort indicator, bits 63:32. */
  vmxAbortIndicator: number;
}

export function unpackMemoryVmcsRegionHeader(value: bigint): MemoryVmcsRegionHeader {
  return {
    revisionId: Number((value >> 0n) & 0x7FFFFFFFn),
    shadowVmcsIndicator: ((value >> 31n) & 0x1n) !== 0n,
    vmxAbortIndicator: Number((value >> 32n) & 0xFFFFFFFFn),
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packMemoryVmcsRegionHeader(fields: Partial<MemoryVmcsRegionHeader>): bigint {
  let value = 0n;
  if (fields.revisionId !== undefined) value |= fieldBits64(BigInt(fields.revisionId), 31, 0, "memory.vmcs-region-header.revisionId");
  if (fields.shadowVmcsIndicator) value |= 0x80000000n;
  if (fields.vmxAbortIndicator !== undefined) value |= fieldBits64(BigInt(fields.vmxAbortIndicator), 32, 32, "memory.vmcs-region-header.vmxAbortIndicator");
  return value;
}

/** INVEPT descriptor (SDM 31.3). */
export interface MemoryInveptDescriptor {
  /** EPTP, bits 63:0. */
  eptp: bigint;
}

export function unpackMemoryInveptDescriptor(value: bigint): MemoryInveptDescriptor {
  return {
    eptp: (value >> 0n) & 0xFFFFFFFFFFFFFFFFn,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packMemoryInveptDescriptor(fields: Partial<MemoryInveptDescriptor>): bigint {
  let value = 0n;
  if (fields.eptp !== undefined) value |= fieldBits64(fields.eptp, 64, 0, "memory.invept-descriptor.eptp");
  return value;
}

/** INVVPID descriptor (SDM 31.3). */
export interface MemoryInvvpidDescriptor {
  /** VPID, bits 15:0. */
  vpid: number;
}

export function unpackMemoryInvvpidDescriptor(value: bigint): MemoryInvvpidDescriptor {
  return {
    vpid: Number((value >> 0n) & 0xFFFFn),
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packMemoryInvvpidDescriptor(fields: Partial<MemoryInvvpidDescriptor>): bigint {
  let value = 0n;
  if (fields.vpid !== undefined) value |= fieldBits64(BigInt(fields.vpid), 16, 0, "memory.invvpid-descriptor.vpid");
  return value;
}

/** INVVPID descriptor linear address (SDM 31.3): the same fields as ExitQualificationPageFault. */
export type MemoryInvvpidDescriptorLinearAddress = ExitQualificationPageFault;
export const unpackMemoryInvvpidDescriptorLinearAddress = unpackExitQualificationPageFault;
export const packMemoryInvvpidDescriptorLinearAddress = packExitQualificationPageFault;

/** Guest PASID as PASID translation uses it (SDM 26.5.8). */
export interface MemoryGuestPasid {
  /** PASID-table index, bits 9:0. */
  tableIndex: number;
  /** PASID-directory index, bits 18:10. */
  directoryIndex: number;
  /** Directory select, bit 19. */
  directorySelect: number;
}

export function unpackMemoryGuestPasid(value: number): MemoryGuestPasid {
  return {
    tableIndex: value & 0x3FF,
    directoryIndex: (value >>> 10) & 0x1FF,
    directorySelect: (value >>> 19) & 0x1,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packMemoryGuestPasid(fields: Partial<MemoryGuestPasid>): number {
  let value = 0;
  if (fields.tableIndex !== undefined) value += fieldBits32(fields.tableIndex, 10, 0, "memory.guest-pasid.tableIndex");
  if (fields.directoryIndex !== undefined) value += fieldBits32(fields.directoryIndex, 9, 10, "memory.guest-pasid.directoryIndex");
  if (fields.directorySelect !== undefined) value += fieldBits32(fields.directorySelect, 1, 19, "memory.guest-pasid.directorySelect");
  return value;
}

/** PASID-directory entry (SDM 26.5.8). */
export interface MemoryPasidDirectoryEntry {
  /** Valid, bit 0. */
  valid: boolean;
  /** PASID-table address, bits 51:12. */
  tableAddress: bigint;
}

export function unpackMemoryPasidDirectoryEntry(value: bigint): MemoryPasidDirectoryEntry {
  return {
    valid: ((value >> 0n) & 0x1n) !== 0n,
    tableAddress: (value >> 12n) & 0xFFFFFFFFFFn,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packMemoryPasidDirectoryEntry(fields: Partial<MemoryPasidDirectoryEntry>): bigint {
  let value = 0n;
  if (fields.valid) value |= 0x1n;
  if (fields.tableAddress !== undefined) value |= fieldBits64(fields.tableAddress, 40, 12, "memory.pasid-directory-entry.tableAddress");
  return value;
}

/** PASID-table entry (SDM 26.5.8). */
export interface MemoryPasidTableEntry {
  /** Host PASID, bits 19:0. */
  hostPasid: number;
  /** Valid, bit 31. */
  valid: boolean;
}

export function unpackMemoryPasidTableEntry(value: number): MemoryPasidTableEntry {
  return {
    hostPasid: value & 0xFFFFF,
    valid: ((value >>> 31) & 0x1) !== 0,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packMemoryPasidTableEntry(fields: Partial<MemoryPasidTableEntry>): number {
  let value = 0;
  if (fields.hostPasid !== undefined) value += fieldBits32(fields.hostPasid, 20, 0, "memory.pasid-table-entry.hostPasid");
  if (fields.valid) value += 0x80000000;
  return value;
}

/** SPPT L4E, L3E or L2E (SDM 29.3.4.2). */
export interface MemorySpptEntry {
  /** Valid, bit 0. */
  valid: boolean;
  /** Physical address of the next SPPT table, bits 51:12. */
  physicalAddress: bigint;
}

export function unpackMemorySpptEntry(value: bigint): MemorySpptEntry {
  return {
    valid: ((value >> 0n) & 0x1n) !== 0n,
    physicalAddress: (value >> 12n) & 0xFFFFFFFFFFn,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packMemorySpptEntry(fields: Partial<MemorySpptEntry>): bigint {
  let value = 0n;
  if (fields.valid) value |= 0x1n;
  if (fields.physicalAddress !== undefined) value |= fieldBits64(fields.physicalAddress, 40, 12, "memory.sppt-entry.physicalAddress");
  return value;
}

/** SPP vector (SPPT L1E) (SDM 29.3.4.2). */
export interface MemorySppVector {
  /** Write permission for sub-page 0, bit 0. */
  subPage0Write: boolean;
  /** Write permission for sub-page 1, bit 2. */
  subPage1Write: boolean;
  /** Write permission for sub-page 2, bit 4. */
  subPage2Write: boolean;
  /** Write permission for sub-page 3, bit 6. */
  subPage3Write: boolean;
  /** Write permission for sub-page 4, bit 8. */
  subPage4Write: boolean;
  /** Write permission for sub-page 5, bit 10. */
  subPage5Write: boolean;
  /** Write permission for sub-page 6, bit 12. */
  subPage6Write: boolean;
  /** Write permission for sub-page 7, bit 14. */
  subPage7Write: boolean;
  /** Write permission for sub-page 8, bit 16. */
  subPage8Write: boolean;
  /** Write permission for sub-page 9, bit 18. */
  subPage9Write: boolean;
  /** Write permission for sub-page 10, bit 20. */
  subPage10Write: boolean;
  /** Write permission for sub-page 11, bit 22. */
  subPage11Write: boolean;
  /** Write permission for sub-page 12, bit 24. */
  subPage12Write: boolean;
  /** Write permission for sub-page 13, bit 26. */
  subPage13Write: boolean;
  /** Write permission for sub-page 14, bit 28. */
  subPage14Write: boolean;
  /** Write permission for sub-page 15, bit 30. */
  subPage15Write: boolean;
  /** Write permission for sub-page 16, bit 32. */
  subPage16Write: boolean;
  /** Write permission for sub-page 17, bit 34. */
  subPage17Write: boolean;
  /** Write permission for sub-page 18, bit 36. */
  subPage18Write: boolean;
  /** Write permission for sub-page 19, bit 38. */
  subPage19Write: boolean;
  /** Write permission for sub-page 20, bit 40. */
  subPage20Write: boolean;
  /** Write permission for sub-page 21, bit 42. */
  subPage21Write: boolean;
  /** Write permission for sub-page 22, bit 44. */
  subPage22Write: boolean;
  /** Write permission for sub-page 23, bit 46. */
  subPage23Write: boolean;
  /** Write permission for sub-page 24, bit 48. */
  subPage24Write: boolean;
  /** Write permission for sub-page 25, bit 50. */
  subPage25Write: boolean;
  /** Write permission for sub-page 26, bit 52. */
  subPage26Write: boolean;
  /** Write permission for sub-page 27, bit 54. */
  subPage27Write: boolean;
  /** Write permission for sub-page 28, bit 56. */
  subPage28Write: boolean;
  /** Write permission for sub-page 29, bit 58. */
  subPage29Write: boolean;
  /** Write permission for sub-page 30, bit 60. */
  subPage30Write: boolean;
  /** Write permission for sub-page 31, bit 62. */
  subPage31Write: boolean;
}

export function unpackMemorySppVector(value: bigint): MemorySppVector {
  return {
    subPage0Write: ((value >> 0n) & 0x1n) !== 0n,
    subPage1Write: ((value >> 2n) & 0x1n) !== 0n,
    subPage2Write: ((value >> 4n) & 0x1n) !== 0n,
    subPage3Write: ((value >> 6n) & 0x1n) !== 0n,
    subPage4Write: ((value >> 8n) & 0x1n) !== 0n,
    subPage5Write: ((value >> 10n) & 0x1n) !== 0n,
    subPage6Write: ((value >> 12n) & 0x1n) !== 0n,
    subPage7Write: ((value >> 14n) & 0x1n) !== 0n,
    subPage8Write: ((value >> 16n) & 0x1n) !== 0n,
    subPage9Write: ((value >> 18n) & 0x1n) !== 0n,
    subPage10Write: ((value >> 20n) & 0x1n) !== 0n,
    subPage11Write: ((value >> 22n) & 0x1n) !== 0n,
    subPage12Write: ((value >> 24n) & 0x1n) !== 0n,
    subPage13Write: ((value >> 26n) & 0x1n) !== 0n,
    subPage14Write: ((value >> 28n) & 0x1n) !== 0n,
    subPage15Write: ((value >> 30n) & 0x1n) !== 0n,
    subPage16Write: ((value >> 32n) & 0x1n) !== 0n,
    subPage17Write: ((value >> 34n) & 0x1n) !== 0n,
    subPage18Write: ((value >> 36n) & 0x1n) !== 0n,
    subPage19Write: ((value >> 38n) & 0x1n) !== 0n,
    subPage20Write: ((value >> 40n) & 0x1n) !== 0n,
    subPage21Write: ((value >> 42n) & 0x1n) !== 0n,
    subPage22Write: ((value >> 44n) & 0x1n) !== 0n,
    subPage23Write: ((value >> 46n) & 0x1n) !== 0n,
    subPage24Write: ((value >> 48n) & 0x1n) !== 0n,
    subPage25Write: ((value >> 50n) & 0x1n) !== 0n,
    subPage26Write: ((value >> 52n) & 0x1n) !== 0n,
    subPage27Write: ((value >> 54n) & 0x1n) !== 0n,
    subPage28Write: ((value >> 56n) & 0x1n) !== 0n,
    subPage29Write: ((value >> 58n) & 0x1n) !== 0n,
    subPage30Write: ((value >> 60n) & 0x1n) !== 0n,
    subPage31Write: ((value >> 62n) & 0x1n) !== 0n,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packMemorySppVector(fields: Partial<MemorySppVector>): bigint {
  let value = 0n;
  if (fields.subPage0Write) value |= 0x1n;
  if (fields.subPage1Write) value |= 0x4n;
  if (fields.subPage2Write) value |= 0x10n;
  if (fields.subPage3Write) value |= 0x40n;
  if (fields.subPage4Write) value |= 0x100n;
  if (fields.subPage5Write) value |= 0x400n;
  if (fields.subPage6Write) value |= 0x1000n;
  if (fields.subPage7Write) value |= 0x4000n;
  if (fields.subPage8Write) value |= 0x10000n;
  if (fields.subPage9Write) value |= 0x40000n;
  if (fields.subPage10Write) value |= 0x100000n;
  if (fields.subPage11Write) value |= 0x400000n;
  if (fields.subPage12Write) value |= 0x1000000n;
  if (fields.subPage13Write) value |= 0x4000000n;
  if (fields.subPage14Write) value |= 0x10000000n;
  if (fields.subPage15Write) value |= 0x40000000n;
  if (fields.subPage16Write) value |= 0x100000000n;
  if (fields.subPage17Write) value |= 0x400000000n;
  if (fields.subPage18Write) value |= 0x1000000000n;
  if (fields.subPage19Write) value |= 0x4000000000n;
  if (fields.subPage20Write) value |= 0x10000000000n;
  if (fields.subPage21Write) value |= 0x40000000000n;
  if (fields.subPage22Write) value |= 0x100000000000n;
  if (fields.subPage23Write) value |= 0x400000000000n;
  if (fields.subPage24Write) value |= 0x1000000000000n;
  if (fields.subPage25Write) value |= 0x4000000000000n;
  if (fields.subPage26Write) value |= 0x10000000000000n;
  if (fields.subPage27Write) value |= 0x40000000000000n;
  if (fields.subPage28Write) value |= 0x100000000000000n;
  if (fields.subPage29Write) value |= 0x400000000000000n;
  if (fields.subPage30Write) value |= 0x1000000000000000n;
  if (fields.subPage31Write) value |= 0x4000000000000000n;
  return value;
}

/** XSAVE header: XSTATE_BV (SDM 2:XRSTORS). */
export interface MemoryXsaveHeaderXstateBv {
  /** x87 state, bit 0. */
  x87: boolean;
  /** SSE state, bit 1. */
  sse: boolean;
  /** PASID state, bit 10. */
  pasid: boolean;
}

export function unpackMemoryXsaveHeaderXstateBv(value: bigint): MemoryXsaveHeaderXstateBv {
  return {
    x87: ((value >> 0n) & 0x1n) !== 0n,
    sse: ((value >> 1n) & 0x1n) !== 0n,
    pasid: ((value >> 10n) & 0x1n) !== 0n,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packMemoryXsaveHeaderXstateBv(fields: Partial<MemoryXsaveHeaderXstateBv>): bigint {
  let value = 0n;
  if (fields.x87) value |= 0x1n;
  if (fields.sse) value |= 0x2n;
  if (fields.pasid) value |= 0x400n;
  return value;
}

/** XSAVE header: XCOMP_BV (SDM 2:XRSTORS). */
export interface MemoryXsaveHeaderXcompBv {
  /** Components in the compacted format, bits 62:0. */
  components: bigint;
  /** Compacted format, bit 63. */
  compacted: boolean;
}

export function unpackMemoryXsaveHeaderXcompBv(value: bigint): MemoryXsaveHeaderXcompBv {
  return {
    components: (value >> 0n) & 0x7FFFFFFFFFFFFFFFn,
    compacted: ((value >> 63n) & 0x1n) !== 0n,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packMemoryXsaveHeaderXcompBv(fields: Partial<MemoryXsaveHeaderXcompBv>): bigint {
  let value = 0n;
  if (fields.components !== undefined) value |= fieldBits64(fields.components, 63, 0, "memory.xsave-header-xcomp-bv.components");
  if (fields.compacted) value |= 0x8000000000000000n;
  return value;
}

/** IA32_VMX_BASIC (SDM A.1). */
export interface MsrIa32VmxBasic {
  /** VMCS revision identifier, bits 30:0. */
  vmcsRevisionId: number;
  /** VMXON/VMCS region size, bits 44:32. */
  vmcsRegionSize: number;
  /** Physical-address width limited to 32 bits, bit 48. */
  physicalAddressWidth32: boolean;
  /** Dual-monitor treatment of SMIs and SMM, bit 49. */
  dualMonitorTreatment: boolean;
  /** Memory type for VMCS and referenced structures, bits 53:50. */
  memoryType: number;
  /** VM-exit instruction information for INS/OUTS, bit 54. */
  insOutsInformation: boolean;
  /** TRUE capability MSRs, bit 55. */
  trueControls: boolean;
  /** Hardware exceptions injected with or without error code, bit 56. */
  noErrorCodeConsistencyCheck: boolean;
  /** Nested-exception injection, bit 58. */
  nestedExceptionSupport: boolean;
}

export function unpackMsrIa32VmxBasic(value: bigint): MsrIa32VmxBasic {
  return {
    vmcsRevisionId: Number((value >> 0n) & 0x7FFFFFFFn),
    vmcsRegionSize: Number((value >> 32n) & 0x1FFFn),
    physicalAddressWidth32: ((value >> 48n) & 0x1n) !== 0n,
    dualMonitorTreatment: ((value >> 49n) & 0x1n) !== 0n,
    memoryType: Number((value >> 50n) & 0xFn),
    insOutsInformation: ((value >> 54n) & 0x1n) !== 0n,
    trueControls: ((value >> 55n) & 0x1n) !== 0n,
    noErrorCodeConsistencyCheck: ((value >> 56n) & 0x1n) !== 0n,
    nestedExceptionSupport: ((value >> 58n) & 0x1n) !== 0n,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packMsrIa32VmxBasic(fields: Partial<MsrIa32VmxBasic>): bigint {
  let value = 0n;
  if (fields.vmcsRevisionId !== undefined) value |= fieldBits64(BigInt(fields.vmcsRevisionId), 31, 0, "msr.ia32-vmx-basic.vmcsRevisionId");
  if (fields.vmcsRegionSize !== undefined) value |= fieldBits64(BigInt(fields.vmcsRegionSize), 13, 32, "msr.ia32-vmx-basic.vmcsRegionSize");
  if (fields.physicalAddressWidth32) value |= 0x1000000000000n;
  if (fields.dualMonitorTreatment) value |= 0x2000000000000n;
  if (fields.memoryType !== undefined) value |= fieldBits64(BigInt(fields.memoryType), 4, 50, "msr.ia32-vmx-basic.memoryType");
  if (fields.insOutsInformation) value |= 0x40000000000000n;
  if (fields.trueControls) value |= 0x80000000000000n;
  if (fields.noErrorCodeConsistencyCheck) value |= 0x100000000000000n;
  if (fields.nestedExceptionSupport) value |= 0x400000000000000n;
  return value;
}

/** IA32_VMX_MISC (SDM A.6). */
export interface MsrIa32VmxMisc {
  /** VMX-preemption timer rate, bits 4:0. */
  preemptionTimerRate: number;
  /** Store IA32_EFER.LMA into IA-32e mode guest on exit, bit 5. */
  storeEferLmaOnExit: boolean;
  /** Activity state HLT supported, bit 6. */
  activityStateHlt: boolean;
  /** Activity state shutdown supported, bit 7. */
  activityStateShutdown: boolean;
  /** Activity state wait-for-SIPI supported, bit 8. */
  activityStateWaitForSipi: boolean;
  /** Intel PT usable in VMX operation, bit 14. */
  intelPtInVmx: boolean;
  /** RDMSR of IA32_SMBASE in SMM, bit 15. */
  rdmsrSmbaseInSmm: boolean;
  /** Number of CR3-target values, bits 24:16. */
  cr3TargetCount: number;
  /** MSR-list size, bits 27:25. */
  maxMsrListSize: number;
  /** IA32_SMM_MONITOR_CTL bit 2 settable, bit 28. */
  smmMonitorCtlBit2: boolean;
  /** VMWRITE to any supported field, bit 29. */
  vmwriteAnyField: boolean;
  /** Injection with instruction length 0, bit 30. */
  zeroLengthInjection: boolean;
  /** MSEG revision identifier, bits 63:32. */
  msegRevisionId: number;
}

export function unpackMsrIa32VmxMisc(value: bigint): MsrIa32VmxMisc {
  return {
    preemptionTimerRate: Number((value >> 0n) & 0x1Fn),
    storeEferLmaOnExit: ((value >> 5n) & 0x1n) !== 0n,
    activityStateHlt: ((value >> 6n) & 0x1n) !== 0n,
    activityStateShutdown: ((value >> 7n) & 0x1n) !== 0n,
    activityStateWaitForSipi: ((value >> 8n) & 0x1n) !== 0n,
    intelPtInVmx: ((value >> 14n) & 0x1n) !== 0n,
    rdmsrSmbaseInSmm: ((value >> 15n) & 0x1n) !== 0n,
    cr3TargetCount: Number((value >> 16n) & 0x1FFn),
    maxMsrListSize: Number((value >> 25n) & 0x7n),
    smmMonitorCtlBit2: ((value >> 28n) & 0x1n) !== 0n,
    vmwriteAnyField: ((value >> 29n) & 0x1n) !== 0n,
    zeroLengthInjection: ((value >> 30n) & 0x1n) !== 0n,
    msegRevisionId: Number((value >> 32n) & 0xFFFFFFFFn),
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packMsrIa32VmxMisc(fields: Partial<MsrIa32VmxMisc>): bigint {
  let value = 0n;
  if (fields.preemptionTimerRate !== undefined) value |= fieldBits64(BigInt(fields.preemptionTimerRate), 5, 0, "msr.ia32-vmx-misc.preemptionTimerRate");
  if (fields.storeEferLmaOnExit) value |= 0x20n;
  if (fields.activityStateHlt) value |= 0x40n;
  if (fields.activityStateShutdown) value |= 0x80n;
  if (fields.activityStateWaitForSipi) value |= 0x100n;
  if (fields.intelPtInVmx) value |= 0x4000n;
  if (fields.rdmsrSmbaseInSmm) value |= 0x8000n;
  if (fields.cr3TargetCount !== undefined) value |= fieldBits64(BigInt(fields.cr3TargetCount), 9, 16, "msr.ia32-vmx-misc.cr3TargetCount");
  if (fields.maxMsrListSize !== undefined) value |= fieldBits64(BigInt(fields.maxMsrListSize), 3, 25, "msr.ia32-vmx-misc.maxMsrListSize");
  if (fields.smmMonitorCtlBit2) value |= 0x10000000n;
  if (fields.vmwriteAnyField) value |= 0x20000000n;
  if (fields.zeroLengthInjection) value |= 0x40000000n;
  if (fields.msegRevisionId !== undefined) value |= fieldBits64(BigInt(fields.msegRevisionId), 32, 32, "msr.ia32-vmx-misc.msegRevisionId");
  return value;
}

/** IA32_VMX_VMCS_ENUM (SDM A.9). */
export interface MsrIa32VmxVmcsEnum {
  /** Highest index value, bits 9:1. */
  highestIndex: number;
}

export function unpackMsrIa32VmxVmcsEnum(value: bigint): MsrIa32VmxVmcsEnum {
  return {
    highestIndex: Number((value >> 1n) & 0x1FFn),
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packMsrIa32VmxVmcsEnum(fields: Partial<MsrIa32VmxVmcsEnum>): bigint {
  let value = 0n;
  if (fields.highestIndex !== undefined) value |= fieldBits64(BigInt(fields.highestIndex), 9, 1, "msr.ia32-vmx-vmcs-enum.highestIndex");
  return value;
}

/** IA32_VMX_EPT_VPID_CAP (SDM A.10). */
export interface MsrIa32VmxEptVpidCap {
  /** Execute-only translations, bit 0. */
  executeOnly: boolean;
  /** Page-walk length of 4, bit 6. */
  pageWalkLength4: boolean;
  /** Page-walk length of 5, bit 7. */
  pageWalkLength5: boolean;
  /** EPT paging-structure memory type UC, bit 8. */
  memoryTypeUc: boolean;
  /** EPT paging-structure memory type WB, bit 14. */
  memoryTypeWb: boolean;
  /** 2-MByte pages, bit 16. */
  pde2MbPages: boolean;
  /** 1-GByte pages, bit 17. */
  pdpte1GbPages: boolean;
  /** INVEPT supported, bit 20. */
  invept: boolean;
  /** Accessed and dirty flags for EPT, bit 21. */
  accessedDirtyFlags: boolean;
  /** Advanced VM-exit information for EPT violations, bit 22. */
  advancedEptViolationInfo: boolean;
  /** Supervisor shadow-stack control, bit 23. */
  supervisorShadowStackControl: boolean;
  /** Single-context INVEPT, bit 25. */
  inveptSingleContext: boolean;
  /** All-context INVEPT, bit 26. */
  inveptAllContext: boolean;
  /** INVVPID supported, bit 32. */
  invvpid: boolean;
  /** Individual-address INVVPID, bit 40. */
  invvpidIndividualAddress: boolean;
  /** Single-context INVVPID, bit 41. */
  invvpidSingleContext: boolean;
  /** All-context INVVPID, bit 42. */
  invvpidAllContext: boolean;
  /** Single-context-retaining-globals INVVPID, bit 43. */
  invvpidSingleContextRetainingGlobals: boolean;
  /** Maximum HLAT prefix size, bits 53:48. */
  maxHlatPrefixSize: number;
}

export function unpackMsrIa32VmxEptVpidCap(value: bigint): MsrIa32VmxEptVpidCap {
  return {
    executeOnly: ((value >> 0n) & 0x1n) !== 0n,
    pageWalkLength4: ((value >> 6n) & 0x1n) !== 0n,
    pageWalkLength5: ((value >> 7n) & 0x1n) !== 0n,
    memoryTypeUc: ((value >> 8n) & 0x1n) !== 0n,
    memoryTypeWb: ((value >> 14n) & 0x1n) !== 0n,
    pde2MbPages: ((value >> 16n) & 0x1n) !== 0n,
    pdpte1GbPages: ((value >> 17n) & 0x1n) !== 0n,
    invept: ((value >> 20n) & 0x1n) !== 0n,
    accessedDirtyFlags: ((value >> 21n) & 0x1n) !== 0n,
    advancedEptViolationInfo: ((value >> 22n) & 0x1n) !== 0n,
    supervisorShadowStackControl: ((value >> 23n) & 0x1n) !== 0n,
    inveptSingleContext: ((value >> 25n) & 0x1n) !== 0n,
    inveptAllContext: ((value >> 26n) & 0x1n) !== 0n,
    invvpid: ((value >> 32n) & 0x1n) !== 0n,
    invvpidIndividualAddress: ((value >> 40n) & 0x1n) !== 0n,
    invvpidSingleContext: ((value >> 41n) & 0x1n) !== 0n,
    invvpidAllContext: ((value >> 42n) & 0x1n) !== 0n,
    invvpidSingleContextRetainingGlobals: ((value >> 43n) & 0x1n) !== 0n,
    maxHlatPrefixSize: Number((value >> 48n) & 0x3Fn),
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packMsrIa32VmxEptVpidCap(fields: Partial<MsrIa32VmxEptVpidCap>): bigint {
  let value = 0n;
  if (fields.executeOnly) value |= 0x1n;
  if (fields.pageWalkLength4) value |= 0x40n;
  if (fields.pageWalkLength5) value |= 0x80n;
  if (fields.memoryTypeUc) value |= 0x100n;
  if (fields.memoryTypeWb) value |= 0x4000n;
  if (fields.pde2MbPages) value |= 0x10000n;
  if (fields.pdpte1GbPages) value |= 0x20000n;
  if (fields.invept) value |= 0x100000n;
  if (fields.accessedDirtyFlags) value |= 0x200000n;
  if (fields.advancedEptViolationInfo) value |= 0x400000n;
  if (fields.supervisorShadowStackControl) value |= 0x800000n;
  if (fields.inveptSingleContext) value |= 0x2000000n;
  if (fields.inveptAllContext) value |= 0x4000000n;
  if (fields.invvpid) value |= 0x100000000n;
  if (fields.invvpidIndividualAddress) value |= 0x10000000000n;
  if (fields.invvpidSingleContext) value |= 0x20000000000n;
  if (fields.invvpidAllContext) value |= 0x40000000000n;
  if (fields.invvpidSingleContextRetainingGlobals) value |= 0x80000000000n;
  if (fields.maxHlatPrefixSize !== undefined) value |= fieldBits64(BigInt(fields.maxHlatPrefixSize), 6, 48, "msr.ia32-vmx-ept-vpid-cap.maxHlatPrefixSize");
  return value;
}

/** IA32_FEATURE_CONTROL (SDM 24.7). */
export interface MsrIa32FeatureControl {
  /** Lock, bit 0. */
  lock: boolean;
  /** Enable VMX inside SMX operation, bit 1. */
  vmxInsideSmx: boolean;
  /** Enable VMX outside SMX operation, bit 2. */
  vmxOutsideSmx: boolean;
  /** SENTER local function enables, bits 14:8. */
  senterLocalFunctionEnables: number;
  /** SENTER global enable, bit 15. */
  senterGlobalEnable: boolean;
  /** SGX launch control enable, bit 17. */
  sgxLaunchControlEnable: boolean;
  /** SGX global enable, bit 18. */
  sgxGlobalEnable: boolean;
  /** LMCE on, bit 20. */
  lmceOn: boolean;
}

export function unpackMsrIa32FeatureControl(value: bigint): MsrIa32FeatureControl {
  return {
    lock: ((value >> 0n) & 0x1n) !== 0n,
    vmxInsideSmx: ((value >> 1n) & 0x1n) !== 0n,
    vmxOutsideSmx: ((value >> 2n) & 0x1n) !== 0n,
    senterLocalFunctionEnables: Number((value >> 8n) & 0x7Fn),
    senterGlobalEnable: ((value >> 15n) & 0x1n) !== 0n,
    sgxLaunchControlEnable: ((value >> 17n) & 0x1n) !== 0n,
    sgxGlobalEnable: ((value >> 18n) & 0x1n) !== 0n,
    lmceOn: ((value >> 20n) & 0x1n) !== 0n,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packMsrIa32FeatureControl(fields: Partial<MsrIa32FeatureControl>): bigint {
  let value = 0n;
  if (fields.lock) value |= 0x1n;
  if (fields.vmxInsideSmx) value |= 0x2n;
  if (fields.vmxOutsideSmx) value |= 0x4n;
  if (fields.senterLocalFunctionEnables !== undefined) value |= fieldBits64(BigInt(fields.senterLocalFunctionEnables), 7, 8, "msr.ia32-feature-control.senterLocalFunctionEnables");
  if (fields.senterGlobalEnable) value |= 0x8000n;
  if (fields.sgxLaunchControlEnable) value |= 0x20000n;
  if (fields.sgxGlobalEnable) value |= 0x40000n;
  if (fields.lmceOn) value |= 0x100000n;
  return value;
}

/** IA32_USER_MSR_CTL (SDM 2:URDMSR). */
export interface MsrIa32UserMsrCtl {
  /** Enable, bit 0. */
  enable: boolean;
  /** User-MSR bitmap address, bits 63:12. */
  bitmapAddress: bigint;
}

export function unpackMsrIa32UserMsrCtl(value: bigint): MsrIa32UserMsrCtl {
  return {
    enable: ((value >> 0n) & 0x1n) !== 0n,
    bitmapAddress: (value >> 12n) & 0xFFFFFFFFFFFFFn,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packMsrIa32UserMsrCtl(fields: Partial<MsrIa32UserMsrCtl>): bigint {
  let value = 0n;
  if (fields.enable) value |= 0x1n;
  if (fields.bitmapAddress !== undefined) value |= fieldBits64(fields.bitmapAddress, 52, 12, "msr.ia32-user-msr-ctl.bitmapAddress");
  return value;
}

/** IA32_PASID (SDM 2:ENQCMD). */
export interface MsrIa32Pasid {
  /** PASID, bits 19:0. */
  pasid: number;
  /** Valid, bit 31. */
  valid: boolean;
}

export function unpackMsrIa32Pasid(value: bigint): MsrIa32Pasid {
  return {
    pasid: Number((value >> 0n) & 0xFFFFFn),
    valid: ((value >> 31n) & 0x1n) !== 0n,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packMsrIa32Pasid(fields: Partial<MsrIa32Pasid>): bigint {
  let value = 0n;
  if (fields.pasid !== undefined) value |= fieldBits64(BigInt(fields.pasid), 20, 0, "msr.ia32-pasid.pasid");
  if (fields.valid) value |= 0x80000000n;
  return value;
}

/** IA32_XSS (SDM 2:XSAVES). */
export interface MsrIa32Xss {
  /** PASID state, bit 10. */
  pasid: boolean;
}

export function unpackMsrIa32Xss(value: bigint): MsrIa32Xss {
  return {
    pasid: ((value >> 10n) & 0x1n) !== 0n,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packMsrIa32Xss(fields: Partial<MsrIa32Xss>): bigint {
  let value = 0n;
  if (fields.pasid) value |= 0x400n;
  return value;
}

/** Structure of VMCS component encoding (SDM 25.11.2). */
export interface VmcsFieldEncoding {
  /** Access type, bit 0. */
  accessType: number;
  /** Index, bits 9:1. */
  index: number;
  /** Type, bits 11:10. */
  type: number;
  /** Reserved (must be 0), bit 12. */
  reserved12: boolean;
  /** Width, bits 14:13. */
  width: number;
  /** Reserved (must be 0), bits 31:15. */
  reserved: number;
}

export function unpackVmcsFieldEncoding(value: number): VmcsFieldEncoding {
  return {
    accessType: value & 0x1,
    index: (value >>> 1) & 0x1FF,
    type: (value >>> 10) & 0x3,
    reserved12: ((value >>> 12) & 0x1) !== 0,
    width: (value >>> 13) & 0x3,
    reserved: (value >>> 15) & 0x1FFFF,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packVmcsFieldEncoding(fields: Partial<VmcsFieldEncoding>): number {
  let value = 0;
  if (fields.accessType !== undefined) value += fieldBits32(fields.accessType, 1, 0, "vmcs.field-encoding.accessType");
  if (fields.index !== undefined) value += fieldBits32(fields.index, 9, 1, "vmcs.field-encoding.index");
  if (fields.type !== undefined) value += fieldBits32(fields.type, 2, 10, "vmcs.field-encoding.type");
  if (fields.reserved12) value += 0x1000;
  if (fields.width !== undefined) value += fieldBits32(fields.width, 2, 13, "vmcs.field-encoding.width");
  if (fields.reserved !== undefined) value += fieldBits32(fields.reserved, 17, 15, "vmcs.field-encoding.reserved");
  return value;
}

/** Guest segment access rights (SDM 25.4.1, Table 25-2). */
export interface VmcsAccessRights {
  /** Segment type, bits 3:0. */
  segmentType: number;
  /** S — Descriptor type, bit 4. */
  descriptorType: number;
  /** DPL — Descriptor privilege level, bits 6:5. */
  dpl: number;
  /** P — Segment present, bit 7. */
  present: boolean;
  /** AVL — Available for use by system software, bit 12. */
  avl: boolean;
  /** L — 64-bit mode active, bit 13. */
  longMode: boolean;
  /** D/B — Default operation size, bit 14. */
  defaultSize: number;
  /** G — Granularity, bit 15. */
  granularity: boolean;
  /** Segment unusable, bit 16. */
  unusable: number;
}

export function unpackVmcsAccessRights(value: number): VmcsAccessRights {
  return {
    segmentType: value & 0xF,
    descriptorType: (value >>> 4) & 0x1,
    dpl: (value >>> 5) & 0x3,
    present: ((value >>> 7) & 0x1) !== 0,
    avl: ((value >>> 12) & 0x1) !== 0,
    longMode: ((value >>> 13) & 0x1) !== 0,
    defaultSize: (value >>> 14) & 0x1,
    granularity: ((value >>> 15) & 0x1) !== 0,
    unusable: (value >>> 16) & 0x1,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packVmcsAccessRights(fields: Partial<VmcsAccessRights>): number {
  let value = 0;
  if (fields.segmentType !== undefined) value += fieldBits32(fields.segmentType, 4, 0, "vmcs.access-rights.segmentType");
  if (fields.descriptorType !== undefined) value += fieldBits32(fields.descriptorType, 1, 4, "vmcs.access-rights.descriptorType");
  if (fields.dpl !== undefined) value += fieldBits32(fields.dpl, 2, 5, "vmcs.access-rights.dpl");
  if (fields.present) value += 0x80;
  if (fields.avl) value += 0x1000;
  if (fields.longMode) value += 0x2000;
  if (fields.defaultSize !== undefined) value += fieldBits32(fields.defaultSize, 1, 14, "vmcs.access-rights.defaultSize");
  if (fields.granularity) value += 0x8000;
  if (fields.unusable !== undefined) value += fieldBits32(fields.unusable, 1, 16, "vmcs.access-rights.unusable");
  return value;
}

/** Guest interruptibility state (SDM 25.4.2, Table 25-3). */
export interface VmcsInterruptibilityState {
  /** Blocking by STI, bit 0. */
  blockingBySti: boolean;
  /** Blocking by MOV SS, bit 1. */
  blockingByMovSs: boolean;
  /** Blocking by SMI, bit 2. */
  blockingBySmi: boolean;
  /** Blocking by NMI, bit 3. */
  blockingByNmi: boolean;
  /** Enclave interruption, bit 4. */
  enclaveInterruption: boolean;
}

export function unpackVmcsInterruptibilityState(value: number): VmcsInterruptibilityState {
  return {
    blockingBySti: (value & 0x1) !== 0,
    blockingByMovSs: ((value >>> 1) & 0x1) !== 0,
    blockingBySmi: ((value >>> 2) & 0x1) !== 0,
    blockingByNmi: ((value >>> 3) & 0x1) !== 0,
    enclaveInterruption: ((value >>> 4) & 0x1) !== 0,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packVmcsInterruptibilityState(fields: Partial<VmcsInterruptibilityState>): number {
  let value = 0;
  if (fields.blockingBySti) value += 0x1;
  if (fields.blockingByMovSs) value += 0x2;
  if (fields.blockingBySmi) value += 0x4;
  if (fields.blockingByNmi) value += 0x8;
  if (fields.enclaveInterruption) value += 0x10;
  return value;
}

/** Guest activity state (SDM 25.4.2). */
export interface VmcsActivityState {
  /** Activity state, bits 31:0. */
  activityState: number;
}

export function unpackVmcsActivityState(value: number): VmcsActivityState {
  return {
    activityState: value >>> 0,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packVmcsActivityState(fields: Partial<VmcsActivityState>): number {
  let value = 0;
  if (fields.activityState !== undefined) value += fieldBits32(fields.activityState, 32, 0, "vmcs.activity-state.activityState");
  return value;
}

/** Guest pending debug exceptions (SDM 25.4.2, Table 25-4). */
export interface VmcsPendingDebugExceptions {
  /** B3 – B0, bits 3:0. */
  breakpointConditions: number;
  /** Enabled breakpoint, bit 12. */
  enabledBreakpoint: boolean;
  /** BS, bit 14. */
  bs: boolean;
  /** RTM, bit 16. */
  rtm: boolean;
}

export function unpackVmcsPendingDebugExceptions(value: bigint): VmcsPendingDebugExceptions {
  return {
    breakpointConditions: Number((value >> 0n) & 0xFn),
    enabledBreakpoint: ((value >> 12n) & 0x1n) !== 0n,
    bs: ((value >> 14n) & 0x1n) !== 0n,
    rtm: ((value >> 16n) & 0x1n) !== 0n,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packVmcsPendingDebugExceptions(fields: Partial<VmcsPendingDebugExceptions>): bigint {
  let value = 0n;
  if (fields.breakpointConditions !== undefined) value |= fieldBits64(BigInt(fields.breakpointConditions), 4, 0, "vmcs.pending-debug-exceptions.breakpointConditions");
  if (fields.enabledBreakpoint) value |= 0x1000n;
  if (fields.bs) value |= 0x4000n;
  if (fields.rtm) value |= 0x10000n;
  return value;
}

/** Exit reason (SDM 25.9.1, Table 25-18). */
export interface VmcsExitReason {
  /** Basic exit reason, bits 15:0. */
  basicExitReason: number;
  /** Shadow stack prematurely busy, bit 25. */
  shadowStackPrematurelyBusy: boolean;
  /** Bus lock detected, bit 26. */
  busLockDetected: boolean;
  /** Enclave mode, bit 27. */
  enclaveMode: boolean;
  /** Pending MTF VM exit, bit 28. */
  pendingMtfVmExit: boolean;
  /** VM exit from VMX root operation, bit 29. */
  vmExitFromVmxRoot: boolean;
  /** VM-entry failure, bit 31. */
  vmEntryFailure: number;
}

export function unpackVmcsExitReason(value: number): VmcsExitReason {
  return {
    basicExitReason: value & 0xFFFF,
    shadowStackPrematurelyBusy: ((value >>> 25) & 0x1) !== 0,
    busLockDetected: ((value >>> 26) & 0x1) !== 0,
    enclaveMode: ((value >>> 27) & 0x1) !== 0,
    pendingMtfVmExit: ((value >>> 28) & 0x1) !== 0,
    vmExitFromVmxRoot: ((value >>> 29) & 0x1) !== 0,
    vmEntryFailure: (value >>> 31) & 0x1,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packVmcsExitReason(fields: Partial<VmcsExitReason>): number {
  let value = 0;
  if (fields.basicExitReason !== undefined) value += fieldBits32(fields.basicExitReason, 16, 0, "vmcs.exit-reason.basicExitReason");
  if (fields.shadowStackPrematurelyBusy) value += 0x2000000;
  if (fields.busLockDetected) value += 0x4000000;
  if (fields.enclaveMode) value += 0x8000000;
  if (fields.pendingMtfVmExit) value += 0x10000000;
  if (fields.vmExitFromVmxRoot) value += 0x20000000;
  if (fields.vmEntryFailure !== undefined) value += fieldBits32(fields.vmEntryFailure, 1, 31, "vmcs.exit-reason.vmEntryFailure");
  return value;
}

/** VM-entry interruption-information field (SDM 25.8.3, Table 25-17). */
export interface VmcsVmEntryInterruptionInformation {
  /** Vector of interrupt or exception, bits 7:0. */
  vector: number;
  /** Interruption type, bits 10:8. */
  interruptionType: number;
  /** Deliver error code, bit 11. */
  deliverErrorCode: number;
  /** Valid, bit 31. */
  valid: boolean;
}

export function unpackVmcsVmEntryInterruptionInformation(value: number): VmcsVmEntryInterruptionInformation {
  return {
    vector: value & 0xFF,
    interruptionType: (value >>> 8) & 0x7,
    deliverErrorCode: (value >>> 11) & 0x1,
    valid: ((value >>> 31) & 0x1) !== 0,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packVmcsVmEntryInterruptionInformation(fields: Partial<VmcsVmEntryInterruptionInformation>): number {
  let value = 0;
  if (fields.vector !== undefined) value += fieldBits32(fields.vector, 8, 0, "vmcs.vm-entry-interruption-information.vector");
  if (fields.interruptionType !== undefined) value += fieldBits32(fields.interruptionType, 3, 8, "vmcs.vm-entry-interruption-information.interruptionType");
  if (fields.deliverErrorCode !== undefined) value += fieldBits32(fields.deliverErrorCode, 1, 11, "vmcs.vm-entry-interruption-information.deliverErrorCode");
  if (fields.valid) value += 0x80000000;
  return value;
}

/** VM-exit interruption-information field (SDM 25.9.2, Table 25-19). */
export interface VmcsVmExitInterruptionInformation {
  /** Vector of interrupt or exception, bits 7:0. */
  vector: number;
  /** Interruption type, bits 10:8. */
  interruptionType: number;
  /** Error code valid, bit 11. */
  errorCodeValid: number;
  /** NMI unblocking due to IRET, bit 12. */
  nmiUnblockingDueToIret: boolean;
  /** Valid, bit 31. */
  valid: boolean;
}

export function unpackVmcsVmExitInterruptionInformation(value: number): VmcsVmExitInterruptionInformation {
  return {
    vector: value & 0xFF,
    interruptionType: (value >>> 8) & 0x7,
    errorCodeValid: (value >>> 11) & 0x1,
    nmiUnblockingDueToIret: ((value >>> 12) & 0x1) !== 0,
    valid: ((value >>> 31) & 0x1) !== 0,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packVmcsVmExitInterruptionInformation(fields: Partial<VmcsVmExitInterruptionInformation>): number {
  let value = 0;
  if (fields.vector !== undefined) value += fieldBits32(fields.vector, 8, 0, "vmcs.vm-exit-interruption-information.vector");
  if (fields.interruptionType !== undefined) value += fieldBits32(fields.interruptionType, 3, 8, "vmcs.vm-exit-interruption-information.interruptionType");
  if (fields.errorCodeValid !== undefined) value += fieldBits32(fields.errorCodeValid, 1, 11, "vmcs.vm-exit-interruption-information.errorCodeValid");
  if (fields.nmiUnblockingDueToIret) value += 0x1000;
  if (fields.valid) value += 0x80000000;
  return value;
}

/** IDT-vectoring information field (SDM 25.9.3, Table 25-20). */
export interface VmcsIdtVectoringInformation {
  /** Vector of interrupt or exception, bits 7:0. */
  vector: number;
  /** Interruption type, bits 10:8. */
  interruptionType: number;
  /** Error code valid, bit 11. */
  errorCodeValid: number;
  /** Valid, bit 31. */
  valid: boolean;
}

export function unpackVmcsIdtVectoringInformation(value: number): VmcsIdtVectoringInformation {
  return {
    vector: value & 0xFF,
    interruptionType: (value >>> 8) & 0x7,
    errorCodeValid: (value >>> 11) & 0x1,
    valid: ((value >>> 31) & 0x1) !== 0,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packVmcsIdtVectoringInformation(fields: Partial<VmcsIdtVectoringInformation>): number {
  let value = 0;
  if (fields.vector !== undefined) value += fieldBits32(fields.vector, 8, 0, "vmcs.idt-vectoring-information.vector");
  if (fields.interruptionType !== undefined) value += fieldBits32(fields.interruptionType, 3, 8, "vmcs.idt-vectoring-information.interruptionType");
  if (fields.errorCodeValid !== undefined) value += fieldBits32(fields.errorCodeValid, 1, 11, "vmcs.idt-vectoring-information.errorCodeValid");
  if (fields.valid) value += 0x80000000;
  return value;
}

/** Guest interrupt status (SDM 25.4.2). */
export interface VmcsGuestInterruptStatus {
  /** Requesting virtual interrupt (RVI), bits 7:0. */
  rvi: number;
  /** Servicing virtual interrupt (SVI), bits 15:8. */
  svi: number;
}

export function unpackVmcsGuestInterruptStatus(value: number): VmcsGuestInterruptStatus {
  return {
    rvi: value & 0xFF,
    svi: (value >>> 8) & 0xFF,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packVmcsGuestInterruptStatus(fields: Partial<VmcsGuestInterruptStatus>): number {
  let value = 0;
  if (fields.rvi !== undefined) value += fieldBits32(fields.rvi, 8, 0, "vmcs.guest-interrupt-status.rvi");
  if (fields.svi !== undefined) value += fieldBits32(fields.svi, 8, 8, "vmcs.guest-interrupt-status.svi");
  return value;
}

/** MSR entry (SDM 25.7.2, Table 25-15). */
export interface VmcsMsrEntry {
  /** MSR index, bits 31:0. */
  msrIndex: number;
  /** Reserved, bits 63:32. */
  reserved: number;
}

export function unpackVmcsMsrEntry(value: bigint): VmcsMsrEntry {
  return {
    msrIndex: Number((value >> 0n) & 0xFFFFFFFFn),
    reserved: Number((value >> 32n) & 0xFFFFFFFFn),
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packVmcsMsrEntry(fields: Partial<VmcsMsrEntry>): bigint {
  let value = 0n;
  if (fields.msrIndex !== undefined) value |= fieldBits64(BigInt(fields.msrIndex), 32, 0, "vmcs.msr-entry.msrIndex");
  if (fields.reserved !== undefined) value |= fieldBits64(BigInt(fields.reserved), 32, 32, "vmcs.msr-entry.reserved");
  return value;
}

/** Privilege-level-exiting controls (model extension, not in the SDM) (SDM 25.11.2). */
export interface VmcsExtensionPrivilegeLevelExitingControls {
  /** Privilege-level exiting, bit 0. */
  privilegeLevelExiting: boolean;
}

export function unpackVmcsExtensionPrivilegeLevelExitingControls(value: number): VmcsExtensionPrivilegeLevelExitingControls {
  return {
    privilegeLevelExiting: (value & 0x1) !== 0,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packVmcsExtensionPrivilegeLevelExitingControls(fields: Partial<VmcsExtensionPrivilegeLevelExitingControls>): number {
  let value = 0;
  if (fields.privilegeLevelExiting) value += 0x1;
  return value;
}

/** CPL-transition bitmap (model extension, not in the SDM) (SDM 25.11.2). */
export interface VmcsExtensionCplTransitionBitmap {
  /** Transitions from CPL 0, bits 3:0. */
  from0: number;
  /** Transitions from CPL 1, bits 7:4. */
  from1: number;
  /** Transitions from CPL 2, bits 11:8. */
  from2: number;
  /** Transitions from CPL 3, bits 15:12. */
  from3: number;
}

export function unpackVmcsExtensionCplTransitionBitmap(value: number): VmcsExtensionCplTransitionBitmap {
  return {
    from0: value & 0xF,
    from1: (value >>> 4) & 0xF,
    from2: (value >>> 8) & 0xF,
    from3: (value >>> 12) & 0xF,
  };
}

/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */
export function packVmcsExtensionCplTransitionBitmap(fields: Partial<VmcsExtensionCplTransitionBitmap>): number {
  let value = 0;
  if (fields.from0 !== undefined) value += fieldBits32(fields.from0, 4, 0, "vmcs.extension-cpl-transition-bitmap.from0");
  if (fields.from1 !== undefined) value += fieldBits32(fields.from1, 4, 4, "vmcs.extension-cpl-transition-bitmap.from1");
  if (fields.from2 !== undefined) value += fieldBits32(fields.from2, 4, 8, "vmcs.extension-cpl-transition-bitmap.from2");
  if (fields.from3 !== undefined) value += fieldBits32(fields.from3, 4, 12, "vmcs.extension-cpl-transition-bitmap.from3");
  return value;
}
