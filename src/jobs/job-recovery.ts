// Wiring of the never-stuck rules to the store and the forge: settle a PR's leftover pending
// gates when its job ends, plan the restart reconcile, and run the reconcile tasks it queues.
import type { Logger } from 'pino';
import type { BotJob } from '../bot/index.ts';
import type { Forge } from '../forges/index.ts';
import type { JobStore } from '../store/index.ts';
import { HeadTracker } from './head-tracker.ts';
import type { JobQueue, JobRunResult } from './job-queue.ts';
import { planGateReconcile, type ReconcileAction, type ReconcileTask } from './reconcile-gates.ts';
import { settleGates } from './settle-gates.ts';
import type { PrJobOutcome } from './triage-event.ts';

type ForgeOf = (job: Pick<BotJob, 'forge' | 'repo' | 'installationId'>) => Promise<Forge>;

interface Common {
  jobs: JobStore;
  now: () => Date;
  log: Logger;
}

/** After a PR's job: with nothing else queued for the PR, its gates still pending are settled. */
export async function settleAfterJob(d: Common & { job: BotJob; forge: Forge; outcome: PrJobOutcome; heads: HeadTracker }): Promise<number> {
  const { job } = d;
  const prKey = HeadTracker.key(job.forge, job.repo, job.event.pr);
  // The PR's next job settles after itself; settling now could race its own pending write.
  if (d.jobs.hasJobIn(prKey, ['queued'])) return 0;
  const gates = d.jobs.listGates('pending', { forge: job.forge, repo: job.repo, pr: job.event.pr });
  if (gates.length === 0) return 0;
  return settleGates({
    forge: d.forge,
    gates,
    latest: d.heads.latest(prKey),
    reason: d.outcome.reason,
    note: (g, state) => d.jobs.noteGate({ forge: job.forge, repo: job.repo, installationId: job.installationId, pr: g.pr, sha: g.sha, state }, d.now().toISOString()),
    log: d.log,
  });
}

/** At start, after the queue re-queued interrupted jobs: queue a re-run or an error for each gate left pending. */
export function reconcileAtStart(d: Common & { queue: JobQueue; heads: HeadTracker }): ReconcileAction[] {
  const actions = planGateReconcile({
    pending: d.jobs.listGates('pending'),
    latestHead: (prKey) => d.heads.latest(prKey),
    hasQueuedJob: (prKey) => d.jobs.hasJobIn(prKey, ['queued']),
    gaveUp: d.queue.recovered.failed,
    startedAt: d.now().toISOString(),
  });
  for (const a of actions) {
    if (a.action === 'rerun') {
      d.queue.enqueue(a.job, { idemKey: a.idemKey });
      d.log.warn({ repo: a.job.repo, pr: a.job.event.pr, sha: a.job.event.type === 'pr-updated' ? a.job.event.headSha : null }, 'gate left pending by a restart: checking again');
    } else {
      const t = a.task;
      d.queue.enqueueTask({ forge: t.forge, repo: t.repo, prKey: a.prKey, sha: t.sha, idemKey: a.idemKey, payload: t });
      d.log.warn({ repo: t.repo, pr: t.pr, sha: t.sha, reason: t.reason }, 'gate left pending by a restart: setting it to error');
    }
  }
  return actions;
}

/** A `reconcile` job: one commit's gate to `error` with the task's reason. */
export async function runReconcileTask(payload: unknown, d: Common & { forgeOf: ForgeOf }): Promise<JobRunResult> {
  const t = payload as ReconcileTask;
  const forge = await d.forgeOf({ forge: t.forge, repo: t.repo, installationId: t.installationId });
  const settled = await settleGates({
    forge,
    gates: [{ pr: t.pr, sha: t.sha }],
    latest: undefined,
    reason: t.reason,
    note: (g, state) => d.jobs.noteGate({ forge: t.forge, repo: t.repo, installationId: t.installationId, pr: g.pr, sha: g.sha, state }, d.now().toISOString()),
    log: d.log,
  });
  return settled === 1 ? { status: 'done', reason: t.reason } : { status: 'error', reason: `gate of ${t.sha} not settled; the next start tries again` };
}
