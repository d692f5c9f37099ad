// VMX aborts (SDM 28.7): a problem during a VM exit writes a non-zero VMX-abort indicator at byte offset 4
// of the current VMCS's region (the VMCS data are left alone) and puts the processor in the VMX-abort
// shutdown state, which only RESET leaves: machine checks, INIT, external interrupts, NMIs, SIPIs and SMIs
// do not affect it. (In SMX operation it would be a TXT shutdown instead; the model has no SMX.)
//
// Modelled causes: 1, an entry of the VM-exit MSR-store area that cannot be saved (28.4); 4, an entry of
// the VM-exit MSR-load area that cannot be loaded (28.6); 5, a machine-check event during the VM exit (28.8,
// machine-check.ts). Not modelled: 2 (host PDPTE checks: the model's hosts are 64-bit, where 28.5.4 does not
// apply), 3 (a corrupted VMCS region: the model keeps the current VMCS cached, so writes to its region cannot
// corrupt the exit), 6 (a 32-bit host whose exit leaves IA-32e mode: the VM-entry checks of 27.2.4 already
// prevent it in the model).
import type { Cpu } from '../cpu/cpu.js';
import { Activity } from '../cpu/cpu.js';
import { MSR } from './checks/msr-rules.js';
import { type Vmcs, writeAbortIndicator } from './vmcs.js';
import { layoutValue } from '../arch/catalogue.js';

/** The VMX-abort indicator's code for `meaning`, from its layout's named values in spec data (SDM 28.7). */
const indicator = (meaning: string): number => layoutValue('memory.vmcs-region-header', 'vmxAbortIndicator', meaning);

/** VMX-abort indicator values (SDM 28.7), by the names spec data gives them. */
export const VMX_ABORT = {
  SAVING_GUEST_MSRS: indicator('saving guest MSRs failed'),
  HOST_PDPTE: indicator('host PDPTE checking failed'),
  VMCS_CORRUPT: indicator('current VMCS corrupted'),
  LOADING_HOST_MSRS: indicator('loading host MSRs failed'),
  MACHINE_CHECK: indicator('machine-check event during VM exit'),
  HOST_ADDRESS_SPACE_SIZE: indicator('IA-32e mode with host address-space size 0'),
} as const;

const aborted = new WeakSet<Cpu>();

/** The VMX-abort indicator in the region of `vmcs` (0: none), for software that reads it after RESET. */
export function vmxAbortIndicator(cpu: Cpu, vmcs: Vmcs): number {
  return cpu.memory.read32(vmcs.address + 4) >>> 0;
}

/** Whether the processor is in the VMX-abort shutdown state. */
export function inVmxAbortShutdown(cpu: Cpu): boolean {
  return aborted.has(cpu);
}

/** A VMX abort with `indicator`: the indicator saved, then the VMX-abort shutdown state (28.7). */
export function vmxAbort(cpu: Cpu, vmcs: Vmcs, indicator: number): void {
  writeAbortIndicator(cpu.memory, vmcs.address, indicator);
  aborted.add(cpu);
  cpu.activity = Activity.Shutdown;
  cpu.pendingIntr = -1;
  cpu.pendingNmi = false;
  cpu.eventCheck = true;
}

/**
 * Whether processing a VM-exit MSR-load entry fails (SDM 28.6): IA32_FS_BASE or IA32_GS_BASE; an x2APIC
 * MSR (bits 31:8 = 000008H); an MSR writable only in SMM (IA32_SMM_MONITOR_CTL) when the exit does not end
 * in SMM (`endsInSmm`: exits of STM guests and SMM VM exits do, model/vmx/dual-monitor.ts); bits 63:32 of the
 * entry's first quadword not 0. The last rule, a value WRMSR at CPL 0 would refuse with #GP, is the write
 * itself (the caller's).
 */
export function hostMsrLoadEntryFails(index: number, reserved: number, endsInSmm = false): boolean {
  return index === MSR.IA32_FS_BASE || index === MSR.IA32_GS_BASE || (index >>> 8) === 0x8 ||
    (index === MSR.IA32_SMM_MONITOR_CTL && !endsInSmm) || reserved !== 0;
}

/**
 * Whether saving a VM-exit MSR-store entry fails (SDM 28.4): IA32_SMBASE; an x2APIC MSR (bits 31:8 =
 * 000008H); bits 63:32 of the entry's first quadword not 0; an MSR RDMSR at CPL 0 would refuse with #GP
 * (`readable` false, the caller's read).
 */
export function guestMsrStoreEntryFails(index: number, reserved: number, readable: boolean): boolean {
  return index === MSR.IA32_SMBASE || (index >>> 8) === 0x8 || reserved !== 0 || !readable;
}
