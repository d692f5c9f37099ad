// VMREAD/VMWRITE of every VMCS field (SDM 25.11.2, 31.3): the width rules in both modes, the high
// access type of 64-bit fields, read-only fields (error 13 unless IA32_VMX_MISC bit 29), fields a
// processor does not have (error 12).
import { type ConformanceCase, VMCS_FIELDS, type VmcsFieldInfo } from '../../model/generated/index.js';

const M64 = (1n << 64n) - 1n;

function hex(v: bigint): string {
  return '0x' + v.toString(16).toUpperCase();
}

/** A value distinct per field, with bits set in every byte, so aliasing between fields would show. */
function pattern(f: VmcsFieldInfo): bigint {
  return (0x0123_4567_89AB_CDEFn + BigInt(f.encoding) * 0x0001_0001_0001_0001n) & M64;
}

/** What a VMREAD in 64-bit mode returns after a VMWRITE of `v` (SDM 25.11.2). */
function widthOf(f: VmcsFieldInfo): bigint {
  return f.width === '16' ? 0xFFFFn : f.width === '32' ? 0xFFFF_FFFFn : M64;
}

const MISC29 = { msr: 'IA32_VMX_MISC', field: 'vmwriteAnyField' } as const;

type Sdm = [string, ...string[]];
const sdm = (...refs: Sdm): Sdm => refs;

export function vmcsFieldCases(): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  for (const f of VMCS_FIELDS) {
    const enc = hex(BigInt(f.encoding));
    const v = pattern(f);
    const exists = f.existsWhen.length > 0 ? { requires: [...f.existsWhen].slice(0, 1) } : {};
    // A field with several existence conditions exists when any holds; the case needs the first (or
    // the field to exist otherwise), which keeps "requires" a plain conjunction.
    const base = { sdm: sdm('25.11.2', '31.3'), tags: ['vmcs-field', f.type], ...exists };
    const writable = !f.readOnly;
    cases.push({
      id: `vmcs.field.${f.id}.write-read`,
      title: `VMWRITE then VMREAD of ${f.name} in 64-bit mode keeps the field's ${f.width === 'natural' ? 'natural' : f.width}-bit width`,
      ...base,
      ...(writable ? {} : { requires: [...(base.requires ?? []), MISC29] }),
      steps: [
        { op: 'vmwrite', encoding: enc, value: hex(v), mode: '64-bit', expect: { kind: 'vmsucceed' } },
        { op: 'vmread', encoding: enc, mode: '64-bit', expect: { kind: 'vmsucceed', value: hex(v & widthOf(f)) } },
      ],
    });
    if (f.readOnly) {
      cases.push({
        id: `vmcs.field.${f.id}.read-only`,
        title: `VMWRITE to the read-only ${f.name} fails with error 13 when IA32_VMX_MISC bit 29 is 0`,
        ...base, sdm: sdm('31.3', '31.4', 'A.6'), excludes: [MISC29],
        steps: [{ op: 'vmwrite', encoding: enc, value: hex(v), mode: '64-bit', expect: { kind: 'vmfail-valid', error: 13 } }],
      });
    }
    if (f.width === '64') {
      const high = hex(BigInt(f.encoding + 1));
      cases.push({
        id: `vmcs.field.${f.id}.high`,
        title: `The high access type of ${f.name} reads bits 63:32 and writes them from bits 31:0`,
        ...base,
        ...(writable ? {} : { requires: [...(base.requires ?? []), MISC29] }),
        steps: [
          { op: 'vmwrite', encoding: enc, value: hex(v), mode: '64-bit', expect: { kind: 'vmsucceed' } },
          { op: 'vmread', encoding: high, mode: '64-bit', expect: { kind: 'vmsucceed', value: hex(v >> 32n) } },
          { op: 'vmwrite', encoding: high, value: '0x5A5A5A5A', mode: '32-bit', expect: { kind: 'vmsucceed' } },
          { op: 'vmread', encoding: enc, mode: '64-bit', expect: { kind: 'vmsucceed', value: hex((0x5A5A5A5An << 32n) | (v & 0xFFFF_FFFFn)) } },
        ],
      });
    }
    if (f.width === '64' || f.width === 'natural') {
      cases.push({
        id: `vmcs.field.${f.id}.full-outside-64-bit`,
        title: `Outside 64-bit mode a full VMWRITE of ${f.name} sets bits 31:0 and clears 63:32; VMREAD gives bits 31:0`,
        ...base,
        ...(writable ? {} : { requires: [...(base.requires ?? []), MISC29] }),
        steps: [
          { op: 'vmwrite', encoding: enc, value: hex(M64), mode: '64-bit', expect: { kind: 'vmsucceed' } },
          { op: 'vmwrite', encoding: enc, value: hex(v & 0xFFFF_FFFFn), mode: '32-bit', expect: { kind: 'vmsucceed' } },
          { op: 'vmread', encoding: enc, mode: '64-bit', expect: { kind: 'vmsucceed', value: hex(v & 0xFFFF_FFFFn) } },
          { op: 'vmread', encoding: enc, mode: '32-bit', expect: { kind: 'vmsucceed', value: hex(v & 0xFFFF_FFFFn) } },
        ],
      });
    } else {
      cases.push({
        id: `vmcs.field.${f.id}.high-access-unsupported`,
        title: `The high access type is defined only for 64-bit fields: ${f.name} with bit 0 set fails with error 12`,
        ...base,
        steps: [{ op: 'vmread', encoding: hex(BigInt(f.encoding | 1)), mode: '64-bit', expect: { kind: 'vmfail-valid', error: 12 } }],
      });
    }
    if (f.existsWhen.length > 0) {
      cases.push({
        id: `vmcs.field.${f.id}.absent`,
        title: `On a processor without ${f.existsWhen.map((c) => ('control' in c ? c.control : `${c.msr}.${c.field}`)).join(' or ')}, ${f.name} does not exist: error 12`,
        sdm: sdm('25.11.2', '31.3', 'B'), tags: ['vmcs-field', f.type], excludes: [...f.existsWhen],
        steps: [{ op: 'vmread', encoding: enc, mode: '64-bit', expect: { kind: 'vmfail-valid', error: 12 } }],
      });
    }
  }
  return cases;
}
