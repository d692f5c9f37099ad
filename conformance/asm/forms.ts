// Instruction forms: every legacy-encoded iced `Code`, indexed by mnemonic, and the matching of a
// mnemonic plus user operands to the forms that can encode it. Which matching form is shortest is
// decided by encoding them (encode.ts).
import {
  Code,
  CodeExt,
  EncodingKind,
  MemorySize,
  MemorySizeExt,
  Mnemonic,
  OpCodeOperandKind as K,
  OpKind,
  Register,
} from 'iced-x86';
import { Expr, FarPtr, hex, Mem } from './operands.js';
import { Reg, RegClass } from './registers.js';

export type Bitness = 16 | 32 | 64;

export interface Form {
  readonly code: Code;
  readonly name: string;
  readonly ops: readonly K[];
  /** Bit 0: usable in 16-bit code, bit 1: 32-bit, bit 2: 64-bit. */
  readonly modes: number;
  readonly operandSize: number;
  readonly addressSize: number;
  readonly memorySize: MemorySize;
  readonly memBytes: number;
  readonly canLock: boolean;
  readonly canRep: boolean;
  readonly canRepne: boolean;
}

export function modeBit(bits: Bitness): number {
  return bits === 16 ? 1 : bits === 32 ? 2 : 4;
}

let table: Map<string, Form[]> | undefined;

/** All forms of a lower-case iced mnemonic, in `Code` order (which is opcode order). */
export function formsOf(mnemonic: string): readonly Form[] | undefined {
  table ??= buildTable();
  return table.get(mnemonic);
}

function buildTable(): Map<string, Form[]> {
  const t = new Map<string, Form[]>();
  for (let c = 0; Code[c as Code] !== undefined; c++) {
    const oc = CodeExt.opCode(c as Code);
    try {
      // Only plain legacy encodings that every decoder accepts (no VEX/EVEX, no Cyrix/MPX/... options).
      if (!oc.isInstruction || oc.encoding !== EncodingKind.Legacy || oc.decoderOption !== 0) continue;
      const ops: K[] = [];
      for (let i = 0; i < oc.opCount; i++) ops.push(oc.opKind(i));
      const mnemonic = Mnemonic[oc.mnemonic].toLowerCase();
      const form: Form = {
        code: c as Code,
        name: Code[c as Code],
        ops,
        modes: (oc.mode16 ? 1 : 0) | (oc.mode32 ? 2 : 0) | (oc.mode64 ? 4 : 0),
        operandSize: oc.operandSize,
        addressSize: oc.addressSize,
        memorySize: oc.memorySize,
        memBytes: oc.memorySize === MemorySize.Unknown ? 0 : MemorySizeExt.size(oc.memorySize),
        canLock: oc.canUseLockPrefix,
        canRep: oc.canUseRepPrefix,
        canRepne: oc.canUseRepnePrefix,
      };
      const list = t.get(mnemonic);
      if (list) list.push(form);
      else t.set(mnemonic, [form]);
    } finally {
      oc.free();
    }
  }
  return t;
}

// ---- operand kinds ----

const REG_KIND: Partial<Record<K, RegClass>> = {
  [K.r8_or_mem]: 'gpr8',
  [K.r8_reg]: 'gpr8',
  [K.r8_opcode]: 'gpr8',
  [K.r16_or_mem]: 'gpr16',
  [K.r16_reg]: 'gpr16',
  [K.r16_rm]: 'gpr16',
  [K.r16_opcode]: 'gpr16',
  [K.r32_or_mem]: 'gpr32',
  [K.r32_reg]: 'gpr32',
  [K.r32_rm]: 'gpr32',
  [K.r32_opcode]: 'gpr32',
  [K.r64_or_mem]: 'gpr64',
  [K.r64_reg]: 'gpr64',
  [K.r64_rm]: 'gpr64',
  [K.r64_opcode]: 'gpr64',
  [K.seg_reg]: 'seg',
  [K.cr_reg]: 'cr',
  [K.dr_reg]: 'dr',
};

const FIXED_REG: Partial<Record<K, Register>> = {
  [K.es]: Register.ES,
  [K.cs]: Register.CS,
  [K.ss]: Register.SS,
  [K.ds]: Register.DS,
  [K.fs]: Register.FS,
  [K.gs]: Register.GS,
  [K.al]: Register.AL,
  [K.cl]: Register.CL,
  [K.ax]: Register.AX,
  [K.dx]: Register.DX,
  [K.eax]: Register.EAX,
  [K.rax]: Register.RAX,
};

const MEM_KINDS: ReadonlySet<K> = new Set([K.mem, K.r8_or_mem, K.r16_or_mem, K.r32_or_mem, K.r64_or_mem, K.mem_offs]);

/** How an immediate is encoded: the operation size it is read at, the field width, and sign extension. */
export interface ImmFit {
  readonly opBits: 8 | 16 | 32 | 64;
  readonly field: 8 | 16 | 32 | 64;
  readonly sx: boolean;
  readonly const1?: boolean;
  readonly opKind: OpKind;
  readonly name: string;
}

const IMM: Partial<Record<K, ImmFit>> = {
  [K.imm8]: { opBits: 8, field: 8, sx: false, opKind: OpKind.Immediate8, name: 'imm8' },
  [K.imm8_const_1]: { opBits: 8, field: 8, sx: false, const1: true, opKind: OpKind.Immediate8, name: '1' },
  [K.imm8sex16]: { opBits: 16, field: 8, sx: true, opKind: OpKind.Immediate8to16, name: 'imm8 (sign-extended to 16)' },
  [K.imm8sex32]: { opBits: 32, field: 8, sx: true, opKind: OpKind.Immediate8to32, name: 'imm8 (sign-extended to 32)' },
  [K.imm8sex64]: { opBits: 64, field: 8, sx: true, opKind: OpKind.Immediate8to64, name: 'imm8 (sign-extended to 64)' },
  [K.imm16]: { opBits: 16, field: 16, sx: false, opKind: OpKind.Immediate16, name: 'imm16' },
  [K.imm32]: { opBits: 32, field: 32, sx: false, opKind: OpKind.Immediate32, name: 'imm32' },
  [K.imm32sex64]: { opBits: 64, field: 32, sx: true, opKind: OpKind.Immediate32to64, name: 'imm32 (sign-extended to 64)' },
  [K.imm64]: { opBits: 64, field: 64, sx: false, opKind: OpKind.Immediate64, name: 'imm64' },
};

const NEAR: Partial<Record<K, { opKind: OpKind; short: boolean; bits: Bitness }>> = {
  [K.br16_1]: { opKind: OpKind.NearBranch16, short: true, bits: 16 },
  [K.br32_1]: { opKind: OpKind.NearBranch32, short: true, bits: 32 },
  [K.br64_1]: { opKind: OpKind.NearBranch64, short: true, bits: 64 },
  [K.br16_2]: { opKind: OpKind.NearBranch16, short: false, bits: 16 },
  [K.br32_4]: { opKind: OpKind.NearBranch32, short: false, bits: 32 },
  [K.br64_4]: { opKind: OpKind.NearBranch64, short: false, bits: 64 },
};

const FAR: Partial<Record<K, { opKind: OpKind; bits: 16 | 32 }>> = {
  [K.farbr2_2]: { opKind: OpKind.FarBranch16, bits: 16 },
  [K.farbr4_2]: { opKind: OpKind.FarBranch32, bits: 32 },
};

export function mask(bits: number): bigint {
  return (1n << BigInt(bits)) - 1n;
}

export function signed(v: bigint, bits: number): bigint {
  const m = v & mask(bits);
  return m >= 1n << BigInt(bits - 1) ? m - (1n << BigInt(bits)) : m;
}

/** The encoded field value of immediate `v` under `fit`, or undefined if it does not fit. */
export function fitImm(v: bigint, fit: ImmFit): bigint | undefined {
  if (v < -(1n << BigInt(fit.opBits - 1)) || v > mask(fit.opBits)) return undefined;
  if (fit.const1) return v === 1n ? 1n : undefined;
  if (!fit.sx) return v & mask(fit.field);
  const s = signed(v, fit.opBits);
  if (s < -(1n << BigInt(fit.field - 1)) || s > mask(fit.field - 1)) return undefined;
  return s & mask(fit.field);
}

/** Wider immediates rank higher; a label-valued immediate takes the widest form available. */
function immRank(fit: ImmFit): number {
  return fit.const1 ? -1 : fit.field * 2 + (fit.sx ? 0 : 1);
}

// ---- user operands, as the matcher sees them ----

/** A memory operand's addressing, fixed once per instruction (it does not depend on the form). */
export interface Addressing {
  readonly base: Register;
  readonly index: Register;
  readonly scale: number;
  readonly disp: bigint | Expr;
  /** iced displacement size: 0 none, 1 shortest, 2/4/8 full width (also selects the address size when there is no register). */
  readonly displSize: number;
  readonly seg: Register;
  readonly addrBits: Bitness;
  readonly rip: boolean;
  readonly absolute: boolean;
}

export type UOp =
  | { readonly t: 'reg'; readonly reg: Reg }
  | { readonly t: 'mem'; readonly mem: Mem; readonly a: Addressing }
  | { readonly t: 'imm'; readonly value: bigint | Expr }
  | { readonly t: 'label'; readonly value: Expr }
  | { readonly t: 'far'; readonly far: FarPtr };

export type OpPlan =
  | { readonly k: 'reg'; readonly reg: Register }
  | { readonly k: 'mem'; readonly a: Addressing; readonly moffs: boolean }
  | { readonly k: 'imm'; readonly value: bigint | Expr; readonly fit: ImmFit; readonly second: boolean }
  | { readonly k: 'near'; readonly opKind: OpKind; readonly target: bigint | Expr; readonly bits: Bitness }
  | { readonly k: 'far'; readonly opKind: OpKind; readonly selector: number; readonly target: bigint | Expr; readonly bits: 16 | 32 };

export interface Candidate {
  readonly form: Form;
  readonly ops: readonly OpPlan[];
}

export interface MatchContext {
  readonly bits: Bitness;
  readonly opSize: Bitness | undefined;
  readonly addrSize: Bitness | undefined;
  /** JMP/CALL through memory: true selects the far (m16:xx) forms, false the near ones. */
  readonly far: boolean;
  readonly mnemonic: string;
}

/** Displacement range by address size; `moffs` forms in 64-bit code take a full 64-bit address. */
export function fitDisp(v: bigint, addrBits: Bitness, moffs: boolean): bigint | undefined {
  if (addrBits === 16) return v >= -0x8000n && v <= 0xffffn ? v & 0xffffn : undefined;
  if (addrBits === 32) return v >= -(1n << 31n) && v <= mask(32) ? v & mask(32) : undefined;
  if (v < -(1n << 63n) || v > mask(64)) return undefined;
  if (moffs) return v & mask(64);
  const s = signed(v, 64);
  return s >= -(1n << 31n) && s < 1n << 31n ? v & mask(64) : undefined;
}

export function describe(u: UOp): string {
  switch (u.t) {
    case 'reg':
      return u.reg.cls === 'gpr8' ? 'r8' : u.reg.cls === 'gpr16' ? 'r16' : u.reg.cls === 'gpr32' ? 'r32' : u.reg.cls === 'gpr64' ? 'r64' : u.reg.cls === 'seg' ? 'sreg' : u.reg.cls;
    case 'mem':
      return u.mem.sizeBytes === undefined ? 'm' : `m${String(u.mem.sizeBytes * 8)}`;
    case 'imm':
      return 'imm';
    case 'label':
      return 'label';
    case 'far':
      return 'ptr16:xx';
  }
}

type Match = { ok: true; plan: OpPlan } | { ok: false; why?: string };

function matchOperand(kind: K, u: UOp, form: Form, i: number, ctx: MatchContext): Match {
  switch (u.t) {
    case 'reg': {
      const fixed = FIXED_REG[kind];
      if (fixed !== undefined) return fixed === u.reg.id ? { ok: true, plan: { k: 'reg', reg: fixed } } : { ok: false };
      return REG_KIND[kind] === u.reg.cls ? { ok: true, plan: { k: 'reg', reg: u.reg.id } } : { ok: false };
    }
    case 'mem': {
      if (!MEM_KINDS.has(kind)) return { ok: false };
      const moffs = kind === K.mem_offs;
      if (moffs && !u.a.absolute) return { ok: false };
      const farMem = form.memorySize === MemorySize.SegPtr16 || form.memorySize === MemorySize.SegPtr32 || form.memorySize === MemorySize.SegPtr64;
      if ((ctx.mnemonic === 'jmp' || ctx.mnemonic === 'call') && farMem !== ctx.far) return { ok: false };
      const size = u.mem.sizeBytes;
      if (size !== undefined && form.memBytes !== 0) {
        const pseudo = form.memorySize === MemorySize.Fword6 || form.memorySize === MemorySize.Fword10;
        if (pseudo ? size !== 6 && size !== 10 : size !== form.memBytes) return { ok: false };
      }
      if (typeof u.a.disp === 'bigint' && !u.a.rip && fitDisp(u.a.disp, u.a.addrBits, moffs) === undefined) {
        return { ok: false, why: `displacement ${hex(u.a.disp)} does not fit ${moffs ? 'a 64-bit offset' : `${String(u.a.addrBits)}-bit addressing${u.a.addrBits === 64 ? ' (a sign-extended 32-bit displacement; use mem({ rip }) or a register)' : ''}`}` };
      }
      return { ok: true, plan: { k: 'mem', a: u.a, moffs } };
    }
    case 'imm': {
      const fit = IMM[kind];
      if (fit) {
        const second = i > 0 && form.ops[i - 1] !== undefined && IMM[form.ops[i - 1] as K] !== undefined;
        if (typeof u.value === 'bigint' && fitImm(u.value, fit) === undefined) {
          return { ok: false, why: `immediate ${hex(u.value)} does not fit ${fit.name}` };
        }
        if (u.value instanceof Expr && fit.const1) return { ok: false };
        return { ok: true, plan: { k: 'imm', value: u.value, fit, second } };
      }
      const near = NEAR[kind];
      if (near) return { ok: true, plan: { k: 'near', opKind: near.opKind, target: u.value, bits: near.bits } };
      return { ok: false };
    }
    case 'label': {
      const near = NEAR[kind];
      if (near) return { ok: true, plan: { k: 'near', opKind: near.opKind, target: u.value, bits: near.bits } };
      return { ok: false };
    }
    case 'far': {
      const far = FAR[kind];
      if (!far) return { ok: false };
      return { ok: true, plan: { k: 'far', opKind: far.opKind, selector: u.far.selector, target: u.far.target, bits: far.bits } };
    }
  }
}

export function isShortBranch(c: Candidate): boolean {
  return c.form.ops.some((k) => NEAR[k]?.short === true);
}

export function isBranch(c: Candidate): boolean {
  return c.form.ops.some((k) => NEAR[k] !== undefined);
}

/**
 * The forms of `mnemonic` that can encode `uops` in `ctx.bits`-bit code with the requested prefixes,
 * or the reason there is none.
 */
export function matchForms(uops: readonly UOp[], ctx: MatchContext): { cands: Candidate[] } | { error: string } {
  const forms = formsOf(ctx.mnemonic);
  if (!forms) return { error: `unknown mnemonic '${ctx.mnemonic}'` };
  const shape = `${ctx.mnemonic} ${uops.map(describe).join(', ')}`.trim();
  let cands: Candidate[] = [];
  let otherMode = false;
  let why: string | undefined;
  for (const form of forms) {
    if (form.ops.length !== uops.length) continue;
    const ops: OpPlan[] = [];
    let ok = true;
    for (let i = 0; i < uops.length && ok; i++) {
      const m = matchOperand(form.ops[i] as K, uops[i] as UOp, form, i, ctx);
      if (m.ok) ops.push(m.plan);
      else {
        ok = false;
        if (m.why !== undefined && (form.modes & modeBit(ctx.bits)) !== 0) why ??= m.why;
      }
    }
    if (!ok) continue;
    if ((form.modes & modeBit(ctx.bits)) === 0) {
      otherMode = true;
      continue;
    }
    cands.push({ form, ops });
  }
  if (cands.length === 0) {
    if (why !== undefined) return { error: why };
    if (otherMode) return { error: `'${shape}' cannot be encoded in ${String(ctx.bits)}-bit code` };
    let hint = '';
    if (uops.some((u) => u.t === 'label')) hint = "; a label name is a branch target, use a.addr('name') for its address as a value";
    else if ((ctx.mnemonic === 'jmp' || ctx.mnemonic === 'call') && uops.some((u) => u.t === 'mem')) hint = '; far jumps and calls through memory are jmpFar(mem) and callFar(mem)';
    return { error: `no form of '${ctx.mnemonic}' takes (${uops.map(describe).join(', ')})${hint}` };
  }

  // Operand-size override asked for: only forms of that size.
  if (ctx.opSize !== undefined) {
    const want = ctx.opSize;
    cands = cands.filter((c) => c.form.operandSize === want);
    if (cands.length === 0) return { error: `'${shape}' has no ${String(want)}-bit operand-size form in ${String(ctx.bits)}-bit code` };
  } else {
    // Branches take the mode's own operand size (IP/EIP/RIP) unless told otherwise; a far pointer defaults to ptr16:32.
    cands = cands.filter((c) => {
      if (c.ops.some((o) => o.k === 'near')) return c.form.operandSize === ctx.bits;
      if (c.ops.some((o) => o.k === 'far')) return c.form.operandSize === 32;
      return true;
    });
  }

  // Operand size the operands leave open (PUSH imm, RETF, SLDT m16...): avoid the 66h-prefixed size of the mode
  // (16 outside 16-bit code, 32 in it) unless an operand has that size or nothing else is left (CBW).
  if (ctx.opSize === undefined) {
    const has = (bytes: number, cls: RegClass): boolean => uops.some((u) => (u.t === 'reg' && u.reg.cls === cls) || (u.t === 'mem' && u.mem.sizeBytes === bytes));
    const avoid = ctx.bits === 16 ? (has(4, 'gpr32') ? undefined : 32) : has(2, 'gpr16') ? undefined : 16;
    const isBranch = (c: Candidate): boolean => c.ops.some((o) => o.k === 'near' || o.k === 'far');
    const kept = cands.filter((c) => isBranch(c) || c.form.operandSize !== avoid);
    if (avoid !== undefined && kept.length > 0) cands = kept;
  }

  // Address size: the override, else prefer forms of the mode's own address size where the choice exists (LOOP, MONITOR).
  const wantAddr = ctx.addrSize ?? ctx.bits;
  if (ctx.addrSize !== undefined) {
    cands = cands.filter((c) => c.form.addressSize === 0 || c.form.addressSize === wantAddr);
    if (cands.length === 0) return { error: `'${shape}' has no ${String(wantAddr)}-bit address-size form` };
  } else if (cands.some((c) => c.form.addressSize === wantAddr)) {
    cands = cands.filter((c) => c.form.addressSize === 0 || c.form.addressSize === wantAddr);
  }

  // A label-valued immediate: take the widest immediate field (the value is not known yet).
  for (let i = 0; i < uops.length; i++) {
    const u = uops[i] as UOp;
    if (u.t !== 'imm' || !(u.value instanceof Expr)) continue;
    const rankOf = (c: Candidate): number => {
      const p = c.ops[i];
      return p?.k === 'imm' ? immRank(p.fit) : 0;
    };
    const best = Math.max(...cands.map(rankOf));
    cands = cands.filter((c) => rankOf(c) === best);
  }

  // An unsized memory operand must be unambiguous.
  const memIdx = uops.findIndex((u) => u.t === 'mem');
  const memU = uops[memIdx];
  if (memU?.t === 'mem' && memU.mem.size === undefined) {
    const sizes = new Set(cands.map((c) => c.form.memBytes).filter((b) => b !== 0));
    const pseudo = cands.every((c) => c.form.memorySize === MemorySize.Fword6 || c.form.memorySize === MemorySize.Fword10);
    if (sizes.size > 1 && !pseudo) {
      return { error: `the memory operand needs a size (byte/word/dword/qword...): '${shape}' exists for ${[...sizes].map((b) => `${String(b * 8)}-bit`).join(', ')} operands` };
    }
  }
  return { cands };
}
