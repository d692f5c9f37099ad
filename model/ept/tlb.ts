// VPIDs and the TLB (SDM 29.4): translations cached in VMX non-root operation are tagged with a context,
// one per (VPID, EP4TA) pair: linear mappings of a guest without EPT carry its VPID, combined mappings of a
// guest with EPT its VPID and EPTP bits 51:12 (29.4.2). Context 0 is VPID 0000H without EPT: the host's.
// The TLB entries hold the context in their PCID tag (model/cpu/mmu.ts), so a lookup is one compare.
// Guest-physical mappings are not cached separately: every walk goes to memory (no paging-structure caches).
import type { Cpu } from '../cpu/cpu.js';
import { invalidateFetch } from '../cpu/decode.js';
import { liveTlbSlots, pageNumber } from '../cpu/mmu.js';
import { retireSlot } from '../cpu/tlb-revalidate.js';
import { PROC_CTLS, PROC2_CTLS, VMCS_SLOT } from '../generated/index.js';
import type { Vmcs } from '../vmx/vmcs.js';
import { PerObject } from '../machine/per-object.js';

interface Contexts {
  readonly ids: Map<string, number>;
  /** By context: its VPID and its EP4TA (-1: no EPT). */
  readonly vpid: number[];
  readonly ep4ta: number[];
  /** Whether any context but 0 has VPID 0000H (a guest with EPT and no VPID): flushVpid0 then visits them too. */
  vpid0WithEpt: boolean;
}

const contexts = new PerObject<Cpu, Contexts>(() => ({ ids: new Map([['0:-1', 0]]), vpid: [0], ep4ta: [-1], vpid0WithEpt: false }));

function contextsOf(cpu: Cpu): Contexts {
  return contexts.of(cpu);
}

/** The context of a VPID and an EP4TA (-1 without EPT), created on first use. */
export function tlbContextOf(cpu: Cpu, vpid: number, ep4ta: number): number {
  if (vpid === 0 && ep4ta === -1) return 0; // the host's context, and a guest's without VPID or EPT
  const c = contextsOf(cpu);
  const key = `${vpid}:${ep4ta}`;
  let id = c.ids.get(key);
  if (id === undefined) {
    id = c.vpid.length;
    c.ids.set(key, id); c.vpid.push(vpid); c.ep4ta.push(ep4ta);
    if (vpid === 0) c.vpid0WithEpt = true;
  }
  return id;
}

/** Bits 51:12 of an EPTP, the EP4TA that tags combined mappings (29.4.2), as a number. */
export function ep4taOf(eptp: bigint): number {
  return Number(eptp & 0x000F_FFFF_FFFF_F000n);
}

/** By context, whether tlbFlushWhere drops its entries (reused: VM entries and exits with VPID 0000H flush often). */
let flushHit = new Uint8Array(16);
const isVpid0 = (vpid: number): boolean => vpid === 0;

/**
 * Drops the entries whose context satisfies `which` (with `keepGlobal`, global translations stay; with
 * `page`, only those for that linear page number, every fragment of a larger page).
 */
export function tlbFlushWhere(cpu: Cpu, which: (vpid: number, ep4ta: number) => boolean, keepGlobal = false, page = -1): void {
  const c = contextsOf(cpu);
  const n = c.vpid.length;
  if (flushHit.length < n) flushHit = new Uint8Array(Math.max(n, 2 * flushHit.length));
  const hit = flushHit;
  for (let k = 0; k < n; k++) hit[k] = which(c.vpid[k]!, c.ep4ta[k]!) ? 1 : 0;
  const t = cpu.tlb;
  const live = liveTlbSlots(t); // only slots that hold a translation (VM entries and exits with VPID 0000H flush often)
  for (let k = 0; k < live; k++) {
    const i = t.used[k]!;
    const tag = t.tag[i]!;
    if (tag < 0) continue;
    const p = t.pcid[i]!;
    const global = p < 0;
    if (global && keepGlobal) continue;
    if (hit[global ? -1 - p : Math.floor(p / 4096)] === 0) continue;
    if (page >= 0 && Math.floor(tag / t.span[i]!) !== Math.floor(page / t.span[i]!)) continue;
    retireSlot(t, i);
  }
  invalidateFetch(cpu);
}

/**
 * tlbFlushWhere(cpu, isVpid0) for the VM entries and exits that invalidate VPID 0000H (29.4.3.3), the common
 * case: while context 0 is the only context with VPID 0000H, an entry is dropped when its context is 0.
 */
function flushVpid0(cpu: Cpu, c: Contexts): void {
  if (c.vpid0WithEpt) { tlbFlushWhere(cpu, isVpid0); return; }
  const t = cpu.tlb;
  const live = liveTlbSlots(t);
  for (let k = 0; k < live; k++) {
    const i = t.used[k]!;
    const p = t.pcid[i]!;
    // Context 0: PCID tags 0..4095, or -1 for its global translations (mmu.ts Tlb.pcid).
    if (t.tag[i]! >= 0 && p < 4096 && p >= -1) retireSlot(t, i);
  }
  invalidateFetch(cpu);
}

/** The VPID a VM entry establishes: the VPID field with "enable VPID" 1, else 0000H (29.1). */
function vpidOf(vmcs: Vmcs): number {
  if ((vmcs.getLo(VMCS_SLOT.PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS) & PROC_CTLS.ACTIVATE_SECONDARY_CONTROLS) === 0) return 0;
  if ((vmcs.getLo(VMCS_SLOT.SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS) & PROC2_CTLS.ENABLE_VPID) === 0) return 0;
  return vmcs.getLo(VMCS_SLOT.VIRTUAL_PROCESSOR_IDENTIFIER) & 0xFFFF;
}

/**
 * VM entry (29.4.3.3): with VPID 0000H ("enable VPID" 0) it invalidates the mappings of VPID 0000H;
 * with a VPID it invalidates nothing. The guest's translations use its (VPID, EP4TA) context.
 */
export function enterTlbContext(cpu: Cpu, vmcs: Vmcs): void {
  const vpid = vpidOf(vmcs);
  if (vpid === 0) flushVpid0(cpu, contextsOf(cpu));
  cpu.tlbContext = tlbContextOf(cpu, vpid, cpu.ept === undefined ? -1 : ep4taOf(cpu.ept.eptp));
  invalidateFetch(cpu);
}

/** VM exit (29.4.3.3): leaving a guest of VPID 0000H invalidates that VPID's mappings; the host runs in context 0. */
export function leaveTlbContext(cpu: Cpu): void {
  const c = contextsOf(cpu);
  if (c.vpid[cpu.tlbContext] === 0) flushVpid0(cpu, c);
  cpu.tlbContext = 0;
  invalidateFetch(cpu);
}

/** EPTP switching (VMFUNC leaf 0) changes the EP4TA and so the context, without invalidating anything (26.5.6.3). */
export function switchTlbContext(cpu: Cpu, eptp: bigint): void {
  const c = contextsOf(cpu);
  cpu.tlbContext = tlbContextOf(cpu, c.vpid[cpu.tlbContext]!, ep4taOf(eptp));
  invalidateFetch(cpu);
}

/** The linear page number of a 64-bit address (for individual-address INVVPID). */
export function pageOf(linear: bigint): number {
  return pageNumber(Number(linear & 0xFFFF_FFFFn) | 0, Number((linear >> 32n) & 0xFFFF_FFFFn) | 0);
}
