// Register operands for the assembler. Names are the SDM's (Vol. 1 3.4.1, 3.7.2.1); r8b..r15b are
// the byte registers iced calls R8L..R15L.
import { Register } from 'iced-x86';

export type RegClass = 'gpr8' | 'gpr16' | 'gpr32' | 'gpr64' | 'seg' | 'cr' | 'dr';

/** A register operand. `size` is in bytes (0 for control/debug registers, whose width follows the mode). */
export class Reg {
  constructor(
    readonly name: string,
    readonly cls: RegClass,
    readonly size: number,
    readonly id: Register,
  ) {}

  toString(): string {
    return this.name;
  }
}

const byName = new Map<string, Reg>();

function reg(name: string, cls: RegClass, size: number, id: Register): Reg {
  const r = new Reg(name, cls, size, id);
  byName.set(name, r);
  return r;
}

/** Looks a register up by its lower-case name (`'rax'`, `'r8b'`, `'cr4'`). */
export function registerByName(name: string): Reg | undefined {
  return byName.get(name.toLowerCase());
}

export const rax = reg('rax', 'gpr64', 8, Register.RAX);
export const rcx = reg('rcx', 'gpr64', 8, Register.RCX);
export const rdx = reg('rdx', 'gpr64', 8, Register.RDX);
export const rbx = reg('rbx', 'gpr64', 8, Register.RBX);
export const rsp = reg('rsp', 'gpr64', 8, Register.RSP);
export const rbp = reg('rbp', 'gpr64', 8, Register.RBP);
export const rsi = reg('rsi', 'gpr64', 8, Register.RSI);
export const rdi = reg('rdi', 'gpr64', 8, Register.RDI);
export const r8 = reg('r8', 'gpr64', 8, Register.R8);
export const r9 = reg('r9', 'gpr64', 8, Register.R9);
export const r10 = reg('r10', 'gpr64', 8, Register.R10);
export const r11 = reg('r11', 'gpr64', 8, Register.R11);
export const r12 = reg('r12', 'gpr64', 8, Register.R12);
export const r13 = reg('r13', 'gpr64', 8, Register.R13);
export const r14 = reg('r14', 'gpr64', 8, Register.R14);
export const r15 = reg('r15', 'gpr64', 8, Register.R15);

export const eax = reg('eax', 'gpr32', 4, Register.EAX);
export const ecx = reg('ecx', 'gpr32', 4, Register.ECX);
export const edx = reg('edx', 'gpr32', 4, Register.EDX);
export const ebx = reg('ebx', 'gpr32', 4, Register.EBX);
export const esp = reg('esp', 'gpr32', 4, Register.ESP);
export const ebp = reg('ebp', 'gpr32', 4, Register.EBP);
export const esi = reg('esi', 'gpr32', 4, Register.ESI);
export const edi = reg('edi', 'gpr32', 4, Register.EDI);
export const r8d = reg('r8d', 'gpr32', 4, Register.R8D);
export const r9d = reg('r9d', 'gpr32', 4, Register.R9D);
export const r10d = reg('r10d', 'gpr32', 4, Register.R10D);
export const r11d = reg('r11d', 'gpr32', 4, Register.R11D);
export const r12d = reg('r12d', 'gpr32', 4, Register.R12D);
export const r13d = reg('r13d', 'gpr32', 4, Register.R13D);
export const r14d = reg('r14d', 'gpr32', 4, Register.R14D);
export const r15d = reg('r15d', 'gpr32', 4, Register.R15D);

export const ax = reg('ax', 'gpr16', 2, Register.AX);
export const cx = reg('cx', 'gpr16', 2, Register.CX);
export const dx = reg('dx', 'gpr16', 2, Register.DX);
export const bx = reg('bx', 'gpr16', 2, Register.BX);
export const sp = reg('sp', 'gpr16', 2, Register.SP);
export const bp = reg('bp', 'gpr16', 2, Register.BP);
export const si = reg('si', 'gpr16', 2, Register.SI);
export const di = reg('di', 'gpr16', 2, Register.DI);
export const r8w = reg('r8w', 'gpr16', 2, Register.R8W);
export const r9w = reg('r9w', 'gpr16', 2, Register.R9W);
export const r10w = reg('r10w', 'gpr16', 2, Register.R10W);
export const r11w = reg('r11w', 'gpr16', 2, Register.R11W);
export const r12w = reg('r12w', 'gpr16', 2, Register.R12W);
export const r13w = reg('r13w', 'gpr16', 2, Register.R13W);
export const r14w = reg('r14w', 'gpr16', 2, Register.R14W);
export const r15w = reg('r15w', 'gpr16', 2, Register.R15W);

export const al = reg('al', 'gpr8', 1, Register.AL);
export const cl = reg('cl', 'gpr8', 1, Register.CL);
export const dl = reg('dl', 'gpr8', 1, Register.DL);
export const bl = reg('bl', 'gpr8', 1, Register.BL);
export const ah = reg('ah', 'gpr8', 1, Register.AH);
export const ch = reg('ch', 'gpr8', 1, Register.CH);
export const dh = reg('dh', 'gpr8', 1, Register.DH);
export const bh = reg('bh', 'gpr8', 1, Register.BH);
export const spl = reg('spl', 'gpr8', 1, Register.SPL);
export const bpl = reg('bpl', 'gpr8', 1, Register.BPL);
export const sil = reg('sil', 'gpr8', 1, Register.SIL);
export const dil = reg('dil', 'gpr8', 1, Register.DIL);
export const r8b = reg('r8b', 'gpr8', 1, Register.R8L);
export const r9b = reg('r9b', 'gpr8', 1, Register.R9L);
export const r10b = reg('r10b', 'gpr8', 1, Register.R10L);
export const r11b = reg('r11b', 'gpr8', 1, Register.R11L);
export const r12b = reg('r12b', 'gpr8', 1, Register.R12L);
export const r13b = reg('r13b', 'gpr8', 1, Register.R13L);
export const r14b = reg('r14b', 'gpr8', 1, Register.R14L);
export const r15b = reg('r15b', 'gpr8', 1, Register.R15L);

export const es = reg('es', 'seg', 2, Register.ES);
export const cs = reg('cs', 'seg', 2, Register.CS);
export const ss = reg('ss', 'seg', 2, Register.SS);
export const ds = reg('ds', 'seg', 2, Register.DS);
export const fs = reg('fs', 'seg', 2, Register.FS);
export const gs = reg('gs', 'seg', 2, Register.GS);

export const cr0 = reg('cr0', 'cr', 0, Register.CR0);
export const cr1 = reg('cr1', 'cr', 0, Register.CR1);
export const cr2 = reg('cr2', 'cr', 0, Register.CR2);
export const cr3 = reg('cr3', 'cr', 0, Register.CR3);
export const cr4 = reg('cr4', 'cr', 0, Register.CR4);
export const cr5 = reg('cr5', 'cr', 0, Register.CR5);
export const cr6 = reg('cr6', 'cr', 0, Register.CR6);
export const cr7 = reg('cr7', 'cr', 0, Register.CR7);
export const cr8 = reg('cr8', 'cr', 0, Register.CR8);
export const cr9 = reg('cr9', 'cr', 0, Register.CR9);
export const cr10 = reg('cr10', 'cr', 0, Register.CR10);
export const cr11 = reg('cr11', 'cr', 0, Register.CR11);
export const cr12 = reg('cr12', 'cr', 0, Register.CR12);
export const cr13 = reg('cr13', 'cr', 0, Register.CR13);
export const cr14 = reg('cr14', 'cr', 0, Register.CR14);
export const cr15 = reg('cr15', 'cr', 0, Register.CR15);

export const dr0 = reg('dr0', 'dr', 0, Register.DR0);
export const dr1 = reg('dr1', 'dr', 0, Register.DR1);
export const dr2 = reg('dr2', 'dr', 0, Register.DR2);
export const dr3 = reg('dr3', 'dr', 0, Register.DR3);
export const dr4 = reg('dr4', 'dr', 0, Register.DR4);
export const dr5 = reg('dr5', 'dr', 0, Register.DR5);
export const dr6 = reg('dr6', 'dr', 0, Register.DR6);
export const dr7 = reg('dr7', 'dr', 0, Register.DR7);
export const dr8 = reg('dr8', 'dr', 0, Register.DR8);
export const dr9 = reg('dr9', 'dr', 0, Register.DR9);
export const dr10 = reg('dr10', 'dr', 0, Register.DR10);
export const dr11 = reg('dr11', 'dr', 0, Register.DR11);
export const dr12 = reg('dr12', 'dr', 0, Register.DR12);
export const dr13 = reg('dr13', 'dr', 0, Register.DR13);
export const dr14 = reg('dr14', 'dr', 0, Register.DR14);
export const dr15 = reg('dr15', 'dr', 0, Register.DR15);
