// Listings for people reading test programs: "ADDRESS  BYTES  INSTRUCTION", Intel syntax by iced's Formatter.
import { Decoder, DecoderOptions, Formatter, FormatterSyntax, Instruction } from 'iced-x86';
import type { Bitness } from './forms.js';

export type ListingEntry =
  | { readonly kind: 'label'; readonly address: bigint; readonly name: string }
  | { readonly kind: 'insn'; readonly address: bigint; readonly bytes: Uint8Array; readonly bits: Bitness; readonly note: string | undefined }
  | { readonly kind: 'data'; readonly address: bigint; readonly bytes: Uint8Array; readonly text: string };

/** Bytes shown per line; longer instructions continue on the same line. */
const BYTES_COLUMN = 10;
const DATA_PER_LINE = 8;
/** Runs of one repeated byte longer than this are shown as one line. */
const COLLAPSE = 32;

function newFormatter(): Formatter {
  const f = new Formatter(FormatterSyntax.Intel);
  f.spaceAfterOperandSeparator = true;
  f.hexPrefix = '0x';
  f.hexSuffix = '';
  f.uppercaseHex = false;
  f.branchLeadingZeros = false;
  return f;
}

function hexBytes(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
}

function line(address: bigint, width: number, bytes: Uint8Array, text: string): string {
  return `${address.toString(16).padStart(width, '0')}  ${hexBytes(bytes).padEnd(BYTES_COLUMN * 3 - 1)}  ${text}`.trimEnd();
}

/** Decodes one instruction; the text is "(bad)" if the bytes are not exactly one valid instruction. */
function decodeOne(f: Formatter, bytes: Uint8Array, bits: Bitness, address: bigint): { text: string; length: number; valid: boolean } {
  const d = new Decoder(bits, bytes, DecoderOptions.None);
  try {
    d.ip = address;
    const ins: Instruction = d.decode();
    try {
      if (ins.isInvalid) return { text: '(bad)', length: 1, valid: false };
      return { text: f.format(ins), length: ins.length, valid: true };
    } finally {
      ins.free();
    }
  } finally {
    d.free();
  }
}

function addressWidth(addresses: bigint[]): number {
  return addresses.some((a) => a > 0xffffffffn) ? 16 : 8;
}

/** Formats laid-out entries (see Assembler.listing). */
export function formatListing(entries: readonly ListingEntry[]): string[] {
  const width = addressWidth(entries.map((e) => e.address + BigInt(e.kind === 'label' ? 0 : Math.max(e.bytes.length - 1, 0))));
  const out: string[] = [];
  const f = newFormatter();
  try {
    for (const e of entries) {
      if (e.kind === 'label') {
        out.push(`${e.name}:`);
      } else if (e.kind === 'insn') {
        const d = decodeOne(f, e.bytes, e.bits, e.address);
        const text = d.valid && d.length === e.bytes.length ? d.text : '(bad)';
        out.push(line(e.address, width, e.bytes, `${text}${e.note !== undefined ? `  ; ${e.note}` : ''}`));
      } else {
        out.push(...dataLines(e.address, width, e.bytes, e.text));
      }
    }
  } finally {
    f.free();
  }
  return out;
}

function dataLines(address: bigint, width: number, bytes: Uint8Array, text: string): string[] {
  if (bytes.length === 0) return [];
  const first = bytes[0] ?? 0;
  if (bytes.length > COLLAPSE && bytes.every((b) => b === first)) {
    return [line(address, width, bytes.subarray(0, 1), `times ${String(bytes.length)} db 0x${first.toString(16).padStart(2, '0')}  ; ${text}`)];
  }
  const lines: string[] = [];
  for (let off = 0; off < bytes.length; off += DATA_PER_LINE) {
    const chunk = bytes.subarray(off, off + DATA_PER_LINE);
    lines.push(line(address + BigInt(off), width, chunk, off === 0 ? text : ''));
  }
  return lines;
}

/**
 * Disassembles `bytes` as `bitness`-bit code placed at `origin`: one line "ADDRESS  BYTES  INSTRUCTION"
 * per instruction; bytes that are no valid instruction show as "(bad)", one byte at a time.
 */
export function disassemble(bytes: Uint8Array, bitness: Bitness, origin: number | bigint = 0n): string[] {
  const base = BigInt(origin);
  const width = addressWidth([base + BigInt(Math.max(bytes.length - 1, 0))]);
  const out: string[] = [];
  const f = newFormatter();
  const d = new Decoder(bitness, bytes, DecoderOptions.None);
  try {
    d.ip = base;
    while (d.canDecode) {
      const pos = d.position;
      const ins = d.decode();
      try {
        if (ins.isInvalid) {
          out.push(line(base + BigInt(pos), width, bytes.subarray(pos, pos + 1), '(bad)'));
          d.position = pos + 1;
          d.ip = base + BigInt(pos + 1);
        } else {
          out.push(line(base + BigInt(pos), width, bytes.subarray(pos, pos + ins.length), f.format(ins)));
        }
      } finally {
        ins.free();
      }
    }
  } finally {
    d.free();
    f.free();
  }
  return out;
}
