// EPTP validity (SDM 27.2.1.1 with 25.6.11 and A.10): the conditions VM entry checks on the EPT pointer,
// which INVEPT (single-context) and VMFUNC EPTP switching apply to the EPTPs they are given (31.3 INVEPT,
// 26.5.6.3). One set of predicates, used by the entry checks (model/vmx/checks/controls.ts) and here.
import { layoutById } from '../arch/catalogue.js';
import { definedMask } from '../arch/decode.js';
import { unpackEptEptp, unpackMsrIa32VmxEptVpidCap } from '../generated/index.js';
import type { VmxCapabilities } from '../vmx/capabilities.js';
import { beyondPhysicalWidth } from '../vmx/checks/features.js';

const MEMORY_TYPE_UC = 0, MEMORY_TYPE_WB = 6;
const WALK_4_LEVEL = 3, WALK_5_LEVEL = 4;
const EPTP_DEFINED = definedMask(layoutById('ept.eptp')!);

export function eptVpidCap(caps: VmxCapabilities) {
  return unpackMsrIa32VmxEptVpidCap(caps.msrs.get('IA32_VMX_EPT_VPID_CAP') ?? 0n);
}

/** Bits 2:0: UC if IA32_VMX_EPT_VPID_CAP[8], WB if [14] (check exec.eptp.memory-type). */
export function eptpMemoryTypeSupported(caps: VmxCapabilities, eptp: bigint): boolean {
  const t = unpackEptEptp(eptp).memoryType, cap = eptVpidCap(caps);
  return (t === MEMORY_TYPE_UC && cap.memoryTypeUc) || (t === MEMORY_TYPE_WB && cap.memoryTypeWb);
}

/** Bits 5:3: 3 (4-level) if [6], 4 (5-level) if [7] (check exec.eptp.page-walk-length). */
export function eptpWalkLengthSupported(caps: VmxCapabilities, eptp: bigint): boolean {
  const l = unpackEptEptp(eptp).pageWalkLength, cap = eptVpidCap(caps);
  return (l === WALK_4_LEVEL && cap.pageWalkLength4) || (l === WALK_5_LEVEL && cap.pageWalkLength5);
}

/** Bit 6 only with EPT A/D support, [21] (check exec.eptp.accessed-dirty-flags). */
export function eptpAccessedDirtyAllowed(caps: VmxCapabilities, eptp: bigint): boolean {
  return !unpackEptEptp(eptp).enableAccessedDirty || eptVpidCap(caps).accessedDirtyFlags;
}

/** Bit 7 only with supervisor shadow-stack control, [23] (check exec.eptp.supervisor-shadow-stack). */
export function eptpSupervisorShadowStackAllowed(caps: VmxCapabilities, eptp: bigint): boolean {
  return !unpackEptEptp(eptp).enableSupervisorShadowStack || eptVpidCap(caps).supervisorShadowStackControl;
}

/** Bits 11:8 and 63:N are 0 (check exec.eptp.reserved-bits). */
export function eptpReservedBitsClear(caps: VmxCapabilities, eptp: bigint): boolean {
  return (eptp & ~EPTP_DEFINED & 0xFFFn) === 0n && (eptp & beyondPhysicalWidth(caps)) === 0n;
}

/** Every EPTP condition of 27.2.1.1 holds. */
export function eptpValid(caps: VmxCapabilities, eptp: bigint): boolean {
  return eptpMemoryTypeSupported(caps, eptp) && eptpWalkLengthSupported(caps, eptp) && eptpAccessedDirtyAllowed(caps, eptp) &&
    eptpSupervisorShadowStackAllowed(caps, eptp) && eptpReservedBitsClear(caps, eptp);
}
