// Sub-page write permissions for EPT (SDM 29.3.4): cases on a variant of the profile under test that offers
// "sub-page write permissions for EPT" (IA32_VMX_PROCBASED_CTLS2 bit 55, the allowed-1 setting of bit 23,
// A.3.3; no built-in profile does). The guest writes to DATA, whose EPT PTE refuses writes (bits 2:0 = 101b)
// but has bit 61 set, so each write is decided by the SPP vector the case's SPPT gives its page; reads are
// not; an SPPT entry that is not valid or has a reserved bit set is an SPP-related event (exit 66).
//
// Expected values come from the SDM's rules and the fixed layout of the canonical guest and EPT identity map
// (conformance/baseline.ts, conformance/harness/ept.ts), never from the model. Bit 11 of the SPP-related
// event's qualification is 1 for an SPPT miss and 0 for an SPPT misconfiguration (28.2.1); the event saves the
// guest-linear address as well as the guest-physical one (Intel's SPP design for KVM, "SPPT-induced vmexits";
// the SDM text was not at hand). The canonical guest maps linear addresses to the same physical addresses.
import { dword, eax } from '../asm/index.js';
import type { Condition, ConformanceCase, ControlRef } from '../../model/generated/index.js';
import type { EptSetup } from '../harness/ept.js';
import { le64 } from './ept.js';
import { hex, program } from './exits.js';

type Setup = NonNullable<ConformanceCase['setup']>;
type Step = ConformanceCase['steps'][number];
type MemoryCheck = { address: string; bytes: string };

/** A guest-physical page of its own (the identity map's PTE for it is changed); SPPT indices: L4 0, L3 0, L2 4, L1 0. */
const DATA = 0x80_0000;
/** The SPPT: L4 at B00000H, L3 at B01000H, L2 at B02000H, the SPP vectors (L1) at B03000H; physical, outside EPT. */
const SPPT = 0xB0_0000;
const L4 = SPPT, L3 = SPPT + 0x1000, L2 = SPPT + 0x2000, L1 = SPPT + 0x3000;
const L2_ENTRY = L2 + ((DATA >>> 21) & 0x1FF) * 8, L1_ENTRY = L1 + ((DATA >>> 12) & 0x1FF) * 8;
/** MAXPHYADDR of every built-in profile (CPUID.80000008H:EAX[7:0] = 46): SPPT entry bits 51:46 are reserved. */
const MAXPHYADDR = 46;

/** EPT PTE of DATA: read and execute, not write (bits 2:0 = 101b), WB, bit 61 = sub-page write permissions (Table 29-6). */
const PTE_SPP = BigInt(DATA) | 0x35n | (1n << 61n);
const PTE_SPP_WRITABLE = PTE_SPP | 0x2n;

const CONTROLS: ControlRef[] = ['proc.ACTIVATE_SECONDARY_CONTROLS', 'proc2.ENABLE_EPT', 'proc2.SUB_PAGE_WRITE_PERMISSIONS_FOR_EPT'];
const ADVANCED: Condition = { msr: 'IA32_VMX_EPT_VPID_CAP', field: 'advancedEptViolationInfo' };
/** The processor under test, offering the control (allowed-1 bit 23 of the secondary controls). */
const WITH_SPP: NonNullable<ConformanceCase['profile']> = { msrs: { IA32_VMX_PROCBASED_CTLS2: { set: '0x80000000000000' } } };

const EPT_VIOLATION = 48, VMCALL = 18, SPP_RELATED_EVENT = 66;
/** Qualification of the refused write (28.2.1, Table 28-7): write (bit 1), readable and executable (3, 5), linear address valid and translated (7, 8), writable linear address (10). */
const REFUSED_WRITE = 0x2 | 0x8 | 0x20 | 0x80 | 0x100 | 0x400;
/** SPP-related event qualification (28.2.1): bit 11 = 1 SPPT miss, 0 SPPT misconfiguration; bit 12 (NMI unblocking) 0. */
const SPPT_MISS = 0x800, SPPT_MISCONFIGURATION = 0;

/** The SPPT entries that lead to DATA's SPP vector, each valid, with `changes` applied after. */
function sppt(vector: bigint, changes: Record<number, bigint> = {}): Setup['memory'] {
  const entries: Record<number, bigint> = { [L4]: BigInt(L3) | 1n, [L3]: BigInt(L2) | 1n, [L2_ENTRY]: BigInt(L1) | 1n, [L1_ENTRY]: vector, ...changes };
  return Object.entries(entries).map(([at, v]) => ({ address: hex(Number(at)), bytes: le64(v) }));
}

function le32(v: number): string {
  return le64(BigInt(v >>> 0)).slice(0, 8);
}

interface SppCase {
  readonly id: string;
  readonly title: string;
  readonly sdm: readonly [string, ...string[]];
  readonly pte?: bigint;
  /** The SPPT as memory writes; absent: none (every L4 entry 0). */
  readonly sppt?: Setup['memory'];
  /** The guest writes `first` (none: reads it) before the instruction under test, which writes `second`. */
  readonly first?: { at: number; value: number } | { read: number };
  readonly second: { at: number; value: number };
  readonly expect: (p: { at: number; vmcallAt: number }) => Step;
  readonly controlOff?: boolean;
  readonly requires?: readonly Condition[];
}

function sppCase(s: SppCase): ConformanceCase {
  const f = s.first;
  const p = program(
    (a) => { if (f === undefined) return; if ('read' in f) a.mov(eax, dword(f.read)); else a.mov(dword(f.at), f.value); },
    (a) => { a.mov(dword(s.second.at), s.second.value); },
  );
  const set = s.controlOff ? CONTROLS.slice(0, 2) : CONTROLS;
  const ept: EptSetup = { entries: [{ gpa: hex(DATA), level: 'pte', value: hex(s.pte ?? PTE_SPP) }] };
  return {
    id: s.id,
    title: s.title,
    sdm: [s.sdm[0], ...s.sdm.slice(1)],
    tags: ['ept', 'spp', 'generated'],
    ...(s.controlOff ? {} : { profile: WITH_SPP }),
    requires: [...set.map((control) => ({ control })), ...(s.requires ?? [])],
    setup: {
      fields: { SUB_PAGE_PERMISSION_TABLE_POINTER: hex(SPPT) },
      controls: { set, ...(s.controlOff ? { clear: [CONTROLS[2]!] } : {}) },
      ...(s.sppt?.length ? { memory: s.sppt } : {}),
      ept,
    },
    guest: { code: p.code, disassembly: p.disassembly },
    steps: [s.expect({ at: Number(p.at), vmcallAt: Number(p.vmcallAt) })],
  };
}

function exit(reason: number, fields: Record<string, string>, memory?: MemoryCheck[]): Step {
  return { op: 'vmlaunch', expect: { kind: 'vm-exit', exitReason: reason, fields, ...(memory ? { memory } : {}) } };
}

function holds(at: number, value: number): MemoryCheck {
  return { address: hex(at), bytes: le32(value) };
}

function writeCases(): ConformanceCase[] {
  const A = 0x1122_3344, B = 0x5566_7788;
  return [
    sppCase({
      id: 'spp.write.permitted-then-refused',
      title: 'With the SPP vector allowing sub-page 0 only, a write to bytes 0-3 of the page completes and a write to sub-page 1 (offset 80H) is an EPT violation; the first write is in memory, the second is not',
      sdm: ['29.3.4', '29.3.3.2', '28.2.1'],
      sppt: sppt(0b01n),
      first: { at: DATA, value: A }, second: { at: DATA + 0x80, value: B },
      requires: [ADVANCED],
      expect: (p) => exit(EPT_VIOLATION, {
        GUEST_RIP: hex(p.at), EXIT_QUALIFICATION: hex(REFUSED_WRITE), GUEST_PHYSICAL_ADDRESS: hex(DATA + 0x80), GUEST_LINEAR_ADDRESS: hex(DATA + 0x80),
      }, [holds(DATA, A), holds(DATA + 0x80, 0)]),
    }),
    sppCase({
      id: 'spp.write.last-sub-page',
      title: 'Sub-page i is guest-physical address bits 11:7 and uses SPP-vector bit 2i: with only bit 62 set a write at F80H completes and one at F7CH (sub-page 30) is an EPT violation',
      sdm: ['29.3.4', '28.2.1'],
      sppt: sppt(1n << 62n),
      first: { at: DATA + 0xF80, value: A }, second: { at: DATA + 0xF7C, value: B },
      requires: [ADVANCED],
      expect: (p) => exit(EPT_VIOLATION, {
        GUEST_RIP: hex(p.at), EXIT_QUALIFICATION: hex(REFUSED_WRITE), GUEST_PHYSICAL_ADDRESS: hex(DATA + 0xF7C), GUEST_LINEAR_ADDRESS: hex(DATA + 0xF7C),
      }, [holds(DATA + 0xF80, A), holds(DATA + 0xF7C, 0)]),
    }),
    sppCase({
      id: 'spp.write.every-sub-page-permitted',
      title: 'With every even bit of the SPP vector set, writes to sub-pages 0 and 1 of a page the EPT PTE makes read-only both complete and the guest reaches the VMCALL',
      sdm: ['29.3.4'],
      sppt: sppt(0x5555_5555_5555_5555n),
      first: { at: DATA + 0x40, value: A }, second: { at: DATA + 0xC0, value: B },
      expect: (p) => exit(VMCALL, { GUEST_RIP: hex(p.vmcallAt) }, [holds(DATA + 0x40, A), holds(DATA + 0xC0, B)]),
    }),
    sppCase({
      id: 'spp.read.unaffected',
      title: 'Reads of a page with sub-page write permissions need no SPP vector: with no SPPT at all (every L4 entry 0) the read completes; the write after it is an SPPT miss',
      sdm: ['29.3.4', '28.2.1'],
      first: { read: DATA + 0x80 }, second: { at: DATA + 0x80, value: B },
      expect: (p) => exit(SPP_RELATED_EVENT, {
        GUEST_RIP: hex(p.at), EXIT_QUALIFICATION: hex(SPPT_MISS), GUEST_PHYSICAL_ADDRESS: hex(DATA + 0x80), GUEST_LINEAR_ADDRESS: hex(DATA + 0x80),
      }),
    }),
    sppCase({
      id: 'spp.write.ept-writable',
      title: 'A write the EPT entries allow is not looked up in the SPPT: the PTE has bit 61 and write access, there is no SPPT, and the write completes',
      sdm: ['29.3.4', '29.3.3.2'],
      pte: PTE_SPP_WRITABLE,
      second: { at: DATA + 0x80, value: B },
      expect: (p) => exit(VMCALL, { GUEST_RIP: hex(p.vmcallAt) }, [holds(DATA + 0x80, B)]),
    }),
    sppCase({
      id: 'spp.control-off.bit-61-ignored',
      title: 'With "sub-page write permissions for EPT" 0, bit 61 of the EPT PTE is ignored: a write to the read-only page is an EPT violation, whatever the SPPT says',
      sdm: ['29.3.2', '29.3.3.2', '28.2.1'],
      sppt: sppt(0x5555_5555_5555_5555n),
      controlOff: true,
      second: { at: DATA, value: B },
      requires: [ADVANCED],
      expect: (p) => exit(EPT_VIOLATION, { GUEST_RIP: hex(p.at), EXIT_QUALIFICATION: hex(REFUSED_WRITE), GUEST_PHYSICAL_ADDRESS: hex(DATA) }, [holds(DATA, 0)]),
    }),
  ];
}

/** Each way the SPPT walk for a write to DATA+10H can stop (29.3.4.2): an entry not valid, or a reserved bit set in a valid one. */
function eventCases(): ConformanceCase[] {
  const valid = { l4: BigInt(L3) | 1n, l3: BigInt(L2) | 1n, l2: BigInt(L1) | 1n };
  const at = DATA + 0x10;
  const events: { name: string; what: string; changes: Record<number, bigint>; miss: boolean }[] = [
    { name: 'miss.l4', what: 'the SPPT L4E is not valid (0)', changes: { [L4]: 0n }, miss: true },
    { name: 'miss.l3', what: 'the SPPT L3E is not valid (bit 0 clear, address left in place)', changes: { [L3]: valid.l3 & ~1n }, miss: true },
    { name: 'miss.l2', what: 'the SPPT L2E is not valid (0)', changes: { [L2_ENTRY]: 0n }, miss: true },
    { name: 'misconfiguration.l4-bit-1', what: 'bit 1 (reserved, 11:1) of the valid SPPT L4E is set', changes: { [L4]: valid.l4 | 0x2n }, miss: false },
    { name: 'misconfiguration.l3-bit-11', what: 'bit 11 (reserved, 11:1) of the valid SPPT L3E is set', changes: { [L3]: valid.l3 | 0x800n }, miss: false },
    { name: 'misconfiguration.l2-maxphyaddr', what: `bit ${MAXPHYADDR} (MAXPHYADDR, reserved) of the valid SPPT L2E is set`, changes: { [L2_ENTRY]: valid.l2 | (1n << BigInt(MAXPHYADDR)) }, miss: false },
    { name: 'misconfiguration.l2-bit-63', what: 'bit 63 (reserved, 63:52) of the valid SPPT L2E is set', changes: { [L2_ENTRY]: valid.l2 | (1n << 63n) }, miss: false },
    { name: 'misconfiguration.vector-odd-bit', what: 'odd bit 1 of the SPP vector (reserved) is set, beside bit 0 that would allow the write', changes: { [L1_ENTRY]: 0b11n }, miss: false },
  ];
  return events.map((e) => sppCase({
    id: `spp.event.${e.name}`,
    title: `A write to a sub-page-protected page where ${e.what} is an SPP-related event (exit 66) with qualification bit 11 = ${e.miss ? '1 (SPPT miss)' : '0 (SPPT misconfiguration)'} and the guest-linear and guest-physical addresses; the write does not happen`,
    sdm: ['29.3.4.2', '28.2.1', 'C'],
    sppt: sppt(0x5555_5555_5555_5555n, e.changes),
    second: { at, value: 0x5566_7788 },
    expect: (p) => exit(SPP_RELATED_EVENT, {
      GUEST_RIP: hex(p.at), EXIT_QUALIFICATION: hex(e.miss ? SPPT_MISS : SPPT_MISCONFIGURATION), GUEST_PHYSICAL_ADDRESS: hex(at),
      GUEST_LINEAR_ADDRESS: hex(at),
    }, [holds(at, 0)]),
  }));
}

export function sppCases(): ConformanceCase[] {
  return [...writeCases(), ...eventCases()];
}
