// VMCS shadowing (SDM 25.10, 25.6.15, 26.1.3; 31.3 VMREAD and VMWRITE): in VMX non-root operation with the
// "VMCS shadowing" control 1, VMREAD and VMWRITE of a field whose bit in the VMREAD/VMWRITE bitmap is 0
// access the shadow VMCS the VMCS link pointer references instead of causing a VM exit.
import type { Cpu } from '../cpu/cpu.js';
import { VMCS_SLOT } from '../generated/index.js';
import type { VmxState } from './operation.js';
import { type Vmcs, loadFromRegion } from './vmcs.js';
// Only type imports from operation.ts, which calls shadowVmcs: no module cycle at load time.

/**
 * With "VMCS shadowing" 1 (the caller checks the control, exits.ts proc2Control), whether VMREAD
 * (write = false) or VMWRITE with this field-encoding operand still causes a VM exit in VMX non-root
 * operation (SDM 26.1.3; 31.3 VMREAD/VMWRITE): when the operand sets any of bits 63:15, or the bit of the
 * VMREAD or VMWRITE bitmap for encoding bits 14:0 is 1 (4 KiB bitmaps, bit n mod 8 of byte n / 8, 25.6.15).
 */
export function vmcsBitmapExits(cpu: Cpu, encLo: number, encHi: number, write: boolean): boolean {
  if (encHi !== 0 || (encLo & ~0x7FFF) !== 0) return true;
  const vmcs = cpu.vmx!.current!;
  const slot = write ? VMCS_SLOT.VMWRITE_BITMAP_ADDRESS : VMCS_SLOT.VMREAD_BITMAP_ADDRESS;
  const bitmap = (vmcs.getLo(slot) >>> 0) + vmcs.getHi(slot) * 0x1_0000_0000;
  return ((cpu.memory.read8(bitmap + (encLo >>> 3)) >>> (encLo & 7)) & 1) !== 0;
}

const INVALID_LINK = -1; // FFFFFFFF_FFFFFFFFh in both halves

/**
 * The VMCS that VMREAD and VMWRITE access in VMX non-root operation: the one the VMCS link pointer of the
 * current VMCS references (31.3), or undefined when the link pointer is not valid (FFFFFFFF_FFFFFFFFh;
 * VM entry has checked any other value, 27.3.1.5). The model caches it like a VMCS made active by VMPTRLD,
 * so VMCLEAR writes it back (SDM 25.11.1 lets the processor keep VMCS data cached).
 */
export function shadowVmcs(cpu: Cpu, s: VmxState): Vmcs | undefined {
  const current = s.current;
  if (!current) return undefined;
  const lo = current.getLo(VMCS_SLOT.VMCS_LINK_POINTER), hi = current.getHi(VMCS_SLOT.VMCS_LINK_POINTER);
  if (lo === INVALID_LINK && hi === INVALID_LINK) return undefined;
  const address = (lo >>> 0) + hi * 0x1_0000_0000;
  let shadow = s.cache.get(address);
  if (!shadow) {
    shadow = loadFromRegion(s.caps, cpu.memory, address);
    shadow.shadow = true;
    s.cache.set(address, shadow);
  }
  return shadow;
}
