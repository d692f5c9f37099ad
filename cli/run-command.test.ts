// `vmxsim run` as a user runs it: a spawned CLI on small images assembled here. The console (port E9h)
// is stdout; how the run ended and its figures are stderr.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Assembler, al, eax, ecx, edx, esi } from '../conformance/asm/index.js';

const root = join(import.meta.dirname, '..');
const main = join(root, 'dist', 'cli', 'main.js');
let scratch = '';

beforeAll(() => {
  if (!existsSync(main)) throw new Error(`${main} is missing: npm test builds it first (tsc), or run npm run build`);
  scratch = mkdtempSync(join(tmpdir(), 'vmxsim-run-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function vmxsim(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'latin1', cwd: scratch });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

function image(name: string, bytes: Uint8Array): string {
  writeFileSync(join(scratch, name), bytes);
  return name;
}

/** A program that writes `text` to port E9h one OUT at a time, then halts. */
function printer(bits: 16 | 32 | 64, origin: bigint, text: string): Uint8Array {
  const a = new Assembler(bits);
  for (const ch of text) { a.mov(al, ch.charCodeAt(0)); a.out(0xE9, al); }
  a.hlt();
  return a.assemble(origin).bytes;
}

describe('vmxsim run: how runs end', () => {
  it('streams the console and reports hlt, instructions and cycles (64-bit flat image at 1 MiB by default)', () => {
    const r = vmxsim('run', image('hello.bin', printer(64, 0x10_0000n, 'hello\n')), '--seed', '1');
    expect(r.code).toBe(0);
    expect(r.out).toBe('hello\n');
    expect(r.err).toMatch(/^run ended: hlt$/m);
    expect(r.err).toMatch(/^ {2}instructions +13$/m); // 6 x (MOV, OUT) + HLT
    expect(r.err).toMatch(/^ {2}cycles +\d+$/m);
    expect(r.err).toMatch(/^ {2}host seconds +\d+\.\d{3}$/m);
    expect(r.err).toMatch(/^ {2}guest MIPS +\d+\.\d\d$/m);
    expect(r.err).toMatch(/^ {2}seed +1$/m);
    expect(r.err).not.toMatch(/unimplemented/);
  });

  it('ends with shutdown when "Shutdown" is written to port 8900h', () => {
    const a = new Assembler(32);
    a.mov(esi, a.addr('msg')); a.mov(ecx, 8); a.mov(edx, 0x8900); a.rep().outsb(); a.mov(al, 0x21); a.out(0xE9, al); a.hlt();
    a.label('msg'); a.db('Shutdown');
    const r = vmxsim('run', image('shutdown.bin', a.assemble(0x10_0000n).bytes), '--mode', 'prot32');
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^run ended: shutdown$/m);
    expect(r.out).toBe(''); // nothing after the shutdown ran
  });

  it('ends at the instruction budget, counting exactly that many instructions', () => {
    const a = new Assembler(64);
    a.label('top'); a.jmp('top');
    const r = vmxsim('run', image('spin.bin', a.assemble(0x10_0000n).bytes), '--max-instructions', '2500');
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^run ended: instruction-budget$/m);
    expect(r.err).toMatch(/^ {2}instructions +2500$/m);
  });

  it('ends with a triple fault (exit 1) and counts an unimplemented instruction', () => {
    // VZEROUPPER (VEX.128.0F.WIG 77) is not implemented: #UD, and with no IDT the fault escalates to a
    // triple fault (SDM Vol. 3A 6.15, interrupt 8).
    const r = vmxsim('run', image('ud.bin', Uint8Array.of(0xC5, 0xF8, 0x77, 0xF4)), '--mode', 'prot32');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^run ended: triple-fault$/m);
    expect(r.err).toMatch(/^ {2}unimplemented +Vzeroupper x1$/m);
  });
});

describe('vmxsim run: images and modes', () => {
  it('runs a firmware image with --rom from the reset vector FFFFFFF0h (SDM Vol. 3A 9.1.4)', () => {
    const rom = new Uint8Array(4096).fill(0xF4);
    rom.set(printer(16, 0xFFFF_FFF0n, 'R'), 0xFF0);
    const r = vmxsim('run', image('rom.bin', rom), '--rom');
    expect(r.code).toBe(0);
    expect(r.out).toBe('R');
    expect(r.err).toMatch(/^run ended: hlt$/m);
  });

  it('runs a real-mode image at 7C00h by default, and a 32-bit one at a chosen address', () => {
    const real = vmxsim('run', image('real.bin', printer(16, 0x7C00n, 'real')), '--mode', 'real');
    expect(real.out).toBe('real');
    const p = vmxsim('run', image('p32.bin', printer(32, 0x20_0000n, 'p32')), '--mode', 'prot32', '--load', '0x200000', '--entry', '200000h');
    expect(p.out).toBe('p32');
  });

  it('--trace prints each instruction: linear RIP and Intel syntax', () => {
    const r = vmxsim('run', image('t.bin', printer(32, 0x10_0000n, 'A')), '--mode', 'prot32', '--trace');
    expect(r.err).toMatch(/^00100000 {2}mov al,41h$/m);
    expect(r.err).toMatch(/^00100002 {2}out 0E9h,al$/m);
    expect(r.err).toMatch(/^00100004 {2}hlt$/m);
  });

  it('--seed makes RDRAND repeat; the seed is printed', () => {
    const a = new Assembler(64);
    a.rdrand(eax); a.out(0xE9, al); a.rdrand(eax); a.out(0xE9, al); a.rdrand(eax); a.out(0xE9, al); a.hlt();
    const file = image('rand.bin', a.assemble(0x10_0000n).bytes);
    const one = vmxsim('run', file, '--seed', '7'), two = vmxsim('run', file, '--seed', '7'), other = vmxsim('run', file, '--seed', '8');
    expect(one.out).toHaveLength(3);
    expect(two.out).toBe(one.out);
    expect(other.out).not.toBe(one.out);
    expect(one.err).toMatch(/^ {2}seed +7$/m);
  });

  it('--profile takes a built-in name or a file: CPUID 80000008H reports its linear-address width', () => {
    // EAX[15:8] is 48 (30h, "0") for skylake-server and 57 (39h, "9") for ice-lake-server.
    const b = new Assembler(64);
    b.mov(eax, 0x8000_0008); b.cpuid(); b.shr(eax, 8); b.out(0xE9, al); b.hlt();
    const file = image('cpuid.bin', b.assemble(0x10_0000n).bytes);
    expect(vmxsim('run', file).out).toBe('0');
    expect(vmxsim('run', file, '--profile', 'ice-lake-server').out).toBe('9');
    const shown = vmxsim('profile', 'show', 'ice-lake-server');
    writeFileSync(join(scratch, 'icx.json'), shown.out);
    expect(vmxsim('run', file, '--profile', './icx.json').out).toBe('9');
  });
});

describe('vmxsim run: bad input is one line and exit code 2', () => {
  beforeAll(() => {
    writeFileSync(join(scratch, 'empty.bin'), new Uint8Array(0));
    writeFileSync(join(scratch, 'odd.bin'), new Uint8Array(4097));
    writeFileSync(join(scratch, 'big.bin'), new Uint8Array(16 * 1024 * 1024 + 4096));
    writeFileSync(join(scratch, 'small.bin'), Uint8Array.of(0xF4));
  });

  it.each([
    [['run'], /run needs an image file/],
    [['run', 'missing.bin'], /missing\.bin: no such file/],
    [['run', 'empty.bin'], /empty\.bin: the image is empty/],
    [['run', 'odd.bin', '--rom'], /odd\.bin: the ROM image is 4097 bytes, not a multiple of 4 KiB/],
    [['run', 'big.bin', '--rom'], /big\.bin: the ROM image is 16781312 bytes, more than the 16777216 bytes/],
    [['run', 'small.bin', '--memory', '1', '--load', '0x100000'], /does not fit in RAM \(1 MiB/],
    [['run', 'small.bin', '--mode', 'real', '--load', '0x1000', '--entry', '0x100000'], /a real-mode entry must be below 1 MiB/],
    [['run', 'small.bin', '--mode', 'v86'], /--mode v86: unknown mode/],
    [['run', 'small.bin', '--profile', 'pentium'], /unknown profile "pentium"/],
    [['run', 'small.bin', '--rom', '--mode', 'real'], /--rom runs the image as firmware/],
    [['run', 'small.bin', '--max-instructions', 'lots'], /--max-instructions lots: not a number/],
  ])('%j', (args, message) => {
    const r = vmxsim(...(args as string[]));
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(message as RegExp);
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
  });
});
