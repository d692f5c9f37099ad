// What WRMSR at CPL 0 accepts for the MSRs that VM entry loads from the guest-state area (SDM 27.3.1.1)
// or from the VM-entry MSR-load area (SDM 27.4). The layouts are those of SDM Vol. 4 Table 2-2 (and
// Vol. 3 where noted); the VM-entry checks own this table and do not consult the core's MSR file.
import type { VmxCapabilities } from '../capabilities.js';
import { MASK64, beyondPhysicalWidth, isCanonical } from './features.js';
import { smmMonitorCtlWritableBits } from '../../cpu/smm.js';

/** MSR indices (SDM Vol. 4 Table 2-2). */
export const MSR = {
  IA32_TIME_STAMP_COUNTER: 0x10,
  IA32_APIC_BASE: 0x1B,
  IA32_FEATURE_CONTROL: 0x3A,
  IA32_TSC_ADJUST: 0x3B,
  IA32_SMM_MONITOR_CTL: 0x9B,
  IA32_SMBASE: 0x9E,
  IA32_PMC0: 0xC1,
  IA32_PMC1: 0xC2,
  IA32_SYSENTER_CS: 0x174,
  IA32_SYSENTER_ESP: 0x175,
  IA32_SYSENTER_EIP: 0x176,
  IA32_PERFEVTSEL0: 0x186,
  IA32_PERFEVTSEL1: 0x187,
  IA32_MISC_ENABLE: 0x1A0,
  IA32_DEBUGCTL: 0x1D9,
  IA32_PAT: 0x277,
  IA32_VMX_BASIC: 0x480,
  IA32_VMX_VMFUNC: 0x491,
  IA32_EFER: 0xC000_0080,
  IA32_STAR: 0xC000_0081,
  IA32_LSTAR: 0xC000_0082,
  IA32_CSTAR: 0xC000_0083,
  IA32_FMASK: 0xC000_0084,
  IA32_FS_BASE: 0xC000_0100,
  IA32_GS_BASE: 0xC000_0101,
  IA32_KERNEL_GS_BASE: 0xC000_0102,
  IA32_TSC_AUX: 0xC000_0103,
} as const;

const HIGH32 = 0xFFFF_FFFF_0000_0000n;

/** IA32_DEBUGCTL: bits 5:2 and 63:16 reserved (Vol. 4 Table 2-2, 1D9H). */
export const DEBUGCTL_RESERVED = 0x3Cn | (MASK64 & ~0xFFFFn);
/** IA32_DEBUGCTL.BTF, bit 1 (Vol. 3B 18.4.1). */
export const DEBUGCTL_BTF = 1n << 1n;

/**
 * IA32_PERF_GLOBAL_CTRL (Vol. 3B 20.2.2): bit n enables general-purpose counter n, bits 32+ the fixed
 * counters. The modelled processor reports 2 general-purpose and no fixed counters in CPUID leaf 0AH,
 * so every other bit is reserved.
 */
export const PERF_GLOBAL_CTRL_GP_COUNTERS = 2;
export const PERF_GLOBAL_CTRL_RESERVED = MASK64 & ~((1n << BigInt(PERF_GLOBAL_CTRL_GP_COUNTERS)) - 1n);

/** IA32_EFER: SCE (0), LME (8), LMA (10), NXE (11); the rest is reserved (Vol. 3A 2.2.1). */
export const EFER_SCE = 1n << 0n, EFER_LME = 1n << 8n, EFER_LMA = 1n << 10n, EFER_NXE = 1n << 11n;
export const EFER_RESERVED = MASK64 & ~(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE);

/** IA32_BNDCFGS: EN (0), BNDPRESERVE (1), bits 11:2 reserved, 63:12 the bound-directory base (Vol. 1 17.3.3). */
export const BNDCFGS_RESERVED = 0xFFCn;

/**
 * IA32_RTIT_CTL (Vol. 3C 33.2.8.2): bits 13:0, MTCFreq 17:14, CycThresh 22:19, PSBFreq 27:24, EventEn 31,
 * ADDRn_CFG 47:32, DisTNT 54 and InjectPsbPmiOnEnable 55 are defined; 18, 23, 30:28, 53:48, 63:56 are reserved.
 */
export const RTIT_CTL_RESERVED = (1n << 18n) | (1n << 23n) | (0x7n << 28n) | (0x3Fn << 48n) | (0xFFn << 56n);

/** IA32_S_CET: bits 9:6 reserved (Vol. 1 18.3.1). */
export const S_CET_RESERVED = 0x3C0n;

/** IA32_LBR_CTL: LBREn, OS, USR, CALL_STACK (3:0) and the branch filters 22:16 are defined (Vol. 3B 19.1.2.2). */
export const LBR_CTL_RESERVED = MASK64 & ~0x7F_000Fn;

/** IA32_PKRS: bits 63:32 reserved (Vol. 3A 4.6.2). */
export const PKRS_RESERVED = HIGH32;

/** IA32_FRED_CONFIG: bits 2, 5:4 and 11 reserved; 63:12 the entry-point page (FRED spec 7.1). */
export const FRED_CONFIG_RESERVED = (1n << 2n) | (0x3n << 4n) | (1n << 11n);

/** PAT memory types WRMSR accepts in each byte: UC 0, WC 1, WT 4, WP 5, WB 6, UC- 7 (Vol. 3A 12.12.2). */
export function patValid(value: bigint): boolean {
  for (let i = 0n; i < 8n; i++) {
    const t = (value >> (8n * i)) & 0xFFn;
    if (!(t === 0n || t === 1n || t === 4n || t === 5n || t === 6n || t === 7n)) return false;
  }
  return true;
}

/** The linear address in bits 63:12 of a value is canonical (bits 11:0 hold flags). */
export function canonicalPageAddress(caps: VmxCapabilities, value: bigint): boolean {
  return isCanonical(caps, value & ~0xFFFn);
}

/** IA32_MISC_ENABLE: the bits WRMSR may write (R/W) or must leave as read (RO); the rest is reserved (Vol. 4 Table 2-2). */
const MISC_ENABLE_DEFINED = (1n << 0n) | (1n << 3n) | (1n << 7n) | (1n << 11n) | (1n << 12n) | (1n << 18n) | (1n << 22n) | (1n << 34n);

/**
 * Whether WRMSR at CPL 0 accepts `value` for `msr` on the modelled processor, by the SDM's rule for each
 * architectural MSR it has (Vol. 4 Table 2-2): reserved bits must be 0, address MSRs must be canonical,
 * IA32_PAT must name valid memory types. The VMX capability MSRs are read-only and IA32_FEATURE_CONTROL
 * is locked by firmware, so writes to them raise #GP, as does any index the processor does not implement
 * (Vol. 2 WRMSR: "specifying a reserved or unimplemented MSR address" raises #GP(0)).
 */
export function wrmsrAccepts(caps: VmxCapabilities, msr: number, value: bigint): boolean {
  switch (msr >>> 0) {
    case MSR.IA32_TIME_STAMP_COUNTER:
    case MSR.IA32_TSC_ADJUST:
    case MSR.IA32_PMC0:
    case MSR.IA32_PMC1:
    case MSR.IA32_SYSENTER_CS:
    case MSR.IA32_STAR:
      return true;
    case MSR.IA32_APIC_BASE: // bits 7:0, 9, 10 (no x2APIC) and those beyond MAXPHYADDR reserved (Vol. 3A 11.4.4)
      return (value & (0xFFn | (1n << 9n) | (1n << 10n) | beyondPhysicalWidth(caps))) === 0n;
    case MSR.IA32_FEATURE_CONTROL: // writable only while unlocked (Vol. 3C 24.7); the profile's value says whether it is
      return ((caps.msrs.get('IA32_FEATURE_CONTROL') ?? 1n) & 1n) === 0n && (value & ~0x7n) === 0n;
    case MSR.IA32_PERFEVTSEL0:
    case MSR.IA32_PERFEVTSEL1: // AnyThread (bit 21) needs version 3; bits 63:32 reserved (Vol. 3B 20.2.1)
      return (value & ((1n << 21n) | HIGH32)) === 0n;
    case MSR.IA32_MISC_ENABLE:
      return (value & ~MISC_ENABLE_DEFINED) === 0n;
    case MSR.IA32_DEBUGCTL:
      return (value & DEBUGCTL_RESERVED) === 0n;
    case MSR.IA32_PAT:
      return patValid(value);
    case MSR.IA32_EFER:
      return (value & EFER_RESERVED) === 0n;
    case MSR.IA32_SYSENTER_ESP:
    case MSR.IA32_SYSENTER_EIP:
    case MSR.IA32_LSTAR:
    case MSR.IA32_CSTAR:
    case MSR.IA32_FS_BASE:
    case MSR.IA32_GS_BASE:
    case MSR.IA32_KERNEL_GS_BASE:
      return isCanonical(caps, value);
    case MSR.IA32_FMASK:
    case MSR.IA32_TSC_AUX:
      return (value & HIGH32) === 0n;
    case MSR.IA32_SMM_MONITOR_CTL: // with the dual-monitor treatment only: bits 0, 31:12 and (MISC[28]) 2 (SDM 33.15.5)
      return caps.basic.dualMonitorTreatment && (value & ~smmMonitorCtlWritableBits(caps.misc.smmMonitorCtlBit2)) === 0n;
    default:
      return false;
  }
}
