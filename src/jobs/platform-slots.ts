// Per-platform build slots: at most `limit` builds of one platform at a time across all jobs.
// BuildKit already uses every core, and a foreign arch under qemu is several times heavier, so
// two concurrent jobs should not both be emulating arm/v7 on a 2-core host.
import { CancelledError } from '../errors.ts';

export class PlatformSlots {
  readonly #limit: number;
  readonly #active = new Map<string, number>();
  readonly #waiting = new Map<string, (() => void)[]>();

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`platform slot limit must be a positive integer, got ${limit}`);
    this.#limit = limit;
  }

  /** Run `fn` once a slot for `platform` is free; waiting ends with CancelledError on abort. */
  async run<T>(platform: string, signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
    await this.#acquire(platform, signal);
    try {
      return await fn();
    } finally {
      this.#release(platform);
    }
  }

  /** Builds of `platform` running now. */
  active(platform: string): number {
    return this.#active.get(platform) ?? 0;
  }

  async #acquire(platform: string, signal: AbortSignal): Promise<void> {
    if (signal.aborted) throw new CancelledError('The build was cancelled before it started.', { cause: signal.reason });
    if (this.active(platform) < this.#limit) {
      this.#active.set(platform, this.active(platform) + 1);
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const queue = this.#waiting.get(platform) ?? [];
      this.#waiting.set(platform, queue);
      const onAbort = () => {
        queue.splice(queue.indexOf(grant), 1);
        reject(new CancelledError(`The ${platform} build was cancelled while waiting for a build slot.`, { cause: signal.reason }));
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

  #release(platform: string): void {
    const next = this.#waiting.get(platform)?.shift();
    if (next) return next();
    this.#active.set(platform, this.active(platform) - 1);
  }
}
