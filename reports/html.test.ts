// The HTML report: one self-contained page (no network, no scripts) with the totals, the coverage of
// each catalogue and the failing cases' diffs.
import { describe, expect, it } from 'vitest';
import type { ConformanceCase } from '../model/generated/index.js';
import type { CaseResult } from '../conformance/runner.js';
import { buildReport } from './results.js';
import { reportHtml } from './html.js';

const CASE: ConformanceCase = {
  id: 'exit.io.page', title: 'OUT 80h, AL exits (reason 30, SDM 28.2.1)', sdm: ['28.2.1'],
  steps: [{ op: 'vmlaunch', expect: { kind: 'vm-exit', exitReason: 30, fields: { EXIT_QUALIFICATION: '0x800040' } } }],
};
const FAIL: CaseResult = {
  id: CASE.id, title: CASE.title, source: 'cases/<io>.json', sdm: CASE.sdm, status: 'fail', encodings: [],
  diffs: [{ step: 1, what: 'vmlaunch: EXIT_QUALIFICATION', expected: '0x800040', actual: '0x800048' }],
};
const SKIP: CaseResult = { id: 'exit.ept.x', title: 'EPT', source: 's', sdm: ['29.3'], status: 'unsupported', note: 'the profile lacks proc2.ENABLE_EPT', diffs: [], encodings: [] };

describe('reportHtml', () => {
  const report = buildReport('skylake-server', [FAIL, SKIP], [CASE]);
  const html = reportHtml(report);

  it('is self-contained: no URLs to fetch, no scripts, inline CSS and SVG', () => {
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/\bsrc=/i);
    expect(html).toMatch(/<style>/);
    expect(html).toMatch(/<svg class="chart"/);
  });

  it('shows the totals and every catalogue covered/total', () => {
    expect(html).toContain('pass 0');
    expect(html).toContain('fail 1');
    expect(html).toContain('unsupported 1');
    const c = report.coverage;
    expect(html).toContain(`${c.exitReasons.exercised}/${c.exitReasons.total}`);
    expect(html).toContain(`${c.vmcsFields.exercised}/${c.vmcsFields.total}`);
    expect(html).toContain(`${c.vmEntryChecks.exercised}/${c.vmEntryChecks.total}`);
    expect(c.exitReasons.exercised).toBe(1);
  });

  it('lists the failing case with its diff, escaped', () => {
    expect(html).toContain('exit.io.page');
    expect(html).toContain('0x800048');
    expect(html).toContain('cases/&lt;io&gt;.json');
    expect(html).toContain('the profile lacks proc2.ENABLE_EPT');
  });
});
