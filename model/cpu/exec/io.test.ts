// INS and OUTS, with REP and the direction flag, and the I/O permission checks (SDM Vol. 2 INS, OUTS,
// REP; Vol. 1 19.5). Port E9h is the debug console: reads return E9h, writes are console bytes.
import { describe, expect, it } from 'vitest';
import { Assembler, rsi, ecx, edx } from '../../../conformance/asm/index.js';
import { GP, PF } from '../fault.js';
import { TR } from '../registers.js';
import { REAL_CODE_BASE, machineIn, reg64, runCode, setCpl, setReg64, step } from '../../../conformance/harness/cpu.js';

const DF = 1 << 10, IOPL3 = 3 << 12;
const REP_OUTSB = [0xF3, 0x6E], OUTSB = [0x6E], REP_INSB = [0xF3, 0x6C], REP_OUTSW = [0xF3, 0x66, 0x6F];
const REP_INSD_A32 = [0xF3, 0x67, 0x6D]; // rep insd with 32-bit addressing (EDI, ECX) in 64-bit mode

describe('OUTS (SDM Vol. 2 OUTS)', () => {
  it('REP OUTSB writes RCX bytes from [RSI] to the port, RSI up by 1 each, RCX down to 0', () => {
    const m = machineIn('long64');
    m.cpu.memory.load(0x20_0000, new TextEncoder().encode('Hi!'));
    setReg64(m.cpu, 6, 0x20_0000n); setReg64(m.cpu, 1, 3n); m.cpu.lo[2] = 0xE9;
    expect(step(m.cpu, REP_OUTSB)).toBeUndefined();
    expect(m.console.text()).toBe('Hi!');
    expect([reg64(m.cpu, 6), reg64(m.cpu, 1)]).toEqual([0x20_0003n, 0n]);
  });

  it('with DF = 1 the pointer moves down by the operand size (2 for OUTSW)', () => {
    const m = machineIn('long64');
    m.cpu.memory.load(0x20_0000, Uint8Array.of(0x41, 0x42, 0x43, 0x44));
    m.cpu.flagsValue |= DF;
    setReg64(m.cpu, 6, 0x20_0002n); setReg64(m.cpu, 1, 2n); m.cpu.lo[2] = 0xE9;
    expect(step(m.cpu, REP_OUTSW)).toBeUndefined();
    expect(m.console.text()).toBe('CDAB'); // the word at 200002h, then the word at 200000h
    expect([reg64(m.cpu, 6), reg64(m.cpu, 1)]).toEqual([0x1F_FFFEn, 0n]);
  });

  it('REP with RCX = 0 does nothing', () => {
    const m = machineIn('long64');
    setReg64(m.cpu, 6, 0x20_0000n); setReg64(m.cpu, 1, 0n); m.cpu.lo[2] = 0xE9;
    expect(step(m.cpu, REP_OUTSB)).toBeUndefined();
    expect(m.console.text()).toBe('');
    expect(reg64(m.cpu, 6)).toBe(0x20_0000n);
  });

  it('runs in a program: print a string with REP OUTSB', () => {
    const a = new Assembler(64);
    a.mov(rsi, a.addr('msg')); a.mov(ecx, 6); a.mov(edx, 0xE9); a.rep().outsb(); a.hlt();
    a.label('msg'); a.db('model\n');
    const { result, machine } = runCode(a.assemble(0x10_0000n).bytes, 'long64');
    expect(result.end).toBe('hlt');
    expect(result.console).toBe('model\n');
    expect(reg64(machine.cpu, 1)).toBe(0n);
  });
});

describe('INS (SDM Vol. 2 INS)', () => {
  it('REP INSB stores RCX port reads at ES:[RDI], RDI up by 1 each', () => {
    const m = machineIn('long64');
    setReg64(m.cpu, 7, 0x20_0000n); setReg64(m.cpu, 1, 4n); m.cpu.lo[2] = 0xE9;
    expect(step(m.cpu, REP_INSB)).toBeUndefined();
    expect(Array.from(m.cpu.memory.readBytes(0x20_0000, 5))).toEqual([0xE9, 0xE9, 0xE9, 0xE9, 0x00]);
    expect([reg64(m.cpu, 7), reg64(m.cpu, 1)]).toEqual([0x20_0004n, 0n]);
  });

  it('32-bit address size in 64-bit mode uses EDI and ECX (bits 63:32 of RDI become 0)', () => {
    const m = machineIn('long64');
    setReg64(m.cpu, 7, 0xFFFF_FFFF_0020_0000n); setReg64(m.cpu, 1, 0x1_0000_0001n); m.cpu.lo[2] = 0x80; // an unclaimed port reads all ones
    expect(step(m.cpu, REP_INSD_A32)).toBeUndefined();
    expect(m.cpu.memory.read32(0x20_0000) >>> 0).toBe(0xFFFF_FFFF);
    expect([reg64(m.cpu, 7), reg64(m.cpu, 1)]).toEqual([0x20_0004n, 0n]);
  });

  it('16-bit addressing in real mode: DI wraps from FFFFh to 0000h', () => {
    const m = machineIn('real');
    m.cpu.lo[7] = 0xFFFF; m.cpu.lo[1] = 2; m.cpu.lo[2] = 0xE9;
    expect(step(m.cpu, REP_INSB)).toBeUndefined();
    const es = REAL_CODE_BASE & 0xF_0000; // the loader's ES base
    expect([m.cpu.memory.read8(es + 0xFFFF), m.cpu.memory.read8(es)]).toEqual([0xE9, 0xE9]);
    expect([m.cpu.lo[7]! & 0xFFFF, m.cpu.lo[1]! & 0xFFFF]).toEqual([1, 0]);
  });

  it('a page fault in the middle leaves the completed iterations done and RIP on the instruction', () => {
    const m = machineIn('long64'); // the loader maps 0-4 GiB: 1_0000_0000h is not present
    setReg64(m.cpu, 7, 0xFFFF_FFFFn); setReg64(m.cpu, 1, 3n); m.cpu.lo[2] = 0xE9;
    const rip = m.cpu.ripLo;
    const f = step(m.cpu, REP_INSB);
    expect([f?.vector, f?.errorCode]).toEqual([PF, 2]); // not present, write, supervisor (SDM Vol. 3A 4.7)
    expect([reg64(m.cpu, 7), reg64(m.cpu, 1)]).toEqual([0x1_0000_0000n, 2n]);
    expect(m.cpu.ripLo).toBe(rip);
  });
});

describe('I/O permission (SDM Vol. 1 19.5)', () => {
  it('CPL > IOPL with the I/O map base beyond the TSS limit (no bitmap): #GP(0); CPL <= IOPL: allowed', () => {
    const m = machineIn('prot32');
    const tss = 0x30_0000;
    m.cpu.memory.write16(tss + 0x66, 0x68);
    m.cpu.loadSegmentRaw(TR, 0x28, tss, 0, 0x67, 0x8B); // busy 32-bit TSS of the minimum size 68h
    m.cpu.memory.write8(0x20_0000, 0x5A);
    m.cpu.lo[6] = 0x20_0000; m.cpu.lo[2] = 0xE9;
    setCpl(m.cpu, 3);
    const f = step(m.cpu, OUTSB);
    expect([f?.vector, f?.errorCode]).toEqual([GP, 0]);
    expect(m.cpu.lo[6]).toBe(0x20_0000);
    m.cpu.flagsValue |= IOPL3;
    expect(step(m.cpu, OUTSB)).toBeUndefined();
    expect(m.console.text()).toBe('Z');
  });

  it('the TSS I/O bitmap decides at CPL > IOPL: port E9h is byte 1Dh, bit 1 of the map', () => {
    const m = machineIn('prot32');
    const tss = 0x30_0000, mapBase = 0x68;
    m.cpu.memory.write16(tss + 0x66, mapBase);
    m.cpu.loadSegmentRaw(TR, 0x28, tss, 0, mapBase + 8192, 0x8B); // busy 32-bit TSS, present
    m.cpu.memory.write8(0x20_0000, 0x5A);
    m.cpu.lo[2] = 0xE9;
    setCpl(m.cpu, 3);
    m.cpu.memory.write8(tss + mapBase + 0x1D, 0x02);
    m.cpu.lo[6] = 0x20_0000;
    expect(step(m.cpu, OUTSB)?.vector).toBe(GP);
    m.cpu.memory.write8(tss + mapBase + 0x1D, 0xFD); // every port of the byte but E9h denied
    expect(step(m.cpu, OUTSB)).toBeUndefined();
    expect(m.console.text()).toBe('Z');
  });
});
