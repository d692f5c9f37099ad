// Finding a CPU profile by name or file, and building one from a dump of capability MSRs.
import { readFileSync } from 'node:fs';
import { createAjv } from '../../spec/codegen/ajv.js';
import { BUILTIN_PROFILES, CAPABILITY_MSRS, SCHEMAS, type CpuProfile } from '../generated/index.js';
import { parseUnsigned, toHex } from '../arch/numbers.js';
import { checkProfileConsistency, formatProfileProblem } from './consistency.js';

export const DEFAULT_PROFILE = 'skylake-server';

export type ProfileResult =
  | { readonly kind: 'ok'; readonly profile: CpuProfile }
  | { readonly kind: 'error'; readonly messages: readonly string[] };

let validateProfile: ReturnType<ReturnType<typeof createAjv>['compile']> | undefined;

function profileValidator(): NonNullable<typeof validateProfile> {
  if (!validateProfile) {
    const ajv = createAjv();
    for (const [file, schema] of Object.entries(SCHEMAS)) if (file !== 'cpu-profile.schema.json') ajv.addSchema(schema);
    validateProfile = ajv.compile(SCHEMAS['cpu-profile.schema.json']!);
  }
  return validateProfile;
}

export function builtinProfile(id: string): CpuProfile | undefined {
  return BUILTIN_PROFILES.find((p) => p.id === id);
}

/** Schema and consistency problems of a profile, each naming where. */
export function validateProfileData(data: unknown, source: string): string[] {
  const validate = profileValidator();
  if (!validate(data)) {
    return (validate.errors ?? []).map((e) => `${source}: ${e.instancePath || '/'}: ${e.message ?? 'invalid'}`);
  }
  return checkProfileConsistency(data as CpuProfile).map((p) => `${source}: ${formatProfileProblem(p)}`);
}

/** A built-in profile id, or the path of a profile JSON file. */
export function resolveProfile(nameOrPath: string): ProfileResult {
  const builtin = builtinProfile(nameOrPath);
  if (builtin) return { kind: 'ok', profile: builtin };
  if (!nameOrPath.includes('/') && !nameOrPath.endsWith('.json')) {
    return { kind: 'error', messages: [`unknown profile "${nameOrPath}": built-in profiles are ${BUILTIN_PROFILES.map((p) => p.id).join(', ')}; or give a profile file`] };
  }
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(nameOrPath, 'utf8'));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return { kind: 'error', messages: [`${nameOrPath}: ${err.code === 'ENOENT' ? 'no such file' : err instanceof SyntaxError ? `not valid JSON: ${err.message}` : err.message}`] };
  }
  const messages = validateProfileData(data, nameOrPath);
  return messages.length > 0 ? { kind: 'error', messages } : { kind: 'ok', profile: data as CpuProfile };
}

export interface MsrDumpOptions {
  readonly base: CpuProfile;
  readonly source: string;
  readonly id?: string;
  readonly name?: string;
}

/**
 * A profile from capability-MSR values as Linux `rdmsr` prints them, one "0xADDR VALUE" per line (VALUE in
 * hex, with or without 0x; '#' starts a comment). The MSRs come from the dump; an MSR outside the VMX
 * capability range (IA32_FEATURE_CONTROL) that the dump lacks, CPUID and timing come from the base profile.
 */
export function profileFromMsrDump(text: string, options: MsrDumpOptions): ProfileResult {
  const messages: string[] = [];
  const msrs: Record<string, string> = {};
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') return;
    const where = `${options.source}:${i + 1}`;
    const parts = line.split(/[\s:=]+/);
    if (parts.length !== 2) {
      messages.push(`${where}: expected "0xADDR VALUE", got "${line}"`);
      return;
    }
    const address = parseUnsigned(parts[0]!);
    const valueText = parts[1]!;
    const value = /^[0-9a-fA-F]+$/.test(valueText) ? BigInt('0x' + valueText) : parseUnsigned(valueText);
    if (address === undefined) {
      messages.push(`${where}: "${parts[0]}" is not an MSR address`);
      return;
    }
    if (value === undefined || value >= 1n << 64n) {
      messages.push(`${where}: "${valueText}" is not a 64-bit value`);
      return;
    }
    const msr = CAPABILITY_MSRS.find((m) => BigInt(m.address) === address);
    if (!msr) {
      messages.push(`${where}: MSR ${toHex(address)} is not a VMX capability MSR (expected 0x3A or 0x480-0x493)`);
      return;
    }
    if (msrs[msr.id] !== undefined && msrs[msr.id] !== toHex(value)) {
      messages.push(`${where}: ${msr.id} appears twice with different values (a dump of several processors?)`);
      return;
    }
    msrs[msr.id] = toHex(value);
  });
  if (Object.keys(msrs).length === 0 && messages.length === 0) messages.push(`${options.source}: no MSR values found`);
  for (const m of CAPABILITY_MSRS) {
    if (msrs[m.id] === undefined && m.address < 0x480 && options.base.msrs[m.id] !== undefined) msrs[m.id] = options.base.msrs[m.id]!;
  }
  const ordered = Object.fromEntries(CAPABILITY_MSRS.filter((m) => msrs[m.id] !== undefined).map((m) => [m.id, msrs[m.id]!]));
  const profile: CpuProfile = {
    id: options.id ?? `${options.base.id}-from-msrs`,
    name: options.name ?? `${options.base.name}, capability MSRs from ${options.source}`,
    description: `VMX capability MSRs read from ${options.source}; CPUID identity, timing and anything the dump does not give come from ${options.base.id}.`,
    base: options.base.id,
    cpuid: options.base.cpuid,
    msrs: ordered,
    timing: options.base.timing,
    ...(options.base.extensions ? { extensions: options.base.extensions } : {}),
  };
  if (messages.length === 0) messages.push(...validateProfileData(profile, options.source));
  return messages.length > 0 ? { kind: 'error', messages } : { kind: 'ok', profile };
}
