// Never stuck: gates a job leaves pending are settled, and at start the gates and jobs a previous
// process left behind are reconciled.

import type { Logger } from 'pino';
import type { BotJob } from '../bot/index.ts';
import { shortSha, STATUS_CONTEXT, type Forge, type ForgeKind } from '../core/index.ts';
import { clip } from '../report/index.ts';
import type { GateRecord, JobRow, JobStore } from '../store/index.ts';
import type { JobQueue, JobRunResult } from './job-queue.ts';
import { HeadTracker } from './queue-state.ts';
import type { PrJobOutcome } from './triage-event.ts';

// Wiring of the never-stuck rules to the store and the forge: settle a PR's leftover pending
// gates when its job ends, plan the restart reconcile, and run the reconcile tasks it queues.

type ForgeOf = (job: Pick<BotJob, 'forge' | 'repo' | 'installationId'>) => Promise<Forge>;

interface Common {
  jobs: JobStore;
  now: () => Date;
  log: Logger;
}

/** After a PR's job: with nothing else queued for the PR, its gates still pending are settled. */
export async function settleAfterJob(
  d: Common & { job: BotJob; forge: Forge; outcome: PrJobOutcome; heads: HeadTracker },
): Promise<number> {
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
    note: (g, state) =>
      d.jobs.noteGate(
        { forge: job.forge, repo: job.repo, installationId: job.installationId, pr: g.pr, sha: g.sha, state },
        d.now().toISOString(),
      ),
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
      d.log.warn(
        { repo: a.job.repo, pr: a.job.event.pr, sha: a.job.event.type === 'pr-updated' ? a.job.event.headSha : null },
        'gate left pending by a restart: checking again',
      );
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
    note: (g, state) =>
      d.jobs.noteGate(
        { forge: t.forge, repo: t.repo, installationId: t.installationId, pr: g.pr, sha: g.sha, state },
        d.now().toISOString(),
      ),
    log: d.log,
  });
  return settled === 1
    ? { status: 'done', reason: t.reason }
    : { status: 'error', reason: `gate of ${t.sha} not settled; the next start tries again` };
}

// At start: gates a previous process left `pending` are reconciled, never left stuck. A PR with a
// job still queued (re-queued after the crash included) is left to that job: the queue settles
// the PR's gates when it ends. Otherwise the gate of the PR's latest head is checked again (a
// re-run job), and a gate of an older commit, or one whose job crashed the server too often, is
// set to `error` with the reason (a reconcile task).
/** Payload of a `reconcile` job: set one commit's gate to `error` with `reason`. */
interface ReconcileTask {
  forge: ForgeKind;
  repo: string;
  pr: number;
  sha: string;
  installationId: number | null;
  reason: string;
}

export type ReconcileAction =
  { action: 'rerun'; job: BotJob; idemKey: string } | { action: 'error'; task: ReconcileTask; prKey: string; idemKey: string };

export interface ReconcileInput {
  /** Gates whose last written state is `pending`, oldest write first. */
  pending: GateRecord[];
  latestHead(prKey: string): string | undefined;
  /** True when the PR has a job queued (this start re-queued it, or it was waiting). */
  hasQueuedJob(prKey: string): boolean;
  /** Jobs given up at this start because they were interrupted too often. */
  gaveUp: JobRow[];
  /** ISO time of this start: keeps the synthetic jobs of two starts apart. */
  startedAt: string;
}

/** Pure: what to do with each gate left pending. */
export function planGateReconcile(input: ReconcileInput): ReconcileAction[] {
  const actions: ReconcileAction[] = [];
  // Without a known head (a gate set by a command), the PR's newest pending gate stands in for it.
  const newest = new Map<string, string>();
  for (const g of input.pending) newest.set(HeadTracker.key(g.forge, g.repo, g.pr), g.sha);
  for (const g of input.pending) {
    const prKey = HeadTracker.key(g.forge, g.repo, g.pr);
    if (input.hasQueuedJob(prKey)) continue;
    const forge = g.forge as ForgeKind;
    const task = (reason: string): ReconcileAction => ({
      action: 'error',
      prKey,
      idemKey: `${prKey}|reconcile|${g.sha}|${input.startedAt}`,
      task: { forge, repo: g.repo, pr: g.pr, sha: g.sha, installationId: g.installationId, reason },
    });
    const crashed = input.gaveUp.find((j) => j.prKey === prKey);
    if (crashed) {
      actions.push(task(`bumpguard stopped ${crashed.attempts} times while checking this; comment /rebuild to try again`));
      continue;
    }
    const latest = input.latestHead(prKey) ?? newest.get(prKey);
    if (latest !== g.sha) {
      actions.push(task(`superseded by ${latest?.slice(0, 7)} while bumpguard was down`));
      continue;
    }
    actions.push({
      action: 'rerun',
      idemKey: `${prKey}|restart|${g.sha}|${input.startedAt}`,
      job: {
        forge,
        installationId: g.installationId,
        repo: g.repo,
        deliveryId: `restart:${input.startedAt}:${g.sha}`,
        event: { type: 'pr-updated', action: 'synchronize', pr: g.pr, headSha: g.sha, sender: { login: 'bumpguard', isBot: true } },
      },
    });
  }
  return actions;
}

// A gate must never be left pending: a required check stuck on pending blocks the PR with no reason
// given, and nothing would ever finish it.
// When a PR's job ends and nothing else is queued for that PR, a gate of the PR still `pending`
// has no one left to finish it: a run superseded by a newer push, a run whose last write failed,
// a re-run that found the PR closed. Each is set to `error` with the reason, on its own commit
// only (never the newer head's gate, never the shared comment).
interface StuckGate {
  pr: number;
  sha: string;
}

interface SettleGatesInput {
  forge: Forge;
  gates: StuckGate[];
  /** The PR's latest known head; a gate on another commit was superseded. */
  latest: string | undefined;
  /** Why the last job ended without a verdict for the gate's commit (its outcome reason). */
  reason: string;
  /** Record the state written (the store's gate ledger). */
  note(gate: StuckGate, state: 'error'): void;
  log: Logger;
}

/** The title each stuck gate gets; the forge shows it next to the check name. */
function settledTitle(gate: StuckGate, latest: string | undefined, reason: string): string {
  if (latest !== undefined && latest !== gate.sha) return `Not judged: superseded by ${shortSha(latest)}`;
  return clip(`Not judged: ${reason}`, 139);
}

/** Returns how many gates were settled; a failed write is logged (the next start retries it). */
async function settleGates(i: SettleGatesInput): Promise<number> {
  let settled = 0;
  for (const gate of i.gates) {
    const title = settledTitle(gate, i.latest, i.reason);
    const summary = `${title}. bumpguard did not finish checking ${gate.sha}; comment \`/rebuild\` on the pull request to check its current head.`;
    try {
      await i.forge.setStatus({ sha: gate.sha, context: STATUS_CONTEXT, state: 'error', title, summary, pr: gate.pr });
      i.note(gate, 'error');
      settled++;
    } catch (err) {
      i.log.error({ err, sha: gate.sha, pr: gate.pr }, 'a gate left pending could not be settled; the next start tries again');
    }
  }
  return settled;
}
