// Emits the typed tables of model/generated from the validated, checked spec.
import type { BitField, Layout } from '../../model/generated/types.js';
import { hex, literal, moduleText, pascalCase } from './emit.js';
import { parseHex } from './checks.js';
import type { Spec } from './load.js';

const q = (s: string): string => JSON.stringify(s);

function unionType(name: string, members: readonly (string | number)[]): string {
  if (members.length === 0) return `export type ${name} = never;`;
  return `export type ${name} =\n${members.map((m) => `  | ${typeof m === 'string' ? q(m) : m}`).join('\n')};`;
}

export function emitVmcsFields(spec: Spec): string {
  const fields = spec.fields.map((f) => f.value);
  return moduleText([
    '// Every VMCS field of SDM Vol. 3C Appendix B; encodings per SDM 25.11.2.',
    "import type { Condition } from './types.js';",
    "import type { LayoutId } from './layouts.js';",
    '',
    "export type VmcsFieldWidth = '16' | '32' | '64' | 'natural';",
    "export type VmcsFieldType = 'control' | 'exit-information' | 'guest-state' | 'host-state';",
    '',
    '/** Field id to its encoding (the full encoding for 64-bit fields; the high half is encoding + 1). */',
    'export const VMCS_FIELD = {',
    ...fields.map((f) => `  ${f.id}: ${f.encoding},`),
    '} as const;',
    'export type VmcsFieldId = keyof typeof VMCS_FIELD;',
    '',
    'export interface VmcsFieldInfo {',
    '  readonly id: VmcsFieldId;',
    '  readonly name: string;',
    '  readonly encoding: number;',
    '  readonly width: VmcsFieldWidth;',
    '  readonly type: VmcsFieldType;',
    '  readonly index: number;',
    '  readonly readOnly: boolean;',
    '  /** The field exists when the processor supports any of these; empty: always. */',
    '  readonly existsWhen: readonly Condition[];',
    '  readonly layout?: LayoutId;',
    '  readonly sdm: string;',
    '  readonly table: string;',
    '  /** A model extension that is not in the SDM; exists only on profiles that enable it. */',
    '  readonly extension?: boolean;',
    '  readonly description?: string;',
    '}',
    '',
    '/** The fields of Appendix B. */',
    'export const VMCS_FIELDS: readonly VmcsFieldInfo[] = [',
    ...fields.filter((f) => f.extension !== true).map(fieldLiteral),
    '];',
    '',
    '/** Model-extension fields (NOT in the SDM): they exist only on profiles that enable their extension. */',
    'export const VMCS_EXTENSION_FIELDS: readonly VmcsFieldInfo[] = [',
    ...fields.filter((f) => f.extension === true).map(fieldLiteral),
    '];',
    '',
    '/**',
    ' * Field id to its storage slot in the model\'s VMCS (model/vmx/vmcs.ts): the position in VMCS_FIELDS,',
    ' * then in VMCS_EXTENSION_FIELDS. A model-internal index, not an SDM encoding.',
    ' */',
    'export const VMCS_SLOT = {',
    ...slotOrder(fields).map((f, i) => `  ${f.id}: ${i},`),
    '} as const;',
    `export const VMCS_SLOT_COUNT = ${fields.length};`,
  ]);
}

/** Storage order: Appendix B's fields, then the model extensions'. */
function slotOrder<F extends { extension?: boolean }>(fields: readonly F[]): F[] {
  return [...fields.filter((f) => f.extension !== true), ...fields.filter((f) => f.extension === true)];
}

function fieldLiteral(f: Spec['fields'][number]['value']): string {
  return `  ${literal({ ...f, encoding: Number(parseHex(f.encoding)), existsWhen: f.existsWhen ?? [] }).replace(/encoding: (\d+)/, (_, n: string) => `encoding: ${hex(Number(n))}`)},`;
}

function groupConstName(id: string): string {
  return `${id.toUpperCase()}_CTLS`;
}

export function emitControls(spec: Spec): string {
  const groups = spec.controls.map((g) => g.value);
  const lines: string[] = [
    '// Every VMX control bit (SDM 25.6-25.8) with its capability MSR (Appendix A).',
    "import type { VmcsFieldId } from './vmcs-fields.js';",
    '',
  ];
  for (const g of groups) {
    const big = g.width === 64;
    lines.push(`/** ${g.name} (SDM ${g.sdm}): bit masks${big ? ' (64-bit field: bigint)' : ''}. */`);
    lines.push(`export const ${groupConstName(g.id)} = {`);
    for (const b of g.bits) lines.push(`  ${b.id}: ${big ? `${hex(1n << BigInt(b.bit))}n` : hex(2 ** b.bit)},`);
    lines.push('} as const;', '');
  }
  const refs = groups.flatMap((g) => g.bits.map((b) => `${g.id}.${b.id}`));
  lines.push(
    unionType('ControlGroupId', groups.map((g) => g.id)),
    unionType('ControlRef', refs),
    '',
    'export interface ControlBitInfo {',
    '  readonly id: string;',
    '  readonly name: string;',
    '  readonly bit: number;',
    '  readonly sdm: string;',
    '  readonly description: string;',
    '}',
    '',
    'export interface ControlGroupInfo {',
    '  readonly id: ControlGroupId;',
    '  readonly name: string;',
    '  readonly vmcsField: VmcsFieldId;',
    '  readonly width: 32 | 64;',
    '  readonly capabilityMsr: string;',
    '  readonly trueCapabilityMsr?: string;',
    '  /** Bits in the default1 class (Appendix A.2). */',
    '  readonly default1Mask: bigint;',
    '  /** Bits the SDM defines. */',
    '  readonly definedMask: bigint;',
    '  readonly sdm: string;',
    '  readonly capabilitySdm: string;',
    '  readonly bits: readonly ControlBitInfo[];',
    '}',
    '',
    'export const CONTROL_GROUPS: readonly ControlGroupInfo[] = [',
  );
  for (const g of groups) {
    const d1 = g.default1Bits.reduce((m, b) => m | (1n << BigInt(b)), 0n);
    const defined = g.bits.reduce((m, b) => m | (1n << BigInt(b.bit)), 0n);
    const { bits, default1Bits: _d, $schema: _s, ...rest } = g;
    lines.push(`  {`);
    lines.push(`    ...${literal({ ...rest, default1Mask: d1, definedMask: defined })},`);
    lines.push(`    bits: [`);
    for (const b of bits) lines.push(`      ${literal(b)},`);
    lines.push(`    ],`);
    lines.push(`  },`);
  }
  lines.push('];');
  return moduleText(lines);
}

export function emitExitReasons(spec: Spec): string {
  const reasons = spec.exitReasons.map((r) => r.value);
  return moduleText([
    '// Every basic exit reason (SDM Vol. 3C Appendix C).',
    "import type { Condition } from './types.js';",
    "import type { LayoutId } from './layouts.js';",
    '',
    'export const EXIT_REASON = {',
    ...reasons.map((r) => `  ${r.id}: ${r.number},`),
    '} as const;',
    'export type ExitReasonId = keyof typeof EXIT_REASON;',
    '',
    'export interface ExitReasonInfo {',
    '  readonly number: number;',
    '  readonly id: ExitReasonId;',
    '  readonly name: string;',
    '  /** Can be reported with bit 31 set, as a VM-entry failure (SDM 27.8). */',
    '  readonly entryFailure: boolean;',
    '  readonly qualification?: LayoutId;',
    '  /** Layout of the qualification per exception vector, where it depends on the vector (reason 0). */',
    '  readonly qualificationByVector?: Readonly<Record<string, LayoutId>>;',
    '  readonly instructionInformation?: readonly LayoutId[];',
    '  readonly savesInstructionLength?: boolean;',
    '  readonly savesGuestLinearAddress?: boolean;',
    '  readonly savesGuestPhysicalAddress?: boolean;',
    '  readonly existsWhen?: readonly Condition[];',
    '  /** A model extension that is not in the SDM. */',
    '  readonly extension?: boolean;',
    '  readonly sdm: string;',
    '  readonly description: string;',
    '}',
    '',
    'export const EXIT_REASONS: readonly ExitReasonInfo[] = [',
    ...reasons.map((r) => `  ${literal(r)},`),
    '];',
  ]);
}

export function emitVmInstructionErrors(spec: Spec): string {
  const errors = spec.errors.map((e) => e.value);
  return moduleText([
    '// VM-instruction error numbers (SDM 31.4, Table 31-1).',
    '',
    'export const VM_INSTRUCTION_ERROR = {',
    ...errors.map((e) => `  ${e.id}: ${e.number},`),
    '} as const;',
    'export type VmInstructionErrorId = keyof typeof VM_INSTRUCTION_ERROR;',
    '',
    'export interface VmInstructionErrorInfo {',
    '  readonly number: number;',
    '  readonly id: VmInstructionErrorId;',
    '  readonly name: string;',
    '  readonly instructions: readonly string[];',
    '  readonly sdm: string;',
    '  /** Set when the current pseudocode can no longer produce the error (coverage shows it as not produced). */',
    '  readonly notProduced?: { readonly why: string; readonly sdm: readonly string[] };',
    '}',
    '',
    'export const VM_INSTRUCTION_ERRORS: readonly VmInstructionErrorInfo[] = [',
    ...errors.map((e) => `  ${literal(e)},`),
    '];',
  ]);
}

export function emitEntryChecks(spec: Spec): string {
  const checks = spec.checks.map((c) => c.value);
  return moduleText([
    '// VM-entry checks of SDM 27.2, 27.3 and 27.4, in the order a processor evaluates them.',
    "import type { VmEntryCheck } from './types.js';",
    "import type { VmcsFieldId } from './vmcs-fields.js';",
    "import type { ControlRef } from './controls.js';",
    '',
    unionType('VmEntryCheckId', checks.map((c) => c.id)),
    '',
    "export interface VmEntryCheckInfo extends Omit<VmEntryCheck, 'id' | 'fields' | 'controls'> {",
    '  readonly id: VmEntryCheckId;',
    '  readonly fields: readonly VmcsFieldId[];',
    '  readonly controls?: readonly ControlRef[];',
    '}',
    '',
    'export const VM_ENTRY_CHECKS: readonly VmEntryCheckInfo[] = [',
    ...checks.map((c) => `  ${literal(c)},`),
    '];',
  ]);
}

export function emitCapabilityMsrs(spec: Spec): string {
  const msrs = spec.msrs.map((m) => m.value);
  return moduleText([
    '// The VMX capability MSRs (SDM Vol. 3C Appendix A) and IA32_FEATURE_CONTROL.',
    "import type { CapabilityMsr } from './types.js';",
    '',
    'export const CAPABILITY_MSR = {',
    ...msrs.map((m) => `  ${m.id}: ${m.address},`),
    '} as const;',
    'export type CapabilityMsrId = keyof typeof CAPABILITY_MSR;',
    '',
    "export interface CapabilityMsrInfo extends Omit<CapabilityMsr, 'id' | 'address'> {",
    '  readonly id: CapabilityMsrId;',
    '  readonly address: number;',
    '}',
    '',
    'export const CAPABILITY_MSRS: readonly CapabilityMsrInfo[] = [',
    ...msrs.map((m) => `  ${literal({ ...m, address: Number(parseHex(m.address)) })},`),
    '];',
  ]);
}

export function emitProfiles(spec: Spec): string {
  return moduleText([
    '// The built-in CPU profiles (spec/data/profiles).',
    "import type { CpuProfile } from './types.js';",
    '',
    'export const BUILTIN_PROFILES: readonly CpuProfile[] = [',
    ...spec.profiles.map((p) => {
      const { $schema: _s, ...profile } = p.value;
      return `  ${literal(profile)},`;
    }),
    '];',
  ]);
}

// ---- Layouts: a descriptor table, and a typed pack/unpack pair per layout.
//
// Representation (decided once, here): a layout of 32 bits or fewer is a `number` in and out, so the
// hot paths of the model (access rights, interruption information) never touch BigInt. A 64-bit
// layout is a `bigint`; its fields come out as `number` when they are 32 bits wide or narrower and as
// `bigint` otherwise. One-bit fields without named values are booleans.

function isFlag(f: BitField): boolean {
  return f.lsb === f.msb && f.values === undefined;
}

function fieldTsType(layout: Layout, f: BitField): string {
  if (isFlag(f)) return 'boolean';
  return layout.width === 64 && f.msb - f.lsb + 1 > 32 ? 'bigint' : 'number';
}

function layoutTypeName(l: Layout): string {
  return pascalCase(l.id);
}

function emitLayoutFunctions(l: Layout): string[] {
  const name = layoutTypeName(l);
  const lines: string[] = [];
  lines.push(`/** ${l.name} (SDM ${l.sdm}${l.table ? `, ${l.table}` : ''}). */`);
  lines.push(`export interface ${name} {`);
  for (const f of l.fields) lines.push(`  /** ${f.name}, bit${f.lsb === f.msb ? ` ${f.lsb}` : `s ${f.msb}:${f.lsb}`}. */`, `  ${f.id}: ${fieldTsType(l, f)};`);
  lines.push('}', '');
  const big = l.width === 64;
  const vt = big ? 'bigint' : 'number';
  lines.push(`export function unpack${name}(value: ${vt}): ${name} {`);
  lines.push('  return {');
  for (const f of l.fields) {
    const bits = f.msb - f.lsb + 1;
    const t = fieldTsType(l, f);
    if (big) {
      const mask = `${hex((1n << BigInt(bits)) - 1n)}n`;
      const raw = `(value >> ${f.lsb}n) & ${mask}`;
      lines.push(`    ${f.id}: ${t === 'boolean' ? `(${raw}) !== 0n` : t === 'number' ? `Number(${raw})` : raw},`);
    } else {
      const shifted = f.lsb === 0 ? 'value' : `(value >>> ${f.lsb})`;
      const raw = bits === 32 ? 'value >>> 0' : `${shifted} & ${hex(2 ** bits - 1)}`;
      lines.push(`    ${f.id}: ${t === 'boolean' ? `(${raw}) !== 0` : raw},`);
    }
  }
  lines.push('  };', '}', '');
  lines.push(`/** Packs the given fields (absent ones are 0); throws RangeError for a value wider than its field. */`);
  lines.push(`export function pack${name}(fields: Partial<${name}>): ${vt} {`);
  lines.push(`  let value = ${big ? '0n' : '0'};`);
  for (const f of l.fields) {
    const bits = f.msb - f.lsb + 1;
    const t = fieldTsType(l, f);
    const v = `fields.${f.id}`;
    if (t === 'boolean') {
      lines.push(`  if (${v}) value ${big ? `|= ${hex(1n << BigInt(f.lsb))}n` : `+= ${hex(2 ** f.lsb)}`};`);
    } else if (big) {
      const asBig = t === 'bigint' ? v : `BigInt(${v})`;
      lines.push(`  if (${v} !== undefined) value |= fieldBits64(${asBig}, ${bits}, ${f.lsb}, ${q(l.id + '.' + f.id)});`);
    } else {
      lines.push(`  if (${v} !== undefined) value += fieldBits32(${v}, ${bits}, ${f.lsb}, ${q(l.id + '.' + f.id)});`);
    }
  }
  lines.push(`  return value;`, '}', '');
  return lines;
}

export function emitLayouts(spec: Spec): string {
  const layouts = spec.layouts.map((l) => l.value);
  const lines: string[] = [
    '// Bit-field layouts: exit qualifications, information fields, VMCS formats, EPT, MSRs, memory structures.',
    "import type { Layout } from './types.js';",
    '',
    unionType('LayoutId', layouts.map((l) => l.id)),
    '',
    "export interface LayoutInfo extends Omit<Layout, 'id'> {",
    '  readonly id: LayoutId;',
    '}',
    '',
    'export const LAYOUTS: readonly LayoutInfo[] = [',
    ...layouts.map((l) => `  ${literal(l)},`),
    '];',
    '',
    'function fieldBits32(value: number, bits: number, lsb: number, name: string): number {',
    '  if (!Number.isInteger(value) || value < 0 || value >= 2 ** bits) throw new RangeError(`${name}: ${value} does not fit in ${bits} bit(s)`);',
    '  return value * 2 ** lsb;',
    '}',
    '',
    'function fieldBits64(value: bigint, bits: number, lsb: number, name: string): bigint {',
    '  if (value < 0n || value >= 1n << BigInt(bits)) throw new RangeError(`${name}: ${value} does not fit in ${bits} bit(s)`);',
    '  return value << BigInt(lsb);',
    '}',
    '',
  ];
  // Layouts with the same fields (the EPT paging-structure entries, for one) share one pair of functions.
  const seen = new Map<string, string>();
  for (const l of layouts) {
    const shape = JSON.stringify([l.width, l.fields.map((f) => [f.id, f.lsb, f.msb, isFlag(f)])]);
    const first = seen.get(shape);
    if (first === undefined) {
      seen.set(shape, layoutTypeName(l));
      lines.push(...emitLayoutFunctions(l));
    } else {
      const name = layoutTypeName(l);
      lines.push(
        `/** ${l.name} (SDM ${l.sdm}${l.table ? `, ${l.table}` : ''}): the same fields as ${first}. */`,
        `export type ${name} = ${first};`,
        `export const unpack${name} = unpack${first};`,
        `export const pack${name} = pack${first};`,
        '',
      );
    }
  }
  return moduleText(lines);
}

export function emitApicRegisters(spec: Spec): string {
  const regs = spec.apicRegisters.map((r) => r.value);
  return moduleText([
    '// Local APIC registers (SDM Vol. 3A 11.4.1 Table 11-1, 11.12.1.2 Table 11-6) and their treatment by APIC',
    '// virtualization (SDM 30.4.2, 30.5). The x2APIC MSR of a register is 800H + offset / 10H.',
    "import type { LayoutId } from './layouts.js';",
    '',
    "export type ApicAccess = 'read-write' | 'read-only' | 'write-only' | 'none';",
    '',
    '/** Register id to its offset in the xAPIC register page (and on the virtual-APIC page). */',
    'export const APIC_REG = {',
    ...regs.map((r) => `  ${r.id}: ${hex(r.offset)},`),
    '} as const;',
    'export type ApicRegisterId = keyof typeof APIC_REG;',
    '',
    '/** The x2APIC MSR of an xAPIC offset (SDM Vol. 3A 11.12.1.2). */',
    'export const X2APIC_MSR_BASE = 0x800;',
    '',
    'export interface ApicRegisterInfo {',
    '  readonly id: ApicRegisterId;',
    '  readonly name: string;',
    '  readonly offset: number;',
    '  readonly count?: number;',
    '  readonly xapic: ApicAccess;',
    '  readonly x2apic: ApicAccess;',
    '  readonly virtualizedRead: boolean;',
    '  readonly virtualizedMsrRead: boolean;',
    '  readonly layout?: LayoutId;',
    '  readonly sdm: string;',
    '}',
    '',
    'export const APIC_REGISTERS: readonly ApicRegisterInfo[] = [',
    ...regs.map((r) => `  ${literal(r)},`),
    '];',
  ]);
}

export function emitMemoryTypes(spec: Spec): string {
  const types = spec.memoryTypes.map((t) => t.value);
  const enc = new Map(types.map((t) => [t.id, t.encoding]));
  // Indexed by range type * 8 + PAT type; 0xFF where the table has no row.
  const table = new Array<number>(64).fill(0xFF);
  for (const { value: c } of spec.memoryTypeCombinations) table[enc.get(c.range)! * 8 + enc.get(c.pat)!] = enc.get(c.effective)!;
  return moduleText([
    '// Memory types (SDM Vol. 3A 12.12.2 Table 12-10; EPT memory types, SDM 29.3.7) and the effective memory type',
    '// of a range type (MTRR, or EPT under EPT) combined with a PAT type (SDM Vol. 3A 12.5.2.2 Table 12-7).',
    '',
    '/** Memory-type mnemonic to its encoding. */',
    'export const MEMORY_TYPE = {',
    ...types.map((t) => `  ${q(t.id)}: ${t.encoding},`),
    '} as const;',
    'export type MemoryTypeName = keyof typeof MEMORY_TYPE;',
    '',
    'export interface MemoryTypeInfo {',
    '  readonly id: MemoryTypeName;',
    '  readonly name: string;',
    '  readonly encoding: number;',
    '  readonly pat: boolean;',
    '  readonly ept: boolean;',
    '  readonly sdm: string;',
    '}',
    '',
    'export const MEMORY_TYPES: readonly MemoryTypeInfo[] = [',
    ...types.map((t) => `  ${literal(t)},`),
    '];',
    '',
    '/** Table 12-7 by encodings: entry range * 8 + pat is the effective type, 0xFF where no row exists. */',
    `export const MEMORY_TYPE_COMBINATION: readonly number[] = [${table.map((v) => hex(v)).join(', ')}];`,
  ]);
}

export function emitSchemas(schemas: ReadonlyMap<string, unknown>): string {
  return moduleText([
    '// The spec schemas, for validating user-supplied files (CPU profiles, conformance cases) at run time.',
    '',
    'export const SCHEMAS: Readonly<Record<string, object>> = {',
    ...[...schemas].map(([file, schema]) => `  ${q(file)}: ${JSON.stringify(schema)},`),
    '};',
  ]);
}

/** The index re-exports every module; of types.ts, the names no table module refines (ControlRef, LayoutId). */
export function emitIndex(files: ReadonlyMap<string, string>): string {
  const exported = (text: string): string[] => [...text.matchAll(/^export (?:type|interface|const|function) (\w+)/gm)].map((m) => m[1]!);
  const refined = new Set([...files].filter(([name]) => name !== 'types.ts').flatMap(([, text]) => exported(text)));
  const typeNames = exported(files.get('types.ts') ?? '').filter((n) => !refined.has(n));
  return moduleText([
    '// The public face of the generated spec tables.',
    `export type { ${typeNames.join(', ')} } from './types.js';`,
    "export * from './vmcs-fields.js';",
    "export * from './controls.js';",
    "export * from './exit-reasons.js';",
    "export * from './layouts.js';",
    "export * from './vm-instruction-errors.js';",
    "export * from './vm-entry-checks.js';",
    "export * from './capability-msrs.js';",
    "export * from './profiles.js';",
    "export * from './apic-registers.js';",
    "export * from './memory-types.js';",
    "export * from './schemas.js';",
  ]);
}
