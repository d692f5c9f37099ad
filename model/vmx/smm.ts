// The default treatment of SMIs and SMM in VMX operation (SDM 33.14): SMI delivery leaves VMX operation after
// keeping internally what RSM needs (CR4.VMXE, whether the processor was in VMX operation and in VMX non-root
// operation, the current-VMCS pointer; the VMX-critical state: CPL, RFLAGS.VM and the STI/MOV-SS blocking are
// the hidden segment state and blocking model/cpu/smm.ts keeps), stores the "enable EPT" setting and the EPTP of
// an interrupted guest in SMRAM, and clears CR4.VMXE before the ordinary state save (33.14.1). RSM fails into
// the shutdown state when the CR4 image has VMXE set, and otherwise returns to VMX root or non-root operation
// with the same current VMCS (33.14.2). Not modelled: virtual-NMI blocking and a pending MTF VM exit across
// SMM, the VMX-preemption timer while in SMM, and SMX.
import type { Cpu } from '../cpu/cpu.js';
import { Activity } from '../cpu/cpu.js';
import { SMRAM_MAP, enterSmmByDefaultTreatment, restoreFromSmram, smmOf } from '../cpu/smm.js';
import { enterTlbContext, eptContextOf, leaveTlbContext } from '../ept/index.js';
import { PROC_CTLS, PROC2_CTLS, VMCS_SLOT } from '../generated/index.js';
import { enterApicVirtualization, leaveApicVirtualization } from './apic-virtualization.js';
import type { Vmcs } from './vmcs.js';
import { crSupportedInVmx } from './operation.js';

/** What the default treatment keeps about VMX operation across SMM (33.14.1). */
interface VmxAcrossSmm {
  readonly vmxe: boolean;
  readonly inVmxOperation: boolean;
  readonly nonRoot: boolean;
  readonly current: Vmcs | undefined;
}

const CR4_VMXE = 1 << 13;

/** The "enable EPT" control of a VMCS (secondary controls active and bit set). */
function eptEnabled(vmcs: Vmcs): boolean {
  return (vmcs.getLo(VMCS_SLOT.PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS) & PROC_CTLS.ACTIVATE_SECONDARY_CONTROLS) !== 0 &&
    (vmcs.getLo(VMCS_SLOT.SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS) & PROC2_CTLS.ENABLE_EPT) !== 0;
}

/** SMI delivery by the default treatment (SDM 33.14.1, then 33.3-33.5 in model/cpu/smm.ts). */
export function deliverSmiByDefaultTreatment(cpu: Cpu): void {
  const s = cpu.vmx;
  const kept: VmxAcrossSmm = {
    vmxe: (cpu.cr4 & CR4_VMXE) !== 0, inVmxOperation: s?.inVmxOperation === true, nonRoot: s?.nonRoot === true, current: s?.current,
  };
  const at = smmOf(cpu).smbase + 0x8000;
  const guestEpt = kept.nonRoot && kept.current !== undefined && eptEnabled(kept.current);
  cpu.memory.write32(at + SMRAM_MAP.ENABLE_EPT, guestEpt ? 1 : 0);
  if (guestEpt) cpu.memory.write64(at + SMRAM_MAP.EPTP, kept.current!.get('EPT_POINTER'));
  if (s && kept.inVmxOperation) {
    // Leave VMX operation: nothing of non-root operation applies in SMM (33.14.1).
    if (kept.nonRoot) { cpu.ept = undefined; leaveApicVirtualization(cpu); leaveTlbContext(cpu); }
    s.inVmxOperation = false;
    s.nonRoot = false;
    s.current = undefined;
  }
  cpu.cr4 &= ~CR4_VMXE;
  enterSmmByDefaultTreatment(cpu, kept);
}

/** RSM outside VMX operation in SMM entered by the default treatment (SDM 33.14.2). */
export function rsmByDefaultTreatment(cpu: Cpu): void {
  const restored = restoreFromSmram(cpu);
  if (restored === undefined) { cpu.activity = Activity.Shutdown; cpu.eventCheck = true; return; } // VMXE in the CR4 image
  const kept = restored.vmx as VmxAcrossSmm;
  if (kept.vmxe) cpu.cr4 |= CR4_VMXE;
  const s = cpu.vmx;
  if (!s || !kept.inVmxOperation) return;
  s.inVmxOperation = true;
  s.nonRoot = kept.nonRoot;
  s.current = kept.current;
  // Bits fixed in VMX operation take their fixed values (A.7, A.8).
  const f0 = (reg: 'CR0' | 'CR4') => Number(s.caps.msrs.get(`IA32_VMX_${reg}_FIXED0`) ?? 0n) | 0;
  // (PE and PG stay as saved for a guest: "unrestricted guest" may clear them, 33.14.2 footnote.)
  if (!crSupportedInVmx(s.caps, cpu.cr0, cpu.cr4)) { cpu.cr0 |= f0('CR0') & (kept.nonRoot ? 0x7FFF_FFFE : -1); cpu.cr4 |= f0('CR4'); }
  if (kept.nonRoot && kept.current) {
    cpu.ept = eptContextOf(cpu, kept.current);
    enterTlbContext(cpu, kept.current);
    enterApicVirtualization(cpu, kept.current);
  }
  cpu.updateMode();
}
