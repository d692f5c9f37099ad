// EPT and memory typing (SDM 29.3.7): the effective memory type of an access to a guest-physical address
// translated through EPT. The combination table (SDM Vol. 3A 12.5.2.2 Table 12-7) and the encodings come
// from spec/data/memory-types.json through model/generated.
import { MEMORY_TYPE, MEMORY_TYPE_COMBINATION } from '../generated/memory-types.js';

const CR0_CD = 1 << 30;

/**
 * The PAT entry a translation selects (SDM Vol. 3A 12.12.3 Table 12-11, 4.9.2): 4 * PAT + 2 * PCD + PWT,
 * with PCD and PWT in bits 4 and 3 of the entry that maps the page, and PAT in bit 7 of a PTE mapping a
 * 4-KByte page or bit 12 of a PDE/PDPTE mapping a larger one.
 */
export function patIndex(leafLo: number, largePage: boolean): number {
  const pat = largePage ? (leafLo >>> 12) & 1 : (leafLo >>> 7) & 1;
  return (pat << 2) | (((leafLo >>> 4) & 1) << 1) | ((leafLo >>> 3) & 1);
}

/** The memory type of PAT entry `index` (bits 8i+2:8i of IA32_PAT, SDM Vol. 3A 12.12.2). */
export function patMemoryType(pat: bigint, index: number): number {
  return Number((pat >> BigInt(index * 8)) & 7n);
}

/**
 * The memory type of the accesses to the EPT paging structures (SDM 29.3.7.1): UC when CR0.CD = 1, else the
 * EPT paging-structure memory type in EPTP bits 2:0 (the MTRRs play no part).
 */
export function eptStructureMemoryType(cr0: number, eptpMemoryType: number): number {
  return (cr0 & CR0_CD) !== 0 ? MEMORY_TYPE.UC : eptpMemoryType;
}

/**
 * The effective memory type of an access through EPT (SDM 29.3.7.2): UC when CR0.CD = 1; otherwise the EPT
 * memory type (bits 5:3 of the EPT entry that maps the page) when its ignore-PAT bit (6) is 1, else the EPT
 * memory type combined with the PAT memory type by Table 12-7, the EPT type in place of the MTRR type.
 */
export function eptEffectiveMemoryType(cr0: number, leafLo: number, patType: number): number {
  if ((cr0 & CR0_CD) !== 0) return MEMORY_TYPE.UC;
  const ept = (leafLo >>> 3) & 7;
  if ((leafLo & 0x40) !== 0) return ept;
  const t = MEMORY_TYPE_COMBINATION[ept * 8 + patType]!;
  if (t === 0xFF) throw new Error(`no Table 12-7 row for EPT memory type ${ept} and PAT memory type ${patType}`);
  return t;
}
