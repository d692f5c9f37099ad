// The generator: every data file validates, cross-references hold, and model/generated does not drift.
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from './generate.js';
import { loadSpec, formatProblem } from './load.js';

const root = join(import.meta.dirname, '..', '..');
const scratch: string[] = [];
afterAll(() => { for (const d of scratch) rmSync(d, { recursive: true, force: true }); });

/** A copy of spec/ (and package.json) in a temporary folder, to break on purpose. */
function specCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vmxsim-spec-'));
  scratch.push(dir);
  cpSync(join(root, 'spec', 'schemas'), join(dir, 'spec', 'schemas'), { recursive: true });
  cpSync(join(root, 'spec', 'data'), join(dir, 'spec', 'data'), { recursive: true });
  return dir;
}

function editJson(file: string, edit: (data: any) => void): void {
  const data = JSON.parse(readFileSync(file, 'utf8'));
  edit(data);
  writeFileSync(file, JSON.stringify(data, null, 2));
}

describe('spec data', () => {
  it('validates against the schemas, with every cross-reference resolved', async () => {
    const result = await generate(root);
    const problems = result.kind === 'invalid' ? result.problems.map(formatProblem) : [];
    expect(problems).toEqual([]);
  });

  it('meets the minimum size of each catalogue (issue #2)', () => {
    const { spec } = loadSpec(root);
    expect(spec.fields.length).toBeGreaterThanOrEqual(180);
    expect(spec.checks.length).toBeGreaterThan(150);
    // Appendix C defines reasons 0..65 at the least (through XRSTORS, PCONFIG, SPP); gaps are 35, 38, 42.
    expect(spec.exitReasons.length).toBeGreaterThanOrEqual(66);
    expect(spec.errors.length).toBeGreaterThanOrEqual(25); // Table 31-1: 1..28 less reserved 14, 21, 27
    expect(spec.controls.map((g) => g.value.id)).toEqual(['pin', 'proc', 'proc2', 'proc3', 'exit', 'exit2', 'entry', 'vmfunc']);
    expect(spec.msrs.length).toBeGreaterThanOrEqual(21); // IA32_FEATURE_CONTROL and 0x480..0x493
    expect(spec.profiles.length).toBeGreaterThanOrEqual(2);
    const areas = new Set(spec.checks.map((c) => c.value.id.split('.')[0]));
    expect([...areas].sort()).toEqual(['entry', 'exec', 'exit', 'guest', 'host', 'msr-load']);
  });

  it('has an exit reason for every number Appendix C defines from 0 to 70, except the unused 35, 38 and 42', () => {
    const { spec } = loadSpec(root);
    const numbers = new Set(spec.exitReasons.map((r) => r.value.number));
    for (let n = 0; n <= 70; n++) {
      if ([35, 38, 42].includes(n)) expect(numbers.has(n), `reason ${n}`).toBe(false);
      else expect(numbers.has(n), `reason ${n}`).toBe(true);
    }
  });
});

describe('model/generated', () => {
  it('is exactly what npm run gen produces from spec/ (no drift, no hand edits)', async () => {
    const result = await generate(root);
    expect(result.kind).toBe('ok');
    if (result.kind !== 'ok') return;
    const dir = join(root, 'model', 'generated');
    const committed = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).sort();
    expect(committed).toEqual([...result.files.keys()].sort());
    for (const [name, text] of result.files) {
      expect(readFileSync(join(dir, name), 'utf8'), `model/generated/${name} drifted: run npm run gen`).toBe(text);
    }
  });

  it('begins every file with the generated banner', async () => {
    const result = await generate(root);
    if (result.kind !== 'ok') throw new Error('spec invalid');
    for (const text of result.files.values()) expect(text.startsWith('// generated — do not edit.')).toBe(true);
  });
});

describe('the generator rejects bad data with file, pointer and reason', () => {
  it('names a schema violation', async () => {
    const dir = specCopy();
    editJson(join(dir, 'spec/data/vmcs/fields.json'), (d) => { d.fields[3].width = '48'; });
    const result = await generate(dir);
    expect(result.kind).toBe('invalid');
    if (result.kind !== 'invalid') return;
    expect(result.problems.map(formatProblem)).toContainEqual(expect.stringMatching(/^spec\/data\/vmcs\/fields\.json: \/fields\/3\/width: must be equal to one of the allowed values/));
  });

  it('names a Table 12-7 pair that has no row, and one combined twice (spec/data/memory-types.json)', async () => {
    const dir = specCopy();
    editJson(join(dir, 'spec/data/memory-types.json'), (d) => {
      d.combination = d.combination.filter((r: { range: string; pat: string }) => !(r.range === 'WP' && r.pat === 'UC-'));
      d.combination.push({ ...d.combination[0] });
    });
    const result = await generate(dir);
    expect(result.kind).toBe('invalid');
    if (result.kind !== 'invalid') return;
    const text = result.problems.map(formatProblem);
    expect(text).toContainEqual('spec/data/memory-types.json: /combination: no row combines WP with PAT UC-');
    expect(text).toContainEqual(expect.stringMatching(/^spec\/data\/memory-types\.json: \/combination\/\d+: memory types UC\/UC combined twice/));
  });

  it('re-derives each encoding from width, type and index (SDM 25.11.2)', async () => {
    const dir = specCopy();
    // GUEST_RIP is natural-width guest state: encoding 681Eh. Claim it is 32-bit.
    editJson(join(dir, 'spec/data/vmcs/fields.json'), (d) => {
      const f = d.fields.find((x: { id: string }) => x.id === 'GUEST_RIP');
      f.width = '32';
    });
    const result = await generate(dir);
    expect(result.kind).toBe('invalid');
    if (result.kind !== 'invalid') return;
    expect(result.problems.map(formatProblem).join('\n')).toMatch(/GUEST_RIP: encoding 0x681E does not match width 32, type guest-state, index 15 \(expected 0x481E\)/);
  });

  it('rejects duplicate encodings and duplicate control bit positions', async () => {
    const dir = specCopy();
    editJson(join(dir, 'spec/data/vmcs/fields.json'), (d) => { d.fields[1].encoding = d.fields[0].encoding; });
    editJson(join(dir, 'spec/data/controls/pin.json'), (d) => { d.bits[1].bit = d.bits[0].bit; });
    const result = await generate(dir);
    expect(result.kind).toBe('invalid');
    if (result.kind !== 'invalid') return;
    const text = result.problems.map(formatProblem).join('\n');
    expect(text).toMatch(/fields\.json: \/fields\/1: duplicate encoding/);
    expect(text).toMatch(/pin\.json: \/bits\/1: duplicate bit/);
  });

  it('rejects a layout whose fields overlap', async () => {
    const dir = specCopy();
    editJson(join(dir, 'spec/data/layouts/vmcs-formats.json'), (d) => {
      const ar = d.layouts.find((l: { id: string }) => l.id === 'vmcs.access-rights');
      const s = ar.fields.find((f: { lsb: number }) => f.lsb === 4);
      s.lsb = 3; s.msb = 3;
    });
    const result = await generate(dir);
    expect(result.kind).toBe('invalid');
    if (result.kind !== 'invalid') return;
    expect(result.problems.map(formatProblem).join('\n')).toMatch(/vmcs-formats\.json: \/layouts\/\d+\/fields\/\d+: bit 3 of \w+ is also in \w+/);
  });

  it('rejects a reference to a control that does not exist', async () => {
    const dir = specCopy();
    editJson(join(dir, 'spec/data/vmcs/fields.json'), (d) => {
      const f = d.fields.find((x: { id: string }) => x.id === 'EPT_POINTER');
      f.existsWhen = [{ control: 'proc2.ENABLE_EPTX' }];
    });
    const result = await generate(dir);
    expect(result.kind).toBe('invalid');
    if (result.kind !== 'invalid') return;
    expect(result.problems.map(formatProblem).join('\n')).toMatch(/unknown control proc2\.ENABLE_EPTX/);
  });

  it('keeps model extensions (not in the SDM) marked: table "extension" only with extension, reasons above the SDM range', async () => {
    const dir = specCopy();
    editJson(join(dir, 'spec/data/vmcs/fields.json'), (d) => {
      d.fields.find((x: { id: string }) => x.id === 'EXTENSION_CPL_TRANSITION_BITMAP').extension = false;
    });
    editJson(join(dir, 'spec/data/exit-reasons.json'), (d) => {
      d.reasons.find((x: { id: string }) => x.id === 'EXTENSION_PRIVILEGE_LEVEL_TRANSITION').number = 42; // unused by the SDM, but inside its range
    });
    const result = await generate(dir);
    expect(result.kind).toBe('invalid');
    if (result.kind !== 'invalid') return;
    const text = result.problems.map(formatProblem).join('\n');
    expect(text).toMatch(/EXTENSION_CPL_TRANSITION_BITMAP: table "extension" is for, and only for, fields marked extension/);
    expect(text).toMatch(/EXTENSION_PRIVILEGE_LEVEL_TRANSITION: an extension reason needs an EXTENSION_ id and a number above \d+/);
  });

  it('reports a file that is not JSON and goes on to the others', async () => {
    const dir = specCopy();
    writeFileSync(join(dir, 'spec/data/controls/pin.json'), '{ "id": "pin", ');
    editJson(join(dir, 'spec/data/exit-reasons.json'), (d) => { d.reasons[0].number = -1; });
    const result = await generate(dir);
    expect(result.kind).toBe('invalid');
    if (result.kind !== 'invalid') return;
    const text = result.problems.map(formatProblem).join('\n');
    expect(text).toMatch(/spec\/data\/controls\/pin\.json: \/: not valid JSON/);
    expect(text).toMatch(/spec\/data\/exit-reasons\.json: \/reasons\/0\/number: must be >= 0/);
  });
});

describe('schemas', () => {
  it('describe every property (issue #2)', () => {
    const missing: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (Array.isArray(node)) { node.forEach((n, i) => walk(n, `${path}/${i}`)); return; }
      if (node === null || typeof node !== 'object') return;
      const obj = node as Record<string, unknown>;
      if (obj['properties'] && typeof obj['properties'] === 'object') {
        for (const [name, prop] of Object.entries(obj['properties'] as Record<string, { description?: string }>)) {
          if (typeof prop.description !== 'string' || prop.description.length === 0) missing.push(`${path}/properties/${name}`);
        }
      }
      for (const [k, v] of Object.entries(obj)) walk(v, `${path}/${k}`);
    };
    const dir = join(root, 'spec', 'schemas');
    for (const f of readdirSync(dir)) walk(JSON.parse(readFileSync(join(dir, f), 'utf8')), f);
    expect(missing).toEqual([]);
  });
});
