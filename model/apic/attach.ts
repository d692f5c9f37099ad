// Wiring local APICs into a machine: the xAPIC register page (MMIO at FEE00000H), the APIC MSRs
// (IA32_APIC_BASE, the x2APIC MSRs 800H-8FFH, IA32_TSC_DEADLINE) and what INIT and SIPI do to a processor.
import type { Cpu } from '../cpu/cpu.js';
import { Activity } from '../cpu/cpu.js';
import { CS, DS, ES, FS, GS, SS } from '../cpu/registers.js';
import { IA32_APIC_BASE, type MsrFile, onMsrReset } from '../cpu/msr.js';
import type { MmioRegion, PhysicalMemory } from '../machine/memory.js';
import { APIC_REGISTERS, X2APIC_MSR_BASE } from '../generated/index.js';
import { raiseInit, raiseSipi } from '../vmx/signals.js';
import { accessPageOverlay } from '../vmx/apic-virtualization.js';
import { ApicBus, type InitSipiHandler } from './bus.js';
import { APIC_BASE_BSP, ApicMode, DEFAULT_APIC_BASE, type LocalApic } from './local-apic.js';

export const IA32_TSC_DEADLINE = 0x6E0;

function maxPhysMask(cpu: Cpu): bigint {
  return ((1n << 64n) - 1n) & ~((1n << BigInt(cpu.profile.cpuid.maxPhysicalAddressBits)) - 1n);
}

const X2APIC_MSRS: number[] = [];
for (const r of APIC_REGISTERS) {
  if (r.x2apic === 'none') continue;
  for (let i = 0; i < (r.count ?? 1); i++) X2APIC_MSRS.push(X2APIC_MSR_BASE + (r.offset >> 4) + i);
}

/**
 * The APIC's MSRs on its processor (SDM Vol. 3A 11.4.4, 11.12.1.2, 11.5.4.1). The x2APIC MSRs of Table 11-6
 * exist only in x2APIC mode (RDMSR/WRMSR raise #GP otherwise, 11.12.1.2): they are defined and removed as
 * IA32_APIC_BASE changes the mode.
 */
function defineApicMsrs(cpu: Cpu, f: MsrFile): void {
  const apic = cpu.apic;
  if (apic === undefined) return;
  const reserved = 0xFFn | (1n << 9n) | maxPhysMask(cpu);
  const defineX2apic = (): void => {
    for (const msr of X2APIC_MSRS) {
      if (apic.mode === ApicMode.X2Apic) f.define(msr, { read: () => apic.readMsr(msr) ?? 0n, write: (_c, v) => apic.writeMsr(msr, v) });
      else f.undefine(msr);
    }
  };
  f.define(IA32_APIC_BASE, {
    read: () => apic.base,
    write: (_c, v) => { const ok = apic.writeBase(v, reserved); defineX2apic(); return ok; },
  });
  defineX2apic();
  f.define(IA32_TSC_DEADLINE, { read: () => apic.timer.readTscDeadline(), write: (_c, v) => { apic.timer.writeTscDeadline(v); return true; } });
}

onMsrReset((cpu, f) => defineApicMsrs(cpu, f));

/** The xAPIC register page: 32-bit aligned accesses reach the executing processor's APIC (11.4.1). */
function xapicRegion(bus: ApicBus): MmioRegion {
  return {
    base: DEFAULT_APIC_BASE, size: 0x1000, name: 'local-apic',
    read: (offset, size) => {
      const apic = bus.current;
      const over = apic === undefined ? undefined : accessPageOverlay(apic.cpu, DEFAULT_APIC_BASE);
      if (over !== undefined) return over.read(offset, size); // the guest's APIC-access page (SDM 30.4)
      if (apic === undefined || apic.mode !== ApicMode.XApic) return size === 8 ? 0n : 0;
      const v = apic.readRegister(offset & ~3) >>> ((offset & 3) * 8);
      return size === 8 ? BigInt(v >>> 0) : v >>> 0;
    },
    write: (offset, size, value) => {
      const apic = bus.current;
      const over = apic === undefined ? undefined : accessPageOverlay(apic.cpu, DEFAULT_APIC_BASE);
      if (over !== undefined) { over.write(offset, size, value); return; }
      if (apic === undefined || apic.mode !== ApicMode.XApic) return;
      apic.writeRegister(offset & ~3, Number(BigInt(value) & 0xFFFF_FFFFn));
    },
  };
}

/**
 * INIT and SIPI (SDM Vol. 3A 9.4, 11.6.1; VMX: 24.8, 26.2). In VMX operation INIT is latched: in non-root
 * operation it becomes a VM exit (reason 3) at the next instruction boundary; in root operation it is
 * blocked until then. A SIPI to a guest in wait-for-SIPI is a VM exit (reason 4, the vector as qualification). Otherwise INIT puts the processor in
 * its INIT state (registers as at reset, the APIC's registers cleared) and an AP then waits for a SIPI; the
 * SIPI starts it in real mode at vector * 1000H (CS = vector << 8, IP = 0).
 */
export const initSipi: InitSipiHandler = {
  init(cpu: Cpu): void {
    if (cpu.vmx?.inVmxOperation === true) {
      // Pending until the target's next instruction boundary in non-root operation (model/vmx/signals.ts).
      raiseInit(cpu);
      return;
    }
    // INIT leaves the MSRs (and caches, MTRRs, x87 state) unchanged (SDM Vol. 3A 9.1); EFER is a register
    // of the mode and returns to 0 with it, as cpu.reset leaves it.
    const apic = cpu.apic!;
    const base = apic.base;
    const cycles = cpu.cycles;
    const msrs = new Map(cpu.msr.values);
    const { tscOffsetLo, tscOffsetHi, miscEnableLo, miscEnableHi } = cpu.msr;
    cpu.reset();
    cpu.cycles = cycles;
    for (const [k, v] of msrs) cpu.msr.values.set(k, v);
    Object.assign(cpu.msr, { tscOffsetLo, tscOffsetHi, miscEnableLo, miscEnableHi });
    apic.base = base;
    apic.initRegisters();
    if ((base & APIC_BASE_BSP) === 0n) cpu.activity = Activity.WaitForSipi;
    cpu.eventCheck = true;
  },
  startup(cpu: Cpu, vector: number): void {
    if (cpu.vmx?.nonRoot === true) {
      // Kept only by a guest in wait-for-SIPI, as a VM exit at its next boundary (model/vmx/signals.ts).
      raiseSipi(cpu, vector);
      return;
    }
    cpu.loadSegmentRaw(CS, vector << 8, vector << 12, 0, 0xFFFF, 0x9B);
    for (const s of [DS, ES, SS, FS, GS]) cpu.loadSegmentRaw(s, 0, 0, 0, 0xFFFF, 0x93);
    cpu.ripLo = cpu.nextLo = 0; cpu.ripHi = cpu.nextHi = 0;
    cpu.activity = Activity.Active;
    cpu.eventCheck = true;
  },
};

/** Gives every processor a local APIC (ID = its index; processor 0 is the BSP) and maps the xAPIC page. */
export function attachApics(memory: PhysicalMemory, cpus: readonly Cpu[]): ApicBus {
  const bus = new ApicBus();
  bus.initSipi = initSipi;
  cpus.forEach((cpu, i) => {
    cpu.apic = bus.attach(cpu, i);
    defineApicMsrs(cpu, cpu.msr);
  });
  if (memory.regionAt(DEFAULT_APIC_BASE) === undefined) memory.map(xapicRegion(bus));
  bus.current = cpus[0]?.apic;
  return bus;
}

export type { LocalApic };
