// VM-entry checks on the host-state area (SDM 27.2.2 control registers and MSRs, 27.2.3 segment and
// descriptor-table registers, 27.2.4 address-space size): the baseline passes; each check id fails first
// for the smallest change that breaks its condition.
import { describe, expect, it } from 'vitest';
import {
  BUILTIN_PROFILES, CONTROL_GROUPS, type ControlGroupId, type ControlRef, type CpuProfile, VM_ENTRY_CHECKS, type VmcsFieldId,
  type VmEntryCheckId,
} from '../../generated/index.js';
import { PhysicalMemory } from '../../machine/memory.js';
import { checkProfileConsistency } from '../../profile/consistency.js';
import { VmxCapabilities } from '../capabilities.js';
import type { Vmcs } from '../vmcs.js';
import { BASELINE_MEMORY, baselineVmcs } from '../../../conformance/baseline.js';
import { HOST_STATE_CHECKS } from './host-state.js';
import { type EntryContext, evaluateEntryChecks } from './index.js';

// ---- profiles

const skylake = BUILTIN_PROFILES.find((p) => p.id === 'skylake-server')!;
const iceLake = BUILTIN_PROFILES.find((p) => p.id === 'ice-lake-server')!;
const BUILTIN = [skylake, iceLake];

const hex = (v: bigint): string => '0x' + v.toString(16).toUpperCase();
const msr = (p: CpuProfile, id: string): bigint => BigInt(p.msrs[id] ?? '0');

function variant(base: CpuProfile, id: string, change: Record<string, bigint>): CpuProfile {
  const msrs: Record<string, string> = { ...base.msrs };
  for (const [k, v] of Object.entries(change)) msrs[k] = hex(v);
  return { ...base, id, msrs };
}

/** Allowed 1-settings of a 0-and-1 control MSR plus `more` (plain and TRUE MSRs keep equal high halves, A.3.1). */
function allow(p: CpuProfile, msrId: string, more: bigint): bigint {
  return msr(p, msrId) | (more << 32n);
}
const defined = (g: ControlGroupId): bigint => CONTROL_GROUPS.find((c) => c.id === g)!.definedMask;

/**
 * Skylake-SP with every control the SDM defines offered, tertiary and secondary VM-exit controls present,
 * CET and FRED settable in CR4 (A.8) and every EPTP feature (A.10): a consistent processor on which every
 * check can be reached.
 */
const maximal = variant(skylake, 'all-features', {
  IA32_VMX_PINBASED_CTLS: allow(skylake, 'IA32_VMX_PINBASED_CTLS', defined('pin')),
  IA32_VMX_TRUE_PINBASED_CTLS: allow(skylake, 'IA32_VMX_TRUE_PINBASED_CTLS', defined('pin')),
  IA32_VMX_PROCBASED_CTLS: allow(skylake, 'IA32_VMX_PROCBASED_CTLS', defined('proc')),
  IA32_VMX_TRUE_PROCBASED_CTLS: allow(skylake, 'IA32_VMX_TRUE_PROCBASED_CTLS', defined('proc')),
  IA32_VMX_PROCBASED_CTLS2: defined('proc2') << 32n,
  IA32_VMX_PROCBASED_CTLS3: defined('proc3'),
  IA32_VMX_EXIT_CTLS: allow(skylake, 'IA32_VMX_EXIT_CTLS', defined('exit')),
  IA32_VMX_TRUE_EXIT_CTLS: allow(skylake, 'IA32_VMX_TRUE_EXIT_CTLS', defined('exit')),
  IA32_VMX_EXIT_CTLS2: defined('exit2'),
  IA32_VMX_ENTRY_CTLS: allow(skylake, 'IA32_VMX_ENTRY_CTLS', defined('entry')),
  IA32_VMX_TRUE_ENTRY_CTLS: allow(skylake, 'IA32_VMX_TRUE_ENTRY_CTLS', defined('entry')),
  IA32_VMX_CR4_FIXED1: msr(skylake, 'IA32_VMX_CR4_FIXED1') | (1n << 23n) | (1n << 32n),
  IA32_VMX_EPT_VPID_CAP: msr(skylake, 'IA32_VMX_EPT_VPID_CAP') | (1n << 6n) | (1n << 7n) | (1n << 8n) | (1n << 14n) | (1n << 21n) | (1n << 23n),
});

// ---- cases

const MEMORY_BYTES = 16 << 20;

interface Tools {
  readonly v: Vmcs;
  readonly caps: VmxCapabilities;
  readonly memory: PhysicalMemory;
  /** MAXPHYADDR of the profile (CPUID.80000008H:EAX[7:0]). */
  readonly n: bigint;
  enable(ref: ControlRef): void;
  disable(ref: ControlRef): void;
  set(id: VmcsFieldId, value: bigint): void;
}

function controlField(ref: ControlRef): { field: VmcsFieldId; mask: bigint } {
  const [g, id] = ref.split('.');
  const group = CONTROL_GROUPS.find((c) => c.id === g)!;
  return { field: group.vmcsField, mask: 1n << BigInt(group.bits.find((b) => b.id === id)!.bit) };
}

/** The control that activates a field (SDM 25.6.2, 25.7.1, 25.6.14). */
const ACTIVATOR: Partial<Record<string, ControlRef>> = {
  proc2: 'proc.ACTIVATE_SECONDARY_CONTROLS', proc3: 'proc.ACTIVATE_TERTIARY_CONTROLS',
  exit2: 'exit.ACTIVATE_SECONDARY_CONTROLS', vmfunc: 'proc2.ENABLE_VM_FUNCTIONS',
};

function tools(profile: CpuProfile): Tools {
  const caps = new VmxCapabilities(profile);
  const v = baselineVmcs(caps);
  const t: Tools = {
    v, caps, memory: new PhysicalMemory(MEMORY_BYTES), n: BigInt(profile.cpuid.maxPhysicalAddressBits),
    enable(ref) {
      const activator = ACTIVATOR[ref.split('.')[0]!];
      if (activator) t.enable(activator);
      const { field, mask } = controlField(ref);
      v.set(field, v.get(field) | mask);
    },
    disable(ref) {
      const { field, mask } = controlField(ref);
      v.set(field, v.get(field) & ~mask);
    },
    set(id, value) {
      v.set(id, value);
    },
  };
  return t;
}

function context(t: Tools, extra: Partial<EntryContext> = {}): EntryContext {
  return {
    caps: t.caps, vmcs: t.v, memory: t.memory, resume: false, inSmm: false,
    currentVmcs: BASELINE_MEMORY.vmcsRegion, vmxon: BASELINE_MEMORY.vmxonRegion, ...extra,
  };
}

function firstFailure(ctx: EntryContext): VmEntryCheckId | 'pass' {
  const r = evaluateEntryChecks(ctx, 'controls-and-host');
  return r.kind === 'pass' ? 'pass' : r.check.id;
}

interface Case {
  readonly id: VmEntryCheckId;
  readonly how: string;
  readonly profiles?: readonly CpuProfile[];
  readonly inSmm?: boolean;
  readonly change: (t: Tools) => void;
}

/** The processor's IA32_EFER.LMA when it executes VMLAUNCH/VMRESUME (SDM 27.2.4), carried as `ia32eMode`. */
type ModeContext = EntryContext & { readonly ia32eMode?: boolean };

interface Case {
  readonly id: VmEntryCheckId;
  readonly how: string;
  readonly profiles?: readonly CpuProfile[];
  readonly ia32eMode?: boolean;
  readonly change: (t: Tools) => void;
}

const CANONICAL_BREAKER = 1n << 60n; // bits 63:47 (or 63:56) not all equal: non-canonical at 48 and 57 bits
const CR0_NE = 1n << 5n, CR0_WP = 1n << 16n;
const CR4_PAE = 1n << 5n, CR4_VMXE = 1n << 13n, CR4_PCIDE = 1n << 17n, CR4_CET = 1n << 23n, CR4_FRED = 1n << 32n;
const EFER_LME = 1n << 8n, EFER_LMA = 1n << 10n;

const withLoadFred = (t: Tools): void => t.enable('exit2.LOAD_FRED');
/** A host with "host address-space size" 0 and a guest that is not IA-32e: a legacy (32-bit) host. */
const legacyHost = (t: Tools): void => { t.disable('exit.HOST_ADDRESS_SPACE_SIZE'); t.disable('entry.IA32E_MODE_GUEST'); };

const selectorCases = ([['CS', 0x0Bn], ['SS', 0x14n], ['DS', 0x11n], ['ES', 0x12n], ['FS', 0x13n], ['GS', 0x16n], ['TR', 0x1Cn]] as const)
  .map(([seg, value]): Case => ({
    id: `host.${seg.toLowerCase()}-selector-rpl-ti-zero` as VmEntryCheckId,
    how: `${seg} selector ${value.toString(16).toUpperCase()}H (RPL or TI set)`,
    change: (t) => t.set(`HOST_${seg}_SELECTOR` as VmcsFieldId, value),
  }));
const baseCases = (['FS', 'GS', 'GDTR', 'IDTR', 'TR'] as const).map((r): Case => ({
  id: `host.${r.toLowerCase()}-base-canonical` as VmEntryCheckId,
  how: `${r} base 1000000000000000H (non-canonical)`,
  change: (t) => t.set(`HOST_${r}_BASE` as VmcsFieldId, CANONICAL_BREAKER),
}));

const CASES: readonly Case[] = [
  // 27.2.2
  { id: 'host.cr0-fixed-bits', how: 'CR0.NE 0 where IA32_VMX_CR0_FIXED0 (80000021H) fixes it to 1',
    change: (t) => t.set('HOST_CR0', t.v.get('HOST_CR0') & ~CR0_NE) },
  { id: 'host.cr0-fixed-bits', how: 'CR0 bit 32 where IA32_VMX_CR0_FIXED1 (FFFFFFFFH) fixes it to 0',
    change: (t) => t.set('HOST_CR0', t.v.get('HOST_CR0') | (1n << 32n)) },
  { id: 'host.cr4-fixed-bits', how: 'CR4.VMXE 0 where IA32_VMX_CR4_FIXED0 (2000H) fixes it to 1',
    change: (t) => t.set('HOST_CR4', t.v.get('HOST_CR4') & ~CR4_VMXE) },
  { id: 'host.cr4-fixed-bits', how: 'CR4.CET where IA32_VMX_CR4_FIXED1 has bit 23 clear',
    change: (t) => t.set('HOST_CR4', t.v.get('HOST_CR4') | CR4_CET) },
  { id: 'host.cr4-cet-requires-cr0-wp', how: 'CR4.CET 1 with CR0.WP 0 (CET settable)', profiles: [maximal],
    change: (t) => { t.set('HOST_CR0', t.v.get('HOST_CR0') & ~CR0_WP); t.set('HOST_CR4', t.v.get('HOST_CR4') | CR4_CET); } },
  { id: 'host.cr3-reserved-bits', how: 'CR3 bit MAXPHYADDR',
    change: (t) => t.set('HOST_CR3', t.v.get('HOST_CR3') | (1n << t.n)) },
  { id: 'host.cr3-reserved-bits', how: 'CR3 bit 63',
    change: (t) => t.set('HOST_CR3', t.v.get('HOST_CR3') | (1n << 63n)) },
  { id: 'host.ia32-sysenter-esp-canonical', how: 'IA32_SYSENTER_ESP non-canonical',
    change: (t) => t.set('HOST_IA32_SYSENTER_ESP', CANONICAL_BREAKER) },
  { id: 'host.ia32-sysenter-eip-canonical', how: 'IA32_SYSENTER_EIP non-canonical',
    change: (t) => t.set('HOST_IA32_SYSENTER_EIP', CANONICAL_BREAKER) },
  { id: 'host.ia32-s-cet-canonical', how: '"load CET state" with IA32_S_CET non-canonical', profiles: [maximal],
    change: (t) => { t.enable('exit.LOAD_CET_STATE'); t.set('HOST_IA32_S_CET', CANONICAL_BREAKER); } },
  { id: 'host.ia32-interrupt-ssp-table-addr-canonical', how: '"load CET state" with the SSP table address non-canonical', profiles: [maximal],
    change: (t) => { t.enable('exit.LOAD_CET_STATE'); t.set('HOST_IA32_INTERRUPT_SSP_TABLE_ADDR', CANONICAL_BREAKER); } },
  { id: 'host.ia32-perf-global-ctrl-reserved-bits', how: '"load IA32_PERF_GLOBAL_CTRL" with bit 40 (reserved: between fixed-counter enables and bit 48)',
    change: (t) => { t.enable('exit.LOAD_IA32_PERF_GLOBAL_CTRL'); t.set('HOST_IA32_PERF_GLOBAL_CTRL', 1n << 40n); } },
  { id: 'host.ia32-pat-values', how: '"load IA32_PAT" with PAT entry 0 = 2 (reserved memory type)',
    change: (t) => { t.enable('exit.LOAD_IA32_PAT'); t.set('HOST_IA32_PAT', 0x0007_0406_0007_0402n); } },
  { id: 'host.ia32-pat-values', how: '"load IA32_PAT" with PAT entry 7 = 8',
    change: (t) => { t.enable('exit.LOAD_IA32_PAT'); t.set('HOST_IA32_PAT', 0x0807_0406_0007_0406n); } },
  { id: 'host.ia32-efer-reserved-bits', how: '"load IA32_EFER" with EFER bit 1 (reserved) besides LME and LMA',
    change: (t) => { t.enable('exit.LOAD_IA32_EFER'); t.set('HOST_IA32_EFER', EFER_LME | EFER_LMA | 2n); } },
  { id: 'host.ia32-efer-lma-matches-address-space-size', how: '64-bit host loading EFER with LME 1 but LMA 0',
    change: (t) => { t.enable('exit.LOAD_IA32_EFER'); t.set('HOST_IA32_EFER', EFER_LME); } },
  { id: 'host.ia32-efer-lme-matches-address-space-size', how: '64-bit host loading EFER with LMA 1 but LME 0',
    change: (t) => { t.enable('exit.LOAD_IA32_EFER'); t.set('HOST_IA32_EFER', EFER_LMA); } },
  { id: 'host.ia32-pkrs-reserved-bits', how: '"load PKRS" with PKRS bit 32', profiles: [maximal],
    change: (t) => { t.enable('exit.LOAD_PKRS'); t.set('HOST_IA32_PKRS', 1n << 32n); } },
  { id: 'host.ia32-fred-config-reserved-bits', how: '"load FRED" with IA32_FRED_CONFIG bit 11', profiles: [maximal],
    change: (t) => { withLoadFred(t); t.set('HOST_IA32_FRED_CONFIG', 1n << 11n); } },
  { id: 'host.ia32-fred-config-reserved-bits', how: '"load FRED" with IA32_FRED_CONFIG bit 4', profiles: [maximal],
    change: (t) => { withLoadFred(t); t.set('HOST_IA32_FRED_CONFIG', 1n << 4n); } },
  { id: 'host.ia32-fred-config-canonical', how: '"load FRED" with a non-canonical entry point', profiles: [maximal],
    change: (t) => { withLoadFred(t); t.set('HOST_IA32_FRED_CONFIG', CANONICAL_BREAKER); } },
  { id: 'host.ia32-fred-rsp-aligned', how: '"load FRED" with IA32_FRED_RSP2 8 bytes off a 64-byte boundary', profiles: [maximal],
    change: (t) => { withLoadFred(t); t.set('HOST_IA32_FRED_RSP2', 0x8_0008n); } },
  { id: 'host.ia32-fred-rsp-canonical', how: '"load FRED" with IA32_FRED_RSP3 non-canonical', profiles: [maximal],
    change: (t) => { withLoadFred(t); t.set('HOST_IA32_FRED_RSP3', CANONICAL_BREAKER); } },
  { id: 'host.ia32-fred-ssp-aligned', how: '"load FRED" with IA32_FRED_SSP1 4 bytes off an 8-byte boundary', profiles: [maximal],
    change: (t) => { withLoadFred(t); t.set('HOST_IA32_FRED_SSP1', 0x8_0004n); } },
  { id: 'host.ia32-fred-ssp-canonical', how: '"load FRED" with IA32_FRED_SSP2 non-canonical', profiles: [maximal],
    change: (t) => { withLoadFred(t); t.set('HOST_IA32_FRED_SSP2', CANONICAL_BREAKER); } },
  // 27.2.3
  ...selectorCases,
  { id: 'host.cs-selector-nonzero', how: 'CS selector 0000H', change: (t) => t.set('HOST_CS_SELECTOR', 0n) },
  { id: 'host.tr-selector-nonzero', how: 'TR selector 0000H', change: (t) => t.set('HOST_TR_SELECTOR', 0n) },
  { id: 'host.ss-selector-nonzero', how: 'legacy host with SS selector 0000H',
    change: (t) => { legacyHost(t); t.set('HOST_SS_SELECTOR', 0n); } },
  ...baseCases,
  // 27.2.4
  { id: 'host.outside-ia32e-mode.ia32e-mode-guest-zero', how: 'the baseline (IA-32e guest, 64-bit host) entered from outside IA-32e mode', ia32eMode: false,
    change: () => undefined },
  { id: 'host.outside-ia32e-mode.host-address-space-size-zero', how: '64-bit host, legacy guest, entered from outside IA-32e mode', ia32eMode: false,
    change: (t) => t.disable('entry.IA32E_MODE_GUEST') },
  { id: 'host.in-ia32e-mode.host-address-space-size-one', how: '"host address-space size" 0 entered from IA-32e mode', ia32eMode: true,
    change: (t) => t.disable('exit.HOST_ADDRESS_SPACE_SIZE') },
  { id: 'host.legacy-host.ia32e-mode-guest-zero', how: '"host address-space size" 0 with "IA-32e mode guest" 1',
    change: (t) => t.disable('exit.HOST_ADDRESS_SPACE_SIZE') },
  { id: 'host.legacy-host.cr4-pcide-zero', how: 'legacy host with CR4.PCIDE 1',
    change: (t) => { legacyHost(t); t.set('HOST_CR4', t.v.get('HOST_CR4') | CR4_PCIDE); } },
  { id: 'host.legacy-host.cr4-fred-zero', how: 'legacy host with CR4.FRED 1 (FRED settable)', profiles: [maximal],
    change: (t) => { legacyHost(t); t.set('HOST_CR4', t.v.get('HOST_CR4') | CR4_FRED); } },
  { id: 'host.legacy-host.rip-high-bits-zero', how: 'legacy host with RIP bit 32',
    change: (t) => { legacyHost(t); t.set('HOST_RIP', 1n << 32n); } },
  { id: 'host.legacy-host.ssp-high-bits-zero', how: 'legacy host loading CET state with SSP bit 32', profiles: [maximal],
    change: (t) => { legacyHost(t); t.enable('exit.LOAD_CET_STATE'); t.set('HOST_SSP', 1n << 32n); } },
  { id: 'host.64-bit-host.cr4-pae', how: '64-bit host with CR4.PAE 0',
    change: (t) => t.set('HOST_CR4', t.v.get('HOST_CR4') & ~CR4_PAE) },
  { id: 'host.64-bit-host.rip-canonical', how: '64-bit host with a non-canonical RIP',
    change: (t) => t.set('HOST_RIP', CANONICAL_BREAKER) },
  { id: 'host.64-bit-host.ssp-canonical', how: '64-bit host loading CET state with a non-canonical SSP', profiles: [maximal],
    change: (t) => { t.enable('exit.LOAD_CET_STATE'); t.set('HOST_SSP', CANONICAL_BREAKER); } },
];

/** A processor without Intel 64: neither "host address-space size" nor "IA-32e mode guest" may be 1 (A.4.1, A.5). */
const HASS_BIT = 32n + 9n, IA32E_GUEST_BIT = 32n + 9n;
const noIntel64 = variant(skylake, 'no-intel64', {
  IA32_VMX_EXIT_CTLS: msr(skylake, 'IA32_VMX_EXIT_CTLS') & ~(1n << HASS_BIT),
  IA32_VMX_TRUE_EXIT_CTLS: msr(skylake, 'IA32_VMX_TRUE_EXIT_CTLS') & ~(1n << HASS_BIT),
  IA32_VMX_ENTRY_CTLS: msr(skylake, 'IA32_VMX_ENTRY_CTLS') & ~(1n << IA32E_GUEST_BIT),
  IA32_VMX_TRUE_ENTRY_CTLS: msr(skylake, 'IA32_VMX_TRUE_ENTRY_CTLS') & ~(1n << IA32E_GUEST_BIT),
});

const hostIds = VM_ENTRY_CHECKS.filter((c) => c.id.startsWith('host.')).map((c) => c.id);
const NEVER_FIRST: readonly VmEntryCheckId[] = ['host.no-intel64.ia32e-mode-guest-zero', 'host.no-intel64.host-address-space-size-zero'];

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
  const rows = CASES.flatMap((c) => (c.profiles ?? BUILTIN).map((p) => [c.id, c.how, p.id, c, p] as const));
  it.each(rows)('%s: %s (%s)', (_id, _how, _pid, c, p) => {
    const t = tools(p);
    c.change(t);
    const ctx: ModeContext = c.ia32eMode === undefined ? context(t) : { ...context(t), ia32eMode: c.ia32eMode };
    expect(firstFailure(ctx)).toBe(c.id);
  });

  it('every host-state check id has a case, except those no consistent processor lets fail first', () => {
    expect(hostIds.filter((id) => !CASES.some((c) => c.id === id) && !NEVER_FIRST.includes(id))).toEqual([]);
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
