// The durable side of the job queue (src/jobs/job-queue.ts decides, this only records): each
// accepted delivery, the job it became, every attempt at running it, the latest head per PR and
// the last gate state written per commit. A delivery is answered 202 only after its row is
// committed, so an acknowledged delivery survives a crash; a redelivered id finds its row.
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { StoreError, toStoreError } from './open-store.ts';

/** `ignored`: ran and found nothing to judge (closed PR, no bump); a redelivery may run it again. */
export type JobState = 'queued' | 'running' | 'done' | 'ignored' | 'failed' | 'superseded';
/** `pr`: a webhook's BotJob. `reconcile`: the server's own clean-up of a gate left pending. */
type JobKind = 'pr' | 'reconcile';

export interface NewJob {
  kind: JobKind;
  forge: string;
  repo: string;
  /** One active job per PR: HeadTracker.key(forge, repo, pr). */
  prKey: string;
  /** The head this job judges; null when it is decided at run time (slash commands). */
  headSha: string | null;
  /** A queued, running or done job with the same key makes this one a duplicate (not a failed,
   *  superseded or ignored one: running those again is how a redelivery retries). */
  idemKey: string;
  payload: unknown;
  /** The delivery that brought it; null for jobs the server makes itself. */
  deliveryId: string | null;
  /** A push: the PR's head becomes `headSha`, queued jobs for other heads are superseded. */
  movesHead: boolean;
}

export type EnqueueResult =
  | { result: 'queued'; id: number; superseded: number[] }
  /** This delivery id was accepted before (at-least-once delivery). */
  | { result: 'duplicate-delivery'; id: number }
  /** A new delivery id for work already queued, running or done (Gitea's "Redeliver"). */
  | { result: 'duplicate-job'; id: number };

export interface JobRow {
  id: number;
  kind: JobKind;
  forge: string;
  repo: string;
  prKey: string;
  headSha: string | null;
  payload: unknown;
  state: JobState;
  attempts: number;
}

export interface JobOutcomeRecord {
  status: string;
  reason: string;
  verdict?: string;
}

export interface GateRecord {
  forge: string;
  repo: string;
  pr: number;
  sha: string;
  installationId: number | null;
  /** The GateState last written to the forge. */
  state: string;
}

export interface RecoveredJobs {
  requeued: JobRow[];
  /** Jobs that were running at `maxInterrupted` crashes in a row: given up, never retried forever. */
  failed: JobRow[];
}

const ACTIVE = "('queued', 'running', 'done')";
const JOB_COLUMNS = 'id, kind, forge, repo, pr_key, head_sha, payload_json, state, attempts';

export class JobStore {
  readonly #db: DatabaseSync;
  readonly #s: Record<string, StatementSync>;
  readonly #busyTimeoutMs: number;
  #depth = 0;
  #problem: string | null = null;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#busyTimeoutMs = Number((db.prepare('PRAGMA busy_timeout').get() as { timeout?: number } | undefined)?.timeout ?? 0);
    // Prepared once: the webhook path runs these on every delivery.
    this.#s = {
      delivery: db.prepare('SELECT job_id FROM deliveries WHERE forge = ? AND delivery_id = ?'),
      sameJob: db.prepare(`SELECT id FROM jobs WHERE idem_key = ? AND state IN ${ACTIVE} ORDER BY id DESC LIMIT 1`),
      supersede: db.prepare(
        `UPDATE jobs SET state = 'superseded', updated_at = ?, outcome_json = ? WHERE pr_key = ? AND kind = 'pr' AND state = 'queued'
         AND head_sha IS NOT NULL AND head_sha != ? RETURNING id`,
      ),
      // The time is when this head became the latest: a repeat of the same head keeps it.
      head: db.prepare(
        'INSERT INTO pr_heads (pr_key, head_sha, updated_at) VALUES (?, ?, ?) ON CONFLICT (pr_key) DO UPDATE SET head_sha = excluded.head_sha, updated_at = excluded.updated_at WHERE head_sha != excluded.head_sha',
      ),
      insertJob: db.prepare(
        `INSERT INTO jobs (kind, forge, repo, pr_key, head_sha, idem_key, payload_json, state, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?)`,
      ),
      insertDelivery: db.prepare('INSERT INTO deliveries (forge, delivery_id, job_id, received_at) VALUES (?, ?, ?, ?)'),
      claim: db.prepare(
        "UPDATE jobs SET state = 'running', attempts = attempts + 1, updated_at = ? WHERE id = ? AND state = 'queued' RETURNING attempts",
      ),
      startRun: db.prepare('INSERT INTO job_runs (job_id, attempt, started_at) VALUES (?, ?, ?)'),
      endRun: db.prepare('UPDATE job_runs SET ended_at = ?, result = ? WHERE job_id = ? AND ended_at IS NULL'),
      finish: db.prepare("UPDATE jobs SET state = ?, outcome_json = ?, updated_at = ? WHERE id = ? AND state = 'running'"),
    };
  }

  /** Record the delivery and queue its job, atomically. */
  enqueue(job: NewJob, at: string): EnqueueResult {
    return this.#tx(() => this.#enqueueOne(job, at));
  }

  /**
   * Many deliveries in one transaction (group commit): under load the webhook path pays one
   * commit per batch instead of one per delivery. Each result is as if enqueued in turn.
   * It never waits for a lock another process holds (busy_timeout blocks the whole event loop,
   * /healthz included): a StoreError `store-busy` at once, which the webhook answers with 503.
   */
  enqueueMany(jobs: NewJob[], at: string): EnqueueResult[] {
    return this.#withoutWaiting(() => this.#tx(() => jobs.map((job) => this.#enqueueOne(job, at))));
  }

  /** Why the store cannot take writes now (the disk is full), or null; a later successful write clears it. */
  get problem(): string | null {
    return this.#problem;
  }

  #failed(err: unknown): unknown {
    const mapped = toStoreError(err);
    if (mapped instanceof StoreError && mapped.code === 'store-full')
      this.#problem = 'the disk is full: the database cannot take writes (SQLITE_FULL)';
    return mapped;
  }

  #withoutWaiting<T>(fn: () => T): T {
    this.#db.exec('PRAGMA busy_timeout = 0');
    try {
      return fn();
    } finally {
      this.#db.exec(`PRAGMA busy_timeout = ${this.#busyTimeoutMs}`);
    }
  }

  #enqueueOne(job: NewJob, at: string): EnqueueResult {
    if (job.deliveryId !== null) {
      const seen = this.#s.delivery!.get(job.forge, job.deliveryId) as { job_id: number } | undefined;
      if (seen) return { result: 'duplicate-delivery', id: seen.job_id };
    }
    const same = this.#s.sameJob!.get(job.idemKey) as { id: number } | undefined;
    if (same) {
      this.#recordDelivery(job, same.id, at);
      return { result: 'duplicate-job', id: same.id };
    }
    let superseded: number[] = [];
    if (job.movesHead && job.headSha !== null) {
      const outcome = JSON.stringify({ status: 'superseded', reason: `superseded by ${job.headSha} before it started` });
      superseded = (this.#s.supersede!.all(at, outcome, job.prKey, job.headSha) as { id: number }[]).map((r) => r.id);
      this.#s.head!.run(job.prKey, job.headSha, at);
    }
    const inserted = this.#s.insertJob!.run(
      job.kind,
      job.forge,
      job.repo,
      job.prKey,
      job.headSha,
      job.idemKey,
      JSON.stringify(job.payload),
      at,
      at,
    );
    const id = Number(inserted.lastInsertRowid);
    this.#recordDelivery(job, id, at);
    return { result: 'queued', id, superseded };
  }

  /** queued → running; the attempt number, or null when the job is no longer queued. */
  claim(id: number, at: string): number | null {
    return this.#tx(() => {
      const row = this.#s.claim!.get(at, id) as { attempts: number } | undefined;
      if (!row) return null;
      this.#s.startRun!.run(id, row.attempts, at);
      return row.attempts;
    });
  }

  /** running → a final state, closing the attempt's run row. */
  finish(id: number, state: Exclude<JobState, 'queued' | 'running'>, outcome: JobOutcomeRecord, at: string): void {
    this.#tx(() => {
      this.#s.finish!.run(state, JSON.stringify(outcome), at, id);
      this.#s.endRun!.run(at, state, id);
    });
  }

  /** running → queued: stopped on purpose (shutdown); the next start runs it again. */
  checkpoint(id: number, at: string): void {
    this.#tx(() => {
      this.#db.prepare("UPDATE jobs SET state = 'queued', updated_at = ? WHERE id = ? AND state = 'running'").run(at, id);
      this.#s.endRun!.run(at, 'checkpointed', id);
    });
  }

  /**
   * At start: jobs still `running` were cut off by a crash. Each goes back to the queue unless it
   * has now been interrupted `maxInterrupted` times (a job that kills the server must not loop).
   */
  recoverRunning(maxInterrupted: number, at: string): RecoveredJobs {
    return this.#tx(() => {
      const running = this.#rows("state = 'running'");
      const out: RecoveredJobs = { requeued: [], failed: [] };
      for (const job of running) {
        this.#s.endRun!.run(at, 'interrupted', job.id);
        const { n } = this.#db.prepare("SELECT COUNT(*) AS n FROM job_runs WHERE job_id = ? AND result = 'interrupted'").get(job.id) as {
          n: number;
        };
        if (n >= maxInterrupted) {
          const outcome = { status: 'error', reason: `bumpguard stopped ${n} times while running this job; not retried again` };
          this.#db
            .prepare("UPDATE jobs SET state = 'failed', outcome_json = ?, updated_at = ? WHERE id = ?")
            .run(JSON.stringify(outcome), at, job.id);
          out.failed.push({ ...job, state: 'failed' });
        } else {
          this.#db.prepare("UPDATE jobs SET state = 'queued', updated_at = ? WHERE id = ?").run(at, job.id);
          out.requeued.push({ ...job, state: 'queued' });
        }
      }
      return out;
    });
  }

  /** Every queued job, oldest first. */
  listQueued(): JobRow[] {
    return this.#rows("state = 'queued'");
  }

  getJob(id: number): (JobRow & { outcome: JobOutcomeRecord | null }) | null {
    const row = this.#db.prepare(`SELECT ${JOB_COLUMNS}, outcome_json FROM jobs WHERE id = ?`).get(id) as
      Record<string, unknown> | undefined;
    if (!row) return null;
    return {
      ...toJobRow(row),
      outcome: typeof row.outcome_json === 'string' && row.outcome_json !== '' ? (JSON.parse(row.outcome_json) as JobOutcomeRecord) : null,
    };
  }

  /** True when the PR has a job waiting (`states` default) or in one of `states`. */
  hasJobIn(prKey: string, states: JobState[] = ['queued']): boolean {
    const list = states.map((st) => `'${st}'`).join(', ');
    return this.#db.prepare(`SELECT 1 FROM jobs WHERE pr_key = ? AND state IN (${list}) LIMIT 1`).get(prKey) !== undefined;
  }

  /** The latest head per PR key, as pushes noted them, and when. */
  listHeads(): [string, string, string][] {
    return (
      this.#db.prepare('SELECT pr_key, head_sha, updated_at FROM pr_heads').all() as {
        pr_key: string;
        head_sha: string;
        updated_at: string;
      }[]
    ).map((r) => [r.pr_key, r.head_sha, r.updated_at]);
  }

  /** A head a job found on the PR that no push announced (the time is kept if it is already the latest). */
  noteHead(prKey: string, sha: string, at: string): void {
    this.#s.head!.run(prKey, sha, at);
  }

  /** The gate state last written for a commit (after the forge accepted it). */
  noteGate(gate: GateRecord, at: string): void {
    this.#db
      .prepare('INSERT OR REPLACE INTO gates (forge, repo, pr, sha, installation_id, state, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(gate.forge, gate.repo, gate.pr, gate.sha, gate.installationId, gate.state, at);
  }

  /** Gates in `state`, oldest write first; only those of one PR when `pr` is given. */
  listGates(state: string, pr?: { forge: string; repo: string; pr: number }): GateRecord[] {
    const rows = (
      pr
        ? this.#db
            .prepare('SELECT * FROM gates WHERE state = ? AND forge = ? AND repo = ? AND pr = ? ORDER BY updated_at, rowid')
            .all(state, pr.forge, pr.repo, pr.pr)
        : this.#db.prepare('SELECT * FROM gates WHERE state = ? ORDER BY updated_at, rowid').all(state)
    ) as Record<string, unknown>[];
    return rows.map((r) => ({
      forge: String(r.forge),
      repo: String(r.repo),
      pr: Number(r.pr),
      sha: String(r.sha),
      installationId: r.installation_id === null ? null : Number(r.installation_id),
      state: String(r.state),
    }));
  }

  /**
   * Forget finished jobs, their deliveries and runs, settled gates and idle PR heads last touched
   * before `before`. Forges redeliver for days, not weeks (GitHub: 3 days), so a month is safe.
   */
  prune(before: string): number {
    return this.#tx(() => {
      const old = "SELECT id FROM jobs WHERE state NOT IN ('queued', 'running') AND updated_at < ?";
      this.#db.prepare(`DELETE FROM job_runs WHERE job_id IN (${old})`).run(before);
      this.#db.prepare(`DELETE FROM deliveries WHERE job_id IN (${old})`).run(before);
      const { changes } = this.#db.prepare("DELETE FROM jobs WHERE state NOT IN ('queued', 'running') AND updated_at < ?").run(before);
      this.#db.prepare("DELETE FROM gates WHERE state != 'pending' AND updated_at < ?").run(before);
      this.#db
        .prepare(
          "DELETE FROM pr_heads WHERE updated_at < ? AND pr_key NOT IN (SELECT pr_key FROM jobs WHERE state IN ('queued', 'running'))",
        )
        .run(before);
      return Number(changes);
    });
  }

  /** Jobs per state (health and the load bench). */
  countByState(): Record<JobState, number> {
    const counts: Record<JobState, number> = { queued: 0, running: 0, done: 0, ignored: 0, failed: 0, superseded: 0 };
    for (const r of this.#db.prepare('SELECT state, COUNT(*) AS n FROM jobs GROUP BY state').all() as { state: JobState; n: number }[])
      counts[r.state] = r.n;
    return counts;
  }

  #recordDelivery(job: NewJob, jobId: number, at: string): void {
    if (job.deliveryId !== null) this.#s.insertDelivery!.run(job.forge, job.deliveryId, jobId, at);
  }

  #rows(where: string): JobRow[] {
    return (this.#db.prepare(`SELECT ${JOB_COLUMNS} FROM jobs WHERE ${where} ORDER BY id`).all() as Record<string, unknown>[]).map(
      toJobRow,
    );
  }

  /** Run several of these methods in one transaction (one commit): a job's finish and the next claim. */
  batch<T>(fn: () => T): T {
    return this.#tx(fn);
  }

  #tx<T>(fn: () => T): T {
    // Nested calls join the outer transaction.
    if (this.#depth > 0) return fn();
    // IMMEDIATE takes the write lock up front, so a concurrent CLI run waits (busy_timeout) instead of failing mid-way.
    try {
      this.#db.exec('BEGIN IMMEDIATE');
    } catch (err) {
      throw this.#failed(err);
    }
    this.#depth++;
    try {
      const result = fn();
      this.#db.exec('COMMIT');
      this.#problem = null;
      return result;
    } catch (err) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      throw this.#failed(err);
    } finally {
      this.#depth--;
    }
  }
}

function toJobRow(r: Record<string, unknown>): JobRow {
  return {
    id: Number(r.id),
    kind: r.kind as JobKind,
    forge: String(r.forge),
    repo: String(r.repo),
    prKey: String(r.pr_key),
    headSha: typeof r.head_sha === 'string' ? r.head_sha : null,
    payload: JSON.parse(String(r.payload_json)) as unknown,
    state: r.state as JobState,
    attempts: Number(r.attempts),
  };
}
