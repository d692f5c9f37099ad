// Operands: label expressions, memory references and the size helpers (byte/word/.../tword).
import { AsmError } from './errors.js';
import { Reg } from './registers.js';

/** A value known once labels are laid out: a sum of label addresses (each added or subtracted) plus a constant. */
export class Expr {
  constructor(
    readonly terms: ReadonlyArray<{ readonly label: string; readonly sign: 1 | -1 }>,
    readonly addend: bigint,
  ) {}

  plus(x: number | bigint | Expr): Expr {
    if (x instanceof Expr) return new Expr([...this.terms, ...x.terms], this.addend + x.addend);
    return new Expr(this.terms, this.addend + toBigInt(x, 'addend'));
  }

  minus(x: number | bigint | Expr): Expr {
    if (x instanceof Expr) {
      const negated = x.terms.map((t) => ({ label: t.label, sign: (t.sign === 1 ? -1 : 1) as 1 | -1 }));
      return new Expr([...this.terms, ...negated], this.addend - x.addend);
    }
    return new Expr(this.terms, this.addend - toBigInt(x, 'subtrahend'));
  }

  labels(): string[] {
    return this.terms.map((t) => t.label);
  }

  /** The value with every label looked up; undefined if a label has no address (yet). */
  evaluate(lookup: (label: string) => bigint | undefined): bigint | undefined {
    let v = this.addend;
    for (const t of this.terms) {
      const a = lookup(t.label);
      if (a === undefined) return undefined;
      v += t.sign === 1 ? a : -a;
    }
    return v;
  }

  toString(): string {
    let s = '';
    for (const t of this.terms) s += (s === '' ? (t.sign === 1 ? '' : '-') : t.sign === 1 ? '+' : '-') + t.label;
    if (this.addend !== 0n || s === '') s += (this.addend < 0n ? '-' : s === '' ? '' : '+') + hex(this.addend < 0n ? -this.addend : this.addend);
    return s;
  }
}

/** The address of `label` plus `addend`, resolved when the program is assembled. */
export function addr(label: string, addend: number | bigint = 0): Expr {
  return new Expr([{ label, sign: 1 }], toBigInt(addend, 'addend'));
}

export type MemSizeName = 'byte' | 'word' | 'dword' | 'fword' | 'qword' | 'tword' | 'oword' | 'xmmword';

export const MEM_SIZE_BYTES: Readonly<Record<MemSizeName, number>> = {
  byte: 1,
  word: 2,
  dword: 4,
  fword: 6,
  qword: 8,
  tword: 10,
  oword: 16,
  xmmword: 16,
};

export type Scale = 1 | 2 | 4 | 8;
/** A displacement or immediate: a number (integer), a bigint, or a label expression. */
export type Value = number | bigint | Expr;

export interface MemSpec {
  base?: Reg | null;
  index?: Reg | null;
  scale?: Scale;
  disp?: Value;
  seg?: Reg | null;
  size?: MemSizeName;
  /** 64-bit code: address relative to RIP; the value is the target (a label name, expression or address). */
  rip?: string | Value;
}

/** A memory operand `size ptr seg:[base + index*scale + disp]` or `[rip + target]`. */
export class Mem {
  readonly base: Reg | undefined;
  readonly index: Reg | undefined;
  readonly scale: Scale;
  readonly disp: bigint | Expr;
  readonly seg: Reg | undefined;
  readonly size: MemSizeName | undefined;
  /** Set for RIP-relative operands: the absolute target (disp already added). */
  readonly ripTarget: bigint | Expr | undefined;

  constructor(spec: MemSpec) {
    this.base = spec.base ?? undefined;
    this.index = spec.index ?? undefined;
    this.scale = spec.scale ?? 1;
    this.seg = spec.seg ?? undefined;
    this.size = spec.size;
    const disp = toValue(spec.disp ?? 0, 'displacement');
    if (spec.rip !== undefined) {
      if (this.base !== undefined || this.index !== undefined) {
        throw new AsmError('memory operand', 'a RIP-relative operand takes no base or index register');
      }
      const target = typeof spec.rip === 'string' ? addr(spec.rip) : toValue(spec.rip, 'RIP-relative target');
      this.ripTarget = addValues(target, disp);
      this.disp = 0n;
    } else {
      this.ripTarget = undefined;
      this.disp = disp;
    }
    if (![1, 2, 4, 8].includes(this.scale)) throw new AsmError('memory operand', `scale ${String(this.scale)} is not 1, 2, 4 or 8`);
    if (this.base !== undefined && !isGpr(this.base)) throw new AsmError('memory operand', `${this.base.name} cannot be a base register`);
    if (this.index !== undefined && !isGpr(this.index)) throw new AsmError('memory operand', `${this.index.name} cannot be an index register`);
    if (this.seg !== undefined && this.seg.cls !== 'seg') throw new AsmError('memory operand', `${this.seg.name} is not a segment register`);
  }

  get sizeBytes(): number | undefined {
    return this.size === undefined ? undefined : MEM_SIZE_BYTES[this.size];
  }

  /** The same reference with another size. */
  withSize(size: MemSizeName | undefined): Mem {
    return new Mem({ ...this.spec(), size });
  }

  spec(): MemSpec {
    if (this.ripTarget !== undefined) return { rip: this.ripTarget, seg: this.seg, size: this.size };
    return { base: this.base, index: this.index, scale: this.scale, disp: this.disp, seg: this.seg, size: this.size };
  }

  toString(): string {
    const parts: string[] = [];
    if (this.ripTarget !== undefined) {
      parts.push(`rip ${this.ripTarget instanceof Expr ? this.ripTarget.toString() : hex(this.ripTarget)}`);
    } else {
      if (this.base) parts.push(this.base.name);
      if (this.index) parts.push(this.scale === 1 ? this.index.name : `${this.index.name}*${String(this.scale)}`);
      if (this.disp instanceof Expr) parts.push(this.disp.toString());
      else if (this.disp !== 0n || parts.length === 0) parts.push(this.disp < 0n && parts.length > 0 ? `-${hex(-this.disp)}` : hex(this.disp));
    }
    const inner = parts.join('+').replace('+-', '-');
    return `${this.size ? this.size + ' ' : ''}${this.seg ? this.seg.name + ':' : ''}[${inner}]`;
  }
}

export function mem(spec: MemSpec): Mem {
  return new Mem(spec);
}

type AddrArg = Reg | null | undefined | Value | Mem;

function sized(size: MemSizeName | undefined, a: AddrArg, b?: Reg | null | Value, scale?: Scale, disp?: Value): Mem {
  if (a instanceof Mem) return a.withSize(size);
  if (a instanceof Reg || a === null || a === undefined) {
    if (b instanceof Reg || b === null || b === undefined) {
      return new Mem({ base: a, index: b, scale: scale ?? 1, disp: disp ?? 0, size });
    }
    // (base, disp)
    return new Mem({ base: a, disp: b, size });
  }
  // (disp): an absolute address
  return new Mem({ disp: a, size });
}

/**
 * Sized memory references. Forms: `dword(rbx)`, `dword(rbx, 8)`, `dword(rbx, rcx, 4, 8)`,
 * `dword(null, rcx, 4)`, `dword(0x1000)` or `dword(null, null, 1, 0x1000)` (absolute), `dword(a.addr('x'))`,
 * and `dword(someMem)` to give a reference built with `mem()` a size.
 */
export function byte(a?: AddrArg, b?: Reg | null | Value, scale?: Scale, disp?: Value): Mem {
  return sized('byte', a, b, scale, disp);
}
export function word(a?: AddrArg, b?: Reg | null | Value, scale?: Scale, disp?: Value): Mem {
  return sized('word', a, b, scale, disp);
}
export function dword(a?: AddrArg, b?: Reg | null | Value, scale?: Scale, disp?: Value): Mem {
  return sized('dword', a, b, scale, disp);
}
export function fword(a?: AddrArg, b?: Reg | null | Value, scale?: Scale, disp?: Value): Mem {
  return sized('fword', a, b, scale, disp);
}
export function qword(a?: AddrArg, b?: Reg | null | Value, scale?: Scale, disp?: Value): Mem {
  return sized('qword', a, b, scale, disp);
}
export function tword(a?: AddrArg, b?: Reg | null | Value, scale?: Scale, disp?: Value): Mem {
  return sized('tword', a, b, scale, disp);
}
export function oword(a?: AddrArg, b?: Reg | null | Value, scale?: Scale, disp?: Value): Mem {
  return sized('oword', a, b, scale, disp);
}

/** A far pointer operand `selector:offset` (JMP/CALL ptr16:16 or ptr16:32). */
export class FarPtr {
  constructor(
    readonly selector: number,
    readonly target: bigint | Expr,
  ) {}

  toString(): string {
    return `${hex(BigInt(this.selector))}:${this.target instanceof Expr ? this.target.toString() : hex(this.target)}`;
  }
}

/** What an instruction method accepts: a register, memory, an immediate, or (branches) a label name. */
export type Operand = Reg | Mem | Value | string | FarPtr;

export function isGpr(r: Reg): boolean {
  return r.cls === 'gpr16' || r.cls === 'gpr32' || r.cls === 'gpr64';
}

export function toBigInt(v: number | bigint, what: string): bigint {
  if (typeof v === 'bigint') return v;
  if (!Number.isSafeInteger(v)) throw new AsmError(what, `${String(v)} is not an integer`);
  return BigInt(v);
}

export function toValue(v: Value, what: string): bigint | Expr {
  return v instanceof Expr ? v : toBigInt(v, what);
}

function addValues(a: bigint | Expr, b: bigint | Expr): bigint | Expr {
  if (a instanceof Expr) return a.plus(b);
  if (b instanceof Expr) return b.plus(a);
  return a + b;
}

export function hex(v: bigint): string {
  if (v < 0n) return `-${hex(-v)}`;
  return v < 10n ? v.toString() : `0x${v.toString(16)}`;
}
