// System-management mode (SDM Vol. 3C chapter 33) as far as the model has it: whether the logical processor
// is in SMM, its SMBASE register (reset value 30000H, 33.4; the model keeps it as a number, SMRAM is
// ordinary physical memory at SMBASE), whether SMIs are blocked, and the SMIs the platform raises.
//
// An SMI is raised by the platform (a chipset: the conformance runner's stimulus) and waits, like INIT, until
// the processor takes it at an instruction boundary (Vol. 3A 6.9: SMI is among the "external hardware
// interventions", above INIT, NMI and maskable interrupts). An I/O SMI is the one a chipset raises
// synchronously for an I/O instruction that accessed a trapped port (for example the APM port B2H): it arrives
// immediately after that instruction retires (33.15.2.3), with the instruction's details.
// Taking an SMI (model/vmx/dual-monitor.ts takeSmi): an SMM VM exit under the dual-monitor treatment, otherwise
// the default treatment: the state save into SMRAM and the SMM environment below (33.4, 33.5; the VMX side of it
// in model/vmx/smm.ts, 33.14), which RSM undoes (33.6). Not modelled: the I/O state fields and I/O instruction
// restart (33.7), SMRAM as a separate address space (it is ordinary memory at SMBASE), SMM in 32-bit-only
// processors' map (Table 33-1).
import type { Cpu } from './cpu.js';
import type { MsrFile } from './msr.js';
import { CS, LDTR, RCX, RDI, RSI, TR } from './registers.js';
import { Activity } from './cpu.js';
import { FlagOp, readFlags } from './flags.js';
import { tlbFlushAll } from './mmu.js';
import { invalidateFetch } from './decode.js';
import { msrValues } from '../profile/capabilities.js';

/** The SMBASE register's value after reset: 30000H (SDM 33.4, 33.11). */
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

/** What SMI delivery keeps "internal to the processor" for RSM (SDM 33.4.1, 33.14.1). */
export interface SavedInternally {
  /** Hidden parts of ES, CS, SS, DS, FS, GS, LDTR, TR (base halves, limit, attributes) and the GDTR/IDTR limits. */
  readonly segBaseLo: Int32Array; readonly segBaseHi: Int32Array; readonly segLimit: Uint32Array; readonly segAttr: Int32Array;
  readonly gdtrLimit: number; readonly idtrLimit: number;
  readonly nmiBlocked: boolean; readonly interruptShadow: number; readonly shadowByMovSs: boolean;
  /** The VMX side's own record (model/vmx/smm.ts), opaque here. */
  readonly vmx: unknown;
}

export interface SmmState {
  inSmm: boolean;
  /** Set while in SMM entered by the default treatment (RSM returns from it). */
  saved: SavedInternally | undefined;
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
  return (cpu.smm ??= { inSmm: false, saved: undefined, smbase: SMBASE_RESET, smiBlocked: false, pending: undefined, trapPort: -1 });
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

/** IA32_SMBASE (SDM 33.15.6.4; Vol. 4 Table 2-2). */
export const IA32_SMBASE = 0x9E;

/**
 * The bits of IA32_SMM_MONITOR_CTL software may set (SDM 33.15.5): bit 0 (valid), bits 31:12 (MSEG base) and, where
 * IA32_VMX_MISC[28] is 1 (A.6), bit 2 (VMXOFF does not unblock SMIs); the rest are reserved. WRMSR and the
 * VM-entry MSR-load checks (27.4) both use it.
 */
export function smmMonitorCtlWritableBits(miscBit28: boolean): bigint {
  return 0xFFFF_F001n | (miscBit28 ? 4n : 0n);
}

/**
 * IA32_SMM_MONITOR_CTL exists only on processors with the dual-monitor treatment (IA32_VMX_BASIC[49], A.1): bit 0
 * valid (clear at reset), bit 2 only where IA32_VMX_MISC[28] is 1, bits 31:12 the MSEG base, the rest reserved.
 * RDMSR reads it any time; WRMSR outside SMM or with a reserved bit set is #GP(0) (33.15.5), so VM entries that
 * begin in SMM may load it and others may not (27.4). Defined at reset by msr.ts.
 */
export function defineSmmMsrs(cpu: Cpu, f: MsrFile): void {
  const msrs = msrValues(cpu.profile);
  // IA32_SMBASE exists only where IA32_VMX_MISC[15] = 1 (A.6): RDMSR reads SMBASE in SMM and is #GP(0) outside it;
  // WRMSR is always #GP(0) (33.15.6.4).
  if ((((msrs.get('IA32_VMX_MISC') ?? 0n) >> 15n) & 1n) !== 0n) {
    f.define(IA32_SMBASE, { read: (c) => (inSmm(c) ? BigInt(smmOf(c).smbase >>> 0) : undefined), write: () => false });
  }
  if ((((msrs.get('IA32_VMX_BASIC') ?? 0n) >> 49n) & 1n) === 0n) return;
  const allowed = smmMonitorCtlWritableBits(((msrs.get('IA32_VMX_MISC') ?? 0n) >> 28n & 1n) !== 0n);
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

// ---- The default treatment of SMIs (SDM 33.3-33.5, 33.10; VMX parts in model/vmx/smm.ts)

/**
 * Offsets in the SMRAM state-save map of a processor with Intel 64 architecture, added to SMBASE + 8000H
 * (SDM 33.4.1.1, Table 33-3). The hidden parts of the segment registers and the descriptor-table limits are
 * saved "but not readable" (33.4.1): the model keeps them in SmmState.saved.
 */
export const SMRAM_MAP = {
  GDT_BASE_HI: 0x7DD0, LDT_BASE_HI: 0x7DD4, IDT_BASE_HI: 0x7DD8, IO_RIP: 0x7DE8, CR4: 0x7E40,
  GDT_BASE_LO: 0x7E8C, IDT_BASE_LO: 0x7E94, LDT_BASE_LO: 0x7E9C,
  /** EPTP (64 bits) and the "enable EPT" setting (bit 0) of a VMX guest the SMI interrupted (33.14.1). */
  EPTP: 0x7ED8, ENABLE_EPT: 0x7EE0,
  SMBASE: 0x7EF8, REVISION: 0x7EFC, IO_RESTART: 0x7F00, AUTO_HALT_RESTART: 0x7F02,
  /** R15 at 7F1CH down to R8 at 7F54H, then RAX at 7F5CH up to RDI at 7F94H (quadwords). */
  R15: 0x7F1C, RAX: 0x7F5C, IO_MEM_ADDR: 0x7F9C, IO_MISC: 0x7FA4,
  /** ES, CS, SS, DS, FS, GS, LDTR, TR selectors (doublewords, 7FA8H-7FC4H). */
  ES: 0x7FA8, LDTR: 0x7FC0, TR: 0x7FC4,
  DR7: 0x7FC8, DR6: 0x7FD0, RIP: 0x7FD8, EFER: 0x7FE0, RFLAGS: 0x7FE8, CR3: 0x7FF0, CR0: 0x7FF8,
} as const;

/**
 * The SMM revision identifier the model stores (33.9): bits 15:0 revision level 0064H (the Intel 64 map),
 * bit 17 SMBASE relocation supported, bit 16 (I/O instruction restart) 0. A model choice: the SDM leaves the
 * value to the processor.
 */
export const SMM_REVISION_ID = 0x2_0064;

function hi32(v: bigint): number { return Number((v >> 32n) & 0xFFFF_FFFFn) | 0; }
function lo32(v: bigint): number { return Number(v & 0xFFFF_FFFFn) | 0; }
function q(lo: number, hi: number): bigint { return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0); }

/**
 * SMI delivery outside SMM by the default treatment (SDM 33.3.1, 33.4, 33.5): saves the processor state into
 * the state-save map at SMBASE + 8000H + 7C00H..7FFFH (Table 33-3; the hidden segment parts internally), then
 * loads the SMM execution environment of Table 33-4: CS selector SMBASE >> 4, base SMBASE, EIP 8000H, data
 * segments base 0, every limit FFFFFFFFH, CR0.PE/EM/TS/PG 0, CR4 0, IA32_EFER 0, RFLAGS 2, DR7 400H; blocks
 * SMIs, NMIs and (33.5) INIT. `vmx` is the VMX side's record (model/vmx/smm.ts). CR4 as saved is the caller's
 * (the VMX side clears CR4.VMXE first, 33.14.1).
 */
export function enterSmmByDefaultTreatment(cpu: Cpu, vmx: unknown): void {
  const s = smmOf(cpu), m = cpu.memory, at = s.smbase + 0x8000;
  s.saved = {
    segBaseLo: Int32Array.from(cpu.segBaseLo), segBaseHi: Int32Array.from(cpu.segBaseHi), segLimit: Uint32Array.from(cpu.segLimit), segAttr: Int32Array.from(cpu.segAttr),
    gdtrLimit: cpu.gdtrLimit, idtrLimit: cpu.idtrLimit,
    nmiBlocked: cpu.nmiBlocked, interruptShadow: cpu.interruptShadow, shadowByMovSs: cpu.shadowByMovSs, vmx,
  };
  m.write64(at + SMRAM_MAP.CR0, BigInt(cpu.cr0 >>> 0));
  m.write64(at + SMRAM_MAP.CR3, q(cpu.cr3Lo, cpu.cr3Hi));
  m.write64(at + SMRAM_MAP.RFLAGS, BigInt(readFlags(cpu) >>> 0));
  m.write64(at + SMRAM_MAP.EFER, BigInt(cpu.efer >>> 0));
  m.write64(at + SMRAM_MAP.RIP, q(cpu.ripLo, cpu.ripHi));
  m.write64(at + SMRAM_MAP.DR6, q(cpu.drLo[6]!, cpu.drHi[6]!));
  m.write64(at + SMRAM_MAP.DR7, q(cpu.drLo[7]!, cpu.drHi[7]!));
  for (let i = 0; i <= TR; i++) m.write32(at + SMRAM_MAP.ES + 4 * i, cpu.segSel[i]! & 0xFFFF);
  for (let r = 0; r < 8; r++) m.write64(at + SMRAM_MAP.RAX + 8 * r, q(cpu.lo[r]!, cpu.hi[r]!)); // RAX..RDI
  for (let r = 8; r < 16; r++) m.write64(at + SMRAM_MAP.R15 + 8 * (15 - r), q(cpu.lo[r]!, cpu.hi[r]!)); // R15..R8
  m.write32(at + SMRAM_MAP.IO_MISC, 0); // the I/O state fields (33.7) are not modelled: 0
  m.write64(at + SMRAM_MAP.IO_MEM_ADDR, 0n);
  m.write16(at + SMRAM_MAP.IO_RESTART, 0);
  m.write16(at + SMRAM_MAP.AUTO_HALT_RESTART, cpu.activity === Activity.Hlt ? 1 : 0); // 33.10
  m.write32(at + SMRAM_MAP.REVISION, SMM_REVISION_ID);
  m.write32(at + SMRAM_MAP.SMBASE, s.smbase);
  m.write32(at + SMRAM_MAP.CR4, cpu.cr4 >>> 0);
  m.write32(at + SMRAM_MAP.GDT_BASE_LO, cpu.gdtrBaseLo); m.write32(at + SMRAM_MAP.GDT_BASE_HI, cpu.gdtrBaseHi);
  m.write32(at + SMRAM_MAP.IDT_BASE_LO, cpu.idtrBaseLo); m.write32(at + SMRAM_MAP.IDT_BASE_HI, cpu.idtrBaseHi);
  m.write32(at + SMRAM_MAP.LDT_BASE_LO, cpu.segBaseLo[LDTR]!); m.write32(at + SMRAM_MAP.LDT_BASE_HI, cpu.segBaseHi[LDTR]!);
  // Table 33-4: the SMM execution environment.
  s.inSmm = true;
  s.smiBlocked = true;
  cpu.nmiBlocked = true;
  cpu.interruptShadow = 0; cpu.shadowByMovSs = false;
  cpu.cr0 &= ~(0x8000_0000 | 0x8 | 0x4 | 0x1);
  cpu.cr4 = 0;
  cpu.efer = 0;
  cpu.drLo[7] = 0x400; cpu.drHi[7] = 0;
  cpu.flagsOp = FlagOp.None;
  cpu.flagsValue = 0x2;
  cpu.activity = Activity.Active;
  cpu.loadSegmentRaw(CS, (s.smbase >>> 4) & 0xFFFF, s.smbase, 0, 0xFFFF_FFFF, 0x9B);
  for (const i of [0, 2, 3, 4, 5]) cpu.loadSegmentRaw(i, 0, 0, 0, 0xFFFF_FFFF, 0x93);
  cpu.ripLo = cpu.nextLo = 0x8000; cpu.ripHi = cpu.nextHi = 0;
  cpu.updateMode();
  tlbFlushAll(cpu);
  invalidateFetch(cpu);
  cpu.eventCheck = true;
}

/**
 * RSM by the default treatment (SDM 33.6, Vol. 2 RSM): restores the state from the state-save map (the
 * writable images as the SMI handler left them) and the hidden parts kept internally; SMBASE takes the SMBASE
 * field's value (relocation, 33.11); a set auto-HALT-restart bit 0 returns to the HLT state (33.10). Returns
 * the VMX side's record, or undefined when the CR4 image has VMXE set: then RSM fails into the shutdown state
 * (33.14.2; the caller's). SMIs are unblocked and NMI blocking is restored (the VMX side may change it).
 */
export function restoreFromSmram(cpu: Cpu): { vmx: unknown } | undefined {
  const s = smmOf(cpu), m = cpu.memory, at = s.smbase + 0x8000, saved = s.saved!;
  const cr4 = m.read32(at + SMRAM_MAP.CR4);
  if ((cr4 & (1 << 13)) !== 0) return undefined;
  const r64 = (off: number) => m.read64(at + off);
  for (let r = 0; r < 8; r++) { const v = r64(SMRAM_MAP.RAX + 8 * r); cpu.lo[r] = lo32(v); cpu.hi[r] = hi32(v); }
  for (let r = 8; r < 16; r++) { const v = r64(SMRAM_MAP.R15 + 8 * (15 - r)); cpu.lo[r] = lo32(v); cpu.hi[r] = hi32(v); }
  const rip = r64(SMRAM_MAP.RIP);
  cpu.ripLo = cpu.nextLo = lo32(rip); cpu.ripHi = cpu.nextHi = hi32(rip);
  cpu.cr0 = lo32(r64(SMRAM_MAP.CR0));
  const cr3 = r64(SMRAM_MAP.CR3); cpu.cr3Lo = lo32(cr3); cpu.cr3Hi = hi32(cr3);
  cpu.cr4 = cr4;
  cpu.efer = lo32(r64(SMRAM_MAP.EFER));
  const dr6 = r64(SMRAM_MAP.DR6), dr7 = r64(SMRAM_MAP.DR7);
  cpu.drLo[6] = lo32(dr6); cpu.drHi[6] = hi32(dr6); cpu.drLo[7] = lo32(dr7); cpu.drHi[7] = hi32(dr7);
  for (let i = 0; i <= TR; i++) {
    cpu.loadSegmentRaw(i, m.read32(at + SMRAM_MAP.ES + 4 * i) & 0xFFFF, saved.segBaseLo[i]!, saved.segBaseHi[i]!, saved.segLimit[i]!, saved.segAttr[i]!);
  }
  cpu.gdtrBaseLo = m.read32(at + SMRAM_MAP.GDT_BASE_LO); cpu.gdtrBaseHi = m.read32(at + SMRAM_MAP.GDT_BASE_HI); cpu.gdtrLimit = saved.gdtrLimit;
  cpu.idtrBaseLo = m.read32(at + SMRAM_MAP.IDT_BASE_LO); cpu.idtrBaseHi = m.read32(at + SMRAM_MAP.IDT_BASE_HI); cpu.idtrLimit = saved.idtrLimit;
  cpu.flagsOp = FlagOp.None;
  cpu.flagsValue = lo32(r64(SMRAM_MAP.RFLAGS)) | 0x2;
  cpu.activity = (m.read16(at + SMRAM_MAP.AUTO_HALT_RESTART) & 1) !== 0 ? Activity.Hlt : Activity.Active;
  cpu.nmiBlocked = saved.nmiBlocked;
  cpu.interruptShadow = saved.interruptShadow; cpu.shadowByMovSs = saved.shadowByMovSs;
  s.smbase = m.read32(at + SMRAM_MAP.SMBASE) >>> 0;
  s.inSmm = false;
  s.smiBlocked = false;
  s.saved = undefined;
  cpu.updateMode();
  tlbFlushAll(cpu);
  invalidateFetch(cpu);
  cpu.eventCheck = true;
  return { vmx: saved.vmx };
}
