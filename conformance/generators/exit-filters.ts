// Generated cases for the VM-exit filters that take data, not just a control bit (SDM 26.1.3, 26.2, 25.6):
// the I/O bitmaps, the MSR bitmaps, the CR3-target values, the page-fault error-code mask and match, and
// event injection's independence from the exception bitmap (SDM 27.6.1). Guest programs are assembled
// (conformance/asm); every expected outcome is the SDM rule evaluated by hand-written code below.
import { type Assembler, al, ax, cr3, eax, ecx, edx, dx, qword, rax, rcx } from '../asm/index.js';
import type { ConformanceCase } from '../../model/generated/index.js';
import { controlSetup, crQual, hex, program, vmExit } from './exits.js';

const IO_A = 0x6_0000, IO_B = 0x6_1000, MSR_BITMAPS = 0x6_2000;

function byteHex(v: number): string {
  return v.toString(16).toUpperCase().padStart(2, '0');
}

/** The I/O-bitmap bit of a port (SDM 25.6.4): A covers 0000-7FFFh, B 8000-FFFFh. */
function ioBit(port: number): { address: number; bit: number } {
  return { address: (port < 0x8000 ? IO_A + (port >> 3) : IO_B + ((port - 0x8000) >> 3)), bit: port & 7 };
}

/**
 * SDM 26.1.3 (use I/O bitmaps = 1): IN/OUT exits if any bit for a port it accesses is 1, or if the access
 * wraps around the 16-bit port space. Qualification (Table 28-5): size-1, bit 3 IN, bit 6 (immediate operand), port.
 */
function ioCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  const dxPorts = [0x0, 0x61, 0x7FFC, 0x7FFE, 0x7FFF, 0x8000, 0xBEE0, 0xFFFC, 0xFFFD, 0xFFFE, 0xFFFF];
  // IN/OUT with an 8-bit immediate port (qualification bit 6 = 1).
  const immPorts = [0x0, 0x7, 0x8, 0x2F, 0x3F, 0x61, 0x80, 0xFD, 0xFF];
  const regs = { 1: al, 2: ax, 4: eax } as const;
  for (const [imm, ports] of [[false, dxPorts], [true, immPorts]] as const) for (const dirIn of [true, false]) {
    for (const size of [1, 2, 4] as const) {
      for (const port of ports) {
        const wraps = port + size - 1 > 0xFFFF;
        const p = imm
          ? program(() => undefined, (a) => { if (dirIn) a.in_(regs[size], port); else a.out(port, regs[size]); })
          : program((a) => { a.mov(edx, port); }, (a) => { if (dirIn) a.in_(regs[size], dx); else a.out(dx, regs[size]); });
        const variants: { name: string; bits: number[] }[] = [{ name: 'no-bits', bits: [] }];
        if (!wraps) {
          variants.push({ name: 'first-port-bit', bits: [port] });
          if (size > 1) variants.push({ name: 'last-port-bit', bits: [port + size - 1] });
          if (port > 0) variants.push({ name: 'bit-below', bits: [port - 1] });
          if (port + size <= 0xFFFF) variants.push({ name: 'bit-above', bits: [port + size] });
        }
        for (const v of variants) {
          const exits = wraps || v.bits.some((b) => b >= port && b <= port + size - 1);
          const bytes = new Map<number, number>();
          for (const b of v.bits) { const { address, bit } = ioBit(b); bytes.set(address, (bytes.get(address) ?? 0) | (1 << bit)); }
          const qual = BigInt((size - 1) | (dirIn ? 8 : 0) | (imm ? 0x40 : 0)) | (BigInt(port) << 16n);
          const op = dirIn ? 'in' : 'out';
          out.push({
            id: `exitgen.io-bitmap.${op}${size * 8}.${imm ? 'imm' : 'dx'}.port${port.toString(16)}.${v.name}`,
            title: `${op.toUpperCase()} of ${size} byte(s) at ${imm ? 'immediate ' : 'DX '}port ${port.toString(16).toUpperCase()}h with I/O bitmaps (${v.bits.length ? `bit of port ${v.bits.map((b) => b.toString(16).toUpperCase() + 'h').join(', ')} set` : 'all bits 0'})${wraps ? ', wrapping past FFFFh,' : ''} ${exits ? 'exits (reason 30)' : 'does not exit'}`,
            sdm: ['25.6.4', '26.1.3', ...(exits ? ['28.2.1'] : []), 'C'],
            tags: ['vm-exit', 'io', 'generated'],
            requires: [{ control: 'proc.USE_IO_BITMAPS' }],
            setup: {
              ...controlSetup(['proc.USE_IO_BITMAPS'], ['proc.UNCONDITIONAL_IO_EXITING'], { IO_BITMAP_A_ADDRESS: hex(IO_A), IO_BITMAP_B_ADDRESS: hex(IO_B) }),
              ...(bytes.size ? { memory: [...bytes].map(([address, b]) => ({ address: hex(address), bytes: byteHex(b) })) } : {}),
            },
            guest: { code: p.code, disassembly: p.disassembly },
            steps: [exits
              ? vmExit('IO_INSTRUCTION', { EXIT_QUALIFICATION: hex(qual), VM_EXIT_INSTRUCTION_LENGTH: hex(p.length), GUEST_RIP: hex(p.at) })
              : vmExit('VMCALL', { GUEST_RIP: hex(p.vmcallAt) })],
          });
        }
      }
    }
  }
  return out;
}

/**
 * SDM 26.1.3 and 25.6.9 (use MSR bitmaps = 1): RDMSR/WRMSR exit if ECX is outside 0-1FFFh and
 * C0000000-C0001FFFh, or if the MSR's bit in the read (offset 0 low, 1024 high) or write (2048 low,
 * 3072 high) bitmap is 1.
 */
function msrCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  const inRange = [0x10, 0x174, 0x175, 0x176, 0x277, 0xC000_0080, 0xC000_0081, 0xC000_0082, 0xC000_0084, 0xC000_0100, 0xC000_0101, 0xC000_0102];
  const bitAddress = (msr: number, write: boolean): { address: number; bit: number } => {
    const high = msr >= 0xC000_0000;
    const idx = high ? msr - 0xC000_0000 : msr;
    return { address: MSR_BITMAPS + (write ? 2048 : 0) + (high ? 1024 : 0) + (idx >> 3), bit: idx & 7 };
  };
  const base = (fields: Record<string, string>, memory: { address: number; bit: number }[]): NonNullable<ConformanceCase['setup']> => ({
    ...controlSetup(['proc.USE_MSR_BITMAPS'], [], { MSR_BITMAPS_ADDRESS: hex(MSR_BITMAPS), ...fields }),
    ...(memory.length ? { memory: memory.map((m) => ({ address: hex(m.address), bytes: byteHex(1 << m.bit) })) } : {}),
  });
  for (const msr of inRange) {
    const name = msr.toString(16).toUpperCase();
    const rd = program((a) => { a.mov(ecx, msr); }, (a) => a.rdmsr());
    // WRMSR writes back what RDMSR read (the read is not intercepted in these cases).
    const wr = program((a) => { a.mov(ecx, msr).rdmsr(); }, (a) => a.wrmsr());
    for (const [op, p, write] of [['rdmsr', rd, false], ['wrmsr', wr, true]] as const) {
      const reason = write ? 'WRMSR' : 'RDMSR';
      const variants = [
        { name: 'own-bit', bits: [bitAddress(msr, write)], exits: true },
        { name: 'no-bits', bits: [], exits: false },
        { name: 'other-bitmap-bit', bits: [bitAddress(msr, !write)], exits: false },
      ];
      for (const v of variants) {
        // With the read bit set, the RDMSR before a WRMSR would exit first: skip that combination.
        if (write && v.name === 'other-bitmap-bit') continue;
        out.push({
          id: `exitgen.msr-bitmap.${op}.${name}.${v.name}`,
          title: `${op.toUpperCase()} of MSR ${name}h with MSR bitmaps (${v.name === 'no-bits' ? 'all bits 0' : v.name === 'own-bit' ? `its ${write ? 'write' : 'read'} bit set` : `only its ${write ? 'read' : 'write'} bit set`}) ${v.exits ? `exits (reason ${write ? 32 : 31})` : 'does not exit'}`,
          sdm: ['25.6.9', '26.1.3', 'C'],
          tags: ['vm-exit', 'msr', 'generated'],
          requires: [{ control: 'proc.USE_MSR_BITMAPS' }],
          setup: base({}, v.bits),
          guest: { code: p.code, disassembly: p.disassembly },
          steps: [v.exits ? vmExit(reason, { VM_EXIT_INSTRUCTION_LENGTH: hex(p.length), GUEST_RIP: hex(p.at) }) : vmExit('VMCALL', { GUEST_RIP: hex(p.vmcallAt) })],
        });
      }
    }
  }
  for (const msr of [0x2000, 0x4000_0000, 0xBFFF_FFFF, 0xC000_2000, 0xFFFF_FFFF]) {
    const name = msr.toString(16).toUpperCase();
    const rd = program((a) => { a.mov(ecx, msr); }, (a) => a.rdmsr());
    const wr = program((a) => { a.mov(ecx, msr).xor(eax, eax).xor(edx, edx); }, (a) => a.wrmsr());
    for (const [op, p, reason] of [['rdmsr', rd, 'RDMSR'], ['wrmsr', wr, 'WRMSR']] as const) {
      out.push({
        id: `exitgen.msr-bitmap.${op}.${name}.outside-ranges`,
        title: `${op.toUpperCase()} of MSR ${name}h, outside both bitmap ranges, exits even with all bitmap bits 0`,
        sdm: ['25.6.9', '26.1.3', 'C'],
        tags: ['vm-exit', 'msr', 'generated'],
        requires: [{ control: 'proc.USE_MSR_BITMAPS' }],
        setup: base({}, []),
        guest: { code: p.code, disassembly: p.disassembly },
        steps: [vmExit(reason, { VM_EXIT_INSTRUCTION_LENGTH: hex(p.length), GUEST_RIP: hex(p.at) })],
      });
    }
  }
  return out;
}

/**
 * SDM 26.1.3: with CR3-load exiting, MOV to CR3 does not exit if the value equals one of the first
 * CR3-target-count CR3-target values. The guest writes back its CR3 (the baseline's 20000h).
 */
function cr3TargetCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  const p = program((a) => { a.mov(rax, cr3); }, (a) => a.mov(cr3, rax));
  for (let count = 0; count <= 4; count++) {
    for (let index = 0; index < 4; index++) {
      const fields: Record<string, string> = { CR3_TARGET_COUNT: hex(count) };
      for (let i = 0; i < 4; i++) fields[`CR3_TARGET_VALUE${i}`] = i === index ? '0x20000' : '0x7F000';
      const exits = index >= count;
      out.push({
        id: `exitgen.cr3-target.count${count}.match${index}`,
        title: `MOV to CR3 of CR3-target value ${index} with CR3-target count ${count} ${exits ? 'exits (reason 28)' : 'does not exit'}`,
        sdm: ['25.6.7', '26.1.3', 'C'],
        tags: ['vm-exit', 'cr-access', 'generated'],
        requires: [{ control: 'proc.CR3_LOAD_EXITING' }],
        setup: controlSetup(['proc.CR3_LOAD_EXITING'], [], fields),
        guest: { code: p.code, disassembly: p.disassembly },
        steps: [exits
          ? vmExit('CR_ACCESS', { EXIT_QUALIFICATION: hex(crQual(3, false)), VM_EXIT_INSTRUCTION_LENGTH: hex(p.length), GUEST_RIP: hex(p.at) })
          : vmExit('VMCALL', { GUEST_RIP: hex(p.vmcallAt) })],
      });
    }
  }
  return out;
}

/**
 * SDM 26.2: a #PF exits if (PFEC AND mask) = match and bitmap bit 14 is 1, or if they differ and bit 14
 * is 0. The guest reads or writes a not-present page (PFEC 0 or 2: W/R); a #PF that does not exit is
 * delivered through the guest IDT, whose zero descriptors make delivery fault into a triple fault (reason 2).
 */
function pfecCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  const UNMAPPED = 0x7F_0000_0000n;
  const accesses: { name: string; pfec: number; insn: (a: Assembler) => void }[] = [
    { name: 'read', pfec: 0, insn: (a) => a.mov(rax, qword(rcx)) },
    { name: 'write', pfec: 2, insn: (a) => a.mov(qword(rcx), rax) },
  ];
  for (const acc of accesses) {
    const p = program((a) => { a.mov(rcx, UNMAPPED); }, acc.insn);
    for (let bit = 0; bit < 16; bit++) {
      for (const matchSet of [false, true]) {
        for (const bitmap14 of [false, true]) {
          const mask = 1 << bit, match = matchSet ? mask : 0;
          const matches = (acc.pfec & mask) === match;
          const exits = bitmap14 ? matches : !matches;
          out.push({
            id: `exitgen.pfec.${acc.name}.mask-bit${bit}.match-${matchSet ? 'set' : 'clear'}.bitmap14-${bitmap14 ? 'set' : 'clear'}`,
            title: `A ${acc.name} #PF (PFEC ${acc.pfec}) with PFEC mask ${hex(mask)}, match ${hex(match)} and exception-bitmap bit 14 ${bitmap14 ? 1 : 0} ${exits ? 'exits (reason 0)' : 'is delivered to the guest (triple fault, reason 2)'}`,
            sdm: ['25.6.3', '26.2', ...(exits ? ['28.2.1', '28.2.2'] : []), 'C'],
            tags: ['vm-exit', 'exception', 'generated'],
            setup: { fields: { EXCEPTION_BITMAP: bitmap14 ? '0x4000' : '0x0', PAGE_FAULT_ERROR_CODE_MASK: hex(mask), PAGE_FAULT_ERROR_CODE_MATCH: hex(match) } },
            guest: { code: p.code, disassembly: p.disassembly },
            steps: [exits
              ? vmExit('EXCEPTION_OR_NMI', {
                VM_EXIT_INTERRUPTION_INFORMATION: '0x80000B0E', VM_EXIT_INTERRUPTION_ERROR_CODE: hex(acc.pfec),
                EXIT_QUALIFICATION: hex(UNMAPPED), GUEST_RIP: hex(p.at),
              })
              : vmExit('TRIPLE_FAULT', {})],
          });
        }
      }
    }
  }
  return out;
}

/**
 * Event injection is not subject to the exception bitmap (SDM 27.6.1.2): an injected hardware exception
 * of vector v is delivered through the guest IDT whatever bitmap bit v says. Its all-zero gate is not an
 * interrupt, trap or task gate, so delivery raises #GP with error code v*8 + 2 (IDT) + 1 (EXT), which
 * bitmap bit 13 turns into a VM exit (reason 0) whose IDT-vectoring information is the injected event
 * (SDM 28.2.4; Vol. 3A 6.12.1, 6.13).
 */
function injectionCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  const withErrorCode = new Set([8, 10, 11, 12, 13, 14, 17]);
  for (let v = 0; v < 32; v++) {
    // 2: NMI's vector; 8: a fault while delivering #DF is a triple fault; 21 (#CP): whether it takes an
    // error code depends on CET support (SDM 27.2.1.3), which the case format cannot require.
    if (v === 2 || v === 8 || v === 21) continue;
    const ec = withErrorCode.has(v);
    const info = (0x8000_0300 | v | (ec ? 0x800 : 0)) >>> 0;
    for (const bitSet of [false, true]) {
      out.push({
        id: `exitgen.injection.vector${v}.bitmap-bit-${bitSet ? 'set' : 'clear'}`,
        title: `An injected hardware exception ${v} is delivered to the guest whether or not exception-bitmap bit ${v} is set (${bitSet ? 'set' : 'clear'}); its delivery #GP exits with the event in IDT-vectoring information`,
        sdm: ['27.6.1.2', '26.2', '28.2.2', '28.2.4', 'C'],
        tags: ['vm-exit', 'injection', 'generated'],
        setup: {
          fields: {
            EXCEPTION_BITMAP: hex((1n << 13n) | (bitSet ? 1n << BigInt(v) : 0n)),
            VM_ENTRY_INTERRUPTION_INFORMATION: hex(info),
            ...(ec ? { VM_ENTRY_EXCEPTION_ERROR_CODE: '0x0' } : {}),
          },
        },
        guest: { code: '0F01C1', disassembly: ['vmcall'] },
        steps: [vmExit('EXCEPTION_OR_NMI', {
          VM_EXIT_INTERRUPTION_INFORMATION: '0x80000B0D', VM_EXIT_INTERRUPTION_ERROR_CODE: hex(v * 8 + 3),
          IDT_VECTORING_INFORMATION: hex(info), ...(ec ? { IDT_VECTORING_ERROR_CODE: '0x0' } : {}),
          GUEST_RIP: '0x300000',
        })],
      });
    }
  }
  return out;
}


export function exitFilterCases(): ConformanceCase[] {
  return [...ioCases(), ...msrCases(), ...cr3TargetCases(), ...pfecCases(), ...injectionCases()];
}
