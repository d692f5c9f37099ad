// `vmxsim decode ...`: every bit of a VMCS value by name, as a hypervisor developer reads a crash dump.
import { CONTROL_GROUPS, type LayoutInfo } from '../model/generated/index.js';
import {
  capabilityMsr, controlGroupById, decodeControls, decodeLayout, exitReasonByNumber, fieldByEncoding, fieldById,
  findLayouts, layoutById, parseUnsigned, setBits, toHex, vmInstructionError,
} from '../model/arch/index.js';
import { bitRange, table } from './format.js';
import { UsageError } from './errors.js';

export interface DecodeOptions {
  readonly reason?: string;
  readonly layout?: string;
  readonly vector?: string;
  readonly json: boolean;
}

const USAGE = `decode what? one of:
  vmxsim decode field <encoding|FIELD_ID>
  vmxsim decode exit-reason <value>
  vmxsim decode exit-qualification --reason N [--vector V] <value>
  vmxsim decode instruction-information --reason N [--layout ID] <value>
  vmxsim decode controls <pin|proc|proc2|proc3|exit|exit2|entry|vmfunc> <value>
  vmxsim decode error <number>
  vmxsim decode msr <MSR_ID|address> <value>
  vmxsim decode <layout-id> <value>          (vmxsim spec layouts lists them)`;

function parseValue(text: string | undefined, what: string, widthBits: number): bigint {
  if (text === undefined) throw new UsageError(`missing the ${what} to decode`);
  const value = parseUnsigned(text);
  if (value === undefined) throw new UsageError(`"${text}" is not a number (use 0x-hex, NNNh or decimal)`);
  if (value >= 1n << BigInt(widthBits)) throw new UsageError(`${text} is wider than the ${widthBits}-bit ${what}`);
  return value;
}

function parseNumberOption(text: string | undefined, option: string): number {
  if (text === undefined) throw new UsageError(`${option} is required`);
  const v = parseUnsigned(text);
  if (v === undefined || v > 0xFFFFn) throw new UsageError(`${option} ${text} is not a basic exit reason number`);
  return Number(v);
}

function renderLayout(layout: LayoutInfo, value: bigint, json: boolean): string {
  const d = decodeLayout(layout, value);
  if (json) {
    return JSON.stringify({
      layout: layout.id, value: toHex(value),
      fields: Object.fromEntries(d.fields.map((f) => [f.field.id, f.meaning === undefined ? Number(f.value) <= Number.MAX_SAFE_INTEGER ? Number(f.value) : toHex(f.value) : { value: Number(f.value), meaning: f.meaning }])),
      undefinedBits: toHex(d.undefinedBits),
    }, null, 2);
  }
  const digits = layout.width / 4;
  const rows = d.fields.map((f) => {
    const shown = f.field.lsb === f.field.msb && f.field.values === undefined ? (f.value ? '1' : '0') : toHex(f.value);
    return [bitRange(f.field.lsb, f.field.msb), f.field.id, shown, f.meaning ?? '', f.field.name + (f.field.validWhen ? ` (valid when ${f.field.validWhen})` : '')];
  });
  const lines = [
    `${layout.id}: ${layout.name} (SDM ${layout.sdm}${layout.table ? `, ${layout.table}` : ''})`,
    `value ${toHex(value, digits)}`,
    table(['bits', 'field', 'value', 'meaning', 'description'], rows),
  ];
  lines.push(d.undefinedBits === 0n ? 'reserved bits: all 0' : `reserved bits set: ${toHex(d.undefinedBits)} (bits ${setBits(d.undefinedBits).join(', ')})`);
  return lines.join('\n');
}

/** Reserved control bits: default1-class bits (A.2) are expected to be 1 unless a TRUE MSR allows 0. */
function undefinedBitLines(undefinedBits: bigint, default1Mask: bigint): string[] {
  if (undefinedBits === 0n) return ['undefined bits: all 0'];
  const d1 = setBits(undefinedBits & default1Mask);
  const other = setBits(undefinedBits & ~default1Mask);
  return [
    ...(d1.length ? [`default1-class bits set: ${d1.join(', ')} (reserved; 1 is their default setting, SDM A.2)`] : []),
    ...(other.length ? [`reserved bits set: ${other.join(', ')} (VM entry fails with error 7 if the capability MSR does not allow them)`] : []),
  ];
}

function decodeField(arg: string | undefined, json: boolean): string {
  if (arg === undefined) throw new UsageError('missing the field encoding (e.g. 0x4402) or id (e.g. GUEST_RIP)');
  const byId = /^[A-Za-z_][A-Za-z0-9_]*$/.test(arg) && !/^[0-9a-fA-F]+h$/.test(arg) ? fieldById(arg) : undefined;
  if (/^[A-Za-z_]/.test(arg) && !byId) throw new UsageError(`no VMCS field is called ${arg} (vmxsim spec fields lists them)`);
  const encoding = byId ? BigInt(byId.encoding) : parseValue(arg, 'VMCS field encoding', 32);
  const encodingLayout = layoutById('vmcs.field-encoding');
  const found = fieldByEncoding(Number(encoding));
  if (!found) {
    const parts = encodingLayout ? decodeLayout(encodingLayout, encoding).fields.filter((f) => f.meaning !== undefined || f.field.id === 'index') : [];
    const shape = parts.map((f) => `${f.field.id} ${f.meaning ?? f.value.toString()}`).join(', ');
    throw new UsageError(`${toHex(encoding, 4)} is not the encoding of any VMCS field in SDM Appendix B${shape ? ` (it would be ${shape})` : ''}`);
  }
  const f = found.field;
  if (json) return JSON.stringify({ ...f, encoding: toHex(f.encoding, 4), high: found.high }, null, 2);
  const lines = [
    `${toHex(Number(encoding), 4)}  ${f.id}${found.high ? ' (high 32 bits)' : ''}`,
    `  name        ${f.name}`,
    `  width       ${f.width === 'natural' ? 'natural-width' : f.width + '-bit'}${found.high ? ' (this encoding accesses bits 63:32)' : ''}`,
    `  type        ${f.type}`,
    `  index       ${f.index}`,
    `  access      ${f.readOnly ? 'read-only (VMWRITE needs IA32_VMX_MISC bit 29)' : 'read/write'}`,
    `  exists      ${f.existsWhen.length === 0 ? 'always' : 'when any of: ' + f.existsWhen.map((c) => ('control' in c ? c.control : `${c.msr}.${c.field}`)).join(', ')}`,
    `  layout      ${f.layout ?? '-'}`,
    `  sdm         ${f.sdm}, ${f.table}`,
  ];
  if (f.description) lines.push(`  ${f.description}`);
  return lines.join('\n');
}

export function decodeCommand(args: readonly string[], options: DecodeOptions): string {
  const [what, ...rest] = args;
  const json = options.json;
  switch (what) {
    case undefined:
      throw new UsageError(USAGE);
    case 'field':
      return decodeField(rest[0], json);
    case 'exit-reason': {
      const layout = layoutById('vmcs.exit-reason');
      if (!layout) throw new Error('layout vmcs.exit-reason is missing from the generated tables');
      const value = parseValue(rest[0], 'exit-reason field', 32);
      const basic = Number(value & 0xFFFFn);
      const reason = exitReasonByNumber(basic);
      const head = `basic exit reason ${basic}: ${reason ? `${reason.id} (${reason.name}, SDM ${reason.sdm})` : 'not defined by the SDM'}`;
      return json ? renderLayout(layout, value, true) : `${head}\n${renderLayout(layout, value, false)}`;
    }
    case 'exit-qualification':
    case 'instruction-information': {
      const n = parseNumberOption(options.reason, '--reason');
      const reason = exitReasonByNumber(n);
      if (!reason) throw new UsageError(`--reason ${n} is not a basic exit reason (vmxsim spec exit-reasons lists them)`);
      let ids: readonly string[];
      if (what === 'exit-qualification' && reason.qualificationByVector) {
        const byVector = reason.qualificationByVector;
        const known = Object.keys(byVector).join(', ');
        if (options.vector === undefined) throw new UsageError(`exit reason ${n} (${reason.id}) has a qualification only for vectors ${known}; give --vector`);
        const v = parseUnsigned(options.vector);
        const id = v === undefined ? undefined : byVector[v.toString()];
        if (id === undefined) throw new UsageError(`exit reason ${n} saves no exit qualification for vector ${options.vector} (only for vectors ${known})`);
        ids = [id];
      } else if (what === 'exit-qualification') ids = reason.qualification ? [reason.qualification] : [];
      else ids = options.layout ? (reason.instructionInformation ?? []).filter((l) => l === options.layout || l.endsWith('.' + options.layout)) : reason.instructionInformation ?? [];
      if (ids.length === 0) {
        throw new UsageError(`exit reason ${n} (${reason.id}) saves no ${what}${options.layout ? ` of layout ${options.layout}` : ''}`);
      }
      if (ids.length > 1) throw new UsageError(`exit reason ${n} has several ${what} formats; pick one with --layout: ${ids.join(', ')}`);
      const layout = layoutById(ids[0]!)!;
      const value = parseValue(rest[0], what, layout.width);
      return renderLayout(layout, value, json);
    }
    case 'controls': {
      const group = controlGroupById(rest[0] ?? '');
      if (!group) throw new UsageError(`controls of which group? one of ${CONTROL_GROUPS.map((g) => g.id).join(', ')}`);
      const value = parseValue(rest[1], `${group.name} field`, group.width);
      const d = decodeControls(group, value);
      if (json) return JSON.stringify({ group: group.id, value: toHex(value), set: d.set.map((b) => b.id), undefinedBits: toHex(d.undefinedBits) }, null, 2);
      const rows = d.set.map((b) => [String(b.bit), `${group.id}.${b.id}`, b.name, b.sdm]);
      return [
        `${group.name} (${group.vmcsField}, SDM ${group.sdm}) = ${toHex(value, group.width / 4)}`,
        rows.length ? table(['bit', 'control', 'name', 'sdm'], rows) : 'no defined control is set',
        ...undefinedBitLines(d.undefinedBits, group.default1Mask),
      ].join('\n');
    }
    case 'error': {
      const v = parseValue(rest[0], 'VM-instruction error number', 32);
      const e = vmInstructionError(Number(v));
      if (!e) throw new UsageError(`${v} is not a VM-instruction error number (SDM 31.4); vmxsim spec errors lists them`);
      const notProduced = e.notProduced ? `\n  not produced by current processors (SDM ${e.notProduced.sdm.join(', ')}): ${e.notProduced.why}` : '';
      return json ? JSON.stringify(e, null, 2) : `VM-instruction error ${e.number}: ${e.name} (${e.id}, SDM ${e.sdm})\n  raised by ${e.instructions.join(', ')}${notProduced}`;
    }
    case 'msr': {
      const key = rest[0];
      if (key === undefined) throw new UsageError('missing the MSR (e.g. IA32_VMX_BASIC or 0x480)');
      const address = parseUnsigned(key);
      const msr = address !== undefined ? capabilityMsr(Number(address)) : capabilityMsr(key);
      if (!msr) throw new UsageError(`${key} is not a VMX capability MSR vmxsim knows (vmxsim spec msrs lists them)`);
      const value = parseValue(rest[1], `${msr.id} value`, 64);
      if (msr.kind === 'layout' && msr.layout) return renderLayout(layoutById(msr.layout)!, value, json);
      if (msr.controls) {
        const group = controlGroupById(msr.controls)!;
        const required1 = msr.kind === 'allowed-1' ? 0n : value & 0xFFFF_FFFFn;
        const allowed1 = msr.kind === 'allowed-1' ? value : value >> 32n;
        const rows = group.bits.map((b) => {
          const r = (required1 >> BigInt(b.bit)) & 1n;
          const a = (allowed1 >> BigInt(b.bit)) & 1n;
          return [String(b.bit), `${group.id}.${b.id}`, r ? 'must be 1' : a ? '0 or 1' : 'must be 0'];
        });
        if (json) return JSON.stringify({ msr: msr.id, required1: toHex(required1), allowed1: toHex(allowed1) }, null, 2);
        return `${msr.id} = ${toHex(value, 16)} (SDM ${msr.sdm}): allowed settings of ${group.name}\n${table(['bit', 'control', 'setting'], rows)}`;
      }
      const bits = setBits(value);
      return json ? JSON.stringify({ msr: msr.id, value: toHex(value), bits }, null, 2) : `${msr.id} = ${toHex(value, 16)} (SDM ${msr.sdm}): ${msr.kind} bits ${bits.join(', ') || 'none'}`;
    }
    default: {
      const group = controlGroupById(what);
      if (group) return decodeCommand(['controls', what, ...rest], options);
      const layouts = findLayouts(what);
      if (layouts.length === 0) throw new UsageError(`unknown layout "${what}" (vmxsim spec layouts lists them; vmxsim decode alone shows usage)`);
      if (layouts.length > 1) throw new UsageError(`"${what}" names several layouts: ${layouts.map((l) => l.id).join(', ')}`);
      const layout = layouts[0]!;
      return renderLayout(layout, parseValue(rest[0], layout.id, layout.width), json);
    }
  }
}
