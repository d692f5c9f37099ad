// Consistency checks across the catalogues, run by the generator after schema validation.
// Each returns problems with file and JSON pointer; the generator writes nothing while any remain.
import type { BitField, Condition, Layout } from '../../model/generated/types.js';
import type { Located, Spec, SpecProblem } from './load.js';

type Problems = SpecProblem[];

function problem<T>(at: Located<T>, suffix: string, message: string): SpecProblem {
  return { file: at.file, pointer: at.pointer + suffix, message };
}

export function parseHex(text: string): bigint {
  return BigInt(text);
}

/** Bit fields of one layout: inside the width, lsb <= msb, no overlaps, value names that fit. */
function checkLayout(at: Located<Layout>, problems: Problems): void {
  const layout = at.value;
  const owner: (string | undefined)[] = new Array(layout.width).fill(undefined);
  layout.fields.forEach((f: BitField, i) => {
    const where = `/fields/${i}`;
    if (f.lsb > f.msb) problems.push(problem(at, where, `lsb ${f.lsb} is above msb ${f.msb}`));
    if (f.msb >= layout.width) problems.push(problem(at, where, `msb ${f.msb} is outside the ${layout.width}-bit value`));
    for (let b = f.lsb; b <= Math.min(f.msb, layout.width - 1); b++) {
      const prior = owner[b];
      if (prior !== undefined) problems.push(problem(at, where, `bit ${b} of ${f.id} is also in ${prior}`));
      owner[b] = f.id;
    }
    const bits = f.msb - f.lsb + 1;
    for (const key of Object.keys(f.values ?? {})) {
      if (BigInt(key) >= 1n << BigInt(bits)) problems.push(problem(at, `${where}/values/${key}`, `value ${key} does not fit in ${bits} bit(s)`));
    }
  });
}

function fieldValueCode(layout: Layout | undefined, fieldId: string, name: string): { code: number; lsb: number } | undefined {
  const f = layout?.fields.find((x) => x.id === fieldId);
  const entry = Object.entries(f?.values ?? {}).find(([, v]) => v === name);
  return f && entry ? { code: Number(entry[0]), lsb: f.lsb } : undefined;
}

export function checkSpec(spec: Spec): SpecProblem[] {
  const problems: Problems = [];
  const layouts = new Map(spec.layouts.map((l) => [l.value.id, l.value]));
  const fieldIds = new Set(spec.fields.map((f) => f.value.id));
  const groups = new Map(spec.controls.map((g) => [g.value.id, g.value]));
  const msrs = new Map(spec.msrs.map((m) => [m.value.id, m.value]));
  const controlRefs = new Set(spec.controls.flatMap((g) => g.value.bits.map((b) => `${g.value.id}.${b.id}`)));

  for (const l of spec.layouts) checkLayout(l, problems);
  const dupLayouts = new Set<string>();
  for (const l of spec.layouts) {
    if (dupLayouts.has(l.value.id)) problems.push(problem(l, '/id', `layout ${l.value.id} is defined twice`));
    dupLayouts.add(l.value.id);
  }

  const checkLayoutRef = <T>(at: Located<T>, suffix: string, id: string | undefined): void => {
    if (id !== undefined && !layouts.has(id)) problems.push(problem(at, suffix, `unknown layout ${id}`));
  };
  const checkConditions = <T>(at: Located<T>, list: readonly Condition[] | undefined): void => {
    (list ?? []).forEach((c, i) => {
      if ('control' in c) {
        if (!controlRefs.has(c.control)) problems.push(problem(at, `/existsWhen/${i}`, `unknown control ${c.control}`));
      } else {
        const msr = msrs.get(c.msr);
        if (!msr) problems.push(problem(at, `/existsWhen/${i}`, `unknown MSR ${c.msr}`));
        else if (!msr.layout || !layouts.get(msr.layout)?.fields.some((f) => f.id === c.field)) {
          problems.push(problem(at, `/existsWhen/${i}`, `MSR ${c.msr} has no field ${c.field}`));
        }
      }
    });
  };

  // APIC registers: layouts exist; an array register's slots do not run into the next register.
  const apicOffsets = [...spec.apicRegisters].sort((a, b) => a.value.offset - b.value.offset);
  apicOffsets.forEach((at, i) => {
    checkLayoutRef(at, '/layout', at.value.layout);
    const end = at.value.offset + 16 * (at.value.count ?? 1);
    const next = apicOffsets[i + 1];
    if (next !== undefined && end > next.value.offset) problems.push(problem(at, '/count', `overlaps ${next.value.id}`));
  });

  // VMCS fields: each encoding must follow from width, type and index (SDM 25.11.2).
  const encodingLayout = layouts.get('vmcs.field-encoding');
  if (!encodingLayout) problems.push({ file: 'spec/data/layouts', pointer: '', message: 'layout vmcs.field-encoding is missing' });
  const encodings = new Map<bigint, string>();
  const names = new Map<string, string>();
  for (const at of spec.fields) {
    const f = at.value;
    const enc = parseHex(f.encoding);
    const width = fieldValueCode(encodingLayout, 'width', f.width);
    const type = fieldValueCode(encodingLayout, 'type', f.type);
    const index = encodingLayout?.fields.find((x) => x.id === 'index');
    if (width && type && index) {
      const derived = (BigInt(width.code) << BigInt(width.lsb)) | (BigInt(type.code) << BigInt(type.lsb)) | (BigInt(f.index) << BigInt(index.lsb));
      if (derived !== enc) {
        problems.push(problem(at, '/encoding', `${f.id}: encoding ${f.encoding} does not match width ${f.width}, type ${f.type}, index ${f.index} (expected 0x${derived.toString(16).toUpperCase().padStart(4, '0')})`));
      }
    }
    // A model extension (not in the SDM) says so: table "extension", an EXTENSION_ id, no Appendix B condition.
    if ((f.table === 'extension') !== (f.extension === true)) {
      problems.push(problem(at, '/table', `${f.id}: table "extension" is for, and only for, fields marked extension`));
    }
    if (f.extension === true && (!f.id.startsWith('EXTENSION_') || (f.existsWhen ?? []).length > 0)) {
      problems.push(problem(at, '/id', `${f.id}: an extension field needs an EXTENSION_ id and no existsWhen (its profile enables it)`));
    }
    if (f.readOnly !== (f.type === 'exit-information')) {
      problems.push(problem(at, '/readOnly', `${f.id}: readOnly must be ${f.type === 'exit-information'} for a ${f.type} field`));
    }
    const halves = f.width === '64' ? [enc, enc + 1n] : [enc];
    for (const e of halves) {
      const prior = encodings.get(e);
      if (prior) problems.push(problem(at, '/encoding', `${f.id}: encoding 0x${e.toString(16)} is also ${prior}`));
      encodings.set(e, f.id);
    }
    const priorName = names.get(f.name.toLowerCase());
    if (priorName) problems.push(problem(at, '/name', `${f.id}: name "${f.name}" is also ${priorName}`));
    names.set(f.name.toLowerCase(), f.id);
    checkLayoutRef(at, '/layout', f.layout);
    checkConditions(at, f.existsWhen);
  }

  // Control groups.
  for (const at of spec.controls) {
    const g = at.value;
    if (!fieldIds.has(g.vmcsField)) problems.push(problem(at, '/vmcsField', `unknown VMCS field ${g.vmcsField}`));
    for (const m of [g.capabilityMsr, g.trueCapabilityMsr]) {
      if (m !== undefined && !msrs.has(m)) problems.push(problem(at, '', `unknown capability MSR ${m}`));
    }
    g.bits.forEach((b, i) => {
      if (b.bit >= g.width) problems.push(problem(at, `/bits/${i}/bit`, `bit ${b.bit} outside a ${g.width}-bit control field`));
    });
    g.default1Bits.forEach((b, i) => {
      if (b >= g.width) problems.push(problem(at, `/default1Bits/${i}`, `bit ${b} outside a ${g.width}-bit control field`));
    });
  }
  const seenGroups = new Set<string>();
  for (const at of spec.controls) {
    if (seenGroups.has(at.value.id)) problems.push(problem(at, '/id', `control group ${at.value.id} is defined twice`));
    seenGroups.add(at.value.id);
  }

  // Extension exit reasons (not in the SDM) are numbered above every SDM reason and named EXTENSION_.
  const sdmMaxReason = Math.max(...spec.exitReasons.filter((r) => r.value.extension !== true).map((r) => r.value.number));
  for (const at of spec.exitReasons) {
    if (at.value.extension === true && (at.value.number <= sdmMaxReason || !at.value.id.startsWith('EXTENSION_'))) {
      problems.push(problem(at, '/number', `${at.value.id}: an extension reason needs an EXTENSION_ id and a number above ${sdmMaxReason}`));
    }
    checkLayoutRef(at, '/qualification', at.value.qualification);
    for (const [vector, id] of Object.entries(at.value.qualificationByVector ?? {})) checkLayoutRef(at, `/qualificationByVector/${vector}`, id);
    (at.value.instructionInformation ?? []).forEach((id, i) => checkLayoutRef(at, `/instructionInformation/${i}`, id));
    checkConditions(at, at.value.existsWhen);
  }

  for (const at of spec.msrs) {
    const m = at.value;
    if (m.kind === 'layout') {
      if (!m.layout) problems.push(problem(at, '/layout', `${m.id}: kind layout needs a layout`));
      checkLayoutRef(at, '/layout', m.layout);
    }
    if ((m.kind === 'allowed-0-and-1' || m.kind === 'allowed-1') && (!m.controls || !groups.has(m.controls))) {
      problems.push(problem(at, '/controls', `${m.id}: needs the control group it reports`));
    }
    if ((m.kind === 'fixed-0' || m.kind === 'fixed-1') && !m.register) problems.push(problem(at, '/register', `${m.id}: needs its register`));
    checkConditions(at, m.existsWhen);
  }

  // VM-entry checks: known fields and controls, and the failure their area produces (SDM 27.2, 27.3, 27.4).
  const expected: Record<string, { kind: string; detail: number }> = {
    exec: { kind: 'vmfail-valid', detail: 7 },
    exit: { kind: 'vmfail-valid', detail: 7 },
    entry: { kind: 'vmfail-valid', detail: 7 },
    host: { kind: 'vmfail-valid', detail: 8 },
    guest: { kind: 'entry-failure', detail: 33 },
    'msr-load': { kind: 'entry-failure', detail: 34 },
  };
  const checkIds = new Set<string>();
  for (const at of spec.checks) {
    const c = at.value;
    if (checkIds.has(c.id)) problems.push(problem(at, '/id', `check id ${c.id} is used twice`));
    checkIds.add(c.id);
    c.fields.forEach((f, i) => { if (!fieldIds.has(f)) problems.push(problem(at, `/fields/${i}`, `unknown VMCS field ${f}`)); });
    (c.controls ?? []).forEach((r, i) => { if (!controlRefs.has(r)) problems.push(problem(at, `/controls/${i}`, `unknown control ${r}`)); });
    const area = c.id.split('.')[0]!;
    const want = expected[area];
    const got = c.failure.kind === 'vmfail-valid' ? c.failure.error : c.failure.exitReason;
    if (want && (want.kind !== c.failure.kind || want.detail !== got)) {
      problems.push(problem(at, '/failure', `${c.id}: a ${area} check fails with ${want.kind} ${want.detail}`));
    }
  }

  for (const at of spec.profiles) {
    for (const name of Object.keys(at.value.msrs)) {
      if (!msrs.has(name)) problems.push(problem(at, `/msrs/${name}`, `unknown capability MSR ${name}`));
    }
  }

  checkMemoryTypes(spec, problems);
  return problems;
}

/** Table 12-7 has exactly one row per (range type, PAT type) pair; every EPT memory type is a range type. */
function checkMemoryTypes(spec: Spec, problems: Problems): void {
  const types = spec.memoryTypes.map((t) => t.value);
  const seen = new Set<string>();
  for (const at of spec.memoryTypeCombinations) {
    const key = `${at.value.range}/${at.value.pat}`;
    if (seen.has(key)) problems.push(problem(at, '', `memory types ${key} combined twice`));
    seen.add(key);
  }
  const last = spec.memoryTypeCombinations.at(-1) ?? spec.memoryTypes.at(-1);
  if (last === undefined) return;
  for (const range of types.filter((t) => t.ept)) {
    for (const pat of types.filter((t) => t.pat)) {
      if (!seen.has(`${range.id}/${pat.id}`)) problems.push({ file: last.file, pointer: '/combination', message: `no row combines ${range.id} with PAT ${pat.id}` });
    }
  }
}
