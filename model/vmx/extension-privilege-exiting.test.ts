// The privilege-level-exiting MODEL EXTENSION (NOT in the SDM; extension-privilege-exiting.ts). The case
// format cannot select a custom profile, so these unit tests carry the extension. Expected values are
// worked out by hand: SYSRET/SYSCALL semantics from SDM Vol. 2 (SYSRET, SYSCALL); the exit's reason,
// qualification and saved RIP from the extension's own definition (spec/data, model/vmx/extension-privilege-exiting.ts).
import { describe, expect, it } from 'vitest';
import { Assembler } from '../../conformance/asm/index.js';
import { BASELINE_MEMORY, enterBaseline } from '../../conformance/baseline.js';
import { machineIn, profile } from '../../conformance/harness/cpu.js';
import { CplCause } from '../cpu/cpu.js';
import { IA32_LSTAR, IA32_STAR } from '../cpu/msr.js';
import { type CpuProfile, LAYOUTS, VM_INSTRUCTION_ERROR, VMCS_FIELD } from '../generated/index.js';
import type { Machine } from '../machine/index.js';
import { vmread, vmwrite, vmxOf } from './operation.js';
import { vmEntry } from './transitions.js';

const GUEST = BASELINE_MEMORY.guestRip; // 300000h
const USER_RIP = GUEST + 0x100; // SYSRET's target (RCX)
const KERNEL_RIP = GUEST + 0x200; // SYSCALL's target (IA32_LSTAR)
const EXTENSION_REASON = 0xFF00n;
const CONTROLS = 'EXTENSION_PRIVILEGE_LEVEL_EXITING_CONTROLS';
const BITMAP = 'EXTENSION_CPL_TRANSITION_BITMAP';

function withExtension(on: boolean): CpuProfile {
  return { ...profile('skylake-server'), extensions: { privilegeLevelExiting: on } };
}

/**
 * A 64-bit guest at CPL 0: MOV RCX, USER_RIP; MOV R11D, 2; SYSRETQ (to CPL 3 at USER_RIP), where SYSCALL
 * (or `userCode`) returns to CPL 0 at KERNEL_RIP, which holds VMCALL. Host: VMLAUNCH, HLT; HLT at HOST_RIP.
 */
function machineWithGuest(p: CpuProfile, userCode: readonly number[] = [0x0F, 0x05]): Machine {
  const host = new Assembler(64);
  host.vmlaunch();
  host.hlt();
  const m = machineIn('long64', { code: host.assemble(0x10_0000n).bytes, profile: p });
  const cpu = m.cpu;
  cpu.efer |= 1; // EFER.SCE; without "load IA32_EFER" VM entry changes only LMA and LME (SDM 27.3.2.1)
  enterBaseline(m);
  const pt = BASELINE_MEMORY.pageTables;
  // User access to the guest's 2-MByte page (200000h-3FFFFFh): U/S = 1 at every level (SDM 3A 4.6).
  for (const a of [pt, pt + 0x1000, pt + 0x2000 + 8]) m.memory.write64(a, m.memory.read64(a) | 4n);
  // STAR[47:32] = 08h (SYSCALL: CS 08h, SS 10h); STAR[63:48] = 10h (SYSRETQ: CS 23h, SS 1Bh).
  expect(cpu.msr.write(IA32_STAR, (0x10n << 48n) | (0x08n << 32n))).toBe(true);
  expect(cpu.msr.write(IA32_LSTAR, BigInt(KERNEL_RIP))).toBe(true);
  m.memory.load(GUEST, Uint8Array.from([
    0x48, 0xC7, 0xC1, ...le32(USER_RIP), // MOV RCX, imm32
    0x41, 0xBB, 0x02, 0x00, 0x00, 0x00, // MOV R11D, 2 (RFLAGS after SYSRET)
    0x48, 0x0F, 0x07, // SYSRETQ
  ]));
  m.memory.load(USER_RIP, Uint8Array.from(userCode)); // SYSCALL unless a test says otherwise
  m.memory.load(KERNEL_RIP, Uint8Array.from([0x0F, 0x01, 0xC1])); // VMCALL
  return m;
}

function le32(v: number): number[] {
  return [v & 0xFF, (v >>> 8) & 0xFF, (v >>> 16) & 0xFF, (v >>> 24) & 0xFF];
}

/** Runs until the host halts; returns (exit reason, qualification, guest RIP) of the VM exit. */
function runToExit(m: Machine): [bigint, bigint, bigint] {
  m.run(1000);
  const vmcs = vmxOf(m.cpu).current!;
  expect(vmxOf(m.cpu).nonRoot).toBe(false);
  expect(m.cpu.ripLo).toBe(BASELINE_MEMORY.hostRip + 1); // the host ran from HOST_RIP (its HLT) (SDM 28.5.3)
  return [vmcs.get('EXIT_REASON'), vmcs.get('EXIT_QUALIFICATION'), vmcs.get('GUEST_RIP')];
}

/** VMRESUME as the host would execute it (vmEntry leaves the new RIP in nextLo/nextHi for the instruction to retire). */
function resume(m: Machine): void {
  expect(vmEntry(m.cpu, false).kind).toBe('entered');
  m.cpu.ripLo = m.cpu.nextLo; m.cpu.ripHi = m.cpu.nextHi;
}

/** VMWRITE of a field from root operation in 64-bit mode. */
function write(m: Machine, field: keyof typeof VMCS_FIELD, value: bigint): string {
  const o = vmwrite(m.cpu, BigInt(VMCS_FIELD[field]), () => value, true);
  return o.kind === 'vmfail-valid' ? `error ${o.error}` : o.kind;
}

// Qualification (extension layout): from-CPL 1:0, to-CPL 3:2, cause 7:4.
const qual = (from: number, to: number, cause: number): bigint => BigInt(from | (to << 2) | (cause << 4));

describe('privilege-level exiting (model extension, not in the SDM)', () => {
  it('the cause values of the core are those of the qualification layout in spec/data', () => {
    const layout = LAYOUTS.find((l) => l.id === 'exit-qualification.extension-privilege-level-transition')!;
    const values = layout.fields.find((f) => f.id === 'cause')!.values!;
    expect(values[String(CplCause.Sysret)]).toBe('SYSRET');
    expect(values[String(CplCause.Syscall)]).toBe('SYSCALL');
    expect(values[String(CplCause.Iret)]).toBe('IRET');
    expect(values[String(CplCause.Event)]).toBe('Interrupt or exception delivery');
    expect(values[String(CplCause.FarTransfer)]).toBe('Far transfer');
    expect(values[String(CplCause.Sysenter)]).toBe('SYSENTER');
    expect(values[String(CplCause.Sysexit)]).toBe('SYSEXIT');
  });

  it('bitmap bits 3 (0 to 3) and 12 (3 to 0): an exit after SYSRETQ and after SYSCALL, each at the new CPL', () => {
    const m = machineWithGuest(withExtension(true));
    expect(write(m, CONTROLS, 1n)).toBe('vmsucceed');
    expect(write(m, BITMAP, (1n << 3n) | (1n << 12n))).toBe('vmsucceed');
    // After SYSRETQ the guest is at CPL 3 and RIP = RCX = USER_RIP; cause 5 (SYSRET).
    expect(runToExit(m)).toEqual([EXTENSION_REASON, qual(0, 3, 5), BigInt(USER_RIP)]);
    expect(vmxOf(m.cpu).current!.get('GUEST_SS_ACCESS_RIGHTS') & 0x60n).toBe(0x60n); // SS.DPL = 3 (CPL, SDM 25.4.1)
    resume(m);
    // SYSCALL: CPL 0 at RIP = IA32_LSTAR; cause 4 (SYSCALL).
    expect(runToExit(m)).toEqual([EXTENSION_REASON, qual(3, 0, 4), BigInt(KERNEL_RIP)]);
    expect(vmxOf(m.cpu).current!.get('GUEST_SS_ACCESS_RIGHTS') & 0x60n).toBe(0n);
    resume(m);
    // VMCALL at CPL 0: exit 18 (SDM 26.1.2), RIP at the VMCALL.
    expect(runToExit(m)).toEqual([18n, 0n, BigInt(KERNEL_RIP)]);
  });

  it('exits only for the bits set: bit 12 alone lets SYSRET pass and catches SYSCALL', () => {
    const m = machineWithGuest(withExtension(true));
    write(m, CONTROLS, 1n);
    write(m, BITMAP, 1n << 12n);
    expect(runToExit(m)).toEqual([EXTENSION_REASON, qual(3, 0, 4), BigInt(KERNEL_RIP)]);
  });

  it('INT 80h from CPL 3 through a DPL-3 interrupt gate: exit after delivery, cause 2, at the handler on the RSP0 stack', () => {
    const m = machineWithGuest(withExtension(true), [0xCD, 0x80]);
    // 64-bit interrupt gate (SDM 3A 6.14.1): offset KERNEL_RIP, selector 08h, type 1110b, DPL 3, P.
    const gate = BigInt(KERNEL_RIP & 0xFFFF) | (0x08n << 16n) | (0xEn << 40n) | (3n << 45n) | (1n << 47n) | (BigInt(KERNEL_RIP >>> 16) << 48n);
    m.memory.write64(BASELINE_MEMORY.idt + 0x80 * 16, gate);
    m.memory.write64(BASELINE_MEMORY.idt + 0x80 * 16 + 8, 0n);
    m.memory.write64(BASELINE_MEMORY.tss + 4, 0x9_0000n); // TSS.RSP0 (SDM 3A 8.7)
    // The baseline GDT's 08h: 64-bit code, DPL 0 (SDM 3A 3.4.5): base 0, limit FFFFFh, G, L, P, type 1011b.
    m.memory.write64(BASELINE_MEMORY.gdt + 8, 0x00AF_9B00_0000_FFFFn);
    write(m, CONTROLS, 1n);
    write(m, BITMAP, 1n << 12n);
    expect(runToExit(m)).toEqual([EXTENSION_REASON, qual(3, 0, 2), BigInt(KERNEL_RIP)]);
    // SS, RSP, RFLAGS, CS, RIP pushed on the RSP0 stack (SDM 3A 6.14.2): 90000h - 5 * 8.
    expect(vmxOf(m.cpu).current!.get('GUEST_RSP')).toBe(0x9_0000n - 40n);
  });

  it('the VMM may decline: clearing the bitmap bit before VMRESUME stops that exit', () => {
    const m = machineWithGuest(withExtension(true));
    write(m, CONTROLS, 1n);
    write(m, BITMAP, (1n << 3n) | (1n << 12n));
    expect(runToExit(m)[0]).toBe(EXTENSION_REASON);
    expect(write(m, BITMAP, 0n)).toBe('vmsucceed');
    resume(m);
    expect(runToExit(m)).toEqual([18n, 0n, BigInt(KERNEL_RIP)]);
  });

  it('control 0: no exits whatever the bitmap says', () => {
    const m = machineWithGuest(withExtension(true));
    write(m, CONTROLS, 0n);
    write(m, BITMAP, 0xFFFFn);
    expect(runToExit(m)).toEqual([18n, 0n, BigInt(KERNEL_RIP)]);
  });

  it('bits 31:1 of the control field are reserved: VM entry fails with error 7 (as SDM 27.2.1.1 for controls)', () => {
    const m = machineWithGuest(withExtension(true));
    write(m, CONTROLS, 3n);
    m.run(1000);
    expect(vmxOf(m.cpu).nonRoot).toBe(false);
    expect(vmxOf(m.cpu).current!.get('VM_INSTRUCTION_ERROR')).toBe(BigInt(VM_INSTRUCTION_ERROR.VMENTRY_INVALID_CONTROL_FIELDS));
  });

  it('a profile without the extension has neither field (VMREAD/VMWRITE error 12, SDM 31.4) and never exits for CPL changes', () => {
    for (const p of [profile('skylake-server'), withExtension(false)]) {
      const m = machineWithGuest(p);
      expect(write(m, CONTROLS, 1n)).toBe('error 12');
      expect(write(m, BITMAP, 0xFFFFn)).toBe('error 12');
      const r = vmread(m.cpu, BigInt(VMCS_FIELD.EXTENSION_CPL_TRANSITION_BITMAP), true);
      expect(r.outcome).toEqual({ kind: 'vmfail-valid', error: 12 });
      expect(runToExit(m)).toEqual([18n, 0n, BigInt(KERNEL_RIP)]);
      expect(m.cpu.cplExitBitmap).toBe(0);
    }
  });

  it('host CPL changes after a VM exit are never watched', () => {
    const m = machineWithGuest(withExtension(true));
    write(m, CONTROLS, 1n);
    write(m, BITMAP, 1n << 3n);
    runToExit(m);
    expect(m.cpu.cplExitBitmap).toBe(0);
  });
});
