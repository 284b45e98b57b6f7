// BotJob ↔ the store's job rows, and a run's status → the row's final state.
import type { BotJob } from '../bot/index.ts';
import type { JobState, NewJob } from '../store/index.ts';
import { HeadTracker } from './head-tracker.ts';
import { idempotencyKey } from './idempotency-key.ts';

/** The row a webhook's job is stored as; `idemKey` overrides the derived key (restart re-runs). */
export function toNewJob(job: BotJob, idemKey?: string): NewJob {
  const headSha = job.event.type === 'command' ? null : job.event.headSha;
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
