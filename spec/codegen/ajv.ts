// The ajv instance every spec schema is compiled with: JSON Schema 2020-12, strict mode,
// and the two keywords our schemas add (declared, so strict mode accepts them).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020Module, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv and ajv-formats are CommonJS with a `default` export; NodeNext sees the namespace.
const Ajv2020 = Ajv2020Module.default;
const addFormats = addFormatsModule.default;

export const SCHEMA_BASE = 'https://vmxsim.org/schemas/';

export interface SchemaSet {
  readonly validator: (schemaFile: string) => ValidateFunction;
  readonly schemas: ReadonlyMap<string, unknown>;
}

/** `uniqueBy: ["id", "bit"]`: no two items of the array share a value of any listed property. */
function uniqueByKeyword(keys: unknown, data: unknown, instancePath: string): ErrorObject[] {
  const errors: ErrorObject[] = [];
  if (!Array.isArray(keys) || !Array.isArray(data)) return errors;
  for (const key of keys) {
    const seen = new Map<unknown, number>();
    data.forEach((item: unknown, i) => {
      if (typeof item !== 'object' || item === null) return;
      const value = (item as Record<string, unknown>)[String(key)];
      if (value === undefined) return;
      const first = seen.get(value);
      if (first !== undefined) {
        errors.push({
          keyword: 'uniqueBy',
          instancePath: `${instancePath}/${i}`,
          schemaPath: '#/uniqueBy',
          params: { key, first },
          message: `duplicate ${String(key)} ${JSON.stringify(value)} (first at index ${first})`,
        });
      } else {
        seen.set(value, i);
      }
    });
  }
  return errors;
}

export type SpecAjv = InstanceType<typeof Ajv2020>;

/** An ajv for our schemas: 2020-12, strict, all errors, with our keywords declared. */
export function createAjv(): SpecAjv {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  ajv.addKeyword({
    keyword: 'uniqueBy',
    type: 'array',
    schemaType: 'array',
    errors: true,
    validate: function validate(keys: unknown, data: unknown, _schema?: unknown, context?: { instancePath: string }): boolean {
      const errors = uniqueByKeyword(keys, data, context?.instancePath ?? '');
      (validate as { errors?: ErrorObject[] }).errors = errors;
      return errors.length === 0;
    },
  });
  // json-schema-to-typescript reads tsType; ajv only needs to know it exists.
  ajv.addKeyword({ keyword: 'tsType', schemaType: 'string' });
  return ajv;
}

export function loadSchemas(schemaDir: string): SchemaSet {
  const ajv = createAjv();
  const schemas = new Map<string, unknown>();
  for (const file of readdirSync(schemaDir).filter((f) => f.endsWith('.schema.json')).sort()) {
    const schema: unknown = JSON.parse(readFileSync(join(schemaDir, file), 'utf8'));
    schemas.set(file, schema);
    ajv.addSchema(schema as object);
  }
  return {
    schemas,
    validator(schemaFile: string): ValidateFunction {
      const fn = ajv.getSchema(SCHEMA_BASE + schemaFile);
      if (!fn) throw new Error(`no schema ${schemaFile}`);
      return fn;
    },
  };
}
