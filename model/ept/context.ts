// What VM entry establishes for EPT (SDM 27.3.2.x, 29.3): the EPTP's root and walk length, its
// accessed/dirty enable, and the controls and capabilities the walk consults, decoded once per entry
// so the walk reads plain numbers.
import type { Cpu } from '../cpu/cpu.js';
import { maxPhysAddr } from '../cpu/paging.js';
import { PROC_CTLS, PROC2_CTLS, VMCS_SLOT, unpackEptEptp, unpackMsrIa32VmxEptVpidCap } from '../generated/index.js';
import type { Vmcs } from '../vmx/vmcs.js';

export interface EptContext {
  /** The EPTP in force (VMFUNC leaf 0 may change it, SDM 26.5.6.3). */
  eptp: bigint;
  /** Physical address of the EPT PML4 (or PML5) table. */
  root: number;
  /** 4 or 5 (EPTP bits 5:3 plus 1). */
  levels: number;
  /** EPTP bit 6: accessed and dirty flags for EPT (SDM 29.3.5). */
  accessedDirty: boolean;
  /** EPTP bits 2:0: the EPT paging-structure memory type (SDM 29.3.7.1). */
  memoryType: number;
  /** "mode-based execute control for EPT" (SDM 29.3.3.2). */
  readonly modeBasedExecute: boolean;
  /** IA32_VMX_EPT_VPID_CAP bits 0, 16, 17, 22 (SDM A.10). */
  readonly executeOnly: boolean;
  readonly pages2m: boolean;
  readonly pages1g: boolean;
  readonly advancedInfo: boolean;
  /** Mask of the high half of an entry: bits 51:MAXPHYADDR, reserved in every present entry (SDM 29.3.2). */
  readonly reservedHi: number;
  /** "enable PML" (SDM 29.3.6). */
  readonly pml: boolean;
  /** "EPT-violation #VE" (SDM 26.5.7). */
  readonly ve: boolean;
  readonly vmcs: Vmcs;
}

function controls(vmcs: Vmcs): { proc2: number } {
  const proc = vmcs.getLo(VMCS_SLOT.PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS) >>> 0;
  // With "activate secondary controls" 0 every secondary control is 0 (SDM 25.6.2).
  const proc2 = (proc & PROC_CTLS.ACTIVATE_SECONDARY_CONTROLS) !== 0
    ? vmcs.getLo(VMCS_SLOT.SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS) >>> 0 : 0;
  return { proc2 };
}

/** Decodes an EPTP into the context (root, walk length, A/D): VM entry and EPTP switching. */
export function useEptp(ctx: EptContext, eptp: bigint): void {
  const p = unpackEptEptp(eptp);
  ctx.eptp = eptp;
  ctx.root = Number(eptp & 0x000F_FFFF_FFFF_F000n);
  ctx.levels = p.pageWalkLength + 1;
  ctx.accessedDirty = p.enableAccessedDirty;
  ctx.memoryType = p.memoryType;
}

/** The EPT context of a VM entry with this VMCS, or undefined when "enable EPT" is 0 (SDM 25.6.2, 29.3). */
export function eptContextOf(cpu: Cpu, vmcs: Vmcs): EptContext | undefined {
  const { proc2 } = controls(vmcs);
  if ((proc2 & PROC2_CTLS.ENABLE_EPT) === 0) return undefined;
  const cap = unpackMsrIa32VmxEptVpidCap(cpu.vmx!.caps.msrs.get('IA32_VMX_EPT_VPID_CAP') ?? 0n);
  const m = maxPhysAddr(cpu);
  const ctx: EptContext = {
    eptp: 0n, root: 0, levels: 4, accessedDirty: false, memoryType: 0,
    modeBasedExecute: (proc2 & PROC2_CTLS.MODE_BASED_EXECUTE_CONTROL_FOR_EPT) !== 0,
    executeOnly: cap.executeOnly, pages2m: cap.pde2MbPages, pages1g: cap.pdpte1GbPages,
    advancedInfo: cap.advancedEptViolationInfo,
    reservedHi: 0xF_FFFF & ~(m <= 32 ? 0 : (1 << (m - 32)) - 1),
    pml: (proc2 & PROC2_CTLS.ENABLE_PML) !== 0,
    ve: (proc2 & PROC2_CTLS.EPT_VIOLATION_VE) !== 0,
    vmcs,
  };
  useEptp(ctx, vmcs.get('EPT_POINTER'));
  return ctx;
}
