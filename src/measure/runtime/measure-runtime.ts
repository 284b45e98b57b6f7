// RAM runs and canaries of one built image on one platform.
// `ram.runs` fresh containers at once, each sampled after readiness; canaries run in the first
// one after its samples are taken, so they never inflate the RAM figures. Containers are always
// removed, and so is the image unless something else still uses it.

import { randomUUID } from 'node:crypto';
import type { Canary, Config } from '../../config/index.ts';
import { CancelledError, messageOf, type CanaryResult, type RamMeasurement } from '../../core/index.ts';
import { MEASURE_REPOSITORY, processOwner, stampedTag, type DockerClient, type Owner } from '../../engine/index.ts';
import { canariesNotRun, runCanaries } from '../canary/run-canaries.ts';
import {
  acquireImage,
  DEFAULT_CONTAINER_LIMITS,
  releaseImage,
  removeContainer,
  startContainer,
  usersToTry,
  waitReady,
  type ContainerLimits,
  type ImageRef,
} from './container.ts';
import { isEmulated, presentValues, ramStats, sampleContainer, type RunSample } from './ram.ts';

export interface MeasureRuntimeOptions {
  /** The docker client of the engine the image runs on. */
  docker: DockerClient;
  image: ImageRef;
  platform: string;
  /** The engine's platform (EngineInfo.hostPlatform): others are labelled emulated. */
  hostPlatform: string;
  ram: Config['ram'];
  canaries: Canary[];
  signal?: AbortSignal | undefined;
  onLog?: ((line: string) => void) | undefined;
  /** Ends this run's image tag (bumpguard-measure:<stamp>.<runId>) and labels its containers (injected in tests). */
  runId?: string | undefined;
  /** The operator's cage for the image (default DEFAULT_CONTAINER_LIMITS). */
  limits?: ContainerLimits | undefined;
  /** The process stamped on the tag and every container (default: this one); the next start's sweep judges them by it. */
  owner?: Owner | undefined;
}

/** How a container is started: read-only first, as each user to try. */
interface Mode {
  readOnly: boolean;
  user: string | null;
}

export interface RuntimeResult {
  /** Null when RAM measuring is disabled in config. */
  ram: RamMeasurement | null;
  canaries: CanaryResult[];
}

export async function measureRuntime(opts: MeasureRuntimeOptions): Promise<RuntimeResult> {
  const log = opts.onLog ?? (() => {});
  const emulated = isEmulated(opts.platform, opts.hostPlatform);
  const wantCanaries = opts.canaries.length > 0;
  const runs = opts.ram.enabled ? opts.ram.runs : wantCanaries ? 1 : 0;
  if (runs === 0) return { ram: null, canaries: [] };
  // Each run tries the same modes in the same order; the same image settles on the same one, so
  // the runs (and base and head of a platform) are measured alike.
  const modes: Mode[] = usersToTry(opts.limits ?? DEFAULT_CONTAINER_LIMITS).flatMap((user) => [
    { readOnly: true, user },
    { readOnly: false, user },
  ]);
  const runId = opts.runId ?? randomUUID();
  const tag = stampedTag(MEASURE_REPOSITORY, opts.owner ?? processOwner(), Date.now(), runId);
  await acquireImage(opts.docker, opts.image, tag, opts.signal);
  let outcomes: RunOutcome[];
  try {
    // The runs are independent containers and mostly wait (start, readiness, the window), so they
    // run side by side; the canaries run in the first one once its samples are taken. Every run
    // settles (and removes its container) before the image is released or an error escapes.
    const settled = await Promise.allSettled(
      Array.from({ length: runs }, (_, i) => oneRun(opts, tag, runId, modes, i === 0 && wantCanaries, log)),
    );
    const thrown = settled.find((r) => r.status === 'rejected');
    if (thrown) throw thrown.reason;
    outcomes = settled.map((r) => (r as PromiseFulfilledResult<RunOutcome>).value);
  } finally {
    await releaseImage(opts.docker, tag);
  }
  const samples = outcomes.flatMap((o) => ('sample' in o && o.sample ? [o.sample] : []));
  const failure = outcomes.find((o): o is { error: string } => 'error' in o)?.error ?? null;
  const first = outcomes[0]!;
  let canaries: CanaryResult[] = [];
  if (wantCanaries) canaries = 'error' in first ? canariesNotRun(opts.canaries, opts.platform, first.error) : first.canaries;
  const readOnly = outcomes.find((o): o is Extract<RunOutcome, { mode: Mode }> => 'mode' in o)?.mode.readOnly ?? true;
  return { ram: opts.ram.enabled ? ramResult(samples, emulated, readOnly, failure) : null, canaries };
}

type RunOutcome = { sample: RunSample | null; canaries: CanaryResult[]; mode: Mode } | { error: string };

/** One container: started (trying `modes`), sampled, and the canaries when asked; always removed. */
async function oneRun(
  opts: MeasureRuntimeOptions,
  tag: string,
  runId: string,
  modes: Mode[],
  withCanaries: boolean,
  log: (l: string) => void,
): Promise<RunOutcome> {
  const started = await startReady(opts, tag, runId, modes, log);
  if ('error' in started) return started;
  try {
    const sample = opts.ram.enabled
      ? await sampleContainer(opts.docker, started.id, {
          windowMs: opts.ram.windowMs,
          intervalMs: opts.ram.intervalMs,
          process: opts.ram.process,
          signal: opts.signal,
        })
      : null;
    const canaries = withCanaries
      ? await runCanaries({
          docker: opts.docker,
          containerId: started.id,
          imageId: opts.image.imageId,
          platform: opts.platform,
          canaries: opts.canaries,
          signal: opts.signal,
          onLog: log,
          runId,
          owner: opts.owner,
          limits: opts.limits ?? DEFAULT_CONTAINER_LIMITS,
          user: started.mode.user,
        })
      : [];
    return { sample, canaries, mode: started.mode };
  } finally {
    await removeContainer(opts.docker, started.id);
  }
}

function ramResult(samples: RunSample[], emulated: boolean, readOnly: boolean, failure: string | null): RamMeasurement {
  const rss = ramStats(presentValues(samples.map((s) => s.rss)));
  const result: RamMeasurement = {
    emulated,
    rss,
    peak: ramStats(presentValues(samples.map((s) => s.peak))),
    hwm: ramStats(presentValues(samples.map((s) => s.hwm))),
    readOnly,
  };
  const source = samples.find((s) => s.peakSource !== null)?.peakSource;
  if (source) result.peakSource = source;
  // Every run of one side reads the same way (one bot, one engine); the first says which.
  const rssSource = samples.find((s) => s.rss !== null)?.rssSource;
  if (rssSource) result.rssSource = rssSource;
  const process = samples.find((s) => s.process !== null)?.process;
  if (process) result.process = process;
  if (failure !== null) result.error = failure;
  else if (rss === null) result.error = 'no memory figures could be read from the running container';
  return result;
}

type Started = { id: string; mode: Mode } | { error: string };

/**
 * Starts a container and waits for readiness, trying `modes` in order: an image that dies
 * read-only or as the unprivileged user is started writable, then as its own user.
 */
async function startReady(
  opts: MeasureRuntimeOptions,
  image: string,
  runId: string,
  modes: Mode[],
  log: (l: string) => void,
): Promise<Started> {
  let last = '';
  for (const [i, mode] of modes.entries()) {
    let id: string;
    try {
      id = await startContainer(
        opts.docker,
        {
          image,
          runId,
          platform: opts.platform,
          readOnly: mode.readOnly,
          limits: opts.limits ?? DEFAULT_CONTAINER_LIMITS,
          user: mode.user,
          owner: opts.owner,
          command: opts.ram.command,
        },
        opts.signal,
      );
    } catch (err) {
      if (err instanceof CancelledError) throw err;
      last = `docker run failed: ${messageOf(err)}`;
      continue;
    }
    const notReady = await waitReady(opts.docker, id, opts.ram.ready, opts.signal).catch(async (err: unknown) => {
      await removeContainer(opts.docker, id);
      throw err;
    });
    if (notReady === null) return { id, mode };
    await removeContainer(opts.docker, id);
    last = notReady.message;
    if (notReady.kind === 'timeout') break; // a slow start is not a read-only or user problem
    const next = modes[i + 1];
    if (next) log(`${opts.platform}: ${last}; retrying ${describe(next)}`);
  }
  return { error: last };
}

function describe(mode: Mode): string {
  return `${mode.readOnly ? 'read-only' : 'without --read-only'}, as ${mode.user === null ? "the image's user" : `user ${mode.user}`}`;
}
