// APIC virtualization pieces that are pure functions of VMCS fields (SDM 25.6.8, 30.1.4). The behaviour
// as a whole is exercised by the generated apic.* conformance cases (conformance/generators/apic.ts).
import { describe, expect, it } from 'vitest';
import { Vmcs } from './vmcs.js';
import { eoiExitBit, virtualizableIpi } from './apic-virtualization.js';

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

describe('IPI virtualization takes fixed, physical, edge IPIs without shorthand (SDM 30.1.6, 30.4.3.2, 30.5)', () => {
  it('accepts vector-only ICR values, with or without the level bit (14)', () => {
    expect(virtualizableIpi(0x41)).toBe(true);
    expect(virtualizableIpi(0x4041)).toBe(true);
    expect(virtualizableIpi(0xFF)).toBe(true);
  });
  it('leaves every other delivery mode, logical destination, level trigger, shorthand and reserved bit to the VMM', () => {
    for (const icr of [0x141, 0x441, 0x541, 0x641, 0x841, 0x8041, 0x4_0041, 0x8_0041, 0xC_0041, 0x1041, 0x2041, 0x1_0041, 0x10_0041, 0x8000_0041]) {
      expect(virtualizableIpi(icr | 0), icr.toString(16)).toBe(false);
    }
  });
});
