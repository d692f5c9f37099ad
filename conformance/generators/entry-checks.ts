// One case per VM-entry check (SDM 27.2-27.4): the hand-derived violation recipe of the check
// (entry-check-recipes.ts) applied to the canonical configuration, then VMLAUNCH, which must fail as the
// catalogue says (VMfailValid 7/8, or a VM-entry failure with exit reason 33/34 and its qualification).
import { type CaseOutcome, type Condition, type ConformanceCase, type EntryOutcome, VM_ENTRY_CHECKS, type VmEntryCheckInfo } from '../../model/generated/index.js';
import { SKYLAKE, VARIANTS } from '../harness/entry-checks.js';
import { ENTRY_CHECK_RECIPES, type Recipe, type VariantId, unitTestOnlyReason } from './entry-check-recipes.js';

type Setup = NonNullable<ConformanceCase['setup']>;

function hex(v: bigint | number): string {
  return '0x' + BigInt(v).toString(16).toUpperCase();
}

function expectation(check: VmEntryCheckInfo, recipe: Recipe): EntryOutcome {
  const f = check.failure;
  if (f.kind === 'vmfail-valid') return { kind: 'vmfail-valid', error: f.error } satisfies CaseOutcome;
  const q = f.qualification === 'msr-entry-index' ? recipe.msrIndex : f.qualification;
  if (q === undefined) throw new Error(`recipe for ${check.id} lacks the failing MSR-load entry index`);
  return { kind: 'entry-failure', exitReason: f.exitReason, qualification: hex(q), check: check.id };
}

function setupOf(r: Recipe): Setup | undefined {
  const s: Setup = {};
  if (r.fields) s.fields = Object.fromEntries(Object.entries(r.fields).map(([id, v]) => [id, hex(v)]));
  if (r.bits) {
    s.bits = Object.fromEntries(Object.entries(r.bits).map(([id, b]) => [id, {
      ...(b.set !== undefined ? { set: hex(b.set) } : {}), ...(b.clear !== undefined ? { clear: hex(b.clear) } : {}),
    }]));
  }
  if (r.controls) s.controls = { ...(r.controls.set ? { set: [...r.controls.set] } : {}), ...(r.controls.clear ? { clear: [...r.controls.clear] } : {}) };
  if (r.memory) s.memory = r.memory.map((w) => ('bytes' in w ? { address: hex(w.address), bytes: w.bytes } : { address: hex(w.address), revisionId: w.revisionId }));
  if (r.ia32eMode === false) s.hostMode = '32-bit'; // VMLAUNCH outside IA-32e mode (legacy-host.ts)
  if (r.stm) s.smm = { dualMonitor: 'stm' }; // VMLAUNCH by the SMM-transfer monitor, in SMM (harness/smm.ts)
  return Object.keys(s).length ? s : undefined;
}

function describeFailure(check: VmEntryCheckInfo, recipe: Recipe): string {
  const f = check.failure;
  if (f.kind === 'vmfail-valid') return `VMfailValid(${f.error})`;
  const q = f.qualification === 'msr-entry-index' ? `qualification ${recipe.msrIndex} (the entry's index)` : `qualification ${f.qualification}`;
  return `VM-entry failure, exit reason ${f.exitReason}, ${q}`;
}

/**
 * The capabilities a case needs: the recipe's own, plus the 1-setting of every control it sets (the
 * runner writes control bits as given), except the controls the recipe sets because the profile lacks them.
 */
function requirementsOf(r: Recipe): Condition[] {
  const out: Condition[] = [...(r.requires ?? []), ...(r.stm ? [{ msr: 'IA32_VMX_BASIC', field: 'dualMonitorTreatment' }] : [])];
  const lacking = new Set((r.excludes ?? []).flatMap((c) => ('control' in c ? [c.control] : [])));
  for (const control of r.controls?.set ?? []) {
    if (!lacking.has(control) && !out.some((c) => 'control' in c && c.control === control)) out.push({ control });
  }
  return out;
}

/**
 * A recipe's capability variant of Skylake-SP (harness/entry-checks.ts) as a case's profile request: the
 * capability-MSR bits the variant sets and clears.
 */
function variantRequest(v: VariantId): NonNullable<ConformanceCase['profile']> {
  const p = VARIANTS[v];
  const msrs: Record<string, { set?: string; clear?: string }> = {};
  for (const id of new Set([...Object.keys(SKYLAKE.msrs), ...Object.keys(p.msrs)])) {
    const was = BigInt(SKYLAKE.msrs[id] ?? '0x0'), now = BigInt(p.msrs[id] ?? '0x0');
    if (was === now && id in SKYLAKE.msrs) continue;
    msrs[id] = { ...(now & ~was ? { set: hex(now & ~was) } : {}), ...(was & ~now ? { clear: hex(was & ~now) } : {}) };
  }
  return { name: SKYLAKE.id, msrs };
}

/** The first recipe of each check that a case can express (recipes are listed in preference order). */
export function entryCheckCases(): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  for (const check of VM_ENTRY_CHECKS) {
    const recipe = ENTRY_CHECK_RECIPES.find((r) => r.check === check.id && unitTestOnlyReason(r) === undefined);
    if (!recipe) continue;
    const setup = setupOf(recipe);
    cases.push({
      id: `entry.check.${check.id}`,
      title: `${recipe.how}: VMLAUNCH fails the check ${check.id} (${describeFailure(check, recipe)})`,
      sdm: [check.sdm, ...(check.failure.kind === 'entry-failure' ? ['27.8'] : ['31.4'])],
      tags: ['vm-entry', 'entry-check'],
      ...(requirementsOf(recipe).length ? { requires: requirementsOf(recipe) } : {}),
      ...(recipe.excludes ? { excludes: [...recipe.excludes] } : {}),
      ...(recipe.variant || recipe.implementation ? {
        profile: { ...(recipe.variant ? variantRequest(recipe.variant) : {}), ...(recipe.implementation ? { implementation: recipe.implementation } : {}) },
      } : {}),
      ...(setup ? { setup } : {}),
      steps: [{ op: 'vmlaunch', expect: expectation(check, recipe) }],
    });
  }
  return cases;
}

/** Checks without a case, each with why (for reports and the tests). */
export function entryChecksWithoutCase(): { readonly check: string; readonly why: string }[] {
  return VM_ENTRY_CHECKS.filter((c) => !ENTRY_CHECK_RECIPES.some((r) => r.check === c.id && unitTestOnlyReason(r) === undefined)).map((c) => {
    const recipes = ENTRY_CHECK_RECIPES.filter((r) => r.check === c.id);
    if (c.noCase) return { check: c.id, why: `${c.noCase.kind}: ${c.noCase.why}` }; // the spec data's reason (SDM argument)
    return { check: c.id, why: recipes.length ? [...new Set(recipes.map((r) => unitTestOnlyReason(r)!))].join('; ') : 'no recipe: no modelled processor lets it fail first' };
  });
}
