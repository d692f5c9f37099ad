// Spec coverage of a small hand-made set of cases, against counts worked out by hand from the cases and
// the SDM's tables (Table 28-5 I/O qualification: bits 2:0, 3, 4, 5, 6 and 31:16 defined; Table 31-1
// errors 7 and 12; Appendix C reasons 30 and 33).
import { describe, expect, it } from 'vitest';
import type { ConformanceCase } from '../model/generated/index.js';
import type { CaseResult } from '../conformance/runner.js';
import { compareSections, specCoverage } from './coverage.js';
import { buildReport } from './results.js';

const IO_EXIT: ConformanceCase = {
  id: 'exit.io.hand-made', title: 'OUT 80h, AL exits with unconditional I/O exiting', sdm: ['28.2.1', 'C'],
  requires: [{ control: 'proc.UNCONDITIONAL_IO_EXITING' }, { msr: 'IA32_VMX_MISC', field: 'activityStateHlt' }],
  setup: { fields: { GUEST_RIP: '0x300000' }, controls: { set: ['proc.UNCONDITIONAL_IO_EXITING'], clear: ['proc.HLT_EXITING'] } },
  guest: { code: 'E680', disassembly: ['out 0x80, al'] },
  // Port 80h in bits 31:16 (bit 23), immediate operand (bit 6): 0x800040.
  steps: [{ op: 'vmlaunch', expect: { kind: 'vm-exit', exitReason: 30, fields: { EXIT_QUALIFICATION: '0x800040', VM_EXIT_INSTRUCTION_LENGTH: '0x2' } } }],
};
const CHECK_CASE: ConformanceCase = {
  id: 'entry.check.exec.pin-reserved-bits', title: 'VMLAUNCH fails the pin-based reserved-bit check', sdm: ['27.2.1.1', '31.4'],
  setup: { bits: { PIN_BASED_VM_EXECUTION_CONTROLS: { clear: '0x16' } } },
  steps: [{ op: 'vmlaunch', expect: { kind: 'vmfail-valid', error: 7 } }],
};
const GUEST_STATE: ConformanceCase = {
  id: 'entry.hand-made.cr0', title: 'VM entry fails on a CR0 fixed bit, reason 33', sdm: ['27.3.1.1', '27.8'],
  setup: { bits: { GUEST_CR0: { clear: '0x1' } } },
  steps: [{ op: 'vmlaunch', expect: { kind: 'entry-failure', exitReason: 33, qualification: '0x2', check: 'guest.cr0-fixed-bits' } }],
};
const FIELDS: ConformanceCase = {
  id: 'vmcs.hand-made', title: 'VMREAD of the exit reason, VMWRITE of a high half', sdm: ['25.11.2', '31.4'],
  steps: [
    { op: 'vmread', encoding: '0x4402', mode: '64-bit', expect: { kind: 'vmsucceed' } },
    { op: 'vmwrite', encoding: '0x2001', value: '0x0', mode: '64-bit', expect: { kind: 'vmfail-valid', error: 12 } },
  ],
};
const UNSUPPORTED: ConformanceCase = {
  id: 'exit.unsupported.hand-made', title: 'A case the profile cannot run', sdm: ['29.3'],
  requires: [{ control: 'proc2.ENABLE_EPT' }], setup: { controls: { set: ['proc2.ENABLE_EPT'] } },
  steps: [{ op: 'vmlaunch', expect: { kind: 'vm-exit', exitReason: 48, fields: { EXIT_QUALIFICATION: '0x1' } } }],
};
const CASES = [IO_EXIT, CHECK_CASE, GUEST_STATE, FIELDS];

describe('spec coverage of hand-made cases', () => {
  const cov = specCoverage(CASES);

  it('counts VMCS fields named in setup, steps and expected fields (SDM Appendix B)', () => {
    // GUEST_RIP, PIN_BASED..., GUEST_CR0, EXIT_QUALIFICATION, VM_EXIT_INSTRUCTION_LENGTH, EXIT_REASON (4402h),
    // IO_BITMAP_A_ADDRESS (2001h is its high half).
    expect(cov.vmcsFields.exercised).toBe(7);
    expect(cov.vmcsFields.missing).not.toContain('IO_BITMAP_A_ADDRESS');
    expect(cov.vmcsFields.missing).not.toContain('EXIT_REASON');
    expect(cov.vmcsFields.total).toBe(cov.vmcsFields.exercised + cov.vmcsFields.missing.length);
  });

  it('counts control bits set, cleared or required (SDM 25.6.2)', () => {
    expect(cov.controlBits.exercised).toBe(2);
    expect(cov.controlBits.missing).not.toContain('proc.UNCONDITIONAL_IO_EXITING');
    expect(cov.controlBits.missing).not.toContain('proc.HLT_EXITING');
    expect(cov.controlBits.missing).toContain('proc.RDTSC_EXITING');
  });

  it('counts expected exit reasons, VM-entry failures included (Appendix C)', () => {
    expect(cov.exitReasons.exercised).toBe(2);
    expect(cov.exitReasons.missing).not.toContain('30 IO_INSTRUCTION');
    expect(cov.exitReasons.missing).toContain('12 HLT');
  });

  it('counts qualification layouts and bits from expected values (SDM 28.2.1 Table 28-5, 27.8)', () => {
    expect(cov.qualificationLayouts.exercised).toBe(2);
    const io = cov.qualificationDetail.find((d) => d.layout === 'exit-qualification.io-instruction')!;
    expect(io).toMatchObject({ covered: true, bits: 23, bitsSet: [6, 23] });
    expect(io.bitsClear).toHaveLength(21);
    const failure = cov.qualificationDetail.find((d) => d.layout === 'exit-qualification.vm-entry-failure')!;
    expect(failure).toMatchObject({ covered: true, bits: 64, bitsSet: [1] });
    expect(cov.qualificationBits.exercised).toBe(23 + 64);
    expect(cov.qualificationDetail.find((d) => d.layout === 'exit-qualification.cr-access')).toMatchObject({ covered: false, bitsSet: [], bitsClear: [] });
  });

  it('counts VM-entry checks by expected check id and by entry.check.<id> case id (SDM 27.2)', () => {
    expect(cov.vmEntryChecks.exercised).toBe(2);
    expect(cov.vmEntryChecks.missing).not.toContain('exec.pin-reserved-bits');
    expect(cov.vmEntryChecks.missing).not.toContain('guest.cr0-fixed-bits');
  });

  it('counts VM-instruction errors expected of any step (SDM 31.4)', () => {
    expect(cov.vmInstructionErrors.exercised).toBe(2);
    expect(cov.vmInstructionErrors.missing).not.toContain('7 VMENTRY_INVALID_CONTROL_FIELDS');
    expect(cov.vmInstructionErrors.missing).toContain('13 VMWRITE_READ_ONLY_COMPONENT');
  });

  it('lists the SDM sections cited, in SDM order', () => {
    expect(cov.sdmSections).toEqual(['25.11.2', '27.2.1.1', '27.3.1.1', '27.8', '28.2.1', '31.4', 'C']);
    expect(cov.sdmCatalogueSections.missing).not.toContain('28.2.1');
    expect(compareSections('25.6.10', '25.6.9')).toBeGreaterThan(0);
  });
});

describe('buildReport', () => {
  it('counts only the cases that ran: an unsupported case adds nothing', () => {
    const result = (c: ConformanceCase, status: CaseResult['status']): CaseResult => ({ id: c.id, title: c.title, source: 'test', sdm: c.sdm, status, diffs: [], encodings: [] });
    const report = buildReport('test', [...CASES.map((c) => result(c, 'pass')), result(UNSUPPORTED, 'unsupported')], [...CASES, UNSUPPORTED]);
    expect(report.totals).toEqual({ pass: 4, fail: 0, unsupported: 1 });
    expect(report.coverage).toEqual(specCoverage(CASES));
    expect(report.coverage.exitReasons.missing).toContain('48 EPT_VIOLATION');
  });
});

describe('entries no case can reach (spec data noCase / notProduced)', () => {
  it('are listed apart with their reason, not as missing, and still count in the total', () => {
    const cov = specCoverage([]);
    const checks = cov.vmEntryChecks.unreachable!.map((u) => u.id);
    expect(checks).toEqual(expect.arrayContaining(['host.legacy-host.ia32e-mode-guest-zero', 'host.no-intel64.ia32e-mode-guest-zero',
      'host.no-intel64.host-address-space-size-zero', 'guest.pending-debug-exceptions.rtm.mov-ss']));
    for (const id of checks) expect(cov.vmEntryChecks.missing).not.toContain(id);
    expect(cov.vmEntryChecks.missing.length + checks.length).toBe(cov.vmEntryChecks.total);
    // Table 31-1 error 6: not produced by the current VMLAUNCH/VMRESUME pseudocode (SDM 31.3).
    expect(cov.vmInstructionErrors.unreachable!.map((u) => u.id)).toEqual(['6 VMRESUME_AFTER_VMXOFF']);
    expect(cov.vmInstructionErrors.unreachable![0]!.why).toMatch(/^not produced by current processors: .*SDM 31\.3/);
    expect(cov.vmInstructionErrors.missing).not.toContain('6 VMRESUME_AFTER_VMXOFF');
  });
});
