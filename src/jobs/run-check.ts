// The one job that judges a bump, for the CLI and the bot alike, in numbered steps:
// audit → per platform, base and head (reused from the store when measured before) → history.
// Snapshots along the way (ports.onSnapshot) let a report show the audit before any build ends.
// The bump was decided once by the caller (detectBump) and is used here for the audit and the
// builds alike. It decides no verdict: policy and report turn the CheckResult into one.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditTarget } from '../audit/index.ts';
import { canBuildTogether, detectEngine, type EngineInfo } from '../build/index.ts';
import type { Config } from '../config/index.ts';
import { bumpFindings } from '../bump/index.ts';
import { BuildError, CancelledError } from '../errors.ts';
import { isEmulated } from '../measure/index.ts';
import type { CheckResult, Finding, HistoryPoint, PlatformResult, UpstreamReport } from '../model.ts';
import { errorFinding } from '../policy/index.ts';
import { CheckProgressTracker } from './check-progress.ts';
import { measureSide, RUNTIME_ENGINE, storedSide, type MeasureSideInput, type SharedBuild } from './measure-side.ts';
import { PlatformPhase } from './platform-phase.ts';
import { PlatformSlots } from './platform-slots.ts';
import { RuntimeSlots } from './runtime-slots.ts';
import type { CheckPorts, CheckRequest, ProgressEvent } from './types.ts';

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
  const runtime = ports.runtime ?? new RuntimeSlots();
  const platformList = req.platforms ?? config.platforms;
  const tracker = new CheckProgressTracker(platformList, config);

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

  const builds = { ran: 0, reused: 0 };
  let engine: EngineInfo | null = null;
  const result = (platforms: PlatformResult[]): CheckResult => {
    const at = ports.now();
    return {
      repo: req.repo, bump: bump.bump, baseRef: req.base.ref, headRef: req.head.ref, headSha: req.head.sha, baseSha: req.base.sha,
      findings: [...findings], ...(upstream && { upstream }), platforms, builds: { ...builds }, overrides: [], history: [],
      durationMs: at.getTime() - started, finishedAt: at.toISOString(),
    };
  };
  // Images run on the local engine whoever built them, so qemu decides what is emulated.
  const emulated = (platform: string) => (engine ? isEmulated(platform, engine.hostPlatform) : false);
  const snapshot = () => ports.onSnapshot?.({ result: result(tracker.platforms(emulated)), progress: tracker.progress() });

  let platforms: PlatformResult[] = [];
  if (req.auditOnly) {
    // 2. `/audit` builds nothing, but judges with the measurements stored for these commits, so
    //    a quick re-audit can never turn a size failure into a pass.
    platforms = storedPlatforms(req, ports, runtime, builds);
  } else {
    // 3. The engine is checked once, before any build: "no Docker" is one clear finding, not N.
    engine = await findEngine(opts, ports.signal, findings);
    if (engine) {
      platforms = await measurePlatforms(req, ports, { engine, runtime, tracker, builds, onLog: opts.onLog, snapshot });
      platforms = platforms.map((p) => ({ ...p, emulated: emulated(p.platform) }));
    }
  }

  // 5. The base is what the branch ships: it feeds the trend of past bumps.
  const final = result(platforms);
  return { ...final, history: recordHistory(req, ports, platforms, final.finishedAt) };
}

interface MeasureContext {
  engine: EngineInfo;
  runtime: RuntimeSlots;
  tracker: CheckProgressTracker;
  builds: CheckResult['builds'];
  onLog: ((line: string) => void) | undefined;
  /** Tells the caller where the check is now. */
  snapshot: () => void;
}

/**
 * 4. Every side of every platform: reused from the store where it can be, the rest built one at a
 *    time in this job's lane (BuildKit already uses every core, and the shared builder stages stay
 *    in its cache for the next platform), each image's RAM runs and canaries in a runtime slot
 *    while the next one builds.
 */
async function measurePlatforms(req: CheckRequest, ports: CheckPorts, ctx: MeasureContext): Promise<PlatformResult[]> {
  const { config } = ports;
  const { tracker } = ctx;
  // A bug in one side stops the others (they would otherwise run on, unobserved).
  const stop = new AbortController();
  const signal = AbortSignal.any([ports.signal, stop.signal]);
  const lane = new PlatformSlots(1);
  const scratchDir = await mkdtemp(join(tmpdir(), 'bumpguard-check-'));
  // Emulated platforms build first: the platform measured last sets the check's tail, and a native
  // image is ready (and measured) several times faster than one under qemu.
  const order = [...(req.platforms ?? config.platforms)].sort((a, b) => Number(!isEmulated(a, ctx.engine.hostPlatform)) - Number(!isEmulated(b, ctx.engine.hostPlatform)));
  const sides = order.flatMap((platform) => (['base', 'head'] as const).map((side) => ({ platform, side })));
  const onProgress = (e: ProgressEvent) => {
    ports.onProgress?.(e);
    if (tracker.onEvent(e)) ctx.snapshot();
  };
  try {
    const input = (platform: string, side: 'base' | 'head'): Omit<MeasureSideInput, 'phase'> => ({
      repo: req.repo, side, sha: req[side].sha, version: req.bump.versions[side], platform, config, source: ports.source, engine: ctx.engine,
      store: ports.store, fresh: side === 'head' ? Boolean(req.noCache) : Boolean(req.noCacheBase),
      scratchDir, now: ports.now, signal, onProgress, onLog: ctx.onLog, slots: ports.slots, lane, runtime: ctx.runtime, cache: ports.buildCache ?? null,
    });
    // Stored sides first, so the first snapshot already shows them done.
    const pending = sides.filter(({ platform, side }) => {
      const stored = input(platform, side).fresh ? null : storedSide(input(platform, side));
      if (!stored) return true;
      ports.onProgress?.({ phase: 'build', platform, side, state: 'cached' });
      tracker.done(platform, side, stored);
      ctx.builds.reused++;
      return false;
    });
    ctx.snapshot();
    const together = buildTogether(pending, ctx.engine, config, ctx.onLog);
    // One runtime phase per platform for the sides built here: base and head sampled side by side.
    const phases = new Map((req.platforms ?? config.platforms).map((p) => [p, new PlatformPhase(ctx.runtime, RUNTIME_ENGINE, pending.filter((s) => s.platform === p).length, signal)]));
    const settled = await Promise.allSettled(pending.map(async ({ platform, side }) => {
      try {
        const measured = await measureSide({
          ...input(platform, side), phase: phases.get(platform)!, together: together[side].includes(platform) ? together.shared[side] : undefined,
        });
        tracker.done(platform, side, measured.result);
        if (measured.built) ctx.builds.ran++;
        else if (measured.result.cached) ctx.builds.reused++;
        ctx.snapshot();
      } catch (err) {
        stop.abort(err);
        throw err;
      }
    }));
    // The job's own cancellation wins over the errors it caused in the other sides.
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected' && !(r.reason instanceof CancelledError)) ?? settled.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  } finally {
    await rm(scratchDir, { recursive: true, force: true });
  }
  return tracker.platforms(() => false);
}

/**
 * Where the engine builds several platforms at once (buildx on the containerd image store), the
 * platforms of each side that need building go in one invocation: its $BUILDPLATFORM stages are
 * solved once. Elsewhere each platform is its own build, in order, and BuildKit's cache carries
 * what it can from one to the next (docs/scaling.md says how much that is on docker 20.10).
 */
function buildTogether(pending: { platform: string; side: 'base' | 'head' }[], engine: EngineInfo, config: Config, onLog?: (line: string) => void) {
  const group = (side: 'base' | 'head') => {
    const platforms = pending.filter((p) => p.side === side).map((p) => p.platform);
    return platforms.length > 1 && canBuildTogether(engine, platforms.map((p) => config.builders[p])) ? platforms : [];
  };
  const sides = { base: group('base'), head: group('head') };
  for (const side of ['base', 'head'] as const) if (sides[side].length > 0) onLog?.(`${side}: building ${sides[side].join(', ')} in one invocation`);
  return { ...sides, shared: { base: { platforms: sides.base } as SharedBuild, head: { platforms: sides.head } as SharedBuild } };
}

function storedPlatforms(req: CheckRequest, ports: CheckPorts, runtime: RuntimeSlots, builds: CheckResult['builds']): PlatformResult[] {
  return (req.platforms ?? ports.config.platforms).map((platform) => {
    const side = (s: 'base' | 'head') => storedSide({ repo: req.repo, sha: req[s].sha, version: req.bump.versions[s], platform, config: ports.config, store: ports.store, runtime });
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
