// `vmxsim spec [catalogue] [--json] [filter]`: the spec catalogues, listed or as JSON.
import {
  APIC_REGISTERS, BUILTIN_PROFILES, CAPABILITY_MSRS, CONTROL_GROUPS, EXIT_REASONS, LAYOUTS, VM_ENTRY_CHECKS, VM_INSTRUCTION_ERRORS,
  VMCS_EXTENSION_FIELDS, VMCS_FIELDS,
} from '../model/generated/index.js';
import { toHex } from '../model/arch/index.js';
import { table } from './format.js';
import { UsageError } from './errors.js';

interface Catalogue {
  readonly what: string;
  readonly entries: () => readonly object[];
  /** The text a filter matches against (case-insensitive substring). */
  readonly key: (e: never) => string;
  readonly header: readonly string[];
  readonly row: (e: never) => string[];
}

const yes = (b: boolean | undefined): string => (b ? 'yes' : '');

type Field = (typeof VMCS_FIELDS)[number];
type Reason = (typeof EXIT_REASONS)[number];
type Err = (typeof VM_INSTRUCTION_ERRORS)[number];
type Check = (typeof VM_ENTRY_CHECKS)[number];
type Msr = (typeof CAPABILITY_MSRS)[number];
type Layout = (typeof LAYOUTS)[number];
type Profile = (typeof BUILTIN_PROFILES)[number];
type ApicReg = (typeof APIC_REGISTERS)[number];
type ControlRow = { group: string; field: string; bit: number; id: string; name: string; default1: boolean; sdm: string; description: string };

function controlRows(): ControlRow[] {
  return CONTROL_GROUPS.flatMap((g) => g.bits.map((b) => ({
    group: g.id, field: g.vmcsField, bit: b.bit, id: `${g.id}.${b.id}`, name: b.name,
    default1: ((g.default1Mask >> BigInt(b.bit)) & 1n) === 1n, sdm: b.sdm, description: b.description,
  })));
}

function failureText(c: Check): string {
  return c.failure.kind === 'vmfail-valid' ? `VMfailValid(${c.failure.error})` : `exit ${c.failure.exitReason}, qual ${String(c.failure.qualification)}`;
}

export const CATALOGUES: Readonly<Record<string, Catalogue>> = {
  fields: {
    what: 'VMCS fields (Appendix B)',
    entries: () => [...VMCS_FIELDS, ...VMCS_EXTENSION_FIELDS],
    key: (f: Field) => `${toHex(f.encoding, 4)} ${f.id} ${f.name}`,
    header: ['encoding', 'id', 'width', 'type', 'access', 'sdm'],
    row: (f: Field) => [toHex(f.encoding, 4), f.table === 'extension' ? `${f.id} (model extension, not SDM)` : f.id, f.width, f.type, f.readOnly ? 'read-only' : 'read/write', f.sdm],
  },
  controls: {
    what: 'VMX control bits (25.6-25.8)',
    entries: controlRows,
    key: (c: ControlRow) => `${c.id} ${c.name} ${c.field}`,
    header: ['control', 'bit', 'name', 'default1', 'sdm'],
    row: (c: ControlRow) => [c.id, String(c.bit), c.name, yes(c.default1), c.sdm],
  },
  'exit-reasons': {
    what: 'basic exit reasons (Appendix C)',
    entries: () => EXIT_REASONS,
    key: (r: Reason) => `${r.number} ${r.id} ${r.name}`,
    header: ['number', 'id', 'qualification', 'entry-failure', 'sdm'],
    row: (r: Reason) => [String(r.number), r.extension ? `${r.id} (model extension, not SDM)` : r.id, r.qualification ?? '', yes(r.entryFailure), r.sdm],
  },
  errors: {
    what: 'VM-instruction errors (31.4)',
    entries: () => VM_INSTRUCTION_ERRORS,
    key: (e: Err) => `${e.number} ${e.id} ${e.name} ${e.instructions.join(' ')}`,
    header: ['number', 'id', 'instructions', 'name'],
    row: (e: Err) => [String(e.number), e.id, e.instructions.join(','), e.name],
  },
  checks: {
    what: 'VM-entry checks (27.2-27.4)',
    entries: () => VM_ENTRY_CHECKS,
    key: (c: Check) => `${c.id} ${c.sdm} ${c.statement} ${c.fields.join(' ')}`,
    header: ['id', 'sdm', 'failure', 'statement'],
    row: (c: Check) => [c.id, c.sdm, failureText(c), c.statement],
  },
  msrs: {
    what: 'VMX capability MSRs (Appendix A)',
    entries: () => CAPABILITY_MSRS,
    key: (m: Msr) => `${toHex(m.address)} ${m.id}`,
    header: ['address', 'id', 'kind', 'sdm'],
    row: (m: Msr) => [toHex(m.address), m.id, m.kind + (m.controls ? ` (${m.controls})` : m.layout ? ` (${m.layout})` : ''), m.sdm],
  },
  layouts: {
    what: 'bit-field layouts',
    entries: () => LAYOUTS,
    key: (l: Layout) => `${l.id} ${l.name}`,
    header: ['id', 'width', 'fields', 'sdm', 'name'],
    row: (l: Layout) => [l.id, String(l.width), String(l.fields.length), l.sdm, l.name],
  },
  'apic-registers': {
    what: 'local-APIC registers (Vol. 3A 11.4.1, 11.12.1.2)',
    entries: () => APIC_REGISTERS,
    key: (r: ApicReg) => `${toHex(r.offset)} ${r.id} ${r.name}`,
    header: ['offset', 'x2APIC MSR', 'id', 'xAPIC', 'x2APIC', 'virtualized read', 'name'],
    row: (r: ApicReg) => [
      toHex(r.offset) + (r.count ? ` (x${r.count})` : ''), r.x2apic === 'none' ? '' : toHex(0x800 + (r.offset >> 4)), r.id, r.xapic, r.x2apic,
      [r.virtualizedRead ? 'page' : '', r.virtualizedMsrRead ? 'MSR' : ''].filter(Boolean).join('+'), r.name,
    ],
  },
  profiles: {
    what: 'built-in CPU profiles',
    entries: () => BUILTIN_PROFILES,
    key: (p: Profile) => `${p.id} ${p.name}`,
    header: ['id', 'name'],
    row: (p: Profile) => [p.id, p.name],
  },
};

export function specCommand(args: readonly string[], json: boolean): string {
  const [name, ...rest] = args;
  if (name === undefined) {
    const rows = Object.entries(CATALOGUES).map(([id, c]) => [id, String(c.entries().length), c.what]);
    const summary = table(['catalogue', 'entries', 'contents'], rows);
    if (json) return JSON.stringify(Object.fromEntries(rows.map(([id, n]) => [id, Number(n)])), null, 2);
    return `${summary}\n\nList one with: vmxsim spec <catalogue> [--json] [filter]`;
  }
  const catalogue = CATALOGUES[name];
  if (!catalogue) throw new UsageError(`unknown catalogue "${name}": one of ${Object.keys(CATALOGUES).join(', ')}`);
  if (rest.length > 1) throw new UsageError(`spec ${name} takes one filter, got ${rest.length}`);
  const filter = rest[0]?.toLowerCase();
  const key = catalogue.key as (e: object) => string;
  const row = catalogue.row as (e: object) => string[];
  const matched = catalogue.entries().filter((e) => filter === undefined || key(e).toLowerCase().includes(filter));
  if (json) return JSON.stringify(matched, (_k, v: unknown) => (typeof v === 'bigint' ? toHex(v) : v), 2);
  if (matched.length === 0) return `no ${catalogue.what} match "${rest[0]}"`;
  return `${table(catalogue.header, matched.map(row))}\n\n${matched.length} of ${catalogue.entries().length} ${catalogue.what}`;
}
