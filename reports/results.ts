// Run results as data: totals by area, spec coverage (which catalogue entries the run exercised) and
// the per-case results; JSON and JUnit XML renderings.
import type { ConformanceCase } from '../model/generated/index.js';
import type { CaseResult } from '../conformance/runner.js';
import { type SpecCoverage, specCoverage } from './coverage.js';

export type { CoverageLine, SpecCoverage } from './coverage.js';

export interface AreaTotals { pass: number; fail: number; unsupported: number }

export interface RunReport {
  readonly profile: string;
  readonly totals: AreaTotals;
  readonly byArea: Readonly<Record<string, AreaTotals>>;
  /** Coverage by the cases that ran on this profile (unsupported ones do not count). */
  readonly coverage: SpecCoverage;
  /** Coverage each profile would give: the cases its capabilities support (the CLI adds it with --json or --report). */
  readonly coverageByProfile?: Readonly<Record<string, SpecCoverage>>;
  readonly results: readonly CaseResult[];
}

/** The area of a case: the first two parts of its id (e.g. vmcs.field). */
export function areaOf(id: string): string {
  return id.split('.').slice(0, 2).join('.');
}

/** Totals by area and the spec coverage of the cases that ran; `cases` are the run's cases (any order). */
export function buildReport(profile: string, results: readonly CaseResult[], cases: readonly ConformanceCase[]): RunReport {
  const totals: AreaTotals = { pass: 0, fail: 0, unsupported: 0 };
  const byArea: Record<string, AreaTotals> = {};
  const ran = new Set<string>();
  for (const r of results) {
    totals[r.status]++;
    (byArea[areaOf(r.id)] ??= { pass: 0, fail: 0, unsupported: 0 })[r.status]++;
    if (r.status !== 'unsupported') ran.add(r.id);
  }
  return { profile, totals, byArea, coverage: specCoverage(cases.filter((c) => ran.has(c.id))), results };
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
