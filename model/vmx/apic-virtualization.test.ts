// APIC virtualization pieces that are pure functions of VMCS fields (SDM 25.6.8, 30.1.4). The behaviour
// as a whole is exercised by the generated apic.* conformance cases (conformance/generators/apic.ts).
import { describe, expect, it } from 'vitest';
import { Vmcs } from './vmcs.js';
import { eoiExitBit } from './apic-virtualization.js';

describe('EOI-exit bitmap (SDM 25.6.8): EOI_EXIT_BITMAP0 holds vectors 0-63, 1 64-127, 2 128-191, 3 192-255', () => {
  it('selects the field by vector / 64 and the bit by vector mod 64', () => {
    const v = new Vmcs(0x1000);
    v.set('EOI_EXIT_BITMAP0', 1n << 63n);
    v.set('EOI_EXIT_BITMAP1', 1n);
    v.set('EOI_EXIT_BITMAP3', 1n << 63n);
    expect(eoiExitBit(v, 63)).toBe(true);
    expect(eoiExitBit(v, 64)).toBe(true);
    expect(eoiExitBit(v, 65)).toBe(false);
    expect(eoiExitBit(v, 128)).toBe(false);
    expect(eoiExitBit(v, 255)).toBe(true);
    expect(eoiExitBit(v, 0)).toBe(false);
  });
});
