// Cases for the dual-monitor treatment of SMIs and SMM (SDM 33.15): the VM-instruction errors of its VMCALL,
// VMXOFF and VM-entry paths (31.4 errors 16-25), VM entries that return from SMM or deactivate the treatment,
// and the SMM VM exits of SMIs (exit reasons 5 and 6) and of RSM in an STM guest (17). The processor state
// before the steps is set by setup.smm (conformance/harness/smm.ts); expectations follow the SDM text cited.
import { Assembler, al, ax, dx, eax, ecx, edx, qword, rax, rcx, rdx } from '../asm/index.js';
import { type CaseOutcome, type Condition, type ConformanceCase, type EntryOutcome, PIN_CTLS, VMCS_FIELD, VM_INSTRUCTION_ERROR } from '../../model/generated/index.js';
import { BASELINE_MEMORY } from '../baseline.js';
import { HOST_CODE, host, pointer } from './vm-instruction-errors.js';

const E = VM_INSTRUCTION_ERROR;
/** The dual-monitor treatment (IA32_VMX_BASIC[49], A.1). */
const DUAL_MONITOR: Condition = { msr: 'IA32_VMX_BASIC', field: 'dualMonitorTreatment' };
const tags = ['smm', 'dual-monitor', 'generated'];
const valid = (error: number): CaseOutcome => ({ kind: 'vmfail-valid', error });
const hex = (v: number | bigint): string => '0x' + BigInt(v).toString(16).toUpperCase();

/** Addresses of harness/smm.ts (setup.smm): the SMM-transfer VMCS of "executive" set-ups. */
const TRANSFER_VMCS = 0x6_0000;
/** A second VMCS region (the processor's revision identifier, never launched). */
const OTHER_VMCS = 0x5_1000;
const VMXON = BASELINE_MEMORY.vmxonRegion, VMCS = BASELINE_MEMORY.vmcsRegion;
const GUEST_RIP = BigInt(BASELINE_MEMORY.guestRip);
/** Encodings (Appendix B): pin-based VM-execution controls, VMCS-link pointer, VMX-preemption timer value. */
const { PIN_BASED_VM_EXECUTION_CONTROLS, VMCS_LINK_POINTER, VMX_PREEMPTION_TIMER_VALUE } = VMCS_FIELD;

type Step = ConformanceCase['steps'][number];
type Setup = NonNullable<ConformanceCase['setup']>;

/** A guest program at the canonical guest RIP. */
function guest(build: (a: Assembler) => void): NonNullable<ConformanceCase['guest']> {
  const a = new Assembler(64);
  build(a);
  const p = a.assemble(GUEST_RIP);
  const disassembly = a.listing(GUEST_RIP).map((l) => l.split(/ {2,}/).slice(2).join('  ').trim() || l.trim());
  return { code: Buffer.from(p.bytes).toString('hex').toUpperCase(), disassembly };
}

function smmCase(id: string, title: string, sdm: [string, ...string[]], setup: Setup, steps: [Step, ...Step[]], extra: Partial<ConformanceCase> = {}): ConformanceCase {
  return { id: `smm.${id}`, title, sdm, tags, requires: [DUAL_MONITOR], setup, steps, ...extra };
}

const launchCpuid: Step = { op: 'vmlaunch', expect: { kind: 'vm-exit', exitReason: 10 } };
const vmexit = (exitReason: number, fields: Record<string, string>): EntryOutcome => ({ kind: 'vm-exit', exitReason, fields });

/** VMCALL's activation checks (SDM 33.15.6.1, 33.15.6.2; 31.3 VMCALL). */
function activationCases(): ConformanceCase[] {
  const enabled = { smm: { dualMonitor: 'enabled' as const } };
  const vmcall = (expect: CaseOutcome): Step => host((a) => { a.vmcall(); }, expect);
  return [
    smmCase('vmcall.19.launched-vmcs', 'VMCALL that would activate the dual-monitor treatment with a launched current VMCS fails with VMfailValid(19)',
      ['33.15.6.1', '31.3', '31.4'], enabled, [launchCpuid, vmcall(valid(E.VMCALL_NONCLEAR_VMCS))],
      { guest: guest((a) => { a.cpuid(); }) }),
    smmCase('vmcall.20.exit-controls-reserved-bit', 'VMCALL activation with VM-exit control bit 0 (a default1 bit, A.4) cleared fails with VMfailValid(20)',
      ['33.15.6.1', 'A.4', '31.4'], { ...enabled, bits: { PRIMARY_VM_EXIT_CONTROLS: { clear: '0x1' } } }, [vmcall(valid(E.VMCALL_INVALID_VM_EXIT_CONTROL_FIELDS))]),
    smmCase('vmcall.20.msr-store-unaligned', 'VMCALL activation with a VM-exit MSR-store address whose bits 3:0 are not 0 fails with VMfailValid(20)',
      ['33.15.6.1', '31.4'], { ...enabled, fields: { VM_EXIT_MSR_STORE_COUNT: '0x1', VM_EXIT_MSR_STORE_ADDRESS: '0x5008' } },
      [vmcall(valid(E.VMCALL_INVALID_VM_EXIT_CONTROL_FIELDS))]),
    smmCase('vmcall.22.mseg-revision', 'VMCALL activation with an MSEG header whose revision identifier is not the processor\'s (Skylake-SP: 0, IA32_VMX_MISC[63:32]) fails with VMfailValid(22)',
      ['33.15.6.2', 'A.6', '31.4'], { smm: { dualMonitor: 'enabled', msegRevisionId: '0x1' } }, [vmcall(valid(E.VMCALL_INCORRECT_MSEG_REVISION_ID))],
      { profile: { name: 'skylake-server' } }),
    smmCase('vmcall.24.mseg-features', 'VMCALL activation with bit 1 (reserved) of the MSEG header\'s SMM-transfer monitor features set fails with VMfailValid(24)',
      ['33.15.6.2', '31.4'], { smm: { dualMonitor: 'enabled', msegFeatures: '0x3' } }, [vmcall(valid(E.VMCALL_INVALID_SMM_MONITOR_FEATURES))]),
    smmCase('vmcall.1.in-smm', 'VMCALL in SMM (the STM, in VMX root operation) fails with VMfailValid(1)',
      ['31.3', '31.4'], { smm: { dualMonitor: 'stm' } }, [vmcall(valid(E.VMCALL_IN_VMX_ROOT_OPERATION))]),
    smmCase('vmcall.1.monitor-ctl-invalid', 'VMCALL in VMX root operation while IA32_SMM_MONITOR_CTL[0] = 0 fails with VMfailValid(1)',
      ['31.3', '33.15.5', '31.4'], {}, [vmcall(valid(E.VMCALL_IN_VMX_ROOT_OPERATION))]),
    vmcallSmmVmExit(),
  ];
}

/**
 * VMCALL by the executive monitor while the treatment is active: an SMM VM exit (31.3 VMCALL; 33.15.2) with basic
 * reason 18 and bit 29 (from VMX root operation, 33.15.2.3), the executive-VMCS pointer = the VMXON pointer
 * (33.15.2.2) and the instruction length (28.2.5). The host program points the SMM-transfer VMCS's host RIP at its
 * own final HLT, so the STM's first instruction ends it; the steps then read the SMM-transfer VMCS (current, 33.15.2.2).
 */
function vmcallSmmVmExit(): ConformanceCase {
  const body = (stmEntry: number) => (a: Assembler) => {
    pointer(a, TRANSFER_VMCS); a.vmptrld(qword(0x5000));
    a.mov(edx, VMCS_FIELD.HOST_RIP).mov(eax, stmEntry).vmwrite(rdx, rax);
    a.vmcall();
  };
  const probe = new Assembler(64);
  body(0)(probe);
  const finalHlt = Number(HOST_CODE) + probe.assemble(HOST_CODE).bytes.length;
  const vmcallAt = finalHlt - 3;
  const read = (encoding: number, value: number | bigint): Step =>
    ({ op: 'vmread', encoding: hex(encoding), mode: '64-bit', expect: { kind: 'vmsucceed', value: hex(value) } });
  return smmCase('vmcall.smm-vm-exit-from-root', 'VMCALL by the executive monitor while the dual-monitor treatment is active causes an SMM VM exit into the SMM-transfer VMCS: exit reason 18 with bit 29 (from VMX root operation), executive-VMCS pointer = VMXON pointer, instruction length 3, guest RIP = the VMCALL',
    ['31.3', '33.15.2', '33.15.2.2', '33.15.2.3', '28.2.5'], { smm: { dualMonitor: 'executive' } },
    [host(body(finalHlt), { kind: 'vmsucceed' }), read(VMCS_FIELD.EXIT_REASON, 0x2000_0012), read(VMCS_FIELD.EXECUTIVE_VMCS_POINTER, VMXON),
      read(VMCS_FIELD.VM_EXIT_INSTRUCTION_LENGTH, 3), read(VMCS_FIELD.GUEST_RIP, vmcallAt)]);
}

/** VMXOFF is refused while the treatment is active (SDM 33.15.1; 31.3 VMXOFF). */
function vmxoffCases(): ConformanceCase[] {
  const vmxoff = (expect: CaseOutcome): Step => host((a) => { a.vmxoff(); }, expect);
  return [
    smmCase('vmxoff.23.stm', 'VMXOFF by the STM (in SMM) while the dual-monitor treatment is active fails with VMfailValid(23)',
      ['33.15.1', '31.3', '31.4'], { smm: { dualMonitor: 'stm' } }, [vmxoff(valid(E.VMXOFF_UNDER_DUAL_MONITOR_TREATMENT))]),
    smmCase('vmxoff.23.executive', 'VMXOFF by the executive monitor while the dual-monitor treatment is active fails with VMfailValid(23)',
      ['33.15.1', '31.3', '31.4'], { smm: { dualMonitor: 'executive' } }, [vmxoff(valid(E.VMXOFF_UNDER_DUAL_MONITOR_TREATMENT))]),
    smmCase('vmxoff.enabled-not-active', 'VMXOFF with the dual-monitor treatment enabled in IA32_SMM_MONITOR_CTL but not activated succeeds',
      ['33.15.6', '31.3'], { smm: { dualMonitor: 'enabled' } }, [vmxoff({ kind: 'vmsucceed' })]),
  ];
}

/**
 * VM entries by the STM that return from SMM (SDM 33.15.4; 31.3 VMLAUNCH/VMRESUME). A host program whose VM
 * entry stays in VMX root operation continues at the guest RIP it loads: the cases point it at the HLT after
 * the VMLAUNCH (HOST_CODE + 3), so the program ends there with RFLAGS = 2 (VMsucceed) from the guest-state area.
 */
function returnCases(): ConformanceCase[] {
  const stm = (fields: Record<string, string> = {}, more: Partial<Setup> = {}): Setup => ({ smm: { dualMonitor: 'stm' }, fields, ...more });
  const launch = (expect: CaseOutcome): Step => ({ op: 'vmlaunch', expect });
  const hostLaunch = (expect: CaseOutcome): Step => host((a) => { a.vmlaunch(); }, expect);
  const afterLaunch = hex(0x10_0003);
  const ordinary = [{ address: hex(OTHER_VMCS), revisionId: 'ordinary' as const }];
  return [
    smmCase('return.16.unaligned', 'VM entry returning from SMM with executive-VMCS pointer bits 11:0 not 0 fails with VMfailValid(16)',
      ['33.15.4.1', '31.4'], stm({ EXECUTIVE_VMCS_POINTER: hex(VMXON + 0x800) }), [launch(valid(E.VMENTRY_INVALID_EXECUTIVE_VMCS_POINTER))]),
    smmCase('return.16.width', 'VM entry returning from SMM with executive-VMCS pointer bit 63 set (beyond the physical-address width) fails with VMfailValid(16)',
      ['33.15.4.1', '31.4'], stm({ EXECUTIVE_VMCS_POINTER: '0x8000000000010000' }), [launch(valid(E.VMENTRY_INVALID_EXECUTIVE_VMCS_POINTER))]),
    smmCase('return.16.revision', 'VM entry returning from SMM with an executive-VMCS pointer to memory without the VMCS revision identifier fails with VMfailValid(16)',
      ['33.15.4.1', '31.4'], stm({ EXECUTIVE_VMCS_POINTER: hex(0x5_2000) }), [launch(valid(E.VMENTRY_INVALID_EXECUTIVE_VMCS_POINTER))]),
    smmCase('return.17.not-launched', 'VM entry returning from SMM to a never-launched executive VMCS fails with VMfailValid(17)',
      ['33.15.4.1', '31.4'], stm({ EXECUTIVE_VMCS_POINTER: hex(OTHER_VMCS) }, { memory: ordinary }), [launch(valid(E.VMENTRY_NONLAUNCHED_EXECUTIVE_VMCS))]),
    smmCase('return.18.deactivate-not-vmxon', 'VM entry deactivating the dual-monitor treatment with an executive-VMCS pointer other than the VMXON pointer fails with VMfailValid(18)',
      ['33.15.4.1', '33.15.7', '31.4'], stm({ EXECUTIVE_VMCS_POINTER: hex(OTHER_VMCS) }, { memory: ordinary, controls: { set: ['entry.DEACTIVATE_DUAL_MONITOR_TREATMENT'] } }),
      [launch(valid(E.VMENTRY_EXECUTIVE_VMCS_POINTER_NOT_VMXON_POINTER))], { requires: [DUAL_MONITOR, { control: 'entry.DEACTIVATE_DUAL_MONITOR_TREATMENT' }] }),
    smmCase('return.7.inject-to-root', 'A VM entry returning from SMM to VMX root operation that would inject a hardware exception (#UD) fails with VMfailValid(7)',
      ['33.15.4.3', '31.4'], stm({ GUEST_RIP: afterLaunch, VM_ENTRY_INTERRUPTION_INFORMATION: '0x80000306' }),
      [hostLaunch(valid(E.VMENTRY_INVALID_CONTROL_FIELDS))]),
    smmCase('return.to-root-keeps-treatment', 'The STM returns from SMM to VMX root operation (executive-VMCS pointer = VMXON pointer; the VMCS-link pointer, this VMCS, becomes current); the treatment stays active, so VMXOFF then fails with VMfailValid(23)',
      ['33.15.4', '33.15.4.7', '33.15.1', '31.4'], stm({ GUEST_RIP: afterLaunch, VMCS_LINK_POINTER: hex(VMCS) }),
      [hostLaunch({ kind: 'vmsucceed' }), host((a) => { a.vmxoff(); }, valid(E.VMXOFF_UNDER_DUAL_MONITOR_TREATMENT))]),
    // 33.15.4.2: the current VMCS's VM-execution controls are not checked by a return from SMM (to VMX root
    // operation not at all), nor is "save VMX-preemption timer value" without "activate VMX-preemption timer".
    smmCase('return.to-root-current-exec-controls-unchecked', 'A VM entry returning from SMM to VMX root operation does not check the current VMCS\'s VM-execution controls: pin-based controls 0 (default1 bits clear, A.3.1) do not fail it',
      ['33.15.4.2', 'A.3.1'], stm({ GUEST_RIP: afterLaunch, VMCS_LINK_POINTER: hex(VMCS), PIN_BASED_VM_EXECUTION_CONTROLS: '0x0' }),
      [hostLaunch({ kind: 'vmsucceed' })]),
    smmCase('return.to-root-save-timer-unchecked', 'A VM entry returning from SMM does not require "activate VMX-preemption timer" for "save VMX-preemption timer value"',
      ['33.15.4.2', '27.2.1.2'], stm({ GUEST_RIP: afterLaunch, VMCS_LINK_POINTER: hex(VMCS) }, { controls: { set: ['exit.SAVE_VMX_PREEMPTION_TIMER_VALUE'], clear: ['pin.ACTIVATE_VMX_PREEMPTION_TIMER'] } }),
      [hostLaunch({ kind: 'vmsucceed' })], { requires: [DUAL_MONITOR, { control: 'exit.SAVE_VMX_PREEMPTION_TIMER_VALUE' }] }),
    smmCase('return.deactivate', 'The STM deactivates the dual-monitor treatment (VM entry to VMX root operation with "deactivate dual-monitor treatment"); VMXOFF then succeeds',
      ['33.15.7', '33.15.4', '31.3'], stm({ GUEST_RIP: afterLaunch }, { controls: { set: ['entry.DEACTIVATE_DUAL_MONITOR_TREATMENT'] } }),
      [hostLaunch({ kind: 'vmsucceed' }), host((a) => { a.vmxoff(); }, { kind: 'vmsucceed' })],
      { requires: [DUAL_MONITOR, { control: 'entry.DEACTIVATE_DUAL_MONITOR_TREATMENT' }] }),
    smmCase('return.deactivated-vmcall-activates-again', 'After deactivation, VMCALL in VMX root operation attempts activation again: with the current VMCS (none: the link pointer was FFFFFFFF_FFFFFFFFH) it fails with VMfailInvalid',
      ['33.15.7', '33.15.4.7', '31.3'], stm({ GUEST_RIP: afterLaunch }, { controls: { set: ['entry.DEACTIVATE_DUAL_MONITOR_TREATMENT'] } }),
      [hostLaunch({ kind: 'vmsucceed' }), host((a) => { a.vmcall(); }, { kind: 'vmfail-invalid' })],
      { requires: [DUAL_MONITOR, { control: 'entry.DEACTIVATE_DUAL_MONITOR_TREATMENT' }] }),
  ];
}

/**
 * SMM VM exits of SMIs under the dual-monitor treatment ("executive" set-up: the canonical VMCS is the
 * executive monitor's, the SMM-transfer VMCS at 60000H receives the exit, SDM 33.15.2), and what the STM
 * does next: VM entries returning to the guest, and their failures.
 */
function smiCases(): ConformanceCase[] {
  const executive: Setup = { smm: { dualMonitor: 'executive' } };
  const smi = (afterInstructions = 0) => [{ event: 'smi' as const, afterInstructions }];
  const nopCpuid = guest((a) => { a.nop().cpuid(); });
  const otherSmi: Step = {
    op: 'vmlaunch', stimulus: smi(),
    expect: vmexit(6, { EXIT_REASON: '0x6', EXIT_QUALIFICATION: '0x0', EXECUTIVE_VMCS_POINTER: hex(VMCS), GUEST_RIP: hex(GUEST_RIP), GUEST_SMBASE: '0x30000' }),
  };
  const linkInvalid: Step = { op: 'vmwrite', encoding: '0x2800', value: '0xFFFFFFFFFFFFFFFF', mode: '64-bit', expect: { kind: 'vmsucceed' } };
  return [
    smmCase('smi.other.guest', 'An SMI in VMX non-root operation under the dual-monitor treatment causes an SMM VM exit with reason 6 into the SMM-transfer VMCS: executive-VMCS pointer = the guest\'s VMCS, SMBASE saved (30000H after reset)',
      ['33.15.2.2', '33.15.2.3', '33.15.2.4', '33.11'], executive, [otherSmi], { guest: nopCpuid }),
    smmCase('smi.other.guest-after-one', 'An SMI arriving after the guest\'s first instruction: the SMM VM exit (reason 6) saves the RIP of the next instruction',
      ['33.15.2.3', '28.3.3'], executive,
      [{ op: 'vmlaunch', stimulus: smi(1), expect: vmexit(6, { EXIT_REASON: '0x6', GUEST_RIP: hex(GUEST_RIP + 1n) }) }], { guest: nopCpuid }),
    smmCase('smi.other.root', 'An SMI in VMX root operation (after a failed VMLAUNCH) causes an SMM VM exit with reason 6 and bit 29 set; the executive-VMCS pointer receives the VMXON pointer',
      ['33.15.2.2', '33.15.2.3'], executive,
      [launchCpuid, { op: 'vmlaunch', stimulus: smi(), expect: vmexit(6, { EXIT_REASON: '0x20000006', EXECUTIVE_VMCS_POINTER: hex(VMXON), GUEST_RIP: hex(0x10_0003) }) }],
      { guest: guest((a) => { a.cpuid(); }) }),
    smmCase('smi.io.out-imm', 'OUT B2H, AL to a port the platform traps raises an I/O SMI: SMM VM exit reason 5, qualification port B2H, immediate, OUT, 1 byte, I/O RCX and I/O RIP from before the OUT',
      ['33.15.2.3', '28.2.1'], executive,
      [{ op: 'vmlaunch', stimulus: [{ event: 'smi', ioPort: 0xB2 }],
        expect: vmexit(5, { EXIT_REASON: '0x5', EXIT_QUALIFICATION: '0xB20040', IO_RCX: '0x1234', IO_RIP: hex(GUEST_RIP + 5n), GUEST_RIP: hex(GUEST_RIP + 7n) }) }],
      { guest: guest((a) => { a.mov(ecx, 0x1234).out(0xB2, al).cpuid(); }) }),
    smmCase('smi.io.in-dx', 'IN AX, DX from port 1234H that the platform traps raises an I/O SMI: SMM VM exit reason 5, qualification port 1234H, DX, IN, 2 bytes',
      ['33.15.2.3', '28.2.1'], executive,
      [{ op: 'vmlaunch', stimulus: [{ event: 'smi', ioPort: 0x1234 }],
        expect: vmexit(5, { EXIT_REASON: '0x5', EXIT_QUALIFICATION: '0x12340009', IO_RIP: hex(GUEST_RIP + 4n), GUEST_RIP: hex(GUEST_RIP + 6n) }) }],
      { guest: guest((a) => { a.mov(dx, 0x1234).in_(ax, dx).cpuid(); }) }),
    smmCase('smi.return-to-guest', 'After an SMM VM exit from a guest, the STM\'s VMRESUME of the SMM-transfer VMCS returns from SMM to that guest (the executive VMCS becomes current): its CPUID exits to the executive monitor',
      ['33.15.4', '33.15.4.7', '33.15.4.8'], executive,
      [otherSmi, linkInvalid, { op: 'vmresume', expect: vmexit(10, { EXIT_REASON: '0xA', GUEST_RIP: hex(GUEST_RIP + 1n) }) }], { guest: nopCpuid }),
    smmCase('smi.return-link-is-executive', 'The STM\'s VM entry returning from SMM with the VMCS-link pointer equal to the executive-VMCS pointer fails with exit reason 33, qualification 4 (invalid VMCS link pointer; guest.vmcs-link-pointer.not-executive-vmcs)',
      ['27.3.1.5', '33.15.4.10', '27.8'], { ...executive },
      [otherSmi, { op: 'vmwrite', encoding: '0x2800', value: hex(VMCS), mode: '64-bit', expect: { kind: 'vmsucceed' } },
        { op: 'vmresume', expect: { kind: 'entry-failure', exitReason: 33, qualification: '0x4', check: 'guest.vmcs-link-pointer.not-executive-vmcs' } }],
      { guest: nopCpuid }),
    smmCase('smi.return.25.executive-controls', 'The STM makes the executive VMCS\'s pin-based controls invalid (0: default1 bits clear, A.3.1); its VM entry returning to it fails with VMfailValid(25)',
      ['33.15.4.2', 'A.3.1', '31.4'], executive,
      [otherSmi, host((a) => {
        pointer(a, VMCS); a.vmptrld(qword(0x5000));
        a.mov(eax, PIN_BASED_VM_EXECUTION_CONTROLS).xor(ecx, ecx).vmwrite(rax, rcx);
        pointer(a, TRANSFER_VMCS); a.vmptrld(qword(0x5000));
        a.mov(eax, 0x2800).mov(rcx, -1n).vmwrite(rax, rcx);
        a.vmresume();
      }, valid(E.VMENTRY_INVALID_VM_EXECUTION_CONTROL_FIELDS_IN_EXECUTIVE_VMCS))],
      { guest: nopCpuid }),
    smmCase('smi.return.current-exec-controls-unchecked', 'The STM clears the SMM-transfer VMCS\'s pin-based controls (default1 bits too, A.3.1): its VM entry returning to the guest checks the executive VMCS\'s VM-execution controls instead and succeeds; the guest\'s CPUID exits to the executive monitor',
      ['33.15.4.2', 'A.3.1'], executive,
      [otherSmi, host((a) => {
        a.mov(edx, PIN_BASED_VM_EXECUTION_CONTROLS).xor(eax, eax).vmwrite(rdx, rax);
        a.mov(edx, VMCS_LINK_POINTER).mov(rax, -1n).vmwrite(rdx, rax);
      }, { kind: 'vmsucceed' }), { op: 'vmresume', expect: vmexit(10, { EXIT_REASON: '0xA', GUEST_RIP: hex(GUEST_RIP + 1n) }) }],
      { guest: nopCpuid }),
    // 33.15.4.6: the VMX-preemption timer after a return from SMM to a guest is activated by the executive VMCS's
    // control and loaded from the current (SMM-transfer) VMCS's timer-value field; a value of 0 exits before the
    // guest's first instruction (27.7.4), to the executive monitor (33.15.4.8).
    smmCase('smi.return.timer-executive-control', 'The executive VMCS activates the VMX-preemption timer; the STM\'s VM entry returning to the guest loads the timer from the SMM-transfer VMCS (value 0), so the guest exits with reason 52 before its first instruction',
      ['33.15.4.6', '33.15.4.8', '27.7.4', '26.5.1'],
      { ...executive, controls: { set: ['pin.ACTIVATE_VMX_PREEMPTION_TIMER'] }, fields: { VMX_PREEMPTION_TIMER_VALUE: '0xFFFFFFFF' } },
      [otherSmi, host((a) => {
        a.mov(edx, VMX_PREEMPTION_TIMER_VALUE).xor(eax, eax).vmwrite(rdx, rax);
        a.mov(edx, VMCS_LINK_POINTER).mov(rax, -1n).vmwrite(rdx, rax);
      }, { kind: 'vmsucceed' }), { op: 'vmresume', expect: vmexit(52, { EXIT_REASON: '0x34', GUEST_RIP: hex(GUEST_RIP) }) }],
      { guest: nopCpuid, requires: [DUAL_MONITOR, { control: 'pin.ACTIVATE_VMX_PREEMPTION_TIMER' }] }),
    smmCase('smi.return.timer-not-current-control', 'The SMM-transfer VMCS sets "activate VMX-preemption timer" (value 0) but the executive VMCS does not: the VM entry returning to the guest starts no timer, and the guest runs to its CPUID exit',
      ['33.15.4.6', '27.7.4'], executive,
      [otherSmi, host((a) => {
        a.mov(edx, PIN_BASED_VM_EXECUTION_CONTROLS).vmread(rax, rdx).or(eax, PIN_CTLS.ACTIVATE_VMX_PREEMPTION_TIMER).vmwrite(rdx, rax);
        a.mov(edx, VMX_PREEMPTION_TIMER_VALUE).xor(eax, eax).vmwrite(rdx, rax);
        a.mov(edx, VMCS_LINK_POINTER).mov(rax, -1n).vmwrite(rdx, rax);
      }, { kind: 'vmsucceed' }), { op: 'vmresume', expect: vmexit(10, { EXIT_REASON: '0xA', GUEST_RIP: hex(GUEST_RIP + 1n) }) }],
      { guest: nopCpuid, requires: [DUAL_MONITOR, { control: 'pin.ACTIVATE_VMX_PREEMPTION_TIMER' }] }),
  ];
}

/** An STM guest: a VM entry in SMM with "entry to SMM" (it needs blocking by SMI, 27.3.1.5) stays in SMM (33.15.3). */
function stmGuestCases(): ConformanceCase[] {
  const smmGuest: Setup = { smm: { dualMonitor: 'stm' }, controls: { set: ['entry.ENTRY_TO_SMM'] }, fields: { GUEST_INTERRUPTIBILITY_STATE: '0x4' } };
  const requires = [DUAL_MONITOR, { control: 'entry.ENTRY_TO_SMM' }];
  return [
    smmCase('rsm.stm-guest', 'RSM in an STM guest (VMX non-root operation in SMM) causes a VM exit with reason 17 and its instruction length',
      ['26.1.3', '33.15.3', '28.2.5'], smmGuest,
      [{ op: 'vmlaunch', expect: vmexit(17, { EXIT_REASON: '0x11', VM_EXIT_INSTRUCTION_LENGTH: '0x2', GUEST_RIP: hex(GUEST_RIP) }) }],
      { requires, guest: guest((a) => { a.rsm(); }) }),
    smmCase('rsm.outside-smm', 'RSM in a guest outside SMM is #UD (Vol. 2 RSM): with exception-bitmap bit 6 it exits with reason 0, vector 6',
      ['2:RSM', '26.2', '28.2.2'], { fields: { EXCEPTION_BITMAP: '0x40' } },
      [{ op: 'vmlaunch', expect: vmexit(0, { VM_EXIT_INTERRUPTION_INFORMATION: '0x80000306', GUEST_RIP: hex(GUEST_RIP) }) }],
      { requires: [], guest: guest((a) => { a.rsm(); }) }),
    smmCase('stm-guest.smm-monitor-ctl-load', 'In SMM, a VM entry may load IA32_SMM_MONITOR_CTL from its MSR-load area (the check msr-load.smm-only applies outside SMM only): the STM guest runs to its CPUID',
      ['27.4', '33.15.5'], {
        ...smmGuest, fields: { ...smmGuest.fields, VM_ENTRY_MSR_LOAD_COUNT: '0x1', VM_ENTRY_MSR_LOAD_ADDRESS: '0x5000' },
        memory: [{ address: '0x5000', bytes: '9B000000000000000100070000000000' }],
      },
      [{ op: 'vmlaunch', expect: vmexit(10, { EXIT_REASON: '0xA' }) }], { requires, guest: guest((a) => { a.cpuid(); }) }),
  ];
}

export function smmCases(): ConformanceCase[] {
  return [...activationCases(), ...vmxoffCases(), ...returnCases(), ...smiCases(), ...stmGuestCases()];
}
