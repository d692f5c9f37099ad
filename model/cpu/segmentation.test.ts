// Segmentation (SDM Vol. 3A chapters 3 and 5; Vol. 2 MOV, POP, LSS, JMP, CALL, RET, LGDT, LTR, LLDT, LAR,
// LSL, VERR, VERW): segment-register loads and their faults with selector error codes, far transfers
// and call gates, the descriptor-table registers, and the TSS I/O permission bitmap (Vol. 1 19.5).
import { describe, expect, it } from 'vitest';
import {
  Assembler, ax, dword, eax, ebx, ecx, edx, esp, fword, ds, ss, es, word,
} from '../../conformance/asm/index.js';
import { AR_UNUSABLE } from './cpu.js';
import type { Machine } from '../machine/machine.js';
import { GP, NP, SS_, type Fault } from './fault.js';
import { ioBitmapAllows } from './segmentation.js';
import { CS, DS, ES, LDTR, SS, TR } from './registers.js';
import {
  CODE_BASE, GDT, L64, P32, RING0_STACK, TSS, assemble, fault, gate32, insn, long64, machineIn, protected32, segDesc, setCpl,
  step, u32, writeDwords,
} from '../../conformance/harness/cpu.js';

const ZF = 1 << 6;

function prot32(): Machine {
  const m = machineIn('prot32');
  protected32(m);
  return m;
}

const MOV_DS_AX = insn(32, (a) => a.mov(ds, eax));
const MOV_SS_AX = insn(32, (a) => a.mov(ss, eax));

function loadDs(m: Machine, sel: number): Fault | undefined {
  m.cpu.lo[0] = sel;
  return step(m.cpu, MOV_DS_AX);
}

describe('loading data-segment registers in protected mode (SDM Vol. 2 MOV; Vol. 3A 5.4-5.6)', () => {
  it('a selector beyond the GDT limit: #GP(selector)', () => {
    expect(fault(loadDs(prot32(), 0x400))).toEqual([GP, 0x400]);
  });

  it('TI = 1 with an unusable LDTR: #GP(selector), TI kept in the error code (6.13)', () => {
    const m = prot32();
    m.cpu.loadSegmentRaw(LDTR, 0, 0, 0, 0, AR_UNUSABLE);
    expect(fault(loadDs(m, 0x0C | 3))).toEqual([GP, 0x0C]);
  });

  it('a not-present data segment: #NP(selector); DS is unchanged', () => {
    const m = prot32();
    expect(fault(loadDs(m, P32.dataNotPresent))).toEqual([NP, P32.dataNotPresent]);
    expect(m.cpu.segSel[DS]).toBe(P32.data0);
  });

  it('a system descriptor (the TSS) and an execute-only code segment: #GP(selector); readable code loads', () => {
    expect(fault(loadDs(prot32(), P32.tss))).toEqual([GP, P32.tss]);
    expect(fault(loadDs(prot32(), P32.codeExecOnly))).toEqual([GP, P32.codeExecOnly]);
    expect(loadDs(prot32(), P32.code0)).toBeUndefined();
  });

  it('at CPL 3 a DPL-0 data segment is #GP(selector); a DPL-3 one with RPL 3 loads', () => {
    const m = prot32();
    setCpl(m.cpu, 3);
    expect(fault(loadDs(m, P32.data0 | 3))).toEqual([GP, P32.data0]);
    expect(loadDs(m, P32.data3 | 3)).toBeUndefined();
    expect(m.cpu.segSel[DS]).toBe(P32.data3 | 3);
  });

  it('RPL > DPL is #GP(selector) even at CPL 0', () => {
    expect(fault(loadDs(prot32(), P32.data0 | 3))).toEqual([GP, P32.data0]);
  });

  it('the descriptor cache gets base, limit (scaled by G) and attributes; the accessed bit is set in memory (3.4.5.1)', () => {
    const m = prot32();
    // Base 12345678h, limit ABCDEh bytes (G = 0), read/write data, not yet accessed (type 2), DPL 0, B = 1.
    writeDwords(m, GDT + 0x38, segDesc(0x1234_5678, 0xA_BCDE, 0x2, { g: 0 }));
    expect(loadDs(m, 0x38)).toBeUndefined();
    expect(u32(m.cpu.segBaseLo[DS]!)).toBe(0x1234_5678);
    expect(m.cpu.segLimit[DS]).toBe(0xA_BCDE);
    expect(m.cpu.segAttr[DS]).toBe(0x4093); // type 3 (accessed), S, P, D/B
    expect((m.memory.read32(GDT + 0x3C) >>> 8) & 0xF).toBe(0x3);
  });

  it('a null selector makes DS unusable; a later access through DS is #GP(0) (5.4.1)', () => {
    const m = prot32();
    expect(loadDs(m, 0)).toBeUndefined();
    expect(m.cpu.segAttr[DS]! & AR_UNUSABLE).toBe(AR_UNUSABLE);
    expect(fault(step(m.cpu, insn(32, (a) => a.mov(eax, dword(0x1000)))))).toEqual([GP, 0]);
  });
});

describe('loading SS (SDM Vol. 2 MOV, POP, LSS)', () => {
  function loadSs(m: Machine, sel: number): Fault | undefined {
    m.cpu.lo[0] = sel;
    return step(m.cpu, MOV_SS_AX);
  }

  it('null: #GP(0); RPL != CPL or DPL != CPL or not writable: #GP(selector); not present: #SS(selector)', () => {
    expect(fault(loadSs(prot32(), 0))).toEqual([GP, 0]);
    expect(fault(loadSs(prot32(), P32.data0 | 1))).toEqual([GP, P32.data0]);
    expect(fault(loadSs(prot32(), P32.data3))).toEqual([GP, P32.data3]);
    expect(fault(loadSs(prot32(), P32.data0ReadOnly))).toEqual([GP, P32.data0ReadOnly]);
    expect(fault(loadSs(prot32(), P32.code0))).toEqual([GP, P32.code0]);
    expect(fault(loadSs(prot32(), P32.dataNotPresent))).toEqual([SS_, P32.dataNotPresent]);
  });

  it('MOV SS blocks interrupts until after the next instruction (6.8.3)', () => {
    const m = prot32();
    expect(loadSs(m, P32.data16)).toBeUndefined();
    expect(m.cpu.interruptShadow).toBe(2);
    expect(m.cpu.segAttr[SS]! & 0x4000).toBe(0); // a 16-bit stack now (B = 0)
  });

  it('POP SS loads the selector from the stack and moves ESP; a faulting POP DS leaves ESP unchanged', () => {
    const m = prot32();
    m.memory.write32(0x7_FFFC, P32.data0); m.cpu.lo[4] = 0x7_FFFC;
    expect(step(m.cpu, insn(32, (a) => a.pop(ss)))).toBeUndefined();
    expect(u32(m.cpu.lo[4]!)).toBe(0x8_0000);
    expect(m.cpu.interruptShadow).toBe(2);
    m.memory.write32(0x7_FFFC, P32.dataNotPresent); m.cpu.lo[4] = 0x7_FFFC;
    expect(fault(step(m.cpu, insn(32, (a) => a.pop(ds))))).toEqual([NP, P32.dataNotPresent]);
    expect(u32(m.cpu.lo[4]!)).toBe(0x7_FFFC);
  });

  it('LSS ESP, m16:32 loads SS and ESP; with a bad selector neither changes', () => {
    const m = prot32();
    m.memory.write32(0x5000, 0x6_0000); m.memory.write16(0x5004, P32.data0);
    expect(step(m.cpu, insn(32, (a) => a.lss(esp, fword(0x5000))))).toBeUndefined();
    expect(u32(m.cpu.lo[4]!)).toBe(0x6_0000);
    m.memory.write16(0x5004, P32.data3);
    expect(fault(step(m.cpu, insn(32, (a) => a.lss(esp, fword(0x5000)))))).toEqual([GP, P32.data3]);
  });

  it('in 64-bit mode a null SS may be loaded at CPL 0 with RPL 0 (SDM Vol. 2 MOV), not at CPL 3', () => {
    const m = machineIn('long64');
    long64(m);
    m.cpu.lo[0] = 0;
    expect(step(m.cpu, insn(64, (a) => a.mov(ss, eax)))).toBeUndefined();
    expect(m.cpu.segAttr[SS]! & AR_UNUSABLE).toBe(AR_UNUSABLE);
    expect(m.cpu.cpl).toBe(0);
    setCpl(m.cpu, 3);
    m.cpu.lo[0] = 3;
    expect(fault(step(m.cpu, insn(64, (a) => a.mov(ss, eax))))).toEqual([GP, 0]);
  });

  it('real-address mode: the base is the selector times 16 (SDM Vol. 3A 20.1.1)', () => {
    const m = machineIn('real');
    m.cpu.lo[0] = 0x1234;
    expect(step(m.cpu, insn(16, (a) => a.mov(es, ax)))).toBeUndefined();
    expect(m.cpu.segBaseLo[ES]).toBe(0x1_2340);
  });
});

describe('far JMP, CALL and RET (SDM Vol. 2; Vol. 3A 5.8)', () => {
  function jmpFar(m: Machine, sel: number, off: number, bits: 32 | 16 = 32): Fault | undefined {
    return step(m.cpu, insn(bits, (a) => a.jmpFar(sel, off)));
  }

  it('to a non-conforming segment of another DPL: #GP(selector); to a not-present one: #NP(selector)', () => {
    expect(fault(jmpFar(prot32(), P32.code3 | 3, 0x1000))).toEqual([GP, P32.code3]);
    const m = prot32();
    writeDwords(m, GDT + 0x38, segDesc(0, 0xF_FFFF, 0xB, { p: 0 }));
    expect(fault(jmpFar(m, 0x38, 0x1000))).toEqual([NP, 0x38]);
  });

  it('null selector: #GP(0); an offset beyond the target limit: #GP(0)', () => {
    expect(fault(jmpFar(prot32(), 0, 0x1000))).toEqual([GP, 0]);
    expect(fault(jmpFar(prot32(), P32.code16, 0x1_0000))).toEqual([GP, 0]);
  });

  it('to a conforming DPL-0 segment from CPL 3: allowed, the CPL stays 3 (CS.RPL = CPL) (5.8.1.2)', () => {
    const m = prot32();
    setCpl(m.cpu, 3);
    expect(jmpFar(m, P32.code0Conforming, 0x1234)).toBeUndefined();
    expect(m.cpu.segSel[CS]).toBe(P32.code0Conforming | 3);
    expect(m.cpu.cpl).toBe(3);
    expect(m.cpu.ripLo).toBe(0x1234);
  });

  it('to a 16-bit code segment: CS cache loaded, the processor runs 16-bit code', () => {
    const m = prot32();
    expect(jmpFar(m, P32.code16, 0x1234)).toBeUndefined();
    expect(m.cpu.bitness).toBe(16);
  });

  it('CALL through a call gate from CPL 3 to CPL 0: stack from the TSS, parameters copied, RETF 8 returns to CPL 3', () => {
    const a = new Assembler(32);
    // CPL 0: enter CPL 3 at 'user' with SS:ESP = 23h:70000h.
    a.push(P32.data3 | 3); a.push(0x7_0000); a.push(2); a.push(P32.code3 | 3); a.push(a.addr('user')); a.iretd();
    a.label('user'); a.mov(eax, P32.data3 | 3); a.mov(ds, eax);
    a.push(0x1111); a.push(0x2222); a.callFar(fword(0x6000));
    a.label('back'); a.mov(ebx, esp); a.mov(edx, ds); a.mov(ecx, 0xC0DE);
    a.label('spin'); a.jmp('spin');
    // CPL 0, on the stack from the TSS: record what it holds, load a DPL-0 DS, return.
    a.label('gate_target');
    a.mov(dword(0x5000), esp);
    for (const [i, off] of [[1, 8], [2, 12], [3, 4], [4, 16], [5, 20]] as const) { a.mov(eax, dword(esp, off)); a.mov(dword(0x5000 + 4 * i), eax); }
    a.mov(eax, ss); a.mov(dword(0x5018), eax);
    a.mov(eax, P32.data0); a.mov(ds, eax);
    a.retf(8);
    const { bytes, at } = assemble(a, CODE_BASE);
    const m = machineIn('prot32', { code: bytes });
    protected32(m);
    writeDwords(m, GDT + 0x60, gate32(at('gate_target'), P32.code0, 0xC, 3, 1, 2)); // 32-bit call gate, DPL 3, 2 dwords
    m.cpu.gdtrLimit = 0x67;
    writeDwords(m, 0x6000, [0, 0x60 | 3]); // far pointer for the CALL: the gate selector (its offset is ignored)
    m.run(200);
    // The new stack (Figure 5-13): EIP, CS, the parameters in their order, then the caller's ESP and SS.
    const rec = [0, 1, 2, 3, 4, 5, 6].map((i) => u32(m.memory.read32(0x5000 + 4 * i)));
    expect(rec).toEqual([RING0_STACK - 24, 0x2222, 0x1111, P32.code3 | 3, 0x7_0000 - 8, P32.data3 | 3, P32.data0]);
    expect(u32(m.memory.read32(RING0_STACK - 24))).toBe(at('back'));
    // Back at CPL 3 after RETF 8: ESP past the parameters on the caller's stack too; DS (DPL 0) made null.
    expect(m.cpu.cpl).toBe(3);
    expect(u32(m.cpu.lo[3]!)).toBe(0x7_0000);
    expect(u32(m.cpu.lo[2]!) & 0xFFFF).toBe(0);
    expect(u32(m.cpu.lo[1]!)).toBe(0xC0DE);
  });

  it('RETF to an outer level with an SS whose DPL differs from the return RPL: #GP(SS selector)', () => {
    const m = prot32();
    // Stack: EIP, CS = 1Bh, ESP, SS = 10h (DPL 0, but RPL 3 is needed).
    writeDwords(m, 0x7_FFF0, [0x1000, P32.code3 | 3, 0x7_0000, P32.data0 | 3]);
    m.cpu.lo[4] = 0x7_FFF0;
    expect(fault(step(m.cpu, insn(32, (a) => a.retf())))).toEqual([GP, P32.data0]);
    expect(u32(m.cpu.lo[4]!)).toBe(0x7_FFF0);
  });

  it('64-bit mode: JMP m16:64 to 64-bit code and RETFQ; JMP to a compatibility-mode segment runs 32-bit code', () => {
    const m = machineIn('long64');
    long64(m);
    m.memory.write32(0x5000, 0x2000); m.memory.write32(0x5004, 0); m.memory.write16(0x5008, L64.compat0);
    expect(step(m.cpu, insn(64, (a) => { a.o64(); a.jmpFar(mem80(0x5000)); }))).toBeUndefined();
    expect(m.cpu.bitness).toBe(32);
    expect(m.cpu.segSel[CS]).toBe(L64.compat0);
    expect(m.cpu.ripLo).toBe(0x2000);
    // Back to 64-bit code with RETF from compatibility mode: EIP, CS from the stack.
    writeDwords(m, 0x7_FFF8, [0x10_0000, L64.code0]);
    m.cpu.lo[4] = 0x7_FFF8;
    expect(step(m.cpu, insn(32, (a) => a.retf()))).toBeUndefined();
    expect(m.cpu.bitness).toBe(64);
    expect(m.cpu.ripLo).toBe(0x10_0000);
  });
});

function mem80(addr: number): ReturnType<typeof fword> {
  return fword(addr).withSize('tword');
}

describe('descriptor-table registers (SDM Vol. 2 LGDT, SGDT, LTR, LLDT, STR, SLDT)', () => {
  it('LGDT then SGDT in 32-bit code: 16-bit limit and 32-bit base (6 bytes)', () => {
    const m = prot32();
    m.memory.write16(0x5000, 0x1FF); m.memory.write32(0x5002, 0x0012_3000);
    expect(step(m.cpu, insn(32, (a) => a.lgdt(fword(0x5000))))).toBeUndefined();
    expect([m.cpu.gdtrLimit, u32(m.cpu.gdtrBaseLo)]).toEqual([0x1FF, 0x12_3000]);
    expect(step(m.cpu, insn(32, (a) => a.sgdt(fword(0x6000))))).toBeUndefined();
    expect([m.memory.read16(0x6000), u32(m.memory.read32(0x6002))]).toEqual([0x1FF, 0x12_3000]);
  });

  it('LIDT in 64-bit mode reads a 64-bit base (10 bytes); at CPL 3 LGDT is #GP(0)', () => {
    const m = machineIn('long64');
    m.memory.write16(0x5000, 0xFFF); m.memory.write32(0x5002, 0x1000); m.memory.write32(0x5006, 0xFFFF_8000 | 0);
    expect(step(m.cpu, insn(64, (a) => a.lidt(mem80(0x5000))))).toBeUndefined();
    expect([m.cpu.idtrLimit, u32(m.cpu.idtrBaseLo), u32(m.cpu.idtrBaseHi)]).toEqual([0xFFF, 0x1000, 0xFFFF_8000]);
    setCpl(m.cpu, 3);
    expect(fault(step(m.cpu, insn(64, (a) => a.lgdt(mem80(0x5000)))))).toEqual([GP, 0]);
  });

  it('LTR marks the TSS busy; loading a busy TSS again is #GP(selector); a null selector is #GP(0)', () => {
    const m = prot32();
    writeDwords(m, GDT + 0x38, segDesc(0x4000, 0x67, 0x9, { s: 0, db: 0, g: 0 })); // available 32-bit TSS
    m.cpu.lo[0] = 0x38;
    const ltr = insn(32, (a) => a.ltr(ax));
    expect(step(m.cpu, ltr)).toBeUndefined();
    expect(m.cpu.segSel[TR]).toBe(0x38);
    expect(u32(m.cpu.segBaseLo[TR]!)).toBe(0x4000);
    expect((m.memory.read32(GDT + 0x3C) >>> 8) & 0xF).toBe(0xB);
    expect(fault(step(m.cpu, ltr))).toEqual([GP, 0x38]);
    m.cpu.lo[0] = 0;
    expect(fault(step(m.cpu, ltr))).toEqual([GP, 0]);
  });

  it('LTR in IA-32e mode reads a 16-byte descriptor: base bits 63:32 come from its third dword (7.2.3)', () => {
    const m = machineIn('long64');
    long64(m);
    writeDwords(m, GDT + 0x30, [...segDesc(0x4000, 0x67, 0x9, { s: 0, db: 0, g: 0 }), 0xFFFF_FFFF | 0, 0]);
    m.cpu.lo[0] = 0x30;
    expect(step(m.cpu, insn(64, (a) => a.ltr(ax)))).toBeUndefined();
    expect([u32(m.cpu.segBaseLo[TR]!), u32(m.cpu.segBaseHi[TR]!)]).toEqual([0x4000, 0xFFFF_FFFF]);
  });

  it('LLDT, then a TI = 1 selector loads from the LDT; SLDT and STR store the selectors', () => {
    const m = prot32();
    writeDwords(m, GDT + 0x38, segDesc(0x4000, 0xF, 0x2, { s: 0, db: 0, g: 0 })); // LDT of two entries
    writeDwords(m, 0x4008, segDesc(0x5_0000, 0xFFFF, 0x3, { g: 0 })); // LDT entry 1: data, base 50000h
    m.cpu.lo[0] = 0x38;
    expect(step(m.cpu, insn(32, (a) => a.lldt(ax)))).toBeUndefined();
    expect(loadDs(m, 0x0C)).toBeUndefined();
    expect(u32(m.cpu.segBaseLo[DS]!)).toBe(0x5_0000);
    expect(step(m.cpu, insn(32, (a) => a.sldt(ebx)))).toBeUndefined();
    expect(u32(m.cpu.lo[3]!)).toBe(0x38);
    expect(step(m.cpu, insn(32, (a) => a.str(word(0x6000))))).toBeUndefined();
    expect(m.memory.read16(0x5_6000)).toBe(P32.tss); // through DS, whose base is now 50000h
  });

  it('LLDT and LTR are #UD in real-address mode (SDM Vol. 2 LLDT, LTR)', () => {
    const m = machineIn('real');
    expect(fault(step(m.cpu, insn(16, (a) => a.lldt(ax))))[0]).toBe(6);
  });
});

describe('LAR, LSL, VERR, VERW (SDM Vol. 2)', () => {
  const run = (m: Machine, f: (a: Assembler) => void): number => {
    expect(step(m.cpu, insn(32, f))).toBeUndefined();
    return m.cpu.flagsValue & ZF;
  };

  it('LAR: ZF = 1 and the access-rights dword (descriptor bits 23:8 of the high dword, masked 00FFFF00h)', () => {
    const m = prot32();
    m.cpu.lo[1] = P32.code0;
    expect(run(m, (a) => a.lar(eax, ecx))).toBe(ZF);
    expect(u32(m.cpu.lo[0]!)).toBe(0x00CF_9B00);
  });

  it('LSL returns the byte-granular limit; a null selector clears ZF and leaves the destination', () => {
    const m = prot32();
    m.cpu.lo[1] = P32.data0;
    expect(run(m, (a) => a.lsl(eax, ecx))).toBe(ZF);
    expect(u32(m.cpu.lo[0]!)).toBe(0xFFFF_FFFF);
    m.cpu.lo[1] = 0; m.cpu.lo[0] = 0x1234;
    expect(run(m, (a) => a.lsl(eax, ecx))).toBe(0);
    expect(u32(m.cpu.lo[0]!)).toBe(0x1234);
  });

  it('VERR/VERW: read-only data is readable, not writable; execute-only code is not readable', () => {
    const m = prot32();
    m.cpu.lo[0] = P32.data0ReadOnly;
    expect(run(m, (a) => a.verr(ax))).toBe(ZF);
    expect(run(m, (a) => a.verw(ax))).toBe(0);
    m.cpu.lo[0] = P32.codeExecOnly;
    expect(run(m, (a) => a.verr(ax))).toBe(0);
  });

  it('privilege: at CPL 3 a DPL-0 data segment fails VERR, a conforming code segment passes', () => {
    const m = prot32();
    setCpl(m.cpu, 3);
    m.cpu.lo[0] = P32.data0 | 3;
    expect(run(m, (a) => a.verr(ax))).toBe(0);
    m.cpu.lo[0] = P32.code0Conforming | 3;
    expect(run(m, (a) => a.verr(ax))).toBe(ZF);
  });
});

describe('the I/O permission bitmap (SDM Vol. 1 19.5.2)', () => {
  it('a port is allowed when its bit (and every bit of a wider access) is 0 and within the TSS limit', () => {
    const m = prot32();
    const map = TSS + 0x68;
    m.memory.write8(map + (0x80 >>> 3), 1 << (0x80 & 7)); // port 80h denied
    expect(ioBitmapAllows(m.cpu, 0x80, 1)).toBe(false);
    expect(ioBitmapAllows(m.cpu, 0x81, 1)).toBe(true);
    m.memory.write8(map + 1, 1); // port 8 denied: a 2-byte access at port 7 covers bits 7 and 8 across two bytes
    expect(ioBitmapAllows(m.cpu, 7, 1)).toBe(true);
    expect(ioBitmapAllows(m.cpu, 7, 2)).toBe(false);
  });

  it('bits beyond the TSS limit count as set', () => {
    const m = prot32();
    m.cpu.segLimit[TR] = 0x68 + 0x10; // the bitmap covers ports 0-7Fh (the byte after it must also be in the limit)
    expect(ioBitmapAllows(m.cpu, 0x70, 1)).toBe(true);
    expect(ioBitmapAllows(m.cpu, 0x80, 1)).toBe(false);
  });

  it('IN at CPL 3 with IOPL 0: #GP(0) if the bitmap denies the port, the access happens if it allows it', () => {
    const m = prot32();
    setCpl(m.cpu, 3);
    m.memory.write8(TSS + 0x68 + (0xE9 >>> 3), 1 << (0xE9 & 7));
    const inAl = [0xE4, 0xE9]; // IN AL, E9h
    expect(fault(step(m.cpu, inAl))).toEqual([GP, 0]);
    m.memory.write8(TSS + 0x68 + (0xE9 >>> 3), 0);
    expect(step(m.cpu, inAl)).toBeUndefined();
  });
});

