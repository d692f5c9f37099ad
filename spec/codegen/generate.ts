// The generator: validate, check, then produce every file of model/generated as text.
import { join } from 'node:path';
import { checkSpec } from './checks.js';
import { loadSpec, type SpecProblem } from './load.js';
import {
  emitApicRegisters, emitCapabilityMsrs, emitControls, emitEntryChecks, emitExitReasons, emitIndex, emitLayouts, emitMemoryTypes, emitProfiles, emitSchemas,
  emitVmInstructionErrors, emitVmcsFields,
} from './tables.js';
import { generateTypes } from './types.js';

export type GenerateResult =
  | { readonly kind: 'ok'; readonly files: ReadonlyMap<string, string> }
  | { readonly kind: 'invalid'; readonly problems: readonly SpecProblem[] };

/** All generated files, keyed by their name within model/generated. Pure: writes nothing. */
export async function generate(root: string): Promise<GenerateResult> {
  const { spec, problems } = loadSpec(root);
  if (problems.length > 0) return { kind: 'invalid', problems };
  const semantic = checkSpec(spec);
  if (semantic.length > 0) return { kind: 'invalid', problems: semantic };
  const files = new Map<string, string>([
    ['types.ts', await generateTypes(join(root, 'spec', 'schemas'), spec.schemaFiles)],
    ['vmcs-fields.ts', emitVmcsFields(spec)],
    ['controls.ts', emitControls(spec)],
    ['exit-reasons.ts', emitExitReasons(spec)],
    ['layouts.ts', emitLayouts(spec)],
    ['vm-instruction-errors.ts', emitVmInstructionErrors(spec)],
    ['vm-entry-checks.ts', emitEntryChecks(spec)],
    ['capability-msrs.ts', emitCapabilityMsrs(spec)],
    ['profiles.ts', emitProfiles(spec)],
    ['apic-registers.ts', emitApicRegisters(spec)],
    ['memory-types.ts', emitMemoryTypes(spec)],
    ['schemas.ts', emitSchemas(spec.schemas)],
  ]);
  files.set('index.ts', emitIndex(files));
  return { kind: 'ok', files };
}
