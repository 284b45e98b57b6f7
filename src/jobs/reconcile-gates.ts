// At start: gates a previous process left `pending` are reconciled, never left stuck. A PR with a
// job still queued (re-queued after the crash included) is left to that job: the queue settles
// the PR's gates when it ends. Otherwise the gate of the PR's latest head is checked again (a
// re-run job), and a gate of an older commit, or one whose job crashed the server too often, is
// set to `error` with the reason (a reconcile task).
import type { BotJob } from '../bot/index.ts';
import type { ForgeKind } from '../forges/index.ts';
import type { GateRecord, JobRow } from '../store/index.ts';
import { HeadTracker } from './head-tracker.ts';

/** Payload of a `reconcile` job: set one commit's gate to `error` with `reason`. */
export interface ReconcileTask {
  forge: ForgeKind;
  repo: string;
  pr: number;
  sha: string;
  installationId: number | null;
  reason: string;
}

export type ReconcileAction =
  | { action: 'rerun'; job: BotJob; idemKey: string }
  | { action: 'error'; task: ReconcileTask; prKey: string; idemKey: string };

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
