// Generated EPT cases (SDM 29.3, 28.2.1, 26.5.7): every permission combination at every level for reads,
// writes and fetches; guest paging-structure accesses (reads, and the accessed-flag writes, which EPT A/D
// makes writes altogether); every misconfiguration condition (write-only and write/execute entries,
// reserved bits of each entry format, reserved memory types) with the ignored bits that must not
// misconfigure; EPT accessed and dirty flags; page-modification logging and its log-full exit; EPT-violation
// #VE; an MMIO range left unmapped; and a VMM that fixes a read-only entry and resumes.
//
// Expected values are derived here from the SDM's rules and the fixed layout of the canonical guest
// (conformance/baseline.ts: 4-level guest paging at 20000h, identity, 2-MByte pages, supervisor and
// writable, code at 300000h) and the EPT identity map (conformance/harness/ept.ts), never from the model.
import { type Assembler, al, ax, cr3, eax, ebx, mem, qword, dword, word, byte, rax, rbx, rsp } from '../asm/index.js';
import type { Condition, ConformanceCase, ControlRef } from '../../model/generated/index.js';
import { EPT_LEAF, EPT_PAGE, EPT_RWX, EPT_TABLES, type EptLevel, type EptSetup, eptEntryAddress } from '../harness/ept.js';
import { type Program, hex, program } from './exits.js';

type Setup = NonNullable<ConformanceCase['setup']>;
type Step = ConformanceCase['steps'][number];

const GUEST_RIP = 0x30_0000;
/** The guest's paging structures (baseline): PML4, PDPT, PD; one entry each for addresses below 1 GiB. */
const GUEST_PML4 = 0x2_0000, GUEST_PDPT = 0x2_1000, GUEST_PD = 0x2_2000;
/** A data page alone in its 2-MByte region (400000h-5FFFFFh), so restricting its PDE touches nothing else. */
const DATA = 0x50_0000;
/** An MMIO range the VMM leaves unmapped (its page-table entries are not present). */
const MMIO = 0x80_0000;
/** IA32_VMX_EPT_VPID_CAP[0x..]: MAXPHYADDR of both built-in profiles is 46, so bits 51:46 are reserved (SDM 29.3.2). */
const MAXPHYADDR = 46;

const EPT_ON: ControlRef[] = ['proc.ACTIVATE_SECONDARY_CONTROLS', 'proc2.ENABLE_EPT'];
const CAP = 'IA32_VMX_EPT_VPID_CAP';
const ADVANCED: Condition = { msr: CAP, field: 'advancedEptViolationInfo' };
const FIVE_LEVEL: Condition = { msr: CAP, field: 'pageWalkLength5' };
const AD: Condition = { msr: CAP, field: 'accessedDirtyFlags' };
const EXEC_ONLY: Condition = { msr: CAP, field: 'executeOnly' };
const PAGES_2M: Condition = { msr: CAP, field: 'pde2MbPages' };
const PAGES_1G: Condition = { msr: CAP, field: 'pdpte1GbPages' };

/** Exit-qualification bits of an EPT violation (SDM 28.2.1, Table 28-7), typed from the table. */
const Q_READ = 1, Q_WRITE = 2, Q_FETCH = 4, Q_GLA_VALID = 0x80, Q_TRANSLATION = 0x100, Q_WRITABLE_LINEAR = 0x400;

type AccessKind = 'read' | 'write' | 'fetch';
const ACCESSES: readonly AccessKind[] = ['read', 'write', 'fetch'];
const ACCESS_BIT: Record<AccessKind, number> = { read: Q_READ, write: Q_WRITE, fetch: Q_FETCH };
/** The EPT permission bit each access needs (SDM 29.3.3.2). */
const NEEDS: Record<AccessKind, number> = { read: 1, write: 2, fetch: 4 };

/** Permission settings of bits 2:0 that are not misconfigurations (SDM 29.3.3.1): 000b is "not present". */
const PERMISSIONS = [0, 1, 3, 5, 7, 4] as const;
const PERM_NAME: Record<number, string> = { 0: 'not-present', 1: 'r', 3: 'rw', 5: 'rx', 7: 'rwx', 4: 'x' };

/**
 * The qualification of a violation on the final translation of a linear address of the canonical guest:
 * access bit, the AND of the permission bits (bits 5:3), bit 7 and bit 8, and advanced information
 * (bits 11:9): the baseline's pages are supervisor (bit 9 = 0), writable (bit 10 = 1), executable (bit 11 = 0).
 */
function translationQualification(access: AccessKind, perms: number): number {
  return ACCESS_BIT[access] | (perms << 3) | Q_GLA_VALID | Q_TRANSLATION | Q_WRITABLE_LINEAR;
}

/** The qualification of a violation on a guest paging-structure entry: bit 7 set, bit 8 clear, no advanced bits. */
function pagingQualification(accessBits: number, perms: number): number {
  return accessBits | (perms << 3) | Q_GLA_VALID;
}

function entryChange(gpa: number, level: EptLevel, change: { set?: bigint; clear?: bigint; value?: bigint }): NonNullable<EptSetup['entries']>[number] {
  return {
    gpa: hex(gpa), level,
    ...(change.value !== undefined ? { value: hex(change.value) } : {}),
    ...(change.set !== undefined ? { set: hex(change.set) } : {}),
    ...(change.clear !== undefined ? { clear: hex(change.clear) } : {}),
  };
}

/** Sets bits 2:0 of an entry to `perms`. */
function withPerms(gpa: number, level: EptLevel, perms: number): NonNullable<EptSetup['entries']>[number] {
  return entryChange(gpa, level, { clear: EPT_RWX, set: BigInt(perms) });
}

interface Access {
  readonly code: string;
  readonly disassembly: string[];
  /** RIP of the accessing instruction (the fetch's is the target), and of the VMCALL reached without a violation. */
  readonly at: number;
  readonly vmcallAt: number;
  /** VMCALL bytes placed at the fetch target. */
  readonly memory?: Setup['memory'];
}

const VMCALL_BYTES = '0F01C1';

/** A guest program making one access to `target`: a quadword read or write, or a jump there (a VMCALL waits). */
function accessProgram(kind: AccessKind, target: number): Access {
  if (kind === 'fetch') {
    const p = program((a) => { a.mov(eax, target); }, (a) => a.jmp(rax));
    return { code: p.code, disassembly: p.disassembly, at: target, vmcallAt: target, memory: [{ address: hex(target), bytes: VMCALL_BYTES }] };
  }
  const p = program((a) => { a.mov(eax, 0x1234_5678); }, kind === 'read' ? (a) => a.mov(rax, qword(target)) : (a) => a.mov(qword(target), rax));
  return { code: p.code, disassembly: p.disassembly, at: Number(p.at), vmcallAt: Number(p.vmcallAt) };
}

function exitStep(reason: number, fields: Record<string, string>, memory?: { address: string; bytes: string }[]): Step {
  return { op: 'vmlaunch', expect: { kind: 'vm-exit', exitReason: reason, fields, ...(memory ? { memory } : {}) } };
}

const EPT_VIOLATION = 48, EPT_MISCONFIG = 49, VMCALL = 18, PML_FULL = 62, EXCEPTION = 0;

function violation(rip: number, gla: number, gpa: number, qualification: number, memory?: { address: string; bytes: string }[]): Step {
  return exitStep(EPT_VIOLATION, { EXIT_QUALIFICATION: hex(qualification), GUEST_PHYSICAL_ADDRESS: hex(gpa), GUEST_LINEAR_ADDRESS: hex(gla), GUEST_RIP: hex(rip) }, memory);
}

function misconfiguration(rip: number, gpa: number): Step {
  return exitStep(EPT_MISCONFIG, { GUEST_PHYSICAL_ADDRESS: hex(gpa), GUEST_RIP: hex(rip) });
}

function vmcall(rip: number, memory?: { address: string; bytes: string }[], extra: Record<string, string> = {}): Step {
  return exitStep(VMCALL, { GUEST_RIP: hex(rip), ...extra }, memory);
}

interface CaseSpec {
  readonly id: string;
  readonly title: string;
  readonly sdm: readonly [string, ...string[]];
  readonly ept: EptSetup;
  readonly access: Access | { code: string; disassembly: string[]; memory?: Setup['memory'] };
  readonly steps: [Step, ...Step[]];
  readonly requires?: readonly Condition[];
  readonly excludes?: readonly Condition[];
  readonly controls?: readonly ControlRef[];
  /** Controls cleared (the canonical guest's IA-32e mode guest, for a PAE or real-mode guest). */
  readonly clear?: readonly ControlRef[];
  readonly fields?: Record<string, string>;
  readonly bits?: Setup['bits'];
  readonly memory?: Setup['memory'];
}

function eptCase(s: CaseSpec): ConformanceCase {
  const controls = [...EPT_ON, ...(s.controls ?? [])];
  const memory = [...(s.access.memory ?? []), ...(s.memory ?? [])];
  return {
    id: s.id,
    title: s.title,
    sdm: [s.sdm[0], ...s.sdm.slice(1)],
    tags: ['ept', 'generated'],
    requires: [...controls.map((control) => ({ control })), ...(s.requires ?? [])],
    ...(s.excludes ? { excludes: [...s.excludes] } : {}),
    setup: {
      ...(s.fields ? { fields: s.fields } : {}),
      ...(s.bits ? { bits: s.bits } : {}),
      controls: { set: controls, ...(s.clear ? { clear: [...s.clear] } : {}) },
      ...(memory.length ? { memory } : {}),
      ept: s.ept,
    },
    guest: { code: s.access.code, disassembly: s.access.disassembly },
    steps: [s.steps[0], ...s.steps.slice(1)],
  };
}

export function le64(v: bigint): string {
  let out = '';
  for (let i = 0n; i < 8n; i++) out += ((v >> (8n * i)) & 0xFFn).toString(16).toUpperCase().padStart(2, '0');
  return out;
}

// ---- permissions on the final translation (SDM 29.3.3.2; qualification 28.2.1)

/** Where a permission restriction for DATA goes: the leaf, or the PDE referencing its page table. */
const PLACEMENTS: readonly { name: string; level: EptLevel; pageSize: '4k' | '2m'; requires: Condition[] }[] = [
  { name: 'pte', level: 'pte', pageSize: '4k', requires: [] },
  { name: 'pde-table', level: 'pde', pageSize: '4k', requires: [] },
  { name: 'pde-2m', level: 'pde', pageSize: '2m', requires: [PAGES_2M] },
];

function permissionCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  for (const levels of [4, 5] as const) {
    for (const ad of [false, true]) {
      if (levels === 5 && ad) continue;
      for (const place of PLACEMENTS) {
        for (const perms of PERMISSIONS) {
          for (const access of ACCESSES) {
            const p = accessProgram(access, DATA);
            const allowed = (perms & NEEDS[access]) !== 0;
            const requires = [ADVANCED, ...place.requires, ...(perms === 4 ? [EXEC_ONLY] : []), ...(levels === 5 ? [FIVE_LEVEL] : []), ...(ad ? [AD] : [])];
            const variant = `${levels}-level${ad ? '.ad' : ''}`;
            out.push(eptCase({
              id: `ept.permission.${variant}.${place.name}.${PERM_NAME[perms]}.${access}`,
              title: allowed
                ? `A ${access} of ${hex(DATA)} through an EPT ${place.name} with permissions ${PERM_NAME[perms]} completes and the guest reaches the VMCALL`
                : `A ${access} of ${hex(DATA)} through an EPT ${place.name} with permissions ${PERM_NAME[perms]} is an EPT violation with the access and the permissions in the qualification`,
              sdm: allowed ? ['29.3.3.2'] : ['29.3.3.2', '28.2.1', '26.5.3'],
              ept: { levels, ...(ad ? { accessedDirty: true } : {}), pageSize: place.pageSize, entries: [withPerms(DATA, place.level, perms)] },
              access: p,
              requires,
              steps: [allowed ? vmcall(p.vmcallAt) : violation(p.at, DATA, DATA, translationQualification(access, perms))],
            }));
          }
        }
      }
    }
  }
  return out;
}

// ---- permissions on entries every translation uses: the first access is the guest's walk for the
// first instruction fetch, which reads the guest PML4E at 20000h (SDM 29.3.3.2: guest paging-structure
// reads are data reads; the accessed-flag updates are writes; with EPT A/D on, every such access is a write).

function pagingStructureCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  const upper: { level: EptLevel; levels: 4 | 5 }[] = [
    { level: 'pml4e', levels: 4 }, { level: 'pdpte', levels: 4 },
    { level: 'pml5e', levels: 5 }, { level: 'pml4e', levels: 5 }, { level: 'pdpte', levels: 5 },
  ];
  for (const u of upper) {
    for (const ad of [false, true]) {
      for (const perms of PERMISSIONS) {
        const p = accessProgram('read', DATA);
        let step: Step;
        let why: string;
        if (perms === 0) {
          step = violation(GUEST_RIP, GUEST_RIP, GUEST_PML4, pagingQualification(ad ? Q_READ | Q_WRITE : Q_READ, 0));
          why = 'the guest PML4E read finds the EPT entry not present';
        } else if (ad && (perms & 2) === 0) {
          step = violation(GUEST_RIP, GUEST_RIP, GUEST_PML4, pagingQualification(Q_READ | Q_WRITE, perms));
          why = 'with EPT A/D flags the guest PML4E read is a write, which the entry does not allow';
        } else if (!ad && (perms & 1) === 0) {
          step = violation(GUEST_RIP, GUEST_RIP, GUEST_PML4, pagingQualification(Q_READ, perms));
          why = 'the guest PML4E read is a data read, which the entry does not allow';
        } else if (!ad && (perms & 2) === 0) {
          step = violation(GUEST_RIP, GUEST_RIP, GUEST_PML4, pagingQualification(Q_WRITE, perms));
          why = 'setting the accessed flag of the guest PML4E is a write, which the entry does not allow';
        } else if ((perms & 4) === 0) {
          step = violation(GUEST_RIP, GUEST_RIP, GUEST_RIP, translationQualification('fetch', perms));
          why = 'the walk succeeds but the fetch of the first instruction needs execute access';
        } else {
          step = vmcall(p.vmcallAt);
          why = 'every access is allowed';
        }
        const requires = [ADVANCED, ...(perms === 4 ? [EXEC_ONLY] : []), ...(u.levels === 5 ? [FIVE_LEVEL] : []), ...(ad ? [AD] : [])];
        out.push(eptCase({
          id: `ept.paging-structure.${u.levels}-level${ad ? '.ad' : ''}.${u.level}.${PERM_NAME[perms]}`,
          title: `EPT ${u.level} with permissions ${PERM_NAME[perms]}${ad ? ' and EPT A/D flags on' : ''}: ${why}`,
          sdm: ['29.3.3.2', '28.2.1', ...(ad ? ['29.3.5'] : [])],
          ept: { levels: u.levels, ...(ad ? { accessedDirty: true } : {}), entries: [withPerms(GUEST_PML4, u.level, perms)] },
          access: p,
          requires,
          steps: [step],
        }));
      }
    }
  }
  // The page of one guest paging structure made read-only, or not readable: the walk stops at that
  // structure's entry, at the read or at its accessed-flag update (SDM 29.3.3.2, 28.2.1 bit 8 = 0).
  const structures = [
    { name: 'pml4', page: GUEST_PML4, entry: GUEST_PML4 },
    { name: 'pdpt', page: GUEST_PDPT, entry: GUEST_PDPT },
    { name: 'pd', page: GUEST_PD, entry: GUEST_PD + (GUEST_RIP >>> 21) * 8 },
  ];
  for (const s of structures) {
    for (const perms of [0, 1, 5, 4] as const) {
      const p = accessProgram('read', DATA);
      const accessBits = (perms & 1) === 0 ? Q_READ : Q_WRITE;
      out.push(eptCase({
        id: `ept.guest-paging.${s.name}.${PERM_NAME[perms]}`,
        title: `The page holding the guest ${s.name.toUpperCase()} is ${PERM_NAME[perms]} in EPT: the guest walk for the first fetch exits at ${(perms & 1) === 0 ? 'the read' : 'the accessed-flag write'} of the entry at ${hex(s.entry)}`,
        sdm: ['29.3.3.2', '28.2.1'],
        ept: { entries: [withPerms(s.page, 'pte', perms)] },
        access: p,
        requires: [...(perms === 4 ? [EXEC_ONLY] : [])],
        steps: [violation(GUEST_RIP, GUEST_RIP, s.entry, pagingQualification(accessBits, perms))],
      }));
    }
  }
  return out;
}

// ---- misconfigurations (SDM 29.3.3.1) and ignored bits that must not misconfigure (29.3.2)

interface EntryFormat {
  readonly name: string;
  readonly level: EptLevel;
  readonly levels: 4 | 5;
  readonly pageSize: '4k' | '2m' | '1g';
  /** The guest-physical address whose translation the first use of the entry makes (DATA, or the guest PML4E). */
  readonly firstGpa: number;
  /** RIP and access of that first use. */
  readonly reserved: readonly number[];
  readonly ignored: readonly number[];
  readonly leaf: boolean;
  readonly requires: readonly Condition[];
}

function range(lo: number, hi: number): number[] {
  return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
}

const ABOVE_MAXPHYADDR = range(MAXPHYADDR, 51);
/** Bits 62:52 are ignored in every entry except those that features give meaning to (57, 58, 60, 61 need controls the cases leave 0). */
const HIGH_IGNORED = [52, 53, 54, 55, 56, 59, 62];

const FORMATS: readonly EntryFormat[] = [
  { name: 'pte', level: 'pte', levels: 4, pageSize: '4k', firstGpa: DATA, reserved: ABOVE_MAXPHYADDR, ignored: [7, 11, ...HIGH_IGNORED, 63], leaf: true, requires: [] },
  { name: 'pde-table', level: 'pde', levels: 4, pageSize: '4k', firstGpa: DATA, reserved: [3, 4, 5, 6, ...ABOVE_MAXPHYADDR], ignored: [9, 11, ...HIGH_IGNORED, 63], leaf: false, requires: [] },
  { name: 'pde-2m', level: 'pde', levels: 4, pageSize: '2m', firstGpa: DATA, reserved: [...range(12, 20), ...ABOVE_MAXPHYADDR], ignored: [11, ...HIGH_IGNORED, 63], leaf: true, requires: [PAGES_2M] },
  { name: 'pdpte-table', level: 'pdpte', levels: 4, pageSize: '4k', firstGpa: GUEST_PML4, reserved: [3, 4, 5, 6, ...ABOVE_MAXPHYADDR], ignored: [9, 11, ...HIGH_IGNORED, 63], leaf: false, requires: [] },
  { name: 'pdpte-1g', level: 'pdpte', levels: 4, pageSize: '1g', firstGpa: GUEST_PML4, reserved: [...range(12, 29), ...ABOVE_MAXPHYADDR], ignored: [11, ...HIGH_IGNORED, 63], leaf: true, requires: [PAGES_1G] },
  { name: 'pml4e', level: 'pml4e', levels: 4, pageSize: '4k', firstGpa: GUEST_PML4, reserved: [3, 4, 5, 6, 7, ...ABOVE_MAXPHYADDR], ignored: [9, 11, ...HIGH_IGNORED, 63], leaf: false, requires: [] },
  { name: 'pml5e', level: 'pml5e', levels: 5, pageSize: '4k', firstGpa: GUEST_PML4, reserved: [3, 4, 5, 6, 7, ...ABOVE_MAXPHYADDR], ignored: [9, 11, ...HIGH_IGNORED, 63], leaf: false, requires: [FIVE_LEVEL] },
];

function misconfigurationCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  const p = accessProgram('read', DATA);
  for (const f of FORMATS) {
    // The first use of an entry for DATA is the read of DATA; an upper entry is first used by the walk for the first fetch.
    const rip = f.firstGpa === DATA ? p.at : GUEST_RIP;
    const base = (id: string, title: string, sdm: [string, ...string[]], entries: NonNullable<EptSetup['entries']>, step: Step, extra: Condition[] = []): ConformanceCase => eptCase({
      id: `ept.misconfiguration.${f.name}.${id}`, title, sdm,
      ept: { levels: f.levels, pageSize: f.pageSize, entries }, access: p, requires: [...f.requires, ...(f.levels === 5 ? [FIVE_LEVEL] : []), ...extra], steps: [step],
    });
    for (const rwx of [2, 6]) {
      out.push(base(`rwx-${rwx.toString(2).padStart(3, '0')}`, `EPT ${f.name} with bits 2:0 = ${rwx.toString(2).padStart(3, '0')}b (${rwx === 2 ? 'write-only' : 'write/execute'}) is an EPT misconfiguration`,
        ['29.3.3.1', '28.2.1'], [withPerms(f.firstGpa, f.level, rwx)], misconfiguration(rip, f.firstGpa)));
    }
    for (const bit of f.reserved) {
      out.push(base(`reserved-bit-${bit}`, `EPT ${f.name} with reserved bit ${bit} set is an EPT misconfiguration`,
        ['29.3.3.1', '29.3.2'], [entryChange(f.firstGpa, f.level, { set: 1n << BigInt(bit) })], misconfiguration(rip, f.firstGpa)));
    }
    for (const bit of f.ignored) {
      out.push(base(`ignored-bit-${bit}`, `EPT ${f.name} with ignored bit ${bit} set translates normally: no misconfiguration`,
        ['29.3.2'], [entryChange(f.firstGpa, f.level, { set: 1n << BigInt(bit) })], vmcall(p.vmcallAt)));
    }
    if (f.leaf) {
      for (const type of [0, 1, 2, 3, 4, 5, 6, 7]) {
        const bad = type === 2 || type === 3 || type === 7;
        out.push(base(`memory-type-${type}`, bad ? `EPT ${f.name} with reserved memory type ${type} is an EPT misconfiguration` : `EPT ${f.name} with memory type ${type} translates normally`,
          bad ? ['29.3.3.1', '29.3.7'] : ['29.3.7'], [entryChange(f.firstGpa, f.level, { clear: 0x38n, set: BigInt(type) << 3n })], bad ? misconfiguration(rip, f.firstGpa) : vmcall(p.vmcallAt)));
      }
    } else {
      // Bit 7 set in an entry that references a table: for PML4Es and PML5Es it is reserved; for PDPTEs and
      // PDEs it makes the entry map a page (with the table's address as the page frame, whose low bits are
      // reserved: 29:12 or 20:12), which is also a misconfiguration unless the address is page-aligned.
      if (f.level === 'pml4e' || f.level === 'pml5e') continue;
    }
  }
  // Execute-only (100b) on a processor without support is a misconfiguration; both built-in profiles
  // support it, so this case documents the rule for other processors (unsupported on them).
  out.push(eptCase({
    id: 'ept.misconfiguration.pte.execute-only-unsupported',
    title: 'EPT PTE with bits 2:0 = 100b on a processor without execute-only support is an EPT misconfiguration',
    sdm: ['29.3.3.1', 'A.10'],
    ept: { entries: [withPerms(DATA, 'pte', 4)] }, access: p, excludes: [EXEC_ONLY],
    steps: [misconfiguration(p.at, DATA)],
  }));
  return out;
}

// ---- accessed and dirty flags (SDM 29.3.5)

function accessedDirtyCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  for (const pageSize of ['4k', '2m', '1g'] as const) {
    for (const access of ACCESSES) {
      for (const ad of [true, false]) {
        const p = accessProgram(access, DATA);
        const A = ad ? 0x100n : 0n, D = ad ? 0x200n : 0n;
        const wrote = access === 'write';
        const memory: { address: string; bytes: string }[] = [];
        const at = (level: EptLevel, gpa: number, v: bigint): void => { memory.push({ address: hex(eptEntryAddress(gpa, level)), bytes: le64(v) }); };
        at('pml4e', DATA, BigInt(EPT_TABLES.pdpt) | EPT_RWX | A);
        if (pageSize === '1g') {
          // Everything is in the one 1-GByte page: the guest paging-structure accesses (writes with A/D on) set D.
          at('pdpte', DATA, EPT_LEAF | EPT_PAGE | A | D);
        } else {
          at('pdpte', DATA, BigInt(EPT_TABLES.pd) | EPT_RWX | A);
          if (pageSize === '2m') {
            at('pde', DATA, BigInt(0x40_0000) | EPT_LEAF | EPT_PAGE | A | (wrote ? D : 0n));
            at('pde', GUEST_PML4, EPT_LEAF | EPT_PAGE | A | D);
          } else {
            at('pde', DATA, BigInt(EPT_TABLES.pt + 2 * 0x1000) | EPT_RWX | A);
            at('pte', DATA, BigInt(DATA) | EPT_LEAF | A | (wrote ? D : 0n));
            at('pte', GUEST_PML4, BigInt(GUEST_PML4) | EPT_LEAF | A | D);
            at('pte', GUEST_PDPT, BigInt(GUEST_PDPT) | EPT_LEAF | A | D);
            at('pte', GUEST_PD, BigInt(GUEST_PD) | EPT_LEAF | A | D);
            at('pte', GUEST_RIP, BigInt(GUEST_RIP) | EPT_LEAF | A);
          }
        }
        out.push(eptCase({
          id: `ept.accessed-dirty.${ad ? 'on' : 'off'}.${pageSize}.${access}`,
          title: ad
            ? `With EPT A/D flags on, a ${access} of ${hex(DATA)} (${pageSize} EPT pages) sets the accessed flag of every EPT entry used${wrote ? ' and the dirty flag of the one mapping the page' : ''}; guest paging-structure accesses count as writes and set dirty flags`
            : `With EPT A/D flags off, a ${access} of ${hex(DATA)} (${pageSize} EPT pages) leaves EPT entries unchanged`,
          sdm: ['29.3.5'],
          ept: { pageSize, ...(ad ? { accessedDirty: true } : {}) },
          access: p,
          requires: [...(ad ? [AD] : []), ...(pageSize === '2m' ? [PAGES_2M] : pageSize === '1g' ? [PAGES_1G] : [])],
          steps: [vmcall(p.vmcallAt, memory)],
        }));
      }
    }
  }
  return out;
}

// ---- page-modification logging (SDM 29.3.6)

const PML_PAGE = 0xB0_0000;

function pmlCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  // The first fetch's walk writes (with A/D on) the guest PML4, PDPT and PD pages: logged first, in that order.
  const walkPages = [GUEST_PML4, GUEST_PDPT, GUEST_PD];
  for (let k = 1; k <= 8; k++) {
    const pages = Array.from({ length: k }, (_, i) => DATA + i * 0x1000);
    const p = program((a) => { a.mov(eax, 1); }, (a: Assembler) => { for (const pg of pages) a.mov(dword(pg), eax); });
    const logged = [...walkPages, ...pages];
    const memory = logged.map((gpa, i) => ({ address: hex(PML_PAGE + 8 * (511 - i)), bytes: le64(BigInt(gpa)) }));
    out.push(eptCase({
      id: `ept.pml.log-${k}-pages`,
      title: `With PML, writes to ${k} clean page(s) log their guest-physical addresses after those of the guest paging structures the walk dirtied, from index 511 down`,
      sdm: ['29.3.6', '29.3.5'],
      ept: { accessedDirty: true }, access: p, controls: ['proc2.ENABLE_PML'], requires: [AD],
      fields: { PML_ADDRESS: hex(PML_PAGE), GUEST_PML_INDEX: hex(511) },
      steps: [vmcall(Number(p.vmcallAt), memory, { GUEST_PML_INDEX: hex(511 - logged.length) })],
    }));
  }
  // A write to an already dirty page is not logged again.
  {
    const p = program((a) => { a.mov(eax, 1); }, (a: Assembler) => { a.mov(dword(DATA), eax).mov(dword(DATA + 8), eax); });
    out.push(eptCase({
      id: 'ept.pml.dirty-page-not-logged-twice',
      title: 'With PML, a second write to a page whose EPT dirty flag is already set logs nothing',
      sdm: ['29.3.6'], ept: { accessedDirty: true }, access: p, controls: ['proc2.ENABLE_PML'], requires: [AD],
      fields: { PML_ADDRESS: hex(PML_PAGE), GUEST_PML_INDEX: hex(511) },
      steps: [vmcall(Number(p.vmcallAt), [{ address: hex(PML_PAGE + 8 * 508), bytes: le64(BigInt(DATA)) }, { address: hex(PML_PAGE + 8 * 507), bytes: le64(0n) }], { GUEST_PML_INDEX: hex(507) })],
    }));
  }
  // Log full: an index outside 0-511 when an entry must be written is VM exit 62 (qualification 0).
  for (const index of [512, 0x8000, 0xFFFF]) {
    const p = accessProgram('write', DATA);
    out.push(eptCase({
      id: `ept.pml.full-index-${index.toString(16)}`,
      title: `With PML index ${hex(index)}, the first dirty-flag update (the guest PML4E's page, during the first fetch) is a page-modification-log-full VM exit`,
      sdm: ['29.3.6', '28.2.1'], ept: { accessedDirty: true }, access: p, controls: ['proc2.ENABLE_PML'], requires: [AD],
      fields: { PML_ADDRESS: hex(PML_PAGE), GUEST_PML_INDEX: hex(index) },
      steps: [exitStep(PML_FULL, { EXIT_QUALIFICATION: hex(0), GUEST_RIP: hex(GUEST_RIP) })],
    }));
  }
  for (const [index, full] of [[2, true], [3, false]] as const) {
    const p = accessProgram('write', DATA);
    out.push(eptCase({
      id: `ept.pml.index-${index}-${full ? 'fills-at-data-write' : 'takes-data-write'}`,
      title: `With PML index ${index}, the walk's three paging-structure pages take indexes ${index}..${index - 2}; the data write then ${full ? 'finds the log full (VM exit 62 at that instruction)' : 'takes index 0 and the index wraps to FFFFh'}`,
      sdm: ['29.3.6'], ept: { accessedDirty: true }, access: p, controls: ['proc2.ENABLE_PML'], requires: [AD],
      fields: { PML_ADDRESS: hex(PML_PAGE), GUEST_PML_INDEX: hex(index) },
      steps: [full
        ? exitStep(PML_FULL, { EXIT_QUALIFICATION: hex(0), GUEST_RIP: hex(p.at), GUEST_PML_INDEX: hex(0xFFFF) }, [{ address: hex(PML_PAGE), bytes: le64(BigInt(GUEST_PD)) }])
        : vmcall(p.vmcallAt, [{ address: hex(PML_PAGE), bytes: le64(BigInt(DATA)) }], { GUEST_PML_INDEX: hex(0xFFFF) })],
    }));
  }
  return out;
}

// ---- EPT-violation #VE (SDM 26.5.7)

const VE_AREA = 0xB0_1000;

function veCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  const veExit = '0x80000314'; // valid, hardware exception (3), vector 20 (#VE), no error code (SDM 25.9.2)
  for (const access of ACCESSES) {
    for (const notPresent of [false, true]) {
      for (const suppress of [false, true]) {
        for (const busy of [false, true]) {
          const p = accessProgram(access, DATA);
          // Without read access only execute-only (100b) is not a misconfiguration (29.3.3.1).
          const perms = notPresent ? 0 : access === 'read' ? 4 : 7 & ~NEEDS[access];
          const entry = notPresent ? entryChange(DATA, 'pte', { value: suppress ? 1n << 63n : 0n }) : entryChange(DATA, 'pte', { clear: EPT_RWX, set: BigInt(perms) | (suppress ? 1n << 63n : 0n) });
          const q = translationQualification(access, perms);
          const converted = !suppress && !busy;
          const area = [
            { address: hex(VE_AREA), bytes: le64((0xFFFF_FFFFn << 32n) | 48n) + le64(BigInt(q)) + le64(BigInt(DATA)) + le64(BigInt(DATA)) + '0000' },
          ];
          out.push(eptCase({
            id: `ept.ve.${access}.${notPresent ? 'not-present' : 'no-permission'}.${suppress ? 'suppressed' : 'convertible'}${busy ? '.area-busy' : ''}`,
            title: converted
              ? `With "EPT-violation #VE", a ${access} violation whose ${notPresent ? 'not-present' : 'leaf'} entry has bit 63 clear is a #VE (exit through the exception bitmap) with the information area filled`
              : `With "EPT-violation #VE", a ${access} violation ${suppress ? 'with suppress-#VE set' : 'while the information area word at offset 4 is not 0'} is an ordinary EPT-violation VM exit`,
            sdm: ['26.5.7.1', '26.5.7.2', '29.3.3.2'],
            ept: { entries: [entry] }, access: p, controls: ['proc2.EPT_VIOLATION_VE'], requires: [ADVANCED, ...(perms === 4 ? [EXEC_ONLY] : [])],
            fields: { VIRTUALIZATION_EXCEPTION_INFORMATION_ADDRESS: hex(VE_AREA), EXCEPTION_BITMAP: hex(1 << 20), EPTP_INDEX: hex(0) },
            ...(busy ? { memory: [{ address: hex(VE_AREA + 4), bytes: 'FFFFFFFF' }] } : {}),
            steps: [converted
              ? exitStep(EXCEPTION, { VM_EXIT_INTERRUPTION_INFORMATION: veExit, GUEST_RIP: hex(p.at) }, area)
              : violation(p.at, DATA, DATA, q)],
          }));
        }
      }
    }
  }
  return out;
}

// ---- an MMIO range left unmapped: every access exits, the qualification says read, write or fetch

function mmioCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  const sizes = [{ n: 1, op: byte }, { n: 2, op: word }, { n: 4, op: dword }, { n: 8, op: qword }] as const;
  for (const offset of [0x0, 0x4, 0x8, 0x10, 0x20, 0x100, 0x300, 0xFF0]) {
    for (const s of sizes) {
      for (const dir of ['read', 'write'] as const) {
        const target = MMIO + offset;
        const p = program((a) => { a.mov(rbx, target); }, (a: Assembler) => {
          const m = s.op(mem({ base: rbx }));
          const r = [al, ax, eax, rax][[1, 2, 4, 8].indexOf(s.n)]!;
          if (dir === 'read') a.mov(r, m); else a.mov(m, r);
        });
        out.push(eptCase({
          id: `ept.mmio.${dir}.${s.n * 8}-bit.offset-${offset.toString(16)}`,
          title: `A ${s.n * 8}-bit ${dir} of an MMIO register at ${hex(target)}, unmapped in EPT, exits with "data ${dir}" in the qualification and the exact guest-physical address`,
          sdm: ['29.3.3.2', '28.2.1'],
          ept: { entries: [entryChange(MMIO, 'pte', { value: 0n })] },
          access: p, requires: [ADVANCED],
          steps: [violation(Number(p.at), target, target, translationQualification(dir, 0))],
        }));
      }
    }
  }
  // Executing from the MMIO range exits too.
  const f = accessProgram('fetch', MMIO);
  out.push(eptCase({
    id: 'ept.mmio.fetch', title: 'A jump into an MMIO range unmapped in EPT exits with "instruction fetch" in the qualification',
    sdm: ['29.3.3.2', '28.2.1'], ept: { entries: [entryChange(MMIO, 'pte', { value: 0n })] }, access: { code: f.code, disassembly: f.disassembly }, requires: [ADVANCED],
    steps: [violation(MMIO, MMIO, MMIO, translationQualification('fetch', 0))],
  }));
  return out;
}

// ---- the VMM fixes a read-only page and resumes; the write completes (SDM 29.3.3.2, 27.3.2, 29.4.3)

function fixAndResumeCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  for (const size of [1, 2, 4, 8] as const) {
    const value = 0x1122_3344_5566_7788n & ((1n << BigInt(8 * size)) - 1n);
    const p = program((a) => { a.mov(rax, 0x1122_3344_5566_7788n); }, (a: Assembler) => {
      const m = [byte, word, dword, qword][[1, 2, 4, 8].indexOf(size)]!(DATA + 0x40);
      a.mov(m, [al, ax, eax, rax][[1, 2, 4, 8].indexOf(size)]!);
    });
    const pte = eptEntryAddress(DATA, 'pte');
    const bytes = le64(value).slice(0, size * 2);
    out.push(eptCase({
      id: `ept.scenario.fix-read-only-and-resume.${size * 8}-bit`,
      title: `A ${size * 8}-bit guest write to a page EPT maps read-only exits; the VMM makes the entry writable and resumes; the write completes and the guest reaches the VMCALL`,
      sdm: ['29.3.3.2', '28.2.1', '29.4.3.1', '27.3.2'],
      ept: { entries: [withPerms(DATA, 'pte', 5)] }, access: p, requires: [ADVANCED],
      steps: [
        violation(Number(p.at), DATA + 0x40, DATA + 0x40, translationQualification('write', 5), [{ address: hex(DATA + 0x40), bytes: '00'.repeat(size) }]),
        { op: 'vmresume', memory: [{ address: hex(pte), bytes: le64(BigInt(DATA) | EPT_LEAF) }], expect: { kind: 'vm-exit', exitReason: VMCALL, fields: { GUEST_RIP: hex(p.vmcallAt) }, memory: [{ address: hex(DATA + 0x40), bytes }] } },
      ],
    }));
  }
  return out;
}

// ---- what the guest paging structures say of the linear address (qualification bits 9-11, with advanced
// VM-exit information), and the order of a guest page fault and an EPT violation on the final access:
// the guest's own checks come first (SDM 29.3.3.2: an EPT violation needs a guest-physical access, which
// a faulting translation never makes).

/** The baseline guest PDE for DATA's 2-MByte region (PD index 2), rewritten by a case. */
const DATA_PDE = GUEST_PD + (DATA >>> 21) * 8;

function linearAttributeCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  const pde = (flags: bigint): Setup['memory'] => [{ address: hex(DATA_PDE), bytes: le64(BigInt(0x40_0000) | flags) }];
  // NXE in the guest's EFER (loaded at VM entry) so that bit 63 of the PDE means execute-disable (Vol. 3A 4.5).
  const nxe = { fields: { GUEST_IA32_EFER: hex(0xD00) } };
  const items: { id: string; title: string; flags: bigint; access: AccessKind; perms: number; nx: boolean; q: number }[] = [
    { id: 'xd-linear.read', title: 'A read of an execute-disable linear address that EPT does not let be read: bit 11 set, bit 10 set (writable)', flags: 0x83n | (1n << 63n), access: 'read', perms: 4, nx: true,
      q: Q_READ | (4 << 3) | Q_GLA_VALID | Q_TRANSLATION | Q_WRITABLE_LINEAR | 0x800 },
    { id: 'xd-linear.write', title: 'A write to an execute-disable linear address that EPT maps read-only: bit 11 set', flags: 0x83n | (1n << 63n), access: 'write', perms: 5, nx: true,
      q: Q_WRITE | (5 << 3) | Q_GLA_VALID | Q_TRANSLATION | Q_WRITABLE_LINEAR | 0x800 },
    { id: 'read-only-linear.read', title: 'A read of a read-only linear address that EPT does not let be read: bit 10 clear', flags: 0x81n, access: 'read', perms: 4, nx: false,
      q: Q_READ | (4 << 3) | Q_GLA_VALID | Q_TRANSLATION },
    // CR0.WP is 0 in the baseline, so a supervisor write to a read-only page passes the guest's checks (Vol. 3A 4.6.1).
    { id: 'read-only-linear.supervisor-write', title: 'With CR0.WP = 0 a supervisor write to a read-only linear address reaches EPT, which maps it read-only: bit 10 clear', flags: 0x81n, access: 'write', perms: 5, nx: false,
      q: Q_WRITE | (5 << 3) | Q_GLA_VALID | Q_TRANSLATION },
    { id: 'user-linear.read', title: 'A supervisor read of a user-mode linear address (U/S = 1 at every level) that EPT does not let be read: bit 9 set', flags: 0x87n, access: 'read', perms: 4, nx: false,
      q: Q_READ | (4 << 3) | Q_GLA_VALID | Q_TRANSLATION | Q_WRITABLE_LINEAR | 0x200 },
  ];
  for (const x of items) {
    const p = accessProgram(x.access, DATA);
    const user = x.id.startsWith('user');
    const upper: Setup['memory'] = user ? [{ address: hex(GUEST_PML4), bytes: le64(BigInt(GUEST_PDPT) | 7n) }, { address: hex(GUEST_PDPT), bytes: le64(BigInt(GUEST_PD) | 7n) }] : [];
    out.push(eptCase({
      id: `ept.linear-attributes.${x.id}`, title: x.title, sdm: ['28.2.1', '29.3.3.2'],
      ept: { entries: [withPerms(DATA, 'pte', x.perms)] }, access: p,
      requires: [ADVANCED, ...(x.perms === 4 ? [EXEC_ONLY] : []), ...(x.nx ? [{ control: 'entry.LOAD_IA32_EFER' as ControlRef }] : [])],
      ...(x.nx ? { controls: ['entry.LOAD_IA32_EFER' as ControlRef], fields: nxe.fields } : {}),
      memory: [...(pde(x.flags) ?? []), ...(upper ?? [])],
      steps: [violation(p.at, DATA, DATA, x.q)],
    }));
  }
  // A guest page fault on the final access comes first: the translation fails before any guest-physical
  // access to DATA (the #PF exits through the exception bitmap with the linear address as qualification).
  const pfCases: { id: string; title: string; flags: bigint; access: AccessKind; code: number }[] = [
    { id: 'not-present.read', title: 'A read of a linear address whose guest PDE is not present, in an EPT-unmapped page: #PF (error code 0), not an EPT violation', flags: 0x82n, access: 'read', code: 0 },
    { id: 'not-present.write', title: 'A write to a linear address whose guest PDE is not present, in an EPT-unmapped page: #PF (error code 2), not an EPT violation', flags: 0x82n, access: 'write', code: 2 },
    { id: 'reserved-bit.read', title: 'A read through a guest PDE with a reserved bit (20:13 of a 2-MByte page), in an EPT-unmapped page: #PF (error code 9)', flags: 0x83n | 0x2000n, access: 'read', code: 9 },
  ];
  for (const x of pfCases) {
    const p = accessProgram(x.access, DATA);
    out.push(eptCase({
      id: `ept.order.guest-page-fault-first.${x.id}`, title: x.title, sdm: ['29.3.3.2', '3A:4.7', '26.2', '28.2.1'],
      ept: { entries: [entryChange(DATA, 'pte', { value: 0n })] }, access: p,
      fields: { EXCEPTION_BITMAP: hex(1 << 14) },
      memory: pde(x.flags),
      steps: [exitStep(EXCEPTION, { EXIT_QUALIFICATION: hex(DATA), VM_EXIT_INTERRUPTION_INFORMATION: '0x80000B0E', VM_EXIT_INTERRUPTION_ERROR_CODE: hex(x.code), GUEST_RIP: hex(p.at) })],
    }));
  }
  return out;
}

// ---- an EPT violation while an event is delivered through the IDT (SDM 28.2.4): the guest IDT's page is
// unmapped in EPT, so reading the gate exits with the event in the IDT-vectoring information; such a
// violation is never a #VE (26.5.7.1).

const GUEST_IDT = 0x4_1000;

function deliveryCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  const events: { name: string; vector: number; type: number; software: boolean; insn: (a: Assembler) => void }[] = [
    { name: 'ud2', vector: 6, type: 3, software: false, insn: (a) => a.ud2() },
    { name: 'int3', vector: 3, type: 6, software: true, insn: (a) => a.int3() },
    { name: 'int-0x80', vector: 0x80, type: 4, software: true, insn: (a) => a.int_(0x80) },
    { name: 'int-0x21', vector: 0x21, type: 4, software: true, insn: (a) => a.int_(0x21) },
  ];
  for (const e of events) {
    for (const ve of [false, true]) {
      const p = program(() => undefined, e.insn);
      const gate = GUEST_IDT + e.vector * 16; // 16-byte gates in IA-32e mode (Vol. 3A 6.14.1)
      const vectoring = (0x8000_0000 | (e.type << 8) | e.vector) >>> 0;
      out.push(eptCase({
        id: `ept.event-delivery.${e.name}${ve ? '.ve-not-converted' : ''}`,
        title: `Delivering ${e.name} through an IDT whose page is not mapped in EPT is an EPT violation at the gate's address with the event in the IDT-vectoring information${ve ? '; with "EPT-violation #VE" it is still a VM exit, as it happens during event delivery' : ''}`,
        sdm: ['28.2.4', '29.3.3.2', ...(ve ? ['26.5.7.1'] : [])],
        ept: { entries: [entryChange(GUEST_IDT, 'pte', { value: 0n })] },
        access: p, requires: [ADVANCED],
        ...(ve ? { controls: ['proc2.EPT_VIOLATION_VE' as ControlRef], fields: { VIRTUALIZATION_EXCEPTION_INFORMATION_ADDRESS: hex(VE_AREA), EPTP_INDEX: hex(0) } } : {}),
        steps: [exitStep(EPT_VIOLATION, {
          EXIT_QUALIFICATION: hex(translationQualification('read', 0)), GUEST_PHYSICAL_ADDRESS: hex(gate), GUEST_LINEAR_ADDRESS: hex(gate),
          GUEST_RIP: hex(p.at), IDT_VECTORING_INFORMATION: hex(vectoring), ...(e.software ? { VM_EXIT_INSTRUCTION_LENGTH: hex(p.length) } : {}),
        })],
      }));
    }
  }
  return out;
}

// ---- NMI unblocking due to IRET (SDM 28.2.1 bit 12, 28.1): an IRET that finds its stack frame in a page
// EPT leaves unmapped exits during its first pop; bit 12 says whether blocking by NMI was in effect before
// it (the IRET removed it, and the VM exit leaves it removed).

function iretCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  for (const blocked of [true, false]) {
    for (const [name, insn] of [['iretq', (a: Assembler) => a.iretq()], ['iretd', (a: Assembler) => a.iretd()]] as const) {
      const p = program((a) => { a.mov(rsp, MMIO); }, insn);
      out.push(eptCase({
        id: `ept.nmi-unblocking.${name}.${blocked ? 'nmi-blocked' : 'nmi-not-blocked'}`,
        title: `${name.toUpperCase()} whose stack is unmapped in EPT exits on its first pop with bit 12 ${blocked ? 'set: blocking by NMI was in effect and the IRET removed it; the saved interruptibility state no longer has it' : 'clear: no blocking by NMI was in effect'}`,
        sdm: ['28.2.1', '28.1', '28.3.1.5'],
        ept: { entries: [entryChange(MMIO, 'pte', { value: 0n })] }, access: p, requires: [ADVANCED],
        ...(blocked ? { fields: { GUEST_INTERRUPTIBILITY_STATE: hex(8) } } : {}),
        steps: [exitStep(EPT_VIOLATION, {
          EXIT_QUALIFICATION: hex(translationQualification('read', 0) | (blocked ? 0x1000 : 0)), GUEST_PHYSICAL_ADDRESS: hex(MMIO),
          GUEST_LINEAR_ADDRESS: hex(MMIO), GUEST_RIP: hex(p.at), GUEST_INTERRUPTIBILITY_STATE: hex(0),
        })],
      }));
    }
  }
  return out;
}

// ---- accesses that cross from one 4-KByte page into the next where EPT leaves one of them unmapped
// (SDM 29.3.3.2, 28.2.1). The exit's guest-physical address is that "of the access causing the EPT violation":
// the part of the access on the unmapped page, whose lowest address is the operand's start (first page
// unmapped) or the page boundary (second page unmapped); the guest-linear address is the linear address of
// that same byte (identity guest paging). Memory is not checked: whether a write's part on the mapped page is
// performed is not specified.

function pageCrossingCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  const boundary = DATA + 0x1000;
  const sizes = [{ n: 2, op: word }, { n: 4, op: dword }, { n: 8, op: qword }] as const;
  for (const s of sizes) {
    for (let before = 1; before < s.n; before++) {
      const target = boundary - before;
      for (const dir of ['read', 'write'] as const) {
        for (const unmapped of ['first', 'second'] as const) {
          const p = program((a) => { a.mov(rbx, target); a.mov(rax, 0x1122_3344_5566_7788n); }, (a: Assembler) => {
            const m = s.op(mem({ base: rbx }));
            const r = [ax, eax, rax][[2, 4, 8].indexOf(s.n)]!;
            if (dir === 'read') a.mov(r, m); else a.mov(m, r);
          });
          const page = unmapped === 'first' ? DATA : boundary;
          const at = unmapped === 'first' ? target : boundary;
          out.push(eptCase({
            id: `ept.page-crossing.${dir}.${s.n * 8}-bit.offset-${(0x1000 - before).toString(16)}.${unmapped}-page-unmapped`,
            title: `A ${s.n * 8}-bit ${dir} at ${hex(target)}, ${before} byte(s) before a page boundary, with the ${unmapped} page unmapped in EPT: EPT violation at ${hex(at)}`,
            sdm: ['29.3.3.2', '28.2.1'],
            ept: { entries: [entryChange(page, 'pte', { value: 0n })] },
            access: p, requires: [ADVANCED],
            steps: [violation(Number(p.at), at, at, translationQualification(dir, 0))],
          }));
        }
      }
    }
  }
  // An instruction whose bytes run from the code page into the next: MOV EAX, 12345678h (B8 78 56 34 12), then
  // VMCALL. With the second page not executable the fetch of its bytes exits before the instruction runs (RIP
  // at its first byte); with it executable the guest reaches the VMCALL.
  const next = GUEST_RIP + 0x1000;
  for (let before = 1; before < 5; before++) {
    const start = next - before;
    const jump = program((a) => { a.mov(eax, start); }, (a) => a.jmp(rax));
    const access = { code: jump.code, disassembly: [...jump.disassembly, `${hex(start)}: mov eax, 12345678h`, 'vmcall'], memory: [{ address: hex(start), bytes: `B878563412${VMCALL_BYTES}` }] };
    for (const exec of [false, true]) {
      out.push(eptCase({
        id: `ept.page-crossing.fetch.offset-${(0x1000 - before).toString(16)}.${exec ? 'second-page-executable' : 'second-page-not-executable'}`,
        title: `A 5-byte instruction at ${hex(start)} with ${5 - before} byte(s) on the next page, which EPT maps ${exec ? 'executable: the guest runs on to its VMCALL' : 'read/write only: EPT violation (instruction fetch) at the page boundary, RIP at the instruction'}`,
        sdm: ['29.3.3.2', '28.2.1'],
        ept: exec ? {} : { entries: [withPerms(next, 'pte', 3)] },
        access, requires: [ADVANCED],
        steps: [exec ? vmcall(start + 5) : violation(start, next, next, translationQualification('fetch', 3))],
      }));
    }
  }
  return out;
}

// ---- a 32-bit guest with PAE paging under EPT (SDM 29.3.2, 27.3.2.4, 4.4): VM entry takes the four PDPTEs
// from the guest-state area (CR3 points at a page of zeros here, so a guest that runs proves it), and every
// guest-physical access, the guest's PDE reads included, goes through EPT.

/** The PAE guest's page directory (guest-physical, identity-mapped by EPT): PDE 1 maps the code, PDE 2 DATA. */
const PAE_PD = 0x68_0000, PAE_CR3 = 0x68_1000, REMAP = 0x69_0000;
/** A PDPT the guest moves to CR3, the physical page EPT maps it to, and a page directory no access uses. */
const NEW_PDPT = 0x68_2000, PDPT_REMAP = 0x69_1000, UNUSED_PD = 0x68_3000;
/** Present, writable, supervisor, 2-MByte page (SDM 3A 4.4.2, Table 4-9); accessed and dirty preset. */
const PAE_PDE = 0xE3n;

function paeCase(id: string, title: string, ept: EptSetup, p: Program, steps: [Step, ...Step[]], memory: Setup['memory'] = []): ConformanceCase {
  return eptCase({
    id: `ept.pae-guest.${id}`, title, sdm: ['29.3.2', '27.3.2.4', '3A:4.4', '28.2.1', '28.3.4'],
    ept, access: p, requires: [ADVANCED], clear: ['entry.IA32E_MODE_GUEST'],
    fields: { GUEST_CS_ACCESS_RIGHTS: hex(0xC09B), GUEST_CR3: hex(PAE_CR3), GUEST_PDPTE0: hex(PAE_PD | 1), GUEST_PDPTE1: '0x0', GUEST_PDPTE2: '0x0', GUEST_PDPTE3: '0x0' },
    memory: [{ address: hex(PAE_PD + 8), bytes: le64(0x20_0000n | PAE_PDE) + le64(0x40_0000n | PAE_PDE) }, ...(memory ?? [])],
    steps,
  });
}

/** 32-bit code reading, or writing 11223344h to, the doubleword at DATA + 40h, then VMCALL. */
function dataAccesses32(): { read: Program; write: Program } {
  return {
    read: program((a) => { a.mov(ebx, DATA + 0x40); }, (a) => a.mov(eax, dword(mem({ base: ebx }))), 32),
    write: program((a) => { a.mov(ebx, DATA + 0x40); a.mov(eax, 0x1122_3344); }, (a) => a.mov(dword(mem({ base: ebx })), eax), 32),
  };
}

function paeGuestCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  const { read, write } = dataAccesses32();
  out.push(paeCase('read.unmapped', 'A PAE guest reads a page EPT leaves unmapped: EPT violation, data read, the linear and guest-physical addresses',
    { entries: [entryChange(DATA, 'pte', { value: 0n })] }, read, [violation(Number(read.at), DATA + 0x40, DATA + 0x40, translationQualification('read', 0))]));
  out.push(paeCase('write.read-only', 'A PAE guest writes a page EPT maps read/execute: EPT violation, data write, permissions r-x',
    { entries: [withPerms(DATA, 'pte', 5)] }, write, [violation(Number(write.at), DATA + 0x40, DATA + 0x40, translationQualification('write', 5))]));
  out.push(paeCase('write.remapped', 'A PAE guest writes a page EPT maps to another physical page: the write lands there and the guest runs on to its VMCALL (PDPTEs from the VMCS, CR3 at zeros)',
    { entries: [entryChange(DATA, 'pte', { value: BigInt(REMAP) | EPT_LEAF })] }, write,
    [vmcall(Number(write.vmcallAt), [{ address: hex(REMAP + 0x40), bytes: '44332211' }, { address: hex(DATA + 0x40), bytes: '00000000' }])]));
  // The guest's PDE reads are guest-physical accesses too: bit 7 set, bit 8 clear (a paging-structure access).
  // The first one is the fetch of the first instruction, through PDE 1 (linear 300000h).
  out.push(paeCase('pde-read.unmapped', 'A PAE guest whose page directory EPT leaves unmapped: the PDE read of its first instruction fetch exits, at PDE 1\'s guest-physical address, with the linear address being translated',
    { entries: [entryChange(PAE_PD, 'pte', { value: 0n })] }, read, [violation(GUEST_RIP, GUEST_RIP, PAE_PD + (GUEST_RIP >>> 21) * 8, pagingQualification(Q_READ, 0))]));
  // MOV to CR3 loads the four PDPTEs from the guest-physical address in CR3, through EPT (SDM 4.4.1, 29.3.2);
  // the VM exit saves them in the guest-state area (28.3.4). EPT maps the new PDPT's page to another physical
  // page, whose PDPTE1 (present, unused by the guest) shows up in GUEST_PDPTE1; the identity page holds zeros.
  const movCr3 = program((a) => { a.mov(eax, NEW_PDPT); }, (a) => a.mov(cr3, eax), 32);
  out.push(paeCase('mov-cr3.pdptes-through-ept', 'A PAE guest loads CR3 with a PDPT whose page EPT maps elsewhere: the PDPTEs come from the other page, and the VM exit saves them',
    { entries: [entryChange(NEW_PDPT, 'pte', { value: BigInt(PDPT_REMAP) | EPT_LEAF })] }, movCr3,
    [vmcall(Number(movCr3.vmcallAt), undefined, { GUEST_CR3: hex(NEW_PDPT), GUEST_PDPTE0: hex(PAE_PD | 1), GUEST_PDPTE1: hex(UNUSED_PD | 1), GUEST_PDPTE2: '0x0', GUEST_PDPTE3: '0x0' })],
    [{ address: hex(PDPT_REMAP), bytes: le64(BigInt(PAE_PD | 1)) + le64(BigInt(UNUSED_PD | 1)) }]));
  // With that page unmapped the PDPTE load exits at the MOV to CR3, at the PDPT's guest-physical address (its
  // four entries share the page; the qualification's bits 8-11 are not asserted: bit 7 is 0, no linear address).
  out.push(paeCase('mov-cr3.pdpt-unmapped', 'A PAE guest loads CR3 with a PDPT whose page EPT leaves unmapped: EPT violation at the MOV to CR3, at the PDPT\'s guest-physical address',
    { entries: [entryChange(NEW_PDPT, 'pte', { value: 0n })] }, movCr3,
    [exitStep(EPT_VIOLATION, { GUEST_PHYSICAL_ADDRESS: hex(NEW_PDPT), GUEST_RIP: hex(movCr3.at) })]));
  return out;
}

// ---- a real-mode guest ("unrestricted guest", SDM 25.6.2, 27.3.1.1): CR0.PE = PG = 0, so its linear addresses
// (segment base + offset) are guest-physical addresses that EPT translates (SDM 29.3.2). CS and DS have bases
// above 1 MByte, as VM entry allows (27.3.1.2): code at the canonical guest RIP, DS at DATA. Qualification bits
// 11:9 describe the guest's paging of the linear address (28.2.1), which this guest does not have, so the
// cases do not assert EXIT_QUALIFICATION.

function realModeCase(id: string, title: string, ept: EptSetup, p: Program, steps: [Step, ...Step[]]): ConformanceCase {
  return eptCase({
    id: `ept.real-mode-guest.${id}`, title, sdm: ['29.3.2', '25.6.2', '27.3.1.2', '28.2.1'],
    ept, access: p, controls: ['proc2.UNRESTRICTED_GUEST'], clear: ['entry.IA32E_MODE_GUEST'],
    fields: {
      GUEST_RIP: '0x0', GUEST_CS_BASE: hex(GUEST_RIP), GUEST_CS_LIMIT: '0xFFFF', GUEST_CS_ACCESS_RIGHTS: '0x9B',
      GUEST_DS_BASE: hex(DATA), GUEST_DS_LIMIT: '0xFFFF', GUEST_DS_ACCESS_RIGHTS: '0x93',
    },
    bits: { GUEST_CR0: { clear: '0x80000001' } },
    steps,
  });
}

function realModeGuestCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  const ip = (p: Program, label: 'at' | 'vmcallAt'): string => hex(Number(p[label]) - GUEST_RIP);
  const read = program(() => undefined, (a) => a.mov(ax, word(0x40)), 16);
  const write = program((a) => { a.mov(ax, 0x5566); }, (a) => a.mov(word(0x40), ax), 16);
  out.push(realModeCase('read.unmapped', 'A real-mode guest reads DS:40h, DS.base in a page EPT leaves unmapped: EPT violation at guest-physical and linear address DS.base + 40h',
    { entries: [entryChange(DATA, 'pte', { value: 0n })] }, read,
    [exitStep(EPT_VIOLATION, { GUEST_PHYSICAL_ADDRESS: hex(DATA + 0x40), GUEST_LINEAR_ADDRESS: hex(DATA + 0x40), GUEST_RIP: ip(read, 'at') })]));
  out.push(realModeCase('write.remapped', 'A real-mode guest writes DS:40h in a page EPT maps elsewhere: the write lands in the other page and the guest runs on to its VMCALL',
    { entries: [entryChange(DATA, 'pte', { value: BigInt(REMAP) | EPT_LEAF })] }, write,
    [exitStep(VMCALL, { GUEST_RIP: ip(write, 'vmcallAt') }, [{ address: hex(REMAP + 0x40), bytes: '6655' }, { address: hex(DATA + 0x40), bytes: '0000' }])]));
  out.push(realModeCase('fetch.not-executable', 'A real-mode guest whose code page EPT maps read/write only: the first fetch exits at CS.base + IP',
    { entries: [withPerms(GUEST_RIP, 'pte', 3)] }, read,
    [exitStep(EPT_VIOLATION, { GUEST_PHYSICAL_ADDRESS: hex(GUEST_RIP), GUEST_LINEAR_ADDRESS: hex(GUEST_RIP), GUEST_RIP: '0x0' })]));
  return out;
}

// ---- a 32-bit protected-mode guest without paging ("unrestricted guest", CR0.PE = 1, PG = 0): its linear
// addresses are guest-physical addresses that EPT translates (SDM 29.3.2). Flat segments of the canonical
// guest; qualification bits 11:9 are not asserted, as for the real-mode guest.

function unpagedCase(id: string, title: string, ept: EptSetup, p: Program, steps: [Step, ...Step[]]): ConformanceCase {
  return eptCase({
    id: `ept.unpaged-protected-guest.${id}`, title, sdm: ['29.3.2', '25.6.2', '27.3.1.1', '28.2.1'],
    ept, access: p, controls: ['proc2.UNRESTRICTED_GUEST'], clear: ['entry.IA32E_MODE_GUEST'],
    fields: { GUEST_CS_ACCESS_RIGHTS: hex(0xC09B) },
    bits: { GUEST_CR0: { clear: '0x80000000' } },
    steps,
  });
}

function unpagedGuestCases(): ConformanceCase[] {
  const { read, write } = dataAccesses32();
  return [
    unpagedCase('read.unmapped', 'A protected-mode guest without paging reads a page EPT leaves unmapped: EPT violation at guest-physical and linear address DATA + 40h',
      { entries: [entryChange(DATA, 'pte', { value: 0n })] }, read,
      [exitStep(EPT_VIOLATION, { GUEST_PHYSICAL_ADDRESS: hex(DATA + 0x40), GUEST_LINEAR_ADDRESS: hex(DATA + 0x40), GUEST_RIP: hex(read.at) })]),
    unpagedCase('write.remapped', 'A protected-mode guest without paging writes a page EPT maps elsewhere: the write lands in the other page and the guest runs on to its VMCALL',
      { entries: [entryChange(DATA, 'pte', { value: BigInt(REMAP) | EPT_LEAF })] }, write,
      [vmcall(Number(write.vmcallAt), [{ address: hex(REMAP + 0x40), bytes: '44332211' }, { address: hex(DATA + 0x40), bytes: '00000000' }])]),
  ];
}

export function eptCases(): ConformanceCase[] {
  return [
    ...permissionCases(), ...pagingStructureCases(), ...misconfigurationCases(), ...accessedDirtyCases(),
    ...pmlCases(), ...veCases(), ...mmioCases(), ...fixAndResumeCases(), ...linearAttributeCases(), ...deliveryCases(), ...iretCases(),
    ...pageCrossingCases(), ...paeGuestCases(), ...realModeGuestCases(), ...unpagedGuestCases(),
  ];
}
