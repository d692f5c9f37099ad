// The run report as one self-contained HTML page: inline CSS and inline SVG charts, no scripts, no
// external assets, so it opens the same offline, from a CI artifact or a mail attachment.
import { COVERAGE_LINES, type CoverageLine } from './coverage.js';
import type { AreaTotals, RunReport } from './results.js';

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function pct(n: number, d: number): string {
  return d === 0 ? '–' : `${((100 * n) / d).toFixed(1)}%`;
}

const BAR_W = 520, ROW_H = 26, LABEL_W = 230;
const COLOURS = { pass: '#2e9e44', fail: '#d33a2c', unsupported: '#b0b4ba', covered: '#2f6fb3', rest: '#dfe6ee' } as const;

/** One horizontal bar per catalogue: covered against total. */
function coverageChart(lines: readonly (readonly [string, CoverageLine])[]): string {
  const h = lines.length * ROW_H + 4;
  const rows = lines.map(([label, l], i) => {
    const y = i * ROW_H + 2;
    const w = l.total === 0 ? 0 : (BAR_W * l.exercised) / l.total;
    return `<text x="${LABEL_W - 8}" y="${y + 16}" text-anchor="end">${esc(label)}</text>` +
      `<rect x="${LABEL_W}" y="${y + 3}" width="${BAR_W}" height="${ROW_H - 8}" fill="${COLOURS.rest}"/>` +
      `<rect x="${LABEL_W}" y="${y + 3}" width="${w.toFixed(1)}" height="${ROW_H - 8}" fill="${COLOURS.covered}"/>` +
      `<text x="${LABEL_W + BAR_W + 8}" y="${y + 16}">${l.exercised}/${l.total} (${pct(l.exercised, l.total)})</text>`;
  });
  return `<svg class="chart" role="img" aria-label="coverage by catalogue" width="${LABEL_W + BAR_W + 140}" height="${h}" viewBox="0 0 ${LABEL_W + BAR_W + 140} ${h}">${rows.join('')}</svg>`;
}

/** One stacked bar per area: pass, fail, unsupported. */
function areaChart(areas: readonly (readonly [string, AreaTotals])[]): string {
  const h = areas.length * ROW_H + 4;
  const rows = areas.map(([area, t], i) => {
    const y = i * ROW_H + 2;
    const n = t.pass + t.fail + t.unsupported;
    let x = LABEL_W;
    const parts = (['pass', 'fail', 'unsupported'] as const).map((k) => {
      const w = n === 0 ? 0 : (BAR_W * t[k]) / n;
      const r = w > 0 ? `<rect x="${x.toFixed(1)}" y="${y + 3}" width="${w.toFixed(1)}" height="${ROW_H - 8}" fill="${COLOURS[k]}"><title>${k} ${t[k]}</title></rect>` : '';
      x += w;
      return r;
    });
    return `<text x="${LABEL_W - 8}" y="${y + 16}" text-anchor="end">${esc(area)}</text>${parts.join('')}` +
      `<text x="${LABEL_W + BAR_W + 8}" y="${y + 16}">${t.pass} / ${t.fail} / ${t.unsupported}</text>`;
  });
  return `<svg class="chart" role="img" aria-label="results by area" width="${LABEL_W + BAR_W + 140}" height="${h}" viewBox="0 0 ${LABEL_W + BAR_W + 140} ${h}">${rows.join('')}</svg>`;
}

function legend(keys: readonly (keyof typeof COLOURS)[]): string {
  return `<p class="legend">${keys.map((k) => `<span><i style="background:${COLOURS[k]}"></i>${k}</span>`).join('')}</p>`;
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1180px;padding:0 16px;color:#1d232b;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #dfe6ee;padding-bottom:4px}
.sub{color:#5a6572;margin:0 0 16px}
.totals{display:flex;gap:12px;margin:12px 0}.totals div{border-radius:6px;padding:8px 14px;color:#fff;font-weight:600}
.chart{font-size:12px;fill:#1d232b;display:block}
.legend span{margin-right:14px}.legend i{display:inline-block;width:11px;height:11px;margin-right:5px;vertical-align:-1px;border-radius:2px}
table{border-collapse:collapse;margin:6px 0 12px;min-width:60%}th,td{border-bottom:1px solid #e8edf2;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f4f7fa}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
details{margin:4px 0}summary{cursor:pointer}
ul.missing{columns:3;column-gap:24px;margin:6px 0;padding-left:18px;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
ul.missing li{overflow-wrap:anywhere;break-inside:avoid}
.nowrap{white-space:nowrap}.fail h3{font-size:14px;margin:14px 0 2px;color:#b32619}.ok{color:#2e7d32}
`;

function missingList(label: string, l: CoverageLine): string {
  const unreachable = l.unreachable ?? [];
  const why = unreachable.length === 0 ? ''
    : `<details><summary>${esc(label)}: ${unreachable.length} no case can reach (why, from the spec data)</summary><ul>${unreachable.map((u) => `<li><code>${esc(u.id)}</code>: ${esc(u.why)}</li>`).join('')}</ul></details>`;
  if (l.missing.length === 0) return `<p class="ok">${esc(label)}: everything ${unreachable.length ? 'reachable ' : ''}covered.</p>${why}`;
  return `<details${l.missing.length <= 60 ? ' open' : ''}><summary>${esc(label)}: ${l.missing.length} not covered</summary><ul class="missing">${l.missing.map((m) => `<li>${esc(m)}</li>`).join('')}</ul></details>${why}`;
}

/** Bit numbers as ranges: 0 1 2 3 5 → 0–3 5. */
function ranges(bits: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < bits.length; i++) {
    let j = i;
    while (j + 1 < bits.length && bits[j + 1] === bits[j]! + 1) j++;
    out.push(j > i ? `${bits[i]}–${bits[j]}` : String(bits[i]));
    i = j;
  }
  return out.join(' ') || '–';
}

/** The whole page. */
export function reportHtml(report: RunReport): string {
  const cov = report.coverage;
  const lines = COVERAGE_LINES.map(([k, label]) => [label, cov[k]] as const);
  const areas = Object.entries(report.byArea).sort(([a], [b]) => a.localeCompare(b));
  const t = report.totals;
  const failing = report.results.filter((r) => r.status === 'fail');
  const out: string[] = [
    '<!DOCTYPE html>', '<html lang="en"><head><meta charset="utf-8">',
    `<title>vmxsim conform — ${esc(report.profile)}</title>`, `<style>${CSS}</style></head><body>`,
    `<h1>vmxsim conformance report</h1><p class="sub">profile <b>${esc(report.profile)}</b> · ${report.results.length} cases</p>`,
    `<div class="totals"><div style="background:${COLOURS.pass}">pass ${t.pass}</div><div style="background:${COLOURS.fail}">fail ${t.fail}</div><div style="background:${COLOURS.unsupported}">unsupported ${t.unsupported}</div></div>`,
  ];
  out.push(`<h2>Failing cases (${failing.length})</h2>`);
  if (failing.length === 0) out.push('<p class="ok">No case failed.</p>');
  for (const r of failing) {
    out.push(`<div class="fail"><h3><code>${esc(r.id)}</code></h3><p class="sub">${esc(r.title)} — ${esc(r.source)}; SDM ${esc(r.sdm.join(', '))}</p>`,
      '<table><tr><th class="n">step</th><th>what</th><th>expected</th><th>actual</th></tr>',
      ...r.diffs.map((d) => `<tr><td class="n">${d.step}</td><td class="mono">${esc(d.what)}</td><td class="mono">${esc(d.expected)}</td><td class="mono">${esc(d.actual)}</td></tr>`),
      r.note ? `<tr><td></td><td colspan="3">${esc(r.note)}</td></tr>` : '', '</table></div>');
  }
  out.push('<h2>Spec coverage</h2><p class="sub">Catalogue entries exercised by the cases that ran (unsupported cases do not count), derived from the cases\' setup and expected outcomes.</p>',
    coverageChart(lines), legend(['covered', 'rest']));
  if (report.coverageByProfile) {
    const profiles = Object.entries(report.coverageByProfile);
    out.push('<h2>Coverage by profile</h2><p class="sub">What the suite covers on each built-in profile: the cases its capabilities support.</p><table><tr><th>catalogue</th>',
      ...profiles.map(([p]) => `<th class="n">${esc(p)}</th>`), '</tr>');
    for (const [k, label] of COVERAGE_LINES) {
      out.push(`<tr><td>${esc(label)}</td>${profiles.map(([, c]) => `<td class="n">${c[k].exercised}/${c[k].total}</td>`).join('')}</tr>`);
    }
    out.push('</table>');
  }
  out.push('<h2>Results by area</h2>', areaChart(areas), legend(['pass', 'fail', 'unsupported']),
    '<table><tr><th>area</th><th class="n">pass</th><th class="n">fail</th><th class="n">unsupported</th></tr>',
    ...areas.map(([a, x]) => `<tr><td>${esc(a)}</td><td class="n">${x.pass}</td><td class="n">${x.fail}</td><td class="n">${x.unsupported}</td></tr>`),
    `<tr><th>total</th><th class="n">${t.pass}</th><th class="n">${t.fail}</th><th class="n">${t.unsupported}</th></tr></table>`);
  out.push('<h2>Not covered</h2>', ...lines.map(([label, l]) => missingList(label, l)));
  const partial = cov.qualificationDetail.filter((d) => d.covered);
  if (partial.length > 0) {
    out.push('<h2>Exit-qualification layouts exercised</h2><table><tr><th>layout</th><th class="n">defined bits</th><th>seen set</th><th>seen clear</th></tr>',
      ...partial.map((d) => `<tr><td class="mono nowrap">${esc(d.layout)}</td><td class="n">${d.bits}</td><td class="mono">${ranges(d.bitsSet)}</td><td class="mono">${ranges(d.bitsClear)}</td></tr>`),
      '</table>');
  }
  const unsupported = report.results.filter((r) => r.status === 'unsupported');
  if (unsupported.length > 0) {
    out.push(`<h2>Unsupported on this profile (${unsupported.length})</h2><details><summary>show</summary><table><tr><th>case</th><th>why</th></tr>`,
      ...unsupported.map((r) => `<tr><td class="mono">${esc(r.id)}</td><td>${esc(r.note ?? '')}</td></tr>`), '</table></details>');
  }
  out.push(`<h2>SDM sections cited by the cases (${cov.sdmSections.length})</h2><p class="mono">${cov.sdmSections.map(esc).join(' · ')}</p>`, '</body></html>');
  return out.join('\n') + '\n';
}
