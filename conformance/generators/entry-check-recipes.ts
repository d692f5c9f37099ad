// Violation recipes of the VM-entry checks (SDM 27.2-27.4), derived by hand from the SDM: per check id,
// the smallest change to the canonical VMCS (conformance/baseline.ts) that makes exactly that check the
// first to fail in SDM order. Both the model's unit tests (model/vmx/checks/*.test.ts, which assert the
// failing check id) and the conformance generator entry-checks.ts (which asserts the architectural
// outcome of VMLAUNCH) read this one list. Nothing here is computed by running the model.
//
// A recipe is applied in this order: `fields` written, `bits` set/cleared in the baseline's value,
// `controls` set then cleared (each control of a secondary/tertiary/VM-function group brings the control
// that activates its field, SDM 25.6.2, 25.6.14, 25.7.1), then `memory` written.
//
// Values that depend on the processor are written for the built-in profiles and say so:
// MAXPHYADDR 46 (CPUID.80000008H:EAX[7:0] of skylake-server and ice-lake-server; a test keeps it so)
// and non-canonical addresses use bit 60 alone, which is not canonical at 48 or 57 linear-address bits.
import {
  type Condition, type ControlRef, type CpuProfile, VM_ENTRY_CHECKS, type VmEntryCheckId, packEptEptp, packVmcsVmEntryInterruptionInformation,
} from '../../model/generated/index.js';
import { BASELINE_MEMORY } from '../baseline.js';

/** Profile variants of the unit tests (model/vmx/checks/test-support.ts): a case cannot ask for them. */
export type VariantId =
  | 'all-features' | 'no-ept-ad' | 'no-mtf' | 'no-zero-length-injection' | 'cet' | 'fred' | 'lbr' | 'pkrs' | 'uinv' | 'rtit';

export interface BitChange { readonly set?: bigint; readonly clear?: bigint }

export type MemoryWrite =
  | { readonly address: number; readonly bytes: string }
  /** The processor's VMCS revision identifier (IA32_VMX_BASIC[30:0]), with bit 31 for a shadow VMCS (SDM 25.2). */
  | { readonly address: number; readonly revisionId: 'ordinary' | 'shadow' };

export interface Recipe {
  readonly check: VmEntryCheckId;
  /** The change, in words (SDM terms). */
  readonly how: string;
  readonly fields?: Readonly<Record<string, bigint>>;
  readonly bits?: Readonly<Record<string, BitChange>>;
  readonly controls?: { readonly set?: readonly ControlRef[]; readonly clear?: readonly ControlRef[] };
  readonly memory?: readonly MemoryWrite[];
  /** Capabilities the profile must have / must lack (as a case's requires/excludes). */
  readonly requires?: readonly Condition[];
  readonly excludes?: readonly Condition[];
  /** Only on this capability variant of Skylake-SP (a case asks for it as its profile). */
  readonly variant?: VariantId;
  /** The logical processor is in SMM: unit-test-only unless `stm` says a case can reach it. */
  readonly inSmm?: boolean;
  /** A case runs the VM entry as the SMM-transfer monitor (setup.smm "stm": in SMM, executive-VMCS pointer = VMXON pointer). */
  readonly stm?: boolean;
  /** IA32_EFER.LMA at VMLAUNCH (SDM 27.2.4); absent: unknown, the mode-dependent checks do not apply. */
  readonly ia32eMode?: boolean;
  /** MSR-load checks: the 1-based index of the failing entry (the exit qualification, SDM 27.8). */
  readonly msrIndex?: number;
  /** Implementation choices of the profile (its `implementation`, SDM-allowed) the recipe needs; a case asks for them as its profile. */
  readonly implementation?: NonNullable<CpuProfile['implementation']>;
  /** Why the recipe cannot be a conformance case, where that is not a variant or SMM. */
  readonly unitTestOnly?: string;
}

// ---- building blocks

type Part = Omit<Partial<Recipe>, 'check' | 'how'>;

/** The control that activates a control's field (SDM 25.6.2, 25.7.1, 25.6.14). */
const ACTIVATOR: Partial<Record<string, ControlRef>> = {
  proc2: 'proc.ACTIVATE_SECONDARY_CONTROLS', proc3: 'proc.ACTIVATE_TERTIARY_CONTROLS',
  exit2: 'exit.ACTIVATE_SECONDARY_CONTROLS', vmfunc: 'proc2.ENABLE_VM_FUNCTIONS',
};
function withActivators(ref: ControlRef): ControlRef[] {
  const a = ACTIVATOR[ref.split('.')[0]!];
  return a ? [...withActivators(a), ref] : [ref];
}

function merge(parts: readonly Part[]): Part {
  const out: {
    fields: Record<string, bigint>; bits: Record<string, { set: bigint; clear: bigint }>;
    set: ControlRef[]; clear: ControlRef[]; memory: MemoryWrite[]; rest: Part;
  } = { fields: {}, bits: {}, set: [], clear: [], memory: [], rest: {} };
  for (const p of parts) {
    Object.assign(out.fields, p.fields ?? {});
    for (const [id, b] of Object.entries(p.bits ?? {})) {
      const cur = out.bits[id] ?? { set: 0n, clear: 0n };
      out.bits[id] = { set: (cur.set & ~(b.clear ?? 0n)) | (b.set ?? 0n), clear: (cur.clear & ~(b.set ?? 0n)) | (b.clear ?? 0n) };
    }
    for (const c of p.controls?.set ?? []) if (!out.set.includes(c)) out.set.push(c);
    for (const c of p.controls?.clear ?? []) if (!out.clear.includes(c)) out.clear.push(c);
    out.memory.push(...(p.memory ?? []));
    const { fields: _f, bits: _b, controls: _c, memory: _m, ...rest } = p;
    Object.assign(out.rest, rest);
  }
  const bits = Object.fromEntries(Object.entries(out.bits).map(([id, b]) => [id, {
    ...(b.set !== 0n ? { set: b.set } : {}), ...(b.clear !== 0n ? { clear: b.clear } : {}),
  }]));
  return {
    ...out.rest,
    ...(Object.keys(out.fields).length ? { fields: out.fields } : {}),
    ...(Object.keys(bits).length ? { bits } : {}),
    ...(out.set.length || out.clear.length ? { controls: { ...(out.set.length ? { set: out.set } : {}), ...(out.clear.length ? { clear: out.clear } : {}) } } : {}),
    ...(out.memory.length ? { memory: out.memory } : {}),
  };
}

function r(check: string, how: string, ...parts: Part[]): Recipe {
  return { check: check as VmEntryCheckId, how, ...merge(parts) };
}
const set = (id: string, value: bigint): Part => ({ fields: { [id]: value } });
const or = (id: string, bits: bigint): Part => ({ bits: { [id]: { set: bits } } });
const andNot = (id: string, bits: bigint): Part => ({ bits: { [id]: { clear: bits } } });
const enable = (...refs: ControlRef[]): Part => ({ controls: { set: refs.flatMap(withActivators) } });
const disable = (...refs: ControlRef[]): Part => ({ controls: { clear: refs } });
const variant = (v: VariantId): Part => ({ variant: v });
const requires = (...c: Condition[]): Part => ({ requires: c });
const excludes = (...c: Condition[]): Part => ({ excludes: c });
/** Little-endian bytes of a value, as hex. */
function le(value: bigint, bytes: number): string {
  let s = '';
  for (let i = 0; i < bytes; i++) s += ((value >> BigInt(8 * i)) & 0xFFn).toString(16).toUpperCase().padStart(2, '0');
  return s;
}
const mem = (address: number | bigint, value: bigint, bytes: number): Part => ({ memory: [{ address: Number(address), bytes: le(value, bytes) }] });

/** MAXPHYADDR of the built-in profiles (CPUID.80000008H:EAX[7:0]). */
export const MAXPHYADDR = 46n;
const N = MAXPHYADDR;
/** Bits 63:47 (and 63:56) not all equal: not canonical with 48- or 57-bit linear addresses (Vol. 1 3.3.7.1). */
export const NON_CANONICAL = 1n << 60n;

// ==== 27.2.1 VMX controls

const PAGE = 0x50_0000n; // free memory above the baseline's structures
const EPTP_WB_4 = packEptEptp({ memoryType: 6, pageWalkLength: 3, physicalAddress: 0x510n });
const withEpt: Part = merge([enable('proc2.ENABLE_EPT'), set('EPT_POINTER', EPTP_WB_4)]);
const withTprShadow: Part = merge([enable('proc.USE_TPR_SHADOW'), set('VIRTUAL_APIC_ADDRESS', PAGE + 0x3000n)]);
/** Posted interrupts with every prerequisite of 27.2.1.1 met. */
const withPostedInterrupts: Part = merge([
  withTprShadow,
  enable('pin.EXTERNAL_INTERRUPT_EXITING', 'proc2.VIRTUAL_INTERRUPT_DELIVERY', 'exit.ACKNOWLEDGE_INTERRUPT_ON_EXIT', 'pin.PROCESS_POSTED_INTERRUPTS'),
  set('POSTED_INTERRUPT_NOTIFICATION_VECTOR', 0xF2n), set('POSTED_INTERRUPT_DESCRIPTOR_ADDRESS', PAGE + 0x5000n),
]);
const inject = (fields: Parameters<typeof packVmcsVmEntryInterruptionInformation>[0], extra = 0n): Part =>
  set('VM_ENTRY_INTERRUPTION_INFORMATION', BigInt(packVmcsVmEntryInterruptionInformation({ valid: true, ...fields })) | extra);
// Interruption types (SDM 25.8.3, Table 25-17).
const EXTERNAL = 0, RESERVED_TYPE = 1, NMI_TYPE = 2, HARDWARE = 3, SOFTWARE_INT = 4, SOFTWARE_EXC = 6, OTHER = 7;
const CR4_FRED = 1n << 32n;

/** One MSR-area trio of 27.2.1.2/27.2.1.3: misaligned, beyond MAXPHYADDR, last byte beyond MAXPHYADDR. */
function msrAreaRecipes(prefix: 'exit.msr-store' | 'exit.msr-load' | 'entry.msr-load', address: string, count: string): Recipe[] {
  return [
    r(`${prefix}-address-aligned`, 'count 1, address 8 bytes past a 16-byte boundary', set(count, 1n), set(address, PAGE + 0xD008n)),
    r(`${prefix}-address-width`, 'count 1, address sets bit MAXPHYADDR', set(count, 1n), set(address, 1n << N)),
    r(`${prefix}-area-end-width`, 'count 2 from 16 bytes below 2^MAXPHYADDR: the last byte crosses it', set(count, 2n), set(address, (1n << N) - 16n)),
  ];
}

export const CONTROL_RECIPES: readonly Recipe[] = [
  // 27.2.1.1
  r('exec.pin-reserved-bits', 'clear pin bit 1, which IA32_VMX_TRUE_PINBASED_CTLS requires (0x16)', andNot('PIN_BASED_VM_EXECUTION_CONTROLS', 2n)),
  r('exec.pin-reserved-bits', 'set pin bit 8, which IA32_VMX_PINBASED_CTLS does not allow (allowed-1 0xFF)', or('PIN_BASED_VM_EXECUTION_CONTROLS', 0x100n)),
  r('exec.proc-reserved-bits', 'set primary bit 0, not in allowed-1 0xFFF9FFFE', or('PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS', 1n)),
  r('exec.proc-reserved-bits', '"activate tertiary controls" (bit 17) on a processor without IA32_VMX_PROCBASED_CTLS3',
    enable('proc.ACTIVATE_TERTIARY_CONTROLS'), excludes({ control: 'proc.ACTIVATE_TERTIARY_CONTROLS' })),
  r('exec.proc2-reserved-bits', 'secondary bit 31 ("instruction timeout"), which IA32_VMX_PROCBASED_CTLS2 does not offer',
    enable('proc2.INSTRUCTION_TIMEOUT'), excludes({ control: 'proc2.INSTRUCTION_TIMEOUT' })),
  r('exec.proc3-reserved-bits', 'tertiary bit 63, reserved (not in IA32_VMX_PROCBASED_CTLS3)', variant('all-features'),
    enable('proc.ACTIVATE_TERTIARY_CONTROLS'), set('TERTIARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS', 1n << 63n)),
  r('exec.cr3-target-count', 'CR3-target count 5 where IA32_VMX_MISC[24:16] = 4', set('CR3_TARGET_COUNT', 5n)),
  r('exec.io-bitmap-a-aligned', 'I/O bitmap A at page + 800H', enable('proc.USE_IO_BITMAPS'), set('IO_BITMAP_A_ADDRESS', PAGE + 0x800n), set('IO_BITMAP_B_ADDRESS', PAGE + 0x1000n)),
  r('exec.io-bitmap-b-aligned', 'I/O bitmap B at page + 10H', enable('proc.USE_IO_BITMAPS'), set('IO_BITMAP_A_ADDRESS', PAGE), set('IO_BITMAP_B_ADDRESS', PAGE + 0x1010n)),
  r('exec.io-bitmap-a-width', 'I/O bitmap A sets bit MAXPHYADDR', enable('proc.USE_IO_BITMAPS'), set('IO_BITMAP_A_ADDRESS', 1n << N), set('IO_BITMAP_B_ADDRESS', PAGE + 0x1000n)),
  r('exec.io-bitmap-b-width', 'I/O bitmap B sets bit 63', enable('proc.USE_IO_BITMAPS'), set('IO_BITMAP_A_ADDRESS', PAGE), set('IO_BITMAP_B_ADDRESS', 1n << 63n)),
  r('exec.msr-bitmap-aligned', 'MSR bitmap at page + 4', enable('proc.USE_MSR_BITMAPS'), set('MSR_BITMAPS_ADDRESS', PAGE + 0x2004n)),
  r('exec.msr-bitmap-width', 'MSR bitmap sets bit MAXPHYADDR', enable('proc.USE_MSR_BITMAPS'), set('MSR_BITMAPS_ADDRESS', (1n << N) | (PAGE + 0x2000n))),
  r('exec.virtual-apic-address-aligned', 'virtual-APIC page at page + 80H', enable('proc.USE_TPR_SHADOW'), set('VIRTUAL_APIC_ADDRESS', PAGE + 0x3080n)),
  r('exec.virtual-apic-address-width', 'virtual-APIC address sets bit MAXPHYADDR', enable('proc.USE_TPR_SHADOW'), set('VIRTUAL_APIC_ADDRESS', 1n << N)),
  r('exec.tpr-threshold-reserved-bits', 'TPR threshold 10H (bit 4 set) with "use TPR shadow" 1', withTprShadow, set('TPR_THRESHOLD', 0x10n)),
  r('exec.tpr-threshold-vs-vtpr', 'TPR threshold 4 above VTPR[7:4] = 3', withTprShadow, mem(PAGE + 0x3080n, 0x30n, 1), set('TPR_THRESHOLD', 4n)),
  r('exec.virtual-nmis-requires-nmi-exiting', '"virtual NMIs" 1 with "NMI exiting" 0', enable('pin.VIRTUAL_NMIS')),
  r('exec.nmi-window-exiting-requires-virtual-nmis', '"NMI-window exiting" 1 with "virtual NMIs" 0', enable('proc.NMI_WINDOW_EXITING')),
  r('exec.apic-access-address-aligned', 'APIC-access page at page + 1', enable('proc2.VIRTUALIZE_APIC_ACCESSES'), set('APIC_ACCESS_ADDRESS', PAGE + 0x4001n)),
  r('exec.apic-access-address-width', 'APIC-access address sets bit MAXPHYADDR', enable('proc2.VIRTUALIZE_APIC_ACCESSES'), set('APIC_ACCESS_ADDRESS', 1n << N)),
  r('exec.x2apic-mode-requires-tpr-shadow', '"virtualize x2APIC mode" 1 with "use TPR shadow" 0', enable('proc2.VIRTUALIZE_X2APIC_MODE')),
  r('exec.apic-register-virtualization-requires-tpr-shadow', '"APIC-register virtualization" 1 with "use TPR shadow" 0', enable('proc2.APIC_REGISTER_VIRTUALIZATION')),
  r('exec.virtual-interrupt-delivery-requires-tpr-shadow', '"virtual-interrupt delivery" 1 with "use TPR shadow" 0',
    enable('pin.EXTERNAL_INTERRUPT_EXITING', 'proc2.VIRTUAL_INTERRUPT_DELIVERY')),
  r('exec.x2apic-mode-excludes-apic-access-virtualization', 'x2APIC virtualization and APIC-access virtualization both 1',
    withTprShadow, enable('proc2.VIRTUALIZE_X2APIC_MODE', 'proc2.VIRTUALIZE_APIC_ACCESSES'), set('APIC_ACCESS_ADDRESS', PAGE + 0x4000n)),
  r('exec.virtual-interrupt-delivery-requires-external-interrupt-exiting', '"virtual-interrupt delivery" 1 with "external-interrupt exiting" 0',
    withTprShadow, enable('proc2.VIRTUAL_INTERRUPT_DELIVERY')),
  r('exec.posted-interrupts.requires-virtual-interrupt-delivery', '"process posted interrupts" 1 alone', enable('pin.PROCESS_POSTED_INTERRUPTS')),
  r('exec.posted-interrupts.requires-acknowledge-interrupt-on-exit', 'posted interrupts with "acknowledge interrupt on exit" 0',
    withPostedInterrupts, disable('exit.ACKNOWLEDGE_INTERRUPT_ON_EXIT')),
  r('exec.posted-interrupts.notification-vector-range', 'notification vector 100H', withPostedInterrupts, set('POSTED_INTERRUPT_NOTIFICATION_VECTOR', 0x1F2n)),
  r('exec.posted-interrupts.descriptor-address-aligned', 'descriptor at a 32-byte (not 64-byte) boundary', withPostedInterrupts, set('POSTED_INTERRUPT_DESCRIPTOR_ADDRESS', PAGE + 0x5020n)),
  r('exec.posted-interrupts.descriptor-address-width', 'descriptor address sets bit MAXPHYADDR', withPostedInterrupts, set('POSTED_INTERRUPT_DESCRIPTOR_ADDRESS', 1n << N)),
  r('exec.vpid-nonzero', '"enable VPID" with VPID 0000H', enable('proc2.ENABLE_VPID'), set('VIRTUAL_PROCESSOR_IDENTIFIER', 0n)),
  r('exec.eptp.memory-type', 'EPTP memory type 1 (WC), which IA32_VMX_EPT_VPID_CAP never offers',
    withEpt, set('EPT_POINTER', packEptEptp({ memoryType: 1, pageWalkLength: 3, physicalAddress: 0x510n }))),
  r('exec.eptp.page-walk-length', 'EPTP page-walk length 2 (field 1)', withEpt, set('EPT_POINTER', packEptEptp({ memoryType: 6, pageWalkLength: 1, physicalAddress: 0x510n }))),
  r('exec.eptp.accessed-dirty-flags', 'EPTP bit 6 where IA32_VMX_EPT_VPID_CAP[21] is 0', variant('no-ept-ad'), withEpt, set('EPT_POINTER', EPTP_WB_4 | (1n << 6n))),
  r('exec.eptp.supervisor-shadow-stack', 'EPTP bit 7 where IA32_VMX_EPT_VPID_CAP[23] is 0', withEpt, set('EPT_POINTER', EPTP_WB_4 | (1n << 7n))),
  r('exec.eptp.reserved-bits', 'EPTP bit 8', withEpt, set('EPT_POINTER', EPTP_WB_4 | (1n << 8n))),
  r('exec.eptp.reserved-bits', 'EPTP bit MAXPHYADDR', withEpt, set('EPT_POINTER', EPTP_WB_4 | (1n << N))),
  r('exec.pml-requires-ept', '"enable PML" with "enable EPT" 0', enable('proc2.ENABLE_PML')),
  r('exec.pml-address-aligned', 'PML address at page + 8', withEpt, enable('proc2.ENABLE_PML'), set('PML_ADDRESS', PAGE + 0x6008n)),
  r('exec.pml-address-width', 'PML address sets bit MAXPHYADDR', withEpt, enable('proc2.ENABLE_PML'), set('PML_ADDRESS', 1n << N)),
  r('exec.unrestricted-guest-requires-ept', '"unrestricted guest" with "enable EPT" 0', enable('proc2.UNRESTRICTED_GUEST')),
  r('exec.mode-based-execute-requires-ept', 'mode-based execute control with "enable EPT" 0', variant('all-features'), enable('proc2.MODE_BASED_EXECUTE_CONTROL_FOR_EPT')),
  r('exec.sub-page-write-requires-ept', 'sub-page write permissions with "enable EPT" 0', variant('all-features'), enable('proc2.SUB_PAGE_WRITE_PERMISSIONS_FOR_EPT')),
  r('exec.spptp-aligned', 'SPPTP at page + 1', variant('all-features'), withEpt, enable('proc2.SUB_PAGE_WRITE_PERMISSIONS_FOR_EPT'), set('SUB_PAGE_PERMISSION_TABLE_POINTER', PAGE + 0x7001n)),
  r('exec.spptp-width', 'SPPTP sets bit MAXPHYADDR', variant('all-features'), withEpt, enable('proc2.SUB_PAGE_WRITE_PERMISSIONS_FOR_EPT'), set('SUB_PAGE_PERMISSION_TABLE_POINTER', 1n << N)),
  r('exec.vmfunc-reserved-bits', 'VM-function control bit 1, not in IA32_VMX_VMFUNC (1)', enable('proc2.ENABLE_VM_FUNCTIONS'), set('VM_FUNCTION_CONTROLS', 2n)),
  r('exec.eptp-switching-requires-ept', 'EPTP switching with "enable EPT" 0', enable('vmfunc.EPTP_SWITCHING'), set('EPTP_LIST_ADDRESS', PAGE + 0x8000n)),
  r('exec.eptp-list-address-aligned', 'EPTP list at page + 8', withEpt, enable('vmfunc.EPTP_SWITCHING'), set('EPTP_LIST_ADDRESS', PAGE + 0x8008n)),
  r('exec.eptp-list-address-width', 'EPTP list sets bit MAXPHYADDR', withEpt, enable('vmfunc.EPTP_SWITCHING'), set('EPTP_LIST_ADDRESS', 1n << N)),
  r('exec.vmread-bitmap-aligned', 'VMREAD bitmap at page + 800H', enable('proc2.VMCS_SHADOWING'), set('VMREAD_BITMAP_ADDRESS', PAGE + 0x9800n), set('VMWRITE_BITMAP_ADDRESS', PAGE + 0xA000n)),
  r('exec.vmread-bitmap-width', 'VMREAD bitmap sets bit MAXPHYADDR', enable('proc2.VMCS_SHADOWING'), set('VMREAD_BITMAP_ADDRESS', 1n << N), set('VMWRITE_BITMAP_ADDRESS', PAGE + 0xA000n)),
  r('exec.vmwrite-bitmap-aligned', 'VMWRITE bitmap at page + 1', enable('proc2.VMCS_SHADOWING'), set('VMREAD_BITMAP_ADDRESS', PAGE + 0x9000n), set('VMWRITE_BITMAP_ADDRESS', PAGE + 0xA001n)),
  r('exec.vmwrite-bitmap-width', 'VMWRITE bitmap sets bit MAXPHYADDR', enable('proc2.VMCS_SHADOWING'), set('VMREAD_BITMAP_ADDRESS', PAGE + 0x9000n), set('VMWRITE_BITMAP_ADDRESS', 1n << N)),
  r('exec.ve-information-address-aligned', '#VE information area at page + 4', enable('proc2.EPT_VIOLATION_VE'), set('VIRTUALIZATION_EXCEPTION_INFORMATION_ADDRESS', PAGE + 0xB004n)),
  r('exec.ve-information-address-width', '#VE information address sets bit MAXPHYADDR', enable('proc2.EPT_VIOLATION_VE'), set('VIRTUALIZATION_EXCEPTION_INFORMATION_ADDRESS', 1n << N)),
  r('exec.pt-guest-physical-requires-ept', '"Intel PT uses guest physical addresses" with "enable EPT" 0', variant('all-features'),
    enable('proc2.PT_USES_GUEST_PHYSICAL_ADDRESSES', 'entry.LOAD_IA32_RTIT_CTL', 'exit.CLEAR_IA32_RTIT_CTL')),
  r('exec.pt-guest-physical-requires-load-rtit-ctl', 'PT uses guest physical addresses without "load IA32_RTIT_CTL"', variant('all-features'),
    withEpt, enable('proc2.PT_USES_GUEST_PHYSICAL_ADDRESSES', 'exit.CLEAR_IA32_RTIT_CTL')),
  r('exec.pt-guest-physical-requires-clear-rtit-ctl', 'PT uses guest physical addresses without "clear IA32_RTIT_CTL"', variant('all-features'),
    withEpt, enable('proc2.PT_USES_GUEST_PHYSICAL_ADDRESSES', 'entry.LOAD_IA32_RTIT_CTL')),
  r('exec.low-pasid-directory-address-aligned', 'low PASID directory at page + 10H', variant('all-features'),
    enable('proc2.PASID_TRANSLATION'), set('LOW_PASID_DIRECTORY_ADDRESS', PAGE + 0xC010n), set('HIGH_PASID_DIRECTORY_ADDRESS', PAGE + 0xD000n)),
  r('exec.low-pasid-directory-address-width', 'low PASID directory sets bit MAXPHYADDR', variant('all-features'),
    enable('proc2.PASID_TRANSLATION'), set('LOW_PASID_DIRECTORY_ADDRESS', 1n << N), set('HIGH_PASID_DIRECTORY_ADDRESS', PAGE + 0xD000n)),
  r('exec.high-pasid-directory-address-aligned', 'high PASID directory at page + 10H', variant('all-features'),
    enable('proc2.PASID_TRANSLATION'), set('LOW_PASID_DIRECTORY_ADDRESS', PAGE + 0xC000n), set('HIGH_PASID_DIRECTORY_ADDRESS', PAGE + 0xD010n)),
  r('exec.high-pasid-directory-address-width', 'high PASID directory sets bit MAXPHYADDR', variant('all-features'),
    enable('proc2.PASID_TRANSLATION'), set('LOW_PASID_DIRECTORY_ADDRESS', PAGE + 0xC000n), set('HIGH_PASID_DIRECTORY_ADDRESS', 1n << N)),
  r('exec.hlat-requires-ept', '"enable HLAT" with "enable EPT" 0', variant('all-features'), enable('proc3.ENABLE_HLAT')),
  r('exec.hlatp-reserved-bits', 'HLATP bit 5', variant('all-features'), withEpt, enable('proc3.ENABLE_HLAT'), set('HLAT_POINTER', PAGE + 0xE020n)),
  r('exec.hlatp-width', 'HLATP sets bit MAXPHYADDR', variant('all-features'), withEpt, enable('proc3.ENABLE_HLAT'), set('HLAT_POINTER', (1n << N) | (PAGE + 0xE018n))),
  r('exec.ept-paging-write-requires-ept', '"EPT paging-write control" with "enable EPT" 0', variant('all-features'), enable('proc3.EPT_PAGING_WRITE_CONTROL')),
  r('exec.guest-paging-verification-requires-ept', '"guest-paging verification" with "enable EPT" 0', variant('all-features'), enable('proc3.GUEST_PAGING_VERIFICATION')),
  r('exec.pid-pointer-table-aligned', 'PID-pointer table at page + 4', variant('all-features'), enable('proc3.IPI_VIRTUALIZATION'), set('PID_POINTER_TABLE_ADDRESS', PAGE + 0xF004n)),
  r('exec.pid-pointer-table-width', 'PID-pointer table sets bit MAXPHYADDR', variant('all-features'), enable('proc3.IPI_VIRTUALIZATION'), set('PID_POINTER_TABLE_ADDRESS', 1n << N)),
  // 27.2.1.2
  r('exit.reserved-bits', 'clear exit bit 0, which IA32_VMX_TRUE_EXIT_CTLS requires (0x36DFB)', andNot('PRIMARY_VM_EXIT_CONTROLS', 1n)),
  r('exit.reserved-bits', '"activate secondary controls" (bit 31) on a processor without IA32_VMX_EXIT_CTLS2',
    enable('exit.ACTIVATE_SECONDARY_CONTROLS'), excludes({ control: 'exit.ACTIVATE_SECONDARY_CONTROLS' })),
  r('exit.secondary-reserved-bits', 'secondary VM-exit bit 63, not in IA32_VMX_EXIT_CTLS2', variant('all-features'),
    enable('exit.ACTIVATE_SECONDARY_CONTROLS'), set('SECONDARY_VM_EXIT_CONTROLS', 1n << 63n)),
  r('exit.save-preemption-timer-requires-activate', '"save VMX-preemption timer value" with the timer not activated', enable('exit.SAVE_VMX_PREEMPTION_TIMER_VALUE')),
  ...msrAreaRecipes('exit.msr-store', 'VM_EXIT_MSR_STORE_ADDRESS', 'VM_EXIT_MSR_STORE_COUNT'),
  ...msrAreaRecipes('exit.msr-load', 'VM_EXIT_MSR_LOAD_ADDRESS', 'VM_EXIT_MSR_LOAD_COUNT'),
  // 27.2.1.3
  r('entry.reserved-bits', 'clear entry bit 0, which IA32_VMX_TRUE_ENTRY_CTLS requires (0x11FB)', andNot('VM_ENTRY_CONTROLS', 1n)),
  r('entry.event-injection.type-not-reserved', 'interruption type 1', inject({ interruptionType: RESERVED_TYPE, vector: 0x20 })),
  r('entry.event-injection.type-not-reserved', 'type 7 (other event) without the "monitor trap flag" 1-setting', variant('no-mtf'), inject({ interruptionType: OTHER, vector: 0 })),
  r('entry.event-injection.nmi-vector', 'NMI with vector 3', inject({ interruptionType: NMI_TYPE, vector: 3 })),
  r('entry.event-injection.hardware-exception-vector', 'hardware exception with vector 32', inject({ interruptionType: HARDWARE, vector: 32 })),
  r('entry.event-injection.other-event-vector', 'other event with vector 1 on a processor without FRED', inject({ interruptionType: OTHER, vector: 1 })),
  r('entry.event-injection.other-event-vector', 'other event with vector 2 (FRED processor) while the guest CR4 field has FRED 0', variant('all-features'),
    inject({ interruptionType: OTHER, vector: 2 })),
  r('entry.event-injection.error-code-required', '#GP (13) into a protected-mode guest without deliver-error-code', inject({ interruptionType: HARDWARE, vector: 13, deliverErrorCode: 0 })),
  r('entry.event-injection.error-code-forbidden', 'external interrupt with deliver-error-code', inject({ interruptionType: EXTERNAL, vector: 0x20, deliverErrorCode: 1 })),
  r('entry.event-injection.error-code-forbidden', '#UD (6, no error code) with deliver-error-code', inject({ interruptionType: HARDWARE, vector: 6, deliverErrorCode: 1 })),
  r('entry.event-injection.error-code-forbidden', '#GP with deliver-error-code into an unrestricted guest with CR0.PE 0',
    withEpt, enable('proc2.UNRESTRICTED_GUEST'), andNot('GUEST_CR0', (1n << 31n) | 1n), inject({ interruptionType: HARDWARE, vector: 13, deliverErrorCode: 1 })),
  r('entry.event-injection.reserved-bits', 'bit 12 of the interruption information', inject({ interruptionType: EXTERNAL, vector: 0x20 }, 1n << 12n)),
  r('entry.event-injection.reserved-bits', 'bit 13 (nested exception) without IA32_VMX_BASIC[58]',
    inject({ interruptionType: HARDWARE, vector: 13, deliverErrorCode: 1 }, 1n << 13n)),
  r('entry.event-injection.error-code-high-bits', '#GP with error code 10000H',
    inject({ interruptionType: HARDWARE, vector: 13, deliverErrorCode: 1 }), set('VM_ENTRY_EXCEPTION_ERROR_CODE', 0x1_0000n)),
  r('entry.event-injection.instruction-length', 'software interrupt with instruction length 16',
    inject({ interruptionType: SOFTWARE_INT, vector: 0x80 }), set('VM_ENTRY_INSTRUCTION_LENGTH', 16n)),
  r('entry.event-injection.instruction-length', 'software exception with length 0 where IA32_VMX_MISC[30] is 0', variant('no-zero-length-injection'),
    inject({ interruptionType: SOFTWARE_EXC, vector: 3 }), set('VM_ENTRY_INSTRUCTION_LENGTH', 0n)),
  r('entry.event-injection.other-event-instruction-length', 'FRED SYSCALL injection (other event 1) with length 16', variant('all-features'),
    or('GUEST_CR4', CR4_FRED), inject({ interruptionType: OTHER, vector: 1 }), set('VM_ENTRY_INSTRUCTION_LENGTH', 16n)),
  ...msrAreaRecipes('entry.msr-load', 'VM_ENTRY_MSR_LOAD_ADDRESS', 'VM_ENTRY_MSR_LOAD_COUNT'),
  r('entry.entry-to-smm-outside-smm', '"entry to SMM" outside SMM', enable('entry.ENTRY_TO_SMM')),
  r('entry.deactivate-dual-monitor-outside-smm', '"deactivate dual-monitor treatment" outside SMM', enable('entry.DEACTIVATE_DUAL_MONITOR_TREATMENT')),
  r('entry.entry-to-smm-and-deactivate-dual-monitor', 'both SMM controls 1 in SMM', { inSmm: true, stm: true },
    enable('entry.ENTRY_TO_SMM', 'entry.DEACTIVATE_DUAL_MONITOR_TREATMENT')),
];

// ==== 27.2.2-27.2.4 host state

const CR0_NE = 1n << 5n, CR0_WP = 1n << 16n;
const CR4_PAE = 1n << 5n, CR4_VMXE = 1n << 13n, CR4_PCIDE = 1n << 17n, CR4_CET = 1n << 23n;
const EFER_LME = 1n << 8n, EFER_LMA = 1n << 10n;
const withLoadFred = enable('exit2.LOAD_FRED');
/** A host with "host address-space size" 0 and a guest that is not IA-32e: a legacy (32-bit) host. */
const legacyHost = disable('exit.HOST_ADDRESS_SPACE_SIZE', 'entry.IA32E_MODE_GUEST');
/** The runner executes VMLAUNCH in 64-bit mode, so IA32_EFER.LMA is 1 there (SDM 27.2.4). */
const LEGACY_HOST_ONLY = 'never the first failing check when IA32_EFER.LMA is known at VMLAUNCH: with LMA = 1 host.in-ia32e-mode.host-address-space-size-one fails first, with LMA = 0 host.outside-ia32e-mode.ia32e-mode-guest-zero';

const selectorRecipes = ([['CS', 0x0Bn], ['SS', 0x14n], ['DS', 0x11n], ['ES', 0x12n], ['FS', 0x13n], ['GS', 0x16n], ['TR', 0x1Cn]] as const)
  .map(([seg, value]) => r(`host.${seg.toLowerCase()}-selector-rpl-ti-zero`, `${seg} selector ${value.toString(16).toUpperCase()}H (RPL or TI set)`, set(`HOST_${seg}_SELECTOR`, value)));
const baseRecipes = (['FS', 'GS', 'GDTR', 'IDTR', 'TR'] as const)
  .map((reg) => r(`host.${reg.toLowerCase()}-base-canonical`, `${reg} base 1000000000000000H (non-canonical)`, set(`HOST_${reg}_BASE`, NON_CANONICAL)));

export const HOST_RECIPES: readonly Recipe[] = [
  // 27.2.2
  r('host.cr0-fixed-bits', 'CR0.NE 0 where IA32_VMX_CR0_FIXED0 (80000021H) fixes it to 1', andNot('HOST_CR0', CR0_NE)),
  r('host.cr0-fixed-bits', 'CR0 bit 32 where IA32_VMX_CR0_FIXED1 (FFFFFFFFH) fixes it to 0', or('HOST_CR0', 1n << 32n)),
  r('host.cr4-fixed-bits', 'CR4.VMXE 0 where IA32_VMX_CR4_FIXED0 (2000H) fixes it to 1', andNot('HOST_CR4', CR4_VMXE)),
  r('host.cr4-fixed-bits', 'CR4.CET where IA32_VMX_CR4_FIXED1 has bit 23 clear', or('HOST_CR4', CR4_CET)),
  r('host.cr4-cet-requires-cr0-wp', 'CR4.CET 1 with CR0.WP 0 (CET settable)', variant('all-features'), andNot('HOST_CR0', CR0_WP), or('HOST_CR4', CR4_CET)),
  r('host.cr3-reserved-bits', 'CR3 bit MAXPHYADDR', or('HOST_CR3', 1n << N)),
  r('host.cr3-reserved-bits', 'CR3 bit 63', or('HOST_CR3', 1n << 63n)),
  r('host.ia32-sysenter-esp-canonical', 'IA32_SYSENTER_ESP non-canonical', set('HOST_IA32_SYSENTER_ESP', NON_CANONICAL)),
  r('host.ia32-sysenter-eip-canonical', 'IA32_SYSENTER_EIP non-canonical', set('HOST_IA32_SYSENTER_EIP', NON_CANONICAL)),
  r('host.ia32-s-cet-canonical', '"load CET state" with IA32_S_CET non-canonical', variant('all-features'), enable('exit.LOAD_CET_STATE'), set('HOST_IA32_S_CET', NON_CANONICAL)),
  r('host.ia32-interrupt-ssp-table-addr-canonical', '"load CET state" with the SSP table address non-canonical', variant('all-features'),
    enable('exit.LOAD_CET_STATE'), set('HOST_IA32_INTERRUPT_SSP_TABLE_ADDR', NON_CANONICAL)),
  r('host.ia32-perf-global-ctrl-reserved-bits', '"load IA32_PERF_GLOBAL_CTRL" with bit 40 (reserved: between fixed-counter enables and bit 48)',
    enable('exit.LOAD_IA32_PERF_GLOBAL_CTRL'), set('HOST_IA32_PERF_GLOBAL_CTRL', 1n << 40n)),
  r('host.ia32-pat-values', '"load IA32_PAT" with PAT entry 0 = 2 (reserved memory type)', enable('exit.LOAD_IA32_PAT'), set('HOST_IA32_PAT', 0x0007_0406_0007_0402n)),
  r('host.ia32-pat-values', '"load IA32_PAT" with PAT entry 7 = 8', enable('exit.LOAD_IA32_PAT'), set('HOST_IA32_PAT', 0x0807_0406_0007_0406n)),
  r('host.ia32-efer-reserved-bits', '"load IA32_EFER" with EFER bit 1 (reserved) besides LME and LMA', enable('exit.LOAD_IA32_EFER'), set('HOST_IA32_EFER', EFER_LME | EFER_LMA | 2n)),
  r('host.ia32-efer-lma-matches-address-space-size', '64-bit host loading EFER with LME 1 but LMA 0', enable('exit.LOAD_IA32_EFER'), set('HOST_IA32_EFER', EFER_LME)),
  r('host.ia32-efer-lme-matches-address-space-size', '64-bit host loading EFER with LMA 1 but LME 0', enable('exit.LOAD_IA32_EFER'), set('HOST_IA32_EFER', EFER_LMA)),
  r('host.ia32-pkrs-reserved-bits', '"load PKRS" with PKRS bit 32', variant('all-features'), enable('exit.LOAD_PKRS'), set('HOST_IA32_PKRS', 1n << 32n)),
  r('host.ia32-fred-config-reserved-bits', '"load FRED" with IA32_FRED_CONFIG bit 11', variant('all-features'), withLoadFred, set('HOST_IA32_FRED_CONFIG', 1n << 11n)),
  r('host.ia32-fred-config-reserved-bits', '"load FRED" with IA32_FRED_CONFIG bit 4', variant('all-features'), withLoadFred, set('HOST_IA32_FRED_CONFIG', 1n << 4n)),
  r('host.ia32-fred-config-canonical', '"load FRED" with a non-canonical entry point', variant('all-features'), withLoadFred, set('HOST_IA32_FRED_CONFIG', NON_CANONICAL)),
  r('host.ia32-fred-rsp-aligned', '"load FRED" with IA32_FRED_RSP2 8 bytes off a 64-byte boundary', variant('all-features'), withLoadFred, set('HOST_IA32_FRED_RSP2', 0x8_0008n)),
  r('host.ia32-fred-rsp-canonical', '"load FRED" with IA32_FRED_RSP3 non-canonical', variant('all-features'), withLoadFred, set('HOST_IA32_FRED_RSP3', NON_CANONICAL)),
  r('host.ia32-fred-ssp-aligned', '"load FRED" with IA32_FRED_SSP1 4 bytes off an 8-byte boundary', variant('all-features'), withLoadFred, set('HOST_IA32_FRED_SSP1', 0x8_0004n)),
  r('host.ia32-fred-ssp-canonical', '"load FRED" with IA32_FRED_SSP2 non-canonical', variant('all-features'), withLoadFred, set('HOST_IA32_FRED_SSP2', NON_CANONICAL)),
  // 27.2.3
  ...selectorRecipes,
  r('host.cs-selector-nonzero', 'CS selector 0000H', set('HOST_CS_SELECTOR', 0n)),
  r('host.tr-selector-nonzero', 'TR selector 0000H', set('HOST_TR_SELECTOR', 0n)),
  r('host.ss-selector-nonzero', 'legacy host with SS selector 0000H', legacyHost, set('HOST_SS_SELECTOR', 0n)),
  ...baseRecipes,
  // 27.2.4
  r('host.outside-ia32e-mode.ia32e-mode-guest-zero', 'the baseline (IA-32e guest, 64-bit host) entered from outside IA-32e mode', { ia32eMode: false }),
  r('host.outside-ia32e-mode.host-address-space-size-zero', '64-bit host, legacy guest, entered from outside IA-32e mode', { ia32eMode: false },
    disable('entry.IA32E_MODE_GUEST')),
  r('host.in-ia32e-mode.host-address-space-size-one', '"host address-space size" 0 entered from IA-32e mode', { ia32eMode: true },
    disable('exit.HOST_ADDRESS_SPACE_SIZE')),
  r('host.legacy-host.ia32e-mode-guest-zero', '"host address-space size" 0 with "IA-32e mode guest" 1', { unitTestOnly: LEGACY_HOST_ONLY },
    disable('exit.HOST_ADDRESS_SPACE_SIZE')),
  r('host.legacy-host.cr4-pcide-zero', 'legacy host with CR4.PCIDE 1', { ia32eMode: false }, legacyHost, or('HOST_CR4', CR4_PCIDE)),
  r('host.legacy-host.cr4-fred-zero', 'legacy host with CR4.FRED 1 (FRED settable)', variant('all-features'), { ia32eMode: false }, legacyHost, or('HOST_CR4', CR4_FRED)),
  r('host.legacy-host.rip-high-bits-zero', 'legacy host with RIP bit 32', { ia32eMode: false }, legacyHost, set('HOST_RIP', 1n << 32n)),
  r('host.legacy-host.ssp-high-bits-zero', 'legacy host loading CET state with SSP bit 32', variant('all-features'), { ia32eMode: false }, legacyHost, enable('exit.LOAD_CET_STATE'), set('HOST_SSP', 1n << 32n)),
  r('host.64-bit-host.cr4-pae', '64-bit host with CR4.PAE 0', andNot('HOST_CR4', CR4_PAE)),
  r('host.64-bit-host.rip-canonical', '64-bit host with a non-canonical RIP', set('HOST_RIP', NON_CANONICAL)),
  r('host.64-bit-host.ssp-canonical', '64-bit host loading CET state with a non-canonical SSP', variant('all-features'), enable('exit.LOAD_CET_STATE'), set('HOST_SSP', NON_CANONICAL)),
];

/** Checks the spec data marks as no case can reach (`noCase`), by area and kind. */
function markedNoCase(prefix: string, kind: 'redundant' | 'no-consistent-processor' | 'not-modelled'): VmEntryCheckId[] {
  return VM_ENTRY_CHECKS.filter((c) => c.id.startsWith(prefix) && c.noCase?.kind === kind).map((c) => c.id);
}

/** Host checks no consistent processor lets fail first (spec data noCase; SDM 27.2.4, A.4, A.5): no recipe, see host-state.test.ts. */
export const HOST_NEVER_FIRST: readonly VmEntryCheckId[] = markedNoCase('host.', 'no-consistent-processor');

// ==== 27.3.1 guest state

const CR0_PE = 1n, CR0_PG = 1n << 31n;
const RFLAGS_IF = 1n << 9n, RFLAGS_TF = 1n << 8n, RFLAGS_VM = 1n << 17n;
/** Interruption-information words (SDM 25.8.3): valid, type, vector. */
const event = (type: number, vector: number): bigint => BigInt((1 << 31 >>> 0) + (type << 8) + vector);
const EXT_INT_20H = event(0, 0x20), NMI = event(2, 2), UD = event(3, 6);
const HLT = 1n, SHUTDOWN = 2n, WAIT_FOR_SIPI = 3n;
const STI = 1n, MOV_SS = 2n, SMI = 4n, NMI_BLOCKING = 8n, ENCLAVE = 16n;

const noIa32e = disable('entry.IA32E_MODE_GUEST');
/** Secondary controls on, with "enable EPT" and a valid EPTP (WB, 4-level walk; 25.6.11). */
const secondary = (...refs: ControlRef[]): Part => merge([enable('proc2.ENABLE_EPT', ...refs), set('EPT_POINTER', 0x5_0000n | (3n << 3n) | 6n)]);
/** "unrestricted guest" (which requires "enable EPT", 27.2.1.1). */
const unrestricted = secondary('proc2.UNRESTRICTED_GUEST');
/** A consistent virtual-8086 guest (27.3.1.2): selectors 1000h, bases 10000h, limits FFFFh, rights F3h. */
const virtual8086: Part = merge([or('GUEST_RFLAGS', RFLAGS_VM), ...['CS', 'SS', 'DS', 'ES', 'FS', 'GS'].flatMap((seg) => [
  set(`GUEST_${seg}_SELECTOR`, 0x1000n), set(`GUEST_${seg}_BASE`, 0x1_0000n), set(`GUEST_${seg}_LIMIT`, 0xFFFFn), set(`GUEST_${seg}_ACCESS_RIGHTS`, 0xF3n),
])]);
/** CPL 3 in 64-bit mode: CS 0Bh (64-bit code, DPL 3), SS 13h (data, DPL 3). */
const cpl3: Part = merge([set('GUEST_CS_SELECTOR', 0x0Bn), set('GUEST_CS_ACCESS_RIGHTS', 0xA0FBn), set('GUEST_SS_SELECTOR', 0x13n), set('GUEST_SS_ACCESS_RIGHTS', 0xC0F3n)]);
/** A usable LDTR: selector 20h, type 2, P, limit 0. */
const usableLdtr: Part = merge([set('GUEST_LDTR_SELECTOR', 0x20n), set('GUEST_LDTR_ACCESS_RIGHTS', 0x82n)]);
/** FRED in IA-32e mode: CR4.FRED = 1. */
const fredOn = or('GUEST_CR4', CR4_FRED);
/** An interruptibility state (and RFLAGS.IF = 1 so blocking by STI is allowed). */
const blocking = (bits: bigint): Part => merge([or('GUEST_RFLAGS', RFLAGS_IF), set('GUEST_INTERRUPTIBILITY_STATE', bits)]);
export const LINK = 0x5_0000;
/** A PAE page-directory-pointer table for the PDPTE recipe (free memory). */
const PDPT = 0x58_0000n;
/** The VMCS link pointer at a region holding this processor's revision identifier (and shadow bit). */
const linkTo = (at: number, shadow = false): Part =>
  merge([{ memory: [{ address: at, revisionId: shadow ? 'shadow' : 'ordinary' }] }, set('VMCS_LINK_POINTER', BigInt(at))]);

const SEGMENTS = ['CS', 'SS', 'DS', 'ES', 'FS', 'GS'] as const;
const lc = (seg: string): string => seg.toLowerCase();
const arOf = (seg: string): string => `GUEST_${seg}_ACCESS_RIGHTS`;
/** Baseline access rights: CS A09Bh (64-bit code), data C093h. */
const baseAr = (seg: string): bigint => (seg === 'CS' ? 0xA09Bn : 0xC093n);

function segmentRecipes(): Recipe[] {
  const out: Recipe[] = [];
  for (const seg of SEGMENTS) {
    out.push(
      r(`guest.${lc(seg)}.base.virtual-8086`, `virtual-8086 ${seg} base 10010h for selector 1000h`, virtual8086, set(`GUEST_${seg}_BASE`, 0x1_0010n)),
      r(`guest.${lc(seg)}.limit.virtual-8086`, `virtual-8086 ${seg} limit FFFEh`, virtual8086, set(`GUEST_${seg}_LIMIT`, 0xFFFEn)),
      r(`guest.${lc(seg)}.access-rights.virtual-8086`, `virtual-8086 ${seg} access rights F2h (type 2)`, virtual8086, set(arOf(seg), 0xF2n)),
      r(`guest.${lc(seg)}.access-rights.s`, `${seg} access rights with S = 0`, set(arOf(seg), baseAr(seg) & ~0x10n)),
      r(`guest.${lc(seg)}.access-rights.p`, `${seg} access rights with P = 0`, set(arOf(seg), baseAr(seg) & ~0x80n)),
      r(`guest.${lc(seg)}.access-rights.reserved-11-8`, `${seg} access rights bit 8 set`, or(arOf(seg), 0x100n)),
      r(`guest.${lc(seg)}.access-rights.reserved-31-17`, `${seg} access rights bit 17 set`, or(arOf(seg), 0x2_0000n)),
      r(`guest.${lc(seg)}.access-rights.g-limit-low`, `${seg} limit FFFFF000h with G = 1`, set(`GUEST_${seg}_LIMIT`, 0xFFFF_F000n)),
      r(`guest.${lc(seg)}.access-rights.g-limit-high`, `${seg} limit FFFFFFFFh with G = 0`, andNot(arOf(seg), 0x8000n)),
    );
  }
  for (const seg of ['DS', 'ES', 'FS', 'GS']) {
    out.push(
      r(`guest.${lc(seg)}.access-rights.type-accessed`, `${seg} type 2 (not accessed)`, set(arOf(seg), 0xC092n)),
      r(`guest.${lc(seg)}.access-rights.type-readable`, `${seg} type 9 (execute-only code)`, set(arOf(seg), 0xC099n)),
      r(`guest.${lc(seg)}.access-rights.dpl`, `${seg} selector RPL 3 with DPL 0`, set(`GUEST_${seg}_SELECTOR`, 0x13n)),
    );
  }
  for (const seg of ['TR', 'FS', 'GS']) out.push(r(`guest.${lc(seg)}.base.canonical`, `${seg} base with only bit 60 set (not canonical)`, set(`GUEST_${seg}_BASE`, NON_CANONICAL)));
  for (const seg of ['CS', 'SS', 'DS', 'ES']) out.push(r(`guest.${lc(seg)}.base.upper-bits`, `${seg} base 1_00000000h`, set(`GUEST_${seg}_BASE`, 1n << 32n)));
  return out;
}

export const GUEST_RECIPES: readonly Recipe[] = [
  // 27.3.1.1
  r('guest.cr0-fixed-bits', 'CR0.NE = 0 while IA32_VMX_CR0_FIXED0 bit 5 is 1', andNot('GUEST_CR0', 1n << 5n)),
  r('guest.cr0.pg-requires-pe', 'unrestricted guest with CR0.PG = 1 and PE = 0', unrestricted, andNot('GUEST_CR0', CR0_PE)),
  r('guest.cr4-fixed-bits', 'CR4.VMXE = 0 while IA32_VMX_CR4_FIXED0 bit 13 is 1', andNot('GUEST_CR4', CR4_VMXE)),
  r('guest.cr4.cet-requires-cr0-wp', 'CR4.CET = 1 with CR0.WP = 0', variant('cet'), or('GUEST_CR4', CR4_CET)),
  r('guest.ia32-debugctl.reserved-bits', 'load debug controls with IA32_DEBUGCTL bit 16 set', enable('entry.LOAD_DEBUG_CONTROLS'), set('GUEST_IA32_DEBUGCTL', 1n << 16n)),
  r('guest.ia32e-mode.cr0-pg', 'IA-32e mode guest with CR0.PG = 0 (unrestricted guest)', unrestricted, andNot('GUEST_CR0', CR0_PG)),
  r('guest.ia32e-mode.cr4-pae', 'IA-32e mode guest with CR4.PAE = 0', andNot('GUEST_CR4', CR4_PAE)),
  r('guest.cr4.pcide', 'CR4.PCIDE = 1 outside IA-32e mode', noIa32e, or('GUEST_CR4', CR4_PCIDE)),
  r('guest.cr4.fred', 'CR4.FRED = 1 outside IA-32e mode', variant('fred'), noIa32e, fredOn),
  r('guest.cr3.reserved-bits', 'CR3 bit 46 set with MAXPHYADDR 46', or('GUEST_CR3', 1n << N)),
  r('guest.dr7.upper-bits', 'load debug controls with DR7 bit 32 set', enable('entry.LOAD_DEBUG_CONTROLS'), or('GUEST_DR7', 1n << 32n)),
  r('guest.ia32-sysenter-esp.canonical', 'IA32_SYSENTER_ESP not canonical', set('GUEST_IA32_SYSENTER_ESP', NON_CANONICAL)),
  r('guest.ia32-sysenter-eip.canonical', 'IA32_SYSENTER_EIP not canonical', set('GUEST_IA32_SYSENTER_EIP', NON_CANONICAL)),
  r('guest.ia32-s-cet.canonical', 'load CET state with IA32_S_CET not canonical', variant('cet'), enable('entry.LOAD_CET_STATE'), set('GUEST_IA32_S_CET', NON_CANONICAL)),
  r('guest.ia32-interrupt-ssp-table-addr.canonical', 'load CET state with the SSP table address not canonical', variant('cet'),
    enable('entry.LOAD_CET_STATE'), set('GUEST_IA32_INTERRUPT_SSP_TABLE_ADDR', NON_CANONICAL)),
  r('guest.ia32-perf-global-ctrl.reserved-bits', 'IA32_PERF_GLOBAL_CTRL enables counter 2 (the model has 2 general-purpose counters, no fixed ones)',
    enable('entry.LOAD_IA32_PERF_GLOBAL_CTRL'), set('GUEST_IA32_PERF_GLOBAL_CTRL', 1n << 2n)),
  r('guest.ia32-pat.memory-types', 'IA32_PAT entry 0 = 2 (reserved memory type)', enable('entry.LOAD_IA32_PAT'), set('GUEST_IA32_PAT', 0x0007_0406_0007_0402n)),
  r('guest.ia32-efer.reserved-bits', 'IA32_EFER bit 9 (reserved) set', enable('entry.LOAD_IA32_EFER'), set('GUEST_IA32_EFER', 0x500n | (1n << 9n))),
  r('guest.ia32-efer.lma', 'IA-32e mode guest with IA32_EFER.LMA = 0', enable('entry.LOAD_IA32_EFER'), set('GUEST_IA32_EFER', 0x100n)),
  r('guest.ia32-efer.lme', 'CR0.PG = 1 with IA32_EFER.LMA = 1, LME = 0', enable('entry.LOAD_IA32_EFER'), set('GUEST_IA32_EFER', 0x400n)),
  r('guest.ia32-bndcfgs.reserved-bits', 'IA32_BNDCFGS bit 2 set', requires({ control: 'entry.LOAD_IA32_BNDCFGS' }),
    enable('entry.LOAD_IA32_BNDCFGS'), set('GUEST_IA32_BNDCFGS', 4n)),
  r('guest.ia32-bndcfgs.canonical-base', 'IA32_BNDCFGS base not canonical', requires({ control: 'entry.LOAD_IA32_BNDCFGS' }),
    enable('entry.LOAD_IA32_BNDCFGS'), set('GUEST_IA32_BNDCFGS', NON_CANONICAL | 1n)),
  r('guest.ia32-rtit-ctl.reserved-bits', 'IA32_RTIT_CTL bit 63 set', variant('rtit'),
    enable('entry.LOAD_IA32_RTIT_CTL'), set('GUEST_IA32_RTIT_CTL', 1n << 63n)),
  r('guest.ia32-s-cet.reserved-bits', 'IA32_S_CET bit 6 set', variant('cet'), enable('entry.LOAD_CET_STATE'), set('GUEST_IA32_S_CET', 1n << 6n)),
  r('guest.ia32-lbr-ctl.reserved-bits', 'IA32_LBR_CTL bit 4 set', variant('lbr'), enable('entry.LOAD_GUEST_IA32_LBR_CTL'), set('GUEST_IA32_LBR_CTL', 1n << 4n)),
  r('guest.ia32-pkrs.reserved-bits', 'IA32_PKRS bit 32 set', variant('pkrs'), enable('entry.LOAD_PKRS'), set('GUEST_IA32_PKRS', 1n << 32n)),
  r('guest.ia32-fred-config.reserved-bits', 'IA32_FRED_CONFIG bit 2 set', variant('fred'), enable('entry.LOAD_FRED'), set('GUEST_IA32_FRED_CONFIG', 4n)),
  r('guest.ia32-fred-config.canonical', 'IA32_FRED_CONFIG entry point not canonical', variant('fred'), enable('entry.LOAD_FRED'), set('GUEST_IA32_FRED_CONFIG', NON_CANONICAL)),
  r('guest.ia32-fred-rsp.aligned', 'IA32_FRED_RSP2 = 8', variant('fred'), enable('entry.LOAD_FRED'), set('GUEST_IA32_FRED_RSP2', 8n)),
  r('guest.ia32-fred-rsp.canonical', 'IA32_FRED_RSP3 not canonical', variant('fred'), enable('entry.LOAD_FRED'), set('GUEST_IA32_FRED_RSP3', NON_CANONICAL)),
  r('guest.ia32-fred-ssp.aligned', 'IA32_FRED_SSP1 = 4', variant('fred'), enable('entry.LOAD_FRED'), set('GUEST_IA32_FRED_SSP1', 4n)),
  r('guest.ia32-fred-ssp.canonical', 'IA32_FRED_SSP2 not canonical', variant('fred'), enable('entry.LOAD_FRED'), set('GUEST_IA32_FRED_SSP2', NON_CANONICAL)),

  // 27.3.1.2
  r('guest.tr.selector.ti', 'TR selector 1Ch (TI = 1)', set('GUEST_TR_SELECTOR', 0x1Cn)),
  r('guest.ldtr.selector.ti', 'usable LDTR with selector 24h (TI = 1)', usableLdtr, set('GUEST_LDTR_SELECTOR', 0x24n)),
  r('guest.ss.selector.rpl', 'SS selector RPL 3 with CS RPL 0', set('GUEST_SS_SELECTOR', 0x13n)),
  ...segmentRecipes(),
  r('guest.ldtr.base.canonical', 'usable LDTR with a base that is not canonical', usableLdtr, set('GUEST_LDTR_BASE', NON_CANONICAL)),
  r('guest.cs.access-rights.type', 'CS type 8 (code, not accessed)', set('GUEST_CS_ACCESS_RIGHTS', 0xA098n)),
  r('guest.ss.access-rights.type', 'SS type 1 (read-only data)', set('GUEST_SS_ACCESS_RIGHTS', 0xC091n)),
  r('guest.cs.access-rights.dpl-data-segment', 'unrestricted guest with a type-3 CS of DPL 3', unrestricted, set('GUEST_CS_ACCESS_RIGHTS', 0xC0F3n)),
  r('guest.cs.access-rights.dpl-non-conforming', 'non-conforming CS DPL 3 with SS DPL 0', set('GUEST_CS_ACCESS_RIGHTS', 0xA0FBn)),
  r('guest.cs.access-rights.dpl-conforming', 'conforming CS DPL 3 with SS DPL 0', set('GUEST_CS_ACCESS_RIGHTS', 0xA0FFn)),
  r('guest.ss.access-rights.dpl-equals-rpl', 'SS DPL 3 with RPL 0 (conforming CS of DPL 0)', set('GUEST_CS_ACCESS_RIGHTS', 0xA09Fn), set('GUEST_SS_ACCESS_RIGHTS', 0xC0F3n)),
  r('guest.ss.access-rights.dpl-zero', 'unrestricted guest with a type-3 CS and SS DPL 3', unrestricted, set('GUEST_CS_ACCESS_RIGHTS', 0xC093n), set('GUEST_SS_ACCESS_RIGHTS', 0xC0F3n)),
  r('guest.cs.access-rights.db', '64-bit CS with D/B = 1', or('GUEST_CS_ACCESS_RIGHTS', 0x4000n)),
  r('guest.ss.access-rights.dpl-fred', 'FRED with CPL 1', variant('fred'), fredOn,
    set('GUEST_CS_SELECTOR', 0x09n), set('GUEST_CS_ACCESS_RIGHTS', 0xA0BBn), set('GUEST_SS_SELECTOR', 0x11n), set('GUEST_SS_ACCESS_RIGHTS', 0xC0B3n)),
  r('guest.cs.access-rights.l-fred', 'FRED with CPL 0 in compatibility mode (CS.L = 0)', variant('fred'), fredOn, set('GUEST_CS_ACCESS_RIGHTS', 0xC09Bn)),
  r('guest.tr.access-rights.type', 'TR type 9 (available TSS) outside IA-32e mode', noIa32e, set('GUEST_TR_ACCESS_RIGHTS', 0x89n)),
  r('guest.tr.access-rights.type-ia32e', 'TR type 3 (16-bit busy TSS) in IA-32e mode', set('GUEST_TR_ACCESS_RIGHTS', 0x83n)),
  r('guest.tr.access-rights.s', 'TR with S = 1', set('GUEST_TR_ACCESS_RIGHTS', 0x9Bn)),
  r('guest.tr.access-rights.p', 'TR with P = 0', set('GUEST_TR_ACCESS_RIGHTS', 0x0Bn)),
  r('guest.tr.access-rights.reserved-11-8', 'TR access rights bit 8 set', set('GUEST_TR_ACCESS_RIGHTS', 0x18Bn)),
  r('guest.tr.access-rights.g-limit-low', 'TR limit 67h with G = 1', set('GUEST_TR_ACCESS_RIGHTS', 0x808Bn)),
  r('guest.tr.access-rights.g-limit-high', 'TR limit 100000h with G = 0', set('GUEST_TR_LIMIT', 0x10_0000n)),
  r('guest.tr.access-rights.unusable', 'TR unusable', set('GUEST_TR_ACCESS_RIGHTS', 0x1_008Bn)),
  r('guest.tr.access-rights.reserved-31-17', 'TR access rights bit 17 set', set('GUEST_TR_ACCESS_RIGHTS', 0x2_008Bn)),
  r('guest.ldtr.access-rights.type', 'usable LDTR of type 3', usableLdtr, set('GUEST_LDTR_ACCESS_RIGHTS', 0x83n)),
  r('guest.ldtr.access-rights.s', 'usable LDTR with S = 1', usableLdtr, set('GUEST_LDTR_ACCESS_RIGHTS', 0x92n)),
  r('guest.ldtr.access-rights.p', 'usable LDTR with P = 0', usableLdtr, set('GUEST_LDTR_ACCESS_RIGHTS', 0x02n)),
  r('guest.ldtr.access-rights.reserved-11-8', 'usable LDTR with access-rights bit 8', usableLdtr, set('GUEST_LDTR_ACCESS_RIGHTS', 0x182n)),
  r('guest.ldtr.access-rights.g-limit-low', 'usable LDTR, limit 0 with G = 1', usableLdtr, set('GUEST_LDTR_ACCESS_RIGHTS', 0x8082n)),
  r('guest.ldtr.access-rights.g-limit-high', 'usable LDTR, limit 100000h with G = 0', usableLdtr, set('GUEST_LDTR_LIMIT', 0x10_0000n)),
  r('guest.ldtr.access-rights.reserved-31-17', 'usable LDTR with access-rights bit 17', usableLdtr, set('GUEST_LDTR_ACCESS_RIGHTS', 0x2_0082n)),

  // 27.3.1.3
  r('guest.gdtr.base.canonical', 'GDTR base not canonical', set('GUEST_GDTR_BASE', NON_CANONICAL)),
  r('guest.idtr.base.canonical', 'IDTR base not canonical', set('GUEST_IDTR_BASE', NON_CANONICAL)),
  r('guest.gdtr.limit.upper-bits', 'GDTR limit 10000h', set('GUEST_GDTR_LIMIT', 0x1_0000n)),
  r('guest.idtr.limit.upper-bits', 'IDTR limit 10000h', set('GUEST_IDTR_LIMIT', 0x1_0000n)),

  // 27.3.1.4
  r('guest.rip.upper-bits', 'compatibility-mode CS (L = 0) with RIP bit 32 set', set('GUEST_CS_ACCESS_RIGHTS', 0xC09Bn), or('GUEST_RIP', 1n << 32n)),
  r('guest.rip.canonical', '64-bit RIP with bit 60 set (bits 63:N differ at N = 48 and 57)', or('GUEST_RIP', NON_CANONICAL)),
  r('guest.rflags.reserved-bits', 'RFLAGS bit 3 set', or('GUEST_RFLAGS', 8n)),
  r('guest.rflags.vm.ia32e-mode', 'RFLAGS.VM = 1 with IA-32e mode guest', virtual8086),
  r('guest.rflags.vm.protected-mode', 'RFLAGS.VM = 1 with CR0.PE = 0 (unrestricted guest, no paging)',
    unrestricted, noIa32e, andNot('GUEST_CR0', CR0_PE | CR0_PG), virtual8086),
  r('guest.rflags.if-external-interrupt', 'injecting external interrupt 20h with IF = 0', set('VM_ENTRY_INTERRUPTION_INFORMATION', EXT_INT_20H)),
  r('guest.rflags.iopl-fred', 'FRED at CPL 3 with IOPL 3', variant('fred'), fredOn, cpl3, or('GUEST_RFLAGS', 3n << 12n)),
  r('guest.ssp.alignment', 'load CET state with SSP = 1', variant('cet'), enable('entry.LOAD_CET_STATE'), set('GUEST_SSP', 1n)),
  r('guest.ssp.canonical', 'load CET state with SSP bit 60 set', variant('cet'), enable('entry.LOAD_CET_STATE'), set('GUEST_SSP', NON_CANONICAL)),

  // 27.3.1.5
  r('guest.activity-state.supported', 'activity state 4 (not defined)', set('GUEST_ACTIVITY_STATE', 4n)),
  r('guest.activity-state.hlt-requires-ss-dpl-0', 'HLT at CPL 3', cpl3, set('GUEST_ACTIVITY_STATE', HLT)),
  r('guest.activity-state.active-when-sti-or-mov-ss-blocking', 'HLT with blocking by MOV SS', blocking(MOV_SS), set('GUEST_ACTIVITY_STATE', HLT)),
  r('guest.activity-state.hlt-injection', 'HLT injecting #UD', set('GUEST_ACTIVITY_STATE', HLT), set('VM_ENTRY_INTERRUPTION_INFORMATION', UD)),
  r('guest.activity-state.shutdown-injection', 'shutdown injecting an external interrupt',
    or('GUEST_RFLAGS', RFLAGS_IF), set('GUEST_ACTIVITY_STATE', SHUTDOWN), set('VM_ENTRY_INTERRUPTION_INFORMATION', EXT_INT_20H)),
  r('guest.activity-state.wait-for-sipi-injection', 'wait-for-SIPI injecting an NMI', set('GUEST_ACTIVITY_STATE', WAIT_FOR_SIPI), set('VM_ENTRY_INTERRUPTION_INFORMATION', NMI)),
  r('guest.activity-state.wait-for-sipi-entry-to-smm', 'entry to SMM into wait-for-SIPI', { inSmm: true, stm: true },
    enable('entry.ENTRY_TO_SMM'), blocking(SMI), set('GUEST_ACTIVITY_STATE', WAIT_FOR_SIPI)),
  r('guest.activity-state.wait-for-sipi-return-to-root', 'as the STM returning from SMM to VMX root operation into wait-for-SIPI', { inSmm: true, stm: true },
    set('EXECUTIVE_VMCS_POINTER', BigInt(BASELINE_MEMORY.vmxonRegion)), set('GUEST_ACTIVITY_STATE', WAIT_FOR_SIPI)),
  r('guest.interruptibility-state.reserved-bits', 'interruptibility bit 5 set', set('GUEST_INTERRUPTIBILITY_STATE', 0x20n)),
  r('guest.interruptibility-state.sti-and-mov-ss', 'blocking by STI and by MOV SS', blocking(STI | MOV_SS)),
  r('guest.interruptibility-state.sti-requires-if', 'blocking by STI with IF = 0', set('GUEST_INTERRUPTIBILITY_STATE', STI)),
  r('guest.interruptibility-state.external-interrupt-injection', 'injecting an external interrupt under MOV SS blocking',
    blocking(MOV_SS), set('VM_ENTRY_INTERRUPTION_INFORMATION', EXT_INT_20H)),
  r('guest.interruptibility-state.mov-ss-nmi-injection', 'injecting an NMI under MOV SS blocking', blocking(MOV_SS), set('VM_ENTRY_INTERRUPTION_INFORMATION', NMI)),
  r('guest.interruptibility-state.smi-blocking-outside-smm', 'blocking by SMI outside SMM', blocking(SMI)),
  r('guest.interruptibility-state.smi-blocking-entry-to-smm', 'entry to SMM without blocking by SMI', { inSmm: true, stm: true }, enable('entry.ENTRY_TO_SMM')),
  r('guest.interruptibility-state.sti-nmi-injection', 'injecting an NMI under STI blocking (the modelled processors refuse it)',
    blocking(STI), set('VM_ENTRY_INTERRUPTION_INFORMATION', NMI)),
  r('guest.interruptibility-state.nmi-blocking-virtual-nmis', 'virtual NMIs, injecting an NMI with blocking by NMI',
    enable('pin.NMI_EXITING', 'pin.VIRTUAL_NMIS'), blocking(NMI_BLOCKING), set('VM_ENTRY_INTERRUPTION_INFORMATION', NMI)),
  r('guest.interruptibility-state.enclave-interruption.mov-ss', 'enclave interruption with MOV SS blocking', blocking(ENCLAVE | MOV_SS)),
  r('guest.interruptibility-state.enclave-interruption.sgx', 'enclave interruption on a processor without SGX (no ENCLS exiting)',
    excludes({ control: 'proc2.ENABLE_ENCLS_EXITING' }), blocking(ENCLAVE)),
  r('guest.interruptibility-state.sti-fred', 'FRED at CPL 3 with blocking by STI', variant('fred'), fredOn, cpl3, blocking(STI)),
  r('guest.pending-debug-exceptions.reserved-bits', 'pending debug exceptions bit 4 set', set('GUEST_PENDING_DEBUG_EXCEPTIONS', 0x10n)),
  r('guest.pending-debug-exceptions.bs-set', 'STI blocking, TF = 1, BTF = 0 and BS = 0', blocking(STI), or('GUEST_RFLAGS', RFLAGS_TF)),
  r('guest.pending-debug-exceptions.bs-clear', 'STI blocking, TF = 0 and BS = 1', blocking(STI), set('GUEST_PENDING_DEBUG_EXCEPTIONS', 1n << 14n)),
  r('guest.pending-debug-exceptions.rtm.bits', 'RTM = 1 without the enabled-breakpoint bit', set('GUEST_PENDING_DEBUG_EXCEPTIONS', 1n << 16n)),
  r('guest.pending-debug-exceptions.rtm.supported', 'RTM = 1 and bit 12 = 1 (no profile enumerates RTM)', set('GUEST_PENDING_DEBUG_EXCEPTIONS', 0x1_1000n)),
  r('guest.vmcs-link-pointer.aligned', 'link pointer 50800h', set('VMCS_LINK_POINTER', 0x5_0800n)),
  r('guest.vmcs-link-pointer.width', 'link pointer with bit 46 set (MAXPHYADDR 46)', set('VMCS_LINK_POINTER', 1n << N)),
  r('guest.vmcs-link-pointer.revision-id', 'link pointer to a region holding revision 0', set('VMCS_LINK_POINTER', BigInt(LINK))),
  r('guest.vmcs-link-pointer.shadow-indicator', 'linked region marked shadow while VMCS shadowing is 0', linkTo(LINK, true)),
  r('guest.vmcs-link-pointer.not-current-vmcs', 'link pointer equal to the current VMCS', linkTo(BASELINE_MEMORY.vmcsRegion)),
  r('guest.vmcs-link-pointer.not-executive-vmcs', 'in SMM, link pointer equal to the executive-VMCS pointer', { inSmm: true },
    linkTo(LINK), set('EXECUTIVE_VMCS_POINTER', BigInt(LINK))),
  // As the STM returning from SMM to VMX root operation (33.15.4): the executive-VMCS pointer is the VMXON pointer.
  r('guest.vmcs-link-pointer.not-executive-vmcs', 'as the STM, link pointer equal to the executive-VMCS pointer (the VMXON pointer)', { inSmm: true, stm: true },
    linkTo(BASELINE_MEMORY.vmxonRegion), set('EXECUTIVE_VMCS_POINTER', BigInt(BASELINE_MEMORY.vmxonRegion))),
  r('guest.uinv.reserved-bits', 'load UINV with UINV 100h', variant('uinv'), enable('entry.LOAD_UINV'), set('GUEST_UINV', 0x100n)),

  // 27.3.1.6
  // The PDPT is away from the baseline's page tables, which the host shares (the host must still run after the failure).
  r('guest.pdptes.memory', 'PAE paging without EPT, CR3 at a PDPT whose PDPTE0 is present with bit 1 set', noIa32e, set('GUEST_CR3', PDPT), mem(PDPT, 0x3n, 8)),
  r('guest.pdptes.fields', 'PAE paging with EPT, PDPTE2 field present with bit 5 set', secondary(), noIa32e, set('GUEST_PDPTE2', 0x21n)),
];

/** Guest checks no modelled processor lets fail first (spec data noCase): no profile enumerates RTM, so rtm.supported fails before it. */
export const GUEST_NEVER_FIRST: readonly VmEntryCheckId[] = markedNoCase('guest.', 'not-modelled');

// ==== 27.4 MSR loading

/** The VM-entry MSR-load area of the recipes (free memory). */
export const MSR_AREA = 0x6_0000;

export interface MsrEntry { readonly msr: number; readonly value: bigint; readonly reserved?: number }

/** Entries as memory (SDM 25.8.2: index, reserved, data; 16 bytes each) and the VMCS pointing at them. */
export function msrArea(entries: readonly MsrEntry[]): Part {
  const bytes = entries.map((e) => le(BigInt(e.msr), 4) + le(BigInt(e.reserved ?? 0), 4) + le(e.value, 8)).join('');
  return merge([
    ...(entries.length ? [{ memory: [{ address: MSR_AREA, bytes }] }] : []),
    set('VM_ENTRY_MSR_LOAD_ADDRESS', BigInt(MSR_AREA)), set('VM_ENTRY_MSR_LOAD_COUNT', BigInt(entries.length)),
  ]);
}

/** MSR indices and values from SDM Vol. 4 Table 2-2. */
export const IA32_STAR = 0xC000_0081, IA32_LSTAR = 0xC000_0082, IA32_PAT = 0x277, IA32_EFER = 0xC000_0080;
export const GOOD_MSR_ENTRY: MsrEntry = { msr: IA32_STAR, value: 0x0023_0010_0000_0000n };

/** The failing entry of each MSR-load recipe; the recipe places it as entry 2 between two good ones. */
export const MSR_LOAD_FAILING_ENTRIES: readonly { readonly check: VmEntryCheckId; readonly what: string; readonly entry: MsrEntry }[] = [
  { check: 'msr-load.ia32-fs-base', what: 'IA32_FS_BASE (C0000100H)', entry: { msr: 0xC000_0100, value: 0n } },
  { check: 'msr-load.ia32-gs-base', what: 'IA32_GS_BASE (C0000101H)', entry: { msr: 0xC000_0101, value: 0n } },
  { check: 'msr-load.x2apic-range', what: 'the x2APIC TPR (808H)', entry: { msr: 0x808, value: 0n } },
  { check: 'msr-load.smm-only', what: 'IA32_SMM_MONITOR_CTL (9BH) outside SMM', entry: { msr: 0x9B, value: 0n } },
  { check: 'msr-load.reserved-bits', what: 'IA32_STAR with bit 32 of the entry set', entry: { ...GOOD_MSR_ENTRY, reserved: 1 } },
  { check: 'msr-load.wrmsr-gp', what: 'IA32_PAT with memory type 2 in entry 0', entry: { msr: IA32_PAT, value: 0x0007_0406_0007_0402n } },
];

/**
 * SDM 27.4 lets a processor refuse MSRs for model-specific reasons; the built-in profiles list none, so the
 * recipe names a processor whose profile refuses a canonical IA32_LSTAR (implementation.msrLoadRefused).
 */
export const REFUSED_MSR_ENTRY: MsrEntry = { msr: IA32_LSTAR, value: 0xFFFF_8000_0000_0000n };
export const MSR_LOAD_RECIPES: readonly Recipe[] = [
  ...MSR_LOAD_FAILING_ENTRIES.map((c) =>
    r(c.check, `${c.what} as entry 2 of 3`, msrArea([GOOD_MSR_ENTRY, c.entry, GOOD_MSR_ENTRY]), { msrIndex: 2 })),
  r('msr-load.model-specific', 'IA32_LSTAR (C0000082H), which this processor refuses for model-specific reasons, as entry 2 of 3',
    msrArea([GOOD_MSR_ENTRY, REFUSED_MSR_ENTRY, GOOD_MSR_ENTRY]), { msrIndex: 2 },
    { implementation: { msrLoadRefused: [{ msr: '0xC0000082', why: 'a processor variant that refuses IA32_LSTAR in the VM-entry MSR-load area (SDM 27.4 allows model-specific refusals)' }] } }),
];

/** MSR-load checks no modelled processor violates (none: msr-load.model-specific needs a profile that refuses an MSR). */
export const MSR_LOAD_NEVER_VIOLATED: readonly VmEntryCheckId[] = [];

export const ENTRY_CHECK_RECIPES: readonly Recipe[] = [...CONTROL_RECIPES, ...HOST_RECIPES, ...GUEST_RECIPES, ...MSR_LOAD_RECIPES];

/** Why a recipe cannot be a conformance case (undefined when it can). */
export function unitTestOnlyReason(recipe: Recipe): string | undefined {
  if (recipe.inSmm && !recipe.stm) return 'needs a VM entry from SMM outside the STM set-up (setup.smm)';
  return recipe.unitTestOnly;
}
