// CPUID (SDM Vol. 2 CPUID, Table 3-8 and Figure 3-6). Expected values are worked out by hand from the
// SDM and the profiles' identity fields: skylake-server is family 6, model 85 (55H), stepping 4, 46-bit
// physical and 48-bit linear addresses; ice-lake-server is family 6, model 106 (6AH), stepping 6, 46/57.
import { describe, expect, it } from 'vitest';
import { Assembler, eax, ecx, rax, rbx } from '../../../conformance/asm/index.js';
import { CR4_OSXSAVE } from '../control-registers.js';
import { IA32_MISC_ENABLE } from '../msr.js';
import { buildCpuidTable, processorSignature } from './cpuid.js';
import { machineIn, profile, reg64, runCode, setReg64, step } from '../../../conformance/harness/cpu.js';

const CPUID = [0x0F, 0xA2];

/** EAX, EBX, ECX, EDX after CPUID with EAX = leaf, ECX = subleaf, in 64-bit mode. */
function query(leaf: number, subleaf = 0, setup?: (m: ReturnType<typeof machineIn>) => void, profileId = 'skylake-server'): number[] {
  const m = machineIn('long64', { profile: profile(profileId) });
  setup?.(m);
  m.cpu.lo[0] = leaf | 0; m.cpu.lo[1] = subleaf | 0;
  expect(step(m.cpu, CPUID)).toBeUndefined();
  return [0, 3, 1, 2].map((r) => m.cpu.lo[r]! >>> 0);
}

const bit = (v: number, n: number): number => (v >>> n) & 1;

describe('CPUID identity (SDM Vol. 2 CPUID)', () => {
  it('leaf 0: highest basic leaf 0DH and "GenuineIntel" in EBX, EDX, ECX', () => {
    // "Genu" = 47 65 6E 75, "ineI" = 69 6E 65 49, "ntel" = 6E 74 65 6C (little-endian in each register)
    expect(query(0)).toEqual([0xD, 0x756E6547, 0x6C65746E, 0x49656E69]);
  });

  it('leaf 1 EAX: the signature of Figure 3-6 (ext. model 5, family 6, model 5, stepping 4 = 00050654H)', () => {
    expect(query(1)[0]).toBe(0x0005_0654);
    expect(query(1, 0, undefined, 'ice-lake-server')[0]).toBe(0x0006_06A6);
    // Family 0FH + extended family: family 15 + 2 = 17 is ext. family 2, family F.
    expect(processorSignature(17, 1, 0)).toBe(0x0020_0F10);
  });

  it('leaf 1 EBX: CLFLUSH line size 8 (64 bytes), one logical processor, initial APIC ID 0', () => {
    expect(query(1)[1]).toBe(0x0001_0800);
  });

  it('leaf 1 ECX.VMX (bit 5) is 1 exactly when the profile has IA32_VMX_BASIC', () => {
    expect(bit(query(1)[2]!, 5)).toBe(1);
    const noVmx = { ...profile('skylake-server'), id: 'no-vmx', msrs: {} };
    const m = machineIn('long64', { profile: noVmx });
    m.cpu.lo[0] = 1;
    step(m.cpu, CPUID);
    expect(bit(m.cpu.lo[1]!, 5)).toBe(0);
  });

  it('reports the features this model implements: TSC, MSR, CLFSH, MONITOR, RDRAND, RDSEED, CLFLUSHOPT, CLWB, RDPID, RDTSCP, LM', () => {
    const [, , ecx1, edx1] = query(1);
    expect([bit(edx1!, 4), bit(edx1!, 5), bit(edx1!, 19)]).toEqual([1, 1, 1]); // TSC, MSR, CLFSH
    expect([bit(ecx1!, 3), bit(ecx1!, 30)]).toEqual([1, 1]); // MONITOR, RDRAND
    const [eax7, ebx7, ecx7] = query(7, 0);
    expect(eax7).toBe(0); // sub-leaf 0 is the highest
    expect([bit(ebx7!, 1), bit(ebx7!, 18), bit(ebx7!, 23), bit(ebx7!, 24)]).toEqual([1, 1, 1, 1]); // TSC_ADJUST RDSEED CLFLUSHOPT CLWB
    expect(bit(ecx7!, 22)).toBe(1); // RDPID
    expect(bit(ecx7!, 16)).toBe(0); // LA57: skylake-server has 48-bit linear addresses
    expect(bit(query(7, 0, undefined, 'ice-lake-server')[2]!, 16)).toBe(1);
    const [, , ecx81, edx81] = query(0x8000_0001);
    expect([bit(edx81!, 27), bit(edx81!, 29), bit(ecx81!, 8)]).toEqual([1, 1, 1]); // RDTSCP, LM, PREFETCHW
    expect(bit(query(0x8000_0007)[3]!, 8)).toBe(1); // invariant TSC
    expect(bit(query(0x8000_0008)[1]!, 9)).toBe(1); // WBNOINVD
  });

  it('reports an instruction-set feature only when its instructions are implemented', () => {
    const sky = profile('skylake-server');
    const none = buildCpuidTable(sky, true, () => false);
    // Nothing implemented: leaf 1 EDX keeps PSE 3, TSC 4, MSR 5, PAE 6, PGE 13, PAT 16, PSE-36 17, CLFSH 19.
    expect(none.leaves.get(1 * 256)![3]! >>> 0).toBe(0x000B_2078);
    // ECX keeps MONITOR 3, VMX 5, PCID 17, RDRAND 30.
    expect(none.leaves.get(1 * 256)![2]! >>> 0).toBe(0x4002_0028);
    const all = buildCpuidTable(sky, true, () => true);
    // FPU 0, CX8 8, SEP 11, CMOV 15, MMX 23, FXSR 24, SSE 25, SSE2 26 join them.
    expect(all.leaves.get(1 * 256)![3]! >>> 0).toBe(0x000B_2078 | 0x1 | 0x100 | 0x800 | 0x8000 | 0x0780_0000);
  });

  it('leaf 0DH describes XSAVE only when XSAVE is reported: x87 and SSE, 576-byte area (SDM Vol. 1 13.4)', () => {
    const sky = profile('skylake-server');
    const all = buildCpuidTable(sky, true, () => true);
    expect(Array.from(all.leaves.get(0xD * 256)!, (x) => x >>> 0)).toEqual([3, 576, 576, 0]);
    expect(Array.from(all.leaves.get(0xD * 256 + 1)!)).toEqual([0, 0, 0, 0]);
    const none = buildCpuidTable(sky, true, () => false);
    expect(Array.from(none.leaves.get(0xD * 256)!)).toEqual([0, 0, 0, 0]);
  });

  it('extended leaves: 80000008H max, the brand string, MAXPHYADDR and linear width', () => {
    expect(query(0x8000_0000)[0]).toBe(0x8000_0008);
    // "Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz": "Inte" "l(R)" " Xeo" "n(R)" ...
    expect(query(0x8000_0002)).toEqual([0x65746E49, 0x2952286C, 0x6F655820, 0x2952286E]);
    const words = [2, 3, 4].flatMap((i) => query(0x8000_0000 + i));
    const text = Buffer.from(Uint32Array.from(words).buffer).toString('latin1').replace(/\0+$/, '');
    expect(text).toBe('Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz');
    expect(query(0x8000_0008)[0]).toBe(0x302E); // 48 << 8 | 46
    expect(query(0x8000_0008, 0, undefined, 'ice-lake-server')[0]).toBe(0x392E); // 57 << 8 | 46
  });

  it('an input above the highest leaf returns the highest basic leaf (for the same ECX)', () => {
    // With the CPUID limit on, the highest basic leaf is 2 (EAX = 01H): leaves 3..0DH and 80000009H answer as 2.
    const limited = (m: ReturnType<typeof machineIn>): void => { m.cpu.msr.write(IA32_MISC_ENABLE, m.cpu.msr.read(IA32_MISC_ENABLE)! | (1n << 22n)); };
    expect(query(0, 0, limited)[0]).toBe(2);
    expect(query(7, 0, limited)).toEqual(query(2));
    expect(query(0x8000_0009, 0, limited)).toEqual(query(2));
    expect(query(0x4000_0000)).toEqual(query(0xD, 0));
  });

  it('ECX.OSXSAVE (bit 27) follows CR4.OSXSAVE; ECX.MONITOR follows IA32_MISC_ENABLE bit 18', () => {
    expect(bit(query(1)[2]!, 27)).toBe(0);
    expect(bit(query(1, 0, (m) => { m.cpu.cr4 |= CR4_OSXSAVE; })[2]!, 27)).toBe(1);
    const noFsm = (m: ReturnType<typeof machineIn>): void => { m.cpu.msr.write(IA32_MISC_ENABLE, m.cpu.msr.read(IA32_MISC_ENABLE)! & ~(1n << 18n)); };
    expect(bit(query(1, 0, noFsm)[2]!, 3)).toBe(0);
  });

  it('NX (80000001H EDX bit 20) reads 0 while IA32_MISC_ENABLE.XD_DISABLE (bit 34) is 1', () => {
    expect(bit(query(0x8000_0001)[3]!, 20)).toBe(1);
    const xdOff = (m: ReturnType<typeof machineIn>): void => { m.cpu.msr.write(IA32_MISC_ENABLE, m.cpu.msr.read(IA32_MISC_ENABLE)! | (1n << 34n)); };
    expect(bit(query(0x8000_0001, 0, xdOff)[3]!, 20)).toBe(0);
  });

  it('clears bits 63:32 of RAX, RBX, RCX and RDX in 64-bit mode', () => {
    const m = machineIn('long64');
    for (const r of [0, 1, 2, 3]) setReg64(m.cpu, r, 0xFFFF_FFFF_0000_0000n);
    step(m.cpu, CPUID); // EAX = 0: leaf 0
    expect([reg64(m.cpu, 0), reg64(m.cpu, 3), reg64(m.cpu, 1), reg64(m.cpu, 2)]).toEqual([0xDn, 0x756E6547n, 0x6C65746En, 0x49656E69n]);
  });

  it('runs in a program: the vendor string in 32-bit protected mode', () => {
    const a = new Assembler(32);
    a.mov(eax, 0); a.cpuid(); a.hlt();
    const { machine, result } = runCode(a.assemble(0x10_0000n).bytes, 'prot32');
    expect(result.end).toBe('hlt');
    expect(machine.cpu.lo[3]! >>> 0).toBe(0x756E6547);
    const b = new Assembler(64);
    b.mov(eax, 0x8000_0008); b.mov(ecx, 0); b.cpuid(); b.mov(rbx, rax); b.hlt();
    const r64 = runCode(b.assemble(0x10_0000n).bytes, 'long64');
    expect(r64.machine.cpu.lo[3]).toBe(0x302E);
  });
});
