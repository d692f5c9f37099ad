// The dual-monitor treatment of SMIs and SMM (SDM 33.15): the executive monitor (the VMM outside SMM)
// activates it with VMCALL in VMX root operation (33.15.6) once SMM code has enabled it in
// IA32_SMM_MONITOR_CTL and written the MSEG header (33.15.5); from then on SMIs and the executive monitor's
// VMCALLs cause SMM VM exits (33.15.2) to the SMM-transfer monitor (STM) through the SMM-transfer VMCS, and
// the STM returns from SMM with a VM entry (33.15.4), which may also deactivate the treatment (33.15.7).
// The STM's own guests run in SMM ("entry to SMM" VM-entry control); RSM there exits (26.1.3).
//
// The transitions reuse the ordinary VM exit and VM entry (transitions.ts) and add what 33.15 changes; they
// are called from one-line hooks in instructions.ts (VMCALL), operation.ts (VMXOFF), transitions.ts
// (VMLAUNCH/VMRESUME in SMM), model/cpu/interrupts.ts (SMI delivery) and model/cpu/exec/vmx-exiting.ts (RSM).
// Not modelled (documented choices): the guest linear address of an I/O SMI after INS/OUTS is not saved (the platform's I/O trap
// answers IN and OUT only); VM entries that return from SMM skip the current VMCS's VM-execution-control checks
// (33.15.4.2: checks/index.ts) and refuse wait-for-SIPI to VMX root operation (33.15.4.4), but evaluate the other
// guest-state checks with the current VMCS's controls (33.15.4.4 bases them on none or on the executive VMCS's);
// SMX operation does not exist.
// Without the treatment active, SMIs take the default treatment (smm.ts).
import type { Cpu } from '../cpu/cpu.js';
import { Activity } from '../cpu/cpu.js';
import { FlagOp } from '../cpu/flags.js';
import { tlbFlushAll } from '../cpu/mmu.js';
import { invalidateFetch } from '../cpu/decode.js';
import { CS, DS, ES, FS, GS, LDTR, SS } from '../cpu/registers.js';
import { IA32_SMM_MONITOR_CTL, smmOf } from '../cpu/smm.js';
import { eptContextOf, enterTlbContext, leaveTlbContext } from '../ept/index.js';
import { ENTRY_CTLS, EXIT_REASON, VM_INSTRUCTION_ERROR, VMCS_SLOT } from '../generated/index.js';
import { CONTROL_CHECKS } from './checks/controls.js';
import type { EntryContext } from './checks/context.js';
import { eventExit, mtfExitPending } from './events.js';
import { instructionExit } from './exits.js';
import { INVALID_POINTER, type VmxOutcome, type VmxState, applyOutcome, vmxOf } from './operation.js';
import { saveGuestState } from './transitions.js';
import { deliverSmiByDefaultTreatment } from './smm.js';
import { type Vmcs, loadFromRegion, readRegionHeader } from './vmcs.js';

const MONITOR_CTL_VALID = 1n, MONITOR_CTL_MSEG = 0xFFFF_F000n;

/** The dual-monitor state of a processor in VMX operation: whether it is active and the SMM-transfer VMCS pointer. */
interface DualMonitor {
  active: boolean;
  transferVmcs: number;
}

const states = new WeakMap<VmxState, DualMonitor>();

function dualMonitorOf(s: VmxState): DualMonitor {
  let d = states.get(s);
  if (!d) states.set(s, (d = { active: false, transferVmcs: -1 }));
  return d;
}

/** Whether the dual-monitor treatment is active (SDM 33.15.6). */
export function dualMonitorActive(cpu: Cpu): boolean {
  return cpu.vmx !== undefined && states.get(cpu.vmx)?.active === true;
}

/** The SMM-transfer VMCS pointer, or undefined while the treatment is inactive. */
export function smmTransferVmcs(cpu: Cpu): number | undefined {
  const d = cpu.vmx && states.get(cpu.vmx);
  return d?.active ? d.transferVmcs : undefined;
}

/**
 * What SMM code does to enable the dual-monitor treatment (SDM 33.15.5): in SMM it writes IA32_SMM_MONITOR_CTL
 * with WRMSR. The platform's firmware runs it; the model offers it for set-ups (the conformance runner) as that
 * write made in SMM. Returns false when the processor has no such MSR or refuses the value.
 */
export function writeSmmMonitorCtlInSmm(cpu: Cpu, value: bigint): boolean {
  const smm = smmOf(cpu);
  const was = smm.inSmm;
  smm.inSmm = true;
  try {
    return cpu.msr.write(IA32_SMM_MONITOR_CTL, value);
  } finally {
    smm.inSmm = was;
  }
}

/** The VMCS at `address` as the processor holds it (loaded from memory on first use, like VMPTRLD). */
function vmcsAt(cpu: Cpu, s: VmxState, address: number): Vmcs {
  let v = s.cache.get(address);
  if (!v) {
    v = loadFromRegion(s.caps, cpu.memory, address);
    s.cache.set(address, v);
  }
  return v;
}

function fail(s: VmxState, error: number): VmxOutcome {
  return s.current ? { kind: 'vmfail-valid', error } : { kind: 'vmfail-invalid' };
}

/** The VM-exit control checks VMCALL makes before activating the treatment (SDM 33.15.6.1 item 3). */
const ACTIVATION_EXIT_CHECKS = ['exit.reserved-bits', 'exit.msr-store-address-aligned', 'exit.msr-store-address-width', 'exit.msr-store-area-end-width'] as const;

function entryContext(cpu: Cpu, s: VmxState, vmcs: Vmcs): EntryContext {
  return { caps: s.caps, vmcs, memory: cpu.memory, resume: false, inSmm: smmOf(cpu).inSmm, currentVmcs: vmcs.address, vmxon: s.vmxonPointer };
}

/**
 * VMCALL in VMX root operation, after its #UD and #GP checks (SDM 31.3 VMCALL, 33.15.6.1, 33.15.6.2): VMfail(1)
 * in SMM or without an enabled treatment; an SMM VM exit while it is active; otherwise the activation checks
 * (errors 19, 20, 22, 24) and the activating SMM VM exit.
 */
export function vmcallInRoot(cpu: Cpu, length: number): void {
  const s = vmxOf(cpu);
  const smm = smmOf(cpu);
  const ctl = cpu.msr.read(IA32_SMM_MONITOR_CTL);
  if (smm.inSmm || !s.caps.basic.dualMonitorTreatment || ctl === undefined || (ctl & MONITOR_CTL_VALID) === 0n) {
    applyOutcome(cpu, fail(s, VM_INSTRUCTION_ERROR.VMCALL_IN_VMX_ROOT_OPERATION));
    return;
  }
  const d = dualMonitorOf(s);
  if (d.active) { smmVmExitForVmcall(cpu, s, d, length); return; }
  const current = s.current;
  if (!current) { applyOutcome(cpu, { kind: 'vmfail-invalid' }); return; }
  if (current.launched) { applyOutcome(cpu, fail(s, VM_INSTRUCTION_ERROR.VMCALL_NONCLEAR_VMCS)); return; }
  const ctx = entryContext(cpu, s, current);
  if (ACTIVATION_EXIT_CHECKS.some((id) => !CONTROL_CHECKS[id]!(ctx))) {
    applyOutcome(cpu, fail(s, VM_INSTRUCTION_ERROR.VMCALL_INVALID_VM_EXIT_CONTROL_FIELDS));
    return;
  }
  // MSEG checking (33.15.6.2): the MSEG revision identifier (IA32_VMX_MISC[63:32], A.6), then bits 31:1 of the
  // SMM-transfer monitor features field (bit 0, IA-32e mode SMM, is allowed: every profile supports Intel 64).
  const mseg = Number(ctl & MONITOR_CTL_MSEG);
  if ((cpu.memory.read32(mseg) >>> 0) !== s.caps.misc.msegRevisionId >>> 0) {
    applyOutcome(cpu, fail(s, VM_INSTRUCTION_ERROR.VMCALL_INCORRECT_MSEG_REVISION_ID));
    return;
  }
  const features = cpu.memory.read32(mseg + 4) >>> 0;
  if ((features & ~1) !== 0) {
    applyOutcome(cpu, fail(s, VM_INSTRUCTION_ERROR.VMCALL_INVALID_SMM_MONITOR_FEATURES));
    return;
  }
  activate(cpu, s, d, current, mseg, features, length);
}

/** SMM VM exit information common to all of them (SDM 33.15.2.2-33.15.2.5), after the ordinary VM exit. */
function finishSmmVmExit(cpu: Cpu, t: Vmcs): void {
  const smm = smmOf(cpu);
  t.set('GUEST_SMBASE', BigInt(smm.smbase)); // 33.15.2.4
  smm.inSmm = true;
  smm.smiBlocked = true; // 33.15.2.5: SMIs and NMIs blocked
  cpu.nmiBlocked = true;
}

/**
 * Begins an SMM VM exit (SDM 33.15.2.2): the executive-VMCS pointer field of the SMM-transfer VMCS receives the
 * current-VMCS pointer (from VMX non-root operation) or the VMXON pointer (from root), then the SMM-transfer
 * VMCS becomes current. Returns bit 29 of the exit reason (set for an exit from root, 33.15.2.3).
 */
function switchToTransferVmcs(cpu: Cpu, s: VmxState, d: DualMonitor): { t: Vmcs; rootBit: number } {
  const fromRoot = !s.nonRoot;
  smmOf(cpu).inSmm = true; // the exit ends in SMM (its host MSR loads may write SMM-only MSRs, 28.6)
  const t = vmcsAt(cpu, s, d.transferVmcs);
  t.set('EXECUTIVE_VMCS_POINTER', BigInt(fromRoot ? s.vmxonPointer : s.current!.address));
  s.current = t;
  return { t, rootBit: fromRoot ? 1 << 29 : 0 };
}

/** VMCALL by the executive monitor while the treatment is active: an SMM VM exit with reason 18 (33.15.2). */
function smmVmExitForVmcall(cpu: Cpu, s: VmxState, d: DualMonitor, length: number): void {
  const { t, rootBit } = switchToTransferVmcs(cpu, s, d);
  instructionExit(cpu, EXIT_REASON.VMCALL | rootBit, length);
  finishSmmVmExit(cpu, t);
}

/**
 * Takes a pending SMI at an instruction boundary (model/cpu/interrupts.ts). Under the dual-monitor treatment,
 * outside SMM and unblocked, it causes an SMM VM exit (33.15.2) with reason 5 (after an I/O instruction: the
 * qualification of Table 33-9 and I/O RCX/RSI/RDI/RIP, 33.15.2.3) or 6; otherwise the default treatment
 * enters SMM through SMRAM (33.14.1, smm.ts). Blocked SMIs stay pending. Returns true when the SMI was taken.
 */
export function takeSmi(cpu: Cpu): boolean {
  const smm = smmOf(cpu);
  const pending = smm.pending;
  if (pending === undefined) { cpu.smiPending = false; return false; }
  if (smm.inSmm || smm.smiBlocked) return false;
  smm.pending = undefined;
  cpu.smiPending = false;
  if (!dualMonitorActive(cpu)) { deliverSmiByDefaultTreatment(cpu); return true; }
  const s = vmxOf(cpu);
  // Bit 28: an MTF VM exit was pending in VMX non-root operation (the SMI took priority, 33.15.2.3).
  const mtfBit = s.nonRoot && mtfExitPending(cpu) ? 1 << 28 : 0;
  const { t, rootBit } = switchToTransferVmcs(cpu, s, dualMonitorOf(s));
  if (pending === 'other') {
    eventExit(cpu, EXIT_REASON.OTHER_SMI | rootBit | mtfBit, 0n, 0n, -1);
  } else {
    eventExit(cpu, EXIT_REASON.IO_SMI | rootBit | mtfBit, pending.qualification, 0n, -1);
    t.set('IO_RCX', pending.rcx); t.set('IO_RSI', pending.rsi); t.set('IO_RDI', pending.rdi); t.set('IO_RIP', pending.rip);
  }
  finishSmmVmExit(cpu, t);
  return true;
}

/**
 * The SMM VM exit that activates the treatment (SDM 33.15.6.3-33.15.6.7): the current VMCS becomes the
 * SMM-transfer VMCS; exit information and guest state are saved into it as for any SMM VM exit, but no MSRs
 * are stored or loaded and processor state comes from fixed values and the MSEG header, not the host area.
 */
function activate(cpu: Cpu, s: VmxState, d: DualMonitor, current: Vmcs, mseg: number, features: number, length: number): void {
  d.transferVmcs = current.address;
  d.active = true;
  const { t, rootBit } = switchToTransferVmcs(cpu, s, d);
  t.setSlot(VMCS_SLOT.EXIT_REASON, EXIT_REASON.VMCALL | rootBit, 0);
  t.setSlot(VMCS_SLOT.EXIT_QUALIFICATION, 0, 0);
  t.setSlot(VMCS_SLOT.VM_EXIT_INSTRUCTION_LENGTH, length, 0);
  saveGuestState(cpu, t);
  finishSmmVmExit(cpu, t);
  loadStmState(cpu, mseg, features);
}

/** Loading state when the STM is activated (SDM 33.15.6.6, from the MSEG header of Table 33-10). */
function loadStmState(cpu: Cpu, mseg: number, features: number): void {
  const m = cpu.memory, ia32e = (features & 1) !== 0;
  const gdtrLimit = m.read32(mseg + 8) & 0xFFFF, gdtrOffset = m.read32(mseg + 12) >>> 0;
  let cs = m.read32(mseg + 16) & 0xFFF8;
  const eipOffset = m.read32(mseg + 20) >>> 0, espOffset = m.read32(mseg + 24) >>> 0, cr3Offset = m.read32(mseg + 28) >>> 0;
  cpu.cr0 = (cpu.cr0 & 0x6000_0000) | 0x8000_0033; // PG, NE, ET, MP, PE; CD and NW unchanged
  cpu.cr3Lo = (((mseg + cr3Offset) >>> 0) & 0xFFFF_F000) | (cr3Offset & 0x18); cpu.cr3Hi = 0;
  cpu.cr4 = (cpu.cr4 & ~(0xC0 | 0x30)) | (ia32e ? 0x20 : 0x10); // MCE, PGE clear; PAE = IA-32e bit; PSE = its inverse
  cpu.drLo[7] = 0x400; cpu.drHi[7] = 0;
  cpu.msr.values.set(0x1D9, 0n); // IA32_DEBUGCTL
  if (cs === 0) cs = 8;
  const data = ((cs + 8) & 0xFFFF) || 8;
  cpu.loadSegmentRaw(CS, cs, 0, 0, 0xFFFF_FFFF, ia32e ? 0xA09B : 0xC09B);
  for (const seg of [SS, DS, ES, FS, GS]) cpu.loadSegmentRaw(seg, data, 0, 0, 0xFFFF_FFFF, 0xC093);
  cpu.loadSegmentRaw(LDTR, 0, 0, 0, 0, 0x1_0000);
  cpu.gdtrBaseLo = (mseg + gdtrOffset) | 0; cpu.gdtrBaseHi = 0; cpu.gdtrLimit = gdtrLimit;
  cpu.idtrLimit = 0;
  cpu.nextLo = (mseg + eipOffset) | 0; cpu.nextHi = 0;
  cpu.lo[4] = (mseg + espOffset) | 0; cpu.hi[4] = 0;
  cpu.flagsOp = FlagOp.None;
  cpu.flagsValue = 0x2;
  cpu.activity = Activity.Active;
  cpu.interruptShadow = 0;
  cpu.efer = (cpu.efer & ~0x500) | (ia32e ? 0x500 : 0); // LME and LMA = the IA-32e mode SMM feature bit
  cpu.updateMode();
  tlbFlushAll(cpu);
  invalidateFetch(cpu);
  cpu.eventCheck = true;
}

/**
 * A successful VMXOFF unblocks SMIs unless IA32_SMM_MONITOR_CTL[2] is 1 (SDM 31.3 VMXOFF and its footnote; A.6
 * bit 28). Without the MSR (no dual-monitor treatment) the bit reads as 0. The model has no SMX operation.
 */
export function vmxoffUnblocksSmis(cpu: Cpu): void {
  const s = cpu.smm;
  if (s === undefined || ((cpu.msr.read(IA32_SMM_MONITOR_CTL) ?? 0n) & 4n) !== 0n) return;
  s.smiBlocked = false;
  if (s.pending !== undefined) { cpu.smiPending = true; cpu.eventCheck = true; }
}

/** VMXOFF fails while the treatment is active (SDM 31.3 VMXOFF, 33.15.1): the error operation.ts reports, or 0. */
export function vmxoffDualMonitorError(cpu: Cpu): number {
  return dualMonitorActive(cpu) ? VM_INSTRUCTION_ERROR.VMXOFF_UNDER_DUAL_MONITOR_TREATMENT : 0;
}

function entryControl(vmcs: Vmcs, mask: number): boolean {
  return (vmcs.getLo(VMCS_SLOT.VM_ENTRY_CONTROLS) & mask) !== 0;
}

/** A VM entry in SMM with "entry to SMM" 0 returns from SMM (SDM 33.15.4). */
function returnsFromSmm(cpu: Cpu, vmcs: Vmcs): boolean {
  return cpu.smm?.inSmm === true && !entryControl(vmcs, ENTRY_CTLS.ENTRY_TO_SMM);
}

/**
 * The checks of a VM entry that returns from SMM before those of 27.2 (SDM 33.15.4.1, 33.15.4.2; 31.3
 * VMLAUNCH/VMRESUME): the executive-VMCS pointer's alignment, width and revision identifier (error 16), the
 * launch state of the executive VMCS (17), the VMXON pointer when deactivating (18), the executive VMCS's
 * VM-execution control fields when the entry goes to VMX non-root operation (25), and, to VMX root operation, no
 * event injection but a pending MTF VM exit (33.15.4.3: error 7). 0 when they pass.
 */
export function returnFromSmmError(cpu: Cpu, vmcs: Vmcs): number {
  if (!returnsFromSmm(cpu, vmcs)) return 0;
  const s = vmxOf(cpu);
  const exec = vmcs.get('EXECUTIVE_VMCS_POINTER');
  const width = s.caps.basic.physicalAddressWidth32 ? 32 : s.caps.profile.cpuid.maxPhysicalAddressBits;
  if ((exec & 0xFFFn) !== 0n || exec >> BigInt(width) !== 0n || readRegionHeader(cpu.memory, Number(exec)).revisionId !== s.caps.revisionId) {
    return VM_INSTRUCTION_ERROR.VMENTRY_INVALID_EXECUTIVE_VMCS_POINTER;
  }
  const toRoot = Number(exec) === s.vmxonPointer;
  if (entryControl(vmcs, ENTRY_CTLS.DEACTIVATE_DUAL_MONITOR_TREATMENT) && !toRoot) {
    return VM_INSTRUCTION_ERROR.VMENTRY_EXECUTIVE_VMCS_POINTER_NOT_VMXON_POINTER;
  }
  if (toRoot) {
    // 33.15.4.3: to VMX root operation, the only event the entry may "inject" is a pending MTF VM exit (type 7, vector 0).
    const info = vmcs.getLo(VMCS_SLOT.VM_ENTRY_INTERRUPTION_INFORMATION);
    return (info >>> 31) !== 0 && (((info >>> 8) & 7) !== 7 || (info & 0xFF) !== 0) ? VM_INSTRUCTION_ERROR.VMENTRY_INVALID_CONTROL_FIELDS : 0;
  }
  const executive = vmcsAt(cpu, s, Number(exec));
  if (!executive.launched) return VM_INSTRUCTION_ERROR.VMENTRY_NONLAUNCHED_EXECUTIVE_VMCS;
  const ctx = entryContext(cpu, s, executive);
  for (const [id, predicate] of Object.entries(CONTROL_CHECKS)) {
    if (id.startsWith('exec.') && !predicate!(ctx)) return VM_INSTRUCTION_ERROR.VMENTRY_INVALID_VM_EXECUTION_CONTROL_FIELDS_IN_EXECUTIVE_VMCS;
  }
  return 0;
}

/**
 * Completes a successful VM entry in SMM after guest state and MSRs are loaded (SDM 33.15.4.5, 33.15.4.7,
 * 33.15.4.9, 33.15.7; 31.3 VMLAUNCH): a return from SMM loads SMBASE, makes the current VMCS the SMM-transfer
 * VMCS (unless it deactivates the treatment), makes the VMCS-link pointer's VMCS (to VMX root operation) or the
 * executive VMCS current, sets SMI blocking, invalidates the mappings of all VPIDs (33.15.4.5) and leaves SMM. Returns true when the processor stays in VMX root
 * operation (the caller then skips everything that enters the guest).
 */
export function completeEntryInSmm(cpu: Cpu, vmcs: Vmcs): boolean {
  if (!returnsFromSmm(cpu, vmcs)) return false;
  const s = vmxOf(cpu), smm = smmOf(cpu), d = dualMonitorOf(s);
  smm.smbase = Number(vmcs.get('GUEST_SMBASE') & 0xFFFF_FFFFn);
  const deactivate = entryControl(vmcs, ENTRY_CTLS.DEACTIVATE_DUAL_MONITOR_TREATMENT);
  if (deactivate) { d.active = false; d.transferVmcs = -1; smm.smiBlocked = false; } // outside SMX operation
  else { d.transferVmcs = vmcs.address; smm.smiBlocked = (vmcs.getLo(VMCS_SLOT.GUEST_INTERRUPTIBILITY_STATE) & 4) !== 0; }
  smm.inSmm = false;
  // 33.15.4.5: linear and combined mappings of every VPID (and every EP4TA) are invalidated.
  tlbFlushAll(cpu);
  const exec = Number(vmcs.get('EXECUTIVE_VMCS_POINTER'));
  if (exec !== s.vmxonPointer) {
    // 33.15.4.7: the VM-execution controls in effect in the guest, with the structures they reference (EPT, VPID),
    // are the executive VMCS's, not those of the SMM-transfer VMCS that guest-state loading saw.
    const executive = vmcsAt(cpu, s, exec);
    s.current = executive;
    cpu.ept = eptContextOf(cpu, executive);
    enterTlbContext(cpu, executive);
    return false;
  }
  // To VMX root operation: no EPT and the host's TLB context (the SMM-transfer VMCS's controls do not apply).
  cpu.ept = undefined;
  leaveTlbContext(cpu);
  const link = vmcs.get('VMCS_LINK_POINTER');
  s.current = link === INVALID_POINTER ? undefined : vmcsAt(cpu, s, Number(link));
  return true;
}
