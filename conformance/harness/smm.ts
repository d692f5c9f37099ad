// The dual-monitor treatment of SMIs and SMM a case asks for (setup.smm in
// spec/schemas/conformance-case.schema.json): the MSEG header and IA32_SMM_MONITOR_CTL that SMM code sets up
// (SDM 33.15.5), then, run by the model as x86 code, the executive monitor's VMCALL that activates the
// treatment (33.15.6) and, for "executive", the STM's VM entry that returns from SMM (33.15.4).
import type { ConformanceCase } from '../../model/generated/index.js';
import type { Machine } from '../../model/machine/index.js';
import { smmOf } from '../../model/cpu/smm.js';
import { dualMonitorActive, writeSmmMonitorCtlInSmm } from '../../model/vmx/dual-monitor.js';
import { vmptrld, vmxOf } from '../../model/vmx/index.js';
import { BASELINE_MEMORY, baselineFields } from '../baseline.js';

export type SmmSetup = NonNullable<NonNullable<ConformanceCase['setup']>['smm']>;

/** Where the set-up puts things (physical, below 16 MiB, clear of the baseline's and EPT's memory). */
export const SMM_MEMORY = {
  /** MSEG (IA32_SMM_MONITOR_CTL bits 31:12) and its 32-byte header (Table 33-10). */
  mseg: 0x7_0000,
  /** The executive monitor's and the STM's set-up code: VMCALL, then the STM's entry point (a HLT). */
  code: 0x7_1000,
  /** The SMM-transfer VMCS of "executive" set-ups. */
  transferVmcs: 0x6_0000,
} as const;

const VMCALL = [0x0F, 0x01, 0xC1], VMLAUNCH = [0x0F, 0x01, 0xC2], HLT = 0xF4;
/** The STM's entry point: the HLT after the set-up's VMCALL. */
const STM_ENTRY = SMM_MEMORY.code + VMCALL.length;
const RETURN_CODE = SMM_MEMORY.code + 0x10;

/** The MSEG header (SDM 33.15.5, Table 33-10): offsets from the MSEG base, as 32-bit sums. */
function writeMsegHeader(m: Machine, smm: SmmSetup): void {
  const base = SMM_MEMORY.mseg, mem = m.memory;
  const offset = (target: number): number => (target - base) >>> 0;
  mem.write32(base, smm.msegRevisionId !== undefined ? Number(BigInt(smm.msegRevisionId)) >>> 0 : vmxOf(m.cpu).caps.misc.msegRevisionId >>> 0);
  mem.write32(base + 4, smm.msegFeatures !== undefined ? Number(BigInt(smm.msegFeatures)) >>> 0 : 1);
  mem.write32(base + 8, 0x1F); // GDTR limit
  mem.write32(base + 12, offset(BASELINE_MEMORY.gdt));
  mem.write32(base + 16, 0x08); // CS selector (SS, DS, ES, FS, GS: 10H)
  mem.write32(base + 20, offset(STM_ENTRY));
  mem.write32(base + 24, offset(BASELINE_MEMORY.hostStackTop));
  mem.write32(base + 28, offset(BASELINE_MEMORY.pageTables));
}

function runAt(m: Machine, at: number, code: readonly number[]): void {
  m.memory.load(at, Uint8Array.from(code));
  m.cpu.ripLo = at; m.cpu.ripHi = 0;
  m.cpu.activity = 0;
  m.cpu.eventCheck = true;
  m.run(10);
}

/** Writes every canonical field the processor has into the current VMCS (the baseline's values). */
function writeCanonical(m: Machine): void {
  const s = vmxOf(m.cpu);
  for (const [id, v] of baselineFields(s.caps)) if (s.caps.fields.some((f) => f.id === id)) s.current!.set(id, v);
}

/**
 * Applies setup.smm to a machine in VMX root operation with the canonical VMCS current (before the case's other
 * setup changes). Throws, naming the stage, when the processor does not end in the state the set-up describes.
 */
export function setUpSmm(m: Machine, smm: SmmSetup): void {
  const cpu = m.cpu, s = vmxOf(cpu);
  writeMsegHeader(m, smm);
  if (!writeSmmMonitorCtlInSmm(cpu, BigInt(SMM_MEMORY.mseg) | 1n)) throw new Error('setup.smm: the processor has no IA32_SMM_MONITOR_CTL (IA32_VMX_BASIC[49] = 0)');
  if (smm.dualMonitor === 'enabled') return;
  const executive = s.current!;
  if (smm.dualMonitor === 'executive') {
    m.memory.write32(SMM_MEMORY.transferVmcs, s.caps.revisionId);
    if (vmptrld(cpu, () => BigInt(SMM_MEMORY.transferVmcs)).kind !== 'vmsucceed') throw new Error('setup.smm: VMPTRLD of the SMM-transfer VMCS failed');
    writeCanonical(m);
  }
  // The executive monitor's VMCALL activates the treatment (33.15.6); the STM starts at its entry point.
  runAt(m, SMM_MEMORY.code, [...VMCALL, HLT]);
  if (!dualMonitorActive(cpu) || !smmOf(cpu).inSmm || cpu.ripLo !== STM_ENTRY + 1) throw new Error('setup.smm: VMCALL did not activate the dual-monitor treatment');
  const transfer = s.current!;
  if (smm.dualMonitor === 'stm') { writeCanonical(m); return; }
  // The STM resumes the executive monitor after its VMCALL (33.15.4): VMLAUNCH of the SMM-transfer VMCS with
  // the executive-VMCS pointer = the VMXON pointer (left by the SMM VM exit) and the link pointer = its VMCS.
  transfer.set('GUEST_RIP', transfer.get('GUEST_RIP') + transfer.get('VM_EXIT_INSTRUCTION_LENGTH'));
  transfer.set('VMCS_LINK_POINTER', BigInt(executive.address));
  runAt(m, RETURN_CODE, [...VMLAUNCH, HLT]);
  if (smmOf(cpu).inSmm || s.nonRoot || s.current !== executive || cpu.ripLo !== STM_ENTRY + 1) {
    throw new Error(`setup.smm: the STM's VM entry did not return from SMM to the executive monitor (RIP ${(cpu.ripLo >>> 0).toString(16)}, error ${transfer.get('VM_INSTRUCTION_ERROR')}, exit reason ${transfer.get('EXIT_REASON').toString(16)})`);
  }
}
