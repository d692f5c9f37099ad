// Generated APIC-virtualization, posted-interrupt, APIC-timer and IPI cases (SDM 30, 28.2.1; Vol. 3A 11).
// Each family states the SDM rule it follows in a comment; the expected exit, fields and interrupt paths are
// computed here from that rule (pseudocode of 30.1.2-30.1.5, 30.2, 30.5, 30.6; Vol. 3A 11.5.4), never from
// the model. Guest programs and handler stubs are assembled (conformance/asm), so RIPs come from encodings.
import { type Assembler, Assembler as Asm, byte, cr8, dword, eax, ecx, edx, rax } from '../asm/index.js';
import { APIC_REGISTERS, type ConformanceCase, type ControlRef, EXIT_REASON } from '../../model/generated/index.js';
import { timerDivisor } from '../../model/apic/timer.js';
import { programAddress } from '../apic-setup.js';

const GUEST_RIP = 0x30_0000n;
/** Handler stubs: a VMCALL at STUBS + 16 * vector (guest code, identity-mapped). */
const STUBS = 0x31_0000;
const IDT = 0x4_1000;
/** Physical pages the cases use (all clear of the baseline's structures, conformance/baseline.ts). */
const VAPIC = 0x6_0000, ACCESS = 0x6_1000, MSR_BITMAP = 0x6_2000, PID = 0x6_3000;
const APIC_MMIO = 0xFEE0_0000;
const NV = 0xF2;

type Memory = NonNullable<NonNullable<ConformanceCase['setup']>['memory']>;
type Paths = NonNullable<NonNullable<NonNullable<ConformanceCase['apic']>['expect']>['paths']>;

function hex(v: bigint | number): string {
  return '0x' + BigInt(v).toString(16).toUpperCase();
}

function hexBytes(b: Uint8Array): string {
  return Buffer.from(b).toString('hex').toUpperCase();
}

function h2(v: number): string {
  return v.toString(16).toUpperCase().padStart(2, '0');
}

function le32(v: number): string {
  return hexBytes(Uint8Array.of(v & 0xFF, (v >>> 8) & 0xFF, (v >>> 16) & 0xFF, (v >>> 24) & 0xFF));
}

interface Program {
  readonly code: string;
  readonly disassembly: string[];
  readonly labels: Map<string, bigint>;
}

function assemble(build: (a: Assembler) => void, origin: bigint): Program {
  const a = new Asm(64);
  build(a);
  const p = a.assemble(origin);
  const disassembly = a.listing(origin).filter((l) => !l.trimEnd().endsWith(':')).map((l) => l.split(/ {2,}/).slice(2).join('  ').trim() || l.trim());
  return { code: hexBytes(p.bytes), disassembly, labels: p.labels };
}

/** GDT code/data descriptors at 08H/10H for event delivery in the guest (as in conformance/cases/events). */
const GDT_ENTRIES: Memory[number] = { address: '0x40008', bytes: 'FFFF0000009BAF00FFFF00000093CF00' };

/** IA-32e interrupt gates (SDM Vol. 3A 6.14.1) for `vectors`, each to its VMCALL stub, and the stubs. */
function handlers(vectors: readonly number[]): Memory {
  const out: Memory = [GDT_ENTRIES];
  for (const v of vectors) {
    const off = STUBS + 16 * v;
    out.push({ address: hex(IDT + 16 * v), bytes: le32((off & 0xFFFF) | (0x08 << 16)) + le32(((off & 0xFFFF_0000) | 0x8E00) >>> 0) + le32(0) + le32(0) });
    out.push({ address: hex(off), bytes: '0F01C1' });
  }
  return out;
}

function stub(v: number): string {
  return hex(STUBS + 16 * v);
}

/** One bit of a 256-bit virtual-APIC register at `base` (VISR 100H, VIRR 200H): bit x at base | ((x & E0H) >> 1) (30.1.1). */
function vbits(base: number, vectors: readonly number[]): Memory {
  const words = new Map<number, number>();
  for (const v of vectors) {
    const off = base | ((v & 0xE0) >> 1);
    words.set(off, ((words.get(off) ?? 0) | (1 << (v & 31))) >>> 0);
  }
  return [...words].map(([off, w]) => ({ address: hex(VAPIC + off), bytes: le32(w) }));
}

function vtpr(value: number): Memory[number] {
  return { address: hex(VAPIC + 0x80), bytes: le32(value) };
}

/** The posted-interrupt descriptor (30.6, Table 30-1): PIR bits and ON. */
function descriptor(vectors: readonly number[], on: boolean): Memory {
  const words = new Array<number>(8).fill(0);
  for (const v of vectors) words[v >>> 5] = (words[v >>> 5]! | (1 << (v & 31))) >>> 0;
  return [{ address: hex(PID), bytes: words.map(le32).join('') + (on ? '01' : '00') }];
}

const TPR_SHADOW: ControlRef[] = ['proc.USE_TPR_SHADOW', 'proc.ACTIVATE_SECONDARY_CONTROLS'];
/** Virtual-interrupt delivery and its prerequisites (27.2.1.1: TPR shadow, external-interrupt exiting). */
const VID: ControlRef[] = [...TPR_SHADOW, 'proc2.VIRTUAL_INTERRUPT_DELIVERY', 'pin.EXTERNAL_INTERRUPT_EXITING'];
const POSTED: ControlRef[] = [...VID, 'exit.ACKNOWLEDGE_INTERRUPT_ON_EXIT', 'pin.PROCESS_POSTED_INTERRUPTS'];
const X2APIC_VIRT: ControlRef[] = [...TPR_SHADOW, 'proc2.VIRTUALIZE_X2APIC_MODE', 'proc.USE_MSR_BITMAPS'];

/** The guest interrupt status (25.4.2): RVI in bits 7:0, SVI in 15:8. */
function status(rvi: number, svi: number): string {
  return hex((svi << 8) | rvi);
}

interface Spec {
  id: string;
  title: string;
  sdm: [string, ...string[]];
  tags?: string[];
  controls: readonly ControlRef[];
  /** Capabilities beyond the controls. */
  requires?: NonNullable<ConformanceCase['requires']>;
  fields?: Record<string, string>;
  memory?: Memory;
  guest?: Program;
  apic?: ConformanceCase['apic'];
  exit: { reason: number; fields?: Record<string, string>; ignoreBits?: Record<string, string>; memory?: { address: string; bytes: string }[] };
  /** EPT identity map changes (setup.ept); the case then also sets proc2.ENABLE_EPT. */
  ept?: NonNullable<ConformanceCase['setup']>['ept'];
  /** Steps after the first (VM-entry) step. */
  more?: ConformanceCase['steps'];
  /** The processor the case needs instead of the one under test (a built-in profile). */
  profile?: ConformanceCase['profile'];
}

function kase(s: Spec): ConformanceCase {
  const controls = [...new Set(s.controls)];
  return {
    id: s.id, title: s.title, sdm: s.sdm, tags: ['apic', ...(s.tags ?? [])], ...(s.profile ? { profile: s.profile } : {}),
    requires: [...controls.map((control) => ({ control })), ...(s.requires ?? [])],
    setup: {
      controls: { set: controls },
      ...(s.fields ? { fields: s.fields } : {}),
      ...(s.memory ? { memory: s.memory } : {}),
      ...(s.ept ? { ept: s.ept } : {}),
    },
    ...(s.guest ? { guest: { code: s.guest.code, disassembly: s.guest.disassembly } } : {}),
    ...(s.apic ? { apic: s.apic } : {}),
    steps: [{
      op: 'vmlaunch',
      expect: {
        kind: 'vm-exit', exitReason: s.exit.reason,
        ...(s.exit.fields ? { fields: s.exit.fields } : {}), ...(s.exit.ignoreBits ? { ignoreBits: s.exit.ignoreBits } : {}),
        ...(s.exit.memory ? { memory: s.exit.memory } : {}),
      },
    }, ...(s.more ?? [])],
  };
}

const VMCALL_AT_ENTRY = assemble((a) => { a.vmcall(); }, GUEST_RIP);
const SPIN = assemble((a) => { a.label('spin').pause().jmp('spin'); }, GUEST_RIP);
const HALT = assemble((a) => { a.hlt().vmcall(); }, GUEST_RIP);

/** The fields every virtual-interrupt-delivery case sets: virtual-APIC page, IF = 1, the guest interrupt status. */
function vidFields(rvi: number, svi: number, extra: Record<string, string> = {}): Record<string, string> {
  return { VIRTUAL_APIC_ADDRESS: hex(VAPIC), GUEST_RFLAGS: '0x202', GUEST_INTERRUPT_STATUS: status(rvi, svi), TPR_THRESHOLD: '0x0', ...extra };
}

/** PPR virtualization (30.1.3). */
function vppr(vtprValue: number, svi: number): number {
  return (vtprValue >>> 4) >= (svi >>> 4) ? vtprValue & 0xFF : svi & 0xF0;
}

// ---- virtual-interrupt delivery at VM entry (27.3.2.5: PPR virtualization and evaluation; 30.2.1, 30.2.2)

function vidDelivery(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  // Every vector 16-255 with VTPR = 0: RVI[7:4] > VPPR[7:4] = 0, so it is recognized and, with IF = 1, delivered
  // before the first guest instruction: VISR/SVI take it, VIRR and RVI drop it (30.2.2).
  for (let v = 16; v < 256; v++) {
    out.push(kase({
      id: `apic.vid.deliver.v${h2(v)}`, title: `RVI = ${h2(v)}H with VIRR[${h2(v)}H] set and VTPR 0: delivered at entry through the guest IDT; SVI = ${h2(v)}H, RVI = 0`,
      sdm: ['30.2.1', '30.2.2', '27.3.2.5'], tags: ['virtual-interrupt-delivery'], controls: VID,
      fields: vidFields(v, 0), memory: [...handlers([v]), ...vbits(0x200, [v])], guest: VMCALL_AT_ENTRY,
      apic: { expect: { paths: [{ vector: v, path: 'virtual-delivered' }] } },
      exit: { reason: EXIT_REASON.VMCALL, fields: { GUEST_RIP: stub(v), GUEST_INTERRUPT_STATUS: status(0, v) } },
    }));
  }
  // Priority against VTPR: a class above VTPR[7:4] is delivered, one at or below is not (30.2.1).
  for (let t = 0; t < 16; t++) {
    for (let c = 1; c < 16; c++) {
      const v = (c << 4) | 5;
      const delivered = c > t;
      out.push(kase({
        id: `apic.vid.vtpr${h2(t << 4)}.v${h2(v)}`,
        title: `RVI = ${h2(v)}H, VTPR = ${h2(t << 4)}H: ${delivered ? 'class above VPPR, delivered' : 'class not above VPPR, not recognized; the guest runs'}`,
        sdm: ['30.1.3', '30.2.1', '30.2.2'], tags: ['virtual-interrupt-delivery'], controls: VID,
        fields: vidFields(v, 0), memory: [...handlers([v]), ...vbits(0x200, [v]), vtpr(t << 4)], guest: VMCALL_AT_ENTRY,
        apic: { expect: { paths: delivered ? [{ vector: v, path: 'virtual-delivered' }] : [] } },
        exit: delivered
          ? { reason: EXIT_REASON.VMCALL, fields: { GUEST_RIP: stub(v), GUEST_INTERRUPT_STATUS: status(0, v) } }
          : { reason: EXIT_REASON.VMCALL, fields: { GUEST_RIP: hex(GUEST_RIP), GUEST_INTERRUPT_STATUS: status(v, 0) } },
      }));
    }
  }
  // Ordering by priority: with two vectors pending, RVI is the higher and goes first; RVI then holds the other.
  const set = [0x20, 0x2F, 0x35, 0x50, 0x51, 0x7F, 0x80, 0xA1, 0xC3, 0xEF, 0xF0, 0xFE];
  for (const a of set) {
    for (const b of set) {
      if (b <= a) continue;
      out.push(kase({
        id: `apic.vid.order.v${h2(a)}-v${h2(b)}`, title: `VIRR holds ${h2(a)}H and ${h2(b)}H, RVI = ${h2(b)}H: ${h2(b)}H is delivered first and RVI becomes ${h2(a)}H`,
        sdm: ['30.2.2'], tags: ['virtual-interrupt-delivery'], controls: VID,
        fields: vidFields(b, 0), memory: [...handlers([a, b]), ...vbits(0x200, [a, b])], guest: VMCALL_AT_ENTRY,
        apic: { expect: { paths: [{ vector: b, path: 'virtual-delivered' }] } },
        exit: { reason: EXIT_REASON.VMCALL, fields: { GUEST_RIP: stub(b), GUEST_INTERRUPT_STATUS: status(a, b) } },
      }));
    }
  }
  // In service: a pending vector of the same class as SVI waits; a higher class nests (VPPR = SVI & F0H, 30.1.3).
  for (const [svi, rvi] of [[0x55, 0x58], [0x55, 0x61], [0x90, 0x9F], [0x90, 0xA0], [0x31, 0x30], [0xE0, 0xF1]] as const) {
    const delivered = (rvi >>> 4) > (vppr(0, svi) >>> 4);
    out.push(kase({
      id: `apic.vid.in-service.s${h2(svi)}.v${h2(rvi)}`, title: `SVI = ${h2(svi)}H in service, RVI = ${h2(rvi)}H: ${delivered ? 'a higher class, delivered (nested)' : 'not above VPPR, waits'}`,
      sdm: ['30.1.3', '30.2.1', '30.2.2'], tags: ['virtual-interrupt-delivery'], controls: VID,
      fields: vidFields(rvi, svi), memory: [...handlers([rvi]), ...vbits(0x200, [rvi]), ...vbits(0x100, [svi])], guest: VMCALL_AT_ENTRY,
      apic: { expect: { paths: delivered ? [{ vector: rvi, path: 'virtual-delivered' }] : [] } },
      exit: delivered
        ? { reason: EXIT_REASON.VMCALL, fields: { GUEST_RIP: stub(rvi), GUEST_INTERRUPT_STATUS: status(0, rvi) } }
        : { reason: EXIT_REASON.VMCALL, fields: { GUEST_RIP: hex(GUEST_RIP), GUEST_INTERRUPT_STATUS: status(rvi, svi) } },
    }));
  }
  // RFLAGS.IF = 0 blocks delivery (30.2.2): the guest runs to its VMCALL with RVI unchanged.
  for (const v of [0x30, 0x80, 0xFF]) {
    out.push(kase({
      id: `apic.vid.if-clear.v${h2(v)}`, title: `RVI = ${h2(v)}H recognized but RFLAGS.IF = 0: not delivered`,
      sdm: ['30.2.2'], tags: ['virtual-interrupt-delivery'], controls: VID,
      fields: { ...vidFields(v, 0), GUEST_RFLAGS: '0x2' }, memory: [...handlers([v]), ...vbits(0x200, [v])], guest: VMCALL_AT_ENTRY,
      apic: { expect: { paths: [] } },
      exit: { reason: EXIT_REASON.VMCALL, fields: { GUEST_RIP: hex(GUEST_RIP), GUEST_INTERRUPT_STATUS: status(v, 0) } },
    }));
  }
  // Blocking by STI (30.2.2): after STI with IF = 0 the next instruction runs before the virtual interrupt.
  for (const nops of [0, 1]) {
    const p = assemble((a) => { a.sti(); for (let i = 0; i < nops; i++) a.nop(); a.label('call').vmcall(); }, GUEST_RIP);
    out.push(kase({
      id: `apic.vid.sti-blocking.nop${nops}`,
      title: nops === 0 ? 'RVI 60H recognized, IF = 0; STI then VMCALL: blocking by STI holds the interrupt, the VMCALL exits first'
        : 'RVI 60H recognized, IF = 0; STI, NOP: the interrupt is delivered after the NOP',
      sdm: ['30.2.2', '3A:6.8.3'], tags: ['virtual-interrupt-delivery'], controls: VID,
      fields: { ...vidFields(0x60, 0), GUEST_RFLAGS: '0x2' }, memory: [...handlers([0x60]), ...vbits(0x200, [0x60])], guest: p,
      apic: { expect: { paths: nops === 0 ? [] : [{ vector: 0x60, path: 'virtual-delivered' }] } },
      exit: nops === 0
        ? { reason: EXIT_REASON.VMCALL, fields: { GUEST_RIP: hex(p.labels.get('call')!), GUEST_INTERRUPT_STATUS: status(0x60, 0) } }
        : { reason: EXIT_REASON.VMCALL, fields: { GUEST_RIP: stub(0x60), GUEST_INTERRUPT_STATUS: status(0, 0x60) } },
    }));
  }
  // "Interrupt-window exiting" 1: evaluation does not recognize the interrupt (30.2.1); the window exit comes instead (26.7.5).
  out.push(kase({
    id: 'apic.vid.interrupt-window', title: 'RVI = 40H with interrupt-window exiting 1: no virtual interrupt; an interrupt-window VM exit',
    sdm: ['30.2.1', '26.7.5'], tags: ['virtual-interrupt-delivery'], controls: [...VID, 'proc.INTERRUPT_WINDOW_EXITING'],
    fields: vidFields(0x40, 0), memory: [...handlers([0x40]), ...vbits(0x200, [0x40])], guest: VMCALL_AT_ENTRY,
    apic: { expect: { paths: [] } },
    exit: { reason: EXIT_REASON.INTERRUPT_WINDOW, fields: { GUEST_RIP: hex(GUEST_RIP), GUEST_INTERRUPT_STATUS: status(0x40, 0) } },
  }));
  return out;
}

// ---- EOI virtualization and the EOI-exit bitmap (30.1.4), through WRMSR 80BH with "virtualize x2APIC mode" (30.5)

const EOI_PROGRAM = assemble((a) => { a.xor(eax, eax).xor(edx, edx).mov(ecx, 0x80B).wrmsr().label('after').vmcall(); }, GUEST_RIP);

function eoiRouting(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  const after = hex(EOI_PROGRAM.labels.get('after')!);
  for (let v = 16; v < 256; v++) {
    for (const exits of [true, false]) {
      const bitmap: Record<string, string> = {};
      if (exits) bitmap[`EOI_EXIT_BITMAP${v >>> 6}`] = hex(1n << BigInt(v & 63));
      out.push(kase({
        id: `apic.eoi.v${h2(v)}.${exits ? 'exit' : 'virtualized'}`,
        title: `Virtual EOI of in-service ${h2(v)}H with EOI-exit bitmap bit ${exits ? '1: trap-like EOI-induced exit, qualification the vector' : '0: virtualized, no exit'}`,
        sdm: ['30.1.4', '30.5', '28.2.1'], tags: ['eoi-virtualization'], controls: [...VID, ...X2APIC_VIRT],
        fields: vidFields(0, v, { MSR_BITMAPS_ADDRESS: hex(MSR_BITMAP), ...bitmap }), memory: vbits(0x100, [v]), guest: EOI_PROGRAM,
        apic: { expect: { paths: [{ vector: v, path: exits ? 'eoi-exit' : 'virtual-eoi' }] } },
        exit: exits
          ? { reason: EXIT_REASON.VIRTUALIZED_EOI, fields: { EXIT_QUALIFICATION: hex(v), GUEST_RIP: after, GUEST_INTERRUPT_STATUS: status(0, 0) } }
          : { reason: EXIT_REASON.VMCALL, fields: { GUEST_RIP: after, GUEST_INTERRUPT_STATUS: status(0, 0) } },
      }));
    }
  }
  // EOI with a lower vector still in VISR: SVI drops to it, and a pending vector above it is then delivered (30.1.4, 30.2).
  out.push(kase({
    id: 'apic.eoi.nested-then-pending', title: 'VISR holds 30H and 70H (SVI 70H), VIRR 50H: the EOI of 70H lowers VPPR to 30H, so 50H is delivered',
    sdm: ['30.1.4', '30.1.3', '30.2.1', '30.2.2'], tags: ['eoi-virtualization'], controls: [...VID, ...X2APIC_VIRT],
    fields: vidFields(0x50, 0x70, { MSR_BITMAPS_ADDRESS: hex(MSR_BITMAP) }), memory: [...handlers([0x50]), ...vbits(0x100, [0x30, 0x70]), ...vbits(0x200, [0x50])],
    guest: EOI_PROGRAM,
    apic: { expect: { paths: [{ vector: 0x70, path: 'virtual-eoi' }, { vector: 0x50, path: 'virtual-delivered' }] } },
    exit: { reason: EXIT_REASON.VMCALL, fields: { GUEST_RIP: stub(0x50), GUEST_INTERRUPT_STATUS: status(0, 0x50) } },
  }));
  return out;
}

// ---- TPR virtualization and the TPR threshold (30.1.2, 30.3): MOV to CR8 with "virtual-interrupt delivery" 0

function tprThreshold(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  // The TPR-below-threshold exit right after VM entry (27.7.7: "use TPR shadow" and "virtualize APIC accesses" 1,
  // "virtual-interrupt delivery" 0, threshold[3:0] > VTPR[7:4]) follows event injection: the injected interrupt is
  // delivered (RIP at its handler, no IDT-vectoring information) and the exit comes before the handler's first
  // instruction; it is not blocked by RFLAGS.IF = 0 or the interruptibility state.
  for (const [what, inject, rflags] of [['after-injection', true, '0x202'], ['no-injection', false, '0x202'], ['if-clear', false, '0x2']] as const) {
    out.push(kase({
      id: `apic.tpr-threshold.at-entry.${what}`,
      title: `VTPR 10H below TPR threshold 2 at VM entry${inject ? ' with interrupt 20H injected: the interrupt is delivered first, the exit is at its handler' : rflags === '0x2' ? ' with RFLAGS.IF 0: the exit is not blocked' : ': the exit comes before the first guest instruction'}`,
      sdm: ['27.7.7', '27.6', '28.2.4'], tags: ['tpr-shadow', ...(inject ? ['event-delivery'] : [])],
      controls: [...TPR_SHADOW, 'proc2.VIRTUALIZE_APIC_ACCESSES'],
      fields: {
        VIRTUAL_APIC_ADDRESS: hex(VAPIC), TPR_THRESHOLD: '0x2', APIC_ACCESS_ADDRESS: hex(ACCESS), GUEST_RFLAGS: rflags,
        ...(inject ? { VM_ENTRY_INTERRUPTION_INFORMATION: INJECT_20 } : {}),
      },
      memory: [...(inject ? handlers([0x20]) : []), vtpr(0x10)], guest: VMCALL_AT_ENTRY,
      exit: { reason: EXIT_REASON.TPR_BELOW_THRESHOLD, fields: { GUEST_RIP: inject ? stub(0x20) : hex(GUEST_RIP), IDT_VECTORING_INFORMATION: '0x0', EXIT_QUALIFICATION: '0x0' } },
    }));
  }
  for (let t = 0; t < 16; t++) {
    for (let n = 0; n < 16; n++) {
      const p = assemble((a) => { a.mov(eax, n).mov(cr8, rax).label('after').vmcall(); }, GUEST_RIP);
      const exits = n < t;
      out.push(kase({
        id: `apic.tpr-threshold.t${t}.cr8-${n}`, title: `MOV CR8 = ${n} with TPR threshold ${t}: ${exits ? 'VTPR[7:4] below the threshold, trap-like TPR-below-threshold exit' : 'no exit'}`,
        sdm: ['30.1.2', '30.3', '28.1'], tags: ['tpr-shadow'], controls: TPR_SHADOW,
        fields: { VIRTUAL_APIC_ADDRESS: hex(VAPIC), TPR_THRESHOLD: hex(t) }, memory: [vtpr(0xF0)], guest: p,
        exit: { reason: exits ? EXIT_REASON.TPR_BELOW_THRESHOLD : EXIT_REASON.VMCALL, fields: { GUEST_RIP: hex(p.labels.get('after')!) } },
      }));
    }
  }
  return out;
}

// ---- posted-interrupt processing (30.6)

function postedInterrupts(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  const base = (v: number): Pick<Spec, 'controls' | 'fields' | 'memory'> => ({
    controls: POSTED,
    fields: vidFields(0, 0, { POSTED_INTERRUPT_NOTIFICATION_VECTOR: hex(NV), POSTED_INTERRUPT_DESCRIPTOR_ADDRESS: hex(PID) }),
    memory: [...handlers([v]), ...descriptor([v], true)],
  });
  // Not running when the notification arrived: it waits in the IRR (host interrupts off) and is processed right
  // after VM entry: PIR into VIRR, RVI = the highest PIR bit, evaluation, delivery (30.6 steps 1-7).
  for (let v = 16; v < 256; v++) {
    out.push(kase({
      id: `apic.posted.at-entry.v${h2(v)}`, title: `Notification F2H pending at VM entry, PIR bit ${h2(v)}H: processed and ${h2(v)}H delivered to the guest`,
      sdm: ['30.6', '30.2.2'], tags: ['posted-interrupts'], ...base(v), guest: SPIN,
      apic: { requests: [NV], expect: { paths: [{ vector: NV, path: 'posted' }, { vector: v, path: 'virtual-delivered' }], irr: [], isr: [] } },
      exit: { reason: EXIT_REASON.VMCALL, fields: { GUEST_RIP: stub(v), GUEST_INTERRUPT_STATUS: status(0, v) } },
    }));
  }
  // A guest halted with RFLAGS.IF = 0: the notification is processed (RVI rises) but the virtual interrupt cannot
  // be delivered, so the processor returns to the HLT state (30.6); the VMX-preemption timer ends the wait.
  for (const v of [0x31, 0x8C, 0xFE]) {
    out.push(kase({
      id: `apic.posted.halted-if-clear.v${h2(v)}`, title: `Notification with PIR bit ${h2(v)}H to a guest halted with IF = 0: processed, stays in HLT; the preemption timer exits with RVI = ${h2(v)}H`,
      sdm: ['30.6', '30.2.2', '26.5.1'], tags: ['posted-interrupts'], ...base(v),
      controls: [...POSTED, 'pin.ACTIVATE_VMX_PREEMPTION_TIMER'],
      requires: [{ msr: 'IA32_VMX_MISC', field: 'activityStateHlt' }],
      fields: vidFields(0, 0, { POSTED_INTERRUPT_NOTIFICATION_VECTOR: hex(NV), POSTED_INTERRUPT_DESCRIPTOR_ADDRESS: hex(PID), GUEST_RFLAGS: '0x2', GUEST_ACTIVITY_STATE: '0x1', VMX_PREEMPTION_TIMER_VALUE: '0x20' }),
      guest: VMCALL_AT_ENTRY,
      apic: { requests: [NV], expect: { paths: [{ vector: NV, path: 'posted' }], irr: [], isr: [] } },
      exit: { reason: EXIT_REASON.VMX_PREEMPTION_TIMER_EXPIRED, fields: { GUEST_INTERRUPT_STATUS: status(v, 0), GUEST_ACTIVITY_STATE: '0x1', GUEST_RIP: hex(GUEST_RIP) } },
    }));
  }
  // Another vector is an ordinary external interrupt: acknowledged, and a VM exit with its vector (30.6 step 2).
  for (let c = 1; c < 16; c++) {
    const v = (c << 4) | 1;
    if (v === NV) continue;
    out.push(kase({
      id: `apic.posted.other-vector.v${h2(v)}`, title: `External interrupt ${h2(v)}H (not the notification vector) with posted interrupts: external-interrupt exit, acknowledged`,
      sdm: ['30.6', '26.2', '28.2.2'], tags: ['posted-interrupts'], ...base(0x40), guest: SPIN,
      apic: { requests: [v], expect: { paths: [{ vector: v, path: 'posted-exit' }], irr: [], isr: [v] } },
      exit: { reason: EXIT_REASON.EXTERNAL_INTERRUPT, fields: { VM_EXIT_INTERRUPTION_INFORMATION: hex(0x8000_0000 + v), GUEST_INTERRUPT_STATUS: status(0, 0) } },
    }));
  }
  // Sent by processor 1 while processor 0's guest runs (spinning) or is halted: the notification IPI is processed
  // in VMX non-root operation; the recognized virtual interrupt wakes a halted guest (30.2.2, 30.6).
  for (const target of ['running', 'halted'] as const) {
    for (let c = 2; c < 16; c++) {
      const v = (c << 4) | 3;
      const sender = assemble((a) => {
        a.mov(eax, (1 << (v & 31)) >>> 0).lock().or(dword(null, null, 1, PID + 4 * (v >>> 5)), eax);
        a.lock().or(byte(null, null, 1, PID + 32), 1);
        a.mov(eax, 0).mov(dword(null, null, 1, APIC_MMIO + 0x310), eax);
        a.mov(eax, 0x4000 | NV).mov(dword(null, null, 1, APIC_MMIO + 0x300), eax);
        a.hlt();
      }, BigInt(programAddress(1)));
      out.push(kase({
        id: `apic.posted.${target}.v${h2(v)}`, title: `Processor 1 posts ${h2(v)}H and sends the notification to processor 0's ${target} guest: delivered without a VM exit`,
        sdm: ['30.6', '30.2.2', '3A:11.6.1'], tags: ['posted-interrupts', 'multiprocessor'], ...base(v),
        fields: vidFields(0, 0, { POSTED_INTERRUPT_NOTIFICATION_VECTOR: hex(NV), POSTED_INTERRUPT_DESCRIPTOR_ADDRESS: hex(PID) }),
        memory: [...handlers([v]), ...descriptor([], false)], guest: target === 'running' ? SPIN : HALT,
        apic: { processors: 2, programs: [{ processor: 1, code: sender.code, disassembly: sender.disassembly }],
          expect: { paths: [{ vector: NV, path: 'posted' }, { vector: v, path: 'virtual-delivered' }], irr: [], isr: [] } },
        exit: { reason: EXIT_REASON.VMCALL, fields: { GUEST_RIP: stub(v), GUEST_INTERRUPT_STATUS: status(0, v) } },
      }));
    }
  }
  return out;
}

// ---- IPIs from processor 1 to processor 0's guest with "external-interrupt exiting" (26.2, 28.2.2; Vol. 3A 11.6.1)

function ipis(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  const send = (icrLow: number): Program => assemble((a) => {
    a.mov(eax, 0).mov(dword(null, null, 1, APIC_MMIO + 0x310), eax);
    a.mov(eax, icrLow).mov(dword(null, null, 1, APIC_MMIO + 0x300), eax);
    a.hlt();
  }, BigInt(programAddress(1)));
  for (let c = 1; c < 16; c++) {
    const v = (c << 4) | 7;
    for (const ack of [true, false]) {
      const p = send(0x4000 | v);
      out.push(kase({
        id: `apic.ipi.fixed.v${h2(v)}.${ack ? 'ack' : 'no-ack'}`,
        title: `Processor 1 sends fixed IPI ${h2(v)}H to processor 0's guest: external-interrupt exit${ack ? ', acknowledged (vector saved, in ISR)' : '; not acknowledged (stays in IRR)'}`,
        sdm: ['3A:11.6.1', '26.2', '28.2.2'], tags: ['ipi', 'multiprocessor'],
        controls: ['pin.EXTERNAL_INTERRUPT_EXITING', ...(ack ? ['exit.ACKNOWLEDGE_INTERRUPT_ON_EXIT' as const] : [])],
        guest: SPIN,
        apic: { processors: 2, programs: [{ processor: 1, code: p.code, disassembly: p.disassembly }],
          expect: { paths: ack ? [{ vector: v, path: 'external-interrupt-exit' }] : [], irr: ack ? [] : [v], isr: ack ? [v] : [] } },
        exit: { reason: EXIT_REASON.EXTERNAL_INTERRUPT, fields: { VM_EXIT_INTERRUPTION_INFORMATION: ack ? hex(0x8000_0000 + v) : '0x0' } },
      }));
    }
  }
  const nmi = send(0x4400);
  out.push(kase({
    id: 'apic.ipi.nmi', title: 'Processor 1 sends an NMI IPI to processor 0\'s guest with NMI exiting: exit 0, NMI interruption information',
    sdm: ['3A:11.6.1', '26.2', '28.2.2'], tags: ['ipi', 'multiprocessor'], controls: ['pin.NMI_EXITING'], guest: SPIN,
    apic: { processors: 2, programs: [{ processor: 1, code: nmi.code, disassembly: nmi.disassembly }], expect: { paths: [{ vector: 2, path: 'nmi' }] } },
    exit: { reason: EXIT_REASON.EXCEPTION_OR_NMI, fields: { VM_EXIT_INTERRUPTION_INFORMATION: '0x80000202' } },
  }));
  const init = send(0x4500);
  out.push(kase({
    id: 'apic.ipi.init', title: 'Processor 1 sends INIT to processor 0 in VMX non-root operation: an INIT-signal VM exit',
    sdm: ['3A:11.6.1', '26.2', '24.8'], tags: ['ipi', 'multiprocessor'], controls: [], guest: SPIN,
    apic: { processors: 2, programs: [{ processor: 1, code: init.code, disassembly: init.disassembly }], expect: { paths: [{ vector: 0, path: 'init' }] } },
    exit: { reason: EXIT_REASON.INIT_SIGNAL },
  }));
  // A SIPI to a guest in the wait-for-SIPI activity state: a VM exit with the vector as qualification (26.2, 28.2.1).
  const sipi = send(0x469A);
  out.push(kase({
    id: 'apic.ipi.sipi-wait-for-sipi', title: 'Processor 1 sends SIPI 9AH to processor 0\'s guest in the wait-for-SIPI state: a start-up-IPI VM exit, qualification 9AH',
    sdm: ['3A:11.6.1', '26.2', '28.2.1'], tags: ['ipi', 'multiprocessor'], controls: [],
    requires: [{ msr: 'IA32_VMX_MISC', field: 'activityStateWaitForSipi' }], fields: { GUEST_ACTIVITY_STATE: '0x3' }, guest: SPIN,
    apic: { processors: 2, programs: [{ processor: 1, code: sipi.code, disassembly: sipi.disassembly }], expect: { paths: [{ vector: 0x9A, path: 'startup' }] } },
    exit: { reason: EXIT_REASON.START_UP_IPI, fields: { EXIT_QUALIFICATION: '0x9A' } },
  }));
  return out;
}

// ---- the APIC timer (Vol. 3A 11.5.4): expiry = count x divisor cycles after arming, taken as an external-interrupt exit

function timer(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  const controls: ControlRef[] = ['pin.EXTERNAL_INTERRUPT_EXITING', 'exit.ACKNOWLEDGE_INTERRUPT_ON_EXIT'];
  const v = 0x40;
  for (const [mode, bits] of [['one-shot', 0], ['periodic', 0x2_0000]] as const) {
    for (const dcr of [0x0, 0x1, 0x2, 0x3, 0x8, 0x9, 0xA, 0xB]) {
      for (const count of [1, 9, 100]) {
        const div = timerDivisor(dcr);
        out.push(kase({
          id: `apic.timer.${mode}.div${div}.count${count}`, title: `APIC timer ${mode}, divide ${div}, initial count ${count}: expires ${count * div} cycles after arming; exit with vector 40H`,
          sdm: ['3A:11.5.4', '26.2', '28.2.2'], tags: ['apic-timer'], controls, guest: SPIN,
          apic: {
            registers: [{ register: 'SVR', value: '0x1FF' }, { register: 'LVT_TIMER', value: hex(bits | v) }, { register: 'TIMER_DIVIDE_CONFIG', value: hex(dcr) }, { register: 'TIMER_INITIAL_COUNT', value: hex(count) }],
            expect: { timerExpiryAfter: count * div, paths: [{ vector: v, path: 'external-interrupt-exit' }], isr: [v] },
          },
          exit: { reason: EXIT_REASON.EXTERNAL_INTERRUPT, fields: { VM_EXIT_INTERRUPTION_INFORMATION: hex(0x8000_0000 + v) } },
        }));
      }
    }
  }
  // A halted guest: the APIC timer's interrupt ends the HLT state with an external-interrupt exit, unless the
  // VMX-preemption timer (rate 2^X per IA32_VMX_MISC, so compared here with room to spare) expires first (26.5.1).
  for (const [count, preemption, first] of [[200, 0xFFFF, 'apic'], [60000, 1, 'preemption']] as const) {
    out.push(kase({
      id: `apic.timer.halted-guest.${first}-first`, title: `Guest in HLT with the APIC timer at ${count} cycles and the preemption timer at ${preemption}: the ${first === 'apic' ? 'APIC timer\'s external-interrupt exit' : 'preemption-timer exit'} comes first`,
      sdm: ['3A:11.5.4', '26.2', '26.5.1'], tags: ['apic-timer'], controls: [...controls, 'pin.ACTIVATE_VMX_PREEMPTION_TIMER'],
      requires: [{ msr: 'IA32_VMX_MISC', field: 'activityStateHlt' }],
      fields: { GUEST_ACTIVITY_STATE: '0x1', VMX_PREEMPTION_TIMER_VALUE: hex(preemption), GUEST_RFLAGS: '0x2' }, guest: VMCALL_AT_ENTRY,
      apic: {
        registers: [{ register: 'SVR', value: '0x1FF' }, { register: 'LVT_TIMER', value: hex(v) }, { register: 'TIMER_DIVIDE_CONFIG', value: '0xB' }, { register: 'TIMER_INITIAL_COUNT', value: hex(count) }],
        expect: first === 'apic' ? { timerExpiryAfter: count, paths: [{ vector: v, path: 'external-interrupt-exit' }], isr: [v] } : { paths: [], isr: [] },
      },
      exit: first === 'apic'
        ? { reason: EXIT_REASON.EXTERNAL_INTERRUPT, fields: { VM_EXIT_INTERRUPTION_INFORMATION: hex(0x8000_0000 + v), GUEST_ACTIVITY_STATE: '0x1' } }
        : { reason: EXIT_REASON.VMX_PREEMPTION_TIMER_EXPIRED, fields: { GUEST_ACTIVITY_STATE: '0x1' } },
    }));
  }
  for (const ticks of [1, 64, 500, 4096, 20000]) {
    out.push(kase({
      id: `apic.timer.tsc-deadline.plus${ticks}`, title: `APIC timer TSC-deadline, deadline = TSC + ${ticks}: expires ${ticks} cycles after arming; exit with vector 40H`,
      sdm: ['3A:11.5.4.1', '26.2', '28.2.2'], tags: ['apic-timer'], controls, guest: SPIN,
      apic: {
        registers: [{ register: 'SVR', value: '0x1FF' }, { register: 'LVT_TIMER', value: hex(0x4_0000 | v) }],
        tscDeadline: hex(ticks),
        expect: { timerExpiryAfter: ticks, paths: [{ vector: v, path: 'external-interrupt-exit' }], isr: [v] },
      },
      exit: { reason: EXIT_REASON.EXTERNAL_INTERRUPT, fields: { VM_EXIT_INTERRUPTION_INFORMATION: hex(0x8000_0000 + v) } },
    }));
  }
  return out;
}

// ---- x2APIC MSR virtualization (30.5)

/** RDMSR of `msr`, then a check of EDX:EAX: VMCALL when it matches, HLT (exiting) when not. */
function rdmsrCheck(msr: number, lo: number, hi: number): Program {
  return assemble((a) => {
    a.mov(ecx, msr).rdmsr().cmp(eax, lo | 0).jne('bad').cmp(edx, hi | 0).jne('bad').label('ok').vmcall().label('bad').hlt();
  }, GUEST_RIP);
}

function x2apic(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  const msrs: number[] = [];
  for (const r of APIC_REGISTERS) if (r.virtualizedMsrRead) for (let i = 0; i < (r.count ?? 1); i++) msrs.push(0x800 + (r.offset >> 4) + i);
  // With "APIC-register virtualization" 1, RDMSR of a listed MSR reads 64 bits at offset (ECX & FFH) << 4 (30.5).
  for (const msr of msrs) {
    const off = (msr & 0xFF) << 4;
    const lo = (0x1000_0000 | (msr << 8) | 0x5A) >>> 0, hi = (0x2000_0000 | msr) >>> 0;
    const p = rdmsrCheck(msr, lo, hi);
    out.push(kase({
      id: `apic.x2apic.rdmsr.${msr.toString(16)}`, title: `RDMSR ${msr.toString(16).toUpperCase()}H with x2APIC virtualization and APIC-register virtualization: 64 bits of the virtual-APIC page at ${off.toString(16).toUpperCase()}H`,
      sdm: ['30.5'], tags: ['x2apic-virtualization'], controls: [...X2APIC_VIRT, 'proc2.APIC_REGISTER_VIRTUALIZATION', 'proc.HLT_EXITING'],
      fields: { VIRTUAL_APIC_ADDRESS: hex(VAPIC), MSR_BITMAPS_ADDRESS: hex(MSR_BITMAP), TPR_THRESHOLD: '0x0' },
      memory: [{ address: hex(VAPIC + off), bytes: le32(lo) + le32(hi) }], guest: p,
      exit: { reason: EXIT_REASON.VMCALL, fields: { GUEST_RIP: hex(p.labels.get('ok')!) } },
    }));
  }
  // Without APIC-register virtualization only 808H (TPR) reads the page: VTPR in EAX, EDX 0 (30.5).
  {
    const p = rdmsrCheck(0x808, 0x70, 0);
    out.push(kase({
      id: 'apic.x2apic.rdmsr.808.tpr-only', title: 'RDMSR 808H with x2APIC virtualization, APIC-register virtualization 0: VTPR',
      sdm: ['30.5'], tags: ['x2apic-virtualization'], controls: [...X2APIC_VIRT, 'proc.HLT_EXITING'],
      fields: { VIRTUAL_APIC_ADDRESS: hex(VAPIC), MSR_BITMAPS_ADDRESS: hex(MSR_BITMAP), TPR_THRESHOLD: '0x0' },
      memory: [vtpr(0x70)], guest: p, exit: { reason: EXIT_REASON.VMCALL, fields: { GUEST_RIP: hex(p.labels.get('ok')!) } },
    }));
  }
  // An MSR that is not virtualized operates normally: the physical APIC is in xAPIC mode, so #GP(0) (30.5; Vol. 3A 11.12.1.2).
  for (const [msr, regVirt] of [[0x802, false], [0x80B, true], [0x839, true], [0x83F, true], [0x80A, false]] as const) {
    const p = rdmsrCheck(msr, 0, 0);
    out.push(kase({
      id: `apic.x2apic.rdmsr.${msr.toString(16)}.not-virtualized${regVirt ? '' : '.no-register-virtualization'}`,
      title: `RDMSR ${msr.toString(16).toUpperCase()}H is not virtualized${regVirt ? '' : ' without APIC-register virtualization'}: the xAPIC-mode APIC raises #GP(0), which exits by the exception bitmap`,
      sdm: ['30.5', '3A:11.12.1.2', '26.2'], tags: ['x2apic-virtualization'], controls: [...X2APIC_VIRT, ...(regVirt ? ['proc2.APIC_REGISTER_VIRTUALIZATION' as const] : [])],
      fields: { VIRTUAL_APIC_ADDRESS: hex(VAPIC), MSR_BITMAPS_ADDRESS: hex(MSR_BITMAP), TPR_THRESHOLD: '0x0', EXCEPTION_BITMAP: '0x2000' },
      guest: p, exit: { reason: EXIT_REASON.EXCEPTION_OR_NMI, fields: { VM_EXIT_INTERRUPTION_INFORMATION: '0x80000B0D', VM_EXIT_INTERRUPTION_ERROR_CODE: '0x0', GUEST_RIP: hex(GUEST_RIP + 5n) } },
    }));
  }
  // Self-IPI virtualization by WRMSR 83FH (30.5, 30.1.5): a vector with bits 7:4 nonzero goes to VIRR/RVI and, recognized,
  // is delivered at once; bits 7:4 zero cause a trap-like APIC-write exit for offset 3F0H.
  for (let v = 0; v < 256; v++) {
    const p = assemble((a) => { a.mov(eax, v).xor(edx, edx).mov(ecx, 0x83F).wrmsr().label('after').vmcall(); }, GUEST_RIP);
    const virt = (v & 0xF0) !== 0;
    out.push(kase({
      id: `apic.x2apic.self-ipi.v${h2(v)}`, title: virt ? `WRMSR 83FH = ${h2(v)}H: self-IPI virtualization, delivered to the guest` : `WRMSR 83FH = ${h2(v)}H (bits 7:4 zero): APIC-write exit, offset 3F0H`,
      sdm: ['30.5', '30.1.5', '30.2.2', ...(virt ? [] : ['30.4.3.3'])], tags: ['x2apic-virtualization', 'self-ipi'], controls: [...VID, ...X2APIC_VIRT],
      fields: vidFields(0, 0, { MSR_BITMAPS_ADDRESS: hex(MSR_BITMAP) }), memory: virt ? handlers([v]) : [], guest: p,
      apic: { expect: { paths: virt ? [{ vector: v, path: 'self-ipi-virtualized' }, { vector: v, path: 'virtual-delivered' }] : [{ vector: v, path: 'apic-write-exit' }] } },
      exit: virt
        ? { reason: EXIT_REASON.VMCALL, fields: { GUEST_RIP: stub(v), GUEST_INTERRUPT_STATUS: status(0, v) } }
        : { reason: EXIT_REASON.APIC_WRITE, fields: { EXIT_QUALIFICATION: '0x3F0', GUEST_RIP: hex(p.labels.get('after')!) } },
    }));
  }
  return out;
}

// ---- the APIC-access page (30.4; qualification: 28.2.1 Table 28-6)

function apicAccess(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  const offsets: number[] = [];
  for (const r of APIC_REGISTERS) offsets.push(r.offset);
  offsets.push(0x000, 0x010, 0x040, 0x3F0, 0xFF0);
  offsets.sort((a, b) => a - b);
  const access = (write: boolean, off: number): Program => assemble((a) => {
    a.xor(eax, eax).label('insn');
    if (write) a.mov(dword(null, null, 1, ACCESS + off), eax); else a.mov(eax, dword(null, null, 1, ACCESS + off));
    a.label('after').vmcall();
  }, GUEST_RIP);
  // "Virtualize APIC accesses" without "use TPR shadow": every linear access exits, fault-like, qualification
  // = offset | access type (0 read, 1 write) << 12 (30.4.1, 28.2.1).
  for (const off of [...new Set(offsets)]) {
    for (const write of [false, true]) {
      const p = access(write, off);
      out.push(kase({
        id: `apic.access.${write ? 'write' : 'read'}.${off.toString(16).padStart(3, '0')}`,
        title: `Guest ${write ? 'write' : 'read'} of APIC-access page offset ${off.toString(16).toUpperCase()}H: APIC-access exit, qualification type ${write ? 1 : 0}`,
        sdm: ['30.4', '28.2.1'], tags: ['apic-access'], controls: ['proc.ACTIVATE_SECONDARY_CONTROLS', 'proc2.VIRTUALIZE_APIC_ACCESSES'],
        fields: { APIC_ACCESS_ADDRESS: hex(ACCESS) }, guest: p,
        apic: { expect: { paths: [{ vector: off, path: 'apic-access-exit' }] } },
        exit: { reason: EXIT_REASON.APIC_ACCESS, fields: { EXIT_QUALIFICATION: hex(off | ((write ? 1 : 0) << 12)), GUEST_RIP: hex(p.labels.get('insn')!) } },
      }));
    }
  }
  // The APIC-access page at the xAPIC page itself (FEE00000H, where VMMs usually put it): the same exits (30.4).
  for (const off of [0x020, 0x080, 0x300, 0x390]) {
    for (const write of [false, true]) {
      const p = assemble((a) => {
        a.xor(eax, eax).label('insn');
        if (write) a.mov(dword(null, null, 1, APIC_MMIO + off), eax); else a.mov(eax, dword(null, null, 1, APIC_MMIO + off));
        a.vmcall();
      }, GUEST_RIP);
      out.push(kase({
        id: `apic.access.at-apic-base.${write ? 'write' : 'read'}.${off.toString(16).padStart(3, '0')}`,
        title: `APIC-access page at FEE00000H: guest ${write ? 'write' : 'read'} of offset ${off.toString(16).toUpperCase()}H exits (type ${write ? 1 : 0}) instead of reaching the local APIC`,
        sdm: ['30.4', '28.2.1'], tags: ['apic-access'], controls: ['proc.ACTIVATE_SECONDARY_CONTROLS', 'proc2.VIRTUALIZE_APIC_ACCESSES'],
        fields: { APIC_ACCESS_ADDRESS: hex(APIC_MMIO) }, guest: p,
        apic: { expect: { paths: [{ vector: off, path: 'apic-access-exit' }] } },
        exit: { reason: EXIT_REASON.APIC_ACCESS, fields: { EXIT_QUALIFICATION: hex(off | ((write ? 1 : 0) << 12)), GUEST_RIP: hex(p.labels.get('insn')!) } },
      }));
    }
  }
  // An instruction fetch from the APIC-access page exits with access type 2, fault-like at the fetched RIP (30.4.1).
  for (const off of [0x000, 0x080, 0x300, 0xFF0]) {
    const p = assemble((a) => { a.mov(eax, ACCESS + off).jmp(rax); }, GUEST_RIP);
    out.push(kase({
      id: `apic.access.fetch.${off.toString(16).padStart(3, '0')}`, title: `Guest jumps to APIC-access page offset ${off.toString(16).toUpperCase()}H: APIC-access exit, qualification type 2 (instruction fetch)`,
      sdm: ['30.4.1', '28.2.1'], tags: ['apic-access'], controls: ['proc.ACTIVATE_SECONDARY_CONTROLS', 'proc2.VIRTUALIZE_APIC_ACCESSES'],
      fields: { APIC_ACCESS_ADDRESS: hex(ACCESS) }, guest: p,
      apic: { expect: { paths: [{ vector: off, path: 'apic-access-exit' }] } },
      exit: { reason: EXIT_REASON.APIC_ACCESS, fields: { EXIT_QUALIFICATION: hex(off | (2 << 12)), GUEST_RIP: hex(ACCESS + off) } },
    }));
  }
  // Event delivery that reads its IDT gate from the APIC-access page: access type 3, fault-like, with the event in
  // the IDT-vectoring information (28.2.1, 28.2.4): UD2 (#UD, hardware exception) and INT 40H (software interrupt).
  for (const [name, insn, vector, info, length] of [['ud2', (a: Assembler) => { a.ud2(); }, 6, 0x8000_0306, 0], ['int40', (a: Assembler) => { a.int_(0x40); }, 0x40, 0x8000_0440, 2]] as const) {
    const p = assemble((a) => { insn(a); a.vmcall(); }, GUEST_RIP);
    out.push(kase({
      id: `apic.access.event-delivery.${name}`, title: `${name === 'ud2' ? 'UD2' : 'INT 40H'} with the guest IDT on the APIC-access page: APIC-access exit, type 3, offset of gate ${h2(vector)}H, IDT-vectoring information`,
      sdm: ['30.4', '28.2.1', '28.2.4'], tags: ['apic-access'], controls: ['proc.ACTIVATE_SECONDARY_CONTROLS', 'proc2.VIRTUALIZE_APIC_ACCESSES'],
      fields: { APIC_ACCESS_ADDRESS: hex(ACCESS), GUEST_IDTR_BASE: hex(ACCESS) }, guest: p,
      apic: { expect: { paths: [{ vector: vector * 16, path: 'apic-access-exit' }] } },
      exit: { reason: EXIT_REASON.APIC_ACCESS, fields: {
        EXIT_QUALIFICATION: hex(vector * 16 | (3 << 12)), GUEST_RIP: hex(GUEST_RIP), IDT_VECTORING_INFORMATION: hex(info),
        ...(length > 0 ? { VM_EXIT_INSTRUCTION_LENGTH: hex(length) } : {}),
      } },
    }));
  }
  // With APIC-register virtualization: reads of the listed registers come from the virtual-APIC page; others exit (30.4.2).
  const regVirt: ControlRef[] = [...TPR_SHADOW, 'proc2.VIRTUALIZE_APIC_ACCESSES', 'proc2.APIC_REGISTER_VIRTUALIZATION', 'proc.HLT_EXITING'];
  for (const r of APIC_REGISTERS) {
    const off = r.offset;
    const value = (0xA500_0000 | (off << 4) | 0x3C) >>> 0;
    const p = assemble((a) => { a.mov(eax, dword(null, null, 1, ACCESS + off)).cmp(eax, value | 0).jne('bad').label('ok').vmcall().label('bad').hlt(); }, GUEST_RIP);
    out.push(kase({
      id: `apic.access.register-virtualization.read.${r.id.toLowerCase().replace(/_/g, '-')}`,
      title: `Read of ${r.id} (${off.toString(16).toUpperCase()}H) with APIC-register virtualization: ${r.virtualizedRead ? 'from the virtual-APIC page' : 'not virtualized, APIC-access exit'}`,
      sdm: ['30.4.2', '28.2.1'], tags: ['apic-access', 'apic-register-virtualization'], controls: regVirt,
      fields: { APIC_ACCESS_ADDRESS: hex(ACCESS), VIRTUAL_APIC_ADDRESS: hex(VAPIC), TPR_THRESHOLD: '0x0' },
      memory: [{ address: hex(VAPIC + off), bytes: le32(value) }, vtpr(off === 0x80 ? value : 0)], guest: p,
      exit: r.virtualizedRead
        ? { reason: EXIT_REASON.VMCALL, fields: { GUEST_RIP: hex(p.labels.get('ok')!) } }
        : { reason: EXIT_REASON.APIC_ACCESS, fields: { EXIT_QUALIFICATION: hex(off), GUEST_RIP: hex(GUEST_RIP) } },
    }));
  }
  // Writes with APIC-register virtualization and virtual-interrupt delivery (30.4.3): TPR, EOI and a non-self ICR
  // are emulated (TPR/EOI virtualization; ICR low: an APIC-write exit), ICR high needs nothing, the other listed
  // registers cause trap-like APIC-write exits with their offset; registers not listed cause APIC-access exits.
  const writable = new Set([0x20, 0x80, 0xB0, 0xD0, 0xE0, 0xF0, 0x280, 0x2F0, 0x300, 0x310, 0x320, 0x330, 0x340, 0x350, 0x360, 0x370, 0x380, 0x3E0]);
  for (const r of APIC_REGISTERS) {
    const off = r.offset;
    const p = access(true, off);
    const after = hex(p.labels.get('after')!);
    let exit: Spec['exit'];
    let paths: Paths;
    if (!writable.has(off)) {
      exit = { reason: EXIT_REASON.APIC_ACCESS, fields: { EXIT_QUALIFICATION: hex(0x1000 | off), GUEST_RIP: hex(p.labels.get('insn')!) } };
      paths = [{ vector: off, path: 'apic-access-exit' }];
    } else if (off === 0x80 || off === 0x310) {
      exit = { reason: EXIT_REASON.VMCALL, fields: { GUEST_RIP: after } };
      paths = [];
    } else if (off === 0xB0) {
      exit = { reason: EXIT_REASON.VMCALL, fields: { GUEST_RIP: after } };
      paths = [{ vector: 0, path: 'virtual-eoi' }];
    } else {
      exit = { reason: EXIT_REASON.APIC_WRITE, fields: { EXIT_QUALIFICATION: hex(off), GUEST_RIP: after } };
      paths = [{ vector: off, path: 'apic-write-exit' }];
    }
    out.push(kase({
      id: `apic.access.register-virtualization.write.${r.id.toLowerCase().replace(/_/g, '-')}`,
      title: `Write of ${r.id} (${off.toString(16).toUpperCase()}H) with APIC-register virtualization and virtual-interrupt delivery`,
      sdm: ['30.4.3.1', '30.4.3.2', '30.4.3.3', '28.2.1'], tags: ['apic-access', 'apic-register-virtualization'],
      controls: [...VID, 'proc2.VIRTUALIZE_APIC_ACCESSES', 'proc2.APIC_REGISTER_VIRTUALIZATION'],
      fields: { ...vidFields(0, 0), APIC_ACCESS_ADDRESS: hex(ACCESS), GUEST_RFLAGS: '0x2' }, guest: p,
      apic: { expect: { paths } }, exit,
    }));
  }
  // An ICR value that is not a fixed, edge-triggered self IPI with a vector of 16 or more (or that sets a reserved
  // bit or the delivery-status bit) is left to the VMM: a trap-like APIC-write exit for offset 300H (30.4.3.2).
  for (const [what, icr] of [['all-including-self', 0x8_0045], ['level', 0x4_8045], ['nmi', 0x4_0445], ['vector-0f', 0x4_000F], ['reserved-bit-13', 0x4_2045], ['delivery-status', 0x4_1045], ['reserved-bit-20', 0x14_0045]] as const) {
    const p = assemble((a) => { a.mov(eax, icr).mov(dword(null, null, 1, ACCESS + 0x300), eax).label('after').vmcall(); }, GUEST_RIP);
    out.push(kase({
      id: `apic.access.icr-not-self-ipi.${what}`, title: `ICR low = ${icr.toString(16).toUpperCase()}H on the APIC-access page (${what}): not virtualized, APIC-write exit for 300H`,
      sdm: ['30.4.3.2', '30.4.3.3'], tags: ['apic-access'], controls: [...VID, 'proc2.VIRTUALIZE_APIC_ACCESSES'],
      fields: { ...vidFields(0, 0), APIC_ACCESS_ADDRESS: hex(ACCESS) }, guest: p,
      apic: { expect: { paths: [{ vector: 0x300, path: 'apic-write-exit' }] } },
      exit: { reason: EXIT_REASON.APIC_WRITE, fields: { EXIT_QUALIFICATION: '0x300', GUEST_RIP: hex(p.labels.get('after')!) } },
    }));
  }
  // Self-IPI through the ICR (offset 300H): fixed, edge, self shorthand, vector >= 16 is virtualized (30.4.3.2).
  for (const v of [0x10, 0x45, 0xFF]) {
    const p = assemble((a) => { a.mov(eax, 0x4_0000 | v).mov(dword(null, null, 1, ACCESS + 0x300), eax).label('after').vmcall(); }, GUEST_RIP);
    out.push(kase({
      id: `apic.access.icr-self-ipi.v${h2(v)}`, title: `ICR low = 4_00${h2(v)}H (self, fixed, edge) on the APIC-access page: self-IPI virtualization, ${h2(v)}H delivered`,
      sdm: ['30.4.3.2', '30.1.5', '30.2.2'], tags: ['apic-access', 'self-ipi'], controls: [...VID, 'proc2.VIRTUALIZE_APIC_ACCESSES'],
      fields: { ...vidFields(0, 0), APIC_ACCESS_ADDRESS: hex(ACCESS) }, memory: handlers([v]), guest: p,
      apic: { expect: { paths: [{ vector: v, path: 'self-ipi-virtualized' }, { vector: v, path: 'virtual-delivered' }] } },
      exit: { reason: EXIT_REASON.VMCALL, fields: { GUEST_RIP: stub(v), GUEST_INTERRUPT_STATUS: status(0, v) } },
    }));
  }
  return out;
}

/** The baseline's guest paging structures (conformance/baseline.ts, model/machine/loader.ts buildIdentityPaging). */
const GUEST_PML4 = 0x2_0000, GUEST_PDPT = 0x2_1000, GUEST_PD = 0x2_2000;
/** An EPT PTE mapping a page to `hpa` with bits 2:0 = `rwx` and memory type WB (29.3.2, Table 29-6). */
function eptPte(hpa: number, rwx: number): string {
  return hex(hpa | (6 << 3) | rwx);
}
const EPT_APIC: ControlRef[] = ['proc.ACTIVATE_SECONDARY_CONTROLS', 'proc2.ENABLE_EPT', 'proc2.VIRTUALIZE_APIC_ACCESSES'];
/** Injected external interrupt 20H (VM-entry interruption information, 25.8.3): valid, type 0. */
const INJECT_20 = '0x80000020';

/**
 * The APIC-access page reached through EPT (30.4.6.1, 30.4.1, 28.2.1 Table 28-6). A guest paging-structure read whose
 * guest-physical address EPT translates to the APIC-access page is a guest-physical access: it always exits, access
 * type 15 during instruction execution or fetch, 10 during event delivery (then IDT-vectoring information holds the
 * event, 28.2.4); bits 11:0 are undefined. An EPT violation that access incurs comes first (30.4.6.1), including
 * the write a paging-structure access is under EPT A/D (29.3.3.2). A linear access whose translation, through EPT,
 * is on the page is a linear access (types 0-2 with the offset, 30.4.1). Code decoded before the page became the
 * APIC-access page is fetched again (30.4.1: a fetch from the page always exits).
 */
function apicAccessUnderEpt(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  const base = { APIC_ACCESS_ADDRESS: hex(ACCESS) };
  // The first guest-paging read of each level for the fetch of 300000H and for the IDT read at 41000H.
  const levels = [['pml4', GUEST_PML4, 0], ['pdpt', GUEST_PDPT, 0], ['pd', GUEST_PD, 8]] as const;
  for (const [level, table, pdIndex] of levels) {
    const onPage = { entries: [{ gpa: hex(table), level: 'pte' as const, value: eptPte(ACCESS, 7) }] };
    out.push(kase({
      id: `apic.ept.guest-physical.${level}.fetch`,
      title: `EPT maps the guest ${level.toUpperCase()} page to the APIC-access page: the walk for the first fetch exits 44, access type 15 (guest-physical, instruction fetch)`,
      sdm: ['30.4.6.1', '28.2.1'], tags: ['apic-access', 'ept'], controls: EPT_APIC, fields: base, ept: onPage, guest: VMCALL_AT_ENTRY,
      exit: { reason: EXIT_REASON.APIC_ACCESS, fields: { EXIT_QUALIFICATION: '0xF000', GUEST_RIP: hex(GUEST_RIP), IDT_VECTORING_INFORMATION: '0x0' }, ignoreBits: { EXIT_QUALIFICATION: '0xFFF' } },
    }));
    out.push(kase({
      id: `apic.ept.guest-physical.${level}.event-delivery`,
      title: `EPT maps the guest ${level.toUpperCase()} page to the APIC-access page: delivering the injected interrupt 20H reads the IDT through it, exit 44 with access type 10 and the event in IDT-vectoring information`,
      sdm: ['30.4.6.1', '28.2.1', '28.2.4'], tags: ['apic-access', 'ept', 'event-delivery'], controls: EPT_APIC,
      fields: { ...base, VM_ENTRY_INTERRUPTION_INFORMATION: INJECT_20, GUEST_RFLAGS: '0x202' }, ept: onPage, guest: VMCALL_AT_ENTRY,
      exit: { reason: EXIT_REASON.APIC_ACCESS, fields: { EXIT_QUALIFICATION: '0xA000', GUEST_RIP: hex(GUEST_RIP), IDT_VECTORING_INFORMATION: INJECT_20 }, ignoreBits: { EXIT_QUALIFICATION: '0xFFF' } },
    }));
    // EPT violation first (30.4.6.1): not present; or read-only while EPT A/D makes the paging access a write.
    const gpa = hex(table + pdIndex);
    for (const [what, rwx, ad, qual] of [['not-present', 0, false, 0x81], ['not-present.ept-ad', 0, true, 0x83], ['read-only.ept-ad', 1, true, 0x8B]] as const) {
      out.push(kase({
        id: `apic.ept.guest-physical.${level}.ept-violation-first.${what}`,
        title: `The guest ${level.toUpperCase()} page maps to the APIC-access page through an EPT entry with bits 2:0 = ${rwx}${ad ? ' and EPT A/D on' : ''}: the EPT violation (48) is taken, not the APIC-access exit`,
        sdm: ['30.4.6.1', '29.3.3.2', '28.2.1'], tags: ['apic-access', 'ept'], controls: EPT_APIC, fields: base,
        ept: { ...(ad ? { accessedDirty: true } : {}), entries: [{ gpa: hex(table), level: 'pte', value: eptPte(ACCESS, rwx) }] }, guest: VMCALL_AT_ENTRY,
        // Paging-structure read: bit 0 (and bit 1 under EPT A/D), bit 7 = 1 (linear address valid), bit 8 = 0.
        exit: { reason: EXIT_REASON.EPT_VIOLATION, fields: { EXIT_QUALIFICATION: hex(qual), GUEST_PHYSICAL_ADDRESS: gpa, GUEST_LINEAR_ADDRESS: hex(GUEST_RIP), GUEST_RIP: hex(GUEST_RIP) } },
      }));
    }
  }
  // Linear accesses whose guest-physical address 800000H EPT maps to the APIC-access page (30.4.1, Table 28-6).
  const GPA = 0x80_0000;
  const toPage = { entries: [{ gpa: hex(GPA), level: 'pte' as const, value: eptPte(ACCESS, 7) }] };
  for (const off of [0x20, 0x80, 0x300, 0x3F0]) {
    for (const write of [false, true]) {
      const p = assemble((a) => {
        if (write) a.mov(dword(null, null, 1, GPA + off), eax); else a.mov(eax, dword(null, null, 1, GPA + off));
        a.vmcall();
      }, GUEST_RIP);
      out.push(kase({
        id: `apic.ept.linear.${write ? 'write' : 'read'}.${h2(off >> 4)}0`,
        title: `A guest ${write ? 'write' : 'read'} of 8${off.toString(16).toUpperCase().padStart(5, '0')}H, which EPT maps to the APIC-access page (no TPR shadow): linear access, exit 44 type ${write ? 1 : 0} offset ${off.toString(16).toUpperCase()}H`,
        sdm: ['30.4.1', '30.4.6', '28.2.1'], tags: ['apic-access', 'ept'], controls: EPT_APIC, fields: base, ept: toPage, guest: p,
        exit: { reason: EXIT_REASON.APIC_ACCESS, fields: { EXIT_QUALIFICATION: hex(off | ((write ? 1 : 0) << 12)), GUEST_RIP: hex(GUEST_RIP) } },
      }));
    }
  }
  {
    const p = assemble((a) => { a.mov(eax, GPA).jmp(rax); }, GUEST_RIP);
    out.push(kase({
      id: 'apic.ept.linear.fetch', title: 'A jump to 800000H, which EPT maps to the APIC-access page: exit 44, linear instruction fetch (type 2) at offset 0',
      sdm: ['30.4.1', '28.2.1'], tags: ['apic-access', 'ept'], controls: EPT_APIC, fields: base, ept: toPage, guest: p,
      exit: { reason: EXIT_REASON.APIC_ACCESS, fields: { EXIT_QUALIFICATION: '0x2000', GUEST_RIP: hex(GPA) } },
    }));
    // A write EPT does not allow (read-only mapping): the EPT violation comes before the APIC-access exit (30.4.1).
    const w = assemble((a) => { a.mov(dword(null, null, 1, GPA + 0x80), eax).vmcall(); }, GUEST_RIP);
    out.push(kase({
      id: 'apic.ept.linear.ept-violation-first', title: 'A guest write to 800080H, which EPT maps read-only to the APIC-access page: EPT violation (48), not an APIC-access exit',
      sdm: ['30.4.1', '29.3.3.2', '28.2.1'], tags: ['apic-access', 'ept'], controls: EPT_APIC, fields: base,
      requires: [{ msr: 'IA32_VMX_EPT_VPID_CAP', field: 'advancedEptViolationInfo' }],
      ept: { entries: [{ gpa: hex(GPA), level: 'pte', value: eptPte(ACCESS, 1) }] }, guest: w,
      // Write, readable, linear address valid and translated, R/W of the guest's translation (bit 10).
      exit: { reason: EXIT_REASON.EPT_VIOLATION, fields: { EXIT_QUALIFICATION: '0x58A', GUEST_PHYSICAL_ADDRESS: hex(GPA + 0x80), GUEST_LINEAR_ADDRESS: hex(GPA + 0x80), GUEST_RIP: hex(GUEST_RIP) } },
    }));
  }
  // A linear access during delivery of an injected event (the IDT gate read) to the APIC-access page: type 3 with
  // the offset, and the event in IDT-vectoring information (30.4.1, 28.2.1, 28.2.4); directly and through EPT.
  for (const ept of [false, true]) {
    out.push(kase({
      id: `apic.access.injected-event-reads-idt${ept ? '.ept' : ''}`,
      title: `The IDT page is the APIC-access page${ept ? ' (EPT maps guest-physical 41000H to it)' : ''}: delivering injected interrupt 20H reads its gate at offset 200H, exit 44 type 3 with the event in IDT-vectoring information`,
      sdm: ['30.4.1', '28.2.1', '28.2.4'], tags: ['apic-access', 'event-delivery', ...(ept ? ['ept'] : [])],
      controls: ept ? EPT_APIC : ['proc.ACTIVATE_SECONDARY_CONTROLS', 'proc2.VIRTUALIZE_APIC_ACCESSES'],
      fields: { APIC_ACCESS_ADDRESS: hex(ept ? ACCESS : IDT), VM_ENTRY_INTERRUPTION_INFORMATION: INJECT_20, GUEST_RFLAGS: '0x202' },
      ...(ept ? { ept: { entries: [{ gpa: hex(IDT), level: 'pte' as const, value: eptPte(ACCESS, 7) }] } } : {}), guest: VMCALL_AT_ENTRY,
      exit: { reason: EXIT_REASON.APIC_ACCESS, fields: { EXIT_QUALIFICATION: '0x3200', GUEST_RIP: hex(GUEST_RIP), IDT_VECTORING_INFORMATION: INJECT_20 } },
    }));
  }
  // Code the processor decoded while the page was ordinary memory: after the VMM makes it the APIC-access page,
  // re-executing it is a fetch from the page and exits (30.4.1), with and without EPT.
  for (const ept of [false, true]) {
    out.push(kase({
      id: `apic.access.cached-code-becomes-access-page${ept ? '.ept' : ''}`,
      title: `The guest's VMCALL page becomes the APIC-access page between two entries${ept ? ' (EPT identity map)' : ''}: the second entry's fetch exits 44, type 2, offset 0`,
      sdm: ['30.4.1', '28.2.1'], tags: ['apic-access', ...(ept ? ['ept'] : [])],
      controls: ept ? ['proc.ACTIVATE_SECONDARY_CONTROLS', 'proc2.ENABLE_EPT'] : ['proc.ACTIVATE_SECONDARY_CONTROLS'],
      requires: [{ control: 'proc2.VIRTUALIZE_APIC_ACCESSES' }], ...(ept ? { ept: {} } : {}), guest: VMCALL_AT_ENTRY,
      exit: { reason: EXIT_REASON.VMCALL, fields: { GUEST_RIP: hex(GUEST_RIP) } },
      more: [
        { op: 'vmwrite', encoding: '0x2014', value: hex(GUEST_RIP), mode: '64-bit', expect: { kind: 'vmsucceed' } },
        // Secondary controls: "virtualize APIC accesses" (bit 0), with "enable EPT" (bit 1) kept.
        { op: 'vmwrite', encoding: '0x401E', value: ept ? '0x3' : '0x1', mode: '64-bit', expect: { kind: 'vmsucceed' } },
        { op: 'vmresume', expect: { kind: 'vm-exit', exitReason: EXIT_REASON.APIC_ACCESS, fields: { EXIT_QUALIFICATION: '0x2000', GUEST_RIP: hex(GUEST_RIP) } } },
      ],
    }));
  }
  return out;
}

// ---- IPI virtualization (30.1.6; through WRMSR 830H, 30.5, and the APIC-access page, 30.4.3.2)

/** The PID-pointer table and the descriptor its entry 1 points at (valid bit 0 set); entry 2 is not valid. */
const PID_TABLE = 0x6_4000, PID1 = 0x6_5000, LAST_INDEX = 3;
const NOTIFY = 0xE3;
/** A processor with tertiary controls and IPI virtualization (spec/data/profiles). */
const SPR: ConformanceCase['profile'] = { name: 'sapphire-rapids-server' };
const IPIV: ControlRef[] = ['proc.ACTIVATE_TERTIARY_CONTROLS', 'proc3.IPI_VIRTUALIZATION', 'exit.ACKNOWLEDGE_INTERRUPT_ON_EXIT'];

/** Posted-interrupt descriptor control bytes 32-39 (30.6, Table 30-1): ON bit 0, SN bit 1, NV bits 23:16, NDST bits 63:32. */
function pidControl(on: boolean, sn: boolean, ndst: number): string {
  return h2((on ? 1 : 0) | (sn ? 2 : 0)) + '00' + h2(NOTIFY) + '00' + le32(ndst);
}

function pidSetup(on: boolean, sn: boolean, ndst: number): Memory {
  return [
    { address: hex(PID_TABLE + 8), bytes: le32(PID1 | 1) + le32(0) },
    { address: hex(PID_TABLE + 16), bytes: le32(PID1 + 0x40) + le32(0) },
    { address: hex(PID1 + 32), bytes: pidControl(on, sn, ndst) },
  ];
}

/** The PIR word of `vector` with only that bit, and the control byte, as the exit must leave them. */
function pirAfter(vector: number | undefined, control: number): { address: string; bytes: string }[] {
  const word = vector === undefined ? 0 : vector >>> 5;
  return [
    { address: hex(PID1 + 4 * word), bytes: le32(vector === undefined ? 0 : 1 << (vector & 31)) },
    { address: hex(PID1 + 32), bytes: h2(control) },
  ];
}

function ipiVirtualizationCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  const x2 = [...VID, 'proc2.VIRTUALIZE_X2APIC_MODE', 'proc.USE_MSR_BITMAPS', ...IPIV] as ControlRef[];
  const fields = vidFields(0, 0, {
    MSR_BITMAPS_ADDRESS: hex(MSR_BITMAP), PID_POINTER_TABLE_ADDRESS: hex(PID_TABLE), LAST_PID_POINTER_INDEX: hex(LAST_INDEX),
  });
  const sdm: [string, ...string[]] = ['30.1.6', '30.5'];
  const wrmsr = (icr: number, id: number, then: 'spin' | 'vmcall'): Program => assemble((a) => {
    a.mov(eax, icr).mov(edx, id).mov(ecx, 0x830).wrmsr().label('after');
    if (then === 'spin') a.label('spin').jmp('spin'); else a.vmcall();
  }, GUEST_RIP);
  // A virtualized IPI: PIR bit V set, ON 0 -> 1, the notification vector sent to NDST (here the sender's own APIC ID
  // 0): it arrives as an external interrupt, which exits (external-interrupt exiting, acknowledged on exit, 28.2.2).
  for (const v of [0x10, 0x20, 0x5F, 0xA1, 0xFF]) {
    const p = wrmsr(v, 1, 'spin');
    out.push(kase({
      id: `apic.ipiv.x2apic.notify.v${h2(v)}`, title: `WRMSR 830H = ${h2(v)}H (fixed, physical, edge) to virtual APIC ID 1: PIR bit ${h2(v)}H and ON set, notification ${h2(NOTIFY)}H sent to NDST 0, which exits as an external interrupt`,
      sdm: [...sdm, '30.6', '28.2.2'], tags: ['ipi-virtualization'], controls: x2, profile: SPR, fields, memory: pidSetup(false, false, 0), guest: p,
      apic: { expect: { paths: [{ vector: v, path: 'ipi-virtualized' }, { vector: NOTIFY, path: 'external-interrupt-exit' }] } },
      exit: { reason: EXIT_REASON.EXTERNAL_INTERRUPT, fields: { VM_EXIT_INTERRUPTION_INFORMATION: hex(0x8000_0000 + NOTIFY), GUEST_RIP: hex(p.labels.get('spin')!) }, memory: pirAfter(v, 1) },
    }));
  }
  // ON already 1, or SN 1: the PIR bit is set and no notification is sent (30.1.6).
  for (const [what, on, sn] of [['outstanding', true, false], ['suppressed', false, true], ['outstanding-and-suppressed', true, true]] as const) {
    const p = wrmsr(0x41, 1, 'vmcall');
    out.push(kase({
      id: `apic.ipiv.x2apic.no-notification.${what}`, title: `IPI virtualization with ON ${on ? 1 : 0} and SN ${sn ? 1 : 0}: PIR bit 41H set, no notification; the guest reaches its VMCALL`,
      sdm, tags: ['ipi-virtualization'], controls: x2, profile: SPR, fields, memory: pidSetup(on, sn, 0), guest: p,
      apic: { expect: { paths: [{ vector: 0x41, path: 'ipi-virtualized' }] } },
      exit: { reason: EXIT_REASON.VMCALL, fields: { GUEST_RIP: hex(p.labels.get('after')!) }, memory: pirAfter(0x41, (on ? 1 : 0) | (sn ? 2 : 0)) },
    }));
  }
  // Left to the VMM: a trap-like APIC-write exit for offset 300H, the PIR untouched (30.1.6, 30.4.3.3).
  const toVmm: [string, number, number][] = [
    ['id-above-last-index', 0x41, LAST_INDEX + 1], ['entry-not-valid', 0x41, 2], ['vector-0f', 0x0F, 1], ['vector-00', 0x00, 1],
    ['logical-destination', 0x841, 1], ['level-triggered', 0xC041, 1], ['nmi', 0x441, 1], ['lowest-priority', 0x141, 1],
    ['shorthand-all-excluding-self', 0xC_0041, 1], ['shorthand-all-including-self', 0x8_0041, 1], ['reserved-bit-12', 0x1041, 1], ['reserved-bit-13', 0x2041, 1], ['reserved-bit-20', 0x10_0041, 1],
  ];
  for (const [what, icr, id] of toVmm) {
    const p = wrmsr(icr, id, 'vmcall');
    out.push(kase({
      id: `apic.ipiv.x2apic.apic-write.${what}`, title: `WRMSR 830H = ${icr.toString(16).toUpperCase()}H to ID ${id} (${what}): not virtualized, APIC-write exit for 300H`,
      sdm: [...sdm, '30.4.3.3'], tags: ['ipi-virtualization'], controls: x2, profile: SPR, fields, memory: pidSetup(false, false, 0), guest: p,
      apic: { expect: { paths: [{ vector: icr & 0xFF, path: 'apic-write-exit' }] } },
      exit: { reason: EXIT_REASON.APIC_WRITE, fields: { EXIT_QUALIFICATION: '0x300', GUEST_RIP: hex(p.labels.get('after')!) }, memory: pirAfter(undefined, 0) },
    }));
  }
  // The notification's destination is NDST[15:8] when the sender's local APIC is in xAPIC mode and NDST[31:0] in
  // x2APIC mode (30.1.6, 30.6 Table 30-1): NDST 1 names APIC 0 (the sender) in xAPIC mode; NDST 100H names no
  // processor in x2APIC mode (ON is still set); NDST 0 in x2APIC mode names the sender.
  for (const [what, x2apicMode, ndst, notified] of [['xapic-ndst-15-8', false, 0x1, true], ['x2apic-ndst-no-processor', true, 0x100, false], ['x2apic-ndst-self', true, 0, true]] as const) {
    const p = wrmsr(0x66, 1, notified ? 'spin' : 'vmcall');
    out.push(kase({
      id: `apic.ipiv.notification-destination.${what}`,
      title: `IPI virtualization with the sender's APIC in ${x2apicMode ? 'x2APIC' : 'xAPIC'} mode and NDST ${ndst.toString(16).toUpperCase()}H: ${notified ? 'the notification reaches the sender (APIC ID 0) and exits as an external interrupt' : 'no processor has that ID, nothing arrives; ON is set'}`,
      sdm: [...sdm, '30.6'], tags: ['ipi-virtualization'], controls: x2, profile: SPR, fields, memory: pidSetup(false, false, ndst), guest: p,
      apic: { ...(x2apicMode ? { x2apic: true } : {}), expect: { paths: notified ? [{ vector: 0x66, path: 'ipi-virtualized' }, { vector: NOTIFY, path: 'external-interrupt-exit' }] : [{ vector: 0x66, path: 'ipi-virtualized' }] } },
      exit: notified
        ? { reason: EXIT_REASON.EXTERNAL_INTERRUPT, fields: { VM_EXIT_INTERRUPTION_INFORMATION: hex(0x8000_0000 + NOTIFY), GUEST_RIP: hex(p.labels.get('spin')!) }, memory: pirAfter(0x66, 1) }
        : { reason: EXIT_REASON.VMCALL, fields: { GUEST_RIP: hex(p.labels.get('after')!) }, memory: pirAfter(0x66, 1) },
    }));
  }
  // The VM-entry checks of the PID-pointer table (27.2.1.1) on the processor that has IPI virtualization, with an
  // otherwise valid configuration (the cases above enter with it): bits 2:0 not 0, or a bit at or above MAXPHYADDR
  // (46 on sapphire-rapids-server, CPUID.80000008H:EAX[7:0]); VMLAUNCH fails with VMfailValid(7) (31.4).
  for (const [check, table] of [['exec.pid-pointer-table-aligned', PID_TABLE + 4], ['exec.pid-pointer-table-width', 2 ** 46 + PID_TABLE]] as const) {
    const c = kase({
      id: `apic.ipiv.entry-check.${check}`, title: `IPI virtualization with the PID-pointer table at ${hex(table)}: VMLAUNCH fails ${check} (VMfailValid 7)`,
      sdm: ['27.2.1.1', '31.4'], tags: ['ipi-virtualization', 'vm-entry'], controls: x2, profile: SPR,
      fields: { ...fields, PID_POINTER_TABLE_ADDRESS: hex(table) }, memory: pidSetup(false, false, 0), guest: VMCALL_AT_ENTRY,
      exit: { reason: EXIT_REASON.VMCALL },
    });
    out.push({ ...c, steps: [{ op: 'vmlaunch', expect: { kind: 'vmfail-valid', error: 7 } }] });
  }
  // The xAPIC path: a write of ICR low on the APIC-access page, destination VICR_HI[31:24] (30.4.3.2); NDST[15:8] names
  // the notification's destination (30.1.6).
  const xapic = [...VID, 'proc2.VIRTUALIZE_APIC_ACCESSES', ...IPIV] as ControlRef[];
  const xfields = vidFields(0, 0, { APIC_ACCESS_ADDRESS: hex(ACCESS), PID_POINTER_TABLE_ADDRESS: hex(PID_TABLE), LAST_PID_POINTER_INDEX: hex(LAST_INDEX) });
  for (const [what, id, expectVirtualized] of [['notify', 1, true], ['id-above-last-index', LAST_INDEX + 1, false], ['entry-not-valid', 2, false]] as const) {
    const p = assemble((a) => {
      a.mov(eax, 0x4052).mov(dword(null, null, 1, ACCESS + 0x300), eax).label('after');
      if (expectVirtualized) a.label('spin').jmp('spin'); else a.vmcall();
    }, GUEST_RIP);
    out.push(kase({
      id: `apic.ipiv.xapic.${what}`,
      title: `ICR low = 4052H written on the APIC-access page with VICR_HI = ${id} << 24: ${expectVirtualized ? 'IPI virtualization, PIR bit 52H and ON set, notification to NDST[15:8] = 0 exits as an external interrupt' : 'not virtualized, APIC-write exit for 300H'}`,
      sdm: ['30.1.6', '30.4.3.2', ...(expectVirtualized ? ['30.6', '28.2.2'] : ['30.4.3.3'])], tags: ['ipi-virtualization', 'apic-access'],
      controls: xapic, profile: SPR, fields: xfields,
      memory: [...pidSetup(false, false, 0), { address: hex(VAPIC + 0x310), bytes: le32(id << 24) }], guest: p,
      apic: { expect: { paths: expectVirtualized ? [{ vector: 0x52, path: 'ipi-virtualized' }, { vector: NOTIFY, path: 'external-interrupt-exit' }] : [{ vector: 0x52, path: 'apic-write-exit' }] } },
      exit: expectVirtualized
        ? { reason: EXIT_REASON.EXTERNAL_INTERRUPT, fields: { VM_EXIT_INTERRUPTION_INFORMATION: hex(0x8000_0000 + NOTIFY), GUEST_RIP: hex(p.labels.get('spin')!) }, memory: pirAfter(0x52, 1) }
        : { reason: EXIT_REASON.APIC_WRITE, fields: { EXIT_QUALIFICATION: '0x300', GUEST_RIP: hex(p.labels.get('after')!) }, memory: pirAfter(undefined, 0) },
    }));
  }
  return out;
}

export function apicCases(): ConformanceCase[] {
  return [...vidDelivery(), ...eoiRouting(), ...tprThreshold(), ...postedInterrupts(), ...ipis(), ...timer(), ...x2apic(), ...apicAccess(), ...apicAccessUnderEpt(), ...ipiVirtualizationCases()];
}
