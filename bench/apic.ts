// The interrupt workloads of `npm run bench`: processor 1 sends IPIs to processor 0, which runs a guest, in a
// ping-pong (the sender waits until the guest's handler has counted the previous interrupt, so every
// interrupt sent is delivered once).
//   ipi-exit     exit-based injection: "external-interrupt exiting" with "acknowledge interrupt on exit"; the
//                VMM on processor 0 EOIs the physical APIC and injects vector 40H through the VM-entry
//                interruption-information field, then VMRESUMEs (SDM 26.2, 27.6)
//   ipi-posted   posted interrupts: the sender sets PIR bit 40H and ON and sends the notification vector F2H;
//                processor 0 never leaves the guest (SDM 30.6); the guest's handler ends with a virtual EOI
//                (WRMSR 80BH with "virtualize x2APIC mode", SDM 30.5)
// Reported: delivered interrupts per second of host time, and modelled cycles of processor 0 per delivery. The
// processors take turns of QUANTUM instructions, so the sender sees the count move at most once per turn: the
// cycles per delivery include processor 0's wait for the sender's next turn (spinning in the guest). The profile's
// timing prices posted-interrupt processing (postedInterruptCycles, SDM 30.6) and virtual-interrupt delivery
// (virtualInterruptDeliveryCycles, 30.2.2); VM exits and entries have no cost of their own in the timing model yet,
// so ipi-exit counts only the VMM's and the guest's instructions.
import { Assembler, byte, dword, eax, ecx, edx, qword, rax, rbx, rdx } from '../conformance/asm/index.js';
import { BASELINE_MEMORY, enterBaseline } from '../conformance/baseline.js';
import { startLike } from '../conformance/apic-setup.js';
import { Machine, loadFlat } from '../model/machine/index.js';
import { builtinProfile, DEFAULT_PROFILE } from '../model/profile/index.js';
import { VMCS_FIELD } from '../model/generated/index.js';
import { vmxOf } from '../model/vmx/index.js';

const APIC = 0xFEE0_0000;
const COUNTER = 0x7_0000;
const HANDLER = 0x31_0000;
const SENDER = 0x50_0000;
const VAPIC = 0x6_0000, MSR_BITMAP = 0x6_2000, PID = 0x6_3000;
const VECTOR = 0x40, NV = 0xF2;
/** Instructions per turn: small, so the ping-pong is bound by the delivery path more than by the interleave. */
export const QUANTUM = 10;

export const APIC_WORKLOADS = [
  { id: 'ipi-exit', description: 'IPIs to a guest: external-interrupt exit + injection by the VMM' },
  { id: 'ipi-posted', description: 'IPIs to a guest: posted interrupts, no VM exit' },
] as const;

export interface ApicBenchResult {
  readonly id: string;
  readonly description: string;
  readonly delivered: number;
  readonly seconds: number;
  readonly deliveriesPerSecond: number;
  readonly cyclesPerDelivery: number;
}

function bits(group: Record<string, number>, names: readonly string[]): bigint {
  return BigInt(names.reduce((v, n) => v | group[n]!, 0) >>> 0);
}

function build(posted: boolean): Machine {
  const profile = builtinProfile(DEFAULT_PROFILE)!;
  const m = new Machine({ profile, memorySize: 64 * 1024 * 1024, processors: 2, quantum: QUANTUM });
  // Processor 0 starts at VMLAUNCH; its VM exits come to the VMM loop at the host RIP.
  loadFlat(m, Uint8Array.of(0x0F, 0x01, 0xC2, 0xF4), { load: 0x10_0000, entry: 0x10_0000, mode: 'long64' });
  const s = enterBaseline(m);
  const vmcs = s.current!;
  const caps = s.caps;
  const set = (id: string, v: bigint): void => vmcs.set(id, v);
  const or = (id: string, v: bigint): void => vmcs.set(id, vmcs.get(id) | v);
  const ctl = (g: 'pin' | 'proc' | 'proc2' | 'exit', ids: readonly string[]): bigint => {
    let v = 0n;
    for (const id of ids) v |= 1n << BigInt(caps.group(g).bits.find((b) => b.id === id)!.bit);
    return v;
  };
  // The guest: GDT code/data for event delivery, an IDT gate for the vector, a spinning main loop.
  m.memory.load(0x4_0008, Uint8Array.from(Buffer.from('FFFF0000009BAF00FFFF00000093CF00', 'hex')));
  const gate = (v: number, at: number): void => {
    m.memory.write32(BASELINE_MEMORY.idt + 16 * v, (at & 0xFFFF) | (0x08 << 16));
    m.memory.write32(BASELINE_MEMORY.idt + 16 * v + 4, ((at & 0xFFFF_0000) | 0x8E00) >>> 0);
    m.memory.write64(BASELINE_MEMORY.idt + 16 * v + 8, 0n);
  };
  gate(VECTOR, HANDLER);
  const guest = new Assembler(64);
  guest.label('spin').pause().jmp('spin');
  m.memory.load(BASELINE_MEMORY.guestRip, guest.assemble(BigInt(BASELINE_MEMORY.guestRip)).bytes);
  const handler = new Assembler(64);
  handler.inc(qword(null, null, 1, COUNTER));
  if (posted) handler.xor(eax, eax).xor(edx, edx).mov(ecx, 0x80B).wrmsr(); // virtual EOI (SDM 30.1.4, 30.5)
  handler.iretq();
  m.memory.load(HANDLER, handler.assemble(BigInt(HANDLER)).bytes);
  set('GUEST_RFLAGS', 0x202n);
  or('PIN_BASED_VM_EXECUTION_CONTROLS', ctl('pin', ['EXTERNAL_INTERRUPT_EXITING']));
  or('PRIMARY_VM_EXIT_CONTROLS', ctl('exit', ['ACKNOWLEDGE_INTERRUPT_ON_EXIT']));
  const vmm = new Assembler(64);
  if (posted) {
    or('PIN_BASED_VM_EXECUTION_CONTROLS', ctl('pin', ['PROCESS_POSTED_INTERRUPTS']));
    or('PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS', ctl('proc', ['USE_TPR_SHADOW', 'ACTIVATE_SECONDARY_CONTROLS', 'USE_MSR_BITMAPS']));
    set('SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS', ctl('proc2', ['VIRTUAL_INTERRUPT_DELIVERY', 'VIRTUALIZE_X2APIC_MODE']));
    set('VIRTUAL_APIC_ADDRESS', BigInt(VAPIC)); set('MSR_BITMAPS_ADDRESS', BigInt(MSR_BITMAP)); set('TPR_THRESHOLD', 0n);
    set('GUEST_INTERRUPT_STATUS', 0n);
    set('POSTED_INTERRUPT_NOTIFICATION_VECTOR', BigInt(NV)); set('POSTED_INTERRUPT_DESCRIPTOR_ADDRESS', BigInt(PID));
    vmm.hlt(); // no VM exit is expected
  } else {
    // EOI the physical APIC, inject the vector (external interrupt, valid), resume (SDM 27.6).
    vmm.label('exit').xor(eax, eax).mov(dword(null, null, 1, APIC + 0xB0), eax);
    vmm.mov(edx, VMCS_FIELD.VM_ENTRY_INTERRUPTION_INFORMATION).mov(eax, 0x8000_0000 | VECTOR).vmwrite(rdx, rax).vmresume().hlt();
  }
  m.memory.load(BASELINE_MEMORY.hostRip, vmm.assemble(BigInt(BASELINE_MEMORY.hostRip)).bytes);
  // Processor 1: send, wait for the guest's counter to move, again.
  const send = new Assembler(64);
  send.label('again').mov(rbx, qword(null, null, 1, COUNTER));
  if (posted) {
    send.mov(ecx, 1 << (VECTOR & 31)).lock().or(dword(null, null, 1, PID + 4 * (VECTOR >>> 5)), ecx);
    send.lock().or(byte(null, null, 1, PID + 32), 1);
  }
  send.xor(eax, eax).mov(dword(null, null, 1, APIC + 0x310), eax);
  send.mov(eax, 0x4000 | (posted ? NV : VECTOR)).mov(dword(null, null, 1, APIC + 0x300), eax);
  send.label('wait').pause().cmp(qword(null, null, 1, COUNTER), rbx).je('wait').jmp('again');
  m.memory.load(SENDER, send.assemble(BigInt(SENDER)).bytes);
  startLike(m.cpus[0]!, m.cpus[1]!, SENDER, SENDER + 0xFF0);
  return m;
}

function measure(posted: boolean, instructions: number): { delivered: number; seconds: number; cycles: number } {
  const m = build(posted);
  const cpu0 = m.cpus[0]!;
  const c0 = cpu0.cycles, d0 = Number(m.memory.read64(COUNTER));
  const t0 = process.hrtime.bigint();
  const r = m.run(instructions);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.end !== 'instruction-budget') throw new Error(`the interrupt benchmark stopped early: ${r.end} (VM exit reason ${vmxOf(cpu0).current?.get('EXIT_REASON')})`);
  return { delivered: Number(m.memory.read64(COUNTER)) - d0, seconds, cycles: cpu0.cycles - c0 };
}

export function benchApic(id: string): ApicBenchResult {
  const w = APIC_WORKLOADS.find((x) => x.id === id)!;
  const posted = id === 'ipi-posted';
  measure(posted, 200_000); // warm up
  const runs = [1, 2, 3].map(() => measure(posted, 1_000_000));
  runs.sort((a, b) => a.delivered / a.seconds - b.delivered / b.seconds);
  const r = runs[1]!;
  if (r.delivered === 0) throw new Error(`${id}: no interrupt was delivered`);
  return { id, description: w.description, delivered: r.delivered, seconds: r.seconds, deliveriesPerSecond: r.delivered / r.seconds, cyclesPerDelivery: r.cycles / r.delivered };
}
