// Sub-page write permissions for EPT (SDM 29.3.4): with the "sub-page write permissions for EPT" control,
// a write that the EPT PTE alone refuses may still be allowed at 128-byte granularity by the SPP vector
// of its 4-KByte page, found by a 4-level walk of the sub-page permission table (SPPT) rooted at the
// SPPTP. An SPPT entry not valid is an SPPT miss, one with reserved bits set an SPPT misconfiguration;
// both are SPP-related events (VM exit 66, 28.2.1). A sub-page whose vector bit is 0 leaves the write
// an EPT violation.
//
// Model choices where the SDM text was not at hand to settle them (README, "EPT and VPID"):
// - eligible: the control is 1, the address is mapped by an EPT PTE (not a 2-MByte or 1-GByte page) whose
//   bit 61 is 1, every other EPT entry used allows writes, and the write is to the translation of a linear
//   address (not a guest paging-structure update, which EPT A/D may make a write);
// - an SPPT entry's reserved bits are checked before its valid bit;
// - only the sub-page of the access's first byte is checked.
import type { Cpu } from '../cpu/cpu.js';
import { VmExitFault } from '../cpu/fault.js';
import { WRITE, type Access } from '../cpu/mmu.js';
import { maxPhysAddr } from '../cpu/paging.js';
import { layoutById } from '../arch/catalogue.js';
import { definedMask } from '../arch/decode.js';
import { EXIT_REASON, PROC_CTLS, PROC2_CTLS, VMCS_SLOT, packExitQualificationSppEvent } from '../generated/index.js';
import { eventExit } from '../vmx/events.js';
import type { EptContext } from './context.js';
import { linear } from './translate.js';

/** Bits of an SPPT entry (memory.sppt-entry) and of an SPP vector (memory.spp-vector) no field defines: reserved. */
const SPPT_ENTRY_RESERVED = ~definedMask(layoutById('memory.sppt-entry')!) & 0xFFFF_FFFF_FFFF_FFFFn;
const SPP_VECTOR_RESERVED = ~definedMask(layoutById('memory.spp-vector')!) & 0xFFFF_FFFF_FFFF_FFFFn;

/** SPPT miss and SPPT misconfiguration: the SPP event type of the exit qualification (28.2.1, bit 11). */
const SPPT_MISS = 1, SPPT_MISCONFIGURATION = 0;

/**
 * An SPP-related event (SDM 29.3.4.2): VM exit 66 with the event type, and the guest-linear and guest-physical
 * addresses of the write (28.2.1). The SDM text on the guest-linear address was not at hand; Intel's SPP design
 * for KVM ("EPT-Based Sub-Page Protection (SPP) Design Doc", section "SPPT-induced vmexits") says both address
 * fields are reported. An SPPT walk happens only for the translation of a linear address (subPageWriteAllowed),
 * so that address always exists; bits 63:32 are cleared outside 64-bit mode, as for EPT violations (28.2.1).
 */
export class SppRelatedEvent extends VmExitFault {
  readonly qualification: bigint;
  private readonly glaLo: number;
  private readonly glaHi: number;

  constructor(cpu: Cpu, readonly gpa: number, readonly miss: boolean) {
    super();
    this.qualification = packExitQualificationSppEvent({
      eventType: miss ? SPPT_MISS : SPPT_MISCONFIGURATION,
      // Bit 12: the event happened during an IRET that had removed NMI or virtual-NMI blocking (28.2.1).
      nmiUnblockingDueToIret: cpu.iretUnblockedNmi,
    });
    this.glaLo = linear.lo; this.glaHi = linear.hi;
  }

  deliver(cpu: Cpu): void {
    eventExit(cpu, EXIT_REASON.SPP_RELATED_EVENT, this.qualification, 0n, -1);
    const vmcs = cpu.vmx!.current!;
    vmcs.set('GUEST_PHYSICAL_ADDRESS', BigInt(this.gpa));
    const glaHi = cpu.bitness === 64 ? this.glaHi : 0;
    vmcs.set('GUEST_LINEAR_ADDRESS', (BigInt(glaHi >>> 0) << 32n) | BigInt(this.glaLo >>> 0));
  }
}

function subPageWriteControl(e: EptContext): boolean {
  const proc = e.vmcs.getLo(VMCS_SLOT.PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS) >>> 0;
  if ((proc & PROC_CTLS.ACTIVATE_SECONDARY_CONTROLS) === 0) return false;
  const proc2 = e.vmcs.getLo(VMCS_SLOT.SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS) >>> 0;
  return (proc2 & PROC2_CTLS.SUB_PAGE_WRITE_PERMISSIONS_FOR_EPT) !== 0;
}

/**
 * Called by the EPT walk when an access is refused by the EPT permissions (29.3.3.2): true when the access is
 * a write that sub-page write permissions allow; false when they do not apply or refuse it (the EPT
 * violation stands); throws the SPP-related event an SPPT walk meets. `leafLevel` is the level of the entry
 * that maps the page (1: an EPT PTE), `entryLo`/`n` the low halves of the entries used, `leafHi` the leaf's
 * high half.
 */
export function subPageWriteAllowed(
  cpu: Cpu, e: EptContext, gpa: number, access: Access, linearTranslation: boolean,
  leafLevel: number, entryLo: Int32Array, n: number, leafHi: number,
): boolean {
  if (access !== WRITE || !linearTranslation || leafLevel !== 1 || (leafHi & (1 << 29)) === 0) return false;
  for (let i = 0; i < n - 1; i++) if ((entryLo[i]! & 2) === 0) return false;
  if (!subPageWriteControl(e)) return false;
  const vector = sppVector(cpu, e, gpa);
  const subPage = Math.floor(gpa / 128) & 31; // guest-physical address bits 11:7
  return ((vector >> BigInt(2 * subPage)) & 1n) !== 0n;
}

/** The SPP vector of the 4-KByte page of `gpa` (29.3.4.2), or the SPPT miss or misconfiguration that stops the walk. */
function sppVector(cpu: Cpu, e: EptContext, gpa: number): bigint {
  const g = BigInt(gpa);
  // Bits 51:N of an SPPT entry are reserved too (N = MAXPHYADDR).
  const beyondWidth = ((1n << 52n) - 1n) & ~((1n << BigInt(maxPhysAddr(cpu))) - 1n);
  let table = e.vmcs.get('SUB_PAGE_PERMISSION_TABLE_POINTER') & 0x000F_FFFF_FFFF_F000n;
  for (const shift of [39n, 30n, 21n]) {
    const entry = readQword(cpu, table + ((g >> shift) & 0x1FFn) * 8n);
    if ((entry & (SPPT_ENTRY_RESERVED | beyondWidth)) !== 0n) throw new SppRelatedEvent(cpu, gpa, false);
    if ((entry & 1n) === 0n) throw new SppRelatedEvent(cpu, gpa, true);
    table = entry & 0x000F_FFFF_FFFF_F000n;
  }
  const vector = readQword(cpu, table + ((g >> 12n) & 0x1FFn) * 8n);
  if ((vector & SPP_VECTOR_RESERVED) !== 0n) throw new SppRelatedEvent(cpu, gpa, false);
  return vector;
}

function readQword(cpu: Cpu, at: bigint): bigint {
  const a = Number(at);
  cpu.stats.pageWalkReads++;
  cpu.cycles += cpu.timing.pageWalkCycles;
  return (BigInt(cpu.memory.read32(a + 4) >>> 0) << 32n) | BigInt(cpu.memory.read32(a) >>> 0);
}
