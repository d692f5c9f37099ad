// Sub-page write permissions for EPT (SDM 29.3.4) seen through the model's API: a guest entered with EPT and
// "sub-page write permissions for EPT" on a Skylake-SP variant that offers the control, an EPT PTE that
// refuses writes but has bit 61 set, and an SPPT the test builds. Expected values are the SDM's rules.
import { describe, expect, it } from 'vitest';
import { enterBaseline } from '../../conformance/baseline.js';
import { machineIn } from '../../conformance/harness/cpu.js';
import { type EptSetup, buildEpt } from '../../conformance/harness/ept.js';
import { BUILTIN_PROFILES, type CpuProfile } from '../generated/index.js';
import { toHex } from '../arch/numbers.js';
import { READ, WRITE, translate } from '../cpu/mmu.js';
import type { Machine } from '../machine/index.js';
import { vmEntry } from '../vmx/transitions.js';
import { vmxOf } from '../vmx/operation.js';
import { EptViolation } from './exits.js';
import { SppRelatedEvent } from './spp.js';

const DATA = 0x50_0000;
/** The SPPT: L4 at B00000H, L3 at B01000H, L2 at B02000H, the L1 table (SPP vectors) at B03000H. */
const SPPT = 0xB0_0000;
/** Index of DATA in the SPP L2 table: guest-physical address bits 29:21 (= 2); L4 and L3 index 0; L1 index bits 20:12 (= 0). */
const L2_INDEX = (DATA >>> 21) & 0x1FF, L1_INDEX = (DATA >>> 12) & 0x1FF;
/** Secondary controls: enable EPT (bit 1), sub-page write permissions for EPT (bit 23) (SDM 25.6.2). */
const PROC2_EPT = 1n << 1n, PROC2_SPP = 1n << 23n;
/** EPT PTE bit 61: write permission by sub-page (SDM 29.3.2, Table 29-6). */
const SPP_BIT = '0x2000000000000000';

/** Skylake-SP allowing "sub-page write permissions for EPT" (IA32_VMX_PROCBASED_CTLS2 bit 55 = allowed-1 of bit 23, A.3.3). */
function sppProfile(): CpuProfile {
  const p = BUILTIN_PROFILES.find((x) => x.id === 'skylake-server')!;
  return { ...p, id: 'skylake-server+spp', msrs: { ...p.msrs, IA32_VMX_PROCBASED_CTLS2: toHex(BigInt(p.msrs.IA32_VMX_PROCBASED_CTLS2!) | (1n << 55n)) } };
}

/** The SPPT mapping DATA's page to `vector`; `l2` replaces the L2 entry when given. */
function buildSppt(m: Machine, vector: bigint, l2?: bigint): void {
  m.memory.write64(SPPT, BigInt(SPPT + 0x1000) | 1n);
  m.memory.write64(SPPT + 0x1000, BigInt(SPPT + 0x2000) | 1n);
  m.memory.write64(SPPT + 0x2000 + L2_INDEX * 8, l2 ?? (BigInt(SPPT + 0x3000) | 1n));
  m.memory.write64(SPPT + 0x3000 + L1_INDEX * 8, vector);
}

function guestWithSpp(setup: EptSetup, proc2 = PROC2_EPT | PROC2_SPP): Machine {
  const m = machineIn('long64', { code: Uint8Array.of(0xF4), profile: sppProfile() });
  const vmcs = enterBaseline(m).current!;
  vmcs.set('EPT_POINTER', buildEpt(m.memory, setup));
  vmcs.set('PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS', vmcs.get('PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS') | (1n << 31n));
  vmcs.set('SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS', proc2);
  vmcs.set('SUB_PAGE_PERMISSION_TABLE_POINTER', BigInt(SPPT));
  expect(vmEntry(m.cpu, true).kind).toBe('entered');
  return m;
}

const READ_ONLY_SPP: EptSetup = { entries: [{ gpa: '0x500000', level: 'pte', clear: '0x2', set: SPP_BIT }] };

function thrownBy(f: () => void): unknown {
  try { f(); } catch (e) { return e; }
  return undefined;
}

describe('sub-page write permissions (SDM 29.3.4)', () => {
  it('a write to a sub-page whose SPP-vector bit is 1 completes; to one whose bit is 0 it is an EPT violation (28.2.1)', () => {
    const m = guestWithSpp(READ_ONLY_SPP);
    buildSppt(m, 0b01n); // sub-page 0 writable (bit 0), sub-page 1 not (bit 2)
    expect(translate(m.cpu, DATA + 0x7F, 0, WRITE)).toBe(DATA + 0x7F);
    const v = thrownBy(() => translate(m.cpu, DATA + 0x80, 0, WRITE));
    expect(v).toBeInstanceOf(EptViolation);
    // Write (bit 1), readable and executable (3, 5) but not writable (4), linear address valid and translated (7, 8), writable linear (10).
    expect((v as EptViolation).qualification).toBe(0x2 | 0x8 | 0x20 | 0x80 | 0x100 | 0x400);
  });

  it('the i-th sub-page (address bits 11:7) uses bit 2i of the SPP vector', () => {
    const m = guestWithSpp(READ_ONLY_SPP);
    buildSppt(m, 1n << 62n); // only sub-page 31 (bytes F80H-FFFH)
    expect(translate(m.cpu, DATA + 0xF80, 0, WRITE)).toBe(DATA + 0xF80);
    expect(thrownBy(() => translate(m.cpu, DATA + 0xF7F, 0, WRITE))).toBeInstanceOf(EptViolation);
  });

  it('a write allowed by its sub-page leaves no write right in the TLB: the next write to a refused sub-page still exits', () => {
    const m = guestWithSpp(READ_ONLY_SPP);
    buildSppt(m, 0b01n);
    translate(m.cpu, DATA, 0, WRITE);
    expect(thrownBy(() => translate(m.cpu, DATA + 0x100, 0, WRITE))).toBeInstanceOf(EptViolation);
  });

  it('reads are not affected: a read needs no SPP vector (the SPPT here is empty)', () => {
    const m = guestWithSpp(READ_ONLY_SPP);
    expect(translate(m.cpu, DATA + 0x80, 0, READ)).toBe(DATA + 0x80);
  });

  it('a write to a page whose EPT PTE allows writes does not consult the SPPT', () => {
    const m = guestWithSpp({ entries: [{ gpa: '0x500000', level: 'pte', set: SPP_BIT }] });
    expect(translate(m.cpu, DATA + 0x80, 0, WRITE)).toBe(DATA + 0x80);
  });

  it('with the control 0, bit 61 is ignored and the read-only PTE refuses the write', () => {
    const m = guestWithSpp(READ_ONLY_SPP, PROC2_EPT);
    buildSppt(m, 0x5555_5555_5555_5555n);
    expect(thrownBy(() => translate(m.cpu, DATA, 0, WRITE))).toBeInstanceOf(EptViolation);
  });

  it('a 2-MByte EPT page is not eligible: its write stays an EPT violation', () => {
    const m = guestWithSpp({ pageSize: '2m', entries: [{ gpa: '0x500000', level: 'pde', clear: '0x2', set: SPP_BIT }] });
    buildSppt(m, 0x5555_5555_5555_5555n);
    expect(thrownBy(() => translate(m.cpu, DATA, 0, WRITE))).toBeInstanceOf(EptViolation);
  });
});

describe('SPP-related events (SDM 29.3.4.2, 28.2.1)', () => {
  function event(m: Machine, at: number): SppRelatedEvent {
    const e = thrownBy(() => translate(m.cpu, at, 0, WRITE));
    expect(e).toBeInstanceOf(SppRelatedEvent);
    return e as SppRelatedEvent;
  }

  it('an SPPT entry that is not valid is an SPPT miss: exit 66, qualification bit 11 = 1, the guest-physical address', () => {
    const m = guestWithSpp(READ_ONLY_SPP);
    buildSppt(m, 0b01n, 0n);
    const e = event(m, DATA + 0x10);
    e.deliver(m.cpu);
    const vmcs = vmxOf(m.cpu).current!;
    expect(vmcs.get('EXIT_REASON')).toBe(66n);
    expect(vmcs.get('EXIT_QUALIFICATION')).toBe(0x800n);
    expect(vmcs.get('GUEST_PHYSICAL_ADDRESS')).toBe(BigInt(DATA + 0x10));
  });

  it('the event saves the guest-linear address of the write too (Intel SPP design for KVM, "SPPT-induced vmexits")', () => {
    const m = guestWithSpp(READ_ONLY_SPP);
    buildSppt(m, 0b01n, 0n);
    const vmcs = vmxOf(m.cpu).current!;
    vmcs.set('GUEST_LINEAR_ADDRESS', 0xDEAD_0000n);
    event(m, DATA + 0x24).deliver(m.cpu);
    // The canonical guest maps linear addresses to the same guest-physical addresses.
    expect(vmcs.get('GUEST_LINEAR_ADDRESS')).toBe(BigInt(DATA + 0x24));
  });

  it('a reserved bit (11:1, 51:MAXPHYADDR or 63:52) in a valid SPPT entry is an SPPT misconfiguration: bit 11 = 0', () => {
    for (const bad of [1n << 1n, 1n << 11n, 1n << 46n, 1n << 63n]) {
      const m = guestWithSpp(READ_ONLY_SPP);
      buildSppt(m, 0b01n, BigInt(SPPT + 0x3000) | 1n | bad);
      expect(event(m, DATA).qualification).toBe(0n);
    }
  });

  it('an odd bit of the SPP vector is reserved: an SPPT misconfiguration, even for a sub-page whose own bit is 1', () => {
    const m = guestWithSpp(READ_ONLY_SPP);
    buildSppt(m, 0b01n | (1n << 63n));
    expect(event(m, DATA).qualification).toBe(0n);
  });
});
