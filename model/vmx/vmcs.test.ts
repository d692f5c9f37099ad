// VMREAD/VMWRITE access rules (SDM 25.11.2 and the VMREAD/VMWRITE pages of 31.3) and the VMCS region.
import { describe, expect, it } from 'vitest';
import { BUILTIN_PROFILES, type CpuProfile } from '../generated/index.js';
import { PhysicalMemory } from '../machine/memory.js';
import { VmxCapabilities } from './capabilities.js';
import { Vmcs, fieldOfSlot, loadFromRegion, readField, readRegionHeader, slotOf, writeBack, writeField } from './vmcs.js';

const skylake = BUILTIN_PROFILES.find((p) => p.id === 'skylake-server')!;
const caps = new VmxCapabilities(skylake);

function withMisc29(profile: CpuProfile, on: boolean): CpuProfile {
  const old = BigInt(profile.msrs['IA32_VMX_MISC']!);
  const misc = on ? old | (1n << 29n) : old & ~(1n << 29n);
  return { ...profile, msrs: { ...profile.msrs, IA32_VMX_MISC: '0x' + misc.toString(16).toUpperCase() } };
}

describe('VMWRITE and VMREAD widths (SDM 25.11.2)', () => {
  it('a 16-bit field keeps bits 15:0 of the source; VMREAD zero-extends', () => {
    const v = new Vmcs(0x1000);
    expect(writeField(caps, v, 0x0800n, 0xDEAD_BEEF_1234n, true)).toEqual({ kind: 'ok', value: 0x1234n }); // GUEST_ES_SELECTOR
    expect(readField(caps, v, 0x0800n, true)).toEqual({ kind: 'ok', value: 0x1234n });
  });

  it('a 32-bit field keeps bits 31:0; in 64-bit mode bits 63:32 of the source are ignored', () => {
    const v = new Vmcs(0x1000);
    writeField(caps, v, 0x4004n, 0xFFFF_FFFF_0000_4000n, true); // EXCEPTION_BITMAP
    expect(readField(caps, v, 0x4004n, true)).toEqual({ kind: 'ok', value: 0x4000n });
  });

  it('a 64-bit field in 64-bit mode holds all 64 bits; the high access type reads bits 63:32', () => {
    const v = new Vmcs(0x1000);
    writeField(caps, v, 0x2010n, 0x1234_5678_9ABC_DEF0n, true); // TSC_OFFSET full
    expect(readField(caps, v, 0x2010n, true)).toEqual({ kind: 'ok', value: 0x1234_5678_9ABC_DEF0n });
    expect(readField(caps, v, 0x2011n, true)).toEqual({ kind: 'ok', value: 0x1234_5678n });
  });

  it('outside 64-bit mode a full write sets bits 31:0 and clears 63:32; a high write sets 63:32', () => {
    const v = new Vmcs(0x1000);
    writeField(caps, v, 0x2010n, 0xFFFF_FFFF_FFFF_FFFFn, true);
    writeField(caps, v, 0x2010n, 0x9ABC_DEF0n, false);
    expect(readField(caps, v, 0x2010n, true)).toEqual({ kind: 'ok', value: 0x9ABC_DEF0n });
    writeField(caps, v, 0x2011n, 0x1234_5678n, false);
    expect(readField(caps, v, 0x2010n, true)).toEqual({ kind: 'ok', value: 0x1234_5678_9ABC_DEF0n });
    expect(readField(caps, v, 0x2010n, false)).toEqual({ kind: 'ok', value: 0x9ABC_DEF0n });
  });

  it('a natural-width field outside 64-bit mode reads bits 31:0 and a write clears bits 63:32', () => {
    const v = new Vmcs(0x1000);
    writeField(caps, v, 0x681En, 0xFFFF_8000_0000_1000n, true); // GUEST_RIP
    expect(readField(caps, v, 0x681En, false)).toEqual({ kind: 'ok', value: 0x1000n });
    writeField(caps, v, 0x681En, 0x2000n, false);
    expect(readField(caps, v, 0x681En, true)).toEqual({ kind: 'ok', value: 0x2000n });
  });
});

describe('VMREAD/VMWRITE failures (SDM 31.3, 31.4)', () => {
  it('fails with error 12 for an encoding that names no field', () => {
    const v = new Vmcs(0x1000);
    expect(readField(caps, v, 0x0801n, true)).toEqual({ kind: 'vmfail-valid', error: 12 }); // high access of a 16-bit field
    expect(writeField(caps, v, 0x9999n, 0n, true)).toEqual({ kind: 'vmfail-valid', error: 12 });
    expect(readField(caps, v, 0x1_0000_0800n, true)).toEqual({ kind: 'vmfail-valid', error: 12 }); // bits 63:32 set
  });

  it('fails with error 12 for a field this processor does not have', () => {
    // Skylake-server has no tertiary controls (no IA32_VMX_PROCBASED_CTLS3): field 2034h does not exist.
    expect(skylake.msrs['IA32_VMX_PROCBASED_CTLS3']).toBeUndefined();
    expect(readField(caps, new Vmcs(0x1000), 0x2034n, true)).toEqual({ kind: 'vmfail-valid', error: 12 });
  });

  it('fails with error 13 writing a read-only field, unless IA32_VMX_MISC bit 29 is 1 (A.6)', () => {
    const v = new Vmcs(0x1000);
    const strict = new VmxCapabilities(withMisc29(skylake, false));
    expect(strict.vmwriteAnyField).toBe(false);
    expect(writeField(strict, v, 0x4402n, 12n, true)).toEqual({ kind: 'vmfail-valid', error: 13 }); // EXIT_REASON
    const any = new VmxCapabilities(withMisc29(skylake, true));
    expect(writeField(any, v, 0x4402n, 12n, true)).toEqual({ kind: 'ok', value: 12n });
  });
});

describe('the VMCS region (SDM 25.2)', () => {
  it('reads the revision identifier and shadow indicator from the first 4 bytes', () => {
    const m = new PhysicalMemory(1 << 20);
    m.write32(0x2000, 0x8000_0004 | 0);
    expect(readRegionHeader(m, 0x2000)).toEqual({ revisionId: 4, shadow: true });
  });

  it('keeps field values and the launch state across a write-back and a load', () => {
    const m = new PhysicalMemory(1 << 20);
    const v = new Vmcs(0x3000);
    writeField(caps, v, 0x681En, 0x1234_5678_9ABCn, true);
    writeField(caps, v, 0x0802n, 0x10n, true);
    v.launched = true;
    writeBack(caps, m, v);
    const again = loadFromRegion(caps, m, 0x3000);
    expect(readField(caps, again, 0x681En, true)).toEqual({ kind: 'ok', value: 0x1234_5678_9ABCn });
    expect(readField(caps, again, 0x0802n, true)).toEqual({ kind: 'ok', value: 0x10n });
    expect(again.launched).toBe(true);
  });
});

describe('the model\'s VMCS storage (slots of 32-bit halves, vmcs.ts)', () => {
  it('stores a field at its width (SDM 25.11.2: 16-bit fields keep bits 15:0, 32-bit fields bits 31:0)', () => {
    const v = new Vmcs(0x1000);
    v.set('GUEST_ES_SELECTOR', 0x1_2345n);
    v.set('EXCEPTION_BITMAP', 0x1_0000_0001n);
    v.set('TSC_OFFSET', 0xFFFF_FFFF_FFFF_FFFFn);
    expect(v.get('GUEST_ES_SELECTOR')).toBe(0x2345n);
    expect(v.get('EXCEPTION_BITMAP')).toBe(1n);
    expect(v.get('TSC_OFFSET')).toBe(0xFFFF_FFFF_FFFF_FFFFn);
    expect(v.getLo(slotOf('TSC_OFFSET'))).toBe(-1);
    expect(v.getHi(slotOf('TSC_OFFSET'))).toBe(-1);
  });

  it('reports a field as changed only when its value changes, once until drained', () => {
    const v = new Vmcs(0x1000);
    const changed = (): string[] => { const ids: string[] = []; v.drainChanged((s) => ids.push(fieldOfSlot(s).id)); return ids; };
    v.set('GUEST_RIP', 0x1000n);
    v.set('GUEST_RIP', 0x2000n);
    v.set('GUEST_RSP', 0n); // unchanged: still 0
    expect(changed()).toEqual(['GUEST_RIP']);
    v.set('GUEST_RIP', 0x2000n);
    v.set('GUEST_ES_SELECTOR', 0x1_0000n); // truncated to 0: unchanged
    expect(changed()).toEqual([]);
  });

  it('a BigInt read after a change of either half gives the new value', () => {
    const v = new Vmcs(0x1000);
    const s = slotOf('GUEST_RIP');
    v.set('GUEST_RIP', 0x1_0000_0000n);
    expect(v.get('GUEST_RIP')).toBe(0x1_0000_0000n);
    v.setSlot(s, 5, 1);
    expect(v.get('GUEST_RIP')).toBe(0x1_0000_0005n);
    v.setSlot(s, 5, 2);
    expect(v.get('GUEST_RIP')).toBe(0x2_0000_0005n);
    v.set('GUEST_RIP', 0x1_0000_0000n);
    expect(v.get('GUEST_RIP')).toBe(0x1_0000_0000n);
  });
});
