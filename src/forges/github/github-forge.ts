// GitHub adapter: a GitHub App installation's Octokit (from Probot). The gate is a check run
// named `bumpguard` on the head SHA. A finished check run is final on GitHub (a PATCH to a
// completed run keeps its status and conclusion, as GitHub's community forum, Mergify, Atlantis
// and Tekton report), so only a run still in progress is updated: every new run and every change
// of conclusion is a NEW check run of the same name, and the required check follows the latest.
// One instance per repository.

import type { ProbotOctokit } from 'probot';
import {
  DEFAULT_MAX_FILE_BYTES,
  type Forge,
  type ForgeComment,
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
import { DEFAULT_MAX_DIFF_BYTES } from '../http.ts';
import { updateComment, upsertComment, type CommentEndpoints } from '../upsert-comment.ts';
import * as api from './api.ts';
import type { GhCheckRun, GhComment, GhConclusion, GhPullRequest } from './api.ts';

export interface GitHubForgeOptions {
  octokit: ProbotOctokit;
  /** "owner/name" */
  repo: string;
  /** The app's bot login, "<app-slug>[bot]". */
  botLogin: string;
  /**
   * The check run last written per head SHA, kept across jobs (src/store), so a run in progress
   * is finished rather than duplicated. Without an entry the adapter lists the commit's check runs.
   */
  checkRuns?: CheckRunMemo;
  /** Largest PR diff read (default 10 MiB); a larger one is a ForgeError `too-large`. */
  maxDiffBytes?: number;
  /** Largest file read by readFile (default 1 MiB); a larger one is a ForgeError `too-large`. */
  maxFileBytes?: number;
}

/** The last check run bumpguard wrote on a commit; a Map fits, src/store backs it with sqlite. */
export interface CheckRunMemo {
  get(sha: string): { id: number; completed: boolean } | undefined;
  set(sha: string, run: { id: number; completed: boolean }): unknown;
}

/** The check's "Rebuild" button; GitHub sends check_run.requested_action with this identifier. */
const REBUILD_ACTION = { label: 'Rebuild', description: 'Build base and head again', identifier: 'rebuild' } as const;

export class GitHubForge implements Forge {
  readonly kind = 'github' as const;
  readonly repo: string;
  readonly botLogin: string;
  /** Issue comments are capped at 65,536 characters. */
  readonly limits = { commentChars: 65_000 };
  readonly #octokit: ProbotOctokit;
  readonly #repo: api.GhRepo;
  readonly #checkRuns: CheckRunMemo;
  readonly #maxDiffBytes: number;
  readonly #maxFileBytes: number;

  constructor(opts: GitHubForgeOptions) {
    const [owner = '', repo = ''] = opts.repo.split('/');
    this.repo = opts.repo;
    this.botLogin = opts.botLogin;
    this.#octokit = opts.octokit;
    this.#repo = { owner, repo };
    this.#checkRuns = opts.checkRuns ?? new Map();
    this.#maxDiffBytes = opts.maxDiffBytes ?? DEFAULT_MAX_DIFF_BYTES;
    this.#maxFileBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  }

  async getPullRequest(pr: number): Promise<PullRequest> {
    return toPullRequest(await api.getPull(this.#octokit, this.#repo, pr));
  }

  getDiff(pr: number): Promise<string> {
    return api.getPullDiff(this.#octokit, this.#repo, pr, this.#maxDiffBytes);
  }

  readFile(ref: string, path: string): Promise<string | null> {
    return api.getRawFile(this.#octokit, this.#repo, ref, path, this.#maxFileBytes);
  }

  async downloadTree(sha: string, destDir: string, signal: AbortSignal): Promise<void> {
    const stream = await api.getTarball(this.#octokit, this.#repo, sha, signal);
    await extractTarball(stream, destDir, { forge: 'github', signal });
  }

  upsertComment(input: UpsertCommentInput): Promise<UpsertCommentResult> {
    return upsertComment(this.#comments, { botLogin: this.botLogin, maxChars: this.limits.commentChars }, input);
  }

  updateComment(input: UpsertCommentInput): Promise<UpsertCommentResult | null> {
    return updateComment(this.#comments, { botLogin: this.botLogin, maxChars: this.limits.commentChars }, input);
  }

  get #comments(): CommentEndpoints {
    return {
      list: async (pr) => (await api.listIssueComments(this.#octokit, this.#repo, pr)).map(toForgeComment),
      create: async (pr, body) => toForgeComment(await api.createIssueComment(this.#octokit, this.#repo, pr, body)),
      update: async (id, body) => toForgeComment(await api.updateIssueComment(this.#octokit, this.#repo, id, body)),
    };
  }

  async setStatus(input: StatusInput): Promise<void> {
    const body: api.GhCheckRunBody = {
      ...GITHUB_CHECK_STATE[input.state],
      ...(input.detailsUrl ? { details_url: input.detailsUrl } : {}),
      ...(input.pr !== undefined ? { external_id: String(input.pr) } : {}),
      output: { title: input.title, summary: fitSummary(input.summary) },
      actions: [REBUILD_ACTION],
    };
    const last = this.#checkRuns.get(input.sha) ?? (await this.#findCheckRun(input.sha));
    // Only a run still in progress can change; GitHub's answer says whether it did.
    const updated = last && !last.completed ? await api.updateCheckRun(this.#octokit, this.#repo, last.id, body) : null;
    const run = updated !== null && holds(updated, body) ? updated : await api.createCheckRun(this.#octokit, this.#repo, input.sha, body);
    this.#checkRuns.set(input.sha, { id: run.id, completed: run.status === 'completed' });
  }

  async #findCheckRun(sha: string): Promise<{ id: number; completed: boolean } | undefined> {
    const run = await api.findLatestCheckRun(this.#octokit, this.#repo, sha, this.botLogin.replace(/\[bot\]$/, ''));
    return run === null ? undefined : { id: run.id, completed: run.status === 'completed' };
  }

  react(commentId: number, reaction: Reaction): Promise<void> {
    return api.createCommentReaction(this.#octokit, this.#repo, commentId, reaction);
  }

  async getComment(id: number): Promise<PrComment> {
    return toPrComment(await api.getIssueComment(this.#octokit, this.#repo, id));
  }

  async reply(pr: number, body: string): Promise<{ id: number }> {
    const comment = await api.createIssueComment(this.#octokit, this.#repo, pr, body);
    return { id: comment.id };
  }

  async permissionOf(login: string): Promise<Permission> {
    return toPermission(await api.getCollaboratorPermission(this.#octokit, this.#repo, login));
  }
}

/** Whether GitHub now shows the state we asked for (a completed run silently keeps its own). */
function holds(run: GhCheckRun, body: api.GhCheckRunBody): boolean {
  if (body.status === 'completed') return run.status === 'completed' && run.conclusion === body.conclusion;
  return run.status !== 'completed';
}

// GitHub wire → bumpguard domain, and our vocabulary → GitHub's (exhaustive Records).
type GhCheckState = { status: 'in_progress' } | { status: 'completed'; conclusion: GhConclusion };

/**
 * A required check passes on success, neutral or skipped, so nothing that must block is neutral.
 * `error` must block, so it is a failure whose title says the check could not finish (its own
 * conclusion would read as a pass or as "cancelled", which maintainers ignore).
 */
const GITHUB_CHECK_STATE = {
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

function toPermission(body: { permission: string; role_name?: string | undefined } | null): Permission {
  if (body === null) return 'none';
  return (body.role_name !== undefined && GITHUB_ROLE[body.role_name]) || GITHUB_ROLE[body.permission] || 'none';
}

function toPullRequest(pr: GhPullRequest): PullRequest {
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

function toForgeComment(c: GhComment): ForgeComment {
  return { id: c.id, author: c.user?.login ?? '', body: c.body ?? '', url: c.html_url };
}

function toPrComment(c: GhComment): PrComment {
  const m = /\/issues\/(\d+)$/.exec(c.issue_url ?? '');
  return { id: c.id, author: c.user?.login ?? '', body: c.body ?? '', createdAt: c.created_at ?? '', pr: m ? Number(m[1]) : null };
}

/** Check-run output.summary is capped at 65,535 characters. */
function fitSummary(summary: string): string {
  const max = 65_000;
  return summary.length <= max ? summary : `${summary.slice(0, max)}\n\n… (cut to fit GitHub's limit)`;
}
