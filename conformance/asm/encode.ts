// Turning a chosen form and its operand plans into iced Instructions and bytes. Every iced object made
// here is freed before the function returns: iced's wasm memory is never reclaimed otherwise.
import { Code, CodeSize, Decoder, DecoderOptions, Encoder, Instruction, OpKind, Register } from 'iced-x86';
import { Bitness, Candidate, fitDisp, fitImm, isShortBranch, mask, OpPlan } from './forms.js';
import { Expr, hex } from './operands.js';

/** A value problem found while encoding (a label too far, an immediate that does not fit). */
export class EncodeProblem extends Error {}

/** Resolves a label expression to an address; throws EncodeProblem when it cannot. */
export type Resolver = (e: Expr) => bigint;

/** Everything needed to encode one instruction at any address. */
export type Plan =
  | {
      readonly kind: 'generic';
      readonly code: Code;
      readonly bits: Bitness;
      readonly ops: readonly OpPlan[];
      readonly lock: boolean;
      readonly rep: 0 | 1 | 2;
    }
  | { readonly kind: 'custom'; readonly code: Code; readonly bits: Bitness; readonly build: () => Instruction };

const CODE_SIZE: Record<Bitness, CodeSize> = { 16: CodeSize.Code16, 32: CodeSize.Code32, 64: CodeSize.Code64 };

function value(v: bigint | Expr, resolve: Resolver): bigint {
  return v instanceof Expr ? resolve(v) : v;
}

function describeValue(v: bigint | Expr, n: bigint): string {
  return v instanceof Expr ? `${v.toString()} = ${hex(n)}` : hex(n);
}

/** Builds the iced Instruction for `plan`; the caller frees it. */
export function buildInstruction(plan: Plan, resolve: Resolver): Instruction {
  if (plan.kind === 'custom') return plan.build();
  const ins = Instruction.create(plan.code);
  try {
    ins.codeSize = CODE_SIZE[plan.bits];
    plan.ops.forEach((op, i) => {
      switch (op.k) {
        case 'reg':
          ins.setOpKind(i, OpKind.Register);
          ins.setOpRegister(i, op.reg);
          break;
        case 'mem': {
          const a = op.a;
          const raw = value(a.disp, resolve);
          let disp: bigint | undefined;
          if (a.rip) {
            disp = raw >= 0n && raw <= mask(64) ? raw : undefined;
          } else {
            disp = fitDisp(raw, a.addrBits, op.moffs);
          }
          if (disp === undefined) {
            const hint = a.addrBits === 64 && !a.rip ? ' (a sign-extended 32-bit displacement; use mem({ rip }) or a register)' : '';
            throw new EncodeProblem(`displacement ${describeValue(a.disp, raw)} does not fit ${String(a.addrBits)}-bit addressing${hint}`);
          }
          ins.setOpKind(i, OpKind.Memory);
          ins.memoryBase = a.base;
          ins.memoryIndex = a.index;
          ins.memoryIndexScale = a.scale;
          ins.memoryDisplSize = a.displSize === 1 && disp === 0n ? 0 : a.displSize;
          ins.memoryDisplacement = disp;
          if (a.seg !== Register.None) ins.segmentPrefix = a.seg;
          break;
        }
        case 'imm': {
          const raw = value(op.value, resolve);
          const field = fitImm(raw, op.fit);
          if (field === undefined) throw new EncodeProblem(`immediate ${describeValue(op.value, raw)} does not fit ${op.fit.name}`);
          if (op.second) {
            ins.setOpKind(i, OpKind.Immediate8_2nd);
            ins.immediate8_2nd = Number(field);
          } else {
            ins.setOpKind(i, op.fit.opKind);
            ins.setImmediateU64(i, field);
          }
          break;
        }
        case 'near': {
          const t = value(op.target, resolve);
          if (t < 0n || t > mask(64)) throw new EncodeProblem(`branch target ${describeValue(op.target, t)} is not an address`);
          ins.setOpKind(i, op.opKind);
          // 16-bit targets wrap within the code segment (the IP is 16 bits); 32-bit ones must lie below 4 GiB.
          if (op.bits === 16) ins.nearBranch16 = Number(t & 0xffffn);
          else if (op.bits === 32) {
            if (t > mask(32)) throw new EncodeProblem(`branch target ${describeValue(op.target, t)} is above 4 GiB`);
            ins.nearBranch32 = Number(t);
          } else ins.nearBranch64 = t;
          break;
        }
        case 'far': {
          const t = value(op.target, resolve);
          if (t < 0n || t > mask(op.bits)) throw new EncodeProblem(`far target offset ${describeValue(op.target, t)} does not fit ${String(op.bits)} bits`);
          if (op.selector < 0 || op.selector > 0xffff) throw new EncodeProblem(`selector ${hex(BigInt(op.selector))} does not fit 16 bits`);
          ins.setOpKind(i, op.opKind);
          ins.farBranchSelector = op.selector;
          if (op.bits === 16) ins.farBranch16 = Number(t);
          else ins.farBranch32 = Number(t);
          break;
        }
      }
    });
    if (plan.lock) ins.hasLockPrefix = true;
    if (plan.rep === 1) ins.hasRepePrefix = true;
    else if (plan.rep === 2) ins.hasRepnePrefix = true;
    return ins;
  } catch (e) {
    ins.free();
    throw e;
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** One iced Encoder per bitness, reused across instructions of one assembly run. */
export class Encoders {
  private readonly byBits = new Map<Bitness, Encoder>();

  /** The bytes of `plan` at `rip`; throws EncodeProblem with the reason when it cannot be encoded. */
  encode(plan: Plan, rip: bigint, resolve: Resolver): Uint8Array {
    const ins = buildInstruction(plan, resolve);
    try {
      let enc = this.byBits.get(plan.bits);
      if (!enc) {
        enc = new Encoder(plan.bits);
        this.byBits.set(plan.bits, enc);
      }
      try {
        enc.encode(ins, rip);
        return enc.takeBuffer();
      } catch (e) {
        enc.free();
        this.byBits.delete(plan.bits);
        throw new EncodeProblem(message(e));
      }
    } finally {
      ins.free();
    }
  }

  free(): void {
    for (const e of this.byBits.values()) e.free();
    this.byBits.clear();
  }
}

/** Decodes `bytes` and reports whether they are exactly one instruction of `code` (catches forms the decoder reads as something else, e.g. 90 = NOP, not XCHG EAX,EAX, in 64-bit code). */
function decodesAs(bytes: Uint8Array, bits: Bitness, code: Code): boolean {
  const d = new Decoder(bits, bytes, DecoderOptions.None);
  try {
    const ins = d.decode();
    try {
      return ins.code === code && ins.length === bytes.length;
    } finally {
      ins.free();
    }
  } finally {
    d.free();
  }
}

/** Placeholder values used to measure a form: labels at 0, branch targets on the instruction itself. */
const measureResolve: Resolver = () => 0n;

export interface Selection {
  /** Plans from shortest reach to longest: [short, near] for a branch that has both, else one plan. */
  readonly plans: Plan[];
  readonly lengths: number[];
}

/**
 * Picks the shortest correct encoding among `cands` (ties: the first in opcode order). For branches,
 * the shortest short form and the shortest near form are both kept, for relaxation at layout time.
 */
export function selectShortest(
  cands: readonly Candidate[],
  bits: Bitness,
  lock: boolean,
  rep: 0 | 1 | 2,
): { selection: Selection } | { error: string } {
  const encoders = new Encoders();
  try {
    let bestShort: { plan: Plan; len: number } | undefined;
    let bestOther: { plan: Plan; len: number } | undefined;
    let lastError: string | undefined;
    for (const c of cands) {
      const plan: Plan = { kind: 'generic', code: c.form.code, bits, ops: c.ops, lock, rep };
      let bytes: Uint8Array;
      try {
        bytes = encoders.encode(plan, 0n, measureResolve);
      } catch (e) {
        lastError = message(e);
        continue;
      }
      if (!decodesAs(bytes, bits, c.form.code)) continue;
      const entry = { plan, len: bytes.length };
      if (isShortBranch(c)) {
        if (!bestShort || entry.len < bestShort.len) bestShort = entry;
      } else if (!bestOther || entry.len < bestOther.len) bestOther = entry;
    }
    const chosen = [bestShort, bestOther].filter((x): x is { plan: Plan; len: number } => x !== undefined);
    if (chosen.length === 0) return { error: lastError ?? 'no encodable form' };
    return { selection: { plans: chosen.map((x) => x.plan), lengths: chosen.map((x) => x.len) } };
  } finally {
    encoders.free();
  }
}

/** Length of a custom plan (string instructions), measured once. */
export function measure(plan: Plan): number {
  const encoders = new Encoders();
  try {
    return encoders.encode(plan, 0n, measureResolve).length;
  } finally {
    encoders.free();
  }
}
