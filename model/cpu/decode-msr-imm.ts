// A decoder of our own for the MSR-access encodings iced-x86 1.21 does not know (it reports them as invalid),
// reached from decode.ts when iced gives up. 64-bit mode only: in every other mode these bytes stay #UD.
//
//   RDMSR   r64, imm32   VEX.128.F2.M7.W0 F6 /0 id   (SDM Vol. 2 RDMSR, immediate form; MSR_IMM)
//   WRMSRNS imm32, r64   VEX.128.F3.M7.W0 F6 /0 id   (SDM Vol. 2 WRMSRNS, immediate form; MSR_IMM)
//   URDMSR  r64, imm32   VEX.128.F2.M7.W0 F8 /0 id   (SDM Vol. 2 URDMSR; USER_MSR)
//   UWRMSR  imm32, r64   VEX.128.F3.M7.W0 F8 /0 id   (SDM Vol. 2 UWRMSR; USER_MSR)
//   URDMSR  r64, r64     F2 (REX) 0F 38 F8 /r, mod = 11b: ModRM.rm receives the MSR named by ModRM.reg
//   UWRMSR  r64, r64     F3 (REX) 0F 38 F8 /r, mod = 11b: ModRM.rm is written to the MSR named by ModRM.reg
//
// The VEX forms use the three-byte prefix C4 with map 7 (m-mmmm = 00111b); VEX.vvvv must be 1111b, VEX.L and
// VEX.W 0, ModRM.mod 11b and ModRM.reg 000b, else the bytes are not these instructions (#UD). VEX.B extends
// ModRM.rm. The imm32 is the MSR address, zero-extended. With memory operands (mod != 11b) the F2/F3 0F 38 F8
// bytes are ENQCMD/ENQCMDS, which iced decodes itself. Not handled (left #UD): these encodings after other
// legacy prefixes (segment overrides, 67H), and the EVEX (APX) forms.
import { Mnemonic } from 'iced-x86';
import type { Decoded, Exec } from './decode.js';

export type MsrAccessForm = 'rdmsr-imm' | 'wrmsrns-imm' | 'urdmsr-imm' | 'uwrmsr-imm' | 'urdmsr-reg' | 'uwrmsr-reg';

/** One decoded instruction of these forms. */
export interface MsrAccessInstruction {
  readonly form: MsrAccessForm;
  readonly length: number;
  /** The general-purpose register (0-15) that receives or supplies the MSR's value. */
  readonly dataReg: number;
  /** The register (0-15) holding the MSR address, or -1 for the immediate forms. */
  readonly indexReg: number;
  /** The MSR address of the immediate forms (uint32). */
  readonly imm: number;
}

const GPR64 = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];

/** Decodes `bytes` as one of the forms above, or undefined when they are something else. */
export function decodeMsrAccess(bitness: 16 | 32 | 64, bytes: Uint8Array): MsrAccessInstruction | undefined {
  if (bitness !== 64) return undefined;
  const b = (i: number): number => (i < bytes.length ? bytes[i]! : -1);
  if (b(0) === 0xC4) {
    const p0 = b(1), p1 = b(2), op = b(3), modrm = b(4);
    if (modrm < 0 || bytes.length < 9) return undefined;
    if ((p0 & 0x1F) !== 7) return undefined; // map 7
    if ((p1 & 0x80) !== 0 || (p1 & 0x78) !== 0x78 || (p1 & 0x04) !== 0) return undefined; // W0, vvvv = 1111b, L0
    const pp = p1 & 3;
    if (pp !== 2 && pp !== 3) return undefined; // F3 or F2
    if (op !== 0xF6 && op !== 0xF8) return undefined;
    if ((modrm & 0xF8) !== 0xC0) return undefined; // mod = 11b, reg = 000b
    const dataReg = (modrm & 7) | ((p0 & 0x20) === 0 ? 8 : 0); // VEX.B is stored inverted
    const imm = (b(5) | (b(6) << 8) | (b(7) << 16) | (b(8) << 24)) >>> 0;
    const read = pp === 3;
    const form: MsrAccessForm = op === 0xF6 ? (read ? 'rdmsr-imm' : 'wrmsrns-imm') : (read ? 'urdmsr-imm' : 'uwrmsr-imm');
    return { form, length: 9, dataReg, indexReg: -1, imm };
  }
  if (b(0) !== 0xF2 && b(0) !== 0xF3) return undefined;
  let i = 1, rex = 0;
  if ((b(1) & 0xF0) === 0x40) { rex = b(1); i = 2; }
  if (b(i) !== 0x0F || b(i + 1) !== 0x38 || b(i + 2) !== 0xF8) return undefined;
  const modrm = b(i + 3);
  if (modrm < 0 || (modrm & 0xC0) !== 0xC0) return undefined;
  const reg = ((modrm >> 3) & 7) | ((rex & 4) << 1), rm = (modrm & 7) | ((rex & 1) << 3);
  return { form: b(0) === 0xF2 ? 'urdmsr-reg' : 'uwrmsr-reg', length: i + 4, dataReg: rm, indexReg: reg, imm: 0 };
}

/** Intel-syntax text of a decoded instruction. */
export function msrAccessText(d: MsrAccessInstruction): string {
  const r = GPR64[d.dataReg]!, imm = `0x${d.imm.toString(16).toUpperCase()}`;
  switch (d.form) {
    case 'rdmsr-imm': return `rdmsr ${r}, ${imm}`;
    case 'wrmsrns-imm': return `wrmsrns ${imm}, ${r}`;
    case 'urdmsr-imm': return `urdmsr ${r}, ${imm}`;
    case 'uwrmsr-imm': return `uwrmsr ${imm}, ${r}`;
    case 'urdmsr-reg': return `urdmsr ${r}, ${GPR64[d.indexReg]!}`;
    case 'uwrmsr-reg': return `uwrmsr ${GPR64[d.indexReg]!}, ${r}`;
  }
}

let execOf: ((d: MsrAccessInstruction) => Exec) | undefined;

/** The instruction group that executes these forms (exec/user-msr.ts) registers here. */
export function registerMsrAccessExec(f: (d: MsrAccessInstruction) => Exec): void {
  execOf = f;
}

/** The decode-cache record for these forms, or undefined when the bytes are not one of them. */
export function decodeMsrAccessRecord(bitness: 16 | 32 | 64, bytes: Uint8Array): Decoded | undefined {
  const d = execOf === undefined ? undefined : decodeMsrAccess(bitness, bytes);
  if (d === undefined || execOf === undefined) return undefined;
  const own = bytes.slice(0, d.length);
  return { exec: execOf(d), cls: 'system', length: d.length, mnemonic: Mnemonic.INVALID, bytes: own, bitness, text: () => msrAccessText(d) };
}
