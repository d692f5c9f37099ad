// A host outside IA-32e mode, for cases whose `setup.hostMode` is "32-bit": the processor starts in 32-bit
// protected mode with flat segments and 32-bit paging (4-MByte pages identity-mapping the first 16 MiB,
// Vol. 3A 4.3), since VMX operation needs CR0.PG (IA32_VMX_CR0_FIXED0, A.7); then the canonical VMCS is
// made current as for a 64-bit host. VM entries then run with IA32_EFER.LMA = 0, which the checks of SDM
// 27.2.4 on "host address-space size" and "IA-32e mode guest" depend on.
import { type Machine } from '../model/machine/index.js';
import { loadFlat } from '../model/machine/loader.js';
import { tlbFlushAll } from '../model/cpu/mmu.js';
import { enterBaseline } from './baseline.js';

/** The 32-bit page directory (free memory next to the baseline's 4-level tables at 20000h-25FFFh). */
export const LEGACY_PAGE_DIRECTORY = 0x2_6000;
const CR0_PG = 1 << 31, CR4_PSE = 1 << 4;
const PDE_4M = 0x83; // present, writable, PS (Vol. 3A Table 4-4)

/** A machine whose processor runs `code` at `load` in 32-bit protected mode with paging, in VMX root operation. */
export function enterLegacyHost(m: Machine, code: Uint8Array, load: number): void {
  loadFlat(m, code, { load, entry: load, mode: 'prot32' });
  for (let i = 0; i < 4; i++) m.memory.write32(LEGACY_PAGE_DIRECTORY + 4 * i, ((i << 22) | PDE_4M) >>> 0);
  const cpu = m.cpu;
  cpu.cr4 |= CR4_PSE;
  cpu.cr3Lo = LEGACY_PAGE_DIRECTORY; cpu.cr3Hi = 0;
  cpu.cr0 |= CR0_PG;
  cpu.updateMode();
  tlbFlushAll(cpu);
  enterBaseline(m);
}
