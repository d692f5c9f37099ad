// INVEPT and INVVPID (SDM 31.3) and VMFUNC leaf 0, EPTP switching (SDM 26.5.6): the x86 instructions,
// decoded once, and the functions the TypeScript API calls. Invalidation works on the TLB's (VPID, EP4TA)
// contexts (tlb.ts); no paging-structure caches are modelled, so there is nothing else to invalidate.
import { Mnemonic, OpKind } from 'iced-x86';
import type { Cpu } from '../cpu/cpu.js';
import { type Exec, type InstrView, registerBuilder } from '../cpu/decode.js';
import { Fault, GP, UD } from '../cpu/fault.js';
import { readSized, isCanonical } from '../cpu/access.js';
import { compileEa } from '../cpu/operands.js';
import { regInfo } from '../cpu/registers.js';
import { memSegment, off, offsetAdd } from '../cpu/exec/helpers.js';
import { EXIT_REASON, PROC2_CTLS, VM_INSTRUCTION_ERROR, unpackMemoryInvvpidDescriptor } from '../generated/index.js';
import { layoutById } from '../arch/catalogue.js';
import { definedMask } from '../arch/decode.js';
import { displacementQualification, inNonRoot, instructionExit, memoryOperandInformation, proc2Control } from '../vmx/exits.js';
import { type VmxOutcome, applyOutcome, checkVmxInstruction, vmxOf } from '../vmx/operation.js';
import { useEptp } from './context.js';
import { eptVpidCap, eptpValid } from './eptp.js';
import { ep4taOf, pageOf, switchTlbContext, tlbFlushWhere } from './tlb.js';

/** INVEPT types (SDM 31.3 INVEPT) and INVVPID types (31.3 INVVPID). */
export const INVEPT_TYPE = { SINGLE_CONTEXT: 1n, ALL_CONTEXT: 2n } as const;
export const INVVPID_TYPE = { INDIVIDUAL_ADDRESS: 0n, SINGLE_CONTEXT: 1n, ALL_CONTEXT: 2n, SINGLE_CONTEXT_RETAINING_GLOBALS: 3n } as const;

/** Bits of the INVVPID descriptor's first quadword that are not reserved (spec layout memory.invvpid-descriptor). */
const INVVPID_DESCRIPTOR_DEFINED = definedMask(layoutById('memory.invvpid-descriptor')!);

/** Reads the 128-bit descriptor operand (its faults are the instruction's); called only once the type is supported. */
export type Descriptor = () => { lo: bigint; hi: bigint };

function fail(cpu: Cpu): VmxOutcome {
  const error = VM_INSTRUCTION_ERROR.INVALID_OPERAND_TO_INVEPT_INVVPID;
  return vmxOf(cpu).current ? { kind: 'vmfail-valid', error } : { kind: 'vmfail-invalid' };
}

/**
 * INVEPT after its #UD, exit and #GP checks (SDM 31.3): an unsupported type (IA32_VMX_EPT_VPID_CAP[25],
 * [26]) or, for single-context, an EPTP that VM entry would reject (27.2.1.1) is VMfail(28).
 */
export function invept(cpu: Cpu, type: bigint, descriptor: Descriptor): VmxOutcome {
  const caps = vmxOf(cpu).caps, cap = eptVpidCap(caps);
  const supported = (type === INVEPT_TYPE.SINGLE_CONTEXT && cap.inveptSingleContext) || (type === INVEPT_TYPE.ALL_CONTEXT && cap.inveptAllContext);
  if (!supported) return fail(cpu);
  const descriptorLo = descriptor().lo; // read only for a supported type (31.3 INVEPT, Operation)
  if (type === INVEPT_TYPE.SINGLE_CONTEXT && !eptpValid(caps, descriptorLo)) return fail(cpu);
  // Single-context: the combined (and guest-physical) mappings of that EP4TA, every VPID; all-context: every EP4TA (29.4.3.1).
  const ep4ta = ep4taOf(descriptorLo);
  if (type === INVEPT_TYPE.SINGLE_CONTEXT) tlbFlushWhere(cpu, (_v, e) => e === ep4ta);
  else tlbFlushWhere(cpu, (_v, e) => e >= 0);
  return { kind: 'vmsucceed' };
}

/**
 * INVVPID after its #UD, exit and #GP checks (SDM 31.3): an unsupported type ([40]-[43]) or descriptor bits
 * 63:16 not 0 is VMfail(28); so is VPID 0 for the individual-address and single-context types, and a
 * non-canonical linear address (descriptor bits 127:64) for individual-address.
 */
export function invvpid(cpu: Cpu, type: bigint, descriptor: Descriptor): VmxOutcome {
  const cap = eptVpidCap(vmxOf(cpu).caps);
  const supported = (type === INVVPID_TYPE.INDIVIDUAL_ADDRESS && cap.invvpidIndividualAddress) ||
    (type === INVVPID_TYPE.SINGLE_CONTEXT && cap.invvpidSingleContext) || (type === INVVPID_TYPE.ALL_CONTEXT && cap.invvpidAllContext) ||
    (type === INVVPID_TYPE.SINGLE_CONTEXT_RETAINING_GLOBALS && cap.invvpidSingleContextRetainingGlobals);
  if (!supported) return fail(cpu);
  const { lo: descriptorLo, hi: linear } = descriptor(); // read only for a supported type (31.3 INVVPID, Operation)
  if ((descriptorLo & ~INVVPID_DESCRIPTOR_DEFINED) !== 0n) return fail(cpu);
  const vpid = unpackMemoryInvvpidDescriptor(descriptorLo).vpid;
  if (type !== INVVPID_TYPE.ALL_CONTEXT && vpid === 0) return fail(cpu);
  const v = vpid;
  // The linear and combined mappings of the VPID (29.4.3.1): one address (every PCID, global ones too), all of
  // them, all VPIDs but 0000H, or all but the global ones.
  switch (type) {
    case INVVPID_TYPE.INDIVIDUAL_ADDRESS: {
      const lo = Number(linear & 0xFFFF_FFFFn) | 0, hi = Number(linear >> 32n) | 0;
      if (!isCanonical(cpu, lo, hi)) return fail(cpu);
      tlbFlushWhere(cpu, (x) => x === v, false, pageOf(linear));
      break;
    }
    case INVVPID_TYPE.SINGLE_CONTEXT: tlbFlushWhere(cpu, (x) => x === v); break;
    case INVVPID_TYPE.ALL_CONTEXT: tlbFlushWhere(cpu, (x) => x !== 0); break;
    default: tlbFlushWhere(cpu, (x) => x === v, true);
  }
  return { kind: 'vmsucceed' };
}

function u64(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

/**
 * The shared shape of INVEPT and INVVPID (SDM 31.3): #UD outside VMX operation or where the processor lacks
 * the instruction; in VMX non-root operation an unconditional VM exit with the displacement as qualification
 * and the addressing plus the type register (Reg2) as instruction information (26.1.2, 28.2.1, 28.2.5);
 * #GP(0) at CPL > 0; then the type from the register (64 bits in 64-bit mode), and the 128-bit descriptor
 * only if the type is supported.
 */
function invBuilder(reason: number, supported: (cpu: Cpu) => boolean, run: (cpu: Cpu, type: bigint, descriptor: Descriptor) => VmxOutcome) {
  return (v: InstrView): Exec | undefined => {
    const r = regInfo(v.opRegs[0]!);
    if (r.kind !== 'gpr' || v.opKinds[1] !== OpKind.Memory) return undefined;
    const ea = compileEa(v), seg = memSegment(v), as = v.addressSize / 8;
    const information = (memoryOperandInformation(v) | (r.index << 28)) >>> 0;
    return (cpu) => {
      checkVmxInstruction(cpu);
      if (!supported(cpu)) throw new Fault(UD);
      if (inNonRoot(cpu)) {
        instructionExit(cpu, reason, v.length, { qualification: displacementQualification(v), instructionInformation: information });
        return;
      }
      if (cpu.cpl > 0) throw new Fault(GP, 0);
      const type = cpu.bitness === 64 ? u64(cpu.lo[r.index]!, cpu.hi[r.index]!) : BigInt(cpu.lo[r.index]! >>> 0);
      ea(cpu);
      applyOutcome(cpu, run(cpu, type, () => {
        const d0 = readSized(cpu, seg, cpu.eaLo, cpu.eaHi, 8), d0hi = cpu.vhi;
        offsetAdd(as, cpu.eaLo, cpu.eaHi, 8);
        const d1 = readSized(cpu, seg, off.lo, off.hi, 8), d1hi = cpu.vhi;
        return { lo: u64(d0, d0hi), hi: u64(d1, d1hi) };
      }));
    };
  };
}

registerBuilder(Mnemonic.Invept, invBuilder(EXIT_REASON.INVEPT, (cpu) => eptVpidCap(vmxOf(cpu).caps).invept, invept));
registerBuilder(Mnemonic.Invvpid, invBuilder(EXIT_REASON.INVVPID, (cpu) => eptVpidCap(vmxOf(cpu).caps).invvpid, invvpid));

/**
 * VMFUNC (SDM 26.5.6, Vol. 2 VMFUNC): #UD outside VMX non-root operation or with "enable VM functions" 0;
 * a VM function not enabled in the VM-function controls (or EAX >= 64) is VM exit 59. Leaf 0, EPTP
 * switching (26.5.6.3): ECX >= 512, or an EPTP-list entry VM entry would reject, is VM exit 59; otherwise
 * the entry becomes the EPTP (and, with "EPT-violation #VE", ECX the EPTP index) and the instruction completes.
 */
export function vmfunc(cpu: Cpu, length: number): void {
  if (!inNonRoot(cpu) || !proc2Control(cpu, PROC2_CTLS.ENABLE_VM_FUNCTIONS)) throw new Fault(UD);
  const vmcs = cpu.vmx!.current!;
  const leaf = cpu.lo[0]! >>> 0;
  const exit = (): void => instructionExit(cpu, EXIT_REASON.VMFUNC, length);
  if (leaf >= 64 || ((vmcs.get('VM_FUNCTION_CONTROLS') >> BigInt(leaf)) & 1n) === 0n) { exit(); return; }
  // Leaf 0 is the only VM function defined (26.5.6.1); the VM-function controls allow no other.
  const index = cpu.lo[1]! >>> 0;
  if (index >= 512) { exit(); return; }
  const eptp = cpu.memory.read64(Number(vmcs.get('EPTP_LIST_ADDRESS')) + 8 * index);
  if (!eptpValid(cpu.vmx!.caps, eptp)) { exit(); return; }
  vmcs.set('EPT_POINTER', eptp);
  if (proc2Control(cpu, PROC2_CTLS.EPT_VIOLATION_VE)) vmcs.set('EPTP_INDEX', BigInt(index));
  if (cpu.ept !== undefined) useEptp(cpu.ept, eptp);
  switchTlbContext(cpu, eptp);
}

registerBuilder(Mnemonic.Vmfunc, (v): Exec => (cpu) => vmfunc(cpu, v.length));
