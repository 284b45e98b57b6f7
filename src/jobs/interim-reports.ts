// The bot's reports before the verdict: the first as soon as the audit is done (a blocker found in
// milliseconds should not wait minutes for six builds), then at most one edit per interval as
// platforms settle, the latest state winning. `settle()` before the final report drops what is
// still scheduled and waits for a write under way, so the verdict is always the last word.
import type { CheckSnapshot } from './check-progress.ts';

/** Timers, injected so tests step time instead of sleeping. */
export interface Timers {
  now(): number;
  /** Calls `fn` after `ms`; the returned function cancels it. */
  after(ms: number, fn: () => void): () => void;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  after(ms, fn) {
    const t = setTimeout(fn, ms);
    t.unref();
    return () => clearTimeout(t);
  },
};

/** GitHub and Gitea both notify on comment edits; one per 15 s keeps a PR readable and within rate limits. */
export const INTERIM_INTERVAL_MS = 15_000;

export interface InterimReportsOptions {
  /** Writes one interim report (Gate.interim); resolves when written or given up. */
  write: (snapshot: CheckSnapshot) => Promise<void>;
  timers?: Timers;
  intervalMs?: number;
}

export class InterimReports {
  readonly #write: (snapshot: CheckSnapshot) => Promise<void>;
  readonly #timers: Timers;
  readonly #interval: number;
  #latest: CheckSnapshot | null = null;
  #lastWrite: number | null = null;
  #cancelTimer: (() => void) | null = null;
  #inFlight: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(o: InterimReportsOptions) {
    this.#write = o.write;
    this.#timers = o.timers ?? realTimers;
    this.#interval = o.intervalMs ?? INTERIM_INTERVAL_MS;
  }

  /** The check moved on: write now if the interval allows, else once it does (latest state wins). */
  update(snapshot: CheckSnapshot): void {
    if (this.#closed) return;
    this.#latest = snapshot;
    if (this.#cancelTimer) return;
    const wait = this.#lastWrite === null ? 0 : this.#lastWrite + this.#interval - this.#timers.now();
    if (wait <= 0) this.#flush();
    else this.#cancelTimer = this.#timers.after(wait, () => this.#flush());
  }

  /** No more interim writes; resolves once a write under way has finished. */
  async settle(): Promise<void> {
    this.#closed = true;
    this.#cancelTimer?.();
    this.#cancelTimer = null;
    await this.#inFlight;
  }

  #flush(): void {
    this.#cancelTimer = null;
    const snapshot = this.#latest;
    if (this.#closed || snapshot === null) return;
    this.#latest = null;
    this.#lastWrite = this.#timers.now();
    this.#inFlight = this.#inFlight.then(() => this.#write(snapshot));
  }
}
