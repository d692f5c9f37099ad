// The entry-check generator: one case per VM-entry check (SDM 27.2-27.4) from the hand-derived recipes,
// each expecting the catalogue's failure, and every case passing (or unsupported) on the model.
import { describe, expect, it } from 'vitest';
import { BUILTIN_PROFILES, VMCS_FIELDS, VM_ENTRY_CHECKS } from '../../model/generated/index.js';
import { runCase, setUpCase } from '../runner.js';
import { caseProfile } from '../case-profile.js';
import { VmxCapabilities } from '../../model/vmx/index.js';
import { vmEntry } from '../../model/vmx/transitions.js';
import { ENTRY_CHECK_RECIPES, MAXPHYADDR, unitTestOnlyReason } from './entry-check-recipes.js';
import { entryCheckCases, entryChecksWithoutCase } from './entry-checks.js';

const cases = entryCheckCases();
const catalogue = new Map(VM_ENTRY_CHECKS.map((c) => [c.id, c]));

describe('entry-check recipes', () => {
  it('name catalogue checks only', () => {
    expect(ENTRY_CHECK_RECIPES.map((r) => r.check).filter((id) => !catalogue.has(id))).toEqual([]);
  });
  it('change VMCS fields of the catalogue only (Appendix B)', () => {
    const known = new Set<string>(VMCS_FIELDS.map((f) => f.id));
    const named = ENTRY_CHECK_RECIPES.flatMap((r) => [...Object.keys(r.fields ?? {}), ...Object.keys(r.bits ?? {})]);
    expect(named.filter((id) => !known.has(id))).toEqual([]);
  });
  it('assume the MAXPHYADDR of every built-in profile (CPUID.80000008H:EAX[7:0] = 46)', () => {
    for (const p of BUILTIN_PROFILES) expect(BigInt(p.cpuid.maxPhysicalAddressBits)).toBe(MAXPHYADDR);
  });
  it('give MSR-load recipes the failing entry index the qualification reports (SDM 27.8)', () => {
    for (const r of ENTRY_CHECK_RECIPES.filter((x) => x.check.startsWith('msr-load.'))) expect(r.msrIndex).toBeGreaterThan(0);
  });
});

describe('entry-check cases', () => {
  it('one case per check that a recipe can express, and a reason for every other check', () => {
    const ids = cases.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    const without = entryChecksWithoutCase();
    expect(without.every((w) => w.why.length > 0)).toBe(true);
    expect(ids.length + without.length).toBe(VM_ENTRY_CHECKS.length);
    for (const c of VM_ENTRY_CHECKS) {
      expect(ids.includes(`entry.check.${c.id}`) !== without.some((w) => w.check === c.id)).toBe(true);
    }
  });

  it('every check without a case is marked noCase in the spec data, except those that need a VM entry from SMM', () => {
    const unmarked = entryChecksWithoutCase().filter((w) => !catalogue.get(w.check as never)!.noCase && !w.why.includes('from SMM'));
    expect(unmarked).toEqual([]);
    for (const c of VM_ENTRY_CHECKS.filter((x) => x.noCase)) expect(cases.some((k) => k.id === `entry.check.${c.id}`)).toBe(false);
  });

  it('use the first expressible recipe of the check', () => {
    for (const c of cases) {
      const id = c.id.slice('entry.check.'.length);
      const r = ENTRY_CHECK_RECIPES.find((x) => x.check === id && unitTestOnlyReason(x) === undefined)!;
      expect(c.title.startsWith(r.how)).toBe(true);
    }
  });

  it('expect the failure the catalogue states: VMfailValid with its error, or exit 33/34 with its qualification (SDM 27.8, 31.4)', () => {
    for (const c of cases) {
      const check = catalogue.get(c.id.slice('entry.check.'.length) as never)!;
      expect(c.steps).toHaveLength(1);
      const step = c.steps[0]!;
      expect(step.op).toBe('vmlaunch');
      const e = step.expect;
      if (check.failure.kind === 'vmfail-valid') {
        expect(e).toEqual({ kind: 'vmfail-valid', error: check.failure.error });
      } else {
        expect(e.kind).toBe('entry-failure');
        if (e.kind !== 'entry-failure') continue;
        expect(e.exitReason).toBe(check.failure.exitReason);
        expect(e.check).toBe(check.id);
        if (check.failure.qualification !== 'msr-entry-index') expect(BigInt(e.qualification ?? 'undefined')).toBe(BigInt(check.failure.qualification));
      }
    }
  });

  for (const profile of BUILTIN_PROFILES) {
    it(`fail their own check first on ${profile.id}, not another with the same outcome (VM entry reports the check)`, () => {
      const wrong: string[] = [];
      for (const c of cases) {
        const chosen = caseProfile(c, profile);
        if ('error' in chosen) { wrong.push(`${c.id}: ${chosen.error}`); continue; }
        const caps = new VmxCapabilities(chosen.profile);
        if (!(c.requires ?? []).every((r) => caps.holds(r)) || (c.excludes ?? []).some((r) => caps.holds(r))) continue;
        const r = vmEntry(setUpCase(c, caps).cpu, true);
        const got = r.kind === 'entered' ? 'no failure' : r.kind === 'machine-check-shutdown' ? r.kind : r.check?.id;
        if (got !== c.id.slice('entry.check.'.length)) wrong.push(`${c.id}: ${got}`);
      }
      expect(wrong).toEqual([]);
    });

    it(`pass or are unsupported with a reason on ${profile.id}`, () => {
      const failing = cases.map((c) => runCase(c, 'generator:entry-checks', profile))
        .filter((r) => r.status === 'fail' || (r.status === 'unsupported' && !r.note))
        .map((r) => `${r.id}: ${r.diffs.map((d) => `${d.expected} / ${d.actual}`).join('; ')}`);
      expect(failing).toEqual([]);
    });
  }
});
