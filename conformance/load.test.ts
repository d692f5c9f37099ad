// Case loading: every case validates against conformance-case.schema.json; a bad file is reported with
// its path, JSON pointer and reason and the other cases still load.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILTIN_PROFILES, type CaseStep } from '../model/generated/index.js';
import { loadCases } from './load.js';
import { runCase } from './runner.js';

const dir = mkdtempSync(join(tmpdir(), 'vmxsim-cases-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loading cases', () => {
  it('reports a bad case with file, pointer and reason and keeps the good ones', () => {
    const good = { id: 'hand.guest-rip', title: 'VMREAD of GUEST_RIP after a VMWRITE', sdm: ['25.11.2'], steps: [
      { op: 'vmwrite', encoding: '0x681E', value: '0x1234', mode: '64-bit', expect: { kind: 'vmsucceed' } },
      { op: 'vmread', encoding: '0x681E', mode: '64-bit', expect: { kind: 'vmsucceed', value: '0x1234' } },
    ] };
    writeFileSync(join(dir, 'good.json'), JSON.stringify(good));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ ...good, id: 'hand.bad', steps: [{ op: 'vmjump', encoding: '0x0', mode: '64-bit', expect: { kind: 'vmsucceed' } }] }));
    writeFileSync(join(dir, 'broken.json'), '{ "id": ');
    const { cases, problems } = loadCases(dir, dir);
    expect(cases.some((c) => c.case.id === 'hand.guest-rip' && c.source === 'good.json')).toBe(true);
    expect(problems).toContainEqual(expect.objectContaining({ source: 'bad.json', pointer: '/steps/0/op' }));
    expect(problems).toContainEqual(expect.objectContaining({ source: 'broken.json', message: expect.stringMatching(/^not valid JSON/) }));
    // Generated cases come along with the files.
    expect(cases.filter((c) => c.source === 'generator:vmcs-fields').length).toBeGreaterThan(500);
  });
});

describe('the model backend', () => {
  const skylake = BUILTIN_PROFILES.find((p) => p.id === 'skylake-server')!;

  it('passes a case whose expectation the SDM gives, and reports a field-by-field diff for a wrong one', () => {
    const steps: [CaseStep, CaseStep] = [
      { op: 'vmwrite', encoding: '0x0800', value: '0x12345', mode: '64-bit', expect: { kind: 'vmsucceed' } },
      { op: 'vmread', encoding: '0x0800', mode: '64-bit', expect: { kind: 'vmsucceed', value: '0x2345' } },
    ];
    const pass = runCase({ id: 'x.es', title: '16-bit field keeps bits 15:0', sdm: ['25.11.2'], steps }, 't', skylake);
    expect(pass.status).toBe('pass');
    const wrong = runCase({ id: 'x.es', title: '16-bit field keeps bits 15:0', sdm: ['25.11.2'], steps: [steps[0], { ...steps[1], expect: { kind: 'vmsucceed', value: '0x12345' } }] }, 't', skylake);
    expect(wrong.status).toBe('fail');
    expect(wrong.diffs).toEqual([{ step: 2, what: 'vmread 0x0800 (64-bit)', expected: 'VMsucceed value 0x12345', actual: 'VMsucceed value 0x2345' }]);
  });

  it('marks a case unsupported when the profile lacks what it requires', () => {
    const r = runCase({ id: 'x.t', title: 'needs tertiary controls', sdm: ['25.6.2'], requires: [{ control: 'proc.ACTIVATE_TERTIARY_CONTROLS' }],
      steps: [{ op: 'vmread', encoding: '0x2034', mode: '64-bit', expect: { kind: 'vmsucceed' } }] }, 't', skylake);
    expect(r.status).toBe('unsupported');
    expect(r.note).toMatch(/lacks proc\.ACTIVATE_TERTIARY_CONTROLS/);
  });
});
