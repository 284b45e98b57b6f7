// The one job that judges a bump, for the CLI and the bot alike, in numbered steps:
// audit → per platform, base and head (reused from the store when measured before) → history.
// The bump was decided once by the caller (detectBump) and is used here for the audit and the
// builds alike. It decides no verdict: policy and report turn the CheckResult into one.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditTarget } from '../audit/index.ts';
import { bumpFindings } from '../bump/index.ts';
import { BuildError } from '../errors.ts';
import type { CheckResult, Finding, HistoryPoint, PlatformResult, UpstreamReport } from '../model.ts';
import { measureSide, storedSide } from './measure-side.ts';
import { CheckEngines, platformResult, unbuiltSide, type PlatformEngine } from './platform-engines.ts';
import type { CheckPorts, CheckRequest } from './types.ts';

/** How many past bumps the history table and chart show. */
export const HISTORY_LIMIT = 10;

export interface RunCheckOptions {
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

  // 2. Each platform's engine (the operator's engines, picked by the repo by name); an engine is
  //    asked once, when a platform first needs it, so one that is down fails only its platforms.
  const engines = new CheckEngines(config, ports.engines);
  const selected = (req.platforms ?? config.platforms).map((platform) => selectPlatformEngine(engines, platform));
  findings.push(...deprecations(selected));
  const platforms: PlatformResult[] = [];
  const builds = { ran: 0, reused: 0 };
  if (req.auditOnly) {
    // 3. `/audit` builds nothing, but judges with the measurements stored for these commits, so
    //    a quick re-audit can never turn a size failure into a pass.
    platforms.push(...selected.map((s) => storedPlatform(req, ports, s, builds)));
  } else {
    const scratchDir = await mkdtemp(join(tmpdir(), 'bumpguard-check-'));
    try {
      // 4. Platforms run one at a time: BuildKit already uses every core, and logs stay readable.
      for (const s of selected) {
        if ('error' in s) {
          platforms.push(failedPlatform(req, s.platform, s.error));
          continue;
        }
        const sides = { base: null, head: null } as Pick<PlatformResult, 'base' | 'head'>;
        for (const side of ['base', 'head'] as const) {
          const measured = await measureSide({
            repo: req.repo, side, sha: req[side].sha, version: bump.versions[side], platform: s.platform, config, source: ports.source, engine: s.engine,
            store: ports.store, fresh: side === 'head' ? Boolean(req.noCache) : Boolean(req.noCacheBase),
            scratchDir, now: ports.now, signal: ports.signal, onProgress: ports.onProgress, onLog: opts.onLog, slots: ports.slots,
            // The base is merged code; only the head can be a stranger's.
            untrusted: side === 'head' && Boolean(req.untrustedHead), sandbox: ports.sandbox, onBuildFailed: ports.onBuildFailed,
          });
          sides[side] = measured.result;
          if (measured.built) builds.ran++;
          else if (measured.result.cached) builds.reused++;
        }
        platforms.push(platformResult(s.platform, s.engine, sides));
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

type Selected = { platform: string; engine: PlatformEngine } | { platform: string; error: BuildError };

/** The platform's engine, or the configuration error that keeps it from having one. */
function selectPlatformEngine(engines: CheckEngines, platform: string): Selected {
  try {
    return { platform, engine: engines.for(platform) };
  } catch (err) {
    if (err instanceof BuildError) return { platform, error: err };
    throw err;
  }
}

/** A warning per platform whose builder entry uses keys that stop working in the next release. */
function deprecations(selected: Selected[]): Finding[] {
  return selected.flatMap((s) => ('engine' in s && s.engine.choice.deprecation !== null ? [{
    severity: 'warning' as const, kind: 'config-deprecated' as const, features: [], platform: s.platform,
    introduced: false, acknowledged: false, message: s.engine.choice.deprecation,
  }] : []));
}

/** Both sides carry the error that kept the platform from being built at all. */
function failedPlatform(req: CheckRequest, platform: string, err: BuildError): PlatformResult {
  const side = (s: 'base' | 'head') => unbuiltSide(req[s].sha, req.bump.versions[s], err);
  return { platform, emulated: false, base: side('base'), head: side('head') };
}

function storedPlatform(req: CheckRequest, ports: CheckPorts, s: Selected, builds: CheckResult['builds']): PlatformResult {
  if ('error' in s) return failedPlatform(req, s.platform, s.error);
  const identity = s.engine.choice.identity;
  const side = (x: 'base' | 'head') => storedSide({
    repo: req.repo, sha: req[x].sha, version: req.bump.versions[x], platform: s.platform, config: ports.config, store: ports.store, engineIdentity: identity,
  });
  const base = side('base');
  const head = side('head');
  builds.reused += Number(base !== null) + Number(head !== null);
  return platformResult(s.platform, s.engine, { base, head });
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
