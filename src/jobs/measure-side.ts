// Build, analyse and run one side (base or head) of one platform. A failure becomes
// SideResult.error with its code; src/core/errors.ts ERROR_BLAME (applied by policy) says whether it is
// the target's own build failure, a configuration problem or infrastructure trouble. Only
// cancellation and unexpected errors (bugs) escape.

import { createHash } from 'node:crypto';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  buildImage,
  canBuildTogether,
  engineAnswers,
  engineGoneWords,
  hostPathsOf,
  refuseRemoteSources,
  removeBuildTag,
  shownFailure,
  type BuildCache,
  type BuildOutput,
} from '../build/index.ts';
import { type EngineInfo } from '../engine/index.ts';
import { buildPathsIn, missingPathMessage, resolveBuildPaths, type BuildPaths, type Config } from '../config/index.ts';
import { blameOf, BuildError, BumpguardError, CancelledError, type SideResult, type SourceTree } from '../core/index.ts';
import { analyseImage, canariesFor, measureRuntime } from '../measure/index.ts';
import type { ResultKey, ResultStore } from '../store/index.ts';
import type { PlatformEngine, PlatformPhase, RuntimeSlots } from './engines.ts';
import type { BuildFailure, BuildSlots, ProgressEvent, Sandbox } from './types.ts';

export interface MeasureSideInput {
  repo: string;
  side: 'base' | 'head';
  sha: string;
  /** The Tailscale version this side builds (the job's one bump decision); null when unknown. */
  version: string | null;
  platform: string;
  config: Config;
  source: SourceTree;
  /** The engine that builds and runs this platform (engines.ts). */
  engine: PlatformEngine;
  store: ResultStore | null;
  /** Skip the stored result (`--no-cache`, `/rebuild`). */
  fresh: boolean;
  scratchDir: string;
  now: () => Date;
  signal: AbortSignal;
  onProgress?: ((event: ProgressEvent) => void) | undefined;
  onLog?: ((line: string) => void) | undefined;
  /** Build slots per engine, shared with other jobs; absent: no limit. */
  slots?: BuildSlots | undefined;
  /** The job's own build lane: its builds run one at a time, in the order they were asked for. */
  lane: BuildSlots;
  /** Runtime phases (RAM runs, canaries) at once per engine, shared with other jobs: its bound keys the result. */
  runtime: RuntimeSlots;
  /** The platform's runtime phase, shared with the other side of the platform (PlatformPhase). */
  phase: PlatformPhase;
  /** The platforms of this side built in one invocation (multi-platform engines); the first side to get the lane builds them all. */
  together?: SharedBuild | undefined;
  /** A BuildKit cache directory for builders that can export one; none: the builder's own cache only. */
  cache?: BuildCache | null | undefined;
  /** The side is code of someone who cannot push to the repository (see remote-sources.ts in src/build). */
  untrusted?: boolean | undefined;
  sandbox?: Sandbox | undefined;
  onBuildFailed?: ((failure: BuildFailure) => void) | undefined;
}

/** One build for several platforms of a side, shared by their measureSide calls. */
export interface SharedBuild {
  platforms: string[];
  result?: Promise<BuildOutput>;
}

export interface MeasuredSide {
  result: SideResult;
  /** True when a build ran (false: reused from the store). */
  built: boolean;
}

type Progress = (phase: 'build' | 'measure' | 'ram' | 'canary', state: 'start' | 'done' | 'cached' | 'failed') => void;

/** `build.versionArg` names the build arg that carries the version; without it the Dockerfile's own ARG default is built. */
function versionBuildArgs(config: Config, version: string | null): Record<string, string> {
  const name = config.build.versionArg;
  return { ...config.buildArgs, ...(name !== undefined && version !== null ? { [name]: version } : {}) };
}

type SideKeyInput = Pick<MeasureSideInput, 'repo' | 'sha' | 'version' | 'platform' | 'config'> & {
  /** EngineChoice.identity: figures are reused only from the same engine. */
  engineIdentity: string;
  /** The runtime bound of the engine the images run on: RAM is reused only when sampled under the same. */
  samplingConcurrency: number;
};

/** The fields of the key that come from the engine: its identity and the runtime bound where its images run. */
export function engineKeyOf(engine: PlatformEngine, runtime: RuntimeSlots): Pick<SideKeyInput, 'engineIdentity' | 'samplingConcurrency'> {
  return { engineIdentity: engine.choice.identity, samplingConcurrency: runtime.limit(engine.client.engine) };
}

/** Where a side's measurement is stored: the commit fixes the tree, the inputs hash everything else, the engine included. */
export function sideKey(input: SideKeyInput): { key: ResultKey; buildArgs: Record<string, string> } {
  const buildArgs = versionBuildArgs(input.config, input.version);
  const hash = inputsHash(input.config, input.platform, buildArgs, input.engineIdentity, { concurrency: input.samplingConcurrency });
  return { key: { repo: input.repo, commit: input.sha, platform: input.platform, inputsHash: hash }, buildArgs };
}

/** A measurement of this side stored by an earlier run, or null (`/audit` judges with these and builds nothing). */
export function storedSide(input: SideKeyInput & { store: ResultStore | null }): SideResult | null {
  const stored = input.store?.findResult(sideKey(input).key) ?? null;
  return stored && { ...stored, cached: true };
}

export async function measureSide(input: MeasureSideInput): Promise<MeasuredSide> {
  const { platform, side } = input;
  const progress: Progress = (phase, state) => input.onProgress?.({ phase, platform, side, state });
  const keyInput = { ...input, ...engineKeyOf(input.engine, input.runtime) };
  const { key, buildArgs } = sideKey(keyInput);
  const stored = input.fresh ? null : storedSide(keyInput);
  if (stored) {
    input.phase.leave();
    progress('build', 'cached');
    return { result: stored, built: false };
  }
  // The platform's phase must hear from this side once: it arrives with its image, or it leaves.
  let arrived = false;
  const inPhase: PlatformPhase['run'] = (fn) => {
    arrived = true;
    return input.phase.run(fn);
  };
  try {
    return await buildAndMeasure(input, key, buildArgs, progress, inPhase);
  } finally {
    if (!arrived) input.phase.leave();
  }
}

/** The job's lane, then a build slot on the platform's engine shared with other jobs. */
function inBuildSlot<T>(input: MeasureSideInput, fn: () => Promise<T>): Promise<T> {
  const slots = input.slots ?? { run: <U>(_e: string, _s: AbortSignal, f: () => Promise<U>) => f() };
  return input.lane.run('build', input.signal, () => slots.run(input.engine.choice.name, input.signal, fn));
}

async function buildAndMeasure(
  input: MeasureSideInput,
  key: ResultKey,
  buildArgs: Record<string, string>,
  progress: Progress,
  inPhase: PlatformPhase['run'],
): Promise<MeasuredSide> {
  const { config, platform, side, sha } = input;
  const base: SideResult = { commit: sha, version: input.version, cached: false, analysis: null, ram: null, canaries: [] };
  // A side built together with others shares their archive, which the check removes at its end.
  const tar = input.together ? null : join(input.scratchDir, `${side}-${platform.replaceAll('/', '-')}.tar`);
  const untrusted = input.untrusted === true;
  // Filled in as the build goes: what the error path and the cleanup need to know.
  const done: { engine: EngineInfo | null; built: BuildOutput | null; tree: string | null } = { engine: null, built: null, tree: null };
  try {
    // 1. Build and analyse in a build slot; 2. run the image in the platform's runtime phase (beside
    //    the other side), so the next build starts while these images sit through their RAM windows.
    const analysis = await inBuildSlot(input, async () => {
      progress('build', 'start');
      // Asked first: an unreachable engine is its own error for this platform, before any checkout.
      const engine = (done.engine = await input.engine.ready(input.signal));
      const together = input.together;
      const built = (done.built = together
        ? await (together.result ??= buildSide(
            input,
            engine,
            buildArgs,
            join(input.scratchDir, `${side}-together.tar`),
            together.platforms,
            done,
          ))
        : await buildSide(input, engine, buildArgs, tar!, null, done));
      progress('build', 'done');
      progress('measure', 'start');
      const a = await analyseImage(built.tarPath, {
        platform,
        blockSize: config.measure.blockSize,
        binaryPath: config.measure.binary,
        top: config.measure.top,
      });
      progress('measure', 'done');
      return a;
    });
    const image = done.built!;
    const info = done.engine!;
    const { ram, canaries } = await inPhase(async (phase) => {
      progress('ram', 'start');
      const runtime = await measureRuntime({
        docker: info.docker,
        image: { imageId: image.imageId, tarPath: image.tarPath },
        platform,
        hostPlatform: info.hostPlatform,
        ram: config.ram,
        canaries: canariesFor(config.canaries, platform),
        signal: input.signal,
        onLog: input.onLog,
        ...(input.sandbox ? { limits: input.sandbox.limits, owner: input.sandbox.owner } : {}),
      });
      progress('ram', 'done');
      return { ram: runtime.ram && { ...runtime.ram, concurrency: phase.concurrency() }, canaries: runtime.canaries };
    });
    const result: SideResult = {
      ...base,
      analysis,
      ram,
      canaries,
      engine: { name: input.engine.choice.name, platform: info.hostPlatform },
    };
    input.store?.saveResult(key, result, input.now().toISOString());
    return { result, built: true };
  } catch (err) {
    if (err instanceof CancelledError || input.signal.aborted)
      throw err instanceof CancelledError ? err : new CancelledError(undefined, { cause: err });
    const failure = err instanceof BumpguardError ? err : await engineGone(input, done.engine, err);
    if (blameOf(failure) === 'cancelled') throw failure;
    progress('build', 'failed');
    const raw = failure instanceof BuildError ? failure.logTail : '';
    input.onBuildFailed?.({ platform, side, sha, code: failure.code, message: failure.userMessage, logTail: raw });
    const shown = shownFailure(failure, raw, {
      untrusted,
      platform,
      hostPaths: hostPathsOf({ checkout: done.tree, scratch: input.scratchDir }),
    });
    return { result: { ...base, error: { ...shown, code: failure.code } }, built: true };
  } finally {
    if (done.engine && done.built?.heldTag) await removeBuildTag(done.engine.docker, done.built.heldTag);
    if (tar) await rm(tar, { force: true });
  }
}

/**
 * One platform's image, or (`together`) every platform of the side in one invocation. The image
 * stays in the engine that built it for the runs (never loaded back in); the build cache directory
 * is used when the client can export one.
 */
async function buildSide(
  input: MeasureSideInput,
  engine: EngineInfo,
  buildArgs: Record<string, string>,
  outTar: string,
  together: string[] | null,
  where: { tree: string | null },
): Promise<BuildOutput> {
  const { config, platform, sha } = input;
  const untrusted = input.untrusted === true;
  const policy = input.sandbox?.untrustedNetwork ?? 'none';
  where.tree = await input.source.checkout(sha, input.signal);
  const paths = await existingBuildPaths(where.tree, resolveBuildPaths(config), sha);
  if (untrusted) await refuseRemoteSources(paths.dockerfile, buildArgs, policy, platform);
  const builder = together ? undefined : (input.engine.choice.builder ?? undefined);
  // Only buildx and buildctl export a cache; docker 20.10's `docker build` keeps the engine's own.
  const usesCache = together !== null || (builder?.kind ?? 'local') !== 'local';
  const cache = input.cache && usesCache ? await input.cache.dirFor(input.repo, together ? together.join(',') : platform) : undefined;
  const built = await buildImage({
    contextDir: paths.context,
    dockerfile: paths.dockerfile,
    platform: together ? together.join(', ') : platform,
    buildArgs,
    builder,
    outTar,
    timeoutMs: config.build.timeoutSeconds * 1000,
    signal: input.signal,
    network: untrusted && policy !== 'all' ? 'none' : config.build.network,
    engine,
    onLog: input.onLog,
    keepImage: true,
    owner: input.sandbox?.owner,
    ...(together ? { together } : {}),
    ...(cache ? { cache } : {}),
  });
  if (cache) {
    const pruned = await input.cache!.prune();
    if (pruned.removed.length > 0) input.onLog?.(`build cache over its bound: removed ${pruned.removed.join(', ')}`);
  }
  return built;
}

/** Whether the platforms of a side, all on this engine without a builder of their own, can be built in one invocation. */
export function buildsTogether(engine: EngineInfo, engines: PlatformEngine[]): boolean {
  return (
    engines.length > 1 &&
    new Set(engines.map((e) => e.client.engine)).size === 1 &&
    canBuildTogether(
      engine,
      engines.map((e) => e.choice.builder ?? undefined),
    )
  );
}

/** A docker call failed outside the build (loading, running, sampling): the engine's fault when it no longer answers, else a bug. */
async function engineGone(input: MeasureSideInput, engine: EngineInfo | null, err: unknown): Promise<BuildError> {
  if (engine === null || (await engineAnswers(engine.docker, input.signal))) throw err;
  const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
  return new BuildError(
    'docker-unavailable',
    `${engineGoneWords(engine.docker, `while measuring ${input.platform} (${input.side})`)}: ${why}`,
    { platform: input.platform, cause: err },
  );
}

/** The configured Dockerfile and context inside the checkout; a missing one names its config key. */
async function existingBuildPaths(tree: string, paths: BuildPaths, sha: string): Promise<BuildPaths> {
  const inTree = buildPathsIn(tree, paths);
  if ((await kindOf(inTree.context)) !== 'dir') throw new BuildError('context-missing', missingPathMessage('context', paths.context, sha));
  if ((await kindOf(inTree.dockerfile)) !== 'file')
    throw new BuildError('dockerfile-missing', missingPathMessage('dockerfile', paths.dockerfile, sha));
  return inTree;
}

async function kindOf(path: string): Promise<'dir' | 'file' | null> {
  try {
    return (await stat(path)).isDirectory() ? 'dir' : 'file';
  } catch (err) {
    if (err instanceof Error && 'code' in err && (err.code === 'ENOENT' || err.code === 'ENOTDIR')) return null;
    throw err;
  }
}

// The key under which a measurement is reused: the commit fixes the tree, this hash fixes
// everything else that changes the figures (build settings, what and how we measure).
/**
 * Bump when the analysis itself changes so stored figures are not compared with new ones.
 * 2: `dockerfile` is relative to the repo root (it was read relative to `context`).
 * 3: keyed by the engine that builds and runs the image, not by the repository's builder entry.
 */
const MEASUREMENT_VERSION = 3;

/**
 * `engine` is the EngineChoice identity (selectEngine of src/config): a figure measured on a Pi
 * never serves as the baseline of one measured under qemu on the bot's engine, or the reverse.
 * `sampling.concurrency`: the bound on runtime phases at once under which RAM is sampled. A figure
 * sampled under another bound is measured again rather than reused, so a base and its head are
 * always sampled alike.
 */
export function inputsHash(
  config: Config,
  platform: string,
  buildArgs: Record<string, string>,
  engine: string,
  sampling: { concurrency: number },
): string {
  const inputs = {
    v: MEASUREMENT_VERSION,
    platform,
    ...resolveBuildPaths(config),
    buildArgs,
    engine,
    network: config.build.network,
    measure: config.measure,
    ram: config.ram,
    sampling: config.ram.enabled ? sampling : null,
    canaries: canariesFor(config.canaries, platform),
  };
  return createHash('sha256').update(JSON.stringify(inputs)).digest('hex').slice(0, 32);
}
