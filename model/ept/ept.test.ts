// EPT translation (SDM 29.3) seen from a guest entered through the model's API: the two-dimensional walk's
// reference counts, EPT violations and misconfigurations as VM exits, the PAE PDPTEs from the VMCS, and the
// INVEPT/INVVPID functions. Expected values are the SDM's arithmetic and rules, typed here by hand.
import { describe, expect, it } from 'vitest';
import { enterBaseline } from '../../conformance/baseline.js';
import { machineIn } from '../../conformance/harness/cpu.js';
import { type EptSetup, buildEpt, eptEntryAddress } from '../../conformance/harness/ept.js';
import { BUILTIN_PROFILES } from '../generated/index.js';
import { layoutById } from '../arch/catalogue.js';
import { definedMask } from '../arch/decode.js';
import { READ, WRITE, translate } from '../cpu/mmu.js';
import type { Machine } from '../machine/index.js';
import { vmEntry } from '../vmx/transitions.js';
import { vmxOf } from '../vmx/operation.js';
import { EptMisconfiguration, EptViolation } from './exits.js';
import { INVEPT_TYPE, INVVPID_TYPE, invept, invvpid } from './instructions.js';

const DATA = 0x50_0000;

/** A guest of the baseline (4-level paging, 2-MByte pages, identity) entered with EPT as `setup` builds it. */
function guestWithEpt(setup: EptSetup, profileId = 'skylake-server'): Machine {
  const profile = BUILTIN_PROFILES.find((p) => p.id === profileId)!;
  const m = machineIn('long64', { code: Uint8Array.of(0xF4), profile });
  const s = enterBaseline(m);
  const vmcs = s.current!;
  vmcs.set('EPT_POINTER', buildEpt(m.memory, setup));
  vmcs.set('PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS', vmcs.get('PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS') | (1n << 31n));
  vmcs.set('SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS', 1n << 1n);
  expect(vmEntry(m.cpu, true).kind).toBe('entered');
  return m;
}

/** Paging-structure reads of one translation after a TLB flush (no paging-structure caches are modelled). */
function readsOf(m: Machine, lin: number): number {
  m.cpu.tlb.tag.fill(-1);
  const before = m.cpu.stats.pageWalkReads;
  translate(m.cpu, lin, 0, READ);
  return m.cpu.stats.pageWalkReads - before;
}

describe('the two-dimensional walk (SDM 29.3.2)', () => {
  it('each guest paging-structure address and the final guest-physical address take a full EPT walk', () => {
    // Guest: PML4E, PDPTE, PDE (2-MByte page) = 3 entries. Each costs an EPT walk before it is read.
    expect(readsOf(guestWithEpt({}), DATA)).toBe(3 * (4 + 1) + 4); // 4-level EPT, 4-KByte pages: 19
    expect(readsOf(guestWithEpt({ pageSize: '2m' }), DATA)).toBe(3 * (3 + 1) + 3); // EPT PDE maps 2 MiB: 15
    expect(readsOf(guestWithEpt({ pageSize: '1g' }), DATA)).toBe(3 * (2 + 1) + 2); // EPT PDPTE maps 1 GiB: 11
    expect(readsOf(guestWithEpt({ levels: 5 }, 'ice-lake-server'), DATA)).toBe(3 * (5 + 1) + 5); // 5-level EPT: 23
  });

  it('without guest paging the linear address is the guest-physical address, still translated by EPT', () => {
    const m = guestWithEpt({ entries: [{ gpa: '0x500000', level: 'pte', value: '0x777037' }] });
    m.cpu.cr0 &= ~0x8000_0000; // as an unrestricted guest with CR0.PG = 0 runs
    const before = m.cpu.stats.pageWalkReads;
    expect(translate(m.cpu, DATA + 0x10, 0, READ)).toBe(0x77_7010);
    expect(m.cpu.stats.pageWalkReads - before).toBe(4); // the EPT walk alone
  });

  it('a translation maps guest-physical to the physical address the EPT leaf names', () => {
    const m = guestWithEpt({ entries: [{ gpa: '0x500000', level: 'pte', value: '0x777037' }] });
    expect(translate(m.cpu, DATA + 0x123, 0, READ)).toBe(0x77_7123);
  });
});

describe('EPT violations and misconfigurations (SDM 29.3.3)', () => {
  it('a write to a read-only page raises an EPT violation carrying the access, permissions and addresses (28.2.1)', () => {
    const m = guestWithEpt({ entries: [{ gpa: '0x500000', level: 'pte', clear: '0x2' }] });
    let thrown: unknown;
    try { translate(m.cpu, DATA + 8, 0, WRITE); } catch (e) { thrown = e; }
    expect(thrown).toBeInstanceOf(EptViolation);
    const v = thrown as EptViolation;
    expect(v.gpa).toBe(DATA + 8);
    // Write (bit 1), readable and executable (bits 3, 5), linear address valid and translated (7, 8), writable linear (10).
    expect(v.qualification).toBe(0x2 | 0x8 | 0x20 | 0x80 | 0x100 | 0x400);
    // Delivering it is the VM exit: reason 48 with the fields of 28.2.1.
    v.deliver(m.cpu);
    const vmcs = vmxOf(m.cpu).current!;
    expect(vmcs.get('EXIT_REASON')).toBe(48n);
    expect(vmcs.get('GUEST_PHYSICAL_ADDRESS')).toBe(BigInt(DATA + 8));
    expect(vmcs.get('GUEST_LINEAR_ADDRESS')).toBe(BigInt(DATA + 8));
    expect(m.cpu.ept).toBeUndefined();
  });

  it('a write-only leaf is a misconfiguration even for a read, which would otherwise be a violation (29.3.3.1)', () => {
    const m = guestWithEpt({ entries: [{ gpa: '0x500000', level: 'pte', clear: '0x7', set: '0x2' }] });
    expect(() => translate(m.cpu, DATA, 0, READ)).toThrow(EptMisconfiguration);
  });

  it('the accessed flag is set in every EPT entry of a walk when EPTP bit 6 is 1 (29.3.5)', () => {
    const m = guestWithEpt({ accessedDirty: true });
    translate(m.cpu, DATA, 0, READ);
    expect(m.memory.read64(eptEntryAddress(DATA, 'pte')) & 0x300n).toBe(0x100n);
    translate(m.cpu, DATA, 0, WRITE);
    expect(m.memory.read64(eptEntryAddress(DATA, 'pte')) & 0x300n).toBe(0x300n);
  });
});

describe('PAE guests under EPT (SDM 27.3.2.4, 28.3.4)', () => {
  it('VM entry takes the PDPTEs from the guest-state area, not from CR3', () => {
    const profile = BUILTIN_PROFILES.find((p) => p.id === 'skylake-server')!;
    const m = machineIn('long64', { code: Uint8Array.of(0xF4), profile });
    const vmcs = enterBaseline(m).current!;
    vmcs.set('EPT_POINTER', buildEpt(m.memory, {}));
    vmcs.set('PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS', vmcs.get('PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS') | (1n << 31n));
    vmcs.set('SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS', 1n << 1n);
    // A 32-bit PAE guest: no IA-32e mode, CS 32-bit, EFER.LMA/LME 0.
    vmcs.set('VM_ENTRY_CONTROLS', vmcs.get('VM_ENTRY_CONTROLS') & ~(1n << 9n));
    vmcs.set('GUEST_CS_ACCESS_RIGHTS', 0xC09Bn);
    vmcs.set('GUEST_PDPTE0', 0x6_0001n); vmcs.set('GUEST_PDPTE1', 0x6_1001n); vmcs.set('GUEST_PDPTE2', 0n); vmcs.set('GUEST_PDPTE3', 0x6_3001n);
    expect(vmEntry(m.cpu, true).kind).toBe('entered');
    expect([...m.cpu.pdpteLo]).toEqual([0x6_0001, 0x6_1001, 0, 0x6_3001]);
  });
});

describe('INVEPT and INVVPID outcomes (SDM 31.3)', () => {
  it('fail with error 28 for unsupported types and bad descriptors, succeed otherwise', () => {
    const m = guestWithEpt({});
    vmxOf(m.cpu).nonRoot = false;
    const eptp = vmxOf(m.cpu).current!.get('EPT_POINTER');
    expect(invept(m.cpu, INVEPT_TYPE.SINGLE_CONTEXT, eptp)).toEqual({ kind: 'vmsucceed' });
    expect(invept(m.cpu, INVEPT_TYPE.SINGLE_CONTEXT, eptp | 0x100n)).toEqual({ kind: 'vmfail-valid', error: 28 }); // EPTP bit 8 reserved
    expect(invept(m.cpu, 0n, eptp)).toEqual({ kind: 'vmfail-valid', error: 28 });
    expect(invvpid(m.cpu, INVVPID_TYPE.SINGLE_CONTEXT, 0n, 0n)).toEqual({ kind: 'vmfail-valid', error: 28 }); // VPID 0
    expect(invvpid(m.cpu, INVVPID_TYPE.ALL_CONTEXT, 0n, 0n)).toEqual({ kind: 'vmsucceed' });
    expect(invvpid(m.cpu, INVVPID_TYPE.INDIVIDUAL_ADDRESS, 1n, 0x8000_0000_0000n)).toEqual({ kind: 'vmfail-valid', error: 28 }); // not canonical
  });
});

describe('EPT entry formats in spec/data (SDM 29.3.2, Tables 29-1 to 29-6)', () => {
  // Reserved bits 31:0 typed from the SDM's tables: what the spec layouts leave uncovered must be exactly these.
  const reserved: Record<string, number> = {
    'ept.pml5e': 0xF8, 'ept.pml4e': 0xF8, // bits 7:3
    'ept.pdpte-table': 0x78, 'ept.pde-table': 0x78, // bits 6:3 (bit 7 is the page-size bit, 0)
    'ept.pdpte-1gb-page': 0x3FFF_F000, // bits 29:12
    'ept.pde-2mb-page': 0x1F_F000, // bits 20:12
    'ept.pte': 0, // none below bit 32
  };
  for (const [id, mask] of Object.entries(reserved)) {
    it(`${id}: reserved bits 31:0 = ${mask.toString(16)}h, and every bit of 63:32 is a field or ignored`, () => {
      const defined = definedMask(layoutById(id)!);
      expect(Number(~defined & 0xFFFF_FFFFn)).toBe(mask);
      expect(~defined & 0xFFFF_FFFF_0000_0000n).toBe(0n);
    });
  }
});
