// "Bits 63:n identical" (the canonical-address rule of SDM Vol. 1 3.3.7.1 as the VM-entry checks state it,
// e.g. 27.3.1.4 for RIP), on BigInt values and on 32-bit halves, against the definition bit by bit.
import { describe, expect, it } from 'vitest';
import { upperBitsIdentical, upperBitsIdenticalHalves } from './features.js';

/** The definition: every bit from n to 63 equals bit 63. */
function byDefinition(v: bigint, n: number): boolean {
  const top = (v >> 63n) & 1n;
  for (let b = n; b < 64; b++) if (((v >> BigInt(b)) & 1n) !== top) return false;
  return true;
}

const VALUES = [
  0n, 0xFFFF_FFFF_FFFF_FFFFn, 0x0000_7FFF_FFFF_FFFFn, 0xFFFF_8000_0000_0000n, 0x0000_8000_0000_0000n, 0xFFFF_7FFF_FFFF_FFFFn,
  0x00FF_FFFF_FFFF_FFFFn, 0xFF00_0000_0000_0000n, 0x8000_0000n, 0xFFFF_FFFF_8000_0000n, 0x7FFF_FFFFn, 0x1_0000_0000n,
  0x0000_0000_0000_1000n, 0x8000_0000_0000_0000n, 0x7FFF_FFFF_FFFF_FFFFn, 0xFFFF_FFFF_0000_0000n, 0x3_0000n,
];

describe('bits 63:n identical', () => {
  it.each([0, 1, 16, 31, 32, 33, 47, 48, 56, 57, 63, 64])('n = %i: BigInt and halves agree with the definition', (n) => {
    for (const v of VALUES) {
      const want = byDefinition(v, n);
      expect(upperBitsIdentical(v, n), `${v.toString(16)}`).toBe(want);
      const lo = Number(v & 0xFFFF_FFFFn) | 0, hi = Number(v >> 32n) | 0;
      expect(upperBitsIdenticalHalves(lo, hi, n), `${v.toString(16)}`).toBe(want);
    }
  });
});
