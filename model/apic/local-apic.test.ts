// The local APIC, its timer and IPIs between two logical processors (SDM Vol. 3A chapter 11).
import { describe, expect, it } from 'vitest';
import { Assembler, eax, dword } from '../../conformance/asm/index.js';
import type { Cpu } from '../cpu/cpu.js';
import { L64, gate64, long64, profile, setGate } from '../../conformance/harness/cpu.js';
import { Activity } from '../cpu/cpu.js';
import { Machine } from '../machine/machine.js';
import { loadFlat } from '../machine/loader.js';
import { APIC_REG } from '../generated/index.js';
import { APIC_VERSION, ESR, type LocalApic } from './local-apic.js';
import { timerDivisor } from './timer.js';
import { cpuid } from '../cpu/exec/cpuid.js';

/** RDMSR/WRMSR semantics of the MSR file: 'GP0' where the instruction would raise #GP(0). */
function rdmsr(cpu: Cpu, index: number): bigint | 'GP0' {
  return cpu.msr.read(index) ?? 'GP0';
}
function wrmsr(cpu: Cpu, index: number, value: bigint): 'ok' | 'GP0' {
  return cpu.msr.write(index, value) ? 'ok' : 'GP0';
}

function machine(processors = 2): Machine {
  return new Machine({ profile: profile(), memorySize: 16 * 1024 * 1024, processors, quantum: 10 });
}

const APIC = 0xFEE0_0000;

function apicOf(m: Machine, i: number): LocalApic {
  return m.cpus[i]!.apic!;
}

describe('local APIC state (SDM Vol. 3A 11.4.7.1)', () => {
  it('power-up: ID = processor index in bits 31:24, version, SVR FFH, every LVT entry masked, DFR all 1s', () => {
    const m = machine(3);
    for (let i = 0; i < 3; i++) {
      const a = apicOf(m, i);
      expect(a.readRegister(APIC_REG.ID)).toBe((i << 24) >>> 0);
      expect(a.readRegister(APIC_REG.VERSION)).toBe(APIC_VERSION);
      expect(a.readRegister(APIC_REG.SVR)).toBe(0xFF);
      expect(a.readRegister(APIC_REG.DFR)).toBe(0xFFFF_FFFF);
      for (const o of [0x2F0, 0x320, 0x330, 0x340, 0x350, 0x360, 0x370]) expect(a.readRegister(o)).toBe(0x1_0000);
    }
    // BSP flag only on processor 0 (11.4.4); APs wait for SIPI (9.4.1).
    expect(apicOf(m, 0).base).toBe(0xFEE0_0900n);
    expect(apicOf(m, 1).base).toBe(0xFEE0_0800n);
    expect(m.cpus[1]!.activity).toBe(Activity.WaitForSipi);
  });
});

describe('interrupt acceptance and priority (SDM Vol. 3A 11.8.3.1, 11.8.4, 11.8.5)', () => {
  it('the highest IRR vector is offered only when its class is above PPR; INTA moves it to ISR; EOI clears the highest ISR bit', () => {
    const m = machine(1);
    const a = apicOf(m, 0), cpu = m.cpu;
    a.accept(0x45);
    expect(cpu.pendingIntr).toBe(0x45);
    a.writeRegister(APIC_REG.TPR, 0x50); // class 5 >= class 4: masked
    expect(cpu.pendingIntr).toBe(-1);
    expect(a.ppr).toBe(0x50);
    a.writeRegister(APIC_REG.TPR, 0x30);
    expect(cpu.pendingIntr).toBe(0x45);
    a.acknowledge(0x45);
    expect(a.readRegister(APIC_REG.ISR + 0x20)).toBe(1 << 5); // vector 45H: ISR word 2, bit 5
    expect(a.readRegister(APIC_REG.IRR + 0x20)).toBe(0);
    expect(a.ppr).toBe(0x40); // ISRV[7:4] = 4 > TPR[7:4] = 3: PPR = 40H
    a.accept(0x41); // same class as the in-service vector: held
    expect(cpu.pendingIntr).toBe(-1);
    a.accept(0x61); // a higher class nests
    expect(cpu.pendingIntr).toBe(0x61);
    a.acknowledge(0x61);
    a.writeRegister(APIC_REG.EOI, 0); // clears 61H
    expect(a.ppr).toBe(0x40);
    a.writeRegister(APIC_REG.EOI, 0); // clears 45H: 41H can go
    expect(cpu.pendingIntr).toBe(0x41);
  });

  it('vectors 0-15 are refused with "receive illegal vector"; the ESR shows errors after a write (11.5.3)', () => {
    const m = machine(1);
    const a = apicOf(m, 0);
    a.accept(7);
    expect(m.cpu.pendingIntr).toBe(-1);
    expect(a.readRegister(APIC_REG.ESR)).toBe(0);
    a.writeRegister(APIC_REG.ESR, 0);
    expect(a.readRegister(APIC_REG.ESR)).toBe(ESR.RECEIVE_ILLEGAL_VECTOR);
    a.writeRegister(APIC_REG.ESR, 0);
    expect(a.readRegister(APIC_REG.ESR)).toBe(0);
  });

  it('an error raises the LVT error vector when the entry is unmasked (11.5.3)', () => {
    const m = machine(1);
    const a = apicOf(m, 0);
    a.writeRegister(APIC_REG.SVR, 0x1FF);
    a.writeRegister(APIC_REG.LVT_ERROR, 0xFE);
    a.accept(3);
    expect(m.cpu.pendingIntr).toBe(0xFE);
    a.writeRegister(APIC_REG.ESR, 0);
    expect(a.readRegister(APIC_REG.ESR)).toBe(ESR.RECEIVE_ILLEGAL_VECTOR);
  });

  it('an external interrupt from the APIC is delivered through the IDT and lands in ISR (x86 program, IF = 1)', () => {
    const m = new Machine({ profile: profile(), memorySize: 16 * 1024 * 1024 });
    const a = new Assembler(64);
    // IDT at 2000h, gate 40H -> handler; the handler writes EOI and halts with IF = 0.
    a.label('start').sti().label('spin').jmp('spin');
    a.label('handler').mov(dword(null, null, 1, APIC + 0xB0), eax).cli().hlt();
    const { bytes, labels } = a.assemble(0x10_0000n);
    loadFlat(m, bytes, { load: 0x10_0000, entry: 0x10_0000, mode: 'long64' });
    long64(m);
    const cpu = m.cpu;
    const h = Number(labels.get('handler')!);
    setGate(m, 0x40, gate64(BigInt(h), L64.code0, 0xE));
    m.run(100);
    apicOf(m, 0).accept(0x40);
    const r = m.run(1000);
    expect(r.end).toBe('hlt');
    expect(cpu.ripLo).toBe(h + 11); // past the handler's HLT (MOV moffs 9 bytes, CLI, HLT)
    expect(apicOf(m, 0).readRegister(APIC_REG.ISR + 0x20)).toBe(0); // the handler's EOI cleared it
  });
});

describe('APIC timer (SDM Vol. 3A 11.5.4): the expiry cycle follows from count x divisor on the model clock', () => {
  it('divide configuration: 000 2, 001 4, 010 8, 011 16, 100 32, 101 64, 110 128, 111 1 (Figure 11-10)', () => {
    expect([0x0, 0x1, 0x2, 0x3, 0x8, 0x9, 0xA, 0xB].map(timerDivisor)).toEqual([2, 4, 8, 16, 32, 64, 128, 1]);
  });

  it('one-shot: expires once at start + count * divisor and raises the LVT vector; current count counts down', () => {
    const m = machine(1);
    const a = apicOf(m, 0), cpu = m.cpu;
    a.writeRegister(APIC_REG.SVR, 0x1FF);
    a.writeRegister(APIC_REG.LVT_TIMER, 0x30); // one-shot, vector 30H
    a.writeRegister(APIC_REG.TIMER_DIVIDE_CONFIG, 0x3); // 16
    cpu.cycles = 1000;
    a.writeRegister(APIC_REG.TIMER_INITIAL_COUNT, 50);
    expect(cpu.apicTimerDeadline).toBe(1000 + 50 * 16);
    cpu.cycles = 1000 + 16 * 10 + 5;
    expect(a.readRegister(APIC_REG.TIMER_CURRENT_COUNT)).toBe(40);
    cpu.cycles = 1800;
    a.timer.service();
    expect(a.timer.lastExpiry).toBe(1800);
    expect(cpu.pendingIntr).toBe(0x30);
    expect(cpu.apicTimerDeadline).toBe(Infinity);
    expect(a.readRegister(APIC_REG.TIMER_CURRENT_COUNT)).toBe(0);
  });

  it('periodic: reloads; the k-th expiry is at start + k * count * divisor', () => {
    const m = machine(1);
    const a = apicOf(m, 0), cpu = m.cpu;
    a.writeRegister(APIC_REG.SVR, 0x1FF);
    a.writeRegister(APIC_REG.LVT_TIMER, 0x2_0031); // periodic, vector 31H
    a.writeRegister(APIC_REG.TIMER_DIVIDE_CONFIG, 0xB); // 1
    cpu.cycles = 10;
    a.writeRegister(APIC_REG.TIMER_INITIAL_COUNT, 100);
    for (let k = 1; k <= 3; k++) {
      cpu.cycles = cpu.apicTimerDeadline + 3;
      a.timer.service();
      expect(a.timer.lastExpiry).toBe(10 + k * 100);
    }
    expect(a.timer.expiries).toBe(3);
  });

  it('TSC-deadline: fires when the TSC reaches IA32_TSC_DEADLINE, which then reads 0; the initial count is ignored', () => {
    const m = machine(1);
    const a = apicOf(m, 0), cpu = m.cpu;
    a.writeRegister(APIC_REG.SVR, 0x1FF);
    a.writeRegister(APIC_REG.LVT_TIMER, 0x4_0032); // TSC-deadline, vector 32H
    a.writeRegister(APIC_REG.TIMER_INITIAL_COUNT, 5);
    expect(cpu.apicTimerDeadline).toBe(Infinity);
    cpu.cycles = 500; // TSC = cycles at reset (offset 0)
    expect(wrmsr(cpu, 0x6E0, 2000n)).toBe('ok');
    expect(rdmsr(cpu, 0x6E0)).toBe(2000n);
    expect(cpu.apicTimerDeadline).toBe(2000);
    cpu.cycles = 2000;
    a.timer.service();
    expect(a.timer.lastExpiry).toBe(2000);
    expect(rdmsr(cpu, 0x6E0)).toBe(0n);
    expect(cpu.pendingIntr).toBe(0x32);
  });

  it('a masked timer expires without raising its vector; a halted processor with IF = 1 sleeps to the expiry', () => {
    const m = machine(1);
    const a = apicOf(m, 0), cpu = m.cpu;
    a.writeRegister(APIC_REG.SVR, 0x1FF);
    a.writeRegister(APIC_REG.LVT_TIMER, 0x1_0033);
    a.writeRegister(APIC_REG.TIMER_INITIAL_COUNT, 10);
    cpu.cycles = 20;
    a.timer.service();
    expect(cpu.pendingIntr).toBe(-1);
    a.writeRegister(APIC_REG.LVT_TIMER, 0x33);
    cpu.cycles = 100;
    a.writeRegister(APIC_REG.TIMER_INITIAL_COUNT, 10); // divisor 2 (reset DCR 0): expires at 120
    cpu.flagsValue |= 0x200;
    cpu.activity = Activity.Hlt;
    expect(a.idleUntilTimer()).toBe(true);
    expect(cpu.cycles).toBe(120);
  });
});

/** Code for processor 0 at 100000h: each step writes ICR high then low through the xAPIC page, then HLT. */
function sendIpis(m: Machine, icrs: readonly [number, number][], extra?: (a: Assembler) => void): void {
  const a = new Assembler(64);
  for (const [hi, lo] of icrs) {
    a.mov(eax, hi).mov(dword(null, null, 1, APIC + 0x310), eax);
    a.mov(eax, lo).mov(dword(null, null, 1, APIC + 0x300), eax);
  }
  extra?.(a);
  a.hlt();
  const { bytes } = a.assemble(0x10_0000n);
  loadFlat(m, bytes, { load: 0x10_0000, entry: 0x10_0000, mode: 'long64' });
}

describe('IPIs between logical processors (SDM Vol. 3A 11.6)', () => {
  it('INIT, then SIPI vector 08H: the AP starts in real mode at 8000H and runs its code', () => {
    const m = machine(2);
    // AP code at 8000h: MOV AL, 'A'; OUT E9h, AL; HLT (16-bit).
    m.memory.load(0x8000, Uint8Array.of(0xB0, 0x41, 0xE6, 0xE9, 0xF4));
    sendIpis(m, [[1 << 24, 0x4500], [1 << 24, 0x4608]]);
    const r = m.run(1000);
    expect(r.console).toBe('A');
    const ap = m.cpus[1]!;
    expect(ap.segSel[1]).toBe(0x0800);
    expect(ap.activity).toBe(Activity.Hlt);
  });

  it('INIT leaves the target\'s MSRs alone (SDM Vol. 3A 9.1): IA32_SYSENTER_CS and IA32_PAT survive', () => {
    const m = machine(2);
    const ap = m.cpus[1]!;
    expect(wrmsr(ap, 0x174, 0x1234n)).toBe('ok');
    expect(wrmsr(ap, 0x277, 0x0606_0606_0606_0606n)).toBe('ok');
    sendIpis(m, [[1 << 24, 0x4500]]);
    m.run(100);
    expect(ap.activity).toBe(Activity.WaitForSipi);
    expect(rdmsr(ap, 0x174)).toBe(0x1234n);
    expect(rdmsr(ap, 0x277)).toBe(0x0606_0606_0606_0606n);
  });

  it('fixed IPI by physical destination sets the target IRR; vector < 16 is refused with "send illegal vector"', () => {
    const m = machine(2);
    sendIpis(m, [[1 << 24, 0x4051], [1 << 24, 0x4005]]);
    m.run(1000);
    expect(apicOf(m, 1).readRegister(APIC_REG.IRR + 0x20)).toBe(1 << 17); // 51H
    apicOf(m, 0).writeRegister(APIC_REG.ESR, 0);
    expect(apicOf(m, 0).readRegister(APIC_REG.ESR)).toBe(ESR.SEND_ILLEGAL_VECTOR);
  });

  it('shorthands: self, all including self, all excluding self', () => {
    const m = machine(2);
    sendIpis(m, [[0, 0x4_4060], [0, 0x8_4061], [0, 0xC_4062]]);
    m.run(1000);
    expect(apicOf(m, 0).readRegister(APIC_REG.IRR + 0x30)).toBe(0b011); // vectors 60H-62H: IRR word 3
    expect(apicOf(m, 1).readRegister(APIC_REG.IRR + 0x30)).toBe(0b110);
  });

  it('logical destination, flat model: an LDR bit in the destination matches (11.6.2.2)', () => {
    const m = machine(2);
    apicOf(m, 0).writeRegister(APIC_REG.LDR, 0x0100_0000);
    apicOf(m, 1).writeRegister(APIC_REG.LDR, 0x0200_0000);
    sendIpis(m, [[0x0200_0000, 0x4870], [0x0300_0000, 0x4871]]);
    m.run(1000);
    expect(apicOf(m, 1).readRegister(APIC_REG.IRR + 0x30)).toBe(0b11 << 16); // 70H, 71H: word 3, bits 16-17
    expect(apicOf(m, 0).readRegister(APIC_REG.IRR + 0x30)).toBe(0b10 << 16);
  });

  it('logical destination, cluster model: cluster in bits 7:4, member bits 3:0', () => {
    const m = machine(2);
    for (const i of [0, 1]) apicOf(m, i).writeRegister(APIC_REG.DFR, 0x0FFF_FFFF);
    apicOf(m, 0).writeRegister(APIC_REG.LDR, 0x1100_0000);
    apicOf(m, 1).writeRegister(APIC_REG.LDR, 0x2100_0000);
    sendIpis(m, [[0x2100_0000, 0x4880]]);
    m.run(1000);
    expect(apicOf(m, 1).readRegister(APIC_REG.IRR + 0x40)).toBe(1); // 80H: word 4, bit 0
    expect(apicOf(m, 0).readRegister(APIC_REG.IRR + 0x40)).toBe(0);
  });

  it('lowest priority goes to the destination with the lower PPR', () => {
    const m = machine(2);
    for (const i of [0, 1]) apicOf(m, i).writeRegister(APIC_REG.LDR, 0x0300_0000);
    apicOf(m, 0).writeRegister(APIC_REG.TPR, 0x20);
    sendIpis(m, [[0x0300_0000, 0x4990]]);
    m.run(1000);
    expect(apicOf(m, 1).readRegister(APIC_REG.IRR + 0x40)).toBe(1 << 16); // 90H: word 4, bit 16
    expect(apicOf(m, 0).readRegister(APIC_REG.IRR + 0x40)).toBe(0);
  });

  it('NMI IPI makes an NMI pending at the target', () => {
    const m = machine(2);
    m.cpus[1]!.activity = Activity.Hlt;
    sendIpis(m, [[1 << 24, 0x4400]]);
    m.run(1000);
    expect(m.cpus[1]!.nmiBlocked || m.cpus[1]!.pendingNmi).toBe(true);
  });
});

describe('x2APIC mode (SDM Vol. 3A 11.12)', () => {
  it('enable with EXTD; MSR 802H reads the 32-bit ID; the ICR MSR sends to a 32-bit destination; invalid transitions #GP', () => {
    const m = machine(2);
    const cpu0 = m.cpus[0]!, cpu1 = m.cpus[1]!;
    loadFlat(m, Uint8Array.of(0xF4), { load: 0x10_0000, entry: 0x10_0000, mode: 'long64' });
    expect(rdmsr(cpu0, 0x802)).toBe('GP0');
    expect(wrmsr(cpu1, 0x1B, 0xFEE0_0400n)).toBe('GP0'); // EXTD without EN
    expect(wrmsr(cpu0, 0x1B, 0xFEE0_0D00n)).toBe('ok');
    expect(wrmsr(cpu1, 0x1B, 0xFEE0_0C00n)).toBe('ok');
    expect(rdmsr(cpu1, 0x802)).toBe(1n);
    expect(rdmsr(cpu1, 0x80D)).toBe(0x2n); // logical ID: cluster 0, bit 1
    expect(wrmsr(cpu0, 0x830, (1n << 32n) | 0x40A0n)).toBe('ok');
    expect(apicOf(m, 1).readRegister(APIC_REG.IRR + 0x50)).toBe(1);
    expect(wrmsr(cpu0, 0x80B, 1n)).toBe('GP0'); // EOI of a nonzero value
    expect(wrmsr(cpu0, 0x83F, 0x45n)).toBe('ok'); // SELF IPI
    expect(cpu0.pendingIntr).toBe(0x45);
    expect(wrmsr(cpu0, 0x1B, 0xFEE0_0900n)).toBe('GP0'); // x2APIC -> xAPIC
    expect(wrmsr(cpu0, 0x1B, 0xFEE0_0100n)).toBe('ok'); // x2APIC -> disabled
    expect(rdmsr(cpu0, 0x802)).toBe('GP0');
  });
});

describe('CPUID with a local APIC (SDM Vol. 2 CPUID; Vol. 3A 11.4.3, 11.12.1, 11.5.4.1)', () => {
  it('leaf 1: initial APIC ID in EBX[31:24], APIC (EDX[9]) while enabled, x2APIC (ECX[21]) and TSC-deadline (ECX[24])', () => {
    const m = machine(2);
    const out = new Int32Array(4);
    cpuid(m.cpus[1]!, 1, 0, out);
    expect(out[1]! >>> 24).toBe(1);
    expect((out[3]! >>> 9) & 1).toBe(1);
    expect((out[2]! >>> 21) & 1).toBe(1);
    expect((out[2]! >>> 24) & 1).toBe(1);
    expect(wrmsr(m.cpus[1]!, 0x1B, 0xFEE0_0000n)).toBe('ok'); // EN = 0: globally disabled
    cpuid(m.cpus[1]!, 1, 0, out);
    expect((out[3]! >>> 9) & 1).toBe(0);
  });
});

describe('the interleave of several processors is deterministic (fixed quantum)', () => {
  it('two runs of the same two-processor program give the same routing trace, clocks and instruction counts', () => {
    const once = (): string => {
      const m = machine(2);
      const trace = m.apicBus.startTrace();
      m.memory.load(0x8000, Uint8Array.of(0xB0, 0x41, 0xE6, 0xE9, 0xF4));
      sendIpis(m, [[1 << 24, 0x4500], [1 << 24, 0x4608], [1 << 24, 0x4051], [0, 0x4_4060]]);
      const r = m.run(1000);
      return JSON.stringify({ trace, cycles: m.cpus.map((c) => c.cycles), n: m.cpus.map((c) => c.stats.instructions), end: r.end });
    };
    const a = once();
    expect(once()).toBe(a);
    expect(JSON.parse(a).trace.length).toBeGreaterThan(3);
  });
});
