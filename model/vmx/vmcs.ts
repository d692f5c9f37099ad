// The VMCS: its region in memory (revision identifier, shadow indicator, abort indicator, SDM 25.2),
// its launch state, and its fields with the access rules of VMREAD and VMWRITE (SDM 25.11.2, 31.3).
// Field values are BigInt: VMCS accesses are bookkeeping, not the hot path of guest execution.
import type { VmcsFieldInfo } from '../generated/index.js';
import { VM_INSTRUCTION_ERROR, VMCS_EXTENSION_FIELDS, VMCS_FIELDS } from '../generated/index.js';
import type { PhysicalMemory } from '../machine/memory.js';
import type { VmxCapabilities } from './capabilities.js';

const MASK32 = 0xFFFF_FFFFn;
const MASK64 = (1n << 64n) - 1n;

export type FieldAccess =
  | { readonly kind: 'ok'; readonly value: bigint }
  | { readonly kind: 'vmfail-valid'; readonly error: number };

// Storage for every field the model knows: Appendix B's, then the model extensions' (not in the SDM).
const ALL_FIELDS: readonly VmcsFieldInfo[] = [...VMCS_FIELDS, ...VMCS_EXTENSION_FIELDS];
const indexById = new Map<string, number>(ALL_FIELDS.map((f, i) => [f.id, i]));

/** Field values of one VMCS, held by the model while the VMCS is current (or cached). */
export class Vmcs {
  /** Physical address of the VMCS region. */
  readonly address: number;
  launched = false;
  private readonly values: bigint[] = new Array<bigint>(ALL_FIELDS.length).fill(0n);

  constructor(address: number) {
    this.address = address;
  }

  get(field: VmcsFieldInfo | string): bigint {
    return this.values[indexById.get(typeof field === 'string' ? field : field.id)!]!;
  }

  /** Stores a value as the field holds it (callers apply the VMREAD/VMWRITE width rules first). */
  set(field: VmcsFieldInfo | string, value: bigint): void {
    const f = typeof field === 'string' ? ALL_FIELDS[indexById.get(field)!]! : field;
    this.values[indexById.get(f.id)!] = value & widthMask(f);
  }

  clear(): void {
    this.values.fill(0n);
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

/**
 * VMREAD of the field an encoding names (SDM 25.11.2; 31.3 VMREAD): a 16- or 32-bit field zero-extended;
 * a 64-bit or natural-width field in full outside 64-bit mode gives bits 31:0; the high access type gives
 * bits 63:32. An encoding that names no field of this processor fails with error 12.
 */
export function readField(caps: VmxCapabilities, vmcs: Vmcs, encoding: bigint, mode64: boolean): FieldAccess {
  if (encoding < 0n || encoding > MASK32) return unsupported;
  const found = caps.field(Number(encoding));
  if (!found) return unsupported;
  const v = vmcs.get(found.field);
  if (found.high) return { kind: 'ok', value: v >> 32n };
  const wide = found.field.width === '64' || found.field.width === 'natural';
  return { kind: 'ok', value: wide && !mode64 ? v & MASK32 : v };
}

/**
 * VMWRITE (SDM 25.11.2; 31.3 VMWRITE): error 12 for an encoding that names no field, error 13 for a
 * read-only field unless IA32_VMX_MISC bit 29 allows it; the value is truncated to the field, and a
 * full-access write of a 64-bit or natural-width field outside 64-bit mode sets bits 31:0 and clears
 * bits 63:32; the high access type writes bits 63:32 from bits 31:0 of the source.
 */
export function writeField(caps: VmxCapabilities, vmcs: Vmcs, encoding: bigint, value: bigint, mode64: boolean): FieldAccess {
  if (encoding < 0n || encoding > MASK32) return unsupported;
  const found = caps.field(Number(encoding));
  if (!found) return unsupported;
  const f = found.field;
  if (f.readOnly && !caps.vmwriteAnyField) {
    return { kind: 'vmfail-valid', error: VM_INSTRUCTION_ERROR.VMWRITE_READ_ONLY_COMPONENT };
  }
  const source = value & (mode64 ? MASK64 : MASK32);
  if (found.high) {
    vmcs.set(f, (vmcs.get(f) & MASK32) | ((source & MASK32) << 32n));
  } else {
    vmcs.set(f, source & widthMask(f));
  }
  return { kind: 'ok', value: vmcs.get(f) };
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
