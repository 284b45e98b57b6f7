// GitHub webhook payload → BotJob, once, at the edge. Only the fields we use are checked;
// anything we do not act on comes back as `{ ignored: why }`.
import { z } from 'zod';
import { STATUS_CONTEXT } from '../core/index.ts';
import { parseCommand } from './commands.ts';
import type { Actor, BotEvent, BotJob, Ignored } from './types.ts';

const sender = z.object({ login: z.string(), type: z.string().optional() });
const common = z.object({
  repository: z.object({ full_name: z.string() }),
  installation: z.object({ id: z.number() }).nullish(),
  sender,
});
const prRef = z.object({ number: z.number() });

const pullRequestEvent = common.extend({
  action: z.string(),
  number: z.number(),
  pull_request: z.object({ head: z.object({ sha: z.string() }) }),
});
const issueCommentEvent = common.extend({
  action: z.string(),
  issue: z.object({ number: z.number(), pull_request: z.object({}).passthrough().nullish() }),
  comment: z.object({ id: z.number(), body: z.string().nullish() }),
});
const checkRunEvent = common.extend({
  action: z.string(),
  requested_action: z.object({ identifier: z.string() }).nullish(),
  check_run: z.object({
    name: z.string(),
    head_sha: z.string(),
    external_id: z.string().nullish(),
    pull_requests: z.array(prRef),
  }),
});
const checkSuiteEvent = common.extend({
  action: z.string(),
  check_suite: z.object({ head_sha: z.string(), pull_requests: z.array(prRef) }),
});

const PR_ACTIONS = { opened: 'opened', synchronize: 'synchronize', reopened: 'reopened' } as const;

/** Events we act on: a payload of these that does not parse is malformed (400), not ignored. */
const HANDLED = new Set(['pull_request', 'issue_comment', 'check_run', 'check_suite']);

export function normalizeGithubEvent(name: string, payload: unknown, deliveryId: string): BotJob | Ignored {
  const base = common.safeParse(payload);
  if (!base.success)
    return { ignored: `${name} payload without repository/sender`, ...(HANDLED.has(name) ? { malformed: true as const } : {}) };
  if (!base.data.installation) return { ignored: `${name} delivery without an installation` };
  const event = toEvent(name, payload);
  if ('ignored' in event) return event;
  return { forge: 'github', installationId: base.data.installation.id, repo: base.data.repository.full_name, deliveryId, event };
}

function toEvent(name: string, payload: unknown): BotEvent | Ignored {
  switch (name) {
    case 'pull_request': {
      const p = pullRequestEvent.safeParse(payload).data;
      if (!p) return malformed(name);
      const action = Object.hasOwn(PR_ACTIONS, p.action) ? PR_ACTIONS[p.action as keyof typeof PR_ACTIONS] : null;
      if (!action) return { ignored: `pull_request.${p.action}` };
      return { type: 'pr-updated', action, pr: p.number, headSha: p.pull_request.head.sha, sender: actor(p.sender) };
    }
    case 'issue_comment': {
      const p = issueCommentEvent.safeParse(payload).data;
      if (!p) return malformed(name);
      if (p.action !== 'created') return { ignored: `issue_comment.${p.action}` };
      if (!p.issue.pull_request) return { ignored: 'comment on an issue, not a pull request' };
      if (actor(p.sender).isBot) return { ignored: `comment by the bot ${p.sender.login}` };
      const command = parseCommand(p.comment.body ?? '');
      if (!command) return { ignored: 'comment without a command' };
      return { type: 'command', pr: p.issue.number, commentId: p.comment.id, command, sender: actor(p.sender) };
    }
    case 'check_run': {
      const p = checkRunEvent.safeParse(payload).data;
      if (!p) return malformed(name);
      if (p.check_run.name !== STATUS_CONTEXT) return { ignored: `check run ${p.check_run.name}` };
      const source =
        p.action === 'rerequested'
          ? 'rerequested'
          : p.action === 'requested_action' && p.requested_action?.identifier === 'rebuild'
            ? 'rebuild-button'
            : null;
      if (!source) return { ignored: `check_run.${p.action}` };
      // Fork PRs come with an empty pull_requests list; we keep the PR number in external_id.
      const pr = p.check_run.pull_requests[0]?.number ?? Number(p.check_run.external_id ?? Number.NaN);
      if (!Number.isInteger(pr)) return { ignored: 'check run without a pull request' };
      return { type: 'rerun', pr, headSha: p.check_run.head_sha, sender: actor(p.sender), source };
    }
    case 'check_suite': {
      const p = checkSuiteEvent.safeParse(payload).data;
      if (!p) return malformed(name);
      if (p.action !== 'rerequested') return { ignored: `check_suite.${p.action}` };
      const pr = p.check_suite.pull_requests[0]?.number;
      if (pr === undefined) return { ignored: 'check suite without a pull request' };
      return { type: 'rerun', pr, headSha: p.check_suite.head_sha, sender: actor(p.sender), source: 'rerequested' };
    }
    default:
      return { ignored: `event ${name}` };
  }
}

/** A verified delivery we cannot read is not a crash: it is logged and answered 400, nothing queued. */
function malformed(name: string): Ignored {
  return { ignored: `malformed ${name} payload`, malformed: true };
}

function actor(s: z.output<typeof sender>): Actor {
  return { login: s.login, isBot: s.type === 'Bot' };
}
