// VM-entry checks on the VMX controls (SDM 27.2.1.1 execution, 27.2.1.2 exit, 27.2.1.3 entry controls):
// the baseline passes; each check id fails first for the smallest change that breaks its condition (the
// hand-derived recipes in conformance/generators/entry-check-recipes.ts, which the conformance suite shares).
import { describe, expect, it } from 'vitest';
import {
  type CpuProfile, VM_ENTRY_CHECKS,
  type VmEntryCheckId, packEptEptp, packVmcsVmEntryInterruptionInformation,
} from '../../generated/index.js';
import { checkProfileConsistency } from '../../profile/consistency.js';
import { BASELINE_MEMORY, baselineVmcs } from '../../../conformance/baseline.js';
import { CONTROL_CHECKS } from './controls.js';
import { type EntryContext, evaluateEntryChecks } from './index.js';
import { CONTROL_RECIPES } from '../../../conformance/generators/entry-check-recipes.js';
import { BUILTIN, MAXIMAL, SKYLAKE, VARIANTS, applyRecipe, entryContext, recipeProfiles, variant } from '../../../conformance/harness/entry-checks.js';
import { type Tools, context, controlField, tools } from '../../../conformance/harness/entry-checks.js';

const START = { vmcs: baselineVmcs, currentVmcs: BASELINE_MEMORY.vmcsRegion, vmxon: BASELINE_MEMORY.vmxonRegion };

// ---- profiles

const skylake = SKYLAKE;
const maximal = MAXIMAL;
const msr = (p: CpuProfile, id: string): bigint => BigInt(p.msrs[id] ?? '0');

// ---- cases

function firstFailure(ctx: EntryContext): VmEntryCheckId | 'pass' {
  const r = evaluateEntryChecks(ctx, 'controls-and-host');
  return r.kind === 'pass' ? 'pass' : r.check.id;
}

const PAGE = 0x50_0000n; // free memory above the baseline's structures
const EPTP_WB_4 = packEptEptp({ memoryType: 6, pageWalkLength: 3, physicalAddress: 0x510n });
const withEpt = (t: Tools): void => { t.enable('proc2.ENABLE_EPT'); t.set('EPT_POINTER', EPTP_WB_4); };
const withTprShadow = (t: Tools): void => { t.enable('proc.USE_TPR_SHADOW'); t.set('VIRTUAL_APIC_ADDRESS', PAGE + 0x3000n); };
/** Posted interrupts with every prerequisite of 27.2.1.1 met. */
function withPostedInterrupts(t: Tools): void {
  withTprShadow(t);
  t.enable('pin.EXTERNAL_INTERRUPT_EXITING');
  t.enable('proc2.VIRTUAL_INTERRUPT_DELIVERY');
  t.enable('exit.ACKNOWLEDGE_INTERRUPT_ON_EXIT');
  t.enable('pin.PROCESS_POSTED_INTERRUPTS');
  t.set('POSTED_INTERRUPT_NOTIFICATION_VECTOR', 0xF2n);
  t.set('POSTED_INTERRUPT_DESCRIPTOR_ADDRESS', PAGE + 0x5000n);
}
const inject = (fields: Parameters<typeof packVmcsVmEntryInterruptionInformation>[0], extra = 0n) => (t: Tools): void =>
  t.set('VM_ENTRY_INTERRUPTION_INFORMATION', BigInt(packVmcsVmEntryInterruptionInformation({ valid: true, ...fields })) | extra);
// Interruption types (SDM 25.8.3, Table 25-17).
const HARDWARE = 3, SOFTWARE_INT = 4, OTHER = 7;
const CR4_FRED = 1n << 32n;

const nestedException = variant(skylake, 'nested-exception', { IA32_VMX_BASIC: msr(skylake, 'IA32_VMX_BASIC') | (1n << 58n) });

/** The hand-derived violation recipes of the control checks (shared with the conformance suite). */
const RECIPES = CONTROL_RECIPES;

const controlIds = VM_ENTRY_CHECKS.filter((c) => /^(exec|exit|entry)\./.test(c.id)).map((c) => c.id);

describe('the test profiles are consistent processors (SDM Appendix A)', () => {
  it.each([maximal, VARIANTS['no-ept-ad'], VARIANTS['no-mtf'], VARIANTS['no-zero-length-injection'], nestedException].map((p) => [p.id, p] as const))('%s', (_id, p) => {
    expect(checkProfileConsistency(p)).toEqual([]);
  });
});

describe('the baseline VMCS passes every control check (SDM 27.2.1)', () => {
  it.each([...BUILTIN, maximal].map((p) => [p.id, p] as const))('%s', (_id, p) => {
    const ctx = context(tools(p));
    expect(controlIds.filter((id) => !CONTROL_CHECKS[id]!(ctx))).toEqual([]);
    expect(firstFailure(ctx)).toBe('pass');
  });
});

describe('each control check fails first for the smallest change that violates it (SDM 27.2.1)', () => {
  const rows = RECIPES.flatMap((r) => recipeProfiles(r).map((p) => [r.check, r.how, p.id, r, p] as const));
  it.each(rows)('%s: %s (%s)', (_id, _how, _pid, r, p) => {
    const ctx = entryContext(START, p, (s) => applyRecipe(s, r));
    expect(firstFailure(ctx)).toBe(r.check);
  });

  it('every control check id has a case', () => {
    expect(controlIds.filter((id) => !RECIPES.some((r) => r.check === id))).toEqual([]);
  });
});

describe('conditions that do not apply pass (SDM 27.2.1)', () => {
  it('secondary controls are not checked while "activate secondary controls" is 0 (SDM 25.6.2)', () => {
    const t = tools(skylake);
    t.set('SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS', 1n << 31n);
    expect(firstFailure(context(t))).toBe('pass');
  });

  it('a secondary control with its field not activated counts as 0: "unrestricted guest" does not need EPT then', () => {
    const t = tools(skylake);
    t.set('SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS', controlField('proc2.UNRESTRICTED_GUEST').mask);
    expect(firstFailure(context(t))).toBe('pass');
  });

  it('TPR threshold equal to VTPR[7:4] passes', () => {
    const t = tools(skylake);
    withTprShadow(t);
    t.memory.write8(Number(PAGE + 0x3080n), 0x40);
    t.set('TPR_THRESHOLD', 4n);
    expect(firstFailure(context(t))).toBe('pass');
  });

  it('a valid posted-interrupt configuration passes', () => {
    const t = tools(skylake);
    withPostedInterrupts(t);
    expect(firstFailure(context(t))).toBe('pass');
  });

  it('FRED SYSCALL injection (other event 1) into an IA-32e guest with CR4.FRED passes the control checks', () => {
    const t = tools(maximal);
    t.set('GUEST_CR4', t.v.get('GUEST_CR4') | CR4_FRED);
    inject({ interruptionType: OTHER, vector: 1 })(t);
    t.set('VM_ENTRY_INSTRUCTION_LENGTH', 2n);
    expect(firstFailure(context(t))).toBe('pass');
  });

  it('with IA32_VMX_BASIC[58], bit 13 (nested exception) may be set', () => {
    const t = tools(nestedException);
    inject({ interruptionType: HARDWARE, vector: 13, deliverErrorCode: 1 }, 1n << 13n)(t);
    expect(firstFailure(context(t))).toBe('pass');
  });

  it('zero-length software-interrupt injection passes where IA32_VMX_MISC[30] is 1', () => {
    const t = tools(skylake);
    inject({ interruptionType: SOFTWARE_INT, vector: 0x80 })(t);
    t.set('VM_ENTRY_INSTRUCTION_LENGTH', 0n);
    expect(firstFailure(context(t))).toBe('pass');
  });

  it('#GP without an error code into an unrestricted guest with CR0.PE 0 passes', () => {
    const t = tools(skylake);
    withEpt(t);
    t.enable('proc2.UNRESTRICTED_GUEST');
    t.set('GUEST_CR0', t.v.get('GUEST_CR0') & ~((1n << 31n) | 1n));
    inject({ interruptionType: HARDWARE, vector: 13, deliverErrorCode: 0 })(t);
    expect(firstFailure(context(t))).toBe('pass');
  });

  it('MSR areas are not checked while their count is 0', () => {
    const t = tools(skylake);
    t.set('VM_EXIT_MSR_STORE_ADDRESS', 1n << 63n);
    t.set('VM_EXIT_MSR_LOAD_ADDRESS', 0x7n);
    t.set('VM_ENTRY_MSR_LOAD_ADDRESS', 0x9n);
    expect(firstFailure(context(t))).toBe('pass');
  });

  it('in SMM "entry to SMM" alone passes the control checks', () => {
    const t = tools(skylake);
    t.enable('entry.ENTRY_TO_SMM');
    expect(firstFailure(context(t, { inSmm: true }))).toBe('pass');
  });
});

describe('CONTROL_CHECKS covers its catalogue area', () => {
  it('every exec/exit/entry check id of the catalogue has a predicate, and nothing else', () => {
    expect(controlIds.filter((id) => CONTROL_CHECKS[id] === undefined)).toEqual([]);
    expect(Object.keys(CONTROL_CHECKS).filter((id) => !(controlIds as string[]).includes(id))).toEqual([]);
    expect(controlIds).toHaveLength(93);
  });
});
