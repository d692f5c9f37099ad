// Events and VMX (SDM 26.2, 26.7, 27.6, 28.2.2, 28.2.4): the exception-bitmap rule, and the exits
// caused by pending external interrupts and NMIs, which the conformance cases cannot raise. Expected
// values are worked out by hand from the SDM.
import { describe, expect, it } from 'vitest';
import { Assembler } from '../../conformance/asm/index.js';
import { BASELINE_MEMORY, enterBaseline } from '../../conformance/baseline.js';
import { machineIn } from '../../conformance/harness/cpu.js';
import { EXIT_CTLS, PIN_CTLS } from '../generated/index.js';
import type { Machine } from '../machine/index.js';
import { exceptionBitmapSelects } from './events.js';
import { vmxOf } from './operation.js';
import { Vmcs } from './vmcs.js';

const VMCALL = [0x0F, 0x01, 0xC1];

/** A host that executes VMLAUNCH (then HLT), the guest's bytes at the baseline guest RIP, HLT at HOST_RIP. */
function machineWithGuest(guest: readonly number[]): Machine {
  const host = new Assembler(64);
  host.vmlaunch();
  host.hlt();
  const m = machineIn('long64', { code: host.assemble(0x10_0000n).bytes });
  enterBaseline(m);
  m.memory.load(BASELINE_MEMORY.guestRip, Uint8Array.from(guest));
  return m;
}

function setBits(vmcs: Vmcs, field: string, mask: number): void {
  vmcs.set(field, vmcs.get(field) | BigInt(mask));
}

describe('the exception bitmap (SDM 26.2)', () => {
  const vmcs = new Vmcs(0);
  function selects(bitmap: number, vector: number, errorCode: number, mask = 0, match = 0): boolean {
    vmcs.set('EXCEPTION_BITMAP', BigInt(bitmap));
    vmcs.set('PAGE_FAULT_ERROR_CODE_MASK', BigInt(mask));
    vmcs.set('PAGE_FAULT_ERROR_CODE_MATCH', BigInt(match));
    return exceptionBitmapSelects(vmcs, vector, errorCode);
  }

  it('an exception other than #PF exits exactly when its bit is 1', () => {
    expect(selects(1 << 6, 6, -1)).toBe(true);
    expect(selects(1 << 6, 13, 0)).toBe(false);
    expect(selects(~0 & ~(1 << 13), 13, 0)).toBe(false);
  });

  it('#PF: bit 14 = 1 exits when PFEC & mask = match, bit 14 = 0 when they differ', () => {
    // PFEC 3 (present, write): 3 & 2 = 2 matches 2; 3 & 4 = 0 does not match 4.
    expect(selects(1 << 14, 14, 3, 2, 2)).toBe(true);
    expect(selects(1 << 14, 14, 3, 4, 4)).toBe(false);
    expect(selects(0, 14, 3, 2, 2)).toBe(false);
    expect(selects(0, 14, 3, 4, 4)).toBe(true);
    // Mask 0, match 0: every #PF matches, so bit 14 alone decides.
    expect(selects(1 << 14, 14, 0x1F)).toBe(true);
    expect(selects(0, 14, 0x1F)).toBe(false);
  });
});

describe('external interrupts and NMIs in VMX non-root operation (SDM 26.2, 28.2.2)', () => {
  it('"external-interrupt exiting" with "acknowledge interrupt on exit": exit 1 saving the vector; the interrupt is consumed', () => {
    const m = machineWithGuest([0x90, ...VMCALL]);
    const vmcs = vmxOf(m.cpu).current!;
    setBits(vmcs, 'PIN_BASED_VM_EXECUTION_CONTROLS', PIN_CTLS.EXTERNAL_INTERRUPT_EXITING);
    setBits(vmcs, 'PRIMARY_VM_EXIT_CONTROLS', EXIT_CTLS.ACKNOWLEDGE_INTERRUPT_ON_EXIT);
    m.cpu.pendingIntr = 0x41;
    m.run(100);
    // RFLAGS.IF = 0 in the guest does not stop the exit; vector 41h, type 0, valid: 80000041h.
    expect(vmcs.get('EXIT_REASON')).toBe(1n);
    expect(vmcs.get('VM_EXIT_INTERRUPTION_INFORMATION')).toBe(0x8000_0041n);
    expect(vmcs.get('GUEST_RIP')).toBe(BigInt(BASELINE_MEMORY.guestRip));
    expect(m.cpu.pendingIntr).toBe(-1);
  });

  it('without "acknowledge interrupt on exit" the information is invalid and the interrupt stays pending', () => {
    const m = machineWithGuest([...VMCALL]);
    const vmcs = vmxOf(m.cpu).current!;
    setBits(vmcs, 'PIN_BASED_VM_EXECUTION_CONTROLS', PIN_CTLS.EXTERNAL_INTERRUPT_EXITING);
    m.cpu.pendingIntr = 0x41;
    m.run(100);
    expect(vmcs.get('EXIT_REASON')).toBe(1n);
    expect(vmcs.get('VM_EXIT_INTERRUPTION_INFORMATION') >> 31n).toBe(0n);
    expect(m.cpu.pendingIntr).toBe(0x41);
  });

  it('with "external-interrupt exiting" 0 and guest IF = 0 the interrupt stays pending and the guest runs on', () => {
    const m = machineWithGuest([...VMCALL]);
    const vmcs = vmxOf(m.cpu).current!;
    m.cpu.pendingIntr = 0x41;
    m.run(100);
    expect(vmcs.get('EXIT_REASON')).toBe(18n);
    expect(m.cpu.pendingIntr).toBe(0x41);
  });

  it('"NMI exiting": a pending NMI exits with reason 0, vector 2, type 2 (80000202h)', () => {
    const m = machineWithGuest([0x90, ...VMCALL]);
    const vmcs = vmxOf(m.cpu).current!;
    setBits(vmcs, 'PIN_BASED_VM_EXECUTION_CONTROLS', PIN_CTLS.NMI_EXITING);
    m.cpu.nmiBlocked = true; // the host blocks NMIs; VM entry loads the guest's blocking (27.7.1)
    m.cpu.pendingNmi = true;
    m.run(100);
    expect(vmcs.get('EXIT_REASON')).toBe(0n);
    expect(vmcs.get('VM_EXIT_INTERRUPTION_INFORMATION')).toBe(0x8000_0202n);
    expect(m.cpu.pendingNmi).toBe(false);
  });

  it('"NMI exiting" with blocking by NMI in the guest: no exit until unblocked; the VMCALL exits first', () => {
    const m = machineWithGuest([...VMCALL]);
    const vmcs = vmxOf(m.cpu).current!;
    setBits(vmcs, 'PIN_BASED_VM_EXECUTION_CONTROLS', PIN_CTLS.NMI_EXITING);
    vmcs.set('GUEST_INTERRUPTIBILITY_STATE', 8n);
    m.cpu.nmiBlocked = true; // the host blocks NMIs; VM entry loads the guest's blocking (27.7.1)
    m.cpu.pendingNmi = true;
    m.run(100);
    expect(vmcs.get('EXIT_REASON')).toBe(18n);
    expect(m.cpu.pendingNmi).toBe(true);
  });

  it('a #DF that exits directly carries no IDT-vectoring information (SDM 28.2.4)', () => {
    // Injected #GP through a not-present gate 13: #NP is contributory after #GP, so #DF (bit 8) exits.
    const m = machineWithGuest([0x90]);
    const vmcs = vmxOf(m.cpu).current!;
    m.memory.write64(BASELINE_MEMORY.idt + 13 * 16, 0x0000_0E00_0008_0000n); // type 14, P = 0
    vmcs.set('VM_ENTRY_INTERRUPTION_INFORMATION', 0x8000_0B0Dn);
    vmcs.set('EXCEPTION_BITMAP', 1n << 8n);
    m.run(100);
    expect(vmcs.get('EXIT_REASON')).toBe(0n);
    expect(vmcs.get('VM_EXIT_INTERRUPTION_INFORMATION')).toBe(0x8000_0B08n);
    expect(vmcs.get('VM_EXIT_INTERRUPTION_ERROR_CODE')).toBe(0n);
    expect(vmcs.get('IDT_VECTORING_INFORMATION') >> 31n).toBe(0n);
  });

  it('an external interrupt whose delivery faults: the #NP exit names the interrupt in IDT-vectoring information (SDM 28.2.4)', () => {
    // Guest IF = 1, no external-interrupt exiting: vector 41h goes to the guest IDT, whose gate is not
    // present: #NP(41h * 8 + 2 + EXT 1 = 20Bh); bit 11 set: exit 0, IDT-vectoring = 41h, type 0 (80000041h).
    const m = machineWithGuest([0x90]);
    const vmcs = vmxOf(m.cpu).current!;
    vmcs.set('GUEST_RFLAGS', 0x202n);
    vmcs.set('EXCEPTION_BITMAP', 1n << 11n);
    m.memory.write64(BASELINE_MEMORY.idt + 0x41 * 16, 0x0000_0E00_0008_0000n);
    m.cpu.pendingIntr = 0x41;
    m.run(100);
    expect(vmcs.get('EXIT_REASON')).toBe(0n);
    expect(vmcs.get('VM_EXIT_INTERRUPTION_INFORMATION')).toBe(0x8000_0B0Bn);
    expect(vmcs.get('VM_EXIT_INTERRUPTION_ERROR_CODE')).toBe(0x20Bn);
    expect(vmcs.get('IDT_VECTORING_INFORMATION')).toBe(0x8000_0041n);
    expect(vmcs.get('GUEST_RIP')).toBe(BigInt(BASELINE_MEMORY.guestRip));
  });

  it('a triple fault exits (reason 2) instead of shutting the processor down; the host runs on', () => {
    const m = machineWithGuest([0x0F, 0x0B]); // UD2 with an IDT limit of 0: #UD, #GP, #DF, triple fault
    const vmcs = vmxOf(m.cpu).current!;
    vmcs.set('GUEST_IDTR_LIMIT', 0n);
    const r = m.run(100);
    expect(vmcs.get('EXIT_REASON')).toBe(2n);
    expect(r.end).toBe('hlt');
    expect(m.cpu.ripLo).toBe(BASELINE_MEMORY.hostRip + 1);
  });
});
