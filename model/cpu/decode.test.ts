// The decoded-instruction cache: one decode per instruction, and self-modifying code seen at once
// (SDM Vol. 3A 11.6: a write to a code byte is seen by the next fetch of it).
import { describe, expect, it } from 'vitest';
import { Assembler, byte, eax, ecx, rbx, rdx } from '../../conformance/asm/index.js';
import { CODE_BASE, runCode } from '../../conformance/harness/cpu.js';
import { Activity } from './cpu.js';
import { newDecodeCache } from './decode.js';
import { PhysicalMemory } from '../machine/memory.js';

describe('decode cache', () => {
  it('decodes each instruction of a loop once', () => {
    const a = new Assembler(64);
    a.mov(ecx, 1000); a.label('l'); a.add(eax, ecx); a.dec(ecx); a.jnz('l'); a.hlt();
    const { machine, result } = runCode(a.assemble(BigInt(CODE_BASE)).bytes, 'long64');
    expect(result.end).toBe('hlt');
    expect(result.instructions).toBe(1 + 3 * 1000 + 1);
    expect(machine.cpu.stats.decoded).toBe(5);
    expect(machine.cpu.lo[0]! >>> 0).toBe(1000 * 1001 / 2);
  });

  it('sees a write to an instruction that already ran (self-modifying code)', () => {
    // First pass: `patch: mov edx, imm32` runs with imm 1, then the program rewrites the immediate's
    // low byte to 7 and runs the same instruction again: EDX must be 7, not the cached 1.
    const a = new Assembler(64);
    a.mov(ecx, 2);
    a.label('again');
    a.label('patch');
    a.mov(rdx, 1);               // REX.W C7 C2 imm32: the immediate starts 3 bytes in
    a.mov(rbx, a.addr('patch', 3));
    a.mov(byte(rbx), 7);
    a.dec(ecx);
    a.jnz('again');
    a.hlt();
    const prog = a.assemble(BigInt(CODE_BASE));
    const { machine } = runCode(prog.bytes, 'long64');
    expect(machine.memory.read8(Number(prog.labels.get('patch')!) + 3)).toBe(7);
    expect(machine.cpu.lo[2]).toBe(7);
  });

  it('fetches again from a page that becomes MMIO (e.g. the APIC-access page, SDM 3C 30.4.1)', () => {
    const first = new Assembler(64);
    first.mov(eax, 1); first.hlt();
    const { machine } = runCode(first.assemble(BigInt(CODE_BASE)).bytes, 'long64');
    expect(machine.cpu.lo[0]).toBe(1);
    // The page now answers with other code at the same addresses: the cached records must not serve.
    const second = new Assembler(64);
    second.mov(eax, 2); second.hlt();
    const bytes = second.assemble(BigInt(CODE_BASE)).bytes;
    const page = CODE_BASE & ~0xFFF;
    machine.memory.map({
      base: page, size: 0x1000, name: 'test',
      read: (offset) => bytes[offset - (CODE_BASE - page)] ?? 0, write: () => {},
    });
    machine.cpu.ripLo = machine.cpu.nextLo = CODE_BASE; machine.cpu.ripHi = machine.cpu.nextHi = 0;
    machine.cpu.activity = Activity.Active;
    machine.run(100);
    expect(machine.cpu.lo[0]).toBe(2);
  });

  it('drops every processor\'s records on a code write (processors share memory, SDM Vol. 3A 11.6)', () => {
    const memory = new PhysicalMemory(0x10_0000);
    const caches = [newDecodeCache(memory), newDecodeCache(memory)];
    for (const c of caches) c.pages.set(5 * 4 + 2, []);
    memory.markCode(5 * 0x1000);
    memory.write8(5 * 0x1000 + 3, 0x90);
    for (const c of caches) expect(c.pages.has(5 * 4 + 2)).toBe(false);
  });
});
