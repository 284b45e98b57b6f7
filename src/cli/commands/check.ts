// `bumpguard check`: the bot's whole job on a local repo, no forge: audit, build base and head
// for every platform, measure, run canaries, compare, decide, and print the report.
import { resolve } from 'node:path';
import { BuildCache } from '../../build/index.ts';
import { parseSize, readConfigAt } from '../../config/index.ts';
import { UsageError, type CheckResult } from '../../core/index.ts';
import { judgeSnapshot, runCheck } from '../../jobs/index.ts';
import { detectBump } from '../../bump/index.ts';
import { evaluatePolicy, type PolicyOutcome } from '../../policy/index.ts';
import { renderJson, renderReport, renderText } from '../../report/index.ts';
import { localSourceTree } from '../../repo/index.ts';
import { openDatabase, ResultStore } from '../../store/index.ts';
import { localEditRunner } from '../../upstream/index.ts';
import {
  cliSandbox,
  sweepBeside,
  defaultCacheDir,
  defaultDbPath,
  engineSetup,
  openUpstream,
  parseFlags,
  reportUsage,
  splitList,
  upstreamSpec,
} from '../common-options.ts';
import { EXIT, exitCodeForVerdict, type CliIo, type Command } from '../io.ts';
import { createProgress } from '../progress.ts';

export const CHECK_HELP = `Usage: bumpguard check --repo DIR --base REF --head REF [options]

Builds the image at the base and at the head for every platform, measures compressed image,
on-flash, rootfs, binary and RAM, runs the repo's canaries, audits the Tailscale feature tags
when the head bumps Tailscale, and prints the report the bot would post. Config is read from
.bumpguard.yml at the base. Base results are stored and reused: a second run builds only the head.

Options:
  --repo DIR             git repository of the image (default: current directory)
  --base REF             the PR's base branch or commit (required)
  --head REF             the PR's head branch or commit (default: HEAD)
  --platforms LIST       comma-separated subset, e.g. linux/amd64,linux/arm64 (default: config)
  --engines FILE         engines to build and run platforms on, as the bot's BUMPGUARD_ENGINES
                         (JSON; default: $BUMPGUARD_ENGINES or $BUMPGUARD_ENGINES_FILE; none: the
                         local engine for every platform, foreign ones under qemu-user)
  --db PATH              results store (default: $BUMPGUARD_DB or ~/.cache/bumpguard/bumpguard.db)
  --no-cache             rebuild the head even when a stored result exists
  --no-cache-base        rebuild the base too
  --audit-only           feature-tag audit only, no builds
  --upstream DIR|github  tailscale/tailscale source (default: $BUMPGUARD_UPSTREAM, else github)
  --cache DIR            cache for upstream reads (default: $BUMPGUARD_CACHE or ~/.cache/bumpguard)
  --format markdown|text report format (default: markdown, as posted on the PR)
  --json                 print the structured result (docs/json-contract.md) instead
  -h, --help             show this help

Exit codes: 0 success, 1 failure verdict, 2 usage, config or an error verdict (no Docker engine,
an engine that stopped answering, an unreachable upstream: the report still shows what was
measured), 130 interrupted.
`;

const FLAGS = {
  repo: { type: 'string' },
  base: { type: 'string' },
  head: { type: 'string' },
  platforms: { type: 'string' },
  engines: { type: 'string' },
  db: { type: 'string' },
  'no-cache': { type: 'boolean' },
  'no-cache-base': { type: 'boolean' },
  'audit-only': { type: 'boolean' },
  upstream: { type: 'string' },
  cache: { type: 'string' },
  format: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const check: Command = async (io) => {
  let flags;
  try {
    flags = parseFlags(io, FLAGS);
    if (flags.help) {
      io.stdout.write(CHECK_HELP);
      return EXIT.ok;
    }
    if (flags.base === undefined) throw new UsageError('--base REF is required (the branch the PR merges into)');
    if (flags.format !== undefined && flags.format !== 'markdown' && flags.format !== 'text')
      throw new UsageError(`--format must be markdown or text, not "${flags.format}"`);
  } catch (err) {
    if (err instanceof UsageError) return reportUsage(io, 'check', err);
    throw err;
  }
  let engines;
  try {
    engines = engineSetup(io, flags.engines);
  } catch (err) {
    if (err instanceof UsageError) return reportUsage(io, 'check', err);
    throw err;
  }
  const repoDir = resolve(io.cwd, flags.repo ?? '.');
  const source = localSourceTree(repoDir);
  const [baseSha, headSha] = await Promise.all([source.resolve(flags.base), source.resolve(flags.head ?? 'HEAD')]);
  const { config, source: configSource } = await readConfigAt(source, baseSha);
  const platforms = splitList(flags.platforms);
  const unknown = (platforms ?? []).filter((p) => !config.platforms.includes(p));
  if (unknown.length > 0) {
    return reportUsage(io, 'check', new UsageError(`${unknown.join(', ')} not in the config's platforms (${config.platforms.join(', ')})`));
  }
  const sandbox = cliSandbox(io);
  const cacheDir = flags.cache ?? defaultCacheDir(io);
  const upstream = await openUpstream(io, upstreamSpec(io, flags.upstream), config.upstream, cacheDir);
  const db = openDatabase(defaultDbPath(io, flags.db));
  const progress = createProgress(io.stderr, flags.json ? 'quiet' : io.isTTY ? 'tty' : 'lines', undefined, (snapshot) =>
    judgeSnapshot(snapshot, config),
  );
  if (!flags.json)
    io.stderr.write(
      `bumpguard check: config from ${configSource}; ${flags.base} (${baseSha.slice(0, 12)}) → ${flags.head ?? 'HEAD'} (${headSha.slice(0, 12)})\n`,
    );
  // Beside the check, not before it: leftovers of killed runs never hold up this one.
  const sweep = flags['audit-only'] ? Promise.resolve() : sweepBeside(io, 'check', engines, sandbox.owner, Boolean(flags.json));
  let result: CheckResult;
  try {
    const bump = await detectBump(source, baseSha, headSha, config);
    result = await runCheck(
      {
        repo: repoDir,
        base: { ref: flags.base, sha: baseSha },
        head: { ref: flags.head ?? 'HEAD', sha: headSha },
        bump,
        platforms,
        noCache: flags['no-cache'],
        noCacheBase: flags['no-cache-base'],
        auditOnly: flags['audit-only'],
      },
      {
        source,
        config,
        upstream,
        editRunner: localEditRunner(),
        store: new ResultStore(db),
        now: () => new Date(),
        signal: io.signal,
        onProgress: progress.onProgress,
        onSnapshot: progress.onSnapshot,
        buildCache: buildCacheFromEnv(io),
        engines,
        sandbox,
      },
    );
  } finally {
    progress.done();
    await source.dispose();
    db.close();
    await sweep;
  }
  const outcome = evaluatePolicy(result, config);
  writeResult(io, result, outcome, flags.json ? 'json' : (flags.format ?? 'markdown'));
  if (!flags.json)
    io.stderr.write(
      `bumpguard check: ${outcome.verdict}: ${outcome.reason} (builds ran: ${result.builds.ran}, reused: ${result.builds.reused})\n`,
    );
  return exitCodeForVerdict(outcome.verdict);
};

/** BUMPGUARD_BUILD_CACHE (and _MAX), as `serve` reads them: for builders that export a BuildKit cache. */
function buildCacheFromEnv(io: CliIo): BuildCache | null {
  const dir = io.env.BUMPGUARD_BUILD_CACHE;
  if (!dir) return null;
  const max = parseSize(io.env.BUMPGUARD_BUILD_CACHE_MAX || '10GiB');
  if (max === null)
    throw new UsageError(`BUMPGUARD_BUILD_CACHE_MAX must be a size such as 10GiB, not "${io.env.BUMPGUARD_BUILD_CACHE_MAX}"`);
  return new BuildCache(resolve(io.cwd, dir), max);
}

function writeResult(io: CliIo, result: CheckResult, outcome: PolicyOutcome, format: 'json' | 'markdown' | 'text'): void {
  if (format === 'json') io.stdout.write(`${JSON.stringify(renderJson(result, outcome), null, 2)}\n`);
  else if (format === 'text') io.stdout.write(renderText(result, outcome));
  else io.stdout.write(`${renderReport(result, outcome, { commands: false })}\n`);
}
