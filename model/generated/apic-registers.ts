// generated — do not edit. Produced by `npm run gen` (spec/codegen) from spec/schemas and spec/data.
/* eslint-disable */
// Local APIC registers (SDM Vol. 3A 11.4.1 Table 11-1, 11.12.1.2 Table 11-6) and their treatment by APIC
// virtualization (SDM 30.4.2, 30.5). The x2APIC MSR of a register is 800H + offset / 10H.
import type { LayoutId } from './layouts.js';

export type ApicAccess = 'read-write' | 'read-only' | 'write-only' | 'none';

/** Register id to its offset in the xAPIC register page (and on the virtual-APIC page). */
export const APIC_REG = {
  ID: 0x20,
  VERSION: 0x30,
  TPR: 0x80,
  APR: 0x90,
  PPR: 0xA0,
  EOI: 0xB0,
  RRD: 0xC0,
  LDR: 0xD0,
  DFR: 0xE0,
  SVR: 0xF0,
  ISR: 0x100,
  TMR: 0x180,
  IRR: 0x200,
  ESR: 0x280,
  LVT_CMCI: 0x2F0,
  ICR_LOW: 0x300,
  ICR_HIGH: 0x310,
  LVT_TIMER: 0x320,
  LVT_THERMAL: 0x330,
  LVT_PMI: 0x340,
  LVT_LINT0: 0x350,
  LVT_LINT1: 0x360,
  LVT_ERROR: 0x370,
  TIMER_INITIAL_COUNT: 0x380,
  TIMER_CURRENT_COUNT: 0x390,
  TIMER_DIVIDE_CONFIG: 0x3E0,
  SELF_IPI: 0x3F0,
} as const;
export type ApicRegisterId = keyof typeof APIC_REG;

/** The x2APIC MSR of an xAPIC offset (SDM Vol. 3A 11.12.1.2). */
export const X2APIC_MSR_BASE = 0x800;

export interface ApicRegisterInfo {
  readonly id: ApicRegisterId;
  readonly name: string;
  readonly offset: number;
  readonly count?: number;
  readonly xapic: ApicAccess;
  readonly x2apic: ApicAccess;
  readonly virtualizedRead: boolean;
  readonly virtualizedMsrRead: boolean;
  readonly layout?: LayoutId;
  readonly sdm: string;
}

export const APIC_REGISTERS: readonly ApicRegisterInfo[] = [
  { id: "ID", name: "Local APIC ID Register", offset: 32, xapic: "read-write", x2apic: "read-only", virtualizedRead: true, virtualizedMsrRead: true, layout: "apic.id", sdm: "3A:11.4.6" },
  { id: "VERSION", name: "Local APIC Version Register", offset: 48, xapic: "read-only", x2apic: "read-only", virtualizedRead: true, virtualizedMsrRead: true, layout: "apic.version", sdm: "3A:11.4.8" },
  { id: "TPR", name: "Task Priority Register (TPR)", offset: 128, xapic: "read-write", x2apic: "read-write", virtualizedRead: true, virtualizedMsrRead: true, layout: "apic.priority", sdm: "3A:11.8.3.1" },
  { id: "APR", name: "Arbitration Priority Register (APR)", offset: 144, xapic: "read-only", x2apic: "none", virtualizedRead: false, virtualizedMsrRead: false, layout: "apic.priority", sdm: "3A:11.8.3.1" },
  { id: "PPR", name: "Processor Priority Register (PPR)", offset: 160, xapic: "read-only", x2apic: "read-only", virtualizedRead: false, virtualizedMsrRead: true, layout: "apic.priority", sdm: "3A:11.8.3.1" },
  { id: "EOI", name: "EOI Register", offset: 176, xapic: "write-only", x2apic: "write-only", virtualizedRead: true, virtualizedMsrRead: false, sdm: "3A:11.8.5" },
  { id: "RRD", name: "Remote Read Register (RRD)", offset: 192, xapic: "read-only", x2apic: "none", virtualizedRead: false, virtualizedMsrRead: false, sdm: "3A:11.4.1" },
  { id: "LDR", name: "Logical Destination Register", offset: 208, xapic: "read-write", x2apic: "read-only", virtualizedRead: true, virtualizedMsrRead: true, layout: "apic.ldr", sdm: "3A:11.6.2.2" },
  { id: "DFR", name: "Destination Format Register", offset: 224, xapic: "read-write", x2apic: "none", virtualizedRead: true, virtualizedMsrRead: false, layout: "apic.dfr", sdm: "3A:11.6.2.2" },
  { id: "SVR", name: "Spurious Interrupt Vector Register", offset: 240, xapic: "read-write", x2apic: "read-write", virtualizedRead: true, virtualizedMsrRead: true, layout: "apic.spurious-vector", sdm: "3A:11.9" },
  { id: "ISR", name: "In-Service Register (ISR)", offset: 256, count: 8, xapic: "read-only", x2apic: "read-only", virtualizedRead: true, virtualizedMsrRead: true, sdm: "3A:11.8.4" },
  { id: "TMR", name: "Trigger Mode Register (TMR)", offset: 384, count: 8, xapic: "read-only", x2apic: "read-only", virtualizedRead: true, virtualizedMsrRead: true, sdm: "3A:11.8.4" },
  { id: "IRR", name: "Interrupt Request Register (IRR)", offset: 512, count: 8, xapic: "read-only", x2apic: "read-only", virtualizedRead: true, virtualizedMsrRead: true, sdm: "3A:11.8.4" },
  { id: "ESR", name: "Error Status Register", offset: 640, xapic: "read-write", x2apic: "read-write", virtualizedRead: true, virtualizedMsrRead: true, layout: "apic.error-status", sdm: "3A:11.5.3" },
  { id: "LVT_CMCI", name: "LVT Corrected Machine Check Interrupt (CMCI) Register", offset: 752, xapic: "read-write", x2apic: "read-write", virtualizedRead: true, virtualizedMsrRead: true, layout: "apic.lvt", sdm: "3A:11.5.1" },
  { id: "ICR_LOW", name: "Interrupt Command Register (ICR); bits 0-31", offset: 768, xapic: "read-write", x2apic: "read-write", virtualizedRead: true, virtualizedMsrRead: true, layout: "apic.icr-low", sdm: "3A:11.6.1" },
  { id: "ICR_HIGH", name: "Interrupt Command Register (ICR); bits 32-63", offset: 784, xapic: "read-write", x2apic: "none", virtualizedRead: true, virtualizedMsrRead: false, layout: "apic.icr-high", sdm: "3A:11.6.1" },
  { id: "LVT_TIMER", name: "LVT Timer Register", offset: 800, xapic: "read-write", x2apic: "read-write", virtualizedRead: true, virtualizedMsrRead: true, layout: "apic.lvt-timer", sdm: "3A:11.5.1" },
  { id: "LVT_THERMAL", name: "LVT Thermal Sensor Register", offset: 816, xapic: "read-write", x2apic: "read-write", virtualizedRead: true, virtualizedMsrRead: true, layout: "apic.lvt", sdm: "3A:11.5.1" },
  { id: "LVT_PMI", name: "LVT Performance Monitoring Counters Register", offset: 832, xapic: "read-write", x2apic: "read-write", virtualizedRead: true, virtualizedMsrRead: true, layout: "apic.lvt", sdm: "3A:11.5.1" },
  { id: "LVT_LINT0", name: "LVT LINT0 Register", offset: 848, xapic: "read-write", x2apic: "read-write", virtualizedRead: true, virtualizedMsrRead: true, layout: "apic.lvt", sdm: "3A:11.5.1" },
  { id: "LVT_LINT1", name: "LVT LINT1 Register", offset: 864, xapic: "read-write", x2apic: "read-write", virtualizedRead: true, virtualizedMsrRead: true, layout: "apic.lvt", sdm: "3A:11.5.1" },
  { id: "LVT_ERROR", name: "LVT Error Register", offset: 880, xapic: "read-write", x2apic: "read-write", virtualizedRead: true, virtualizedMsrRead: true, layout: "apic.lvt", sdm: "3A:11.5.1" },
  { id: "TIMER_INITIAL_COUNT", name: "Initial Count Register (for Timer)", offset: 896, xapic: "read-write", x2apic: "read-write", virtualizedRead: true, virtualizedMsrRead: true, sdm: "3A:11.5.4" },
  { id: "TIMER_CURRENT_COUNT", name: "Current Count Register (for Timer)", offset: 912, xapic: "read-only", x2apic: "read-only", virtualizedRead: false, virtualizedMsrRead: false, sdm: "3A:11.5.4" },
  { id: "TIMER_DIVIDE_CONFIG", name: "Divide Configuration Register (for Timer)", offset: 992, xapic: "read-write", x2apic: "read-write", virtualizedRead: true, virtualizedMsrRead: true, layout: "apic.timer-divide", sdm: "3A:11.5.4" },
  { id: "SELF_IPI", name: "SELF IPI", offset: 1008, xapic: "none", x2apic: "write-only", virtualizedRead: false, virtualizedMsrRead: false, layout: "apic.self-ipi", sdm: "3A:11.12.11" },
];
