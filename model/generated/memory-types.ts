// generated — do not edit. Produced by `npm run gen` (spec/codegen) from spec/schemas and spec/data.
/* eslint-disable */
// Memory types (SDM Vol. 3A 12.12.2 Table 12-10; EPT memory types, SDM 29.3.7) and the effective memory type
// of a range type (MTRR, or EPT under EPT) combined with a PAT type (SDM Vol. 3A 12.5.2.2 Table 12-7).

/** Memory-type mnemonic to its encoding. */
export const MEMORY_TYPE = {
  "UC": 0,
  "WC": 1,
  "WT": 4,
  "WP": 5,
  "WB": 6,
  "UC-": 7,
} as const;
export type MemoryTypeName = keyof typeof MEMORY_TYPE;

export interface MemoryTypeInfo {
  readonly id: MemoryTypeName;
  readonly name: string;
  readonly encoding: number;
  readonly pat: boolean;
  readonly ept: boolean;
  readonly sdm: string;
}

export const MEMORY_TYPES: readonly MemoryTypeInfo[] = [
  { id: "UC", name: "Uncacheable", encoding: 0, pat: true, ept: true, sdm: "3A:12.12.2" },
  { id: "WC", name: "Write Combining", encoding: 1, pat: true, ept: true, sdm: "3A:12.12.2" },
  { id: "WT", name: "Write Through", encoding: 4, pat: true, ept: true, sdm: "3A:12.12.2" },
  { id: "WP", name: "Write Protected", encoding: 5, pat: true, ept: true, sdm: "3A:12.12.2" },
  { id: "WB", name: "Write Back", encoding: 6, pat: true, ept: true, sdm: "3A:12.12.2" },
  { id: "UC-", name: "Uncached", encoding: 7, pat: true, ept: false, sdm: "3A:12.12.2" },
];

/** Table 12-7 by encodings: entry range * 8 + pat is the effective type, 0xFF where no row exists. */
export const MEMORY_TYPE_COMBINATION: readonly number[] = [0x0, 0x1, 0xFF, 0xFF, 0x0, 0x0, 0x0, 0x0, 0x0, 0x1, 0xFF, 0xFF, 0x0, 0x0, 0x1, 0x1, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x0, 0x1, 0xFF, 0xFF, 0x4, 0x5, 0x4, 0x0, 0x0, 0x1, 0xFF, 0xFF, 0x4, 0x5, 0x5, 0x1, 0x0, 0x1, 0xFF, 0xFF, 0x4, 0x5, 0x6, 0x0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];
