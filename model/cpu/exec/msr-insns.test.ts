// RDMSR and WRMSR (SDM Vol. 2 RDMSR, WRMSR) and the MSRs the model defines (SDM Vol. 4 Table 2-2,
// Vol. 3C 24.7 and Appendix A, Vol. 3B 18.17). Expected values come from those tables and from the
// skylake-server profile's MSR values (IA32_VMX_BASIC = 00DA0400_00000004H, IA32_FEATURE_CONTROL = 5).
import { describe, expect, it } from 'vitest';
import { Assembler, ecx } from '../../../conformance/asm/index.js';
import type { Cpu } from '../cpu.js';
import type { CpuProfile } from '../../generated/index.js';
import { FS, GS } from '../registers.js';
import { GP } from '../fault.js';
import { machineIn, profile, reg64, runCode, setCpl, setReg64, step } from '../../../conformance/harness/cpu.js';

const RDMSR = [0x0F, 0x32], WRMSR = [0x0F, 0x30], RDTSC = [0x0F, 0x31];

function rdmsr(cpu: Cpu, index: number): bigint | number {
  cpu.lo[1] = index | 0;
  const f = step(cpu, RDMSR);
  if (f) return f.vector * 1000 + f.errorCode; // 13000 = #GP(0)
  return (BigInt(cpu.lo[2]! >>> 0) << 32n) | BigInt(cpu.lo[0]! >>> 0);
}

/** Returns 'ok' or the fault as vector*1000 + error code. */
function wrmsr(cpu: Cpu, index: number, value: bigint): string | number {
  cpu.lo[1] = index | 0;
  cpu.lo[0] = Number(value & 0xFFFF_FFFFn) | 0;
  cpu.lo[2] = Number(value >> 32n) | 0;
  const f = step(cpu, WRMSR);
  return f ? f.vector * 1000 + f.errorCode : 'ok';
}

const GP0 = GP * 1000;

describe('RDMSR/WRMSR privilege and existence (SDM Vol. 2 RDMSR, WRMSR)', () => {
  it('raise #GP(0) at CPL 3 and leave EDX:EAX unchanged', () => {
    const m = machineIn('prot32');
    setCpl(m.cpu, 3);
    m.cpu.lo[0] = 0x1111; m.cpu.lo[2] = 0x2222;
    expect(rdmsr(m.cpu, 0x10)).toBe(GP0);
    expect([m.cpu.lo[0], m.cpu.lo[2]]).toEqual([0x1111, 0x2222]);
    expect(wrmsr(m.cpu, 0x277, 0n)).toBe(GP0);
  });

  it('raise #GP(0) for an MSR the model does not have', () => {
    const m = machineIn('long64');
    expect(rdmsr(m.cpu, 0xDEAD)).toBe(GP0);
    expect(wrmsr(m.cpu, 0xDEAD, 1n)).toBe(GP0);
    expect(rdmsr(m.cpu, 0x494)).toBe(GP0); // past the VMX capability range
  });

  it('RDMSR clears bits 63:32 of RAX and RDX in 64-bit mode', () => {
    const m = machineIn('long64');
    setReg64(m.cpu, 0, 0xFFFF_FFFF_FFFF_FFFFn); setReg64(m.cpu, 2, 0xFFFF_FFFF_FFFF_FFFFn);
    rdmsr(m.cpu, 0x480);
    expect(reg64(m.cpu, 0)).toBe(0x4n);
    expect(reg64(m.cpu, 2)).toBe(0x00DA_0400n);
  });

  it('runs in a program: read IA32_VMX_BASIC in 64-bit mode', () => {
    const a = new Assembler(64);
    a.mov(ecx, 0x480); a.rdmsr(); a.hlt();
    const { machine, result } = runCode(a.assemble(0x10_0000n).bytes, 'long64');
    expect(result.end).toBe('hlt');
    expect([machine.cpu.lo[0], machine.cpu.lo[2]]).toEqual([4, 0x00DA_0400]);
  });
});

describe('VMX capability MSRs and IA32_FEATURE_CONTROL (SDM Vol. 3C 24.7, Appendix A)', () => {
  it('read the profile values and are read-only', () => {
    const m = machineIn('long64');
    expect(rdmsr(m.cpu, 0x480)).toBe(0x00DA_0400_0000_0004n);
    expect(rdmsr(m.cpu, 0x48B)).toBe(0x021F_7FFF_0000_0000n); // IA32_VMX_PROCBASED_CTLS2
    expect(wrmsr(m.cpu, 0x480, 0n)).toBe(GP0);
    expect(wrmsr(m.cpu, 0x481, 0x00FF_0000_0016n)).toBe(GP0);
  });

  it('a locked IA32_FEATURE_CONTROL (bit 0) refuses every write', () => {
    const m = machineIn('long64');
    expect(rdmsr(m.cpu, 0x3A)).toBe(5n);
    expect(wrmsr(m.cpu, 0x3A, 5n)).toBe(GP0);
    expect(wrmsr(m.cpu, 0x3A, 4n)).toBe(GP0);
  });

  it('an unlocked IA32_FEATURE_CONTROL takes bit 2 and the lock, then refuses writes', () => {
    const unlocked = { ...profile('skylake-server'), id: 'unlocked', msrs: { ...profile('skylake-server').msrs, IA32_FEATURE_CONTROL: '0x0' } };
    const m = machineIn('long64', { profile: unlocked });
    expect(rdmsr(m.cpu, 0x3A)).toBe(0n);
    expect(wrmsr(m.cpu, 0x3A, 2n)).toBe(GP0); // VMX inside SMX: no SMX on this processor
    expect(wrmsr(m.cpu, 0x3A, 1n << 20n)).toBe(GP0); // LMCE: not offered
    expect(wrmsr(m.cpu, 0x3A, 4n)).toBe('ok');
    expect(wrmsr(m.cpu, 0x3A, 5n)).toBe('ok');
    expect(rdmsr(m.cpu, 0x3A)).toBe(5n);
    expect(wrmsr(m.cpu, 0x3A, 5n)).toBe(GP0);
  });
});

describe('architectural MSRs (SDM Vol. 4 Table 2-2)', () => {
  it('IA32_EFER: SCE and NXE stored, LMA read-only, reserved bits #GP (SDM Vol. 3A 2.2.1)', () => {
    const p = machineIn('prot32');
    expect(wrmsr(p.cpu, 0xC000_0080, 0x801n)).toBe('ok');
    expect(rdmsr(p.cpu, 0xC000_0080)).toBe(0x801n);
    expect(wrmsr(p.cpu, 0xC000_0080, 0x4n)).toBe(GP0);
    const l = machineIn('long64'); // the loader set LME, LMA and SCE
    expect(rdmsr(l.cpu, 0xC000_0080)).toBe(0x501n);
    expect(wrmsr(l.cpu, 0xC000_0080, 0x0n)).toBe(GP0); // LME may not change while paging is on
  });

  it('IA32_EFER.NXE is refused while IA32_MISC_ENABLE.XD_DISABLE (bit 34) is 1', () => {
    const m = machineIn('prot32');
    expect(wrmsr(m.cpu, 0x1A0, 0x4_0004_1881n)).toBe('ok');
    expect(wrmsr(m.cpu, 0xC000_0080, 0x800n)).toBe(GP0);
  });

  it('IA32_MISC_ENABLE: reset 41881H; read-only bits 7, 11, 12 keep their value; reserved bits #GP', () => {
    const m = machineIn('long64');
    expect(rdmsr(m.cpu, 0x1A0)).toBe(0x4_1881n); // bits 0, 7, 11, 12, 18
    expect(wrmsr(m.cpu, 0x1A0, 0x2n)).toBe(GP0);
    expect(wrmsr(m.cpu, 0x1A0, 0n)).toBe('ok');
    expect(rdmsr(m.cpu, 0x1A0)).toBe(0x1880n);
  });

  it('IA32_APIC_BASE: FEE00900H at reset; bit 9 and bits above MAXPHYADDR are reserved (SDM Vol. 3A 11.4.4)', () => {
    const m = machineIn('long64');
    expect(rdmsr(m.cpu, 0x1B)).toBe(0xFEE0_0900n);
    expect(wrmsr(m.cpu, 0x1B, 0xFEE0_0B00n)).toBe(GP0); // bit 9
    expect(wrmsr(m.cpu, 0x1B, (1n << 46n) | 0xFEE0_0900n)).toBe(GP0); // MAXPHYADDR is 46
    expect(wrmsr(m.cpu, 0x1B, 0xFED0_0800n)).toBe('ok');
    expect(rdmsr(m.cpu, 0x1B)).toBe(0xFED0_0800n);
  });

  it('IA32_PAT: 0007040600070406H at reset; types 2 and 3 are reserved (SDM Vol. 3A 12.12.2, 12.12.4)', () => {
    const m = machineIn('long64');
    expect(rdmsr(m.cpu, 0x277)).toBe(0x0007_0406_0007_0406n);
    expect(wrmsr(m.cpu, 0x277, 0x0007_0406_0007_0402n)).toBe(GP0);
    expect(wrmsr(m.cpu, 0x277, 0x0007_0406_0007_0403n)).toBe(GP0);
    expect(wrmsr(m.cpu, 0x277, 0x0007_0406_0007_0408n)).toBe(GP0);
    expect(wrmsr(m.cpu, 0x277, 0x0606_0606_0606_0606n)).toBe('ok');
    expect(rdmsr(m.cpu, 0x277)).toBe(0x0606_0606_0606_0606n);
  });

  it('IA32_DEBUGCTL is storage for bits 0, 1 and 15:6; bits 5:2 and 63:16 are reserved', () => {
    const m = machineIn('long64');
    expect(rdmsr(m.cpu, 0x1D9)).toBe(0n);
    expect(wrmsr(m.cpu, 0x1D9, 0x3n)).toBe('ok');
    expect(rdmsr(m.cpu, 0x1D9)).toBe(0x3n);
    expect(wrmsr(m.cpu, 0x1D9, 0x4n)).toBe(GP0);
    expect(wrmsr(m.cpu, 0x1D9, 0x1_0000n)).toBe(GP0);
  });

  it('IA32_TSC_AUX: bits 63:32 are reserved', () => {
    const m = machineIn('long64');
    expect(wrmsr(m.cpu, 0xC000_0103, 0x1_0000_0000n)).toBe(GP0);
    expect(wrmsr(m.cpu, 0xC000_0103, 0x1234n)).toBe('ok');
    expect(rdmsr(m.cpu, 0xC000_0103)).toBe(0x1234n);
  });

  it('IA32_FS_BASE and IA32_GS_BASE are the segment bases; a non-canonical value is #GP(0)', () => {
    const m = machineIn('long64');
    expect(wrmsr(m.cpu, 0xC000_0100, 0x0000_8000_0000_0000n)).toBe(GP0); // bit 47 set, 63:48 clear
    expect(wrmsr(m.cpu, 0xC000_0100, 0xFFFF_8000_0000_1000n)).toBe('ok');
    expect([m.cpu.segBaseHi[FS]! >>> 0, m.cpu.segBaseLo[FS]! >>> 0]).toEqual([0xFFFF_8000, 0x1000]);
    m.cpu.segBaseLo[GS] = 0x2000; m.cpu.segBaseHi[GS] = 0x7F;
    expect(rdmsr(m.cpu, 0xC000_0101)).toBe(0x7F_0000_2000n);
    expect(wrmsr(m.cpu, 0xC000_0082, 0x0001_0000_0000_0000n)).toBe(GP0); // IA32_LSTAR
    // With 57-bit linear addresses (ice-lake-server) bit 47 alone is canonical.
    const i = machineIn('long64', { profile: profile('ice-lake-server') });
    expect(wrmsr(i.cpu, 0xC000_0100, 0x0000_8000_0000_0000n)).toBe('ok');
  });

  it('IA32_PMCx: WRMSR writes EAX sign-extended to the 48-bit counter (SDM Vol. 3B 20.2.6)', () => {
    const m = machineIn('long64');
    expect(wrmsr(m.cpu, 0xC1, 0x1234_8000_0000n)).toBe('ok');
    expect(rdmsr(m.cpu, 0xC1)).toBe(0xFFFF_8000_0000n);
    expect(wrmsr(m.cpu, 0xC2, 0x7FFF_FFFFn)).toBe('ok');
    expect(rdmsr(m.cpu, 0xC2)).toBe(0x7FFF_FFFFn);
    expect(rdmsr(m.cpu, 0xC3)).toBe(GP0); // only two counters
  });
});

describe('the time-stamp counter (SDM Vol. 3B 18.17)', () => {
  it('IA32_TIME_STAMP_COUNTER counts the machine clock from 0 at reset', () => {
    const m = machineIn('long64');
    m.cpu.cycles = 1000;
    expect(rdmsr(m.cpu, 0x10)).toBe(1000n);
  });

  it('writing the TSC adds the change to IA32_TSC_ADJUST; writing IA32_TSC_ADJUST moves the TSC (18.17.3)', () => {
    const m = machineIn('long64');
    m.cpu.cycles = 1000;
    expect(wrmsr(m.cpu, 0x10, 5000n)).toBe('ok');
    expect(rdmsr(m.cpu, 0x3B)).toBe(4000n);
    m.cpu.cycles = 1010;
    expect(rdmsr(m.cpu, 0x10)).toBe(5010n);
    expect(wrmsr(m.cpu, 0x3B, 4100n)).toBe('ok');
    expect(rdmsr(m.cpu, 0x10)).toBe(5110n);
    // Backwards, across zero: TSC = 2^64 - 10 wraps modulo 2^64.
    expect(wrmsr(m.cpu, 0x10, 0xFFFF_FFFF_FFFF_FFF6n)).toBe('ok');
    m.cpu.cycles = 1030;
    expect(rdmsr(m.cpu, 0x10)).toBe(10n);
    m.cpu.lo[0] = 0;
    step(m.cpu, RDTSC);
    expect([m.cpu.lo[2], m.cpu.lo[0]]).toEqual([0, 10]);
  });
});

describe('RDMSRLIST/WRMSRLIST (SDM Vol. 2 RDMSRLIST, WRMSRLIST)', () => {
  // A part whose profile offers "enable MSR-list instructions" (tertiary bit 6) has them.
  const spr = profile('sapphire-rapids-server');
  const withList: CpuProfile = { ...spr, msrs: { ...spr.msrs, IA32_VMX_PROCBASED_CTLS3: '0x50' } };
  const RDMSRLIST = [0xF2, 0x0F, 0x01, 0xC6], WRMSRLIST = [0xF3, 0x0F, 0x01, 0xC6];
  const TABLE = 0x20_0000, DATA = 0x20_1000;

  function listMachine(p: CpuProfile = withList) {
    const m = machineIn('long64', { profile: p });
    m.memory.write64(TABLE, 0x174n); m.memory.write64(TABLE + 8, 0xC000_0102n); m.memory.write64(TABLE + 16, 0x175n);
    setReg64(m.cpu, 6, BigInt(TABLE)); setReg64(m.cpu, 7, BigInt(DATA));
    return m;
  }

  it('WRMSRLIST then RDMSRLIST move the entries RCX selects, lowest first, and leave RCX = 0', () => {
    const m = listMachine();
    m.memory.write64(DATA, 0x10n); m.memory.write64(DATA + 8, 0xFFFF_8000_1234_5000n); m.memory.write64(DATA + 16, 0x5555n);
    setReg64(m.cpu, 1, 0b011n); // entries 0 and 1 only
    expect(step(m.cpu, WRMSRLIST)).toBeUndefined();
    expect(reg64(m.cpu, 1)).toBe(0n);
    expect(m.cpu.msr.read(0x174)).toBe(0x10n);
    expect(m.cpu.msr.read(0xC000_0102)).toBe(0xFFFF_8000_1234_5000n);
    expect(m.cpu.msr.read(0x175)).not.toBe(0x5555n); // entry 2 was not selected
    m.memory.write64(DATA, 0n); m.memory.write64(DATA + 8, 0n);
    setReg64(m.cpu, 1, 0b011n);
    expect(step(m.cpu, RDMSRLIST)).toBeUndefined();
    expect([m.memory.read64(DATA), m.memory.read64(DATA + 8)]).toEqual([0x10n, 0xFFFF_8000_1234_5000n]);
  });

  it('raise #GP(0) for an index with bits 63:32 set and for a misaligned table, and #UD on a part without them', () => {
    const m = listMachine();
    m.memory.write64(TABLE, 1n << 32n);
    setReg64(m.cpu, 1, 1n);
    expect(step(m.cpu, RDMSRLIST)?.vector).toBe(GP);
    setReg64(m.cpu, 6, BigInt(TABLE + 4));
    expect(step(m.cpu, RDMSRLIST)?.vector).toBe(GP);
    expect(step(listMachine(spr).cpu, RDMSRLIST)?.vector).toBe(6);
  });
});
