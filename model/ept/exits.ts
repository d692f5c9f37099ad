// EPT-induced VM exits (SDM 29.3.3, 28.2.1): EPT violations (reason 48) with their exit qualification and
// guest-linear/guest-physical addresses, EPT misconfigurations (49), page-modification-log-full events
// (62), and EPT violations converted into virtualization exceptions (#VE, SDM 26.5.7). Each travels as a
// VmExitFault: nothing happens until the run loop or event delivery delivers it.
import type { Cpu } from '../cpu/cpu.js';
import { VE, VmExitFault } from '../cpu/fault.js';
import { READ, WRITE, type Access } from '../cpu/mmu.js';
import { deliverException } from '../cpu/interrupts.js';
import { EXIT_REASON } from '../generated/index.js';
import { deliveringEvent, eventExit } from '../vmx/events.js';
import { GPA_LINEAR, GPA_ONLY, type GpaKind, linear } from './translate.js';

/** Exit-qualification bits of an EPT violation (SDM 28.2.1, Table 28-7; spec layout exit-qualification.ept-violation). */
export const EPT_QUAL = {
  READ: 1 << 0, WRITE: 1 << 1, FETCH: 1 << 2,
  READABLE: 1 << 3, WRITABLE: 1 << 4, EXECUTABLE: 1 << 5, USER_EXECUTABLE: 1 << 6,
  GLA_VALID: 1 << 7, TRANSLATION: 1 << 8,
  USER_LINEAR: 1 << 9, WRITABLE_LINEAR: 1 << 10, XD_LINEAR: 1 << 11, NMI_UNBLOCKING: 1 << 12,
} as const;

function u64(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

/**
 * The exit qualification of an EPT violation (SDM 28.2.1, Table 28-7): the access (a guest paging-structure
 * access with EPT A/D flags on is a write and sets bits 0 and 1, 29.3.3.2), the AND of the permission bits of
 * the entries used, whether there is a linear address and whether the access was its translation, and, with
 * advanced VM-exit information (IA32_VMX_EPT_VPID_CAP[22]), the guest paging's U/S, R/W and XD of it.
 */
export function eptViolationQualification(
  access: Access, kind: GpaKind, pagingWrite: boolean, r: number, w: number, x: number, ux: number,
  advanced: boolean, lin: { paging: boolean; user: boolean; write: boolean; xd: boolean },
): number {
  let q = pagingWrite ? EPT_QUAL.READ | EPT_QUAL.WRITE : access === READ ? EPT_QUAL.READ : access === WRITE ? EPT_QUAL.WRITE : EPT_QUAL.FETCH;
  if (r) q |= EPT_QUAL.READABLE;
  if (w) q |= EPT_QUAL.WRITABLE;
  if (x) q |= EPT_QUAL.EXECUTABLE;
  if (ux) q |= EPT_QUAL.USER_EXECUTABLE;
  if (kind !== GPA_ONLY) q |= EPT_QUAL.GLA_VALID;
  if (kind === GPA_LINEAR) {
    q |= EPT_QUAL.TRANSLATION;
    // Model choice where the SDM is silent: with guest paging off the linear address has no U/S, R/W, XD: 0.
    if (advanced && lin.paging) {
      if (lin.user) q |= EPT_QUAL.USER_LINEAR;
      if (lin.write) q |= EPT_QUAL.WRITABLE_LINEAR;
      if (lin.xd) q |= EPT_QUAL.XD_LINEAR;
    }
  }
  return q;
}

/** An EPT violation (SDM 29.3.3.2): a VM exit with reason 48, or a #VE when convertible (26.5.7.1). */
export class EptViolation extends VmExitFault {
  readonly qualification: number;
  readonly glaLo: number;
  readonly glaHi: number;
  readonly glaValid: boolean;
  readonly convertible: boolean;

  constructor(cpu: Cpu, readonly gpa: number, access: Access, kind: GpaKind, pagingWrite: boolean,
    r: number, w: number, x: number, ux: number, suppressVe: boolean) {
    super();
    const e = cpu.ept!;
    // Bit 12: the violation happened during an IRET that had removed NMI or virtual-NMI blocking (28.2.1).
    this.qualification = eptViolationQualification(access, kind, pagingWrite, r, w, x, ux, e.advancedInfo, linear) |
      (cpu.iretUnblockedNmi ? EPT_QUAL.NMI_UNBLOCKING : 0);
    this.glaLo = linear.lo; this.glaHi = linear.hi;
    this.glaValid = kind !== GPA_ONLY;
    // Convertible when "EPT-violation #VE" is 1 and bit 63 of the entry that decided is 0; a #VE also needs
    // CR0.PE = 1 and no event being delivered through the IDT (26.5.7.1); the information area's word at
    // offset 4 is looked at when it is delivered.
    this.convertible = e.ve && !suppressVe && (cpu.cr0 & 1) !== 0 && !deliveringEvent(cpu);
  }

  deliver(cpu: Cpu): void {
    if (this.convertible && virtualizationException(cpu, this)) return;
    // Bits 63:32 of the guest-linear address are cleared outside 64-bit mode (28.2.1).
    const glaHi = cpu.bitness === 64 ? this.glaHi : 0;
    eventExit(cpu, EXIT_REASON.EPT_VIOLATION, BigInt(this.qualification >>> 0), 0n, -1);
    const vmcs = cpu.vmx!.current!;
    vmcs.set('GUEST_PHYSICAL_ADDRESS', BigInt(this.gpa));
    if (this.glaValid) vmcs.set('GUEST_LINEAR_ADDRESS', u64(this.glaLo, glaHi));
  }
}

/** An EPT misconfiguration (SDM 29.3.3.1): VM exit 49 with the guest-physical address; no qualification (28.2.1). */
export class EptMisconfiguration extends VmExitFault {
  constructor(_cpu: Cpu, readonly gpa: number) {
    super();
  }

  deliver(cpu: Cpu): void {
    eventExit(cpu, EXIT_REASON.EPT_MISCONFIGURATION, 0n, 0n, -1);
    cpu.vmx!.current!.set('GUEST_PHYSICAL_ADDRESS', BigInt(this.gpa));
  }
}

/** A page-modification-log-full event (SDM 29.3.6): VM exit 62, exit qualification 0 (28.2.1). */
export class PmlFull extends VmExitFault {
  deliver(cpu: Cpu): void {
    eventExit(cpu, EXIT_REASON.PAGE_MODIFICATION_LOG_FULL, 0n, 0n, -1);
  }
}

/**
 * A convertible EPT violation becomes a virtualization exception (SDM 26.5.7) when the 32 bits at offset 4
 * of the virtualization-exception information area are 0: the area receives exit reason 48, FFFFFFFFH,
 * the exit qualification, guest-linear and guest-physical addresses and the EPTP index (26.5.7.2), and
 * #VE (vector 20, a fault without error code) is delivered like any exception. Returns false when the
 * area's word says a previous #VE is unacknowledged (the violation then exits).
 */
function virtualizationException(cpu: Cpu, v: EptViolation): boolean {
  const vmcs = cpu.vmx!.current!;
  const at = Number(vmcs.get('VIRTUALIZATION_EXCEPTION_INFORMATION_ADDRESS'));
  if (cpu.memory.read32(at + 4) !== 0) return false;
  cpu.memory.write32(at, EXIT_REASON.EPT_VIOLATION);
  cpu.memory.write32(at + 4, 0xFFFF_FFFF | 0);
  cpu.memory.write32(at + 8, v.qualification);
  cpu.memory.write32(at + 12, 0);
  cpu.memory.write32(at + 16, v.glaValid ? v.glaLo : 0);
  cpu.memory.write32(at + 20, v.glaValid ? v.glaHi : 0);
  cpu.memory.write32(at + 24, v.gpa >>> 0);
  cpu.memory.write32(at + 28, Math.floor(v.gpa / 0x1_0000_0000));
  cpu.memory.write16(at + 32, Number(vmcs.get('EPTP_INDEX') & 0xFFFFn));
  deliverException(cpu, VE, -1);
  return true;
}
