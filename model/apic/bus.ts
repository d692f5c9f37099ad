// The interrupt fabric between the local APICs of a machine: IPIs (SDM Vol. 3A 11.6): destination shorthands,
// physical and logical destinations (11.6.2), and the delivery modes fixed, lowest priority, NMI, INIT and
// start-up. Delivery is immediate (the delivery-status bit is never seen as 1): the target notices the
// request at its next instruction boundary, which the machine's fixed interleave makes reproducible.
import type { Cpu } from '../cpu/cpu.js';
import { Activity } from '../cpu/cpu.js';
import { ApicMode, DELIVERY, ESR, type InterruptTraceEntry, LocalApic } from './local-apic.js';

/** What a processor does with INIT and SIPI (the machine owns processor reset; vmx may turn them into exits). */
export interface InitSipiHandler {
  init(cpu: Cpu): void;
  startup(cpu: Cpu, vector: number): void;
}

export class ApicBus {
  readonly apics: LocalApic[] = [];
  /** Interrupt routing decisions of every APIC (and of APIC virtualization), in order, when tracing. */
  trace: InterruptTraceEntry[] | undefined;
  initSipi: InitSipiHandler | undefined;
  current: LocalApic | undefined;

  attach(cpu: Cpu, id: number): LocalApic {
    const apic = new LocalApic(cpu, id, this);
    this.apics.push(apic);
    return apic;
  }

  /** Starts recording routing decisions (shared by every APIC on the bus). */
  startTrace(): InterruptTraceEntry[] {
    const t: InterruptTraceEntry[] = [];
    this.trace = t;
    for (const a of this.apics) a.trace = t;
    return t;
  }

  /**
   * Whether an APIC is a destination of an IPI without shorthand (SDM Vol. 3A 11.6.2): physical mode matches
   * the APIC ID (FFH, or FFFFFFFFH in x2APIC mode, is broadcast); logical mode matches the LDR by the flat or
   * cluster model of the DFR (xAPIC, 11.6.2.2) or by cluster and bit (x2APIC, 11.12.10.2).
   */
  matches(apic: LocalApic, logical: boolean, dest: number, x2apic: boolean): boolean {
    if (!logical) {
      if (x2apic) return dest === 0xFFFF_FFFF || apic.apicId === dest;
      return dest === 0xFF || apic.apicId === dest;
    }
    if (apic.mode === ApicMode.X2Apic) {
      if (dest === 0xFFFF_FFFF) return true;
      const ldr = apic.x2apicLogicalId;
      return (ldr >>> 16) === (dest >>> 16) && (ldr & dest & 0xFFFF) !== 0;
    }
    const ldr = apic.reg('LDR') >>> 24;
    if (dest === 0xFF) return true;
    const flat = (apic.reg('DFR') >>> 28) === 0xF;
    if (flat) return (ldr & dest) !== 0;
    return (ldr >>> 4) === (dest >>> 4) && (ldr & dest & 0xF) !== 0;
  }

  /** The APICs an ICR value addresses, by shorthand (11.6.1) or destination (11.6.2). */
  destinations(from: LocalApic, icr: bigint): LocalApic[] {
    const lo = Number(icr & 0xFFFF_FFFFn);
    const shorthand = (lo >>> 18) & 3;
    const live = this.apics.filter((a) => a.mode !== ApicMode.Disabled);
    switch (shorthand) {
      case 1: return [from];
      case 2: return live;
      case 3: return live.filter((a) => a !== from);
      default: {
        const x2apic = from.mode === ApicMode.X2Apic;
        const dest = x2apic ? Number(icr >> 32n) >>> 0 : Number((icr >> 56n) & 0xFFn);
        const logical = ((lo >>> 11) & 1) === 1;
        return live.filter((a) => this.matches(a, logical, dest, x2apic));
      }
    }
  }

  /**
   * Sends the IPI an ICR write describes (SDM Vol. 3A 11.6.1). A fixed or lowest-priority IPI with a vector
   * below 16 is not sent and sets "send illegal vector" (11.5.3). Lowest priority goes to the destination
   * with the lowest PPR; ties go to the lowest APIC ID (a model choice: 11.6.2.4 leaves arbitration to the
   * implementation). INIT level de-assert (level 0, trigger level) is ignored (11.6.1).
   */
  sendIpi(from: LocalApic, icr: bigint): void {
    const lo = Number(icr & 0xFFFF_FFFFn);
    const vector = lo & 0xFF;
    const mode = (lo >>> 8) & 7;
    const targets = this.destinations(from, icr);
    switch (mode) {
      case DELIVERY.FIXED:
      case DELIVERY.LOWEST_PRIORITY: {
        if (vector < 16) { from.error(ESR.SEND_ILLEGAL_VECTOR); from.note(vector, 'illegal-vector'); return; }
        const level = ((lo >>> 15) & 1) === 1;
        if (mode === DELIVERY.FIXED) { for (const t of targets) t.accept(vector, level); return; }
        let best: LocalApic | undefined;
        for (const t of targets) if (best === undefined || t.ppr < best.ppr || (t.ppr === best.ppr && t.apicId < best.apicId)) best = t;
        best?.accept(vector, level);
        return;
      }
      case DELIVERY.NMI:
        for (const t of targets) { t.note(2, 'nmi'); t.cpu.pendingNmi = true; t.cpu.eventCheck = true; }
        return;
      case DELIVERY.INIT: {
        const deassert = ((lo >>> 14) & 1) === 0 && ((lo >>> 15) & 1) === 1;
        if (deassert) return;
        for (const t of targets) { t.note(0, 'init'); this.initSipi?.init(t.cpu); }
        return;
      }
      case DELIVERY.STARTUP:
        for (const t of targets) {
          t.note(vector, 'startup');
          // A SIPI is ignored unless the target waits for one (SDM Vol. 3A 9.4.4).
          if (t.cpu.activity === Activity.WaitForSipi || t.cpu.vmx?.nonRoot === true) this.initSipi?.startup(t.cpu, vector);
        }
        return;
      default:
        // SMI and ExtINT IPIs are not modelled.
        return;
    }
  }
}
