// The CLI as a user runs it: a spawned process, its output and its exit status.
// Expected values are the SDM's (Appendix B encodings, Table 28-5 I/O qualification, Table 31-1 errors).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const main = join(root, 'dist', 'cli', 'main.js');
let scratch = '';

beforeAll(() => {
  if (!existsSync(main)) throw new Error(`${main} is missing: npm test builds it first (tsc), or run npm run build`);
  scratch = mkdtempSync(join(tmpdir(), 'vmxsim-cli-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function vmxsim(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', cwd: scratch });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

describe('vmxsim spec', () => {
  it('summarises every catalogue', () => {
    const r = vmxsim('spec');
    expect(r.code).toBe(0);
    for (const c of ['fields', 'controls', 'exit-reasons', 'errors', 'checks', 'msrs']) expect(r.out).toMatch(new RegExp(`^${c}\\s+\\d+`, 'm'));
  });

  it('lists fields matching a filter', () => {
    const r = vmxsim('spec', 'fields', 'guest_rip');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^0x681E\s+GUEST_RIP\s+natural\s+guest-state/m);
  });

  it('prints JSON with --json', () => {
    const r = vmxsim('spec', 'exit-reasons', '--json', 'io_instruction');
    expect(r.code).toBe(0);
    const list = JSON.parse(r.out) as { number: number; id: string }[];
    expect(list).toContainEqual(expect.objectContaining({ number: 30, id: 'IO_INSTRUCTION' }));
  });

  it.each(['controls', 'errors', 'checks', 'msrs', 'layouts', 'profiles', 'apic-registers'])('lists %s', (c) => {
    const r = vmxsim('spec', c);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\d+ of \d+/);
  });

  it('rejects an unknown catalogue with exit code 2', () => {
    const r = vmxsim('spec', 'bogus');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^vmxsim: unknown catalogue "bogus"/);
  });
});

describe('vmxsim decode', () => {
  it('decodes a field encoding (4402h is the exit reason, SDM Table B-9)', () => {
    const r = vmxsim('decode', 'field', '0x4402');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/EXIT_REASON/);
    expect(r.out).toMatch(/width\s+32-bit/);
    expect(r.out).toMatch(/type\s+exit-information/);
    expect(r.out).toMatch(/read-only/);
  });

  it('decodes the high half of a 64-bit field (2011h is TSC offset, high)', () => {
    const r = vmxsim('decode', 'field', '2011h');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/TSC_OFFSET \(high 32 bits\)/);
  });

  it('finds a field by name', () => {
    const r = vmxsim('decode', 'field', 'guest_cr3');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^0x6802\s+GUEST_CR3/m);
  });

  it('decodes an I/O exit qualification: OUT DX, AX to port 3F8h (SDM Table 28-5)', () => {
    // size 1 (2 bytes), direction 0 (OUT), operand encoding 0 (DX), port 3F8h
    const r = vmxsim('decode', 'exit-qualification', '--reason', '30', '0x3F80001');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/sizeOfAccess\s+0x1\s+2-byte/);
    expect(r.out).toMatch(/direction\s+0x0\s+OUT/);
    expect(r.out).toMatch(/portNumber\s+0x3F8/);
    expect(r.out).toMatch(/reserved bits: all 0/);
  });

  it('decodes a CR-access qualification: MOV CR3 from RAX... is MOV to CR3 (SDM Table 28-3)', () => {
    // CR 3, access type 0 (MOV to CR), GPR 0 (RAX)
    const r = vmxsim('decode', 'exit-qualification', '--reason', '28', '--json', '3');
    expect(r.code).toBe(0);
    const d = JSON.parse(r.out) as { fields: Record<string, unknown> };
    expect(d.fields['controlRegister']).toEqual({ value: 3, meaning: 'CR3' });
    expect(d.fields['accessType']).toEqual({ value: 0, meaning: expect.stringMatching(/MOV to CR/i) });
  });

  it('decodes the qualification of an exception exit by its vector (#PF: the linear address, SDM 28.2.1)', () => {
    const r = vmxsim('decode', 'exit-qualification', '--reason', '0', '--vector', '14', '0xFFFF800000001000');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/linearAddress\s+0xFFFF800000001000/);
    const db = vmxsim('decode', 'exit-qualification', '--reason', '0', '--vector', '1', '0x4000');
    expect(db.out).toMatch(/^14\s+bs\s+1/m); // BS: single-step, bit 14 (Table 28-1)
    const none = vmxsim('decode', 'exit-qualification', '--reason', '0', '--vector', '13', '0');
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/saves no exit qualification for vector 13/);
  });

  it('decodes an exit-reason field with the entry-failure bit (SDM 25.9.1, 27.8)', () => {
    const r = vmxsim('decode', 'exit-reason', '0x80000021');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/basic exit reason 33: VM_ENTRY_FAILURE_INVALID_GUEST_STATE/);
    expect(r.out).toMatch(/vmEntryFailure\s+(1|0x1)/);
  });

  it('decodes a layout by its short name and reports reserved bits set', () => {
    const r = vmxsim('decode', 'access-rights', '0x1A09B');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/segmentType\s+0xB/);
    expect(r.out).toMatch(/unusable\s+0x1/);
    const reserved = vmxsim('decode', 'access-rights', '0x100');
    expect(reserved.out).toMatch(/reserved bits set: 0x100 \(bits 8\)/);
  });

  it('decodes a control field, naming each control set', () => {
    // NMI exiting (bit 3) and virtual NMIs (bit 5), SDM Table 25-5
    const r = vmxsim('decode', 'controls', 'pin', '0x28');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/3\s+pin\.NMI_EXITING/);
    expect(r.out).toMatch(/5\s+pin\.VIRTUAL_NMIS/);
  });

  it('decodes a VM-instruction error number (SDM 31.4)', () => {
    const r = vmxsim('decode', 'error', '7');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/VM-instruction error 7: VM entry with invalid control field/);
  });

  it('says when the current pseudocode no longer produces an error number (error 6, SDM 31.3)', () => {
    const r = vmxsim('decode', 'error', '6');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/not produced by current processors \(SDM 31\.3/);
  });

  it('decodes a capability MSR into allowed settings (A.3)', () => {
    // allowed-0 = 16h (default1 bits 1, 2, 4), allowed-1 = 7Fh
    const r = vmxsim('decode', 'msr', '0x481', '0x7F00000016');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/0\s+pin\.EXTERNAL_INTERRUPT_EXITING\s+0 or 1/);
    expect(r.out).toMatch(/7\s+pin\.PROCESS_POSTED_INTERRUPTS\s+must be 0/);
  });

  it.each([
    [['decode', 'field', '0x9999'], /0x9999 is not the encoding of any VMCS field/],
    [['decode', 'field', 'NO_SUCH_FIELD'], /no VMCS field is called NO_SUCH_FIELD/],
    [['decode', 'access-rights', '0x100000000'], /wider than the 32-bit vmcs\.access-rights/],
    [['decode', 'no-such-layout', '0'], /unknown layout "no-such-layout"/],
    [['decode', 'exit-qualification', '--reason', '10', '0'], /exit reason 10 \(CPUID\) saves no exit-qualification/],
    [['decode', 'exit-qualification', '0'], /--reason is required/],
    [['decode', 'controls', 'pin', 'xyz'], /"xyz" is not a number/],
    [['decode', 'error', '14'], /14 is not a VM-instruction error number/],
    [['decode', '--bogus'], /Unknown option '--bogus'/],
  ])('rejects bad input %j with one line and exit code 2', (args, message) => {
    const r = vmxsim(...(args as string[]));
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(message as RegExp);
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
  });
});

describe('vmxsim profile', () => {
  it('lists the built-in profiles', () => {
    const r = vmxsim('profile', 'list');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/skylake-server/);
    expect(r.out).toMatch(/ice-lake-server/);
  });

  it('turns an rdmsr dump into a profile file, and will not overwrite it', () => {
    const shown = JSON.parse(vmxsim('profile', 'show', 'ice-lake-server').out) as { msrs: Record<string, string> };
    const addresses: Record<string, number> = { IA32_VMX_BASIC: 0x480, IA32_VMX_PINBASED_CTLS: 0x481 };
    const listed = JSON.parse(vmxsim('spec', 'msrs', '--json').out) as { id: string; address: number }[];
    for (const m of listed) addresses[m.id] = m.address;
    const dump = Object.entries(shown.msrs).map(([id, v]) => `0x${addresses[id]!.toString(16)} ${BigInt(v).toString(16)}`).join('\n');
    writeFileSync(join(scratch, 'dump.txt'), dump + '\n');
    const r = vmxsim('profile', 'from-msrs', 'dump.txt', '--base', 'ice-lake-server', '--id', 'lab-box', '-o', 'lab.json');
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/wrote profile lab-box to lab\.json/);
    const written = JSON.parse(readFileSync(join(scratch, 'lab.json'), 'utf8')) as { id: string; msrs: Record<string, string> };
    expect(written.id).toBe('lab-box');
    expect(written.msrs).toEqual(shown.msrs);
    expect(vmxsim('profile', 'check', 'lab.json').code).toBe(0);
    const again = vmxsim('profile', 'from-msrs', 'dump.txt', '-o', 'lab.json');
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/lab\.json exists; not overwriting it/);
  });

  it('rejects an inconsistent dump naming the MSR and bit', () => {
    // PINBASED: bit 3 must be 1 (allowed-0) but may not be 1 (allowed-1 bit 35 clear).
    writeFileSync(join(scratch, 'bad.txt'), '0x480 da040000000004\n0x481 7f00000016\n0x481 0x1f0000001e\n');
    const r = vmxsim('profile', 'from-msrs', 'bad.txt');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad\.txt:3: IA32_VMX_PINBASED_CTLS appears twice/);
    writeFileSync(join(scratch, 'bad2.txt'), '0x480 da040000000004\n0x481 170000001e\n');
    const r2 = vmxsim('profile', 'from-msrs', 'bad2.txt');
    expect(r2.code).toBe(2);
    expect(r2.err).toMatch(/IA32_VMX_PINBASED_CTLS bit 3: allowed-0 says the control must be 1/);
    expect(r2.err).toMatch(/IA32_VMX_PROCBASED_CTLS: missing: every VMX processor reports it/);
  });

  it('rejects an unknown profile name', () => {
    const r = vmxsim('profile', 'show', 'pentium');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown profile "pentium"/);
  });
});

describe('vmxsim conform', () => {
  it('runs the selected cases, prints the summary by area and coverage, and writes the JSON and JUnit reports', () => {
    const r = vmxsim('conform', '--filter', 'vmcs.field.GUEST_RIP.*', '--json', 'report.json', '--junit', 'junit.xml');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^vmcs\.field\s+2\s+0\s+0$/m); // write-read and full-outside-64-bit; GUEST_RIP always exists
    expect(r.out).toMatch(/coverage: VMCS fields 1\/\d+/);
    const report = JSON.parse(readFileSync(join(scratch, 'report.json'), 'utf8')) as { totals: { pass: number } };
    expect(report.totals.pass).toBe(2);
    expect(readFileSync(join(scratch, 'junit.xml'), 'utf8')).toMatch(/<testcase classname="vmcs.field" name="vmcs.field.GUEST_RIP.write-read">/);
  });

  it('rejects an unknown backend and a filter that matches nothing with exit code 2', () => {
    expect(vmxsim('conform', '--backend', 'bochs').code).toBe(2);
    const r = vmxsim('conform', '--filter', 'no.such.*');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no case matches --filter no\.such\.\*/);
  });
});
