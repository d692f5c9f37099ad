// VM-entry checks on the host-state area (SDM 27.2.2 control registers and MSRs, 27.2.3 segment and
// descriptor-table registers, 27.2.4 address-space size): the baseline passes; each check id fails first
// for the smallest change that breaks its condition (the hand-derived recipes in
// conformance/generators/entry-check-recipes.ts, which the conformance suite shares).
import { describe, expect, it } from 'vitest';
import {
  type CpuProfile, VM_ENTRY_CHECKS, type VmEntryCheckId,
} from '../../generated/index.js';
import { checkProfileConsistency } from '../../profile/consistency.js';
import { BASELINE_MEMORY, baselineVmcs } from '../../../conformance/baseline.js';
import { HOST_STATE_CHECKS } from './host-state.js';
import { type EntryContext, evaluateEntryChecks } from './index.js';
import { HOST_NEVER_FIRST, HOST_RECIPES } from '../../../conformance/generators/entry-check-recipes.js';
import { BUILTIN, ICE_LAKE, MAXIMAL, SKYLAKE, applyRecipe, entryContext, recipeProfiles, variant } from '../../../conformance/harness/entry-checks.js';
import { type Tools, context, controlField, tools } from '../../../conformance/harness/entry-checks.js';

const START = { vmcs: baselineVmcs, currentVmcs: BASELINE_MEMORY.vmcsRegion, vmxon: BASELINE_MEMORY.vmxonRegion };

// ---- profiles

const skylake = SKYLAKE;
const iceLake = ICE_LAKE;
const maximal = MAXIMAL;
const msr = (p: CpuProfile, id: string): bigint => BigInt(p.msrs[id] ?? '0');

// ---- cases

function firstFailure(ctx: EntryContext): VmEntryCheckId | 'pass' {
  const r = evaluateEntryChecks(ctx, 'controls-and-host');
  return r.kind === 'pass' ? 'pass' : r.check.id;
}

/** The processor's IA32_EFER.LMA when it executes VMLAUNCH/VMRESUME (SDM 27.2.4), carried as `ia32eMode`. */
type ModeContext = EntryContext & { readonly ia32eMode?: boolean };

const CANONICAL_BREAKER = 1n << 60n; // bits 63:47 (or 63:56) not all equal: non-canonical at 48 and 57 bits
const EFER_LME = 1n << 8n, EFER_LMA = 1n << 10n;

/** A host with "host address-space size" 0 and a guest that is not IA-32e: a legacy (32-bit) host. */
const legacyHost = (t: Tools): void => { t.disable('exit.HOST_ADDRESS_SPACE_SIZE'); t.disable('entry.IA32E_MODE_GUEST'); };

/** The hand-derived violation recipes of the host-state checks (shared with the conformance suite). */
const RECIPES = HOST_RECIPES;

/** A processor without Intel 64: neither "host address-space size" nor "IA-32e mode guest" may be 1 (A.4.1, A.5). */
const HASS_BIT = 32n + 9n, IA32E_GUEST_BIT = 32n + 9n;
const noIntel64 = variant(skylake, 'no-intel64', {
  IA32_VMX_EXIT_CTLS: msr(skylake, 'IA32_VMX_EXIT_CTLS') & ~(1n << HASS_BIT),
  IA32_VMX_TRUE_EXIT_CTLS: msr(skylake, 'IA32_VMX_TRUE_EXIT_CTLS') & ~(1n << HASS_BIT),
  IA32_VMX_ENTRY_CTLS: msr(skylake, 'IA32_VMX_ENTRY_CTLS') & ~(1n << IA32E_GUEST_BIT),
  IA32_VMX_TRUE_ENTRY_CTLS: msr(skylake, 'IA32_VMX_TRUE_ENTRY_CTLS') & ~(1n << IA32E_GUEST_BIT),
});

const hostIds = VM_ENTRY_CHECKS.filter((c) => c.id.startsWith('host.')).map((c) => c.id);
const NEVER_FIRST: readonly VmEntryCheckId[] = HOST_NEVER_FIRST;

describe('the test profiles are consistent processors (SDM Appendix A)', () => {
  it.each([maximal, noIntel64].map((p) => [p.id, p] as const))('%s', (_id, p) => {
    expect(checkProfileConsistency(p)).toEqual([]);
  });
});

describe('the baseline VMCS passes every host-state check (SDM 27.2.2-27.2.4)', () => {
  it.each([...BUILTIN, maximal].map((p) => [p.id, p] as const))('%s', (_id, p) => {
    const ctx = context(tools(p));
    expect(hostIds.filter((id) => !HOST_STATE_CHECKS[id]!(ctx))).toEqual([]);
    expect(firstFailure(ctx)).toBe('pass');
    const inLongMode: ModeContext = { ...ctx, ia32eMode: true };
    expect(firstFailure(inLongMode)).toBe('pass');
  });
});

describe('each host-state check fails first for the smallest change that violates it (SDM 27.2.2-27.2.4)', () => {
  const rows = RECIPES.flatMap((r) => recipeProfiles(r).map((p) => [r.check, r.how, p.id, r, p] as const));
  it.each(rows)('%s: %s (%s)', (_id, _how, _pid, r, p) => {
    const ctx: ModeContext = entryContext(START, p, (s) => applyRecipe(s, r));
    expect(firstFailure(ctx)).toBe(r.check);
  });

  it('every host-state check id has a case, except those no consistent processor lets fail first', () => {
    expect(hostIds.filter((id) => !RECIPES.some((r) => r.check === id) && !NEVER_FIRST.includes(id))).toEqual([]);
  });
});

describe('host.no-intel64.*: cannot fail first on a consistent processor (SDM 27.2.4, A.4.1, A.5)', () => {
  it('"host address-space size" 1 without Intel 64 violates the check, but exit.reserved-bits fails earlier', () => {
    const t = tools(noIntel64);
    t.disable('entry.IA32E_MODE_GUEST');
    const ctx = context(t);
    expect(HOST_STATE_CHECKS['host.no-intel64.host-address-space-size-zero']!(ctx)).toBe(false);
    expect(firstFailure(ctx)).toBe('exit.reserved-bits');
  });

  it('"IA-32e mode guest" 1 without Intel 64 violates the check, but entry.reserved-bits fails earlier', () => {
    const t = tools(noIntel64);
    t.disable('exit.HOST_ADDRESS_SPACE_SIZE');
    const ctx = context(t);
    expect(HOST_STATE_CHECKS['host.no-intel64.ia32e-mode-guest-zero']!(ctx)).toBe(false);
    expect(firstFailure(ctx)).toBe('entry.reserved-bits');
  });

  it('on every Intel 64 profile the checks do not apply and pass', () => {
    for (const p of [...BUILTIN, maximal]) {
      const ctx = context(tools(p));
      for (const id of NEVER_FIRST) expect(HOST_STATE_CHECKS[id]!(ctx)).toBe(true);
    }
  });

  it('a legacy host and guest on a processor without Intel 64 passes the control and host-state checks', () => {
    const t = tools(noIntel64);
    legacyHost(t);
    expect(firstFailure(context(t))).toBe('pass');
  });
});

describe('conditions that do not apply pass (SDM 27.2.2-27.2.4)', () => {
  it('a legacy host entered from outside IA-32e mode passes', () => {
    const t = tools(skylake);
    legacyHost(t);
    const ctx: ModeContext = { ...context(t), ia32eMode: false };
    expect(firstFailure(ctx)).toBe('pass');
  });

  it('without a known processor mode the IA32_EFER.LMA-dependent checks do not apply', () => {
    const t = tools(skylake);
    legacyHost(t);
    expect(firstFailure(context(t))).toBe('pass');
  });

  it('the SS selector may be 0000H for a 64-bit host', () => {
    const t = tools(skylake);
    t.set('HOST_SS_SELECTOR', 0n);
    expect(firstFailure(context(t))).toBe('pass');
  });

  it('MSR fields are not checked while their load controls are 0', () => {
    const t = tools(skylake);
    t.set('HOST_IA32_PAT', 0x0202_0202_0202_0202n);
    t.set('HOST_IA32_EFER', 0xFFFFn);
    t.set('HOST_IA32_PERF_GLOBAL_CTRL', 1n << 63n);
    t.set('HOST_SSP', CANONICAL_BREAKER);
    expect(firstFailure(context(t))).toBe('pass');
  });

  it('FRED fields are not checked while the secondary VM-exit controls are not activated', () => {
    const t = tools(maximal);
    t.set('SECONDARY_VM_EXIT_CONTROLS', controlField('exit2.LOAD_FRED').mask);
    t.set('HOST_IA32_FRED_CONFIG', 1n << 11n);
    expect(firstFailure(context(t))).toBe('pass');
  });

  it('with LAM (CR4.LAM_SUP settable, A.8) CR3 bits 62:61 are LAM controls, not reserved', () => {
    const lam = variant(skylake, 'lam', { IA32_VMX_CR4_FIXED1: msr(skylake, 'IA32_VMX_CR4_FIXED1') | (1n << 28n) });
    expect(checkProfileConsistency(lam)).toEqual([]);
    const t = tools(lam);
    t.set('HOST_CR3', t.v.get('HOST_CR3') | (3n << 61n));
    expect(firstFailure(context(t))).toBe('pass');
    t.set('HOST_CR3', t.v.get('HOST_CR3') | (1n << 60n));
    expect(firstFailure(context(t))).toBe('host.cr3-reserved-bits');
  });

  it('a host loading EFER with LME and LMA both 1 passes', () => {
    const t = tools(iceLake);
    t.enable('exit.LOAD_IA32_EFER');
    t.set('HOST_IA32_EFER', EFER_LME | EFER_LMA);
    expect(firstFailure(context(t))).toBe('pass');
  });
});

describe('HOST_STATE_CHECKS covers its catalogue area', () => {
  it('every host check id of the catalogue has a predicate, and nothing else', () => {
    expect(hostIds.filter((id) => HOST_STATE_CHECKS[id] === undefined)).toEqual([]);
    expect(Object.keys(HOST_STATE_CHECKS).filter((id) => !(hostIds as string[]).includes(id))).toEqual([]);
    expect(hostIds).toHaveLength(48);
  });
});
