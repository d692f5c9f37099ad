// VM-entry checks on the guest-state area (SDM 27.3.1). Each violating case starts from the canonical
// baseline VMCS, makes the smallest change that breaks exactly one condition as the SDM states it, and
// expects that check to be the first failure in SDM order.
import { describe, expect, it } from 'vitest';
import { BASELINE_MEMORY, baselineVmcs } from '../../../conformance/baseline.js';
import {
  ENTRY_CTLS, PIN_CTLS, PROC2_CTLS, PROC_CTLS, VM_ENTRY_CHECKS, type CpuProfile, type VmEntryCheckId,
} from '../../generated/index.js';
import { GUEST_STATE_CHECKS } from './guest-state.js';
import { evaluateEntryChecks, uncheckedIds } from './index.js';
import { ICE_LAKE, SKYLAKE, type Setup, allowCr4, allowEntry, entryContext, withMsrs } from './test-support.js';

const START = { vmcs: baselineVmcs, currentVmcs: BASELINE_MEMORY.vmcsRegion, vmxon: BASELINE_MEMORY.vmxonRegion };
const BUILTIN = [SKYLAKE, ICE_LAKE];

// Architectural bits, written out from the SDM (Vol. 3A 2.5, Vol. 1 3.4.3).
const CR0_PE = 1n, CR0_PG = 1n << 31n, CR4_PAE = 1n << 5n, CR4_VMXE = 1n << 13n, CR4_PCIDE = 1n << 17n;
const CR4_CET = 1n << 23n, CR4_FRED = 1n << 32n;
const RFLAGS_IF = 1n << 9n, RFLAGS_TF = 1n << 8n, RFLAGS_VM = 1n << 17n;
/** Interruption-information words (SDM 25.8.3): valid, type, vector. */
const inject = (type: number, vector: number): bigint => BigInt((1 << 31 >>> 0) + (type << 8) + vector);
const EXT_INT_20H = inject(0, 0x20), NMI = inject(2, 2), UD = inject(3, 6);
const HLT = 1n, SHUTDOWN = 2n, WAIT_FOR_SIPI = 3n;
const STI = 1n, MOV_SS = 2n, SMI = 4n, NMI_BLOCKING = 8n, ENCLAVE = 16n;

// Profile variants for the controls and CR4 bits no built-in profile offers (A.5, A.8).
const CET = allowCr4(allowEntry(SKYLAKE, ENTRY_CTLS.LOAD_CET_STATE), CR4_CET);
const FRED = allowCr4(allowEntry(SKYLAKE, ENTRY_CTLS.LOAD_FRED), CR4_FRED);
const LBR = allowEntry(SKYLAKE, ENTRY_CTLS.LOAD_GUEST_IA32_LBR_CTL);
const PKRS = allowEntry(SKYLAKE, ENTRY_CTLS.LOAD_PKRS);
const UINV = allowEntry(SKYLAKE, ENTRY_CTLS.LOAD_UINV);

// ---- changes to the baseline

const or = (s: Setup, id: string, bits: bigint): void => s.vmcs.set(id, s.vmcs.get(id) | bits);
const andNot = (s: Setup, id: string, bits: bigint): void => s.vmcs.set(id, s.vmcs.get(id) & ~bits);
const entry = (s: Setup, mask: number): void => or(s, 'VM_ENTRY_CONTROLS', BigInt(mask));
const noIa32e = (s: Setup): void => andNot(s, 'VM_ENTRY_CONTROLS', BigInt(ENTRY_CTLS.IA32E_MODE_GUEST));
/** The linear-address width N of the profile. */
const la = (s: Setup): bigint => BigInt(s.caps.profile.cpuid.maxLinearAddressBits);
/** Bit N-1 alone: not canonical (bits 63:N-1 differ). */
const nonCanonical = (s: Setup): bigint => 1n << (la(s) - 1n);

/** Secondary controls on, with "enable EPT" and a valid EPTP (WB, 4-level walk; 25.6.11). */
function secondary(s: Setup, mask: number): void {
  or(s, 'PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS', BigInt(PROC_CTLS.ACTIVATE_SECONDARY_CONTROLS >>> 0));
  or(s, 'SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS', BigInt(mask | PROC2_CTLS.ENABLE_EPT));
  s.vmcs.set('EPT_POINTER', 0x5_0000n | (3n << 3n) | 6n);
}
/** "unrestricted guest" (which requires "enable EPT", 27.2.1.1). */
const unrestricted = (s: Setup): void => secondary(s, PROC2_CTLS.UNRESTRICTED_GUEST);

/** A consistent virtual-8086 guest (27.3.1.2): selectors 1000h, bases 10000h, limits FFFFh, rights F3h. */
function virtual8086(s: Setup): void {
  or(s, 'GUEST_RFLAGS', RFLAGS_VM);
  for (const seg of ['CS', 'SS', 'DS', 'ES', 'FS', 'GS']) {
    s.vmcs.set(`GUEST_${seg}_SELECTOR`, 0x1000n);
    s.vmcs.set(`GUEST_${seg}_BASE`, 0x1_0000n);
    s.vmcs.set(`GUEST_${seg}_LIMIT`, 0xFFFFn);
    s.vmcs.set(`GUEST_${seg}_ACCESS_RIGHTS`, 0xF3n);
  }
}
/** CPL 3 in 64-bit mode: CS 0Bh (64-bit code, DPL 3), SS 13h (data, DPL 3). */
function cpl3(s: Setup): void {
  s.vmcs.set('GUEST_CS_SELECTOR', 0x0Bn);
  s.vmcs.set('GUEST_CS_ACCESS_RIGHTS', 0xA0FBn);
  s.vmcs.set('GUEST_SS_SELECTOR', 0x13n);
  s.vmcs.set('GUEST_SS_ACCESS_RIGHTS', 0xC0F3n);
}
/** A usable LDTR: selector 20h, type 2, P, limit 0. */
function usableLdtr(s: Setup): void {
  s.vmcs.set('GUEST_LDTR_SELECTOR', 0x20n);
  s.vmcs.set('GUEST_LDTR_ACCESS_RIGHTS', 0x82n);
}
/** FRED in IA-32e mode: CR4.FRED = 1. */
const fredOn = (s: Setup): void => or(s, 'GUEST_CR4', CR4_FRED);
/** An interruptibility state (and RFLAGS.IF = 1 so blocking by STI is allowed). */
function blocking(s: Setup, bits: bigint): void {
  or(s, 'GUEST_RFLAGS', RFLAGS_IF);
  s.vmcs.set('GUEST_INTERRUPTIBILITY_STATE', bits);
}
const LINK = 0x5_0000;
/** The VMCS link pointer at a region holding this processor's revision identifier (and shadow bit). */
function linkTo(s: Setup, at: number, shadow = false): void {
  s.memory.write32(at, (s.caps.revisionId | (shadow ? 0x8000_0000 : 0)) >>> 0);
  s.vmcs.set('VMCS_LINK_POINTER', BigInt(at));
}

interface Case {
  readonly id: VmEntryCheckId;
  readonly what: string;
  readonly profiles?: readonly CpuProfile[];
  readonly change: (s: Setup) => void;
}

const SEGMENTS = ['CS', 'SS', 'DS', 'ES', 'FS', 'GS'] as const;
const DATA = ['SS', 'DS', 'ES', 'FS', 'GS'] as const;
const lc = (seg: string): string => seg.toLowerCase();
const arOf = (seg: string): string => `GUEST_${seg}_ACCESS_RIGHTS`;
/** Baseline access rights: CS A09Bh (64-bit code), data C093h. */
const baseAr = (seg: string): bigint => (seg === 'CS' ? 0xA09Bn : 0xC093n);

function segmentCases(): Case[] {
  const cases: Case[] = [];
  const add = (id: string, what: string, change: (s: Setup) => void, profiles?: readonly CpuProfile[]): void => {
    cases.push({ id: id as VmEntryCheckId, what, change, ...(profiles ? { profiles } : {}) });
  };
  for (const seg of SEGMENTS) {
    add(`guest.${lc(seg)}.base.virtual-8086`, `virtual-8086 ${seg} base 10010h for selector 1000h`, (s) => { virtual8086(s); s.vmcs.set(`GUEST_${seg}_BASE`, 0x1_0010n); });
    add(`guest.${lc(seg)}.limit.virtual-8086`, `virtual-8086 ${seg} limit FFFEh`, (s) => { virtual8086(s); s.vmcs.set(`GUEST_${seg}_LIMIT`, 0xFFFEn); });
    add(`guest.${lc(seg)}.access-rights.virtual-8086`, `virtual-8086 ${seg} access rights F2h (type 2)`, (s) => { virtual8086(s); s.vmcs.set(arOf(seg), 0xF2n); });
    add(`guest.${lc(seg)}.access-rights.s`, `${seg} access rights with S = 0`, (s) => s.vmcs.set(arOf(seg), baseAr(seg) & ~0x10n));
    add(`guest.${lc(seg)}.access-rights.p`, `${seg} access rights with P = 0`, (s) => s.vmcs.set(arOf(seg), baseAr(seg) & ~0x80n));
    add(`guest.${lc(seg)}.access-rights.reserved-11-8`, `${seg} access rights bit 8 set`, (s) => or(s, arOf(seg), 0x100n));
    add(`guest.${lc(seg)}.access-rights.reserved-31-17`, `${seg} access rights bit 17 set`, (s) => or(s, arOf(seg), 0x2_0000n));
    add(`guest.${lc(seg)}.access-rights.g-limit-low`, `${seg} limit FFFFF000h with G = 1`, (s) => s.vmcs.set(`GUEST_${seg}_LIMIT`, 0xFFFF_F000n));
    add(`guest.${lc(seg)}.access-rights.g-limit-high`, `${seg} limit FFFFFFFFh with G = 0`, (s) => andNot(s, arOf(seg), 0x8000n));
  }
  for (const seg of ['DS', 'ES', 'FS', 'GS']) {
    add(`guest.${lc(seg)}.access-rights.type-accessed`, `${seg} type 2 (not accessed)`, (s) => s.vmcs.set(arOf(seg), 0xC092n));
    add(`guest.${lc(seg)}.access-rights.type-readable`, `${seg} type 9 (execute-only code)`, (s) => s.vmcs.set(arOf(seg), 0xC099n));
    add(`guest.${lc(seg)}.access-rights.dpl`, `${seg} selector RPL 3 with DPL 0`, (s) => s.vmcs.set(`GUEST_${seg}_SELECTOR`, 0x13n));
  }
  for (const seg of ['TR', 'FS', 'GS']) {
    add(`guest.${lc(seg)}.base.canonical`, `${seg} base with only bit N-1 set`, (s) => s.vmcs.set(`GUEST_${seg}_BASE`, nonCanonical(s)));
  }
  for (const seg of ['CS', 'SS', 'DS', 'ES']) {
    add(`guest.${lc(seg)}.base.upper-bits`, `${seg} base 1_00000000h`, (s) => s.vmcs.set(`GUEST_${seg}_BASE`, 1n << 32n));
  }
  return cases;
}

const CASES: Case[] = [
  // 27.3.1.1
  { id: 'guest.cr0-fixed-bits', what: 'CR0.NE = 0 while IA32_VMX_CR0_FIXED0 bit 5 is 1', change: (s) => andNot(s, 'GUEST_CR0', 1n << 5n) },
  { id: 'guest.cr0.pg-requires-pe', what: 'unrestricted guest with CR0.PG = 1 and PE = 0', change: (s) => { unrestricted(s); andNot(s, 'GUEST_CR0', CR0_PE); } },
  { id: 'guest.cr4-fixed-bits', what: 'CR4.VMXE = 0 while IA32_VMX_CR4_FIXED0 bit 13 is 1', change: (s) => andNot(s, 'GUEST_CR4', CR4_VMXE) },
  { id: 'guest.cr4.cet-requires-cr0-wp', what: 'CR4.CET = 1 with CR0.WP = 0', profiles: [CET], change: (s) => or(s, 'GUEST_CR4', CR4_CET) },
  { id: 'guest.ia32-debugctl.reserved-bits', what: 'load debug controls with IA32_DEBUGCTL bit 16 set', change: (s) => { entry(s, ENTRY_CTLS.LOAD_DEBUG_CONTROLS); s.vmcs.set('GUEST_IA32_DEBUGCTL', 1n << 16n); } },
  { id: 'guest.ia32e-mode.cr0-pg', what: 'IA-32e mode guest with CR0.PG = 0 (unrestricted guest)', change: (s) => { unrestricted(s); andNot(s, 'GUEST_CR0', CR0_PG); } },
  { id: 'guest.ia32e-mode.cr4-pae', what: 'IA-32e mode guest with CR4.PAE = 0', change: (s) => andNot(s, 'GUEST_CR4', CR4_PAE) },
  { id: 'guest.cr4.pcide', what: 'CR4.PCIDE = 1 outside IA-32e mode', change: (s) => { noIa32e(s); or(s, 'GUEST_CR4', CR4_PCIDE); } },
  { id: 'guest.cr4.fred', what: 'CR4.FRED = 1 outside IA-32e mode', profiles: [FRED], change: (s) => { noIa32e(s); fredOn(s); } },
  { id: 'guest.cr3.reserved-bits', what: 'CR3 bit 46 set with MAXPHYADDR 46', change: (s) => or(s, 'GUEST_CR3', 1n << 46n) },
  { id: 'guest.dr7.upper-bits', what: 'load debug controls with DR7 bit 32 set', change: (s) => { entry(s, ENTRY_CTLS.LOAD_DEBUG_CONTROLS); or(s, 'GUEST_DR7', 1n << 32n); } },
  { id: 'guest.ia32-sysenter-esp.canonical', what: 'IA32_SYSENTER_ESP not canonical', change: (s) => s.vmcs.set('GUEST_IA32_SYSENTER_ESP', nonCanonical(s)) },
  { id: 'guest.ia32-sysenter-eip.canonical', what: 'IA32_SYSENTER_EIP not canonical', change: (s) => s.vmcs.set('GUEST_IA32_SYSENTER_EIP', nonCanonical(s)) },
  { id: 'guest.ia32-s-cet.canonical', what: 'load CET state with IA32_S_CET not canonical', profiles: [CET], change: (s) => { entry(s, ENTRY_CTLS.LOAD_CET_STATE); s.vmcs.set('GUEST_IA32_S_CET', nonCanonical(s)); } },
  { id: 'guest.ia32-interrupt-ssp-table-addr.canonical', what: 'load CET state with the SSP table address not canonical', profiles: [CET], change: (s) => { entry(s, ENTRY_CTLS.LOAD_CET_STATE); s.vmcs.set('GUEST_IA32_INTERRUPT_SSP_TABLE_ADDR', nonCanonical(s)); } },
  { id: 'guest.ia32-perf-global-ctrl.reserved-bits', what: 'IA32_PERF_GLOBAL_CTRL enables counter 2 (the model has 2 general-purpose counters, no fixed ones)', change: (s) => { entry(s, ENTRY_CTLS.LOAD_IA32_PERF_GLOBAL_CTRL); s.vmcs.set('GUEST_IA32_PERF_GLOBAL_CTRL', 1n << 2n); } },
  { id: 'guest.ia32-pat.memory-types', what: 'IA32_PAT entry 0 = 2 (reserved memory type)', change: (s) => { entry(s, ENTRY_CTLS.LOAD_IA32_PAT); s.vmcs.set('GUEST_IA32_PAT', 0x0007_0406_0007_0402n); } },
  { id: 'guest.ia32-efer.reserved-bits', what: 'IA32_EFER bit 9 (reserved) set', change: (s) => { entry(s, ENTRY_CTLS.LOAD_IA32_EFER); s.vmcs.set('GUEST_IA32_EFER', 0x500n | (1n << 9n)); } },
  { id: 'guest.ia32-efer.lma', what: 'IA-32e mode guest with IA32_EFER.LMA = 0', change: (s) => { entry(s, ENTRY_CTLS.LOAD_IA32_EFER); s.vmcs.set('GUEST_IA32_EFER', 0x100n); } },
  { id: 'guest.ia32-efer.lme', what: 'CR0.PG = 1 with IA32_EFER.LMA = 1, LME = 0', change: (s) => { entry(s, ENTRY_CTLS.LOAD_IA32_EFER); s.vmcs.set('GUEST_IA32_EFER', 0x400n); } },
  { id: 'guest.ia32-bndcfgs.reserved-bits', what: 'IA32_BNDCFGS bit 2 set', profiles: [SKYLAKE], change: (s) => { entry(s, ENTRY_CTLS.LOAD_IA32_BNDCFGS); s.vmcs.set('GUEST_IA32_BNDCFGS', 4n); } },
  { id: 'guest.ia32-bndcfgs.canonical-base', what: 'IA32_BNDCFGS base not canonical', profiles: [SKYLAKE], change: (s) => { entry(s, ENTRY_CTLS.LOAD_IA32_BNDCFGS); s.vmcs.set('GUEST_IA32_BNDCFGS', nonCanonical(s) | 1n); } },
  { id: 'guest.ia32-rtit-ctl.reserved-bits', what: 'IA32_RTIT_CTL bit 63 set', profiles: [ICE_LAKE], change: (s) => { entry(s, ENTRY_CTLS.LOAD_IA32_RTIT_CTL); s.vmcs.set('GUEST_IA32_RTIT_CTL', 1n << 63n); } },
  { id: 'guest.ia32-s-cet.reserved-bits', what: 'IA32_S_CET bit 6 set', profiles: [CET], change: (s) => { entry(s, ENTRY_CTLS.LOAD_CET_STATE); s.vmcs.set('GUEST_IA32_S_CET', 1n << 6n); } },
  { id: 'guest.ia32-lbr-ctl.reserved-bits', what: 'IA32_LBR_CTL bit 4 set', profiles: [LBR], change: (s) => { entry(s, ENTRY_CTLS.LOAD_GUEST_IA32_LBR_CTL); s.vmcs.set('GUEST_IA32_LBR_CTL', 1n << 4n); } },
  { id: 'guest.ia32-pkrs.reserved-bits', what: 'IA32_PKRS bit 32 set', profiles: [PKRS], change: (s) => { entry(s, ENTRY_CTLS.LOAD_PKRS); s.vmcs.set('GUEST_IA32_PKRS', 1n << 32n); } },
  { id: 'guest.ia32-fred-config.reserved-bits', what: 'IA32_FRED_CONFIG bit 2 set', profiles: [FRED], change: (s) => { entry(s, ENTRY_CTLS.LOAD_FRED); s.vmcs.set('GUEST_IA32_FRED_CONFIG', 4n); } },
  { id: 'guest.ia32-fred-config.canonical', what: 'IA32_FRED_CONFIG entry point not canonical', profiles: [FRED], change: (s) => { entry(s, ENTRY_CTLS.LOAD_FRED); s.vmcs.set('GUEST_IA32_FRED_CONFIG', nonCanonical(s)); } },
  { id: 'guest.ia32-fred-rsp.aligned', what: 'IA32_FRED_RSP2 = 8', profiles: [FRED], change: (s) => { entry(s, ENTRY_CTLS.LOAD_FRED); s.vmcs.set('GUEST_IA32_FRED_RSP2', 8n); } },
  { id: 'guest.ia32-fred-rsp.canonical', what: 'IA32_FRED_RSP3 not canonical', profiles: [FRED], change: (s) => { entry(s, ENTRY_CTLS.LOAD_FRED); s.vmcs.set('GUEST_IA32_FRED_RSP3', nonCanonical(s)); } },
  { id: 'guest.ia32-fred-ssp.aligned', what: 'IA32_FRED_SSP1 = 4', profiles: [FRED], change: (s) => { entry(s, ENTRY_CTLS.LOAD_FRED); s.vmcs.set('GUEST_IA32_FRED_SSP1', 4n); } },
  { id: 'guest.ia32-fred-ssp.canonical', what: 'IA32_FRED_SSP2 not canonical', profiles: [FRED], change: (s) => { entry(s, ENTRY_CTLS.LOAD_FRED); s.vmcs.set('GUEST_IA32_FRED_SSP2', nonCanonical(s)); } },

  // 27.3.1.2
  { id: 'guest.tr.selector.ti', what: 'TR selector 1Ch (TI = 1)', change: (s) => s.vmcs.set('GUEST_TR_SELECTOR', 0x1Cn) },
  { id: 'guest.ldtr.selector.ti', what: 'usable LDTR with selector 24h (TI = 1)', change: (s) => { usableLdtr(s); s.vmcs.set('GUEST_LDTR_SELECTOR', 0x24n); } },
  { id: 'guest.ss.selector.rpl', what: 'SS selector RPL 3 with CS RPL 0', change: (s) => s.vmcs.set('GUEST_SS_SELECTOR', 0x13n) },
  ...segmentCases(),
  { id: 'guest.ldtr.base.canonical', what: 'usable LDTR with a base that is not canonical', change: (s) => { usableLdtr(s); s.vmcs.set('GUEST_LDTR_BASE', nonCanonical(s)); } },
  { id: 'guest.cs.access-rights.type', what: 'CS type 8 (code, not accessed)', change: (s) => s.vmcs.set('GUEST_CS_ACCESS_RIGHTS', 0xA098n) },
  { id: 'guest.ss.access-rights.type', what: 'SS type 1 (read-only data)', change: (s) => s.vmcs.set('GUEST_SS_ACCESS_RIGHTS', 0xC091n) },
  { id: 'guest.cs.access-rights.dpl-data-segment', what: 'unrestricted guest with a type-3 CS of DPL 3', change: (s) => { unrestricted(s); s.vmcs.set('GUEST_CS_ACCESS_RIGHTS', 0xC0F3n); } },
  { id: 'guest.cs.access-rights.dpl-non-conforming', what: 'non-conforming CS DPL 3 with SS DPL 0', change: (s) => s.vmcs.set('GUEST_CS_ACCESS_RIGHTS', 0xA0FBn) },
  { id: 'guest.cs.access-rights.dpl-conforming', what: 'conforming CS DPL 3 with SS DPL 0', change: (s) => s.vmcs.set('GUEST_CS_ACCESS_RIGHTS', 0xA0FFn) },
  { id: 'guest.ss.access-rights.dpl-equals-rpl', what: 'SS DPL 3 with RPL 0 (conforming CS of DPL 0)', change: (s) => { s.vmcs.set('GUEST_CS_ACCESS_RIGHTS', 0xA09Fn); s.vmcs.set('GUEST_SS_ACCESS_RIGHTS', 0xC0F3n); } },
  { id: 'guest.ss.access-rights.dpl-zero', what: 'unrestricted guest with a type-3 CS and SS DPL 3', change: (s) => { unrestricted(s); s.vmcs.set('GUEST_CS_ACCESS_RIGHTS', 0xC093n); s.vmcs.set('GUEST_SS_ACCESS_RIGHTS', 0xC0F3n); } },
  { id: 'guest.cs.access-rights.db', what: '64-bit CS with D/B = 1', change: (s) => or(s, 'GUEST_CS_ACCESS_RIGHTS', 0x4000n) },
  { id: 'guest.ss.access-rights.dpl-fred', what: 'FRED with CPL 1', profiles: [FRED], change: (s) => {
    fredOn(s);
    s.vmcs.set('GUEST_CS_SELECTOR', 0x09n); s.vmcs.set('GUEST_CS_ACCESS_RIGHTS', 0xA0BBn);
    s.vmcs.set('GUEST_SS_SELECTOR', 0x11n); s.vmcs.set('GUEST_SS_ACCESS_RIGHTS', 0xC0B3n);
  } },
  { id: 'guest.cs.access-rights.l-fred', what: 'FRED with CPL 0 in compatibility mode (CS.L = 0)', profiles: [FRED], change: (s) => { fredOn(s); s.vmcs.set('GUEST_CS_ACCESS_RIGHTS', 0xC09Bn); } },
  { id: 'guest.tr.access-rights.type', what: 'TR type 9 (available TSS) outside IA-32e mode', change: (s) => { noIa32e(s); s.vmcs.set('GUEST_TR_ACCESS_RIGHTS', 0x89n); } },
  { id: 'guest.tr.access-rights.type-ia32e', what: 'TR type 3 (16-bit busy TSS) in IA-32e mode', change: (s) => s.vmcs.set('GUEST_TR_ACCESS_RIGHTS', 0x83n) },
  { id: 'guest.tr.access-rights.s', what: 'TR with S = 1', change: (s) => s.vmcs.set('GUEST_TR_ACCESS_RIGHTS', 0x9Bn) },
  { id: 'guest.tr.access-rights.p', what: 'TR with P = 0', change: (s) => s.vmcs.set('GUEST_TR_ACCESS_RIGHTS', 0x0Bn) },
  { id: 'guest.tr.access-rights.reserved-11-8', what: 'TR access rights bit 8 set', change: (s) => s.vmcs.set('GUEST_TR_ACCESS_RIGHTS', 0x18Bn) },
  { id: 'guest.tr.access-rights.g-limit-low', what: 'TR limit 67h with G = 1', change: (s) => s.vmcs.set('GUEST_TR_ACCESS_RIGHTS', 0x808Bn) },
  { id: 'guest.tr.access-rights.g-limit-high', what: 'TR limit 100000h with G = 0', change: (s) => s.vmcs.set('GUEST_TR_LIMIT', 0x10_0000n) },
  { id: 'guest.tr.access-rights.unusable', what: 'TR unusable', change: (s) => s.vmcs.set('GUEST_TR_ACCESS_RIGHTS', 0x1_008Bn) },
  { id: 'guest.tr.access-rights.reserved-31-17', what: 'TR access rights bit 17 set', change: (s) => s.vmcs.set('GUEST_TR_ACCESS_RIGHTS', 0x2_008Bn) },
  { id: 'guest.ldtr.access-rights.type', what: 'usable LDTR of type 3', change: (s) => { usableLdtr(s); s.vmcs.set('GUEST_LDTR_ACCESS_RIGHTS', 0x83n); } },
  { id: 'guest.ldtr.access-rights.s', what: 'usable LDTR with S = 1', change: (s) => { usableLdtr(s); s.vmcs.set('GUEST_LDTR_ACCESS_RIGHTS', 0x92n); } },
  { id: 'guest.ldtr.access-rights.p', what: 'usable LDTR with P = 0', change: (s) => { usableLdtr(s); s.vmcs.set('GUEST_LDTR_ACCESS_RIGHTS', 0x02n); } },
  { id: 'guest.ldtr.access-rights.reserved-11-8', what: 'usable LDTR with access-rights bit 8', change: (s) => { usableLdtr(s); s.vmcs.set('GUEST_LDTR_ACCESS_RIGHTS', 0x182n); } },
  { id: 'guest.ldtr.access-rights.g-limit-low', what: 'usable LDTR, limit 0 with G = 1', change: (s) => { usableLdtr(s); s.vmcs.set('GUEST_LDTR_ACCESS_RIGHTS', 0x8082n); } },
  { id: 'guest.ldtr.access-rights.g-limit-high', what: 'usable LDTR, limit 100000h with G = 0', change: (s) => { usableLdtr(s); s.vmcs.set('GUEST_LDTR_LIMIT', 0x10_0000n); } },
  { id: 'guest.ldtr.access-rights.reserved-31-17', what: 'usable LDTR with access-rights bit 17', change: (s) => { usableLdtr(s); s.vmcs.set('GUEST_LDTR_ACCESS_RIGHTS', 0x2_0082n); } },

  // 27.3.1.3
  { id: 'guest.gdtr.base.canonical', what: 'GDTR base not canonical', change: (s) => s.vmcs.set('GUEST_GDTR_BASE', nonCanonical(s)) },
  { id: 'guest.idtr.base.canonical', what: 'IDTR base not canonical', change: (s) => s.vmcs.set('GUEST_IDTR_BASE', nonCanonical(s)) },
  { id: 'guest.gdtr.limit.upper-bits', what: 'GDTR limit 10000h', change: (s) => s.vmcs.set('GUEST_GDTR_LIMIT', 0x1_0000n) },
  { id: 'guest.idtr.limit.upper-bits', what: 'IDTR limit 10000h', change: (s) => s.vmcs.set('GUEST_IDTR_LIMIT', 0x1_0000n) },

  // 27.3.1.4
  { id: 'guest.rip.upper-bits', what: 'compatibility-mode CS (L = 0) with RIP bit 32 set', change: (s) => { s.vmcs.set('GUEST_CS_ACCESS_RIGHTS', 0xC09Bn); or(s, 'GUEST_RIP', 1n << 32n); } },
  { id: 'guest.rip.canonical', what: '64-bit RIP with bit N set (bits 63:N differ)', change: (s) => or(s, 'GUEST_RIP', 1n << la(s)) },
  { id: 'guest.rflags.reserved-bits', what: 'RFLAGS bit 3 set', change: (s) => or(s, 'GUEST_RFLAGS', 8n) },
  { id: 'guest.rflags.vm.ia32e-mode', what: 'RFLAGS.VM = 1 with IA-32e mode guest', change: (s) => virtual8086(s) },
  { id: 'guest.rflags.vm.protected-mode', what: 'RFLAGS.VM = 1 with CR0.PE = 0 (unrestricted guest, no paging)', change: (s) => {
    unrestricted(s); noIa32e(s); andNot(s, 'GUEST_CR0', CR0_PE | CR0_PG); virtual8086(s);
  } },
  { id: 'guest.rflags.if-external-interrupt', what: 'injecting external interrupt 20h with IF = 0', change: (s) => s.vmcs.set('VM_ENTRY_INTERRUPTION_INFORMATION', EXT_INT_20H) },
  { id: 'guest.rflags.iopl-fred', what: 'FRED at CPL 3 with IOPL 3', profiles: [FRED], change: (s) => { fredOn(s); cpl3(s); or(s, 'GUEST_RFLAGS', 3n << 12n); } },
  { id: 'guest.ssp.alignment', what: 'load CET state with SSP = 1', profiles: [CET], change: (s) => { entry(s, ENTRY_CTLS.LOAD_CET_STATE); s.vmcs.set('GUEST_SSP', 1n); } },
  { id: 'guest.ssp.canonical', what: 'load CET state with SSP bit N set', profiles: [CET], change: (s) => { entry(s, ENTRY_CTLS.LOAD_CET_STATE); s.vmcs.set('GUEST_SSP', 1n << la(s)); } },

  // 27.3.1.5
  { id: 'guest.activity-state.supported', what: 'activity state 4 (not defined)', change: (s) => s.vmcs.set('GUEST_ACTIVITY_STATE', 4n) },
  { id: 'guest.activity-state.hlt-requires-ss-dpl-0', what: 'HLT at CPL 3', change: (s) => { cpl3(s); s.vmcs.set('GUEST_ACTIVITY_STATE', HLT); } },
  { id: 'guest.activity-state.active-when-sti-or-mov-ss-blocking', what: 'HLT with blocking by MOV SS', change: (s) => { blocking(s, MOV_SS); s.vmcs.set('GUEST_ACTIVITY_STATE', HLT); } },
  { id: 'guest.activity-state.hlt-injection', what: 'HLT injecting #UD', change: (s) => { s.vmcs.set('GUEST_ACTIVITY_STATE', HLT); s.vmcs.set('VM_ENTRY_INTERRUPTION_INFORMATION', UD); } },
  { id: 'guest.activity-state.shutdown-injection', what: 'shutdown injecting an external interrupt', change: (s) => {
    or(s, 'GUEST_RFLAGS', RFLAGS_IF); s.vmcs.set('GUEST_ACTIVITY_STATE', SHUTDOWN); s.vmcs.set('VM_ENTRY_INTERRUPTION_INFORMATION', EXT_INT_20H);
  } },
  { id: 'guest.activity-state.wait-for-sipi-injection', what: 'wait-for-SIPI injecting an NMI', change: (s) => { s.vmcs.set('GUEST_ACTIVITY_STATE', WAIT_FOR_SIPI); s.vmcs.set('VM_ENTRY_INTERRUPTION_INFORMATION', NMI); } },
  { id: 'guest.activity-state.wait-for-sipi-entry-to-smm', what: 'entry to SMM into wait-for-SIPI', change: (s) => {
    s.inSmm = true; entry(s, ENTRY_CTLS.ENTRY_TO_SMM); blocking(s, SMI); s.vmcs.set('GUEST_ACTIVITY_STATE', WAIT_FOR_SIPI);
  } },
  { id: 'guest.interruptibility-state.reserved-bits', what: 'interruptibility bit 5 set', change: (s) => s.vmcs.set('GUEST_INTERRUPTIBILITY_STATE', 0x20n) },
  { id: 'guest.interruptibility-state.sti-and-mov-ss', what: 'blocking by STI and by MOV SS', change: (s) => blocking(s, STI | MOV_SS) },
  { id: 'guest.interruptibility-state.sti-requires-if', what: 'blocking by STI with IF = 0', change: (s) => s.vmcs.set('GUEST_INTERRUPTIBILITY_STATE', STI) },
  { id: 'guest.interruptibility-state.external-interrupt-injection', what: 'injecting an external interrupt under MOV SS blocking', change: (s) => { blocking(s, MOV_SS); s.vmcs.set('VM_ENTRY_INTERRUPTION_INFORMATION', EXT_INT_20H); } },
  { id: 'guest.interruptibility-state.mov-ss-nmi-injection', what: 'injecting an NMI under MOV SS blocking', change: (s) => { blocking(s, MOV_SS); s.vmcs.set('VM_ENTRY_INTERRUPTION_INFORMATION', NMI); } },
  { id: 'guest.interruptibility-state.smi-blocking-outside-smm', what: 'blocking by SMI outside SMM', change: (s) => blocking(s, SMI) },
  { id: 'guest.interruptibility-state.smi-blocking-entry-to-smm', what: 'entry to SMM without blocking by SMI', change: (s) => { s.inSmm = true; entry(s, ENTRY_CTLS.ENTRY_TO_SMM); } },
  { id: 'guest.interruptibility-state.sti-nmi-injection', what: 'injecting an NMI under STI blocking (the modelled processors refuse it)', change: (s) => { blocking(s, STI); s.vmcs.set('VM_ENTRY_INTERRUPTION_INFORMATION', NMI); } },
  { id: 'guest.interruptibility-state.nmi-blocking-virtual-nmis', what: 'virtual NMIs, injecting an NMI with blocking by NMI', change: (s) => {
    or(s, 'PIN_BASED_VM_EXECUTION_CONTROLS', BigInt(PIN_CTLS.NMI_EXITING | PIN_CTLS.VIRTUAL_NMIS));
    blocking(s, NMI_BLOCKING); s.vmcs.set('VM_ENTRY_INTERRUPTION_INFORMATION', NMI);
  } },
  { id: 'guest.interruptibility-state.enclave-interruption.mov-ss', what: 'enclave interruption with MOV SS blocking', change: (s) => blocking(s, ENCLAVE | MOV_SS) },
  { id: 'guest.interruptibility-state.enclave-interruption.sgx', what: 'enclave interruption on a processor without SGX (no ENCLS exiting)', profiles: [SKYLAKE], change: (s) => blocking(s, ENCLAVE) },
  { id: 'guest.interruptibility-state.sti-fred', what: 'FRED at CPL 3 with blocking by STI', profiles: [FRED], change: (s) => { fredOn(s); cpl3(s); blocking(s, STI); } },
  { id: 'guest.pending-debug-exceptions.reserved-bits', what: 'pending debug exceptions bit 4 set', change: (s) => s.vmcs.set('GUEST_PENDING_DEBUG_EXCEPTIONS', 0x10n) },
  { id: 'guest.pending-debug-exceptions.bs-set', what: 'STI blocking, TF = 1, BTF = 0 and BS = 0', change: (s) => { blocking(s, STI); or(s, 'GUEST_RFLAGS', RFLAGS_TF); } },
  { id: 'guest.pending-debug-exceptions.bs-clear', what: 'STI blocking, TF = 0 and BS = 1', change: (s) => { blocking(s, STI); s.vmcs.set('GUEST_PENDING_DEBUG_EXCEPTIONS', 1n << 14n); } },
  { id: 'guest.pending-debug-exceptions.rtm.bits', what: 'RTM = 1 without the enabled-breakpoint bit', change: (s) => s.vmcs.set('GUEST_PENDING_DEBUG_EXCEPTIONS', 1n << 16n) },
  { id: 'guest.pending-debug-exceptions.rtm.supported', what: 'RTM = 1 and bit 12 = 1 (no profile enumerates RTM)', change: (s) => s.vmcs.set('GUEST_PENDING_DEBUG_EXCEPTIONS', 0x1_1000n) },
  { id: 'guest.vmcs-link-pointer.aligned', what: 'link pointer 50800h', change: (s) => s.vmcs.set('VMCS_LINK_POINTER', 0x5_0800n) },
  { id: 'guest.vmcs-link-pointer.width', what: 'link pointer with bit 46 set (MAXPHYADDR 46)', change: (s) => s.vmcs.set('VMCS_LINK_POINTER', 1n << 46n) },
  { id: 'guest.vmcs-link-pointer.revision-id', what: 'link pointer to a region holding revision 0', change: (s) => s.vmcs.set('VMCS_LINK_POINTER', BigInt(LINK)) },
  { id: 'guest.vmcs-link-pointer.shadow-indicator', what: 'linked region marked shadow while VMCS shadowing is 0', change: (s) => linkTo(s, LINK, true) },
  { id: 'guest.vmcs-link-pointer.not-current-vmcs', what: 'link pointer equal to the current VMCS', change: (s) => linkTo(s, BASELINE_MEMORY.vmcsRegion) },
  { id: 'guest.vmcs-link-pointer.not-executive-vmcs', what: 'in SMM, link pointer equal to the executive-VMCS pointer', change: (s) => {
    s.inSmm = true; linkTo(s, LINK); s.vmcs.set('EXECUTIVE_VMCS_POINTER', BigInt(LINK));
  } },
  { id: 'guest.uinv.reserved-bits', what: 'load UINV with UINV 100h', profiles: [UINV], change: (s) => { entry(s, ENTRY_CTLS.LOAD_UINV); s.vmcs.set('GUEST_UINV', 0x100n); } },

  // 27.3.1.6
  { id: 'guest.pdptes.memory', what: 'PAE paging without EPT, PDPTE0 in memory present with bit 1 set', change: (s) => {
    noIa32e(s); s.memory.write64(BASELINE_MEMORY.pageTables, 0x3n);
  } },
  { id: 'guest.pdptes.fields', what: 'PAE paging with EPT, PDPTE2 field present with bit 5 set', change: (s) => {
    secondary(s, 0); noIa32e(s); s.vmcs.set('GUEST_PDPTE2', 0x21n);
  } },
];

function firstFailure(profile: CpuProfile, change: (s: Setup) => void): string {
  const r = evaluateEntryChecks(entryContext(START, profile, change));
  return r.kind === 'pass' ? 'pass' : r.check.id;
}

const guestIds = VM_ENTRY_CHECKS.filter((c) => c.id.startsWith('guest.')).map((c) => c.id);

describe('guest-state checks: the baseline passes (SDM 27.3.1)', () => {
  for (const profile of BUILTIN) {
    it(`every guest-state predicate holds for the baseline on ${profile.id}`, () => {
      const ctx = entryContext(START, profile);
      const failing = Object.entries(GUEST_STATE_CHECKS).filter(([, p]) => !p(ctx)).map(([id]) => id);
      expect(failing).toEqual([]);
    });
  }
});

describe('guest-state checks: each violation is the first failure (SDM 27.3.1)', () => {
  for (const c of CASES) {
    for (const profile of c.profiles ?? BUILTIN) {
      it(`${c.id} (${c.what}) on ${profile.id}`, () => {
        expect(firstFailure(profile, c.change)).toBe(c.id);
      });
    }
  }

  it('guest.pending-debug-exceptions.rtm.mov-ss cannot be the first failure: no profile enumerates RTM, so rtm.supported fails before it; the predicate itself refuses MOV SS blocking with RTM set', () => {
    const change = (s: Setup): void => { blocking(s, MOV_SS); s.vmcs.set('GUEST_PENDING_DEBUG_EXCEPTIONS', 0x1_1000n); };
    const ctx = entryContext(START, SKYLAKE, change);
    expect(GUEST_STATE_CHECKS['guest.pending-debug-exceptions.rtm.mov-ss']!(ctx)).toBe(false);
    expect(firstFailure(SKYLAKE, change)).toBe('guest.pending-debug-exceptions.rtm.supported');
  });
});

describe('guest-state checks: when a check does not apply (SDM 27.3.1)', () => {
  const holds = (id: VmEntryCheckId, profile: CpuProfile, change: (s: Setup) => void): boolean =>
    GUEST_STATE_CHECKS[id]!(entryContext(START, profile, change));

  it('an unusable DS is not checked: type 0 with P = 0 passes', () => {
    expect(firstFailure(SKYLAKE, (s) => s.vmcs.set('GUEST_DS_ACCESS_RIGHTS', 0x1_0000n))).toBe('pass');
  });
  it('an unusable CS is still checked (27.3.1.2): unusable with P = 0 fails the P check', () => {
    expect(firstFailure(SKYLAKE, (s) => s.vmcs.set('GUEST_CS_ACCESS_RIGHTS', 0x1_A01Bn))).toBe('guest.cs.access-rights.p');
  });
  it('with unrestricted guest CR0.PE = 0 and PG = 0 pass the fixed-bit check outside IA-32e mode', () => {
    expect(holds('guest.cr0-fixed-bits', SKYLAKE, (s) => { unrestricted(s); noIa32e(s); andNot(s, 'GUEST_CR0', CR0_PE | CR0_PG); })).toBe(true);
  });
  it('CR0.NW and CR0.CD are never checked against the fixed bits', () => {
    expect(holds('guest.cr0-fixed-bits', SKYLAKE, (s) => or(s, 'GUEST_CR0', 3n << 29n))).toBe(true);
  });
  it('secondary controls count only while "activate secondary controls" is 1 (25.6.2)', () => {
    const change = (s: Setup): void => { unrestricted(s); andNot(s, 'PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS', BigInt(PROC_CTLS.ACTIVATE_SECONDARY_CONTROLS >>> 0)); andNot(s, 'GUEST_CR0', CR0_PE); };
    expect(holds('guest.cr0-fixed-bits', SKYLAKE, change)).toBe(false);
  });
  it('with EPT the PDPTEs in memory are not checked; the fields are', () => {
    const change = (s: Setup): void => { secondary(s, 0); noIa32e(s); s.memory.write64(BASELINE_MEMORY.pageTables, 0x3n); };
    expect(firstFailure(SKYLAKE, change)).toBe('pass');
  });
  it('a non-present PDPTE may hold anything', () => {
    expect(firstFailure(SKYLAKE, (s) => { noIa32e(s); s.memory.write64(BASELINE_MEMORY.pageTables, 0xFFFF_FFFF_FFFF_FFFEn); })).toBe('pass');
  });
  it('a link pointer to a shadow VMCS passes with VMCS shadowing on', () => {
    expect(firstFailure(SKYLAKE, (s) => { secondary(s, PROC2_CTLS.VMCS_SHADOWING); s.vmcs.set('VMREAD_BITMAP_ADDRESS', 0x6_0000n); s.vmcs.set('VMWRITE_BITMAP_ADDRESS', 0x6_1000n); linkTo(s, LINK, true); })).toBe('pass');
  });
  it('an activity state IA32_VMX_MISC does not report is refused (A.6)', () => {
    const noHlt = withMsrs(SKYLAKE, { IA32_VMX_MISC: (o) => o & ~(1n << 6n) });
    expect(firstFailure(noHlt, (s) => s.vmcs.set('GUEST_ACTIVITY_STATE', HLT))).toBe('guest.activity-state.supported');
    expect(firstFailure(SKYLAKE, (s) => s.vmcs.set('GUEST_ACTIVITY_STATE', HLT))).toBe('pass');
  });
  it('enclave interruption passes on a processor with SGX (ENCLS exiting offered)', () => {
    expect(firstFailure(ICE_LAKE, (s) => blocking(s, ENCLAVE))).toBe('pass');
  });
  it('a consistent virtual-8086 guest outside IA-32e mode passes the segment checks', () => {
    expect(firstFailure(SKYLAKE, (s) => { noIa32e(s); virtual8086(s); })).toBe('pass');
  });
  it('RIP bits 63:N identical but bit N-1 different is accepted (27.3.1.4 checks 63:N, not canonicality)', () => {
    expect(holds('guest.rip.canonical', SKYLAKE, (s) => s.vmcs.set('GUEST_RIP', nonCanonical(s)))).toBe(true);
  });
});

describe('guest-state checks: coverage of the catalogue', () => {
  it('every guest-state check id of the catalogue has a predicate', () => {
    expect(guestIds.filter((id) => GUEST_STATE_CHECKS[id] === undefined)).toEqual([]);
    expect(guestIds.length).toBe(182);
  });
  it('the checks index reports no guest-state or MSR-load id without a predicate', () => {
    expect(uncheckedIds().filter((id) => id.startsWith('guest.') || id.startsWith('msr-load.'))).toEqual([]);
  });
  it('every predicate is keyed by a guest-state catalogue id', () => {
    expect(Object.keys(GUEST_STATE_CHECKS).filter((id) => !guestIds.includes(id as VmEntryCheckId))).toEqual([]);
  });
  it('every guest-state id has a violating case', () => {
    const covered = new Set<string>([...CASES.map((c) => c.id), 'guest.pending-debug-exceptions.rtm.mov-ss']);
    expect(guestIds.filter((id) => !covered.has(id))).toEqual([]);
  });
});

