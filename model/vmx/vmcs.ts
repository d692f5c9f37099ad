// The VMCS: its region in memory (revision identifier, shadow indicator, abort indicator, SDM 25.2),
// its launch state, and its fields with the access rules of VMREAD and VMWRITE (SDM 25.11.2, 31.3).
// Storage, decided once here: each field has a slot (VMCS_SLOT, generated from spec/data) and its value
// is two 32-bit halves in typed arrays. The name-based API (get/set with BigInt) stays for bookkeeping
// and the checks; VM entry, VM exit and VMREAD/VMWRITE use slots and numbers, with no BigInt.
import type { VmcsFieldInfo } from '../generated/index.js';
import { VM_INSTRUCTION_ERROR, VMCS_EXTENSION_FIELDS, VMCS_FIELDS, VMCS_SLOT, VMCS_SLOT_COUNT } from '../generated/index.js';
import type { PhysicalMemory } from '../machine/memory.js';
import type { VmxCapabilities } from './capabilities.js';

const MASK32 = 0xFFFF_FFFFn;
const MASK64 = (1n << 64n) - 1n;

export type FieldAccess =
  | { readonly kind: 'ok'; readonly value: bigint }
  | { readonly kind: 'vmfail-valid'; readonly error: number };

/** Every field the model knows, by slot: Appendix B's, then the model extensions' (not in the SDM). */
const SLOT_FIELDS: readonly VmcsFieldInfo[] = [...VMCS_FIELDS, ...VMCS_EXTENSION_FIELDS];
if (SLOT_FIELDS.length !== VMCS_SLOT_COUNT || SLOT_FIELDS.some((f, i) => VMCS_SLOT[f.id] !== i)) {
  throw new Error('model/generated VMCS_SLOT does not match VMCS_FIELDS; run npm run gen');
}
/** 0: 16-bit, 1: 32-bit, 2: 64-bit or natural width (bits 63:32 kept). */
const SLOT_WIDTH = Uint8Array.from(SLOT_FIELDS, (f) => (f.width === '16' ? 0 : f.width === '32' ? 1 : 2));

const SLOT_BY_ID = new Map<string, number>(Object.entries(VMCS_SLOT));

/** Slots whose changes Vmcs.watchedVersion counts (watchSlots). */
const WATCHED = new Uint8Array(VMCS_SLOT_COUNT);

/**
 * Makes every change of these slots' values, in any VMCS, advance its watchedVersion: a caller that saw the
 * slots under one version knows they still hold the same values while the version is the same.
 */
export function watchSlots(slots: readonly number[]): void {
  for (const s of slots) WATCHED[s] = 1;
}

/** The storage slot of a field (VMCS_SLOT). */
export function slotOf(field: VmcsFieldInfo | string): number {
  return SLOT_BY_ID.get(typeof field === 'string' ? field : field.id)!;
}

/** The field held in a slot. */
export function fieldOfSlot(slot: number): VmcsFieldInfo {
  return SLOT_FIELDS[slot]!;
}

function u64(lo: number, hi: number): bigint {
  return hi === 0 ? BigInt(lo >>> 0) : (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

/** Field values of one VMCS, held by the model while the VMCS is current (or cached). */
export class Vmcs {
  /** Physical address of the VMCS region. */
  readonly address: number;
  launched = false;
  /** The region's shadow-VMCS indicator when the VMCS was made active (SDM 25.2, 25.10). */
  shadow = false;
  /**
   * Bits 31:0 and 63:32 of each field, by slot. Read directly only by VM entry's and VM exit's state
   * loading (transitions.ts), where the entry-check recorder (readLog) is never active; writes go
   * through setSlot (change tracking).
   */
  readonly lo = new Int32Array(VMCS_SLOT_COUNT);
  readonly hi = new Int32Array(VMCS_SLOT_COUNT);
  /** Slots whose value changed since the last drainChanged (each listed once). */
  private readonly changedFlag = new Uint8Array(VMCS_SLOT_COUNT);
  private readonly changedSlots = new Int32Array(VMCS_SLOT_COUNT);
  private changedCount = 0;
  /** The last BigInt getBig made for each slot and the halves it stands for. */
  private readonly memoBig: bigint[] = new Array<bigint>(VMCS_SLOT_COUNT).fill(0n);
  private readonly memoLo = new Int32Array(VMCS_SLOT_COUNT);
  private readonly memoHi = new Int32Array(VMCS_SLOT_COUNT);
  /** While defined, every slot read through get/getLo/getHi is appended (the entry-check cache's recorder). */
  readLog: number[] | undefined;
  /** Advanced by every change of a watched slot's value (watchSlots). */
  watchedVersion = 0;

  constructor(address: number) {
    this.address = address;
  }

  get(field: VmcsFieldInfo | string): bigint {
    return this.getBig(slotOf(field));
  }

  /** Stores a value as the field holds it (callers apply the VMREAD/VMWRITE width rules first). */
  set(field: VmcsFieldInfo | string, value: bigint): void {
    this.setBig(slotOf(field), value);
  }

  /**
   * A slot's field as a BigInt. The last BigInt made for each slot is kept with its halves, so reading an
   * unchanged field again (the checks, MSR values) allocates nothing.
   */
  getBig(slot: number): bigint {
    if (this.readLog !== undefined) this.readLog.push(slot);
    const lo = this.lo[slot]!, hi = this.hi[slot]!;
    if (this.memoLo[slot] === lo && this.memoHi[slot] === hi) return this.memoBig[slot]!;
    const v = u64(lo, hi);
    this.memoBig[slot] = v; this.memoLo[slot] = lo; this.memoHi[slot] = hi;
    return v;
  }

  /** Stores a BigInt into a slot (masked to 64 bits, then to the field's width). */
  setBig(slot: number, value: bigint): void {
    if (value === this.memoBig[slot]) { this.setSlot(slot, this.memoLo[slot]!, this.memoHi[slot]!); return; }
    const v = value & MASK64;
    this.setSlot(slot, Number(v & MASK32) | 0, Number(v >> 32n) | 0);
  }

  /** Bits 31:0 of a slot's field (as int32; `>>> 0` for the unsigned value). */
  getLo(slot: number): number {
    if (this.readLog !== undefined) this.readLog.push(slot);
    return this.lo[slot]!;
  }

  /** Bits 63:32 of a slot's field (as int32; 0 for 16- and 32-bit fields). */
  getHi(slot: number): number {
    if (this.readLog !== undefined) this.readLog.push(slot);
    return this.hi[slot]!;
  }

  /** Stores a slot's field from its halves, truncated to the field's width. */
  setSlot(slot: number, lo: number, hi: number): void {
    const w = SLOT_WIDTH[slot]!;
    if (w !== 2) { hi = 0; if (w === 0) lo &= 0xFFFF; }
    if (this.lo[slot] === (lo | 0) && this.hi[slot] === (hi | 0)) return;
    this.lo[slot] = lo;
    this.hi[slot] = hi;
    if (WATCHED[slot] !== 0) this.watchedVersion++;
    if (this.changedFlag[slot] === 0) { this.changedFlag[slot] = 1; this.changedSlots[this.changedCount++] = slot; }
  }

  /** Calls `visit` with every slot whose value changed since the last call, and forgets them. */
  drainChanged(visit: (slot: number) => void): void {
    for (let i = 0; i < this.changedCount; i++) {
      const s = this.changedSlots[i]!;
      this.changedFlag[s] = 0;
      visit(s);
    }
    this.changedCount = 0;
  }

  clear(): void {
    for (let s = 0; s < VMCS_SLOT_COUNT; s++) this.setSlot(s, 0, 0);
  }
}

export function widthMask(f: VmcsFieldInfo): bigint {
  switch (f.width) {
    case '16': return 0xFFFFn;
    case '32': return MASK32;
    default: return MASK64;
  }
}

const unsupported: FieldAccess = { kind: 'vmfail-valid', error: VM_INSTRUCTION_ERROR.VMREAD_VMWRITE_UNSUPPORTED_COMPONENT };

/** Where readFieldHalves and writeFieldHalves leave the field's value: bits 31:0 and 63:32 (int32). */
export const fieldResult = { lo: 0, hi: 0 };

/**
 * VMREAD of the field an encoding names (SDM 25.11.2; 31.3 VMREAD): a 16- or 32-bit field zero-extended;
 * a 64-bit or natural-width field in full outside 64-bit mode gives bits 31:0; the high access type gives
 * bits 63:32. An encoding that names no field of this processor fails with error 12. The encoding comes
 * as its two 32-bit halves; returns 0 (the value in fieldResult) or the VM-instruction error.
 */
export function readFieldHalves(caps: VmxCapabilities, vmcs: Vmcs, encLo: number, encHi: number, mode64: boolean): number {
  const found = encHi === 0 ? caps.field(encLo >>> 0) : undefined;
  if (!found) return VM_INSTRUCTION_ERROR.VMREAD_VMWRITE_UNSUPPORTED_COMPONENT;
  const s = found.slot;
  if (found.high) { fieldResult.lo = vmcs.getHi(s); fieldResult.hi = 0; return 0; }
  fieldResult.lo = vmcs.getLo(s);
  fieldResult.hi = mode64 ? vmcs.getHi(s) : 0;
  return 0;
}

/** readFieldHalves with BigInt operands (the TypeScript API). */
export function readField(caps: VmxCapabilities, vmcs: Vmcs, encoding: bigint, mode64: boolean): FieldAccess {
  if (encoding < 0n || encoding > MASK64) return unsupported;
  const error = readFieldHalves(caps, vmcs, Number(encoding & MASK32) | 0, Number(encoding >> 32n) | 0, mode64);
  return error === 0 ? { kind: 'ok', value: u64(fieldResult.lo, fieldResult.hi) } : { kind: 'vmfail-valid', error };
}

/**
 * VMWRITE (SDM 25.11.2; 31.3 VMWRITE): error 12 for an encoding that names no field, error 13 for a
 * read-only field unless IA32_VMX_MISC bit 29 allows it; the value is truncated to the field, and a
 * full-access write of a 64-bit or natural-width field outside 64-bit mode sets bits 31:0 and clears
 * bits 63:32; the high access type writes bits 63:32 from bits 31:0 of the source. Returns 0 (the
 * field's new value in fieldResult) or the VM-instruction error.
 */
export function writeFieldHalves(
  caps: VmxCapabilities, vmcs: Vmcs, encLo: number, encHi: number, valueLo: number, valueHi: number, mode64: boolean,
): number {
  const found = encHi === 0 ? caps.field(encLo >>> 0) : undefined;
  if (!found) return VM_INSTRUCTION_ERROR.VMREAD_VMWRITE_UNSUPPORTED_COMPONENT;
  if (found.field.readOnly && !caps.vmwriteAnyField) return VM_INSTRUCTION_ERROR.VMWRITE_READ_ONLY_COMPONENT;
  const s = found.slot;
  if (found.high) vmcs.setSlot(s, vmcs.getLo(s), valueLo);
  else vmcs.setSlot(s, valueLo, mode64 ? valueHi : 0);
  fieldResult.lo = vmcs.getLo(s);
  fieldResult.hi = vmcs.getHi(s);
  return 0;
}

/** writeFieldHalves with BigInt operands (the TypeScript API). */
export function writeField(caps: VmxCapabilities, vmcs: Vmcs, encoding: bigint, value: bigint, mode64: boolean): FieldAccess {
  if (encoding < 0n || encoding > MASK64) return unsupported;
  const v = value & MASK64;
  const error = writeFieldHalves(caps, vmcs, Number(encoding & MASK32) | 0, Number(encoding >> 32n) | 0, Number(v & MASK32) | 0, Number(v >> 32n) | 0, mode64);
  return error === 0 ? { kind: 'ok', value: u64(fieldResult.lo, fieldResult.hi) } : { kind: 'vmfail-valid', error };
}

/** Reads the 32-bit header of a VMCS region: revision identifier and shadow-VMCS indicator (SDM 25.2). */
export function readRegionHeader(memory: PhysicalMemory, address: number): { revisionId: number; shadow: boolean } {
  const w = memory.read32(address) >>> 0;
  return { revisionId: w & 0x7FFF_FFFF, shadow: (w >>> 31) === 1 };
}

/** The VMX-abort indicator, bytes 4-7 of the region (SDM 25.2, 28.7). */
export function writeAbortIndicator(memory: PhysicalMemory, address: number, value: number): void {
  memory.write32(address + 4, value);
}

/**
 * The model's own format for VMCS data in the region (the SDM leaves it to the implementation, 25.2):
 * the fields this processor has, in Appendix B order, packed by width after the 8-byte header, then
 * the launch state in the last byte of the region.
 */
export function regionLayout(caps: VmxCapabilities): { offsets: Map<string, number>; bytes: number } {
  const offsets = new Map<string, number>();
  let at = 8;
  for (const f of caps.fields) {
    offsets.set(f.id, at);
    at += f.width === '16' ? 2 : f.width === '32' ? 4 : 8;
  }
  return { offsets, bytes: at + 1 };
}

/** VMCLEAR's write-back: the cached data into the region, launch state "clear" (SDM 31.3 VMCLEAR). */
export function writeBack(caps: VmxCapabilities, memory: PhysicalMemory, vmcs: Vmcs): void {
  const { offsets } = regionLayout(caps);
  for (const f of caps.fields) {
    const at = vmcs.address + offsets.get(f.id)!;
    const v = vmcs.get(f);
    if (f.width === '16') memory.write16(at, Number(v));
    else if (f.width === '32') memory.write32(at, Number(v));
    else memory.write64(at, v);
  }
  memory.write8(vmcs.address + caps.vmcsRegionSize - 1, vmcs.launched ? 1 : 0);
}

/** VMPTRLD's load of a region written back earlier (or fresh: all zero, clear). */
export function loadFromRegion(caps: VmxCapabilities, memory: PhysicalMemory, address: number): Vmcs {
  const vmcs = new Vmcs(address);
  const { offsets } = regionLayout(caps);
  for (const f of caps.fields) {
    const at = address + offsets.get(f.id)!;
    vmcs.set(f, f.width === '16' ? BigInt(memory.read16(at)) : f.width === '32' ? BigInt(memory.read32(at) >>> 0) : memory.read64(at));
  }
  vmcs.launched = memory.read8(address + caps.vmcsRegionSize - 1) === 1;
  return vmcs;
}
