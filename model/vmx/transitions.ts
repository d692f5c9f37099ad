// VM entries (SDM 27) and VM exits (SDM 28): checks, guest-state loading, exit information, guest-state
// saving and host-state loading. VMLAUNCH/VMRESUME as x86 instructions and as API calls run vmEntry.
import type { Cpu } from '../cpu/cpu.js';
import { Activity } from '../cpu/cpu.js';
import { invalidateFetch } from '../cpu/decode.js';
import { Fault, GP } from '../cpu/fault.js';
import { FlagOp, readFlags as readFlagsOf } from '../cpu/flags.js';
import { loadPdptes } from '../cpu/paging.js';
import { enterTlbContext, eptContextOf, leaveTlbContext, loadPdptesFromVmcs, savePdptesToVmcs } from '../ept/index.js';
import { CS, DS, ES, FS, GS, LDTR, SS, TR } from '../cpu/registers.js';
import { ENTRY_CTLS, EXIT_CTLS, EXIT_REASON, VM_ENTRY_CHECKS, VM_INSTRUCTION_ERROR, type VmEntryCheckInfo } from '../generated/index.js';
import { evaluateEntryChecks, evaluateMsrLoadChecks, msrLoadEntries } from './checks/index.js';
import { injectEvent } from './events.js';
import { type VmxOutcome, vmxOf } from './operation.js';
import { armPrivilegeLevelExiting, checkPrivilegeLevelExitingControls } from './extension-privilege-exiting.js';
import { loadPreemptionTimer, savePreemptionTimer } from './timers.js';
import type { Vmcs } from './vmcs.js';

const SEGMENTS = [['ES', ES], ['CS', CS], ['SS', SS], ['DS', DS], ['FS', FS], ['GS', GS], ['LDTR', LDTR], ['TR', TR]] as const;
const IA32_SYSENTER_CS = 0x174, IA32_SYSENTER_ESP = 0x175, IA32_SYSENTER_EIP = 0x176, IA32_DEBUGCTL = 0x1D9, IA32_PAT = 0x277;
const IA32_FS_BASE = 0xC000_0100, IA32_GS_BASE = 0xC000_0101;
const EFER_LME = 1 << 8, EFER_LMA = 1 << 10;

/** How a VM entry ended: it failed as an instruction, failed as a VM exit (27.8), or the guest runs. */
export type EntryResult =
  | { readonly kind: 'outcome'; readonly outcome: VmxOutcome; readonly check?: VmEntryCheckInfo }
  | { readonly kind: 'entry-failure'; readonly reason: number; readonly qualification: bigint; readonly check: VmEntryCheckInfo }
  | { readonly kind: 'entered' };

function lo32(v: bigint): number { return Number(v & 0xFFFF_FFFFn) | 0; }
function hi32(v: bigint): number { return Number((v >> 32n) & 0xFFFF_FFFFn) | 0; }
function u64(lo: number, hi: number): bigint { return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0); }

function ctl(vmcs: Vmcs, field: string, mask: number | bigint): boolean {
  return (vmcs.get(field) & BigInt(mask)) !== 0n;
}

/**
 * VMLAUNCH (launch = true) or VMRESUME, after the instruction's #UD and #GP checks (SDM 27.1): the basic
 * checks, then 27.2 (VMfailValid 7 or 8), then 27.3 guest state (exit 33) and 27.4 MSR loading (exit 34).
 */
export function vmEntry(cpu: Cpu, launch: boolean): EntryResult {
  const s = vmxOf(cpu);
  const vmcs = s.current;
  if (!vmcs) return { kind: 'outcome', outcome: { kind: 'vmfail-invalid' } };
  if (cpu.interruptShadow !== 0 && cpu.shadowByMovSs) {
    return { kind: 'outcome', outcome: { kind: 'vmfail-valid', error: VM_INSTRUCTION_ERROR.VMENTRY_EVENTS_BLOCKED_BY_MOV_SS } };
  }
  if (launch && vmcs.launched) return { kind: 'outcome', outcome: { kind: 'vmfail-valid', error: VM_INSTRUCTION_ERROR.VMLAUNCH_NONCLEAR_VMCS } };
  if (!launch && !vmcs.launched) return { kind: 'outcome', outcome: { kind: 'vmfail-valid', error: VM_INSTRUCTION_ERROR.VMRESUME_NONLAUNCHED_VMCS } };
  const ctx = { caps: s.caps, vmcs, memory: cpu.memory, resume: !launch, inSmm: false, currentVmcs: vmcs.address, vmxon: s.vmxonPointer, ia32eMode: cpu.longMode };
  const controls = evaluateEntryChecks(ctx, 'controls-and-host');
  if (controls.kind === 'fail') {
    const f = controls.check.failure;
    const error = f.kind === 'vmfail-valid' ? f.error : VM_INSTRUCTION_ERROR.VMENTRY_INVALID_CONTROL_FIELDS;
    return { kind: 'outcome', outcome: { kind: 'vmfail-valid', error }, check: controls.check };
  }
  const extError = checkPrivilegeLevelExitingControls(s.caps, vmcs); // model extension, not in the SDM
  if (extError !== undefined) return { kind: 'outcome', outcome: { kind: 'vmfail-valid', error: extError } };
  const guest = evaluateEntryChecks(ctx, 'guest');
  if (guest.kind === 'fail') {
    const f = guest.check.failure;
    const qual = f.kind === 'entry-failure' && typeof f.qualification === 'number' ? BigInt(f.qualification) : 0n;
    entryFailure(cpu, vmcs, EXIT_REASON.VM_ENTRY_FAILURE_INVALID_GUEST_STATE, qual);
    return { kind: 'entry-failure', reason: EXIT_REASON.VM_ENTRY_FAILURE_INVALID_GUEST_STATE, qualification: qual, check: guest.check };
  }
  loadGuestState(cpu, vmcs);
  // MSR loading (27.4): entry by entry, in order; the first entry that fails its checks ends VM entry with
  // exit reason 34 and its 1-based index (the entries before it stay loaded).
  for (const entry of msrLoadEntries(ctx)) {
    const r = evaluateMsrLoadChecks(ctx, [entry]);
    if (r.kind === 'fail' || !cpu.msr.write(entry.msr, entry.value)) {
      const qual = BigInt(entry.index);
      const check = r.kind === 'fail' ? r.check : VM_ENTRY_CHECKS.find((c) => c.id.startsWith('msr-load.'))!;
      entryFailure(cpu, vmcs, EXIT_REASON.VM_ENTRY_FAILURE_MSR_LOADING, qual);
      return { kind: 'entry-failure', reason: EXIT_REASON.VM_ENTRY_FAILURE_MSR_LOADING, qualification: qual, check };
    }
  }
  if (launch) vmcs.launched = true;
  s.nonRoot = true;
  loadPreemptionTimer(cpu, vmcs); // SDM 27.7.4
  armPrivilegeLevelExiting(cpu, vmcs); // model extension, not in the SDM: before injection, which may change CPL
  injectEvent(cpu, vmcs); // event injection and the MTF (SDM 27.6, 26.7.2): events.ts
  return { kind: 'entered' };
}

/** A VM entry that fails after the 27.2 checks: a VM exit with bit 31 of the exit reason set (SDM 27.8). */
function entryFailure(cpu: Cpu, vmcs: Vmcs, reason: number, qualification: bigint): void {
  vmcs.set('EXIT_REASON', BigInt(reason) | (1n << 31n));
  vmcs.set('EXIT_QUALIFICATION', qualification);
  cpu.ept = undefined;
  loadHostState(cpu, vmcs);
}

/** Loading guest state (SDM 27.3.2). */
function loadGuestState(cpu: Cpu, vmcs: Vmcs): void {
  const entry = vmcs.get('VM_ENTRY_CONTROLS');
  const ia32e = (entry & BigInt(ENTRY_CTLS.IA32E_MODE_GUEST)) !== 0n;
  cpu.cr0 = lo32(vmcs.get('GUEST_CR0'));
  cpu.cr4 = lo32(vmcs.get('GUEST_CR4'));
  const cr3 = vmcs.get('GUEST_CR3');
  cpu.cr3Lo = lo32(cr3); cpu.cr3Hi = hi32(cr3);
  if ((entry & BigInt(ENTRY_CTLS.LOAD_DEBUG_CONTROLS)) !== 0n) {
    const dr7 = vmcs.get('GUEST_DR7');
    cpu.drLo[7] = lo32(dr7); cpu.drHi[7] = hi32(dr7);
    cpu.msr.values.set(IA32_DEBUGCTL, vmcs.get('GUEST_IA32_DEBUGCTL'));
  }
  cpu.msr.write(IA32_SYSENTER_CS, vmcs.get('GUEST_IA32_SYSENTER_CS'));
  cpu.msr.write(IA32_SYSENTER_ESP, vmcs.get('GUEST_IA32_SYSENTER_ESP'));
  cpu.msr.write(IA32_SYSENTER_EIP, vmcs.get('GUEST_IA32_SYSENTER_EIP'));
  if ((entry & BigInt(ENTRY_CTLS.LOAD_IA32_PAT)) !== 0n) cpu.msr.write(IA32_PAT, vmcs.get('GUEST_IA32_PAT'));
  if ((entry & BigInt(ENTRY_CTLS.LOAD_IA32_EFER)) !== 0n) {
    cpu.efer = lo32(vmcs.get('GUEST_IA32_EFER'));
  } else {
    // LMA follows "IA-32e mode guest"; LME too while CR0.PG is 1 (27.3.2.1).
    cpu.efer = (cpu.efer & ~EFER_LMA) | (ia32e ? EFER_LMA : 0);
    if ((cpu.cr0 >>> 31) !== 0) cpu.efer = (cpu.efer & ~EFER_LME) | (ia32e ? EFER_LME : 0);
  }
  for (const [name, seg] of SEGMENTS) {
    const base = vmcs.get(`GUEST_${name}_BASE`);
    cpu.segSel[seg] = Number(vmcs.get(`GUEST_${name}_SELECTOR`));
    cpu.segBaseLo[seg] = lo32(base); cpu.segBaseHi[seg] = hi32(base);
    cpu.segLimit[seg] = Number(vmcs.get(`GUEST_${name}_LIMIT`));
    cpu.segAttr[seg] = Number(vmcs.get(`GUEST_${name}_ACCESS_RIGHTS`) & 0x1_F0FFn);
  }
  setMsrBase(cpu, IA32_FS_BASE, vmcs.get('GUEST_FS_BASE'));
  setMsrBase(cpu, IA32_GS_BASE, vmcs.get('GUEST_GS_BASE'));
  const gdtr = vmcs.get('GUEST_GDTR_BASE'), idtr = vmcs.get('GUEST_IDTR_BASE');
  cpu.gdtrBaseLo = lo32(gdtr); cpu.gdtrBaseHi = hi32(gdtr); cpu.gdtrLimit = Number(vmcs.get('GUEST_GDTR_LIMIT') & 0xFFFFn);
  cpu.idtrBaseLo = lo32(idtr); cpu.idtrBaseHi = hi32(idtr); cpu.idtrLimit = Number(vmcs.get('GUEST_IDTR_LIMIT') & 0xFFFFn);
  const rip = vmcs.get('GUEST_RIP'), rsp = vmcs.get('GUEST_RSP');
  cpu.nextLo = lo32(rip); cpu.nextHi = hi32(rip);
  cpu.lo[4] = lo32(rsp); cpu.hi[4] = hi32(rsp);
  cpu.flagsOp = FlagOp.None;
  cpu.flagsValue = lo32(vmcs.get('GUEST_RFLAGS')) | 0x2;
  cpu.activity = Number(vmcs.get('GUEST_ACTIVITY_STATE')) as Activity;
  const intr = Number(vmcs.get('GUEST_INTERRUPTIBILITY_STATE'));
  // Blocks events until the first guest instruction retires: 2, as the VMLAUNCH/VMRESUME itself retires first (27.7.1).
  cpu.interruptShadow = (intr & 3) !== 0 ? 2 : 0;
  cpu.shadowByMovSs = (intr & 2) !== 0;
  cpu.nmiBlocked = (intr & 8) !== 0;
  cpu.updateMode();
  cpu.ept = eptContextOf(cpu, vmcs); // SDM 29.3: guest-physical addresses go through EPT from here on
  // PAE paging: the PDPTEs come from the guest's CR3 without EPT, from the VMCS with EPT (27.3.2.4).
  if ((cpu.cr0 >>> 31) !== 0 && (cpu.cr4 & (1 << 5)) !== 0 && !ia32e) {
    if (cpu.ept === undefined) loadPdptes(cpu, cpu.cr3Lo); else loadPdptesFromVmcs(cpu, vmcs);
  }
  enterTlbContext(cpu, vmcs); // VPID 0000H: VM entry invalidates its mappings; with a VPID nothing (SDM 29.4.3.3)
  invalidateFetch(cpu);
  cpu.eventCheck = true;
}

function setMsrBase(cpu: Cpu, msr: number, value: bigint): void {
  cpu.msr.values.set(msr, value);
}

/** What a VM exit records besides the reason (SDM 28.2). */
export interface ExitInfo {
  readonly qualification?: bigint;
  /** Saves the VM-exit instruction length (instruction-caused exits). */
  readonly instructionLength?: number;
  readonly instructionInformation?: number;
  readonly guestLinearAddress?: bigint;
  readonly guestPhysicalAddress?: bigint;
}

/**
 * A VM exit (SDM 28): exit information, guest state saved (28.3) with RIP at the instruction that
 * caused it, host state loaded (28.5); the processor continues at the host RIP in VMX root operation.
 */
export function vmExit(cpu: Cpu, reason: number, info: ExitInfo = {}): void {
  const s = vmxOf(cpu);
  const vmcs = s.current!;
  vmcs.set('EXIT_REASON', BigInt(reason));
  vmcs.set('EXIT_QUALIFICATION', info.qualification ?? 0n);
  vmcs.set('VM_EXIT_INTERRUPTION_INFORMATION', 0n);
  vmcs.set('IDT_VECTORING_INFORMATION', 0n);
  if (info.instructionLength !== undefined) vmcs.set('VM_EXIT_INSTRUCTION_LENGTH', BigInt(info.instructionLength));
  if (info.instructionInformation !== undefined) vmcs.set('VM_EXIT_INSTRUCTION_INFORMATION', BigInt(info.instructionInformation));
  if (info.guestLinearAddress !== undefined) vmcs.set('GUEST_LINEAR_ADDRESS', info.guestLinearAddress);
  if (info.guestPhysicalAddress !== undefined) vmcs.set('GUEST_PHYSICAL_ADDRESS', info.guestPhysicalAddress);
  savePreemptionTimer(cpu, vmcs); // SDM 28.3.4
  saveGuestState(cpu, vmcs);
  if (cpu.ept !== undefined) savePdptesToVmcs(cpu, vmcs); // SDM 28.3.4
  cpu.ept = undefined;
  storeGuestMsrs(cpu, vmcs);
  s.nonRoot = false;
  loadHostState(cpu, vmcs);
  loadHostMsrs(cpu, vmcs);
}

/** The 16-byte entries of an MSR area: index in bits 31:0, data in the second quadword (SDM 25.7.2). */
function msrArea(vmcs: Vmcs, count: string, address: string): { at: number; count: number } {
  return { at: Number(vmcs.get(address)), count: Number(vmcs.get(count)) };
}

/**
 * Saving MSRs (SDM 28.4): each entry of the VM-exit MSR-store area receives the MSR's value. A failure
 * here would be a VMX abort (28.7), which is not modelled: an MSR the model lacks stores 0.
 */
function storeGuestMsrs(cpu: Cpu, vmcs: Vmcs): void {
  const { at, count } = msrArea(vmcs, 'VM_EXIT_MSR_STORE_COUNT', 'VM_EXIT_MSR_STORE_ADDRESS');
  for (let i = 0; i < count; i++) {
    const index = cpu.memory.read32(at + 16 * i) >>> 0;
    cpu.memory.write64(at + 16 * i + 8, cpu.msr.read(index) ?? 0n);
  }
}

/** Loading host MSRs (SDM 28.6) from the VM-exit MSR-load area, after host state; a failure (VMX abort, 28.7) is not modelled. */
function loadHostMsrs(cpu: Cpu, vmcs: Vmcs): void {
  const { at, count } = msrArea(vmcs, 'VM_EXIT_MSR_LOAD_COUNT', 'VM_EXIT_MSR_LOAD_ADDRESS');
  for (let i = 0; i < count; i++) cpu.msr.write(cpu.memory.read32(at + 16 * i) >>> 0, cpu.memory.read64(at + 16 * i + 8));
}

/** Saving guest state (SDM 28.3): RIP is that of the instruction or event that caused the exit. */
function saveGuestState(cpu: Cpu, vmcs: Vmcs): void {
  const exit = vmcs.get('PRIMARY_VM_EXIT_CONTROLS');
  vmcs.set('GUEST_CR0', BigInt(cpu.cr0 >>> 0));
  vmcs.set('GUEST_CR3', u64(cpu.cr3Lo, cpu.cr3Hi));
  vmcs.set('GUEST_CR4', BigInt(cpu.cr4 >>> 0));
  if ((exit & BigInt(EXIT_CTLS.SAVE_DEBUG_CONTROLS)) !== 0n) {
    vmcs.set('GUEST_DR7', u64(cpu.drLo[7]!, cpu.drHi[7]!));
    vmcs.set('GUEST_IA32_DEBUGCTL', cpu.msr.values.get(IA32_DEBUGCTL) ?? 0n);
  }
  vmcs.set('GUEST_IA32_SYSENTER_CS', cpu.msr.read(IA32_SYSENTER_CS) ?? 0n);
  vmcs.set('GUEST_IA32_SYSENTER_ESP', cpu.msr.read(IA32_SYSENTER_ESP) ?? 0n);
  vmcs.set('GUEST_IA32_SYSENTER_EIP', cpu.msr.read(IA32_SYSENTER_EIP) ?? 0n);
  if ((exit & BigInt(EXIT_CTLS.SAVE_IA32_PAT)) !== 0n) vmcs.set('GUEST_IA32_PAT', cpu.msr.read(IA32_PAT) ?? 0n);
  if ((exit & BigInt(EXIT_CTLS.SAVE_IA32_EFER)) !== 0n) vmcs.set('GUEST_IA32_EFER', BigInt(cpu.efer >>> 0));
  for (const [name, seg] of SEGMENTS) {
    vmcs.set(`GUEST_${name}_SELECTOR`, BigInt(cpu.segSel[seg]!));
    vmcs.set(`GUEST_${name}_BASE`, u64(cpu.segBaseLo[seg]!, cpu.segBaseHi[seg]!));
    vmcs.set(`GUEST_${name}_LIMIT`, BigInt(cpu.segLimit[seg]!));
    vmcs.set(`GUEST_${name}_ACCESS_RIGHTS`, BigInt(cpu.segAttr[seg]! >>> 0));
  }
  vmcs.set('GUEST_GDTR_BASE', u64(cpu.gdtrBaseLo, cpu.gdtrBaseHi));
  vmcs.set('GUEST_GDTR_LIMIT', BigInt(cpu.gdtrLimit));
  vmcs.set('GUEST_IDTR_BASE', u64(cpu.idtrBaseLo, cpu.idtrBaseHi));
  vmcs.set('GUEST_IDTR_LIMIT', BigInt(cpu.idtrLimit));
  vmcs.set('GUEST_RIP', u64(cpu.ripLo, cpu.ripHi));
  vmcs.set('GUEST_RSP', u64(cpu.lo[4]!, cpu.hi[4]!));
  vmcs.set('GUEST_RFLAGS', BigInt(readFlagsOf(cpu) >>> 0));
  vmcs.set('GUEST_ACTIVITY_STATE', BigInt(cpu.activity));
  vmcs.set('GUEST_INTERRUPTIBILITY_STATE', BigInt((cpu.interruptShadow !== 0 ? 1 : 0) | (cpu.nmiBlocked ? 8 : 0)));
}


/** Loading host state (SDM 28.5): fixed segment attributes, RFLAGS = 2, DR7 = 400h. */
function loadHostState(cpu: Cpu, vmcs: Vmcs): void {
  const exit = vmcs.get('PRIMARY_VM_EXIT_CONTROLS');
  const host64 = (exit & BigInt(EXIT_CTLS.HOST_ADDRESS_SPACE_SIZE)) !== 0n;
  cpu.cr0 = lo32(vmcs.get('HOST_CR0'));
  cpu.cr4 = lo32(vmcs.get('HOST_CR4'));
  const cr3 = vmcs.get('HOST_CR3');
  cpu.cr3Lo = lo32(cr3); cpu.cr3Hi = hi32(cr3);
  cpu.drLo[7] = 0x400; cpu.drHi[7] = 0;
  cpu.msr.values.set(IA32_DEBUGCTL, 0n);
  cpu.msr.write(IA32_SYSENTER_CS, vmcs.get('HOST_IA32_SYSENTER_CS'));
  cpu.msr.write(IA32_SYSENTER_ESP, vmcs.get('HOST_IA32_SYSENTER_ESP'));
  cpu.msr.write(IA32_SYSENTER_EIP, vmcs.get('HOST_IA32_SYSENTER_EIP'));
  if ((exit & BigInt(EXIT_CTLS.LOAD_IA32_PAT)) !== 0n) cpu.msr.write(IA32_PAT, vmcs.get('HOST_IA32_PAT'));
  if ((exit & BigInt(EXIT_CTLS.LOAD_IA32_EFER)) !== 0n) cpu.efer = lo32(vmcs.get('HOST_IA32_EFER'));
  else cpu.efer = (cpu.efer & ~(EFER_LMA | EFER_LME)) | (host64 ? EFER_LMA | EFER_LME : 0);
  // CS: base 0, limit FFFFFFFFh, type 11, S, DPL 0, P, L = host address-space size, D/B = !L, G (28.5.2).
  cpu.loadSegmentRaw(CS, Number(vmcs.get('HOST_CS_SELECTOR')), 0, 0, 0xFFFF_FFFF, host64 ? 0xA09B : 0xC09B);
  for (const [name, seg] of [['SS', SS], ['DS', DS], ['ES', ES]] as const) {
    const sel = Number(vmcs.get(`HOST_${name}_SELECTOR`));
    // A null selector makes DS/ES unusable; SS stays usable in 64-bit host mode (28.5.2).
    const unusable = sel === 0 && seg !== SS ? 0x1_0000 : 0;
    cpu.loadSegmentRaw(seg, sel, 0, 0, 0xFFFF_FFFF, 0xC093 | unusable);
  }
  for (const [name, seg, msr] of [['FS', FS, IA32_FS_BASE], ['GS', GS, IA32_GS_BASE]] as const) {
    const sel = Number(vmcs.get(`HOST_${name}_SELECTOR`));
    const base = vmcs.get(`HOST_${name}_BASE`);
    cpu.loadSegmentRaw(seg, sel, lo32(base), hi32(base), 0xFFFF_FFFF, 0xC093 | (sel === 0 ? 0x1_0000 : 0));
    cpu.msr.values.set(msr, base);
  }
  const tr = vmcs.get('HOST_TR_BASE');
  cpu.loadSegmentRaw(TR, Number(vmcs.get('HOST_TR_SELECTOR')), lo32(tr), hi32(tr), 0x67, 0x8B);
  cpu.loadSegmentRaw(LDTR, 0, 0, 0, 0, 0x1_0000);
  const gdtr = vmcs.get('HOST_GDTR_BASE'), idtr = vmcs.get('HOST_IDTR_BASE');
  cpu.gdtrBaseLo = lo32(gdtr); cpu.gdtrBaseHi = hi32(gdtr); cpu.gdtrLimit = 0xFFFF;
  cpu.idtrBaseLo = lo32(idtr); cpu.idtrBaseHi = hi32(idtr); cpu.idtrLimit = 0xFFFF;
  const rip = vmcs.get('HOST_RIP'), rsp = vmcs.get('HOST_RSP');
  cpu.nextLo = lo32(rip); cpu.nextHi = hi32(rip);
  cpu.lo[4] = lo32(rsp); cpu.hi[4] = hi32(rsp);
  cpu.flagsOp = FlagOp.None;
  cpu.flagsValue = 0x2;
  cpu.activity = Activity.Active;
  cpu.interruptShadow = 0;
  cpu.updateMode();
  leaveTlbContext(cpu); // leaving VPID 0000H invalidates its mappings; with a VPID nothing (SDM 29.4.3.3)
  invalidateFetch(cpu);
  cpu.eventCheck = true;
}

/** #GP(0) unless at CPL 0: shared by VMLAUNCH/VMRESUME. */
export function requireCpl0(cpu: Cpu): void {
  if (cpu.cpl > 0) throw new Fault(GP, 0);
}
