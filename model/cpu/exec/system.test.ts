// System instructions (SDM Vol. 2 MOV CR, MOV DR, CLTS, LMSW, SMSW, INVLPG, INVPCID, SWAPGS,
// WRFSBASE, SYSENTER, SYSEXIT; Vol. 3A 2.5, 9.8.5) and a firmware-style mode switch from real-address
// mode through protected mode to 64-bit mode.
import { describe, expect, it } from 'vitest';
import {
  Assembler, ax, cr0, cr3, cr4, cr8, dr0, dr4, dr6, dr7, eax, ebx, ecx, ds, es, esp, oword, rax, rbx, rcx, rsp, ss,
  dword, fword, cs,
} from '../../../conformance/asm/index.js';
import { buildIdentityPaging } from '../../machine/loader.js';
import type { Machine } from '../../machine/machine.js';
import { DB, GP, UD } from '../fault.js';
import { CS, FS, GS, SS } from '../registers.js';
import { IA32_KERNEL_GS_BASE, IA32_SYSENTER_CS, IA32_SYSENTER_EIP, IA32_SYSENTER_ESP } from '../msr.js';
import { translate, READ } from '../mmu.js';
import {
  GDT, P32, REAL_CODE_BASE, assemble, fault, insn, long64, machineIn, profile, protected32, reg64, segDesc, setCpl, setReg64, step,
  u32, writeDwords,
} from '../../../conformance/harness/cpu.js';

function lm(): Machine {
  const m = machineIn('long64');
  long64(m);
  return m;
}
function pm(): Machine {
  const m = machineIn('prot32');
  protected32(m);
  return m;
}
function set64(m: Machine, r: number, v: bigint): void {
  setReg64(m.cpu, r, v);
}

const MOV_CR0_RAX = insn(64, (a) => a.mov(cr0, rax));
const MOV_CR3_RAX = insn(64, (a) => a.mov(cr3, rax));
const MOV_CR4_RAX = insn(64, (a) => a.mov(cr4, rax));

describe('MOV to and from control registers (SDM Vol. 2 MOV CR; Vol. 3A 2.5)', () => {
  it('at CPL 3 both directions are #GP(0)', () => {
    const m = lm();
    setCpl(m.cpu, 3);
    expect(fault(step(m.cpu, insn(64, (a) => a.mov(rax, cr0))))).toEqual([GP, 0]);
    expect(fault(step(m.cpu, MOV_CR4_RAX))).toEqual([GP, 0]);
  });

  it('CR0: PG = 1 with PE = 0, NW = 1 with CD = 0, and bits 63:32 set are #GP(0); ET reads as 1', () => {
    const m = pm();
    m.cpu.lo[0] = 0x8000_0000 | 0;
    expect(fault(step(m.cpu, insn(32, (a) => a.mov(cr0, eax))))).toEqual([GP, 0]);
    m.cpu.lo[0] = (1 << 29) | 1;
    expect(fault(step(m.cpu, insn(32, (a) => a.mov(cr0, eax))))).toEqual([GP, 0]);
    m.cpu.lo[0] = 1; // ET written as 0
    expect(step(m.cpu, insn(32, (a) => a.mov(cr0, eax)))).toBeUndefined();
    expect(m.cpu.cr0).toBe(0x11);
    const l = lm();
    set64(l, 0, 0x1_8000_0011n);
    expect(fault(step(l.cpu, MOV_CR0_RAX))).toEqual([GP, 0]);
  });

  it('clearing CR0.PG in 64-bit mode is #GP(0) (9.8.5.4: IA-32e mode is left from compatibility mode)', () => {
    const m = lm();
    set64(m, 0, 0x11n);
    expect(fault(step(m.cpu, MOV_CR0_RAX))).toEqual([GP, 0]);
  });

  it('CR4: a bit the processor does not support (PKE, UMIP on this profile) is #GP(0)', () => {
    const m = lm();
    set64(m, 0, BigInt(0x20 | (1 << 22)));
    expect(fault(step(m.cpu, MOV_CR4_RAX))).toEqual([GP, 0]);
    set64(m, 0, BigInt(0x20 | (1 << 11)));
    expect(fault(step(m.cpu, MOV_CR4_RAX))).toEqual([GP, 0]);
    set64(m, 0, BigInt(0x20 | (1 << 20) | (1 << 7))); // SMEP and PGE are supported
    expect(step(m.cpu, MOV_CR4_RAX)).toBeUndefined();
    expect(m.cpu.cr4).toBe(0x20 | (1 << 20) | (1 << 7));
  });

  it('CR4 in IA-32e mode: clearing PAE or changing LA57 is #GP(0)', () => {
    const m = lm();
    set64(m, 0, 0n);
    expect(fault(step(m.cpu, MOV_CR4_RAX))).toEqual([GP, 0]);
    const ice = machineIn('long64', { profile: profile('ice-lake-server') });
    set64(ice, 0, BigInt(0x20 | (1 << 12)));
    expect(fault(step(ice.cpu, MOV_CR4_RAX))).toEqual([GP, 0]);
  });

  it('CR4.PCIDE: #GP(0) with CR3[11:0] != 0 or outside IA-32e mode; allowed with CR3[11:0] = 0 in IA-32e mode', () => {
    const m = lm();
    const cr3 = m.cpu.cr3Lo;
    m.cpu.cr3Lo = cr3 | 5;
    set64(m, 0, BigInt(0x20 | (1 << 17)));
    expect(fault(step(m.cpu, MOV_CR4_RAX))).toEqual([GP, 0]);
    m.cpu.cr3Lo = cr3;
    expect(step(m.cpu, MOV_CR4_RAX)).toBeUndefined();
    const p = pm();
    p.cpu.lo[0] = 1 << 17;
    expect(fault(step(p.cpu, insn(32, (a) => a.mov(cr4, eax))))).toEqual([GP, 0]);
  });

  it('CR3 in IA-32e mode: bits 62:MAXPHYADDR are reserved, bit 63 too while CR4.PCIDE = 0 (Tables 4-12, 4-13)', () => {
    const m = lm();
    const cr3 = BigInt(m.cpu.cr3Lo >>> 0);
    set64(m, 0, cr3 | (1n << 46n));
    expect(fault(step(m.cpu, MOV_CR3_RAX))).toEqual([GP, 0]);
    set64(m, 0, cr3 | (1n << 63n));
    expect(fault(step(m.cpu, MOV_CR3_RAX))).toEqual([GP, 0]);
    set64(m, 0, cr3 | (1n << 45n));
    expect(step(m.cpu, MOV_CR3_RAX)).toBeUndefined();
    expect(reg64(m.cpu, 0)).toBe(cr3 | (1n << 45n));
  });

  it('CR8: bits 63:4 are reserved; the value written reads back (SDM Vol. 3A 11.8.6.1)', () => {
    const m = lm();
    set64(m, 0, 0x10n);
    expect(fault(step(m.cpu, insn(64, (a) => a.mov(cr8, rax))))).toEqual([GP, 0]);
    set64(m, 0, 9n);
    expect(step(m.cpu, insn(64, (a) => a.mov(cr8, rax)))).toBeUndefined();
    set64(m, 3, -1n & 0xFFFF_FFFF_FFFF_FFFFn);
    expect(step(m.cpu, insn(64, (a) => a.mov(rbx, cr8)))).toBeUndefined();
    expect(reg64(m.cpu, 3)).toBe(9n);
  });

  it('CLTS clears CR0.TS; LMSW sets MP/EM/TS and PE but cannot clear PE; SMSW r32 returns CR0', () => {
    const m = pm();
    m.cpu.cr0 |= 8;
    expect(step(m.cpu, [0x0F, 0x06])).toBeUndefined(); // CLTS
    expect(m.cpu.cr0 & 8).toBe(0);
    m.cpu.lo[0] = 0xE; // PE = 0, MP, EM, TS = 1
    expect(step(m.cpu, insn(32, (a) => a.lmsw(ax)))).toBeUndefined();
    expect(m.cpu.cr0 & 0xF).toBe(0xF);
    expect(step(m.cpu, insn(32, (a) => a.smsw(ebx)))).toBeUndefined();
    expect(u32(m.cpu.lo[3]!)).toBe(u32(m.cpu.cr0));
  });
});

describe('MOV to and from debug registers (SDM Vol. 2 MOV DR; Vol. 3A 18.2)', () => {
  it('DR4 and DR5 are DR6 and DR7 while CR4.DE = 0, and #UD with CR4.DE = 1 (18.2.2)', () => {
    const m = lm();
    set64(m, 0, 0x3n);
    expect(step(m.cpu, insn(64, (a) => a.mov(dr4, rax)))).toBeUndefined();
    expect(u32(m.cpu.drLo[6]!)).toBe(0xFFFF_0FF3); // DR6: B0, B1 set; reserved bits read as 1 (18.2.3)
    m.cpu.cr4 |= 1 << 3;
    expect(fault(step(m.cpu, insn(64, (a) => a.mov(dr4, rax))))[0]).toBe(UD);
  });

  it('DR7: bit 10 reads as 1; bits 63:32 set are #GP(0)', () => {
    const m = lm();
    set64(m, 0, 0x1n);
    expect(step(m.cpu, insn(64, (a) => a.mov(dr7, rax)))).toBeUndefined();
    expect(u32(m.cpu.drLo[7]!)).toBe(0x401);
    set64(m, 0, 0x1_0000_0001n);
    expect(fault(step(m.cpu, insn(64, (a) => a.mov(dr7, rax))))).toEqual([GP, 0]);
  });

  it('with DR7.GD = 1 any MOV DR is a #DB fault with DR6.BD set, and GD is cleared (18.2.4)', () => {
    const m = lm();
    m.cpu.drLo[7] = 0x400 | (1 << 13);
    expect(fault(step(m.cpu, insn(64, (a) => a.mov(rax, dr0))))[0]).toBe(DB);
    expect(m.cpu.drLo[6]! & (1 << 13)).toBe(1 << 13);
    expect(m.cpu.drLo[7]! & (1 << 13)).toBe(0);
  });

  it('at CPL 3: #GP(0)', () => {
    const m = lm();
    setCpl(m.cpu, 3);
    expect(fault(step(m.cpu, insn(64, (a) => a.mov(rax, dr6))))).toEqual([GP, 0]);
  });
});

describe('TLB instructions (SDM Vol. 2 INVLPG, INVPCID)', () => {
  it('INVLPG makes a changed PTE take effect; at CPL 3 it is #GP(0)', () => {
    const m = lm();
    // Remap the loader's 2-MByte page 200000h to 600000h after a first translation.
    expect(translate(m.cpu, 0x20_0000, 0, READ)).toBe(0x20_0000);
    const pd = m.cpu.cr3Lo + 0x2000;
    m.memory.write32(pd + 8, 0x60_0000 | 0x83);
    set64(m, 0, 0x20_0000n);
    expect(step(m.cpu, insn(64, (a) => a.invlpg(dword(rax))))).toBeUndefined();
    expect(translate(m.cpu, 0x20_0000, 0, READ)).toBe(0x60_0000);
    setCpl(m.cpu, 3);
    expect(fault(step(m.cpu, insn(64, (a) => a.invlpg(dword(rax)))))).toEqual([GP, 0]);
  });

  it('INVPCID: type > 3, descriptor bits 63:12 set, a non-canonical address (type 0), PCID != 0 without PCIDE: #GP(0)', () => {
    const m = lm();
    const inv = insn(64, (a) => a.invpcid(rcx, oword(0x5000)));
    const desc = (pcid: number, lo: number, hi: number): void => writeDwords(m, 0x5000, [pcid, 0, lo, hi]);
    desc(0, 0x1000, 0);
    set64(m, 1, 4n);
    expect(fault(step(m.cpu, inv))).toEqual([GP, 0]);
    set64(m, 1, 0n);
    desc(0x1000, 0x1000, 0);
    expect(fault(step(m.cpu, inv))).toEqual([GP, 0]);
    desc(0, 0, 0x0001_0000);
    expect(fault(step(m.cpu, inv))).toEqual([GP, 0]);
    desc(1, 0x1000, 0);
    set64(m, 1, 1n);
    expect(fault(step(m.cpu, inv))).toEqual([GP, 0]);
    for (const type of [0n, 1n, 2n, 3n]) {
      desc(0, 0x1000, 0);
      set64(m, 1, type);
      expect(step(m.cpu, inv)).toBeUndefined();
    }
  });
});

describe('FS/GS bases (SDM Vol. 2 SWAPGS, WRFSBASE)', () => {
  it('SWAPGS exchanges GS.base and IA32_KERNEL_GS_BASE; at CPL 3 it is #GP(0)', () => {
    const m = lm();
    m.cpu.segBaseLo[GS] = 0x1000; m.cpu.segBaseHi[GS] = 0;
    m.cpu.msr.write(IA32_KERNEL_GS_BASE, 0xFFFF_8000_0000_2000n);
    expect(step(m.cpu, [0x0F, 0x01, 0xF8])).toBeUndefined();
    expect([u32(m.cpu.segBaseLo[GS]!), u32(m.cpu.segBaseHi[GS]!)]).toEqual([0x2000, 0xFFFF_8000]);
    expect(m.cpu.msr.read(IA32_KERNEL_GS_BASE)).toBe(0x1000n);
    setCpl(m.cpu, 3);
    expect(fault(step(m.cpu, [0x0F, 0x01, 0xF8]))).toEqual([GP, 0]);
  });

  it('WRFSBASE: #UD while CR4.FSGSBASE = 0; sets FS.base; #GP(0) for a non-canonical value', () => {
    const m = lm();
    const wr = insn(64, (a) => a.wrfsbase(rax));
    set64(m, 0, 0x7000_1000n);
    expect(fault(step(m.cpu, wr))[0]).toBe(UD);
    m.cpu.cr4 |= 1 << 16;
    expect(step(m.cpu, wr)).toBeUndefined();
    expect(u32(m.cpu.segBaseLo[FS]!)).toBe(0x7000_1000);
    set64(m, 0, 0x0001_0000_0000_0000n);
    expect(fault(step(m.cpu, wr))).toEqual([GP, 0]);
  });
});

describe('SYSENTER and SYSEXIT (SDM Vol. 2)', () => {
  it('SYSENTER with IA32_SYSENTER_CS = 0 is #GP(0)', () => {
    expect(fault(step(pm().cpu, [0x0F, 0x34]))).toEqual([GP, 0]);
  });

  it('SYSENTER loads CS = SYSENTER_CS, SS = CS + 8 (flat, DPL 0), ESP and EIP; SYSEXIT returns to CS + 16 | 3, SS + 24 | 3', () => {
    const m = pm();
    setCpl(m.cpu, 3);
    m.cpu.msr.write(IA32_SYSENTER_CS, BigInt(P32.code0));
    m.cpu.msr.write(IA32_SYSENTER_ESP, 0x9_0000n);
    m.cpu.msr.write(IA32_SYSENTER_EIP, 0x20_0000n);
    m.cpu.flagsValue |= 1 << 9;
    expect(step(m.cpu, [0x0F, 0x34])).toBeUndefined();
    expect([m.cpu.segSel[CS], m.cpu.segSel[SS], m.cpu.cpl, u32(m.cpu.lo[4]!), m.cpu.ripLo]).toEqual([P32.code0, P32.data0, 0, 0x9_0000, 0x20_0000]);
    expect(m.cpu.flagsValue & (1 << 9)).toBe(0); // IF cleared
    m.cpu.lo[1] = 0x7_0000; m.cpu.lo[2] = 0x10_0100;
    expect(step(m.cpu, [0x0F, 0x35])).toBeUndefined();
    expect([m.cpu.segSel[CS], m.cpu.segSel[SS], m.cpu.cpl, u32(m.cpu.lo[4]!), m.cpu.ripLo]).toEqual([P32.code3 | 3, P32.data3 | 3, 3, 0x7_0000, 0x10_0100]);
  });
});

describe('mode transitions as firmware makes them (SDM Vol. 3A 9.9.1, 9.8.5)', () => {
  it('real mode -> protected mode (CR0.PE, far JMP) -> IA-32e mode (PAE, CR3, EFER.LME, CR0.PG, far JMP to a 64-bit segment)', () => {
    const PML4 = 0x1_0000;
    const a = new Assembler(16);
    a.cli();
    a.lgdt(fword(0x500));
    a.mov(eax, cr0); a.or_(eax, 1); a.mov(cr0, eax);
    a.jmpFar(0x08, 'pm32');
    a.bits(32); a.label('pm32');
    a.mov(eax, 0x10); a.mov(ds, eax); a.mov(es, eax); a.mov(ss, eax); a.mov(esp, 0x8_0000);
    a.mov(ebx, cs); // 08h: the CS selector in protected mode
    a.mov(eax, cr4); a.or_(eax, 0x20); a.mov(cr4, eax);
    a.mov(eax, PML4); a.mov(cr3, eax);
    a.mov(ecx, 0xC000_0080); a.rdmsr(); a.or_(eax, 0x100); a.wrmsr();
    a.mov(eax, cr0); a.or_(eax, 0x8000_0000 | 0); a.mov(cr0, eax);
    a.label('compat'); a.jmpFar(0x18, 'lm64');
    a.bits(64); a.label('lm64');
    a.mov(rax, 0x1_2345_6789n); a.mov(rcx, rsp);
    a.hlt();
    const { bytes, at } = assemble(a, REAL_CODE_BASE);
    const m = machineIn('real', { code: bytes });
    m.memory.write16(0x500, 0x1F); m.memory.write32(0x502, GDT);
    writeDwords(m, GDT + 0x08, segDesc(0, 0xF_FFFF, 0xB)); // 32-bit code
    writeDwords(m, GDT + 0x10, segDesc(0, 0xF_FFFF, 0x3)); // data
    writeDwords(m, GDT + 0x18, segDesc(0, 0xF_FFFF, 0xB, { l: 1, db: 0 })); // 64-bit code
    buildIdentityPaging(m, PML4);
    let modeAtCompat: [number, boolean] | undefined;
    m.cpu.trace = (c) => { if (c.ripLo === at('compat')) modeAtCompat = [c.bitness, c.longMode]; };
    expect(m.run(100).end).toBe('hlt');
    const c = m.cpu;
    expect(u32(c.lo[3]!)).toBe(0x08);
    expect(modeAtCompat).toEqual([32, true]); // IA-32e mode active in compatibility mode after CR0.PG (9.8.5)
    expect(c.bitness).toBe(64);
    expect(c.efer & 0x500).toBe(0x500); // LME and LMA
    expect(u32(c.cr0 & 0x8000_0001)).toBe(0x8000_0001);
    expect(c.segSel[CS]).toBe(0x18);
    expect(reg64(c, 0)).toBe(0x1_2345_6789n);
    expect(reg64(c, 1)).toBe(0x8_0000n);
  });

  it('WRMSR changing EFER.LME while paging is enabled is #GP(0) (SDM Vol. 3A 9.8.5)', () => {
    const m = lm();
    expect(m.cpu.msr.write(0xC000_0080, 0x801n)).toBe(false);
  });
});

