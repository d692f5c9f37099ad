// The timing interface: a model with `retire` sees every retired instruction's class, data accesses,
// TLB misses and paging-structure reads; its costs, plus the walks' fixed cost, drive the clock.
import { describe, expect, it } from 'vitest';
import { Assembler, qword, rax, rcx } from '../../conformance/asm/index.js';
import { type RetireEvent, type TimingModel, timingFromProfile } from './timing.js';
import { CODE_BASE, machineIn } from '../../conformance/harness/cpu.js';

describe('timing interface', () => {
  it('reports class, memory accesses and the page walks of a load (SDM Vol. 3A 4.5: 3 reads with 2-MiB pages)', () => {
    const a = new Assembler(64);
    a.mov(rax, qword(null, null, 1, 0x20_0000)); // a load from the next 2-MiB page
    a.add(rax, rcx);
    a.hlt();
    const { bytes } = a.assemble(BigInt(CODE_BASE));
    const m = machineIn('long64', { code: bytes });
    const events: RetireEvent[] = [];
    const model: TimingModel = {
      name: 'test', cyclesPerInstruction: 0, pageWalkCycles: 7,
      retire: (e) => { events.push(e); return 1 + 10 * e.memoryAccesses; },
    };
    m.cpu.timing = model;
    const before = m.cpu.cycles;
    m.run(100);
    expect(events.map((e) => e.cls)).toEqual(['move', 'alu', 'system']); // HLT is privileged
    // First instruction: the code page and the data page each miss the TLB; 4-level paging with
    // 2-MiB pages reads PML4E, PDPTE and PDE per walk: 6 reads.
    expect(events[0]).toMatchObject({ memoryAccesses: 1, tlbMisses: 2, pageWalkReads: 6 });
    expect(events[1]).toMatchObject({ memoryAccesses: 0, pageWalkReads: 0 });
    expect(m.cpu.cycles - before).toBe((1 + 10) + 1 + 1 + 6 * 7);
  });

  it('without retire, charges cyclesPerInstruction per instruction (the default model)', () => {
    const a = new Assembler(64);
    a.add(rax, rcx); a.add(rax, rcx); a.hlt();
    const m = machineIn('long64', { code: a.assemble(BigInt(CODE_BASE)).bytes });
    m.cpu.timing = { name: 'fixed', cyclesPerInstruction: 3, pageWalkCycles: 0 };
    const before = m.cpu.cycles;
    m.run(100);
    expect(m.cpu.cycles - before).toBe(3 * 3);
  });

  it('takes the posted-interrupt (SDM 30.6) and virtual-interrupt-delivery (30.2.2) costs from the profile, 0 when absent', () => {
    const t = timingFromProfile({ timing: { cyclesPerInstruction: 1, pageWalkCycles: 20, postedInterruptCycles: 60, virtualInterruptDeliveryCycles: 30 } });
    expect([t.postedInterruptCycles, t.virtualInterruptDeliveryCycles]).toEqual([60, 30]);
    const none = timingFromProfile({ timing: { cyclesPerInstruction: 1, pageWalkCycles: 20 } });
    expect([none.postedInterruptCycles, none.virtualInterruptDeliveryCycles]).toEqual([0, 0]);
  });

  it('takes the VM entry and VM exit costs (SDM 27, 28) from the profile, 0 when absent', () => {
    const t = timingFromProfile({ timing: { cyclesPerInstruction: 1, pageWalkCycles: 20, vmEntryCycles: 250, vmExitCycles: 300 } });
    expect([t.vmEntryCycles, t.vmExitCycles]).toEqual([250, 300]);
    const none = timingFromProfile({ timing: { cyclesPerInstruction: 1, pageWalkCycles: 20 } });
    expect([none.vmEntryCycles, none.vmExitCycles]).toEqual([0, 0]);
  });
});
