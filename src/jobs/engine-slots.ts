// Build slots per engine: at most `limit` builds on one engine at a time across all jobs, whatever
// platforms they are for (RAM runs and canaries have their own bound, src/jobs/runtime-slots.ts). BuildKit already uses every core of
// its host, and a foreign arch under qemu is several times heavier, so two jobs should not both
// be building on a 2-core host; a Pi and the bot's own engine, though, work side by side.
import { CancelledError } from '../errors.ts';

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
