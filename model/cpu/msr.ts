// The model-specific registers the core implements. Values are BigInt: MSR accesses are rare.
// Reading or writing an MSR the model does not have raises #GP(0), as on hardware (SDM Vol. 2 RDMSR).
// The architectural MSRs (SDM Vol. 4 Table 2-2) are defined at reset by defineArchitecturalMsrs,
// before any instruction group's onMsrReset hook, so a group may replace one by defining it again.
// The time-stamp counter is not stored: it is the machine's cycle clock plus an offset (SDM Vol. 3B 18.17).
import type { Cpu } from './cpu.js';
import { CAPABILITY_MSRS } from '../generated/index.js';
import { writeEfer, EFER_NXE } from './control-registers.js';
import { FS, GS } from './registers.js';
import { defineSmmMsrs } from './smm.js';

export const IA32_TIME_STAMP_COUNTER = 0x10;
export const IA32_APIC_BASE = 0x1B;
export const IA32_FEATURE_CONTROL = 0x3A;
export const IA32_TSC_ADJUST = 0x3B;
export const IA32_SYSENTER_CS = 0x174;
export const IA32_SYSENTER_ESP = 0x175;
export const IA32_SYSENTER_EIP = 0x176;
export const IA32_PMC0 = 0xC1;
export const IA32_PMC1 = 0xC2;
export const IA32_PERFEVTSEL0 = 0x186;
export const IA32_PERFEVTSEL1 = 0x187;
export const IA32_MISC_ENABLE = 0x1A0;
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

/** Returns undefined when the read is refused (the RDMSR raises #GP(0)), as IA32_SMBASE outside SMM. */
export type MsrRead = (cpu: Cpu) => bigint | undefined;
/** Returns false when the value is not allowed (the WRMSR raises #GP(0)). */
export type MsrWrite = (cpu: Cpu, value: bigint) => boolean;

export interface MsrHandler {
  readonly read: MsrRead;
  readonly write: MsrWrite;
}

/** The last stamp handed out: every change of any MSR file's storage takes the next one. */
let lastStamp = 0;

/**
 * MSR storage that stamps each change with a number no other change of any MsrFile gets, so a caller that
 * saw a value under one stamp knows it still holds while the stamp is the same (VM entries and exits skip
 * reloading MSRs that already hold the VMCS's values: model/vmx/msr-memo.ts).
 */
export class StampedMsrMap extends Map<number, bigint> {
  stamp = ++lastStamp;

  override set(index: number, value: bigint): this {
    this.stamp = ++lastStamp;
    return super.set(index, value);
  }

  override delete(index: number): boolean {
    this.stamp = ++lastStamp;
    return super.delete(index);
  }

  override clear(): void {
    this.stamp = ++lastStamp;
    super.clear();
  }
}

export class MsrFile {
  private readonly cpu: Cpu;
  private readonly handlers = new Map<number, MsrHandler>();
  /** Plain storage for MSRs that simply hold a value. */
  readonly values = new StampedMsrMap();
  /**
   * TSC = cycles + offset (mod 2^64), the offset as two uint32 halves so RDTSC needs no BigInt.
   * WRMSR to IA32_TIME_STAMP_COUNTER or IA32_TSC_ADJUST moves the offset (SDM Vol. 3B 18.17.3).
   */
  tscOffsetLo = 0;
  tscOffsetHi = 0;
  /** IA32_MISC_ENABLE bits 31:0 and 63:32, mirrored as numbers for CPUID and MONITOR. */
  miscEnableLo = 0;
  miscEnableHi = 0;

  constructor(cpu: Cpu) {
    this.cpu = cpu;
  }

  /** Instruction groups and devices define their MSRs here. */
  define(index: number, handler: MsrHandler): void {
    this.handlers.set(index >>> 0, handler);
  }

  /** Removes an MSR (a device whose registers exist only in some mode, e.g. the x2APIC MSRs). */
  undefine(index: number): void {
    this.handlers.delete(index >>> 0);
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

  /** undefined: no such MSR, or its read refused (#GP). */
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
    defineArchitecturalMsrs(this.cpu, this);
    for (const init of resetHooks) init(this.cpu, this);
  }
}

type ResetHook = (cpu: Cpu, msrs: MsrFile) => void;
const resetHooks: ResetHook[] = [];

/** Instruction groups register how they define their MSRs at reset. */
export function onMsrReset(hook: ResetHook): void {
  resetHooks.push(hook);
}

// ---- the time-stamp counter (SDM Vol. 3B 18.17)

const TWO32 = 0x1_0000_0000;

/** The TSC: the low 32 bits as int32, the high 32 bits in cpu.vhi (no BigInt: RDTSC is common). */
export function readTsc(cpu: Cpu): number {
  const c = Math.floor(cpu.cycles);
  const cHi = Math.floor(c / TWO32);
  let lo = c - cHi * TWO32 + cpu.msr.tscOffsetLo;
  let carry = 0;
  if (lo >= TWO32) { lo -= TWO32; carry = 1; }
  cpu.vhi = (cHi + cpu.msr.tscOffsetHi + carry) | 0;
  return lo | 0;
}

export function readTscBig(cpu: Cpu): bigint {
  const lo = readTsc(cpu);
  return (BigInt(cpu.vhi >>> 0) << 32n) | BigInt(lo >>> 0);
}

const MASK64 = (1n << 64n) - 1n;

/** Makes the TSC read `value` now: the offset becomes value - cycles (mod 2^64). */
function setTscOffsetFor(cpu: Cpu, value: bigint): void {
  const off = (value - BigInt(Math.floor(cpu.cycles))) & MASK64;
  cpu.msr.tscOffsetLo = Number(off & 0xFFFF_FFFFn);
  cpu.msr.tscOffsetHi = Number(off >> 32n);
}

// ---- the architectural MSRs

/** Canonical for the processor's linear-address width (48 or 57 bits), as WRMSR checks addresses (SDM Vol. 2 WRMSR). */
export function isCanonicalMsrValue(cpu: Cpu, value: bigint): boolean {
  const bits = BigInt(cpu.profile.cpuid.maxLinearAddressBits);
  const top = value >> (bits - 1n);
  return top === 0n || top === (1n << (65n - bits)) - 1n;
}

/** Bits at or above MAXPHYADDR (SDM Vol. 3A 4.1.4): reserved in physical-address MSRs. */
function aboveMaxPhys(cpu: Cpu): bigint {
  return MASK64 & ~((1n << BigInt(cpu.profile.cpuid.maxPhysicalAddressBits)) - 1n);
}

const profileMsrCache = new WeakMap<object, Map<number, bigint>>();

/** The profile's VMX capability MSRs and IA32_FEATURE_CONTROL by address (absent: the MSR does not exist). */
export function profileMsrValues(cpu: Cpu): Map<number, bigint> {
  let m = profileMsrCache.get(cpu.profile);
  if (!m) {
    m = new Map();
    for (const def of CAPABILITY_MSRS) {
      const text = cpu.profile.msrs[def.id];
      if (text !== undefined) m.set(def.address, BigInt(text));
    }
    profileMsrCache.set(cpu.profile, m);
  }
  return m;
}

export const IA32_VMX_BASIC = 0x480;

/** True when the profile offers VMX (it has IA32_VMX_BASIC): CPUID.1:ECX.VMX (SDM Vol. 3C 24.6). */
export function profileHasVmx(cpu: Cpu): boolean {
  return profileMsrValues(cpu).has(IA32_VMX_BASIC);
}

/** Reset value of IA32_PAT: PA0-PA7 = WB, WT, UC-, UC, WB, WT, UC-, UC (SDM Vol. 3A 12.12.4). */
export const PAT_RESET = 0x0007_0406_0007_0406n;
/** IA32_APIC_BASE at reset: base FEE00000h, global enable (bit 11), BSP (bit 8) (SDM Vol. 3A 11.4.4). */
export const APIC_BASE_RESET = 0xFEE0_0900n;

/**
 * IA32_MISC_ENABLE (SDM Vol. 4 Table 2-2): bit 0 fast strings (R/W), 3 automatic thermal control (R/W),
 * 7 performance monitoring available (RO), 11 BTS unavailable (RO), 12 PEBS unavailable (RO), 18 ENABLE
 * MONITOR FSM (R/W), 22 limit CPUID maxval (R/W), 34 XD bit disable (R/W); the rest is reserved.
 */
export const MISC_FAST_STRINGS = 1n << 0n, MISC_TCC = 1n << 3n, MISC_PERFMON = 1n << 7n, MISC_BTS_UNAVAILABLE = 1n << 11n,
  MISC_PEBS_UNAVAILABLE = 1n << 12n, MISC_MONITOR_FSM = 1n << 18n, MISC_LIMIT_CPUID = 1n << 22n, MISC_XD_DISABLE = 1n << 34n;
const MISC_WRITABLE = MISC_FAST_STRINGS | MISC_TCC | MISC_MONITOR_FSM | MISC_LIMIT_CPUID | MISC_XD_DISABLE;
const MISC_READ_ONLY = MISC_PERFMON | MISC_BTS_UNAVAILABLE | MISC_PEBS_UNAVAILABLE;
export const MISC_ENABLE_RESET = MISC_FAST_STRINGS | MISC_PERFMON | MISC_BTS_UNAVAILABLE | MISC_PEBS_UNAVAILABLE | MISC_MONITOR_FSM;

function setMiscEnable(cpu: Cpu, v: bigint): void {
  cpu.msr.values.set(IA32_MISC_ENABLE, v);
  cpu.msr.miscEnableLo = Number(v & 0xFFFF_FFFFn) | 0;
  cpu.msr.miscEnableHi = Number(v >> 32n) | 0;
}

/** True when a PAT value has a reserved bit or encodes memory type 2 or 3 in any entry (SDM Vol. 3A 12.12.2). */
function patInvalid(v: bigint): boolean {
  for (let i = 0n; i < 8n; i++) {
    const t = (v >> (8n * i)) & 0xFFn;
    if (t === 2n || t === 3n || t > 7n) return true;
  }
  return false;
}

/** A performance counter's width in bits, as CPUID.0AH:EAX[23:16] reports it (cpuid.ts). */
export const PMC_WIDTH = 48;
export const PMC_COUNT = 2;

/**
 * Defines the architectural MSRs at reset (SDM Vol. 4 Table 2-2; behaviour per SDM Vol. 2 RDMSR/WRMSR):
 * an MSR not defined here or by an instruction group raises #GP(0) on RDMSR and WRMSR.
 */
export function defineArchitecturalMsrs(cpu: Cpu, f: MsrFile): void {
  defineSmmMsrs(cpu, f); // IA32_SMM_MONITOR_CTL (SDM 33.15.5): smm.ts
  // IA32_TIME_STAMP_COUNTER: writing it adds the change to IA32_TSC_ADJUST too (SDM Vol. 3B 18.17.3).
  setTscOffsetFor(cpu, 0n);
  f.values.set(IA32_TSC_ADJUST, 0n);
  f.define(IA32_TIME_STAMP_COUNTER, {
    read: (c) => readTscBig(c),
    write: (c, v) => {
      const old = readTscBig(c);
      f.values.set(IA32_TSC_ADJUST, ((f.values.get(IA32_TSC_ADJUST) ?? 0n) + v - old) & MASK64);
      setTscOffsetFor(c, v);
      return true;
    },
  });
  // IA32_TSC_ADJUST: writing it adds the change to the TSC (SDM Vol. 3B 18.17.3).
  f.define(IA32_TSC_ADJUST, {
    read: () => f.values.get(IA32_TSC_ADJUST) ?? 0n,
    write: (c, v) => {
      const old = f.values.get(IA32_TSC_ADJUST) ?? 0n;
      setTscOffsetFor(c, (readTscBig(c) + v - old) & MASK64);
      f.values.set(IA32_TSC_ADJUST, v);
      return true;
    },
  });
  // IA32_TSC_AUX: bits 31:0 are the signature RDTSCP and RDPID return; 63:32 are reserved (SDM Vol. 2 RDTSCP).
  f.defineStorage(IA32_TSC_AUX, 0n, 0xFFFF_FFFF_0000_0000n);
  // IA32_APIC_BASE: the value only (there is no local APIC yet). Bits 7:0, 9, 10 (x2APIC, not offered)
  // and those at or above MAXPHYADDR are reserved (SDM Vol. 3A 11.4.4).
  f.defineStorage(IA32_APIC_BASE, APIC_BASE_RESET, 0xFFn | (1n << 9n) | (1n << 10n) | aboveMaxPhys(cpu));
  // IA32_PAT (SDM Vol. 3A 12.12.2): reserved bits or memory types 2 and 3 raise #GP.
  f.values.set(IA32_PAT, PAT_RESET);
  f.define(IA32_PAT, {
    read: () => f.values.get(IA32_PAT) ?? PAT_RESET,
    write: (_c, v) => { if (patInvalid(v)) return false; f.values.set(IA32_PAT, v); return true; },
  });
  // IA32_MISC_ENABLE: writable bits are stored, read-only bits keep their value, reserved bits #GP.
  setMiscEnable(cpu, MISC_ENABLE_RESET);
  f.define(IA32_MISC_ENABLE, {
    read: () => f.values.get(IA32_MISC_ENABLE) ?? MISC_ENABLE_RESET,
    write: (c, v) => {
      if ((v & ~(MISC_WRITABLE | MISC_READ_ONLY)) !== 0n) return false;
      setMiscEnable(c, (v & MISC_WRITABLE) | ((f.values.get(IA32_MISC_ENABLE) ?? 0n) & MISC_READ_ONLY));
      return true;
    },
  });
  // IA32_DEBUGCTL: storage only (no LBR or branch trap is modelled); bits 5:2 and 63:16 are reserved.
  f.defineStorage(IA32_DEBUGCTL, 0n, 0x3Cn | (MASK64 & ~0xFFFFn));
  // IA32_EFER: through MOV-to-CR's companion writeEfer; NXE is reserved while MISC_ENABLE.XD_DISABLE is 1.
  f.define(IA32_EFER, {
    read: (c) => BigInt(c.efer >>> 0),
    write: (c, v) => {
      if ((v & BigInt(EFER_NXE)) !== 0n && (c.msr.miscEnableHi & 0x4) !== 0) return false;
      return writeEfer(c, v);
    },
  });
  // SYSENTER/SYSCALL targets and FS/GS bases: storage, with the canonical-address check WRMSR applies.
  f.defineStorage(IA32_SYSENTER_CS, 0n);
  for (const index of [IA32_SYSENTER_ESP, IA32_SYSENTER_EIP, IA32_LSTAR, IA32_CSTAR, IA32_KERNEL_GS_BASE]) {
    f.values.set(index, 0n);
    f.define(index, {
      read: () => f.values.get(index) ?? 0n,
      write: (c, v) => { if (!isCanonicalMsrValue(c, v)) return false; f.values.set(index, v); return true; },
    });
  }
  f.defineStorage(IA32_STAR, 0n);
  f.defineStorage(IA32_FMASK, 0n, 0xFFFF_FFFF_0000_0000n);
  for (const [index, seg] of [[IA32_FS_BASE, FS], [IA32_GS_BASE, GS]] as const) {
    f.define(index, {
      read: (c) => (BigInt(c.segBaseHi[seg]! >>> 0) << 32n) | BigInt(c.segBaseLo[seg]! >>> 0),
      write: (c, v) => {
        if (!isCanonicalMsrValue(c, v)) return false;
        c.segBaseLo[seg] = Number(v & 0xFFFF_FFFFn) | 0;
        c.segBaseHi[seg] = Number(v >> 32n) | 0;
        return true;
      },
    });
  }
  // Architectural performance monitoring version 1 (cpuid.ts leaf 0AH): two counters that never count.
  // WRMSR to IA32_PMCx writes EAX sign-extended to the counter width (SDM Vol. 3B 20.2.1, 20.2.6).
  for (let i = 0; i < PMC_COUNT; i++) {
    const pmc = IA32_PMC0 + i;
    f.values.set(pmc, 0n);
    f.define(pmc, {
      read: () => f.values.get(pmc) ?? 0n,
      write: (_c, v) => { f.values.set(pmc, BigInt.asUintN(PMC_WIDTH, BigInt.asIntN(32, v))); return true; },
    });
    // IA32_PERFEVTSELx: bit 21 (AnyThread, version 3) and bits 63:32 are reserved here.
    f.defineStorage(IA32_PERFEVTSEL0 + i, 0n, (1n << 21n) | 0xFFFF_FFFF_0000_0000n);
  }
  // The VMX capability MSRs (SDM Vol. 3D Appendix A) come from the profile and are read-only.
  const fromProfile = profileMsrValues(cpu);
  for (const [address, value] of fromProfile) {
    if (address === IA32_FEATURE_CONTROL) continue;
    f.define(address, { read: () => value, write: () => false });
  }
  // IA32_FEATURE_CONTROL (SDM Vol. 3C 24.7): the profile's value (firmware's, often already locked).
  // While unlocked, WRMSR may change the lock bit, bit 2 (VMX outside SMX, when VMX is offered) and any
  // bit the profile's own value has; other bits raise #GP. Once locked, every WRMSR raises #GP.
  if (fromProfile.has(IA32_FEATURE_CONTROL) || profileHasVmx(cpu)) {
    const initial = fromProfile.get(IA32_FEATURE_CONTROL) ?? 0n;
    const writable = 1n | (profileHasVmx(cpu) ? 4n : 0n) | initial;
    f.values.set(IA32_FEATURE_CONTROL, initial);
    f.define(IA32_FEATURE_CONTROL, {
      read: () => f.values.get(IA32_FEATURE_CONTROL) ?? 0n,
      write: (_c, v) => {
        if (((f.values.get(IA32_FEATURE_CONTROL) ?? 0n) & 1n) !== 0n) return false;
        if ((v & ~writable) !== 0n) return false;
        f.values.set(IA32_FEATURE_CONTROL, v);
        return true;
      },
    });
  }
}
