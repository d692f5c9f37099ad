// Generated cases for the EPT and VPID instructions and the EPT features beyond the walk: INVEPT and INVVPID
// (SDM 31.3) in VMX root operation with every type and every VMfail condition, and their VM exits in VMX
// non-root operation (26.1.2, 28.2.1, 28.2.5); VMFUNC leaf 0, EPTP switching (26.5.6); mode-based execute
// control for EPT (29.3.3.2). Expected outcomes follow the SDM's pseudocode and IA32_VMX_EPT_VPID_CAP as the
// case's `requires`/`excludes` state it, never the model.
import { type Assembler, Assembler as AsmClass, cr3, dword, eax, ecx, mem, oword, qword, rax, rbx, rcx } from '../asm/index.js';
import type { CaseOutcome, Condition, ConformanceCase, ControlRef } from '../../model/generated/index.js';
import { BASELINE_MEMORY } from '../baseline.js';
import { EPT_LEAF, eptEntryAddress, eptPointer } from '../harness/ept.js';
import { hex, program } from './exits.js';
import { host } from './vm-instruction-errors.js';
import { undefinedInformationBits } from '../instruction-information.js';

type Step = ConformanceCase['steps'][number];

const CAP = 'IA32_VMX_EPT_VPID_CAP';
const cap = (field: string): Condition => ({ msr: CAP, field });
/** The INVEPT/INVVPID descriptor (16 bytes) the host programs use. */
const DESCRIPTOR = 0x7000;
const EPT_ON: ControlRef[] = ['proc.ACTIVATE_SECONDARY_CONTROLS', 'proc2.ENABLE_EPT'];
/** A valid 4-level WB EPTP (SDM 25.6.11) for the harness's identity map. */
const EPTP = eptPointer({});
const MAXPHYADDR = 46;
const error28: CaseOutcome = { kind: 'vmfail-valid', error: 28 };
const succeed: CaseOutcome = { kind: 'vmsucceed' };

function le64(v: bigint): string {
  let out = '';
  for (let i = 0n; i < 8n; i++) out += ((v >> (8n * i)) & 0xFFn).toString(16).toUpperCase().padStart(2, '0');
  return out;
}

function descriptor(lo: bigint, hi: bigint): NonNullable<NonNullable<ConformanceCase['setup']>['memory']> {
  return [{ address: hex(DESCRIPTOR), bytes: le64(lo) + le64(hi) }];
}

function hostCase(id: string, title: string, sdm: [string, ...string[]], requires: Condition[], lo: bigint, hi: bigint, steps: [Step, ...Step[]], excludes: Condition[] = []): ConformanceCase {
  return {
    id, title, sdm, tags: ['ept', 'vmx-instruction', 'generated'],
    ...(requires.length ? { requires } : {}), ...(excludes.length ? { excludes } : {}),
    setup: { memory: descriptor(lo, hi) },
    steps,
  };
}

/** `mov rax, type; INVEPT/INVVPID rax, [DESCRIPTOR]; hlt`. */
function inv(which: 'invept' | 'invvpid', type: bigint, expect: CaseOutcome): Step {
  return host((a) => { a.mov(rax, type); if (which === 'invept') a.invept(rax, oword(DESCRIPTOR)); else a.invvpid(rax, oword(DESCRIPTOR)); }, expect);
}

// ---- INVEPT in VMX root operation (SDM 31.3 INVEPT)

function inveptCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  const req = [cap('invept')];
  // Types: 1 single-context (IA32_VMX_EPT_VPID_CAP[25]), 2 all-context ([26]); anything else fails.
  out.push(hostCase('ept.invept.single-context', 'INVEPT single-context with a valid EPTP succeeds', ['31.3'], [...req, cap('inveptSingleContext')], EPTP, 0n, [inv('invept', 1n, succeed)]));
  out.push(hostCase('ept.invept.all-context', 'INVEPT all-context succeeds whatever the descriptor holds', ['31.3'], [...req, cap('inveptAllContext')], 0xFFFF_FFFF_FFFF_FFFFn, 0xFFFF_FFFF_FFFF_FFFFn, [inv('invept', 2n, succeed)]));
  for (const type of [0n, 3n, 4n, 7n, 0xFFn, 0x1_0000_0001n, 0x8000_0000_0000_0002n]) {
    out.push(hostCase(`ept.invept.type-${type.toString(16)}`, `INVEPT with type ${hex(type)} (not a type IA32_VMX_EPT_VPID_CAP can report) fails with VMfailValid(28)`,
      ['31.3', '31.4'], req, EPTP, 0n, [inv('invept', type, error28)]));
  }
  // Single-context with an EPTP VM entry would reject (27.2.1.1).
  const bad: { name: string; eptp: bigint; requires?: Condition[]; excludes?: Condition[] }[] = [
    ...[1, 2, 3, 4, 5, 7].map((t) => ({ name: `memory-type-${t}`, eptp: (EPTP & ~7n) | BigInt(t) })),
    ...[0, 1, 2, 5, 6, 7].map((l) => ({ name: `walk-length-${l + 1}`, eptp: (EPTP & ~0x38n) | (BigInt(l) << 3n) })),
    { name: 'walk-length-5-unsupported', eptp: (EPTP & ~0x38n) | (4n << 3n), excludes: [cap('pageWalkLength5')] },
    { name: 'supervisor-shadow-stack-unsupported', eptp: EPTP | 0x80n, excludes: [cap('supervisorShadowStackControl')] },
    { name: 'accessed-dirty-unsupported', eptp: EPTP | 0x40n, excludes: [cap('accessedDirtyFlags')] },
    ...[8, 9, 10, 11].map((b) => ({ name: `reserved-bit-${b}`, eptp: EPTP | (1n << BigInt(b)) })),
    ...Array.from({ length: 64 - MAXPHYADDR }, (_, i) => MAXPHYADDR + i).map((b) => ({ name: `bit-${b}-beyond-maxphyaddr`, eptp: EPTP | (1n << BigInt(b)) })),
  ];
  for (const b of bad) {
    out.push(hostCase(`ept.invept.single-context.invalid-eptp.${b.name}`, `INVEPT single-context with an EPTP that VM entry would reject (${b.name}) fails with VMfailValid(28)`,
      ['31.3', '31.4', '27.2.1.1'], [...req, cap('inveptSingleContext'), ...(b.requires ?? [])], b.eptp, 0n, [inv('invept', 1n, error28)], b.excludes ?? []));
  }
  const good: { name: string; eptp: bigint; requires: Condition[] }[] = [
    { name: 'memory-type-uc', eptp: EPTP & ~7n, requires: [cap('memoryTypeUc')] },
    { name: 'accessed-dirty', eptp: EPTP | 0x40n, requires: [cap('accessedDirtyFlags')] },
    { name: 'walk-length-5', eptp: (EPTP & ~0x38n) | (4n << 3n), requires: [cap('pageWalkLength5')] },
    { name: 'high-descriptor-bits', eptp: EPTP, requires: [] },
  ];
  for (const g of good) {
    out.push(hostCase(`ept.invept.single-context.valid-eptp.${g.name}`, `INVEPT single-context with a valid EPTP (${g.name}) succeeds`,
      ['31.3', '27.2.1.1'], [...req, cap('inveptSingleContext'), ...g.requires], g.eptp, g.name === 'high-descriptor-bits' ? 0xFFFF_FFFF_FFFF_FFFFn : 0n, [inv('invept', 1n, succeed)]));
  }
  // VMfail without a current VMCS is VMfailInvalid (31.2).
  out.push({
    id: 'ept.invept.no-current-vmcs', title: 'INVEPT with an invalid type and no current VMCS fails with VMfailInvalid', sdm: ['31.2', '31.3'],
    tags: ['ept', 'vmx-instruction', 'generated'], requires: req, setup: { memory: descriptor(EPTP, 0n) },
    steps: [host((a) => {
      a.mov(rax, BigInt(BASELINE_MEMORY.vmcsRegion)).mov(qword(DESCRIPTOR + 0x100), rax).vmclear(qword(DESCRIPTOR + 0x100));
      a.xor(eax, eax).invept(rax, oword(DESCRIPTOR));
    }, { kind: 'vmfail-invalid' })],
  });
  return out;
}

// ---- INVVPID in VMX root operation (SDM 31.3 INVVPID)

function invvpidCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  const req = [cap('invvpid')];
  const types = [
    { type: 0n, name: 'individual-address', field: 'invvpidIndividualAddress' },
    { type: 1n, name: 'single-context', field: 'invvpidSingleContext' },
    { type: 2n, name: 'all-context', field: 'invvpidAllContext' },
    { type: 3n, name: 'single-context-retaining-globals', field: 'invvpidSingleContextRetainingGlobals' },
  ];
  const CANONICAL = 0xFFFF_8000_0000_1000n, NON_CANONICAL = 0x0000_8000_0000_1000n;
  for (const t of types) {
    const r = [...req, cap(t.field)];
    out.push(hostCase(`ept.invvpid.${t.name}.vpid-1`, `INVVPID ${t.name} for VPID 1 succeeds`, ['31.3'], r, 1n, CANONICAL, [inv('invvpid', t.type, succeed)]));
    out.push(hostCase(`ept.invvpid.${t.name}.vpid-ffff`, `INVVPID ${t.name} for VPID FFFFh succeeds`, ['31.3'], r, 0xFFFFn, CANONICAL, [inv('invvpid', t.type, succeed)]));
    // VPID 0 is invalid except for all-context.
    out.push(hostCase(`ept.invvpid.${t.name}.vpid-0`, t.type === 2n ? 'INVVPID all-context ignores the VPID field: VPID 0 succeeds' : `INVVPID ${t.name} for VPID 0 fails with VMfailValid(28)`,
      ['31.3', '31.4'], r, 0n, CANONICAL, [inv('invvpid', t.type, t.type === 2n ? succeed : error28)]));
    for (const bit of [16, 31, 32, 47, 63]) {
      out.push(hostCase(`ept.invvpid.${t.name}.reserved-bit-${bit}`, `INVVPID ${t.name} with descriptor bit ${bit} (of reserved bits 63:16) set fails with VMfailValid(28)`,
        ['31.3', '31.4'], r, 1n | (1n << BigInt(bit)), CANONICAL, [inv('invvpid', t.type, error28)]));
    }
    // Only individual-address looks at the linear address, which must be canonical (4-level paging in the host).
    out.push(hostCase(`ept.invvpid.${t.name}.non-canonical-address`, t.type === 0n ? 'INVVPID individual-address with a non-canonical linear address fails with VMfailValid(28)' : `INVVPID ${t.name} ignores the linear address: a non-canonical one succeeds`,
      ['31.3', '31.4'], r, 1n, NON_CANONICAL, [inv('invvpid', t.type, t.type === 0n ? error28 : succeed)]));
  }
  for (const type of [4n, 5n, 0xFFn, 0x1_0000_0000n]) {
    out.push(hostCase(`ept.invvpid.type-${type.toString(16)}`, `INVVPID with type ${hex(type)} fails with VMfailValid(28)`, ['31.3', '31.4'], req, 1n, CANONICAL, [inv('invvpid', type, error28)]));
  }
  return out;
}

// ---- INVEPT and INVVPID in VMX non-root operation exit unconditionally (26.1.2) with the displacement as
// exit qualification (28.2.1) and the instruction information of Table 28-10 (28.2.5).

/** Instruction information for a memory operand (SDM 28.2.5, Table 28-10): 64-bit address size, DS, base/index, Reg2. */
function information(base: number | undefined, reg2: number): number {
  const addressSize = 2 << 7, segmentDs = 3 << 15, noIndex = 1 << 22;
  const baseBits = base === undefined ? 1 << 27 : base << 23;
  return (addressSize | segmentDs | noIndex | baseBits | (reg2 << 28)) >>> 0;
}

function guestExitCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  const forms: { name: string; insn: (a: Assembler) => void; reason: number; info: number; qual: bigint; cap: string }[] = [
    { name: 'invept.rax-disp32', insn: (a) => a.invept(rax, oword(DESCRIPTOR)), reason: 50, info: information(undefined, 0), qual: BigInt(DESCRIPTOR), cap: 'invept' },
    { name: 'invept.rcx-rbx-disp8', insn: (a) => a.invept(rcx, oword(mem({ base: rbx, disp: 8 }))), reason: 50, info: information(3, 1), qual: 8n, cap: 'invept' },
    { name: 'invept.rbx-rax', insn: (a) => a.invept(rbx, oword(mem({ base: rax }))), reason: 50, info: information(0, 3), qual: 0n, cap: 'invept' },
    { name: 'invvpid.rax-disp32', insn: (a) => a.invvpid(rax, oword(DESCRIPTOR)), reason: 53, info: information(undefined, 0), qual: BigInt(DESCRIPTOR), cap: 'invvpid' },
    { name: 'invvpid.rcx-rbx-disp8', insn: (a) => a.invvpid(rcx, oword(mem({ base: rbx, disp: 8 }))), reason: 53, info: information(3, 1), qual: 8n, cap: 'invvpid' },
    { name: 'invvpid.rbx-rax', insn: (a) => a.invvpid(rbx, oword(mem({ base: rax }))), reason: 53, info: information(0, 3), qual: 0n, cap: 'invvpid' },
  ];
  for (const f of forms) {
    const p = program((a) => { a.mov(eax, DESCRIPTOR).mov(ecx, 1); a.mov(rbx, DESCRIPTOR); }, f.insn);
    out.push({
      id: `ept.${f.name}.in-guest-exits`, title: `${p.disassembly[p.disassembly.length - 2]} in VMX non-root operation is a VM exit (reason ${f.reason}) with its displacement and instruction information`,
      sdm: ['26.1.2', '28.2.1', '28.2.5'], tags: ['ept', 'vm-exit', 'generated'], requires: [cap(f.cap)],
      guest: { code: p.code, disassembly: p.disassembly },
      steps: [{ op: 'vmlaunch', expect: { kind: 'vm-exit', exitReason: f.reason, fields: {
        GUEST_RIP: hex(p.at), VM_EXIT_INSTRUCTION_LENGTH: hex(p.length), EXIT_QUALIFICATION: hex(f.qual), VM_EXIT_INSTRUCTION_INFORMATION: hex(f.info),
      }, ignoreBits: { VM_EXIT_INSTRUCTION_INFORMATION: hex(undefinedInformationBits(f.reason, f.info, { mode64: true, instructions: p.disassembly })) } } }],
    });
  }
  return out;
}

// ---- VMFUNC (SDM 26.5.6)

const EPTP_LIST = 0xB0_2000;
const VMFUNC_REASON = 59;

function vmfuncCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  const base: ControlRef[] = [...EPT_ON, 'proc2.ENABLE_VM_FUNCTIONS'];
  const vmfuncProgram = (leaf: number, index: number) => program((a) => { a.mov(eax, leaf).mov(ecx, index); }, (a) => a.vmfunc());
  const mk = (id: string, title: string, leaf: number, index: number, listEntry: bigint | undefined, controls: bigint, expectExit: boolean, extraControls: ControlRef[] = [], extraReq: Condition[] = [], fieldsAfter: Record<string, string> = {}): ConformanceCase => {
    const p = vmfuncProgram(leaf, index);
    const set = [...base, ...extraControls];
    return {
      id: `ept.vmfunc.${id}`, title, sdm: ['26.5.6.1', '26.5.6.3', '25.6.14'], tags: ['ept', 'vmfunc', 'generated'],
      requires: [...set.map((control) => ({ control })), { control: 'vmfunc.EPTP_SWITCHING' }, ...extraReq],
      setup: {
        fields: { VM_FUNCTION_CONTROLS: hex(controls), EPTP_LIST_ADDRESS: hex(EPTP_LIST), ...(extraControls.includes('proc2.EPT_VIOLATION_VE') ? { VIRTUALIZATION_EXCEPTION_INFORMATION_ADDRESS: hex(0xB0_1000), EPTP_INDEX: hex(0) } : {}) },
        controls: { set },
        ...(listEntry !== undefined ? { memory: [{ address: hex(EPTP_LIST + 8 * (index % 512)), bytes: le64(listEntry) }] } : {}),
        ept: {},
      },
      guest: { code: p.code, disassembly: p.disassembly },
      steps: [{ op: 'vmlaunch', expect: { kind: 'vm-exit', exitReason: expectExit ? VMFUNC_REASON : 18, fields: expectExit
        ? { GUEST_RIP: hex(p.at), VM_EXIT_INSTRUCTION_LENGTH: hex(p.length) }
        : { GUEST_RIP: hex(p.vmcallAt), ...fieldsAfter } } }],
    };
  };
  const AD_EPTP = EPTP | 0x40n;
  for (const index of [0, 1, 7, 255, 511]) {
    out.push(mk(`switch-index-${index}`, `VMFUNC leaf 0 with a valid EPTP at list index ${index} switches EPTP_POINTER and completes (no VM exit)`, 0, index, AD_EPTP, 1n, false, [], [cap('accessedDirtyFlags')], { EPT_POINTER: hex(AD_EPTP) }));
    out.push(mk(`switch-index-${index}.ve-index`, `With "EPT-violation #VE", VMFUNC leaf 0 also writes the list index ${index} to the EPTP-index field`, 0, index, AD_EPTP, 1n, false, ['proc2.EPT_VIOLATION_VE'], [cap('accessedDirtyFlags')], { EPT_POINTER: hex(AD_EPTP), EPTP_INDEX: hex(index) }));
  }
  for (const index of [512, 513, 0x1000, 0xFFFF_FFFF]) {
    out.push(mk(`index-${index.toString(16)}-out-of-range`, `VMFUNC leaf 0 with ECX = ${hex(index)} (not below 512) is a VM exit (reason 59)`, 0, index, undefined, 1n, true));
  }
  const badEptps: { name: string; eptp: bigint; excludes?: Condition[] }[] = [
    ...[1, 2, 3, 4, 5, 7].map((t) => ({ name: `memory-type-${t}`, eptp: (EPTP & ~7n) | BigInt(t) })),
    ...[0, 1, 2, 5, 6, 7].map((l) => ({ name: `walk-length-${l + 1}`, eptp: (EPTP & ~0x38n) | (BigInt(l) << 3n) })),
    ...[8, 11].map((b) => ({ name: `reserved-bit-${b}`, eptp: EPTP | (1n << BigInt(b)) })),
    ...[MAXPHYADDR, 63].map((b) => ({ name: `bit-${b}`, eptp: EPTP | (1n << BigInt(b)) })),
    { name: 'zero', eptp: 0n },
  ];
  for (const b of badEptps) {
    out.push(mk(`invalid-eptp.${b.name}`, `VMFUNC leaf 0 finding an EPTP that VM entry would reject (${b.name}) in the list is a VM exit (reason 59)`, 0, 3, b.eptp, 1n, true));
  }
  for (const leaf of [1, 2, 31, 63, 64, 0xFFFF_FFFF]) {
    out.push(mk(`leaf-${leaf.toString(16)}`, `VMFUNC with EAX = ${hex(leaf)}, not enabled in the VM-function controls, is a VM exit (reason 59)`, leaf, 0, EPTP, 1n, true));
  }
  out.push(mk('leaf-0-disabled', 'VMFUNC leaf 0 with the EPTP-switching VM-function control 0 is a VM exit (reason 59)', 0, 0, EPTP, 0n, true));
  // After switching to an EPTP with accessed/dirty flags on, the guest's accesses set them (29.3.5).
  {
    const p = program((a) => { a.xor(eax, eax).mov(ecx, 1).vmfunc(); }, (a) => a.mov(eax, dword(0x50_0000)));
    const pte = eptEntryAddress(0x50_0000, 'pte');
    out.push({
      id: 'ept.vmfunc.switch-takes-effect', title: 'After VMFUNC switches to an EPTP with accessed/dirty flags on, the next data read sets the accessed flag of its EPT PTE',
      sdm: ['26.5.6.3', '29.3.5'], tags: ['ept', 'vmfunc', 'generated'],
      requires: [...base.map((control) => ({ control })), { control: 'vmfunc.EPTP_SWITCHING' }, cap('accessedDirtyFlags')],
      setup: { fields: { VM_FUNCTION_CONTROLS: hex(1), EPTP_LIST_ADDRESS: hex(EPTP_LIST) }, controls: { set: base }, memory: [{ address: hex(EPTP_LIST + 8), bytes: le64(AD_EPTP) }], ept: {} },
      guest: { code: p.code, disassembly: p.disassembly },
      steps: [{ op: 'vmlaunch', expect: { kind: 'vm-exit', exitReason: 18, fields: { GUEST_RIP: hex(p.vmcallAt), EPT_POINTER: hex(AD_EPTP) }, memory: [{ address: hex(pte), bytes: le64(0x50_0000n | EPT_LEAF | 0x100n) }] } }],
    });
  }
  // VMFUNC with "enable VM functions" 0 is #UD (26.5.6.1); the exception bitmap turns it into exit 0.
  {
    const p = vmfuncProgram(0, 0);
    out.push({
      id: 'ept.vmfunc.disabled-ud', title: 'VMFUNC with "enable VM functions" 0 raises #UD (here exiting through the exception bitmap)', sdm: ['26.5.6.1', '26.3', '28.2.2'],
      tags: ['ept', 'vmfunc', 'generated'], requires: EPT_ON.map((control) => ({ control })),
      setup: { fields: { EXCEPTION_BITMAP: hex(1 << 6) }, controls: { set: EPT_ON }, ept: {} }, guest: { code: p.code, disassembly: p.disassembly },
      steps: [{ op: 'vmlaunch', expect: { kind: 'vm-exit', exitReason: 0, fields: { GUEST_RIP: hex(p.at), VM_EXIT_INTERRUPTION_INFORMATION: '0x80000306' } } }],
    });
  }
  return out;
}

// ---- mode-based execute control for EPT (SDM 29.3.3.2): bit 2 governs fetches from supervisor-mode linear
// addresses, bit 10 those from user-mode ones; an entry with only bit 10 set is present.

const DATA = 0x50_0000;
/** Bit 10 (user-mode execute) in the EPT PML4E, PDPTE and PDE for DATA, so the leaf alone decides (bit 6 is an AND over all, 28.2.1). */
const UPPER_USER_EXECUTE = (['pml4e', 'pdpte', 'pde'] as const).map((level) => ({ gpa: hex(DATA), level, set: hex(0x400) }));

function mbecCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  const guestPde = 0x2_2000 + (DATA >>> 21) * 8; // the baseline guest PD entry mapping 400000h-5FFFFFh
  for (const user of [false, true]) {
    for (const xs of [0, 1]) {
      for (const xu of [0, 1]) {
        for (const mbec of [true, false]) {
          const p = program((a) => { a.mov(eax, DATA); }, (a) => a.jmp(rax));
          const leaf = (BigInt(DATA) | EPT_LEAF) & ~4n | (BigInt(xs) << 2n) | (BigInt(xu) << 10n);
          const allowed = mbec ? (user ? xu : xs) === 1 : xs === 1;
          // Qualification (28.2.1): fetch, readable, writable, bit 5 = AND of bit 2, bit 6 = AND of bit 10 under MBEC,
          // bits 7 and 8, then U/S (bit 9), R/W (bit 10 = 1) and XD (0) of the linear address.
          const q = 4 | 0x18 | (xs << 5) | (mbec ? xu << 6 : 0) | 0x80 | 0x100 | (user ? 0x200 : 0) | 0x400;
          const controls: ControlRef[] = [...EPT_ON, ...(mbec ? ['proc2.MODE_BASED_EXECUTE_CONTROL_FOR_EPT' as ControlRef] : [])];
          out.push({
            id: `ept.mode-based-execute.${mbec ? 'on' : 'off'}.${user ? 'user' : 'supervisor'}-page.xs${xs}-xu${xu}`,
            title: `${mbec ? 'With' : 'Without'} mode-based execute control, a fetch from a ${user ? 'user' : 'supervisor'}-mode page whose EPT PTE has execute ${xs} and user-execute ${xu} ${allowed ? 'completes' : 'is an EPT violation'}`,
            sdm: ['29.3.3.2', '28.2.1'], tags: ['ept', 'generated'],
            requires: [...controls.map((control) => ({ control })), cap('advancedEptViolationInfo')],
            setup: {
              controls: { set: controls },
              memory: [
                { address: hex(DATA), bytes: '0F01C1' },
                // A user-mode address needs U/S = 1 in every guest paging-structure entry (Vol. 3A 4.6): PML4E, PDPTE, PDE.
                ...(user ? [
                  { address: hex(0x2_0000), bytes: le64(0x2_1000n | 0x7n) }, { address: hex(0x2_1000), bytes: le64(0x2_2000n | 0x7n) },
                  { address: hex(guestPde), bytes: le64(0x40_0000n | 0x87n) },
                ] : []),
              ],
              ept: { entries: [...UPPER_USER_EXECUTE, { gpa: hex(DATA), level: 'pte', value: hex(leaf) }] },
            },
            guest: { code: p.code, disassembly: p.disassembly },
            steps: [{ op: 'vmlaunch', expect: allowed
              ? { kind: 'vm-exit', exitReason: 18, fields: { GUEST_RIP: hex(DATA) } }
              : { kind: 'vm-exit', exitReason: 48, fields: { GUEST_RIP: hex(DATA), EXIT_QUALIFICATION: hex(q), GUEST_PHYSICAL_ADDRESS: hex(DATA), GUEST_LINEAR_ADDRESS: hex(DATA) } } }],
          });
        }
      }
    }
  }
  // Bits 2:0 = 000b with bit 10 set: present under MBEC (a read is a permission violation with bit 6 set),
  // not present without it (bit 6 clear).
  for (const mbec of [true, false]) {
    const p = program((a) => { a.mov(eax, 1); }, (a) => a.mov(eax, dword(DATA)));
    const controls: ControlRef[] = [...EPT_ON, ...(mbec ? ['proc2.MODE_BASED_EXECUTE_CONTROL_FOR_EPT' as ControlRef] : [])];
    out.push({
      id: `ept.mode-based-execute.${mbec ? 'on' : 'off'}.user-execute-only-entry-read`,
      title: `An EPT PTE with only bit 10 set is ${mbec ? 'present under mode-based execute control: a read violates its permissions (bit 6 set)' : 'not present without mode-based execute control: a read finds it not present'}`,
      sdm: ['29.3.2', '29.3.3.2', '28.2.1'], tags: ['ept', 'generated'],
      requires: [...controls.map((control) => ({ control })), cap('advancedEptViolationInfo')],
      setup: { controls: { set: controls }, ept: { entries: [...UPPER_USER_EXECUTE, { gpa: hex(DATA), level: 'pte', value: hex(BigInt(DATA) | 0x30n | 0x400n) }] } },
      guest: { code: p.code, disassembly: p.disassembly },
      steps: [{ op: 'vmlaunch', expect: { kind: 'vm-exit', exitReason: 48, fields: { GUEST_RIP: hex(p.at), EXIT_QUALIFICATION: hex(1 | (mbec ? 0x40 : 0) | 0x80 | 0x100 | 0x400), GUEST_PHYSICAL_ADDRESS: hex(DATA) } } }],
    });
  }
  return out;
}

// ---- the EPTP at VM entry (SDM 27.2.1.1): every EPTP the INVEPT cases reject also fails VM entry with
// VMfailValid(7) (the same conditions, one set of predicates in the model); valid ones enter and run.

function entryEptpCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  const p = program((a) => { a.mov(eax, 1); }, (a) => a.mov(eax, dword(0x50_0000)));
  const mk = (name: string, eptp: bigint, ok: boolean, requires: Condition[] = [], excludes: Condition[] = []): ConformanceCase => ({
    id: `ept.entry.eptp.${name}`,
    title: ok ? `VM entry with EPTP ${hex(eptp)} (${name}) succeeds and the guest runs through EPT to its VMCALL` : `VM entry with EPTP ${hex(eptp)} (${name}) fails with VMfailValid(7)`,
    sdm: ['27.2.1.1', '25.6.11', 'A.10'], tags: ['ept', 'vm-entry', 'generated'],
    requires: [...EPT_ON.map((control) => ({ control })), ...requires], ...(excludes.length ? { excludes } : {}),
    setup: { fields: { EPT_POINTER: hex(eptp) }, controls: { set: EPT_ON }, ept: {} },
    guest: { code: p.code, disassembly: p.disassembly },
    steps: [{ op: 'vmlaunch', expect: ok ? { kind: 'vm-exit', exitReason: 18, fields: { GUEST_RIP: hex(p.vmcallAt) } } : { kind: 'vmfail-valid', error: 7 } }],
  });
  for (const t of [1, 2, 3, 4, 5, 7]) out.push(mk(`memory-type-${t}`, (EPTP & ~7n) | BigInt(t), false));
  out.push(mk('memory-type-uc', EPTP & ~7n, true, [cap('memoryTypeUc')]));
  out.push(mk('memory-type-wb', EPTP, true, [cap('memoryTypeWb')]));
  for (const l of [0, 1, 2, 5, 6, 7]) out.push(mk(`walk-length-${l + 1}`, (EPTP & ~0x38n) | (BigInt(l) << 3n), false));
  out.push(mk('walk-length-5-unsupported', (EPTP & ~0x38n) | (4n << 3n), false, [], [cap('pageWalkLength5')]));
  out.push(mk('accessed-dirty', EPTP | 0x40n, true, [cap('accessedDirtyFlags')]));
  out.push(mk('accessed-dirty-unsupported', EPTP | 0x40n, false, [], [cap('accessedDirtyFlags')]));
  out.push(mk('supervisor-shadow-stack-unsupported', EPTP | 0x80n, false, [], [cap('supervisorShadowStackControl')]));
  for (const b of [8, 9, 10, 11]) out.push(mk(`reserved-bit-${b}`, EPTP | (1n << BigInt(b)), false));
  for (let b = MAXPHYADDR; b < 64; b++) out.push(mk(`bit-${b}-beyond-maxphyaddr`, EPTP | (1n << BigInt(b)), false));
  return out;
}

export function eptInstructionCases(): ConformanceCase[] {
  return [...inveptCases(), ...invvpidCases(), ...guestExitCases(), ...vmfuncCases(), ...mbecCases(), ...invalidationCases(), ...entryEptpCases()];
}

// ---- invalidation the SDM requires (29.4.3): after the VMM changes a translation, the guest must see the
// new one when the change was followed by a VM exit and entry without VPID, or by INVVPID/INVEPT/INVLPG/MOV
// CR3 covering it. (Where the SDM only allows the old translation to be used, no case can expect either.)

const X = 0x50_0000;
/** The baseline guest PDE for X's 2-MByte region, and the values the two physical pages hold. */
const X_PDE = 0x2_2000 + (X >>> 21) * 8;
const OLD = 0x1111_1111, NEW = 0x2222_2222;
const SAVE = 0x8000;

interface TwoReads { code: string; disassembly: string[]; firstExit: number; secondExit: number }

/** Guest: read [X] to SAVE, VMCALL; `between`; read [X] to SAVE + 4, VMCALL. */
function twoReads(between: (a: Assembler) => void = () => undefined): TwoReads {
  const a = new AsmClass(64);
  a.mov(eax, dword(X)).mov(dword(SAVE), eax);
  a.label('first'); a.vmcall();
  between(a);
  a.mov(eax, dword(X)).mov(dword(SAVE + 4), eax);
  a.label('second'); a.vmcall();
  const origin = 0x30_0000n;
  const p = a.assemble(origin);
  const disassembly = a.listing(origin).filter((l) => !l.trimEnd().endsWith(':')).map((l) => l.split(/ {2,}/).slice(2).join('  ').trim() || l.trim());
  return { code: Buffer.from(p.bytes).toString('hex').toUpperCase(), disassembly, firstExit: Number(p.labels.get('first')!), secondExit: Number(p.labels.get('second')!) };
}

function le32(v: number): string {
  return le64(BigInt(v >>> 0)).slice(0, 8);
}

function invalidationCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  const VPID: ControlRef[] = ['proc.ACTIVATE_SECONDARY_CONTROLS', 'proc2.ENABLE_VPID'];
  // The remap: the guest PDE of X's region to 600000h (X then reads 700000h), or with EPT the EPT PTE of X to 700000h.
  const remapGuest = [{ address: hex(X_PDE), bytes: le64(0x60_0000n | 0x83n) }];
  const remapEpt = [{ address: hex(eptEntryAddress(X, 'pte')), bytes: le64(0x70_0000n | EPT_LEAF) }];
  const values = [{ address: hex(X), bytes: le32(OLD) }, { address: hex(0x70_0000), bytes: le32(NEW) }];
  const expectNew = [{ address: hex(SAVE), bytes: le32(OLD) + le32(NEW) }];
  const variants: { id: string; title: string; sdm: [string, ...string[]]; controls: ControlRef[]; requires: Condition[]; host?: Step; between?: (a: Assembler) => void; ept?: boolean }[] = [
    { id: 'no-vpid.exit-entry', title: 'Without VPID, the VM exit and VM entry invalidate the guest\'s linear mappings: after the VMM remaps X, the guest reads the new page', sdm: ['29.4.3.3', '29.4.3.1'], controls: [], requires: [] },
    { id: 'vpid.invvpid-single-context', title: 'With VPID 1, INVVPID single-context for VPID 1 before VMRESUME makes the guest read the remapped page', sdm: ['29.4.3.1', '31.3'], controls: VPID, requires: [cap('invvpidSingleContext')], host: inv('invvpid', 1n, succeed) },
    { id: 'vpid.invvpid-individual-address', title: 'With VPID 1, INVVPID individual-address for X and VPID 1 makes the guest read the remapped page', sdm: ['29.4.3.1', '31.3'], controls: VPID, requires: [cap('invvpidIndividualAddress')], host: inv('invvpid', 0n, succeed) },
    { id: 'vpid.invvpid-all-context', title: 'With VPID 1, INVVPID all-context makes the guest read the remapped page', sdm: ['29.4.3.1', '31.3'], controls: VPID, requires: [cap('invvpidAllContext')], host: inv('invvpid', 2n, succeed) },
    { id: 'vpid.invvpid-retaining-globals', title: 'With VPID 1, INVVPID single-context-retaining-globals invalidates X\'s non-global mapping: the guest reads the remapped page', sdm: ['29.4.3.1', '31.3'], controls: VPID, requires: [cap('invvpidSingleContextRetainingGlobals')], host: inv('invvpid', 3n, succeed) },
    { id: 'vpid.guest-invlpg', title: 'With VPID 1, the guest\'s own INVLPG of X makes it read the remapped page', sdm: ['29.4.3.1', '3A:4.10.4.1'], controls: VPID, requires: [], between: (a) => { a.invlpg(qword(X)); } },
    { id: 'vpid.guest-mov-cr3', title: 'With VPID 1, the guest\'s MOV to CR3 invalidates its non-global mappings: it reads the remapped page', sdm: ['29.4.3.1', '3A:4.10.4.1'], controls: VPID, requires: [], between: (a) => { a.mov(rax, cr3).mov(cr3, rax); } },
    { id: 'vpid.guest-invpcid-all-contexts', title: 'With VPID 1, the guest\'s INVPCID type 2 (all contexts, globals included) makes it read the remapped page', sdm: ['29.4.3.1', '3A:4.10.4.1'], controls: [...VPID, 'proc2.ENABLE_INVPCID'], requires: [], between: (a) => { a.mov(ecx, 2).invpcid(rcx, oword(DESCRIPTOR)); } },
    { id: 'vpid.guest-invpcid-non-global', title: 'With VPID 1, the guest\'s INVPCID type 3 (all contexts but globals) invalidates X\'s non-global mapping: it reads the remapped page', sdm: ['29.4.3.1', '3A:4.10.4.1'], controls: [...VPID, 'proc2.ENABLE_INVPCID'], requires: [], between: (a) => { a.mov(ecx, 3).invpcid(rcx, oword(DESCRIPTOR)); } },
    { id: 'ept.no-vpid.exit-entry', title: 'With EPT and without VPID, the VM exit and entry invalidate combined mappings: after the VMM remaps X in EPT, the guest reads the new page', sdm: ['29.4.3.3', '29.4.3.1'], controls: EPT_ON, requires: [], ept: true },
    { id: 'ept.vpid.invept-single-context', title: 'With EPT and VPID 1, INVEPT single-context for the EPTP makes the guest read the page X is remapped to in EPT', sdm: ['29.4.3.1', '31.3'], controls: [...EPT_ON, 'proc2.ENABLE_VPID'], requires: [cap('invept'), cap('inveptSingleContext')], host: inv('invept', 1n, succeed), ept: true },
    { id: 'ept.vpid.invept-all-context', title: 'With EPT and VPID 1, INVEPT all-context makes the guest read the page X is remapped to in EPT', sdm: ['29.4.3.1', '31.3'], controls: [...EPT_ON, 'proc2.ENABLE_VPID'], requires: [cap('invept'), cap('inveptAllContext')], host: inv('invept', 2n, succeed), ept: true },
    { id: 'ept.vpid.invvpid-single-context', title: 'With EPT and VPID 1, INVVPID single-context invalidates the combined mappings of VPID 1 too: the guest reads the page X is remapped to in EPT', sdm: ['29.4.3.1', '31.3'], controls: [...EPT_ON, 'proc2.ENABLE_VPID'], requires: [cap('invvpidSingleContext')], host: inv('invvpid', 1n, succeed), ept: true },
  ];
  for (const v of variants) {
    const p = twoReads(v.between);
    const first: Step = { op: 'vmlaunch', expect: { kind: 'vm-exit', exitReason: 18, fields: { GUEST_RIP: hex(p.firstExit) } } };
    const second: Step = { op: 'vmresume', memory: v.ept ? remapEpt : remapGuest, expect: { kind: 'vm-exit', exitReason: 18, fields: { GUEST_RIP: hex(p.secondExit) }, memory: expectNew } };
    const vpid = v.controls.includes('proc2.ENABLE_VPID');
    // The descriptor: INVVPID's VPID 1 and linear address X; INVEPT's EPTP (the harness's) in the low quadword.
    const desc = v.host !== undefined && v.id.includes('invept') ? descriptor(EPTP, 0n) : descriptor(1n, BigInt(X));
    out.push({
      id: `ept.invalidation.${v.id}`, title: v.title, sdm: v.sdm, tags: ['ept', 'vpid', 'generated'],
      requires: [...v.controls.map((control) => ({ control })), ...v.requires],
      setup: {
        ...(vpid ? { fields: { VIRTUAL_PROCESSOR_IDENTIFIER: hex(1) } } : {}),
        ...(v.controls.length ? { controls: { set: v.controls } } : {}),
        memory: [...values, ...desc],
        ...(v.ept ? { ept: {} } : {}),
      },
      guest: { code: p.code, disassembly: p.disassembly },
      // The VMM moves the guest past the VMCALL (instruction-caused exits save its RIP, 28.3.3) before resuming.
      steps: [first, { op: 'vmwrite', encoding: '0x681E', value: hex(p.firstExit + 3), mode: '64-bit', expect: succeed }, ...(v.host ? [v.host] : []), second],
    });
  }
  return out;
}
