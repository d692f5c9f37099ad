// `vmxsim profile list|show|check|from-msrs`: the CPU the model pretends to be.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { BUILTIN_PROFILES } from '../model/generated/index.js';
import { DEFAULT_PROFILE, builtinProfile, profileFromMsrDump, resolveProfile } from '../model/profile/index.js';
import { table } from './format.js';
import { UsageError } from './errors.js';

export interface ProfileOptions {
  readonly base?: string;
  readonly id?: string;
  readonly name?: string;
  readonly output?: string;
  readonly force: boolean;
}

export interface CommandOutput {
  readonly stdout: string;
  /** Messages for stderr (e.g. "wrote FILE"). */
  readonly notes?: readonly string[];
}

const USAGE = `profile what? one of:
  vmxsim profile list
  vmxsim profile show <name|file>
  vmxsim profile check <file>
  vmxsim profile from-msrs <dump> [--base NAME] [--id ID] [--name TEXT] [-o FILE [--force]]`;

function loadOrThrow(nameOrPath: string): ReturnType<typeof resolveProfile> & { kind: 'ok' } {
  const r = resolveProfile(nameOrPath);
  if (r.kind === 'error') throw new UsageError(r.messages.join('\n'));
  return r;
}

export function profileCommand(args: readonly string[], options: ProfileOptions): CommandOutput {
  const [what, arg, ...extra] = args;
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"\n${USAGE}`);
  switch (what) {
    case 'list':
      return { stdout: table(['id', 'name', ''], BUILTIN_PROFILES.map((p) => [p.id, p.name, p.id === DEFAULT_PROFILE ? '(default)' : ''])) };
    case 'show':
      if (arg === undefined) throw new UsageError('profile show needs a profile name or file');
      return { stdout: JSON.stringify(loadOrThrow(arg).profile, null, 2) };
    case 'check':
      if (arg === undefined) throw new UsageError('profile check needs a profile file');
      return { stdout: `${arg}: ${loadOrThrow(arg).profile.id} is a valid, consistent profile` };
    case 'from-msrs': {
      if (arg === undefined) throw new UsageError('profile from-msrs needs a dump file ("-" for standard input)');
      const baseId = options.base ?? DEFAULT_PROFILE;
      const base = builtinProfile(baseId);
      if (!base) throw new UsageError(`--base ${baseId}: not a built-in profile (${BUILTIN_PROFILES.map((p) => p.id).join(', ')})`);
      let text: string;
      try {
        text = readFileSync(arg === '-' ? 0 : arg, 'utf8');
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        throw new UsageError(`${arg}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
      }
      const result = profileFromMsrDump(text, {
        base, source: arg === '-' ? 'stdin' : arg,
        ...(options.id !== undefined ? { id: options.id } : {}),
        ...(options.name !== undefined ? { name: options.name } : {}),
      });
      if (result.kind === 'error') throw new UsageError(result.messages.join('\n'));
      const json = JSON.stringify(result.profile, null, 2) + '\n';
      if (options.output === undefined) return { stdout: json.trimEnd() };
      if (existsSync(options.output) && !options.force) throw new UsageError(`${options.output} exists; not overwriting it (add --force to replace it)`);
      writeFileSync(options.output, json);
      return { stdout: '', notes: [`wrote profile ${result.profile.id} to ${options.output}`] };
    }
    default:
      throw new UsageError(USAGE);
  }
}
