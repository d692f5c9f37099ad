// Small helpers for writing generated TypeScript.

export const GENERATED_BANNER =
  '// generated — do not edit. Produced by `npm run gen` (spec/codegen) from spec/schemas and spec/data.\n' +
  '/* eslint-disable */';

export function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

export function hex(n: number | bigint): string {
  return '0x' + n.toString(16).toUpperCase();
}

/** A value as a TS literal: JSON, with string keys unquoted where they are identifiers. */
export function literal(value: unknown, indent = ''): string {
  if (typeof value === 'bigint') return `${hex(value)}n`;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return '[' + value.map((v) => literal(v, indent)).join(', ') + ']';
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    return (
      '{ ' +
      entries
        .map(([k, v]) => `${/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : JSON.stringify(k)}: ${literal(v, indent)}`)
        .join(', ') +
      ' }'
    );
  }
  return JSON.stringify(value);
}

export function moduleText(lines: readonly string[]): string {
  return GENERATED_BANNER + '\n' + lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}
