// Gitea (and Forgejo) adapter: REST v1 with a token. One instance per repository; no module state.

import {
  DEFAULT_MAX_FILE_BYTES,
  type Forge,
  type ForgeComment,
  type ForgeError,
  type GateState,
  type Permission,
  type PrComment,
  type PullRequest,
  type Reaction,
  type StatusInput,
  type UpsertCommentInput,
  type UpsertCommentResult,
} from '../../core/index.ts';
import { extractTarball } from '../extract-tarball.ts';
import { DEFAULT_MAX_DIFF_BYTES, DEFAULT_RETRY_POLICY, type RetryPolicy } from '../http.ts';
import { updateComment, upsertComment, type CommentEndpoints } from '../upsert-comment.ts';
import * as api from './api.ts';
import type { GiteaComment, GiteaHttp, GiteaPullRequest, GiteaStatusState } from './api.ts';

export interface GiteaForgeOptions {
  /** Instance root URL, e.g. https://git.example.com */
  url: string;
  token: string;
  /** "owner/name" */
  repo: string;
  /** Login of the account the token belongs to. */
  botLogin: string;
  fetch?: typeof fetch;
  /** Retries of failed calls (default DEFAULT_RETRY_POLICY; tests inject sleep, or retries: 0). */
  retry?: Partial<RetryPolicy>;
  onRetry?: (op: string, err: ForgeError, delayMs: number, attempt: number) => void;
  /** Largest PR diff read (default 10 MiB); a larger one is a ForgeError `too-large`. */
  maxDiffBytes?: number;
  /** Largest file read by readFile (default 1 MiB); a larger one is a ForgeError `too-large`. */
  maxFileBytes?: number;
}

export class GiteaForge implements Forge {
  readonly kind = 'gitea' as const;
  readonly repo: string;
  readonly botLogin: string;
  /** Some databases behind Gitea cap the comment column near 64 KiB; stay clearly under it. */
  readonly limits = { commentChars: 60_000 };
  readonly #http: GiteaHttp;
  readonly #repo: api.GiteaRepo;
  readonly #maxDiffBytes: number;
  readonly #maxFileBytes: number;

  constructor(opts: GiteaForgeOptions) {
    const [owner = '', name = ''] = opts.repo.split('/');
    this.repo = opts.repo;
    this.botLogin = opts.botLogin;
    this.#repo = { owner, name };
    this.#http = {
      baseUrl: opts.url,
      token: opts.token,
      fetch: opts.fetch ?? globalThis.fetch,
      retry: { ...DEFAULT_RETRY_POLICY, ...opts.retry },
      onRetry: opts.onRetry,
    };
    this.#maxDiffBytes = opts.maxDiffBytes ?? DEFAULT_MAX_DIFF_BYTES;
    this.#maxFileBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  }

  async getPullRequest(pr: number): Promise<PullRequest> {
    return toPullRequest(await api.getPull(this.#http, this.#repo, pr));
  }

  getDiff(pr: number): Promise<string> {
    return api.getPullDiff(this.#http, this.#repo, pr, this.#maxDiffBytes);
  }

  readFile(ref: string, path: string): Promise<string | null> {
    return api.getRawFile(this.#http, this.#repo, ref, path, this.#maxFileBytes);
  }

  async downloadTree(sha: string, destDir: string, signal: AbortSignal): Promise<void> {
    const stream = await api.getArchive(this.#http, this.#repo, sha, signal);
    await extractTarball(stream, destDir, { forge: 'gitea', signal });
  }

  upsertComment(input: UpsertCommentInput): Promise<UpsertCommentResult> {
    return upsertComment(this.#comments, { botLogin: this.botLogin, maxChars: this.limits.commentChars }, input);
  }

  updateComment(input: UpsertCommentInput): Promise<UpsertCommentResult | null> {
    return updateComment(this.#comments, { botLogin: this.botLogin, maxChars: this.limits.commentChars }, input);
  }

  get #comments(): CommentEndpoints {
    return {
      list: async (pr) => (await api.listIssueComments(this.#http, this.#repo, pr)).map(toForgeComment),
      create: async (pr, body) => toForgeComment(await api.createIssueComment(this.#http, this.#repo, pr, body)),
      update: async (id, body) => toForgeComment(await api.editIssueComment(this.#http, this.#repo, id, body)),
    };
  }

  async setStatus(input: StatusInput): Promise<void> {
    await api.createCommitStatus(this.#http, this.#repo, input.sha, {
      state: GITEA_STATUS_STATE[input.state],
      context: input.context,
      description: toStatusDescription(input.title),
      ...(input.detailsUrl ? { target_url: input.detailsUrl } : {}),
    });
  }

  react(commentId: number, reaction: Reaction): Promise<void> {
    return api.postCommentReaction(this.#http, this.#repo, commentId, reaction);
  }

  async getComment(id: number): Promise<PrComment> {
    return toPrComment(await api.getIssueComment(this.#http, this.#repo, id));
  }

  async reply(pr: number, body: string): Promise<{ id: number }> {
    const comment = await api.createIssueComment(this.#http, this.#repo, pr, body);
    return { id: comment.id };
  }

  async permissionOf(login: string): Promise<Permission> {
    return toPermission(await api.getCollaboratorPermission(this.#http, this.#repo, login));
  }
}

// Gitea wire → bumpguard domain, and our vocabulary → Gitea's (exhaustive Records: a new
// GateState or Permission fails to compile until it is mapped here).
/**
 * Gitea has no "neutral"; `warning` is the closest state. Whether `warning` blocks depends on the
 * version: Gitea 1.25+ combines it as success (go-gitea/gitea#37042, CommitStatusStates.Combine).
 * So nothing that must block is ever `neutral`: a bump that could not be compared is a `failure`,
 * and bumpguard's own gates use only success, failure, error and pending.
 */
const GITEA_STATUS_STATE = {
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

function toPermission(value: string | null): Permission {
  return (value !== null && GITEA_PERMISSION[value]) || 'none';
}

function toPullRequest(pr: GiteaPullRequest): PullRequest {
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

function toForgeComment(c: GiteaComment): ForgeComment {
  return { id: c.id, author: c.user.login, body: c.body, url: c.html_url };
}

function toPrComment(c: GiteaComment): PrComment {
  return {
    id: c.id,
    author: c.user.login,
    body: c.body,
    createdAt: c.created_at ?? '',
    pr: trailingNumber(c.pull_request_url || c.issue_url),
  };
}

/** "…/pulls/14" or "…/issues/14" → 14. */
function trailingNumber(url: string | null | undefined): number | null {
  const m = /\/(\d+)\/?$/.exec(url ?? '');
  return m ? Number(m[1]) : null;
}

/** Gitea's description column is short (varchar 255 on some setups; the UI cuts earlier): one line under 140 chars. */
function toStatusDescription(title: string): string {
  const line = title.replace(/\s+/g, ' ').trim();
  return line.length < 140 ? line : `${line.slice(0, 138)}…`;
}
