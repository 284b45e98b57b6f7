// Build, analyse and run one side (base or head) of one platform. A failure becomes
// SideResult.error with its code; src/errors.ts ERROR_BLAME (applied by policy) says whether it is
// the target's own build failure, a configuration problem or infrastructure trouble. Only
// cancellation and unexpected errors (bugs) escape.
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { buildImage, engineAnswers, engineGoneWords, removeBuildTag, type BuildOutput, type EngineInfo } from '../build/index.ts';
import { buildPathsIn, missingPathMessage, resolveBuildPaths, type BuildPaths, type Config } from '../config/index.ts';
import { blameOf, BuildError, BumpguardError, CancelledError } from '../errors.ts';
import { analyseImage, canariesFor, measureRuntime } from '../measure/index.ts';
import type { SideResult } from '../model.ts';
import type { ResultKey, ResultStore } from '../store/index.ts';
import { inputsHash } from './inputs-hash.ts';
import type { PlatformEngine } from './platform-engines.ts';
import type { BuildFailure, BuildSlots, ProgressEvent, Sandbox, SourceTree } from './types.ts';
import { hostPathsOf, refuseRemoteSources, shownFailure } from './untrusted-build.ts';

export interface MeasureSideInput {
  repo: string;
  side: 'base' | 'head';
  sha: string;
  /** The Tailscale version this side builds (the job's one bump decision); null when unknown. */
  version: string | null;
  platform: string;
  config: Config;
  source: SourceTree;
  /** The engine that builds and runs this platform (src/jobs/platform-engines.ts). */
  engine: PlatformEngine;
  store: ResultStore | null;
  /** Skip the stored result (`--no-cache`, `/rebuild`). */
  fresh: boolean;
  scratchDir: string;
  now: () => Date;
  signal: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
  onLog?: (line: string) => void;
  /** Build slots per engine, shared with other jobs; absent: no limit. */
  slots?: BuildSlots | undefined;
  /** The side is code of someone who cannot push to the repository (see untrusted-build.ts). */
  untrusted?: boolean;
  sandbox?: Sandbox | undefined;
  onBuildFailed?: ((failure: BuildFailure) => void) | undefined;
}

export interface MeasuredSide {
  result: SideResult;
  /** True when a build ran (false: reused from the store). */
  built: boolean;
}

type Progress = (phase: 'build' | 'measure' | 'ram' | 'canary', state: 'start' | 'done' | 'cached' | 'failed') => void;

/** `build.versionArg` names the build arg that carries the version; without it the Dockerfile's own ARG default is built. */
export function versionBuildArgs(config: Config, version: string | null): Record<string, string> {
  const name = config.build.versionArg;
  return { ...config.buildArgs, ...(name !== undefined && version !== null ? { [name]: version } : {}) };
}

type SideKeyInput = Pick<MeasureSideInput, 'repo' | 'sha' | 'version' | 'platform' | 'config'> & {
  /** EngineChoice.identity: figures are reused only from the same engine. */
  engineIdentity: string;
};

/** Where a side's measurement is stored: the commit fixes the tree, the inputs hash everything else, the engine included. */
function sideKey(input: SideKeyInput): { key: ResultKey; buildArgs: Record<string, string> } {
  const buildArgs = versionBuildArgs(input.config, input.version);
  const hash = inputsHash(input.config, input.platform, buildArgs, input.engineIdentity);
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
  const keyInput = { ...input, engineIdentity: input.engine.choice.identity };
  const { key, buildArgs } = sideKey(keyInput);
  const stored = input.fresh ? null : storedSide(keyInput);
  if (stored) {
    progress('build', 'cached');
    return { result: stored, built: false };
  }
  const slots = input.slots ?? { run: <T>(_e: string, _s: AbortSignal, fn: () => Promise<T>) => fn() };
  return slots.run(input.engine.choice.name, input.signal, () => buildAndMeasure(input, key, buildArgs, progress));
}

async function buildAndMeasure(input: MeasureSideInput, key: ResultKey, buildArgs: Record<string, string>, progress: Progress): Promise<MeasuredSide> {
  const { config, platform, side, sha } = input;
  const base: SideResult = { commit: sha, version: input.version, cached: false, analysis: null, ram: null, canaries: [] };
  const tar = join(input.scratchDir, `${side}-${platform.replaceAll('/', '-')}.tar`);
  let engine: EngineInfo | null = null;
  let built: BuildOutput | null = null;
  const untrusted = input.untrusted === true;
  const policy = input.sandbox?.untrustedNetwork ?? 'none';
  let tree: string | null = null;
  try {
    progress('build', 'start');
    // Asked first: an unreachable engine is its own error for this platform, before any checkout.
    engine = await input.engine.ready(input.signal);
    tree = await input.source.checkout(sha, input.signal);
    const paths = await existingBuildPaths(tree, resolveBuildPaths(config), sha);
    if (untrusted) await refuseRemoteSources(paths.dockerfile, buildArgs, policy, platform);
    // The image stays in the engine that built it for the runs below: never loaded back in.
    built = await buildImage({
      contextDir: paths.context, dockerfile: paths.dockerfile, platform, buildArgs,
      builder: input.engine.choice.builder ?? undefined, outTar: tar, timeoutMs: config.build.timeoutSeconds * 1000,
      signal: input.signal, network: untrusted && policy !== 'all' ? 'none' : config.build.network, engine, onLog: input.onLog, keepImage: true,
    });
    progress('build', 'done');
    progress('measure', 'start');
    const analysis = await analyseImage(tar, { platform, blockSize: config.measure.blockSize, binaryPath: config.measure.binary, top: config.measure.top });
    progress('measure', 'done');
    progress('ram', 'start');
    const runtime = await measureRuntime({
      docker: engine.docker, image: { imageId: built.imageId, tarPath: tar }, platform,
      hostPlatform: engine.hostPlatform, ram: config.ram, canaries: canariesFor(config.canaries, platform),
      signal: input.signal, onLog: input.onLog, ...(input.sandbox ? { limits: input.sandbox.limits, owner: input.sandbox.owner } : {}),
    });
    progress('ram', 'done');
    const result: SideResult = {
      ...base, analysis, ram: runtime.ram, canaries: runtime.canaries, engine: { name: input.engine.choice.name, platform: engine.hostPlatform },
    };
    input.store?.saveResult(key, result, input.now().toISOString());
    return { result, built: true };
  } catch (err) {
    if (err instanceof CancelledError || input.signal.aborted) throw err instanceof CancelledError ? err : new CancelledError(undefined, { cause: err });
    const failure = err instanceof BumpguardError ? err : await engineGone(input, engine, err);
    if (blameOf(failure) === 'cancelled') throw failure;
    progress('build', 'failed');
    const raw = failure instanceof BuildError ? failure.logTail : '';
    input.onBuildFailed?.({ platform, side, sha, code: failure.code, message: failure.userMessage, logTail: raw });
    const shown = shownFailure(failure, raw, { untrusted, platform, hostPaths: hostPathsOf({ checkout: tree, scratch: input.scratchDir }) });
    return { result: { ...base, error: { ...shown, code: failure.code } }, built: true };
  } finally {
    if (engine && built?.heldTag) await removeBuildTag(engine.docker, built.heldTag);
    await rm(tar, { force: true });
  }
}

/** A docker call failed outside the build (loading, running, sampling): the engine's fault when it no longer answers, else a bug. */
async function engineGone(input: MeasureSideInput, engine: EngineInfo | null, err: unknown): Promise<BuildError> {
  if (engine === null || (await engineAnswers(engine.docker, input.signal))) throw err;
  const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
  return new BuildError('docker-unavailable', `${engineGoneWords(engine.docker, `while measuring ${input.platform} (${input.side})`)}: ${why}`, { platform: input.platform, cause: err });
}

/** The configured Dockerfile and context inside the checkout; a missing one names its config key. */
async function existingBuildPaths(tree: string, paths: BuildPaths, sha: string): Promise<BuildPaths> {
  const inTree = buildPathsIn(tree, paths);
  if ((await kindOf(inTree.context)) !== 'dir') throw new BuildError('context-missing', missingPathMessage('context', paths.context, sha));
  if ((await kindOf(inTree.dockerfile)) !== 'file') throw new BuildError('dockerfile-missing', missingPathMessage('dockerfile', paths.dockerfile, sha));
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
