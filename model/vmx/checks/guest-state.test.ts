// VM-entry checks on the guest-state area (SDM 27.3.1). Each violating case starts from the canonical
// baseline VMCS, makes the smallest change that breaks exactly one condition as the SDM states it, and
// expects that check to be the first failure in SDM order. The changes are the hand-derived recipes in
// conformance/generators/entry-check-recipes.ts, which the conformance suite shares.
import { describe, expect, it } from 'vitest';
import { BASELINE_MEMORY, baselineVmcs } from '../../../conformance/baseline.js';
import {
  ENTRY_CTLS, PROC2_CTLS, PROC_CTLS, VM_ENTRY_CHECKS, type CpuProfile, type VmEntryCheckId,
} from '../../generated/index.js';
import { GUEST_STATE_CHECKS } from './guest-state.js';
import { evaluateEntryChecks, uncheckedIds } from './index.js';
import { GUEST_NEVER_FIRST, GUEST_RECIPES } from '../../../conformance/generators/entry-check-recipes.js';
import { BUILTIN, ICE_LAKE, SKYLAKE, type Setup, applyRecipe, entryContext, recipeProfiles, withMsrs } from '../../../conformance/harness/entry-checks.js';

const START = { vmcs: baselineVmcs, currentVmcs: BASELINE_MEMORY.vmcsRegion, vmxon: BASELINE_MEMORY.vmxonRegion };

// Architectural bits, written out from the SDM (Vol. 3A 2.5, Vol. 1 3.4.3).
const CR0_PE = 1n, CR0_PG = 1n << 31n;
const RFLAGS_IF = 1n << 9n, RFLAGS_VM = 1n << 17n;
const HLT = 1n;
const MOV_SS = 2n, ENCLAVE = 16n;

// ---- changes to the baseline

const or = (s: Setup, id: string, bits: bigint): void => s.vmcs.set(id, s.vmcs.get(id) | bits);
const andNot = (s: Setup, id: string, bits: bigint): void => s.vmcs.set(id, s.vmcs.get(id) & ~bits);
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

/** The hand-derived violation recipes of the guest-state checks (shared with the conformance suite). */
const RECIPES = GUEST_RECIPES;

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
  for (const r of RECIPES) {
    for (const profile of recipeProfiles(r)) {
      it(`${r.check} (${r.how}) on ${profile.id}`, () => {
        expect(firstFailure(profile, (s) => applyRecipe(s, r))).toBe(r.check);
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
    expect(guestIds.length).toBe(183);
  });
  it('the checks index reports no guest-state or MSR-load id without a predicate', () => {
    expect(uncheckedIds().filter((id) => id.startsWith('guest.') || id.startsWith('msr-load.'))).toEqual([]);
  });
  it('every predicate is keyed by a guest-state catalogue id', () => {
    expect(Object.keys(GUEST_STATE_CHECKS).filter((id) => !guestIds.includes(id as VmEntryCheckId))).toEqual([]);
  });
  it('every guest-state id has a violating case', () => {
    const covered = new Set<string>([...RECIPES.map((r) => r.check), ...GUEST_NEVER_FIRST]);
    expect(guestIds.filter((id) => !covered.has(id))).toEqual([]);
  });
});

