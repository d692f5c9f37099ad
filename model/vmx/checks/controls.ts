// VM-entry checks on the VMX controls (SDM 27.2.1): VM-execution (27.2.1.1), VM-exit (27.2.1.2) and
// VM-entry (27.2.1.3) control fields; see the catalogue (spec/data/entry-checks/controls.json) for each
// id's statement. Any failure here is VMfailValid with error 7.
import { type ControlRef, type VmcsFieldId, unpackVmcsVmEntryInterruptionInformation } from '../../generated/index.js';
import {
  eptpAccessedDirtyAllowed, eptpMemoryTypeSupported, eptpReservedBitsClear, eptpSupervisorShadowStackAllowed, eptpWalkLengthSupported,
} from '../../ept/eptp.js';
import { layoutById } from '../../arch/catalogue.js';
import { definedMask } from '../../arch/decode.js';
import { AC, CP, DF, GP, NP, PF, SS_, TS } from '../../cpu/fault.js';
import type { CheckPredicate, CheckTable, EntryContext } from './context.js';
import { controlOn, controlsAllowed, groupActive } from './effective-controls.js';
import { CR0_PE, CR4_FRED, beyondPhysicalWidth, supportsCet, supportsFred } from './features.js';

const MASK32 = 0xFFFF_FFFFn;

/** Bits n-1:0 of an address must be 0 (an aligned structure). */
function aligned(value: bigint, bits: number): boolean {
  return (value & ((1n << BigInt(bits)) - 1n)) === 0n;
}

/** A physical address sets no bit at or above the processor's physical-address width. */
function withinWidth(ctx: EntryContext, value: bigint): boolean {
  return (value & beyondPhysicalWidth(ctx.caps)) === 0n;
}

function field(ctx: EntryContext, id: VmcsFieldId): bigint {
  return ctx.vmcs.get(id);
}

/** A condition that applies only when `when` holds: otherwise it does not apply and passes. */
function onlyIf(when: (ctx: EntryContext) => boolean, holds: (ctx: EntryContext) => boolean): CheckPredicate {
  return (ctx) => !when(ctx) || holds(ctx);
}

const on = (ref: ControlRef) => (ctx: EntryContext): boolean => controlOn(ctx, ref);

/** "If control a is 1, control b must be 1." */
function requires(a: ControlRef, b: ControlRef): CheckPredicate {
  return (ctx) => !controlOn(ctx, a) || controlOn(ctx, b);
}

/** The two address checks of a pointer field used when a control is 1: aligned to 2^bits, within MAXPHYADDR. */
function pointerAligned(ref: ControlRef, id: VmcsFieldId, bits: number): CheckPredicate {
  return onlyIf(on(ref), (ctx) => aligned(field(ctx, id), bits));
}
function pointerWidth(ref: ControlRef, id: VmcsFieldId): CheckPredicate {
  return onlyIf(on(ref), (ctx) => withinWidth(ctx, field(ctx, id)));
}

// ---- MSR areas for VM exits and VM entries (SDM 27.2.1.2, 27.2.1.3)

/** The last byte of an MSR area, address + count * 16 - 1, computed without truncation. */
function msrAreaEnd(ctx: EntryContext, address: VmcsFieldId, count: VmcsFieldId): bigint {
  return field(ctx, address) + field(ctx, count) * 16n - 1n;
}
function msrAreaChecks(address: VmcsFieldId, count: VmcsFieldId): [CheckPredicate, CheckPredicate, CheckPredicate] {
  const used = (ctx: EntryContext) => field(ctx, count) !== 0n;
  return [
    onlyIf(used, (ctx) => aligned(field(ctx, address), 4)),
    onlyIf(used, (ctx) => withinWidth(ctx, field(ctx, address))),
    onlyIf(used, (ctx) => withinWidth(ctx, msrAreaEnd(ctx, address, count))),
  ];
}
const [exitStoreAligned, exitStoreWidth, exitStoreEnd] = msrAreaChecks('VM_EXIT_MSR_STORE_ADDRESS', 'VM_EXIT_MSR_STORE_COUNT');
const [exitLoadAligned, exitLoadWidth, exitLoadEnd] = msrAreaChecks('VM_EXIT_MSR_LOAD_ADDRESS', 'VM_EXIT_MSR_LOAD_COUNT');
const [entryLoadAligned, entryLoadWidth, entryLoadEnd] = msrAreaChecks('VM_ENTRY_MSR_LOAD_ADDRESS', 'VM_ENTRY_MSR_LOAD_COUNT');

// ---- Event injection (SDM 27.2.1.3; the field's format: 25.8.3, Table 25-17)

const INTERRUPTION_LAYOUT = layoutById('vmcs.vm-entry-interruption-information')!;
const INTERRUPTION_TYPES = INTERRUPTION_LAYOUT.fields.find((f) => f.id === 'interruptionType')!.values!;
function interruptionType(name: string): number {
  const entry = Object.entries(INTERRUPTION_TYPES).find(([, meaning]) => meaning === name);
  if (!entry) throw new Error(`no interruption type "${name}" in Table 25-17`);
  return Number(entry[0]);
}
const TYPE_RESERVED = interruptionType('Reserved');
const TYPE_NMI = interruptionType('Non-maskable interrupt (NMI)');
const TYPE_HARDWARE_EXCEPTION = interruptionType('Hardware exception');
const TYPE_SOFTWARE = [interruptionType('Software interrupt'), interruptionType('Privileged software exception'), interruptionType('Software exception')];
const TYPE_OTHER_EVENT = interruptionType('Other event');
/** Bits 30:12, the bits Table 25-17 leaves undefined. */
const INTERRUPTION_RESERVED = MASK32 & ~definedMask(INTERRUPTION_LAYOUT);
/** Bit 13 marks a nested exception for FRED event delivery (SDM 25.8.3), allowed with IA32_VMX_BASIC[58]. */
const INTERRUPTION_NESTED_EXCEPTION = 1n << 13n;
/** Other-event vectors: 0 pending MTF VM exit; with FRED, 1 SYSCALL and 2 SYSENTER (SDM 25.8.3). */
const OTHER_EVENT_MTF = 0, OTHER_EVENT_SYSCALL = 1, OTHER_EVENT_SYSENTER = 2;
const MAX_INSTRUCTION_LENGTH = 15n;

function injection(ctx: EntryContext) {
  return unpackVmcsVmEntryInterruptionInformation(Number(field(ctx, 'VM_ENTRY_INTERRUPTION_INFORMATION')));
}
const injecting = (ctx: EntryContext): boolean => injection(ctx).valid;

/** Exceptions that deliver an error code (SDM Vol. 3A Table 6-1); #CP only with CET. */
function deliversErrorCode(ctx: EntryContext, vector: number): boolean {
  return [DF, TS, NP, SS_, GP, PF, AC].includes(vector) || (vector === CP && supportsCet(ctx.caps));
}

/** The guest will be in protected mode: "unrestricted guest" is 0, or the CR0 field sets PE (SDM 27.2.1.3). */
function guestProtectedMode(ctx: EntryContext): boolean {
  return !controlOn(ctx, 'proc2.UNRESTRICTED_GUEST') || (field(ctx, 'GUEST_CR0') & CR0_PE) !== 0n;
}

/** FRED injection of SYSCALL/SYSENTER as other events: FRED, an IA-32e mode guest, CR4.FRED in the CR4 field. */
function fredOtherEventsAllowed(ctx: EntryContext): boolean {
  return supportsFred(ctx.caps) && controlOn(ctx, 'entry.IA32E_MODE_GUEST') && (field(ctx, 'GUEST_CR4') & CR4_FRED) !== 0n;
}

export const CONTROL_CHECKS: CheckTable = {
  // ---- 27.2.1.1 VM-execution control fields
  // SDM 27.2.1.1, A.3.1: pin-based controls hold allowed settings.
  'exec.pin-reserved-bits': (ctx) => controlsAllowed(ctx, 'pin'),
  // SDM 27.2.1.1, A.3.2: primary processor-based controls hold allowed settings.
  'exec.proc-reserved-bits': (ctx) => controlsAllowed(ctx, 'proc'),
  // SDM 27.2.1.1, A.3.3: secondary controls, checked only when activated.
  'exec.proc2-reserved-bits': onlyIf((ctx) => groupActive(ctx, 'proc2'), (ctx) => controlsAllowed(ctx, 'proc2')),
  // SDM 27.2.1.1, A.3.4: tertiary controls, checked only when activated.
  'exec.proc3-reserved-bits': onlyIf((ctx) => groupActive(ctx, 'proc3'), (ctx) => controlsAllowed(ctx, 'proc3')),
  // SDM 27.2.1.1, A.6: the CR3-target count is at most the number of CR3-target values supported.
  'exec.cr3-target-count': (ctx) => field(ctx, 'CR3_TARGET_COUNT') <= BigInt(ctx.caps.misc.cr3TargetCount),
  // SDM 27.2.1.1: I/O-bitmap addresses 4-KByte aligned and within MAXPHYADDR.
  'exec.io-bitmap-a-aligned': pointerAligned('proc.USE_IO_BITMAPS', 'IO_BITMAP_A_ADDRESS', 12),
  // SDM 27.2.1.1: IO_BITMAP_B_ADDRESS is 4096-byte aligned when proc.USE_IO_BITMAPS is 1.
  'exec.io-bitmap-b-aligned': pointerAligned('proc.USE_IO_BITMAPS', 'IO_BITMAP_B_ADDRESS', 12),
  // SDM 27.2.1.1: IO_BITMAP_A_ADDRESS is within MAXPHYADDR when proc.USE_IO_BITMAPS is 1.
  'exec.io-bitmap-a-width': pointerWidth('proc.USE_IO_BITMAPS', 'IO_BITMAP_A_ADDRESS'),
  // SDM 27.2.1.1: IO_BITMAP_B_ADDRESS is within MAXPHYADDR when proc.USE_IO_BITMAPS is 1.
  'exec.io-bitmap-b-width': pointerWidth('proc.USE_IO_BITMAPS', 'IO_BITMAP_B_ADDRESS'),
  // SDM 27.2.1.1: MSR-bitmap address 4-KByte aligned and within MAXPHYADDR.
  'exec.msr-bitmap-aligned': pointerAligned('proc.USE_MSR_BITMAPS', 'MSR_BITMAPS_ADDRESS', 12),
  // SDM 27.2.1.1: MSR_BITMAPS_ADDRESS is within MAXPHYADDR when proc.USE_MSR_BITMAPS is 1.
  'exec.msr-bitmap-width': pointerWidth('proc.USE_MSR_BITMAPS', 'MSR_BITMAPS_ADDRESS'),
  // SDM 27.2.1.1: virtual-APIC address 4-KByte aligned and within MAXPHYADDR.
  'exec.virtual-apic-address-aligned': pointerAligned('proc.USE_TPR_SHADOW', 'VIRTUAL_APIC_ADDRESS', 12),
  // SDM 27.2.1.1: VIRTUAL_APIC_ADDRESS is within MAXPHYADDR when proc.USE_TPR_SHADOW is 1.
  'exec.virtual-apic-address-width': pointerWidth('proc.USE_TPR_SHADOW', 'VIRTUAL_APIC_ADDRESS'),
  // SDM 27.2.1.1: TPR threshold bits 31:4 are 0 with "use TPR shadow" 1 and "virtual-interrupt delivery" 0.
  'exec.tpr-threshold-reserved-bits': onlyIf(
    (ctx) => controlOn(ctx, 'proc.USE_TPR_SHADOW') && !controlOn(ctx, 'proc2.VIRTUAL_INTERRUPT_DELIVERY'),
    (ctx) => (field(ctx, 'TPR_THRESHOLD') & 0xFFFF_FFF0n) === 0n,
  ),
  // SDM 27.2.1.1: TPR threshold bits 3:0 do not exceed VTPR bits 7:4 (byte 80H of the virtual-APIC page).
  'exec.tpr-threshold-vs-vtpr': onlyIf(
    (ctx) => controlOn(ctx, 'proc.USE_TPR_SHADOW') && !controlOn(ctx, 'proc2.VIRTUALIZE_APIC_ACCESSES')
      && !controlOn(ctx, 'proc2.VIRTUAL_INTERRUPT_DELIVERY'),
    (ctx) => {
      const vtpr = ctx.memory.read8(Number(field(ctx, 'VIRTUAL_APIC_ADDRESS')) + 0x80);
      return Number(field(ctx, 'TPR_THRESHOLD') & 0xFn) <= vtpr >>> 4;
    },
  ),
  // SDM 27.2.1.1: "virtual NMIs" needs "NMI exiting"; "NMI-window exiting" needs "virtual NMIs".
  'exec.virtual-nmis-requires-nmi-exiting': requires('pin.VIRTUAL_NMIS', 'pin.NMI_EXITING'),
  // SDM 27.2.1.1: proc.NMI_WINDOW_EXITING 1 needs pin.VIRTUAL_NMIS 1.
  'exec.nmi-window-exiting-requires-virtual-nmis': requires('proc.NMI_WINDOW_EXITING', 'pin.VIRTUAL_NMIS'),
  // SDM 27.2.1.1: APIC-access address 4-KByte aligned and within MAXPHYADDR.
  'exec.apic-access-address-aligned': pointerAligned('proc2.VIRTUALIZE_APIC_ACCESSES', 'APIC_ACCESS_ADDRESS', 12),
  // SDM 27.2.1.1: APIC_ACCESS_ADDRESS is within MAXPHYADDR when proc2.VIRTUALIZE_APIC_ACCESSES is 1.
  'exec.apic-access-address-width': pointerWidth('proc2.VIRTUALIZE_APIC_ACCESSES', 'APIC_ACCESS_ADDRESS'),
  // SDM 27.2.1.1: x2APIC virtualization, APIC-register virtualization and virtual-interrupt delivery need "use TPR shadow".
  'exec.x2apic-mode-requires-tpr-shadow': requires('proc2.VIRTUALIZE_X2APIC_MODE', 'proc.USE_TPR_SHADOW'),
  // SDM 27.2.1.1: proc2.APIC_REGISTER_VIRTUALIZATION 1 needs proc.USE_TPR_SHADOW 1.
  'exec.apic-register-virtualization-requires-tpr-shadow': requires('proc2.APIC_REGISTER_VIRTUALIZATION', 'proc.USE_TPR_SHADOW'),
  // SDM 27.2.1.1: proc2.VIRTUAL_INTERRUPT_DELIVERY 1 needs proc.USE_TPR_SHADOW 1.
  'exec.virtual-interrupt-delivery-requires-tpr-shadow': requires('proc2.VIRTUAL_INTERRUPT_DELIVERY', 'proc.USE_TPR_SHADOW'),
  // SDM 27.2.1.1: "virtualize x2APIC mode" and "virtualize APIC accesses" are not both 1.
  'exec.x2apic-mode-excludes-apic-access-virtualization': (ctx) =>
    !(controlOn(ctx, 'proc2.VIRTUALIZE_X2APIC_MODE') && controlOn(ctx, 'proc2.VIRTUALIZE_APIC_ACCESSES')),
  // SDM 27.2.1.1: virtual-interrupt delivery needs external-interrupt exiting.
  'exec.virtual-interrupt-delivery-requires-external-interrupt-exiting': requires('proc2.VIRTUAL_INTERRUPT_DELIVERY', 'pin.EXTERNAL_INTERRUPT_EXITING'),
  // SDM 27.2.1.1: posted interrupts need virtual-interrupt delivery and "acknowledge interrupt on exit".
  'exec.posted-interrupts.requires-virtual-interrupt-delivery': requires('pin.PROCESS_POSTED_INTERRUPTS', 'proc2.VIRTUAL_INTERRUPT_DELIVERY'),
  // SDM 27.2.1.1: pin.PROCESS_POSTED_INTERRUPTS 1 needs exit.ACKNOWLEDGE_INTERRUPT_ON_EXIT 1.
  'exec.posted-interrupts.requires-acknowledge-interrupt-on-exit': requires('pin.PROCESS_POSTED_INTERRUPTS', 'exit.ACKNOWLEDGE_INTERRUPT_ON_EXIT'),
  // SDM 27.2.1.1: the notification vector is 0-255 (bits 15:8 of the field are 0).
  'exec.posted-interrupts.notification-vector-range': onlyIf(on('pin.PROCESS_POSTED_INTERRUPTS'),
    (ctx) => (field(ctx, 'POSTED_INTERRUPT_NOTIFICATION_VECTOR') & 0xFF00n) === 0n),
  // SDM 27.2.1.1: posted-interrupt descriptor 64-byte aligned and within MAXPHYADDR.
  'exec.posted-interrupts.descriptor-address-aligned': pointerAligned('pin.PROCESS_POSTED_INTERRUPTS', 'POSTED_INTERRUPT_DESCRIPTOR_ADDRESS', 6),
  // SDM 27.2.1.1: POSTED_INTERRUPT_DESCRIPTOR_ADDRESS is within MAXPHYADDR when pin.PROCESS_POSTED_INTERRUPTS is 1.
  'exec.posted-interrupts.descriptor-address-width': pointerWidth('pin.PROCESS_POSTED_INTERRUPTS', 'POSTED_INTERRUPT_DESCRIPTOR_ADDRESS'),
  // SDM 27.2.1.1: with "enable VPID" the VPID is not 0000H.
  'exec.vpid-nonzero': onlyIf(on('proc2.ENABLE_VPID'), (ctx) => field(ctx, 'VIRTUAL_PROCESSOR_IDENTIFIER') !== 0n),
  // SDM 27.2.1.1, A.10: the EPTP conditions, one predicate each (model/ept/eptp.ts, shared with INVEPT and VMFUNC).
  'exec.eptp.memory-type': onlyIf(on('proc2.ENABLE_EPT'), (ctx) => eptpMemoryTypeSupported(ctx.caps, field(ctx, 'EPT_POINTER'))),
  'exec.eptp.page-walk-length': onlyIf(on('proc2.ENABLE_EPT'), (ctx) => eptpWalkLengthSupported(ctx.caps, field(ctx, 'EPT_POINTER'))),
  'exec.eptp.accessed-dirty-flags': onlyIf(on('proc2.ENABLE_EPT'), (ctx) => eptpAccessedDirtyAllowed(ctx.caps, field(ctx, 'EPT_POINTER'))),
  'exec.eptp.supervisor-shadow-stack': onlyIf(on('proc2.ENABLE_EPT'), (ctx) => eptpSupervisorShadowStackAllowed(ctx.caps, field(ctx, 'EPT_POINTER'))),
  'exec.eptp.reserved-bits': onlyIf(on('proc2.ENABLE_EPT'), (ctx) => eptpReservedBitsClear(ctx.caps, field(ctx, 'EPT_POINTER'))),
  // SDM 27.2.1.1: PML needs EPT; the PML address is 4-KByte aligned and within MAXPHYADDR.
  'exec.pml-requires-ept': requires('proc2.ENABLE_PML', 'proc2.ENABLE_EPT'),
  // SDM 27.2.1.1: PML_ADDRESS is 4096-byte aligned when proc2.ENABLE_PML is 1.
  'exec.pml-address-aligned': pointerAligned('proc2.ENABLE_PML', 'PML_ADDRESS', 12),
  // SDM 27.2.1.1: PML_ADDRESS is within MAXPHYADDR when proc2.ENABLE_PML is 1.
  'exec.pml-address-width': pointerWidth('proc2.ENABLE_PML', 'PML_ADDRESS'),
  // SDM 27.2.1.1: unrestricted guest, mode-based execute control and sub-page write permissions need EPT.
  'exec.unrestricted-guest-requires-ept': requires('proc2.UNRESTRICTED_GUEST', 'proc2.ENABLE_EPT'),
  // SDM 27.2.1.1: proc2.MODE_BASED_EXECUTE_CONTROL_FOR_EPT 1 needs proc2.ENABLE_EPT 1.
  'exec.mode-based-execute-requires-ept': requires('proc2.MODE_BASED_EXECUTE_CONTROL_FOR_EPT', 'proc2.ENABLE_EPT'),
  // SDM 27.2.1.1: proc2.SUB_PAGE_WRITE_PERMISSIONS_FOR_EPT 1 needs proc2.ENABLE_EPT 1.
  'exec.sub-page-write-requires-ept': requires('proc2.SUB_PAGE_WRITE_PERMISSIONS_FOR_EPT', 'proc2.ENABLE_EPT'),
  // SDM 27.2.1.1: SPPTP 4-KByte aligned and within MAXPHYADDR.
  'exec.spptp-aligned': pointerAligned('proc2.SUB_PAGE_WRITE_PERMISSIONS_FOR_EPT', 'SUB_PAGE_PERMISSION_TABLE_POINTER', 12),
  // SDM 27.2.1.1: SUB_PAGE_PERMISSION_TABLE_POINTER is within MAXPHYADDR when proc2.SUB_PAGE_WRITE_PERMISSIONS_FOR_EPT is 1.
  'exec.spptp-width': pointerWidth('proc2.SUB_PAGE_WRITE_PERMISSIONS_FOR_EPT', 'SUB_PAGE_PERMISSION_TABLE_POINTER'),
  // SDM 27.2.1.1, A.11: VM-function controls hold allowed settings when "enable VM functions" is 1.
  'exec.vmfunc-reserved-bits': onlyIf((ctx) => groupActive(ctx, 'vmfunc'), (ctx) => controlsAllowed(ctx, 'vmfunc')),
  // SDM 27.2.1.1: EPTP switching needs EPT; the EPTP list is 4-KByte aligned and within MAXPHYADDR.
  'exec.eptp-switching-requires-ept': requires('vmfunc.EPTP_SWITCHING', 'proc2.ENABLE_EPT'),
  // SDM 27.2.1.1: EPTP_LIST_ADDRESS is 4096-byte aligned when vmfunc.EPTP_SWITCHING is 1.
  'exec.eptp-list-address-aligned': pointerAligned('vmfunc.EPTP_SWITCHING', 'EPTP_LIST_ADDRESS', 12),
  // SDM 27.2.1.1: EPTP_LIST_ADDRESS is within MAXPHYADDR when vmfunc.EPTP_SWITCHING is 1.
  'exec.eptp-list-address-width': pointerWidth('vmfunc.EPTP_SWITCHING', 'EPTP_LIST_ADDRESS'),
  // SDM 27.2.1.1: VMREAD and VMWRITE bitmaps 4-KByte aligned and within MAXPHYADDR.
  'exec.vmread-bitmap-aligned': pointerAligned('proc2.VMCS_SHADOWING', 'VMREAD_BITMAP_ADDRESS', 12),
  // SDM 27.2.1.1: VMREAD_BITMAP_ADDRESS is within MAXPHYADDR when proc2.VMCS_SHADOWING is 1.
  'exec.vmread-bitmap-width': pointerWidth('proc2.VMCS_SHADOWING', 'VMREAD_BITMAP_ADDRESS'),
  // SDM 27.2.1.1: VMWRITE_BITMAP_ADDRESS is 4096-byte aligned when proc2.VMCS_SHADOWING is 1.
  'exec.vmwrite-bitmap-aligned': pointerAligned('proc2.VMCS_SHADOWING', 'VMWRITE_BITMAP_ADDRESS', 12),
  // SDM 27.2.1.1: VMWRITE_BITMAP_ADDRESS is within MAXPHYADDR when proc2.VMCS_SHADOWING is 1.
  'exec.vmwrite-bitmap-width': pointerWidth('proc2.VMCS_SHADOWING', 'VMWRITE_BITMAP_ADDRESS'),
  // SDM 27.2.1.1: the #VE information address is 4-KByte aligned and within MAXPHYADDR.
  'exec.ve-information-address-aligned': pointerAligned('proc2.EPT_VIOLATION_VE', 'VIRTUALIZATION_EXCEPTION_INFORMATION_ADDRESS', 12),
  // SDM 27.2.1.1: VIRTUALIZATION_EXCEPTION_INFORMATION_ADDRESS is within MAXPHYADDR when proc2.EPT_VIOLATION_VE is 1.
  'exec.ve-information-address-width': pointerWidth('proc2.EPT_VIOLATION_VE', 'VIRTUALIZATION_EXCEPTION_INFORMATION_ADDRESS'),
  // SDM 27.2.1.1: "Intel PT uses guest physical addresses" needs EPT, "load IA32_RTIT_CTL" and "clear IA32_RTIT_CTL".
  'exec.pt-guest-physical-requires-ept': requires('proc2.PT_USES_GUEST_PHYSICAL_ADDRESSES', 'proc2.ENABLE_EPT'),
  // SDM 27.2.1.1: proc2.PT_USES_GUEST_PHYSICAL_ADDRESSES 1 needs entry.LOAD_IA32_RTIT_CTL 1.
  'exec.pt-guest-physical-requires-load-rtit-ctl': requires('proc2.PT_USES_GUEST_PHYSICAL_ADDRESSES', 'entry.LOAD_IA32_RTIT_CTL'),
  // SDM 27.2.1.1: proc2.PT_USES_GUEST_PHYSICAL_ADDRESSES 1 needs exit.CLEAR_IA32_RTIT_CTL 1.
  'exec.pt-guest-physical-requires-clear-rtit-ctl': requires('proc2.PT_USES_GUEST_PHYSICAL_ADDRESSES', 'exit.CLEAR_IA32_RTIT_CTL'),
  // SDM 27.2.1.1: PASID directories 4-KByte aligned and within MAXPHYADDR.
  'exec.low-pasid-directory-address-aligned': pointerAligned('proc2.PASID_TRANSLATION', 'LOW_PASID_DIRECTORY_ADDRESS', 12),
  // SDM 27.2.1.1: LOW_PASID_DIRECTORY_ADDRESS is within MAXPHYADDR when proc2.PASID_TRANSLATION is 1.
  'exec.low-pasid-directory-address-width': pointerWidth('proc2.PASID_TRANSLATION', 'LOW_PASID_DIRECTORY_ADDRESS'),
  // SDM 27.2.1.1: HIGH_PASID_DIRECTORY_ADDRESS is 4096-byte aligned when proc2.PASID_TRANSLATION is 1.
  'exec.high-pasid-directory-address-aligned': pointerAligned('proc2.PASID_TRANSLATION', 'HIGH_PASID_DIRECTORY_ADDRESS', 12),
  // SDM 27.2.1.1: HIGH_PASID_DIRECTORY_ADDRESS is within MAXPHYADDR when proc2.PASID_TRANSLATION is 1.
  'exec.high-pasid-directory-address-width': pointerWidth('proc2.PASID_TRANSLATION', 'HIGH_PASID_DIRECTORY_ADDRESS'),
  // SDM 27.2.1.1: HLAT needs EPT; HLATP bits 2:0 and 11:5 are 0 and it is within MAXPHYADDR.
  'exec.hlat-requires-ept': requires('proc3.ENABLE_HLAT', 'proc2.ENABLE_EPT'),
  // SDM 27.2.1.1: HLATP bits 2:0 and 11:5 are 0 when "enable HLAT" is 1 (bits 4:3 are memory-type hints).
  'exec.hlatp-reserved-bits': onlyIf(on('proc3.ENABLE_HLAT'), (ctx) => (field(ctx, 'HLAT_POINTER') & 0xFE7n) === 0n),
  // SDM 27.2.1.1: HLAT_POINTER is within MAXPHYADDR when proc3.ENABLE_HLAT is 1.
  'exec.hlatp-width': pointerWidth('proc3.ENABLE_HLAT', 'HLAT_POINTER'),
  // SDM 27.2.1.1: EPT paging-write control and guest-paging verification need EPT.
  'exec.ept-paging-write-requires-ept': requires('proc3.EPT_PAGING_WRITE_CONTROL', 'proc2.ENABLE_EPT'),
  // SDM 27.2.1.1: proc3.GUEST_PAGING_VERIFICATION 1 needs proc2.ENABLE_EPT 1.
  'exec.guest-paging-verification-requires-ept': requires('proc3.GUEST_PAGING_VERIFICATION', 'proc2.ENABLE_EPT'),
  // SDM 27.2.1.1: the PID-pointer table is 8-byte aligned and within MAXPHYADDR.
  'exec.pid-pointer-table-aligned': pointerAligned('proc3.IPI_VIRTUALIZATION', 'PID_POINTER_TABLE_ADDRESS', 3),
  // SDM 27.2.1.1: PID_POINTER_TABLE_ADDRESS is within MAXPHYADDR when proc3.IPI_VIRTUALIZATION is 1.
  'exec.pid-pointer-table-width': pointerWidth('proc3.IPI_VIRTUALIZATION', 'PID_POINTER_TABLE_ADDRESS'),

  // ---- 27.2.1.2 VM-exit control fields
  // SDM 27.2.1.2, A.4.1: primary VM-exit controls hold allowed settings.
  'exit.reserved-bits': (ctx) => controlsAllowed(ctx, 'exit'),
  // SDM 27.2.1.2, A.4.2: secondary VM-exit controls, checked only when activated.
  'exit.secondary-reserved-bits': onlyIf((ctx) => groupActive(ctx, 'exit2'), (ctx) => controlsAllowed(ctx, 'exit2')),
  // SDM 27.2.1.2: saving the preemption-timer value needs the timer activated.
  'exit.save-preemption-timer-requires-activate': requires('exit.SAVE_VMX_PREEMPTION_TIMER_VALUE', 'pin.ACTIVATE_VMX_PREEMPTION_TIMER'),
  // SDM 27.2.1.2: the VM-exit MSR-store address is 16-byte aligned when the store count is not 0.
  'exit.msr-store-address-aligned': exitStoreAligned,
  // SDM 27.2.1.2: the VM-exit MSR-store address is within MAXPHYADDR when the store count is not 0.
  'exit.msr-store-address-width': exitStoreWidth,
  // SDM 27.2.1.2: the last byte of the VM-exit MSR-store area is within MAXPHYADDR.
  'exit.msr-store-area-end-width': exitStoreEnd,
  // SDM 27.2.1.2: the VM-exit MSR-load address is 16-byte aligned when the load count is not 0.
  'exit.msr-load-address-aligned': exitLoadAligned,
  // SDM 27.2.1.2: the VM-exit MSR-load address is within MAXPHYADDR when the load count is not 0.
  'exit.msr-load-address-width': exitLoadWidth,
  // SDM 27.2.1.2: the last byte of the VM-exit MSR-load area is within MAXPHYADDR.
  'exit.msr-load-area-end-width': exitLoadEnd,

  // ---- 27.2.1.3 VM-entry control fields
  // SDM 27.2.1.3, A.5: VM-entry controls hold allowed settings.
  'entry.reserved-bits': (ctx) => controlsAllowed(ctx, 'entry'),
  // SDM 27.2.1.3: type 1 is reserved; type 7 is reserved without the "monitor trap flag" control.
  'entry.event-injection.type-not-reserved': onlyIf(injecting, (ctx) => {
    const t = injection(ctx).interruptionType;
    return t !== TYPE_RESERVED && (t !== TYPE_OTHER_EVENT || ctx.caps.supports('proc.MONITOR_TRAP_FLAG'));
  }),
  // SDM 27.2.1.3: an NMI has vector 2.
  'entry.event-injection.nmi-vector': onlyIf(injecting, (ctx) => {
    const i = injection(ctx);
    return i.interruptionType !== TYPE_NMI || i.vector === 2;
  }),
  // SDM 27.2.1.3: a hardware exception has a vector of at most 31.
  'entry.event-injection.hardware-exception-vector': onlyIf(injecting, (ctx) => {
    const i = injection(ctx);
    return i.interruptionType !== TYPE_HARDWARE_EXCEPTION || i.vector <= 31;
  }),
  // SDM 27.2.1.3: an other event has vector 0, or 1/2 for FRED injection into an IA-32e guest with CR4.FRED.
  'entry.event-injection.other-event-vector': onlyIf(injecting, (ctx) => {
    const i = injection(ctx);
    if (i.interruptionType !== TYPE_OTHER_EVENT || i.vector === OTHER_EVENT_MTF) return true;
    return (i.vector === OTHER_EVENT_SYSCALL || i.vector === OTHER_EVENT_SYSENTER) && fredOtherEventsAllowed(ctx);
  }),
  // SDM 27.2.1.3: deliver-error-code is 1 for a protected-mode hardware exception that pushes one (unless IA32_VMX_BASIC[56]).
  'entry.event-injection.error-code-required': onlyIf(injecting, (ctx) => {
    const i = injection(ctx);
    const required = i.interruptionType === TYPE_HARDWARE_EXCEPTION && guestProtectedMode(ctx)
      && !ctx.caps.basic.noErrorCodeConsistencyCheck && deliversErrorCode(ctx, i.vector);
    return !required || i.deliverErrorCode === 1;
  }),
  // SDM 27.2.1.3: deliver-error-code is 0 for other types, in real mode, or (without IA32_VMX_BASIC[56]) for other vectors.
  'entry.event-injection.error-code-forbidden': onlyIf(injecting, (ctx) => {
    const i = injection(ctx);
    const forbidden = i.interruptionType !== TYPE_HARDWARE_EXCEPTION || !guestProtectedMode(ctx)
      || (!ctx.caps.basic.noErrorCodeConsistencyCheck && !deliversErrorCode(ctx, i.vector));
    return !forbidden || i.deliverErrorCode === 0;
  }),
  // SDM 27.2.1.3: bits 30:12 are 0, except bit 13 with VMX nested-exception support.
  'entry.event-injection.reserved-bits': onlyIf(injecting, (ctx) => {
    const allowed = ctx.caps.basic.nestedExceptionSupport ? INTERRUPTION_NESTED_EXCEPTION : 0n;
    return (field(ctx, 'VM_ENTRY_INTERRUPTION_INFORMATION') & INTERRUPTION_RESERVED & ~allowed) === 0n;
  }),
  // SDM 27.2.1.3: with an error code, bits 31:16 of the VM-entry exception error code are 0.
  'entry.event-injection.error-code-high-bits': onlyIf(
    (ctx) => injecting(ctx) && injection(ctx).deliverErrorCode === 1,
    (ctx) => (field(ctx, 'VM_ENTRY_EXCEPTION_ERROR_CODE') & 0xFFFF_0000n) === 0n,
  ),
  // SDM 27.2.1.3, A.6: software interrupts and exceptions have an instruction length 1-15 (0 with IA32_VMX_MISC[30]).
  'entry.event-injection.instruction-length': onlyIf(
    (ctx) => injecting(ctx) && TYPE_SOFTWARE.includes(injection(ctx).interruptionType),
    (ctx) => {
      const len = field(ctx, 'VM_ENTRY_INSTRUCTION_LENGTH');
      return len <= MAX_INSTRUCTION_LENGTH && (len >= 1n || ctx.caps.misc.zeroLengthInjection);
    },
  ),
  // SDM 27.2.1.3: FRED injection of SYSCALL/SYSENTER (other event 1 or 2) has an instruction length of at most 15.
  'entry.event-injection.other-event-instruction-length': onlyIf(
    (ctx) => {
      const i = injection(ctx);
      return i.valid && i.interruptionType === TYPE_OTHER_EVENT && (i.vector === OTHER_EVENT_SYSCALL || i.vector === OTHER_EVENT_SYSENTER);
    },
    (ctx) => field(ctx, 'VM_ENTRY_INSTRUCTION_LENGTH') <= MAX_INSTRUCTION_LENGTH,
  ),
  // SDM 27.2.1.3: the VM-entry MSR-load address is 16-byte aligned when the load count is not 0.
  'entry.msr-load-address-aligned': entryLoadAligned,
  // SDM 27.2.1.3: the VM-entry MSR-load address is within MAXPHYADDR when the load count is not 0.
  'entry.msr-load-address-width': entryLoadWidth,
  // SDM 27.2.1.3: the last byte of the VM-entry MSR-load area is within MAXPHYADDR.
  'entry.msr-load-area-end-width': entryLoadEnd,
  // SDM 27.2.1.3: outside SMM, "entry to SMM" is 0.
  'entry.entry-to-smm-outside-smm': (ctx) => ctx.inSmm || !controlOn(ctx, 'entry.ENTRY_TO_SMM'),
  // SDM 27.2.1.3: outside SMM, "deactivate dual-monitor treatment" is 0.
  'entry.deactivate-dual-monitor-outside-smm': (ctx) => ctx.inSmm || !controlOn(ctx, 'entry.DEACTIVATE_DUAL_MONITOR_TREATMENT'),
  // SDM 27.2.1.3: "entry to SMM" and "deactivate dual-monitor treatment" are not both 1.
  'entry.entry-to-smm-and-deactivate-dual-monitor': (ctx) =>
    !(controlOn(ctx, 'entry.ENTRY_TO_SMM') && controlOn(ctx, 'entry.DEACTIVATE_DUAL_MONITOR_TREATMENT')),
};
