// What several commands share: strict flag parsing into UsageError, cache and store locations,
// and the upstream source (a local clone/mirror, a fixtures dir, or GitHub with a token).
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { createUpstream } from '../upstream/index.ts';
import { ConfigError, UsageError, type UpstreamSource } from '../core/index.ts';
import { readEngineDefinitions } from '../config/index.ts';
import { pickDockerBinary, processOwner, sweepEngines, type Owner } from '../engine/index.ts';
import type { EngineSetup, Sandbox } from '../jobs/index.ts';
import { readContainerLimits } from '../measure/index.ts';
import type { CliIo } from './io.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs with our rules: unknown flags and stray positionals are usage errors. */
export function parseFlags<O extends Options>(io: CliIo, options: O) {
  try {
    return parseArgs({ args: io.argv, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    if (err instanceof TypeError) throw new UsageError(err.message);
    throw err;
  }
}

export function defaultCacheDir(io: CliIo): string {
  return io.env.BUMPGUARD_CACHE || join(io.env.HOME ?? homedir(), '.cache', 'bumpguard');
}

/** The results store: --db, else $BUMPGUARD_DB, else beside the cache. */
export function defaultDbPath(io: CliIo, flag: string | undefined): string {
  return flag ?? (io.env.BUMPGUARD_DB || join(defaultCacheDir(io), 'bumpguard.db'));
}

export function upstreamSpec(io: CliIo, flag: string | undefined): string {
  return flag ?? (io.env.BUMPGUARD_UPSTREAM || 'github');
}

/**
 * The engines the bot's operator would define, from a local file: `--engines FILE`, else
 * BUMPGUARD_ENGINES / BUMPGUARD_ENGINES_FILE as `serve` reads them. Throws ConfigError naming the entry.
 */
export function engineSetup(io: CliIo, flag: string | undefined): EngineSetup {
  const read = (path: string) => readFileSync(resolve(io.cwd, path), 'utf8');
  const definitions =
    flag !== undefined
      ? readEngineDefinitions({ file: flag, fileSource: '--engines' }, read)
      : readEngineDefinitions({ json: io.env.BUMPGUARD_ENGINES, file: io.env.BUMPGUARD_ENGINES_FILE }, read);
  const policy = io.env.BUMPGUARD_REPO_BUILDERS || 'warn';
  if (policy !== 'warn' && policy !== 'refuse') throw new UsageError(`BUMPGUARD_REPO_BUILDERS is "warn" or "refuse", not "${policy}"`);
  return { definitions, repoBuilders: policy };
}

export async function openUpstream(io: CliIo, spec: string, repo: string, cacheDir: string): Promise<UpstreamSource> {
  const token = io.env.GITHUB_TOKEN || io.env.GH_TOKEN || undefined;
  return createUpstream(spec, { repo, token, cacheDir, cwd: io.cwd });
}

/** The upstream as a terminal shows it: the directory the user named, then what it is. */
export function upstreamLabel(spec: string, upstream: UpstreamSource): string {
  return spec === 'github' ? upstream.describe : `${spec} (${upstream.describe})`;
}

/** Writes a usage error the same way for every command; returns the exit code. */
export function reportUsage(io: CliIo, command: string, err: UsageError): number {
  io.stderr.write(`bumpguard ${command}: ${err.userMessage}\nRun "bumpguard ${command} --help" for usage.\n`);
  return 2;
}

export function splitList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return items.length > 0 ? items : undefined;
}

/** The container cage from BUMPGUARD_CONTAINER_* (the CLI builds the user's own code: no untrusted-build rules). */
export function cliSandbox(io: CliIo): Sandbox & { owner: Owner } {
  const { limits, issues } = readContainerLimits(io.env);
  if (issues.length > 0)
    throw new ConfigError(`The environment is invalid: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`, issues);
  return { untrustedNetwork: 'all', limits, owner: processOwner() };
}

/**
 * Removes, beside the run, what killed bumpguard processes left in each engine it may use (the
 * bot's own and the operator's): one line on stderr per engine that had leftovers or did not
 * answer, none with `quiet` (--json). Never rejects; awaited before the command exits.
 */
export async function sweepBeside(io: CliIo, command: string, setup: EngineSetup, owner: Owner, quiet: boolean): Promise<void> {
  const docker = pickDockerBinary(io.env, existsSync);
  const swept = await sweepEngines(setup.definitions, owner, { docker, env: io.env, signal: io.signal });
  if (quiet) return;
  for (const sweep of swept) {
    if ('error' in sweep) io.stderr.write(`bumpguard ${command}: leftover sweep of engine ${sweep.engine} skipped: ${sweep.error}\n`);
    else if (sweep.outcome.removed.length > 0)
      io.stderr.write(
        `bumpguard ${command}: removed ${sweep.outcome.removed.length} image tag(s) and container(s) that killed runs left in engine ${sweep.engine}\n`,
      );
  }
}
