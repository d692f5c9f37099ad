// The PAE PDPTEs under EPT: VM entry loads them from the guest-state area (SDM 27.3.2.4) and VM exit saves
// them there (28.3.4) when PAE paging is in use, instead of reading CR3's table.
import type { Cpu } from '../cpu/cpu.js';
import type { Vmcs } from '../vmx/vmcs.js';

const FIELDS = ['GUEST_PDPTE0', 'GUEST_PDPTE1', 'GUEST_PDPTE2', 'GUEST_PDPTE3'] as const;

export function loadPdptesFromVmcs(cpu: Cpu, vmcs: Vmcs): void {
  FIELDS.forEach((f, i) => {
    const v = vmcs.get(f);
    cpu.pdpteLo[i] = Number(v & 0xFFFF_FFFFn) | 0;
    cpu.pdpteHi[i] = Number(v >> 32n) | 0;
  });
}

/** Saved when PAE paging is in use (CR0.PG = 1, CR4.PAE = 1, not IA-32e mode) (SDM 28.3.4). */
export function savePdptesToVmcs(cpu: Cpu, vmcs: Vmcs): void {
  if ((cpu.cr0 >>> 31) === 0 || (cpu.cr4 & (1 << 5)) === 0 || cpu.longMode) return;
  FIELDS.forEach((f, i) => vmcs.set(f, (BigInt(cpu.pdpteHi[i]! >>> 0) << 32n) | BigInt(cpu.pdpteLo[i]! >>> 0)));
}
