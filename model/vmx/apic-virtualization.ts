// APIC virtualization and virtual interrupts (SDM 30): the virtual-APIC page (30.1.1), TPR, PPR, EOI and
// self-IPI virtualization (30.1.2-30.1.5), evaluation and delivery of pending virtual interrupts (30.2),
// MOV CR8 with the TPR shadow (30.3), the APIC-access page (30.4: APIC-access VM exits, APIC-register
// virtualization, APIC-write emulation and exits), MSR-based APIC accesses (30.5), and posted-interrupt
// processing (30.6).
//
// The deciding rule is visible: every request the model routes records its path (LocalApic.note): an
// interrupt with the notification vector is 'posted', another vector exits ('posted-exit' /
// 'external-interrupt-exit'), a recognized virtual interrupt is 'virtual-delivered', a virtual EOI whose
// vector's EOI-exit-bitmap bit is 1 is an 'eoi-exit', else 'virtual-eoi'.
//
// RVI and SVI live in the guest-interrupt-status field of the current VMCS throughout non-root operation,
// so nothing needs saving at VM exit (28.3.3 saves the field; it already holds the values).
import type { Cpu } from '../cpu/cpu.js';
import { Activity } from '../cpu/cpu.js';
import { Fault, GP, VmExitFault, VmExitTaken } from '../cpu/fault.js';
import { IF, readFlags } from '../cpu/flags.js';
import { EventKind, deliverEvent } from '../cpu/interrupts.js';
import { APIC_REG, APIC_REGISTERS, EXIT_REASON, PIN_CTLS, PROC_CTLS, PROC2_CTLS, PROC3_CTLS, VMCS_SLOT, X2APIC_MSR_BASE } from '../generated/index.js';
import { ApicMode } from '../apic/local-apic.js';
import type { MmioRegion } from '../machine/memory.js';
import { vmExit } from './transitions.js';
import { deliveringEvent, eventExit, exitDuringDelivery } from './events.js';
import type { Vmcs } from './vmcs.js';
import { PerObject } from '../machine/per-object.js';

interface VirtState {
  /** A pending virtual interrupt was recognized by the last evaluation (30.2.1). */
  recognized: boolean;
  /** A trap-like VM exit that the current instruction's completion owes (TPR threshold, EOI, APIC write). */
  trap: { reason: number; qualification: bigint } | undefined;
}

const states = new PerObject<Cpu, VirtState>(() => ({ recognized: false, trap: undefined }));

function stateOf(cpu: Cpu): VirtState {
  return states.of(cpu);
}

function vmcsOf(cpu: Cpu): Vmcs {
  return cpu.vmx!.current!;
}

function ctl32(vmcs: Vmcs, slot: number): number {
  return vmcs.getLo(slot) >>> 0; // a 32-bit control field, by its VMCS slot (no BigInt)
}

function proc(vmcs: Vmcs, mask: number): boolean {
  return (ctl32(vmcs, VMCS_SLOT.PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS) & mask) !== 0;
}

/** A secondary control, treated as 0 without "activate secondary controls" (25.6.2). */
function proc2(vmcs: Vmcs, mask: number): boolean {
  return proc(vmcs, PROC_CTLS.ACTIVATE_SECONDARY_CONTROLS) && (ctl32(vmcs, VMCS_SLOT.SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS) & mask) !== 0;
}

function pin(vmcs: Vmcs, mask: number): boolean {
  return (ctl32(vmcs, VMCS_SLOT.PIN_BASED_VM_EXECUTION_CONTROLS) & mask) !== 0;
}

/** Whether the guest runs with "use TPR shadow" 1. */
export function tprShadow(cpu: Cpu): boolean {
  return cpu.vmx?.nonRoot === true && proc(vmcsOf(cpu), PROC_CTLS.USE_TPR_SHADOW);
}

function vid(vmcs: Vmcs): boolean {
  return proc2(vmcs, PROC2_CTLS.VIRTUAL_INTERRUPT_DELIVERY);
}

// ---- the virtual-APIC page (30.1.1)

function vapic(cpu: Cpu): number {
  return Number(vmcsOf(cpu).get('VIRTUAL_APIC_ADDRESS'));
}

export function readVirtual(cpu: Cpu, offset: number): number {
  return cpu.memory.read32(vapic(cpu) + offset) >>> 0;
}

export function writeVirtual(cpu: Cpu, offset: number, value: number): void {
  cpu.memory.write32(vapic(cpu) + offset, value >>> 0);
}

/** Bit x of VISR/VIRR is bit (x & 1FH) at offset base | ((x & E0H) >> 1) (30.1.1). */
function vbit(cpu: Cpu, base: number, x: number, set: boolean): void {
  const off = base | ((x & 0xE0) >> 1);
  const w = readVirtual(cpu, off);
  writeVirtual(cpu, off, set ? w | (1 << (x & 31)) : w & ~(1 << (x & 31)));
}

/** Highest bit set in VISR or VIRR, or -1. */
function vhighest(cpu: Cpu, base: number): number {
  for (let i = 7; i >= 0; i--) {
    const w = readVirtual(cpu, base + i * 16);
    if (w !== 0) return i * 32 + 31 - Math.clz32(w);
  }
  return -1;
}

const VISR = APIC_REG.ISR, VIRR = APIC_REG.IRR, VTPR = APIC_REG.TPR, VPPR = APIC_REG.PPR;

/** RVI (bits 7:0) and SVI (bits 15:8) of the guest interrupt status (25.4.2). */
function rvi(vmcs: Vmcs): number { return Number(vmcs.get('GUEST_INTERRUPT_STATUS') & 0xFFn); }
function svi(vmcs: Vmcs): number { return Number((vmcs.get('GUEST_INTERRUPT_STATUS') >> 8n) & 0xFFn); }
function setStatus(vmcs: Vmcs, r: number, s: number): void {
  vmcs.set('GUEST_INTERRUPT_STATUS', BigInt(((s & 0xFF) << 8) | (r & 0xFF)));
}

function noteVirtual(cpu: Cpu, vector: number, path: Parameters<NonNullable<Cpu['apic']>['note']>[1]): void {
  cpu.apic?.note(vector, path);
}

/** A trap-like VM exit owed by the operation now completing: taken at the next instruction boundary. */
function trapExit(cpu: Cpu, reason: number, qualification: bigint): void {
  stateOf(cpu).trap = { reason, qualification };
  cpu.eventCheck = true;
}

// ---- TPR, PPR, EOI and self-IPI virtualization, evaluation and delivery (30.1.2-30.1.5, 30.2)

/** PPR virtualization (30.1.3): VPPR = VTPR if VTPR[7:4] >= SVI[7:4], else SVI & F0H. */
export function pprVirtualization(cpu: Cpu): void {
  const vtpr = readVirtual(cpu, VTPR) & 0xFF, s = svi(vmcsOf(cpu));
  writeVirtual(cpu, VPPR, (vtpr >>> 4) >= (s >>> 4) ? vtpr : s & 0xF0);
}

/** Evaluation of pending virtual interrupts (30.2.1): RVI[7:4] > VPPR[7:4] with "interrupt-window exiting" 0. */
export function evaluatePendingVirtualInterrupts(cpu: Cpu): void {
  const vmcs = vmcsOf(cpu);
  const s = stateOf(cpu);
  s.recognized = !proc(vmcs, PROC_CTLS.INTERRUPT_WINDOW_EXITING) && (rvi(vmcs) >>> 4) > ((readVirtual(cpu, VPPR) & 0xFF) >>> 4);
  if (s.recognized) cpu.eventCheck = true;
}

/**
 * TPR virtualization (30.1.2): without virtual-interrupt delivery, a trap-like TPR-below-threshold exit
 * when VTPR[7:4] < TPR threshold[3:0]; with it, PPR virtualization and evaluation.
 */
export function tprVirtualization(cpu: Cpu): void {
  const vmcs = vmcsOf(cpu);
  if (!vid(vmcs)) {
    if (((readVirtual(cpu, VTPR) >>> 4) & 0xF) < (ctl32(vmcs, VMCS_SLOT.TPR_THRESHOLD) & 0xF)) {
      noteVirtual(cpu, readVirtual(cpu, VTPR) & 0xFF, 'tpr-threshold-exit');
      trapExit(cpu, EXIT_REASON.TPR_BELOW_THRESHOLD, 0n);
    }
    return;
  }
  pprVirtualization(cpu);
  evaluatePendingVirtualInterrupts(cpu);
}

/** The EOI-exit bitmap bit of a vector (25.6.8: EOI_EXIT_BITMAP0 holds vectors 0-63, ...). */
export function eoiExitBit(vmcs: Vmcs, vector: number): boolean {
  return ((vmcs.get(`EOI_EXIT_BITMAP${vector >>> 6}`) >> BigInt(vector & 63)) & 1n) !== 0n;
}

/**
 * EOI virtualization (30.1.4): the vector in SVI leaves VISR, SVI becomes the next highest VISR bit, PPR
 * virtualization; then the EOI-exit bitmap decides: a trap-like EOI-induced VM exit (reason 45, the vector
 * as qualification) or evaluation of pending virtual interrupts.
 */
export function eoiVirtualization(cpu: Cpu): void {
  const vmcs = vmcsOf(cpu);
  const vector = svi(vmcs);
  vbit(cpu, VISR, vector, false);
  setStatus(vmcs, rvi(vmcs), Math.max(0, vhighest(cpu, VISR)));
  pprVirtualization(cpu);
  if (eoiExitBit(vmcs, vector)) {
    noteVirtual(cpu, vector, 'eoi-exit');
    trapExit(cpu, EXIT_REASON.VIRTUALIZED_EOI, BigInt(vector));
  } else {
    noteVirtual(cpu, vector, 'virtual-eoi');
    evaluatePendingVirtualInterrupts(cpu);
  }
}

/** Self-IPI virtualization (30.1.5): VIRR[vector] set, RVI = max(RVI, vector), evaluation. */
export function selfIpiVirtualization(cpu: Cpu, vector: number): void {
  const vmcs = vmcsOf(cpu);
  vbit(cpu, VIRR, vector, true);
  setStatus(vmcs, Math.max(rvi(vmcs), vector), svi(vmcs));
  noteVirtual(cpu, vector, 'self-ipi-virtualized');
  evaluatePendingVirtualInterrupts(cpu);
}

/**
 * Virtual-interrupt delivery (30.2.2) at an instruction boundary when recognized, RFLAGS.IF = 1, no
 * blocking by STI or MOV SS, "interrupt-window exiting" 0: VISR/SVI/VPPR take the vector, VIRR drops it,
 * RVI becomes the next highest VIRR bit, and the vector is delivered through the guest IDT as an external
 * interrupt; it wakes the processor from HLT. Returns true when it delivered.
 */
function deliverVirtualInterrupt(cpu: Cpu, vmcs: Vmcs): boolean {
  const s = stateOf(cpu);
  if (!s.recognized || (readFlags(cpu) & IF) === 0 || cpu.interruptShadow !== 0) return false;
  if (proc(vmcs, PROC_CTLS.INTERRUPT_WINDOW_EXITING)) return false;
  if (cpu.activity !== Activity.Active && cpu.activity !== Activity.Hlt) return false;
  const vector = rvi(vmcs);
  vbit(cpu, VISR, vector, true);
  writeVirtual(cpu, VPPR, vector & 0xF0);
  vbit(cpu, VIRR, vector, false);
  setStatus(vmcs, Math.max(0, vhighest(cpu, VIRR)), vector);
  s.recognized = false;
  cpu.activity = Activity.Active;
  cpu.cycles += cpu.timing.virtualInterruptDeliveryCycles ?? 0;
  noteVirtual(cpu, vector, 'virtual-delivered');
  deliverEvent(cpu, vector, -1, EventKind.External);
  return true;
}

/**
 * Posted-interrupt processing (30.6), when an unmasked external interrupt reaches the core in VMX non-root
 * operation with "process posted interrupts" 1: the interrupt is acknowledged; another vector causes an
 * external-interrupt VM exit (returned as false: the caller exits, with the vector already acknowledged);
 * the notification vector clears ON, EOIs the local APIC, moves PIR into VIRR, raises RVI to PIR's highest
 * bit and evaluates pending virtual interrupts. A processor in HLT stays in HLT (a recognized virtual
 * interrupt then wakes it).
 */
export function postedInterruptArrival(cpu: Cpu, vector: number): boolean {
  const vmcs = vmcsOf(cpu);
  const apic = cpu.apic;
  if (apic?.owns(vector) === true) apic.acknowledge(vector);
  else cpu.pendingIntr = -1;
  if (vector !== Number(vmcs.get('POSTED_INTERRUPT_NOTIFICATION_VECTOR') & 0xFFn)) {
    noteVirtual(cpu, vector, 'posted-exit');
    return false;
  }
  const desc = Number(vmcs.get('POSTED_INTERRUPT_DESCRIPTOR_ADDRESS'));
  const mem = cpu.memory;
  cpu.cycles += cpu.timing.postedInterruptCycles ?? 0;
  mem.write8(desc + 32, mem.read8(desc + 32) & ~1); // ON (bit 256) cleared
  apic?.eoi(); // dismisses the notification vector
  let highest = -1;
  for (let i = 0; i < 8; i++) {
    const pir = mem.read32(desc + 4 * i) >>> 0;
    if (pir === 0) continue;
    const off = VIRR + i * 16;
    writeVirtual(cpu, off, readVirtual(cpu, off) | pir);
    mem.write32(desc + 4 * i, 0);
    highest = i * 32 + 31 - Math.clz32(pir);
  }
  if (highest >= 0) setStatus(vmcs, Math.max(rvi(vmcs), highest), svi(vmcs));
  noteVirtual(cpu, vector, 'posted');
  evaluatePendingVirtualInterrupts(cpu);
  return true;
}

/**
 * The APIC-virtualization events at an instruction boundary, in priority order, called by events.ts after
 * the NMI-related exits: a trap-like exit the last instruction owes (TPR below threshold, virtualized EOI,
 * APIC write: they complete that instruction), then virtual-interrupt delivery (same priority as
 * interrupt-window exits, above external interrupts, 30.2.2). Returns true when it exited or delivered.
 */
export function virtualInterruptBoundary(cpu: Cpu): boolean {
  const vmcs = vmcsOf(cpu);
  if (vid(vmcs) && deliverVirtualInterrupt(cpu, vmcs)) return true;
  return false;
}

/** A trap-like exit owed by the instruction that just completed (taken first at the boundary). */
export function takeTrapExit(cpu: Cpu): boolean {
  const s = states.peek(cpu);
  if (s?.trap === undefined) return false;
  const t = s.trap;
  s.trap = undefined;
  if (cpu.vmx?.nonRoot !== true) return false;
  vmExit(cpu, t.reason, { qualification: t.qualification });
  cpu.ripLo = cpu.nextLo; cpu.ripHi = cpu.nextHi;
  return true;
}

// ---- IPI virtualization (30.1.6)

/** "IPI virtualization" (tertiary control bit 4), treated as 0 without "activate tertiary controls" (25.6.2). */
function ipiVirtualizationOn(vmcs: Vmcs): boolean {
  return proc(vmcs, PROC_CTLS.ACTIVATE_TERTIARY_CONTROLS) &&
    (vmcs.get('TERTIARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS') & BigInt(PROC3_CTLS.IPI_VIRTUALIZATION)) !== 0n;
}

/** Bytes 32-39 of a posted-interrupt descriptor: ON (bit 0), SN (bit 1), NV (bits 23:16), NDST (bits 63:32) (30.6, Table 30-1). */
const PID_CONTROL = 32, PID_ON = 1, PID_SN = 2, PID_NV = 34, PID_NDST = 36;

/**
 * IPI virtualization (30.1.6) of a fixed, edge-triggered, physical-destination IPI with vector V to virtual APIC ID
 * `id`: a vector below 16, an ID above the last PID-pointer index, or a PID-pointer-table entry whose valid bit
 * (bit 0) is 0 leaves the IPI to the VMM (an APIC-write VM exit for offset 300H, as a write there would,
 * 30.4.3.3). Otherwise bit V of the PIR of the descriptor the entry points at (bits 51:6) is set and, when ON
 * and SN are both 0, ON is set and the notification vector NV is sent to NDST as a fixed, physical IPI
 * (NDST[31:0] in x2APIC mode, NDST[15:8] in xAPIC mode).
 */
export function ipiVirtualization(cpu: Cpu, vector: number, id: number): void {
  const vmcs = vmcsOf(cpu);
  const mem = cpu.memory;
  const table = Number(vmcs.get('PID_POINTER_TABLE_ADDRESS'));
  const last = Number(vmcs.get('LAST_PID_POINTER_INDEX') & 0xFFFFn);
  const entryLo = vector >= 16 && id <= last ? mem.read32(table + 8 * id) : 0;
  if ((entryLo & 1) === 0) {
    noteVirtual(cpu, vector, 'apic-write-exit');
    trapExit(cpu, EXIT_REASON.APIC_WRITE, BigInt(APIC_REG.ICR_LOW));
    return;
  }
  const pid = (mem.read32(table + 8 * id + 4) & 0xF_FFFF) * 0x1_0000_0000 + ((entryLo & ~0x3F) >>> 0);
  const word = pid + 4 * (vector >>> 5);
  mem.write32(word, mem.read32(word) | (1 << (vector & 31)));
  noteVirtual(cpu, vector, 'ipi-virtualized');
  const control = mem.read8(pid + PID_CONTROL);
  if ((control & (PID_ON | PID_SN)) !== 0) return;
  mem.write8(pid + PID_CONTROL, control | PID_ON);
  const apic = cpu.apic;
  if (apic === undefined) return;
  const nv = mem.read8(pid + PID_NV), ndst = mem.read32(pid + PID_NDST) >>> 0;
  const icr = apic.mode === ApicMode.X2Apic ? (BigInt(ndst) << 32n) | BigInt(nv) : (BigInt((ndst >>> 8) & 0xFF) << 56n) | BigInt(nv);
  apic.fabric.sendIpi(apic, icr);
}

/**
 * Whether an ICR value is one IPI virtualization takes (30.1.6 via 30.4.3.2 and 30.5): fixed delivery (10:8 = 0),
 * physical destination (bit 11 = 0), edge (bit 15 = 0), no shorthand (19:18 = 0), reserved bits 31:20, 17:16,
 * 13 and 12 clear (bit 14, level, is not looked at for a fixed IPI).
 */
export function virtualizableIpi(icrLo: number): boolean {
  return (icrLo & 0xFFFF_BF00) === 0;
}

// ---- VM entry and exit (27.3.2.5, 27.7.7; 30.4)

/**
 * At VM entry, after event injection: with "virtual-interrupt delivery" 1, PPR virtualization and
 * evaluation of pending virtual interrupts (27.3.2.5); with "use TPR shadow" 1 and it 0, a TPR-below-
 * threshold VM exit right after entry when VTPR[7:4] < the threshold (27.7.7).
 */
export function enterApicVirtualization(cpu: Cpu, vmcs: Vmcs): void {
  const s = stateOf(cpu);
  s.recognized = false;
  s.trap = undefined;
  if (proc(vmcs, PROC_CTLS.USE_TPR_SHADOW)) {
    if (vid(vmcs)) {
      pprVirtualization(cpu);
      evaluatePendingVirtualInterrupts(cpu);
    } else if (((readVirtual(cpu, VTPR) >>> 4) & 0xF) < (ctl32(vmcs, VMCS_SLOT.TPR_THRESHOLD) & 0xF)) {
      trapExit(cpu, EXIT_REASON.TPR_BELOW_THRESHOLD, 0n);
    }
  }
}

/**
 * At VM entry, before event injection: the APIC-access page is in force from the first guest access on, so an
 * injected event's delivery that reaches it exits (access type 3 or 10, 30.4.1, 30.4.6.1).
 */
export function mapApicAccessPage(cpu: Cpu, vmcs: Vmcs): void {
  if (proc2(vmcs, PROC2_CTLS.VIRTUALIZE_APIC_ACCESSES)) mapAccessPage(cpu, Number(vmcs.get('APIC_ACCESS_ADDRESS')));
  else unmapAccessPage(cpu);
}

/** At VM exit: nothing owed survives the exit, and the APIC-access page is RAM again for the host. */
export function leaveApicVirtualization(cpu: Cpu): void {
  const s = states.peek(cpu);
  if (s) { s.recognized = false; s.trap = undefined; }
  unmapAccessPage(cpu);
}

// ---- MOV CR8 (30.3)

/** MOV from CR8 with the TPR shadow: VTPR[7:4] (30.3). */
export function readCr8Virtual(cpu: Cpu): number {
  return (readVirtual(cpu, VTPR) >>> 4) & 0xF;
}

/** MOV to CR8 with the TPR shadow: VTPR[7:4] = source[3:0], the rest of VTPR cleared; TPR virtualization (30.3). */
export function writeCr8Virtual(cpu: Cpu, value: number): void {
  writeVirtual(cpu, VTPR, (value & 0xF) << 4);
  tprVirtualization(cpu);
}

// ---- MSR-based APIC accesses (30.5)

const X2APIC_READ_VIRTUALIZED = new Set<number>();
for (const r of APIC_REGISTERS) {
  if (!r.virtualizedMsrRead) continue;
  for (let i = 0; i < (r.count ?? 1); i++) X2APIC_READ_VIRTUALIZED.add(X2APIC_MSR_BASE + (r.offset >> 4) + i);
}

function x2apicVirtualized(cpu: Cpu, msr: number): boolean {
  return cpu.vmx?.nonRoot === true && msr >= 0x800 && msr <= 0x8FF && proc2(vmcsOf(cpu), PROC2_CTLS.VIRTUALIZE_X2APIC_MODE);
}

/**
 * RDMSR of 800H-8FFH with "virtualize x2APIC mode" 1 (30.5): with "APIC-register virtualization" 0 only 808H,
 * with it 1 the MSRs of the list, read 64 bits of the virtual-APIC page at (ECX & FFH) << 4 (for 808H: VTPR
 * and the 32 bits after it).
 * Returns undefined when the read is not virtualized (it operates normally).
 */
export function rdmsrVirtual(cpu: Cpu, msr: number): bigint | undefined {
  if (!x2apicVirtualized(cpu, msr)) return undefined;
  const vmcs = vmcsOf(cpu);
  const listed = proc2(vmcs, PROC2_CTLS.APIC_REGISTER_VIRTUALIZATION) ? X2APIC_READ_VIRTUALIZED.has(msr) : msr === 0x808;
  if (!listed) return undefined;
  const off = (msr & 0xFF) << 4;
  return (BigInt(readVirtual(cpu, off + 4)) << 32n) | BigInt(readVirtual(cpu, off));
}

/**
 * WRMSR of 800H-8FFH with "virtualize x2APIC mode" 1 (30.5): 808H writes VTPR (EDX and EAX[31:8] must be 0,
 * else #GP) then TPR virtualization; with "virtual-interrupt delivery" 1 also 80BH (EOI, value 0) and 83FH
 * (SELF IPI: a vector with EAX[7:4] nonzero is self-IPI virtualization, else an APIC-write exit for offset
 * 3F0H). Returns false when the write is not virtualized (it operates normally).
 */
export function wrmsrVirtual(cpu: Cpu, msr: number, value: bigint): boolean {
  if (!x2apicVirtualized(cpu, msr)) return false;
  const vmcs = vmcsOf(cpu);
  const lo = Number(value & 0xFFFF_FFFFn) >>> 0, hi = Number(value >> 32n);
  if (msr === 0x808) {
    if (hi !== 0 || (lo & ~0xFF) !== 0) throw new Fault(GP, 0);
    writeVirtual(cpu, VTPR, lo);
    writeVirtual(cpu, VTPR + 4, 0);
    tprVirtualization(cpu);
    return true;
  }
  if (!vid(vmcs)) return false;
  if (msr === 0x80B) {
    if (value !== 0n) throw new Fault(GP, 0);
    eoiVirtualization(cpu);
    return true;
  }
  if (msr === 0x830 && ipiVirtualizationOn(vmcs)) {
    // ICR with IPI virtualization (30.5, 30.1.6): EDX:EAX goes to VICR (offset 300H, 64 bits); a fixed, physical,
    // edge IPI without shorthand is virtualized with ID = EDX, any other ICR value is an APIC-write exit for 300H.
    writeVirtual(cpu, APIC_REG.ICR_LOW, lo);
    writeVirtual(cpu, APIC_REG.ICR_LOW + 4, hi);
    if (virtualizableIpi(lo)) ipiVirtualization(cpu, lo & 0xFF, hi >>> 0);
    else { noteVirtual(cpu, lo & 0xFF, 'apic-write-exit'); trapExit(cpu, EXIT_REASON.APIC_WRITE, BigInt(APIC_REG.ICR_LOW)); }
    return true;
  }
  if (msr === 0x83F) {
    if (hi !== 0 || (lo & ~0xFF) !== 0) throw new Fault(GP, 0);
    if ((lo & 0xF0) !== 0) selfIpiVirtualization(cpu, lo);
    else { noteVirtual(cpu, lo, 'apic-write-exit'); trapExit(cpu, EXIT_REASON.APIC_WRITE, 0x3F0n); }
    return true;
  }
  return false;
}

// ---- the APIC-access page (30.4)

/** Access types of the APIC-access exit qualification (28.2.1 Table 28-6; layout exit-qualification.apic-access). */
export const APIC_ACCESS_TYPE = {
  LINEAR_READ: 0, LINEAR_WRITE: 1, LINEAR_FETCH: 2, LINEAR_EVENT_DELIVERY: 3,
  GUEST_PHYSICAL_EVENT_DELIVERY: 10, GUEST_PHYSICAL_INSTRUCTION: 15,
} as const;

/** Offsets whose reads APIC-register virtualization serves from the virtual-APIC page (30.4.2). */
const READ_VIRTUALIZED = new Set<number>();
for (const r of APIC_REGISTERS) {
  if (!r.virtualizedRead) continue;
  for (let i = 0; i < (r.count ?? 1); i++) READ_VIRTUALIZED.add(r.offset + 16 * i);
}

/**
 * Whether a read of the APIC-access page is virtualized (30.4.2): with "APIC-register virtualization" 0,
 * only a 32-bit-or-smaller read of VTPR (offsets 80H-83H) when "use TPR shadow" is 1; with it 1, reads
 * that lie within bytes 3:0 of a listed register.
 */
function readVirtualized(vmcs: Vmcs, offset: number, size: number): boolean {
  const within = (offset & 0xF) + size <= 4;
  if (!proc2(vmcs, PROC2_CTLS.APIC_REGISTER_VIRTUALIZATION)) {
    return proc(vmcs, PROC_CTLS.USE_TPR_SHADOW) && within && (offset & 0xFF0) === VTPR;
  }
  return within && READ_VIRTUALIZED.has(offset & 0xFF0);
}

/**
 * Whether a write is virtualized (30.4.3.1): 32-bit-or-smaller writes within bytes 3:0 of VTPR; with
 * "virtual-interrupt delivery" also EOI and ICR low; with "APIC-register virtualization" every register
 * the SDM lists (the page then holds the value and APIC-write emulation follows).
 */
function writeVirtualized(vmcs: Vmcs, offset: number, size: number): boolean {
  const within = (offset & 0xF) + size <= 4;
  if (!within) return false;
  const reg = offset & 0xFF0;
  if (reg === VTPR) return proc(vmcs, PROC_CTLS.USE_TPR_SHADOW);
  if (vid(vmcs) && (reg === APIC_REG.EOI || reg === APIC_REG.ICR_LOW)) return true;
  if (!proc2(vmcs, PROC2_CTLS.APIC_REGISTER_VIRTUALIZATION)) return false;
  return WRITE_VIRTUALIZED.has(reg);
}

/** Offsets APIC-register virtualization lets guests write (30.4.3.1). */
const WRITE_VIRTUALIZED = new Set<number>([
  APIC_REG.ID, APIC_REG.TPR, APIC_REG.EOI, APIC_REG.LDR, APIC_REG.DFR, APIC_REG.SVR, APIC_REG.ESR, APIC_REG.LVT_CMCI,
  APIC_REG.ICR_LOW, APIC_REG.ICR_HIGH, APIC_REG.LVT_TIMER, APIC_REG.LVT_THERMAL, APIC_REG.LVT_PMI, APIC_REG.LVT_LINT0,
  APIC_REG.LVT_LINT1, APIC_REG.LVT_ERROR, APIC_REG.TIMER_INITIAL_COUNT, APIC_REG.TIMER_DIVIDE_CONFIG,
]);

/**
 * APIC-write emulation (30.4.3.2) after a virtualized write of `offset`: TPR virtualization for 80H; EOI
 * virtualization for B0H (with "virtual-interrupt delivery"); self-IPI virtualization for a fixed,
 * edge-triggered self IPI with a vector of 16 or more written to 300H; ICR high bytes 2:0 cleared; any
 * other offset (or an ICR value that is not such a self IPI) an APIC-write VM exit.
 */
function apicWriteEmulation(cpu: Cpu, vmcs: Vmcs, offset: number): void {
  const reg = offset & 0xFF0;
  if (reg === VTPR) {
    writeVirtual(cpu, VTPR, readVirtual(cpu, VTPR) & 0xFF);
    tprVirtualization(cpu);
    return;
  }
  if (reg === APIC_REG.EOI && vid(vmcs)) {
    writeVirtual(cpu, APIC_REG.EOI, 0);
    eoiVirtualization(cpu);
    return;
  }
  if (reg === APIC_REG.ICR_LOW && vid(vmcs)) {
    const icr = readVirtual(cpu, APIC_REG.ICR_LOW);
    // Reserved bits 31:20, 17:16, 13 and delivery status (12) 0, shorthand self, edge, fixed, vector >= 16.
    const selfFixedEdge = (icr & 0xFFF3_3000) === 0 && ((icr >>> 18) & 3) === 1 && (icr & 0x8700) === 0 && (icr & 0xF0) !== 0;
    if (selfFixedEdge) { selfIpiVirtualization(cpu, icr & 0xFF); return; }
    // IPI virtualization (30.4.3.2, 30.1.6): the destination is VICR_HI[31:24].
    if (ipiVirtualizationOn(vmcs) && virtualizableIpi(icr)) { ipiVirtualization(cpu, icr & 0xFF, readVirtual(cpu, APIC_REG.ICR_HIGH) >>> 24); return; }
  }
  if (reg === APIC_REG.ICR_HIGH) {
    writeVirtual(cpu, APIC_REG.ICR_HIGH, readVirtual(cpu, APIC_REG.ICR_HIGH) & 0xFF00_0000);
    return;
  }
  noteVirtual(cpu, reg, 'apic-write-exit');
  trapExit(cpu, EXIT_REASON.APIC_WRITE, BigInt(reg));
}

/**
 * An APIC-access VM exit (30.4): fault-like, the instruction does not complete. An access made while an event
 * is delivered has access type 3 and the exit records the event in the IDT-vectoring fields (28.2.1, 28.2.4).
 */
function apicAccessExit(cpu: Cpu, offset: number, type: number): never {
  noteVirtual(cpu, offset, 'apic-access-exit');
  const during = deliveringEvent(cpu);
  const qualification = BigInt((offset & 0xFFF) | ((during ? APIC_ACCESS_TYPE.LINEAR_EVENT_DELIVERY : type) << 12));
  exitDuringDelivery(cpu, () => vmExit(cpu, EXIT_REASON.APIC_ACCESS, { qualification }));
  throw new VmExitTaken();
}

/**
 * A guest-physical access (30.4.6.1): under EPT, an access whose guest-physical address is not the translation
 * of a linear address (guest paging-structure reads and accessed/dirty updates, PDPTE loads) and whose EPT
 * translation `hpa` lies on the APIC-access page always causes an APIC-access VM exit, never virtualized.
 * Called by the EPT walk (model/ept/translate.ts) after its own checks: an EPT violation the access incurs
 * has priority (30.4.6.1). Access type 10 during event delivery, else 15 (28.2.1, Table 28-6). The
 * guest-physical-address field is written only for EPT violations and misconfigurations (25.9.1), so not here.
 */
export function guestPhysicalApicAccess(cpu: Cpu, hpa: number): void {
  const r = mapped.get(cpu) ?? overlays.get(cpu);
  if (r === undefined || hpa < r.base || hpa >= r.base + 0x1000 || cpu.vmx?.nonRoot !== true) return;
  noteVirtual(cpu, hpa - r.base, 'apic-access-exit');
  throw new GuestPhysicalApicAccess(cpu, hpa - r.base);
}

/** The APIC-access exit of a guest-physical access: it travels like an EPT violation (a VmExitFault, 30.4.6.1). */
class GuestPhysicalApicAccess extends VmExitFault {
  readonly qualification: bigint;
  constructor(cpu: Cpu, offset: number) {
    super();
    const type = deliveringEvent(cpu) ? APIC_ACCESS_TYPE.GUEST_PHYSICAL_EVENT_DELIVERY : APIC_ACCESS_TYPE.GUEST_PHYSICAL_INSTRUCTION;
    // Bits 11:0 are undefined for a guest-physical access (Table 28-6); the model stores the page offset.
    this.qualification = BigInt(offset | (type << 12));
  }

  deliver(cpu: Cpu): void {
    eventExit(cpu, EXIT_REASON.APIC_ACCESS, this.qualification, 0n, -1);
  }
}

/** Set by the core while it reads instruction bytes (model/cpu/decode.ts): such reads are fetches. */
export const instructionFetch = { active: false };

const mapped = new WeakMap<Cpu, MmioRegion>();

/** The region over the APIC-access page: guest accesses are virtualized or exit; anyone else reaches RAM. */
function accessPageRegion(cpu: Cpu, base: number): MmioRegion {
  const ram = (offset: number, size: 1 | 2 | 4 | 8): { page: Uint8Array | undefined; at: number } =>
    ({ page: cpu.memory.page(base + offset, size > 0), at: offset });
  const readRam = (offset: number, size: 1 | 2 | 4 | 8): number | bigint => {
    const { page } = ram(offset, size);
    let v = 0n;
    for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(page?.[offset + i] ?? 0);
    return size === 8 ? v : Number(v);
  };
  const writeRam = (offset: number, size: 1 | 2 | 4 | 8, value: number | bigint): void => {
    const { page } = ram(offset, size);
    let v = BigInt(value);
    for (let i = 0; i < size; i++) { page![offset + i] = Number(v & 0xFFn); v >>= 8n; }
  };
  const guest = (): boolean => cpu.vmx?.nonRoot === true && cpu.apic?.fabric.current === cpu.apic;
  return {
    base, size: 0x1000, name: 'apic-access-page',
    read: (offset, size) => {
      if (!guest()) return readRam(offset, size);
      const vmcs = vmcsOf(cpu);
      // An instruction fetch from the APIC-access page always exits (30.4.1).
      if (instructionFetch.active) apicAccessExit(cpu, offset, APIC_ACCESS_TYPE.LINEAR_FETCH);
      if (!readVirtualized(vmcs, offset, size)) apicAccessExit(cpu, offset, APIC_ACCESS_TYPE.LINEAR_READ);
      const v = cpu.memory.readBytes(vapic(cpu) + offset, size);
      let r = 0n;
      for (let i = size - 1; i >= 0; i--) r = (r << 8n) | BigInt(v[i]!);
      return size === 8 ? r : Number(r);
    },
    write: (offset, size, value) => {
      if (!guest()) { writeRam(offset, size, value); return; }
      const vmcs = vmcsOf(cpu);
      if (!writeVirtualized(vmcs, offset, size)) apicAccessExit(cpu, offset, APIC_ACCESS_TYPE.LINEAR_WRITE);
      let v = BigInt(value);
      for (let i = 0; i < size; i++) { cpu.memory.write8(vapic(cpu) + offset + i, Number(v & 0xFFn)); v >>= 8n; }
      apicWriteEmulation(cpu, vmcs, offset);
    },
  };
}

/** APIC-access pages placed over another device's page (the usual choice: the xAPIC page itself). */
const overlays = new WeakMap<Cpu, MmioRegion>();

/**
 * The APIC-access page a guest on `cpu` has at physical address `base`, when that page is a device's own
 * MMIO page (the xAPIC page, model/apic/attach.ts asks): the device passes the guest's accesses to it.
 */
export function accessPageOverlay(cpu: Cpu, base: number): MmioRegion | undefined {
  const r = overlays.get(cpu);
  return r !== undefined && r.base === base && cpu.vmx?.nonRoot === true ? r : undefined;
}

/**
 * How many processors have an APIC-access page in `mapped` or `overlays` (an over-count while a processor that
 * had one is garbage): at zero, VM entries and exits without the page skip both maps.
 */
let accessPages = 0;

function mapAccessPage(cpu: Cpu, base: number): void {
  unmapAccessPage(cpu);
  const r = accessPageRegion(cpu, base);
  accessPages++;
  if (cpu.memory.regionAt(base) !== undefined) { overlays.set(cpu, r); return; }
  cpu.memory.map(r);
  mapped.set(cpu, r);
}

function unmapAccessPage(cpu: Cpu): void {
  if (accessPages === 0) return;
  if (overlays.delete(cpu)) accessPages--;
  const r = mapped.get(cpu);
  if (r === undefined) return;
  cpu.memory.unmap(r);
  mapped.delete(cpu);
  accessPages--;
}

/** Whether the guest runs with "process posted interrupts" 1. */
export function postedInterrupts(vmcs: Vmcs): boolean {
  return pin(vmcs, PIN_CTLS.PROCESS_POSTED_INTERRUPTS);
}
