// BotJob ↔ the store's job rows, and a run's status → the row's final state.
import type { BotJob } from '../bot/index.ts';
import type { JobState, NewJob } from '../store/index.ts';
import { HeadTracker } from './head-tracker.ts';
import { idempotencyKey } from './idempotency-key.ts';

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
