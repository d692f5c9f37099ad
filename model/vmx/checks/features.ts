// What the VM-entry checks need to know about the processor beyond the VMX controls (SDM 27.2-27.3: "on
// processors that support Intel 64 architecture", "the processor's physical-address width", "supports
// FRED/SGX/RTM/LAM"). A profile carries no CPUID feature bits, so each answer is read from the capability
// MSRs that enumerate the feature (Appendix A), and the derivation is written down here, once.
import type { VmxCapabilities } from '../capabilities.js';

/** CR4 bits the checks name (SDM Vol. 3A 2.5). */
export const CR4_PAE = 1n << 5n, CR4_PCIDE = 1n << 17n, CR4_CET = 1n << 23n, CR4_LAM_SUP = 1n << 28n, CR4_FRED = 1n << 32n;
/** CR0 bits the checks name (SDM Vol. 3A 2.5). */
export const CR0_PE = 1n << 0n, CR0_WP = 1n << 16n, CR0_NW = 1n << 29n, CR0_CD = 1n << 30n, CR0_PG = 1n << 31n;

export const MASK64 = (1n << 64n) - 1n;

/**
 * Intel 64 architecture: the "host address-space size" exit control may be 1 only on such processors
 * (SDM A.4.1, 25.7.1), so its allowed 1-setting is the processor's answer.
 */
export function supportsIntel64(caps: VmxCapabilities): boolean {
  return caps.supports('exit.HOST_ADDRESS_SPACE_SIZE');
}

/** MAXPHYADDR (CPUID.80000008H:EAX[7:0]). */
export function physicalAddressBits(caps: VmxCapabilities): number {
  return caps.profile.cpuid.maxPhysicalAddressBits;
}

/** The linear-address width N (CPUID.80000008H:EAX[15:8]). */
export function linearAddressBits(caps: VmxCapabilities): number {
  return caps.profile.cpuid.maxLinearAddressBits;
}

/** Bits 63 down to MAXPHYADDR: must be 0 in a physical address. */
export function beyondPhysicalWidth(caps: VmxCapabilities): bigint {
  return MASK64 & ~((1n << BigInt(physicalAddressBits(caps))) - 1n);
}

/** Canonical for the processor's linear-address width: bits 63:N-1 all equal (SDM Vol. 1 3.3.7.1). */
export function isCanonical(caps: VmxCapabilities, value: bigint): boolean {
  return upperBitsIdentical(value & MASK64, linearAddressBits(caps) - 1);
}

/** Bits 63:n of a 64-bit value all identical. */
export function upperBitsIdentical(value: bigint, n: number): boolean {
  if (n >= 64) return true;
  // Bits 63:n all equal: the 64-bit value is the sign extension of its bits n:0.
  return BigInt.asIntN(n + 1, value) === BigInt.asIntN(64, value);
}

/** upperBitsIdentical on a value's 32-bit halves (int32), without BigInt (a field re-checked on every entry). */
export function upperBitsIdenticalHalves(lo: number, hi: number, n: number): boolean {
  if (n >= 64) return true;
  if (n >= 32) { const top = hi >> (n - 32); return top === 0 || top === -1; }
  const low = lo >> n; // bits 31:n, sign-extended
  return (hi === 0 && low === 0) || (hi === -1 && low === -1);
}

/** A CR4 bit the processor lets software set in VMX operation: 1 in IA32_VMX_CR4_FIXED1 (A.8). */
function cr4Settable(caps: VmxCapabilities, bit: bigint): boolean {
  return ((caps.msrs.get('IA32_VMX_CR4_FIXED1') ?? 0n) & bit) !== 0n;
}

/** FRED: CR4.FRED (bit 32) may be 1 (A.8). */
export function supportsFred(caps: VmxCapabilities): boolean {
  return cr4Settable(caps, CR4_FRED);
}

/** CET: CR4.CET (bit 23) may be 1 (A.8). */
export function supportsCet(caps: VmxCapabilities): boolean {
  return cr4Settable(caps, CR4_CET);
}

/** Linear-address masking: CR4.LAM_SUP (bit 28) may be 1 (A.8). */
export function supportsLam(caps: VmxCapabilities): boolean {
  return cr4Settable(caps, CR4_LAM_SUP);
}

/**
 * SGX (CPUID.(EAX=07H,ECX=0):EBX[2]): the "enable ENCLS exiting" control exists only on processors with
 * SGX (SDM 25.6.2), so its allowed 1-setting stands for the CPUID bit, which no profile carries.
 */
export function supportsSgx(caps: VmxCapabilities): boolean {
  return caps.supports('proc2.ENABLE_ENCLS_EXITING');
}

/**
 * RTM (CPUID.(EAX=07H,ECX=0):EBX[11]): the modelled processor implements no TSX and its CPUID never
 * reports RTM (model/cpu/exec/cpuid.ts), and nothing in a profile enumerates it.
 */
export function supportsRtm(_caps: VmxCapabilities): boolean {
  return false;
}
