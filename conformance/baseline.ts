// The one canonical configuration every conformance case starts from: a VMCS that passes every
// VM-entry check of SDM 27.2-27.4 for a 64-bit guest with a 64-bit host, on any profile. A case
// describes itself as changes to this.
import type { ControlGroupId } from '../model/generated/index.js';
import { buildIdentityPaging, type Machine } from '../model/machine/index.js';
import { type VmxCapabilities, Vmcs, type VmxState, vmptrld, vmxOf, vmxon } from '../model/vmx/index.js';

/** Physical memory the baseline uses (all 4 KiB aligned, below 16 MiB). */
export const BASELINE_MEMORY = {
  vmxonRegion: 0x1_0000,
  vmcsRegion: 0x1_1000,
  /** Identity page tables (PML4) for host and guest. */
  pageTables: 0x2_0000,
  hostStackTop: 0x8_0000,
  hostRip: 0x20_0000,
  guestStackTop: 0x9_0000,
  guestRip: 0x30_0000,
  gdt: 0x4_0000,
  idt: 0x4_1000,
  tss: 0x4_2000,
} as const;

/** Selectors of the baseline GDT: 08h 64-bit code, 10h data, 18h 64-bit TSS. */
export const BASELINE_SELECTORS = { code: 0x08, data: 0x10, tr: 0x18 } as const;

const CR0_PE = 1n, CR0_ET = 1n << 4n, CR0_NE = 1n << 5n, CR0_PG = 1n << 31n;
const CR4_PAE = 1n << 5n;

/** Access rights (SDM 25.4.1): 64-bit code (type 11, S, P, L, G), data (type 3, S, P, D/B, G), busy TSS. */
export const AR_CODE64 = 0xA09Bn, AR_DATA = 0xC093n, AR_TSS64_BUSY = 0x8Bn, AR_UNUSABLE = 0x1_0000n;

function bitOf(caps: VmxCapabilities, ref: string): bigint {
  const [g, id] = ref.split('.');
  const bit = caps.group(g as ControlGroupId).bits.find((b) => b.id === id);
  if (!bit) throw new Error(`no control ${ref}`);
  return 1n << BigInt(bit.bit);
}

/** A control field: the bits that must be 1 plus `extra` (which the caller knows are allowed). */
function controls(caps: VmxCapabilities, group: ControlGroupId, extra: readonly string[]): bigint {
  let v = caps.allowed(group).required1;
  for (const ref of extra) v |= bitOf(caps, ref);
  return v;
}

/** CR0/CR4 with the bits the VMX fixed-bit MSRs require (SDM A.7, A.8) and the mode's own. */
export function fixedCr(caps: VmxCapabilities, reg: 'CR0' | 'CR4', want: bigint): bigint {
  const f0 = caps.msrs.get(`IA32_VMX_${reg}_FIXED0`) ?? 0n;
  const f1 = caps.msrs.get(`IA32_VMX_${reg}_FIXED1`) ?? 0xFFFF_FFFFn;
  return (want | f0) & f1;
}

/** The canonical VMCS: every field the baseline sets, by field id, for this processor. */
export function baselineFields(caps: VmxCapabilities): Map<string, bigint> {
  const m = BASELINE_MEMORY, s = BASELINE_SELECTORS;
  const cr0 = fixedCr(caps, 'CR0', CR0_PG | CR0_NE | CR0_ET | CR0_PE);
  const cr4 = fixedCr(caps, 'CR4', CR4_PAE);
  const f = new Map<string, bigint>([
    ['PIN_BASED_VM_EXECUTION_CONTROLS', controls(caps, 'pin', [])],
    ['PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS', controls(caps, 'proc', [])],
    ['PRIMARY_VM_EXIT_CONTROLS', controls(caps, 'exit', ['exit.HOST_ADDRESS_SPACE_SIZE'])],
    ['VM_ENTRY_CONTROLS', controls(caps, 'entry', ['entry.IA32E_MODE_GUEST'])],
    ['EXCEPTION_BITMAP', 0n],
    ['CR3_TARGET_COUNT', 0n],
    ['VM_EXIT_MSR_STORE_COUNT', 0n], ['VM_EXIT_MSR_LOAD_COUNT', 0n], ['VM_ENTRY_MSR_LOAD_COUNT', 0n],
    ['VM_ENTRY_INTERRUPTION_INFORMATION', 0n],
    ['VMCS_LINK_POINTER', 0xFFFF_FFFF_FFFF_FFFFn],
    // Host state (SDM 25.5, 27.2.2-27.2.4)
    ['HOST_CR0', cr0], ['HOST_CR3', BigInt(m.pageTables)], ['HOST_CR4', cr4],
    ['HOST_CS_SELECTOR', BigInt(s.code)], ['HOST_SS_SELECTOR', BigInt(s.data)], ['HOST_DS_SELECTOR', BigInt(s.data)],
    ['HOST_ES_SELECTOR', BigInt(s.data)], ['HOST_FS_SELECTOR', BigInt(s.data)], ['HOST_GS_SELECTOR', BigInt(s.data)],
    ['HOST_TR_SELECTOR', BigInt(s.tr)],
    ['HOST_FS_BASE', 0n], ['HOST_GS_BASE', 0n], ['HOST_TR_BASE', BigInt(m.tss)],
    ['HOST_GDTR_BASE', BigInt(m.gdt)], ['HOST_IDTR_BASE', BigInt(m.idt)],
    ['HOST_IA32_SYSENTER_CS', 0n], ['HOST_IA32_SYSENTER_ESP', 0n], ['HOST_IA32_SYSENTER_EIP', 0n],
    ['HOST_RSP', BigInt(m.hostStackTop)], ['HOST_RIP', BigInt(m.hostRip)],
    // Guest state (SDM 25.4, 27.3)
    ['GUEST_CR0', cr0], ['GUEST_CR3', BigInt(m.pageTables)], ['GUEST_CR4', cr4], ['GUEST_DR7', 0x400n],
    ['GUEST_RSP', BigInt(m.guestStackTop)], ['GUEST_RIP', BigInt(m.guestRip)], ['GUEST_RFLAGS', 0x2n],
    ['GUEST_CS_SELECTOR', BigInt(s.code)], ['GUEST_CS_BASE', 0n], ['GUEST_CS_LIMIT', 0xFFFF_FFFFn], ['GUEST_CS_ACCESS_RIGHTS', AR_CODE64],
    ['GUEST_TR_SELECTOR', BigInt(s.tr)], ['GUEST_TR_BASE', BigInt(m.tss)], ['GUEST_TR_LIMIT', 0x67n], ['GUEST_TR_ACCESS_RIGHTS', AR_TSS64_BUSY],
    ['GUEST_LDTR_SELECTOR', 0n], ['GUEST_LDTR_BASE', 0n], ['GUEST_LDTR_LIMIT', 0n], ['GUEST_LDTR_ACCESS_RIGHTS', AR_UNUSABLE],
    ['GUEST_GDTR_BASE', BigInt(m.gdt)], ['GUEST_GDTR_LIMIT', 0x1Fn], ['GUEST_IDTR_BASE', BigInt(m.idt)], ['GUEST_IDTR_LIMIT', 0xFFFn],
    ['GUEST_IA32_DEBUGCTL', 0n], ['GUEST_IA32_SYSENTER_CS', 0n], ['GUEST_IA32_SYSENTER_ESP', 0n], ['GUEST_IA32_SYSENTER_EIP', 0n],
    ['GUEST_ACTIVITY_STATE', 0n], ['GUEST_INTERRUPTIBILITY_STATE', 0n], ['GUEST_PENDING_DEBUG_EXCEPTIONS', 0n],
  ]);
  for (const seg of ['SS', 'DS', 'ES', 'FS', 'GS']) {
    f.set(`GUEST_${seg}_SELECTOR`, BigInt(s.data));
    f.set(`GUEST_${seg}_BASE`, 0n);
    f.set(`GUEST_${seg}_LIMIT`, 0xFFFF_FFFFn);
    f.set(`GUEST_${seg}_ACCESS_RIGHTS`, AR_DATA);
  }
  return f;
}

/** A VMCS at the baseline's region holding the canonical configuration. */
export function baselineVmcs(caps: VmxCapabilities): Vmcs {
  const v = new Vmcs(BASELINE_MEMORY.vmcsRegion);
  for (const [id, value] of baselineFields(caps)) v.set(id, value);
  return v;
}

/**
 * Puts a machine's processor (in 64-bit mode at CPL 0) into VMX root operation with the canonical VMCS
 * current: CR0.NE and CR4.VMXE as VMXON requires (SDM 24.8), the baseline's identity page tables, the
 * VMXON and VMCS regions with the profile's revision identifier, VMXON, VMPTRLD, every baseline field the
 * processor has, and a HLT at the host RIP. Throws when VMXON or VMPTRLD does not succeed.
 */
export function enterBaseline(m: Machine): VmxState {
  const cpu = m.cpu;
  cpu.cr0 |= 1 << 5; cpu.cr4 |= 1 << 13;
  buildIdentityPaging(m, BASELINE_MEMORY.pageTables);
  const s = vmxOf(cpu);
  m.memory.write32(BASELINE_MEMORY.vmxonRegion, s.caps.revisionId);
  m.memory.write32(BASELINE_MEMORY.vmcsRegion, s.caps.revisionId);
  m.memory.write8(BASELINE_MEMORY.hostRip, 0xF4);
  const on = vmxon(cpu, () => BigInt(BASELINE_MEMORY.vmxonRegion));
  const ld = vmptrld(cpu, () => BigInt(BASELINE_MEMORY.vmcsRegion));
  if (on.kind !== 'vmsucceed' || ld.kind !== 'vmsucceed') throw new Error(`could not enter VMX operation (VMXON ${on.kind}, VMPTRLD ${ld.kind})`);
  for (const [id, v] of baselineFields(s.caps)) if (s.caps.fields.some((f) => f.id === id)) s.current!.set(id, v);
  return s;
}
