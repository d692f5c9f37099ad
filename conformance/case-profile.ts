// The processor a case runs on: the profile under test, or what the case's `profile` asks for instead (a
// named built-in profile, capability-MSR bits toggled, model extensions on or off, model-dependent CPUID flags
// added or removed). A variant must still be
// a processor Appendix A allows (model/profile consistency), else the case cannot run.
import { BUILTIN_PROFILES, type ConformanceCase, type CpuProfile } from '../model/generated/index.js';
import { toHex } from '../model/arch/numbers.js';
import { checkProfileConsistency, formatProfileProblem } from '../model/profile/index.js';

export type CaseProfile = { readonly profile: CpuProfile } | { readonly error: string };

const cache = new WeakMap<CpuProfile, Map<string, CaseProfile>>();

/** The profile `c` runs on when the profile under test is `underTest`; cached per request. */
export function caseProfile(c: ConformanceCase, underTest: CpuProfile): CaseProfile {
  const want = c.profile;
  if (want === undefined) return { profile: underTest };
  let byRequest = cache.get(underTest);
  if (!byRequest) cache.set(underTest, (byRequest = new Map()));
  const key = JSON.stringify(want);
  let r = byRequest.get(key);
  if (!r) byRequest.set(key, (r = derive(want, underTest)));
  return r;
}

function derive(want: NonNullable<ConformanceCase['profile']>, underTest: CpuProfile): CaseProfile {
  const base = want.name === undefined ? underTest : BUILTIN_PROFILES.find((p) => p.id === want.name);
  if (base === undefined) return { error: `profile.name: no built-in profile ${want.name} (spec/data/profiles)` };
  if (want.msrs === undefined && want.extensions === undefined && want.cpuid === undefined && want.implementation === undefined) return { profile: base };
  const msrs: Record<string, string> = { ...base.msrs };
  for (const [id, bits] of Object.entries(want.msrs ?? {})) {
    const v = (BigInt(msrs[id] ?? '0x0') | BigInt(bits.set ?? '0x0')) & ~BigInt(bits.clear ?? '0x0');
    msrs[id] = toHex(v);
  }
  const profile: CpuProfile = {
    ...base,
    id: `${base.id}+case`,
    msrs,
    ...(want.extensions !== undefined ? { extensions: { ...base.extensions, ...want.extensions } } : {}),
    ...(want.cpuid !== undefined ? { cpuid: { ...base.cpuid, features: cpuidFeatures(base.cpuid.features, want.cpuid) } } : {}),
    ...(want.implementation !== undefined ? { implementation: { ...base.implementation, ...want.implementation } } : {}),
  };
  const problems = checkProfileConsistency(profile);
  if (problems.length > 0) return { error: `profile: the variant of ${base.id} is not a processor Appendix A allows: ${problems.map(formatProfileProblem).join('; ')}` };
  return { profile };
}

type CpuidFeature = NonNullable<CpuProfile['cpuid']['features']>[number];

/** The model-dependent CPUID flags of a variant: the base profile's, plus `set`, minus `clear`. */
function cpuidFeatures(base: readonly CpuidFeature[] | undefined, want: { set?: CpuidFeature[]; clear?: CpuidFeature[] }): CpuidFeature[] {
  const out = new Set<CpuidFeature>([...(base ?? []), ...(want.set ?? [])]);
  for (const f of want.clear ?? []) out.delete(f);
  return [...out];
}
