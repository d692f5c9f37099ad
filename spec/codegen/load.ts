// Reads every spec data file, validates it against its schema, and returns the catalogues.
// A file that does not validate is reported with its path, the JSON pointer and the reason.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type {
  ApicRegister, ApicRegisterCatalogue, CapabilityMsr, CapabilityMsrCatalogue, ControlGroup, CpuProfile, ExitReason, ExitReasonCatalogue, Layout,
  LayoutCatalogue, MemoryType, MemoryTypeCatalogue, MemoryTypeCombination, VmEntryCheck, VmEntryCheckCatalogue, VmInstructionError, VmInstructionErrorCatalogue, VmcsField,
  VmcsFieldCatalogue,
} from '../../model/generated/types.js';
import { loadSchemas } from './ajv.js';

export interface SpecProblem {
  readonly file: string;
  readonly pointer: string;
  readonly message: string;
}

export function formatProblem(p: SpecProblem): string {
  return `${p.file}: ${p.pointer || '/'}: ${p.message}`;
}

export interface Located<T> {
  readonly value: T;
  readonly file: string;
  /** JSON pointer of the entry within its file. */
  readonly pointer: string;
}

export interface Spec {
  readonly root: string;
  readonly schemaFiles: readonly string[];
  readonly schemas: ReadonlyMap<string, unknown>;
  readonly fields: readonly Located<VmcsField>[];
  readonly controls: readonly Located<ControlGroup>[];
  readonly exitReasons: readonly Located<ExitReason>[];
  readonly layouts: readonly Located<Layout>[];
  readonly errors: readonly Located<VmInstructionError>[];
  readonly checks: readonly Located<VmEntryCheck>[];
  readonly msrs: readonly Located<CapabilityMsr>[];
  readonly profiles: readonly Located<CpuProfile>[];
  readonly apicRegisters: readonly Located<ApicRegister>[];
  readonly memoryTypes: readonly Located<MemoryType>[];
  readonly memoryTypeCombinations: readonly Located<MemoryTypeCombination>[];
}

/** Control groups in the order the SDM presents them. */
export const CONTROL_GROUP_ORDER = ['pin', 'proc', 'proc2', 'proc3', 'exit', 'exit2', 'entry', 'vmfunc'] as const;
/** Entry-check files in SDM order: 27.2.1, 27.2.2-27.2.4, 27.3, 27.4. */
export const ENTRY_CHECK_FILES = ['controls.json', 'host-state.json', 'guest-state.json', 'msr-loading.json'] as const;

interface Manifest {
  /** Data file or folder, relative to spec/data. */
  readonly path: string;
  readonly schema: string;
  readonly folder: boolean;
}

const MANIFEST: readonly Manifest[] = [
  { path: 'vmcs/fields.json', schema: 'vmcs-field.schema.json', folder: false },
  { path: 'controls', schema: 'control-group.schema.json', folder: true },
  { path: 'exit-reasons.json', schema: 'exit-reason.schema.json', folder: false },
  { path: 'layouts', schema: 'layout.schema.json', folder: true },
  { path: 'vm-instruction-errors.json', schema: 'vm-instruction-error.schema.json', folder: false },
  { path: 'entry-checks', schema: 'vm-entry-check.schema.json', folder: true },
  { path: 'capability-msrs.json', schema: 'capability-msr.schema.json', folder: false },
  { path: 'profiles', schema: 'cpu-profile.schema.json', folder: true },
  { path: 'apic/registers.json', schema: 'apic-register.schema.json', folder: false },
  { path: 'memory-types.json', schema: 'memory-type.schema.json', folder: false },
];

function listJson(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
}

/** Every file under spec/data must belong to the manifest; a stray file is a mistake worth naming. */
function strayFiles(dataDir: string): string[] {
  const known = new Set(MANIFEST.map((m) => m.path));
  const stray: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      const rel = relative(dataDir, full);
      if (statSync(full).isDirectory()) {
        if (!known.has(rel)) walk(full);
      } else if (!known.has(rel) && !known.has(relative(dataDir, dir))) {
        stray.push(rel);
      }
    }
  };
  walk(dataDir);
  return stray;
}

export function loadSpec(root: string): { spec: Spec; problems: SpecProblem[] } {
  const schemaDir = join(root, 'spec', 'schemas');
  const dataDir = join(root, 'spec', 'data');
  const schemas = loadSchemas(schemaDir);
  const problems: SpecProblem[] = [];
  const out = {
    fields: [] as Located<VmcsField>[],
    controls: [] as Located<ControlGroup>[],
    exitReasons: [] as Located<ExitReason>[],
    layouts: [] as Located<Layout>[],
    errors: [] as Located<VmInstructionError>[],
    checks: [] as Located<VmEntryCheck>[],
    msrs: [] as Located<CapabilityMsr>[],
    profiles: [] as Located<CpuProfile>[],
    apicRegisters: [] as Located<ApicRegister>[],
    memoryTypes: [] as Located<MemoryType>[],
    memoryTypeCombinations: [] as Located<MemoryTypeCombination>[],
  };

  for (const stray of strayFiles(dataDir)) {
    problems.push({ file: `spec/data/${stray}`, pointer: '', message: 'not a known spec data file (see MANIFEST in spec/codegen/load.ts)' });
  }

  for (const entry of MANIFEST) {
    const full = join(dataDir, entry.path);
    let files: string[];
    if (entry.folder) {
      files = existsSync(full) ? listJson(full).map((f) => join(entry.path, f)) : [];
      if (entry.path === 'entry-checks') {
        for (const f of files) {
          const base = f.slice('entry-checks/'.length);
          if (!(ENTRY_CHECK_FILES as readonly string[]).includes(base)) {
            problems.push({ file: `spec/data/${f}`, pointer: '', message: `entry-check files are ${ENTRY_CHECK_FILES.join(', ')}` });
          }
        }
        files = ENTRY_CHECK_FILES.map((f) => join('entry-checks', f)).filter((f) => existsSync(join(dataDir, f)));
      }
    } else {
      files = [entry.path];
    }
    if (files.length === 0) {
      problems.push({ file: `spec/data/${entry.path}`, pointer: '', message: 'missing' });
      continue;
    }
    const validate = schemas.validator(entry.schema);
    for (const rel of files) {
      const file = `spec/data/${rel}`;
      let data: unknown;
      try {
        data = JSON.parse(readFileSync(join(dataDir, rel), 'utf8'));
      } catch (e) {
        problems.push({ file, pointer: '', message: existsSync(join(dataDir, rel)) ? `not valid JSON: ${(e as Error).message}` : 'missing' });
        continue;
      }
      if (!validate(data)) {
        for (const err of validate.errors ?? []) {
          const detail = err.keyword === 'additionalProperties' ? ` (${String(err.params['additionalProperty'])})` : '';
          problems.push({ file, pointer: err.instancePath, message: `${err.message ?? 'invalid'}${detail}` });
        }
        continue;
      }
      const at = <T>(list: readonly T[], key: string): Located<T>[] =>
        list.map((value, i) => ({ value, file, pointer: `/${key}/${i}` }));
      switch (entry.schema) {
        case 'vmcs-field.schema.json': out.fields.push(...at((data as VmcsFieldCatalogue).fields, 'fields')); break;
        case 'control-group.schema.json': out.controls.push({ value: data as ControlGroup, file, pointer: '' }); break;
        case 'exit-reason.schema.json': out.exitReasons.push(...at((data as ExitReasonCatalogue).reasons, 'reasons')); break;
        case 'layout.schema.json': out.layouts.push(...at((data as LayoutCatalogue).layouts, 'layouts')); break;
        case 'vm-instruction-error.schema.json': out.errors.push(...at((data as VmInstructionErrorCatalogue).errors, 'errors')); break;
        case 'vm-entry-check.schema.json': out.checks.push(...at((data as VmEntryCheckCatalogue).checks, 'checks')); break;
        case 'capability-msr.schema.json': out.msrs.push(...at((data as CapabilityMsrCatalogue).msrs, 'msrs')); break;
        case 'apic-register.schema.json': out.apicRegisters.push(...at((data as ApicRegisterCatalogue).registers, 'registers')); break;
        case 'memory-type.schema.json':
          out.memoryTypes.push(...at((data as MemoryTypeCatalogue).types, 'types'));
          out.memoryTypeCombinations.push(...at((data as MemoryTypeCatalogue).combination, 'combination'));
          break;
        case 'cpu-profile.schema.json': out.profiles.push({ value: data as CpuProfile, file, pointer: '' }); break;
        default: throw new Error(`unhandled schema ${entry.schema}`);
      }
    }
  }
  const order = (g: Located<ControlGroup>): number => (CONTROL_GROUP_ORDER as readonly string[]).indexOf(g.value.id);
  out.controls.sort((a, b) => order(a) - order(b));
  return { spec: { root, schemaFiles: [...schemas.schemas.keys()], schemas: schemas.schemas, ...out }, problems };
}
