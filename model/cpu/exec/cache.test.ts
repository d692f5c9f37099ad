// Cache-control, ordering and hint instructions (SDM Vol. 2 CLFLUSH, CLFLUSHOPT, CLWB, MFENCE, LFENCE,
// SFENCE, INVD, WBINVD, WBNOINVD, PREFETCHh, PREFETCHW, ENDBR32, ENDBR64, NOP; opcode map Table A-3).
import { describe, expect, it } from 'vitest';
import { GP, PF, SS_ } from '../fault.js';
import { CODE_BASE, machineIn, setCpl, setReg64, step } from '../../../conformance/harness/cpu.js';

const CLFLUSH_RAX = [0x0F, 0xAE, 0x38]; // 0F AE /7
const CLFLUSHOPT_RAX = [0x66, 0x0F, 0xAE, 0x38]; // 66 0F AE /7
const CLWB_RAX = [0x66, 0x0F, 0xAE, 0x30]; // 66 0F AE /6
const CLFLUSH_RBP = [0x0F, 0xAE, 0x7D, 0x00]; // clflush [rbp+0]: SS is the default segment

describe('CLFLUSH, CLFLUSHOPT, CLWB: the checks of a byte load, nothing else', () => {
  it('complete without changing memory or registers for an accessible address', () => {
    const m = machineIn('long64');
    m.cpu.memory.write8(0x20_0000, 0x5A);
    setReg64(m.cpu, 0, 0x20_0000n);
    for (const insn of [CLFLUSH_RAX, CLFLUSHOPT_RAX, CLWB_RAX]) expect(step(m.cpu, insn)).toBeUndefined();
    expect(m.cpu.memory.read8(0x20_0000)).toBe(0x5A);
    expect(m.cpu.ripLo).toBe(CODE_BASE + 11);
  });

  it('a non-canonical address is #GP(0), or #SS(0) through SS (SDM Vol. 3A 6.15)', () => {
    const m = machineIn('long64');
    setReg64(m.cpu, 0, 0x8000_0000_0000_0000n);
    for (const insn of [CLFLUSH_RAX, CLFLUSHOPT_RAX, CLWB_RAX]) {
      const f = step(m.cpu, insn);
      expect([f?.vector, f?.errorCode]).toEqual([GP, 0]);
    }
    setReg64(m.cpu, 5, 0x8000_0000_0000_0000n);
    const s = step(m.cpu, CLFLUSH_RBP);
    expect([s?.vector, s?.errorCode]).toEqual([SS_, 0]);
  });

  it('page faults as a read: error code 0 when not present, 5 (P, U) for a supervisor page at CPL 3', () => {
    const m = machineIn('long64');
    setReg64(m.cpu, 0, 0x2_0000_0000n); // beyond the loader's 4 GiB identity map
    const np = step(m.cpu, CLFLUSH_RAX);
    expect([np?.vector, np?.errorCode]).toEqual([PF, 0]);
    setReg64(m.cpu, 0, 0x20_0000n); // the loader's pages are supervisor-only
    setCpl(m.cpu, 3);
    const u = step(m.cpu, CLFLUSH_RAX);
    expect([u?.vector, u?.errorCode]).toEqual([PF, 5]);
  });
});

describe('fences, hints and NOP forms never fault', () => {
  it('MFENCE, LFENCE, SFENCE at CPL 3', () => {
    const m = machineIn('long64');
    setCpl(m.cpu, 3);
    for (const insn of [[0x0F, 0xAE, 0xF0], [0x0F, 0xAE, 0xE8], [0x0F, 0xAE, 0xF8]]) expect(step(m.cpu, insn)).toBeUndefined();
  });

  it('PREFETCHh, PREFETCHW, multi-byte NOP, reserved NOPs and ENDBR with a non-canonical address in RAX', () => {
    const m = machineIn('long64');
    setCpl(m.cpu, 3);
    setReg64(m.cpu, 0, 0x8000_0000_0000_0000n);
    const forms = [
      [0x0F, 0x18, 0x08], // prefetcht0 [rax]
      [0x0F, 0x18, 0x00], // prefetchnta [rax]
      [0x0F, 0x0D, 0x08], // prefetchw [rax]
      [0x0F, 0x1F, 0x00], // nop dword [rax]
      [0x66, 0x0F, 0x1F, 0x44, 0x00, 0x00], // nop word [rax+rax+0]
      [0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00], // nop dword [rax+rax+0], disp32
      [0x66, 0x2E, 0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00], // nop word cs:[rax+rax+0]
      [0x0F, 0x18, 0x20], // reserved NOP 0F 18 /4
      [0x0F, 0x19, 0x00], // reserved NOP 0F 19
      [0x0F, 0x1A, 0x00], // 0F 1A without MPX
      [0xF3, 0x0F, 0x1E, 0xFA], // endbr64
      [0xF3, 0x0F, 0x1E, 0xFB], // endbr32
    ];
    let expected = CODE_BASE;
    for (const f of forms) {
      expect(step(m.cpu, f)).toBeUndefined();
      expected += f.length;
      expect(m.cpu.ripLo).toBe(expected);
    }
    expect(m.cpu.stats.unimplemented.size).toBe(0);
  });
});

describe('INVD, WBINVD, WBNOINVD are CPL-0 only', () => {
  it('#GP(0) at CPL 3, nothing at CPL 0', () => {
    const forms = [[0x0F, 0x08], [0x0F, 0x09], [0xF3, 0x0F, 0x09]];
    const m = machineIn('prot32');
    for (const f of forms) expect(step(m.cpu, f)).toBeUndefined();
    setCpl(m.cpu, 3);
    for (const f of forms) {
      const g = step(m.cpu, f);
      expect([g?.vector, g?.errorCode]).toEqual([GP, 0]);
    }
  });

  it('are allowed in real-address mode (CPL 0)', () => {
    const m = machineIn('real');
    expect(step(m.cpu, [0x0F, 0x09])).toBeUndefined();
  });
});
