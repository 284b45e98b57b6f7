// The engines of one check and the slots they share across jobs: which engine each platform
// uses, how many builds and runtime phases run on it at once.

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import PQueue from 'p-queue';
import { detectEngine, dockerClientFor, pickDockerBinary, type DockerClient, type EngineInfo } from '../engine/index.ts';
import { selectEngine, type Config, type EngineChoice, type EngineDefinition, type RepoBuilderPolicy } from '../config/index.ts';
import {
  CancelledError,
  type BuildError,
  type EngineLabel,
  type PlatformResult,
  type SamplingConcurrency,
  type SideResult,
} from '../core/index.ts';
import { isEmulated } from '../measure/index.ts';

// The engines of one check: which engine each platform uses (selectEngine of src/config decides)
// and its docker client, probed once per engine and only when a platform needs it, so a platform
// measured before needs no engine at all, and one unreachable engine fails only its platforms.

/** What the operator set up (BUMPGUARD_ENGINES, BUMPGUARD_REPO_BUILDERS; the CLI's --engines). */
export interface EngineSetup {
  definitions: EngineDefinition[];
  repoBuilders: RepoBuilderPolicy;
}

export interface PlatformEngine {
  choice: EngineChoice;
  /** The client of the engine the image runs on (the bot's own for build-only builders). */
  client: DockerClient;
  /** The engine's answer to `docker info`, asked once per check; rejects with BuildError (engine-unreachable, no-docker). */
  ready(signal: AbortSignal): Promise<EngineInfo>;
  /** That answer once it came, else null (never asked, or unreachable). */
  info(): EngineInfo | null;
}

export interface CheckEnginesOptions {
  /** The docker binary (default: $BUMPGUARD_DOCKER, /usr/bin/docker, or docker on PATH). */
  docker?: string;
  env?: NodeJS.ProcessEnv;
  /** Replaces `docker info` (tests). */
  probe?: (client: DockerClient, signal: AbortSignal) => Promise<EngineInfo>;
}

export class CheckEngines {
  readonly #config: Config;
  readonly #setup: EngineSetup;
  readonly #docker: string;
  readonly #env: NodeJS.ProcessEnv;
  readonly #probe: NonNullable<CheckEnginesOptions['probe']>;
  readonly #probes = new Map<string, { promise: Promise<EngineInfo>; info: EngineInfo | null }>();

  constructor(config: Config, setup: EngineSetup = { definitions: [], repoBuilders: 'warn' }, opts: CheckEnginesOptions = {}) {
    this.#config = config;
    this.#setup = setup;
    this.#env = opts.env ?? process.env;
    this.#docker = opts.docker ?? pickDockerBinary(this.#env, existsSync);
    this.#probe = opts.probe ?? ((client, signal) => detectEngine({ client, signal }));
  }

  /** The engine of `platform`; throws BuildError when the repository picks one it may not (engine-unknown, builder-refused). */
  for(platform: string): PlatformEngine {
    const choice = selectEngine(platform, this.#config, this.#setup.definitions, this.#setup.repoBuilders);
    const client = dockerClientFor(choice.definition, this.#docker, this.#env);
    return {
      choice,
      client,
      ready: (signal) => this.#ready(client, signal),
      info: () => this.#probes.get(client.engine)?.info ?? null,
    };
  }

  #ready(client: DockerClient, signal: AbortSignal): Promise<EngineInfo> {
    let probe = this.#probes.get(client.engine);
    if (!probe) {
      const entry: { promise: Promise<EngineInfo>; info: EngineInfo | null } = { promise: this.#probe(client, signal), info: null };
      // The rejection reaches every caller of ready(); this only notes a success for info().
      entry.promise.then(
        (info) => (entry.info = info),
        () => undefined,
      );
      this.#probes.set(client.engine, entry);
      probe = entry;
    }
    return probe.promise;
  }
}

/** RAM and canaries ran where the engine is: native when its CPU is the platform's, else under qemu-user. */
export function platformResult(platform: string, engine: PlatformEngine, sides: Pick<PlatformResult, 'base' | 'head'>): PlatformResult {
  const info = engine.info();
  // Sides reused from the store say which engine measured them (the same one: it is in their key).
  const label: EngineLabel = {
    name: engine.choice.name,
    platform: info?.hostPlatform ?? sides.head?.engine?.platform ?? sides.base?.engine?.platform ?? null,
  };
  const emulated =
    label.platform !== null ? isEmulated(platform, label.platform) : (sides.head?.ram?.emulated ?? sides.base?.ram?.emulated ?? false);
  return { platform, emulated, engine: label, ...sides };
}

/** A side that was never built: the error that kept its platform from having an engine. */
export function unbuiltSide(commit: string, version: string | null, err: BuildError): SideResult {
  return {
    commit,
    version,
    cached: false,
    analysis: null,
    ram: null,
    canaries: [],
    error: { message: err.userMessage, logTail: err.logTail, code: err.code },
  };
}

// Build slots per engine: at most `limit` builds on one engine at a time across all jobs, whatever
// platforms they are for (RAM runs and canaries have their own bound, RuntimeSlots below). BuildKit already uses every core of
// its host, and a foreign arch under qemu is several times heavier, so two jobs should not both
// be building on a 2-core host; a Pi and the bot's own engine, though, work side by side.
export class EngineSlots {
  readonly #limit: number;
  readonly #limits: ReadonlyMap<string, number>;
  readonly #active = new Map<string, number>();
  readonly #waiting = new Map<string, (() => void)[]>();

  /** `limits`: an engine's own limit (the operator's `slots`), over the default `limit`. */
  constructor(limit: number, limits: Record<string, number> = {}) {
    for (const [engine, n] of [['(default)', limit] as const, ...Object.entries(limits)]) {
      if (!Number.isInteger(n) || n < 1) throw new RangeError(`build slot limit of ${engine} must be a positive integer, got ${n}`);
    }
    this.#limit = limit;
    this.#limits = new Map(Object.entries(limits));
  }

  /** Run `fn` once a slot on `engine` is free; waiting ends with CancelledError on abort. */
  async run<T>(engine: string, signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
    await this.#acquire(engine, signal);
    try {
      return await fn();
    } finally {
      this.#release(engine);
    }
  }

  /** Builds on `engine` running now. */
  active(engine: string): number {
    return this.#active.get(engine) ?? 0;
  }

  async #acquire(engine: string, signal: AbortSignal): Promise<void> {
    if (signal.aborted) throw new CancelledError('The build was cancelled before it started.', { cause: signal.reason });
    if (this.active(engine) < (this.#limits.get(engine) ?? this.#limit)) {
      this.#active.set(engine, this.active(engine) + 1);
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const queue = this.#waiting.get(engine) ?? [];
      this.#waiting.set(engine, queue);
      const onAbort = () => {
        queue.splice(queue.indexOf(grant), 1);
        reject(new CancelledError(`The build was cancelled while waiting for a build slot on engine ${engine}.`, { cause: signal.reason }));
      };
      // The slot is handed over directly (active count unchanged), so no one can jump the queue.
      const grant = () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      queue.push(grant);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  #release(engine: string): void {
    const next = this.#waiting.get(engine)?.shift();
    if (next) return next();
    this.#active.set(engine, this.active(engine) - 1);
  }
}

// Runtime phases (the RAM runs and canaries of one platform's images, PlatformPhase below)
// are mostly waiting: containers start, get ready and sit through a sampling window. They run
// concurrently, bounded per engine (by default the number of cores, since emulated start-up under
// qemu does burn CPU), and shared by every job of the bot. Each phase learns the concurrency it was
// sampled under, so the figure can carry it: RAM sampled with other platforms starting beside it is
// not silently the same as alone.
/** What a running phase sees: the bound it ran under and the most phases that ran at once so far. */
export interface RuntimePhase {
  concurrency(): SamplingConcurrency;
}

export class RuntimeSlots {
  readonly #limitOf: (engine: string) => number;
  readonly #queues = new Map<string, PQueue>();
  readonly #running = new Map<string, Set<{ peak: number }>>();

  /**
   * `limit`: phases at once per engine, one number for all or per engine name (null: the default,
   * the core count). An engine's runs load that engine's host, not the bot's, so each engine gets
   * its own bound (engineRuntimeLimits reads the operator's `runtimeSlots`).
   */
  constructor(limit: number | ((engine: string) => number | null) = defaultRuntimeConcurrency()) {
    this.#limitOf = typeof limit === 'number' ? () => limit : (engine) => limit(engine) ?? defaultRuntimeConcurrency();
    if (typeof limit === 'number') checkLimit(limit);
  }

  /** The bound for `engine` (recorded with every figure sampled there, and part of the measurement key). */
  limit(engine: string): number {
    return checkLimit(this.#limitOf(engine));
  }

  /** Phases running on `engine` now. */
  active(engine: string): number {
    return this.#running.get(engine)?.size ?? 0;
  }

  /** Run `fn` once a slot on `engine` is free; waiting ends with CancelledError on abort. */
  async run<T>(engine: string, signal: AbortSignal, fn: (phase: RuntimePhase) => Promise<T>): Promise<T> {
    if (signal.aborted) throw new CancelledError('The measurement was cancelled before it started.', { cause: signal.reason });
    const queue = this.#queue(engine);
    try {
      return await queue.add(() => this.#track(engine, fn), { signal });
    } catch (err) {
      // p-queue rejects a waiting task with the signal's reason (or an AbortError) when aborted.
      if (signal.aborted && !(err instanceof CancelledError))
        throw new CancelledError('The measurement was cancelled while waiting for a slot.', { cause: err });
      throw err;
    }
  }

  async #track<T>(engine: string, fn: (phase: RuntimePhase) => Promise<T>): Promise<T> {
    const running = this.#running.get(engine) ?? new Set();
    this.#running.set(engine, running);
    const me = { peak: 0 };
    running.add(me);
    // Every phase running now has at least this many beside it (itself included).
    for (const other of running) other.peak = Math.max(other.peak, running.size);
    const limit = this.limit(engine);
    try {
      return await fn({ concurrency: () => ({ limit, peak: me.peak }) });
    } finally {
      running.delete(me);
    }
  }

  #queue(engine: string): PQueue {
    let queue = this.#queues.get(engine);
    if (!queue) {
      queue = new PQueue({ concurrency: this.limit(engine) });
      this.#queues.set(engine, queue);
    }
    return queue;
  }
}

/** The number of cores this process may use (os.availableParallelism). */
function defaultRuntimeConcurrency(): number {
  return availableParallelism();
}

function checkLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`runtime concurrency must be a positive integer, got ${limit}`);
  return limit;
}

// One runtime phase per platform: the base and the head built in this check are run together, in
// one runtime slot, so their RAM is sampled under the same conditions (the same images beside them,
// the same load) and records the same concurrency. Each side arrives when its image is built; the
// phase starts once every side it waits for has arrived or dropped out (a failed build, a stored
// result), so a side never waits for one that will not come.
interface Arrival {
  fn: (phase: RuntimePhase) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

export class PlatformPhase {
  readonly #runtime: RuntimeSlots;
  readonly #engine: string;
  readonly #signal: AbortSignal;
  #waiting: number;
  readonly #arrived: Arrival[] = [];

  /** `sides`: how many sides may arrive (those not taken from the store). */
  constructor(runtime: RuntimeSlots, engine: string, sides: number, signal: AbortSignal) {
    this.#runtime = runtime;
    this.#engine = engine;
    this.#waiting = sides;
    this.#signal = signal;
  }

  /** Runs `fn` in the platform's phase, beside the other sides that arrive. */
  run<T>(fn: (phase: RuntimePhase) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#arrived.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      this.#waiting--;
      this.#startWhenComplete();
    });
  }

  /** A side that will not arrive (its build failed, or it was reused). */
  leave(): void {
    this.#waiting--;
    this.#startWhenComplete();
  }

  #startWhenComplete(): void {
    if (this.#waiting > 0 || this.#arrived.length === 0) return;
    const arrived = this.#arrived.splice(0);
    this.#runtime
      .run(this.#engine, this.#signal, (phase) => Promise.allSettled(arrived.map((a) => a.fn(phase).then(a.resolve, a.reject))))
      // Cancelled while waiting for a slot: every side hears it.
      .catch((err: unknown) => arrived.forEach((a) => a.reject(err)));
  }
}
