// The model-specific registers the core implements. Values are BigInt: MSR accesses are rare.
// Reading or writing an MSR the model does not have raises #GP(0), as on hardware (SDM Vol. 2 RDMSR).
import type { Cpu } from './cpu.js';

export const IA32_TIME_STAMP_COUNTER = 0x10;
export const IA32_APIC_BASE = 0x1B;
export const IA32_FEATURE_CONTROL = 0x3A;
export const IA32_TSC_ADJUST = 0x3B;
export const IA32_SYSENTER_CS = 0x174;
export const IA32_SYSENTER_ESP = 0x175;
export const IA32_SYSENTER_EIP = 0x176;
export const IA32_DEBUGCTL = 0x1D9;
export const IA32_PAT = 0x277;
export const IA32_EFER = 0xC000_0080;
export const IA32_STAR = 0xC000_0081;
export const IA32_LSTAR = 0xC000_0082;
export const IA32_CSTAR = 0xC000_0083;
export const IA32_FMASK = 0xC000_0084;
export const IA32_FS_BASE = 0xC000_0100;
export const IA32_GS_BASE = 0xC000_0101;
export const IA32_KERNEL_GS_BASE = 0xC000_0102;
export const IA32_TSC_AUX = 0xC000_0103;

export type MsrRead = (cpu: Cpu) => bigint;
/** Returns false when the value is not allowed (the WRMSR raises #GP(0)). */
export type MsrWrite = (cpu: Cpu, value: bigint) => boolean;

export interface MsrHandler {
  readonly read: MsrRead;
  readonly write: MsrWrite;
}

export class MsrFile {
  private readonly cpu: Cpu;
  private readonly handlers = new Map<number, MsrHandler>();
  /** Plain storage for MSRs that simply hold a value. */
  readonly values = new Map<number, bigint>();

  constructor(cpu: Cpu) {
    this.cpu = cpu;
  }

  /** Instruction groups and devices define their MSRs here. */
  define(index: number, handler: MsrHandler): void {
    this.handlers.set(index >>> 0, handler);
  }

  /** An MSR that stores what is written, with a reset value and a mask of bits that must stay 0. */
  defineStorage(index: number, reset: bigint, reservedMask = 0n): void {
    this.values.set(index >>> 0, reset);
    this.define(index, {
      read: () => this.values.get(index >>> 0) ?? 0n,
      write: (_c, v) => {
        if ((v & reservedMask) !== 0n) return false;
        this.values.set(index >>> 0, v);
        return true;
      },
    });
  }

  has(index: number): boolean {
    return this.handlers.has(index >>> 0);
  }

  /** undefined: no such MSR (#GP). */
  read(index: number): bigint | undefined {
    const h = this.handlers.get(index >>> 0);
    return h ? h.read(this.cpu) : undefined;
  }

  /** false: no such MSR or a value it refuses (#GP). */
  write(index: number, value: bigint): boolean {
    const h = this.handlers.get(index >>> 0);
    return h ? h.write(this.cpu, value) : false;
  }

  reset(): void {
    for (const [k] of this.values) this.values.set(k, 0n);
    for (const init of resetHooks) init(this.cpu, this);
  }
}

type ResetHook = (cpu: Cpu, msrs: MsrFile) => void;
const resetHooks: ResetHook[] = [];

/** Instruction groups register how they define their MSRs at reset. */
export function onMsrReset(hook: ResetHook): void {
  resetHooks.push(hook);
}
