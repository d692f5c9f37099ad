// System-management mode (SDM Vol. 3C chapter 33) as far as the model has it: whether the logical processor
// is in SMM, its SMBASE register (reset value 30000H, 33.4; the model keeps it as a number, SMRAM is
// ordinary physical memory at SMBASE), whether SMIs are blocked, and the SMIs the platform raises.
//
// An SMI is raised by the platform (a chipset: the conformance runner's stimulus) and waits, like INIT, until
// the processor takes it at an instruction boundary (Vol. 3A 6.9: SMI is among the "external hardware
// interventions", above INIT, NMI and maskable interrupts). An I/O SMI is the one a chipset raises
// synchronously for an I/O instruction that accessed a trapped port (for example the APM port B2H): it arrives
// immediately after that instruction retires (33.15.2.3), with the instruction's details.
// What taking an SMI does is VMX business under the dual-monitor treatment (model/vmx/dual-monitor.ts);
// the default treatment (33.14: saving state to SMRAM and RSM) is NOT modelled: there the SMI stays pending.
import type { Cpu } from './cpu.js';
import type { MsrFile } from './msr.js';
import { RCX, RDI, RSI } from './registers.js';
import { msrValues } from '../profile/capabilities.js';

/** The SMBASE register's value after reset (SDM 33.4.1... "the default SMBASE is 30000H", 33.11). */
export const SMBASE_RESET = 0x3_0000;

/** What an SMI that arrives immediately after an I/O instruction reports (SDM 33.15.2.3, Table 33-9). */
export interface IoSmi {
  /** Exit-qualification layout exit-qualification.smi: size, direction, string, REP, immediate, port. */
  readonly qualification: bigint;
  /** RCX, RSI, RDI and RIP before the I/O instruction executed. */
  readonly rcx: bigint;
  readonly rsi: bigint;
  readonly rdi: bigint;
  readonly rip: bigint;
}

export interface SmmState {
  inSmm: boolean;
  smbase: number;
  /** Blocking by SMI (SDM 25.4.2 interruptibility state bit 2; SMM VM exits block SMIs, 33.15.2.5). */
  smiBlocked: boolean;
  /** A pending SMI: undefined none, 'other', or the I/O instruction it follows. */
  pending: 'other' | IoSmi | undefined;
  /** A port whose access the platform answers with an I/O SMI, or -1. */
  trapPort: number;
}

/** The SMM state of a processor, created on first use (outside SMM, SMBASE 30000H, SMIs unblocked). */
export function smmOf(cpu: Cpu): SmmState {
  return (cpu.smm ??= { inSmm: false, smbase: SMBASE_RESET, smiBlocked: false, pending: undefined, trapPort: -1 });
}

/** Whether the logical processor is in SMM. */
export function inSmm(cpu: Cpu): boolean {
  return cpu.smm?.inSmm === true;
}

/** An SMI from the platform ("other SMI": not tied to an I/O instruction). */
export function raiseSmi(cpu: Cpu): void {
  smmOf(cpu).pending ??= 'other';
  cpu.smiPending = true;
  cpu.eventCheck = true;
}

/** The platform answers the next IN or OUT to `port` with an I/O SMI (a chipset's I/O trap). */
export function trapIoPort(cpu: Cpu, port: number): void {
  smmOf(cpu).trapPort = port & 0xFFFF;
}

function u64(cpu: Cpu, reg: number): bigint {
  return (BigInt(cpu.hi[reg]! >>> 0) << 32n) | BigInt(cpu.lo[reg]! >>> 0);
}

/**
 * IN or OUT (before its effects: RCX, RSI, RDI and RIP still hold their values from before the
 * instruction) accessed `port`: when the platform traps that port, an I/O SMI becomes pending and is taken
 * at the boundary right after the instruction retires. The qualification has the layout of Table 33-9.
 */
export function noteIoForSmi(cpu: Cpu, port: number, size: number, input: boolean, immediate: boolean): void {
  const s = cpu.smm;
  if (s === undefined || s.trapPort !== port) return;
  const qualification = BigInt(((port & 0xFFFF) << 16) | (immediate ? 1 << 6 : 0) | (input ? 1 << 3 : 0) | (size - 1));
  s.pending = {
    qualification, rcx: u64(cpu, RCX), rsi: u64(cpu, RSI), rdi: u64(cpu, RDI),
    rip: (BigInt(cpu.ripHi >>> 0) << 32n) | BigInt(cpu.ripLo >>> 0),
  };
  cpu.smiPending = true;
  cpu.eventCheck = true;
}

/** IA32_SMM_MONITOR_CTL (SDM 33.15.5; Vol. 4 Table 2-2). */
export const IA32_SMM_MONITOR_CTL = 0x9B;

/**
 * IA32_SMM_MONITOR_CTL exists only on processors with the dual-monitor treatment (IA32_VMX_BASIC[49], A.1): bit 0
 * valid (clear at reset), bit 2 only where IA32_VMX_MISC[28] is 1, bits 31:12 the MSEG base, the rest reserved.
 * RDMSR reads it any time; WRMSR outside SMM or with a reserved bit set is #GP(0) (33.15.5), so VM entries that
 * begin in SMM may load it and others may not (27.4). Defined at reset by msr.ts.
 */
export function defineSmmMsrs(cpu: Cpu, f: MsrFile): void {
  const msrs = msrValues(cpu.profile);
  if ((((msrs.get('IA32_VMX_BASIC') ?? 0n) >> 49n) & 1n) === 0n) return;
  const allowed = 1n | (((msrs.get('IA32_VMX_MISC') ?? 0n) >> 28n) & 1n ? 4n : 0n) | 0xFFFF_F000n;
  f.values.set(IA32_SMM_MONITOR_CTL, 0n);
  f.define(IA32_SMM_MONITOR_CTL, {
    read: () => f.values.get(IA32_SMM_MONITOR_CTL) ?? 0n,
    write: (c, v) => {
      if (!inSmm(c) || (v & ~allowed) !== 0n) return false;
      f.values.set(IA32_SMM_MONITOR_CTL, v);
      return true;
    },
  });
}
