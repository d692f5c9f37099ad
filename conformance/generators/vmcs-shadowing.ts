// VMCS shadowing cases (SDM 25.10, 25.6.15, 26.1.3; 31.3 VMREAD and VMWRITE): for one field of each
// class (width x type, and the high access of a 64-bit field), a guest VMREAD and VMWRITE whose bitmap bit
// is 0 (the access goes to the shadow VMCS the link pointer references) and whose bitmap bit is 1 (a VM
// exit, reason 23/25, with its instruction information); then the encoding's bits 63:15, the control at 0,
// an invalid link pointer, an unsupported component, and VM entry with a shadow VMCS current.
// Expected values come from the SDM's rules: the width rules of 25.11.2 applied to the written value,
// instruction information per Table 28-13, RFLAGS per the conventions of 31.2.
import { type Assembler, edx, qword, rax, rdx, rsp } from '../asm/index.js';
import {
  type ConformanceCase, type ControlRef, type EntryOutcome, EXIT_REASON, VMCS_FIELD, VMCS_FIELDS, type VmcsFieldInfo, VM_INSTRUCTION_ERROR,
} from '../../model/generated/index.js';
import { BASELINE_MEMORY } from '../baseline.js';
import { type Program, hex, program } from './exits.js';
import { host, pointer } from './vm-instruction-errors.js';
import { undefinedInformationBits } from '../instruction-information.js';

/** Physical memory of the cases: the shadow VMCS region and the two bitmaps (4 KiB aligned, free in the baseline). */
const SHADOW = 0x5_0000, VMREAD_BITMAP = 0x5_1000, VMWRITE_BITMAP = 0x5_2000;
const SCRATCH = 0x5000;
const MASK32 = 0xFFFF_FFFFn, MASK64 = (1n << 64n) - 1n;
/** The value the cases write: every byte different, bit 63 and bit 31 set. */
const VALUE = 0xFEDC_BA98_8765_4321n;
/** RFLAGS after VMsucceed, VMfailInvalid (CF) and VMfailValid (ZF) in a guest whose RFLAGS was 2 (SDM 31.2). */
const RFLAGS_SUCCEED = 0x2n, RFLAGS_FAIL_INVALID = 0x3n, RFLAGS_FAIL_VALID = 0x42n;

type Setup = NonNullable<ConformanceCase['setup']>;

const SHADOWING: readonly ControlRef[] = ['proc.ACTIVATE_SECONDARY_CONTROLS', 'proc2.VMCS_SHADOWING'];
const MISC29 = { msr: 'IA32_VMX_MISC', field: 'vmwriteAnyField' } as const;

/** "VMCS shadowing" on, the link pointer at a shadow VMCS region, both bitmaps at zeroed pages plus `bits`. */
function shadowingSetup(bitmapBits: readonly { bitmap: number; encoding: number }[] = [], link: bigint = BigInt(SHADOW)): Setup {
  return {
    controls: { set: [...SHADOWING] },
    fields: { VMCS_LINK_POINTER: hex(link), VMREAD_BITMAP_ADDRESS: hex(VMREAD_BITMAP), VMWRITE_BITMAP_ADDRESS: hex(VMWRITE_BITMAP) },
    memory: [
      { address: hex(SHADOW), revisionId: 'shadow' },
      // Bit n of a bitmap (n = encoding bits 14:0) is bit n mod 8 of byte n / 8 (SDM 25.6.15).
      ...bitmapBits.map((b) => ({ address: hex(b.bitmap + (b.encoding >>> 3)), bytes: (1 << (b.encoding & 7)).toString(16).padStart(2, '0').toUpperCase() })),
    ],
  };
}

/**
 * One field of each width and type (Appendix B order): one every processor has, else one that exists with a
 * single capability (which the case then requires); 64-bit ones also by their high access.
 */
interface FieldClass { readonly name: string; readonly field: VmcsFieldInfo; readonly encoding: number; readonly high: boolean }

function fieldClasses(): FieldClass[] {
  const out: FieldClass[] = [];
  for (const width of ['16', '32', '64', 'natural'] as const) {
    for (const type of ['control', 'exit-information', 'guest-state', 'host-state'] as const) {
      const of = VMCS_FIELDS.filter((x) => x.width === width && x.type === type && x.id !== 'VMCS_LINK_POINTER');
      const f = of.find((x) => x.existsWhen.length === 0) ?? of.find((x) => x.existsWhen.length === 1);
      if (!f) continue;
      out.push({ name: `${width}-bit.${type}`.replace('natural-bit', 'natural'), field: f, encoding: f.encoding, high: false });
      if (width === '64') out.push({ name: `64-bit.${type}.high`, field: f, encoding: f.encoding + 1, high: true });
    }
  }
  return out;
}

/** A field's value after VMWRITE of `source` in 64-bit mode, read back by the same encoding (SDM 25.11.2). */
function readBack(c: FieldClass, source: bigint): bigint {
  if (c.high) return source & MASK32; // the high access writes bits 63:32 from bits 31:0 and reads them back
  switch (c.field.width) {
    case '16': return source & 0xFFFFn;
    case '32': return source & MASK32;
    default: return source & MASK64;
  }
}

/** Table 28-13, register forms: Reg1 (the r/m operand) in bits 6:3, bit 10 = 1, Reg2 (the encoding register) in bits 31:28. */
function registerInformation(reg1: number, reg2: number): bigint {
  return BigInt(((reg1 << 3) | (1 << 10) | (reg2 << 28)) >>> 0);
}
const RAX = 0, RDX = 2;

/** The host initializes the shadow VMCS region with VMCLEAR, as software must before first use (25.11.3). */
function clearShadow(): ConformanceCase['steps'][number] {
  return host((a) => { pointer(a, SHADOW); a.vmclear(qword(SCRATCH)); }, { kind: 'vmsucceed' });
}

/**
 * The host initializes the shadow VMCS (VMCLEAR, 25.11.3), makes it current, writes `value` to a field,
 * and makes the ordinary VMCS current again.
 */
function preload(encoding: number, value: bigint): ConformanceCase['steps'][number] {
  return host((a) => {
    pointer(a, SHADOW); a.vmclear(qword(SCRATCH)); a.vmptrld(qword(SCRATCH));
    a.mov(edx, encoding).mov(rax, value).vmwrite(rdx, rax);
    pointer(a, BASELINE_MEMORY.vmcsRegion); a.vmptrld(qword(SCRATCH));
  }, { kind: 'vmsucceed' });
}

/** The host makes the shadow VMCS current (to VMREAD what the guest wrote). */
function loadShadow(): ConformanceCase['steps'][number] {
  return host((a) => { pointer(a, SHADOW); a.vmptrld(qword(SCRATCH)); }, { kind: 'vmsucceed' });
}

const SDM_ACCESS: ConformanceCase['sdm'] = ['25.10', '25.6.15', '31.3', '25.11.2'];
const SDM_EXIT: ConformanceCase['sdm'] = ['25.6.15', '26.1.3', '28.2.5', 'C'];

function classCases(c: FieldClass): ConformanceCase[] {
  const tags = ['vmcs-shadowing', 'generated'];
  // The field must exist (its one condition) and, for a VM-exit information field, be writable (A.6).
  const exists = [{ control: 'proc2.VMCS_SHADOWING' as ControlRef }, ...c.field.existsWhen];
  const writable = { requires: c.field.readOnly ? [...exists, MISC29] : exists };
  const read = (a: Assembler): void => { a.mov(edx, c.encoding); };
  const vmreadToRsp = program(read, (a) => { a.vmread(rsp, rdx); });
  const vmwrite = program((a) => { read(a); a.mov(rax, VALUE); }, (a) => { a.vmwrite(rdx, rax); });
  const vmreadRax = program(read, (a) => { a.vmread(rax, rdx); });
  // Bitmap bit 1: a VM exit with the instruction's RIP, length and information (register form: Reg1 RAX, Reg2 RDX).
  const bitmapExit = (write: boolean, p: Program): ConformanceCase => {
    const reason = write ? EXIT_REASON.VMWRITE : EXIT_REASON.VMREAD;
    const info = registerInformation(RAX, RDX);
    // Bits the SDM leaves undefined for the register form (28.2.5) are not compared.
    const undefinedBits = undefinedInformationBits(reason, Number(info), { mode64: true, instructions: p.disassembly });
    return {
      id: `shadowing.${write ? 'vmwrite' : 'vmread'}.${c.name}.bitmap-exit`,
      title: `With VMCS shadowing and ${write ? 'VMWRITE' : 'VMREAD'}-bitmap bit ${hex(c.encoding)} = 1, a guest ${write ? 'VMWRITE' : 'VMREAD'} of ${c.field.id}${c.high ? ' (high)' : ''} exits (reason ${write ? 25 : 23})`,
      sdm: SDM_EXIT, tags, requires: exists,
      setup: shadowingSetup([{ bitmap: write ? VMWRITE_BITMAP : VMREAD_BITMAP, encoding: c.encoding }]),
      guest: { code: p.code, disassembly: p.disassembly },
      steps: [{
        op: 'vmlaunch',
        expect: {
          kind: 'vm-exit', exitReason: reason,
          fields: { GUEST_RIP: hex(p.at), VM_EXIT_INSTRUCTION_LENGTH: hex(p.length), VM_EXIT_INSTRUCTION_INFORMATION: hex(info) },
          ignoreBits: { VM_EXIT_INSTRUCTION_INFORMATION: hex(undefinedBits) },
        },
      }],
    };
  };
  const vmcallExit = (fields: Record<string, string>) => ({ kind: 'vm-exit' as const, exitReason: EXIT_REASON.VMCALL, fields });
  // The VMREAD case reads what the host wrote through the full encoding; for a high access, bits 63:32 of it.
  const readValue = c.high ? (VALUE >> 32n) & MASK32 : readBack(c, VALUE);
  // Bitmap bit 0: the access goes to the shadow VMCS.
  const shadowed = (write: boolean, p: Program, steps: ConformanceCase['steps']): ConformanceCase => ({
    id: `shadowing.${write ? 'vmwrite' : 'vmread'}.${c.name}.shadowed`,
    title: `With VMCS shadowing and ${write ? 'VMWRITE' : 'VMREAD'}-bitmap bit ${hex(c.encoding)} = 0, a guest ${write ? 'VMWRITE' : 'VMREAD'} of ${c.field.id}${c.high ? ' (high)' : ''} ${write ? 'writes' : 'reads'} the shadow VMCS`,
    sdm: SDM_ACCESS, tags, ...writable, setup: shadowingSetup(), guest: { code: p.code, disassembly: p.disassembly }, steps,
  });
  return [
    shadowed(false, vmreadToRsp, [
      preload(c.field.encoding, VALUE),
      { op: 'vmlaunch', expect: vmcallExit({ GUEST_RSP: hex(readValue), GUEST_RFLAGS: hex(RFLAGS_SUCCEED), GUEST_RIP: hex(vmreadToRsp.vmcallAt) }) },
    ]),
    shadowed(true, vmwrite, [
      clearShadow(),
      { op: 'vmlaunch', expect: vmcallExit({ GUEST_RFLAGS: hex(RFLAGS_SUCCEED), GUEST_RIP: hex(vmwrite.vmcallAt) }) },
      loadShadow(),
      { op: 'vmread', encoding: hex(c.encoding), mode: '64-bit', expect: { kind: 'vmsucceed', value: hex(readBack(c, VALUE)) } },
    ]),
    bitmapExit(false, vmreadRax),
    bitmapExit(true, vmwrite),
  ];
}

/** A guest VMREAD or VMWRITE of a field-encoding operand under one configuration, and what the SDM says follows. */
interface Variant {
  readonly name: string;
  readonly title: (insn: string) => string;
  readonly sdm: ConformanceCase['sdm'];
  readonly setup: Setup;
  /** Loads the encoding operand into RDX. */
  readonly encoding: (a: Assembler) => void;
  readonly expect: (p: Program, write: boolean) => EntryOutcome;
}

/** The cases that do not depend on a field class. */
function otherCases(): ConformanceCase[] {
  const tags = ['vmcs-shadowing', 'generated'];
  const requires = [{ control: 'proc2.VMCS_SHADOWING' as ControlRef }];
  const enc = VMCS_FIELD.GUEST_RIP;
  const UNSUPPORTED = 0x7FFE; // natural-width host-state index 511: no field of Appendix B, nor a model extension
  const exits = (p: Program, write: boolean) => ({ kind: 'vm-exit' as const, exitReason: write ? EXIT_REASON.VMWRITE : EXIT_REASON.VMREAD, fields: { GUEST_RIP: hex(p.at) } });
  const reachesVmcall = (rflags: bigint) => (p: Program) => ({ kind: 'vm-exit' as const, exitReason: EXIT_REASON.VMCALL, fields: { GUEST_RFLAGS: hex(rflags), GUEST_RIP: hex(p.vmcallAt) } });
  const variants: Variant[] = [
    // Bits 63:15 of the encoding operand: a VM exit whatever the bitmap says (31.3 VMREAD/VMWRITE).
    ...([['bit-15', BigInt(enc | 0x8000)], ['bit-32', (1n << 32n) | BigInt(enc)]] as const).map(([name, operand]): Variant => ({
      name: `encoding-${name}-exits`, sdm: ['26.1.3', '31.3'], setup: shadowingSetup(),
      title: (insn) => `With VMCS shadowing and zeroed bitmaps, a guest ${insn} whose encoding operand sets ${name.replace('-', ' ')} exits`,
      encoding: (a) => { a.mov(rdx, operand); }, expect: exits,
    })),
    // "VMCS shadowing" 0: VMREAD and VMWRITE exit in non-root operation even with zeroed bitmaps (26.1.3).
    {
      name: 'control-off-exits', sdm: ['26.1.3', '31.3'],
      setup: { controls: { set: ['proc.ACTIVATE_SECONDARY_CONTROLS'] }, fields: { VMREAD_BITMAP_ADDRESS: hex(VMREAD_BITMAP), VMWRITE_BITMAP_ADDRESS: hex(VMWRITE_BITMAP) } },
      title: (insn) => `With "VMCS shadowing" = 0, a guest ${insn} exits although the bitmaps are zero`,
      encoding: (a) => { a.mov(edx, enc); }, expect: exits,
    },
    // A link pointer of FFFFFFFF_FFFFFFFFh with shadowing on passes VM entry (27.3.1.5 applies to other
    // values); a shadowed VMREAD/VMWRITE then fails with VMfailInvalid (31.3): CF = 1.
    {
      name: 'link-pointer-invalid', sdm: ['31.3', '31.2', '27.3.1.5'], setup: shadowingSetup([], MASK64),
      title: (insn) => `With VMCS shadowing and a link pointer of FFFFFFFF_FFFFFFFFh, a shadowed guest ${insn} fails with VMfailInvalid`,
      encoding: (a) => { a.mov(edx, enc); }, expect: reachesVmcall(RFLAGS_FAIL_INVALID),
    },
    // An encoding (bits 14:0) that names no field, with its bitmap bit 0: VMfailValid(12) (31.3): ZF = 1.
    {
      name: 'unsupported-component', sdm: ['31.3', '31.2', '31.4'], setup: shadowingSetup(),
      title: (insn) => `A shadowed guest ${insn} of encoding ${hex(UNSUPPORTED)}, which names no field, fails with VMfailValid (error ${VM_INSTRUCTION_ERROR.VMREAD_VMWRITE_UNSUPPORTED_COMPONENT})`,
      encoding: (a) => { a.mov(edx, UNSUPPORTED); }, expect: reachesVmcall(RFLAGS_FAIL_VALID),
    },
  ];
  const cases: ConformanceCase[] = variants.flatMap((v) => [false, true].map((write): ConformanceCase => {
    const p = program((a) => { v.encoding(a); if (write) a.mov(rax, VALUE); }, (a) => { if (write) a.vmwrite(rdx, rax); else a.vmread(rax, rdx); });
    const insn = write ? 'VMWRITE' : 'VMREAD';
    return {
      id: `shadowing.${insn.toLowerCase()}.${v.name}`, title: v.title(insn), sdm: v.sdm, tags, requires, setup: v.setup,
      guest: { code: p.code, disassembly: p.disassembly },
      steps: [clearShadow(), { op: 'vmlaunch', expect: v.expect(p, write) }],
    };
  }));
  const shadowRegion: Setup = { memory: [{ address: hex(SHADOW), revisionId: 'shadow' }] };
  // VM entry with a shadow VMCS current fails with VMfailInvalid (25.10, 27.1).
  cases.push({
    id: 'shadowing.vmlaunch.shadow-vmcs-current',
    title: 'VMLAUNCH with a shadow VMCS current fails with VMfailInvalid',
    sdm: ['25.10', '27.1'], tags, requires, setup: shadowRegion,
    steps: [host((a) => { pointer(a, SHADOW); a.vmclear(qword(SCRATCH)); a.vmptrld(qword(SCRATCH)); a.vmlaunch(); }, { kind: 'vmfail-invalid' })],
  });
  // VMPTRLD of a region with the shadow-VMCS indicator: allowed only with the 1-setting of "VMCS shadowing"
  // (25.10), otherwise VMfailValid(11) as for an incorrect revision identifier (31.3 VMPTRLD).
  cases.push({
    id: 'shadowing.vmptrld.shadow-vmcs',
    title: 'VMPTRLD of a shadow VMCS succeeds on a processor that supports VMCS shadowing',
    sdm: ['25.10', '31.3'], tags, requires, setup: shadowRegion,
    steps: [host((a) => { pointer(a, SHADOW); a.vmclear(qword(SCRATCH)); a.vmptrld(qword(SCRATCH)); }, { kind: 'vmsucceed' })],
  }, {
    id: 'shadowing.vmptrld.shadow-vmcs-unsupported',
    title: 'VMPTRLD of a shadow VMCS fails with VMfailValid(11) on a processor without VMCS shadowing',
    sdm: ['25.10', '31.3', '31.4'], tags, excludes: requires, setup: shadowRegion,
    steps: [host((a) => { pointer(a, SHADOW); a.vmptrld(qword(SCRATCH)); }, { kind: 'vmfail-valid', error: VM_INSTRUCTION_ERROR.VMPTRLD_INCORRECT_REVISION_ID })],
  });
  return cases;
}

export function vmcsShadowingCases(): ConformanceCase[] {
  return [...fieldClasses().flatMap(classCases), ...otherCases()];
}
