// TypeScript types for every spec schema, by json-schema-to-typescript, into one module.
import { compile, type Options } from 'json-schema-to-typescript';
import { GENERATED_BANNER } from './emit.js';

/** Each schema's root, referenced from one synthetic schema so shared definitions are emitted once. */
export async function generateTypes(schemaDir: string, schemaFiles: readonly string[]): Promise<string> {
  const root = {
    title: 'VmxsimSpec',
    description: 'Every shape of the vmxsim spec data.',
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(
      schemaFiles
        .filter((f) => f !== 'common.schema.json')
        .map((f) => [f.replace('.schema.json', ''), { $ref: f }]),
    ),
  };
  const options: Partial<Options> = {
    cwd: schemaDir,
    bannerComment: GENERATED_BANNER,
    unreachableDefinitions: true,
    additionalProperties: false,
    declareExternallyReferenced: true,
    format: true,
    style: { singleQuote: true, printWidth: 110 },
  };
  return foldNumberedAliases(await compile(root as Parameters<typeof compile>[0], 'VmxsimSpec', options));
}

/**
 * json-schema-to-typescript emits a numbered copy of a `$ref`'d alias (SdmRef1, SdmRef2...) wherever
 * the reference carries its own description (and of an interface, e.g. ProfileImplementation1). Fold each copy
 * back into the alias or interface it duplicates.
 */
export function foldNumberedAliases(source: string): string {
  const alias = /(?:\/\*\*(?:[^*]|\*(?!\/))*\*\/\n)?export type ([A-Za-z]+?)(\d+) = ([^;\n]+);\n/g;
  const bases = new Map<string, string>();
  for (const m of source.matchAll(/^export type ([A-Za-z]+) = ([^;\n]+);$/gm)) bases.set(m[1]!, m[2]!);
  const folded: string[] = [];
  let out = source.replace(alias, (whole, base: string, n: string, rhs: string) => {
    if (bases.get(base) !== rhs) return whole;
    folded.push(base + n);
    return '';
  });
  // The same for an interface: a numbered copy whose body is the base interface's body.
  const bodies = new Map<string, string>();
  for (const m of out.matchAll(/^export interface ([A-Za-z]+) \{\n([\s\S]*?)\n\}$/gm)) bodies.set(m[1]!, m[2]!);
  out = out.replace(/(?:\/\*\*(?:[^*]|\*(?!\/))*\*\/\n)?export interface ([A-Za-z]+?)(\d+) \{\n([\s\S]*?)\n\}\n/g, (whole, base: string, n: string, body: string) => {
    if (bodies.get(base) !== body) return whole;
    folded.push(base + n);
    return '';
  });
  for (const name of folded) out = out.replace(new RegExp(`\\b${name}\\b`, 'g'), name.replace(/\d+$/, ''));
  return out;
}
