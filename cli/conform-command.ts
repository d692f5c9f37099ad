// `vmxsim conform`: load and validate every case, run them on the model, print a summary by area and
// the coverage of the spec catalogues, write JSON/JUnit if asked; exit 1 on any failure.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCases } from '../conformance/load.js';
import { type CaseResult, runCase } from '../conformance/runner.js';
import { buildReport, junitXml } from '../reports/results.js';
import { DEFAULT_PROFILE, resolveProfile } from '../model/profile/index.js';
import { table } from './format.js';
import { EXIT_FAILURE, EXIT_OK, UsageError } from './errors.js';

export interface ConformOptions {
  readonly filter?: string;
  readonly tag?: string;
  readonly profile?: string;
  readonly json?: string;
  readonly junit?: string;
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
  const expectedErrors = new Map(selected.map((c) => [c.case.id, c.case.steps.flatMap((s) => (s.expect.kind === 'vmfail-valid' ? [s.expect.error] : []))]));
  const report = buildReport(profile.id, results, expectedErrors);

  for (const r of results.filter((x) => x.status === 'fail')) {
    out(`FAIL ${r.id}  (${r.source}; SDM ${r.sdm.join(', ')})`);
    for (const d of r.diffs) out(`  step ${d.step} ${d.what}: expected ${d.expected}, got ${d.actual}`);
  }
  const rows = Object.entries(report.byArea).sort(([a], [b]) => a.localeCompare(b))
    .map(([area, t]) => [area, String(t.pass), String(t.fail), String(t.unsupported)]);
  rows.push(['total', String(report.totals.pass), String(report.totals.fail), String(report.totals.unsupported)]);
  out(table(['area', 'pass', 'fail', 'unsupported'], rows));
  const cov = report.coverage;
  out(`coverage: VMCS fields ${cov.vmcsFields.exercised}/${cov.vmcsFields.total}, VM-instruction errors ${cov.vmInstructionErrors.exercised}/${cov.vmInstructionErrors.total}, SDM sections ${cov.sdmSections.length}`);
  out(`${results.length} cases on profile ${profile.id} in ${seconds.toFixed(2)} s${problems.length ? `; ${problems.length} bad case file problem(s) reported above` : ''}`);
  for (const [file, text] of [[options.json, JSON.stringify(report, null, 2) + '\n'], [options.junit, junitXml(report)]] as const) {
    if (file === undefined) continue;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    out(`wrote ${file}`);
  }
  return report.totals.fail > 0 || problems.length > 0 ? EXIT_FAILURE : EXIT_OK;
}
