// The EPT identity map conformance cases ask for (setup.ept in spec/schemas/conformance-case.schema.json):
// built from the entry formats of SDM 29.3.2 (Tables 29-1 to 29-6), so a case states only what it changes.
import type { ConformanceCase } from '../../model/generated/index.js';
import type { PhysicalMemory } from '../../model/machine/memory.js';

export type EptSetup = NonNullable<NonNullable<ConformanceCase['setup']>['ept']>;
export type EptLevel = 'pml5e' | 'pml4e' | 'pdpte' | 'pde' | 'pte';

/** Where the structures are (physical): one page each for PML5, PML4, PDPT and PD, then 8 page tables. */
export const EPT_TABLES = { pml5: 0xA0_0000, pml4: 0xA0_1000, pdpt: 0xA0_2000, pd: 0xA0_3000, pt: 0xA0_4000 } as const;
/** The guest-physical memory the identity map covers. */
export const EPT_MAPPED = 16 * 1024 * 1024;

/** Read, write and execute (bits 2:0); memory type WB (6) in bits 5:3 of an entry that maps a page; bit 7 maps a page. */
export const EPT_RWX = 0x7n, EPT_WB = 6n << 3n, EPT_PAGE = 0x80n;
export const EPT_LEAF = EPT_RWX | EPT_WB;

/** EPTP (SDM 25.6.11): memory type WB, page-walk length - 1 in bits 5:3, A/D enable in bit 6, the root. */
export function eptPointer(setup: EptSetup): bigint {
  const levels = setup.levels ?? 4;
  const root = levels === 5 ? EPT_TABLES.pml5 : EPT_TABLES.pml4;
  return BigInt(root) | 6n | (BigInt(levels - 1) << 3n) | (setup.accessedDirty ? 0x40n : 0n);
}

/** The physical address of the entry at `level` in the translation of `gpa` (below EPT_MAPPED). */
export function eptEntryAddress(gpa: number, level: EptLevel): number {
  switch (level) {
    case 'pml5e': return EPT_TABLES.pml5;
    case 'pml4e': return EPT_TABLES.pml4;
    case 'pdpte': return EPT_TABLES.pdpt;
    case 'pde': return EPT_TABLES.pd + Math.floor(gpa / 0x20_0000) * 8;
    default: return EPT_TABLES.pt + Math.floor(gpa / 0x20_0000) * 0x1000 + (Math.floor(gpa / 0x1000) % 512) * 8;
  }
}

/** Builds the identity map, applies the case's entry changes and returns the EPTP. */
export function buildEpt(memory: PhysicalMemory, setup: EptSetup): bigint {
  const t = EPT_TABLES;
  memory.write64(t.pml5, BigInt(t.pml4) | EPT_RWX);
  memory.write64(t.pml4, BigInt(t.pdpt) | EPT_RWX);
  const size = setup.pageSize ?? '4k';
  if (size === '1g') {
    memory.write64(t.pdpt, EPT_LEAF | EPT_PAGE);
  } else {
    memory.write64(t.pdpt, BigInt(t.pd) | EPT_RWX);
    for (let i = 0; i < EPT_MAPPED / 0x20_0000; i++) {
      const pt = t.pt + i * 0x1000;
      if (size === '2m') { memory.write64(t.pd + i * 8, BigInt(i * 0x20_0000) | EPT_LEAF | EPT_PAGE); continue; }
      memory.write64(t.pd + i * 8, BigInt(pt) | EPT_RWX);
      for (let j = 0; j < 512; j++) memory.write64(pt + j * 8, BigInt(i * 0x20_0000 + j * 0x1000) | EPT_LEAF);
    }
  }
  for (const e of setup.entries ?? []) {
    const at = eptEntryAddress(Number(BigInt(e.gpa)), e.level);
    let v = e.value !== undefined ? BigInt(e.value) : memory.read64(at);
    if (e.clear !== undefined) v &= ~BigInt(e.clear);
    if (e.set !== undefined) v |= BigInt(e.set);
    memory.write64(at, v);
  }
  return eptPointer(setup);
}

/** Differences between the memory a VM exit expects and what is there, as runner diffs. */
export function memoryDiffs(m: { memory: PhysicalMemory }, expected: readonly { address: string; bytes: string }[], step: number, what: string): { step: number; what: string; expected: string; actual: string }[] {
  const out: { step: number; what: string; expected: string; actual: string }[] = [];
  for (const x of expected) {
    const at = Number(BigInt(x.address));
    let got = '';
    for (let i = 0; i < x.bytes.length / 2; i++) got += m.memory.read8(at + i).toString(16).toUpperCase().padStart(2, '0');
    if (got !== x.bytes) out.push({ step, what: `${what}: memory at ${x.address}`, expected: x.bytes, actual: got });
  }
  return out;
}
