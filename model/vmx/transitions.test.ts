// VM entry into a 64-bit guest and VM exits back to the host (SDM 27.3.2, 28.1-28.5), from the
// canonical baseline configuration (conformance/baseline.ts).
import { describe, expect, it } from 'vitest';
import { Assembler, ds, eax, ecx, edx, esi, rax, rbx, rcx, rdx } from '../../conformance/asm/index.js';
import { BASELINE_MEMORY, BASELINE_SELECTORS, enterBaseline } from '../../conformance/baseline.js';
import { machineIn } from '../../conformance/harness/cpu.js';
import { ENTRY_CTLS, EXIT_REASON, PIN_CTLS, PROC_CTLS, VMCS_FIELD } from '../generated/index.js';
import type { Machine } from '../machine/index.js';
import { DS, ES, FS, GS, SS } from '../cpu/registers.js';
import { vmxOf } from './operation.js';
import { vmEntry } from './transitions.js';

/** A host at CODE_BASE that executes VMLAUNCH, a guest at the baseline guest RIP, and an exit handler. */
function machineWithGuest(guest: (a: Assembler) => void, handler: (a: Assembler) => void = (a) => a.hlt()): Machine {
  const host = new Assembler(64);
  host.vmlaunch();
  host.hlt(); // reached only if VMLAUNCH fails as an instruction
  const m = machineIn('long64', { code: host.assemble(0x10_0000n).bytes });
  enterBaseline(m);
  const g = new Assembler(64); guest(g);
  m.memory.load(BASELINE_MEMORY.guestRip, g.assemble(BigInt(BASELINE_MEMORY.guestRip)).bytes);
  const h = new Assembler(64); handler(h);
  m.memory.load(BASELINE_MEMORY.hostRip, h.assemble(BigInt(BASELINE_MEMORY.hostRip)).bytes);
  return m;
}

describe('VM entry and VM exit round trip', () => {
  it('CPUID in the guest exits with reason 10 and instruction length 2; the host resumes at HOST_RIP (SDM 26.1.2, 28.2)', () => {
    const m = machineWithGuest((a) => { a.mov(eax, 0); a.cpuid(); a.hlt(); });
    const r = m.run(100);
    expect(r.end).toBe('hlt');
    const vmcs = vmxOf(m.cpu).current!;
    expect(vmcs.get('EXIT_REASON')).toBe(10n);
    expect(vmcs.get('VM_EXIT_INSTRUCTION_LENGTH')).toBe(2n);          // 0F A2
    expect(vmcs.get('GUEST_RIP')).toBe(BigInt(BASELINE_MEMORY.guestRip + 5)); // after MOV EAX, imm32 (5 bytes)
    expect(vmcs.launched).toBe(true);
    const cpu = m.cpu;
    // Host state (28.5): RIP after the HLT at HOST_RIP, RSP, CS selector, RFLAGS = 2, 64-bit mode.
    expect(cpu.ripLo).toBe(BASELINE_MEMORY.hostRip + 1);
    expect(cpu.lo[4]).toBe(BASELINE_MEMORY.hostStackTop);
    expect(cpu.segSel[1]).toBe(BASELINE_SELECTORS.code);
    expect(cpu.flagsValue).toBe(0x2);
    expect(cpu.bitness).toBe(64);
    expect(vmxOf(cpu).nonRoot).toBe(false);
  });

  it('an exit from a compatibility-mode guest returns to a 64-bit host at CPL 0: the mode follows the loaded CS, SS, CR0, EFER (SDM 28.5.1, 28.5.2; Vol. 3A 2.2)', () => {
    const m = machineWithGuest((a) => { a.cpuid(); a.hlt(); }); // 0F A2, F4: the same bytes in 32-bit code
    const vmcs = vmxOf(m.cpu).current!;
    // CS: L = 0, D/B = 1 (a 32-bit code segment of an IA-32e mode guest: compatibility mode, 27.3.1.2).
    vmcs.set('GUEST_CS_ACCESS_RIGHTS', 0xC09Bn);
    vmcs.set('GUEST_CS_LIMIT', 0xFFFF_FFFFn);
    const r = m.run(100);
    expect(r.end).toBe('hlt');
    expect(vmcs.get('EXIT_REASON')).toBe(10n);
    expect(vmcs.get('GUEST_CS_ACCESS_RIGHTS')).toBe(0xC09Bn); // saved as it was (28.3.1)
    expect(m.cpu.bitness).toBe(64); // host CS: L = 1 with "host address-space size" = 1 (28.5.2)
    expect(m.cpu.cpl).toBe(0);
    expect(m.cpu.segAttr[1]).toBe(0xA09B);
  });

  it('each exit saves the guest state as it is then: what the guest changed, and what the host wrote before the entry (SDM 27.3.2, 28.3.1, 28.3.2)', () => {
    const m = machineWithGuest((a) => { a.cpuid(); a.push(rax); a.cpuid(); a.hlt(); });
    const vmcs = vmxOf(m.cpu).current!;
    const gdtrLimit = vmcs.get('GUEST_GDTR_LIMIT');
    expect(m.run(100).end).toBe('hlt'); // the first CPUID exits; the host halts
    expect(vmcs.get('GUEST_RSP')).toBe(BigInt(BASELINE_MEMORY.guestStackTop));
    // The host skips the CPUID and changes a guest field the guest never writes, then VMRESUME (the API's).
    vmcs.set('GUEST_RIP', vmcs.get('GUEST_RIP') + 2n);
    vmcs.set('GUEST_GDTR_LIMIT', gdtrLimit + 1n);
    expect(vmEntry(m.cpu, false).kind).toBe('entered');
    m.cpu.ripLo = m.cpu.nextLo; m.cpu.ripHi = m.cpu.nextHi;
    expect(m.run(100).end).toBe('hlt'); // PUSH RAX, then the second CPUID exits
    expect(vmxOf(m.cpu).nonRoot).toBe(false);
    expect(vmcs.get('GUEST_RSP')).toBe(BigInt(BASELINE_MEMORY.guestStackTop - 8));
    expect(vmcs.get('GUEST_GDTR_LIMIT')).toBe(gdtrLimit + 1n);
    expect(m.cpu.gdtrLimit).toBe(0xFFFF); // the host's (28.5.2)
  });

  it('an exit saves a segment register the guest changed: a null DS as unusable (SDM 28.3.1)', () => {
    const m = machineWithGuest((a) => {
      a.mov(eax, 0); a.mov(ds, eax); // a null selector in 64-bit mode: DS unusable
      a.cpuid(); a.hlt();
    });
    const vmcs = vmxOf(m.cpu).current!;
    expect(vmcs.get('GUEST_DS_SELECTOR')).toBe(BigInt(BASELINE_SELECTORS.data));
    expect(m.run(100).end).toBe('hlt');
    expect(vmcs.get('EXIT_REASON')).toBe(10n);
    expect(vmcs.get('GUEST_DS_SELECTOR')).toBe(0n);
    expect((vmcs.get('GUEST_DS_ACCESS_RIGHTS') >> 16n) & 1n).toBe(1n); // bit 16: unusable
  });

  it('an exit loads null host DS and FS selectors as unusable; SS, ES and GS stay usable (SDM 28.5.2)', () => {
    const m = machineWithGuest((a) => { a.cpuid(); a.hlt(); });
    const vmcs = vmxOf(m.cpu).current!;
    vmcs.set('HOST_DS_SELECTOR', 0n);
    vmcs.set('HOST_FS_SELECTOR', 0n);
    expect(m.run(100).end).toBe('hlt');
    expect(vmcs.get('EXIT_REASON')).toBe(10n);
    const unusable = (seg: number): number => (m.cpu.segAttr[seg]! >> 16) & 1;
    expect([unusable(DS), unusable(FS)]).toEqual([1, 1]);
    expect([unusable(SS), unusable(ES), unusable(GS)]).toEqual([0, 0, 0]);
    expect(m.cpu.segSel[GS]).toBe(BASELINE_SELECTORS.data);
  });

  it('the guest runs its own code: registers it sets before the exit stay set (SDM 28.1)', () => {
    const m = machineWithGuest((a) => { a.mov(ecx, 0x1234); a.vmcall(); });
    m.run(100);
    expect(vmxOf(m.cpu).current!.get('EXIT_REASON')).toBe(18n); // VMCALL
    expect(m.cpu.lo[1]).toBe(0x1234);
  });

  it('HLT exits only when "HLT exiting" is 1 (SDM 26.1.3)', () => {
    const m = machineWithGuest((a) => { a.hlt(); });
    const vmcs = vmxOf(m.cpu).current!;
    vmcs.set('PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS', vmcs.get('PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS') | BigInt(PROC_CTLS.HLT_EXITING));
    m.run(100);
    expect(vmcs.get('EXIT_REASON')).toBe(12n);
    expect(vmcs.get('VM_EXIT_INSTRUCTION_LENGTH')).toBe(1n);
  });

  it('VMLAUNCH of a launched VMCS fails with error 4; VMRESUME of a clear one with error 5 (SDM 31.3)', () => {
    const m = machineWithGuest((a) => { a.cpuid(); });
    const vmcs = vmxOf(m.cpu).current!;
    vmcs.launched = true;
    m.run(10);
    expect(vmcs.get('VM_INSTRUCTION_ERROR')).toBe(4n);
    expect(m.cpu.ripLo).toBe(0x10_0000 + 3 + 1); // past VMLAUNCH (0F 01 C2) and the HLT after it
  });

  it('loads the VM-entry MSR-load area, stores the VM-exit MSR-store area, loads the VM-exit MSR-load area (SDM 27.4, 28.4, 28.6)', () => {
    const m = machineWithGuest((a) => { a.cpuid(); });
    const vmcs = vmxOf(m.cpu).current!;
    const SYSENTER_ESP = 0x175; // IA32_SYSENTER_ESP: plain storage, canonical values only
    const area = (at: number, value: bigint): void => { m.memory.write32(at, SYSENTER_ESP); m.memory.write32(at + 4, 0); m.memory.write64(at + 8, value); };
    area(0x6_0000, 0x1111n); // entry load: the guest's value
    area(0x6_1000, 0n);      // exit store: receives the guest's value
    area(0x6_2000, 0x2222n); // exit load: the host's value
    vmcs.set('VM_ENTRY_MSR_LOAD_COUNT', 1n); vmcs.set('VM_ENTRY_MSR_LOAD_ADDRESS', 0x6_0000n);
    vmcs.set('VM_EXIT_MSR_STORE_COUNT', 1n); vmcs.set('VM_EXIT_MSR_STORE_ADDRESS', 0x6_1000n);
    vmcs.set('VM_EXIT_MSR_LOAD_COUNT', 1n); vmcs.set('VM_EXIT_MSR_LOAD_ADDRESS', 0x6_2000n);
    m.run(100);
    expect(vmcs.get('EXIT_REASON')).toBe(10n);
    expect(m.memory.read64(0x6_1000 + 8)).toBe(0x1111n);
    expect(m.cpu.msr.read(SYSENTER_ESP)).toBe(0x2222n);
  });

  it('fails VM entry with exit reason 34 and the 1-based index of the first bad MSR-load entry (SDM 27.4, 27.8)', () => {
    const m = machineWithGuest((a) => { a.cpuid(); });
    const vmcs = vmxOf(m.cpu).current!;
    // Entry 1 is fine; entry 2 names an x2APIC MSR (800h-8FFh), which VM entry may not load.
    m.memory.write32(0x6_0000, 0x175); m.memory.write64(0x6_0008, 0x10n);
    m.memory.write32(0x6_0010, 0x808); m.memory.write64(0x6_0018, 0n);
    vmcs.set('VM_ENTRY_MSR_LOAD_COUNT', 2n); vmcs.set('VM_ENTRY_MSR_LOAD_ADDRESS', 0x6_0000n);
    m.run(100);
    expect(vmcs.get('EXIT_REASON')).toBe(34n | (1n << 31n));
    expect(vmcs.get('EXIT_QUALIFICATION')).toBe(2n);
  });
});

describe('MSRs loaded and saved by VM entries and exits stay exact across round trips (msr-memo.ts)', () => {
  const SYSENTER_CS = 0x174;
  /** Exit handler: WRMSR SYSENTER_CS = 99h in root operation or VMWRITE GUEST_IA32_SYSENTER_CS, skip the CPUID, VMRESUME. */
  const handler = (guestValue?: number) => (a: Assembler): void => {
    if (guestValue === undefined) { a.mov(ecx, SYSENTER_CS); a.mov(eax, 0x99); a.mov(edx, 0); a.wrmsr(); }
    if (guestValue !== undefined) { a.mov(edx, VMCS_FIELD.GUEST_IA32_SYSENTER_CS); a.mov(eax, guestValue); a.vmwrite(rdx, rax); }
    a.mov(edx, VMCS_FIELD.GUEST_RIP); a.mov(ecx, VMCS_FIELD.VM_EXIT_INSTRUCTION_LENGTH);
    a.vmread(rax, rdx); a.vmread(rbx, rcx); a.add(rax, rbx); a.vmwrite(rdx, rax);
    a.vmresume(); a.hlt();
  };

  it('an MSR the host changed between exit and VMRESUME is loaded again from the guest field (SDM 27.3.2.1)', () => {
    // Guest and host fields are equal (0, the baseline): only the host's WRMSR makes the MSR differ.
    const m = machineWithGuest((a) => { a.cpuid(); a.cpuid(); a.hlt(); }, handler());
    expect(m.run(200).end).toBe('hlt');
    expect(vmxOf(m.cpu).nonRoot).toBe(true); // halted in the guest after two round trips
    expect(m.cpu.msr.read(SYSENTER_CS)).toBe(0n);
  });

  it('a guest field VMWRITE changed (the MSR untouched) is loaded at entry and saved back at the next exit (SDM 27.3.2.1, 28.3.2)', () => {
    const m = machineWithGuest((a) => { a.cpuid(); a.cpuid(); a.hlt(); }, handler(0x77));
    m.run(200);
    expect(m.cpu.msr.read(SYSENTER_CS)).toBe(0x77n); // in the guest
    const vmcs = vmxOf(m.cpu).current!;
    expect(vmcs.get('GUEST_IA32_SYSENTER_CS')).toBe(0x77n);
  });

  it('the host field is loaded at every exit over the guest value (SDM 28.5.1)', () => {
    const m = machineWithGuest((a) => { a.cpuid(); a.cpuid(); a.hlt(); }, (a) => { a.hlt(); });
    const vmcs = vmxOf(m.cpu).current!;
    vmcs.set('GUEST_IA32_SYSENTER_CS', 0x55n);
    m.run(200);
    expect(vmxOf(m.cpu).nonRoot).toBe(false);
    expect(m.cpu.msr.read(SYSENTER_CS)).toBe(0n);
    expect(vmcs.get('GUEST_IA32_SYSENTER_CS')).toBe(0x55n);
  });
});

describe('state the round trips skip moving stays exact (msr-memo.ts groups, timers.ts, decode.ts recent pages)', () => {
  const SYSENTER_ESP = 0x175, FS_BASE = 0xC000_0100, DEBUGCTL = 0x1D9;
  /** A zeroed 4 KiB MSR bitmap (SDM 25.6.9): with "use MSR bitmaps" the guest's RDMSR/WRMSR of these MSRs do not exit. */
  const MSR_BITMAP = 0x5_0000;
  /**
   * Exit handler: on VMCALL it halts (the host state stays for the test to read); otherwise `before` runs, then it
   * skips the exiting instruction (GUEST_RIP + exit instruction length, SDM 28.2.5) and VMRESUMEs.
   */
  const handler = (before: (a: Assembler) => void = () => {}) => (a: Assembler): void => {
    a.mov(edx, VMCS_FIELD.EXIT_REASON); a.vmread(rax, rdx); a.cmp(eax, EXIT_REASON.VMCALL); a.jz('done');
    before(a);
    a.mov(edx, VMCS_FIELD.GUEST_RIP); a.mov(ecx, VMCS_FIELD.VM_EXIT_INSTRUCTION_LENGTH);
    a.vmread(rax, rdx); a.vmread(rbx, rcx); a.add(rax, rbx); a.vmwrite(rdx, rax);
    a.vmresume();
    a.label('done'); a.hlt();
  };
  /** Guest RDMSR/WRMSR run without exits: "use MSR bitmaps" with an all-zero bitmap (SDM 26.1.3). */
  const withMsrBitmap = (m: Machine): void => {
    const vmcs = vmxOf(m.cpu).current!;
    vmcs.set('PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS', vmcs.get('PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS') | BigInt(PROC_CTLS.USE_MSR_BITMAPS));
    vmcs.set('MSR_BITMAPS_ADDRESS', BigInt(MSR_BITMAP));
  };
  const wrmsr = (a: Assembler, msr: number, value: number): void => { a.mov(ecx, msr); a.mov(eax, value); a.mov(edx, 0); a.wrmsr(); };

  /**
   * Two CPUID round trips with the minimal handler (nothing moves once the memos are warm), then `body`, then a
   * VMCALL the host halts on; returns the machine and its VMCS.
   */
  function afterRoundTrips(body: (a: Assembler) => void, before?: (a: Assembler) => void, edit?: (m: Machine) => void) {
    const m = machineWithGuest((a) => { a.cpuid(); a.cpuid(); body(a); a.vmcall(); }, handler(before));
    withMsrBitmap(m);
    edit?.(m);
    expect(m.run(200).end).toBe('hlt');
    const vmcs = vmxOf(m.cpu).current!;
    expect(vmcs.get('EXIT_REASON')).toBe(BigInt(EXIT_REASON.VMCALL));
    return { m, vmcs };
  }

  it.each([
    // Saved into its guest field by every exit (28.3.2); the host field (0 in the baseline) loaded (28.5.1).
    { msr: SYSENTER_ESP, field: 'GUEST_IA32_SYSENTER_ESP', sdm: '28.3.2, 28.5.1', host: 0n },
    // Saved from FS.base (28.3.1); HOST_FS_BASE loaded into FS and the MSR (28.5.2).
    { msr: FS_BASE, field: 'GUEST_FS_BASE', sdm: '28.3.1, 28.5.2', host: 0n },
    // Saved whenever the processor supports "clear IA32_BNDCFGS" (skylake-server does, 28.3.1); that control is 0:
    // the host keeps the guest's value (28.5.1). Bit 0 EN, bits 63:12 the base (Vol. 1 17.3.1).
    { msr: 0xD90, field: 'GUEST_IA32_BNDCFGS', sdm: '28.3.1, 28.5.1', host: 0x1001n },
    // Saved only with "save debug controls" (0 in the baseline, not checked here); cleared by every exit (28.5.1).
    { msr: DEBUGCTL, field: undefined, sdm: '28.5.1', host: 0n },
  ])('a guest WRMSR of MSR $msr after round trips that moved nothing reaches the exit (SDM $sdm)', ({ msr, field, host }) => {
    const { m, vmcs } = afterRoundTrips((a) => wrmsr(a, msr, 0x1001));
    if (field !== undefined) expect(vmcs.get(field)).toBe(0x1001n);
    expect(m.cpu.msr.read(msr)).toBe(host);
    if (msr === FS_BASE) expect(m.cpu.segBaseLo[FS]).toBe(0);
  });

  it.each([
    { field: VMCS_FIELD.HOST_FS_BASE, msr: FS_BASE, sdm: '28.5.2' },
    { field: VMCS_FIELD.HOST_IA32_SYSENTER_CS, msr: 0x174, sdm: '28.5.1' },
  ])('a host field $field the host VMWRITEs between exits is loaded into MSR $msr by the next exit (SDM $sdm)', ({ field, msr }) => {
    const { m } = afterRoundTrips(() => {}, (a) => { a.mov(edx, field); a.mov(eax, 0x7000); a.vmwrite(rdx, rax); });
    expect(m.cpu.msr.read(msr)).toBe(0x7000n);
    if (msr === FS_BASE) expect(m.cpu.segBaseLo[FS]).toBe(0x7000);
  });

  it('a GUEST_IA32_DEBUGCTL the host VMWRITEs is what the guest reads after the next entry; the exit clears the MSR (SDM 27.3.2.1, 28.5.1)', () => {
    const { m } = afterRoundTrips((a) => { a.mov(ecx, DEBUGCTL); a.rdmsr(); a.mov(esi, eax); },
      (a) => { a.mov(edx, VMCS_FIELD.GUEST_IA32_DEBUGCTL); a.mov(eax, 1); a.vmwrite(rdx, rax); }, // bit 0: LBR
      (m) => { const v = vmxOf(m.cpu).current!; v.set('VM_ENTRY_CONTROLS', v.get('VM_ENTRY_CONTROLS') | BigInt(ENTRY_CTLS.LOAD_DEBUG_CONTROLS)); });
    expect(m.cpu.lo[6]).toBe(1); // ESI: the guest's RDMSR
    expect(m.cpu.msr.read(DEBUGCTL)).toBe(0n);
  });

  it('a VMX-preemption timer activated after round trips without one runs: value 0 exits before the first guest instruction (SDM 27.7.4)', () => {
    const m = machineWithGuest((a) => { a.cpuid(); a.cpuid(); a.vmcall(); }, handler());
    expect(m.run(200).end).toBe('hlt');
    const vmcs = vmxOf(m.cpu).current!;
    vmcs.set('PIN_BASED_VM_EXECUTION_CONTROLS', vmcs.get('PIN_BASED_VM_EXECUTION_CONTROLS') | BigInt(PIN_CTLS.ACTIVATE_VMX_PREEMPTION_TIMER));
    vmcs.set('VMX_PREEMPTION_TIMER_VALUE', 0n);
    vmcs.set('GUEST_RIP', BigInt(BASELINE_MEMORY.guestRip));
    expect(vmEntry(m.cpu, false).kind).toBe('entered');
    m.cpu.ripLo = m.cpu.nextLo; m.cpu.ripHi = m.cpu.nextHi;
    m.run(1);
    expect(vmcs.get('EXIT_REASON')).toBe(BigInt(EXIT_REASON.VMX_PREEMPTION_TIMER_EXPIRED));
    expect(vmcs.get('GUEST_RIP')).toBe(BigInt(BASELINE_MEMORY.guestRip));
  });

  it('guest code the host rewrites between round trips runs as rewritten (SDM Vol. 3A 11.6)', () => {
    // MOV ESI, imm32 (BE imm32): the immediate is at offset 1 of the instruction, after the guest's CPUID (2 bytes).
    const m = machineWithGuest((a) => { a.cpuid(); a.mov(esi, 1); a.vmcall(); }, handler());
    expect(m.run(200).end).toBe('hlt');
    expect(m.cpu.lo[6]).toBe(1);
    m.memory.write8(BASELINE_MEMORY.guestRip + 2 + 1, 2);
    const vmcs = vmxOf(m.cpu).current!;
    vmcs.set('GUEST_RIP', BigInt(BASELINE_MEMORY.guestRip));
    expect(vmEntry(m.cpu, false).kind).toBe('entered');
    m.cpu.ripLo = m.cpu.nextLo; m.cpu.ripHi = m.cpu.nextHi;
    expect(m.run(200).end).toBe('hlt');
    expect(vmcs.get('EXIT_REASON')).toBe(BigInt(EXIT_REASON.VMCALL));
    expect(m.cpu.lo[6]).toBe(2);
  });
});
