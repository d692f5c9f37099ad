// ENQCMD and ENQCMDS (SDM Vol. 2 ENQCMD, ENQCMDS) with IA32_PASID, and PASID translation in VMX non-root
// operation (SDM 25.6.24, 26.5.8). A part has them when its profile lists ENQCMD (cpu-profile cpuid.features,
// CPUID.(EAX=07H,ECX=0):ECX[29]); otherwise they are #UD.
//
// Both read 64 bytes of command data from the memory operand, format them and write them with an enqueue
// store to the 64-byte-aligned ES:register destination (#GP(0) if not aligned; the segment cannot be
// overridden). ENQCMD: any CPL; #GP(0) while IA32_PASID.valid (bit 31) is 0; command bits 19:0 =
// IA32_PASID[19:0], bits 31:20 = 0 (user). ENQCMDS: CPL 0 only (#GP(0)); command bits 30:20 = 0, the rest
// (PASID in 19:0, privilege in 31) from the source. Bytes 4-63 come from the source in both.
//
// Enqueue registers are MMIO registers of devices; the model has no such device, so its "device side" is
// minimal and documented here: every enqueue store is accepted and its 64 bytes land at the destination's
// physical address like an ordinary store (RAM or whatever the bus maps there), and the completion status is
// success: ZF = 0. All other arithmetic flags are cleared (SDM Vol. 2 ENQCMD, Flags Affected).
//
// In VMX non-root operation with "PASID translation" 1, the 20-bit PASID going into the command (the guest
// PASID) is translated into a host PASID before the store: bit 19 selects the low or high PASID directory
// (VMCS, physical addresses), bits 18:10 an 8-byte directory entry (valid in bit 0, the 4-KByte PASID table
// in bits 51:12), bits 9:0 a 4-byte table entry (valid in bit 31, host PASID in bits 19:0); the layouts are
// spec/data/layouts/memory-structures.json. An entry that is not valid makes the instruction cause a VM exit
// (reason 72 for ENQCMD, 73 for ENQCMDS) instead of the enqueue store: fault-like, nothing stored, RIP at the
// instruction, the instruction length saved.
import { Mnemonic } from 'iced-x86';
import type { Cpu } from '../cpu.js';
import { type InstrView, registerBuilder } from '../decode.js';
import { Fault, GP, UD } from '../fault.js';
import { readSized, writeSized } from '../access.js';
import { ES, regInfo } from '../registers.js';
import { ARITH, writeFlags } from '../flags.js';
import { onMsrReset } from '../msr.js';
import { compileEa } from '../operands.js';
import { memSegment, offsetAdd, off } from './helpers.js';
import { cpuidTable } from './cpuid.js';
import { EXIT_REASON } from '../../generated/index.js';
import { layoutField } from '../../arch/catalogue.js';
import { fieldMask } from '../../arch/decode.js';
import { PROC2_CTLS, inNonRoot, instructionExit, proc2Control } from '../../vmx/exits.js';

/** IA32_PASID (SDM Vol. 2 ENQCMD; Vol. 4 Table 2-2); its bits come from spec/data/layouts/msrs.json. */
export const IA32_PASID = 0xD93;

function bits(layout: string, field: string): { mask: bigint; lsb: number } {
  const f = layoutField(layout, field);
  return { mask: fieldMask(f), lsb: f.lsb };
}

const PASID = bits('msr.ia32-pasid', 'pasid'), PASID_VALID = bits('msr.ia32-pasid', 'valid');
const G_TABLE = bits('memory.guest-pasid', 'tableIndex'), G_DIR = bits('memory.guest-pasid', 'directoryIndex');
const G_SELECT = bits('memory.guest-pasid', 'directorySelect');
const DIR_VALID = bits('memory.pasid-directory-entry', 'valid'), DIR_TABLE = bits('memory.pasid-directory-entry', 'tableAddress');
const TAB_VALID = bits('memory.pasid-table-entry', 'valid'), TAB_HOST = bits('memory.pasid-table-entry', 'hostPasid');
/** Command bits ENQCMD and ENQCMDS clear: 30:20 (reserved), and for ENQCMD also bit 31 (user). */
const CMD_RESERVED = 0x7FF0_0000, CMD_PRIV = 0x8000_0000;
const ENQUEUE_BYTES = 64;

const hasEnqcmd = (cpu: Cpu): boolean => cpuidTable(cpu).features.has('ENQCMD');

// IA32_PASID exists on a part with ENQCMD: bits 30:20 and 63:32 reserved (#GP(0) on WRMSR); 0 at reset.
onMsrReset((cpu, msrs) => {
  if (hasEnqcmd(cpu)) msrs.defineStorage(IA32_PASID, 0n, ~(PASID.mask | PASID_VALID.mask) & 0xFFFF_FFFF_FFFF_FFFFn);
  else msrs.undefine(IA32_PASID);
});

const field = (v: bigint, f: { mask: bigint; lsb: number }): bigint => (v & f.mask) >> BigInt(f.lsb);

/**
 * PASID translation (SDM 26.5.8): the host PASID for `guest`, or undefined when a PASID-directory or
 * PASID-table entry is not valid. The structures are read by physical address.
 */
export function translatePasid(cpu: Cpu, guest: number): number | undefined {
  const g = BigInt(guest);
  const vmcs = cpu.vmx!.current!;
  const dir = vmcs.get(field(g, G_SELECT) === 0n ? 'LOW_PASID_DIRECTORY_ADDRESS' : 'HIGH_PASID_DIRECTORY_ADDRESS');
  const dirEntryAt = Number(dir + field(g, G_DIR) * 8n);
  const dirEntry = (BigInt(cpu.memory.read32(dirEntryAt + 4) >>> 0) << 32n) | BigInt(cpu.memory.read32(dirEntryAt) >>> 0);
  if (field(dirEntry, DIR_VALID) === 0n) return undefined;
  const tableEntryAt = Number((dirEntry & DIR_TABLE.mask) + field(g, G_TABLE) * 4n);
  const tableEntry = BigInt(cpu.memory.read32(tableEntryAt) >>> 0);
  if (field(tableEntry, TAB_VALID) === 0n) return undefined;
  return Number(field(tableEntry, TAB_HOST));
}

function enqueue(supervisor: boolean) {
  return (v: InstrView) => {
    const dest = regInfo(v.opRegs[0]!);
    if (dest.kind !== 'gpr' || v.opKinds.length < 2) return undefined;
    const ea = compileEa(v);
    const seg = memSegment(v);
    const as = v.addressSize / 8;
    const reason = supervisor ? EXIT_REASON.ENQCMDS_PASID_TRANSLATION_FAILURE : EXIT_REASON.ENQCMD_PASID_TRANSLATION_FAILURE;
    return (cpu: Cpu) => {
      if (!hasEnqcmd(cpu)) throw new Fault(UD);
      let pasidMsr = 0n;
      if (supervisor) {
        if (cpu.cpl !== 0) throw new Fault(GP, 0);
      } else {
        pasidMsr = cpu.msr.read(IA32_PASID) ?? 0n;
        if ((pasidMsr & PASID_VALID.mask) === 0n) throw new Fault(GP, 0);
      }
      // The destination offset at the address size; it must be 64-byte aligned.
      const dLo = as === 2 ? cpu.lo[dest.index]! & 0xFFFF : cpu.lo[dest.index]!;
      const dHi = as === 8 ? cpu.hi[dest.index]! : 0;
      if ((dLo & (ENQUEUE_BYTES - 1)) !== 0) throw new Fault(GP, 0);
      // The 64 bytes of command data, as 16 dwords.
      ea(cpu);
      const sLo = cpu.eaLo, sHi = cpu.eaHi;
      const cmd = new Int32Array(ENQUEUE_BYTES / 4);
      for (let i = 0; i < cmd.length; i++) {
        offsetAdd(as, sLo, sHi, 4 * i);
        cmd[i] = readSized(cpu, seg, off.lo, off.hi, 4);
      }
      let pasid = supervisor ? cmd[0]! & Number(PASID.mask) : Number(field(pasidMsr, PASID));
      if (inNonRoot(cpu) && proc2Control(cpu, PROC2_CTLS.PASID_TRANSLATION)) {
        const host = translatePasid(cpu, pasid);
        if (host === undefined) { instructionExit(cpu, reason, v.length); return; }
        pasid = host;
      }
      const low = supervisor ? (cmd[0]! & ~CMD_RESERVED) & ~Number(PASID.mask) : 0;
      cmd[0] = (low & CMD_PRIV) | pasid;
      for (let i = 0; i < cmd.length; i += 2) {
        offsetAdd(as, dLo, dHi, 4 * i);
        writeSized(cpu, ES, off.lo, off.hi, 8, cmd[i]!, cmd[i + 1]!);
      }
      writeFlags(cpu, 0, ARITH); // accepted: ZF = 0, and OF, SF, AF, PF, CF cleared
    };
  };
}

registerBuilder(Mnemonic.Enqcmd, enqueue(false));
registerBuilder(Mnemonic.Enqcmds, enqueue(true));
