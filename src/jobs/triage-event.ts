// Before a bot job builds anything: the command checked against the forge's API, who asked for
// what, and whether the head may be built.

import type { Logger } from 'pino';
import { canRunCommands, parseCommand, renderHelp, renderRefusal, type BotEvent } from '../bot/index.ts';
import type { Forge, ForgeIdStore, GateLedger, Override, PullRequest } from '../core/index.ts';
import { HeadTracker } from './queue-state.ts';

// Step 1 of a bot job: who asked for what. Commands need write access (else a polite refusal);
// /help and unknown commands are answered here; everything else becomes a RunPlan.

export interface RunPlan {
  /** A maintainer asked (command, Re-run, Rebuild button): the bump, trigger and fork guards are skipped. */
  requested: boolean;
  by: string;
  /** Platform names as typed after /rebuild; [] = all. */
  platforms: string[];
  noCache: boolean;
  auditOnly: boolean;
  accept: Pick<Override, 'kind' | 'reason'> | null;
  /** A maintainer asked for a build: approves building the current head of untrusted code. */
  approves: boolean;
  /** When the command's comment was written (forge time); null when the request is no comment. */
  commentedAt: string | null;
}

type PrJobStatus = 'ignored' | 'refused' | 'answered' | 'waiting-approval' | 'superseded' | 'done' | 'error';

export interface PrJobOutcome {
  status: PrJobStatus;
  /** One line for the log. */
  reason: string;
  verdict?: 'success' | 'failure' | 'neutral' | 'error';
}

const plan = (over: Partial<RunPlan> & Pick<RunPlan, 'by'>): RunPlan => ({
  requested: true,
  platforms: [],
  noCache: false,
  auditOnly: false,
  accept: null,
  approves: false,
  commentedAt: null,
  ...over,
});

export async function triageEvent(event: BotEvent, forge: Forge, log: Logger): Promise<RunPlan | PrJobOutcome> {
  if (event.type === 'pr-updated') return plan({ requested: false, by: event.sender.login });
  if (event.type === 'rerun') {
    if (!canRunCommands(await forge.permissionOf(event.sender.login))) {
      return { status: 'refused', reason: `${event.sender.login} may not re-run the check` };
    }
    return plan({ by: event.sender.login, noCache: event.source === 'rebuild-button', approves: true });
  }
  const { command, commentId, sender, pr } = event;
  await forge.react(commentId, 'eyes');
  if (command.name === 'help' || command.name === 'unknown') {
    // Help is harmless, so anyone gets it; running anything needs write access.
    await forge.reply(pr, renderHelp(command.name === 'unknown' ? command.problem : undefined));
    await forge.react(commentId, command.name === 'help' ? 'rocket' : 'confused');
    return { status: 'answered', reason: `${command.name} answered with the help text` };
  }
  if (!canRunCommands(await forge.permissionOf(sender.login))) {
    log.info({ login: sender.login, command: command.name }, 'command refused: no write access');
    await forge.reply(pr, renderRefusal(sender.login, `/${command.name}`));
    await forge.react(commentId, 'confused');
    return { status: 'refused', reason: `${sender.login} lacks write access for /${command.name}` };
  }
  const commentedAt = event.commentedAt ?? null;
  switch (command.name) {
    case 'rebuild':
      return plan({ by: sender.login, platforms: command.platforms, noCache: true, approves: true, commentedAt });
    case 'audit':
      return plan({ by: sender.login, auditOnly: true, commentedAt });
    case 'accept':
      return plan({ by: sender.login, accept: { kind: command.kind, reason: command.reason }, commentedAt });
  }
}

// Step 0 of a command's job: the comment as the forge's API has it. A webhook delivery is
// trusted only as far as its secret is kept, and an organisation-wide webhook shares that secret
// with every organisation admin: author and text come from the API, and the comment must belong
// to the PR the delivery names. A delivery that does not match is dropped without a trace on the PR.
type CommandEvent = Extract<BotEvent, { type: 'command' }>;

export async function verifyCommand(event: CommandEvent, forge: Forge): Promise<CommandEvent | PrJobOutcome> {
  const comment = await forge.getComment(event.commentId);
  if (comment.pr !== event.pr) {
    return {
      status: 'ignored',
      reason: `comment ${event.commentId} belongs to ${comment.pr === null ? 'no pull request the forge names' : `#${comment.pr}`}, not #${event.pr}`,
    };
  }
  if (comment.author.toLowerCase() === forge.botLogin.toLowerCase()) return { status: 'ignored', reason: 'comment by the bot itself' };
  const command = parseCommand(comment.body);
  if (command === null) return { status: 'ignored', reason: `comment ${event.commentId} holds no command according to the forge` };
  return {
    ...event,
    command,
    sender: { login: comment.author, isBot: false },
    ...(comment.createdAt ? { commentedAt: comment.createdAt } : {}),
  };
}

// Who may have code built, and at which head. Untrusted code (a fork, or an author who cannot
// push here: Gitea's AGit flow opens a same-repository PR with read access only) is built only
// at a head a maintainer approved; a /rebuild or /accept covers only a head that was the PR's
// head before the comment was written, so a push right after a review is never approved by it.
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
