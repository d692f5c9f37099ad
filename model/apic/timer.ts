// The APIC timer (SDM Vol. 3A 11.5.4): one-shot, periodic and TSC-deadline modes, driven by the machine's
// cycle clock. Model choices where the SDM leaves the rate to the implementation (11.5.4: "the processor's
// bus clock or core crystal clock frequency"):
// - The timer's input clock is the model's cycle clock: one tick per cycle, divided by the divide
//   configuration (1, 2, 4, ... 128). So a count written at clock C expires at C + count * divisor.
// - The clock value at which a count reaches 0 (or the TSC reaches the deadline) is the expiry; the run
//   loop notices it after the instruction during which it passed and sets the IRR bit then, recording the
//   exact expiry cycle in `lastExpiry`.
// - Changing the timer mode in the LVT disarms the timer (11.5.4.1 requires it for changes to and from
//   TSC-deadline mode; the model does the same for one-shot <-> periodic).
import { readTsc } from '../cpu/msr.js';
import type { LocalApic } from './local-apic.js';

export const TIMER_MODE = { ONE_SHOT: 0, PERIODIC: 1, TSC_DEADLINE: 2 } as const;

/** The divisor a divide configuration register selects (SDM Vol. 3A 11.5.4, Figure 11-10: bits 3, 1, 0). */
export function timerDivisor(dcr: number): number {
  const v = ((dcr >>> 1) & 4) | (dcr & 3);
  return v === 7 ? 1 : 2 ** (v + 1);
}

export class ApicTimer {
  private readonly apic: LocalApic;
  /** Clock value the current count started from, or -1 when stopped (one-shot/periodic). */
  private start = -1;
  private divisor = 2;
  /** IA32_TSC_DEADLINE (0: disarmed). */
  tscDeadline = 0n;
  /** The clock value of the most recent expiry (the exact cycle the count reached 0 or the TSC the deadline). */
  lastExpiry = -1;
  /** The clock value of the first expiry since the timer was last armed (-1: none yet). */
  firstExpiry = -1;
  /** Expiries so far (for traces and tests). */
  expiries = 0;

  constructor(apic: LocalApic) {
    this.apic = apic;
  }

  private get mode(): number {
    return (this.apic.reg('LVT_TIMER') >>> 17) & 3;
  }

  private get initial(): number {
    return this.apic.reg('TIMER_INITIAL_COUNT');
  }

  stop(): void {
    this.start = -1;
    this.tscDeadline = 0n;
    this.arm(Infinity);
  }

  private arm(deadline: number, fresh = true): void {
    if (fresh) this.firstExpiry = -1;
    const cpu = this.apic.cpu;
    cpu.apicTimerDeadline = deadline;
    cpu.refreshDeadline();
  }

  /** Writing the initial count starts (or with 0 stops) the count-down; ignored in TSC-deadline mode (11.5.4.1). */
  writeInitialCount(value: number): void {
    if (this.mode === TIMER_MODE.TSC_DEADLINE) return;
    this.divisor = timerDivisor(this.apic.reg('TIMER_DIVIDE_CONFIG'));
    if (value === 0) { this.start = -1; this.arm(Infinity); return; }
    this.start = Math.floor(this.apic.cpu.cycles);
    this.arm(this.start + value * this.divisor);
  }

  /** A new divisor applies from the next count-down (the running one keeps its rate: a model choice). */
  divideChanged(): void {}

  lvtChanged(oldMode: number): void {
    if (oldMode !== this.mode) {
      this.start = -1;
      this.tscDeadline = 0n;
      this.apic.setReg('TIMER_INITIAL_COUNT', 0);
      this.arm(Infinity);
    }
  }

  /** The current-count register (11.5.4): counts down from the initial count; 0 in TSC-deadline mode. */
  currentCount(): number {
    if (this.start < 0 || this.mode === TIMER_MODE.TSC_DEADLINE) return 0;
    const ticks = Math.floor((Math.floor(this.apic.cpu.cycles) - this.start) / this.divisor);
    const initial = this.initial;
    if (this.mode === TIMER_MODE.PERIODIC) return initial - (ticks % initial);
    return Math.max(0, initial - ticks);
  }

  /** IA32_TSC_DEADLINE write (SDM Vol. 3A 11.5.4.1): arms at that TSC value (0 disarms); ignored in other modes. */
  writeTscDeadline(value: bigint): void {
    this.tscDeadline = value;
    if (this.mode !== TIMER_MODE.TSC_DEADLINE) return;
    if (value === 0n) { this.arm(Infinity); return; }
    const cpu = this.apic.cpu;
    const tscLo = readTsc(cpu) >>> 0;
    const tsc = (BigInt(cpu.vhi >>> 0) << 32n) | BigInt(tscLo);
    const now = Math.floor(cpu.cycles);
    this.arm(value <= tsc ? now : now + Number(value - tsc));
  }

  /** IA32_TSC_DEADLINE read: 0 outside TSC-deadline mode or once the timer fired (11.5.4.1). */
  readTscDeadline(): bigint {
    return this.mode === TIMER_MODE.TSC_DEADLINE ? this.tscDeadline : 0n;
  }

  /**
   * Called by the run loop when the clock reached the timer's deadline: the expiry raises the LVT timer
   * vector unless masked (11.5.1); periodic mode reloads, one-shot stays at 0, TSC-deadline disarms.
   */
  service(): void {
    const cpu = this.apic.cpu;
    const deadline = cpu.apicTimerDeadline;
    if (cpu.cycles < deadline) return;
    this.lastExpiry = deadline;
    if (this.firstExpiry < 0) this.firstExpiry = deadline;
    this.expiries++;
    const mode = this.mode;
    if (mode === TIMER_MODE.PERIODIC && this.start >= 0) {
      this.arm(deadline + this.initial * this.divisor, false);
    } else {
      if (mode === TIMER_MODE.TSC_DEADLINE) this.tscDeadline = 0n;
      this.arm(Infinity, false);
    }
    const lvt = this.apic.reg('LVT_TIMER');
    if ((lvt & (1 << 16)) !== 0) { this.apic.note(lvt & 0xFF, 'masked'); return; }
    this.apic.accept(lvt & 0xFF);
  }
}
