// RDRAND and RDSEED (SDM Vol. 2 RDRAND, RDSEED). The values come from the model's seeded generator
// (a model choice, not an SDM fact), so the tests check the architectural effects and determinism.
import { describe, expect, it } from 'vitest';
import { readFlags } from '../flags.js';
import { machineIn, reg64, setCpl, setReg64, step } from '../../../conformance/harness/cpu.js';

const RDRAND_EAX = [0x0F, 0xC7, 0xF0], RDRAND_RAX = [0x48, 0x0F, 0xC7, 0xF0], RDRAND_AX = [0x66, 0x0F, 0xC7, 0xF0];
const RDSEED_EAX = [0x0F, 0xC7, 0xF8];
// CF 0, PF 2, AF 4, ZF 6, SF 7, OF 11 (SDM Vol. 1 3.4.3.1)
const ARITH = 0x8D5;

function draws(seed: number, n: number): bigint[] {
  const m = machineIn('long64', { seed });
  const out: bigint[] = [];
  for (let i = 0; i < n; i++) {
    expect(step(m.cpu, RDRAND_RAX)).toBeUndefined();
    out.push(reg64(m.cpu, 0));
  }
  return out;
}

describe('RDRAND and RDSEED (SDM Vol. 2 RDRAND, RDSEED)', () => {
  it('set CF = 1 and clear OF, SF, ZF, AF, PF (the generator never runs dry), at any CPL', () => {
    for (const insn of [RDRAND_EAX, RDSEED_EAX]) {
      const m = machineIn('long64');
      setCpl(m.cpu, 3);
      m.cpu.flagsValue = 0x2 | (ARITH & ~1) | (1 << 10); // CF clear, the others set, DF set
      expect(step(m.cpu, insn)).toBeUndefined();
      expect(readFlags(m.cpu) & ARITH).toBe(1);
      expect(readFlags(m.cpu) & (1 << 10)).toBe(1 << 10); // DF untouched
    }
  });

  it('a 32-bit destination is zero-extended; a 16-bit one leaves bits 63:16 alone (SDM Vol. 1 3.4.1.1)', () => {
    const m = machineIn('long64');
    setReg64(m.cpu, 0, 0xFFFF_FFFF_FFFF_FFFFn);
    step(m.cpu, RDRAND_EAX);
    expect(reg64(m.cpu, 0) >> 32n).toBe(0n);
    setReg64(m.cpu, 0, 0x1234_5678_9ABC_0000n);
    step(m.cpu, RDRAND_AX);
    expect(reg64(m.cpu, 0) & ~0xFFFFn).toBe(0x1234_5678_9ABC_0000n);
  });

  it('the same seed gives the same numbers; another seed other numbers', () => {
    const a = draws(42, 8), b = draws(42, 8), c = draws(43, 8);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(new Set(a).size).toBe(8);
  });
});
