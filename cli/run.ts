// The command line's dispatch: arguments in, output and exit code out.
import { parseArgs } from 'node:util';
import { decodeCommand } from './decode-command.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from './errors.js';
import { profileCommand } from './profile-command.js';
import { runCommand } from './run-command.js';
import { conformCommand } from './conform-command.js';
import { specCommand } from './spec-command.js';

const HELP = `vmxsim — a model of Intel VT-x and a conformance suite for VMMs

usage:
  vmxsim spec [fields|controls|exit-reasons|errors|checks|msrs|layouts|profiles] [--json] [filter]
  vmxsim decode field <encoding|FIELD_ID>
  vmxsim decode exit-reason <value>
  vmxsim decode exit-qualification --reason N [--vector V] <value>
  vmxsim decode instruction-information --reason N [--layout ID] <value>
  vmxsim decode controls <group> <value>
  vmxsim decode error <number>
  vmxsim decode msr <MSR_ID|address> <value>
  vmxsim decode <layout-id> <value>
  vmxsim profile list | show <name|file> | check <file>
  vmxsim profile from-msrs <dump|-> [--base NAME] [--id ID] [--name TEXT] [-o FILE [--force]]
  vmxsim run <image.bin> [--rom | --load ADDR --entry ADDR --mode real|prot32|long64]
             [--max-instructions N] [--profile NAME|FILE] [--memory MiB] [--seed N] [--trace]

  vmxsim conform [--filter GLOB] [--tag T] [--profile NAME|FILE] [--backend model] [--json FILE] [--junit FILE]
                 [--report DIR]   (DIR/index.html: results and spec coverage, self-contained)
                 [--workers N]    (worker threads; default one per core, at most 8; 1 runs in-process)
                 [--shard i/n]    (every n-th selected case starting at the i-th, 1-based)
                 [--coverage]     (the model's code coverage with c8: reports/out/coverage/index.html)

Numbers may be 0x-hex, SDM-style hex (4402h) or decimal. Exit status: 0 ok, 1 failure, 2 bad input.`;

export function run(argv: readonly string[]): { code: number; stdout: string; stderr: string } {
  // `run` has its own options and streams its output as the machine runs.
  if (argv[0] === 'run') return guarded(() => runCommand(argv.slice(1)));
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean', default: false },
        reason: { type: 'string' },
        layout: { type: 'string' },
        vector: { type: 'string' },
        base: { type: 'string' },
        id: { type: 'string' },
        name: { type: 'string' },
        output: { type: 'string', short: 'o' },
        force: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    return { code: EXIT_USAGE, stdout: '', stderr: `vmxsim: ${(e as Error).message}\n` };
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  try {
    if (values.help || command === undefined || command === 'help') return { code: EXIT_OK, stdout: HELP + '\n', stderr: '' };
    switch (command) {
      case 'spec':
        return { code: EXIT_OK, stdout: specCommand(rest, values.json) + '\n', stderr: '' };
      case 'decode':
        return {
          code: EXIT_OK,
          stdout: decodeCommand(rest, { json: values.json, ...(values.reason !== undefined ? { reason: values.reason } : {}), ...(values.layout !== undefined ? { layout: values.layout } : {}), ...(values.vector !== undefined ? { vector: values.vector } : {}) }) + '\n',
          stderr: '',
        };
      case 'profile': {
        const out = profileCommand(rest, {
          force: values.force,
          ...(values.base !== undefined ? { base: values.base } : {}),
          ...(values.id !== undefined ? { id: values.id } : {}),
          ...(values.name !== undefined ? { name: values.name } : {}),
          ...(values.output !== undefined ? { output: values.output } : {}),
        });
        return { code: EXIT_OK, stdout: out.stdout ? out.stdout + '\n' : '', stderr: (out.notes ?? []).map((n) => n + '\n').join('') };
      }
      default:
        throw new UsageError(`unknown command "${command}"; try vmxsim --help`);
    }
  } catch (e) {
    if (e instanceof UsageError) return { code: EXIT_USAGE, stdout: '', stderr: `vmxsim: ${e.message}\n` };
    return { code: EXIT_FAILURE, stdout: '', stderr: `vmxsim: internal error: ${(e as Error).stack ?? String(e)}\n` };
  }
}

function guarded(f: () => { code: number; stdout: string; stderr: string }): { code: number; stdout: string; stderr: string } {
  try {
    return f();
  } catch (e) {
    if (e instanceof UsageError) return { code: EXIT_USAGE, stdout: '', stderr: `vmxsim: ${e.message}\n` };
    return { code: EXIT_FAILURE, stdout: '', stderr: `vmxsim: internal error: ${(e as Error).stack ?? String(e)}\n` };
  }
}

/** `vmxsim conform` runs asynchronously (worker threads) and draws its progress on stderr as it goes. */
export async function conformMain(argv: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  try {
    let values;
    try {
      ({ values } = parseArgs({
        args: [...argv], allowPositionals: false, strict: true,
        options: {
          filter: { type: 'string' }, tag: { type: 'string' }, profile: { type: 'string' }, backend: { type: 'string' },
          json: { type: 'string' }, junit: { type: 'string' }, report: { type: 'string' },
          workers: { type: 'string' }, shard: { type: 'string' }, coverage: { type: 'boolean' },
        },
      }));
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const progress = { isTTY: process.stderr.isTTY === true, write: (text: string) => void process.stderr.write(text) };
    const code = await conformCommand(values, { out: (l) => out.push(l), err: (l) => err.push(l), progress });
    return { code, stdout: out.map((l) => l + '\n').join(''), stderr: err.map((l) => l + '\n').join('') };
  } catch (e) {
    if (e instanceof UsageError) return { code: EXIT_USAGE, stdout: '', stderr: `vmxsim: ${e.message}\n` };
    return { code: EXIT_FAILURE, stdout: '', stderr: `vmxsim: internal error: ${(e as Error).stack ?? String(e)}\n` };
  }
}
