// The MSR instructions iced-x86 cannot decode (decode-msr-imm.ts decodes them): RDMSR and WRMSRNS with an
// immediate MSR address (MSR_IMM) and URDMSR/UWRMSR (USER_MSR), SDM Vol. 2 RDMSR, WRMSRNS, URDMSR, UWRMSR.
// A part has them when its profile lists the CPUID flag (cpu-profile cpuid.features; CPUID.(EAX=07H,ECX=1):
// ECX[5] MSR_IMM, EDX[15] USER_MSR); otherwise, and outside 64-bit mode, they are #UD.
//
// RDMSR/WRMSRNS immediate: CPL 0 only (#GP(0)); the MSR is the imm32, the value a 64-bit register. In VMX
// non-root operation they exit exactly where RDMSR/WRMSR with that MSR address in ECX would (MSR bitmaps,
// SDM 26.1.3), with their own exit reasons 84/85; otherwise they do what RDMSR/WRMSR do (msr-insns.ts).
// WRMSRNS's non-serializing property has no effect in the model.
//
// URDMSR/UWRMSR: any CPL. #UD while IA32_USER_MSR_CTL.enable (bit 0) is 0; #GP(0) for an MSR address above
// 3FFFH or whose bit in the user-MSR bitmap is 0 (the bitmap: the 4-KByte page at the linear address in
// IA32_USER_MSR_CTL[63:12], read with supervisor-mode implicit accesses; bytes 0-7FFH for reads, 800H-FFFH
// for writes). An allowed access then reads or writes the MSR as RDMSR/WRMSR would at CPL 0 (#GP(0) for an
// MSR the model does not have). In VMX non-root operation every URDMSR/UWRMSR that passes those checks exits
// (reasons 80/81), unconditionally; there is no VM-execution control for them.
//
// All four exits save the MSR address in the exit qualification (28.2.1, exit-qualification.msr-index) and
// the data register in bits 6:3 of the instruction information (28.2.5).
import type { Cpu } from '../cpu.js';
import { Fault, GP, UD } from '../fault.js';
import { READ, translate } from '../mmu.js';
import { isCanonicalMsrValue, onMsrReset } from '../msr.js';
import { type MsrAccessInstruction, registerMsrAccessExec } from '../decode-msr-imm.js';
import { EXIT_REASON } from '../../generated/index.js';
import { layoutField } from '../../arch/catalogue.js';
import { fieldMask } from '../../arch/decode.js';
import { inNonRoot, instructionExit, msrExits } from '../../vmx/exits.js';
import { cpuidTable } from './cpuid.js';
import { rdmsrExecuted, wrmsrExecuted } from './msr-insns.js';

/** IA32_USER_MSR_CTL (SDM Vol. 2 URDMSR; Vol. 4 Table 2-2). Its bits come from spec/data/layouts/msrs.json. */
export const IA32_USER_MSR_CTL = 0x1C;
const ctlField = (id: string): bigint => fieldMask(layoutField('msr.ia32-user-msr-ctl', id));
const CTL_ENABLE = ctlField('enable');
const CTL_BITMAP = ctlField('bitmapAddress');
/** The highest MSR address the user-MSR bitmap covers; bytes 800H-FFFH of the bitmap are the write half. */
const USER_MSR_LIMIT = 0x3FFF, USER_MSR_WRITE_HALF = 0x800;

const hasFeature = (cpu: Cpu, name: 'MSR_IMM' | 'USER_MSR'): boolean => cpuidTable(cpu).features.has(name);

// IA32_USER_MSR_CTL exists when the part has USER_MSR: bits 11:1 reserved, the address must be canonical
// (#GP(0) on WRMSR otherwise); 0 at reset.
onMsrReset((cpu, msrs) => {
  if (!hasFeature(cpu, 'USER_MSR')) { msrs.undefine(IA32_USER_MSR_CTL); return; }
  msrs.values.set(IA32_USER_MSR_CTL, 0n);
  msrs.define(IA32_USER_MSR_CTL, {
    read: () => msrs.values.get(IA32_USER_MSR_CTL) ?? 0n,
    write: (c, v) => {
      if ((v & ~(CTL_ENABLE | CTL_BITMAP)) !== 0n || !isCanonicalMsrValue(c, v)) return false;
      msrs.values.set(IA32_USER_MSR_CTL, v);
      return true;
    },
  });
});

function readGpr(cpu: Cpu, r: number): bigint {
  return (BigInt(cpu.hi[r]! >>> 0) << 32n) | BigInt(cpu.lo[r]! >>> 0);
}

function writeGpr(cpu: Cpu, r: number, v: bigint): void {
  cpu.lo[r] = Number(v & 0xFFFF_FFFFn) | 0;
  cpu.hi[r] = Number((v >> 32n) & 0xFFFF_FFFFn) | 0;
}

/** The exit information of reasons 80, 81, 84 and 85. */
function msrAccessExit(cpu: Cpu, reason: number, d: MsrAccessInstruction, index: number): void {
  instructionExit(cpu, reason, d.length, { qualification: BigInt(index >>> 0), instructionInformation: d.dataReg << 3 });
}

/** URDMSR/UWRMSR's checks (#UD, #GP(0)) and the MSR address they access. */
function userMsrIndex(cpu: Cpu, d: MsrAccessInstruction, write: boolean): number {
  if (!hasFeature(cpu, 'USER_MSR')) throw new Fault(UD);
  const ctl = cpu.msr.read(IA32_USER_MSR_CTL) ?? 0n;
  if ((ctl & CTL_ENABLE) === 0n) throw new Fault(UD);
  const index = d.indexReg < 0 ? BigInt(d.imm) : readGpr(cpu, d.indexReg);
  if (index > BigInt(USER_MSR_LIMIT)) throw new Fault(GP, 0);
  const i = Number(index);
  const byte = (ctl & CTL_BITMAP) + BigInt((write ? USER_MSR_WRITE_HALF : 0) + (i >>> 3));
  const pa = translate(cpu, Number(byte & 0xFFFF_FFFFn) | 0, Number(byte >> 32n) | 0, READ, true);
  if (((cpu.memory.read8(pa) >>> (i & 7)) & 1) === 0) throw new Fault(GP, 0);
  return i;
}

/** RDMSR (write = false) or WRMSRNS (write = true) with an immediate MSR address. */
function msrImmediate(d: MsrAccessInstruction, write: boolean): (cpu: Cpu) => void {
  const reason = write ? EXIT_REASON.WRMSRNS_IMMEDIATE : EXIT_REASON.RDMSR_IMMEDIATE;
  return (cpu) => {
    if (!hasFeature(cpu, 'MSR_IMM')) throw new Fault(UD);
    if (cpu.cpl !== 0) throw new Fault(GP, 0);
    if (inNonRoot(cpu) && msrExits(cpu, d.imm, write)) { msrAccessExit(cpu, reason, d, d.imm); return; }
    if (write) wrmsrExecuted(cpu, d.imm, readGpr(cpu, d.dataReg));
    else writeGpr(cpu, d.dataReg, rdmsrExecuted(cpu, d.imm));
  };
}

function execOf(d: MsrAccessInstruction): (cpu: Cpu) => void {
  switch (d.form) {
    case 'rdmsr-imm': return msrImmediate(d, false);
    case 'wrmsrns-imm': return msrImmediate(d, true);
    case 'urdmsr-imm': case 'urdmsr-reg':
      return (cpu) => {
        const index = userMsrIndex(cpu, d, false);
        if (inNonRoot(cpu)) { msrAccessExit(cpu, EXIT_REASON.URDMSR, d, index); return; }
        const value = cpu.msr.read(index);
        if (value === undefined) throw new Fault(GP, 0);
        writeGpr(cpu, d.dataReg, value);
      };
    case 'uwrmsr-imm': case 'uwrmsr-reg':
      return (cpu) => {
        const index = userMsrIndex(cpu, d, true);
        if (inNonRoot(cpu)) { msrAccessExit(cpu, EXIT_REASON.UWRMSR, d, index); return; }
        if (!cpu.msr.write(index, readGpr(cpu, d.dataReg))) throw new Fault(GP, 0);
        cpu.eventCheck = true;
      };
  }
}

registerMsrAccessExec(execOf);
