// VM-entry checks on the VMX controls (SDM 27.2.1.1 execution, 27.2.1.2 exit, 27.2.1.3 entry controls):
// the baseline passes; each check id fails first for the smallest change that breaks its condition.
import { describe, expect, it } from 'vitest';
import {
  BUILTIN_PROFILES, CONTROL_GROUPS, type ControlGroupId, type ControlRef, type CpuProfile, VM_ENTRY_CHECKS, type VmcsFieldId,
  type VmEntryCheckId, packEptEptp, packVmcsVmEntryInterruptionInformation,
} from '../../generated/index.js';
import { PhysicalMemory } from '../../machine/memory.js';
import { checkProfileConsistency } from '../../profile/consistency.js';
import { VmxCapabilities } from '../capabilities.js';
import type { Vmcs } from '../vmcs.js';
import { BASELINE_MEMORY, baselineVmcs } from '../../../conformance/baseline.js';
import { CONTROL_CHECKS } from './controls.js';
import { type EntryContext, evaluateEntryChecks } from './index.js';

// ---- profiles

const skylake = BUILTIN_PROFILES.find((p) => p.id === 'skylake-server')!;
const iceLake = BUILTIN_PROFILES.find((p) => p.id === 'ice-lake-server')!;
const BUILTIN = [skylake, iceLake];

const hex = (v: bigint): string => '0x' + v.toString(16).toUpperCase();
const msr = (p: CpuProfile, id: string): bigint => BigInt(p.msrs[id] ?? '0');

function variant(base: CpuProfile, id: string, change: Record<string, bigint>): CpuProfile {
  const msrs: Record<string, string> = { ...base.msrs };
  for (const [k, v] of Object.entries(change)) msrs[k] = hex(v);
  return { ...base, id, msrs };
}

/** Allowed 1-settings of a 0-and-1 control MSR plus `more` (plain and TRUE MSRs keep equal high halves, A.3.1). */
function allow(p: CpuProfile, msrId: string, more: bigint): bigint {
  return msr(p, msrId) | (more << 32n);
}
const defined = (g: ControlGroupId): bigint => CONTROL_GROUPS.find((c) => c.id === g)!.definedMask;

/**
 * Skylake-SP with every control the SDM defines offered, tertiary and secondary VM-exit controls present,
 * CET and FRED settable in CR4 (A.8) and every EPTP feature (A.10): a consistent processor on which every
 * check can be reached.
 */
const maximal = variant(skylake, 'all-features', {
  IA32_VMX_PINBASED_CTLS: allow(skylake, 'IA32_VMX_PINBASED_CTLS', defined('pin')),
  IA32_VMX_TRUE_PINBASED_CTLS: allow(skylake, 'IA32_VMX_TRUE_PINBASED_CTLS', defined('pin')),
  IA32_VMX_PROCBASED_CTLS: allow(skylake, 'IA32_VMX_PROCBASED_CTLS', defined('proc')),
  IA32_VMX_TRUE_PROCBASED_CTLS: allow(skylake, 'IA32_VMX_TRUE_PROCBASED_CTLS', defined('proc')),
  IA32_VMX_PROCBASED_CTLS2: defined('proc2') << 32n,
  IA32_VMX_PROCBASED_CTLS3: defined('proc3'),
  IA32_VMX_EXIT_CTLS: allow(skylake, 'IA32_VMX_EXIT_CTLS', defined('exit')),
  IA32_VMX_TRUE_EXIT_CTLS: allow(skylake, 'IA32_VMX_TRUE_EXIT_CTLS', defined('exit')),
  IA32_VMX_EXIT_CTLS2: defined('exit2'),
  IA32_VMX_ENTRY_CTLS: allow(skylake, 'IA32_VMX_ENTRY_CTLS', defined('entry')),
  IA32_VMX_TRUE_ENTRY_CTLS: allow(skylake, 'IA32_VMX_TRUE_ENTRY_CTLS', defined('entry')),
  IA32_VMX_CR4_FIXED1: msr(skylake, 'IA32_VMX_CR4_FIXED1') | (1n << 23n) | (1n << 32n),
  IA32_VMX_EPT_VPID_CAP: msr(skylake, 'IA32_VMX_EPT_VPID_CAP') | (1n << 6n) | (1n << 7n) | (1n << 8n) | (1n << 14n) | (1n << 21n) | (1n << 23n),
});

// ---- cases

const MEMORY_BYTES = 16 << 20;

interface Tools {
  readonly v: Vmcs;
  readonly caps: VmxCapabilities;
  readonly memory: PhysicalMemory;
  /** MAXPHYADDR of the profile (CPUID.80000008H:EAX[7:0]). */
  readonly n: bigint;
  enable(ref: ControlRef): void;
  disable(ref: ControlRef): void;
  set(id: VmcsFieldId, value: bigint): void;
}

function controlField(ref: ControlRef): { field: VmcsFieldId; mask: bigint } {
  const [g, id] = ref.split('.');
  const group = CONTROL_GROUPS.find((c) => c.id === g)!;
  return { field: group.vmcsField, mask: 1n << BigInt(group.bits.find((b) => b.id === id)!.bit) };
}

/** The control that activates a field (SDM 25.6.2, 25.7.1, 25.6.14). */
const ACTIVATOR: Partial<Record<string, ControlRef>> = {
  proc2: 'proc.ACTIVATE_SECONDARY_CONTROLS', proc3: 'proc.ACTIVATE_TERTIARY_CONTROLS',
  exit2: 'exit.ACTIVATE_SECONDARY_CONTROLS', vmfunc: 'proc2.ENABLE_VM_FUNCTIONS',
};

function tools(profile: CpuProfile): Tools {
  const caps = new VmxCapabilities(profile);
  const v = baselineVmcs(caps);
  const t: Tools = {
    v, caps, memory: new PhysicalMemory(MEMORY_BYTES), n: BigInt(profile.cpuid.maxPhysicalAddressBits),
    enable(ref) {
      const activator = ACTIVATOR[ref.split('.')[0]!];
      if (activator) t.enable(activator);
      const { field, mask } = controlField(ref);
      v.set(field, v.get(field) | mask);
    },
    disable(ref) {
      const { field, mask } = controlField(ref);
      v.set(field, v.get(field) & ~mask);
    },
    set(id, value) {
      v.set(id, value);
    },
  };
  return t;
}

function context(t: Tools, extra: Partial<EntryContext> = {}): EntryContext {
  return {
    caps: t.caps, vmcs: t.v, memory: t.memory, resume: false, inSmm: false,
    currentVmcs: BASELINE_MEMORY.vmcsRegion, vmxon: BASELINE_MEMORY.vmxonRegion, ...extra,
  };
}

function firstFailure(ctx: EntryContext): VmEntryCheckId | 'pass' {
  const r = evaluateEntryChecks(ctx, 'controls-and-host');
  return r.kind === 'pass' ? 'pass' : r.check.id;
}

interface Case {
  readonly id: VmEntryCheckId;
  readonly how: string;
  readonly profiles?: readonly CpuProfile[];
  readonly inSmm?: boolean;
  readonly change: (t: Tools) => void;
}

const PAGE = 0x50_0000n; // free memory above the baseline's structures
const EPTP_WB_4 = packEptEptp({ memoryType: 6, pageWalkLength: 3, physicalAddress: 0x510n });
const withEpt = (t: Tools): void => { t.enable('proc2.ENABLE_EPT'); t.set('EPT_POINTER', EPTP_WB_4); };
const withTprShadow = (t: Tools): void => { t.enable('proc.USE_TPR_SHADOW'); t.set('VIRTUAL_APIC_ADDRESS', PAGE + 0x3000n); };
/** Posted interrupts with every prerequisite of 27.2.1.1 met. */
function withPostedInterrupts(t: Tools): void {
  withTprShadow(t);
  t.enable('pin.EXTERNAL_INTERRUPT_EXITING');
  t.enable('proc2.VIRTUAL_INTERRUPT_DELIVERY');
  t.enable('exit.ACKNOWLEDGE_INTERRUPT_ON_EXIT');
  t.enable('pin.PROCESS_POSTED_INTERRUPTS');
  t.set('POSTED_INTERRUPT_NOTIFICATION_VECTOR', 0xF2n);
  t.set('POSTED_INTERRUPT_DESCRIPTOR_ADDRESS', PAGE + 0x5000n);
}
const inject = (fields: Parameters<typeof packVmcsVmEntryInterruptionInformation>[0], extra = 0n) => (t: Tools): void =>
  t.set('VM_ENTRY_INTERRUPTION_INFORMATION', BigInt(packVmcsVmEntryInterruptionInformation({ valid: true, ...fields })) | extra);
// Interruption types (SDM 25.8.3, Table 25-17).
const EXTERNAL = 0, RESERVED_TYPE = 1, NMI = 2, HARDWARE = 3, SOFTWARE_INT = 4, OTHER = 7;
const CR4_FRED = 1n << 32n;

const noEptAd = variant(skylake, 'no-ept-ad', { IA32_VMX_EPT_VPID_CAP: msr(skylake, 'IA32_VMX_EPT_VPID_CAP') & ~(1n << 21n) });
const noMtf = variant(skylake, 'no-mtf', {
  IA32_VMX_PROCBASED_CTLS: msr(skylake, 'IA32_VMX_PROCBASED_CTLS') & ~(1n << (32n + 27n)),
  IA32_VMX_TRUE_PROCBASED_CTLS: msr(skylake, 'IA32_VMX_TRUE_PROCBASED_CTLS') & ~(1n << (32n + 27n)),
});
const noZeroLength = variant(skylake, 'no-zero-length-injection', { IA32_VMX_MISC: msr(skylake, 'IA32_VMX_MISC') & ~(1n << 30n) });
const nestedException = variant(skylake, 'nested-exception', { IA32_VMX_BASIC: msr(skylake, 'IA32_VMX_BASIC') | (1n << 58n) });

/** One MSR-area trio of 27.2.1.2/27.2.1.3: misaligned, beyond MAXPHYADDR, last byte beyond MAXPHYADDR. */
function msrAreaCases(prefix: 'exit.msr-store' | 'exit.msr-load' | 'entry.msr-load', address: VmcsFieldId, count: VmcsFieldId): Case[] {
  return [
    { id: `${prefix}-address-aligned` as VmEntryCheckId, how: 'count 1, address 8 bytes past a 16-byte boundary',
      change: (t) => { t.set(count, 1n); t.set(address, PAGE + 0xD008n); } },
    { id: `${prefix}-address-width` as VmEntryCheckId, how: 'count 1, address sets bit MAXPHYADDR',
      change: (t) => { t.set(count, 1n); t.set(address, 1n << t.n); } },
    { id: `${prefix}-area-end-width` as VmEntryCheckId, how: 'count 2 from 16 bytes below 2^MAXPHYADDR: the last byte crosses it',
      change: (t) => { t.set(count, 2n); t.set(address, (1n << t.n) - 16n); } },
  ];
}

const CASES: readonly Case[] = [
  // 27.2.1.1
  { id: 'exec.pin-reserved-bits', how: 'clear pin bit 1, which IA32_VMX_TRUE_PINBASED_CTLS requires (0x16)',
    change: (t) => t.set('PIN_BASED_VM_EXECUTION_CONTROLS', t.v.get('PIN_BASED_VM_EXECUTION_CONTROLS') & ~2n) },
  { id: 'exec.pin-reserved-bits', how: 'set pin bit 8, which IA32_VMX_PINBASED_CTLS does not allow (allowed-1 0xFF)',
    change: (t) => t.set('PIN_BASED_VM_EXECUTION_CONTROLS', t.v.get('PIN_BASED_VM_EXECUTION_CONTROLS') | 0x100n) },
  { id: 'exec.proc-reserved-bits', how: 'set primary bit 0, not in allowed-1 0xFFF9FFFE',
    change: (t) => t.set('PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS', t.v.get('PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS') | 1n) },
  { id: 'exec.proc-reserved-bits', how: '"activate tertiary controls" (bit 17) on a processor without IA32_VMX_PROCBASED_CTLS3',
    change: (t) => t.enable('proc.ACTIVATE_TERTIARY_CONTROLS') },
  { id: 'exec.proc2-reserved-bits', how: 'secondary bit 31 ("instruction timeout"), which IA32_VMX_PROCBASED_CTLS2 does not offer',
    change: (t) => t.enable('proc2.INSTRUCTION_TIMEOUT') },
  { id: 'exec.proc3-reserved-bits', how: 'tertiary bit 63, reserved (not in IA32_VMX_PROCBASED_CTLS3)', profiles: [maximal],
    change: (t) => { t.enable('proc.ACTIVATE_TERTIARY_CONTROLS'); t.set('TERTIARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS', 1n << 63n); } },
  { id: 'exec.cr3-target-count', how: 'CR3-target count 5 where IA32_VMX_MISC[24:16] = 4',
    change: (t) => t.set('CR3_TARGET_COUNT', 5n) },
  { id: 'exec.io-bitmap-a-aligned', how: 'I/O bitmap A at page + 800H',
    change: (t) => { t.enable('proc.USE_IO_BITMAPS'); t.set('IO_BITMAP_A_ADDRESS', PAGE + 0x800n); t.set('IO_BITMAP_B_ADDRESS', PAGE + 0x1000n); } },
  { id: 'exec.io-bitmap-b-aligned', how: 'I/O bitmap B at page + 10H',
    change: (t) => { t.enable('proc.USE_IO_BITMAPS'); t.set('IO_BITMAP_A_ADDRESS', PAGE); t.set('IO_BITMAP_B_ADDRESS', PAGE + 0x1010n); } },
  { id: 'exec.io-bitmap-a-width', how: 'I/O bitmap A sets bit MAXPHYADDR',
    change: (t) => { t.enable('proc.USE_IO_BITMAPS'); t.set('IO_BITMAP_A_ADDRESS', 1n << t.n); t.set('IO_BITMAP_B_ADDRESS', PAGE + 0x1000n); } },
  { id: 'exec.io-bitmap-b-width', how: 'I/O bitmap B sets bit 63',
    change: (t) => { t.enable('proc.USE_IO_BITMAPS'); t.set('IO_BITMAP_A_ADDRESS', PAGE); t.set('IO_BITMAP_B_ADDRESS', 1n << 63n); } },
  { id: 'exec.msr-bitmap-aligned', how: 'MSR bitmap at page + 4',
    change: (t) => { t.enable('proc.USE_MSR_BITMAPS'); t.set('MSR_BITMAPS_ADDRESS', PAGE + 0x2004n); } },
  { id: 'exec.msr-bitmap-width', how: 'MSR bitmap sets bit MAXPHYADDR',
    change: (t) => { t.enable('proc.USE_MSR_BITMAPS'); t.set('MSR_BITMAPS_ADDRESS', (1n << t.n) | (PAGE + 0x2000n)); } },
  { id: 'exec.virtual-apic-address-aligned', how: 'virtual-APIC page at page + 80H',
    change: (t) => { t.enable('proc.USE_TPR_SHADOW'); t.set('VIRTUAL_APIC_ADDRESS', PAGE + 0x3080n); } },
  { id: 'exec.virtual-apic-address-width', how: 'virtual-APIC address sets bit MAXPHYADDR',
    change: (t) => { t.enable('proc.USE_TPR_SHADOW'); t.set('VIRTUAL_APIC_ADDRESS', 1n << t.n); } },
  { id: 'exec.tpr-threshold-reserved-bits', how: 'TPR threshold 10H (bit 4 set) with "use TPR shadow" 1',
    change: (t) => { withTprShadow(t); t.set('TPR_THRESHOLD', 0x10n); } },
  { id: 'exec.tpr-threshold-vs-vtpr', how: 'TPR threshold 4 above VTPR[7:4] = 3',
    change: (t) => { withTprShadow(t); t.memory.write8(Number(PAGE + 0x3080n), 0x30); t.set('TPR_THRESHOLD', 4n); } },
  { id: 'exec.virtual-nmis-requires-nmi-exiting', how: '"virtual NMIs" 1 with "NMI exiting" 0',
    change: (t) => t.enable('pin.VIRTUAL_NMIS') },
  { id: 'exec.nmi-window-exiting-requires-virtual-nmis', how: '"NMI-window exiting" 1 with "virtual NMIs" 0',
    change: (t) => t.enable('proc.NMI_WINDOW_EXITING') },
  { id: 'exec.apic-access-address-aligned', how: 'APIC-access page at page + 1',
    change: (t) => { t.enable('proc2.VIRTUALIZE_APIC_ACCESSES'); t.set('APIC_ACCESS_ADDRESS', PAGE + 0x4001n); } },
  { id: 'exec.apic-access-address-width', how: 'APIC-access address sets bit MAXPHYADDR',
    change: (t) => { t.enable('proc2.VIRTUALIZE_APIC_ACCESSES'); t.set('APIC_ACCESS_ADDRESS', 1n << t.n); } },
  { id: 'exec.x2apic-mode-requires-tpr-shadow', how: '"virtualize x2APIC mode" 1 with "use TPR shadow" 0',
    change: (t) => t.enable('proc2.VIRTUALIZE_X2APIC_MODE') },
  { id: 'exec.apic-register-virtualization-requires-tpr-shadow', how: '"APIC-register virtualization" 1 with "use TPR shadow" 0',
    change: (t) => t.enable('proc2.APIC_REGISTER_VIRTUALIZATION') },
  { id: 'exec.virtual-interrupt-delivery-requires-tpr-shadow', how: '"virtual-interrupt delivery" 1 with "use TPR shadow" 0',
    change: (t) => { t.enable('pin.EXTERNAL_INTERRUPT_EXITING'); t.enable('proc2.VIRTUAL_INTERRUPT_DELIVERY'); } },
  { id: 'exec.x2apic-mode-excludes-apic-access-virtualization', how: 'x2APIC virtualization and APIC-access virtualization both 1',
    change: (t) => {
      withTprShadow(t); t.enable('proc2.VIRTUALIZE_X2APIC_MODE');
      t.enable('proc2.VIRTUALIZE_APIC_ACCESSES'); t.set('APIC_ACCESS_ADDRESS', PAGE + 0x4000n);
    } },
  { id: 'exec.virtual-interrupt-delivery-requires-external-interrupt-exiting', how: '"virtual-interrupt delivery" 1 with "external-interrupt exiting" 0',
    change: (t) => { withTprShadow(t); t.enable('proc2.VIRTUAL_INTERRUPT_DELIVERY'); } },
  { id: 'exec.posted-interrupts.requires-virtual-interrupt-delivery', how: '"process posted interrupts" 1 alone',
    change: (t) => t.enable('pin.PROCESS_POSTED_INTERRUPTS') },
  { id: 'exec.posted-interrupts.requires-acknowledge-interrupt-on-exit', how: 'posted interrupts with "acknowledge interrupt on exit" 0',
    change: (t) => { withPostedInterrupts(t); t.disable('exit.ACKNOWLEDGE_INTERRUPT_ON_EXIT'); } },
  { id: 'exec.posted-interrupts.notification-vector-range', how: 'notification vector 100H',
    change: (t) => { withPostedInterrupts(t); t.set('POSTED_INTERRUPT_NOTIFICATION_VECTOR', 0x1F2n); } },
  { id: 'exec.posted-interrupts.descriptor-address-aligned', how: 'descriptor at a 32-byte (not 64-byte) boundary',
    change: (t) => { withPostedInterrupts(t); t.set('POSTED_INTERRUPT_DESCRIPTOR_ADDRESS', PAGE + 0x5020n); } },
  { id: 'exec.posted-interrupts.descriptor-address-width', how: 'descriptor address sets bit MAXPHYADDR',
    change: (t) => { withPostedInterrupts(t); t.set('POSTED_INTERRUPT_DESCRIPTOR_ADDRESS', 1n << t.n); } },
  { id: 'exec.vpid-nonzero', how: '"enable VPID" with VPID 0000H',
    change: (t) => { t.enable('proc2.ENABLE_VPID'); t.set('VIRTUAL_PROCESSOR_IDENTIFIER', 0n); } },
  { id: 'exec.eptp.memory-type', how: 'EPTP memory type 1 (WC), which IA32_VMX_EPT_VPID_CAP never offers',
    change: (t) => { withEpt(t); t.set('EPT_POINTER', packEptEptp({ memoryType: 1, pageWalkLength: 3, physicalAddress: 0x510n })); } },
  { id: 'exec.eptp.page-walk-length', how: 'EPTP page-walk length 2 (field 1)',
    change: (t) => { withEpt(t); t.set('EPT_POINTER', packEptEptp({ memoryType: 6, pageWalkLength: 1, physicalAddress: 0x510n })); } },
  { id: 'exec.eptp.accessed-dirty-flags', how: 'EPTP bit 6 where IA32_VMX_EPT_VPID_CAP[21] is 0', profiles: [noEptAd],
    change: (t) => { withEpt(t); t.set('EPT_POINTER', EPTP_WB_4 | (1n << 6n)); } },
  { id: 'exec.eptp.supervisor-shadow-stack', how: 'EPTP bit 7 where IA32_VMX_EPT_VPID_CAP[23] is 0',
    change: (t) => { withEpt(t); t.set('EPT_POINTER', EPTP_WB_4 | (1n << 7n)); } },
  { id: 'exec.eptp.reserved-bits', how: 'EPTP bit 8',
    change: (t) => { withEpt(t); t.set('EPT_POINTER', EPTP_WB_4 | (1n << 8n)); } },
  { id: 'exec.eptp.reserved-bits', how: 'EPTP bit MAXPHYADDR',
    change: (t) => { withEpt(t); t.set('EPT_POINTER', EPTP_WB_4 | (1n << t.n)); } },
  { id: 'exec.pml-requires-ept', how: '"enable PML" with "enable EPT" 0',
    change: (t) => t.enable('proc2.ENABLE_PML') },
  { id: 'exec.pml-address-aligned', how: 'PML address at page + 8',
    change: (t) => { withEpt(t); t.enable('proc2.ENABLE_PML'); t.set('PML_ADDRESS', PAGE + 0x6008n); } },
  { id: 'exec.pml-address-width', how: 'PML address sets bit MAXPHYADDR',
    change: (t) => { withEpt(t); t.enable('proc2.ENABLE_PML'); t.set('PML_ADDRESS', 1n << t.n); } },
  { id: 'exec.unrestricted-guest-requires-ept', how: '"unrestricted guest" with "enable EPT" 0',
    change: (t) => t.enable('proc2.UNRESTRICTED_GUEST') },
  { id: 'exec.mode-based-execute-requires-ept', how: 'mode-based execute control with "enable EPT" 0', profiles: [maximal],
    change: (t) => t.enable('proc2.MODE_BASED_EXECUTE_CONTROL_FOR_EPT') },
  { id: 'exec.sub-page-write-requires-ept', how: 'sub-page write permissions with "enable EPT" 0', profiles: [maximal],
    change: (t) => t.enable('proc2.SUB_PAGE_WRITE_PERMISSIONS_FOR_EPT') },
  { id: 'exec.spptp-aligned', how: 'SPPTP at page + 1', profiles: [maximal],
    change: (t) => { withEpt(t); t.enable('proc2.SUB_PAGE_WRITE_PERMISSIONS_FOR_EPT'); t.set('SUB_PAGE_PERMISSION_TABLE_POINTER', PAGE + 0x7001n); } },
  { id: 'exec.spptp-width', how: 'SPPTP sets bit MAXPHYADDR', profiles: [maximal],
    change: (t) => { withEpt(t); t.enable('proc2.SUB_PAGE_WRITE_PERMISSIONS_FOR_EPT'); t.set('SUB_PAGE_PERMISSION_TABLE_POINTER', 1n << t.n); } },
  { id: 'exec.vmfunc-reserved-bits', how: 'VM-function control bit 1, not in IA32_VMX_VMFUNC (1)',
    change: (t) => { t.enable('proc2.ENABLE_VM_FUNCTIONS'); t.set('VM_FUNCTION_CONTROLS', 2n); } },
  { id: 'exec.eptp-switching-requires-ept', how: 'EPTP switching with "enable EPT" 0',
    change: (t) => { t.enable('vmfunc.EPTP_SWITCHING'); t.set('EPTP_LIST_ADDRESS', PAGE + 0x8000n); } },
  { id: 'exec.eptp-list-address-aligned', how: 'EPTP list at page + 8',
    change: (t) => { withEpt(t); t.enable('vmfunc.EPTP_SWITCHING'); t.set('EPTP_LIST_ADDRESS', PAGE + 0x8008n); } },
  { id: 'exec.eptp-list-address-width', how: 'EPTP list sets bit MAXPHYADDR',
    change: (t) => { withEpt(t); t.enable('vmfunc.EPTP_SWITCHING'); t.set('EPTP_LIST_ADDRESS', 1n << t.n); } },
  { id: 'exec.vmread-bitmap-aligned', how: 'VMREAD bitmap at page + 800H',
    change: (t) => { t.enable('proc2.VMCS_SHADOWING'); t.set('VMREAD_BITMAP_ADDRESS', PAGE + 0x9800n); t.set('VMWRITE_BITMAP_ADDRESS', PAGE + 0xA000n); } },
  { id: 'exec.vmread-bitmap-width', how: 'VMREAD bitmap sets bit MAXPHYADDR',
    change: (t) => { t.enable('proc2.VMCS_SHADOWING'); t.set('VMREAD_BITMAP_ADDRESS', 1n << t.n); t.set('VMWRITE_BITMAP_ADDRESS', PAGE + 0xA000n); } },
  { id: 'exec.vmwrite-bitmap-aligned', how: 'VMWRITE bitmap at page + 1',
    change: (t) => { t.enable('proc2.VMCS_SHADOWING'); t.set('VMREAD_BITMAP_ADDRESS', PAGE + 0x9000n); t.set('VMWRITE_BITMAP_ADDRESS', PAGE + 0xA001n); } },
  { id: 'exec.vmwrite-bitmap-width', how: 'VMWRITE bitmap sets bit MAXPHYADDR',
    change: (t) => { t.enable('proc2.VMCS_SHADOWING'); t.set('VMREAD_BITMAP_ADDRESS', PAGE + 0x9000n); t.set('VMWRITE_BITMAP_ADDRESS', 1n << t.n); } },
  { id: 'exec.ve-information-address-aligned', how: '#VE information area at page + 4',
    change: (t) => { t.enable('proc2.EPT_VIOLATION_VE'); t.set('VIRTUALIZATION_EXCEPTION_INFORMATION_ADDRESS', PAGE + 0xB004n); } },
  { id: 'exec.ve-information-address-width', how: '#VE information address sets bit MAXPHYADDR',
    change: (t) => { t.enable('proc2.EPT_VIOLATION_VE'); t.set('VIRTUALIZATION_EXCEPTION_INFORMATION_ADDRESS', 1n << t.n); } },
  { id: 'exec.pt-guest-physical-requires-ept', how: '"Intel PT uses guest physical addresses" with "enable EPT" 0', profiles: [maximal],
    change: (t) => { t.enable('proc2.PT_USES_GUEST_PHYSICAL_ADDRESSES'); t.enable('entry.LOAD_IA32_RTIT_CTL'); t.enable('exit.CLEAR_IA32_RTIT_CTL'); } },
  { id: 'exec.pt-guest-physical-requires-load-rtit-ctl', how: 'PT uses guest physical addresses without "load IA32_RTIT_CTL"', profiles: [maximal],
    change: (t) => { withEpt(t); t.enable('proc2.PT_USES_GUEST_PHYSICAL_ADDRESSES'); t.enable('exit.CLEAR_IA32_RTIT_CTL'); } },
  { id: 'exec.pt-guest-physical-requires-clear-rtit-ctl', how: 'PT uses guest physical addresses without "clear IA32_RTIT_CTL"', profiles: [maximal],
    change: (t) => { withEpt(t); t.enable('proc2.PT_USES_GUEST_PHYSICAL_ADDRESSES'); t.enable('entry.LOAD_IA32_RTIT_CTL'); } },
  { id: 'exec.low-pasid-directory-address-aligned', how: 'low PASID directory at page + 10H', profiles: [maximal],
    change: (t) => { t.enable('proc2.PASID_TRANSLATION'); t.set('LOW_PASID_DIRECTORY_ADDRESS', PAGE + 0xC010n); t.set('HIGH_PASID_DIRECTORY_ADDRESS', PAGE + 0xD000n); } },
  { id: 'exec.low-pasid-directory-address-width', how: 'low PASID directory sets bit MAXPHYADDR', profiles: [maximal],
    change: (t) => { t.enable('proc2.PASID_TRANSLATION'); t.set('LOW_PASID_DIRECTORY_ADDRESS', 1n << t.n); t.set('HIGH_PASID_DIRECTORY_ADDRESS', PAGE + 0xD000n); } },
  { id: 'exec.high-pasid-directory-address-aligned', how: 'high PASID directory at page + 10H', profiles: [maximal],
    change: (t) => { t.enable('proc2.PASID_TRANSLATION'); t.set('LOW_PASID_DIRECTORY_ADDRESS', PAGE + 0xC000n); t.set('HIGH_PASID_DIRECTORY_ADDRESS', PAGE + 0xD010n); } },
  { id: 'exec.high-pasid-directory-address-width', how: 'high PASID directory sets bit MAXPHYADDR', profiles: [maximal],
    change: (t) => { t.enable('proc2.PASID_TRANSLATION'); t.set('LOW_PASID_DIRECTORY_ADDRESS', PAGE + 0xC000n); t.set('HIGH_PASID_DIRECTORY_ADDRESS', 1n << t.n); } },
  { id: 'exec.hlat-requires-ept', how: '"enable HLAT" with "enable EPT" 0', profiles: [maximal],
    change: (t) => t.enable('proc3.ENABLE_HLAT') },
  { id: 'exec.hlatp-reserved-bits', how: 'HLATP bit 5', profiles: [maximal],
    change: (t) => { withEpt(t); t.enable('proc3.ENABLE_HLAT'); t.set('HLAT_POINTER', PAGE + 0xE020n); } },
  { id: 'exec.hlatp-width', how: 'HLATP sets bit MAXPHYADDR', profiles: [maximal],
    change: (t) => { withEpt(t); t.enable('proc3.ENABLE_HLAT'); t.set('HLAT_POINTER', (1n << t.n) | (PAGE + 0xE018n)); } },
  { id: 'exec.ept-paging-write-requires-ept', how: '"EPT paging-write control" with "enable EPT" 0', profiles: [maximal],
    change: (t) => t.enable('proc3.EPT_PAGING_WRITE_CONTROL') },
  { id: 'exec.guest-paging-verification-requires-ept', how: '"guest-paging verification" with "enable EPT" 0', profiles: [maximal],
    change: (t) => t.enable('proc3.GUEST_PAGING_VERIFICATION') },
  { id: 'exec.pid-pointer-table-aligned', how: 'PID-pointer table at page + 4', profiles: [maximal],
    change: (t) => { t.enable('proc3.IPI_VIRTUALIZATION'); t.set('PID_POINTER_TABLE_ADDRESS', PAGE + 0xF004n); } },
  { id: 'exec.pid-pointer-table-width', how: 'PID-pointer table sets bit MAXPHYADDR', profiles: [maximal],
    change: (t) => { t.enable('proc3.IPI_VIRTUALIZATION'); t.set('PID_POINTER_TABLE_ADDRESS', 1n << t.n); } },
  // 27.2.1.2
  { id: 'exit.reserved-bits', how: 'clear exit bit 0, which IA32_VMX_TRUE_EXIT_CTLS requires (0x36DFB)',
    change: (t) => t.set('PRIMARY_VM_EXIT_CONTROLS', t.v.get('PRIMARY_VM_EXIT_CONTROLS') & ~1n) },
  { id: 'exit.reserved-bits', how: '"activate secondary controls" (bit 31) on a processor without IA32_VMX_EXIT_CTLS2',
    change: (t) => t.enable('exit.ACTIVATE_SECONDARY_CONTROLS') },
  { id: 'exit.secondary-reserved-bits', how: 'secondary VM-exit bit 63, not in IA32_VMX_EXIT_CTLS2', profiles: [maximal],
    change: (t) => { t.enable('exit.ACTIVATE_SECONDARY_CONTROLS'); t.set('SECONDARY_VM_EXIT_CONTROLS', 1n << 63n); } },
  { id: 'exit.save-preemption-timer-requires-activate', how: '"save VMX-preemption timer value" with the timer not activated',
    change: (t) => t.enable('exit.SAVE_VMX_PREEMPTION_TIMER_VALUE') },
  ...msrAreaCases('exit.msr-store', 'VM_EXIT_MSR_STORE_ADDRESS', 'VM_EXIT_MSR_STORE_COUNT'),
  ...msrAreaCases('exit.msr-load', 'VM_EXIT_MSR_LOAD_ADDRESS', 'VM_EXIT_MSR_LOAD_COUNT'),
  // 27.2.1.3
  { id: 'entry.reserved-bits', how: 'clear entry bit 0, which IA32_VMX_TRUE_ENTRY_CTLS requires (0x11FB)',
    change: (t) => t.set('VM_ENTRY_CONTROLS', t.v.get('VM_ENTRY_CONTROLS') & ~1n) },
  { id: 'entry.event-injection.type-not-reserved', how: 'interruption type 1',
    change: inject({ interruptionType: RESERVED_TYPE, vector: 0x20 }) },
  { id: 'entry.event-injection.type-not-reserved', how: 'type 7 (other event) without the "monitor trap flag" 1-setting', profiles: [noMtf],
    change: inject({ interruptionType: OTHER, vector: 0 }) },
  { id: 'entry.event-injection.nmi-vector', how: 'NMI with vector 3',
    change: inject({ interruptionType: NMI, vector: 3 }) },
  { id: 'entry.event-injection.hardware-exception-vector', how: 'hardware exception with vector 32',
    change: inject({ interruptionType: HARDWARE, vector: 32 }) },
  { id: 'entry.event-injection.other-event-vector', how: 'other event with vector 1 on a processor without FRED',
    change: inject({ interruptionType: OTHER, vector: 1 }) },
  { id: 'entry.event-injection.other-event-vector', how: 'other event with vector 2 (FRED processor) while the guest CR4 field has FRED 0', profiles: [maximal],
    change: inject({ interruptionType: OTHER, vector: 2 }) },
  { id: 'entry.event-injection.error-code-required', how: '#GP (13) into a protected-mode guest without deliver-error-code',
    change: inject({ interruptionType: HARDWARE, vector: 13, deliverErrorCode: 0 }) },
  { id: 'entry.event-injection.error-code-forbidden', how: 'external interrupt with deliver-error-code',
    change: inject({ interruptionType: EXTERNAL, vector: 0x20, deliverErrorCode: 1 }) },
  { id: 'entry.event-injection.error-code-forbidden', how: '#UD (6, no error code) with deliver-error-code',
    change: inject({ interruptionType: HARDWARE, vector: 6, deliverErrorCode: 1 }) },
  { id: 'entry.event-injection.error-code-forbidden', how: '#GP with deliver-error-code into an unrestricted guest with CR0.PE 0',
    change: (t) => {
      withEpt(t); t.enable('proc2.UNRESTRICTED_GUEST');
      t.set('GUEST_CR0', t.v.get('GUEST_CR0') & ~((1n << 31n) | 1n));
      inject({ interruptionType: HARDWARE, vector: 13, deliverErrorCode: 1 })(t);
    } },
  { id: 'entry.event-injection.reserved-bits', how: 'bit 12 of the interruption information',
    change: inject({ interruptionType: EXTERNAL, vector: 0x20 }, 1n << 12n) },
  { id: 'entry.event-injection.reserved-bits', how: 'bit 13 (nested exception) without IA32_VMX_BASIC[58]',
    change: inject({ interruptionType: HARDWARE, vector: 13, deliverErrorCode: 1 }, 1n << 13n) },
  { id: 'entry.event-injection.error-code-high-bits', how: '#GP with error code 10000H',
    change: (t) => { inject({ interruptionType: HARDWARE, vector: 13, deliverErrorCode: 1 })(t); t.set('VM_ENTRY_EXCEPTION_ERROR_CODE', 0x1_0000n); } },
  { id: 'entry.event-injection.instruction-length', how: 'software interrupt with instruction length 16',
    change: (t) => { inject({ interruptionType: SOFTWARE_INT, vector: 0x80 })(t); t.set('VM_ENTRY_INSTRUCTION_LENGTH', 16n); } },
  { id: 'entry.event-injection.instruction-length', how: 'software exception with length 0 where IA32_VMX_MISC[30] is 0', profiles: [noZeroLength],
    change: (t) => { inject({ interruptionType: 6, vector: 3 })(t); t.set('VM_ENTRY_INSTRUCTION_LENGTH', 0n); } },
  { id: 'entry.event-injection.other-event-instruction-length', how: 'FRED SYSCALL injection (other event 1) with length 16', profiles: [maximal],
    change: (t) => {
      t.set('GUEST_CR4', t.v.get('GUEST_CR4') | CR4_FRED);
      inject({ interruptionType: OTHER, vector: 1 })(t); t.set('VM_ENTRY_INSTRUCTION_LENGTH', 16n);
    } },
  ...msrAreaCases('entry.msr-load', 'VM_ENTRY_MSR_LOAD_ADDRESS', 'VM_ENTRY_MSR_LOAD_COUNT'),
  { id: 'entry.entry-to-smm-outside-smm', how: '"entry to SMM" outside SMM',
    change: (t) => t.enable('entry.ENTRY_TO_SMM') },
  { id: 'entry.deactivate-dual-monitor-outside-smm', how: '"deactivate dual-monitor treatment" outside SMM',
    change: (t) => t.enable('entry.DEACTIVATE_DUAL_MONITOR_TREATMENT') },
  { id: 'entry.entry-to-smm-and-deactivate-dual-monitor', how: 'both SMM controls 1 in SMM', inSmm: true,
    change: (t) => { t.enable('entry.ENTRY_TO_SMM'); t.enable('entry.DEACTIVATE_DUAL_MONITOR_TREATMENT'); } },
];

const controlIds = VM_ENTRY_CHECKS.filter((c) => /^(exec|exit|entry)\./.test(c.id)).map((c) => c.id);

describe('the test profiles are consistent processors (SDM Appendix A)', () => {
  it.each([maximal, noEptAd, noMtf, noZeroLength, nestedException].map((p) => [p.id, p] as const))('%s', (_id, p) => {
    expect(checkProfileConsistency(p)).toEqual([]);
  });
});

describe('the baseline VMCS passes every control check (SDM 27.2.1)', () => {
  it.each([...BUILTIN, maximal].map((p) => [p.id, p] as const))('%s', (_id, p) => {
    const ctx = context(tools(p));
    expect(controlIds.filter((id) => !CONTROL_CHECKS[id]!(ctx))).toEqual([]);
    expect(firstFailure(ctx)).toBe('pass');
  });
});

describe('each control check fails first for the smallest change that violates it (SDM 27.2.1)', () => {
  const rows = CASES.flatMap((c) => (c.profiles ?? BUILTIN).map((p) => [c.id, c.how, p.id, c, p] as const));
  it.each(rows)('%s: %s (%s)', (_id, _how, _pid, c, p) => {
    const t = tools(p);
    c.change(t);
    expect(firstFailure(context(t, { inSmm: c.inSmm ?? false }))).toBe(c.id);
  });

  it('every control check id has a case', () => {
    expect(controlIds.filter((id) => !CASES.some((c) => c.id === id))).toEqual([]);
  });
});

describe('conditions that do not apply pass (SDM 27.2.1)', () => {
  it('secondary controls are not checked while "activate secondary controls" is 0 (SDM 25.6.2)', () => {
    const t = tools(skylake);
    t.set('SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS', 1n << 31n);
    expect(firstFailure(context(t))).toBe('pass');
  });

  it('a secondary control with its field not activated counts as 0: "unrestricted guest" does not need EPT then', () => {
    const t = tools(skylake);
    t.set('SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS', controlField('proc2.UNRESTRICTED_GUEST').mask);
    expect(firstFailure(context(t))).toBe('pass');
  });

  it('TPR threshold equal to VTPR[7:4] passes', () => {
    const t = tools(skylake);
    withTprShadow(t);
    t.memory.write8(Number(PAGE + 0x3080n), 0x40);
    t.set('TPR_THRESHOLD', 4n);
    expect(firstFailure(context(t))).toBe('pass');
  });

  it('a valid posted-interrupt configuration passes', () => {
    const t = tools(skylake);
    withPostedInterrupts(t);
    expect(firstFailure(context(t))).toBe('pass');
  });

  it('FRED SYSCALL injection (other event 1) into an IA-32e guest with CR4.FRED passes the control checks', () => {
    const t = tools(maximal);
    t.set('GUEST_CR4', t.v.get('GUEST_CR4') | CR4_FRED);
    inject({ interruptionType: OTHER, vector: 1 })(t);
    t.set('VM_ENTRY_INSTRUCTION_LENGTH', 2n);
    expect(firstFailure(context(t))).toBe('pass');
  });

  it('with IA32_VMX_BASIC[58], bit 13 (nested exception) may be set', () => {
    const t = tools(nestedException);
    inject({ interruptionType: HARDWARE, vector: 13, deliverErrorCode: 1 }, 1n << 13n)(t);
    expect(firstFailure(context(t))).toBe('pass');
  });

  it('zero-length software-interrupt injection passes where IA32_VMX_MISC[30] is 1', () => {
    const t = tools(skylake);
    inject({ interruptionType: SOFTWARE_INT, vector: 0x80 })(t);
    t.set('VM_ENTRY_INSTRUCTION_LENGTH', 0n);
    expect(firstFailure(context(t))).toBe('pass');
  });

  it('#GP without an error code into an unrestricted guest with CR0.PE 0 passes', () => {
    const t = tools(skylake);
    withEpt(t);
    t.enable('proc2.UNRESTRICTED_GUEST');
    t.set('GUEST_CR0', t.v.get('GUEST_CR0') & ~((1n << 31n) | 1n));
    inject({ interruptionType: HARDWARE, vector: 13, deliverErrorCode: 0 })(t);
    expect(firstFailure(context(t))).toBe('pass');
  });

  it('MSR areas are not checked while their count is 0', () => {
    const t = tools(skylake);
    t.set('VM_EXIT_MSR_STORE_ADDRESS', 1n << 63n);
    t.set('VM_EXIT_MSR_LOAD_ADDRESS', 0x7n);
    t.set('VM_ENTRY_MSR_LOAD_ADDRESS', 0x9n);
    expect(firstFailure(context(t))).toBe('pass');
  });

  it('in SMM "entry to SMM" alone passes the control checks', () => {
    const t = tools(skylake);
    t.enable('entry.ENTRY_TO_SMM');
    expect(firstFailure(context(t, { inSmm: true }))).toBe('pass');
  });
});

describe('CONTROL_CHECKS covers its catalogue area', () => {
  it('every exec/exit/entry check id of the catalogue has a predicate, and nothing else', () => {
    expect(controlIds.filter((id) => CONTROL_CHECKS[id] === undefined)).toEqual([]);
    expect(Object.keys(CONTROL_CHECKS).filter((id) => !(controlIds as string[]).includes(id))).toEqual([]);
    expect(controlIds).toHaveLength(93);
  });
});
