// Case loading: every case validates against conformance-case.schema.json; a bad file is reported with
// its path, JSON pointer and reason and the other cases still load.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILTIN_PROFILES, type CaseStep, type ConformanceCase } from '../model/generated/index.js';
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

describe('case meaning the schema cannot check', () => {
  it('reports an unknown profile name, stimuli without the right vector and ignored bits of a field the step does not expect', () => {
    const sub = mkdtempSync(join(dir, 'meaning-'));
    const c = { id: 'hand.meaning', title: 'a case with five mistakes', sdm: ['26.2'], profile: { name: 'pentium-pro' },
      steps: [{ op: 'vmlaunch', stimulus: [{ event: 'external-interrupt', vector: 2 }, { event: 'sipi' }, { event: 'nmi', vector: 2 }],
        expect: { kind: 'vm-exit', exitReason: 1, fields: { EXIT_QUALIFICATION: '0x0' }, ignoreBits: { GUEST_RIP: '0xF' } } }] };
    writeFileSync(join(sub, 'meaning.json'), JSON.stringify(c));
    const { cases, problems } = loadCases(sub, sub);
    expect(cases.some((x) => x.case.id === 'hand.meaning')).toBe(false);
    expect(problems).toContainEqual(expect.objectContaining({ source: 'meaning.json', pointer: '/profile/name' }));
    expect(problems).toContainEqual(expect.objectContaining({ source: 'meaning.json', pointer: '/steps/0/expect/ignoreBits/GUEST_RIP' }));
    for (const pointer of ['/steps/0/stimulus/0/vector', '/steps/0/stimulus/1', '/steps/0/stimulus/2/vector']) {
      expect(problems).toContainEqual(expect.objectContaining({ source: 'meaning.json', pointer }));
    }
  });

  it('reports VMCS fields and control bits the catalogues do not have, instead of failing while running', () => {
    const sub = mkdtempSync(join(dir, 'names-'));
    const c = { id: 'hand.names', title: 'a case naming things that do not exist', sdm: ['28.3'],
      requires: [{ control: 'proc.HLT_EXITING' }, { msr: 'IA32_VMX_MISC', field: 'activityHlt' }], excludes: [{ control: 'pin.NAP_EXITING' }],
      setup: { fields: { GUEST_RAX: '0x1' }, bits: { GUEST_CR9: { set: '0x1' } }, controls: { set: ['proc.HLT_EXITING', 'proc.TELEPORT_EXITING'] } },
      steps: [{ op: 'vmlaunch', expect: { kind: 'vm-exit', exitReason: 12, fields: { GUEST_RBP: '0x0', GUEST_RIP: '0x0' } } }] };
    writeFileSync(join(sub, 'names.json'), JSON.stringify(c));
    const { cases, problems } = loadCases(sub, sub);
    expect(cases.some((x) => x.case.id === 'hand.names')).toBe(false);
    const pointers = problems.filter((p) => p.source === 'names.json').map((p) => p.pointer).sort();
    // GUEST_RIP and proc.HLT_EXITING exist (Appendix B, 25.6.2); the others do not (IA32_VMX_MISC's field is
    // activityStateHlt, A.6).
    expect(pointers).toEqual(['/excludes/0/control', '/requires/1/field', '/setup/bits/GUEST_CR9', '/setup/controls/set/1',
      '/setup/fields/GUEST_RAX', '/steps/0/expect/fields/GUEST_RBP']);
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

  it('compares expected fields except the bits a case marks undefined (ignoreBits)', () => {
    // SDM 26.1.2: CPUID exits unconditionally; 28.2.5: the instruction length is 2.
    const c = (want: string, ignore?: string) => runCase({ id: 'x.cpuid', title: 'CPUID exits', sdm: ['26.1.2'], guest: { code: '0FA2', disassembly: ['cpuid'] },
      steps: [{ op: 'vmlaunch', expect: { kind: 'vm-exit', exitReason: 10, fields: { VM_EXIT_INSTRUCTION_LENGTH: want }, ...(ignore ? { ignoreBits: { VM_EXIT_INSTRUCTION_LENGTH: ignore } } : {}) } }] }, 't', skylake);
    expect(c('0x2').status).toBe('pass');
    expect(c('0x3').status).toBe('fail');
    expect(c('0x3', '0x1').status).toBe('pass');
    expect(c('0x7', '0x4').status).toBe('fail'); // bit 0 still compared
  });

  it('runs a case on the profile variant it asks for, and fails one whose variant no processor could be', () => {
    const tertiary: ConformanceCase = { id: 'x.t3', title: 'needs tertiary controls', sdm: ['25.6.2'], requires: [{ control: 'proc.ACTIVATE_TERTIARY_CONTROLS' }],
      steps: [{ op: 'vmread', encoding: '0x2034', mode: '64-bit', expect: { kind: 'vmsucceed' } }] };
    expect(runCase(tertiary, 't', skylake).status).toBe('unsupported');
    // A.3.2: bit 49 of IA32_VMX_PROCBASED_CTLS allows "activate tertiary controls"; A.3.4: IA32_VMX_PROCBASED_CTLS3 then exists.
    const variant = { msrs: { IA32_VMX_PROCBASED_CTLS: { set: '0x2000000000000' }, IA32_VMX_TRUE_PROCBASED_CTLS: { set: '0x2000000000000' }, IA32_VMX_PROCBASED_CTLS3: { set: '0x0' } } };
    expect(runCase({ ...tertiary, profile: variant }, 't', skylake).status).toBe('pass');
    const impossible = runCase({ ...tertiary, profile: { msrs: { IA32_VMX_PROCBASED_CTLS: { set: '0x2000000000000' } } } }, 't', skylake);
    expect(impossible.status).toBe('fail');
    expect(impossible.note).toMatch(/not a processor Appendix A allows: IA32_VMX_TRUE_PROCBASED_CTLS/); // A.3.1: TRUE and non-TRUE allowed 1-settings agree
  });

  it('marks a case unsupported when the profile lacks what it requires', () => {
    const r = runCase({ id: 'x.t', title: 'needs tertiary controls', sdm: ['25.6.2'], requires: [{ control: 'proc.ACTIVATE_TERTIARY_CONTROLS' }],
      steps: [{ op: 'vmread', encoding: '0x2034', mode: '64-bit', expect: { kind: 'vmsucceed' } }] }, 't', skylake);
    expect(r.status).toBe('unsupported');
    expect(r.note).toMatch(/lacks proc\.ACTIVATE_TERTIARY_CONTROLS/);
  });
});
