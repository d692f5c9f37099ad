// Folding json-schema-to-typescript's numbered copies of $ref'd types back into the type they copy.
import { describe, expect, it } from 'vitest';
import { foldNumberedAliases } from './types.js';

describe('foldNumberedAliases', () => {
  it('folds a numbered alias or interface identical to its base, keeps one that differs', () => {
    const src = [
      'export type Hex = string;', '/** a copy */', 'export type Hex1 = string;', 'export type Hex2 = number;',
      'export interface Impl {', '  a?: Hex1;', '}', '/** the ref with a description */', 'export interface Impl1 {', '  a?: Hex1;', '}',
      'export interface Impl2 {', '  b?: Hex;', '}', 'export interface Uses {', '  x?: Impl1;', '  y?: Impl2;', '}', '',
    ].join('\n');
    const out = foldNumberedAliases(src);
    expect(out).not.toMatch(/Hex1|Impl1/);
    expect(out).toMatch(/export type Hex2 = number;/);
    expect(out).toMatch(/export interface Impl2 \{/);
    expect(out).toMatch(/x\?: Impl;/);
  });
});
