// Runtime phases (the RAM runs and canaries of one platform's images, src/jobs/platform-phase.ts)
// are mostly waiting: containers start, get ready and sit through a sampling window. They run
// concurrently, bounded per engine (by default the number of cores, since emulated start-up under
// qemu does burn CPU), and shared by every job of the bot. Each phase learns the concurrency it was
// sampled under, so the figure can carry it: RAM sampled with other platforms starting beside it is
// not silently the same as alone.
import { availableParallelism } from 'node:os';
import PQueue from 'p-queue';
import { CancelledError } from '../errors.ts';
import type { SamplingConcurrency } from '../model.ts';

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
      if (signal.aborted && !(err instanceof CancelledError)) throw new CancelledError('The measurement was cancelled while waiting for a slot.', { cause: err });
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
export function defaultRuntimeConcurrency(): number {
  return availableParallelism();
}

function checkLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`runtime concurrency must be a positive integer, got ${limit}`);
  return limit;
}
