// GitHub wire → bumpguard domain, and our vocabulary → GitHub's (exhaustive Records).
import type { ForgeComment, GateState, Permission, PrComment, PullRequest } from '../types.ts';
import type { GhComment, GhConclusion, GhPullRequest } from './schema.ts';

export type GhCheckState = { status: 'in_progress' } | { status: 'completed'; conclusion: GhConclusion };

/**
 * A required check passes on success, neutral or skipped, so nothing that must block is neutral.
 * `error` must block, so it is a failure whose title says the check could not finish (its own
 * conclusion would read as a pass or as "cancelled", which maintainers ignore).
 */
export const GITHUB_CHECK_STATE = {
  pending: { status: 'in_progress' },
  success: { status: 'completed', conclusion: 'success' },
  failure: { status: 'completed', conclusion: 'failure' },
  neutral: { status: 'completed', conclusion: 'neutral' },
  error: { status: 'completed', conclusion: 'failure' },
} as const satisfies Record<GateState, GhCheckState>;

/** role_name: admin|maintain|write|triage|read (custom roles fall back to `permission`). */
const GITHUB_ROLE: Record<string, Permission> = {
  admin: 'admin',
  maintain: 'write',
  write: 'write',
  triage: 'read',
  read: 'read',
  none: 'none',
};

export function toPermission(body: { permission: string; role_name?: string | undefined } | null): Permission {
  if (body === null) return 'none';
  return (body.role_name !== undefined && GITHUB_ROLE[body.role_name]) || GITHUB_ROLE[body.permission] || 'none';
}

export function toPullRequest(pr: GhPullRequest): PullRequest {
  return {
    number: pr.number,
    url: pr.html_url,
    title: pr.title,
    author: pr.user.login,
    state: pr.merged ? 'merged' : pr.state === 'open' ? 'open' : 'closed',
    isFork: pr.head.repo?.full_name !== pr.base.repo.full_name,
    authorIsApp: pr.user.type === 'Bot',
    head: { ref: pr.head.ref, sha: pr.head.sha },
    base: { ref: pr.base.ref, sha: pr.base.sha },
  };
}

export function toForgeComment(c: GhComment): ForgeComment {
  return { id: c.id, author: c.user?.login ?? '', body: c.body ?? '', url: c.html_url };
}

export function toPrComment(c: GhComment): PrComment {
  const m = /\/issues\/(\d+)$/.exec(c.issue_url ?? '');
  return { id: c.id, author: c.user?.login ?? '', body: c.body ?? '', createdAt: c.created_at ?? '', pr: m ? Number(m[1]) : null };
}

/** Check-run output.summary is capped at 65,535 characters. */
export function fitSummary(summary: string): string {
  const max = 65_000;
  return summary.length <= max ? summary : `${summary.slice(0, max)}\n\n… (cut to fit GitHub's limit)`;
}
