// The one job that judges a bump, for the CLI and the bot alike, in numbered steps:
// audit → per platform, base and head (reused from the store when measured before) → history.
// Snapshots along the way (ports.onSnapshot) let a report show the audit before any build ends.
// The bump was decided once by the caller (detectBump) and is used here for the audit and the
// builds alike. It decides no verdict: policy and report turn the CheckResult into one.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditTarget } from '../audit/index.ts';
import type { EngineInfo } from '../engine/index.ts';
import { bumpFindings } from '../bump/index.ts';
import { engineRuntimeLimits, type Config } from '../config/index.ts';
import {
  BuildError,
  CancelledError,
  type CheckProgress,
  type CheckResult,
  type Finding,
  type HistoryPoint,
  type PlatformResult,
  type SideResult,
  type SideStage,
  type UpstreamReport,
} from '../core/index.ts';
import { canariesFor, isEmulated } from '../measure/index.ts';
import { evaluatePolicy, type PolicyOutcome } from '../policy/index.ts';
import { isSettled } from '../report/index.ts';
import { CheckEngines, EngineSlots, PlatformPhase, platformResult, RuntimeSlots, unbuiltSide, type PlatformEngine } from './engines.ts';
import { buildsTogether, engineKeyOf, measureSide, storedSide, type MeasureSideInput, type SharedBuild } from './measure-side.ts';
import type { CheckPorts, CheckRequest, CheckSnapshot, ProgressEvent } from './types.ts';

/** How many past bumps the history table and chart show. */
const HISTORY_LIMIT = 10;

export interface RunCheckOptions {
  onLog?: (line: string) => void;
}

type Side = 'base' | 'head';

export async function runCheck(req: CheckRequest, ports: CheckPorts, opts: RunCheckOptions = {}): Promise<CheckResult> {
  const started = ports.now().getTime();
  const { config } = ports;
  const runtime = ports.runtime ?? new RuntimeSlots(engineRuntimeLimits(ports.engines?.definitions ?? []));
  const tracker = new CheckProgressTracker(req.platforms ?? config.platforms, config);

  const { bump } = req;
  // 1. What the bump decision says, then the feature-selection audit (fast; an unreachable
  //    upstream ends it as one error finding and the builds still run).
  const findings: Finding[] = bumpFindings(bump);
  let upstream: UpstreamReport | null = null;
  if (bump.bump) {
    ports.onProgress?.({ phase: 'audit', state: 'start' });
    const audit = await auditTarget(
      { source: ports.source, ref: req.head.sha, bump: bump.bump, config, runner: ports.editRunner ?? null },
      ports.upstream,
    );
    findings.push(...audit.findings);
    upstream = audit.upstream;
    ports.onProgress?.({ phase: 'audit', state: 'done' });
  }

  // 2. Each platform's engine (the operator's engines, picked by the repo by name); an engine is
  //    asked once, when a platform first needs it, so one that is down fails only its platforms.
  const engines = new CheckEngines(config, ports.engines, ports.probeEngine ? { probe: ports.probeEngine } : {});
  const selected = (req.platforms ?? config.platforms).map((platform) => selectPlatformEngine(engines, platform));
  findings.push(...deprecations(selected));
  const builds = { ran: 0, reused: 0 };
  const result = (platforms: PlatformResult[]): CheckResult => {
    const at = ports.now();
    return {
      repo: req.repo,
      bump: bump.bump,
      baseRef: req.base.ref,
      headRef: req.head.ref,
      headSha: req.head.sha,
      baseSha: req.base.sha,
      findings: [...findings],
      ...(upstream && { upstream }),
      platforms,
      builds: { ...builds },
      overrides: [],
      history: [],
      durationMs: at.getTime() - started,
      finishedAt: at.toISOString(),
    };
  };
  const toResult = (platform: string, sides: Pick<PlatformResult, 'base' | 'head'>): PlatformResult => {
    const s = selected.find((x) => x.platform === platform)!;
    return 'engine' in s ? platformResult(platform, s.engine, sides) : { platform, emulated: false, ...sides };
  };
  const snapshot = () => ports.onSnapshot?.({ result: result(tracker.platforms(toResult)), progress: tracker.progress() });

  let platforms: PlatformResult[];
  if (req.auditOnly) {
    // 3. `/audit` builds nothing, but judges with the measurements stored for these commits, so
    //    a quick re-audit can never turn a size failure into a pass.
    platforms = selected.map((s) => storedPlatform(req, ports, s, runtime, builds));
  } else {
    await measurePlatforms(req, ports, { selected, runtime, tracker, builds, onLog: opts.onLog, snapshot });
    platforms = tracker.platforms(toResult);
  }

  // 5. The base is what the branch ships: it feeds the trend of past bumps.
  const final = result(platforms);
  return { ...final, history: recordHistory(req, ports, platforms, final.finishedAt) };
}

interface MeasureContext {
  selected: Selected[];
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
 *    in its cache for the next platform), emulated platforms first; each platform's base and head
 *    run their RAM runs and canaries together in a runtime slot while the next platform builds.
 */
async function measurePlatforms(req: CheckRequest, ports: CheckPorts, ctx: MeasureContext): Promise<void> {
  const { config } = ports;
  const { tracker } = ctx;
  // A bug in one side stops the others (they would otherwise run on, unobserved).
  const stop = new AbortController();
  const signal = AbortSignal.any([ports.signal, stop.signal]);
  const lane = new EngineSlots(1);
  const scratchDir = await mkdtemp(join(tmpdir(), 'bumpguard-check-'));
  const onProgress = (e: ProgressEvent) => {
    ports.onProgress?.(e);
    if (tracker.onEvent(e)) ctx.snapshot();
  };
  try {
    const input = (platform: string, engine: PlatformEngine, side: Side): Omit<MeasureSideInput, 'phase'> => ({
      repo: req.repo,
      side,
      sha: req[side].sha,
      version: req.bump.versions[side],
      platform,
      config,
      source: ports.source,
      engine,
      store: ports.store,
      fresh: side === 'head' ? Boolean(req.noCache) : Boolean(req.noCacheBase),
      scratchDir,
      now: ports.now,
      signal,
      onProgress,
      onLog: ctx.onLog,
      slots: ports.slots,
      lane,
      runtime: ctx.runtime,
      cache: ports.buildCache ?? null,
      // The base is merged code; only the head can be a stranger's.
      untrusted: side === 'head' && Boolean(req.untrustedHead),
      sandbox: ports.sandbox,
      onBuildFailed: ports.onBuildFailed,
    });
    // A platform without an engine is settled at once; stored sides too, so the first snapshot shows them.
    const pending: { platform: string; engine: PlatformEngine; side: Side }[] = [];
    for (const s of ctx.selected) {
      for (const side of ['base', 'head'] as const) {
        if ('error' in s) {
          tracker.done(s.platform, side, unbuiltSide(req[side].sha, req.bump.versions[side], s.error));
          continue;
        }
        const stored = input(s.platform, s.engine, side).fresh
          ? null
          : storedSide({ ...input(s.platform, s.engine, side), ...engineKeyOf(s.engine, ctx.runtime) });
        if (!stored) {
          pending.push({ platform: s.platform, engine: s.engine, side });
          continue;
        }
        ports.onProgress?.({ phase: 'build', platform: s.platform, side, state: 'cached' });
        tracker.done(s.platform, side, stored);
        ctx.builds.reused++;
      }
    }
    ctx.snapshot();
    const plan = await planBuilds(pending, signal, ctx.onLog);
    // One runtime phase per platform for the sides built here: base and head sampled side by side.
    const phases = new Map<string, PlatformPhase>();
    for (const p of pending) {
      if (!phases.has(p.platform))
        phases.set(
          p.platform,
          new PlatformPhase(ctx.runtime, p.engine.client.engine, pending.filter((x) => x.platform === p.platform).length, signal),
        );
    }
    const settled = await Promise.allSettled(
      plan.order.map(async ({ platform, engine, side }) => {
        try {
          const measured = await measureSide({
            ...input(platform, engine, side),
            phase: phases.get(platform)!,
            together: plan.together[side].platforms.includes(platform) ? plan.together[side] : undefined,
          });
          tracker.done(platform, side, measured.result);
          if (measured.built) ctx.builds.ran++;
          else if (measured.result.cached) ctx.builds.reused++;
          ctx.snapshot();
        } catch (err) {
          stop.abort(err);
          throw err;
        }
      }),
    );
    // The job's own cancellation wins over the errors it caused in the other sides.
    const failed =
      settled.find((r): r is PromiseRejectedResult => r.status === 'rejected' && !(r.reason instanceof CancelledError)) ??
      settled.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  } finally {
    await rm(scratchDir, { recursive: true, force: true });
  }
}

/**
 * The order of the builds and which go in one invocation. Emulated platforms build first: the
 * platform measured last sets the check's end, and a native image gets ready several times faster
 * than one under qemu. Where an engine builds several platforms at once (buildx on the containerd
 * image store), a side's platforms on it go in one invocation, which solves the stages on
 * --platform=$BUILDPLATFORM once; elsewhere each platform is its own build and BuildKit's cache
 * carries what it can to the next (docs/scaling.md says how much that is on docker 20.10).
 */
async function planBuilds(
  pending: { platform: string; engine: PlatformEngine; side: Side }[],
  signal: AbortSignal,
  onLog?: (line: string) => void,
) {
  // An engine that does not answer is told to its platforms' sides when they build; here it is native.
  const infos = new Map<string, EngineInfo | null>();
  for (const p of pending) if (!infos.has(p.platform)) infos.set(p.platform, await p.engine.ready(signal).catch(() => null));
  const emulated = (platform: string) => {
    const info = infos.get(platform);
    return info ? isEmulated(platform, info.hostPlatform) : false;
  };
  const order = [...pending].sort((a, b) => Number(emulated(b.platform)) - Number(emulated(a.platform)));
  const group = (side: Side): SharedBuild => {
    const mine = pending.filter((p) => p.side === side);
    const info = mine.length > 0 ? infos.get(mine[0]!.platform) : null;
    const together =
      info &&
      mine.every((p) => infos.get(p.platform) !== null) &&
      buildsTogether(
        info,
        mine.map((p) => p.engine),
      );
    return { platforms: together ? mine.map((p) => p.platform) : [] };
  };
  const together = { base: group('base'), head: group('head') };
  for (const side of ['base', 'head'] as const)
    if (together[side].platforms.length > 0) onLog?.(`${side}: building ${together[side].platforms.join(', ')} in one invocation`);
  return { order, together };
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
  return selected.flatMap((s) =>
    'engine' in s && s.engine.choice.deprecation !== null
      ? [
          {
            severity: 'warning' as const,
            kind: 'config-deprecated' as const,
            features: [],
            platform: s.platform,
            introduced: false,
            acknowledged: false,
            message: s.engine.choice.deprecation,
          },
        ]
      : [],
  );
}

/** Both sides carry the error that kept the platform from being built at all. */
function failedPlatform(req: CheckRequest, platform: string, err: BuildError): PlatformResult {
  const side = (s: Side) => unbuiltSide(req[s].sha, req.bump.versions[s], err);
  return { platform, emulated: false, base: side('base'), head: side('head') };
}

function storedPlatform(
  req: CheckRequest,
  ports: CheckPorts,
  s: Selected,
  runtime: RuntimeSlots,
  builds: CheckResult['builds'],
): PlatformResult {
  if ('error' in s) return failedPlatform(req, s.platform, s.error);
  const side = (x: Side) =>
    storedSide({
      repo: req.repo,
      sha: req[x].sha,
      version: req.bump.versions[x],
      platform: s.platform,
      config: ports.config,
      store: ports.store,
      ...engineKeyOf(s.engine, runtime),
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
      repo: req.repo,
      baseRef: req.base.ref,
      commit: base.commit,
      platform: p.platform,
      version: base.version,
      imageCompressedBytes: base.analysis.imageCompressedBytes,
      flashBytes: base.analysis.flashBytes,
      ramRssBytes: base.ram?.rss?.median ?? null,
      at,
    });
  }
  return store.listHistory(req.repo, req.base.ref, HISTORY_LIMIT);
}

// Where a running check is, side by side: which sides are queued, building, measuring or done,
// and the CheckResult as far as it goes. runCheck feeds it; reports written before the end
// (the bot's interim comment, the CLI's rows on a terminal) read its snapshots.
class CheckProgressTracker {
  readonly #stages = new Map<string, Record<Side, SideStage>>();
  readonly #results = new Map<string, Record<Side, SideResult | null>>();
  readonly #config: Config;

  constructor(platforms: readonly string[], config: Config) {
    this.#config = config;
    for (const p of platforms) {
      this.#stages.set(p, { base: 'queued', head: 'queued' });
      this.#results.set(p, { base: null, head: null });
    }
  }

  /** Moves a side on from a progress event; true when its stage changed. */
  onEvent(e: ProgressEvent): boolean {
    if (e.phase === 'audit') return false;
    const stage: SideStage | null = e.state === 'start' ? (e.phase === 'build' ? 'building' : 'measuring') : null;
    const stages = this.#stages.get(e.platform);
    if (!stages || stage === null || stages[e.side] === stage || stages[e.side] === 'done') return false;
    stages[e.side] = stage;
    return true;
  }

  /** A side is settled: measured, reused from the store, or failed (its result says which). */
  done(platform: string, side: Side, result: SideResult | null): void {
    this.#stages.get(platform)![side] = 'done';
    this.#results.get(platform)![side] = result;
  }

  progress(): CheckProgress {
    const stages: CheckProgress['stages'] = {};
    const canaries: CheckProgress['canaries'] = {};
    for (const [p, s] of this.#stages) {
      stages[p] = { ...s };
      canaries[p] = canariesFor(this.#config.canaries, p).map((c) => c.name);
    }
    return { stages, canaries, ram: this.#config.ram.enabled };
  }

  /** Every platform in order, with the sides settled so far, as `toResult` makes them a PlatformResult. */
  platforms(toResult: (platform: string, sides: Pick<PlatformResult, 'base' | 'head'>) => PlatformResult): PlatformResult[] {
    return [...this.#results].map(([platform, r]) => toResult(platform, { base: r.base, head: r.head }));
  }
}

/**
 * The policy of a snapshot: the audit and the settled platforms, judged as the final check will
 * judge them (a platform half measured would read as "no baseline").
 */
export function judgeSnapshot(snapshot: CheckSnapshot, config: Config): PolicyOutcome {
  const settled = snapshot.result.platforms.filter((p) => isSettled(snapshot.progress, p.platform));
  return evaluatePolicy({ ...snapshot.result, platforms: settled }, config);
}
