// Register names and numbers: iced-x86's Register enum mapped to our register file.
import { Register } from 'iced-x86';

/** General-purpose register numbers, as the instruction encodings number them (SDM Vol. 2 2.1.5). */
export const RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSP = 4, RBP = 5, RSI = 6, RDI = 7;

/** Segment register numbers (SDM Vol. 3A 3.4.2; the order of the Sreg encoding). */
export const ES = 0, CS = 1, SS = 2, DS = 3, FS = 4, GS = 5, LDTR = 6, TR = 7;
export const SEGMENT_NAMES = ['ES', 'CS', 'SS', 'DS', 'FS', 'GS', 'LDTR', 'TR'] as const;

export type RegKind = 'gpr' | 'seg' | 'cr' | 'dr' | 'ip' | 'other';

export interface RegInfo {
  readonly kind: RegKind;
  /** GPR 0-15, segment 0-5, CR/DR number. */
  readonly index: number;
  /** Size in bytes. */
  readonly size: 1 | 2 | 4 | 8;
  /** AH, CH, DH, BH: bits 15:8 of registers 0-3. */
  readonly high8: boolean;
}

const NONE: RegInfo = { kind: 'other', index: -1, size: 8, high8: false };
const table: RegInfo[] = [];

function build(): void {
  for (let i = 0; i < 16; i++) {
    // AL..BL = 1..4, AH..BH = 5..8, SPL..DIL = 9..12, R8L..R15L = 13..20
    const r8 = i < 4 ? Register.AL + i : i < 8 ? Register.SPL + (i - 4) : Register.R8L + (i - 8);
    table[r8] = { kind: 'gpr', index: i, size: 1, high8: false };
    table[Register.AX + i] = { kind: 'gpr', index: i, size: 2, high8: false };
    table[Register.EAX + i] = { kind: 'gpr', index: i, size: 4, high8: false };
    table[Register.RAX + i] = { kind: 'gpr', index: i, size: 8, high8: false };
  }
  for (let i = 0; i < 4; i++) table[Register.AH + i] = { kind: 'gpr', index: i, size: 1, high8: true };
  for (let i = 0; i < 6; i++) table[Register.ES + i] = { kind: 'seg', index: i, size: 2, high8: false };
  for (let i = 0; i < 16; i++) {
    table[Register.CR0 + i] = { kind: 'cr', index: i, size: 8, high8: false };
    table[Register.DR0 + i] = { kind: 'dr', index: i, size: 8, high8: false };
  }
  table[Register.EIP] = { kind: 'ip', index: 0, size: 4, high8: false };
  table[Register.RIP] = { kind: 'ip', index: 0, size: 8, high8: false };
}
build();

export function regInfo(r: Register): RegInfo {
  return table[r] ?? NONE;
}
