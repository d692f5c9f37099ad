// Run results as data: totals by area, spec coverage (which catalogue entries the run exercised) and
// the per-case results; JSON and JUnit XML renderings.
import { VMCS_FIELDS, VM_INSTRUCTION_ERRORS } from '../model/generated/index.js';
import type { CaseResult } from '../conformance/runner.js';

export interface AreaTotals { pass: number; fail: number; unsupported: number }

export interface CoverageLine {
  readonly exercised: number;
  readonly total: number;
  readonly missing: readonly string[];
}

export interface RunReport {
  readonly profile: string;
  readonly totals: AreaTotals;
  readonly byArea: Readonly<Record<string, AreaTotals>>;
  readonly coverage: { readonly vmcsFields: CoverageLine; readonly vmInstructionErrors: CoverageLine; readonly sdmSections: readonly string[] };
  readonly results: readonly CaseResult[];
}

/** The area of a case: the first two parts of its id (e.g. vmcs.field). */
export function areaOf(id: string): string {
  return id.split('.').slice(0, 2).join('.');
}

export function buildReport(profile: string, results: readonly CaseResult[], expectedErrors: ReadonlyMap<string, readonly number[]>): RunReport {
  const totals: AreaTotals = { pass: 0, fail: 0, unsupported: 0 };
  const byArea: Record<string, AreaTotals> = {};
  const encodings = new Set<number>();
  const errors = new Set<number>();
  const sections = new Set<string>();
  for (const r of results) {
    totals[r.status]++;
    (byArea[areaOf(r.id)] ??= { pass: 0, fail: 0, unsupported: 0 })[r.status]++;
    if (r.status === 'unsupported') continue;
    for (const e of r.encodings) encodings.add(e);
    for (const e of expectedErrors.get(r.id) ?? []) errors.add(e);
    for (const s of r.sdm) sections.add(s);
  }
  const fieldsHit = VMCS_FIELDS.filter((f) => encodings.has(f.encoding));
  const errorsHit = VM_INSTRUCTION_ERRORS.filter((e) => errors.has(e.number));
  return {
    profile, totals, byArea,
    coverage: {
      vmcsFields: { exercised: fieldsHit.length, total: VMCS_FIELDS.length, missing: VMCS_FIELDS.filter((f) => !encodings.has(f.encoding)).map((f) => f.id) },
      vmInstructionErrors: { exercised: errorsHit.length, total: VM_INSTRUCTION_ERRORS.length, missing: VM_INSTRUCTION_ERRORS.filter((e) => !errors.has(e.number)).map((e) => `${e.number} ${e.id}`) },
      sdmSections: [...sections].sort(),
    },
    results,
  };
}

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** JUnit XML: one testsuite per area; unsupported cases are skipped with the reason. */
export function junitXml(report: RunReport): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="vmxsim conform (${xml(report.profile)})" tests="${report.results.length}" failures="${report.totals.fail}" skipped="${report.totals.unsupported}">`];
  const areas = new Map<string, CaseResult[]>();
  for (const r of report.results) (areas.get(areaOf(r.id)) ?? areas.set(areaOf(r.id), []).get(areaOf(r.id))!).push(r);
  for (const [area, rs] of areas) {
    const t = report.byArea[area]!;
    lines.push(`  <testsuite name="${xml(area)}" tests="${rs.length}" failures="${t.fail}" skipped="${t.unsupported}">`);
    for (const r of rs) {
      lines.push(`    <testcase classname="${xml(area)}" name="${xml(r.id)}">`);
      if (r.status === 'fail') lines.push(`      <failure message="${xml(r.diffs.map((d) => `step ${d.step} ${d.what}: expected ${d.expected}, got ${d.actual}`).join('; '))}"/>`);
      if (r.status === 'unsupported') lines.push(`      <skipped message="${xml(r.note ?? 'unsupported')}"/>`);
      lines.push('    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return lines.join('\n') + '\n';
}
