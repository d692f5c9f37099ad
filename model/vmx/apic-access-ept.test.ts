// Guest-physical accesses to the APIC-access page under EPT (SDM 30.4.6.1): accesses whose guest-physical address
// is not the translation of a linear address - guest paging-structure reads, PDPTE loads - and whose EPT translation
// is on the APIC-access page always cause an APIC-access VM exit, access type 15 (28.2.1, Table 28-6), never
// virtualized; an EPT violation the access incurs comes first. The end-to-end cases are apic.ept.* (generator apic).
import { describe, expect, it } from 'vitest';
import { enterBaseline } from '../../conformance/baseline.js';
import { machineIn } from '../../conformance/harness/cpu.js';
import { type EptSetup, buildEpt } from '../../conformance/harness/ept.js';
import { READ, translate } from '../cpu/mmu.js';
import { loadPdptes } from '../cpu/paging.js';
import { VmExitFault } from '../cpu/fault.js';
import type { Machine } from '../machine/index.js';
import { EptViolation } from '../ept/exits.js';
import { vmEntry } from './transitions.js';

const ACCESS = 0x6_1000;
/** The baseline guest's page directory (conformance/baseline.ts: identity paging at 20000H, PD at 22000H). */
const GUEST_PD = 0x2_2000;

/** An EPT PTE mapping a page to `hpa` with bits 2:0 = `rwx`, memory type WB (SDM 29.3.2, Table 29-6). */
function pte(hpa: number, rwx: number): string {
  return '0x' + (hpa | (6 << 3) | rwx).toString(16);
}

/** The baseline guest entered with EPT and "virtualize APIC accesses" (APIC-access page at ACCESS). */
function guest(setup: EptSetup): Machine {
  const m = machineIn('long64', { code: Uint8Array.of(0xF4) });
  const vmcs = enterBaseline(m).current!;
  vmcs.set('EPT_POINTER', buildEpt(m.memory, setup));
  vmcs.set('PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS', vmcs.get('PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS') | (1n << 31n));
  vmcs.set('SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS', (1n << 1n) | 1n); // enable EPT, virtualize APIC accesses
  vmcs.set('APIC_ACCESS_ADDRESS', BigInt(ACCESS));
  expect(vmEntry(m.cpu, true).kind).toBe('entered');
  return m;
}

function thrown(f: () => void): unknown {
  try { f(); } catch (e) { return e; }
  return undefined;
}

describe('guest-physical accesses to the APIC-access page (SDM 30.4.6.1)', () => {
  it('a guest paging-structure read through it exits with access type 15', () => {
    const m = guest({ entries: [{ gpa: '0x22000', level: 'pte', value: pte(ACCESS, 7) }] });
    m.cpu.tlb.tag.fill(-1);
    const e = thrown(() => translate(m.cpu, 0x50_0000, 0, READ));
    expect(e).toBeInstanceOf(VmExitFault);
    expect(e).not.toBeInstanceOf(EptViolation);
    expect(Number((e as { qualification: bigint }).qualification >> 12n)).toBe(15);
  });

  it('a PDPTE load from it (MOV to CR3 under PAE paging) exits with access type 15', () => {
    const m = guest({ entries: [{ gpa: '0x22000', level: 'pte', value: pte(ACCESS, 7) }] });
    const e = thrown(() => loadPdptes(m.cpu, GUEST_PD));
    expect(e).toBeInstanceOf(VmExitFault);
    expect(Number((e as { qualification: bigint }).qualification >> 12n)).toBe(15);
  });

  it('an EPT violation of the same access is taken instead', () => {
    const m = guest({ entries: [{ gpa: '0x22000', level: 'pte', value: pte(ACCESS, 0) }] });
    m.cpu.tlb.tag.fill(-1);
    expect(thrown(() => translate(m.cpu, 0x50_0000, 0, READ))).toBeInstanceOf(EptViolation);
  });

  it('a guest-physical access elsewhere does not exit', () => {
    const m = guest({});
    m.cpu.tlb.tag.fill(-1);
    expect(translate(m.cpu, 0x50_0000, 0, READ)).toBe(0x50_0000);
    expect(() => loadPdptes(m.cpu, 0x7_0000)).not.toThrow(); // a page of zeros: no present PDPTE
  });
});
