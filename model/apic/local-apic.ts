// The local APIC of one logical processor (SDM Vol. 3A chapter 11): xAPIC registers at IA32_APIC_BASE and
// x2APIC MSRs (11.12), IRR/ISR/TMR (11.8.4), TPR/PPR (11.8.3.1), EOI (11.8.5), the LVT (11.5.1), the error
// status register (11.5.3), the spurious-interrupt vector register (11.9), the ICR (11.6.1; routing in
// bus.ts) and the APIC timer (timer.ts).
//
// The core sees the APIC through cpu.pendingIntr: the APIC offers its highest-priority deliverable vector
// there (11.8.3.1: IRRV[7:4] > PPR[7:4]); when the core takes it (delivery through the IDT, or a VM exit
// with "acknowledge interrupt on exit") it calls acknowledge(), which moves the vector from IRR to ISR.
import type { Cpu } from '../cpu/cpu.js';
import { APIC_REG, type ApicRegisterId, APIC_REGISTERS, X2APIC_MSR_BASE } from '../generated/index.js';
import { ApicTimer } from './timer.js';

/** IA32_APIC_BASE bits (SDM Vol. 3A 11.4.4, Figure 11-5; x2APIC: 11.12.1). */
export const APIC_BASE_BSP = 1n << 8n, APIC_BASE_EXTD = 1n << 10n, APIC_BASE_EN = 1n << 11n;
/** The default APIC base (SDM Vol. 3A 11.4.1): the xAPIC page is mapped here. */
export const DEFAULT_APIC_BASE = 0xFEE0_0000;

export const enum ApicMode { Disabled = 0, XApic = 1, X2Apic = 2 }

/** ICR delivery modes (SDM Vol. 3A 11.6.1, layout apic.icr-low). */
export const DELIVERY = { FIXED: 0, LOWEST_PRIORITY: 1, SMI: 2, NMI: 4, INIT: 5, STARTUP: 6, EXTINT: 7 } as const;

/** ESR bits (SDM Vol. 3A 11.5.3, layout apic.error-status). */
export const ESR = { SEND_ILLEGAL_VECTOR: 1 << 5, RECEIVE_ILLEGAL_VECTOR: 1 << 6, ILLEGAL_REGISTER_ADDRESS: 1 << 7 } as const;

const LVT_MASK = 1 << 16;
/** The LVT registers, in the order the SDM lists them (CMCI, timer, thermal, performance, LINT0, LINT1, error). */
export const LVT_IDS: readonly ApicRegisterId[] = ['LVT_CMCI', 'LVT_TIMER', 'LVT_THERMAL', 'LVT_PMI', 'LVT_LINT0', 'LVT_LINT1', 'LVT_ERROR'];
/**
 * Version register: version 15H (an integrated APIC, 1XH), max LVT entry 6 (seven entries with CMCI), no
 * EOI-broadcast suppression (SDM Vol. 3A 11.4.8). A model choice: the SDM allows any 1XH version.
 */
export const APIC_VERSION = 0x0006_0015;

/** Writable bits of each writable register in xAPIC mode (SDM Vol. 3A Figures 11-8, 11-12, 11-13, 11-14, 11-23). */
const WRITABLE: Partial<Record<ApicRegisterId, number>> = {
  ID: 0xFF00_0000, TPR: 0xFF, LDR: 0xFF00_0000, DFR: 0xF000_0000, SVR: 0x13FF,
  LVT_CMCI: 0x1_07FF, LVT_TIMER: 0x7_00FF, LVT_THERMAL: 0x1_07FF, LVT_PMI: 0x1_07FF,
  LVT_LINT0: 0x1_A7FF, LVT_LINT1: 0x1_A7FF, LVT_ERROR: 0x1_00FF,
  ICR_LOW: 0xC_CFFF, ICR_HIGH: 0xFF00_0000, TIMER_INITIAL_COUNT: 0xFFFF_FFFF, TIMER_DIVIDE_CONFIG: 0xB,
};

const BY_OFFSET = new Map<number, ApicRegisterId>();
for (const r of APIC_REGISTERS) for (let i = 0; i < (r.count ?? 1); i++) BY_OFFSET.set(r.offset + 16 * i, r.id);

/** The register at an xAPIC offset (16-byte aligned), if any. */
export function registerAt(offset: number): ApicRegisterId | undefined {
  return BY_OFFSET.get(offset & 0xFF0);
}

/** Highest set bit of a 256-bit vector register (8 x 32 bits), or -1. */
export function highestBit(words: Uint32Array): number {
  for (let i = 7; i >= 0; i--) {
    const w = words[i]!;
    if (w !== 0) return i * 32 + 31 - Math.clz32(w);
  }
  return -1;
}

function setBit(words: Uint32Array, v: number): void { words[v >>> 5] = (words[v >>> 5]! | (1 << (v & 31))) >>> 0; }
function clearBit(words: Uint32Array, v: number): void { words[v >>> 5] = (words[v >>> 5]! & ~(1 << (v & 31))) >>> 0; }
function testBit(words: Uint32Array, v: number): boolean { return ((words[v >>> 5]! >>> (v & 31)) & 1) !== 0; }

/** Where the APIC sends what it cannot handle alone (IPIs; bus.ts). */
export interface ApicFabric {
  sendIpi(from: LocalApic, icr: bigint): void;
  /** The APIC of the processor executing now: xAPIC MMIO accesses go to it. */
  current: LocalApic | undefined;
}

/** What happened to an interrupt request, for traces (model/apic/trace.ts). */
export type InterruptPath =
  | 'accepted' | 'delivered' | 'illegal-vector' | 'masked' | 'nmi' | 'init' | 'startup'
  | 'external-interrupt-exit' | 'posted' | 'posted-exit' | 'virtual-delivered' | 'virtual-eoi' | 'eoi-exit'
  | 'tpr-threshold-exit' | 'self-ipi-virtualized' | 'ipi-virtualized' | 'apic-access-exit' | 'apic-write-exit';

export interface InterruptTraceEntry {
  readonly processor: number;
  readonly vector: number;
  readonly path: InterruptPath;
  readonly cycle: number;
}

export class LocalApic {
  readonly cpu: Cpu;
  /** The initial APIC ID (SDM Vol. 3A 11.4.6): the processor's index on the machine. */
  readonly initialId: number;
  readonly fabric: ApicFabric;
  /** One 32-bit word per 16-byte register slot of the xAPIC page (index = offset >> 4). */
  readonly regs = new Uint32Array(64);
  readonly irr = new Uint32Array(8);
  readonly isr = new Uint32Array(8);
  readonly tmr = new Uint32Array(8);
  /** IA32_APIC_BASE. */
  base = 0n;
  /** Errors detected since the last write to the ESR (11.5.3). */
  private errorsSinceWrite = 0;
  /** The vector this APIC placed in cpu.pendingIntr, or -1. */
  private offered = -1;
  readonly timer: ApicTimer;
  /** A shared trace of interrupt routing decisions, when someone listens. */
  trace: InterruptTraceEntry[] | undefined;

  constructor(cpu: Cpu, initialId: number, fabric: ApicFabric) {
    this.cpu = cpu;
    this.initialId = initialId;
    this.fabric = fabric;
    this.timer = new ApicTimer(this);
    this.powerUp(initialId === 0);
  }

  /** Power-up and RESET state (SDM Vol. 3A 11.4.7.1): APIC enabled in xAPIC mode, software-disabled. */
  powerUp(bsp: boolean): void {
    this.base = BigInt(DEFAULT_APIC_BASE) | APIC_BASE_EN | (bsp ? APIC_BASE_BSP : 0n);
    this.regs[APIC_REG.ID >> 4] = (this.initialId << 24) >>> 0;
    this.initRegisters();
  }

  /**
   * The INIT state (SDM Vol. 3A 11.4.7.1, 11.4.7.3): every register 0 except the APIC ID (kept), DFR all 1s,
   * the LVT entries masked, SVR FFH; IRR, ISR and TMR cleared; the timer stops.
   */
  initRegisters(): void {
    const id = this.regs[APIC_REG.ID >> 4]!;
    this.regs.fill(0);
    this.irr.fill(0); this.isr.fill(0); this.tmr.fill(0);
    this.regs[APIC_REG.ID >> 4] = id;
    this.regs[APIC_REG.VERSION >> 4] = APIC_VERSION;
    this.regs[APIC_REG.DFR >> 4] = 0xFFFF_FFFF;
    this.regs[APIC_REG.SVR >> 4] = 0xFF;
    for (const lvt of LVT_IDS) this.regs[APIC_REG[lvt] >> 4] = LVT_MASK;
    this.errorsSinceWrite = 0;
    this.timer.stop();
    this.update();
  }

  get mode(): ApicMode {
    if ((this.base & APIC_BASE_EN) === 0n) return ApicMode.Disabled;
    return (this.base & APIC_BASE_EXTD) !== 0n ? ApicMode.X2Apic : ApicMode.XApic;
  }

  /** The APIC ID as destinations match it: 8 bits in xAPIC mode, 32 in x2APIC mode (11.4.6, 11.12.5.1). */
  get apicId(): number {
    const v = this.regs[APIC_REG.ID >> 4]!;
    return this.mode === ApicMode.X2Apic ? v : v >>> 24;
  }

  /** The x2APIC logical ID (SDM Vol. 3A 11.12.10.2): cluster (x2APIC ID[19:4]) in 31:16, 1 << ID[3:0] in 15:0. */
  get x2apicLogicalId(): number {
    const id = this.initialId;
    return (((id >>> 4) << 16) | (1 << (id & 15))) >>> 0;
  }

  /** The APIC software-enable bit (SDM Vol. 3A 11.4.7.2). */
  get softwareEnabled(): boolean {
    return (this.regs[APIC_REG.SVR >> 4]! & 0x100) !== 0;
  }

  /** This processor runs now: its accesses to the xAPIC page reach this APIC. */
  makeCurrent(): void {
    this.fabric.current = this;
  }

  /**
   * A halted processor with an armed, unmasked APIC timer whose interrupt can wake it (RFLAGS.IF = 1, or a
   * guest, where "external-interrupt exiting" may take it) lets time pass to the expiry. Returns true when
   * it advanced the clock; false when nothing new can come (the vector is already pending).
   */
  idleUntilTimer(): boolean {
    const cpu = this.cpu;
    const deadline = cpu.apicTimerDeadline;
    if (deadline === Infinity) return false;
    const lvt = this.reg('LVT_TIMER');
    if ((lvt & LVT_MASK) !== 0 || testBit(this.irr, lvt & 0xFF)) return false;
    if ((cpu.flagsValue & 0x200) === 0 && cpu.vmx?.nonRoot !== true) return false;
    if (cpu.cycles < deadline) cpu.cycles = deadline;
    return true;
  }

  reg(id: ApicRegisterId): number {
    return this.regs[APIC_REG[id] >> 4]!;
  }

  setReg(id: ApicRegisterId, value: number): void {
    this.regs[APIC_REG[id] >> 4] = value >>> 0;
  }

  /** PPR (SDM Vol. 3A 11.8.3.1): TPR if TPR[7:4] >= ISRV[7:4], else ISRV[7:4] << 4. */
  get ppr(): number {
    const tpr = this.reg('TPR') & 0xFF;
    const isrv = Math.max(0, highestBit(this.isr));
    return (tpr >>> 4) >= (isrv >>> 4) ? tpr : isrv & 0xF0;
  }

  note(vector: number, path: InterruptPath): void {
    this.trace?.push({ processor: this.initialId, vector, path, cycle: this.cpu.cycles });
  }

  /**
   * An error the APIC detected: recorded for the next ESR write, and the LVT error entry's interrupt raised
   * unless masked (11.5.3). An error vector below 16 is not raised again (it would only report itself).
   */
  error(bits: number): void {
    this.errorsSinceWrite |= bits;
    const lvt = this.reg('LVT_ERROR');
    if ((lvt & LVT_MASK) === 0 && (lvt & 0xFF) >= 16) this.accept(lvt & 0xFF);
  }

  /**
   * An interrupt arrives at this APIC (fixed or lowest-priority delivery, a local source, or the timer):
   * vectors 0-15 are illegal and set "receive illegal vector" (11.5.3, 11.5.2); otherwise the IRR bit is set
   * and TMR records the trigger mode (11.8.4). A disabled APIC accepts nothing.
   */
  accept(vector: number, level = false): void {
    if (this.mode === ApicMode.Disabled) return;
    if (vector < 16) { this.error(ESR.RECEIVE_ILLEGAL_VECTOR); this.note(vector, 'illegal-vector'); return; }
    setBit(this.irr, vector);
    if (level) setBit(this.tmr, vector); else clearBit(this.tmr, vector);
    this.note(vector, 'accepted');
    this.update();
  }

  /**
   * Offers the highest-priority IRR vector to the core when its class is above the PPR's (11.8.3.1), or
   * withdraws the offer. Leaves pendingIntr alone when another source put a vector there.
   */
  update(): void {
    const cpu = this.cpu;
    const irrv = highestBit(this.irr);
    const deliverable = irrv >= 16 && (irrv >>> 4) > (this.ppr >>> 4);
    if (deliverable) {
      if (cpu.pendingIntr < 0 || cpu.pendingIntr === this.offered) {
        cpu.pendingIntr = irrv;
        this.offered = irrv;
        cpu.eventCheck = true;
      }
    } else if (this.offered >= 0 && cpu.pendingIntr === this.offered) {
      cpu.pendingIntr = -1;
      this.offered = -1;
    }
  }

  /** True when the vector the core is about to take came from this APIC. */
  owns(vector: number): boolean {
    return this.offered === vector && testBit(this.irr, vector);
  }

  /**
   * The core takes the offered interrupt (INTA, SDM Vol. 3A 11.8.4): IRR bit to ISR. Returns the vector.
   * Fixed interrupts with vectors 16-255 only; the ISR bit is set whatever the trigger mode.
   */
  acknowledge(vector: number): void {
    if (!testBit(this.irr, vector)) return;
    clearBit(this.irr, vector);
    setBit(this.isr, vector);
    this.offered = -1;
    this.cpu.pendingIntr = -1;
    this.update();
  }

  /** An EOI write (SDM Vol. 3A 11.8.5): the highest ISR bit is cleared; the next interrupt may be offered. */
  eoi(): void {
    const v = highestBit(this.isr);
    if (v >= 0) { clearBit(this.isr, v); clearBit(this.tmr, v); }
    this.update();
  }

  // ---- register access (xAPIC MMIO and x2APIC MSRs)

  /** A 32-bit read of an xAPIC register (SDM Vol. 3A Table 11-1); other slots read 0. */
  readRegister(offset: number): number {
    const id = registerAt(offset);
    if (id === undefined) return 0;
    const slot = (offset & 0xFF0) >> 4;
    switch (id) {
      case 'PPR': return this.ppr;
      case 'APR': return 0;
      case 'ISR': return this.isr[slot - (APIC_REG.ISR >> 4)]!;
      case 'TMR': return this.tmr[slot - (APIC_REG.TMR >> 4)]!;
      case 'IRR': return this.irr[slot - (APIC_REG.IRR >> 4)]!;
      case 'TIMER_CURRENT_COUNT': return this.timer.currentCount();
      case 'EOI': case 'SELF_IPI': return 0;
      default: return this.regs[slot]!;
    }
  }

  /** A 32-bit write of an xAPIC register (SDM Vol. 3A Table 11-1): read-only registers ignore writes. */
  writeRegister(offset: number, value: number): void {
    const id = registerAt(offset);
    if (id === undefined) return;
    value >>>= 0;
    switch (id) {
      case 'EOI': this.eoi(); return;
      case 'ESR': this.setReg('ESR', this.errorsSinceWrite); this.errorsSinceWrite = 0; return;
      case 'TPR': this.setReg('TPR', value & 0xFF); this.update(); return;
      case 'SVR': {
        this.setReg('SVR', value & WRITABLE.SVR!);
        // Software disable masks every LVT entry (11.4.7.2).
        if ((value & 0x100) === 0) for (const lvt of LVT_IDS) this.setReg(lvt, this.reg(lvt) | LVT_MASK);
        this.update();
        return;
      }
      case 'ICR_LOW': {
        this.setReg('ICR_LOW', value & WRITABLE.ICR_LOW!);
        const icr = (BigInt(this.reg('ICR_HIGH')) << 32n) | BigInt(this.reg('ICR_LOW'));
        this.fabric.sendIpi(this, icr);
        return;
      }
      case 'TIMER_INITIAL_COUNT': this.setReg(id, value); this.timer.writeInitialCount(value); return;
      case 'TIMER_DIVIDE_CONFIG': this.setReg(id, value & 0xB); this.timer.divideChanged(); return;
      case 'LVT_TIMER': {
        // While software-disabled the mask bit stays 1 (11.4.7.2).
        const v = (value & WRITABLE.LVT_TIMER!) | (this.softwareEnabled ? 0 : LVT_MASK);
        const oldMode = (this.reg('LVT_TIMER') >>> 17) & 3;
        this.setReg(id, v);
        this.timer.lvtChanged(oldMode);
        return;
      }
      default: {
        const mask = WRITABLE[id];
        if (mask === undefined) return;
        let v = value & mask;
        if (id === 'DFR') v |= 0x0FFF_FFFF;
        if (id.startsWith('LVT_') && !this.softwareEnabled) v |= LVT_MASK;
        this.setReg(id, v);
      }
    }
  }

  /**
   * RDMSR of an x2APIC MSR (SDM Vol. 3A 11.12.1.2, Table 11-6): undefined (#GP) when the APIC is not in x2APIC
   * mode or the MSR is not a readable x2APIC register. The ICR is one 64-bit MSR (830H).
   */
  readMsr(msr: number): bigint | undefined {
    if (this.mode !== ApicMode.X2Apic) return undefined;
    const offset = (msr - X2APIC_MSR_BASE) << 4;
    const info = APIC_REGISTERS.find((r) => r.id === registerAt(offset));
    if (info === undefined || (info.x2apic !== 'read-write' && info.x2apic !== 'read-only')) return undefined;
    if (info.id === 'ICR_LOW') return (BigInt(this.reg('ICR_HIGH')) << 32n) | BigInt(this.reg('ICR_LOW'));
    if (info.id === 'LDR') return BigInt(this.x2apicLogicalId);
    return BigInt(this.readRegister(offset));
  }

  /**
   * WRMSR of an x2APIC MSR (SDM Vol. 3A 11.12.1.2, 11.12.1.3): false (#GP) when not in x2APIC mode, for a
   * read-only or absent register, for a nonzero value written to EOI or ESR, or reserved bits set in
   * TPR/SVR/LVT/divide/self-IPI. ICR writes send the IPI with the 32-bit destination in bits 63:32.
   */
  writeMsr(msr: number, value: bigint): boolean {
    if (this.mode !== ApicMode.X2Apic) return false;
    const offset = (msr - X2APIC_MSR_BASE) << 4;
    const id = registerAt(offset);
    const info = APIC_REGISTERS.find((r) => r.id === id);
    if (id === undefined || info === undefined || (info.x2apic !== 'read-write' && info.x2apic !== 'write-only')) return false;
    const lo = Number(value & 0xFFFF_FFFFn) >>> 0, hi = Number(value >> 32n) >>> 0;
    if (id === 'ICR_LOW') {
      if ((lo & ~0xC_CFFF) !== 0 || (lo & (1 << 12)) !== 0) return false;
      this.setReg('ICR_LOW', lo);
      this.setReg('ICR_HIGH', hi);
      this.fabric.sendIpi(this, value);
      return true;
    }
    if (hi !== 0) return false;
    if ((id === 'EOI' || id === 'ESR') && lo !== 0) return false;
    if (id === 'SELF_IPI') {
      if ((lo & ~0xFF) !== 0) return false;
      this.selfIpi(lo);
      return true;
    }
    const mask = WRITABLE[id];
    if (mask !== undefined && (lo & ~mask) !== 0) return false;
    this.writeRegister(offset, lo);
    return true;
  }

  /** A self IPI (SDM Vol. 3A 11.12.11): fixed, edge-triggered, to this APIC. */
  selfIpi(vector: number): void {
    this.accept(vector & 0xFF);
  }

  /**
   * WRMSR of IA32_APIC_BASE (SDM Vol. 3A 11.4.4, 11.12.5 Figure 11-29): reserved bits and the invalid
   * transitions (disabled to x2APIC, x2APIC to xAPIC, EXTD without EN) are refused (#GP). Disabling the APIC
   * resets it to its INIT state; leaving x2APIC for disabled too.
   */
  writeBase(value: bigint, reserved: bigint): boolean {
    if ((value & reserved) !== 0n) return false;
    const en = (value & APIC_BASE_EN) !== 0n, extd = (value & APIC_BASE_EXTD) !== 0n;
    const from = this.mode;
    if (extd && !en) return false;
    const to = !en ? ApicMode.Disabled : extd ? ApicMode.X2Apic : ApicMode.XApic;
    if (from === ApicMode.Disabled && to === ApicMode.X2Apic) return false;
    if (from === ApicMode.X2Apic && to === ApicMode.XApic) return false;
    // The base is not relocatable in this model: the xAPIC page stays at FEE00000H (checked by the caller).
    this.base = value;
    if (to === ApicMode.Disabled && from !== ApicMode.Disabled) { this.initRegisters(); this.base = value; }
    // Entering x2APIC mode: the x2APIC ID is the initial APIC ID (11.12.5.1), LDR derived from it.
    if (to === ApicMode.X2Apic && from !== ApicMode.X2Apic) this.setReg('ID', this.initialId);
    this.update();
    return true;
  }
}
