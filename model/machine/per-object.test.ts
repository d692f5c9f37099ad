// PerObject (per-object.ts): one value per key, created once, the same through the one-entry front.
import { describe, expect, it } from 'vitest';
import { PerObject } from './per-object.js';

describe('PerObject', () => {
  it('creates a value once per key and returns that value for the key every time, whichever key was asked last', () => {
    let created = 0;
    const p = new PerObject<object, { n: number }>(() => ({ n: created++ }));
    const a = {}, b = {};
    const va = p.of(a);
    expect(p.of(a)).toBe(va);
    const vb = p.of(b);
    expect(vb).not.toBe(va);
    expect(p.of(a)).toBe(va); // back to a: the map's value, not b's
    expect(p.of(b)).toBe(vb);
    expect(created).toBe(2);
    expect(p.peek({})).toBeUndefined(); // peek creates nothing
    expect(p.peek(a)).toBe(va);
    expect(created).toBe(2);
  });
});
