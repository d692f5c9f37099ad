// VMCS shadowing (SDM 25.10, 25.6.15, 31.3): what the conformance cases (conformance/generators/vmcs-shadowing.ts)
// cannot express: a profile without the control, VMCLEAR of a shadow VMCS a guest wrote, VM entry with a
// shadow VMCS current through the API, and a guest at CPL 3.
import { describe, expect, it } from 'vitest';
import { Assembler, eax, edx, rax, rdx } from '../../conformance/asm/index.js';
import { BASELINE_MEMORY, enterBaseline } from '../../conformance/baseline.js';
import { SKYLAKE, withMsrs } from '../../conformance/harness/entry-checks.js';
import { machineIn } from '../../conformance/harness/cpu.js';
import { EXIT_REASON, PROC2_CTLS, PROC_CTLS, VM_INSTRUCTION_ERROR, type CpuProfile } from '../generated/index.js';
import type { Machine } from '../machine/index.js';
import { vmclear, vmptrld, vmread, vmxOf } from './operation.js';
import { vmEntry } from './transitions.js';

const SHADOW = 0x5_0000, VMREAD_BITMAP = 0x5_1000, VMWRITE_BITMAP = 0x5_2000;
const GUEST_CR3 = 0x6802n;

/** The baseline with "VMCS shadowing" on, the link pointer at a shadow VMCS region, zeroed bitmaps. */
function shadowing(guest: (a: Assembler) => void, profile: CpuProfile = SKYLAKE): Machine {
  const host = new Assembler(64);
  host.vmlaunch();
  host.hlt();
  const m = machineIn('long64', { code: host.assemble(0x10_0000n).bytes, profile });
  const s = enterBaseline(m);
  const v = s.current!;
  v.set('PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS', v.get('PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS') | BigInt(PROC_CTLS.ACTIVATE_SECONDARY_CONTROLS >>> 0));
  v.set('SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS', BigInt(PROC2_CTLS.VMCS_SHADOWING));
  v.set('VMCS_LINK_POINTER', BigInt(SHADOW));
  v.set('VMREAD_BITMAP_ADDRESS', BigInt(VMREAD_BITMAP));
  v.set('VMWRITE_BITMAP_ADDRESS', BigInt(VMWRITE_BITMAP));
  m.memory.write32(SHADOW, (s.caps.revisionId | 0x8000_0000) >>> 0); // shadow-VMCS indicator (25.2)
  const g = new Assembler(64); guest(g);
  m.memory.load(BASELINE_MEMORY.guestRip, g.assemble(BigInt(BASELINE_MEMORY.guestRip)).bytes);
  return m;
}

describe('VMCS shadowing', () => {
  it('VMPTRLD of a shadow VMCS fails with error 11 on a processor without "VMCS shadowing" (31.3 VMPTRLD)', () => {
    // IA32_VMX_PROCBASED_CTLS2 bit 46: the allowed 1-setting of control bit 14 (A.3.3).
    const without = withMsrs(SKYLAKE, { IA32_VMX_PROCBASED_CTLS2: (o) => o & ~(1n << 46n) });
    const m = machineIn('long64', { profile: without });
    const s = enterBaseline(m);
    m.memory.write32(SHADOW, (s.caps.revisionId | 0x8000_0000) >>> 0);
    expect(vmptrld(m.cpu, () => BigInt(SHADOW))).toEqual({ kind: 'vmfail-valid', error: VM_INSTRUCTION_ERROR.VMPTRLD_INCORRECT_REVISION_ID });
    m.memory.write32(SHADOW, s.caps.revisionId);
    expect(vmptrld(m.cpu, () => BigInt(SHADOW))).toEqual({ kind: 'vmsucceed' }); // an ordinary VMCS loads
  });

  it('VM entry through the API with a shadow VMCS current fails with VMfailInvalid (25.10, 27.1)', () => {
    const m = shadowing((a) => a.hlt());
    expect(vmptrld(m.cpu, () => BigInt(SHADOW))).toEqual({ kind: 'vmsucceed' });
    expect(vmEntry(m.cpu, true)).toEqual({ kind: 'outcome', outcome: { kind: 'vmfail-invalid' } });
  });

  it('a guest VMWRITE reaches the shadow VMCS region: VMCLEAR writes it back and VMPTRLD reads it (25.11.1, 31.3)', () => {
    const m = shadowing((a) => { a.mov(edx, Number(GUEST_CR3)); a.mov(rax, 0x1234_5000n); a.vmwrite(rdx, rax); a.vmcall(); });
    m.run(100);
    const s = vmxOf(m.cpu);
    expect(s.current!.get('EXIT_REASON')).toBe(BigInt(EXIT_REASON.VMCALL));
    expect(vmclear(m.cpu, () => BigInt(SHADOW))).toEqual({ kind: 'vmsucceed' });
    expect(s.cache.has(SHADOW)).toBe(false);
    expect(vmptrld(m.cpu, () => BigInt(SHADOW))).toEqual({ kind: 'vmsucceed' });
    expect(vmread(m.cpu, GUEST_CR3)).toEqual({ outcome: { kind: 'vmsucceed' }, value: 0x1234_5000n });
  });

  it('a shadowed VMREAD at CPL 3 raises #GP(0) in the guest, which exits by the exception bitmap (31.3, 26.2)', () => {
    // CPL 3 comes from the guest state: CS.DPL = SS.DPL = 3 (27.3.1.2), and the identity map's entries for
    // the guest code (PML4E 0, PDPTE 0, PDE 1: 200000h-3FFFFFh) allow user-mode access (Vol. 3A 4.6).
    const m = shadowing((a) => { a.mov(edx, Number(GUEST_CR3)); a.vmread(rax, rdx); a.vmcall(); });
    const pt = BASELINE_MEMORY.pageTables;
    for (const at of [pt, pt + 0x1000, pt + 0x2000 + 8]) m.memory.write64(at, m.memory.read64(at) | 4n);
    const v = vmxOf(m.cpu).current!;
    v.set('EXCEPTION_BITMAP', 1n << 13n);
    v.set('GUEST_CS_ACCESS_RIGHTS', v.get('GUEST_CS_ACCESS_RIGHTS') | (3n << 5n));
    v.set('GUEST_SS_ACCESS_RIGHTS', v.get('GUEST_SS_ACCESS_RIGHTS') | (3n << 5n));
    v.set('GUEST_CS_SELECTOR', v.get('GUEST_CS_SELECTOR') | 3n);
    v.set('GUEST_SS_SELECTOR', v.get('GUEST_SS_SELECTOR') | 3n);
    m.run(100);
    expect(v.get('EXIT_REASON')).toBe(BigInt(EXIT_REASON.EXCEPTION_OR_NMI));
    // Vector 13, hardware exception (type 3), error code valid, valid (25.9.2).
    expect(v.get('VM_EXIT_INTERRUPTION_INFORMATION')).toBe(0x8000_0B0Dn);
    expect(v.get('VM_EXIT_INTERRUPTION_ERROR_CODE')).toBe(0n);
    expect(v.get('GUEST_RIP')).toBe(BigInt(BASELINE_MEMORY.guestRip + 5)); // at the VMREAD, after MOV EDX, imm32
  });

  it('a shadowed VMWRITE of a VM-exit information field fails with VMfailValid(13) without IA32_VMX_MISC bit 29 (31.3, A.6)', () => {
    const strict = withMsrs(SKYLAKE, { IA32_VMX_MISC: (o) => o & ~(1n << 29n) });
    const m = shadowing((a) => { a.mov(edx, 0x4402); a.mov(rax, 1n); a.vmwrite(rdx, rax); a.vmcall(); }, strict); // EXIT_REASON
    m.run(100);
    const v = vmxOf(m.cpu).current!;
    expect(v.get('EXIT_REASON')).toBe(BigInt(EXIT_REASON.VMCALL));
    expect(v.get('GUEST_RFLAGS')).toBe(0x42n); // ZF: VMfailValid (31.2)
    // 31.2: VMfailValid sets "the VM-instruction error field", which the model reads as the current VMCS's
    // (the ordinary one; the SDM does not name the shadow VMCS here).
    expect(v.get('VM_INSTRUCTION_ERROR')).toBe(BigInt(VM_INSTRUCTION_ERROR.VMWRITE_READ_ONLY_COMPONENT));
  });

  it('outside the bitmap range, bits 63:15 of the encoding make VMWRITE exit without touching the shadow VMCS (31.3)', () => {
    const m = shadowing((a) => { a.mov(eax, 0x681E | 0x8000); a.mov(edx, eax); a.mov(rax, 1n); a.vmwrite(rdx, rax); a.vmcall(); });
    m.run(100);
    expect(vmxOf(m.cpu).current!.get('EXIT_REASON')).toBe(BigInt(EXIT_REASON.VMWRITE));
  });
});
