// The EPT workloads of `npm run bench`: a guest in VMX non-root operation (the conformance baseline's
// VMCS) touches an 8 MiB array one read and one write per 4 KiB page, so every page misses the
// 1024-entry TLB and walks. Guest paging is 4-level with 4 KiB pages throughout; with EPT on, EPT is
// 4-level with 4 KiB pages too, so an uncached two-dimensional walk makes 4 x (4 + 1) + 4 = 24
// paging-structure reads (SDM 29.3.2: each guest paging-structure address and the final guest-physical
// address are translated by a 4-level EPT walk), against 4 without EPT.
import { Assembler, ebx, ecx, qword, rax, rsi } from '../conformance/asm/index.js';
import { enterBaseline } from '../conformance/baseline.js';
import type { Machine } from '../model/machine/index.js';
import { vmEntry } from '../model/vmx/transitions.js';

const CODE = 0x10_0000;
const ARRAY = 0x100_0000;
const ARRAY_BYTES = 8 * 1024 * 1024;
/** Guest page tables: 4-level, 4 KiB pages for the first 32 MiB (PML4, PDPT, PD, 16 page tables). */
const GUEST_PAGING = 0x300_0000, GUEST_MAPPED = 32 * 1024 * 1024;
/** EPT: 4-level identity map with 4 KiB pages of the machine's 64 MiB (PML4, PDPT, PD, 32 page tables). */
const EPT = 0x310_0000, EPT_MAPPED = 64 * 1024 * 1024;

/** Paging-structure reads of one uncached walk (the two-dimensional walk arithmetic above). */
export const EXPECTED_WALK_READS = { on: 24, off: 4 } as const;

function strideLoop(): Uint8Array {
  const a = new Assembler(64);
  a.label('top'); a.mov(ebx, 32);
  a.label('pass'); a.mov(rsi, ARRAY); a.mov(ecx, ARRAY_BYTES / 4096);
  a.label('stride'); a.add(rax, qword(rsi, 0x10)); a.mov(qword(rsi, 0x18), rax); a.add(rsi, 4096); a.dec(ecx); a.jnz('stride');
  a.dec(ebx); a.jnz('pass');
  a.jmp('top');
  return a.assemble(BigInt(CODE)).bytes;
}

/** A 4-level structure of 4 KiB pages mapping [0, bytes) identically; `table`/`leaf` are the entry flags. */
function identity4k(m: Machine, at: number, bytes: number, table: bigint, leaf: bigint): void {
  const pml4 = at, pdpt = at + 0x1000, pd = at + 0x2000, pt = at + 0x3000;
  m.memory.write64(pml4, BigInt(pdpt) | table);
  m.memory.write64(pdpt, BigInt(pd) | table);
  for (let t = 0; t < bytes / 0x20_0000; t++) {
    m.memory.write64(pd + t * 8, BigInt(pt + t * 0x1000) | table);
    for (let e = 0; e < 512; e++) m.memory.write64(pt + t * 0x1000 + e * 8, BigInt(t * 0x20_0000 + e * 0x1000) | leaf);
  }
}

/** Puts the loaded program in a VMX guest (VMLAUNCH through the model's API), with or without EPT. */
function enterGuest(m: Machine, ept: boolean): void {
  identity4k(m, GUEST_PAGING, GUEST_MAPPED, 0x3n, 0x3n); // present, writable
  const s = enterBaseline(m);
  const vmcs = s.current!;
  vmcs.set('GUEST_CR3', BigInt(GUEST_PAGING));
  vmcs.set('GUEST_RIP', BigInt(CODE));
  if (ept) {
    identity4k(m, EPT, EPT_MAPPED, 0x7n, 0x7n | (6n << 3n)); // read/write/execute; leaves WB (SDM 29.3.2, 29.3.7)
    vmcs.set('EPT_POINTER', BigInt(EPT) | 6n | (3n << 3n)); // WB, 4-level (SDM 25.6.11)
    const proc = vmcs.get('PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS');
    vmcs.set('PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS', proc | (1n << 31n)); // activate secondary controls
    vmcs.set('SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS', 1n << 1n); // enable EPT
  }
  const r = vmEntry(m.cpu, true);
  if (r.kind !== 'entered') throw new Error(`bench: VM entry failed (${JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString(16) : v))})`);
  m.cpu.ripLo = m.cpu.nextLo; m.cpu.ripHi = m.cpu.nextHi;
}

export const EPT_WORKLOADS = [
  { id: 'ept-off', description: 'VMX guest, 8 MiB working set, 4 KiB stride: 1-D walks (4 reads)', program: strideLoop, setup: (m: Machine) => enterGuest(m, false) },
  { id: 'ept-on', description: 'same guest under 4-level EPT: 2-D walks (24 reads)', program: strideLoop, setup: (m: Machine) => enterGuest(m, true) },
] as const;
