// `vmxsim conform`: load and validate every case, run them on the model (on worker threads, or one
// shard of them), print a summary by area and the coverage of the spec catalogues, write JSON/JUnit if
// asked; exit 1 on any failure. `--coverage` re-runs the same command under c8.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCases } from '../conformance/load.js';
import { defaultWorkers, startPool } from '../conformance/pool.js';
import type { CaseResult } from '../conformance/runner.js';
import { buildReport, junitXml } from '../reports/results.js';
import { type CoverageLine, specCoverage } from '../reports/coverage.js';
import { reportHtml } from '../reports/html.js';
import { BUILTIN_PROFILES, type ConformanceCase, type CpuProfile } from '../model/generated/index.js';
import { caseProfile } from '../conformance/case-profile.js';
import { VmxCapabilities } from '../model/vmx/index.js';
import { DEFAULT_PROFILE, resolveProfile } from '../model/profile/index.js';
import { table } from './format.js';
import { EXIT_FAILURE, EXIT_OK, UsageError } from './errors.js';
import { type ProgressSink, progressReporter } from './progress.js';

export interface ConformOptions {
  readonly filter?: string;
  readonly tag?: string;
  readonly profile?: string;
  readonly json?: string;
  readonly junit?: string;
  /** A directory for the HTML report (index.html). */
  readonly report?: string;
  readonly backend?: string;
  /** Worker threads; 1 runs the cases in this thread. Default: one per core, at most 8. */
  readonly workers?: string;
  /** `i/n` (1-based): run every n-th selected case starting at the i-th. */
  readonly shard?: string;
  /** Measure the model's code coverage of the run with c8 (reports/out/coverage). */
  readonly coverage?: boolean;
}

/** Where the progress goes (stderr); undefined for none. */
export interface ConformIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly progress?: ProgressSink;
}

/** The environment variable that marks the run c8 starts, so that it does not start c8 again. */
const UNDER_C8 = 'VMXSIM_CONFORM_UNDER_C8';
export const COVERAGE_DIR = join('reports', 'out', 'coverage');

export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** `i/n` with 1 <= i <= n. */
/** ` (N unreachable)` after a coverage figure whose catalogue marks entries no case can reach. */
function unreachable(l: CoverageLine): string {
  return l.unreachable?.length ? ` (+${l.unreachable.length} no case can reach)` : '';
}

export function parseShard(spec: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(spec.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) throw new UsageError(`--shard ${spec}: expected i/n with 1 <= i <= n, e.g. --shard 2/4`);
  return { index, count };
}

/** Every n-th item starting at the i-th (1-based). */
export function shardOf<T>(items: readonly T[], shard: Shard): T[] {
  return items.filter((_, k) => k % shard.count === shard.index - 1);
}

function parseWorkers(spec: string | undefined): number {
  if (spec === undefined) return defaultWorkers();
  if (!/^\d+$/.test(spec) || Number(spec) < 1) throw new UsageError(`--workers ${spec}: expected a positive whole number`);
  return Number(spec);
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

export async function conformCommand(options: ConformOptions, io: ConformIo): Promise<number> {
  const { out, err } = io;
  if (options.backend !== undefined && options.backend !== 'model') throw new UsageError(`--backend ${options.backend}: only the model backend exists so far`);
  const shard = options.shard === undefined ? undefined : parseShard(options.shard);
  const workers = parseWorkers(options.workers);
  const resolved = resolveProfile(options.profile ?? DEFAULT_PROFILE);
  if (resolved.kind === 'error') throw new UsageError(resolved.messages.join('\n'));
  const profile = resolved.profile;
  const root = packageRoot();
  if (options.coverage && process.env[UNDER_C8] === undefined) return underC8(options, root);
  const start = performance.now();
  // The workers start while this thread loads and validates the cases.
  const pool = startPool(profile, workers);
  const { cases, problems } = loadCases(join(root, 'conformance', 'cases'), root);
  for (const p of problems) err(`${p.source}: ${p.pointer}: ${p.message}`);
  const pattern = options.filter ? globRegex(options.filter) : undefined;
  const matching = cases.filter((c) => (!pattern || pattern.test(c.case.id)) && (!options.tag || (c.case.tags ?? []).includes(options.tag)));
  if (matching.length === 0) {
    await pool.close();
    throw new UsageError(`no case matches${options.filter ? ` --filter ${options.filter}` : ''}${options.tag ? ` --tag ${options.tag}` : ''}`);
  }
  const selected = shard ? shardOf(matching, shard) : matching;
  const progress = io.progress ? progressReporter(io.progress) : undefined;
  let results: CaseResult[];
  try {
    results = await pool.run(selected, progress?.update);
  } finally {
    progress?.finish();
  }
  const seconds = (performance.now() - start) / 1000;
  const runReport = buildReport(profile.id, results, selected.map((c) => c.case));
  // Per profile: the coverage of the cases each built-in profile's capabilities support (the runner's rule).
  const report = options.report === undefined && options.json === undefined ? runReport : {
    ...runReport,
    coverageByProfile: Object.fromEntries(BUILTIN_PROFILES.map((p) => [p.id, specCoverage(supported(selected.map((c) => c.case), p))])),
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
    `EPT layouts ${cov.eptLayouts.exercised}/${cov.eptLayouts.total}, ` +
    `VM-entry checks ${cov.vmEntryChecks.exercised}/${cov.vmEntryChecks.total}${unreachable(cov.vmEntryChecks)}, ` +
    `VM-instruction errors ${cov.vmInstructionErrors.exercised}/${cov.vmInstructionErrors.total}${unreachable(cov.vmInstructionErrors)}, ` +
    `APIC registers ${cov.apicRegisters.exercised}/${cov.apicRegisters.total} (layouts ${cov.apicLayouts.exercised}/${cov.apicLayouts.total}), ` +
    `SDM sections ${cov.sdmCatalogueSections.exercised}/${cov.sdmCatalogueSections.total} (${cov.sdmSections.length} cited)`);
  out(`${results.length} cases${shard ? ` (shard ${shard.index}/${shard.count} of ${matching.length})` : ''} on profile ${profile.id} in ${seconds.toFixed(2)} s (${workers === 1 ? '1 thread' : `${workers} threads`})${problems.length ? `; ${problems.length} bad case file problem(s) reported above` : ''}`);
  const html = options.report === undefined ? undefined : join(options.report, 'index.html');
  for (const [file, text] of [[options.json, JSON.stringify(report, null, 2) + '\n'], [options.junit, junitXml(report)], [html, reportHtml(report)]] as const) {
    if (file === undefined) continue;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    out(`wrote ${file}`);
  }
  return report.totals.fail > 0 || problems.length > 0 ? EXIT_FAILURE : EXIT_OK;
}

/**
 * Runs the same command under c8 (the model's code coverage, worker threads included: they inherit
 * NODE_V8_COVERAGE) and lets its output through: the run's summary, then c8's text summary; the HTML
 * report goes to reports/out/coverage under the current directory.
 */
function underC8(options: ConformOptions, root: string): number {
  const c8 = join(root, 'node_modules', 'c8', 'bin', 'c8.js');
  if (!existsSync(c8)) throw new UsageError(`--coverage needs c8 (a devDependency): ${c8} is missing; run npm ci`);
  const reportDir = resolve(COVERAGE_DIR);
  const temp = mkdtempSync(join(tmpdir(), 'vmxsim-c8-'));
  // c8 runs in the package root (its include globs are relative to it), so paths the user gave are made absolute.
  const abs = (p: string | undefined): string | undefined => (p === undefined ? undefined : resolve(p));
  const profile = options.profile !== undefined && existsSync(options.profile) ? resolve(options.profile) : options.profile;
  const pairs: [string, string | undefined][] = [
    ['--filter', options.filter], ['--tag', options.tag], ['--profile', profile], ['--backend', options.backend],
    ['--json', abs(options.json)], ['--junit', abs(options.junit)], ['--report', abs(options.report)],
    ['--workers', options.workers], ['--shard', options.shard],
  ];
  const args = pairs.flatMap(([flag, value]) => (value === undefined ? [] : [flag, value]));
  try {
    const r = spawnSync(process.execPath, [
      c8, '--reporter=text-summary', '--reporter=html', '--report-dir', reportDir, '--temp-directory', temp,
      '--include', 'dist/model/**', '--exclude', '**/*.test.*',
      process.execPath, join(root, 'dist', 'cli', 'main.js'), 'conform', ...args,
    ], { cwd: root, stdio: 'inherit', env: { ...process.env, [UNDER_C8]: '1' } });
    if (r.error) throw r.error;
    if (r.status === 0 || r.status === EXIT_FAILURE) process.stdout.write(`coverage report: ${join(reportDir, 'index.html')}\n`);
    return r.status ?? EXIT_FAILURE;
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

/** The cases a processor with these capabilities runs (the others are unsupported: conformance/runner.ts). */
/** The cases a profile runs (not unsupported): their requires/excludes hold on the processor each case asks for. */
function supported(cases: readonly ConformanceCase[], profile: CpuProfile): ConformanceCase[] {
  const capsOf = new Map<CpuProfile, VmxCapabilities>();
  return cases.filter((c) => {
    const chosen = caseProfile(c, profile);
    if ('error' in chosen) return false;
    let caps = capsOf.get(chosen.profile);
    if (!caps) capsOf.set(chosen.profile, (caps = new VmxCapabilities(chosen.profile)));
    return (c.requires ?? []).every((r) => caps.holds(r)) && !(c.excludes ?? []).some((r) => caps.holds(r));
  });
}
