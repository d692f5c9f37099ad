// Spec coverage: which entries of each spec catalogue the cases that ran exercise. Derived from the
// cases' own data (setup, requires, steps, expected outcomes), never from running anything.
import {
  APIC_REGISTERS, CONTROL_GROUPS, type ConformanceCase, EXIT_REASONS, type EntryOutcome, LAYOUTS, type LayoutId,
  VMCS_FIELDS, VM_ENTRY_CHECKS, VM_INSTRUCTION_ERRORS,
} from '../model/generated/index.js';

export interface CoverageLine {
  readonly exercised: number;
  readonly total: number;
  readonly missing: readonly string[];
  /**
   * Entries no case can exercise, with the reason the spec data gives (a VM-entry check's `noCase`, a
   * VM-instruction error's `notProduced`): counted in `total`, listed here instead of in `missing`.
   */
  readonly unreachable?: readonly { readonly id: string; readonly why: string }[];
}

/** One exit-qualification layout: the bits its fields define, and which of them expected values pin. */
export interface QualificationLayoutCoverage {
  readonly layout: LayoutId;
  readonly covered: boolean;
  readonly bits: number;
  /** Bits some expected qualification value has set. */
  readonly bitsSet: readonly number[];
  /** Bits some expected qualification value has clear. */
  readonly bitsClear: readonly number[];
}

export interface SpecCoverage {
  readonly vmcsFields: CoverageLine;
  readonly controlBits: CoverageLine;
  readonly exitReasons: CoverageLine;
  readonly qualificationLayouts: CoverageLine;
  /** A defined bit of a qualification layout is covered when an expected value has it set or clear. */
  readonly qualificationBits: CoverageLine;
  readonly qualificationDetail: readonly QualificationLayoutCoverage[];
  /** EPTP and EPT paging-structure entry layouts (SDM 25.6.11, 29.3.2) that some case's EPT walks use (setup.ept). */
  readonly eptLayouts: CoverageLine;
  readonly vmEntryChecks: CoverageLine;
  readonly vmInstructionErrors: CoverageLine;
  /**
   * Local-APIC registers (spec/data/apic) a case touches: written in its `apic.registers`, placed on its
   * virtual-APIC page by `setup.memory`, or the offset of an expected APIC-access or APIC-write exit.
   */
  readonly apicRegisters: CoverageLine;
  /** The APIC register layouts (spec/data/layouts/apic.json) of those registers. */
  readonly apicLayouts: CoverageLine;
  /** Sections the catalogues cite, against those the cases cite. */
  readonly sdmCatalogueSections: CoverageLine;
  /** Every SDM section the cases cite (including ones no catalogue names). */
  readonly sdmSections: readonly string[];
}

/** The catalogue lines of a SpecCoverage, with the names people read, in display order. */
export const COVERAGE_LINES = [
  ['vmcsFields', 'VMCS fields'],
  ['controlBits', 'control bits'],
  ['exitReasons', 'exit reasons'],
  ['qualificationLayouts', 'exit-qualification layouts'],
  ['qualificationBits', 'exit-qualification bits'],
  ['eptLayouts', 'EPT layouts'],
  ['vmEntryChecks', 'VM-entry checks'],
  ['vmInstructionErrors', 'VM-instruction errors'],
  ['apicRegisters', 'APIC registers'],
  ['apicLayouts', 'APIC register layouts'],
  ['sdmCatalogueSections', 'SDM sections'],
] as const satisfies readonly (readonly [keyof SpecCoverage, string])[];

const ENTRY_CHECK_CASE = 'entry.check.';
const QUALIFICATION_LAYOUTS = LAYOUTS.filter((l) => l.kind === 'exit-qualification');
const EPT_LAYOUTS = LAYOUTS.filter((l) => l.kind === 'ept');

/** The EPT layouts the walks of a case's EPT identity map use (conformance/harness/ept.ts): by page size and levels. */
function eptLayoutsOf(c: ConformanceCase): string[] {
  const e = c.setup?.ept;
  if (!e) return c.setup?.fields?.['EPT_POINTER'] !== undefined ? ['ept.eptp'] : [];
  const size = e.pageSize ?? '4k';
  const walk = size === '1g' ? ['ept.pml4e', 'ept.pdpte-1gb-page']
    : size === '2m' ? ['ept.pml4e', 'ept.pdpte-table', 'ept.pde-2mb-page'] : ['ept.pml4e', 'ept.pdpte-table', 'ept.pde-table', 'ept.pte'];
  return ['ept.eptp', ...walk, ...(e.levels === 5 ? ['ept.pml5e'] : [])];
}
const FIELD_BY_ENCODING = new Map(VMCS_FIELDS.map((f) => [f.encoding, f.id] as const));
const FIELD_BY_ENCODING_HIGH = new Map(VMCS_FIELDS.filter((f) => f.width === '64').map((f) => [f.encoding + 1, f.id] as const));

function line(all: readonly string[], hit: ReadonlySet<string>): CoverageLine {
  const missing = all.filter((x) => !hit.has(x));
  return { exercised: all.length - missing.length, total: all.length, missing };
}

/** A line whose entries the spec data marks unreachable (with why) are listed apart when no case hit them. */
function lineWithUnreachable(all: readonly string[], hit: ReadonlySet<string>, why: ReadonlyMap<string, string>): CoverageLine {
  const l = line(all, hit);
  const unreachable = l.missing.filter((x) => why.has(x)).map((id) => ({ id, why: why.get(id)! }));
  return { ...l, missing: l.missing.filter((x) => !why.has(x)), unreachable };
}
const CHECKS_WITHOUT_CASE = new Map(VM_ENTRY_CHECKS.flatMap((c) => (c.noCase ? [[c.id as string, `${c.noCase.kind}: ${c.noCase.why} (SDM ${c.noCase.sdm.join(', ')})`] as const] : [])));
const ERRORS_NOT_PRODUCED = new Map(VM_INSTRUCTION_ERRORS.flatMap((e) => (e.notProduced ? [[String(e.number), `not produced by current processors: ${e.notProduced.why} (SDM ${e.notProduced.sdm.join(', ')})`] as const] : [])));

/** The bits a layout's fields define (SDM tables leave the others reserved or undefined). */
function definedBits(layout: LayoutId): number[] {
  const l = LAYOUTS.find((x) => x.id === layout);
  const bits = new Set<number>();
  for (const f of l?.fields ?? []) for (let b = f.lsb; b <= f.msb && b < l!.width; b++) bits.add(b);
  return [...bits].sort((a, b) => a - b);
}

/** The qualification layout of an expected exit (reason 0 picks by vector, SDM 28.2.1). */
function qualificationLayout(reason: number, fields: Readonly<Record<string, string>>): LayoutId | undefined {
  const r = EXIT_REASONS.find((x) => x.number === reason);
  if (!r) return undefined;
  if (r.qualification) return r.qualification;
  const info = fields['VM_EXIT_INTERRUPTION_INFORMATION'];
  if (r.qualificationByVector && info !== undefined) return r.qualificationByVector[String(Number(BigInt(info) & 0xFFn))];
  return undefined;
}

/** The APIC register at a page offset (arrays: any of their slots). */
function apicRegisterAt(offset: number): string | undefined {
  const o = offset & 0xFF0;
  return APIC_REGISTERS.find((r) => o >= r.offset && o < r.offset + 16 * (r.count ?? 1))?.id;
}

const APIC_EXIT_REASONS = new Set([EXIT_REASONS.find((r) => r.id === 'APIC_ACCESS')!.number, EXIT_REASONS.find((r) => r.id === 'APIC_WRITE')!.number]);

/** The APIC registers a case touches (see SpecCoverage.apicRegisters). */
function apicRegistersOf(c: ConformanceCase): string[] {
  const out: (string | undefined)[] = [];
  for (const r of c.apic?.registers ?? []) out.push(r.register);
  const vapic = c.setup?.fields?.['VIRTUAL_APIC_ADDRESS'];
  if (vapic !== undefined) {
    const base = Number(BigInt(vapic));
    for (const w of c.setup?.memory ?? []) {
      const at = Number(BigInt(w.address));
      if (at >= base && at < base + 0x1000) out.push(apicRegisterAt(at - base));
    }
  }
  for (const e of entryOutcomes(c)) {
    const q = e.kind === 'vm-exit' ? e.fields?.['EXIT_QUALIFICATION'] : undefined;
    if (e.kind === 'vm-exit' && APIC_EXIT_REASONS.has(e.exitReason) && q !== undefined) out.push(apicRegisterAt(Number(BigInt(q) & 0xFFFn)));
  }
  return out.filter((x): x is string => x !== undefined);
}

function entryOutcomes(c: ConformanceCase): EntryOutcome[] {
  return c.steps.flatMap((s) => ('encoding' in s ? [] : [s.expect]));
}

/** Coverage of the spec catalogues by these cases (pass only the cases that ran). */
export function specCoverage(cases: readonly ConformanceCase[]): SpecCoverage {
  const fields = new Set<string>(), controls = new Set<string>(), reasons = new Set<string>();
  const checks = new Set<string>(), errors = new Set<string>(), sections = new Set<string>(), apicRegs = new Set<string>();
  const qualSet = new Map<LayoutId, Set<number>>(), qualClear = new Map<LayoutId, Set<number>>();
  const expectQualification = (layout: LayoutId | undefined, value: string): void => {
    if (!layout) return;
    const v = BigInt(value);
    const set = qualSet.get(layout) ?? qualSet.set(layout, new Set()).get(layout)!;
    const clear = qualClear.get(layout) ?? qualClear.set(layout, new Set()).get(layout)!;
    for (const b of definedBits(layout)) ((v >> BigInt(b)) & 1n ? set : clear).add(b);
  };
  const eptLayouts = new Set<string>();
  for (const c of cases) {
    for (const id of eptLayoutsOf(c)) eptLayouts.add(id);
    for (const s of c.sdm) sections.add(s);
    for (const r of apicRegistersOf(c)) apicRegs.add(r);
    for (const id of [...Object.keys(c.setup?.fields ?? {}), ...Object.keys(c.setup?.bits ?? {})]) fields.add(id);
    for (const ref of [...(c.setup?.controls?.set ?? []), ...(c.setup?.controls?.clear ?? [])]) controls.add(ref);
    for (const cond of c.requires ?? []) if ('control' in cond) controls.add(cond.control);
    if (c.id.startsWith(ENTRY_CHECK_CASE)) checks.add(c.id.slice(ENTRY_CHECK_CASE.length));
    for (const s of c.steps) {
      if ('encoding' in s) {
        const enc = Number(BigInt(s.encoding));
        const id = FIELD_BY_ENCODING.get(enc) ?? FIELD_BY_ENCODING_HIGH.get(enc);
        if (id) fields.add(id);
      }
      if (s.expect.kind === 'vmfail-valid') errors.add(String(s.expect.error));
    }
    for (const e of entryOutcomes(c)) {
      if (e.kind === 'vm-exit') {
        reasons.add(String(e.exitReason));
        const f = e.fields ?? {};
        for (const id of Object.keys(f)) fields.add(id);
        if (f['EXIT_QUALIFICATION'] !== undefined) expectQualification(qualificationLayout(e.exitReason, f), f['EXIT_QUALIFICATION']);
      } else if (e.kind === 'entry-failure') {
        reasons.add(String(e.exitReason));
        if (e.check) checks.add(e.check);
        if (e.qualification !== undefined) expectQualification(qualificationLayout(e.exitReason, {}), e.qualification);
      }
    }
  }
  const detail = QUALIFICATION_LAYOUTS.map((l): QualificationLayoutCoverage => ({
    layout: l.id, covered: qualSet.has(l.id), bits: definedBits(l.id).length,
    bitsSet: [...(qualSet.get(l.id) ?? [])].sort((a, b) => a - b),
    bitsClear: [...(qualClear.get(l.id) ?? [])].sort((a, b) => a - b),
  }));
  const allBits = QUALIFICATION_LAYOUTS.flatMap((l) => definedBits(l.id).map((b) => `${l.id}[${b}]`));
  const bitsHit = new Set(detail.flatMap((d) => [...d.bitsSet, ...d.bitsClear].map((b) => `${d.layout}[${b}]`)));
  const catalogueSections = [...new Set<string>([
    ...VMCS_FIELDS.map((f) => f.sdm), ...CONTROL_GROUPS.flatMap((g) => [g.sdm, ...g.bits.map((b) => b.sdm)]),
    ...EXIT_REASONS.map((r) => r.sdm), ...LAYOUTS.map((l) => l.sdm), ...VM_INSTRUCTION_ERRORS.map((e) => e.sdm),
    ...VM_ENTRY_CHECKS.map((c) => c.sdm), ...APIC_REGISTERS.map((r) => r.sdm),
  ])].sort(compareSections);
  return {
    vmcsFields: line(VMCS_FIELDS.map((f) => f.id), fields),
    controlBits: line(CONTROL_GROUPS.flatMap((g) => g.bits.map((b) => `${g.id}.${b.id}`)), controls),
    exitReasons: withLabels(line(EXIT_REASONS.map((r) => String(r.number)), reasons), new Map(EXIT_REASONS.map((r) => [String(r.number), `${r.number} ${r.id}`]))),
    qualificationLayouts: line(QUALIFICATION_LAYOUTS.map((l) => l.id), new Set(qualSet.keys())),
    qualificationBits: line(allBits, bitsHit),
    qualificationDetail: detail,
    eptLayouts: line(EPT_LAYOUTS.map((l) => l.id), eptLayouts),
    vmEntryChecks: lineWithUnreachable(VM_ENTRY_CHECKS.map((c) => c.id), checks, CHECKS_WITHOUT_CASE),
    vmInstructionErrors: withLabels(lineWithUnreachable(VM_INSTRUCTION_ERRORS.map((e) => String(e.number)), errors, ERRORS_NOT_PRODUCED), new Map(VM_INSTRUCTION_ERRORS.map((e) => [String(e.number), `${e.number} ${e.id}`]))),
    apicRegisters: line(APIC_REGISTERS.map((r) => r.id), apicRegs),
    apicLayouts: line([...new Set(APIC_REGISTERS.flatMap((r) => (r.layout ? [r.layout] : [])))],
      new Set(APIC_REGISTERS.filter((r) => apicRegs.has(r.id) && r.layout).map((r) => r.layout!))),
    sdmCatalogueSections: line(catalogueSections, sections),
    sdmSections: [...sections].sort(compareSections),
  };
}

function withLabels(l: CoverageLine, labels: ReadonlyMap<string, string>): CoverageLine {
  return {
    ...l, missing: l.missing.map((m) => labels.get(m) ?? m),
    ...(l.unreachable ? { unreachable: l.unreachable.map((u) => ({ ...u, id: labels.get(u.id) ?? u.id })) } : {}),
  };
}

/** SDM section order: numeric parts numerically (25.6.10 after 25.6.9), appendices after chapters. */
export function compareSections(a: string, b: string): number {
  const pa = a.split('.'), pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i], y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = Number(x), ny = Number(y);
    const d = Number.isNaN(nx) || Number.isNaN(ny) ? x.localeCompare(y, 'en', { numeric: true }) : nx - ny;
    if (d !== 0) return d;
  }
  return 0;
}
