// Every generated pack/unpack pair round-trips, on values from a seeded generator (the seed is printed).
import { describe, expect, it } from 'vitest';
import * as generated from '../generated/index.js';
import { LAYOUTS, type LayoutInfo } from '../generated/index.js';
import { decodeLayout, definedMask } from './decode.js';

const SEED = Number(process.env['VMXSIM_SEED'] ?? 0x5eed);
console.log(`layouts.test: seed ${SEED} (set VMXSIM_SEED to change)`);

/** xorshift32: deterministic from the seed. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x;
  };
}

function pascal(id: string): string {
  return id.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

type Fn = (v: unknown) => unknown;
const table = generated as unknown as Record<string, Fn>;

describe.each(LAYOUTS.map((l) => [l.id, l] as [string, LayoutInfo]))('layout %s', (_id, layout) => {
  const unpack = table[`unpack${pascal(layout.id)}`]!;
  const pack = table[`pack${pascal(layout.id)}`]!;
  const big = layout.width === 64;
  const next = rng(SEED ^ layout.id.length * 2654435761);
  const sample = (): bigint => {
    let v = 0n;
    for (let i = 0; i < layout.width; i += 32) v |= BigInt(next()) << BigInt(i);
    return v & ((1n << BigInt(layout.width)) - 1n);
  };
  const values = [0n, (1n << BigInt(layout.width)) - 1n, ...Array.from({ length: 64 }, sample)];

  it('has a generated pack/unpack pair', () => {
    expect(typeof unpack).toBe('function');
    expect(typeof pack).toBe('function');
  });

  it('packs what it unpacks, keeping exactly the defined bits', () => {
    const mask = definedMask(layout);
    for (const v of values) {
      const input = big ? v : Number(v);
      const packed = pack(unpack(input));
      expect(BigInt(packed as number | bigint), `value 0x${v.toString(16)}`).toBe(v & mask);
    }
  });

  it('unpacks each field to the bits the layout gives it', () => {
    for (const v of values) {
      const fields = unpack(big ? v : Number(v)) as Record<string, unknown>;
      for (const f of decodeLayout(layout, v).fields) {
        const got = fields[f.field.id];
        const asBig = typeof got === 'boolean' ? BigInt(got) : BigInt(got as number | bigint);
        expect(asBig, `${layout.id}.${f.field.id}`).toBe((v >> BigInt(f.field.lsb)) & ((1n << BigInt(f.field.msb - f.field.lsb + 1)) - 1n));
      }
    }
  });

  it('refuses a value wider than its field', () => {
    const wide = layout.fields.find((f) => f.msb > f.lsb);
    if (!wide) return; // every field is a flag: booleans cannot be too wide
    const bits = wide.msb - wide.lsb + 1;
    const tooBig = big && bits > 32 ? 1n << BigInt(bits) : 2 ** bits;
    expect(() => pack({ [wide.id]: tooBig })).toThrow(RangeError);
  });
});

describe('hand-checked packings', () => {
  it('I/O qualification for IN AL,60h: 1 byte, IN, immediate, port 60h (SDM Table 28-5)', () => {
    expect(generated.packExitQualificationIoInstruction({ sizeOfAccess: 0, direction: 1, operandEncoding: 1, portNumber: 0x60 })).toBe(0x600048n);
  });

  it('64-bit code segment access rights A09Bh: type 11, S, P, L, G (SDM Table 25-2)', () => {
    const ar = generated.unpackVmcsAccessRights(0xA09B);
    expect(ar).toMatchObject({ segmentType: 11, dpl: 0, present: true, longMode: true, granularity: true });
  });

  it('VM-entry interruption information for #GP with error code: 80000B0Dh (SDM Table 25-17)', () => {
    expect(generated.packVmcsVmEntryInterruptionInformation({ vector: 13, interruptionType: 3, deliverErrorCode: 1, valid: true })).toBe(0x80000B0D);
  });
});
