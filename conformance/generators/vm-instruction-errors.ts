// One case per VM-instruction error number of SDM 31.4 (Table 31-1) that the model can produce, mostly as
// host programs (x86 code in VMX root operation, the canonical VMCS current, ending in HLT) whose last VMX
// instruction fails; the outcome is read from RFLAGS and the VM-instruction error field (SDM 31.2).
import { Assembler, ax, eax, oword, qword, rax, ss } from '../asm/index.js';
import { type CaseOutcome, type ConformanceCase, VM_INSTRUCTION_ERROR, VM_INSTRUCTION_ERRORS } from '../../model/generated/index.js';
import { BASELINE_MEMORY } from '../baseline.js';

/** Where the runner places host programs. */
/** Where the runner loads host programs. */
export const HOST_CODE = 0x10_0000n;
/** A scratch quadword for memory operands (a VMCS pointer). */
const SCRATCH = 0x5000;

type Step = ConformanceCase['steps'][number];

/** A host program: `body`, then HLT, assembled at the runner's host-code address. */
export function host(body: (a: Assembler) => void, expect: CaseOutcome): Step {
  const a = new Assembler(64);
  body(a);
  a.hlt();
  const p = a.assemble(HOST_CODE);
  const disassembly = a.listing(HOST_CODE).map((l) => l.split(/ {2,}/).slice(2).join('  ').trim() || l.trim());
  return { op: 'host', code: Buffer.from(p.bytes).toString('hex').toUpperCase(), disassembly, expect };
}

/** `mov rax, pointer; mov [SCRATCH], rax`: a VMCS pointer in memory for VMCLEAR/VMPTRLD/VMXON. */
export function pointer(a: Assembler, value: bigint | number): void {
  a.mov(rax, BigInt(value)).mov(qword(SCRATCH), rax);
}

const valid = (error: number): CaseOutcome => ({ kind: 'vmfail-valid', error });

/** Error numbers no case can produce, with why (for reports and tests): those the current pseudocode no longer produces (spec data `notProduced`). */
export const UNPRODUCIBLE_VM_INSTRUCTION_ERRORS: readonly { readonly error: number; readonly why: string }[] = [
  ...VM_INSTRUCTION_ERRORS.flatMap((e) => (e.notProduced ? [{ error: e.number, why: e.notProduced.why }] : [])),
];

export function vmInstructionErrorCases(): ConformanceCase[] {
  const E = VM_INSTRUCTION_ERROR;
  const tags = ['vm-instruction-error', 'generated'];
  const cases: ConformanceCase[] = [
    {
      id: 'vmerror.1.vmcall-in-root', title: 'VMCALL executed in VMX root operation fails with VMfailValid(1)',
      sdm: ['31.3', '31.4'], tags,
      steps: [host((a) => { a.vmcall(); }, valid(E.VMCALL_IN_VMX_ROOT_OPERATION))],
    },
    {
      id: 'vmerror.2.vmclear-unaligned', title: 'VMCLEAR with a pointer that is not 4-KByte aligned fails with VMfailValid(2)',
      sdm: ['31.3', '31.4'], tags,
      steps: [host((a) => { pointer(a, BASELINE_MEMORY.vmcsRegion + 1); a.vmclear(qword(SCRATCH)); }, valid(E.VMCLEAR_INVALID_ADDRESS))],
    },
    {
      id: 'vmerror.2.vmclear-beyond-physical-width', title: 'VMCLEAR with a pointer setting bit 63 (beyond the physical-address width) fails with VMfailValid(2)',
      sdm: ['31.3', '31.4'], tags,
      steps: [host((a) => { pointer(a, 0x8000_0000_0001_1000n); a.vmclear(qword(SCRATCH)); }, valid(E.VMCLEAR_INVALID_ADDRESS))],
    },
    {
      id: 'vmerror.3.vmclear-vmxon-pointer', title: 'VMCLEAR with the VMXON pointer fails with VMfailValid(3)',
      sdm: ['31.3', '31.4'], tags,
      steps: [host((a) => { pointer(a, BASELINE_MEMORY.vmxonRegion); a.vmclear(qword(SCRATCH)); }, valid(E.VMCLEAR_VMXON_POINTER))],
    },
    {
      id: 'vmerror.4.vmlaunch-launched', title: 'VMLAUNCH of a VMCS whose launch state is launched (after a VM exit) fails with VMfailValid(4)',
      sdm: ['31.3', '31.4'], tags,
      requires: [{ control: 'proc.HLT_EXITING' }],
      setup: { controls: { set: ['proc.HLT_EXITING'] } },
      steps: [
        { op: 'vmlaunch', expect: { kind: 'vm-exit', exitReason: 12 } },
        { op: 'vmlaunch', expect: valid(E.VMLAUNCH_NONCLEAR_VMCS) },
      ],
    },
    {
      id: 'vmerror.5.vmresume-clear', title: 'VMRESUME of a VMCS whose launch state is clear fails with VMfailValid(5)',
      sdm: ['31.3', '31.4'], tags,
      steps: [{ op: 'vmresume', expect: valid(E.VMRESUME_NONLAUNCHED_VMCS) }],
    },
    {
      id: 'vmerror.7.cr3-target-count', title: 'VMLAUNCH with a CR3-target count above 4 fails with VMfailValid(7)',
      sdm: ['27.2.1.1', '31.4'], tags,
      setup: { fields: { CR3_TARGET_COUNT: '0x5' } },
      steps: [{ op: 'vmlaunch', expect: valid(E.VMENTRY_INVALID_CONTROL_FIELDS) }],
    },
    {
      id: 'vmerror.8.host-cr0-pg', title: 'VMLAUNCH with host CR0.PG = 0 (a bit IA32_VMX_CR0_FIXED0 requires) fails with VMfailValid(8)',
      sdm: ['27.2.2', 'A.7', '31.4'], tags,
      setup: { bits: { HOST_CR0: { clear: '0x80000000' } } },
      steps: [{ op: 'vmlaunch', expect: valid(E.VMENTRY_INVALID_HOST_STATE_FIELDS) }],
    },
    {
      id: 'vmerror.9.vmptrld-unaligned', title: 'VMPTRLD with a pointer that is not 4-KByte aligned fails with VMfailValid(9)',
      sdm: ['31.3', '31.4'], tags,
      steps: [host((a) => { pointer(a, BASELINE_MEMORY.vmcsRegion + 8); a.vmptrld(qword(SCRATCH)); }, valid(E.VMPTRLD_INVALID_ADDRESS))],
    },
    {
      id: 'vmerror.10.vmptrld-vmxon-pointer', title: 'VMPTRLD with the VMXON pointer fails with VMfailValid(10)',
      sdm: ['31.3', '31.4'], tags,
      steps: [host((a) => { pointer(a, BASELINE_MEMORY.vmxonRegion); a.vmptrld(qword(SCRATCH)); }, valid(E.VMPTRLD_VMXON_POINTER))],
    },
    {
      id: 'vmerror.11.vmptrld-revision', title: 'VMPTRLD of a region whose revision identifier is 7FFFFFFFh (no modelled processor\'s) fails with VMfailValid(11)',
      sdm: ['25.2', '31.3', '31.4'], tags,
      setup: { memory: [{ address: '0x12000', bytes: 'FFFFFF7F' }] },
      steps: [host((a) => { pointer(a, 0x1_2000); a.vmptrld(qword(SCRATCH)); }, valid(E.VMPTRLD_INCORRECT_REVISION_ID))],
    },
    {
      id: 'vmerror.12.vmread-no-component', title: 'VMREAD of an encoding with reserved bits set (no VMCS component) fails with VMfailValid(12)',
      sdm: ['25.11.2', '31.3', '31.4'], tags,
      steps: [{ op: 'vmread', encoding: '0xFFFFFFFE', mode: '64-bit', expect: valid(E.VMREAD_VMWRITE_UNSUPPORTED_COMPONENT) }],
    },
    {
      id: 'vmerror.13.vmwrite-exit-reason', title: 'VMWRITE to the read-only exit-reason field fails with VMfailValid(13) when VMWRITE cannot write VM-exit information fields',
      sdm: ['31.3', '31.4', 'A.6'], tags,
      excludes: [{ msr: 'IA32_VMX_MISC', field: 'vmwriteAnyField' }],
      steps: [{ op: 'vmwrite', encoding: '0x4402', value: '0x0', mode: '64-bit', expect: valid(E.VMWRITE_READ_ONLY_COMPONENT) }],
    },
    {
      id: 'vmerror.13.vmwrite-exit-reason.misc-bit-29-clear', title: 'On the profile under test with IA32_VMX_MISC bit 29 cleared, VMWRITE to the read-only exit-reason field fails with VMfailValid(13)',
      sdm: ['31.3', '31.4', 'A.6'], tags,
      profile: { msrs: { IA32_VMX_MISC: { clear: '0x20000000' } } },
      steps: [{ op: 'vmwrite', encoding: '0x4402', value: '0x0', mode: '64-bit', expect: valid(E.VMWRITE_READ_ONLY_COMPONENT) }],
    },
    {
      id: 'vmerror.15.vmxon-in-root', title: 'VMXON executed in VMX root operation fails with VMfailValid(15)',
      sdm: ['31.3', '31.4'], tags,
      steps: [host((a) => { pointer(a, BASELINE_MEMORY.vmxonRegion); a.vmxon(qword(SCRATCH)); }, valid(E.VMXON_IN_VMX_ROOT_OPERATION))],
    },
    {
      id: 'vmerror.26.vmlaunch-after-mov-ss', title: 'VMLAUNCH right after MOV SS (a null selector, allowed at CPL 0 in 64-bit mode; events blocked by MOV SS) fails with VMfailValid(26)',
      sdm: ['31.3', '31.4'], tags,
      steps: [host((a) => { a.xor(eax, eax).mov(ss, ax).vmlaunch(); }, valid(E.VMENTRY_EVENTS_BLOCKED_BY_MOV_SS))],
    },
    {
      id: 'vmerror.28.invept-type-0', title: 'INVEPT with type 0, which no processor supports (IA32_VMX_EPT_VPID_CAP has bits only for types 1 and 2), fails with VMfailValid(28)',
      sdm: ['31.3', '31.4', 'A.10'], tags, requires: [{ msr: 'IA32_VMX_EPT_VPID_CAP', field: 'invept' }],
      steps: [host((a) => { a.xor(eax, eax).invept(rax, oword(SCRATCH)); }, valid(E.INVALID_OPERAND_TO_INVEPT_INVVPID))],
    },
    // Outcomes other than errors, as x86 instructions (SDM 31.3).
    {
      id: 'vmx-insn.host.vmptrst-succeeds', title: 'VMPTRST in VMX root operation succeeds (VMsucceed)',
      sdm: ['31.2', '31.3'], tags: ['vmx-instruction', 'generated'],
      steps: [host((a) => { a.vmptrst(qword(SCRATCH)); }, { kind: 'vmsucceed' })],
    },
    {
      id: 'vmx-insn.host.vmclear-current-then-vmlaunch', title: 'After VMCLEAR of the current VMCS the current-VMCS pointer is invalid, so VMLAUNCH fails with VMfailInvalid',
      sdm: ['31.2', '31.3'], tags: ['vmx-instruction', 'generated'],
      steps: [
        host((a) => { pointer(a, BASELINE_MEMORY.vmcsRegion); a.vmclear(qword(SCRATCH)); }, { kind: 'vmsucceed' }),
        host((a) => { a.vmlaunch(); }, { kind: 'vmfail-invalid' }),
        { op: 'vmread', encoding: '0x4402', mode: '64-bit', expect: { kind: 'vmfail-invalid' } },
      ],
    },
    {
      id: 'vmx-insn.host.vmptrld-after-vmclear', title: 'VMPTRLD of the cleared VMCS makes it current again and VMLAUNCH of it enters the guest',
      sdm: ['31.2', '31.3'], tags: ['vmx-instruction', 'generated'],
      requires: [{ control: 'proc.HLT_EXITING' }],
      setup: { controls: { set: ['proc.HLT_EXITING'] } },
      steps: [
        host((a) => { pointer(a, BASELINE_MEMORY.vmcsRegion); a.vmclear(qword(SCRATCH)).vmptrld(qword(SCRATCH)); }, { kind: 'vmsucceed' }),
        { op: 'vmlaunch', expect: { kind: 'vm-exit', exitReason: 12 } },
      ],
    },
    // Error 6 (VMRESUME after VMXOFF) is not produced by the current pseudocode (spec data notProduced): what
    // VMRESUME does instead after VMXOFF and VMXON between VMLAUNCH and VMRESUME (SDM 31.3 VMXON, VMLAUNCH/VMRESUME).
    {
      id: 'vmerror.6.vmxoff-vmxon-then-vmresume', title: 'VMLAUNCH, VMXOFF, VMXON, VMRESUME: VMXON left no current VMCS (current-VMCS pointer FFFFFFFF_FFFFFFFFH), so VMRESUME fails with VMfailInvalid, not error 6',
      sdm: ['31.3', '31.4'], tags,
      requires: [{ control: 'proc.HLT_EXITING' }],
      setup: { controls: { set: ['proc.HLT_EXITING'] } },
      steps: [
        { op: 'vmlaunch', expect: { kind: 'vm-exit', exitReason: 12 } },
        host((a) => { pointer(a, BASELINE_MEMORY.vmxonRegion); a.vmxoff().vmxon(qword(SCRATCH)); }, { kind: 'vmsucceed' }),
        host((a) => { a.vmresume(); }, { kind: 'vmfail-invalid' }),
      ],
    },
    {
      id: 'vmerror.6.vmclear-vmxoff-vmxon-vmptrld-then-vmresume', title: 'VMLAUNCH, VMCLEAR, VMXOFF, VMXON, VMPTRLD of the same VMCS, VMRESUME: its launch state is clear, so VMRESUME fails with VMfailValid(5), not error 6',
      sdm: ['25.11.1', '25.11.3', '31.3', '31.4'], tags,
      requires: [{ control: 'proc.HLT_EXITING' }],
      setup: { controls: { set: ['proc.HLT_EXITING'] } },
      steps: [
        { op: 'vmlaunch', expect: { kind: 'vm-exit', exitReason: 12 } },
        host((a) => {
          pointer(a, BASELINE_MEMORY.vmcsRegion);
          a.vmclear(qword(SCRATCH)).vmxoff();
          pointer(a, BASELINE_MEMORY.vmxonRegion);
          a.vmxon(qword(SCRATCH));
          pointer(a, BASELINE_MEMORY.vmcsRegion);
          a.vmptrld(qword(SCRATCH));
        }, { kind: 'vmsucceed' }),
        host((a) => { a.vmresume(); }, valid(E.VMRESUME_NONLAUNCHED_VMCS)),
      ],
    },
    {
      id: 'vmx-insn.host.vmxoff-succeeds', title: 'VMXOFF in VMX root operation outside SMM succeeds (VMsucceed)',
      sdm: ['31.2', '31.3'], tags: ['vmx-instruction', 'generated'],
      steps: [host((a) => { a.vmxoff(); }, { kind: 'vmsucceed' })],
    },
  ];
  return cases;
}
