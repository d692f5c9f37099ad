// CPU profiles: the built-in ones are coherent, and a dump of capability MSRs becomes a profile
// only when its values could come from a real processor (SDM Appendix A).
import { describe, expect, it } from 'vitest';
import { BUILTIN_PROFILES, CAPABILITY_MSRS } from '../generated/index.js';
import { checkProfileConsistency, formatProfileProblem } from './consistency.js';
import { builtinProfile, profileFromMsrDump, validateProfileData } from './load.js';

const base = builtinProfile('skylake-server')!;

/** The profile's MSRs the way `rdmsr` prints them: address, then the value in bare hex. */
function dumpOf(msrs: Record<string, string>): string {
  return CAPABILITY_MSRS.filter((m) => msrs[m.id] !== undefined)
    .map((m) => `0x${m.address.toString(16)} ${BigInt(msrs[m.id]!).toString(16)}`)
    .join('\n');
}

describe('built-in profiles', () => {
  it.each(BUILTIN_PROFILES.map((p) => [p.id]))('%s validates and is consistent', (id) => {
    const p = BUILTIN_PROFILES.find((x) => x.id === id)!;
    expect(validateProfileData(p, id)).toEqual([]);
    expect(checkProfileConsistency(p).map(formatProfileProblem)).toEqual([]);
  });

  it('includes a Skylake-server-like and an Ice-Lake-like part', () => {
    expect(BUILTIN_PROFILES.map((p) => p.id)).toEqual(expect.arrayContaining(['skylake-server', 'ice-lake-server']));
  });
});

describe('profile from an MSR dump', () => {
  it('takes every capability MSR from the dump and CPUID and timing from the base', () => {
    const r = profileFromMsrDump(dumpOf(base.msrs), { base, source: 'dump.txt', id: 'my-cpu' });
    expect(r.kind).toBe('ok');
    if (r.kind !== 'ok') return;
    expect(r.profile.id).toBe('my-cpu');
    expect(r.profile.base).toBe('skylake-server');
    expect(r.profile.msrs).toEqual(base.msrs);
    expect(r.profile.cpuid).toEqual(base.cpuid);
  });

  it('accepts 0x-prefixed values, comments and blank lines', () => {
    const text = '# rdmsr dump\n\n' + dumpOf(base.msrs).split('\n').map((l) => l.replace(' ', ' 0x') + '  # cpu0').join('\n');
    expect(profileFromMsrDump(text, { base, source: 'd' }).kind).toBe('ok');
  });

  it('rejects a control that must be 1 but may not be 1 (A.3), naming the MSR and bit', () => {
    // Pin-based controls: allowed-0 bit 3 (NMI exiting must be 1) with allowed-1 bit 35 clear.
    const pin = BigInt(base.msrs['IA32_VMX_PINBASED_CTLS']!);
    const bad = (pin | 0x8n) & ~(0x8n << 32n);
    const msrs = { ...base.msrs, IA32_VMX_PINBASED_CTLS: '0x' + bad.toString(16).toUpperCase() };
    const r = profileFromMsrDump(dumpOf(msrs), { base, source: 'dump.txt' });
    expect(r.kind).toBe('error');
    if (r.kind !== 'error') return;
    expect(r.messages.join('\n')).toMatch(/dump\.txt: IA32_VMX_PINBASED_CTLS bit 3: allowed-0 says the control must be 1, but allowed-1 \(bit 35\) says it cannot be 1/);
  });

  it('rejects a VMCS revision identifier of 0 (A.1)', () => {
    const basic = BigInt(base.msrs['IA32_VMX_BASIC']!) & ~0x7FFF_FFFFn;
    const msrs = { ...base.msrs, IA32_VMX_BASIC: '0x' + basic.toString(16).toUpperCase() };
    const r = profileFromMsrDump(dumpOf(msrs), { base, source: 'd' });
    expect(r.kind).toBe('error');
    if (r.kind !== 'error') return;
    expect(r.messages.join('\n')).toMatch(/IA32_VMX_BASIC: VMCS revision identifier is 0/);
  });

  it('rejects a default1-class control reported as may-be-0 by the non-TRUE MSR (A.2)', () => {
    // Bit 1 of the pin-based controls is in the default1 class.
    const pin = BigInt(base.msrs['IA32_VMX_PINBASED_CTLS']!) & ~0x2n;
    const msrs = { ...base.msrs, IA32_VMX_PINBASED_CTLS: '0x' + pin.toString(16).toUpperCase() };
    const r = profileFromMsrDump(dumpOf(msrs), { base, source: 'd' });
    expect(r.kind).toBe('error');
    if (r.kind !== 'error') return;
    expect(r.messages.join('\n')).toMatch(/IA32_VMX_PINBASED_CTLS bit 1: in the default1 class/);
  });

  it('rejects CR0 bits fixed to 1 that FIXED1 forbids (A.7)', () => {
    const msrs = { ...base.msrs, IA32_VMX_CR0_FIXED1: '0x7FFFFFFF' }; // PG (bit 31) is in FIXED0
    const r = profileFromMsrDump(dumpOf(msrs), { base, source: 'd' });
    expect(r.kind).toBe('error');
    if (r.kind !== 'error') return;
    expect(r.messages.join('\n')).toMatch(/IA32_VMX_CR0_FIXED0 bit 31: fixed to 1/);
  });

  it('rejects TRUE MSRs that IA32_VMX_BASIC bit 55 does not announce', () => {
    const basic = BigInt(base.msrs['IA32_VMX_BASIC']!) & ~(1n << 55n);
    const msrs = { ...base.msrs, IA32_VMX_BASIC: '0x' + basic.toString(16).toUpperCase() };
    const r = profileFromMsrDump(dumpOf(msrs), { base, source: 'd' });
    expect(r.kind).toBe('error');
    if (r.kind !== 'error') return;
    expect(r.messages.join('\n')).toMatch(/IA32_VMX_TRUE_PINBASED_CTLS: present, but it exists only when IA32_VMX_BASIC\.trueControls is set/);
  });

  it('names the line of an address that is not a VMX capability MSR, and of a malformed line', () => {
    const r = profileFromMsrDump(`${dumpOf(base.msrs)}\n0x10 12345\nfoo`, { base, source: 'dump.txt' });
    expect(r.kind).toBe('error');
    if (r.kind !== 'error') return;
    const lines = dumpOf(base.msrs).split('\n').length;
    expect(r.messages).toContain(`dump.txt:${lines + 1}: MSR 0x10 is not a VMX capability MSR (expected 0x3A or 0x480-0x493)`);
    expect(r.messages).toContain(`dump.txt:${lines + 2}: expected "0xADDR VALUE", got "foo"`);
  });
});
