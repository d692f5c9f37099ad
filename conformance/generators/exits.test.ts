// The generated VM-exit and VM-instruction-error cases: ids unique, lengths from the assembler, every
// producible error number (SDM 31.4) covered or listed as unproducible, and the host-program step of the
// runner reading RFLAGS and the VM-instruction error field.
import { describe, expect, it } from 'vitest';
import { BUILTIN_PROFILES, type ConformanceCase, VM_INSTRUCTION_ERRORS } from '../../model/generated/index.js';
import { runCase } from '../runner.js';
import { exitFilterCases } from './exit-filters.js';
import { CONTROL_EXITS, exitCases } from './exits.js';
import { UNPRODUCIBLE_VM_INSTRUCTION_ERRORS, vmInstructionErrorCases } from './vm-instruction-errors.js';
import { smmCases } from './smm.js';

const all: ConformanceCase[] = [...exitCases(), ...exitFilterCases(), ...vmInstructionErrorCases()];
const byId = new Map(all.map((c) => [c.id, c]));
const profile = BUILTIN_PROFILES[0]!;

describe('generated exit cases', () => {
  it('have unique ids', () => {
    expect(byId.size).toBe(all.length);
  });
  it('take instruction lengths from the encodings (HLT 1 byte, RDTSC 2, MOV CR3 3)', () => {
    const len = (id: string): unknown => {
      const s = byId.get(id)!.steps[0]!;
      return s.op === 'vmlaunch' && s.expect.kind === 'vm-exit' ? s.expect.fields?.VM_EXIT_INSTRUCTION_LENGTH : undefined;
    };
    expect(len('exitgen.control.hlt.set')).toBe('0x1');
    expect(len('exitgen.control.rdtsc.set')).toBe('0x2');
    expect(len('exitgen.control.cr3-load.set')).toBe('0x3');
  });
  it('pair every control with a control-0 case unless it says why not', () => {
    for (const x of CONTROL_EXITS) {
      expect(byId.has(`exitgen.control.${x.name}.set`)).toBe(true);
      expect(byId.has(`exitgen.control.${x.name}.clear`) || x.noClearCase !== undefined).toBe(true);
    }
  });
  it('evaluate the I/O-bitmap wrap rule (port FFFFh, 2 bytes, all bits 0, exits)', () => {
    const c = byId.get('exitgen.io-bitmap.in16.dx.portffff.no-bits')!;
    const s = c.steps[0]!;
    expect(s.op === 'vmlaunch' && s.expect.kind === 'vm-exit' && s.expect.exitReason).toBe(30);
  });
});

describe('VM-instruction error cases', () => {
  it('cover every error number of Table 31-1 or list it as unproducible', () => {
    const covered = new Set([...vmInstructionErrorCases(), ...smmCases()].flatMap((c) => c.steps).flatMap((s) => (s.expect.kind === 'vmfail-valid' ? [s.expect.error] : [])));
    const listed = new Set(UNPRODUCIBLE_VM_INSTRUCTION_ERRORS.map((e) => e.error));
    expect(VM_INSTRUCTION_ERRORS.map((e) => e.number).filter((n) => !covered.has(n) && !listed.has(n))).toEqual([]);
  });
  it('pass (or are unsupported) on the model', () => {
    for (const c of vmInstructionErrorCases()) expect(runCase(c, 'test', profile).status).not.toBe('fail');
  });
});

describe('the host-program step', () => {
  const host = (code: string, expect: ConformanceCase['steps'][number]['expect']): ConformanceCase => ({
    id: 'test.host', title: 'a host program', sdm: ['31.2'], steps: [{ op: 'host', code, disassembly: [], expect } as ConformanceCase['steps'][number]],
  });
  it('reads VMfailValid and the error number (VMCALL in root: 1)', () => {
    expect(runCase(host('0F01C1F4', { kind: 'vmfail-valid', error: 1 }), 't', profile).status).toBe('pass');
    expect(runCase(host('0F01C1F4', { kind: 'vmsucceed' }), 't', profile).status).toBe('fail');
  });
  it('reports a program that does not reach its final HLT', () => {
    const r = runCase(host('0F0BF4', { kind: 'vmsucceed' }), 't', profile); // UD2
    expect(r.status).toBe('fail');
    expect(r.diffs[0]!.actual).toMatch(/stopped at RIP/);
  });
});
