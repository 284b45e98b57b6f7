// Every write a job makes to the PR (sticky comment, status/check) goes through here. Each one
// shows the bot host's paths and engine addresses as placeholders, and first checks that the
// job's head SHA is still the PR's latest: a superseded run never overwrites the newer one (an
// older run can finish after a newer one has started). Interim reports are chained and awaited
// before the final comment and state, so "builds 3/6" can never land after the verdict.

import type { Logger } from 'pino';
import {
  redactHostPaths,
  STATUS_CONTEXT,
  type Forge,
  type ForgeIdStore,
  type GateLedger,
  type GateState,
  type HostPath,
  type UpsertCommentResult,
} from '../core/index.ts';
import { MARKER } from '../report/index.ts';
import { HeadTracker } from './queue-state.ts';
import type { CheckSnapshot } from './types.ts';

export interface GateOptions {
  forge: Forge;
  heads: HeadTracker;
  ids: ForgeIdStore;
  pr: number;
  sha: string;
  /** PR web page: details link until the comment exists. */
  prUrl: string;
  signal: AbortSignal;
  log: Logger;
  /** Told each gate state the forge accepted, so a restart can find gates left pending. */
  ledger?: GateLedger | undefined;
  /** The bot host's directories and engine addresses: never shown on the PR. */
  hostPaths?: readonly HostPath[] | undefined;
}

export class Gate {
  readonly #o: GateOptions;
  readonly #key: string;
  #detailsUrl: string;
  #progress: Promise<void> = Promise.resolve();

  constructor(o: GateOptions) {
    this.#o = o;
    this.#key = HeadTracker.key(o.forge.kind, o.forge.repo, o.pr);
    this.#detailsUrl = o.prUrl;
  }

  /** A newer push exists or the job was cancelled: write nothing more. */
  get superseded(): boolean {
    return this.#o.signal.aborted || this.#o.heads.isSuperseded(this.#key, this.#o.sha);
  }

  /** `awaiting`: a pending that waits for a person (fork approval), not for work in progress. */
  async status(state: GateState, title: string, summary: string, opts: { awaiting?: boolean } = {}): Promise<boolean> {
    await this.#progress;
    return this.#write('status', async () => {
      await this.#o.forge.setStatus({
        sha: this.#o.sha,
        context: STATUS_CONTEXT,
        state,
        title: this.#safe(title),
        summary: this.#safe(summary),
        detailsUrl: this.#detailsUrl,
        pr: this.#o.pr,
      });
      this.#note(opts.awaiting ? 'awaiting' : state);
    });
  }

  /**
   * A report before the verdict: the comment, then a pending status whose title counts the builds
   * and whose summary (GitHub's check-run output) is the same report. Chained like progress, so the
   * verdict never lands first; failures only warn, the final report follows.
   */
  interim(body: string, title: string): Promise<void> {
    this.#progress = this.#progress.then(async () => {
      try {
        await this.#upsert(body);
        await this.#write('progress', async () => {
          await this.#o.forge.setStatus({
            sha: this.#o.sha,
            context: STATUS_CONTEXT,
            state: 'pending',
            title: this.#safe(title),
            summary: this.#safe(body),
            detailsUrl: this.#detailsUrl,
            pr: this.#o.pr,
          });
          this.#note('pending');
        });
      } catch (err) {
        this.#o.log.warn({ err }, 'interim report not written; the final report follows');
      }
    });
    return this.#progress;
  }

  /** The sticky comment, after any interim write still under way. */
  async comment(body: string): Promise<UpsertCommentResult | null> {
    await this.#progress;
    return this.#upsert(body);
  }

  async #upsert(body: string): Promise<UpsertCommentResult | null> {
    const { forge, ids, pr } = this.#o;
    const idKey = `comment:${pr}`;
    let result: UpsertCommentResult | null = null;
    await this.#write('comment', async () => {
      const known = ids.getForgeId(forge.repo, idKey);
      result = await forge.upsertComment({ pr, marker: MARKER, body: this.#safe(body), knownId: known === null ? null : Number(known) });
    });
    if (result === null) return null;
    const r: UpsertCommentResult = result;
    ids.setForgeId(forge.repo, idKey, String(r.id));
    this.#detailsUrl = r.url;
    if (r.duplicates.length > 0) this.#o.log.warn({ duplicates: r.duplicates, kept: r.id }, 'more than one bumpguard comment on the PR');
    return r;
  }

  #safe(text: string): string {
    return this.#o.hostPaths ? redactHostPaths(text, this.#o.hostPaths) : text;
  }

  #note(state: string): void {
    this.#o.ledger?.noteGate({ pr: this.#o.pr, sha: this.#o.sha, state });
  }

  async #write(what: string, fn: () => Promise<void>): Promise<boolean> {
    if (this.superseded) {
      this.#o.log.debug(`skipping ${what} write: head ${this.#o.sha} is superseded`);
      return false;
    }
    await fn();
    return true;
  }
}

// The bot's reports before the verdict: the first as soon as the audit is done (a blocker found in
// milliseconds should not wait minutes for six builds), then at most one edit per interval as
// platforms settle, the latest state winning. `settle()` before the final report drops what is
// still scheduled and waits for a write under way, so the verdict is always the last word.
/** Timers, injected so tests step time instead of sleeping. */
export interface Timers {
  now(): number;
  /** Calls `fn` after `ms`; the returned function cancels it. */
  after(ms: number, fn: () => void): () => void;
}

const realTimers: Timers = {
  now: () => Date.now(),
  after(ms, fn) {
    const t = setTimeout(fn, ms);
    t.unref();
    return () => clearTimeout(t);
  },
};

/** GitHub and Gitea both notify on comment edits; one per 15 s keeps a PR readable and within rate limits. */
const INTERIM_INTERVAL_MS = 15_000;

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
