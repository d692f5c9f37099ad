// IA32_SPEC_CTRL (MSR 48H) under VMX: the MSR itself, which the model has on a processor that offers a VMX
// control moving it (state-controls.ts defines it then, and VM entry and exit load and save it through that
// table: the "load IA32_SPEC_CTRL" entry control 27.3.2.1 and secondary exit control 28.5.1; a VM exit saves it
// into the guest-state field when the processor supports the entry control, as it does IA32_PKRS, 28.3.1: a
// model choice, the SDM text was not at hand, and no case asserts it), and
// IA32_SPEC_CTRL virtualization (tertiary control "virtualize IA32_SPEC_CTRL", SDM 25.6.26, 26.3):
//   RDMSR of 48H in VMX non-root operation returns the IA32_SPEC_CTRL shadow;
//   WRMSR of 48H writes the source value to the shadow and loads the MSR with the source in the bits the
//   IA32_SPEC_CTRL mask leaves clear and the MSR's own value in the bits it sets.
// Both apply only when the MSR bitmaps let the instruction execute (26.1.3 comes first).
// Model choices: the bits of IA32_SPEC_CTRL that exist are those SDM Vol. 4 Table 2-2 defines (profiles carry
// no CPUID feature bits); a virtualized WRMSR whose MSR value would set a reserved bit raises #GP(0) and
// changes neither the MSR nor the shadow.
import type { Cpu } from '../cpu/cpu.js';
import { Fault, GP } from '../cpu/fault.js';
import { PROC3_CTLS } from '../generated/index.js';
import { inNonRoot, proc3Control } from './exits.js';

export const IA32_SPEC_CTRL = 0x48;

/**
 * Reserved bits of IA32_SPEC_CTRL: all but IBRS (0), STIBP (1), SSBD (2), IPRED_DIS_U (3), IPRED_DIS_S (4),
 * RRSBA_DIS_U (5), RRSBA_DIS_S (6), PSFD (7), DDPD_U (8) and BHI_DIS_S (10) (SDM Vol. 4 Table 2-2).
 */
export const SPEC_CTRL_RESERVED = ((1n << 64n) - 1n) & ~0x5FFn;

function virtualized(cpu: Cpu, msr: number): boolean {
  return msr === IA32_SPEC_CTRL && inNonRoot(cpu) && proc3Control(cpu, PROC3_CTLS.VIRTUALIZE_IA32_SPEC_CTRL);
}

/** RDMSR of IA32_SPEC_CTRL in the guest with virtualization on: the shadow (26.3); undefined otherwise. */
export function rdmsrSpecCtrlVirtual(cpu: Cpu, msr: number): bigint | undefined {
  return virtualized(cpu, msr) ? cpu.vmx!.current!.get('IA32_SPEC_CTRL_SHADOW') : undefined;
}

/** WRMSR of IA32_SPEC_CTRL in the guest with virtualization on (26.3): true when it was virtualized. */
export function wrmsrSpecCtrlVirtual(cpu: Cpu, msr: number, value: bigint): boolean {
  if (!virtualized(cpu, msr)) return false;
  const vmcs = cpu.vmx!.current!;
  const mask = vmcs.get('IA32_SPEC_CTRL_MASK');
  const current = cpu.msr.read(IA32_SPEC_CTRL);
  if (current === undefined || cpu.cpl !== 0) throw new Fault(GP, 0);
  if (!cpu.msr.write(IA32_SPEC_CTRL, (current & mask) | (value & ~mask))) throw new Fault(GP, 0);
  vmcs.set('IA32_SPEC_CTRL_SHADOW', value);
  return true;
}
