// The machine from the reset vector: the boot ROM (conformance/asm/boot.ts) takes the processor from
// real mode (SDM Vol. 3A 9.1) through protected mode to IA-32e mode (9.8.5) and runs a 64-bit payload;
// exceptions then go through the 64-bit IDT (6.14) and an undeliverable one is a triple fault (6.15).
import { describe, expect, it } from 'vitest';
import {
  Assembler, BOOT_REPORT, BOOT_SELECTORS, BOOT_STATUS, DONE_LINE, EXCEPTION_LINE, ax, buildBootImage, ds, mem, qword, rax,
} from '../../conformance/asm/index.js';
import { BUILTIN_PROFILES } from '../generated/index.js';
import { Machine } from './machine.js';

const profile = BUILTIN_PROFILES.find((p) => p.id === 'skylake-server')!;

function boot(payload: (a: Assembler) => void): { m: Machine; report: bigint; end: string; lines: string[] } {
  const image = buildBootImage({ payload64: payload });
  const m = new Machine({ profile, memorySize: 64 * 1024 * 1024, rom: image.rom });
  const r = m.run(5_000_000);
  return { m, report: image.map.report, end: r.end, lines: r.console.split('\n').filter((l) => l !== '') };
}

function reportField(m: Machine, base: bigint, offset: number): bigint {
  return m.memory.read64(Number(base) + offset);
}

describe('boot from the reset vector', () => {
  it('starts at FFFFFFF0h in real mode (SDM Vol. 3A 9.1.4)', () => {
    const m = new Machine({ profile, memorySize: 1 << 24, rom: buildBootImage({ payload64: (a) => a.ret() }).rom });
    const cpu = m.cpu;
    expect(cpu.bitness).toBe(16);
    expect(cpu.segBaseLo[1]! >>> 0).toBe(0xFFFF_0000);
    expect(cpu.ripLo).toBe(0xFFF0);
    expect(cpu.cr0 >>> 0).toBe(0x6000_0010);
  });

  it('reaches 64-bit mode and runs the payload, which returns its RAX', () => {
    const { m, report, end, lines } = boot((a) => { a.mov(rax, 0x1122_3344_5566_7788n); a.ret(); });
    expect(end).toBe('hlt');
    expect(lines.at(-1)).toMatch(DONE_LINE);
    expect(lines.at(-1)).toBe('DONE rax=1122334455667788');
    expect(reportField(m, report, BOOT_REPORT.status)).toBe(BigInt(BOOT_STATUS.payloadReturned));
    const cpu = m.cpu;
    expect(cpu.bitness).toBe(64);
    expect(cpu.longMode).toBe(true);
    expect((cpu.cr0 >>> 31) & 1).toBe(1); // paging on
    expect(cpu.segSel[1]).toBe(BOOT_SELECTORS.code64);
  });

  it('delivers a page fault through the IDT with error code and CR2 (SDM Vol. 3A 4.7, 6.14)', () => {
    // The identity map covers 4 GiB; a write at 4 GiB finds no PDPTE: not present (P=0), write (W/R=1),
    // supervisor (U/S=0), data (I/D=0): error code 2, CR2 = the address.
    const { m, report, lines } = boot((a) => { a.mov(rax, 0x1_0000_0000n); a.mov(qword(rax), 1); a.ret(); });
    const line = lines.at(-1)!;
    const match = EXCEPTION_LINE.exec(line);
    expect(match, line).not.toBeNull();
    expect(match![1]).toBe('EXC');
    expect(match![2]).toBe('0E');
    expect(match![3]).toBe('00000002');
    expect(match![5]).toBe('0000000100000000');
    expect(reportField(m, report, BOOT_REPORT.vector)).toBe(14n);
    expect(reportField(m, report, BOOT_REPORT.cr2)).toBe(0x1_0000_0000n);
  });

  it('delivers #GP with the selector as error code for a selector beyond the GDT limit (SDM Vol. 3A 5.4, 6.13)', () => {
    // Selector 50h indexes descriptor 10; the boot GDT holds 9 descriptors (limit 47h): #GP(50h).
    const { m, report, lines } = boot((a) => { a.mov(ax, 0x50); a.mov(ds, ax); a.ret(); });
    expect(lines.at(-1)).toMatch(/^EXC 0D ec=00000050 /);
    expect(reportField(m, report, BOOT_REPORT.vector)).toBe(13n);
    expect(reportField(m, report, BOOT_REPORT.errorCode)).toBe(0x50n);
  });

  it('ends the run as a triple fault when no exception can be delivered (SDM Vol. 3A 6.15)', () => {
    // An IDT limit of 0 makes the #UD undeliverable (#GP), that #GP too (#DF), and the #DF: shutdown.
    const { end } = boot((a) => {
      a.lidt(mem({ disp: a.addr('idtr') }));
      a.ud2();
      a.label('idtr');
      a.dw(0); a.dq(0); // limit 0, base 0
    });
    expect(end).toBe('triple-fault');
  });
});
