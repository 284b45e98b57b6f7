// What the queue keeps per job and PR: the latest head of each PR, the idempotency key, the job
// rows, and the turn order across repositories.

import type { BotJob } from '../bot/index.ts';
import type { JobState, NewJob } from '../store/index.ts';

// The latest head SHA known per PR, noted as webhooks arrive, and when it became the latest. A
// job compares its own SHA with it before every forge write, so a superseded run never
// overwrites the newer one's comment or gate; a command compares its comment's
// time with it, so it never approves a head pushed after it was written. An in-memory mirror of
// the store's pr_heads table: JobQueue writes both when a push is accepted and loads it at start.
interface Head {
  sha: string;
  /** ISO time the push was accepted (null: not recorded). */
  seenAt: string | null;
}

export class HeadTracker {
  readonly #latest = new Map<string, Head>();

  static key(forge: string, repo: string, pr: number): string {
    return `${forge}:${repo}#${pr}`;
  }

  /** `sha` is now the PR's head; a repeat of the current head keeps its first time. */
  note(key: string, sha: string, at: string | null = null): void {
    if (this.#latest.get(key)?.sha === sha) return;
    this.#latest.set(key, { sha, seenAt: at });
  }

  /** Restore what the store remembers (at start). */
  load(entries: Iterable<[string, string, string | null]>): void {
    for (const [key, sha, at] of entries) this.#latest.set(key, { sha, seenAt: at });
  }

  latest(key: string): string | undefined {
    return this.#latest.get(key)?.sha;
  }

  /** When `sha` became the PR's head; null when it is not the latest known head or the time is unknown. */
  seenAt(key: string, sha: string): string | null {
    const head = this.#latest.get(key);
    return head?.sha === sha ? head.seenAt : null;
  }

  /** True when a newer head than `sha` is known for the PR. */
  isSuperseded(key: string, sha: string): boolean {
    const latest = this.#latest.get(key)?.sha;
    return latest !== undefined && latest !== sha;
  }
}

// What makes two deliveries the same work. The delivery id catches a forge redelivering the
// same id; this key catches the same event under a NEW id: Gitea's "Redeliver" button re-sends
// the body with a fresh X-Gitea-Delivery. A job is the same when its repo, PR, head
// SHA and trigger are.
function idempotencyKey(job: BotJob): string {
  const pr = HeadTracker.key(job.forge, job.repo, job.event.pr);
  const e = job.event;
  switch (e.type) {
    case 'pr-updated':
      // opened / synchronize / reopened all ask for the same thing: judge this head.
      return `${pr}|push|${e.headSha}`;
    case 'command':
      // A comment is one request; a maintainer who wants another run writes another comment.
      return `${pr}|command|${e.commentId}`;
    case 'rerun':
      // Each click on Re-run or Rebuild is a new request with the same payload; GitHub keeps the
      // delivery id on redelivery, so the id is what tells a click from a redelivery.
      return `${pr}|rerun|${e.source}|${e.headSha}|${job.deliveryId}`;
  }
}

// BotJob ↔ the store's job rows, and a run's status → the row's final state.
/**
 * The row a webhook's job is stored as; `idemKey` overrides the derived key (restart re-runs).
 * A build approval or an acceptance is about the head its author saw (`seenHead`, '' when none
 * was known): a later push supersedes it like a run for an older head. Other commands
 * (/audit, /help) are not tied to a head.
 */
export function toNewJob(job: BotJob, idemKey?: string, seenHead = ''): NewJob {
  const e = job.event;
  const headSha = e.type !== 'command' ? e.headSha : e.command.name === 'rebuild' || e.command.name === 'accept' ? seenHead : null;
  return {
    kind: 'pr',
    forge: job.forge,
    repo: job.repo,
    prKey: HeadTracker.key(job.forge, job.repo, job.event.pr),
    headSha,
    idemKey: idemKey ?? idempotencyKey(job),
    payload: job,
    deliveryId: job.deliveryId,
    movesHead: job.event.type === 'pr-updated',
  };
}

/** A run's outcome status → the job's final state (`ignored` and `failed` may be redelivered). */
export function stateOf(status: string): Exclude<JobState, 'queued' | 'running'> {
  if (status === 'superseded') return 'superseded';
  if (status === 'error') return 'failed';
  if (status === 'ignored') return 'ignored';
  return 'done';
}

// Which queued job runs next: repositories take turns (round-robin), oldest job first within a
// repository, skipping PRs that already have a job running (one active job per PR). A busy repo
// with twenty Renovate PRs cannot starve another repo's single bump.
export interface FairEntry {
  id: number;
  repo: string;
  prKey: string;
}

export class FairQueue<E extends FairEntry = FairEntry> {
  readonly #byRepo = new Map<string, E[]>();
  /** Repos with queued entries, in turn order. */
  readonly #ring: string[] = [];
  #cursor = 0;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  push(entry: E): void {
    let queue = this.#byRepo.get(entry.repo);
    if (!queue) {
      queue = [];
      this.#byRepo.set(entry.repo, queue);
      this.#ring.push(entry.repo);
    }
    queue.push(entry);
    this.#size++;
  }

  /** Drop an entry (superseded before it ran); false when it is not queued. */
  remove(id: number): boolean {
    for (const [repo, queue] of this.#byRepo) {
      const index = queue.findIndex((e) => e.id === id);
      if (index < 0) continue;
      queue.splice(index, 1);
      this.#size--;
      if (queue.length === 0) this.#dropRepo(repo);
      return true;
    }
    return false;
  }

  /** The next entry whose PR is not busy, repos in turn; null when none can run now. */
  take(busy: (prKey: string) => boolean): E | null {
    const n = this.#ring.length;
    for (let i = 0; i < n; i++) {
      const index = (this.#cursor + i) % n;
      const repo = this.#ring[index]!;
      const queue = this.#byRepo.get(repo)!;
      const at = queue.findIndex((e) => !busy(e.prKey));
      if (at < 0) continue;
      const [entry] = queue.splice(at, 1);
      this.#size--;
      // The next turn starts at the repo after this one.
      this.#cursor = index + 1;
      if (queue.length === 0) this.#dropRepo(repo);
      return entry!;
    }
    return null;
  }

  #dropRepo(repo: string): void {
    this.#byRepo.delete(repo);
    const index = this.#ring.indexOf(repo);
    this.#ring.splice(index, 1);
    // Removing a repo before the cursor shifts the ring left under it.
    if (index < this.#cursor) this.#cursor--;
    if (this.#ring.length > 0) this.#cursor %= this.#ring.length;
    else this.#cursor = 0;
  }
}
