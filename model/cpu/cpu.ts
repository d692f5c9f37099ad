// The logical processor's architectural state and its run loop. Instruction semantics live in
// exec/*; address translation in mmu.ts; event delivery in interrupts.ts.
//
// 64-bit values, decided once: every 64-bit register is two int32 halves (lo, hi) in typed arrays,
// and linear addresses travel as (lo, hi) pairs. Measured: BigInt on every ALU operation is roughly
// ten times slower, and doubles are not exact above 2^53 (canonical high-half addresses). Physical
// addresses are plain numbers (exact below 2^52).
import type { SmmState } from './smm.js';
import type { CpuProfile } from '../generated/index.js';
import type { PhysicalMemory } from '../machine/memory.js';
import type { VmxState } from '../vmx/operation.js';
import type { EptContext } from '../ept/context.js';
import type { LocalApic } from '../apic/local-apic.js';
import type { IoBus } from '../machine/io.js';
import { FlagOp } from './flags.js';
import { Fault, VmExitTaken } from './fault.js';
import { CS, DS, ES, FS, GS, LDTR, SS, TR } from './registers.js';
import { type Decoded, fetchDecoded, type DecodeCache, newDecodeCache } from './decode.js';
import { deliverFault, deliverPendingEvents } from './interrupts.js';
import { tlbFlushAll, type Tlb, newTlb } from './mmu.js';
import { idleUntilPreemptionTimer, serviceVmxTimers } from '../vmx/timers.js';
import { exitBeforeTimerPending } from '../vmx/events.js';
import { noteCplTransition, takePrivilegeLevelExit } from '../vmx/extension-privilege-exiting.js';
import { MsrFile } from './msr.js';
import { type TimingModel, defaultTiming } from './timing.js';

/** Why the processor stopped running (the machine turns these into a run result). */
export type StopReason = 'hlt' | 'shutdown' | 'triple-fault' | 'budget' | 'breakpoint';

/** Segment attributes use the VMCS access-rights format (SDM 25.4.1 Table 25-2): type, S, DPL, P, AVL, L, D/B, G; bit 16 unusable. */
export const AR_UNUSABLE = 1 << 16;

export const enum Activity { Active = 0, Hlt = 1, Shutdown = 2, WaitForSipi = 3 }

/**
 * What changed the CPL, for the privilege-level-exiting MODEL EXTENSION (not in the SDM): the values of the
 * cause field of spec/data's exit-qualification.extension-privilege-level-transition layout.
 */
export const CplCause = { Other: 0, FarTransfer: 1, Event: 2, Iret: 3, Syscall: 4, Sysret: 5, Sysenter: 6, Sysexit: 7 } as const;

export interface CpuStats {
  instructions: number;
  /** Instructions that raised #UD because the model does not implement them, by mnemonic. */
  readonly unimplemented: Map<string, number>;
  tlbHits: number;
  tlbMisses: number;
  pageWalkReads: number;
  /** TLB misses served by revalidating an invalidated translation instead of a walk (tlb-revalidate.ts). */
  tlbRevalidations: number;
  /** Of pageWalkReads, the reads of EPT paging-structure entries (model/ept). */
  eptPageWalkReads: number;
  /** Data-memory accesses made by instructions (see access.ts). */
  memoryAccesses: number;
  exceptions: number;
  decoded: number;
}

export class Cpu {
  // ---- general-purpose registers and RIP
  readonly lo = new Int32Array(16);
  readonly hi = new Int32Array(16);
  ripLo = 0;
  ripHi = 0;
  /** RIP of the next instruction while one executes; branches write it. */
  nextLo = 0;
  nextHi = 0;
  /** Scratch: the high half of the last 64-bit value an operand read returned. */
  vhi = 0;
  /** Scratch: the effective address (offset) a memory operand computed last. */
  eaLo = 0;
  eaHi = 0;

  // ---- RFLAGS: see flags.ts
  flagsValue = 0x2;
  flagsOp: FlagOp = FlagOp.None;
  flagsSize = 4;
  flagsA = 0;
  flagsAHi = 0;
  flagsB = 0;
  flagsBHi = 0;
  flagsRes = 0;
  flagsResHi = 0;
  flagsCin = 0;

  // ---- segment registers ES CS SS DS FS GS LDTR TR: selector and descriptor cache
  readonly segSel = new Uint16Array(8);
  readonly segBaseLo = new Int32Array(8);
  readonly segBaseHi = new Int32Array(8);
  /** Limits in bytes - 1 (already scaled by G), as unsigned numbers. */
  readonly segLimit = new Float64Array(8);
  readonly segAttr = new Int32Array(8);
  gdtrBaseLo = 0; gdtrBaseHi = 0; gdtrLimit = 0;
  idtrBaseLo = 0; idtrBaseHi = 0; idtrLimit = 0;

  // ---- control, debug and extended registers
  cr0 = 0;
  cr2Lo = 0; cr2Hi = 0;
  cr3Lo = 0; cr3Hi = 0;
  cr4 = 0;
  cr8 = 0;
  efer = 0;
  xcr0 = 1;
  /** The PAE PDPTE registers (SDM Vol. 3A 4.4.1), as int32 halves; loaded by paging.ts loadPdptes. */
  readonly pdpteLo = new Int32Array(4);
  readonly pdpteHi = new Int32Array(4);
  readonly drLo = new Int32Array(8);
  readonly drHi = new Int32Array(8);
  readonly msr: MsrFile;

  // ---- execution mode, derived from CR0, EFER, CS and RFLAGS (updateMode keeps them right)
  /** 16, 32 or 64: how instructions decode. */
  bitness: 16 | 32 | 64 = 16;
  cpl = 0;
  /** IA-32e mode active (EFER.LMA). */
  longMode = false;
  activity: Activity = Activity.Active;
  /** Interrupt shadow: STI or MOV SS blocks events until after the next instruction (SDM Vol. 3A 6.8.3). */
  interruptShadow = 0;
  /** The shadow comes from MOV SS or POP SS, not STI (VM entry checks tell them apart, SDM 27.1). */
  shadowByMovSs = false;
  nmiBlocked = false;
  /** While an IRET executes: it removed NMI (or virtual-NMI) blocking (model/cpu/exec/interrupt.ts iret). */
  iretUnblockedNmi = false;
  /** Pending external interrupt vector from the interrupt controller, or -1. */
  pendingIntr = -1;
  pendingNmi = false;
  /** An SMI is pending (model/cpu/smm.ts holds which; model/vmx/dual-monitor.ts takes it). */
  smiPending = false;
  /** SMM state (model/cpu/smm.ts), created on first use: a field, so VM entries ask "in SMM?" with one load. */
  smm: SmmState | undefined = undefined;
  /**
   * Set by anything that may make an event deliverable or stop the processor (a device raising an
   * interrupt, STI, POPF, IRET, HLT, a mode change): the run loop leaves its hot path to look.
   */
  eventCheck = true;
  /**
   * The privilege-level-exiting MODEL EXTENSION (not in the SDM; model/vmx/extension-privilege-exiting.ts):
   * the armed CPL-transition bitmap (0 when off, so updateMode pays one compare), what is changing the CPL
   * (CplCause, set where the core changes it), and the pending transition exit (-1: none).
   */
  cplExitBitmap = 0;
  cplCause = 0;
  cplTransitionPending = -1;
  /** Run one instruction per block and then look at events (the VMX monitor trap flag, model/vmx/events.ts). */
  singleStep = false;

  // ---- machinery
  readonly memory: PhysicalMemory;
  readonly io: IoBus;
  readonly profile: CpuProfile;
  readonly decodeCache: DecodeCache;
  readonly tlb: Tlb;
  timing: TimingModel = defaultTiming;
  readonly stats: CpuStats = { instructions: 0, unimplemented: new Map(), tlbHits: 0, tlbMisses: 0, pageWalkReads: 0, tlbRevalidations: 0, eptPageWalkReads: 0, memoryAccesses: 0, exceptions: 0, decoded: 0 };
  /** The machine's cycle clock; the TSC is derived from it. */
  cycles = 0;
  /**
   * The clock value at which a timer needs the run loop (the VMX-preemption timer, model/vmx/timers.ts);
   * Infinity when none runs. The hot loop compares it after each instruction.
   */
  cycleDeadline = Infinity;
  /** The VMX-preemption timer's and the APIC timer's deadlines; cycleDeadline is the earlier (refreshDeadline). */
  vmxTimerDeadline = Infinity;
  apicTimerDeadline = Infinity;
  /** The local APIC (model/apic), when the machine has one. */
  apic: LocalApic | undefined;
  stop: StopReason | undefined;
  /** Set while an exception is being delivered, for double/triple-fault detection (SDM Vol. 3A 6.15). */
  deliveringVector = -1;
  /** VMX operation state (model/vmx), created by the first VMX instruction. */
  vmx: VmxState | undefined;
  /** EPT in force: set by VM entry with "enable EPT" = 1, cleared by VM exit (model/ept). */
  ept: EptContext | undefined = undefined;
  /** The TLB's translation context: 0 outside VMX non-root operation, else one per VPID and EPTP (model/ept/tlb.ts). */
  tlbContext = 0;
  /** Called before each instruction executes when tracing (RIP is the instruction's). */
  trace: ((cpu: Cpu, instruction: Decoded) => void) | undefined;

  constructor(memory: PhysicalMemory, io: IoBus, profile: CpuProfile) {
    this.memory = memory;
    this.io = io;
    this.profile = profile;
    this.msr = new MsrFile(this);
    this.decodeCache = newDecodeCache(memory);
    this.tlb = newTlb();
    this.reset();
  }

  /** The architectural power-up state (SDM Vol. 3A 9.1.1, Table 9-1). */
  reset(): void {
    this.lo.fill(0); this.hi.fill(0);
    const { family, model, stepping } = this.profile.cpuid;
    // EDX holds the processor signature: extended family/model folded as CPUID leaf 1 EAX reports them.
    const fam = family > 0xF ? 0xF : family;
    const extFam = family > 0xF ? family - 0xF : 0;
    const signature = (extFam << 20) | ((model >> 4) << 16) | (fam << 8) | ((model & 0xF) << 4) | stepping;
    this.lo[2] = signature;
    this.flagsValue = 0x2; this.flagsOp = FlagOp.None;
    this.ripLo = 0xFFF0; this.ripHi = 0;
    for (const s of [ES, SS, DS, FS, GS]) this.loadSegmentRaw(s, 0, 0, 0, 0xFFFF, 0x93);
    this.loadSegmentRaw(CS, 0xF000, 0xFFFF0000 | 0, 0, 0xFFFF, 0x9B);
    this.loadSegmentRaw(LDTR, 0, 0, 0, 0xFFFF, 0x82);
    this.loadSegmentRaw(TR, 0, 0, 0, 0xFFFF, 0x8B);
    this.gdtrBaseLo = this.gdtrBaseHi = 0; this.gdtrLimit = 0xFFFF;
    this.idtrBaseLo = this.idtrBaseHi = 0; this.idtrLimit = 0xFFFF;
    this.cr0 = 0x6000_0010; this.cr2Lo = this.cr2Hi = 0; this.cr3Lo = this.cr3Hi = 0; this.cr4 = 0; this.cr8 = 0;
    this.efer = 0; this.xcr0 = 1;
    this.pdpteLo.fill(0); this.pdpteHi.fill(0);
    this.drLo.fill(0); this.drHi.fill(0);
    this.drLo[6] = 0xFFFF0FF0 | 0; this.drLo[7] = 0x400;
    this.activity = Activity.Active;
    this.interruptShadow = 0; this.nmiBlocked = false; this.pendingIntr = -1; this.pendingNmi = false;
    this.deliveringVector = -1;
    this.vmx = undefined; // power-up and reset leave VMX operation (SDM 24.7)
    this.ept = undefined; this.tlbContext = 0;
    this.vmxTimerDeadline = Infinity;
    this.refreshDeadline();
    this.msr.reset();
    this.updateMode();
    tlbFlushAll(this);
  }

  refreshDeadline(): void {
    this.cycleDeadline = Math.min(this.vmxTimerDeadline, this.apicTimerDeadline);
  }

  /** Loads a segment register's selector and hidden part directly (reset, VM entry, SMM, tests). */
  loadSegmentRaw(seg: number, selector: number, baseLo: number, baseHi: number, limit: number, attr: number): void {
    this.segSel[seg] = selector;
    this.segBaseLo[seg] = baseLo | 0;
    this.segBaseHi[seg] = baseHi | 0;
    this.segLimit[seg] = limit >>> 0;
    this.segAttr[seg] = attr;
    if (seg === CS || seg === SS) this.updateMode();
  }

  /** Recomputes bitness, CPL and EFER.LMA from CR0, EFER, CS and RFLAGS.VM (SDM Vol. 3A 2.2, 9.8.5). */
  updateMode(): void {
    const from = this.cpl;
    const pe = (this.cr0 & 1) !== 0;
    this.longMode = (this.efer & (1 << 10)) !== 0;
    if (!pe) {
      this.bitness = 16;
      this.cpl = 0;
    } else if ((this.flagsValue & (1 << 17)) !== 0 && !this.longMode) {
      this.bitness = 16;
      this.cpl = 3; // virtual-8086 mode
    } else {
      const attr = this.segAttr[CS]!;
      this.bitness = this.longMode && (attr & (1 << 13)) !== 0 ? 64 : (attr & (1 << 14)) !== 0 ? 32 : 16;
      this.cpl = (this.segAttr[SS]! >> 5) & 3;
    }
    if (this.cplExitBitmap !== 0 && this.cpl !== from) noteCplTransition(this, from);
  }

  /** Writes a 32-bit result to a GPR; in 64-bit mode the upper half becomes 0 (SDM Vol. 1 3.4.1.1). */
  set32(reg: number, value: number): void {
    this.lo[reg] = value;
    this.hi[reg] = 0;
  }

  /** deliverPendingEvents for this processor, made once (the run loop calls it after every VM entry and exit). */
  private readonly deliverPending = (): void => { deliverPendingEvents(this); };

  /** Event delivery that an access may turn into a VM exit mid-way (VmExitTaken): continue at the host RIP. */
  private exitAware(deliver: () => void): void {
    try {
      deliver();
    } catch (x) {
      if (!(x instanceof VmExitTaken)) throw x;
      this.ripLo = this.nextLo; this.ripHi = this.nextHi;
    }
  }

  /** Runs until the budget is spent or the processor stops; returns instructions retired. */
  run(maxInstructions: number): number {
    const start = this.stats.instructions;
    const limit = start + maxInstructions;
    this.stop = undefined;
    this.apic?.makeCurrent();
    while (this.stop === undefined) {
      if (this.stats.instructions >= limit) { this.stop = 'budget'; break; }
      // A halted processor stays halted until an event wakes it, whoever calls run() next.
      if (this.eventCheck || this.activity !== Activity.Active || this.cycles >= this.cycleDeadline) {
        this.eventCheck = false;
        if (this.cycles >= this.apicTimerDeadline) this.apic?.timer.service(); // SDM Vol. 3A 11.5.4
        // A privilege-level-transition exit (model extension, not in the SDM) is trap-like: first at the boundary.
        if (this.cplTransitionPending >= 0 && takePrivilegeLevelExit(this)) continue;
        // The VMX-preemption timer's exit comes after INIT/SIPI, bus-lock and MTF exits and before NMIs and
        // interrupts (SDM Vol. 3A 6.9; 3C 26.2, 26.5.1): with one of those pending, deliverPendingEvents takes it first.
        if (this.vmx?.nonRoot === true && !exitBeforeTimerPending(this) && serviceVmxTimers(this)) continue;
        this.exitAware(this.deliverPending);
        if (this.stop !== undefined) break;
        if (this.cplTransitionPending >= 0) continue; // the delivery changed the CPL: exit before the handler runs
        // A halted processor whose APIC timer will wake it waits for the expiry (SDM Vol. 3A 11.5.4), unless the
        // VMX-preemption timer comes first: a halted guest then waits for that VM exit (SDM 26.5.1).
        if (this.activity === Activity.Hlt && this.apicTimerDeadline <= this.vmxTimerDeadline && this.apic?.idleUntilTimer() === true) continue;
        if (this.activity !== Activity.Active && this.vmx?.nonRoot === true && idleUntilPreemptionTimer(this)) continue;
        if (this.activity === Activity.Shutdown) { this.stop = 'triple-fault'; break; }
        if (this.activity !== Activity.Active) { this.stop = 'hlt'; break; }
      }
      if (this.singleStep) { this.runBlock(Math.min(limit, this.stats.instructions + 1)); this.eventCheck = true; }
      else this.runBlock(limit);
    }
    return this.stats.instructions - start;
  }

  /** The hot loop: fetch a decoded record, execute it, retire. A fault is delivered and the loop goes on. */
  private runBlock(limit: number): void {
    if (this.timing.retire !== undefined) { this.runBlockReporting(limit); return; }
    const stats = this.stats;
    const cpi = this.timing.cyclesPerInstruction;
    let n = stats.instructions;
    try {
      while (n < limit) {
        const d = fetchDecoded(this);
        const next = (this.ripLo + d.length) | 0;
        this.nextLo = next;
        // RIP carries into its upper half only in 64-bit mode; EIP wraps at 32 bits.
        this.nextHi = this.bitness === 64 && (next >>> 0) < d.length ? (this.ripHi + 1) | 0 : this.ripHi;
        if (this.trace !== undefined) this.trace(this, d);
        d.exec(this);
        this.ripLo = this.nextLo;
        this.ripHi = this.nextHi;
        n++;
        this.cycles += cpi;
        // STI and MOV SS set a shadow of 2: it lasts until the instruction after them retires.
        if (this.interruptShadow !== 0 && --this.interruptShadow === 0) this.eventCheck = true;
        if (this.eventCheck || this.cycles >= this.cycleDeadline) break;
      }
    } catch (e) {
      this.endBlockByThrow(e, n);
      return;
    }
    stats.instructions = n;
  }

  /**
   * How a block ends when an instruction throws: a VM exit it took (the exit already saved the guest RIP),
   * a fault to deliver, or anything else, rethrown. `n` is the instruction count retired so far.
   */
  private endBlockByThrow(e: unknown, n: number): void {
    this.stats.instructions = n;
    if (e instanceof VmExitTaken) { this.ripLo = this.nextLo; this.ripHi = this.nextHi; return; }
    if (!(e instanceof Fault)) throw e;
    this.stats.exceptions++;
    this.exitAware(() => deliverFault(this, e));
  }

  /** The same loop for a timing model that wants each retired instruction's report. */
  private runBlockReporting(limit: number): void {
    const stats = this.stats;
    const timing = this.timing;
    let n = stats.instructions;
    try {
      while (n < limit) {
        const mem = stats.memoryAccesses, hits = stats.tlbHits, misses = stats.tlbMisses, walks = stats.pageWalkReads;
        const d = fetchDecoded(this);
        const next = (this.ripLo + d.length) | 0;
        this.nextLo = next;
        this.nextHi = this.bitness === 64 && (next >>> 0) < d.length ? (this.ripHi + 1) | 0 : this.ripHi;
        if (this.trace !== undefined) this.trace(this, d);
        d.exec(this);
        this.ripLo = this.nextLo;
        this.ripHi = this.nextHi;
        n++;
        this.cycles += timing.retire!({
          mnemonic: d.mnemonic, cls: d.cls, memoryAccesses: stats.memoryAccesses - mem,
          tlbHits: stats.tlbHits - hits, tlbMisses: stats.tlbMisses - misses, pageWalkReads: stats.pageWalkReads - walks,
        });
        if (this.interruptShadow !== 0 && --this.interruptShadow === 0) this.eventCheck = true;
        if (this.eventCheck || this.cycles >= this.cycleDeadline) break;
      }
    } catch (e) {
      this.endBlockByThrow(e, n);
      return;
    }
    stats.instructions = n;
  }
}
