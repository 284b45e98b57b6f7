// Gitea wire → bumpguard domain, and our vocabulary → Gitea's (exhaustive Records: a new
// GateState or Permission fails to compile until it is mapped here).
import type { ForgeComment, GateState, Permission, PrComment, PullRequest } from '../types.ts';
import type { GiteaComment, GiteaPullRequest, GiteaStatusState } from './schema.ts';

/**
 * Gitea has no "neutral"; `warning` is the closest state. Whether `warning` blocks depends on the
 * version: Gitea 1.25+ combines it as success (go-gitea/gitea#37042, CommitStatusStates.Combine).
 * So nothing that must block is ever `neutral`: a bump that could not be compared is a `failure`,
 * and bumpguard's own gates use only success, failure, error and pending.
 */
export const GITEA_STATUS_STATE = {
  pending: 'pending',
  success: 'success',
  failure: 'failure',
  neutral: 'warning',
  error: 'error',
} as const satisfies Record<GateState, GiteaStatusState>;

/** Gitea answers none|read|write|admin|owner. */
const GITEA_PERMISSION: Record<string, Permission> = {
  none: 'none',
  read: 'read',
  write: 'write',
  admin: 'admin',
  owner: 'admin',
};

export function toPermission(value: string | null): Permission {
  return (value !== null && GITEA_PERMISSION[value]) || 'none';
}

export function toPullRequest(pr: GiteaPullRequest): PullRequest {
  return {
    number: pr.number,
    url: pr.html_url,
    title: pr.title,
    author: pr.user.login,
    state: pr.merged ? 'merged' : pr.state === 'open' ? 'open' : 'closed',
    isFork: pr.head.repo_id !== pr.base.repo_id,
    head: { ref: pr.head.ref, sha: pr.head.sha },
    base: { ref: pr.base.ref, sha: pr.base.sha },
  };
}

export function toForgeComment(c: GiteaComment): ForgeComment {
  return { id: c.id, author: c.user.login, body: c.body, url: c.html_url };
}

export function toPrComment(c: GiteaComment): PrComment {
  return { id: c.id, author: c.user.login, body: c.body, createdAt: c.created_at ?? '', pr: trailingNumber(c.pull_request_url || c.issue_url) };
}

/** "…/pulls/14" or "…/issues/14" → 14. */
export function trailingNumber(url: string | null | undefined): number | null {
  const m = /\/(\d+)\/?$/.exec(url ?? '');
  return m ? Number(m[1]) : null;
}

/** Gitea's description column is short (varchar 255 on some setups; the UI cuts earlier): one line under 140 chars. */
export function toStatusDescription(title: string): string {
  const line = title.replace(/\s+/g, ' ').trim();
  return line.length < 140 ? line : `${line.slice(0, 138)}…`;
}
