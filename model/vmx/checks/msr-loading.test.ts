// VM-entry checks on the VM-entry MSR-load area (SDM 27.4): entries are checked in order, and the first
// entry that cannot be loaded ends VM entry with exit reason 34 and its 1-based index as qualification.
// The failing entries are the hand-derived recipes in conformance/generators/entry-check-recipes.ts.
import { describe, expect, it } from 'vitest';
import { BASELINE_MEMORY, baselineVmcs } from '../../../conformance/baseline.js';
import { VM_ENTRY_CHECKS, type VmEntryCheckId } from '../../generated/index.js';
import { evaluateMsrLoadChecks } from './index.js';
import { MSR_LOAD_CHECKS } from './msr-loading.js';
import { ICE_LAKE, SKYLAKE, type Setup, applyRecipe, entryContext } from '../../../conformance/harness/entry-checks.js';
import {
  GOOD_MSR_ENTRY, IA32_EFER, IA32_LSTAR, MSR_AREA, MSR_LOAD_NEVER_VIOLATED, MSR_LOAD_RECIPES, type MsrEntry, type Recipe,
} from '../../../conformance/generators/entry-check-recipes.js';

const START = { vmcs: baselineVmcs, currentVmcs: BASELINE_MEMORY.vmcsRegion, vmxon: BASELINE_MEMORY.vmxonRegion };
const AREA = MSR_AREA;

type Entry = MsrEntry;

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

const GOOD = GOOD_MSR_ENTRY;

function outcome(profile = SKYLAKE, entries: readonly Entry[], inSmm = false): { id: string; index?: number } {
  const r = evaluateMsrLoadChecks(entryContext(START, profile, area(entries, inSmm)));
  return r.kind === 'pass' ? { id: 'pass' } : { id: r.check.id, index: r.msrIndex! };
}

/** The hand-derived violation recipes (shared with the conformance suite): the failing entry as entry 2 of 3. */
const RECIPES = MSR_LOAD_RECIPES;

function recipeOutcome(base = SKYLAKE, recipe: Recipe): { id: string; index?: number } {
  const profile = recipe.implementation ? { ...base, id: `${base.id}+implementation`, implementation: recipe.implementation } : base;
  const r = evaluateMsrLoadChecks(entryContext(START, profile, (s) => applyRecipe(s, recipe)));
  return r.kind === 'pass' ? { id: 'pass' } : { id: r.check.id, index: r.msrIndex! };
}

describe('MSR-load checks (SDM 27.4)', () => {
  for (const profile of [SKYLAKE, ICE_LAKE]) {
    it(`an empty area and valid entries load on ${profile.id}`, () => {
      expect(outcome(profile, []).id).toBe('pass');
      expect(outcome(profile, [GOOD, { msr: IA32_LSTAR, value: 0xFFFF_8000_0000_0000n }, { msr: IA32_EFER, value: 0xD01n }]).id).toBe('pass');
    });
    for (const r of RECIPES) {
      it(`${r.check}: ${r.how} fails with index ${r.msrIndex} on ${profile.id}`, () => {
        expect(recipeOutcome(profile, r)).toEqual({ id: r.check, index: r.msrIndex });
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

  it('msr-load.model-specific: the built-in profiles refuse no MSR for model-specific reasons; a profile listing one refuses just it', () => {
    const ctx = entryContext(START, SKYLAKE);
    for (const msr of [0x10, 0x1D9, 0x277, 0x480, 0x808, 0xC000_0080, 0xC000_0082, 0xC000_0100, 0xFFFF_FFFF]) {
      expect(MSR_LOAD_CHECKS['msr-load.model-specific']!(ctx, { index: 1, msr, reserved: 0, value: 0n })).toBe(true);
    }
    const refusing = { ...SKYLAKE, id: 'refuses-tsc-aux', implementation: { msrLoadRefused: [{ msr: '0xC0000103', why: 'test' }] } };
    const ctx2 = entryContext(START, refusing);
    expect(MSR_LOAD_CHECKS['msr-load.model-specific']!(ctx2, { index: 1, msr: 0xC000_0103, reserved: 0, value: 0n })).toBe(false);
    expect(MSR_LOAD_CHECKS['msr-load.model-specific']!(ctx2, { index: 1, msr: 0xC000_0082, reserved: 0, value: 0n })).toBe(true);
  });

  it('every MSR-load check id of the catalogue has a predicate, and every predicate a catalogue id', () => {
    const ids = VM_ENTRY_CHECKS.filter((c) => c.id.startsWith('msr-load.')).map((c) => c.id);
    expect(ids.filter((id) => MSR_LOAD_CHECKS[id] === undefined)).toEqual([]);
    expect(Object.keys(MSR_LOAD_CHECKS).filter((id) => !ids.includes(id as VmEntryCheckId))).toEqual([]);
    const covered = new Set<string>([...RECIPES.map((r) => r.check), ...MSR_LOAD_NEVER_VIOLATED]);
    expect(ids.filter((id) => !covered.has(id))).toEqual([]);
  });
});
