// `vmxsim conform`: load and validate every case, run them on the model, print a summary by area and
// the coverage of the spec catalogues, write JSON/JUnit if asked; exit 1 on any failure.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCases } from '../conformance/load.js';
import { type CaseResult, runCase } from '../conformance/runner.js';
import { buildReport, junitXml } from '../reports/results.js';
import { specCoverage } from '../reports/coverage.js';
import { reportHtml } from '../reports/html.js';
import { BUILTIN_PROFILES, type ConformanceCase } from '../model/generated/index.js';
import { VmxCapabilities } from '../model/vmx/index.js';
import { DEFAULT_PROFILE, resolveProfile } from '../model/profile/index.js';
import { table } from './format.js';
import { EXIT_FAILURE, EXIT_OK, UsageError } from './errors.js';

export interface ConformOptions {
  readonly filter?: string;
  readonly tag?: string;
  readonly profile?: string;
  readonly json?: string;
  readonly junit?: string;
  /** A directory for the HTML report (index.html). */
  readonly report?: string;
  readonly backend?: string;
}

function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above the CLI');
    dir = up;
  }
  return dir;
}

/** A glob over case ids: `*` any run of characters, `?` one. */
function globRegex(glob: string): RegExp {
  const body = glob.split('').map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`);
}

export function conformCommand(options: ConformOptions, out: (line: string) => void, err: (line: string) => void): number {
  if (options.backend !== undefined && options.backend !== 'model') throw new UsageError(`--backend ${options.backend}: only the model backend exists so far`);
  const resolved = resolveProfile(options.profile ?? DEFAULT_PROFILE);
  if (resolved.kind === 'error') throw new UsageError(resolved.messages.join('\n'));
  const profile = resolved.profile;
  const root = packageRoot();
  const { cases, problems } = loadCases(join(root, 'conformance', 'cases'), root);
  for (const p of problems) err(`${p.source}: ${p.pointer}: ${p.message}`);
  const pattern = options.filter ? globRegex(options.filter) : undefined;
  const selected = cases.filter((c) => (!pattern || pattern.test(c.case.id)) && (!options.tag || (c.case.tags ?? []).includes(options.tag)));
  if (selected.length === 0) throw new UsageError(`no case matches${options.filter ? ` --filter ${options.filter}` : ''}${options.tag ? ` --tag ${options.tag}` : ''}`);
  const start = performance.now();
  const results: CaseResult[] = selected.map((c) => runCase(c.case, c.source, profile));
  const seconds = (performance.now() - start) / 1000;
  const runReport = buildReport(profile.id, results, selected.map((c) => c.case));
  // Per profile: the coverage of the cases each built-in profile's capabilities support (the runner's rule).
  const report = options.report === undefined && options.json === undefined ? runReport : {
    ...runReport,
    coverageByProfile: Object.fromEntries(BUILTIN_PROFILES.map((p) => [p.id, specCoverage(supported(selected.map((c) => c.case), new VmxCapabilities(p)))])),
  };

  for (const r of results.filter((x) => x.status === 'fail')) {
    out(`FAIL ${r.id}  (${r.source}; SDM ${r.sdm.join(', ')})`);
    for (const d of r.diffs) out(`  step ${d.step} ${d.what}: expected ${d.expected}, got ${d.actual}`);
  }
  const rows = Object.entries(report.byArea).sort(([a], [b]) => a.localeCompare(b))
    .map(([area, t]) => [area, String(t.pass), String(t.fail), String(t.unsupported)]);
  rows.push(['total', String(report.totals.pass), String(report.totals.fail), String(report.totals.unsupported)]);
  out(table(['area', 'pass', 'fail', 'unsupported'], rows));
  const cov = report.coverage;
  out(`coverage: VMCS fields ${cov.vmcsFields.exercised}/${cov.vmcsFields.total}, control bits ${cov.controlBits.exercised}/${cov.controlBits.total}, exit reasons ${cov.exitReasons.exercised}/${cov.exitReasons.total}, ` +
    `qualification layouts ${cov.qualificationLayouts.exercised}/${cov.qualificationLayouts.total} (bits ${cov.qualificationBits.exercised}/${cov.qualificationBits.total}), ` +
    `VM-entry checks ${cov.vmEntryChecks.exercised}/${cov.vmEntryChecks.total}, VM-instruction errors ${cov.vmInstructionErrors.exercised}/${cov.vmInstructionErrors.total}, ` +
    `SDM sections ${cov.sdmCatalogueSections.exercised}/${cov.sdmCatalogueSections.total} (${cov.sdmSections.length} cited)`);
  out(`${results.length} cases on profile ${profile.id} in ${seconds.toFixed(2)} s${problems.length ? `; ${problems.length} bad case file problem(s) reported above` : ''}`);
  const html = options.report === undefined ? undefined : join(options.report, 'index.html');
  for (const [file, text] of [[options.json, JSON.stringify(report, null, 2) + '\n'], [options.junit, junitXml(report)], [html, reportHtml(report)]] as const) {
    if (file === undefined) continue;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    out(`wrote ${file}`);
  }
  return report.totals.fail > 0 || problems.length > 0 ? EXIT_FAILURE : EXIT_OK;
}

/** The cases a processor with these capabilities runs (the others are unsupported: conformance/runner.ts). */
function supported(cases: readonly ConformanceCase[], caps: VmxCapabilities): ConformanceCase[] {
  return cases.filter((c) => (c.requires ?? []).every((r) => caps.holds(r)) && !(c.excludes ?? []).some((r) => caps.holds(r)));
}
