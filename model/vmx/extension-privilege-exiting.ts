// "Privilege-level exiting": a vmxsim MODEL EXTENSION. IT IS NOT IN THE INTEL SDM, and no processor has it.
//
// A profile turns it on with `extensions.privilegeLevelExiting: true` (built-in profiles leave it off).
// Then the VMCS has two extension fields (spec/data/vmcs/fields.json, `extension: true`), encoded by the
// SDM 25.11.2 rules at index 511, which Appendix B does not use:
//   EXTENSION_PRIVILEGE_LEVEL_EXITING_CONTROLS (0x43FE, 32 bits): bit 0 is the control; bits 31:1 reserved.
//   EXTENSION_CPL_TRANSITION_BITMAP (0x03FE, 16 bits): bit 4*from+to selects the CPL change from -> to.
// The control is a field of its own, not a bit of the tertiary processor-based controls, so that
// IA32_VMX_PROCBASED_CTLS3 and the SDM's controls stay exactly as Appendix A/B define them. On a profile
// without the extension both fields do not exist: VMREAD/VMWRITE fail with error 12 (SDM 31.4, 25.11.2),
// so the control cannot be 1 there.
//
// While the control is 1 in VMX non-root operation, a guest CPL change whose bitmap bit is 1 causes a VM
// exit with basic reason 0xFF00 (EXTENSION_PRIVILEGE_LEVEL_TRANSITION, outside the SDM's range). Choice:
// the exit is trap-like. It is taken after the transition completes (after the instruction retires or the
// event is delivered), so the saved guest state is at the new CPL and GUEST_RIP is the first instruction
// there. It is taken before anything else at that instruction boundary (MTF, the preemption timer, NMIs,
// interrupts), like a trap-like exit of the instruction itself. The qualification gives from-CPL (1:0),
// to-CPL (3:2) and the cause (7:4; values in the layout's data). The VMM may decline: clearing bitmap bits
// or the control stops the exits. Delivery hooks: Cpu.updateMode (one check of Cpu.cplExitBitmap, 0 when
// the extension is off) and the run loop's slow path; the core records the cause in Cpu.cplCause.
import type { Cpu } from '../cpu/cpu.js';
import {
  EXIT_REASON, VM_INSTRUCTION_ERROR, packExitQualificationExtensionPrivilegeLevelTransition,
  unpackVmcsExtensionPrivilegeLevelExitingControls,
} from '../generated/index.js';
import type { VmxCapabilities } from './capabilities.js';
import { vmxOf } from './operation.js';
import { vmExit } from './transitions.js';
import type { Vmcs } from './vmcs.js';

const CONTROLS = 'EXTENSION_PRIVILEGE_LEVEL_EXITING_CONTROLS';
const BITMAP = 'EXTENSION_CPL_TRANSITION_BITMAP';
const RESERVED_CONTROL_BITS = 0xFFFF_FFFEn;

/**
 * Extension VM-entry check (with the control checks, as SDM 27.2.1.1 treats reserved control bits):
 * bits 31:1 of the extension's control field must be 0. Returns the VM-instruction error, or undefined.
 */
export function checkPrivilegeLevelExitingControls(caps: VmxCapabilities, vmcs: Vmcs): number | undefined {
  if (!caps.privilegeLevelExiting) return undefined;
  return (vmcs.get(CONTROLS) & RESERVED_CONTROL_BITS) !== 0n ? VM_INSTRUCTION_ERROR.VMENTRY_INVALID_CONTROL_FIELDS : undefined;
}

/** At VM entry: arm the core's CPL watch with the bitmap when the control is 1, disarm it otherwise. */
export function armPrivilegeLevelExiting(cpu: Cpu, vmcs: Vmcs): void {
  cpu.cplTransitionPending = -1;
  const caps = vmxOf(cpu).caps;
  const on = caps.privilegeLevelExiting && unpackVmcsExtensionPrivilegeLevelExitingControls(Number(vmcs.get(CONTROLS))).privilegeLevelExiting;
  cpu.cplExitBitmap = on ? Number(vmcs.get(BITMAP)) & 0xFFFF : 0;
}

/**
 * Called by Cpu.updateMode when the CPL changed while the watch is armed: records a pending exit when the
 * bitmap selects the transition. Outside non-root operation (after any VM exit) the watch disarms itself.
 */
export function noteCplTransition(cpu: Cpu, from: number): void {
  if (cpu.vmx?.nonRoot !== true) { cpu.cplExitBitmap = 0; cpu.cplTransitionPending = -1; return; }
  const to = cpu.cpl;
  const cause = cpu.cplCause;
  cpu.cplCause = 0; // CplCause.Other until a site names the next change
  if (((cpu.cplExitBitmap >>> (4 * from + to)) & 1) !== 0) {
    cpu.cplTransitionPending = from | (to << 2) | ((cause & 0xF) << 4);
    cpu.eventCheck = true;
  }
}

/** From the run loop's slow path: takes the pending privilege-level-transition VM exit, if any. */
export function takePrivilegeLevelExit(cpu: Cpu): boolean {
  const pending = cpu.cplTransitionPending;
  cpu.cplTransitionPending = -1;
  if (pending < 0 || cpu.vmx?.nonRoot !== true) return false;
  const qualification = packExitQualificationExtensionPrivilegeLevelTransition({ fromCpl: pending & 3, toCpl: (pending >> 2) & 3, cause: pending >> 4 });
  cpu.cplExitBitmap = 0;
  vmExit(cpu, EXIT_REASON.EXTENSION_PRIVILEGE_LEVEL_TRANSITION, { qualification });
  // Between instructions nothing else moves RIP to the host's (as for the other boundary exits, events.ts).
  cpu.ripLo = cpu.nextLo; cpu.ripHi = cpu.nextHi;
  return true;
}
