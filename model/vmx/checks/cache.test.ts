// Incremental VM-entry checks (cache.ts) give exactly the answers of evaluating every check in SDM order
// (index.ts; SDM 27.2, 27.3: the first condition that fails decides the outcome): a seeded random walk of
// VMCS changes (the entry-check recipes, single-bit flips, random values, reverts to the baseline),
// memory writes and entry-context changes, compared step by step.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BASELINE_MEMORY, baselineFields, baselineVmcs } from '../../../conformance/baseline.js';
import { CONTROL_RECIPES, GUEST_RECIPES, HOST_RECIPES, LINK, MSR_AREA, type Recipe } from '../../../conformance/generators/entry-check-recipes.js';
import { BUILTIN, MAXIMAL, MEMORY_BYTES, type Setup, applyRecipe } from '../../../conformance/harness/entry-checks.js';
import type { CpuProfile } from '../../generated/index.js';
import { PhysicalMemory } from '../../machine/memory.js';
import { VmxCapabilities } from '../capabilities.js';
import { EntryCheckCache } from './cache.js';
import type { CheckResult, EntryContext } from './context.js';
import { evaluateEntryChecks } from './index.js';

const SEED = Number(process.env['VMXSIM_SEED'] ?? 0xC4EC5);
console.log(`cache.test: seed ${SEED} (set VMXSIM_SEED to change)`);
const STEPS = 3000;

/** mulberry32: a deterministic stream of 32-bit values from the seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** The outcome as VM entry reports it: which phase failed and the check id, or pass. */
function outcome(controls: CheckResult, guest: CheckResult | undefined): string {
  if (controls.kind === 'fail') return `27.2 ${controls.check.id}`;
  if (guest?.kind === 'fail') return `27.3 ${guest.check.id}`;
  return 'pass';
}

function uncached(ctx: EntryContext): string {
  const controls = evaluateEntryChecks(ctx, 'controls-and-host');
  return outcome(controls, controls.kind === 'pass' ? evaluateEntryChecks(ctx, 'guest') : undefined);
}

/** As vmEntry uses the cache: begin, the two phases, commit when VM entry succeeds. */
function cached(cache: EntryCheckCache, ctx: EntryContext): string {
  cache.begin(ctx);
  const controls = cache.evaluate(ctx, 'controls-and-host');
  const r = outcome(controls, controls.kind === 'pass' ? cache.evaluate(ctx, 'guest') : undefined);
  if (r === 'pass') cache.commit();
  return r;
}

const RECIPES: readonly Recipe[] = [...CONTROL_RECIPES, ...HOST_RECIPES, ...GUEST_RECIPES];

function walk(profile: CpuProfile, seed: number) {
  const next = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[next() % xs.length]!;
  const caps = new VmxCapabilities(profile);
  const baseline = baselineFields(caps);
  const s: Setup = { caps, vmcs: baselineVmcs(caps), memory: new PhysicalMemory(MEMORY_BYTES), inSmm: false, ia32eMode: true };
  const cache = new EntryCheckCache();
  let resume = false;
  const stats = { steps: 0, passes: 0, failAfterPass: 0, passAfterReuse: 0 };
  let previous = '';
  for (let step = 0; step < STEPS; step++) {
    const field = pick(caps.fields);
    switch (next() % 10) {
      case 0: applyRecipe(s, pick(RECIPES)); break; // a change that violates one check (SDM-derived recipes)
      case 1: s.vmcs.set(field, s.vmcs.get(field) ^ (1n << BigInt(next() % 64))); break;
      case 2: s.vmcs.set(field, (BigInt(next()) << 32n) | BigInt(next())); break;
      case 3: s.vmcs.set(field, baseline.get(field.id) ?? 0n); break;
      case 4: for (const [id, v] of baseline) if (caps.fields.some((f) => f.id === id)) s.vmcs.set(id, v); s.inSmm = false; s.ia32eMode = true; break;
      case 5: s.vmcs.set('GUEST_RIP', BigInt(BASELINE_MEMORY.guestRip + (next() % 0x1000))); break; // changes that keep entry valid
      case 6: resume = !resume; break;
      case 7: s.memory.write32(pick([LINK, MSR_AREA, BASELINE_MEMORY.pageTables]) + (next() % 64) * 4, next()); break;
      // A VMCS link pointer to a region whose header may be right or wrong: a check that reads memory (27.3.1.5).
      case 8: s.vmcs.set('VMCS_LINK_POINTER', next() % 2 === 0 ? BigInt(LINK) : 0xFFFF_FFFF_FFFF_FFFFn); break;
      default: s.memory.write32(LINK, next() % 2 === 0 ? caps.revisionId : next()); break;
    }
    const ctx: EntryContext = {
      caps, vmcs: s.vmcs, memory: s.memory, resume, inSmm: s.inSmm, currentVmcs: BASELINE_MEMORY.vmcsRegion, vmxon: BASELINE_MEMORY.vmxonRegion,
      ...(s.ia32eMode !== undefined ? { ia32eMode: s.ia32eMode } : {}),
    };
    const want = uncached(ctx);
    const reusedBefore = cache.stats.reusedEntries;
    const got = cached(cache, ctx);
    if (got !== want) throw new Error(`seed ${seed}, step ${step}: cached ${got}, uncached ${want}`);
    stats.steps++;
    if (want === 'pass') stats.passes++;
    if (previous === 'pass' && want !== 'pass') stats.failAfterPass++;
    if (want === 'pass' && cache.stats.reusedEntries > reusedBefore) stats.passAfterReuse++;
    previous = want;
  }
  return { stats, cache: cache.stats };
}

describe('incremental VM-entry checks agree with full evaluation in SDM order (27.2, 27.3)', () => {
  it.each([...BUILTIN, MAXIMAL].map((p) => [p.id, p] as const))('on %s, over a seeded random walk of VMCS changes', (_id, profile) => {
    const { stats, cache } = walk(profile, SEED ^ profile.id.length);
    // The walk exercises both directions: reused results that still pass, and failures found after a pass.
    expect(stats.passAfterReuse).toBeGreaterThan(STEPS / 20);
    expect(stats.failAfterPass).toBeGreaterThan(STEPS / 50);
    expect(cache.reusedEntries).toBeGreaterThan(STEPS / 10);
  });

  it.each([...BUILTIN, MAXIMAL].map((p) => [p.id, p] as const))('on %s, one bit of one field flipped after a successful entry, for every bit of every field', (_id, profile) => {
    const caps = new VmxCapabilities(profile);
    const ctx: EntryContext = {
      caps, vmcs: baselineVmcs(caps), memory: new PhysicalMemory(MEMORY_BYTES), resume: true, inSmm: false,
      currentVmcs: BASELINE_MEMORY.vmcsRegion, vmxon: BASELINE_MEMORY.vmxonRegion, ia32eMode: true,
    };
    const cache = new EntryCheckCache();
    expect(cached(cache, ctx)).toBe('pass');
    let failures = 0;
    for (const f of caps.fields) {
      const old = ctx.vmcs.get(f);
      const bits = f.width === '16' ? 16 : f.width === '32' ? 32 : 64;
      for (let b = 0; b < bits; b++) {
        ctx.vmcs.set(f, old ^ (1n << BigInt(b)));
        const want = uncached(ctx);
        expect(`${f.id} bit ${b}: ${cached(cache, ctx)}`).toBe(`${f.id} bit ${b}: ${want}`);
        if (want !== 'pass') failures++;
        ctx.vmcs.set(f, old);
        expect(cached(cache, ctx)).toBe('pass');
      }
    }
    expect(failures).toBeGreaterThan(100); // the sweep does reach failing checks after reused passes
  });

  it('the check predicates read the VMCS only through the accessors the cache records (get, getLo, getHi, getBig)', () => {
    // Anything else of a Vmcs (launch state, address, shadow indicator) would be an input the cache cannot see.
    const allowed = new Set(['get', 'getLo', 'getHi', 'getBig']);
    for (const file of ['context.ts', 'controls.ts', 'effective-controls.ts', 'features.ts', 'guest-state.ts', 'host-state.ts', 'index.ts', 'msr-loading.ts', 'msr-rules.ts']) {
      const text = readFileSync(new URL(file, import.meta.url), 'utf8');
      const other = [...text.matchAll(/(?<![/'"\w-])vmcs\.(\w+)/g)].map((m) => m[1]!).filter((name) => !allowed.has(name));
      expect(other, file).toEqual([]);
    }
  });

  it('after a successful entry, an unchanged VMCS evaluates only the checks that read memory', () => {
    const caps = new VmxCapabilities(BUILTIN[0]);
    const ctx: EntryContext = {
      caps, vmcs: baselineVmcs(caps), memory: new PhysicalMemory(MEMORY_BYTES), resume: true, inSmm: false,
      currentVmcs: BASELINE_MEMORY.vmcsRegion, vmxon: BASELINE_MEMORY.vmxonRegion, ia32eMode: true,
    };
    const cache = new EntryCheckCache();
    expect(cached(cache, ctx)).toBe('pass');
    const full = cache.stats.evaluated;
    expect(cached(cache, ctx)).toBe('pass');
    expect(cache.stats.evaluated - full).toBe(0); // the baseline's checks read no memory (link pointer FFFFFFFF_FFFFFFFFh)
    ctx.vmcs.set('GUEST_RIP', 1n << 60n); // not canonical: SDM 27.3.1.4
    expect(cached(cache, ctx)).toBe(uncached(ctx));
    expect(uncached(ctx)).toMatch(/^27\.3 guest\./);
  });
});
