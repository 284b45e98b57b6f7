// The job queue behind `bumpguard serve`, durable in node:sqlite (src/store JobStore):
// - a delivery is recorded and its job queued in one transaction before the webhook is answered;
//   a redelivered id, or the same work under a new id, is acknowledged and not run twice;
// - one active job per PR; a push notes the PR's new head at once (a running job for an older
//   head sees it before its next write) and aborts that job's builds;
// - at most `concurrency` jobs run, repositories take turns (FairQueue);
// - at start, jobs a crash left `running` are queued again; shutdown lets running jobs finish
//   within a grace period, then cancels them and checkpoints them back to `queued`.
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { BotJob } from '../bot/index.ts';
import { CancelledError, messageOf } from '../core/index.ts';
import { JobStore, openDatabase, type EnqueueResult, type JobRow, type NewJob, type RecoveredJobs } from '../store/index.ts';
import { FairQueue, HeadTracker, stateOf, toNewJob } from './queue-state.ts';

/** What a run reports; PrJobOutcome fits. Nothing (void) counts as done. */
export interface JobRunResult {
  status: string;
  reason?: string;
  verdict?: string;
}

export interface JobQueueOptions {
  /** Default: a private in-memory database (tests); `serve` passes the BUMPGUARD_DB one. */
  store?: JobStore;
  heads: HeadTracker;
  log: Logger;
  /** Jobs running at once (builds are heavy: default 1). */
  concurrency?: number;
  /** Runs a webhook's job; `signal` aborts on supersede and on shutdown. */
  run(job: BotJob, signal: AbortSignal): Promise<JobRunResult | void>;
  /** Runs the server's own jobs (kind `reconcile`, recovery.ts). */
  runTask?(task: unknown, signal: AbortSignal): Promise<JobRunResult | void>;
  now?: () => Date;
  /** The shutdown grace timer (tests resolve it by hand). */
  sleep?: (ms: number) => Promise<void>;
  /** How often a job may be cut off by a crash before it is given up (default 3). */
  maxInterrupted?: number;
  /** Finished jobs older than this are forgotten at start (default 30 days). */
  keepFinishedMs?: number;
  /** false: jobs wait for start() (the runner needs something built after the queue). Default true. */
  autoStart?: boolean;
}

export type EnqueueStatus = 'queued' | 'duplicate' | 'same-job';

type Stop = 'superseded' | 'shutdown' | null;

interface Running {
  row: JobRow;
  controller: AbortController;
  stop: Stop;
  done: Promise<void>;
}

export class JobQueue {
  readonly #o: JobQueueOptions;
  readonly #store: JobStore;
  readonly #fair = new FairQueue<JobRow>();
  readonly #running = new Map<number, Running>();
  readonly #busy = new Set<string>();
  readonly #idle: (() => void)[] = [];
  readonly #batch: { job: BotJob; resolve: (s: EnqueueStatus) => void; reject: (err: unknown) => void }[] = [];
  /** Records of ended jobs not yet committed (the store refused a write). */
  readonly #unsaved: (() => void)[] = [];
  #retry: NodeJS.Timeout | null = null;
  #stopped = false;
  #started = false;
  #pumpScheduled = false;
  /** What the constructor found left over by the previous process. */
  readonly recovered: RecoveredJobs;

  constructor(o: JobQueueOptions) {
    this.#o = o;
    this.#store = o.store ?? new JobStore(openDatabase(':memory:'));
    // Only one server runs per database file, so every `running` row belongs to a dead process.
    this.recovered = this.#store.recoverRunning(o.maxInterrupted ?? 3, this.#at());
    for (const job of this.recovered.requeued)
      o.log.warn({ job: job.id, repo: job.repo, attempts: job.attempts }, 'job interrupted by a restart: queued again');
    for (const job of this.recovered.failed)
      o.log.error({ job: job.id, repo: job.repo, attempts: job.attempts }, 'job interrupted too often: given up');
    const pruned = this.#store.prune(new Date((o.now?.() ?? new Date()).getTime() - (o.keepFinishedMs ?? 30 * 86_400_000)).toISOString());
    if (pruned > 0) o.log.info({ pruned }, 'finished jobs older than the retention forgotten');
    o.heads.load(this.#store.listHeads());
    for (const row of this.#store.listQueued()) this.#fair.push(row);
    if (o.autoStart !== false) this.start();
  }

  get store(): JobStore {
    return this.#store;
  }

  /** True once shutdown began: runners skip optional forge writes. */
  get stopping(): boolean {
    return this.#stopped;
  }

  start(): void {
    this.#started = true;
    this.#schedulePump();
  }

  /** Record and queue a webhook's job. `duplicate`: this delivery id was seen; `same-job`: this work was. */
  enqueue(job: BotJob, opts: { idemKey?: string } = {}): EnqueueStatus {
    const row = toNewJob(job, opts.idemKey, this.#seenHead(job));
    return this.#admit(job, row, this.#store.enqueue(row, this.#at()));
  }

  /**
   * enqueue() for the webhook path: deliveries arriving in the same event-loop turn share one
   * transaction (group commit), and each promise resolves once its row is committed, so a 202
   * still means "durable". One commit per delivery capped the server near 900 deliveries/s (2 vCPUs).
   */
  accept(job: BotJob): Promise<EnqueueStatus> {
    return new Promise((resolve, reject) => {
      this.#batch.push({ job, resolve, reject });
      if (this.#batch.length === 1) setImmediate(() => this.#flush());
    });
  }

  #flush(): void {
    const batch = this.#batch.splice(0);
    // A push earlier in the batch is the head a later command in it was written against.
    const pushed = new Map<string, string>();
    const rows = batch.map((b) => {
      const row = toNewJob(b.job, undefined, pushed.get(HeadTracker.key(b.job.forge, b.job.repo, b.job.event.pr)) ?? this.#seenHead(b.job));
      if (row.movesHead && row.headSha !== null) pushed.set(row.prKey, row.headSha);
      return row;
    });
    let results: EnqueueResult[];
    try {
      results = this.#store.enqueueMany(rows, this.#at());
    } catch (err) {
      for (const b of batch) b.reject(err);
      return;
    }
    batch.forEach((b, i) => b.resolve(this.#admit(b.job, rows[i]!, results[i]!)));
  }

  /** The PR's head when a delivery arrives ('' when none is known yet). */
  #seenHead(job: BotJob): string {
    return this.#o.heads.latest(HeadTracker.key(job.forge, job.repo, job.event.pr)) ?? '';
  }

  /** The in-memory side of a committed enqueue: supersede, queue, schedule. */
  #admit(job: BotJob, row: NewJob, res: EnqueueResult): EnqueueStatus {
    if (res.result === 'duplicate-delivery') return 'duplicate';
    if (res.result === 'duplicate-job') return 'same-job';
    if (row.movesHead && row.headSha !== null) this.#supersede(row.prKey, row.headSha, res.superseded);
    this.#fair.push({
      id: res.id,
      kind: 'pr',
      forge: job.forge,
      repo: job.repo,
      prKey: row.prKey,
      headSha: row.headSha,
      payload: job,
      state: 'queued',
      attempts: 0,
    });
    this.#schedulePump();
    return 'queued';
  }

  /** Queue one of the server's own jobs (not a delivery): runs through `runTask`. */
  enqueueTask(task: { forge: string; repo: string; prKey: string; sha: string; idemKey: string; payload: unknown }): boolean {
    const res = this.#store.enqueue(
      {
        kind: 'reconcile',
        forge: task.forge,
        repo: task.repo,
        prKey: task.prKey,
        headSha: task.sha,
        idemKey: task.idemKey,
        payload: task.payload,
        deliveryId: null,
        movesHead: false,
      },
      this.#at(),
    );
    if (res.result !== 'queued') return false;
    this.#fair.push({
      id: res.id,
      kind: 'reconcile',
      forge: task.forge,
      repo: task.repo,
      prKey: task.prKey,
      headSha: task.sha,
      payload: task.payload,
      state: 'queued',
      attempts: 0,
    });
    this.#schedulePump();
    return true;
  }

  /** Jobs waiting, and running now. */
  get counts(): { queued: number; running: number } {
    return { queued: this.#fair.size, running: this.#running.size };
  }

  /** Resolves when nothing is queued or running (or, once stopped, nothing is running). */
  onIdle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /**
   * Stop starting jobs; give running ones `graceMs` to finish, then cancel them. A cancelled job
   * is checkpointed back to `queued` (the next start runs it again); queued jobs stay queued.
   */
  async shutdown(graceMs: number): Promise<{ finished: number; checkpointed: number }> {
    this.#stopped = true;
    const running = [...this.#running.values()];
    const all = Promise.allSettled(running.map((r) => r.done));
    if (running.length > 0 && graceMs > 0) {
      const grace = new AbortController();
      const sleep = this.#o.sleep ?? ((ms: number) => delay(ms, undefined, { signal: grace.signal }).catch(() => undefined));
      await Promise.race([all, sleep(graceMs)]);
      grace.abort();
    }
    const late = [...this.#running.values()];
    for (const r of late) {
      r.stop = 'shutdown';
      r.controller.abort(new CancelledError('bumpguard is shutting down; the job runs again after the restart.'));
    }
    await all;
    return { finished: running.length - late.length, checkpointed: late.length };
  }

  /** shutdown(0): cancel and checkpoint whatever runs. */
  async close(): Promise<void> {
    await this.shutdown(0);
  }

  #supersede(prKey: string, headSha: string, supersededIds: number[]): void {
    this.#o.heads.note(prKey, headSha, this.#at());
    for (const id of supersededIds) this.#fair.remove(id);
    for (const r of this.#running.values()) {
      if (r.row.kind !== 'pr' || r.row.prKey !== prKey || r.row.headSha === null || r.row.headSha === headSha) continue;
      r.stop = 'superseded';
      r.controller.abort(new CancelledError(`Superseded by a push of ${headSha}.`));
    }
  }

  #schedulePump(): void {
    // Deferred, so the webhook that enqueued is answered before any job code runs.
    if (this.#pumpScheduled || !this.#started) return;
    this.#pumpScheduled = true;
    setImmediate(() => {
      this.#pumpScheduled = false;
      this.#pump();
    });
  }

  /**
   * Claim what may start now and start it. `finished` records an ended job in the same
   * transaction: one commit per job instead of two. Jobs start only once the claim is committed.
   */
  #pump(finished?: () => void): void {
    const limit = this.#o.concurrency ?? 1;
    const taken: JobRow[] = [];
    const claimed: JobRow[] = [];
    const records = [...this.#unsaved.splice(0), ...(finished ? [finished] : [])];
    try {
      this.#store.batch(() => {
        for (const record of records) record();
        while (!this.#stopped && this.#running.size + claimed.length < limit) {
          const next = this.#fair.take((prKey) => this.#busy.has(prKey) || claimed.some((c) => c.prKey === prKey));
          if (!next) break;
          taken.push(next);
          const attempt = this.#store.claim(next.id, this.#at());
          if (attempt !== null) claimed.push({ ...next, attempts: attempt, state: 'running' });
        }
      });
    } catch (err) {
      // Nothing was committed (the database is locked by another process, or the disk is full):
      // the taken jobs go back, and the ended jobs' records are tried again shortly. Should this
      // process die first, an ended job stays `running` and is re-queued at the next start.
      this.#o.log.error({ err }, 'job state not saved; trying again in a second');
      for (const row of taken) this.#fair.push(row);
      claimed.length = 0;
      this.#unsaved.unshift(...records);
      this.#retry ??= setTimeout(() => {
        this.#retry = null;
        this.#pump();
      }, 1000).unref();
    }
    for (const row of claimed) this.#start(row);
    this.#checkIdle();
  }

  #start(row: JobRow): void {
    const controller = new AbortController();
    const entry: Running = { row, controller, stop: null, done: Promise.resolve() };
    this.#running.set(row.id, entry);
    this.#busy.add(row.prKey);
    entry.done = this.#runOne(entry).then(({ result, crash }) => {
      this.#running.delete(row.id);
      this.#busy.delete(row.prKey);
      this.#pump(() => this.#record(entry, result ?? { status: 'done' }, crash));
    });
  }

  async #runOne(entry: Running): Promise<{ result: JobRunResult | void; crash: unknown }> {
    const { row, controller } = entry;
    try {
      const result =
        row.kind === 'pr'
          ? await this.#o.run(row.payload as BotJob, controller.signal)
          : await this.#o.runTask?.(row.payload, controller.signal);
      return { result, crash: null };
    } catch (err) {
      return { result: undefined, crash: err };
    }
  }

  #record(entry: Running, result: JobRunResult, crash: unknown): void {
    const { row } = entry;
    const at = this.#at();
    const unfinished = crash !== null || result.status === 'superseded' || result.status === 'error';
    if (entry.stop === 'shutdown' && unfinished) {
      this.#store.checkpoint(row.id, at);
      this.#o.log.info({ job: row.id, repo: row.repo }, 'job cancelled by shutdown: checkpointed to run again after the restart');
      return;
    }
    if (crash !== null) {
      this.#o.log.error({ err: crash, job: row.id, repo: row.repo }, 'job crashed');
      this.#store.finish(row.id, 'failed', { status: 'error', reason: messageOf(crash) }, at);
      return;
    }
    const outcome = { status: result.status, reason: result.reason ?? '', ...(result.verdict ? { verdict: result.verdict } : {}) };
    this.#store.finish(row.id, stateOf(result.status), outcome, at);
  }

  #isIdle(): boolean {
    return this.#running.size === 0 && (this.#stopped || this.#fair.size === 0);
  }

  #checkIdle(): void {
    if (!this.#isIdle()) return;
    for (const resolve of this.#idle.splice(0)) resolve();
  }

  #at(): string {
    return (this.#o.now?.() ?? new Date()).toISOString();
  }
}
