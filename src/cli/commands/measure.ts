// `bumpguard measure`: build and measure one commit for every platform (no comparison, no verdict
// beyond "it built"): sizes, binary, ELF arch check, RAM and canaries. Results are stored for reuse.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { engineRuntimeLimits, readConfigAt } from '../../config/index.ts';
import { BuildError, formatBytes, UsageError, type CheckResult, type PlatformResult, type SideResult } from '../../core/index.ts';
import { versionAtRef } from '../../bump/index.ts';
import { CheckEngines, EngineSlots, measureSide, PlatformPhase, platformResult, RuntimeSlots, unbuiltSide } from '../../jobs/index.ts';
import { evaluatePolicy } from '../../policy/index.ts';
import { engineWords, isNative, toImageMetrics } from '../../report/index.ts';
import { localSourceTree } from '../../repo/index.ts';
import { openDatabase, ResultStore } from '../../store/index.ts';
import { cliSandbox, defaultDbPath, engineSetup, parseFlags, reportUsage, splitList, sweepBeside } from '../common-options.ts';
import { EXIT, exitCodeForVerdict, type Command } from '../io.ts';
import { createProgress } from '../progress.ts';

export const MEASURE_HELP = `Usage: bumpguard measure --repo DIR [--ref REF] [options]

Builds the image at one commit for every platform and prints its compressed image, on-flash,
rootfs and binary size, RAM and canary results. Config is read from .bumpguard.yml at that commit.

Options:
  --repo DIR          git repository of the image (default: current directory)
  --ref REF           branch, tag or commit (default: HEAD)
  --platforms LIST    comma-separated subset of the config's platforms
  --engines FILE      engines to build and run platforms on, as the bot's BUMPGUARD_ENGINES
                      (default: $BUMPGUARD_ENGINES or $BUMPGUARD_ENGINES_FILE)
  --db PATH           results store (default: $BUMPGUARD_DB or ~/.cache/bumpguard/bumpguard.db)
  --no-cache          rebuild even when a stored result exists
  --json              print { commit, verdict, reason, platforms: { platform: { emulated, native,
                      engine, metrics, canaries, elfMismatches, error, cached } } } as JSON
  -h, --help          show this help

Exit codes: 0 every platform built and its canaries passed, 1 the image's own build, ELF arch
check or a canary failed, 2 usage, config or infrastructure error (Docker, a builder, the engine
stopping mid-run).
`;

const FLAGS = {
  repo: { type: 'string' },
  ref: { type: 'string' },
  platforms: { type: 'string' },
  engines: { type: 'string' },
  db: { type: 'string' },
  'no-cache': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const measure: Command = async (io) => {
  let flags, setup;
  try {
    flags = parseFlags(io, FLAGS);
    setup = engineSetup(io, flags.engines);
  } catch (err) {
    if (err instanceof UsageError) return reportUsage(io, 'measure', err);
    throw err;
  }
  if (flags.help) {
    io.stdout.write(MEASURE_HELP);
    return EXIT.ok;
  }
  const repoDir = resolve(io.cwd, flags.repo ?? '.');
  const source = localSourceTree(repoDir);
  const sha = await source.resolve(flags.ref ?? 'HEAD');
  const { config } = await readConfigAt(source, sha);
  const version = await versionAtRef(source, sha, config);
  const platforms = splitList(flags.platforms) ?? config.platforms;
  const sandbox = cliSandbox(io);
  const engines = new CheckEngines(config, setup);
  const db = openDatabase(defaultDbPath(io, flags.db));
  const store = new ResultStore(db);
  const scratchDir = await mkdtemp(join(tmpdir(), 'bumpguard-measure-'));
  const progress = createProgress(io.stderr, flags.json ? 'quiet' : io.isTTY ? 'tty' : 'lines');
  const results: PlatformResult[] = [];
  const sweep = sweepBeside(io, 'measure', setup, sandbox.owner, Boolean(flags.json));
  try {
    // Built one at a time in order; each image's RAM runs and canaries overlap the next build.
    const lane = new EngineSlots(1);
    const runtime = new RuntimeSlots(engineRuntimeLimits(setup.definitions));
    results.push(
      ...(await Promise.all(
        platforms.map(async (platform): Promise<PlatformResult> => {
          let engine;
          try {
            engine = engines.for(platform);
          } catch (err) {
            if (!(err instanceof BuildError)) throw err;
            return { platform, emulated: false, base: null, head: unbuiltSide(sha, version, err) };
          }
          const measured = await measureSide({
            repo: repoDir,
            side: 'head',
            sha,
            version,
            platform,
            config,
            source,
            engine,
            store,
            fresh: Boolean(flags['no-cache']),
            scratchDir,
            now: () => new Date(),
            signal: io.signal,
            onProgress: progress.onProgress,
            sandbox,
            lane,
            runtime,
            phase: new PlatformPhase(runtime, engine.client.engine, 1, io.signal),
          });
          return platformResult(platform, engine, { base: null, head: measured.result });
        }),
      )),
    );
  } finally {
    progress.done();
    await rm(scratchDir, { recursive: true, force: true });
    await source.dispose();
    db.close();
    await sweep;
  }
  // One side, no baseline: the same policy as `check` judges builds, ELFs and canaries.
  const outcome = evaluatePolicy(asCheckResult(repoDir, sha, results), config, { baseline: false });
  if (flags.json) {
    const json = Object.fromEntries(
      results.map((p) => {
        const r = p.head!;
        return [
          p.platform,
          {
            emulated: p.emulated,
            native: isNative(p),
            engine: p.engine?.name ?? null,
            metrics: toImageMetrics(r),
            canaries: r.canaries,
            elfMismatches: r.analysis?.elfs.filter((e) => !e.matches) ?? [],
            error: r.error ?? null,
            cached: r.cached,
          },
        ];
      }),
    );
    io.stdout.write(`${JSON.stringify({ commit: sha, verdict: outcome.verdict, reason: outcome.reason, platforms: json }, null, 2)}\n`);
  } else {
    io.stdout.write(renderMeasureText(sha, results));
    io.stderr.write(`bumpguard measure: ${outcome.verdict}: ${outcome.reason}\n`);
  }
  return exitCodeForVerdict(outcome.verdict);
};

function asCheckResult(repo: string, sha: string, platforms: PlatformResult[]): CheckResult {
  return {
    repo,
    bump: null,
    baseRef: sha,
    headRef: sha,
    headSha: sha,
    findings: [],
    platforms,
    builds: { ran: 0, reused: 0 },
    overrides: [],
    history: [],
    durationMs: 0,
    finishedAt: '',
  };
}

function renderMeasureText(sha: string, results: PlatformResult[]): string {
  const lines = [`bumpguard measure ${sha.slice(0, 12)}`, ''];
  for (const p of results) {
    const r: SideResult = p.head!;
    const m = toImageMetrics(r);
    const where = engineWords(p, { plain: true });
    lines.push(`${p.platform}${r.cached ? ' (stored result)' : ''}${where ? ` (RAM ${where})` : ''}`);
    if (r.error || !m) {
      lines.push(
        `  FAILED: ${r.error?.message ?? 'no analysis'}`,
        ...(r.error?.logTail
          ? r.error.logTail
              .split('\n')
              .slice(-15)
              .map((l) => `    ${l}`)
          : []),
      );
      continue;
    }
    const size = (n: number | null) => (n === null ? 'n/a' : formatBytes(n));
    lines.push(
      `  image ${size(m.imageCompressedBytes)} · on flash ${size(m.flashBytes)} · rootfs ${size(m.rootfsBytes)} · duplicated ${size(m.duplicateBytes)}`,
      `  binary ${size(m.binaryBytes)}${m.binaryUpx ? ' (UPX)' : ''} · RAM RSS ${size(m.ramRssBytes)}${m.ramRssSource ? ` (${m.ramRssSource})` : ''} · peak ${size(m.ramPeakBytes)}${m.ramPeakSource ? ` (${m.ramPeakSource})` : ''}`,
    );
    for (const e of r.analysis?.elfs.filter((x) => !x.matches) ?? []) lines.push(`  ELF MISMATCH: ${e.path} is ${e.machine}`);
    for (const c of r.canaries) lines.push(`  canary ${c.name}: ${c.ok ? 'pass' : `FAIL — ${c.detail}`}`);
  }
  return `${lines.join('\n')}\n`;
}
