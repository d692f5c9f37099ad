// Parsing the numbers people paste from crash dumps, debuggers and the SDM.

/**
 * An unsigned integer: 0x-prefixed hex, SDM-style hex with an h suffix (4402h), or decimal.
 * Backticks and underscores group digits (WinDbg prints 00000000`00401000). Returns undefined if
 * the text is not such a number.
 */
export function parseUnsigned(text: string): bigint | undefined {
  const t = text.trim().replace(/[`_]/g, '');
  if (/^0[xX][0-9a-fA-F]+$/.test(t)) return BigInt(t);
  if (/^[0-9][0-9a-fA-F]*[hH]$/.test(t)) return BigInt('0x' + t.slice(0, -1));
  if (/^[0-9]+$/.test(t)) return BigInt(t);
  return undefined;
}

export function toHex(value: bigint | number, digits = 0): string {
  return '0x' + value.toString(16).toUpperCase().padStart(digits, '0');
}

export function bitCount(value: bigint): number {
  let n = 0;
  for (let v = value; v > 0n; v >>= 1n) n += Number(v & 1n);
  return n;
}

/** The positions of the set bits of a value, lowest first. */
export function setBits(value: bigint): number[] {
  const out: number[] = [];
  for (let v = value, i = 0; v > 0n; v >>= 1n, i++) if (v & 1n) out.push(i);
  return out;
}
