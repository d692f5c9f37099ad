// The firmware image, mapped like a PC's: its last byte at FFFFFFFFh, and its last 128 KiB (or all of
// it, if smaller) again just below 1 MiB, ending at FFFFFh. Writes are ignored.
import { type MmioRegion, PAGE_SIZE } from './memory.js';

export const ROM_TOP = 0x1_0000_0000;
export const LOW_ALIAS_TOP = 0x10_0000;
export const LOW_ALIAS_MAX = 128 * 1024;

export class RomImageError extends Error {
  override readonly name = 'RomImageError';
}

/** Checks a firmware image: non-empty, a multiple of 4 KiB, at most `max` bytes. */
export function checkRomImage(bytes: Uint8Array, max: number): void {
  if (bytes.length === 0) throw new RomImageError('the ROM image is empty');
  if (bytes.length % PAGE_SIZE !== 0) throw new RomImageError(`the ROM image is ${bytes.length} bytes, not a multiple of 4 KiB`);
  if (bytes.length > max) throw new RomImageError(`the ROM image is ${bytes.length} bytes, more than the ${max} bytes the ROM window holds`);
}

function region(name: string, base: number, bytes: Uint8Array, offset: number, size: number): MmioRegion {
  return {
    name, base, size,
    read(off: number, width: 1 | 2 | 4 | 8): number | bigint {
      let v = 0;
      const n = Math.min(width, 4);
      for (let i = 0; i < n; i++) v |= (bytes[offset + off + i] ?? 0xFF) << (8 * i);
      if (width === 8) {
        let h = 0;
        for (let i = 4; i < 8; i++) h |= (bytes[offset + off + i] ?? 0xFF) << (8 * (i - 4));
        return BigInt(v >>> 0) | (BigInt(h >>> 0) << 32n);
      }
      return v >>> 0;
    },
    write(): void { /* ROM */ },
  };
}

/** The two windows of a ROM image. */
export function romRegions(bytes: Uint8Array): MmioRegion[] {
  const aliasSize = Math.min(bytes.length, LOW_ALIAS_MAX);
  return [
    region('ROM', ROM_TOP - bytes.length, bytes, 0, bytes.length),
    region('ROM (low alias)', LOW_ALIAS_TOP - aliasSize, bytes, bytes.length - aliasSize, aliasSize),
  ];
}
