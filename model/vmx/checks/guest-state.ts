// VM-entry checks on the guest-state area (SDM 27.3.1): one predicate per check id of the catalogue
// (spec/data/entry-checks/guest-state.json), true when the condition holds or the check does not apply.
import {
  ENTRY_CTLS, PIN_CTLS, PROC2_CTLS, PROC_CTLS, VMCS_SLOT, type LayoutId, type VmEntryCheckId, type VmcsFieldId, packVmcsPendingDebugExceptions,
  unpackVmcsAccessRights, unpackVmcsInterruptibilityState, unpackVmcsVmEntryInterruptionInformation, type VmcsAccessRights,
} from '../../generated/index.js';
import { layoutValue } from '../../arch/catalogue.js';
import { readRegionHeader } from '../vmcs.js';
import type { CheckPredicate, CheckTable, EntryContext } from './context.js';
import {
  CR0_CD, CR0_NW, CR0_PE, CR0_PG, CR0_WP, CR4_CET, CR4_FRED, CR4_PAE, CR4_PCIDE, MASK64, beyondPhysicalWidth, isCanonical,
  linearAddressBits, physicalAddressBits, supportsFred, supportsIntel64, supportsLam, supportsRtm, supportsSgx, upperBitsIdentical,
  upperBitsIdenticalHalves,
} from './features.js';
import {
  BNDCFGS_RESERVED, DEBUGCTL_BTF, DEBUGCTL_RESERVED, EFER_LMA, EFER_LME, EFER_RESERVED, FRED_CONFIG_RESERVED, LBR_CTL_RESERVED,
  PERF_GLOBAL_CTRL_RESERVED, PKRS_RESERVED, RTIT_CTL_RESERVED, S_CET_RESERVED, canonicalPageAddress, patValid,
} from './msr-rules.js';

// ---- reading the VMCS

const field = (ctx: EntryContext, id: VmcsFieldId): bigint => ctx.vmcs.get(id);
/** A per-register field id, e.g. GUEST_SS_LIMIT (SDM 25.4.1). */
const segField = (s: string, what: 'SELECTOR' | 'BASE' | 'LIMIT' | 'ACCESS_RIGHTS'): VmcsFieldId => `GUEST_${s}_${what}` as VmcsFieldId;
const bit = (v: bigint, mask: bigint): boolean => (v & mask) !== 0n;

/** A 32-bit field's value by its slot (no BigInt, no lookup by name: VM entry evaluates some checks every time). */
const field32 = (ctx: EntryContext, slot: number): number => ctx.vmcs.getLo(slot) >>> 0;

function entryCtl(ctx: EntryContext, mask: number): boolean {
  return (field32(ctx, VMCS_SLOT.VM_ENTRY_CONTROLS) & mask) !== 0;
}
function pinCtl(ctx: EntryContext, mask: number): boolean {
  return (field32(ctx, VMCS_SLOT.PIN_BASED_VM_EXECUTION_CONTROLS) & mask) !== 0;
}
function procCtl(ctx: EntryContext, mask: number): boolean {
  return (field32(ctx, VMCS_SLOT.PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS) & mask) !== 0;
}
/** A secondary control counts only while "activate secondary controls" is 1 (SDM 25.6.2). */
function proc2Ctl(ctx: EntryContext, mask: number): boolean {
  return procCtl(ctx, PROC_CTLS.ACTIVATE_SECONDARY_CONTROLS) && (field32(ctx, VMCS_SLOT.SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS) & mask) !== 0;
}

const intel64 = (ctx: EntryContext): boolean => supportsIntel64(ctx.caps);
const ia32e = (ctx: EntryContext): boolean => entryCtl(ctx, ENTRY_CTLS.IA32E_MODE_GUEST);
const unrestricted = (ctx: EntryContext): boolean => proc2Ctl(ctx, PROC2_CTLS.UNRESTRICTED_GUEST);
const canonical = (ctx: EntryContext, id: VmcsFieldId): boolean => isCanonical(ctx.caps, field(ctx, id));

const INFO: LayoutId = 'vmcs.vm-entry-interruption-information';
const TYPE_EXTERNAL = layoutValue(INFO, 'interruptionType', 'External interrupt');
const TYPE_NMI = layoutValue(INFO, 'interruptionType', 'Non-maskable interrupt (NMI)');
const TYPE_HW_EXCEPTION = layoutValue(INFO, 'interruptionType', 'Hardware exception');
const TYPE_OTHER = layoutValue(INFO, 'interruptionType', 'Other event');
const ACTIVE = layoutValue('vmcs.activity-state', 'activityState', 'Active');
const HLT = layoutValue('vmcs.activity-state', 'activityState', 'HLT');
const SHUTDOWN = layoutValue('vmcs.activity-state', 'activityState', 'Shutdown');
const WAIT_FOR_SIPI = layoutValue('vmcs.activity-state', 'activityState', 'Wait-for-SIPI');

/** Exception vectors (SDM Vol. 3A 6.3.1): #DB 1, #MC 18; other-event vector 0 is a pending MTF VM exit (25.8.3). */
const VECTOR_DB = 1, VECTOR_MC = 18, VECTOR_MTF = 0;

/** RFLAGS bits (SDM Vol. 1 3.4.3): TF 8, IF 9, IOPL 13:12, VM 17; reserved 63:22, 15, 5, 3; bit 1 reads as 1. */
const RFLAGS_TF = 1n << 8n, RFLAGS_IF = 1n << 9n, RFLAGS_IOPL = 3n << 12n, RFLAGS_VM = 1n << 17n;
const RFLAGS_RESERVED_64 = (MASK64 & ~((1n << 22n) - 1n)) | (1n << 15n) | (1n << 5n) | (1n << 3n);
const RFLAGS_RESERVED_32 = (0xFFFF_FFFFn & ~((1n << 22n) - 1n)) | (1n << 15n) | (1n << 5n) | (1n << 3n);
const RFLAGS_FIXED1 = 1n << 1n;

/** Access-rights bits the layout (SDM 25.4.1, Table 25-2) leaves reserved. */
const AR_RESERVED_11_8 = 0xF00, AR_RESERVED_31_17 = 0xFFFE_0000;

/** The VM-entry interruption-information field, unpacked. */
const injection = (ctx: EntryContext) => unpackVmcsVmEntryInterruptionInformation(Number(field(ctx, 'VM_ENTRY_INTERRUPTION_INFORMATION')));
const injecting = (ctx: EntryContext, type: number): boolean => {
  const i = injection(ctx);
  return i.valid && i.interruptionType === type;
};
const interruptibility = (ctx: EntryContext) => unpackVmcsInterruptibilityState(Number(field(ctx, 'GUEST_INTERRUPTIBILITY_STATE')));
const activity = (ctx: EntryContext): number => Number(field(ctx, 'GUEST_ACTIVITY_STATE'));
const rflags = (ctx: EntryContext): bigint => field(ctx, 'GUEST_RFLAGS');
const virtual8086 = (ctx: EntryContext): boolean => bit(rflags(ctx), RFLAGS_VM);
const cr4 = (ctx: EntryContext): bigint => field(ctx, 'GUEST_CR4');

// ---- segment registers (SDM 27.3.1.2)

type Segment = 'CS' | 'SS' | 'DS' | 'ES' | 'FS' | 'GS' | 'TR' | 'LDTR';
/** Each guest segment register's access-rights slot. */
const AR_SLOT = Object.fromEntries((['CS', 'SS', 'DS', 'ES', 'FS', 'GS', 'TR', 'LDTR'] as const).map((s) => [s, VMCS_SLOT[segField(s, 'ACCESS_RIGHTS')]])) as Record<Segment, number>;
const arRaw = (ctx: EntryContext, s: Segment): number => field32(ctx, AR_SLOT[s]);
const ar = (ctx: EntryContext, s: Segment): VmcsAccessRights => unpackVmcsAccessRights(arRaw(ctx, s));
const usable = (ctx: EntryContext, s: Segment): boolean => ar(ctx, s).unusable === 0;
const selector = (ctx: EntryContext, s: Segment): number => Number(field(ctx, segField(s, 'SELECTOR')));
const limit = (ctx: EntryContext, s: Segment): number => Number(field(ctx, segField(s, 'LIMIT'))) >>> 0;
const ssDpl = (ctx: EntryContext): number => ar(ctx, 'SS').dpl;
const fredIa32e = (ctx: EntryContext): boolean => ia32e(ctx) && bit(cr4(ctx), CR4_FRED);

/** G must be 0 if any of limit bits 11:0 is 0 (SDM 27.3.1.2). */
function gLimitLow(ctx: EntryContext, s: Segment): boolean {
  return (limit(ctx, s) & 0xFFF) === 0xFFF || !ar(ctx, s).granularity;
}
/** G must be 1 if any of limit bits 31:20 is 1 (SDM 27.3.1.2). */
function gLimitHigh(ctx: EntryContext, s: Segment): boolean {
  return (limit(ctx, s) & 0xFFF0_0000) === 0 || ar(ctx, s).granularity;
}

/** The virtual-8086 access rights: type 3, S, DPL 3, P and nothing else (SDM 27.3.1.2). */
const AR_VIRTUAL_8086 = 0xF3;

function segmentChecks(): Record<string, CheckPredicate> {
  const t: Record<string, CheckPredicate> = {};
  const data = ['SS', 'DS', 'ES', 'FS', 'GS'] as const;
  const all = ['CS', ...data] as const;
  const lower = (s: Segment): string => s.toLowerCase();
  // Checks that apply to CS always and to the others only when usable, outside virtual-8086 mode.
  const applies = (ctx: EntryContext, s: Segment): boolean => !virtual8086(ctx) && (s === 'CS' || usable(ctx, s));

  for (const s of all) {
    // SDM 27.3.1.2: virtual-8086 base, limit and access rights
    t[`guest.${lower(s)}.base.virtual-8086`] = (ctx) => !virtual8086(ctx) || field(ctx, segField(s, 'BASE')) === BigInt(selector(ctx, s)) << 4n;
    t[`guest.${lower(s)}.limit.virtual-8086`] = (ctx) => !virtual8086(ctx) || limit(ctx, s) === 0xFFFF;
    t[`guest.${lower(s)}.access-rights.virtual-8086`] = (ctx) => !virtual8086(ctx) || arRaw(ctx, s) === AR_VIRTUAL_8086;
    // SDM 27.3.1.2: S = 1, P = 1, reserved bits, G against the limit
    t[`guest.${lower(s)}.access-rights.s`] = (ctx) => !applies(ctx, s) || ar(ctx, s).descriptorType === 1;
    t[`guest.${lower(s)}.access-rights.p`] = (ctx) => !applies(ctx, s) || ar(ctx, s).present;
    t[`guest.${lower(s)}.access-rights.reserved-11-8`] = (ctx) => !applies(ctx, s) || (arRaw(ctx, s) & AR_RESERVED_11_8) === 0;
    t[`guest.${lower(s)}.access-rights.reserved-31-17`] = (ctx) => !applies(ctx, s) || (arRaw(ctx, s) & AR_RESERVED_31_17) === 0;
    t[`guest.${lower(s)}.access-rights.g-limit-low`] = (ctx) => !applies(ctx, s) || gLimitLow(ctx, s);
    t[`guest.${lower(s)}.access-rights.g-limit-high`] = (ctx) => !applies(ctx, s) || gLimitHigh(ctx, s);
  }
  for (const s of ['DS', 'ES', 'FS', 'GS'] as const) {
    // SDM 27.3.1.2: usable DS, ES, FS, GS are accessed, and readable if code
    t[`guest.${lower(s)}.access-rights.type-accessed`] = (ctx) => !applies(ctx, s) || (ar(ctx, s).segmentType & 1) === 1;
    t[`guest.${lower(s)}.access-rights.type-readable`] = (ctx) => {
      const type = ar(ctx, s).segmentType;
      return !applies(ctx, s) || (type & 8) === 0 || (type & 2) !== 0;
    };
    // SDM 27.3.1.2: DPL not below RPL for data and non-conforming code, without unrestricted guest
    t[`guest.${lower(s)}.access-rights.dpl`] = (ctx) =>
      !applies(ctx, s) || unrestricted(ctx) || ar(ctx, s).segmentType > 11 || ar(ctx, s).dpl >= (selector(ctx, s) & 3);
  }
  for (const s of ['FS', 'GS', 'TR'] as const) {
    // SDM 27.3.1.2: FS, GS and TR bases are canonical
    t[`guest.${lower(s)}.base.canonical`] = (ctx) => !intel64(ctx) || canonical(ctx, segField(s, 'BASE'));
  }
  // SDM 27.3.1.2: the CS base is below 4 GBytes; SS, DS, ES bases too when usable
  t['guest.cs.base.upper-bits'] = (ctx) => !intel64(ctx) || field(ctx, 'GUEST_CS_BASE') >> 32n === 0n;
  for (const s of ['SS', 'DS', 'ES'] as const) {
    t[`guest.${lower(s)}.base.upper-bits`] = (ctx) => !intel64(ctx) || !usable(ctx, s) || field(ctx, segField(s, 'BASE')) >> 32n === 0n;
  }
  return t;
}

const CS_CODE_TYPES = new Set([9, 11, 13, 15]);
const SEGMENT_CHECKS = segmentChecks();

// ---- PDPTEs (SDM 27.3.1.6)

/** PAE paging: CR0.PG, CR4.PAE and not IA-32e mode (SDM 27.3.1.6). */
const paePaging = (ctx: EntryContext): boolean => bit(field(ctx, 'GUEST_CR0'), CR0_PG) && bit(cr4(ctx), CR4_PAE) && !ia32e(ctx);
const ept = (ctx: EntryContext): boolean => proc2Ctl(ctx, PROC2_CTLS.ENABLE_EPT);

/** A PDPTE as MOV to CR3 checks it under PAE paging: if present, bits 2:1, 8:5 and 63:MAXPHYADDR are 0 (Vol. 3A 4.4.1). */
function pdpteValid(ctx: EntryContext, e: bigint): boolean {
  return (e & 1n) === 0n || (e & (0x1E6n | beyondPhysicalWidth(ctx.caps))) === 0n;
}

/** Reads RAM; a read beyond it sees all ones, as a bus with nothing to answer does. */
function read64(ctx: EntryContext, pa: number): bigint {
  return pa + 8 <= ctx.memory.size ? ctx.memory.read64(pa) : MASK64;
}

// ---- VMCS link pointer (SDM 27.3.1.5)

const linkPointer = (ctx: EntryContext): bigint => field(ctx, 'VMCS_LINK_POINTER');
const linkUsed = (ctx: EntryContext): boolean => linkPointer(ctx) !== MASK64;
function linkHeader(ctx: EntryContext): { revisionId: number; shadow: boolean } {
  const pa = Number(linkPointer(ctx));
  // Beyond RAM the read sees all ones: revision 7FFFFFFFH, shadow indicator 1.
  if (pa + 4 > ctx.memory.size) return { revisionId: 0x7FFF_FFFF, shadow: true };
  return readRegionHeader(ctx.memory, pa);
}

/** Pending-debug-exception bits (SDM 25.4.2, Table 25-4), from the generated layout. */
const PENDING_DEBUG_BS = packVmcsPendingDebugExceptions({ bs: true });
const PENDING_DEBUG_RTM = packVmcsPendingDebugExceptions({ rtm: true });
const PENDING_DEBUG_ENABLED_BP = packVmcsPendingDebugExceptions({ enabledBreakpoint: true });
/** Pending debug exceptions: bits 11:4, 13, 15 and 63:17 (31:17 without Intel 64) reserved (SDM 27.3.1.5). */
const pendingDebugReserved = (ctx: EntryContext): bigint =>
  0xFF0n | (1n << 13n) | (1n << 15n) | ((intel64(ctx) ? MASK64 : 0xFFFF_FFFFn) & ~0x1_FFFFn);

/**
 * Whether this processor fails VM entry that injects an NMI while blocking by STI is indicated (SDM
 * 27.3.1.5 leaves it to the implementation; exit qualification 3). The modelled processors do.
 */
export const STI_BLOCKING_FAILS_NMI_INJECTION = true;

/** Bits of a 64-bit field above 31. */
const upper32 = (v: bigint): bigint => v >> 32n;

const GUEST_CHECKS: Record<string, CheckPredicate> = {
  // ---- 27.3.1.1 control registers, debug registers and MSRs
  // SDM 27.3.1.1: CR0 fixed bits (PE, PG exempt with unrestricted guest; NW, CD never checked)
  'guest.cr0-fixed-bits': (ctx) => {
    let exempt = CR0_NW | CR0_CD;
    if (unrestricted(ctx)) exempt |= CR0_PE | CR0_PG;
    const must1 = (ctx.caps.msrs.get('IA32_VMX_CR0_FIXED0') ?? 0n) & ~exempt;
    const must0 = MASK64 & ~(ctx.caps.msrs.get('IA32_VMX_CR0_FIXED1') ?? MASK64) & ~exempt;
    const cr0 = field(ctx, 'GUEST_CR0');
    return (cr0 & must1) === must1 && (cr0 & must0) === 0n;
  },
  // SDM 27.3.1.1: CR0.PG requires CR0.PE
  'guest.cr0.pg-requires-pe': (ctx) => !bit(field(ctx, 'GUEST_CR0'), CR0_PG) || bit(field(ctx, 'GUEST_CR0'), CR0_PE),
  // SDM 27.3.1.1: CR4 fixed bits
  'guest.cr4-fixed-bits': (ctx) => {
    const must1 = ctx.caps.msrs.get('IA32_VMX_CR4_FIXED0') ?? 0n;
    const must0 = MASK64 & ~(ctx.caps.msrs.get('IA32_VMX_CR4_FIXED1') ?? MASK64);
    return (cr4(ctx) & must1) === must1 && (cr4(ctx) & must0) === 0n;
  },
  // SDM 27.3.1.1: CR4.CET requires CR0.WP
  'guest.cr4.cet-requires-cr0-wp': (ctx) => !bit(cr4(ctx), CR4_CET) || bit(field(ctx, 'GUEST_CR0'), CR0_WP),
  // SDM 27.3.1.1: IA32_DEBUGCTL reserved bits with "load debug controls"
  'guest.ia32-debugctl.reserved-bits': (ctx) =>
    !entryCtl(ctx, ENTRY_CTLS.LOAD_DEBUG_CONTROLS) || (field(ctx, 'GUEST_IA32_DEBUGCTL') & DEBUGCTL_RESERVED) === 0n,
  // SDM 27.3.1.1: an IA-32e mode guest has CR0.PG = 1
  'guest.ia32e-mode.cr0-pg': (ctx) => !intel64(ctx) || !ia32e(ctx) || bit(field(ctx, 'GUEST_CR0'), CR0_PG),
  // SDM 27.3.1.1: an IA-32e mode guest has CR4.PAE = 1
  'guest.ia32e-mode.cr4-pae': (ctx) => !intel64(ctx) || !ia32e(ctx) || bit(cr4(ctx), CR4_PAE),
  // SDM 27.3.1.1: CR4.PCIDE only in IA-32e mode
  'guest.cr4.pcide': (ctx) => !intel64(ctx) || ia32e(ctx) || !bit(cr4(ctx), CR4_PCIDE),
  // SDM 27.3.1.1: CR4.FRED only in IA-32e mode
  'guest.cr4.fred': (ctx) => !supportsFred(ctx.caps) || ia32e(ctx) || !bit(cr4(ctx), CR4_FRED),
  // SDM 27.3.1.1: CR3 bits 63:52 and those beyond MAXPHYADDR are 0 (LAM_U57/LAM_U48 allowed with LAM)
  'guest.cr3.reserved-bits': (ctx) => {
    if (!intel64(ctx)) return true;
    const lam = supportsLam(ctx.caps) ? 3n << 61n : 0n;
    return (field(ctx, 'GUEST_CR3') & beyondPhysicalWidth(ctx.caps) & ~lam) === 0n;
  },
  // SDM 27.3.1.1: DR7 bits 63:32 are 0 with "load debug controls"
  'guest.dr7.upper-bits': (ctx) => !intel64(ctx) || !entryCtl(ctx, ENTRY_CTLS.LOAD_DEBUG_CONTROLS) || upper32(field(ctx, 'GUEST_DR7')) === 0n,
  // SDM 27.3.1.1: IA32_SYSENTER_ESP canonical
  'guest.ia32-sysenter-esp.canonical': (ctx) => !intel64(ctx) || canonical(ctx, 'GUEST_IA32_SYSENTER_ESP'),
  // SDM 27.3.1.1: IA32_SYSENTER_EIP canonical
  'guest.ia32-sysenter-eip.canonical': (ctx) => !intel64(ctx) || canonical(ctx, 'GUEST_IA32_SYSENTER_EIP'),
  // SDM 27.3.1.1: IA32_S_CET canonical with "load CET state"
  'guest.ia32-s-cet.canonical': (ctx) => !intel64(ctx) || !entryCtl(ctx, ENTRY_CTLS.LOAD_CET_STATE) || canonical(ctx, 'GUEST_IA32_S_CET'),
  // SDM 27.3.1.1: IA32_INTERRUPT_SSP_TABLE_ADDR canonical with "load CET state"
  'guest.ia32-interrupt-ssp-table-addr.canonical': (ctx) =>
    !intel64(ctx) || !entryCtl(ctx, ENTRY_CTLS.LOAD_CET_STATE) || canonical(ctx, 'GUEST_IA32_INTERRUPT_SSP_TABLE_ADDR'),
  // SDM 27.3.1.1: IA32_PERF_GLOBAL_CTRL reserved bits
  'guest.ia32-perf-global-ctrl.reserved-bits': (ctx) =>
    !entryCtl(ctx, ENTRY_CTLS.LOAD_IA32_PERF_GLOBAL_CTRL) || (field(ctx, 'GUEST_IA32_PERF_GLOBAL_CTRL') & PERF_GLOBAL_CTRL_RESERVED) === 0n,
  // SDM 27.3.1.1: IA32_PAT memory types
  'guest.ia32-pat.memory-types': (ctx) => !entryCtl(ctx, ENTRY_CTLS.LOAD_IA32_PAT) || patValid(field(ctx, 'GUEST_IA32_PAT')),
  // SDM 27.3.1.1: IA32_EFER reserved bits
  'guest.ia32-efer.reserved-bits': (ctx) => !entryCtl(ctx, ENTRY_CTLS.LOAD_IA32_EFER) || (field(ctx, 'GUEST_IA32_EFER') & EFER_RESERVED) === 0n,
  // SDM 27.3.1.1: IA32_EFER.LMA equals "IA-32e mode guest"
  'guest.ia32-efer.lma': (ctx) => !entryCtl(ctx, ENTRY_CTLS.LOAD_IA32_EFER) || bit(field(ctx, 'GUEST_IA32_EFER'), EFER_LMA) === ia32e(ctx),
  // SDM 27.3.1.1: IA32_EFER.LME equals LMA when CR0.PG = 1
  'guest.ia32-efer.lme': (ctx) => {
    if (!entryCtl(ctx, ENTRY_CTLS.LOAD_IA32_EFER) || !bit(field(ctx, 'GUEST_CR0'), CR0_PG)) return true;
    const efer = field(ctx, 'GUEST_IA32_EFER');
    return bit(efer, EFER_LME) === bit(efer, EFER_LMA);
  },
  // SDM 27.3.1.1: IA32_BNDCFGS reserved bits
  'guest.ia32-bndcfgs.reserved-bits': (ctx) =>
    !entryCtl(ctx, ENTRY_CTLS.LOAD_IA32_BNDCFGS) || (field(ctx, 'GUEST_IA32_BNDCFGS') & BNDCFGS_RESERVED) === 0n,
  // SDM 27.3.1.1: IA32_BNDCFGS base (bits 63:12) canonical
  'guest.ia32-bndcfgs.canonical-base': (ctx) =>
    !entryCtl(ctx, ENTRY_CTLS.LOAD_IA32_BNDCFGS) || canonicalPageAddress(ctx.caps, field(ctx, 'GUEST_IA32_BNDCFGS')),
  // SDM 27.3.1.1: IA32_RTIT_CTL reserved bits
  'guest.ia32-rtit-ctl.reserved-bits': (ctx) =>
    !entryCtl(ctx, ENTRY_CTLS.LOAD_IA32_RTIT_CTL) || (field(ctx, 'GUEST_IA32_RTIT_CTL') & RTIT_CTL_RESERVED) === 0n,
  // SDM 27.3.1.1: IA32_S_CET reserved bits 9:6
  'guest.ia32-s-cet.reserved-bits': (ctx) => !entryCtl(ctx, ENTRY_CTLS.LOAD_CET_STATE) || (field(ctx, 'GUEST_IA32_S_CET') & S_CET_RESERVED) === 0n,
  // SDM 27.3.1.1: IA32_LBR_CTL reserved bits
  'guest.ia32-lbr-ctl.reserved-bits': (ctx) =>
    !entryCtl(ctx, ENTRY_CTLS.LOAD_GUEST_IA32_LBR_CTL) || (field(ctx, 'GUEST_IA32_LBR_CTL') & LBR_CTL_RESERVED) === 0n,
  // SDM 27.3.1.1: IA32_PKRS bits 63:32
  'guest.ia32-pkrs.reserved-bits': (ctx) => !entryCtl(ctx, ENTRY_CTLS.LOAD_PKRS) || (field(ctx, 'GUEST_IA32_PKRS') & PKRS_RESERVED) === 0n,
  // SDM 27.3.1.1: IA32_FRED_CONFIG reserved bits
  'guest.ia32-fred-config.reserved-bits': (ctx) =>
    !loadFred(ctx) || (field(ctx, 'GUEST_IA32_FRED_CONFIG') & FRED_CONFIG_RESERVED) === 0n,
  // SDM 27.3.1.1: IA32_FRED_CONFIG entry point canonical
  'guest.ia32-fred-config.canonical': (ctx) => !loadFred(ctx) || canonicalPageAddress(ctx.caps, field(ctx, 'GUEST_IA32_FRED_CONFIG')),
  // SDM 27.3.1.1: IA32_FRED_RSP1-3 64-byte aligned
  'guest.ia32-fred-rsp.aligned': (ctx) => !loadFred(ctx) || FRED_RSP.every((id) => (field(ctx, id) & 0x3Fn) === 0n),
  // SDM 27.3.1.1: IA32_FRED_RSP1-3 canonical
  'guest.ia32-fred-rsp.canonical': (ctx) => !loadFred(ctx) || FRED_RSP.every((id) => canonical(ctx, id)),
  // SDM 27.3.1.1: IA32_FRED_SSP1-3 8-byte aligned
  'guest.ia32-fred-ssp.aligned': (ctx) => !loadFred(ctx) || FRED_SSP.every((id) => (field(ctx, id) & 0x7n) === 0n),
  // SDM 27.3.1.1: IA32_FRED_SSP1-3 canonical
  'guest.ia32-fred-ssp.canonical': (ctx) => !loadFred(ctx) || FRED_SSP.every((id) => canonical(ctx, id)),

  // ---- 27.3.1.2 segment registers
  // SDM 27.3.1.2: TR selector TI = 0
  'guest.tr.selector.ti': (ctx) => (selector(ctx, 'TR') & 4) === 0,
  // SDM 27.3.1.2: LDTR selector TI = 0 when usable
  'guest.ldtr.selector.ti': (ctx) => !usable(ctx, 'LDTR') || (selector(ctx, 'LDTR') & 4) === 0,
  // SDM 27.3.1.2: SS RPL equals CS RPL
  'guest.ss.selector.rpl': (ctx) => virtual8086(ctx) || unrestricted(ctx) || (selector(ctx, 'SS') & 3) === (selector(ctx, 'CS') & 3),
  ...SEGMENT_CHECKS,
  // SDM 27.3.1.2: LDTR base canonical when usable
  'guest.ldtr.base.canonical': (ctx) => !intel64(ctx) || !usable(ctx, 'LDTR') || canonical(ctx, 'GUEST_LDTR_BASE'),
  // SDM 27.3.1.2: CS type 9, 11, 13, 15 (or 3 with unrestricted guest)
  'guest.cs.access-rights.type': (ctx) => {
    const type = ar(ctx, 'CS').segmentType;
    return virtual8086(ctx) || CS_CODE_TYPES.has(type) || (type === 3 && unrestricted(ctx));
  },
  // SDM 27.3.1.2: usable SS type 3 or 7
  'guest.ss.access-rights.type': (ctx) => {
    const type = ar(ctx, 'SS').segmentType;
    return virtual8086(ctx) || !usable(ctx, 'SS') || type === 3 || type === 7;
  },
  // SDM 27.3.1.2: CS DPL 0 for a data-segment CS (type 3)
  'guest.cs.access-rights.dpl-data-segment': (ctx) => virtual8086(ctx) || ar(ctx, 'CS').segmentType !== 3 || ar(ctx, 'CS').dpl === 0,
  // SDM 27.3.1.2: non-conforming CS DPL equals SS DPL
  'guest.cs.access-rights.dpl-non-conforming': (ctx) => {
    const cs = ar(ctx, 'CS');
    return virtual8086(ctx) || !(cs.segmentType === 9 || cs.segmentType === 11) || cs.dpl === ssDpl(ctx);
  },
  // SDM 27.3.1.2: conforming CS DPL not above SS DPL
  'guest.cs.access-rights.dpl-conforming': (ctx) => {
    const cs = ar(ctx, 'CS');
    return virtual8086(ctx) || !(cs.segmentType === 13 || cs.segmentType === 15) || cs.dpl <= ssDpl(ctx);
  },
  // SDM 27.3.1.2: SS DPL equals SS RPL without unrestricted guest
  'guest.ss.access-rights.dpl-equals-rpl': (ctx) => virtual8086(ctx) || unrestricted(ctx) || ssDpl(ctx) === (selector(ctx, 'SS') & 3),
  // SDM 27.3.1.2: SS DPL 0 with a data-segment CS or CR0.PE = 0
  'guest.ss.access-rights.dpl-zero': (ctx) =>
    virtual8086(ctx) || !(ar(ctx, 'CS').segmentType === 3 || !bit(field(ctx, 'GUEST_CR0'), CR0_PE)) || ssDpl(ctx) === 0,
  // SDM 27.3.1.2: 64-bit CS has D/B = 0
  'guest.cs.access-rights.db': (ctx) => virtual8086(ctx) || !ia32e(ctx) || !ar(ctx, 'CS').longMode || ar(ctx, 'CS').defaultSize === 0,
  // SDM 27.3.1.2: with FRED in IA-32e mode, CPL is 0 or 3
  'guest.ss.access-rights.dpl-fred': (ctx) => !fredIa32e(ctx) || ssDpl(ctx) === 0 || ssDpl(ctx) === 3,
  // SDM 27.3.1.2: with FRED in IA-32e mode, CPL 0 runs in 64-bit mode
  'guest.cs.access-rights.l-fred': (ctx) => !fredIa32e(ctx) || ssDpl(ctx) !== 0 || ar(ctx, 'CS').longMode,
  // SDM 27.3.1.2: TR type 3 or 11 outside IA-32e mode
  'guest.tr.access-rights.type': (ctx) => ia32e(ctx) || ar(ctx, 'TR').segmentType === 3 || ar(ctx, 'TR').segmentType === 11,
  // SDM 27.3.1.2: TR type 11 in IA-32e mode
  'guest.tr.access-rights.type-ia32e': (ctx) => !ia32e(ctx) || ar(ctx, 'TR').segmentType === 11,
  // SDM 27.3.1.2: TR S = 0
  'guest.tr.access-rights.s': (ctx) => ar(ctx, 'TR').descriptorType === 0,
  // SDM 27.3.1.2: TR P = 1
  'guest.tr.access-rights.p': (ctx) => ar(ctx, 'TR').present,
  // SDM 27.3.1.2: TR reserved bits 11:8
  'guest.tr.access-rights.reserved-11-8': (ctx) => (arRaw(ctx, 'TR') & AR_RESERVED_11_8) === 0,
  // SDM 27.3.1.2: TR G against limit bits 11:0
  'guest.tr.access-rights.g-limit-low': (ctx) => gLimitLow(ctx, 'TR'),
  // SDM 27.3.1.2: TR G against limit bits 31:20
  'guest.tr.access-rights.g-limit-high': (ctx) => gLimitHigh(ctx, 'TR'),
  // SDM 27.3.1.2: TR usable
  'guest.tr.access-rights.unusable': (ctx) => ar(ctx, 'TR').unusable === 0,
  // SDM 27.3.1.2: TR reserved bits 31:17
  'guest.tr.access-rights.reserved-31-17': (ctx) => (arRaw(ctx, 'TR') & AR_RESERVED_31_17) === 0,
  // SDM 27.3.1.2: usable LDTR type 2
  'guest.ldtr.access-rights.type': (ctx) => !usable(ctx, 'LDTR') || ar(ctx, 'LDTR').segmentType === 2,
  // SDM 27.3.1.2: usable LDTR S = 0
  'guest.ldtr.access-rights.s': (ctx) => !usable(ctx, 'LDTR') || ar(ctx, 'LDTR').descriptorType === 0,
  // SDM 27.3.1.2: usable LDTR P = 1
  'guest.ldtr.access-rights.p': (ctx) => !usable(ctx, 'LDTR') || ar(ctx, 'LDTR').present,
  // SDM 27.3.1.2: usable LDTR reserved bits 11:8
  'guest.ldtr.access-rights.reserved-11-8': (ctx) => !usable(ctx, 'LDTR') || (arRaw(ctx, 'LDTR') & AR_RESERVED_11_8) === 0,
  // SDM 27.3.1.2: usable LDTR G against limit bits 11:0
  'guest.ldtr.access-rights.g-limit-low': (ctx) => !usable(ctx, 'LDTR') || gLimitLow(ctx, 'LDTR'),
  // SDM 27.3.1.2: usable LDTR G against limit bits 31:20
  'guest.ldtr.access-rights.g-limit-high': (ctx) => !usable(ctx, 'LDTR') || gLimitHigh(ctx, 'LDTR'),
  // SDM 27.3.1.2: usable LDTR reserved bits 31:17
  'guest.ldtr.access-rights.reserved-31-17': (ctx) => !usable(ctx, 'LDTR') || (arRaw(ctx, 'LDTR') & AR_RESERVED_31_17) === 0,

  // ---- 27.3.1.3 descriptor-table registers
  // SDM 27.3.1.3: GDTR base canonical
  'guest.gdtr.base.canonical': (ctx) => !intel64(ctx) || canonical(ctx, 'GUEST_GDTR_BASE'),
  // SDM 27.3.1.3: IDTR base canonical
  'guest.idtr.base.canonical': (ctx) => !intel64(ctx) || canonical(ctx, 'GUEST_IDTR_BASE'),
  // SDM 27.3.1.3: GDTR limit bits 31:16 are 0
  'guest.gdtr.limit.upper-bits': (ctx) => field(ctx, 'GUEST_GDTR_LIMIT') >> 16n === 0n,
  // SDM 27.3.1.3: IDTR limit bits 31:16 are 0
  'guest.idtr.limit.upper-bits': (ctx) => field(ctx, 'GUEST_IDTR_LIMIT') >> 16n === 0n,

  // ---- 27.3.1.4 RIP, RFLAGS and SSP
  // SDM 27.3.1.4: RIP bits 63:32 are 0 outside 64-bit mode
  'guest.rip.upper-bits': (ctx) => !intel64(ctx) || (ia32e(ctx) && ar(ctx, 'CS').longMode) || upper32(field(ctx, 'GUEST_RIP')) === 0n,
  // SDM 27.3.1.4: RIP bits 63:N identical in 64-bit mode
  'guest.rip.canonical': (ctx) => !(ia32e(ctx) && ar(ctx, 'CS').longMode) ||
    upperBitsIdenticalHalves(ctx.vmcs.getLo(VMCS_SLOT.GUEST_RIP), ctx.vmcs.getHi(VMCS_SLOT.GUEST_RIP), linearAddressBits(ctx.caps)),
  // SDM 27.3.1.4: RFLAGS reserved bits 0 and bit 1 set
  'guest.rflags.reserved-bits': (ctx) =>
    (rflags(ctx) & (intel64(ctx) ? RFLAGS_RESERVED_64 : RFLAGS_RESERVED_32)) === 0n && bit(rflags(ctx), RFLAGS_FIXED1),
  // SDM 27.3.1.4: no virtual-8086 in IA-32e mode
  'guest.rflags.vm.ia32e-mode': (ctx) => !ia32e(ctx) || !virtual8086(ctx),
  // SDM 27.3.1.4: no virtual-8086 with CR0.PE = 0
  'guest.rflags.vm.protected-mode': (ctx) => bit(field(ctx, 'GUEST_CR0'), CR0_PE) || !virtual8086(ctx),
  // SDM 27.3.1.4: IF = 1 when injecting an external interrupt
  'guest.rflags.if-external-interrupt': (ctx) => !injecting(ctx, TYPE_EXTERNAL) || bit(rflags(ctx), RFLAGS_IF),
  // SDM 27.3.1.4: IOPL 0 at CPL 3 with FRED
  'guest.rflags.iopl-fred': (ctx) => !fredIa32e(ctx) || ssDpl(ctx) !== 3 || (rflags(ctx) & RFLAGS_IOPL) === 0n,
  // SDM 27.3.1.4: SSP bits 1:0 are 0 with "load CET state"
  'guest.ssp.alignment': (ctx) => !entryCtl(ctx, ENTRY_CTLS.LOAD_CET_STATE) || (field(ctx, 'GUEST_SSP') & 3n) === 0n,
  // SDM 27.3.1.4: SSP bits 63:N identical with "load CET state"
  'guest.ssp.canonical': (ctx) =>
    !intel64(ctx) || !entryCtl(ctx, ENTRY_CTLS.LOAD_CET_STATE) || upperBitsIdentical(field(ctx, 'GUEST_SSP'), linearAddressBits(ctx.caps)),

  // ---- 27.3.1.5 non-register state
  // SDM 27.3.1.5: an activity state IA32_VMX_MISC reports as supported
  'guest.activity-state.supported': (ctx) => {
    const s = activity(ctx), misc = ctx.caps.misc;
    return s === ACTIVE || (s === HLT && misc.activityStateHlt) || (s === SHUTDOWN && misc.activityStateShutdown)
      || (s === WAIT_FOR_SIPI && misc.activityStateWaitForSipi);
  },
  // SDM 27.3.1.5: HLT only at CPL 0
  'guest.activity-state.hlt-requires-ss-dpl-0': (ctx) => activity(ctx) !== HLT || ssDpl(ctx) === 0,
  // SDM 27.3.1.5: active when blocking by STI or MOV SS
  'guest.activity-state.active-when-sti-or-mov-ss-blocking': (ctx) => {
    const i = interruptibility(ctx);
    return !(i.blockingBySti || i.blockingByMovSs) || activity(ctx) === ACTIVE;
  },
  // SDM 27.3.1.5: events injectable in HLT
  'guest.activity-state.hlt-injection': (ctx) => {
    const i = injection(ctx);
    if (activity(ctx) !== HLT || !i.valid) return true;
    return i.interruptionType === TYPE_EXTERNAL || i.interruptionType === TYPE_NMI
      || (i.interruptionType === TYPE_HW_EXCEPTION && (i.vector === VECTOR_DB || i.vector === VECTOR_MC))
      || (i.interruptionType === TYPE_OTHER && i.vector === VECTOR_MTF);
  },
  // SDM 27.3.1.5: events injectable in shutdown
  'guest.activity-state.shutdown-injection': (ctx) => {
    const i = injection(ctx);
    if (activity(ctx) !== SHUTDOWN || !i.valid) return true;
    return i.interruptionType === TYPE_NMI || (i.interruptionType === TYPE_HW_EXCEPTION && i.vector === VECTOR_MC);
  },
  // SDM 27.3.1.5: nothing injectable in wait-for-SIPI
  'guest.activity-state.wait-for-sipi-injection': (ctx) => activity(ctx) !== WAIT_FOR_SIPI || !injection(ctx).valid,
  // SDM 27.3.1.5: no wait-for-SIPI with "entry to SMM"
  'guest.activity-state.wait-for-sipi-entry-to-smm': (ctx) => !entryCtl(ctx, ENTRY_CTLS.ENTRY_TO_SMM) || activity(ctx) !== WAIT_FOR_SIPI,
  // SDM 33.15.4.4: a VM entry returning from SMM to VMX root operation (executive-VMCS pointer = VMXON pointer) not into wait-for-SIPI
  'guest.activity-state.wait-for-sipi-return-to-root': (ctx) =>
    !ctx.inSmm || entryCtl(ctx, ENTRY_CTLS.ENTRY_TO_SMM) || field(ctx, 'EXECUTIVE_VMCS_POINTER') !== BigInt(ctx.vmxon) || activity(ctx) !== WAIT_FOR_SIPI,
  // SDM 27.3.1.5: interruptibility-state bits 31:5 reserved
  'guest.interruptibility-state.reserved-bits': (ctx) => field(ctx, 'GUEST_INTERRUPTIBILITY_STATE') >> 5n === 0n,
  // SDM 27.3.1.5: not both blocking by STI and by MOV SS
  'guest.interruptibility-state.sti-and-mov-ss': (ctx) => !(interruptibility(ctx).blockingBySti && interruptibility(ctx).blockingByMovSs),
  // SDM 27.3.1.5: blocking by STI needs RFLAGS.IF = 1
  'guest.interruptibility-state.sti-requires-if': (ctx) => bit(rflags(ctx), RFLAGS_IF) || !interruptibility(ctx).blockingBySti,
  // SDM 27.3.1.5: no STI or MOV SS blocking when injecting an external interrupt
  'guest.interruptibility-state.external-interrupt-injection': (ctx) =>
    !injecting(ctx, TYPE_EXTERNAL) || !(interruptibility(ctx).blockingBySti || interruptibility(ctx).blockingByMovSs),
  // SDM 27.3.1.5: no MOV SS blocking when injecting an NMI
  'guest.interruptibility-state.mov-ss-nmi-injection': (ctx) => !injecting(ctx, TYPE_NMI) || !interruptibility(ctx).blockingByMovSs,
  // SDM 27.3.1.5: no SMI blocking outside SMM
  'guest.interruptibility-state.smi-blocking-outside-smm': (ctx) => ctx.inSmm || !interruptibility(ctx).blockingBySmi,
  // SDM 27.3.1.5: SMI blocking with "entry to SMM"
  'guest.interruptibility-state.smi-blocking-entry-to-smm': (ctx) =>
    !entryCtl(ctx, ENTRY_CTLS.ENTRY_TO_SMM) || interruptibility(ctx).blockingBySmi,
  // SDM 27.3.1.5: (implementation-specific) no STI blocking when injecting an NMI
  'guest.interruptibility-state.sti-nmi-injection': (ctx) =>
    !STI_BLOCKING_FAILS_NMI_INJECTION || !injecting(ctx, TYPE_NMI) || !interruptibility(ctx).blockingBySti,
  // SDM 27.3.1.5: no (virtual-)NMI blocking when injecting an NMI with "virtual NMIs"
  'guest.interruptibility-state.nmi-blocking-virtual-nmis': (ctx) =>
    !pinCtl(ctx, PIN_CTLS.VIRTUAL_NMIS) || !injecting(ctx, TYPE_NMI) || !interruptibility(ctx).blockingByNmi,
  // SDM 27.3.1.5: enclave interruption excludes MOV SS blocking
  'guest.interruptibility-state.enclave-interruption.mov-ss': (ctx) =>
    !interruptibility(ctx).enclaveInterruption || !interruptibility(ctx).blockingByMovSs,
  // SDM 27.3.1.5: enclave interruption needs SGX
  'guest.interruptibility-state.enclave-interruption.sgx': (ctx) => !interruptibility(ctx).enclaveInterruption || supportsSgx(ctx.caps),
  // SDM 27.3.1.5: no STI blocking at CPL 3 with FRED
  'guest.interruptibility-state.sti-fred': (ctx) => !fredIa32e(ctx) || ssDpl(ctx) !== 3 || !interruptibility(ctx).blockingBySti,
  // SDM 27.3.1.5: pending debug exceptions reserved bits
  'guest.pending-debug-exceptions.reserved-bits': (ctx) => (field(ctx, 'GUEST_PENDING_DEBUG_EXCEPTIONS') & pendingDebugReserved(ctx)) === 0n,
  // SDM 27.3.1.5: BS set for a pending single step under STI/MOV SS blocking or HLT
  'guest.pending-debug-exceptions.bs-set': (ctx) =>
    !singleStepShadow(ctx) || !singleStepping(ctx) || bit(field(ctx, 'GUEST_PENDING_DEBUG_EXCEPTIONS'), PENDING_DEBUG_BS),
  // SDM 27.3.1.5: BS clear without a pending single step under STI/MOV SS blocking or HLT
  'guest.pending-debug-exceptions.bs-clear': (ctx) =>
    !singleStepShadow(ctx) || singleStepping(ctx) || !bit(field(ctx, 'GUEST_PENDING_DEBUG_EXCEPTIONS'), PENDING_DEBUG_BS),
  // SDM 27.3.1.5: with RTM set, only bits 12 and 16, and bit 12 must be 1
  'guest.pending-debug-exceptions.rtm.bits': (ctx) => {
    const v = field(ctx, 'GUEST_PENDING_DEBUG_EXCEPTIONS');
    return !bit(v, PENDING_DEBUG_RTM) || v === (PENDING_DEBUG_RTM | PENDING_DEBUG_ENABLED_BP);
  },
  // SDM 27.3.1.5: RTM set needs RTM support
  'guest.pending-debug-exceptions.rtm.supported': (ctx) =>
    !bit(field(ctx, 'GUEST_PENDING_DEBUG_EXCEPTIONS'), PENDING_DEBUG_RTM) || supportsRtm(ctx.caps),
  // SDM 27.3.1.5: RTM set excludes MOV SS blocking
  'guest.pending-debug-exceptions.rtm.mov-ss': (ctx) =>
    !bit(field(ctx, 'GUEST_PENDING_DEBUG_EXCEPTIONS'), PENDING_DEBUG_RTM) || !interruptibility(ctx).blockingByMovSs,
  // SDM 27.3.1.5: VMCS link pointer 4-KByte aligned
  'guest.vmcs-link-pointer.aligned': (ctx) => !linkUsed(ctx) || (linkPointer(ctx) & 0xFFFn) === 0n,
  // SDM 27.3.1.5: VMCS link pointer within the physical-address width
  'guest.vmcs-link-pointer.width': (ctx) => {
    const width = intel64(ctx) ? physicalAddressBits(ctx.caps) : 32;
    return !linkUsed(ctx) || linkPointer(ctx) >> BigInt(width) === 0n;
  },
  // SDM 27.3.1.5: the linked region holds the VMCS revision identifier
  'guest.vmcs-link-pointer.revision-id': (ctx) => !linkUsed(ctx) || linkHeader(ctx).revisionId === ctx.caps.revisionId,
  // SDM 27.3.1.5: the linked region's shadow indicator equals "VMCS shadowing"
  'guest.vmcs-link-pointer.shadow-indicator': (ctx) => !linkUsed(ctx) || linkHeader(ctx).shadow === proc2Ctl(ctx, PROC2_CTLS.VMCS_SHADOWING),
  // SDM 27.3.1.5: the link pointer is not the current VMCS
  'guest.vmcs-link-pointer.not-current-vmcs': (ctx) =>
    !linkUsed(ctx) || (ctx.inSmm && !entryCtl(ctx, ENTRY_CTLS.ENTRY_TO_SMM)) || linkPointer(ctx) !== BigInt(ctx.currentVmcs),
  // SDM 27.3.1.5: in SMM without "entry to SMM", the link pointer is not the executive VMCS
  'guest.vmcs-link-pointer.not-executive-vmcs': (ctx) =>
    !linkUsed(ctx) || !ctx.inSmm || entryCtl(ctx, ENTRY_CTLS.ENTRY_TO_SMM) || linkPointer(ctx) !== field(ctx, 'EXECUTIVE_VMCS_POINTER'),
  // SDM 27.3.1.5: UINV bits 15:8 are 0 with "load UINV"
  'guest.uinv.reserved-bits': (ctx) => !entryCtl(ctx, ENTRY_CTLS.LOAD_UINV) || field(ctx, 'GUEST_UINV') >> 8n === 0n,

  // ---- 27.3.1.6 PDPTEs
  // SDM 27.3.1.6: PDPTEs in memory at CR3 valid for PAE paging without EPT
  'guest.pdptes.memory': (ctx) => {
    if (!paePaging(ctx) || ept(ctx)) return true;
    const base = Number(field(ctx, 'GUEST_CR3') & 0xFFFF_FFE0n);
    return [0, 1, 2, 3].every((i) => pdpteValid(ctx, read64(ctx, base + 8 * i)));
  },
  // SDM 27.3.1.6: PDPTE0-3 fields valid for PAE paging with EPT
  'guest.pdptes.fields': (ctx) => !paePaging(ctx) || !ept(ctx) || PDPTE_FIELDS.every((id) => pdpteValid(ctx, field(ctx, id))),
};

const FRED_RSP = ['GUEST_IA32_FRED_RSP1', 'GUEST_IA32_FRED_RSP2', 'GUEST_IA32_FRED_RSP3'] as const;
const FRED_SSP = ['GUEST_IA32_FRED_SSP1', 'GUEST_IA32_FRED_SSP2', 'GUEST_IA32_FRED_SSP3'] as const;
const PDPTE_FIELDS = ['GUEST_PDPTE0', 'GUEST_PDPTE1', 'GUEST_PDPTE2', 'GUEST_PDPTE3'] as const;

/** "IA-32e mode guest" and "load FRED" both 1 (SDM 27.3.1.1). */
function loadFred(ctx: EntryContext): boolean {
  return ia32e(ctx) && entryCtl(ctx, ENTRY_CTLS.LOAD_FRED);
}
/** Blocking by STI or MOV SS, or the HLT state: a pending single step is held back (SDM 27.3.1.5). */
function singleStepShadow(ctx: EntryContext): boolean {
  const i = interruptibility(ctx);
  return i.blockingBySti || i.blockingByMovSs || activity(ctx) === HLT;
}
/** RFLAGS.TF = 1 and IA32_DEBUGCTL.BTF = 0: single-stepping by instruction (SDM 27.3.1.5). */
function singleStepping(ctx: EntryContext): boolean {
  return bit(rflags(ctx), RFLAGS_TF) && !bit(field(ctx, 'GUEST_IA32_DEBUGCTL'), DEBUGCTL_BTF);
}

/** The predicates keyed by check id (the test suite verifies every key is a catalogue id of 27.3). */
export const GUEST_STATE_CHECKS: CheckTable = GUEST_CHECKS as Partial<Record<VmEntryCheckId, CheckPredicate>>;
