// EPT and memory typing (SDM 29.3.7.2) and the PAT/range combination table it uses (SDM Vol. 3A 12.5.2.2
// Table 12-7). The table below is typed by hand from the SDM, independently of spec/data/memory-types.json.
import { describe, expect, it } from 'vitest';
import { enterBaseline } from '../../conformance/baseline.js';
import { machineIn } from '../../conformance/harness/cpu.js';
import { type EptSetup, buildEpt } from '../../conformance/harness/ept.js';
import { BUILTIN_PROFILES } from '../generated/index.js';
import { READ, WRITE, translate } from '../cpu/mmu.js';
import { IA32_PAT } from '../cpu/msr.js';
import { timingFromProfile } from '../cpu/timing.js';
import type { Machine } from '../machine/index.js';
import { vmEntry } from '../vmx/transitions.js';
import { eptEffectiveMemoryType, eptStructureMemoryType, patIndex, patMemoryType } from './memory-type.js';
import { eptMemoryType } from './translate.js';

const UC = 0, WC = 1, WT = 4, WP = 5, WB = 6, UCM = 7; // SDM Vol. 3A 12.12.2 Table 12-10
const NAMES: Record<number, string> = { 0: 'UC', 1: 'WC', 4: 'WT', 5: 'WP', 6: 'WB', 7: 'UC-' };

// Table 12-7: [range (EPT) type, PAT type, effective type].
const TABLE_12_7: readonly (readonly [number, number, number])[] = [
  [UC, UC, UC], [UC, UCM, UC], [UC, WC, WC], [UC, WT, UC], [UC, WB, UC], [UC, WP, UC],
  [WC, UC, UC], [WC, UCM, WC], [WC, WC, WC], [WC, WT, UC], [WC, WB, WC], [WC, WP, UC],
  [WT, UC, UC], [WT, UCM, UC], [WT, WC, WC], [WT, WT, WT], [WT, WB, WT], [WT, WP, WP],
  [WB, UC, UC], [WB, UCM, UC], [WB, WC, WC], [WB, WT, WT], [WB, WB, WB], [WB, WP, WP],
  // The WP row (the one the previous EPT work was unsure of): UC- gives WC and WT gives WT (note 3).
  [WP, UC, UC], [WP, UCM, WC], [WP, WC, WC], [WP, WT, WT], [WP, WB, WP], [WP, WP, WP],
];

/** An EPT leaf (bits 5:3 memory type, bit 6 ignore PAT) as eptEffectiveMemoryType reads it. */
const leaf = (type: number, ipat = false): number => 0x7 | (type << 3) | (ipat ? 0x40 : 0);

describe('effective memory type with EPT (SDM 29.3.7.2)', () => {
  for (const [ept, pat, effective] of TABLE_12_7) {
    it(`EPT ${NAMES[ept]} with PAT ${NAMES[pat]} is ${NAMES[effective]} (Table 12-7, EPT type for the MTRR type)`, () => {
      expect(eptEffectiveMemoryType(0, leaf(ept), pat)).toBe(effective);
    });
  }

  it('with the ignore-PAT bit set the effective type is the EPT memory type, whatever the PAT says', () => {
    for (const [ept, pat] of TABLE_12_7) expect(eptEffectiveMemoryType(0, leaf(ept, true), pat)).toBe(ept);
  });

  it('with CR0.CD = 1 the effective type is UC, even with ignore PAT and EPT WB', () => {
    expect(eptEffectiveMemoryType(1 << 30, leaf(WB, true), WB)).toBe(UC);
    expect(eptEffectiveMemoryType(1 << 30, leaf(WB), WB)).toBe(UC);
  });
});

describe('PAT entry selection (SDM Vol. 3A 12.12.3 Table 12-11)', () => {
  it('index = 4 * PAT + 2 * PCD + PWT; PAT is bit 7 of a PTE and bit 12 of an entry mapping a large page', () => {
    expect(patIndex(0x08, false)).toBe(1); // PWT
    expect(patIndex(0x10, false)).toBe(2); // PCD
    expect(patIndex(0x80, false)).toBe(4); // PAT of a 4-KByte PTE
    expect(patIndex(0x80, true)).toBe(0); // bit 7 of a PDE is PS, not PAT
    expect(patIndex(0x1098, true)).toBe(7); // PAT (12), PCD, PWT of a 2-MByte PDE
  });

  it('entry i of IA32_PAT is bits 8i+2:8i (SDM Vol. 3A 12.12.2)', () => {
    const pat = 0x0007_0406_0007_0406n; // the power-up value: WB, WT, UC-, UC, WB, WT, UC-, UC (12.12.4)
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((i) => patMemoryType(pat, i))).toEqual([WB, WT, UCM, UC, WB, WT, UCM, UC]);
  });
});

const DATA = 0x50_0000;

/** The baseline guest (identity 2-MByte pages, PAT/PCD/PWT 0: PAT entry 0) under EPT as `setup` builds it. */
function guestWithEpt(setup: EptSetup): Machine {
  const profile = BUILTIN_PROFILES.find((p) => p.id === 'skylake-server')!;
  const m = machineIn('long64', { code: Uint8Array.of(0xF4), profile });
  const vmcs = enterBaseline(m).current!;
  vmcs.set('EPT_POINTER', buildEpt(m.memory, setup));
  vmcs.set('PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS', vmcs.get('PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS') | (1n << 31n));
  vmcs.set('SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS', 1n << 1n);
  expect(vmEntry(m.cpu, true).kind).toBe('entered');
  m.cpu.timing = timingFromProfile(profile);
  return m;
}

/** The EPT PTE mapping DATA with memory type `type` (bits 5:3) and ignore PAT (bit 6). */
const pte = (type: number, ipat = false): EptSetup =>
  ({ entries: [{ gpa: '0x500000', level: 'pte', value: `0x${(0x50_0007 | (type << 3) | (ipat ? 0x40 : 0)).toString(16)}` }] });

describe('the translation carries its effective memory type (SDM 29.3.7.2)', () => {
  it('EPT WB with guest PAT entry 0 = UC gives UC; setting the ignore-PAT bit gives WB', () => {
    const m = guestWithEpt(pte(WB));
    m.cpu.msr.values.set(IA32_PAT, 0x0007_0406_0007_0400n); // PA0 = UC
    translate(m.cpu, DATA, 0, READ);
    expect(eptMemoryType).toBe(UC);
    const n = guestWithEpt(pte(WB, true));
    n.cpu.msr.values.set(IA32_PAT, 0x0007_0406_0007_0400n);
    translate(n.cpu, DATA, 0, READ);
    expect(eptMemoryType).toBe(WB);
  });

  it('EPT UC with guest PAT WB gives UC; without guest paging the EPT type stands (PAT type WB)', () => {
    const m = guestWithEpt(pte(UC));
    translate(m.cpu, DATA, 0, READ); // PA0 = WB at power-up
    expect(eptMemoryType).toBe(UC);
    const n = guestWithEpt(pte(WT));
    n.cpu.cr0 &= ~0x8000_0000;
    translate(n.cpu, DATA, 0, READ);
    expect(eptMemoryType).toBe(WT);
  });
});

describe('the timing model charges each access by its memory type (profile timing.memoryTypeCycles)', () => {
  /** Cycles of `n` writes to DATA after the first (a TLB hit each), beyond the walk. */
  function cyclesOfHits(m: Machine, n: number): number {
    translate(m.cpu, DATA, 0, WRITE);
    const before = m.cpu.cycles;
    for (let i = 0; i < n; i++) translate(m.cpu, DATA + 8 * i, 0, WRITE);
    return m.cpu.cycles - before;
  }
  it('a UC access costs the profile UC figure, a WB one the WB figure, on TLB hits as on the miss', () => {
    const profile = BUILTIN_PROFILES.find((p) => p.id === 'skylake-server')!;
    const costs = profile.timing.memoryTypeCycles!;
    expect(costs.UC).toBeGreaterThan(costs.WB);
    expect(cyclesOfHits(guestWithEpt(pte(UC, true)), 10)).toBe(10 * costs.UC);
    expect(cyclesOfHits(guestWithEpt(pte(WB, true)), 10)).toBe(10 * costs.WB);
    // The miss: the walk's references plus one access of the page's type.
    const m = guestWithEpt(pte(UC, true));
    const before = m.cpu.cycles, reads = m.cpu.stats.pageWalkReads;
    translate(m.cpu, DATA, 0, READ);
    expect(m.cpu.cycles - before).toBe((m.cpu.stats.pageWalkReads - reads) * profile.timing.pageWalkCycles + costs.UC);
  });
});

describe('EPT paging-structure references are charged by their memory type (SDM 29.3.7.1)', () => {
  it('the type is EPTP bits 2:0, or UC when CR0.CD = 1', () => {
    expect(eptStructureMemoryType(0, WB)).toBe(WB);
    expect(eptStructureMemoryType(0, UC)).toBe(UC);
    expect(eptStructureMemoryType(1 << 30, WB)).toBe(UC);
  });

  it('with CR0.CD = 1 each EPT reference of a walk costs pageWalkCycles plus the UC figure', () => {
    const profile = BUILTIN_PROFILES.find((p) => p.id === 'skylake-server')!;
    const costs = profile.timing.memoryTypeCycles!;
    const m = guestWithEpt(pte(WB, true));
    m.cpu.cr0 |= 1 << 30;
    const before = m.cpu.cycles, reads = m.cpu.stats.pageWalkReads, eptReads = m.cpu.stats.eptPageWalkReads;
    translate(m.cpu, DATA, 0, READ);
    const all = m.cpu.stats.pageWalkReads - reads, ept = m.cpu.stats.eptPageWalkReads - eptReads;
    // Guest references cost pageWalkCycles; EPT references add UC; the access itself is UC (29.3.7.2, CR0.CD = 1).
    expect(m.cpu.cycles - before).toBe(all * profile.timing.pageWalkCycles + ept * costs.UC + costs.UC);
  });
});
