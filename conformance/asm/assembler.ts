// The Assembler: records instructions, labels and data in order, then lays them out at an origin.
//
// Form choice happens when an instruction is added (errors point at the call): the shortest encoding
// among the iced forms that match the operands. Only two things wait for layout: label values and
// branch reach. Layout runs passes until no label moves: a branch starts short and becomes near once
// its target is out of rel8 reach (never back), and a label-valued immediate or displacement always
// takes the widest field, so every other instruction has one fixed length and the passes converge.
import { Code, Instruction, OpKind, Register, RepPrefixKind } from 'iced-x86';
import { EncodeProblem, Encoders, Plan, Resolver, measure, selectShortest } from './encode.js';
import { AsmError } from './errors.js';
import { Addressing, Bitness, matchForms, UOp } from './forms.js';
import { formatListing, ListingEntry } from './listing.js';
import { addr, Expr, FarPtr, hex, Mem, Operand, toBigInt, toValue, Value } from './operands.js';
import { Reg, registerByName } from './registers.js';

export type { Bitness } from './forms.js';

/** The result of `assemble(origin)`. */
export interface AssembledProgram {
  readonly origin: bigint;
  readonly bytes: Uint8Array;
  /** Every label's address. */
  readonly labels: Map<string, bigint>;
}

/** Options of the string instructions (MOVS, CMPS, LODS, OUTS read from seg:[rSI]; the default segment is DS). */
export interface StringOptions {
  seg?: Reg;
}

interface Pending {
  lock: boolean;
  rep: 0 | 1 | 2;
  opSize: Bitness | undefined;
  addrSize: Bitness | undefined;
}

interface InsnItem {
  readonly kind: 'insn';
  readonly where: string;
  readonly bits: Bitness;
  readonly plans: Plan[];
  readonly lengths: number[];
  readonly refs: string[];
  /** The label a branch goes to, shown in listings. */
  readonly note: string | undefined;
}

interface DataItem {
  readonly kind: 'data';
  readonly where: string;
  readonly unit: 1 | 2 | 4 | 8;
  readonly values: ReadonlyArray<bigint | Expr>;
  readonly refs: string[];
}

interface BlobItem {
  readonly kind: 'blob';
  readonly where: string;
  readonly data: Uint8Array;
}

interface FillItem {
  readonly kind: 'align' | 'space' | 'padTo';
  readonly where: string;
  readonly n: bigint;
  readonly fill: number;
}

interface LabelItem {
  readonly kind: 'label';
  readonly name: string;
}

type Item = InsnItem | DataItem | BlobItem | FillItem | LabelItem;

const CONDITIONS = ['o', 'no', 'b', 'c', 'nae', 'ae', 'nb', 'nc', 'e', 'z', 'ne', 'nz', 'be', 'na', 'a', 'nbe', 's', 'ns', 'p', 'pe', 'np', 'po', 'l', 'nge', 'ge', 'nl', 'le', 'ng', 'g', 'nle'] as const;
type Condition = (typeof CONDITIONS)[number];

/** Condition-code synonyms (SDM Vol. 2 Jcc/SETcc/CMOVcc tables) to the names iced uses. */
const CONDITION_CANONICAL: Record<Condition, string> = {
  o: 'o', no: 'no', b: 'b', c: 'b', nae: 'b', ae: 'ae', nb: 'ae', nc: 'ae', e: 'e', z: 'e', ne: 'ne', nz: 'ne',
  be: 'be', na: 'be', a: 'a', nbe: 'a', s: 's', ns: 'ns', p: 'p', pe: 'p', np: 'np', po: 'np', l: 'l', nge: 'l',
  ge: 'ge', nl: 'ge', le: 'le', ng: 'le', g: 'g', nle: 'g',
};

const ALIASES: Record<string, string> = {
  loopz: 'loope',
  loopnz: 'loopne',
  sal: 'shl', // the SDM's SAL is SHL (D0 /4); iced's 'sal' is the undocumented /6 encoding
  retn: 'ret',
  xlat: 'xlatb',
  icebp: 'int1',
};
for (const cc of CONDITIONS) {
  ALIASES[`j${cc}`] = `j${CONDITION_CANONICAL[cc]}`;
  ALIASES[`set${cc}`] = `set${CONDITION_CANONICAL[cc]}`;
  ALIASES[`cmov${cc}`] = `cmov${CONDITION_CANONICAL[cc]}`;
}

/** Mnemonics whose operand size is the mode's own when no operand says otherwise (pushf in 64-bit code is PUSHFQ). */
const NATURAL: Record<string, Partial<Record<Bitness, string>>> = {
  pushf: { 16: 'pushf', 32: 'pushfd', 64: 'pushfq' },
  popf: { 16: 'popf', 32: 'popfd', 64: 'popfq' },
  pusha: { 16: 'pusha', 32: 'pushad' },
  popa: { 16: 'popa', 32: 'popad' },
  iret: { 16: 'iret', 32: 'iretd', 64: 'iretq' },
};

type StringCreate = (addressSize: number, seg: Register, rep: RepPrefixKind) => Instruction;
const STRING_OPS: Record<string, { create: StringCreate; seg: boolean; repne: boolean }> = {
  movsb: { create: (a, s, r) => Instruction.createMovsb(a, s, r), seg: true, repne: false },
  movsw: { create: (a, s, r) => Instruction.createMovsw(a, s, r), seg: true, repne: false },
  movsd: { create: (a, s, r) => Instruction.createMovsd(a, s, r), seg: true, repne: false },
  movsq: { create: (a, s, r) => Instruction.createMovsq(a, s, r), seg: true, repne: false },
  cmpsb: { create: (a, s, r) => Instruction.createCmpsb(a, s, r), seg: true, repne: true },
  cmpsw: { create: (a, s, r) => Instruction.createCmpsw(a, s, r), seg: true, repne: true },
  cmpsd: { create: (a, s, r) => Instruction.createCmpsd(a, s, r), seg: true, repne: true },
  cmpsq: { create: (a, s, r) => Instruction.createCmpsq(a, s, r), seg: true, repne: true },
  lodsb: { create: (a, s, r) => Instruction.createLodsb(a, s, r), seg: true, repne: false },
  lodsw: { create: (a, s, r) => Instruction.createLodsw(a, s, r), seg: true, repne: false },
  lodsd: { create: (a, s, r) => Instruction.createLodsd(a, s, r), seg: true, repne: false },
  lodsq: { create: (a, s, r) => Instruction.createLodsq(a, s, r), seg: true, repne: false },
  outsb: { create: (a, s, r) => Instruction.createOutsb(a, s, r), seg: true, repne: false },
  outsw: { create: (a, s, r) => Instruction.createOutsw(a, s, r), seg: true, repne: false },
  outsd: { create: (a, s, r) => Instruction.createOutsd(a, s, r), seg: true, repne: false },
  stosb: { create: (a, _s, r) => Instruction.createStosb(a, r), seg: false, repne: false },
  stosw: { create: (a, _s, r) => Instruction.createStosw(a, r), seg: false, repne: false },
  stosd: { create: (a, _s, r) => Instruction.createStosd(a, r), seg: false, repne: false },
  stosq: { create: (a, _s, r) => Instruction.createStosq(a, r), seg: false, repne: false },
  scasb: { create: (a, _s, r) => Instruction.createScasb(a, r), seg: false, repne: true },
  scasw: { create: (a, _s, r) => Instruction.createScasw(a, r), seg: false, repne: true },
  scasd: { create: (a, _s, r) => Instruction.createScasd(a, r), seg: false, repne: true },
  scasq: { create: (a, _s, r) => Instruction.createScasq(a, r), seg: false, repne: true },
  insb: { create: (a, _s, r) => Instruction.createInsb(a, r), seg: false, repne: false },
  insw: { create: (a, _s, r) => Instruction.createInsw(a, r), seg: false, repne: false },
  insd: { create: (a, _s, r) => Instruction.createInsd(a, r), seg: false, repne: false },
};

/** Instructions that read only 16 bits of their register operand, whatever the operand size. */
const WIDEN_SOURCE: ReadonlySet<string> = new Set(['ltr', 'lldt', 'lmsw', 'verr', 'verw']);

const ADDR_BASE: Record<Bitness, Register> = { 16: Register.BX, 32: Register.EBX, 64: Register.RBX };
const EMPTY = new Uint8Array(0);
const MAX_PASSES = 200;

function isBitness(n: number): n is Bitness {
  return n === 16 || n === 32 || n === 64;
}

function renderOperand(o: Operand): string {
  if (typeof o === 'number') return Number.isSafeInteger(o) ? hex(BigInt(o)) : String(o);
  if (typeof o === 'bigint') return hex(o);
  return o.toString();
}

/** 32-bit register of the same number as a 16-bit one (ax -> eax, r9w -> r9d). */
function widen16(r: Reg): Reg | undefined {
  const m = /^r(\d+)w$/.exec(r.name);
  return registerByName(m ? `r${m[1] ?? ''}d` : `e${r.name}`);
}

export class Assembler {
  private readonly items: Item[] = [];
  private readonly defined = new Set<string>();
  private current: Bitness;
  private pending: Pending = { lock: false, rep: 0, opSize: undefined, addrSize: undefined };
  private count = 0;

  /** `bits`: the code size the program starts in (16, 32 or 64). */
  constructor(bits: Bitness = 64) {
    if (!isBitness(bits)) throw new AsmError('new Assembler', `bitness ${String(bits)} is not 16, 32 or 64`);
    this.current = bits;
  }

  /** The code size instructions added now are encoded for. */
  get bitness(): Bitness {
    return this.current;
  }

  /** Following instructions are `n`-bit code (a mode switch inside one image). */
  bits(n: Bitness): this {
    this.noPending('bits');
    if (!isBitness(n)) throw new AsmError(`bits(${String(n)})`, 'bitness must be 16, 32 or 64');
    this.current = n;
    return this;
  }

  /** Defines `name` at the current position. */
  label(name: string): this {
    this.noPending(`label '${name}'`);
    if (name === '') throw new AsmError('label', 'a label needs a name');
    if (this.defined.has(name)) throw new AsmError(`label '${name}'`, 'defined twice');
    this.defined.add(name);
    this.items.push({ kind: 'label', name });
    return this;
  }

  /** A label's address plus `addend`, usable as an immediate, displacement, data value or branch target. */
  addr(label: string, addend: number | bigint = 0): Expr {
    return addr(label, addend);
  }

  // ---- prefixes: each applies to the next instruction ----

  /** LOCK prefix (F0) for the next instruction; the destination must be memory (SDM Vol. 2 LOCK). */
  lock(): this {
    this.pending.lock = true;
    return this;
  }
  /** REP (F3) for the next string instruction. */
  rep(): this {
    this.pending.rep = 1;
    return this;
  }
  repe(): this {
    this.pending.rep = 1;
    return this;
  }
  repz(): this {
    this.pending.rep = 1;
    return this;
  }
  /** REPNE (F2). */
  repne(): this {
    this.pending.rep = 2;
    return this;
  }
  repnz(): this {
    this.pending.rep = 2;
    return this;
  }
  /** Operand size of the next instruction (e.g. `o32().lgdt(...)` in 16-bit code loads a 32-bit base). */
  o16(): this {
    this.pending.opSize = 16;
    return this;
  }
  o32(): this {
    this.pending.opSize = 32;
    return this;
  }
  o64(): this {
    this.pending.opSize = 64;
    return this;
  }
  /** Address size of the next instruction (string instructions, LOOP/JCXZ counters, absolute addresses). */
  a16(): this {
    this.pending.addrSize = 16;
    return this;
  }
  a32(): this {
    this.pending.addrSize = 32;
    return this;
  }
  a64(): this {
    this.pending.addrSize = 64;
    return this;
  }

  // ---- data ----

  /** Bytes: numbers in -128..255, label expressions, or strings (each character one byte, code < 256). */
  db(...values: Array<number | bigint | string | Expr>): this {
    const out: Array<bigint | Expr> = [];
    for (const v of values) {
      if (typeof v === 'string') {
        for (const ch of v) {
          const c = ch.codePointAt(0) ?? 0;
          if (c > 0xff) throw new AsmError(`db '${v}'`, `character '${ch}' does not fit a byte`);
          out.push(BigInt(c));
        }
      } else out.push(toValue(v, 'db'));
    }
    return this.data(1, 'db', out);
  }
  dw(...values: Value[]): this {
    return this.data(2, 'dw', values.map((v) => toValue(v, 'dw')));
  }
  dd(...values: Value[]): this {
    return this.data(4, 'dd', values.map((v) => toValue(v, 'dd')));
  }
  dq(...values: Value[]): this {
    return this.data(8, 'dq', values.map((v) => toValue(v, 'dq')));
  }

  /** Raw bytes (copied). */
  bytes(data: Uint8Array | readonly number[]): this {
    this.noPending('bytes');
    const copy = Uint8Array.from(data);
    this.items.push({ kind: 'blob', where: `bytes (${String(copy.length)})`, data: copy });
    return this;
  }

  /** `n` bytes of `fill`. */
  space(n: number | bigint, fill = 0): this {
    const size = toBigInt(n, 'space');
    if (size < 0n) throw new AsmError(`space(${String(n)})`, 'size is negative');
    return this.fillItem('space', `space ${String(n)}`, size, fill);
  }

  /** Pads with `fill` (default 90h, NOP, so code may run through it) to a multiple of `n`. */
  align(n: number | bigint, fill = 0x90): this {
    const a = toBigInt(n, 'align');
    if (a <= 0n) throw new AsmError(`align(${String(n)})`, 'alignment must be positive');
    return this.fillItem('align', `align ${String(n)}`, a, fill);
  }

  /** Pads with `fill` up to absolute address `address` (an error if already past it). */
  padTo(address: number | bigint, fill = 0): this {
    const a = toBigInt(address, 'padTo');
    return this.fillItem('padTo', `padTo ${hex(a)}`, a, fill);
  }

  // ---- instructions ----

  /**
   * Any instruction by iced mnemonic (lower case), for those without a method of their own:
   * `a.insn('movd', ...)`. The methods (`a.mov(...)`) are this with the name fixed.
   */
  insn(mnemonic: string, ...operands: Operand[]): this {
    const m = mnemonic.toLowerCase();
    const canonical = ALIASES[m] ?? m;
    if (operands.length === 0 && (STRING_OPS[canonical] !== undefined || canonical === 'xlatb')) return this.stringInsn(canonical);
    return this.emit(m, operands, false);
  }

  /** A string instruction (movsb ... outsd) or XLATB, with an optional segment override of its DS:[rSI]/DS:[rBX] operand. */
  stringInsn(name: string, options?: StringOptions): this {
    return name === 'xlatb' ? this.xlatOp(options) : this.stringOp(name, options);
  }

  /** JMP ptr16:32 (or ptr16:16 after `o16()`) to `selector:target`, or JMP m16:xx through memory. Not in 64-bit code. */
  jmpFar(selector: number | Mem, target?: string | Value): this {
    return this.far('jmp', selector, target);
  }

  /** CALL ptr16:32 (or ptr16:16 after `o16()`), or CALL m16:xx through memory. */
  callFar(selector: number | Mem, target?: string | Value): this {
    return this.far('call', selector, target);
  }

  /** RETF with REX.W (pops a 64-bit RIP and CS). */
  retfq(imm16?: number): this {
    this.pending.opSize = 64;
    return this.emit('retf', imm16 === undefined ? [] : [imm16], false);
  }

  private far(mnemonic: 'jmp' | 'call', selector: number | Mem, target: string | Value | undefined): this {
    if (selector instanceof Mem) return this.emit(mnemonic, [selector], true);
    if (target === undefined) throw new AsmError(`${mnemonic}Far`, 'a far jump or call needs selector and target');
    const t = typeof target === 'string' ? addr(target) : toValue(target, 'far target');
    return this.emit(mnemonic, [new FarPtr(selector, t)], true);
  }

  private stringOp(name: string, options: StringOptions | undefined): this {
    const p = this.takePending();
    const bits = this.current;
    const where = `instruction #${String(this.count++)} '${this.prefixText(p)}${name}${options?.seg ? ` ${options.seg.name}:` : ''}'`;
    const op = STRING_OPS[name];
    if (!op) throw new AsmError(where, `unknown string instruction '${name}'`);
    const addrBits = p.addrSize ?? bits;
    if ((addrBits === 16 && bits === 64) || (addrBits === 64 && bits !== 64)) {
      throw new AsmError(where, `${String(addrBits)}-bit addressing does not exist in ${String(bits)}-bit code`);
    }
    if (p.lock) throw new AsmError(where, 'LOCK is not allowed with string instructions');
    if (p.opSize !== undefined) throw new AsmError(where, 'the operand size is in the mnemonic (movsb/movsw/movsd/movsq)');
    if (p.rep === 2 && !op.repne) throw new AsmError(where, 'REPNE applies only to CMPS and SCAS');
    const seg = options?.seg;
    if (seg && (!op.seg || seg.cls !== 'seg')) throw new AsmError(where, 'the ES:[rDI] operand cannot take a segment override');
    const rep = p.rep === 1 ? RepPrefixKind.Repe : p.rep === 2 ? RepPrefixKind.Repne : RepPrefixKind.None;
    const build = (): Instruction => op.create(addrBits, seg?.id ?? Register.None, rep);
    return this.pushCustom(where, bits, build);
  }

  private xlatOp(options: StringOptions | undefined): this {
    const p = this.takePending();
    const bits = this.current;
    const where = `instruction #${String(this.count++)} '${this.prefixText(p)}xlatb'`;
    const addrBits = p.addrSize ?? bits;
    if ((addrBits === 16 && bits === 64) || (addrBits === 64 && bits !== 64)) {
      throw new AsmError(where, `${String(addrBits)}-bit addressing does not exist in ${String(bits)}-bit code`);
    }
    if (p.lock || p.rep !== 0 || p.opSize !== undefined) throw new AsmError(where, 'XLATB takes no LOCK, REP or operand-size prefix');
    const seg = options?.seg?.id ?? Register.None;
    const build = (): Instruction => {
      const ins = Instruction.create(Code.Xlat_m8);
      ins.setOpKind(0, OpKind.Memory);
      ins.memoryBase = ADDR_BASE[addrBits];
      ins.memoryIndex = Register.AL;
      ins.memoryIndexScale = 1;
      if (seg !== Register.None) ins.segmentPrefix = seg;
      return ins;
    };
    return this.pushCustom(where, bits, build);
  }

  private pushCustom(where: string, bits: Bitness, build: () => Instruction): this {
    let plan: Plan;
    let len: number;
    try {
      const probe = build();
      const code = probe.code;
      probe.free();
      plan = { kind: 'custom', code, bits, build };
      len = measure(plan);
    } catch (e) {
      throw new AsmError(where, e instanceof Error ? e.message : String(e));
    }
    this.items.push({ kind: 'insn', where, bits, plans: [plan], lengths: [len], refs: [], note: undefined });
    return this;
  }

  private emit(mnemonicIn: string, operandsIn: Operand[], far: boolean): this {
    const p = this.takePending();
    const bits = this.current;
    let mnemonic = ALIASES[mnemonicIn] ?? mnemonicIn;
    let operands = operandsIn;
    const index = this.count++;
    const text = `${this.prefixText(p)}${mnemonicIn}${operands.length ? ' ' + operands.map(renderOperand).join(', ') : ''}`;
    const where = `instruction #${String(index)} '${text}'`;

    const natural = NATURAL[mnemonic];
    if (natural && operands.length === 0) {
      const size = p.opSize ?? bits;
      const m = natural[size];
      if (m === undefined) throw new AsmError(where, `'${mnemonicIn}' has no ${String(size)}-bit form in ${String(bits)}-bit code`);
      mnemonic = m;
    }
    // IMUL r, imm is IMUL r, r, imm (SDM Vol. 2 IMUL, "r16, imm" synonyms).
    if (mnemonic === 'imul' && operands.length === 2 && operands[0] instanceof Reg && !(operands[1] instanceof Reg) && !(operands[1] instanceof Mem)) {
      operands = [operands[0], operands[0], operands[1] as Operand];
    }
    // MOV Sreg, r16 needs no 66h prefix outside 16-bit code: encode it as MOV Sreg, r32 (same bytes NASM emits).
    if (mnemonic === 'mov' && bits !== 16 && p.opSize === undefined && operands.length === 2) {
      const [d, s] = operands;
      if (d instanceof Reg && d.cls === 'seg' && s instanceof Reg && s.cls === 'gpr16') {
        const w = widen16(s);
        if (w) operands = [d, w];
      }
    }

    const refs: string[] = [];
    let note: string | undefined;
    const uops: UOp[] = [];
    for (const o of operands) {
      try {
        uops.push(this.toUOp(o, bits, p.addrSize, refs));
      } catch (e) {
        if (e instanceof AsmError) throw new AsmError(where, e.reason);
        throw e;
      }
      if (typeof o === 'string') note = o;
      if (o instanceof FarPtr && o.target instanceof Expr) note = o.target.toString();
    }

    const ctx = { bits, opSize: p.opSize, addrSize: p.addrSize, far, mnemonic };
    const m = matchForms(uops, ctx);
    let cands = 'cands' in m ? m.cands : [];
    // LTR r16 and friends read 16 bits whatever the operand size: the r32 form needs no 66h prefix (SDM: 0F 00 /3).
    if (WIDEN_SOURCE.has(mnemonic) && bits !== 16 && p.opSize === undefined && uops.length === 1) {
      const u = uops[0] as UOp;
      const w = u.t === 'reg' && u.reg.cls === 'gpr16' ? widen16(u.reg) : undefined;
      if (w) {
        const widened = matchForms([{ t: 'reg', reg: w }], ctx);
        if ('cands' in widened) cands = [...cands, ...widened.cands];
      }
    }
    // XCHG and TEST are symmetric: the SDM lists one operand order (XCHG r/m, r; TEST r/m, r), accept both.
    if ((mnemonic === 'xchg' || mnemonic === 'test') && uops.length === 2) {
      const swapped = matchForms([uops[1] as UOp, uops[0] as UOp], ctx);
      if ('cands' in swapped) cands = [...cands, ...swapped.cands];
    }
    if (cands.length === 0) throw new AsmError(where, 'error' in m ? m.error : 'no encodable form');
    if (p.lock) {
      cands = cands.filter((c) => c.form.canLock && c.ops[0]?.k === 'mem');
      if (cands.length === 0) throw new AsmError(where, 'LOCK is not allowed here (SDM Vol. 2 LOCK: only listed instructions, with a memory destination)');
    }
    if (p.rep === 1) {
      cands = cands.filter((c) => c.form.canRep);
      if (cands.length === 0) throw new AsmError(where, 'REP/REPE is not allowed with this instruction');
    } else if (p.rep === 2) {
      cands = cands.filter((c) => c.form.canRepne);
      if (cands.length === 0) throw new AsmError(where, 'REPNE is not allowed with this instruction');
    }
    const sel = selectShortest(cands, bits, p.lock, p.rep);
    if ('error' in sel) throw new AsmError(where, sel.error);
    this.items.push({ kind: 'insn', where, bits, plans: sel.selection.plans, lengths: sel.selection.lengths, refs, note });
    return this;
  }

  private toUOp(o: Operand, bits: Bitness, addrSize: Bitness | undefined, refs: string[]): UOp {
    if (o instanceof Reg) return { t: 'reg', reg: o };
    if (o instanceof Mem) {
      const a = addressing(o, bits, addrSize);
      for (const v of [o.disp, o.ripTarget]) if (v instanceof Expr) refs.push(...v.labels());
      return { t: 'mem', mem: o, a };
    }
    if (o instanceof FarPtr) {
      if (o.target instanceof Expr) refs.push(...o.target.labels());
      return { t: 'far', far: o };
    }
    if (typeof o === 'string') {
      refs.push(o);
      return { t: 'label', value: addr(o) };
    }
    if (o instanceof Expr) {
      refs.push(...o.labels());
      return { t: 'imm', value: o };
    }
    return { t: 'imm', value: toBigInt(o, 'immediate') };
  }

  private data(unit: 1 | 2 | 4 | 8, name: string, values: Array<bigint | Expr>): this {
    this.noPending(name);
    const refs: string[] = [];
    for (const v of values) if (v instanceof Expr) refs.push(...v.labels());
    const shown = values.slice(0, 4).map((v) => (v instanceof Expr ? v.toString() : hex(v)));
    const where = `${name} ${shown.join(', ')}${values.length > 4 ? ', ...' : ''}`;
    this.items.push({ kind: 'data', where, unit, values, refs });
    return this;
  }

  private fillItem(kind: FillItem['kind'], where: string, n: bigint, fill: number): this {
    this.noPending(where);
    if (!Number.isInteger(fill) || fill < -128 || fill > 255) throw new AsmError(where, `fill ${String(fill)} is not a byte`);
    this.items.push({ kind, where, n, fill: fill & 0xff });
    return this;
  }

  private takePending(): Pending {
    const p = this.pending;
    this.pending = { lock: false, rep: 0, opSize: undefined, addrSize: undefined };
    return p;
  }

  private hasPending(): boolean {
    const p = this.pending;
    return p.lock || p.rep !== 0 || p.opSize !== undefined || p.addrSize !== undefined;
  }

  private noPending(what: string): void {
    if (this.hasPending()) throw new AsmError(what, 'a prefix (lock/rep/o16/a32...) is waiting for an instruction');
  }

  private prefixText(p: Pending): string {
    let s = '';
    if (p.lock) s += 'lock ';
    if (p.rep === 1) s += 'rep ';
    if (p.rep === 2) s += 'repne ';
    if (p.opSize !== undefined) s += `o${String(p.opSize)} `;
    if (p.addrSize !== undefined) s += `a${String(p.addrSize)} `;
    return s;
  }

  // ---- layout ----

  /** Lays the program out at `origin` and returns its bytes and label addresses. */
  assemble(origin: number | bigint = 0n): AssembledProgram {
    return this.layout(toBigInt(origin, 'origin')).program;
  }

  /** A listing "ADDRESS  BYTES  INSTRUCTION" of the program laid out at `origin`, one line per entry. */
  listing(origin: number | bigint = 0n): string[] {
    const { entries } = this.layout(toBigInt(origin, 'origin'));
    return formatListing(entries);
  }

  private layout(origin: bigint): { program: AssembledProgram; entries: ListingEntry[] } {
    this.noPending('assemble');
    if (origin < 0n) throw new AsmError('assemble', 'origin is negative');
    for (const item of this.items) {
      if (item.kind !== 'insn' && item.kind !== 'data') continue;
      const missing = item.refs.find((r) => !this.defined.has(r));
      if (missing !== undefined) throw new AsmError(item.where, `undefined label '${missing}'`);
    }
    const encoders = new Encoders();
    try {
      const chosen = this.items.map(() => 0);
      let prev: Map<string, bigint> | undefined;
      for (let pass = 0; pass < MAX_PASSES; pass++) {
        const cur = new Map<string, bigint>();
        const placed: Array<{ address: bigint; bytes: Uint8Array }> = [];
        const problems: Array<{ where: string; reason: string }> = [];
        let changed = false;
        let pos = origin;
        this.items.forEach((item, i) => {
          const start = pos;
          const resolve: Resolver = (e) => e.evaluate((l) => cur.get(l) ?? prev?.get(l) ?? start) ?? start;
          let bytes: Uint8Array = EMPTY;
          switch (item.kind) {
            case 'label':
              cur.set(item.name, pos);
              break;
            case 'insn': {
              for (;;) {
                const k = chosen[i] ?? 0;
                try {
                  bytes = encoders.encode(item.plans[k] as Plan, pos, resolve);
                  break;
                } catch (e) {
                  if (!(e instanceof EncodeProblem)) throw e;
                  if (k < item.plans.length - 1) {
                    chosen[i] = k + 1; // short branch out of reach: near from now on
                    changed = true;
                    continue;
                  }
                  problems.push({ where: item.where, reason: e.message });
                  bytes = new Uint8Array(item.lengths[k] ?? 0);
                  break;
                }
              }
              break;
            }
            case 'data': {
              bytes = new Uint8Array(item.unit * item.values.length);
              const bitsN = item.unit * 8;
              item.values.forEach((v, j) => {
                const n = v instanceof Expr ? resolve(v) : v;
                if (n < -(1n << BigInt(bitsN - 1)) || n >= 1n << BigInt(bitsN)) {
                  problems.push({ where: item.where, reason: `${v instanceof Expr ? `${v.toString()} = ` : ''}${hex(n)} does not fit ${String(bitsN)} bits` });
                  return;
                }
                let u = n & ((1n << BigInt(bitsN)) - 1n);
                for (let b = 0; b < item.unit; b++) {
                  bytes[j * item.unit + b] = Number(u & 0xffn);
                  u >>= 8n;
                }
              });
              break;
            }
            case 'blob':
              bytes = item.data;
              break;
            case 'space':
              bytes = new Uint8Array(Number(item.n)).fill(item.fill);
              break;
            case 'align': {
              const pad = (item.n - (pos % item.n)) % item.n;
              bytes = new Uint8Array(Number(pad)).fill(item.fill);
              break;
            }
            case 'padTo': {
              if (item.n < pos) problems.push({ where: item.where, reason: `already at ${hex(pos)}, past ${hex(item.n)}` });
              else bytes = new Uint8Array(Number(item.n - pos)).fill(item.fill);
              break;
            }
          }
          placed.push({ address: start, bytes });
          pos += BigInt(bytes.length);
        });
        if (prev !== undefined && !changed && sameLabels(prev, cur)) {
          const first = problems[0];
          if (first) throw new AsmError(first.where, first.reason);
          return this.finish(origin, cur, placed);
        }
        prev = cur;
      }
      throw new AsmError('assemble', `layout did not settle after ${String(MAX_PASSES)} passes`);
    } finally {
      encoders.free();
    }
  }

  private finish(origin: bigint, labels: Map<string, bigint>, placed: Array<{ address: bigint; bytes: Uint8Array }>): { program: AssembledProgram; entries: ListingEntry[] } {
    const total = placed.reduce((n, p) => n + p.bytes.length, 0);
    const out = new Uint8Array(total);
    let off = 0;
    for (const p of placed) {
      out.set(p.bytes, off);
      off += p.bytes.length;
    }
    const entries: ListingEntry[] = this.items.map((item, i) => {
      const p = placed[i] as { address: bigint; bytes: Uint8Array };
      switch (item.kind) {
        case 'label':
          return { kind: 'label', address: p.address, name: item.name };
        case 'insn':
          return { kind: 'insn', address: p.address, bytes: p.bytes, bits: item.bits, note: item.note };
        default:
          return { kind: 'data', address: p.address, bytes: p.bytes, text: item.where };
      }
    });
    return { program: { origin, bytes: out, labels: new Map(labels) }, entries };
  }
}

function sameLabels(a: Map<string, bigint>, b: Map<string, bigint>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

/** The addressing of a memory operand in `bits`-bit code (SDM Vol. 2 2.1.5, Tables 2-1..2-3; 64-bit: 2.2.1.3). */
function addressing(m: Mem, bits: Bitness, addrSize: Bitness | undefined): Addressing {
  const seg = m.seg?.id ?? Register.None;
  if (m.ripTarget !== undefined) {
    if (bits !== 64) throw new AsmError('memory operand', 'RIP-relative addressing exists only in 64-bit code');
    if (addrSize !== undefined && addrSize !== 64) throw new AsmError('memory operand', 'RIP-relative addressing with a 32-bit address size is not supported');
    return { base: Register.RIP, index: Register.None, scale: 1, disp: m.ripTarget, displSize: 8, seg, addrBits: 64, rip: true, absolute: false };
  }
  const regs = [m.base, m.index].filter((r): r is Reg => r !== undefined);
  if (regs.length > 0) {
    const sizes = new Set(regs.map((r) => r.size));
    if (sizes.size > 1) throw new AsmError('memory operand', 'base and index registers must have the same size');
    const addrBits = ((regs[0] as Reg).size * 8) as Bitness;
    if (addrBits === 64 && bits !== 64) throw new AsmError('memory operand', `64-bit registers cannot address memory in ${String(bits)}-bit code`);
    if (addrBits === 16 && bits === 64) throw new AsmError('memory operand', '16-bit addressing does not exist in 64-bit code');
    if (addrSize !== undefined && addrSize !== addrBits) throw new AsmError('memory operand', `a${String(addrSize)} conflicts with ${String(addrBits)}-bit address registers`);
    const displSize = m.disp instanceof Expr ? addrBits / 8 : 1;
    return { base: m.base?.id ?? Register.None, index: m.index?.id ?? Register.None, scale: m.scale, disp: m.disp, displSize, seg, addrBits, rip: false, absolute: false };
  }
  const fits16 = typeof m.disp === 'bigint' && m.disp >= -0x8000n && m.disp <= 0xffffn;
  const addrBits: Bitness = addrSize ?? (bits === 16 ? (typeof m.disp === 'bigint' && !fits16 ? 32 : 16) : bits);
  if (addrBits === 16 && bits === 64) throw new AsmError('memory operand', '16-bit addressing does not exist in 64-bit code');
  if (addrBits === 64 && bits !== 64) throw new AsmError('memory operand', `64-bit addressing does not exist in ${String(bits)}-bit code`);
  return { base: Register.None, index: Register.None, scale: 1, disp: m.disp, displSize: addrBits / 8, seg, addrBits, rip: false, absolute: true };
}

// ---- the instruction methods ----

/** Instructions with a method of the same name (lower-case mnemonic). */
export const INSTRUCTION_METHODS = [
  // data movement
  'mov', 'movzx', 'movsx', 'movsxd', 'lea', 'xchg', 'cmpxchg', 'cmpxchg8b', 'cmpxchg16b', 'xadd', 'bswap', 'movbe', 'movnti',
  'push', 'pop', 'pusha', 'pushad', 'popa', 'popad', 'pushf', 'pushfd', 'pushfq', 'popf', 'popfd', 'popfq', 'lahf', 'sahf',
  'cbw', 'cwde', 'cdqe', 'cwd', 'cdq', 'cqo', 'xlat', 'lds', 'les', 'lfs', 'lgs', 'lss',
  // arithmetic and logic
  'add', 'adc', 'sub', 'sbb', 'cmp', 'and', 'or', 'xor', 'test', 'not', 'neg', 'inc', 'dec', 'mul', 'imul', 'div', 'idiv', 'adcx', 'adox',
  'shl', 'sal', 'shr', 'sar', 'rol', 'ror', 'rcl', 'rcr', 'shld', 'shrd',
  'bt', 'bts', 'btr', 'btc', 'bsf', 'bsr', 'tzcnt', 'lzcnt', 'popcnt', 'crc32',
  // control transfer
  'jmp', 'call', 'ret', 'retn', 'retf', 'loop', 'loope', 'loopz', 'loopne', 'loopnz', 'jcxz', 'jecxz', 'jrcxz', 'enter', 'leave',
  'int1', 'int3', 'into', 'iret', 'iretd', 'iretq', 'hlt', 'nop', 'pause', 'ud0', 'ud1', 'ud2',
  // I/O and flags
  'out', 'clc', 'stc', 'cmc', 'cld', 'std', 'cli', 'sti', 'clac', 'stac',
  // system
  'cpuid', 'rdmsr', 'wrmsr', 'rdtsc', 'rdtscp', 'rdpid', 'rdpmc', 'rdrand', 'rdseed',
  'syscall', 'sysret', 'sysretq', 'sysenter', 'sysexit', 'sysexitq', 'swapgs',
  'clts', 'lmsw', 'smsw', 'lgdt', 'lidt', 'sgdt', 'sidt', 'lldt', 'ltr', 'sldt', 'str', 'lar', 'lsl', 'verr', 'verw', 'arpl',
  'invd', 'wbinvd', 'wbnoinvd', 'clflush', 'clflushopt', 'clwb', 'invlpg', 'invpcid', 'monitor', 'mwait', 'xsetbv', 'xgetbv',
  'xsave', 'xsave64', 'xrstor', 'xrstor64', 'xsaveopt', 'xsaves', 'xrstors', 'fxsave', 'fxsave64', 'fxrstor', 'fxrstor64',
  'mfence', 'lfence', 'sfence', 'rsm', 'serialize', 'rdfsbase', 'rdgsbase', 'wrfsbase', 'wrgsbase', 'endbr32', 'endbr64',
  // VMX (SDM Vol. 3C 31)
  'vmxon', 'vmxoff', 'vmclear', 'vmptrld', 'vmptrst', 'vmread', 'vmwrite', 'vmlaunch', 'vmresume', 'vmcall', 'invept', 'invvpid', 'vmfunc',
] as const;

/** Methods whose mnemonic is a JavaScript keyword or reads badly: `in_` is IN, `int_` INT n, `and_`/`or_`/`not_` AND/OR/NOT. */
export const RENAMED_METHODS = { in_: 'in', int_: 'int', and_: 'and', or_: 'or', not_: 'not' } as const;

/** String instructions; each takes an optional `{ seg }` override of its DS:[rSI] operand. */
export const STRING_METHODS = [
  'movsb', 'movsw', 'movsd', 'movsq', 'cmpsb', 'cmpsw', 'cmpsd', 'cmpsq', 'stosb', 'stosw', 'stosd', 'stosq',
  'lodsb', 'lodsw', 'lodsd', 'lodsq', 'scasb', 'scasw', 'scasd', 'scasq', 'insb', 'insw', 'insd', 'outsb', 'outsw', 'outsd', 'xlatb',
] as const;

type ConditionalName = `j${Condition}` | `set${Condition}` | `cmov${Condition}`;
type InsnName = (typeof INSTRUCTION_METHODS)[number] | keyof typeof RENAMED_METHODS | ConditionalName;

export type InstructionMethods = { [K in InsnName]: (...operands: Operand[]) => Assembler } & {
  [K in (typeof STRING_METHODS)[number]]: (options?: StringOptions) => Assembler;
};

// The methods are installed on the prototype from the tables above; this declares them to TypeScript.
export interface Assembler extends InstructionMethods {}

function install(name: string, fn: (this: Assembler, ...args: never[]) => Assembler): void {
  Object.defineProperty(Assembler.prototype, name, { value: fn, writable: true, configurable: true, enumerable: false });
}

for (const m of INSTRUCTION_METHODS) {
  install(m, function (this: Assembler, ...ops: Operand[]) {
    return this.insn(m, ...ops);
  });
}
for (const [method, m] of Object.entries(RENAMED_METHODS)) {
  install(method, function (this: Assembler, ...ops: Operand[]) {
    return this.insn(m, ...ops);
  });
}
for (const cc of CONDITIONS) {
  for (const m of [`j${cc}`, `set${cc}`, `cmov${cc}`]) {
    install(m, function (this: Assembler, ...ops: Operand[]) {
      return this.insn(m, ...ops);
    });
  }
}
for (const m of STRING_METHODS) {
  install(m, function (this: Assembler, options?: StringOptions) {
    return this.stringInsn(m, options);
  });
}
