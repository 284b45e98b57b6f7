// The one job that judges a bump, for the CLI and the bot alike, in numbered steps:
// audit → per platform, base and head (reused from the store when measured before) → history.
// The bump was decided once by the caller (detectBump) and is used here for the audit and the
// builds alike. It decides no verdict: policy and report turn the CheckResult into one.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditTarget } from '../audit/index.ts';
import { detectEngine, type EngineInfo } from '../build/index.ts';
import { bumpFindings } from '../bump/index.ts';
import { BuildError } from '../errors.ts';
import { isEmulated } from '../measure/index.ts';
import type { CheckResult, Finding, HistoryPoint, PlatformResult, UpstreamReport } from '../model.ts';
import { errorFinding } from '../policy/index.ts';
import { measureSide, storedSide } from './measure-side.ts';
import type { CheckPorts, CheckRequest } from './types.ts';

/** How many past bumps the history table and chart show. */
export const HISTORY_LIMIT = 10;

export interface RunCheckOptions {
  /** Probed when absent (tests inject the engine they set up). */
  engine?: EngineInfo;
  onLog?: (line: string) => void;
}

export async function runCheck(req: CheckRequest, ports: CheckPorts, opts: RunCheckOptions = {}): Promise<CheckResult> {
  const started = ports.now().getTime();
  const { config } = ports;

  const { bump } = req;
  // 1. What the bump decision says, then the feature-selection audit (fast; an unreachable
  //    upstream ends it as one error finding and the builds still run).
  const findings: Finding[] = bumpFindings(bump);
  let upstream: UpstreamReport | null = null;
  if (bump.bump) {
    ports.onProgress?.({ phase: 'audit', state: 'start' });
    const audit = await auditTarget({ source: ports.source, ref: req.head.sha, bump: bump.bump, config, runner: ports.editRunner ?? null }, ports.upstream);
    findings.push(...audit.findings);
    upstream = audit.upstream;
    ports.onProgress?.({ phase: 'audit', state: 'done' });
  }

  const platforms: PlatformResult[] = [];
  const builds = { ran: 0, reused: 0 };
  // 2. `/audit` builds nothing, but judges with the measurements stored for these commits, so a
  //    quick re-audit can never turn a size failure into a pass.
  if (req.auditOnly) platforms.push(...storedPlatforms(req, ports, builds));
  // 3. The engine is checked once, before any build: "no Docker" is one clear finding, not N.
  const engine = req.auditOnly ? null : await findEngine(opts, ports.signal, findings);
  if (engine) {
    const scratchDir = await mkdtemp(join(tmpdir(), 'bumpguard-check-'));
    try {
      // 4. Builds run one at a time: BuildKit already uses every core, and logs stay readable.
      for (const platform of req.platforms ?? config.platforms) {
        const sides = { base: null, head: null } as Pick<PlatformResult, 'base' | 'head'>;
        for (const side of ['base', 'head'] as const) {
          const measured = await measureSide({
            repo: req.repo, side, sha: req[side].sha, version: bump.versions[side], platform, config, source: ports.source, engine,
            store: ports.store, fresh: side === 'head' ? Boolean(req.noCache) : Boolean(req.noCacheBase),
            scratchDir, now: ports.now, signal: ports.signal, onProgress: ports.onProgress, onLog: opts.onLog, slots: ports.slots,
            // The base is merged code; only the head can be a stranger's.
            untrusted: side === 'head' && Boolean(req.untrustedHead), sandbox: ports.sandbox, onBuildFailed: ports.onBuildFailed,
          });
          sides[side] = measured.result;
          if (measured.built) builds.ran++;
          else if (measured.result.cached) builds.reused++;
        }
        // Images run on the local engine whoever built them, so qemu decides what is emulated.
        platforms.push({ platform, emulated: isEmulated(platform, engine.hostPlatform), ...sides });
      }
    } finally {
      await rm(scratchDir, { recursive: true, force: true });
    }
  }

  // 5. The base is what the branch ships: it feeds the trend of past bumps.
  const finishedAt = ports.now();
  const history = recordHistory(req, ports, platforms, finishedAt.toISOString());
  return {
    repo: req.repo,
    bump: bump.bump,
    baseRef: req.base.ref,
    headRef: req.head.ref,
    headSha: req.head.sha,
    baseSha: req.base.sha,
    findings,
    ...(upstream && { upstream }),
    platforms,
    builds,
    overrides: [],
    history,
    durationMs: finishedAt.getTime() - started,
    finishedAt: finishedAt.toISOString(),
  };
}

function storedPlatforms(req: CheckRequest, ports: CheckPorts, builds: CheckResult['builds']): PlatformResult[] {
  return (req.platforms ?? ports.config.platforms).map((platform) => {
    const side = (s: 'base' | 'head') => storedSide({ repo: req.repo, sha: req[s].sha, version: req.bump.versions[s], platform, config: ports.config, store: ports.store });
    const base = side('base');
    const head = side('head');
    builds.reused += Number(base !== null) + Number(head !== null);
    return { platform, emulated: head?.ram?.emulated ?? base?.ram?.emulated ?? false, base, head };
  });
}

/** The engine, or null with an infrastructure finding when there is none to build on. */
async function findEngine(opts: RunCheckOptions, signal: AbortSignal, findings: Finding[]): Promise<EngineInfo | null> {
  if (opts.engine) return opts.engine;
  try {
    return await detectEngine({ signal });
  } catch (err) {
    if (!(err instanceof BuildError)) throw err;
    findings.push(errorFinding(err, 'no image was built'));
    return null;
  }
}

function recordHistory(req: CheckRequest, ports: CheckPorts, platforms: PlatformResult[], at: string): HistoryPoint[] {
  const store = ports.store;
  if (!store) return [];
  for (const p of platforms) {
    const base = p.base;
    if (!base?.analysis || !base.version) continue;
    store.recordHistory({
      repo: req.repo, baseRef: req.base.ref, commit: base.commit, platform: p.platform, version: base.version,
      imageCompressedBytes: base.analysis.imageCompressedBytes, flashBytes: base.analysis.flashBytes,
      ramRssBytes: base.ram?.rss?.median ?? null, at,
    });
  }
  return store.listHistory(req.repo, req.base.ref, HISTORY_LIMIT);
}
