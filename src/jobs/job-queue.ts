// The in-process queue behind `bumpguard serve` (p-queue). It acknowledges a delivery once:
// a redelivered id is dropped; a push notes the PR's new head at once, so a running job for an
// older head sees it before its next write, and aborts that job's builds (forges.md § Both).
// In memory by design for now: issue 7 moves jobs and deliveries into node:sqlite.
import PQueue from 'p-queue';
import type { Logger } from 'pino';
import type { BotJob } from '../bot/index.ts';
import { HeadTracker } from './head-tracker.ts';

export interface JobQueueOptions {
  /** Jobs running at once (builds are heavy: default 1). */
  concurrency?: number;
  heads: HeadTracker;
  log: Logger;
  run(job: BotJob, signal: AbortSignal): Promise<unknown>;
  /** Delivery ids remembered for dedupe (oldest forgotten first). */
  remember?: number;
}

interface Pending {
  key: string;
  headSha: string | null;
  controller: AbortController;
}

export class JobQueue {
  readonly #o: JobQueueOptions;
  readonly #queue: PQueue;
  readonly #seen = new Set<string>();
  readonly #pending = new Set<Pending>();
  readonly #shutdown = new AbortController();

  constructor(o: JobQueueOptions) {
    this.#o = o;
    this.#queue = new PQueue({ concurrency: o.concurrency ?? 1 });
  }

  /** 'duplicate' when this delivery id was already accepted. */
  enqueue(job: BotJob): 'queued' | 'duplicate' {
    const id = `${job.forge}:${job.deliveryId}`;
    if (this.#seen.has(id)) return 'duplicate';
    this.#remember(id);
    const key = HeadTracker.key(job.forge, job.repo, job.event.pr);
    const headSha = job.event.type === 'command' ? null : job.event.headSha;
    if (job.event.type === 'pr-updated') this.#supersede(key, job.event.headSha);
    const entry: Pending = { key, headSha, controller: new AbortController() };
    this.#pending.add(entry);
    const signal = AbortSignal.any([entry.controller.signal, this.#shutdown.signal]);
    void this.#queue
      .add(() => (signal.aborted ? undefined : this.#o.run(job, signal)))
      .catch((err: unknown) => this.#o.log.error({ err, delivery: job.deliveryId, repo: job.repo }, 'job crashed'))
      .finally(() => this.#pending.delete(entry));
    return 'queued';
  }

  /** Resolves when every queued job has finished. */
  onIdle(): Promise<void> {
    return this.#queue.onIdle();
  }

  /** Stop: queued jobs are dropped, running ones aborted; resolves when they have ended. */
  async close(): Promise<void> {
    this.#queue.clear();
    this.#shutdown.abort(new Error('server shutting down'));
    await this.#queue.onIdle();
  }

  #supersede(key: string, headSha: string): void {
    this.#o.heads.note(key, headSha);
    for (const p of this.#pending) {
      if (p.key === key && p.headSha !== null && p.headSha !== headSha) p.controller.abort(new Error(`superseded by ${headSha}`));
    }
  }

  #remember(id: string): void {
    this.#seen.add(id);
    if (this.#seen.size > (this.#o.remember ?? 10_000)) {
      const oldest = this.#seen.values().next().value;
      if (oldest !== undefined) this.#seen.delete(oldest);
    }
  }
}
