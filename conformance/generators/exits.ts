// Generated VM-exit cases (SDM 26.1-26.3, 28.2): per exit-causing execution control a pair (control 1:
// the instruction exits with its reason and length; control 0: it executes and the guest reaches a
// VMCALL), the unconditional exits of the VMX instructions, the exception bitmap per vector, and the
// CR0/CR4 guest/host masks bit by bit. Guest programs are assembled (conformance/asm), so instruction
// lengths and RIPs come from the encodings; exit reasons come from the generated EXIT_REASON table.
import { type Assembler, Assembler as Asm, type Bitness, al, ax, cr0, cr3, cr4, cr8, dr7, eax, ecx, edx, mem, oword, qword, rax, rcx, rsp } from '../asm/index.js';
import { type ConformanceCase, type ControlRef, EXIT_REASON } from '../../model/generated/index.js';

/** The canonical guest RIP (conformance/baseline.ts). */
const GUEST_RIP = 0x30_0000n;
/** A scratch quadword in identity-mapped guest memory, away from every baseline structure. */
const SCRATCH = 0x5000;

type Setup = NonNullable<ConformanceCase['setup']>;

function hex(v: bigint | number): string {
  return '0x' + BigInt(v).toString(16).toUpperCase();
}

function hexBytes(b: Uint8Array): string {
  return Buffer.from(b).toString('hex').toUpperCase();
}

/** A guest program: `before` (setup instructions that never exit), then the instruction under test, then VMCALL. */
interface Program {
  readonly code: string;
  readonly disassembly: string[];
  /** Address and length of the instruction under test. */
  readonly at: bigint;
  readonly length: number;
  /** Address of the VMCALL that follows it. */
  readonly vmcallAt: bigint;
}

function program(before: (a: Assembler) => void, insn: (a: Assembler) => void, bits: Bitness = 64): Program {
  const a = new Asm(bits);
  before(a);
  a.label('insn');
  insn(a);
  a.label('after');
  a.vmcall();
  const p = a.assemble(GUEST_RIP);
  const at = p.labels.get('insn')!, after = p.labels.get('after')!;
  const disassembly = a.listing(GUEST_RIP).filter((l) => !l.trimEnd().endsWith(':')).map((l) => l.split(/ {2,}/).slice(2).join('  ').trim() || l.trim());
  return { code: hexBytes(p.bytes), disassembly, at, length: Number(after - at), vmcallAt: after };
}

function none(): void { /* no setup instructions */ }

interface ControlExit {
  /** Case id part. */
  readonly name: string;
  /** The control that makes the instruction exit (SDM 25.6.2, 26.1.3). */
  readonly control: ControlRef;
  /** Further controls needed for the instruction to be reached (set in both cases). */
  readonly also?: readonly ControlRef[];
  readonly reason: keyof typeof EXIT_REASON;
  readonly before?: (a: Assembler) => void;
  readonly insn: (a: Assembler) => void;
  /** Exit qualification the SDM defines for this exit (28.2.1), when it is fixed by the program. */
  readonly qualification?: bigint;
  readonly sdm: readonly [string, ...string[]];
  /** Why the control-0 case is left out. */
  readonly noClearCase?: string;
}

const SECONDARY: ControlRef = 'proc.ACTIVATE_SECONDARY_CONTROLS';

/** Exit qualification for control-register accesses (SDM 28.2.1, Table 28-3): CR number, access type (0 MOV to CR, 1 MOV from CR), GPR. */
function crQual(cr: number, fromCr: boolean, gpr = 0): bigint {
  return BigInt(cr | (fromCr ? 1 << 4 : 0) | (gpr << 8));
}

export const CONTROL_EXITS: readonly ControlExit[] = [
  { name: 'hlt', control: 'proc.HLT_EXITING', reason: 'HLT', insn: (a) => a.hlt(), sdm: ['26.1.3'],
    noClearCase: 'with HLT-exiting 0 the guest enters the HLT activity state and no event wakes it, so it never reaches the VMCALL' },
  { name: 'invlpg', control: 'proc.INVLPG_EXITING', reason: 'INVLPG', insn: (a) => a.invlpg(qword(SCRATCH)), qualification: BigInt(SCRATCH), sdm: ['26.1.3', '28.2.1'] },
  { name: 'mwait', control: 'proc.MWAIT_EXITING', reason: 'MWAIT', before: (a) => { a.xor(eax, eax).xor(ecx, ecx); }, insn: (a) => a.mwait(), sdm: ['26.1.3'],
    noClearCase: 'with MWAIT-exiting 0, MWAIT without a preceding MONITOR may enter an implementation-specific sleep state; the SDM fixes no outcome' },
  { name: 'rdpmc', control: 'proc.RDPMC_EXITING', reason: 'RDPMC', before: (a) => { a.xor(ecx, ecx); }, insn: (a) => a.rdpmc(), sdm: ['26.1.3'] },
  { name: 'rdtsc', control: 'proc.RDTSC_EXITING', reason: 'RDTSC', insn: (a) => a.rdtsc(), sdm: ['26.1.3'] },
  { name: 'cr3-load', control: 'proc.CR3_LOAD_EXITING', reason: 'CR_ACCESS', before: (a) => { a.mov(rax, cr3); }, insn: (a) => a.mov(cr3, rax), qualification: crQual(3, false), sdm: ['26.1.3', '28.2.1'] },
  { name: 'cr3-store', control: 'proc.CR3_STORE_EXITING', reason: 'CR_ACCESS', insn: (a) => a.mov(rax, cr3), qualification: crQual(3, true), sdm: ['26.1.3', '28.2.1'] },
  { name: 'cr8-load', control: 'proc.CR8_LOAD_EXITING', reason: 'CR_ACCESS', before: (a) => { a.xor(eax, eax); }, insn: (a) => a.mov(cr8, rax), qualification: crQual(8, false), sdm: ['26.1.3', '28.2.1'] },
  { name: 'cr8-store', control: 'proc.CR8_STORE_EXITING', reason: 'CR_ACCESS', insn: (a) => a.mov(rax, cr8), qualification: crQual(8, true), sdm: ['26.1.3', '28.2.1'] },
  // MOV-DR qualification (Table 28-4): DR number, bit 4 direction (1 = MOV from DR), GPR in 11:8.
  { name: 'mov-dr', control: 'proc.MOV_DR_EXITING', reason: 'MOV_DR', insn: (a) => a.mov(rax, dr7), qualification: 7n | (1n << 4n), sdm: ['26.1.3', '28.2.1'] },
  // I/O qualification (Table 28-5): size-1, bit 3 IN, bit 6 immediate operand, port in 31:16.
  { name: 'unconditional-io', control: 'proc.UNCONDITIONAL_IO_EXITING', reason: 'IO_INSTRUCTION', insn: (a) => a.in_(al, 0x80), qualification: (1n << 3n) | (1n << 6n) | (0x80n << 16n), sdm: ['26.1.3', '28.2.1'] },
  { name: 'monitor', control: 'proc.MONITOR_EXITING', reason: 'MONITOR', before: (a) => { a.mov(eax, SCRATCH).xor(ecx, ecx).xor(edx, edx); }, insn: (a) => a.monitor(), sdm: ['26.1.3'] },
  { name: 'pause', control: 'proc.PAUSE_EXITING', reason: 'PAUSE', insn: (a) => a.pause(), sdm: ['26.1.3'] },
  { name: 'wbinvd', control: 'proc2.WBINVD_EXITING', also: [SECONDARY], reason: 'WBINVD_WBNOINVD', insn: (a) => a.wbinvd(), sdm: ['26.1.3'] },
  { name: 'rdrand', control: 'proc2.RDRAND_EXITING', also: [SECONDARY], reason: 'RDRAND', insn: (a) => a.rdrand(rax), sdm: ['26.1.3'] },
  { name: 'rdseed', control: 'proc2.RDSEED_EXITING', also: [SECONDARY], reason: 'RDSEED', insn: (a) => a.rdseed(rax), sdm: ['26.1.3'] },
  { name: 'sgdt', control: 'proc2.DESCRIPTOR_TABLE_EXITING', also: [SECONDARY], reason: 'GDTR_IDTR_ACCESS', insn: (a) => a.sgdt(mem({ disp: SCRATCH })), sdm: ['26.1.3'] },
  { name: 'sidt', control: 'proc2.DESCRIPTOR_TABLE_EXITING', also: [SECONDARY], reason: 'GDTR_IDTR_ACCESS', insn: (a) => a.sidt(mem({ disp: SCRATCH })), sdm: ['26.1.3'] },
  { name: 'sldt', control: 'proc2.DESCRIPTOR_TABLE_EXITING', also: [SECONDARY], reason: 'LDTR_TR_ACCESS', insn: (a) => a.sldt(ax), sdm: ['26.1.3'] },
  { name: 'str', control: 'proc2.DESCRIPTOR_TABLE_EXITING', also: [SECONDARY], reason: 'LDTR_TR_ACCESS', insn: (a) => a.str(ax), sdm: ['26.1.3'] },
];

function vmExit(reason: keyof typeof EXIT_REASON, fields: Record<string, string>): ConformanceCase['steps'][number] {
  return { op: 'vmlaunch', expect: { kind: 'vm-exit', exitReason: EXIT_REASON[reason], fields } };
}

function controlSetup(set: readonly ControlRef[], clear: readonly ControlRef[], fields?: Record<string, string>): Setup {
  return {
    ...(fields ? { fields } : {}),
    controls: { ...(set.length ? { set: [...set] } : {}), ...(clear.length ? { clear: [...clear] } : {}) },
  };
}

function controlCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  for (const x of CONTROL_EXITS) {
    const p = program(x.before ?? none, x.insn);
    const also = x.also ?? [];
    const guest = { code: p.code, disassembly: p.disassembly };
    out.push({
      id: `exitgen.control.${x.name}.set`,
      title: `With ${x.control} = 1, ${p.disassembly[p.disassembly.length - 2]} exits (reason ${EXIT_REASON[x.reason]}, length ${p.length})`,
      sdm: [x.sdm[0], ...x.sdm.slice(1), '28.2.5', 'C'],
      tags: ['vm-exit', 'control', 'generated'],
      requires: [...also, x.control].map((control) => ({ control })),
      setup: controlSetup([...also, x.control], []),
      guest,
      steps: [vmExit(x.reason, {
        VM_EXIT_INSTRUCTION_LENGTH: hex(p.length), GUEST_RIP: hex(p.at),
        ...(x.qualification !== undefined ? { EXIT_QUALIFICATION: hex(x.qualification) } : {}),
      })],
    });
    if (x.noClearCase) continue;
    out.push({
      id: `exitgen.control.${x.name}.clear`,
      title: `With ${x.control} = 0, ${p.disassembly[p.disassembly.length - 2]} executes without a VM exit and the guest reaches the VMCALL`,
      sdm: [x.sdm[0], ...x.sdm.slice(1), 'C'],
      tags: ['vm-exit', 'control', 'generated'],
      ...(also.length ? { requires: also.map((control) => ({ control })) } : {}),
      setup: controlSetup(also, [x.control]),
      guest,
      steps: [vmExit('VMCALL', { GUEST_RIP: hex(p.vmcallAt) })],
    });
  }
  return out;
}

/** Secondary-control enables whose 0-setting makes the instruction #UD (SDM 25.6.2, 26.3): RDTSCP, INVPCID. */
function enableCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  const ud = '0x80000306'; // valid, type 3 (hardware exception), vector 6 (SDM 28.2.2)
  const items = [
    { name: 'rdtscp', enable: 'proc2.ENABLE_RDTSCP' as ControlRef, exiting: 'proc.RDTSC_EXITING' as ControlRef, reason: 'RDTSCP' as const, insn: (a: Assembler) => { a.rdtscp(); } },
    { name: 'invpcid', enable: 'proc2.ENABLE_INVPCID' as ControlRef, exiting: 'proc.INVLPG_EXITING' as ControlRef, reason: 'INVPCID' as const,
      insn: (a: Assembler) => { a.invpcid(rcx, oword(SCRATCH)); }, before: (a: Assembler) => { a.xor(ecx, ecx); } },
  ];
  for (const x of items) {
    const p = program(x.before ?? none, x.insn);
    const guest = { code: p.code, disassembly: p.disassembly };
    out.push({
      id: `exitgen.enable.${x.name}.exiting`,
      title: `With ${x.enable} = 1 and ${x.exiting} = 1, ${x.name.toUpperCase()} exits (reason ${EXIT_REASON[x.reason]})`,
      sdm: ['25.6.2', '26.1.3', '28.2.5', 'C'],
      tags: ['vm-exit', 'control', 'generated'],
      requires: [SECONDARY, x.enable, x.exiting].map((control) => ({ control })),
      setup: controlSetup([SECONDARY, x.enable, x.exiting], []),
      guest,
      steps: [vmExit(x.reason, { VM_EXIT_INSTRUCTION_LENGTH: hex(p.length), GUEST_RIP: hex(p.at) })],
    });
    out.push({
      id: `exitgen.enable.${x.name}.disabled-ud`,
      title: `With ${x.enable} = 0, ${x.name.toUpperCase()} raises #UD, which exits (reason 0) when the exception bitmap selects vector 6`,
      sdm: ['25.6.2', '26.3', '26.2', '28.2.2', 'C'],
      tags: ['vm-exit', 'control', 'exception', 'generated'],
      requires: [{ control: SECONDARY }],
      setup: controlSetup([SECONDARY, x.exiting], [x.enable], { EXCEPTION_BITMAP: '0x40' }),
      guest,
      steps: [vmExit('EXCEPTION_OR_NMI', { VM_EXIT_INTERRUPTION_INFORMATION: ud, GUEST_RIP: hex(p.at) })],
    });
  }
  return out;
}

/**
 * Instructions that exit unconditionally in VMX non-root operation (SDM 26.1.2). INVEPT (50) and
 * INVVPID (53), and VMFUNC with a disabled function (59), are left out until the model implements them
 * (it raises #UD today).
 */
function unconditionalCases(): ConformanceCase[] {
  const items: { name: string; reason: keyof typeof EXIT_REASON; insn: (a: Assembler) => void; before?: (a: Assembler) => void; requires?: ControlRef[] }[] = [
    { name: 'vmcall', reason: 'VMCALL', insn: (a) => a.vmcall() },
    { name: 'vmclear', reason: 'VMCLEAR', insn: (a) => a.vmclear(qword(SCRATCH)) },
    { name: 'vmlaunch', reason: 'VMLAUNCH', insn: (a) => a.vmlaunch() },
    { name: 'vmptrld', reason: 'VMPTRLD', insn: (a) => a.vmptrld(qword(SCRATCH)) },
    { name: 'vmptrst', reason: 'VMPTRST', insn: (a) => a.vmptrst(qword(SCRATCH)) },
    { name: 'vmread', reason: 'VMREAD', insn: (a) => a.vmread(rax, rcx) },
    { name: 'vmresume', reason: 'VMRESUME', insn: (a) => a.vmresume() },
    { name: 'vmwrite', reason: 'VMWRITE', insn: (a) => a.vmwrite(rcx, rax) },
    { name: 'vmxoff', reason: 'VMXOFF', insn: (a) => a.vmxoff() },
    { name: 'vmxon', reason: 'VMXON', insn: (a) => a.vmxon(qword(SCRATCH)) },
    { name: 'cpuid', reason: 'CPUID', before: (a) => { a.xor(eax, eax); }, insn: (a) => a.cpuid() },
    { name: 'invd', reason: 'INVD', insn: (a) => a.invd() },
  ];
  return items.map((x) => {
    const p = program(x.before ?? none, x.insn);
    return {
      id: `exitgen.unconditional.${x.name}`,
      title: `${p.disassembly[p.disassembly.length - 2]} in VMX non-root operation exits unconditionally (reason ${EXIT_REASON[x.reason]}, length ${p.length})`,
      sdm: ['26.1.2', '28.2.5', 'C'],
      tags: ['vm-exit', 'instruction', 'generated'],
      ...(x.requires ? { requires: x.requires.map((control) => ({ control })) } : {}),
      guest: { code: p.code, disassembly: p.disassembly },
      steps: [vmExit(x.reason, { VM_EXIT_INSTRUCTION_LENGTH: hex(p.length), GUEST_RIP: hex(p.at) })],
    } satisfies ConformanceCase;
  });
}

/**
 * Exceptions the guest raises itself, with the bitmap bit set (a VM exit, reason 0, with the interruption
 * information of SDM 28.2.2: vector, type, error-code-valid, valid) and clear (delivery through the
 * guest IDT, whose descriptors are all zero, i.e. not present: #NP, then #DF, then a triple fault, which
 * exits with reason 2; SDM 26.2, Vol. 3A 6.15).
 */
function exceptionCases(): ConformanceCase[] {
  const NONCANONICAL = 0x8000_0000_0000_0000n;
  const UNMAPPED = 0x7F_0000_0000n; // canonical, beyond the baseline's 4 GiB identity map
  const items: { vector: number; name: string; type: number; errorCode?: bigint; qualification?: bigint; softwareLength?: boolean; before?: (a: Assembler) => void; insn: (a: Assembler) => void }[] = [
    { vector: 0, name: 'de', type: 3, before: (a) => { a.xor(ecx, ecx); }, insn: (a) => a.div(ecx) },
    { vector: 1, name: 'db-int1', type: 5, softwareLength: true, insn: (a) => a.int1() },
    { vector: 3, name: 'bp-int3', type: 6, softwareLength: true, insn: (a) => a.int3() },
    { vector: 0, name: 'de-idiv', type: 3, before: (a) => { a.xor(ecx, ecx); }, insn: (a) => a.idiv(ecx) },
    { vector: 0, name: 'de-quotient-overflow', type: 3, before: (a) => { a.mov(edx, 2).mov(ecx, 1); }, insn: (a) => a.div(ecx) },
    { vector: 6, name: 'ud-ud2', type: 3, insn: (a) => a.ud2() },
    { vector: 6, name: 'ud-push-es', type: 3, insn: (a) => a.db(0x06) }, // PUSH ES is invalid in 64-bit mode
    { vector: 6, name: 'ud-into', type: 3, insn: (a) => a.db(0xCE) }, // INTO is invalid in 64-bit mode
    { vector: 13, name: 'gp-noncanonical-write', type: 3, errorCode: 0n, before: (a) => { a.mov(rcx, NONCANONICAL); }, insn: (a) => a.mov(qword(rcx), rax) },
    { vector: 14, name: 'pf-not-present-write', type: 3, errorCode: 2n, qualification: UNMAPPED, before: (a) => { a.mov(rcx, UNMAPPED); }, insn: (a) => a.mov(qword(rcx), rax) },
    { vector: 12, name: 'ss-noncanonical', type: 3, errorCode: 0n, before: (a) => { a.mov(rcx, NONCANONICAL); }, insn: (a) => a.mov(rsp, rcx).push(rax) },
    { vector: 13, name: 'gp-noncanonical', type: 3, errorCode: 0n, before: (a) => { a.mov(rcx, NONCANONICAL); }, insn: (a) => a.mov(rax, qword(rcx)) },
    { vector: 14, name: 'pf-not-present', type: 3, errorCode: 0n, qualification: UNMAPPED, before: (a) => { a.mov(rcx, UNMAPPED); }, insn: (a) => a.mov(rax, qword(rcx)) },
  ];
  const out: ConformanceCase[] = [];
  for (const x of items) {
    // The #SS program's exiting instruction is the PUSH after the MOV RSP (the MOV itself cannot fault).
    const p = program(x.before ?? none, x.insn);
    const faultAt = x.name === 'ss-noncanonical' ? p.at + 3n : p.at;
    const info = (1n << 31n) | (x.errorCode !== undefined ? 1n << 11n : 0n) | (BigInt(x.type) << 8n) | BigInt(x.vector);
    const guest = { code: p.code, disassembly: p.disassembly };
    out.push({
      id: `exitgen.exception.${x.vector}.${x.name}.bitmap-set`,
      title: `Vector ${x.vector} (${x.name}) raised by the guest exits (reason 0) when exception-bitmap bit ${x.vector} is 1`,
      sdm: ['25.6.3', '26.2', '28.2.2', 'C'],
      tags: ['vm-exit', 'exception', 'generated'],
      setup: { fields: { EXCEPTION_BITMAP: hex(1n << BigInt(x.vector)) } },
      guest,
      steps: [vmExit('EXCEPTION_OR_NMI', {
        VM_EXIT_INTERRUPTION_INFORMATION: hex(info), GUEST_RIP: hex(faultAt),
        ...(x.errorCode !== undefined ? { VM_EXIT_INTERRUPTION_ERROR_CODE: hex(x.errorCode) } : {}),
        ...(x.qualification !== undefined ? { EXIT_QUALIFICATION: hex(x.qualification) } : {}),
        ...(x.softwareLength ? { VM_EXIT_INSTRUCTION_LENGTH: hex(p.length) } : {}),
      })],
    });
    out.push({
      id: `exitgen.exception.${x.vector}.${x.name}.bitmap-clear`,
      title: `Vector ${x.vector} (${x.name}) with its exception-bitmap bit 0 is delivered through the guest IDT (all descriptors not present), ending in a triple fault (reason 2)`,
      sdm: ['25.6.3', '26.2', 'C'],
      tags: ['vm-exit', 'exception', 'generated'],
      setup: { fields: { EXCEPTION_BITMAP: '0x0' } },
      guest,
      steps: [vmExit('TRIPLE_FAULT', {})],
    });
  }
  return out;
}

/**
 * The CR0/CR4 guest/host masks bit by bit (SDM 26.1.3, 26.3): MOV to CR with a mask bit set exits
 * (reason 28, qualification: CR number, MOV to CR, RAX) when the source differs from the read shadow in
 * that bit; reading CR returns the shadow's bit, so writing back what was read does not exit, and the
 * host-owned bit is left unmodified.
 */
function crMaskCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  for (const [n, reg] of [[0, cr0], [4, cr4]] as const) {
    for (let bit = 0; bit < 64; bit++) {
      const mask = `CR${n}_GUEST_HOST_MASK`;
      const flip = program((a) => { a.mov(rax, reg).btc(rax, bit); }, (a) => a.mov(reg, rax));
      const same = program((a) => { a.mov(rax, reg); }, (a) => a.mov(reg, rax));
      // Bits 63:32 are reserved in CR0 and CR4; whether their #GP or the VM exit comes first is left
      // out here (the model raises #GP), so only the 'matches' case covers them.
      if (bit < 32) out.push({
        id: `exitgen.cr${n}-mask.bit${bit}.differs`,
        title: `With CR${n} guest/host mask bit ${bit} set, MOV to CR${n} of a value whose bit ${bit} differs from the read shadow exits (reason 28)`,
        sdm: ['25.6.6', '26.1.3', '28.2.1', 'C'],
        tags: ['vm-exit', 'cr-access', 'generated'],
        setup: { fields: { [mask]: hex(1n << BigInt(bit)) } },
        guest: { code: flip.code, disassembly: flip.disassembly },
        steps: [vmExit('CR_ACCESS', { EXIT_QUALIFICATION: hex(crQual(n, false)), VM_EXIT_INSTRUCTION_LENGTH: hex(flip.length), GUEST_RIP: hex(flip.at) })],
      });
      out.push({
        id: `exitgen.cr${n}-mask.bit${bit}.matches`,
        title: `With CR${n} guest/host mask bit ${bit} set, writing back the value MOV from CR${n} returned (bit ${bit} from the read shadow) does not exit`,
        sdm: ['25.6.6', '26.1.3', '26.3', 'C'],
        tags: ['vm-exit', 'cr-access', 'generated'],
        setup: { fields: { [mask]: hex(1n << BigInt(bit)) } },
        guest: { code: same.code, disassembly: same.disassembly },
        steps: [vmExit('VMCALL', { GUEST_RIP: hex(same.vmcallAt) })],
      });
    }
  }
  return out;
}

export { program, hex, crQual, vmExit, controlSetup, SECONDARY, GUEST_RIP, type Program };

export function exitCases(): ConformanceCase[] {
  return [...controlCases(), ...enableCases(), ...unconditionalCases(), ...exceptionCases(), ...crMaskCases()];
}
