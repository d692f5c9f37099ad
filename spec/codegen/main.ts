// `npm run gen`: regenerate model/generated from spec/. `--check` compares instead of writing.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from './generate.js';
import { formatProblem } from './load.js';

function projectRoot(): string {
  // Runs from dist-codegen/spec/codegen/main.js.
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above the generator');
    dir = up;
  }
  return dir;
}

async function main(argv: readonly string[]): Promise<number> {
  const root = projectRoot();
  const check = argv.includes('--check');
  const outIndex = argv.indexOf('--out');
  const outDir = outIndex >= 0 && argv[outIndex + 1] ? resolve(argv[outIndex + 1]!) : join(root, 'model', 'generated');
  const result = await generate(root);
  if (result.kind === 'invalid') {
    for (const p of result.problems) console.error(formatProblem(p));
    console.error(`gen: ${result.problems.length} problem(s) in spec/; nothing was written`);
    return 1;
  }
  if (check) {
    const drift = [...result.files].filter(([name, text]) => !existsSync(join(outDir, name)) || readFileSync(join(outDir, name), 'utf8') !== text);
    for (const [name] of drift) console.error(`gen --check: ${join(outDir, name)} differs from what spec/ generates`);
    return drift.length > 0 ? 1 : 0;
  }
  mkdirSync(outDir, { recursive: true });
  // Stale generated modules are removed only from our own folder, never from a folder the user named.
  if (outIndex < 0) {
    for (const name of readdirSync(outDir)) {
      if (name.endsWith('.ts') && !result.files.has(name)) rmSync(join(outDir, name));
    }
  }
  for (const [name, text] of result.files) writeFileSync(join(outDir, name), text);
  console.log(`gen: wrote ${result.files.size} files to ${outDir}`);
  return 0;
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e: unknown) => {
  console.error(e instanceof Error ? e.stack ?? e.message : String(e));
  process.exitCode = 2;
});
