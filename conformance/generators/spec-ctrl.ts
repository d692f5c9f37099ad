// IA32_SPEC_CTRL virtualization (tertiary control "virtualize IA32_SPEC_CTRL", SDM 25.6.26, 26.3): the guest's
// RDMSR of 48H returns the IA32_SPEC_CTRL shadow; its WRMSR writes the shadow and loads the MSR with the written
// value in the bits the mask leaves clear and the MSR's own bits where the mask is set; the MSR bitmaps are
// consulted first (26.1.3). No built-in profile offers the control: the cases run on a variant of
// sapphire-rapids-server (the one with tertiary controls) that also offers "load IA32_SPEC_CTRL" on entry, which
// gives the MSR a known value (27.3.2.1). What the guest read is stored at SCRATCH; what the MSR holds after
// the exit is read by the host (the exit does not load it: no secondary exit controls are set).
// Expected values follow from those rules, never from running the model. IA32_SPEC_CTRL bits (Vol. 4 Table
// 2-2): IBRS 0, STIBP 1, SSBD 2; bit 9 is reserved.
import type { ConformanceCase, ControlRef } from '../../model/generated/index.js';
import { IA32_SPEC_CTRL } from '../../model/vmx/spec-ctrl.js';
import { hex } from './exits.js';
import { MSR_BITMAP, guest, hostReads, launch, readInto, writeMsr } from './state-controls.js';

type Step = ConformanceCase['steps'][number];

const VARIANT: NonNullable<ConformanceCase['profile']> = {
  name: 'sapphire-rapids-server',
  msrs: {
    // Tertiary bit 7 (A.3.4: IA32_VMX_PROCBASED_CTLS3 reports allowed 1-settings in all 64 bits); entry bit 24 (A.5).
    IA32_VMX_PROCBASED_CTLS3: { set: '0x80' },
    IA32_VMX_ENTRY_CTLS: { set: '0x100000000000000' },
    IA32_VMX_TRUE_ENTRY_CTLS: { set: '0x100000000000000' },
  },
};
const BASE: ControlRef[] = ['proc.USE_MSR_BITMAPS', 'proc.ACTIVATE_TERTIARY_CONTROLS', 'entry.LOAD_IA32_SPEC_CTRL'];
const VIRTUALIZE: ControlRef = 'proc3.VIRTUALIZE_IA32_SPEC_CTRL';
/** The MSR as VM entry loads it: IBRS. */
const LOADED = 0x1n;
const WRMSR = 32, EXCEPTION_OR_NMI = 0;

interface SpecCase {
  readonly id: string;
  readonly title: string;
  readonly sdm: readonly [string, ...string[]];
  readonly virtualize: boolean;
  readonly mask: bigint;
  readonly shadow: bigint;
  readonly guest: NonNullable<ConformanceCase['guest']>;
  readonly steps: [Step, ...Step[]];
  readonly fields?: Record<string, string>;
  readonly memory?: NonNullable<ConformanceCase['setup']>['memory'];
}

function specCase(s: SpecCase): ConformanceCase {
  return {
    id: s.id, title: s.title, sdm: [s.sdm[0], ...s.sdm.slice(1)],
    tags: ['spec-ctrl', 'profile-variant'],
    profile: VARIANT,
    requires: [...BASE, VIRTUALIZE].map((control) => ({ control })),
    setup: {
      fields: {
        MSR_BITMAPS_ADDRESS: hex(MSR_BITMAP), GUEST_IA32_SPEC_CTRL: hex(LOADED),
        IA32_SPEC_CTRL_MASK: hex(s.mask), IA32_SPEC_CTRL_SHADOW: hex(s.shadow), ...s.fields,
      },
      controls: s.virtualize ? { set: [...BASE, VIRTUALIZE] } : { set: BASE, clear: [VIRTUALIZE] },
      ...(s.memory ? { memory: s.memory } : {}),
    },
    guest: s.guest,
    steps: s.steps,
  };
}

function vmreadShadow(value: bigint): Step {
  return { op: 'vmread', encoding: hex(0x204C), mode: '64-bit', expect: { kind: 'vmsucceed', value: hex(value) } };
}

export function specCtrlCases(): ConformanceCase[] {
  const read = guest(readInto(IA32_SPEC_CTRL));
  return [
    specCase({
      id: 'spec-ctrl.virtualize.rdmsr-returns-shadow',
      title: 'With "virtualize IA32_SPEC_CTRL" 1 the guest\'s RDMSR of 48H returns the IA32_SPEC_CTRL shadow (4H), not the MSR VM entry loaded (1H)',
      sdm: ['26.3', '25.6.26'],
      virtualize: true, mask: 0n, shadow: 0x4n, guest: read,
      steps: [launch({}, 0x4n)],
    }),
    specCase({
      id: 'spec-ctrl.virtualize.off-rdmsr-returns-msr',
      title: 'With "virtualize IA32_SPEC_CTRL" 0 the guest\'s RDMSR of 48H returns the MSR VM entry loaded (1H), whatever the shadow holds',
      sdm: ['26.3', '27.3.2.1'],
      virtualize: false, mask: 0n, shadow: 0x4n, guest: read,
      steps: [launch({}, LOADED)],
    }),
    specCase({
      id: 'spec-ctrl.virtualize.wrmsr-through-mask',
      title: 'With the mask 1H (IBRS is the VMM\'s), the guest\'s WRMSR of 4H (SSBD) sets the shadow to 4H and the MSR to 5H (IBRS kept, SSBD written); its RDMSR then returns 4H',
      sdm: ['26.3', '25.6.26'],
      virtualize: true, mask: 0x1n, shadow: 0n,
      guest: guest((a) => { writeMsr(IA32_SPEC_CTRL, 0x4n)(a); readInto(IA32_SPEC_CTRL)(a); }),
      steps: [launch({}, 0x4n), vmreadShadow(0x4n), ...hostReads(IA32_SPEC_CTRL, 0x5n)],
    }),
    specCase({
      id: 'spec-ctrl.virtualize.wrmsr-masked-bit-kept',
      title: 'With the mask 1H, the guest\'s WRMSR of 0 cannot clear IBRS: the MSR stays 1H while the shadow becomes 0',
      sdm: ['26.3', '25.6.26'],
      virtualize: true, mask: 0x1n, shadow: 0x7n,
      guest: guest(writeMsr(IA32_SPEC_CTRL, 0n)),
      steps: [launch({}), vmreadShadow(0n), ...hostReads(IA32_SPEC_CTRL, 0x1n)],
    }),
    specCase({
      id: 'spec-ctrl.virtualize.msr-bitmap-first',
      title: 'With the write bit of MSR 48H set in the MSR bitmaps, the guest\'s WRMSR exits (reason 32) before virtualization: the shadow keeps 7H',
      sdm: ['26.1.3', '25.6.9', '26.3'],
      virtualize: true, mask: 0n, shadow: 0x7n,
      // Write bitmap for low MSRs at offset 800H; MSR 48H is bit 0 of byte 9 (25.6.9).
      memory: [{ address: hex(MSR_BITMAP + 0x800 + (IA32_SPEC_CTRL >>> 3)), bytes: '01' }],
      guest: guest(writeMsr(IA32_SPEC_CTRL, 0x2n)),
      steps: [{ op: 'vmlaunch', expect: { kind: 'vm-exit', exitReason: WRMSR, fields: { GUEST_RIP: hex(0x30_0000 + 15) } } }, vmreadShadow(0x7n)],
    }),
    specCase({
      id: 'spec-ctrl.virtualize.wrmsr-reserved-bit',
      title: 'With the mask 0, a guest WRMSR setting reserved bit 9 of IA32_SPEC_CTRL raises #GP(0) (exit by the exception bitmap); the shadow keeps 7H',
      sdm: ['26.3', '2:WRMSR', '28.2.2'],
      virtualize: true, mask: 0n, shadow: 0x7n,
      fields: { EXCEPTION_BITMAP: hex(1 << 13) },
      guest: guest(writeMsr(IA32_SPEC_CTRL, 0x200n)),
      steps: [{
        op: 'vmlaunch',
        expect: { kind: 'vm-exit', exitReason: EXCEPTION_OR_NMI, fields: { VM_EXIT_INTERRUPTION_INFORMATION: '0x80000B0D', VM_EXIT_INTERRUPTION_ERROR_CODE: '0x0', GUEST_RIP: hex(0x30_0000 + 15) } },
      }, vmreadShadow(0x7n)],
    }),
  ];
}
