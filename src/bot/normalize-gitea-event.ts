// Gitea (and Forgejo) webhook payload → BotJob, once, at the edge. Gitea has no installation
// and no bot flag on users: our own account is recognised by login.
import { z } from 'zod';
import { parseCommand } from './commands.ts';
import type { BotEvent, BotJob, Ignored } from './types.ts';

const common = z.object({
  repository: z.object({ full_name: z.string() }),
  sender: z.object({ login: z.string() }),
});
const pullRequestEvent = common.extend({
  action: z.string(),
  number: z.number(),
  pull_request: z.object({ head: z.object({ sha: z.string() }) }),
});
const issueCommentEvent = common.extend({
  action: z.string(),
  is_pull: z.boolean().optional(),
  issue: z.object({ number: z.number(), pull_request: z.object({}).passthrough().nullish() }),
  comment: z.object({ id: z.number(), body: z.string() }),
});

/** Events we act on: a payload of these that does not parse is malformed (400), not ignored. */
const HANDLED = new Set(['pull_request', 'issue_comment']);

/** Gitea says "synchronized" where GitHub says "synchronize". */
const PR_ACTIONS = { opened: 'opened', synchronized: 'synchronize', reopened: 'reopened' } as const;

/** `event` is the X-Gitea-Event header: the coarse name (pull_request, issue_comment). */
export function normalizeGiteaEvent(event: string, payload: unknown, deliveryId: string, botLogin: string): BotJob | Ignored {
  const base = common.safeParse(payload);
  if (!base.success)
    return { ignored: `${event} payload without repository/sender`, ...(HANDLED.has(event) ? { malformed: true as const } : {}) };
  const botEvent = toEvent(event, payload, botLogin);
  if ('ignored' in botEvent) return botEvent;
  return { forge: 'gitea', installationId: null, repo: base.data.repository.full_name, deliveryId, event: botEvent };
}

function toEvent(event: string, payload: unknown, botLogin: string): BotEvent | Ignored {
  if (event === 'pull_request') {
    const p = pullRequestEvent.safeParse(payload).data;
    if (!p) return { ignored: `malformed ${event} payload`, malformed: true };
    const action = Object.hasOwn(PR_ACTIONS, p.action) ? PR_ACTIONS[p.action as keyof typeof PR_ACTIONS] : null;
    if (!action) return { ignored: `pull_request.${p.action}` };
    return { type: 'pr-updated', action, pr: p.number, headSha: p.pull_request.head.sha, sender: { login: p.sender.login, isBot: false } };
  }
  if (event === 'issue_comment') {
    const p = issueCommentEvent.safeParse(payload).data;
    if (!p) return { ignored: `malformed ${event} payload`, malformed: true };
    if (p.action !== 'created') return { ignored: `issue_comment.${p.action}` };
    if (!p.is_pull && !p.issue.pull_request) return { ignored: 'comment on an issue, not a pull request' };
    if (p.sender.login.toLowerCase() === botLogin.toLowerCase()) return { ignored: 'comment by the bot itself' };
    const command = parseCommand(p.comment.body);
    if (!command) return { ignored: 'comment without a command' };
    return { type: 'command', pr: p.issue.number, commentId: p.comment.id, command, sender: { login: p.sender.login, isBot: false } };
  }
  return { ignored: `event ${event}` };
}
