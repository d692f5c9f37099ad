// VM-entry checks on the VM-entry MSR-load area (SDM 27.4): entries are checked in order, and the first
// entry that cannot be loaded ends VM entry with exit reason 34 and its 1-based index as qualification.
import { describe, expect, it } from 'vitest';
import { BASELINE_MEMORY, baselineVmcs } from '../../../conformance/baseline.js';
import { VM_ENTRY_CHECKS, type VmEntryCheckId } from '../../generated/index.js';
import { evaluateMsrLoadChecks } from './index.js';
import { MSR_LOAD_CHECKS } from './msr-loading.js';
import { ICE_LAKE, SKYLAKE, type Setup, entryContext } from './test-support.js';

const START = { vmcs: baselineVmcs, currentVmcs: BASELINE_MEMORY.vmcsRegion, vmxon: BASELINE_MEMORY.vmxonRegion };
const AREA = 0x6_0000;

interface Entry { readonly msr: number; readonly value: bigint; readonly reserved?: number }

/** Writes the entries (SDM 25.8.2: index, reserved, data; 16 bytes each) and points the VMCS at them. */
function area(entries: readonly Entry[], inSmm = false): (s: Setup) => void {
  return (s) => {
    entries.forEach((e, i) => {
      s.memory.write32(AREA + 16 * i, e.msr);
      s.memory.write32(AREA + 16 * i + 4, e.reserved ?? 0);
      s.memory.write64(AREA + 16 * i + 8, e.value);
    });
    s.vmcs.set('VM_ENTRY_MSR_LOAD_ADDRESS', BigInt(AREA));
    s.vmcs.set('VM_ENTRY_MSR_LOAD_COUNT', BigInt(entries.length));
    s.inSmm = inSmm;
  };
}

/** MSR indices and values from SDM Vol. 4 Table 2-2. */
const IA32_STAR = 0xC000_0081, IA32_LSTAR = 0xC000_0082, IA32_PAT = 0x277, IA32_EFER = 0xC000_0080;
const GOOD: Entry = { msr: IA32_STAR, value: 0x0023_0010_0000_0000n };

function outcome(profile = SKYLAKE, entries: readonly Entry[], inSmm = false): { id: string; index?: number } {
  const r = evaluateMsrLoadChecks(entryContext(START, profile, area(entries, inSmm)));
  return r.kind === 'pass' ? { id: 'pass' } : { id: r.check.id, index: r.msrIndex! };
}

const CASES: { id: VmEntryCheckId; what: string; entry: Entry }[] = [
  { id: 'msr-load.ia32-fs-base', what: 'IA32_FS_BASE (C0000100H)', entry: { msr: 0xC000_0100, value: 0n } },
  { id: 'msr-load.ia32-gs-base', what: 'IA32_GS_BASE (C0000101H)', entry: { msr: 0xC000_0101, value: 0n } },
  { id: 'msr-load.x2apic-range', what: 'the x2APIC TPR (808H)', entry: { msr: 0x808, value: 0n } },
  { id: 'msr-load.smm-only', what: 'IA32_SMM_MONITOR_CTL (9BH) outside SMM', entry: { msr: 0x9B, value: 0n } },
  { id: 'msr-load.reserved-bits', what: 'IA32_STAR with bit 32 of the entry set', entry: { ...GOOD, reserved: 1 } },
  { id: 'msr-load.wrmsr-gp', what: 'IA32_PAT with memory type 2 in entry 0', entry: { msr: IA32_PAT, value: 0x0007_0406_0007_0402n } },
];

describe('MSR-load checks (SDM 27.4)', () => {
  for (const profile of [SKYLAKE, ICE_LAKE]) {
    it(`an empty area and valid entries load on ${profile.id}`, () => {
      expect(outcome(profile, []).id).toBe('pass');
      expect(outcome(profile, [GOOD, { msr: IA32_LSTAR, value: 0xFFFF_8000_0000_0000n }, { msr: IA32_EFER, value: 0xD01n }]).id).toBe('pass');
    });
    for (const c of CASES) {
      it(`${c.id}: ${c.what} as entry 2 fails with index 2 on ${profile.id}`, () => {
        expect(outcome(profile, [GOOD, c.entry, GOOD])).toEqual({ id: c.id, index: 2 });
      });
    }
  }

  it('msr-load.wrmsr-gp: a non-canonical IA32_LSTAR, a read-only VMX capability MSR and an unimplemented index', () => {
    expect(outcome(SKYLAKE, [{ msr: IA32_LSTAR, value: 1n << 47n }])).toEqual({ id: 'msr-load.wrmsr-gp', index: 1 });
    expect(outcome(SKYLAKE, [{ msr: 0x480, value: 0n }])).toEqual({ id: 'msr-load.wrmsr-gp', index: 1 });
    expect(outcome(SKYLAKE, [{ msr: 0x4000_0000, value: 0n }])).toEqual({ id: 'msr-load.wrmsr-gp', index: 1 });
    expect(outcome(SKYLAKE, [{ msr: IA32_EFER, value: 1n << 9n }])).toEqual({ id: 'msr-load.wrmsr-gp', index: 1 });
  });

  it('msr-load.smm-only does not apply in SMM', () => {
    const ctx = entryContext(START, SKYLAKE, area([], true));
    expect(MSR_LOAD_CHECKS['msr-load.smm-only']!(ctx, { index: 1, msr: 0x9B, reserved: 0, value: 0n })).toBe(true);
  });

  it('msr-load.model-specific cannot be violated: the modelled processors refuse no MSR for model-specific reasons', () => {
    const ctx = entryContext(START, SKYLAKE);
    for (const msr of [0x10, 0x1D9, 0x277, 0x480, 0x808, 0xC000_0080, 0xC000_0100, 0xFFFF_FFFF]) {
      expect(MSR_LOAD_CHECKS['msr-load.model-specific']!(ctx, { index: 1, msr, reserved: 0, value: 0n })).toBe(true);
    }
  });

  it('every MSR-load check id of the catalogue has a predicate, and every predicate a catalogue id', () => {
    const ids = VM_ENTRY_CHECKS.filter((c) => c.id.startsWith('msr-load.')).map((c) => c.id);
    expect(ids.filter((id) => MSR_LOAD_CHECKS[id] === undefined)).toEqual([]);
    expect(Object.keys(MSR_LOAD_CHECKS).filter((id) => !ids.includes(id as VmEntryCheckId))).toEqual([]);
    const covered = new Set<string>([...CASES.map((c) => c.id), 'msr-load.model-specific']);
    expect(ids.filter((id) => !covered.has(id))).toEqual([]);
  });
});
