// Build, analyse and run one side (base or head) of one platform. Expected failures (a broken
// build, an image that will not start) become SideResult.error, which policy turns into findings;
// only cancellation, a missing engine and forge failures escape.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { buildImage, type EngineInfo } from '../build/index.ts';
import { findTailscaleVersionArg } from '../bump/index.ts';
import type { Config } from '../config/index.ts';
import { BuildError, BumpguardError, CancelledError, ForgeError } from '../errors.ts';
import { analyseImage, canariesFor, measureRuntime } from '../measure/index.ts';
import type { SideResult } from '../model.ts';
import type { ResultKey, ResultStore } from '../store/index.ts';
import { inputsHash } from './inputs-hash.ts';
import type { BuildSlots, ProgressEvent, SourceTree } from './types.ts';

export interface MeasureSideInput {
  repo: string;
  side: 'base' | 'head';
  sha: string;
  platform: string;
  config: Config;
  source: SourceTree;
  engine: EngineInfo;
  store: ResultStore | null;
  /** Skip the stored result (`--no-cache`, `/rebuild`). */
  fresh: boolean;
  scratchDir: string;
  now: () => Date;
  signal: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
  onLog?: (line: string) => void;
  /** Build slots per platform, shared with other jobs; absent: no limit. */
  slots?: BuildSlots | undefined;
}

export interface MeasuredSide {
  result: SideResult;
  /** True when a build ran (false: reused from the store). */
  built: boolean;
}

export async function measureSide(input: MeasureSideInput): Promise<MeasuredSide> {
  const { config, platform, side, sha } = input;
  const progress = (phase: 'build' | 'measure' | 'ram' | 'canary', state: 'start' | 'done' | 'cached' | 'failed') =>
    input.onProgress?.({ phase, platform, side, state });
  const dockerfileText = await input.source.readFile(sha, join(config.context, config.dockerfile));
  const versionArg = dockerfileText === null ? null : findTailscaleVersionArg(dockerfileText, config.dockerfile);
  const argName = config.build.versionArg ?? versionArg?.arg;
  const buildArgs = { ...config.buildArgs, ...(argName && versionArg ? { [argName]: versionArg.value } : {}) };
  const key = { repo: input.repo, commit: sha, platform, inputsHash: inputsHash(config, platform, buildArgs) };
  const stored = input.fresh ? null : (input.store?.findResult(key) ?? null);
  if (stored) {
    progress('build', 'cached');
    return { result: { ...stored, cached: true }, built: false };
  }
  const base: SideResult = { commit: sha, version: versionArg?.value ?? null, cached: false, analysis: null, ram: null, canaries: [] };
  if (dockerfileText === null) {
    return { result: { ...base, error: { message: `${config.dockerfile} does not exist at ${sha.slice(0, 12)}`, logTail: '' } }, built: false };
  }
  const slots = input.slots ?? { run: <T>(_p: string, _s: AbortSignal, fn: () => Promise<T>) => fn() };
  return slots.run(platform, input.signal, () => buildAndMeasure(input, base, key, buildArgs, progress));
}

async function buildAndMeasure(
  input: MeasureSideInput,
  base: SideResult,
  key: ResultKey,
  buildArgs: Record<string, string>,
  progress: (phase: 'build' | 'measure' | 'ram' | 'canary', state: 'start' | 'done' | 'cached' | 'failed') => void,
): Promise<MeasuredSide> {
  const { config, platform, side, sha } = input;
  const tar = join(input.scratchDir, `${side}-${platform.replaceAll('/', '-')}.tar`);
  try {
    progress('build', 'start');
    const tree = await input.source.checkout(sha, input.signal);
    const built = await buildImage({
      contextDir: join(tree, config.context), dockerfile: config.dockerfile, platform, buildArgs,
      builder: config.builders[platform], outTar: tar, timeoutMs: config.build.timeoutSeconds * 1000,
      signal: input.signal, network: config.build.network, engine: input.engine, onLog: input.onLog,
    });
    progress('build', 'done');
    progress('measure', 'start');
    const analysis = await analyseImage(tar, { platform, blockSize: config.measure.blockSize, binaryPath: config.measure.binary, top: config.measure.top });
    progress('measure', 'done');
    progress('ram', 'start');
    const runtime = await measureRuntime({
      docker: input.engine.docker, image: { imageId: built.imageId, tarPath: tar }, platform,
      hostPlatform: input.engine.hostPlatform, ram: config.ram, canaries: canariesFor(config.canaries, platform),
      signal: input.signal, onLog: input.onLog,
    });
    progress('ram', 'done');
    const result: SideResult = { ...base, analysis, ram: runtime.ram, canaries: runtime.canaries };
    input.store?.saveResult(key, result, input.now().toISOString());
    return { result, built: true };
  } catch (err) {
    if (err instanceof CancelledError || input.signal.aborted) throw err instanceof CancelledError ? err : new CancelledError(undefined, { cause: err });
    if (err instanceof BuildError && err.code === 'no-docker') throw err;
    // The forge failing to hand over the tree is infrastructure (gate `error`), not a broken build.
    if (err instanceof ForgeError) throw err;
    if (!(err instanceof BumpguardError)) throw err;
    progress('build', 'failed');
    const logTail = err instanceof BuildError ? err.logTail : '';
    return { result: { ...base, error: { message: err.userMessage, logTail } }, built: true };
  } finally {
    await rm(tar, { force: true });
  }
}
