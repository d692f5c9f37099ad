// Instruction-caused VM exits in VMX non-root operation (SDM 26.1): the instruction groups of the core
// ask here whether to exit instead of executing. Exceptions with priority over these exits (#UD,
// privilege-based #GP, I/O-permission #GP: SDM 26.1.1) are raised by the instruction before it asks.
import type { Cpu } from '../cpu/cpu.js';
import type { InstrView } from '../cpu/decode.js';
import { regInfo } from '../cpu/registers.js';
import { EXIT_REASON, PROC_CTLS, PROC2_CTLS } from '../generated/index.js';
import { vmExit, type ExitInfo } from './transitions.js';

/** True while a guest runs (VMX non-root operation). */
export function inNonRoot(cpu: Cpu): boolean {
  return cpu.vmx?.nonRoot === true;
}

/** Whether a primary processor-based control is 1 in the current VMCS. */
export function procControl(cpu: Cpu, mask: number): boolean {
  return ((cpu.vmx?.current?.get('PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS') ?? 0n) & BigInt(mask)) !== 0n;
}

/**
 * Whether a secondary processor-based control is 1; with "activate secondary controls" 0 every
 * secondary control is treated as 0 (SDM 25.6.2).
 */
export function proc2Control(cpu: Cpu, mask: number): boolean {
  if (!procControl(cpu, PROC_CTLS.ACTIVATE_SECONDARY_CONTROLS)) return false;
  return ((cpu.vmx?.current?.get('SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS') ?? 0n) & BigInt(mask)) !== 0n;
}

/** Whether a tertiary processor-based control is 1; with "activate tertiary controls" 0 every tertiary control is 0 (SDM 25.6.2). */
export function proc3Control(cpu: Cpu, mask: bigint): boolean {
  if (!procControl(cpu, PROC_CTLS.ACTIVATE_TERTIARY_CONTROLS)) return false;
  return ((cpu.vmx?.current?.get('TERTIARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS') ?? 0n) & mask) !== 0n;
}

/** An instruction-caused exit: the instruction does not execute; its length is saved (SDM 28.2.5). */
const NO_INFO: Omit<ExitInfo, 'instructionLength'> = {};

export function instructionExit(cpu: Cpu, reason: number, length: number, info: Omit<ExitInfo, 'instructionLength'> = NO_INFO): void {
  vmExit(cpu, reason, info, length);
}

/**
 * The memory-operand part of the VM-exit instruction-information field (SDM 28.2.5: scaling, address
 * size, segment register, index and base registers with their invalid bits), as bits of the field.
 */
export function memoryOperandInformation(v: InstrView): number {
  const scaling = v.memScale === 8 ? 3 : v.memScale === 4 ? 2 : v.memScale === 2 ? 1 : 0;
  const addressSize = v.addressSize === 16 ? 0 : v.addressSize === 32 ? 1 : 2;
  const seg = regInfo(v.memSeg);
  const segment = seg.kind === 'seg' ? seg.index : 3;
  const index = regInfo(v.memIndex), base = regInfo(v.memBase);
  const indexBits = index.kind === 'gpr' ? index.index << 18 : 1 << 22;
  const baseBits = base.kind === 'gpr' && !v.ipRel ? base.index << 23 : 1 << 27;
  return (scaling | (addressSize << 7) | (segment << 15) | indexBits | baseBits) >>> 0;
}

/**
 * The exit qualification of an instruction with a memory operand: its displacement, sign-extended to
 * 64 bits (SDM 28.2.1).
 */
export function displacementQualification(v: InstrView): bigint {
  // The decoder reports RIP-relative operands as their target and narrower addressing truncated to the
  // address size; the displacement field itself is what the SDM asks for.
  const raw = v.ipRel ? BigInt(v.memDispl) : BigInt.asIntN(v.addressSize, v.memDisplBig);
  return BigInt.asUintN(64, raw);
}

/** Operand size in the 2-bit encoding of the instruction-information field: 0 = 16, 1 = 32, 2 = 64 bits. */
export function operandSizeCode(bytes: number): number {
  return bytes === 2 ? 0 : bytes === 4 ? 1 : 2;
}

const MSR_BITMAP_WRITE = 0x800, MSR_BITMAP_HIGH = 0x400;

/**
 * Whether RDMSR (write = false) or WRMSR of ECX = index exits (SDM 26.1.3): always without MSR bitmaps;
 * with them, by the bit of the 4 KiB bitmap (SDM 25.6.9: read low, read high, write low, write high,
 * 1 KiB each, for MSRs 0-1FFFh and C0000000h-C0001FFFh); an MSR outside both ranges always exits.
 */
export function msrExits(cpu: Cpu, index: number, write: boolean): boolean {
  if (!procControl(cpu, PROC_CTLS.USE_MSR_BITMAPS)) return true;
  let offset: number;
  if (index >= 0 && index <= 0x1FFF) offset = 0;
  else if (index >= 0xC000_0000 && index <= 0xC000_1FFF) offset = MSR_BITMAP_HIGH;
  else return true;
  if (write) offset += MSR_BITMAP_WRITE;
  const bit = index & 0x1FFF;
  const base = Number(cpu.vmx!.current!.get('MSR_BITMAPS_ADDRESS'));
  return ((cpu.memory.read8(base + offset + (bit >>> 3)) >>> (bit & 7)) & 1) !== 0;
}

/**
 * Whether an I/O instruction touching ports [port, port + size) exits (SDM 26.1.3): "unconditional I/O
 * exiting" when I/O bitmaps are off; otherwise any port whose bit is 1 in bitmap A (ports 0-7FFFh) or
 * B (8000h-FFFFh), and any access that wraps past port FFFFh.
 */
export function ioExits(cpu: Cpu, port: number, size: number): boolean {
  if (!procControl(cpu, PROC_CTLS.USE_IO_BITMAPS)) return procControl(cpu, PROC_CTLS.UNCONDITIONAL_IO_EXITING);
  if (port + size > 0x1_0000) return true;
  const vmcs = cpu.vmx!.current!;
  for (let p = port; p < port + size; p++) {
    const base = Number(vmcs.get(p < 0x8000 ? 'IO_BITMAP_A_ADDRESS' : 'IO_BITMAP_B_ADDRESS'));
    const bit = p & 0x7FFF;
    if (((cpu.memory.read8(base + (bit >>> 3)) >>> (bit & 7)) & 1) !== 0) return true;
  }
  return false;
}

/** Exit qualification for I/O instructions (SDM 28.2.1, Table 28-5). */
export function ioQualification(port: number, size: number, input: boolean, string: boolean, rep: boolean, immediate: boolean): bigint {
  return BigInt(((size - 1) | (input ? 8 : 0) | (string ? 0x10 : 0) | (rep ? 0x20 : 0) | (immediate ? 0x40 : 0) | (port << 16)) >>> 0);
}

// ---- Control-register accesses (SDM 26.1.3, 26.3; qualification: 28.2.1 Table 28-3)

/** CR-access exit-qualification access types. */
export const CR_ACCESS = { MOV_TO_CR: 0, MOV_FROM_CR: 1, CLTS: 2, LMSW: 3 } as const;

function crAccessQualification(cr: number, accessType: number, gpr: number, lmsw = 0, lmswMemory = false): bigint {
  return BigInt((cr | (accessType << 4) | (lmswMemory ? 0x40 : 0) | (gpr << 8) | ((lmsw & 0xFFFF) << 16)) >>> 0);
}

function natural(cpu: Cpu, field: string): number {
  return Number(cpu.vmx!.current!.get(field) & 0xFFFF_FFFFn) | 0;
}

/** Bits 31:0 of the guest/host mask and read shadow of CR0 or CR4 (movToCrExit also reads bits 63:32). */
function maskAndShadow(cpu: Cpu, cr: 0 | 4): { mask: number; shadow: number } {
  return cr === 0
    ? { mask: natural(cpu, 'CR0_GUEST_HOST_MASK'), shadow: natural(cpu, 'CR0_READ_SHADOW') }
    : { mask: natural(cpu, 'CR4_GUEST_HOST_MASK'), shadow: natural(cpu, 'CR4_READ_SHADOW') };
}

/**
 * MOV to CR0/CR3/CR4/CR8 in VMX non-root operation (SDM 26.1.3): exits, or returns the value the
 * instruction loads. CR0/CR4: an exit when a bit set in the guest/host mask (all 64 bits) differs from the
 * read shadow in the source; otherwise the masked bits keep their current value (26.3). CR3: with "CR3-load
 * exiting", an exit unless the value equals one of the first CR3-target-count target values. CR8: with
 * "CR8-load exiting" (without it, "use TPR shadow" sends the write to the virtual-APIC page: apic-virtualization.ts).
 */
export function movToCrExit(cpu: Cpu, length: number, cr: number, gpr: number, lo: number, hi: number): { lo: number; hi: number } | undefined {
  let exits = false;
  if (cr === 0 || cr === 4) {
    const { mask, shadow } = maskAndShadow(cpu, cr);
    // Bits 63:32 count too: a masked bit there that differs from the shadow exits, and the exit has
    // priority over the #GP the write of a reserved bit would raise (26.1.1: fault-like exits come first).
    const vmcs = cpu.vmx!.current!;
    const maskHi = Number(vmcs.get(cr === 0 ? 'CR0_GUEST_HOST_MASK' : 'CR4_GUEST_HOST_MASK') >> 32n) | 0;
    const shadowHi = Number(vmcs.get(cr === 0 ? 'CR0_READ_SHADOW' : 'CR4_READ_SHADOW') >> 32n) | 0;
    exits = ((lo ^ shadow) & mask) !== 0 || ((hi ^ shadowHi) & maskHi) !== 0;
    // Masked bits keep CR0's/CR4's value (26.3), whose bits 63:32 are 0.
    if (!exits) { lo = (lo & ~mask) | ((cr === 0 ? cpu.cr0 : cpu.cr4) & mask); hi &= ~maskHi; }
  } else if (cr === 3 && procControl(cpu, PROC_CTLS.CR3_LOAD_EXITING)) {
    const value = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
    const vmcs = cpu.vmx!.current!;
    const count = Number(vmcs.get('CR3_TARGET_COUNT'));
    exits = true;
    for (let i = 0; i < count && i < 4; i++) if (vmcs.get(`CR3_TARGET_VALUE${i}`) === value) exits = false;
  } else if (cr === 8) {
    exits = procControl(cpu, PROC_CTLS.CR8_LOAD_EXITING);
  }
  if (!exits) return { lo, hi };
  instructionExit(cpu, EXIT_REASON.CR_ACCESS, length, { qualification: crAccessQualification(cr, CR_ACCESS.MOV_TO_CR, gpr) });
  return undefined;
}

/**
 * MOV from CR3/CR8 exits with "CR3-store exiting" / "CR8-store exiting" (SDM 26.1.3); MOV from CR0/CR4
 * never exits and reads the read shadow in the bits set in the guest/host mask (26.3, shadowedCr).
 * Returns true when it exited.
 */
export function movFromCrExit(cpu: Cpu, length: number, cr: number, gpr: number): boolean {
  const exits = (cr === 3 && procControl(cpu, PROC_CTLS.CR3_STORE_EXITING)) || (cr === 8 && procControl(cpu, PROC_CTLS.CR8_STORE_EXITING));
  if (exits) instructionExit(cpu, EXIT_REASON.CR_ACCESS, length, { qualification: crAccessQualification(cr, CR_ACCESS.MOV_FROM_CR, gpr) });
  return exits;
}

/** What MOV from CR0/CR4 returns in VMX non-root operation: the read shadow's bits where the mask is 1 (SDM 26.3). */
export function shadowedCr(cpu: Cpu, cr: 0 | 4, actual: number): number {
  const { mask, shadow } = maskAndShadow(cpu, cr);
  return (actual & ~mask) | (shadow & mask);
}

/**
 * CLTS (SDM 26.1.3, 26.3): exits when CR0 mask bit 3 (TS) and read-shadow bit 3 are both 1; with the
 * mask bit 1 and the shadow bit 0 it leaves CR0.TS alone. Returns 'exit', 'keep' (no change) or 'run'.
 */
export function cltsExit(cpu: Cpu, length: number): 'exit' | 'keep' | 'run' {
  const { mask, shadow } = maskAndShadow(cpu, 0);
  if ((mask & 8) === 0) return 'run';
  if ((shadow & 8) === 0) return 'keep';
  instructionExit(cpu, EXIT_REASON.CR_ACCESS, length, { qualification: crAccessQualification(0, CR_ACCESS.CLTS, 0) });
  return 'exit';
}

/**
 * LMSW (SDM 26.1.3): exits when CR0 mask bit 0 is 1, the shadow's PE is 0 and the source's PE is 1, or
 * a mask bit among 3:1 is 1 and the source differs from the shadow there. Otherwise returns the source
 * with the masked bits 3:0 replaced by CR0's (26.3). The qualification carries the source data and the
 * operand type; a memory operand also saves its linear address (28.2.1).
 */
export function lmswExit(cpu: Cpu, length: number, source: number, memoryLinear: bigint | undefined): number | undefined {
  const { mask, shadow } = maskAndShadow(cpu, 0);
  const peExit = (mask & 1) !== 0 && (shadow & 1) === 0 && (source & 1) !== 0;
  const otherExit = ((source ^ shadow) & mask & 0xE) !== 0;
  if (peExit || otherExit) {
    const memory = memoryLinear !== undefined;
    instructionExit(cpu, EXIT_REASON.CR_ACCESS, length, {
      qualification: crAccessQualification(0, CR_ACCESS.LMSW, 0, source, memory),
      ...(memory ? { guestLinearAddress: memoryLinear } : {}),
    });
    return undefined;
  }
  return (source & ~(mask & 0xF)) | (cpu.cr0 & mask & 0xF);
}

/** MOV DR exiting (SDM 26.1.3); qualification per 28.2.1 Table 28-4 (direction 1 = MOV from DR). */
export function movDrExit(cpu: Cpu, length: number, dr: number, fromDr: boolean, gpr: number): boolean {
  if (!procControl(cpu, PROC_CTLS.MOV_DR_EXITING)) return false;
  instructionExit(cpu, EXIT_REASON.MOV_DR, length, { qualification: BigInt(dr | (fromDr ? 0x10 : 0) | (gpr << 8)) });
  return true;
}

/** Instruction identities of the descriptor-table exits (SDM 28.2.5, Tables 28-10, 28-11). */
export const DESCRIPTOR_IDENTITY = { SGDT: 0, SIDT: 1, LGDT: 2, LIDT: 3, SLDT: 0, STR: 1, LLDT: 2, LTR: 3 } as const;

/**
 * "Descriptor-table exiting" (SDM 26.1.3): LGDT/LIDT/SGDT/SIDT exit with reason 46, LLDT/LTR/SLDT/STR
 * with 47; the instruction information names the instruction and its operand, and a memory operand's
 * displacement is the qualification (28.2.1, 28.2.5). `register` is the GPR of a register operand.
 * Operand-size bit 11 (reason 46) is 1 for a 32-bit operand outside 64-bit mode, else 0 (undefined in
 * 64-bit mode).
 */
export function descriptorTableExit(cpu: Cpu, v: InstrView, ldtrTr: boolean, identity: number, register?: number, operand32 = false): boolean {
  if (!proc2Control(cpu, PROC2_CTLS.DESCRIPTOR_TABLE_EXITING)) return false;
  const memory = register === undefined;
  let info = (identity << 28) >>> 0;
  if (memory) info |= memoryOperandInformation(v);
  else info |= (register << 3) | (1 << 10);
  if (!ldtrTr && operand32 && v.bitness !== 64) info |= 1 << 11;
  instructionExit(cpu, ldtrTr ? EXIT_REASON.LDTR_TR_ACCESS : EXIT_REASON.GDTR_IDTR_ACCESS, v.length, {
    instructionInformation: info >>> 0,
    qualification: memory ? displacementQualification(v) : 0n,
  });
  return true;
}

/**
 * INVPCID exits when "enable INVPCID" and "INVLPG exiting" are both 1 (SDM 26.1.3): the qualification is
 * the memory operand's displacement, the instruction information its addressing plus Reg2, the register
 * holding the INVPCID type (28.2.1, 28.2.5).
 */
export function invpcidExit(cpu: Cpu, v: InstrView, typeRegister: number): boolean {
  if (!procControl(cpu, PROC_CTLS.INVLPG_EXITING)) return false;
  instructionExit(cpu, EXIT_REASON.INVPCID, v.length, {
    qualification: displacementQualification(v),
    instructionInformation: (memoryOperandInformation(v) | (typeRegister << 28)) >>> 0,
  });
  return true;
}

export const HLT_EXITING = PROC_CTLS.HLT_EXITING;
export { PROC_CTLS, PROC2_CTLS };
