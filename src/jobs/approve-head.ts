// Who may have code built, and at which head. Untrusted code (a fork, or an author who cannot
// push here: Gitea's AGit flow opens a same-repository PR with read access only) is built only
// at a head a maintainer approved; a /rebuild or /accept covers only a head that was the PR's
// head before the comment was written, so a push right after a review is never approved by it.
import { canRunCommands } from '../bot/index.ts';
import type { Forge, PullRequest } from '../forges/index.ts';
import { HeadTracker } from './head-tracker.ts';
import type { RunPlan } from './triage-event.ts';
import type { ForgeIdStore, GateLedger } from './types.ts';

export type Trust = { trusted: true } | { trusted: false; why: 'fork' | 'author' };

/** Trusted: the head lives in the base repository and its author may push there. */
export async function authorTrust(forge: Forge, pr: PullRequest): Promise<Trust> {
  if (pr.isFork) return { trusted: false, why: 'fork' };
  // A GitHub App has no collaborator permission to ask for; pushing to the base repository took contents:write.
  if (pr.authorIsApp) return { trusted: true };
  return canRunCommands(await forge.permissionOf(pr.author)) ? { trusted: true } : { trusted: false, why: 'author' };
}

export interface HeadContext {
  forge: Forge;
  repo: string;
  pr: PullRequest;
  heads: HeadTracker;
  now: () => Date;
  ledger?: GateLedger | undefined;
}

/**
 * Whether a command written at `commentedAt` may act on the PR's current head. Not a comment
 * (Re-run, Rebuild button): those carry the head SHA they were clicked on, checked before.
 */
export function coversHead(plan: Pick<RunPlan, 'commentedAt'>, h: HeadContext): boolean {
  if (plan.commentedAt === null) return true;
  const key = HeadTracker.key(h.forge.kind, h.repo, h.pr.number);
  const seenAt = h.heads.seenAt(key, h.pr.head.sha);
  if (seenAt === null && h.heads.latest(key) === undefined) {
    // No push of this PR was ever seen (it predates the bot, or the record expired): from now on
    // this head counts as seen, so the next comment covers it.
    const at = h.now().toISOString();
    h.heads.note(key, h.pr.head.sha, at);
    h.ledger?.noteHead?.({ pr: h.pr.number, sha: h.pr.head.sha, at });
    return false;
  }
  const written = Date.parse(plan.commentedAt);
  return seenAt !== null && Number.isFinite(written) && written >= Date.parse(seenAt);
}

/** Approvals are stored per head SHA: a later push needs its own. */
export function isApproved(ids: ForgeIdStore, repo: string, sha: string): boolean {
  return ids.getForgeId(repo, approvalKey(sha)) !== null;
}

export function recordApproval(ids: ForgeIdStore, repo: string, sha: string, by: string): void {
  ids.setForgeId(repo, approvalKey(sha), by);
}

// The key predates AGit support; approvals stored under it stay valid.
const approvalKey = (sha: string) => `fork-approved:${sha}`;
