// VMX operation of one logical processor and the VMX instructions that manage it (SDM 31.3: VMXON,
// VMXOFF, VMCLEAR, VMPTRLD, VMPTRST, VMREAD, VMWRITE). The x86 instructions (model/vmx/instructions.ts)
// and the TypeScript API call these same functions: one implementation per behaviour.
import type { Cpu } from '../cpu/cpu.js';
import { ARITH, CF, ZF, writeFlags } from '../cpu/flags.js';
import { Fault, GP, UD } from '../cpu/fault.js';
import { VM_INSTRUCTION_ERROR, VMCS_SLOT } from '../generated/index.js';
import { VmxCapabilities } from './capabilities.js';
import { shadowVmcs } from './shadowing.js';
import { vmxoffDualMonitorError, vmxoffUnblocksSmis } from './dual-monitor.js';
import { Vmcs, fieldResult, loadFromRegion, readFieldHalves, readRegionHeader, writeBack, writeFieldHalves } from './vmcs.js';

/** The current-VMCS pointer's "invalid" value (SDM 25.1). */
export const INVALID_POINTER = 0xFFFF_FFFF_FFFF_FFFFn;

/** The outcome of a VMX instruction (SDM 31.2: VMsucceed, VMfailInvalid, VMfailValid). */
export type VmxOutcome =
  | { readonly kind: 'vmsucceed' }
  | { readonly kind: 'vmfail-invalid' }
  | { readonly kind: 'vmfail-valid'; readonly error: number };

export class VmxState {
  readonly caps: VmxCapabilities;
  /** In VMX operation (after VMXON, before VMXOFF). */
  inVmxOperation = false;
  /** In VMX non-root operation (a guest is running). */
  nonRoot = false;
  vmxonPointer = 0;
  /** The current VMCS, or undefined when the current-VMCS pointer is invalid. */
  current: Vmcs | undefined;
  /** VMCSs the model holds (loaded by VMPTRLD and not yet cleared), by region address. */
  readonly cache = new Map<number, Vmcs>();
  /** Named counters: VM entries that reached the guest, VM exits (SDM 28) taken. */
  readonly stats = { entries: 0, exits: 0 };

  constructor(caps: VmxCapabilities) {
    this.caps = caps;
  }
}

/** The VMX state of a processor, created on first use from its profile. */
export function vmxOf(cpu: Cpu): VmxState {
  return cpu.vmx ?? createVmxState(cpu); // small enough to inline where VM entries and exits ask
}

function createVmxState(cpu: Cpu): VmxState {
  return (cpu.vmx = new VmxState(new VmxCapabilities(cpu.profile)));
}

const IA32_FEATURE_CONTROL = 0x3A;

/**
 * Sets RFLAGS for an outcome and, for VMfailValid, the VM-instruction error field (SDM 31.2) of the current
 * VMCS, also when a shadowed VMREAD/VMWRITE in VMX non-root operation fails (31.2 names no other VMCS).
 */
export function applyOutcome(cpu: Cpu, outcome: VmxOutcome): VmxOutcome {
  switch (outcome.kind) {
    case 'vmsucceed': writeFlags(cpu, 0, ARITH); break;
    case 'vmfail-invalid': writeFlags(cpu, CF, ARITH); break;
    case 'vmfail-valid':
      writeFlags(cpu, ZF, ARITH);
      vmxOf(cpu).current!.setSlot(VMCS_SLOT.VM_INSTRUCTION_ERROR, outcome.error, 0);
      break;
  }
  return outcome;
}

/** VMfail(n): VMfailValid(n) when the current-VMCS pointer is valid, VMfailInvalid otherwise (SDM 31.2). */
function vmfail(s: VmxState, error: number): VmxOutcome {
  return s.current ? { kind: 'vmfail-valid', error } : { kind: 'vmfail-invalid' };
}

const succeed: VmxOutcome = { kind: 'vmsucceed' };

/** #UD conditions shared by the VMX instructions: RFLAGS.VM, compatibility mode, real mode (SDM 31.3). */
function checkMode(cpu: Cpu): void {
  if ((cpu.cr0 & 1) === 0 || (cpu.flagsValue & (1 << 17)) !== 0 || (cpu.longMode && cpu.bitness !== 64)) throw new Fault(UD);
}

/** The physical-address width for VMX pointers: MAXPHYADDR, or 32 bits when IA32_VMX_BASIC[48] is 1 (A.1). */
function pointerValid(s: VmxState, addr: bigint): boolean {
  const width = s.caps.basic.physicalAddressWidth32 ? 32 : s.caps.profile.cpuid.maxPhysicalAddressBits;
  return (addr & 0xFFFn) === 0n && addr >> BigInt(width) === 0n;
}

/** CR0 and CR4 as VMX operation requires them (IA32_VMX_CR0/CR4_FIXED0/1, SDM 24.8 and A.7, A.8). */
export function crSupportedInVmx(caps: VmxCapabilities, cr0: number, cr4: number): boolean {
  const ok = (v: number, reg: 'CR0' | 'CR4'): boolean => {
    const f0 = caps.msrs.get(`IA32_VMX_${reg}_FIXED0`) ?? 0n;
    const f1 = caps.msrs.get(`IA32_VMX_${reg}_FIXED1`) ?? 0xFFFF_FFFFn;
    const x = BigInt(v >>> 0);
    return (x & f0) === f0 && (x & ~f1 & 0xFFFF_FFFFn) === 0n;
  };
  return ok(cr0, 'CR0') && ok(cr4, 'CR4');
}

/**
 * An operand the instruction reads only once its earlier checks pass (a memory operand's faults come
 * after them, SDM 31.3); the TypeScript API passes `() => value`.
 */
export type Operand64 = () => bigint;

/** VMXON with the 64-bit physical address of the VMXON region (SDM 31.3 VMXON). */
export function vmxon(cpu: Cpu, operand: Operand64): VmxOutcome {
  const s = vmxOf(cpu);
  if (!s.inVmxOperation) {
    const fc = cpu.msr.read(IA32_FEATURE_CONTROL) ?? 0n;
    if (cpu.cpl > 0 || !crSupportedInVmx(s.caps, cpu.cr0, cpu.cr4) || (fc & 1n) === 0n || (fc & 4n) === 0n) throw new Fault(GP, 0);
    const addr = operand();
    if (!pointerValid(s, addr)) return { kind: 'vmfail-invalid' };
    const { revisionId, shadow } = readRegionHeader(cpu.memory, Number(addr));
    if (revisionId !== s.caps.revisionId || shadow) return { kind: 'vmfail-invalid' };
    s.inVmxOperation = true;
    s.vmxonPointer = Number(addr);
    s.current = undefined;
    return succeed;
  }
  if (cpu.cpl > 0) throw new Fault(GP, 0);
  return vmfail(s, VM_INSTRUCTION_ERROR.VMXON_IN_VMX_ROOT_OPERATION);
}

/** VMXOFF (SDM 31.3 VMXOFF): VMfail(23) while the dual-monitor treatment is active; unblocks SMIs (dual-monitor.ts). */
export function vmxoff(cpu: Cpu): VmxOutcome {
  const s = vmxOf(cpu);
  if (cpu.cpl > 0) throw new Fault(GP, 0);
  const dualMonitor = vmxoffDualMonitorError(cpu);
  if (dualMonitor !== 0) return vmfail(s, dualMonitor);
  s.inVmxOperation = false;
  s.current = undefined;
  vmxoffUnblocksSmis(cpu);
  return succeed;
}

/** VMCLEAR (SDM 31.3 VMCLEAR): the VMCS's data goes to memory and its launch state becomes clear. */
export function vmclear(cpu: Cpu, operand: Operand64): VmxOutcome {
  const s = vmxOf(cpu);
  if (cpu.cpl > 0) throw new Fault(GP, 0);
  const addr = operand();
  if (!pointerValid(s, addr)) return vmfail(s, VM_INSTRUCTION_ERROR.VMCLEAR_INVALID_ADDRESS);
  const a = Number(addr);
  if (a === s.vmxonPointer) return vmfail(s, VM_INSTRUCTION_ERROR.VMCLEAR_VMXON_POINTER);
  const vmcs = s.cache.get(a) ?? loadFromRegion(s.caps, cpu.memory, a);
  vmcs.launched = false;
  writeBack(s.caps, cpu.memory, vmcs);
  s.cache.delete(a);
  if (s.current?.address === a) s.current = undefined;
  return succeed;
}

/** VMPTRLD (SDM 31.3 VMPTRLD): makes the VMCS at addr current. */
export function vmptrld(cpu: Cpu, operand: Operand64): VmxOutcome {
  const s = vmxOf(cpu);
  if (cpu.cpl > 0) throw new Fault(GP, 0);
  const addr = operand();
  if (!pointerValid(s, addr)) return vmfail(s, VM_INSTRUCTION_ERROR.VMPTRLD_INVALID_ADDRESS);
  const a = Number(addr);
  if (a === s.vmxonPointer) return vmfail(s, VM_INSTRUCTION_ERROR.VMPTRLD_VMXON_POINTER);
  const { revisionId, shadow } = readRegionHeader(cpu.memory, a);
  if (revisionId !== s.caps.revisionId || (shadow && !s.caps.supports('proc2.VMCS_SHADOWING'))) {
    return vmfail(s, VM_INSTRUCTION_ERROR.VMPTRLD_INCORRECT_REVISION_ID);
  }
  let vmcs = s.cache.get(a);
  if (!vmcs) {
    vmcs = loadFromRegion(s.caps, cpu.memory, a);
    s.cache.set(a, vmcs);
  }
  vmcs.shadow = shadow; // an ordinary or a shadow VMCS (SDM 25.10): VM entry fails with a shadow VMCS current
  s.current = vmcs;
  return succeed;
}

/** VMPTRST (SDM 31.3 VMPTRST): the current-VMCS pointer (FFFFFFFF_FFFFFFFFh when invalid). */
export function vmptrst(cpu: Cpu): bigint {
  if (cpu.cpl > 0) throw new Fault(GP, 0);
  const s = vmxOf(cpu);
  return s.current ? BigInt(s.current.address) : INVALID_POINTER;
}

const vmfailInvalid: VmxOutcome = { kind: 'vmfail-invalid' };

/**
 * The VMCS VMREAD and VMWRITE access (SDM 31.3): the current VMCS in VMX root operation; in VMX non-root
 * operation (reached only when VMCS shadowing lets the access through, shadowing.ts) the VMCS the link
 * pointer references. Undefined: that pointer is not valid (VMfailInvalid).
 */
function accessedVmcs(cpu: Cpu, s: VmxState): Vmcs | undefined {
  return s.nonRoot ? shadowVmcs(cpu, s) : s.current;
}
const MASK32 = 0xFFFF_FFFFn;

/**
 * VMREAD (SDM 31.3 VMREAD) with the encoding as two 32-bit halves: the outcome, and on VMsucceed the
 * value in fieldResult (vmcs.ts). The x86 instruction calls this; `vmread` wraps it for the API.
 */
export function vmreadHalves(cpu: Cpu, encLo: number, encHi: number, mode64: boolean): VmxOutcome {
  const s = vmxOf(cpu);
  if (cpu.cpl > 0) throw new Fault(GP, 0);
  const target = accessedVmcs(cpu, s);
  if (!target) return vmfailInvalid;
  const error = readFieldHalves(s.caps, target, encLo, encHi, mode64);
  return error === 0 ? succeed : { kind: 'vmfail-valid', error };
}

/** VMREAD (SDM 31.3 VMREAD): the field's value, or the failure. `mode64`: executed in 64-bit mode (the x86 instruction passes the processor's mode). */
export function vmread(cpu: Cpu, encoding: bigint, mode64 = cpu.bitness === 64): { outcome: VmxOutcome; value: bigint } {
  const e = BigInt.asUintN(64, encoding);
  const outcome = vmreadHalves(cpu, Number(e & MASK32) | 0, encoding < 0n ? -1 : Number(e >> 32n) | 0, mode64);
  return { outcome, value: outcome.kind === 'vmsucceed' ? (BigInt(fieldResult.hi >>> 0) << 32n) | BigInt(fieldResult.lo >>> 0) : 0n };
}

/** A VMWRITE source read when the instruction gets to it: bits 31:0 and 63:32 into `out`. */
export type SourceHalves = (out: { lo: number; hi: number }) => void;
const source = { lo: 0, hi: 0 };

/**
 * VMWRITE (SDM 31.3 VMWRITE) with the encoding as two 32-bit halves: a memory source is read after the
 * VMCS pointer check, before the field check. The x86 instruction calls this; `vmwrite` wraps it.
 */
export function vmwriteHalves(cpu: Cpu, encLo: number, encHi: number, readSource: SourceHalves, mode64: boolean): VmxOutcome {
  const s = vmxOf(cpu);
  if (cpu.cpl > 0) throw new Fault(GP, 0);
  const target = accessedVmcs(cpu, s);
  if (!target) return vmfailInvalid;
  readSource(source);
  const error = writeFieldHalves(s.caps, target, encLo, encHi, source.lo, source.hi, mode64);
  return error === 0 ? succeed : { kind: 'vmfail-valid', error };
}

/** VMWRITE (SDM 31.3 VMWRITE) through the TypeScript API. */
export function vmwrite(cpu: Cpu, encoding: bigint, value: Operand64, mode64 = cpu.bitness === 64): VmxOutcome {
  const e = BigInt.asUintN(64, encoding);
  return vmwriteHalves(cpu, Number(e & MASK32) | 0, encoding < 0n ? -1 : Number(e >> 32n) | 0, (out) => {
    const v = BigInt.asUintN(64, value());
    out.lo = Number(v & MASK32) | 0; out.hi = Number(v >> 32n) | 0;
  }, mode64);
}

/** #UD unless in VMX operation (and in a mode where VMX instructions exist), for all but VMXON. */
export function checkVmxInstruction(cpu: Cpu): void {
  checkMode(cpu);
  if (!cpu.vmx?.inVmxOperation) throw new Fault(UD);
}

/** VMXON's own #UD conditions: CR4.VMXE = 0 as well (SDM 31.3 VMXON). */
export function checkVmxonInstruction(cpu: Cpu): void {
  checkMode(cpu);
  if ((cpu.cr4 & (1 << 13)) === 0) throw new Fault(UD);
}
