// Cases come from two places: JSON files under conformance/cases (hand-written) and the generators,
// which walk the spec catalogues. Every case is validated against conformance-case.schema.json; a bad
// one is reported with its file, JSON pointer and reason, and the run goes on with the others.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createAjv } from '../spec/codegen/ajv.js';
import { BUILTIN_PROFILES, type ConformanceCase, SCHEMAS } from '../model/generated/index.js';
import { GENERATORS } from './generators/index.js';
import { capabilityMsr, controlGroupById, fieldById, layoutById } from '../model/arch/catalogue.js';

export interface LoadedCase {
  readonly case: ConformanceCase;
  /** The file it came from, or `generator:<name>`. */
  readonly source: string;
}

export interface CaseProblem {
  readonly source: string;
  readonly pointer: string;
  readonly message: string;
}

let validator: ReturnType<ReturnType<typeof createAjv>['compile']> | undefined;

function validate(): NonNullable<typeof validator> {
  if (!validator) {
    const ajv = createAjv();
    for (const [file, schema] of Object.entries(SCHEMAS)) if (file !== 'conformance-case.schema.json') ajv.addSchema(schema);
    validator = ajv.compile(SCHEMAS['conformance-case.schema.json']!);
  }
  return validator;
}

function check(data: unknown, source: string, problems: CaseProblem[]): data is ConformanceCase {
  const v = validate();
  if (v(data)) return meaningful(data as ConformanceCase, source, problems);
  for (const e of v.errors ?? []) problems.push({ source, pointer: e.instancePath || '/', message: e.message ?? 'invalid' });
  return false;
}

/** Every VMCS field id a case names (setup values and bits, expected exit fields) is in the field catalogue. */
function knownFields(c: ConformanceCase, source: string, problems: CaseProblem[]): void {
  const need = (ids: readonly string[], pointer: string): void => {
    for (const id of ids) {
      if (fieldById(id) === undefined) problems.push({ source, pointer: `${pointer}/${id}`, message: `${id} is not a VMCS field of spec/data/vmcs/fields.json` });
    }
  };
  need(Object.keys(c.setup?.fields ?? {}), '/setup/fields');
  need(Object.keys(c.setup?.bits ?? {}), '/setup/bits');
  c.steps.forEach((step, i) => {
    if ('expect' in step && step.expect.kind === 'vm-exit') need(Object.keys(step.expect.fields ?? {}), `/steps/${i}/expect/fields`);
  });
  const controls = [...(c.setup?.controls?.set ?? []).map((r, j) => [r, `/setup/controls/set/${j}`]),
    ...(c.setup?.controls?.clear ?? []).map((r, j) => [r, `/setup/controls/clear/${j}`])];
  for (const key of ['requires', 'excludes'] as const) {
    (c[key] ?? []).forEach((cond, j) => {
      if ('control' in cond) { controls.push([cond.control, `/${key}/${j}/control`]); return; }
      // A capability-MSR field: the MSR has a layout and the layout that field (a misspelt one would quietly
      // make the case unsupported).
      const layout = capabilityMsr(cond.msr)?.layout;
      if (layout === undefined || !layoutById(layout)?.fields.some((f) => f.id === cond.field)) {
        problems.push({ source, pointer: `/${key}/${j}/field`, message: `${cond.msr} has no field ${cond.field} in spec/data (capability-msrs.json, layouts/msrs.json)` });
      }
    });
  }
  for (const [ref, pointer] of controls) {
    const [group, bit] = ref!.split('.');
    if (!controlGroupById(group!)?.bits.some((b) => b.id === bit)) problems.push({ source, pointer: pointer!, message: `${ref} is not a control bit of spec/data/controls` });
  }
}

/**
 * What the schema cannot say: a named profile exists; named VMCS fields and control bits exist; stimuli have
 * the vectors their events take; ignored bits belong to an expected field.
 */
function meaningful(c: ConformanceCase, source: string, problems: CaseProblem[]): boolean {
  const before = problems.length;
  knownFields(c, source, problems);
  const name = c.profile?.name;
  if (name !== undefined && !BUILTIN_PROFILES.some((p) => p.id === name)) {
    problems.push({ source, pointer: '/profile/name', message: `no built-in profile ${name} (${BUILTIN_PROFILES.map((p) => p.id).join(', ')})` });
  }
  c.steps.forEach((step, i) => {
    ('stimulus' in step ? step.stimulus ?? [] : []).forEach((st, j) => {
      const vectored = st.event === 'external-interrupt' || st.event === 'sipi';
      if (vectored && st.vector === undefined) problems.push({ source, pointer: `/steps/${i}/stimulus/${j}`, message: `${st.event} needs a vector` });
      // Vectors 0-31 are reserved for exceptions; an interrupt controller delivers 16-255 (Vol. 3A 6.2, 11.5.2).
      if (st.event === 'external-interrupt' && st.vector !== undefined && st.vector < 16) {
        problems.push({ source, pointer: `/steps/${i}/stimulus/${j}/vector`, message: 'an external interrupt has a vector of 16 or more' });
      }
      if (!vectored && st.vector !== undefined) problems.push({ source, pointer: `/steps/${i}/stimulus/${j}/vector`, message: `${st.event} has no vector` });
      if (st.during !== undefined && st.event !== 'machine-check') problems.push({ source, pointer: `/steps/${i}/stimulus/${j}/during`, message: 'only a machine-check event happens during VM entry' });
      if (st.during !== undefined && st.afterInstructions !== undefined) {
        problems.push({ source, pointer: `/steps/${i}/stimulus/${j}/afterInstructions`, message: 'an event during a VM entry or exit is placed by during, not by a count of guest instructions' });
      }
    });
    // 27.8 defines the qualification of exit reasons 33 and 34 (none for 41): their expectations must give it.
    if ('expect' in step && step.expect.kind === 'entry-failure' && step.expect.exitReason !== 41 && step.expect.qualification === undefined) {
      problems.push({ source, pointer: `/steps/${i}/expect`, message: `an entry failure with exit reason ${step.expect.exitReason} needs its qualification (SDM 27.8)` });
    }
    if (!('expect' in step) || step.expect.kind !== 'vm-exit') return;
    const fields = step.expect.fields ?? {};
    for (const id of Object.keys(step.expect.ignoreBits ?? {})) {
      if (!(id in fields)) problems.push({ source, pointer: `/steps/${i}/expect/ignoreBits/${id}`, message: `${id} is not an expected field of this step` });
    }
  });
  return problems.length === before;
}

function jsonFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...jsonFiles(full));
    else if (name.endsWith('.json')) out.push(full);
  }
  return out;
}

/** All cases: hand-written files (a file holds one case or an array of cases) and generated ones. */
export function loadCases(casesDir: string, root: string): { cases: LoadedCase[]; problems: CaseProblem[] } {
  const cases: LoadedCase[] = [];
  const problems: CaseProblem[] = [];
  for (const file of jsonFiles(casesDir)) {
    const source = relative(root, file);
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      problems.push({ source, pointer: '/', message: `not valid JSON: ${(e as Error).message}` });
      continue;
    }
    const list = Array.isArray(data) ? data : [data];
    list.forEach((c, i) => {
      const where = Array.isArray(data) ? `${source}#/${i}` : source;
      if (check(c, where, problems)) cases.push({ case: c, source: where });
    });
  }
  for (const g of GENERATORS) {
    for (const c of g.generate()) {
      if (check(c, `generator:${g.name}`, problems)) cases.push({ case: c, source: `generator:${g.name}` });
    }
  }
  const seen = new Map<string, string>();
  for (const c of cases) {
    const prior = seen.get(c.case.id);
    if (prior) problems.push({ source: c.source, pointer: '/id', message: `case id ${c.case.id} is also used by ${prior}` });
    seen.set(c.case.id, c.source);
  }
  return { cases, problems };
}
