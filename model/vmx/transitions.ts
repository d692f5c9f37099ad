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
import { ENTRY_CTLS, EXIT_CTLS, EXIT_REASON, VM_ENTRY_CHECKS, VM_INSTRUCTION_ERROR, VMCS_SLOT, type VmEntryCheckInfo } from '../generated/index.js';
import { evaluateMsrLoadChecks, msrLoadEntries } from './checks/index.js';
import type { MsrLoadEntry } from './checks/context.js';
import { entryCheckCache } from './checks/cache.js';
import { VMX_ABORT, guestMsrStoreEntryFails, hostMsrLoadEntryFails, vmxAbort } from './abort.js';
import { injectEvent } from './events.js';
import { enterApicVirtualization, leaveApicVirtualization, mapApicAccessPage } from './apic-virtualization.js';
import { type VmxOutcome, vmxOf } from './operation.js';
import { armPrivilegeLevelExiting, checkPrivilegeLevelExitingControls } from './extension-privilege-exiting.js';
import { loadPreemptionTimer, savePreemptionTimer } from './timers.js';
import { type VmEntryMachineCheckPoint, machineCheckAbortsVmExit, machineCheckDuringVmEntry } from './machine-check.js';
import { armInstructionTimeout } from './notify.js';
import { loadGuestStateControls, loadHostStateControls, saveGuestStateControls } from './state-controls.js';
import { GUEST_MSR_GROUP, HOST_MSR_GROUP, type MsrMemo, msrMemoOf } from './msr-memo.js';
import { type Vmcs, watchSlots } from './vmcs.js';
import { inSmm } from '../cpu/smm.js';
import { completeEntryInSmm, returnFromSmmError } from './dual-monitor.js';

/** VMCS storage slots (vmcs.ts): state transfer reads and writes 32-bit halves, no BigInt (hot path). */
const F = VMCS_SLOT;
type SlotName = keyof typeof VMCS_SLOT;
/**
 * The guest segment registers' selector, base, limit and access-rights slots (SDM 25.4.1): each a run of eight
 * in the processor's segment order ES, CS, SS, DS, FS, GS, LDTR, TR (Appendix B encodes them in that order),
 * so segment i of the processor is slot base + i.
 */
const SEG_SELECTOR = F.GUEST_ES_SELECTOR, SEG_BASE = F.GUEST_ES_BASE, SEG_LIMIT = F.GUEST_ES_LIMIT, SEG_AR = F.GUEST_ES_ACCESS_RIGHTS;
for (const [i, name] of (['ES', 'CS', 'SS', 'DS', 'FS', 'GS', 'LDTR', 'TR'] as const).entries()) {
  const seg = { ES, CS, SS, DS, FS, GS, LDTR, TR }[name];
  if (seg !== i || F[`GUEST_${name}_SELECTOR` as SlotName] !== SEG_SELECTOR + i || F[`GUEST_${name}_BASE` as SlotName] !== SEG_BASE + i
    || F[`GUEST_${name}_LIMIT` as SlotName] !== SEG_LIMIT + i || F[`GUEST_${name}_ACCESS_RIGHTS` as SlotName] !== SEG_AR + i) {
    throw new Error(`VMCS slots of guest ${name} are not in segment order; transitions.ts assumes runs of eight`);
  }
}
const IA32_SYSENTER_CS = 0x174, IA32_SYSENTER_ESP = 0x175, IA32_SYSENTER_EIP = 0x176, IA32_DEBUGCTL = 0x1D9, IA32_PAT = 0x277;
const IA32_FS_BASE = 0xC000_0100, IA32_GS_BASE = 0xC000_0101;
const EFER_LME = 1 << 8, EFER_LMA = 1 << 10;

/** How a VM entry ended: it failed as an instruction, failed as a VM exit (27.8), or the guest runs. */
export type EntryResult =
  | { readonly kind: 'outcome'; readonly outcome: VmxOutcome; readonly check?: VmEntryCheckInfo }
  | { readonly kind: 'entry-failure'; readonly reason: number; readonly qualification: bigint; readonly check?: VmEntryCheckInfo }
  /** A machine-check event during VM entry shut the processor down (SDM 27.9, machine-check.ts). */
  | { readonly kind: 'machine-check-shutdown' }
  | { readonly kind: 'entered' };

/** A 64-bit or natural-width slot as a BigInt (MSR values; no allocation when the field is unchanged). */
function get64(vmcs: Vmcs, slot: number): bigint {
  return vmcs.getBig(slot);
}

/** Stores a BigInt (an MSR value) into a slot. */
function set64(vmcs: Vmcs, slot: number, value: bigint): void {
  vmcs.setBig(slot, value);
}

/**
 * An MSR loaded from a slot, written only when its value differs (a store with no architectural effect is
 * skipped); returns whether the two are equal afterwards (a WRMSR may refuse the value).
 */
function loadMsr(cpu: Cpu, msr: number, vmcs: Vmcs, slot: number, memo: MsrMemo): boolean {
  const values = cpu.msr.values;
  if (memo.equal(values, vmcs, slot)) return true;
  const v = vmcs.getBig(slot);
  if (values.get(msr) !== v) cpu.msr.write(msr, v);
  return memo.noteEqual(values, msr, vmcs, slot);
}

/**
 * The MSRs every VM entry loads from guest fields and every VM exit from host fields: IA32_SYSENTER_CS/ESP/EIP
 * (SDM 27.3.2.1, 28.5.1) and the FS and GS base (27.3.2.2, 28.5.2). msr-memo.ts remembers each group as a
 * whole: while neither the MSR storage nor one of these slots changed, the group's MSRs hold the fields' values.
 */
const GUEST_MSRS = GUEST_MSR_GROUP, HOST_MSRS = HOST_MSR_GROUP;
watchSlots([
  F.GUEST_IA32_SYSENTER_CS, F.GUEST_IA32_SYSENTER_ESP, F.GUEST_IA32_SYSENTER_EIP, F.GUEST_FS_BASE, F.GUEST_GS_BASE,
  F.HOST_IA32_SYSENTER_CS, F.HOST_IA32_SYSENTER_ESP, F.HOST_IA32_SYSENTER_EIP, F.HOST_FS_BASE, F.HOST_GS_BASE,
]);

/** Loads a group: SYSENTER_CS/ESP/EIP (WRMSR rules) and FS/GS base (stored as they are) from its slots. */
function loadMsrGroup(cpu: Cpu, vmcs: Vmcs, memo: MsrMemo, group: number, cs: number, esp: number, eip: number, fs: number, gs: number): void {
  const values = cpu.msr.values;
  if (memo.groupEqual(values, vmcs, group)) return;
  let equal = loadMsr(cpu, IA32_SYSENTER_CS, vmcs, cs, memo);
  equal = loadMsr(cpu, IA32_SYSENTER_ESP, vmcs, esp, memo) && equal;
  equal = loadMsr(cpu, IA32_SYSENTER_EIP, vmcs, eip, memo) && equal;
  equal = storeMsr(cpu, IA32_FS_BASE, vmcs, fs, memo) && equal;
  equal = storeMsr(cpu, IA32_GS_BASE, vmcs, gs, memo) && equal;
  if (equal) memo.noteGroupEqual(values, vmcs, group);
}

/**
 * VMLAUNCH (launch = true) or VMRESUME, after the instruction's #UD and #GP checks (SDM 27.1): the basic
 * checks, then 27.2 (VMfailValid 7 or 8), then 27.3 guest state (exit 33) and 27.4 MSR loading (exit 34).
 */
export function vmEntry(cpu: Cpu, launch: boolean): EntryResult {
  const s = vmxOf(cpu);
  const vmcs = s.current;
  if (!vmcs) return { kind: 'outcome', outcome: { kind: 'vmfail-invalid' } };
  // A shadow VMCS cannot be used for VM entry: VMfailInvalid (SDM 25.10, 27.1).
  if (vmcs.shadow) return { kind: 'outcome', outcome: { kind: 'vmfail-invalid' } };
  if (cpu.interruptShadow !== 0 && cpu.shadowByMovSs) {
    return { kind: 'outcome', outcome: { kind: 'vmfail-valid', error: VM_INSTRUCTION_ERROR.VMENTRY_EVENTS_BLOCKED_BY_MOV_SS } };
  }
  if (launch && vmcs.launched) return { kind: 'outcome', outcome: { kind: 'vmfail-valid', error: VM_INSTRUCTION_ERROR.VMLAUNCH_NONCLEAR_VMCS } };
  if (!launch && !vmcs.launched) return { kind: 'outcome', outcome: { kind: 'vmfail-valid', error: VM_INSTRUCTION_ERROR.VMRESUME_NONLAUNCHED_VMCS } };
  const smmError = returnFromSmmError(cpu, vmcs); // a VM entry that returns from SMM (SDM 33.15.4.1): dual-monitor.ts
  if (smmError !== 0) return { kind: 'outcome', outcome: { kind: 'vmfail-valid', error: smmError } };
  const ctx = { caps: s.caps, vmcs, memory: cpu.memory, resume: !launch, inSmm: inSmm(cpu), currentVmcs: vmcs.address, vmxon: s.vmxonPointer, ia32eMode: cpu.longMode };
  // The checks of 27.2 and 27.3 in SDM order, re-evaluated only where an input changed (checks/cache.ts).
  const checks = entryCheckCache(vmcs);
  checks.begin(ctx);
  const controls = checks.evaluate(ctx, 'controls-and-host');
  if (controls.kind === 'fail') {
    const f = controls.check.failure;
    const error = f.kind === 'vmfail-valid' ? f.error : VM_INSTRUCTION_ERROR.VMENTRY_INVALID_CONTROL_FIELDS;
    return { kind: 'outcome', outcome: { kind: 'vmfail-valid', error }, check: controls.check };
  }
  const extError = checkPrivilegeLevelExitingControls(s.caps, vmcs); // model extension, not in the SDM
  if (extError !== undefined) return { kind: 'outcome', outcome: { kind: 'vmfail-valid', error: extError } };
  const mcBefore = machineCheckEnds(cpu, vmcs, 'before-guest-state'); // SDM 27.9
  if (mcBefore !== undefined) return mcBefore;
  // Past the 27.2 checks a VM entry takes its modelled time, whether it then succeeds or fails (27.8);
  // the VMX-preemption timer starts only after it (timers.ts).
  cpu.cycles += cpu.timing.vmEntryCycles ?? 0;
  const guest = checks.evaluate(ctx, 'guest');
  if (guest.kind === 'fail') {
    const f = guest.check.failure;
    const qual = f.kind === 'entry-failure' && typeof f.qualification === 'number' ? BigInt(f.qualification) : 0n;
    entryFailure(cpu, vmcs, EXIT_REASON.VM_ENTRY_FAILURE_INVALID_GUEST_STATE, qual);
    return { kind: 'entry-failure', reason: EXIT_REASON.VM_ENTRY_FAILURE_INVALID_GUEST_STATE, qualification: qual, check: guest.check };
  }
  loadGuestState(cpu, vmcs);
  // MSR loading (27.4): entry by entry, in order; the first entry that fails its checks ends VM entry with
  // exit reason 34 and its 1-based index (the entries before it stay loaded).
  for (const entry of vmcs.getLo(F.VM_ENTRY_MSR_LOAD_COUNT) === 0 ? NO_ENTRIES : msrLoadEntries(ctx)) {
    const r = evaluateMsrLoadChecks(ctx, [entry]);
    if (r.kind === 'fail' || !cpu.msr.write(entry.msr, entry.value)) {
      const qual = BigInt(entry.index);
      const check = r.kind === 'fail' ? r.check : VM_ENTRY_CHECKS.find((c) => c.id.startsWith('msr-load.'))!;
      entryFailure(cpu, vmcs, EXIT_REASON.VM_ENTRY_FAILURE_MSR_LOADING, qual);
      return { kind: 'entry-failure', reason: EXIT_REASON.VM_ENTRY_FAILURE_MSR_LOADING, qualification: qual, check };
    }
  }
  const mcAfter = machineCheckEnds(cpu, vmcs, 'after-guest-state'); // SDM 27.9
  if (mcAfter !== undefined) return mcAfter;
  checks.commit();
  if (launch) vmcs.launched = true;
  if (completeEntryInSmm(cpu, vmcs)) return ENTERED; // returned from SMM to VMX root operation (SDM 33.15.4.7)
  // The VM-execution controls in effect: vmcs, or the executive VMCS after a return from SMM (SDM 33.15.4.7).
  const inEffect = s.current!;
  s.nonRoot = true;
  s.stats.entries++;
  loadPreemptionTimer(cpu, vmcs, inEffect); // SDM 27.7.4, 33.15.4.6
  armPrivilegeLevelExiting(cpu, inEffect); // model extension, not in the SDM: before injection, which may change CPL
  mapApicAccessPage(cpu, inEffect); // SDM 30.4: before the injected event's accesses
  injectEvent(cpu, vmcs); // event injection and the MTF (SDM 27.6, 26.7.2): events.ts
  enterApicVirtualization(cpu, inEffect); // SDM 27.3.2.5, 27.7.7: apic-virtualization.ts
  armInstructionTimeout(cpu, inEffect); // SDM 26.2: notify.ts
  return ENTERED;
}

const ENTERED: EntryResult = { kind: 'entered' };
const NO_ENTRIES: readonly MsrLoadEntry[] = [];

/** A machine-check event the case armed for this point of VM entry, if it ends the entry (SDM 27.9, 27.8). */
function machineCheckEnds(cpu: Cpu, vmcs: Vmcs, point: VmEntryMachineCheckPoint): EntryResult | undefined {
  const t = machineCheckDuringVmEntry(cpu, point);
  if (t === 'none') return undefined;
  if (t === 'shutdown') return { kind: 'machine-check-shutdown' };
  // The qualification of exit reason 41 is not defined by 27.8: the model clears it.
  entryFailure(cpu, vmcs, EXIT_REASON.VM_ENTRY_FAILURE_MACHINE_CHECK_EVENT, 0n);
  return { kind: 'entry-failure', reason: EXIT_REASON.VM_ENTRY_FAILURE_MACHINE_CHECK_EVENT, qualification: 0n };
}

/** A VM entry that fails after the 27.2 checks: a VM exit with bit 31 of the exit reason set (SDM 27.8). */
function entryFailure(cpu: Cpu, vmcs: Vmcs, reason: number, qualification: bigint): void {
  vmcs.setSlot(F.EXIT_REASON, reason | (1 << 31), 0);
  set64(vmcs, F.EXIT_QUALIFICATION, qualification);
  cpu.ept = undefined;
  cpu.cycles += cpu.timing.vmExitCycles ?? 0; // the host-state load is timed as a VM exit
  loadHostState(cpu, vmcs);
  loadHostMsrs(cpu, vmcs); // step 4 of 27.8
}

/** Loading guest state (SDM 27.3.2). */
function loadGuestState(cpu: Cpu, vmcs: Vmcs): void {
  const vlo = vmcs.lo, vhi = vmcs.hi; // direct reads: no check recorder here (vmcs.ts)
  const entry = vlo[F.VM_ENTRY_CONTROLS]!;
  const ia32e = (entry & ENTRY_CTLS.IA32E_MODE_GUEST) !== 0;
  cpu.cr0 = vlo[F.GUEST_CR0]!;
  cpu.cr4 = vlo[F.GUEST_CR4]!;
  cpu.cr3Lo = vlo[F.GUEST_CR3]!; cpu.cr3Hi = vhi[F.GUEST_CR3]!;
  const memo = msrMemoOf(vmcs);
  if ((entry & ENTRY_CTLS.LOAD_DEBUG_CONTROLS) !== 0) {
    cpu.drLo[7] = vlo[F.GUEST_DR7]!; cpu.drHi[7] = vhi[F.GUEST_DR7]!;
    storeMsr(cpu, IA32_DEBUGCTL, vmcs, F.GUEST_IA32_DEBUGCTL, memo);
  }
  if ((entry & ENTRY_CTLS.LOAD_IA32_PAT) !== 0) cpu.msr.write(IA32_PAT, get64(vmcs, F.GUEST_IA32_PAT));
  if ((entry & ENTRY_CTLS.LOAD_IA32_EFER) !== 0) {
    cpu.efer = vlo[F.GUEST_IA32_EFER]!;
  } else {
    // LMA follows "IA-32e mode guest"; LME too while CR0.PG is 1 (27.3.2.1).
    cpu.efer = (cpu.efer & ~EFER_LMA) | (ia32e ? EFER_LMA : 0);
    if ((cpu.cr0 >>> 31) !== 0) cpu.efer = (cpu.efer & ~EFER_LME) | (ia32e ? EFER_LME : 0);
  }
  loadGuestStateControls(cpu, vmcs); // BNDCFGS, RTIT_CTL, LBR_CTL, CET, PKRS (27.3.2.1): state-controls.ts
  const segSel = cpu.segSel, segBaseLo = cpu.segBaseLo, segBaseHi = cpu.segBaseHi, segLimit = cpu.segLimit, segAttr = cpu.segAttr;
  for (let i = 0; i < 8; i++) {
    segSel[i] = vlo[SEG_SELECTOR + i]!;
    segBaseLo[i] = vlo[SEG_BASE + i]!; segBaseHi[i] = vhi[SEG_BASE + i]!;
    segLimit[i] = vlo[SEG_LIMIT + i]! >>> 0;
    segAttr[i] = vlo[SEG_AR + i]! & 0x1_F0FF;
  }
  // SYSENTER_CS/ESP/EIP (27.3.2.1) and the FS/GS base MSRs, which hold the segments' bases (27.3.2.2).
  loadMsrGroup(cpu, vmcs, memo, GUEST_MSRS, F.GUEST_IA32_SYSENTER_CS, F.GUEST_IA32_SYSENTER_ESP, F.GUEST_IA32_SYSENTER_EIP, F.GUEST_FS_BASE, F.GUEST_GS_BASE);
  cpu.gdtrBaseLo = vlo[F.GUEST_GDTR_BASE]!; cpu.gdtrBaseHi = vhi[F.GUEST_GDTR_BASE]!; cpu.gdtrLimit = vlo[F.GUEST_GDTR_LIMIT]! & 0xFFFF;
  cpu.idtrBaseLo = vlo[F.GUEST_IDTR_BASE]!; cpu.idtrBaseHi = vhi[F.GUEST_IDTR_BASE]!; cpu.idtrLimit = vlo[F.GUEST_IDTR_LIMIT]! & 0xFFFF;
  cpu.nextLo = vlo[F.GUEST_RIP]!; cpu.nextHi = vhi[F.GUEST_RIP]!;
  cpu.lo[4] = vlo[F.GUEST_RSP]!; cpu.hi[4] = vhi[F.GUEST_RSP]!;
  cpu.flagsOp = FlagOp.None;
  cpu.flagsValue = vlo[F.GUEST_RFLAGS]! | 0x2;
  cpu.activity = vlo[F.GUEST_ACTIVITY_STATE]! as Activity;
  const intr = vlo[F.GUEST_INTERRUPTIBILITY_STATE]!;
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

/** An MSR stored from a slot as it is (FS/GS base, IA32_DEBUGCTL: no WRMSR checks), written only when its value differs. */
function storeMsr(cpu: Cpu, msr: number, vmcs: Vmcs, slot: number, memo: MsrMemo): boolean {
  const values = cpu.msr.values;
  if (memo.equal(values, vmcs, slot)) return true;
  const v = vmcs.getBig(slot);
  if (values.get(msr) !== v) values.set(msr, v);
  return memo.noteEqual(values, msr, vmcs, slot);
}

/** Saves an MSR's value into a slot (SDM 28.3.2); nothing to do while the memo says they are equal. */
function saveMsr(cpu: Cpu, msr: number, vmcs: Vmcs, slot: number, memo: MsrMemo): void {
  memo.save(cpu.msr.values, msr, vmcs, slot);
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

const NO_INFO: ExitInfo = {};

/**
 * A VM exit (SDM 28): exit information, guest state saved (28.3) with RIP at the instruction that
 * caused it, host state loaded (28.5); the processor continues at the host RIP in VMX root operation.
 */
export function vmExit(cpu: Cpu, reason: number, info: ExitInfo = NO_INFO, instructionLength = info.instructionLength): void {
  const s = vmxOf(cpu);
  const vmcs = s.current!;
  s.stats.exits++;
  vmcs.setSlot(F.EXIT_REASON, reason, 0);
  const q = info.qualification;
  if (q === undefined) vmcs.setSlot(F.EXIT_QUALIFICATION, 0, 0);
  else set64(vmcs, F.EXIT_QUALIFICATION, q);
  vmcs.setSlot(F.VM_EXIT_INTERRUPTION_INFORMATION, 0, 0);
  vmcs.setSlot(F.IDT_VECTORING_INFORMATION, 0, 0);
  if (instructionLength !== undefined) vmcs.setSlot(F.VM_EXIT_INSTRUCTION_LENGTH, instructionLength, 0);
  if (info.instructionInformation !== undefined) vmcs.setSlot(F.VM_EXIT_INSTRUCTION_INFORMATION, info.instructionInformation, 0);
  if (info.guestLinearAddress !== undefined) set64(vmcs, F.GUEST_LINEAR_ADDRESS, info.guestLinearAddress);
  if (info.guestPhysicalAddress !== undefined) set64(vmcs, F.GUEST_PHYSICAL_ADDRESS, info.guestPhysicalAddress);
  savePreemptionTimer(cpu, vmcs); // SDM 28.3.4
  cpu.cycles += cpu.timing.vmExitCycles ?? 0; // after the timer is saved: it counts only non-root time (26.5.1)
  saveGuestState(cpu, vmcs);
  if (cpu.ept !== undefined) savePdptesToVmcs(cpu, vmcs); // SDM 28.3.4
  cpu.ept = undefined;
  const stored = storeGuestMsrs(cpu, vmcs);
  s.nonRoot = false;
  leaveApicVirtualization(cpu);
  if (!stored) { vmxAbort(cpu, vmcs, VMX_ABORT.SAVING_GUEST_MSRS); return; } // SDM 28.4, 28.7
  if (machineCheckAbortsVmExit(cpu, 'before-host-state')) { vmxAbort(cpu, vmcs, VMX_ABORT.MACHINE_CHECK); return; } // SDM 28.8
  loadHostState(cpu, vmcs);
  loadHostMsrs(cpu, vmcs);
  if (machineCheckAbortsVmExit(cpu, 'after-host-state')) vmxAbort(cpu, vmcs, VMX_ABORT.MACHINE_CHECK); // SDM 28.8
}

/** The 16-byte entries of an MSR area: index in bits 31:0, data in the second quadword (SDM 25.7.2). */
function msrArea(vmcs: Vmcs, count: number, address: number): { at: number; count: number } {
  return { at: (vmcs.getLo(address) >>> 0) + vmcs.getHi(address) * 0x1_0000_0000, count: vmcs.getLo(count) >>> 0 };
}

/**
 * Saving MSRs (SDM 28.4): each entry of the VM-exit MSR-store area receives the MSR's value, in order.
 * Returns false at the first entry whose processing fails (abort.ts; the caller's VMX abort, 28.7).
 */
function storeGuestMsrs(cpu: Cpu, vmcs: Vmcs): boolean {
  if (vmcs.getLo(F.VM_EXIT_MSR_STORE_COUNT) === 0) return true;
  const { at, count } = msrArea(vmcs, F.VM_EXIT_MSR_STORE_COUNT, F.VM_EXIT_MSR_STORE_ADDRESS);
  for (let i = 0; i < count; i++) {
    const index = cpu.memory.read32(at + 16 * i) >>> 0;
    const value = cpu.msr.read(index);
    if (guestMsrStoreEntryFails(index, cpu.memory.read32(at + 16 * i + 4), value !== undefined)) return false;
    cpu.memory.write64(at + 16 * i + 8, value!);
  }
  return true;
}

/**
 * Loading host MSRs (SDM 28.6) from the VM-exit MSR-load area, after host state, entry by entry; an entry
 * that fails (abort.ts, or a value WRMSR would refuse) is a VMX abort (28.7).
 */
function loadHostMsrs(cpu: Cpu, vmcs: Vmcs): void {
  if (vmcs.getLo(F.VM_EXIT_MSR_LOAD_COUNT) === 0) return;
  const { at, count } = msrArea(vmcs, F.VM_EXIT_MSR_LOAD_COUNT, F.VM_EXIT_MSR_LOAD_ADDRESS);
  for (let i = 0; i < count; i++) {
    const index = cpu.memory.read32(at + 16 * i) >>> 0;
    if (hostMsrLoadEntryFails(index, cpu.memory.read32(at + 16 * i + 4), inSmm(cpu)) || !cpu.msr.write(index, cpu.memory.read64(at + 16 * i + 8))) {
      vmxAbort(cpu, vmcs, VMX_ABORT.LOADING_HOST_MSRS);
      return;
    }
  }
}

/**
 * Saves a value into a slot (vlo, vhi: vmcs.lo, vmcs.hi), calling setSlot only when the stored halves differ: guest state is mostly
 * unchanged from one exit to the next. Equal halves are a valid stored value, so setSlot would store nothing.
 */
function saveSlot(vmcs: Vmcs, vlo: Int32Array, vhi: Int32Array, slot: number, lo: number, hi: number): void {
  if (vlo[slot] !== (lo | 0) || vhi[slot] !== (hi | 0)) vmcs.setSlot(slot, lo, hi);
}

/** Saving guest state (SDM 28.3): RIP is that of the instruction or event that caused the exit. */
export function saveGuestState(cpu: Cpu, vmcs: Vmcs): void {
  const vlo = vmcs.lo, vhi = vmcs.hi;
  const exit = vmcs.getLo(F.PRIMARY_VM_EXIT_CONTROLS);
  saveSlot(vmcs, vlo, vhi, F.GUEST_CR0, cpu.cr0, 0);
  saveSlot(vmcs, vlo, vhi, F.GUEST_CR3, cpu.cr3Lo, cpu.cr3Hi);
  saveSlot(vmcs, vlo, vhi, F.GUEST_CR4, cpu.cr4, 0);
  // The SYSENTER MSRs and IA32_DEBUGCTL are storage MSRs of the MSR file (model/cpu/msr.ts): their value is what it stores.
  const memo = msrMemoOf(vmcs);
  if ((exit & EXIT_CTLS.SAVE_DEBUG_CONTROLS) !== 0) {
    saveSlot(vmcs, vlo, vhi, F.GUEST_DR7, cpu.drLo[7]!, cpu.drHi[7]!);
    saveMsr(cpu, IA32_DEBUGCTL, vmcs, F.GUEST_IA32_DEBUGCTL, memo);
  }
  // Nothing to save while the guest group (loadMsrGroup) is unchanged since its fields were seen equal to the MSRs.
  if (!memo.groupEqual(cpu.msr.values, vmcs, GUEST_MSRS)) {
    saveMsr(cpu, IA32_SYSENTER_CS, vmcs, F.GUEST_IA32_SYSENTER_CS, memo);
    saveMsr(cpu, IA32_SYSENTER_ESP, vmcs, F.GUEST_IA32_SYSENTER_ESP, memo);
    saveMsr(cpu, IA32_SYSENTER_EIP, vmcs, F.GUEST_IA32_SYSENTER_EIP, memo);
  }
  if ((exit & EXIT_CTLS.SAVE_IA32_PAT) !== 0) set64(vmcs, F.GUEST_IA32_PAT, cpu.msr.read(IA32_PAT) ?? 0n);
  if ((exit & EXIT_CTLS.SAVE_IA32_EFER) !== 0) saveSlot(vmcs, vlo, vhi, F.GUEST_IA32_EFER, cpu.efer, 0);
  saveGuestStateControls(cpu, vmcs); // BNDCFGS, RTIT_CTL, LBR_CTL, CET, PKRS (28.3.1): state-controls.ts
  // As saveSlot: selector, limit and access rights are 16- and 32-bit fields, whose stored bits 63:32 are
  // always 0, so their bits 31:0 decide.
  const segSel = cpu.segSel, segBaseLo = cpu.segBaseLo, segBaseHi = cpu.segBaseHi, segLimit = cpu.segLimit, segAttr = cpu.segAttr;
  for (let i = 0; i < 8; i++) {
    const sel = segSel[i]!, baseLo = segBaseLo[i]!, baseHi = segBaseHi[i]!, limit = segLimit[i]! | 0, attr = segAttr[i]!;
    if (vlo[SEG_SELECTOR + i] !== sel) vmcs.setSlot(SEG_SELECTOR + i, sel, 0);
    if (vlo[SEG_BASE + i] !== baseLo || vhi[SEG_BASE + i] !== baseHi) vmcs.setSlot(SEG_BASE + i, baseLo, baseHi);
    if (vlo[SEG_LIMIT + i] !== limit) vmcs.setSlot(SEG_LIMIT + i, limit, 0);
    if (vlo[SEG_AR + i] !== attr) vmcs.setSlot(SEG_AR + i, attr, 0);
  }
  saveSlot(vmcs, vlo, vhi, F.GUEST_GDTR_BASE, cpu.gdtrBaseLo, cpu.gdtrBaseHi);
  saveSlot(vmcs, vlo, vhi, F.GUEST_GDTR_LIMIT, cpu.gdtrLimit, 0);
  saveSlot(vmcs, vlo, vhi, F.GUEST_IDTR_BASE, cpu.idtrBaseLo, cpu.idtrBaseHi);
  saveSlot(vmcs, vlo, vhi, F.GUEST_IDTR_LIMIT, cpu.idtrLimit, 0);
  saveSlot(vmcs, vlo, vhi, F.GUEST_RIP, cpu.ripLo, cpu.ripHi);
  saveSlot(vmcs, vlo, vhi, F.GUEST_RSP, cpu.lo[4]!, cpu.hi[4]!);
  saveSlot(vmcs, vlo, vhi, F.GUEST_RFLAGS, readFlagsOf(cpu), 0);
  saveSlot(vmcs, vlo, vhi, F.GUEST_ACTIVITY_STATE, cpu.activity, 0);
  saveSlot(vmcs, vlo, vhi, F.GUEST_INTERRUPTIBILITY_STATE, (cpu.interruptShadow !== 0 ? 1 : 0) | (cpu.nmiBlocked ? 8 : 0), 0);
}


/** Loading host state (SDM 28.5): fixed segment attributes, RFLAGS = 2, DR7 = 400h. */
function loadHostState(cpu: Cpu, vmcs: Vmcs): void {
  const vlo = vmcs.lo, vhi = vmcs.hi; // direct reads: no check recorder here (vmcs.ts)
  const exit = vlo[F.PRIMARY_VM_EXIT_CONTROLS]!;
  const host64 = (exit & EXIT_CTLS.HOST_ADDRESS_SPACE_SIZE) !== 0;
  cpu.cr0 = vlo[F.HOST_CR0]!;
  cpu.cr4 = vlo[F.HOST_CR4]!;
  cpu.cr3Lo = vlo[F.HOST_CR3]!; cpu.cr3Hi = vhi[F.HOST_CR3]!;
  cpu.drLo[7] = 0x400; cpu.drHi[7] = 0;
  const memo = msrMemoOf(vmcs);
  // IA32_DEBUGCTL is cleared (28.5.1). While the host group is known equal (loadMsrGroup, below) no MSR changed
  // since the last exit cleared it, so it is still 0.
  if (!memo.groupEqual(cpu.msr.values, vmcs, HOST_MSRS) && cpu.msr.values.get(IA32_DEBUGCTL) !== 0n) cpu.msr.values.set(IA32_DEBUGCTL, 0n);
  if ((exit & EXIT_CTLS.LOAD_IA32_PAT) !== 0) cpu.msr.write(IA32_PAT, get64(vmcs, F.HOST_IA32_PAT));
  if ((exit & EXIT_CTLS.LOAD_IA32_EFER) !== 0) cpu.efer = vlo[F.HOST_IA32_EFER]!;
  else cpu.efer = (cpu.efer & ~(EFER_LMA | EFER_LME)) | (host64 ? EFER_LMA | EFER_LME : 0);
  loadHostStateControls(cpu, vmcs); // clear BNDCFGS/RTIT_CTL/LBR_CTL, load CET/PKRS (28.5.1): state-controls.ts
  // CS: base 0, limit FFFFFFFFh, type 11, S, DPL 0, P, L = host address-space size, D/B = !L, G (28.5.2).
  loadSegmentNoMode(cpu, CS, vlo[F.HOST_CS_SELECTOR]!, 0, 0, 0xFFFF_FFFF, host64 ? 0xA09B : 0xC09B);
  // A null selector makes DS/ES unusable; SS stays usable in 64-bit host mode (28.5.2).
  loadSegmentNoMode(cpu, SS, vlo[F.HOST_SS_SELECTOR]!, 0, 0, 0xFFFF_FFFF, 0xC093);
  const ds = vlo[F.HOST_DS_SELECTOR]!, es = vlo[F.HOST_ES_SELECTOR]!;
  loadSegmentNoMode(cpu, DS, ds, 0, 0, 0xFFFF_FFFF, 0xC093 | (ds === 0 ? 0x1_0000 : 0));
  loadSegmentNoMode(cpu, ES, es, 0, 0, 0xFFFF_FFFF, 0xC093 | (es === 0 ? 0x1_0000 : 0));
  const fs = vlo[F.HOST_FS_SELECTOR]!, gs = vlo[F.HOST_GS_SELECTOR]!;
  loadSegmentNoMode(cpu, FS, fs, vlo[F.HOST_FS_BASE]!, vhi[F.HOST_FS_BASE]!, 0xFFFF_FFFF, 0xC093 | (fs === 0 ? 0x1_0000 : 0));
  loadSegmentNoMode(cpu, GS, gs, vlo[F.HOST_GS_BASE]!, vhi[F.HOST_GS_BASE]!, 0xFFFF_FFFF, 0xC093 | (gs === 0 ? 0x1_0000 : 0));
  // SYSENTER_CS/ESP/EIP (28.5.1) and the FS/GS base MSRs with the segments' bases (28.5.2).
  loadMsrGroup(cpu, vmcs, memo, HOST_MSRS, F.HOST_IA32_SYSENTER_CS, F.HOST_IA32_SYSENTER_ESP, F.HOST_IA32_SYSENTER_EIP, F.HOST_FS_BASE, F.HOST_GS_BASE);
  loadSegmentNoMode(cpu, TR, vlo[F.HOST_TR_SELECTOR]!, vlo[F.HOST_TR_BASE]!, vhi[F.HOST_TR_BASE]!, 0x67, 0x8B);
  loadSegmentNoMode(cpu, LDTR, 0, 0, 0, 0, 0x1_0000);
  cpu.gdtrBaseLo = vlo[F.HOST_GDTR_BASE]!; cpu.gdtrBaseHi = vhi[F.HOST_GDTR_BASE]!; cpu.gdtrLimit = 0xFFFF;
  cpu.idtrBaseLo = vlo[F.HOST_IDTR_BASE]!; cpu.idtrBaseHi = vhi[F.HOST_IDTR_BASE]!; cpu.idtrLimit = 0xFFFF;
  cpu.nextLo = vlo[F.HOST_RIP]!; cpu.nextHi = vhi[F.HOST_RIP]!;
  cpu.lo[4] = vlo[F.HOST_RSP]!; cpu.hi[4] = vhi[F.HOST_RSP]!;
  cpu.flagsOp = FlagOp.None;
  cpu.flagsValue = 0x2;
  cpu.activity = Activity.Active;
  cpu.interruptShadow = 0;
  // Root operation: the privilege-level watch (a model extension) is off (extension-privilege-exiting.ts).
  cpu.cplExitBitmap = 0; cpu.cplTransitionPending = -1;
  cpu.updateMode(); // once, with CS, SS, CR0, EFER and RFLAGS all loaded
  leaveTlbContext(cpu); // leaving VPID 0000H invalidates its mappings; with a VPID nothing (SDM 29.4.3.3)
  invalidateFetch(cpu);
  cpu.eventCheck = true;
}

/**
 * Cpu.loadSegmentRaw without its mode update for CS and SS: loadHostState updates the mode once, after every
 * input of it (CR0, EFER, CS, SS, RFLAGS) is loaded, so the intermediate updates could only compute values
 * it then overwrites.
 */
function loadSegmentNoMode(cpu: Cpu, seg: number, selector: number, baseLo: number, baseHi: number, limit: number, attr: number): void {
  cpu.segSel[seg] = selector;
  cpu.segBaseLo[seg] = baseLo | 0;
  cpu.segBaseHi[seg] = baseHi | 0;
  cpu.segLimit[seg] = limit >>> 0;
  cpu.segAttr[seg] = attr;
}

/** #GP(0) unless at CPL 0: shared by VMLAUNCH/VMRESUME. */
export function requireCpl0(cpu: Cpu): void {
  if (cpu.cpl > 0) throw new Fault(GP, 0);
}
