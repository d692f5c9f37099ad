// Revalidation of invalidated TLB entries (tlb-revalidate.ts): after an invalidation the next access must
// use the paging structures as they are in memory (SDM Vol. 3A 4.10.4); a reused translation must be exactly
// what a walk would give, with the accessed/dirty flags (4.8) as a walk would leave them. Structures are
// hand-built 4-level paging (Table 4-14 to 4-20): CR3 = 10000h, linear 201000h -> 444000h.
import { describe, expect, it } from 'vitest';
import { Machine } from '../machine/machine.js';
import type { Cpu } from './cpu.js';
import { READ, WRITE, type Access, tlbFlushAll, tlbFlushPage, translate } from './mmu.js';
import { PageFault } from './paging.js';
import { profile } from '../../conformance/harness/cpu.js';

const P = 1, RW = 2, A = 0x20, D = 0x40;
const PG = 0x8000_0000 | 0, PE = 1, WP = 1 << 16;
const CR4_PAE = 1 << 5, CR4_SMEP = 1 << 20;
const LME = 1 << 8, LMA = 1 << 10;
const LIN = 0x20_1000;

function setup(pteFlags = P | RW): Machine {
  const m = new Machine({ profile: profile('skylake-server'), memorySize: 64 * 1024 * 1024 });
  w64(m, 0x10000, 0x11000 | P | RW);
  w64(m, 0x11000, 0x12000 | P | RW);
  w64(m, 0x12000 + 8, 0x13000 | P | RW);
  w64(m, 0x13000 + 8, 0x0044_4000 | pteFlags);
  const cpu = m.cpu;
  cpu.cr0 = PG | PE; cpu.cr3Lo = 0x10000; cpu.cr3Hi = 0; cpu.cr4 = CR4_PAE; cpu.efer = LME | LMA;
  cpu.updateMode();
  tlbFlushAll(cpu);
  return m;
}

function w64(m: Machine, pa: number, lo: number, hi = 0): void { m.memory.write32(pa, lo); m.memory.write32(pa + 4, hi); }

function tr(cpu: Cpu, lo: number, access: Access): number | PageFault {
  try { return translate(cpu, lo, 0, access); } catch (e) { if (e instanceof PageFault) return e; throw e; }
}

/** Page-walk reads, revalidations and cycles an access costs, with its result. */
function measure(cpu: Cpu, lo: number, access: Access): { pa: number | PageFault; reads: number; revalidations: number; cycles: number } {
  const r = cpu.stats.pageWalkReads, v = cpu.stats.tlbRevalidations, c = cpu.cycles;
  const pa = tr(cpu, lo, access);
  return { pa, reads: cpu.stats.pageWalkReads - r, revalidations: cpu.stats.tlbRevalidations - v, cycles: cpu.cycles - c };
}

describe('revalidating invalidated translations (SDM Vol. 3A 4.10.4, 4.8)', () => {
  it('unchanged structures with A set: the translation is reused, counted as a revalidation, charged as the walk', () => {
    const m = setup();
    const first = measure(m.cpu, LIN, READ);
    expect(first).toMatchObject({ pa: 0x44_4000, reads: 4, revalidations: 0 });
    tlbFlushAll(m.cpu);
    const again = measure(m.cpu, LIN + 0x10, READ);
    expect(again).toMatchObject({ pa: 0x44_4010, reads: 0, revalidations: 1 });
    expect(again.cycles).toBe(first.cycles); // 4 entries x pageWalkCycles either way
    expect(measure(m.cpu, LIN, READ)).toMatchObject({ reads: 0, revalidations: 0 }); // a plain hit now
  });

  it('a write to a paging-structure entry after the invalidation: the new entry is used (4.10.4.1)', () => {
    const m = setup();
    tr(m.cpu, LIN, READ);
    w64(m, 0x13000 + 8, 0x0077_7000 | P | RW);
    tlbFlushAll(m.cpu);
    expect(measure(m.cpu, LIN, READ)).toMatchObject({ pa: 0x77_7000, reads: 4, revalidations: 0 });
  });

  it('INVLPG keeps nothing for revalidation: a changed entry is walked (4.10.4.1)', () => {
    const m = setup();
    tr(m.cpu, LIN, READ);
    tlbFlushAll(m.cpu);
    tr(m.cpu, LIN, READ); // revalidated: live again
    w64(m, 0x13000 + 8, 0x0077_7000 | P | RW);
    tlbFlushPage(m.cpu, LIN, 0);
    expect(measure(m.cpu, LIN, READ)).toMatchObject({ pa: 0x77_7000, reads: 4, revalidations: 0 });
  });

  it('a write to a higher-level table (even to an unused entry) forces a walk', () => {
    const m = setup();
    tr(m.cpu, LIN, READ);
    w64(m, 0x11000 + 8, 0); // PDPTE 1: not on this walk's path, but on a page the walk read
    tlbFlushAll(m.cpu);
    expect(measure(m.cpu, LIN, READ)).toMatchObject({ pa: 0x44_4000, reads: 4, revalidations: 0 });
  });

  it('a write to a page no walk read does not stop revalidation', () => {
    const m = setup();
    tr(m.cpu, LIN, READ);
    m.memory.write32(0x44_4000, 0x1234);
    tlbFlushAll(m.cpu);
    expect(measure(m.cpu, LIN, READ)).toMatchObject({ pa: 0x44_4000, reads: 0, revalidations: 1 });
  });

  it('a translation made while the page was clean: a write after the invalidation walks and sets D (4.8)', () => {
    const m = setup();
    tr(m.cpu, LIN, READ);
    expect(m.memory.read32(0x13008) & D).toBe(0);
    tlbFlushAll(m.cpu);
    expect(measure(m.cpu, LIN, WRITE)).toMatchObject({ pa: 0x44_4000, reads: 4, revalidations: 0 });
    expect(m.memory.read32(0x13008) & (A | D)).toBe(A | D);
    tlbFlushAll(m.cpu);
    expect(measure(m.cpu, LIN, WRITE)).toMatchObject({ pa: 0x44_4000, reads: 0, revalidations: 1 }); // D is set now
  });

  it('a walk input changed (CR3, CR0.WP, CR4.SMEP): the structures are walked again', () => {
    for (const change of [
      (cpu: Cpu) => { cpu.cr3Lo = 0x20000; },
      (cpu: Cpu) => { cpu.cr0 |= WP; },
      (cpu: Cpu) => { cpu.cr4 |= CR4_SMEP; },
    ]) {
      const m = setup();
      w64(m, 0x20000, 0x11000 | P | RW); // a second PML4 with the same path
      tr(m.cpu, LIN, READ);
      change(m.cpu);
      tlbFlushAll(m.cpu);
      expect(measure(m.cpu, LIN, READ)).toMatchObject({ pa: 0x44_4000, reads: 4, revalidations: 0 });
    }
  });

  it('a present entry made not present: #PF after the invalidation, not the old translation (4.7)', () => {
    const m = setup();
    tr(m.cpu, LIN, READ);
    w64(m, 0x13000 + 8, 0);
    tlbFlushAll(m.cpu);
    expect(tr(m.cpu, LIN, READ)).toBeInstanceOf(PageFault);
  });

  it('a rights-lacking access is never served by revalidation (user access to a supervisor page faults)', () => {
    const m = setup();
    tr(m.cpu, LIN, READ);
    tlbFlushAll(m.cpu);
    m.cpu.segAttr[2] = (m.cpu.segAttr[2]! & ~0x60) | (3 << 5); // CPL 3 (SS.DPL)
    m.cpu.updateMode();
    expect(tr(m.cpu, LIN, READ)).toBeInstanceOf(PageFault);
  });

  it('a page table in an MMIO page (its reads may change without a write): walked again after the invalidation', () => {
    const m = setup();
    let pte = 0x0044_4000 | P | RW | A;
    // The PT page 13000h answered by a device: entry 1 (offset 8) is `pte`, everything else 0.
    m.memory.map({ base: 0x13000, size: 0x1000, name: 'pt-device', read: (off, size) => (off === 8 && size === 4 ? pte : 0), write: () => {} });
    expect(tr(m.cpu, LIN, READ)).toBe(0x44_4000);
    pte = 0x0077_7000 | P | RW | A;
    tlbFlushAll(m.cpu);
    expect(measure(m.cpu, LIN, READ)).toMatchObject({ pa: 0x77_7000, reads: 4, revalidations: 0 });
  });
});
