// GitHub adapter: a GitHub App installation's Octokit (from Probot). The gate is a check run
// named `bumpguard`, one per head SHA, updated by id. One instance per repository.
import type { ProbotOctokit } from 'probot';
import { extractTarball } from '../extract-tarball.ts';
import { DEFAULT_MAX_DIFF_BYTES, DEFAULT_MAX_FILE_BYTES } from '../read-capped.ts';
import { upsertComment } from '../upsert-comment.ts';
import type { Forge, Permission, PrComment, PullRequest, Reaction, StatusInput, UpsertCommentInput, UpsertCommentResult } from '../types.ts';
import * as api from './api.ts';
import { fitSummary, GITHUB_CHECK_STATE, toForgeComment, toPermission, toPrComment, toPullRequest } from './map.ts';

export interface GitHubForgeOptions {
  octokit: ProbotOctokit;
  /** "owner/name" */
  repo: string;
  /** The app's bot login, "<app-slug>[bot]". */
  botLogin: string;
  /**
   * Check-run ids of this repository by "check-run:<sha>", kept across jobs (src/store) so a run
   * is updated, not duplicated. Without an entry the adapter lists the commit's check runs.
   */
  checkRunIds?: CheckRunIds;
  /** Largest PR diff read (default 10 MiB); a larger one is a ForgeError `too-large`. */
  maxDiffBytes?: number;
  /** Largest file read by readFile (default 1 MiB); a larger one is a ForgeError `too-large`. */
  maxFileBytes?: number;
}

/** A Map fits; src/store backs it with sqlite. */
export interface CheckRunIds {
  get(key: string): number | undefined;
  set(key: string, id: number): unknown;
}

/** The check's "Rebuild" button; GitHub sends check_run.requested_action with this identifier. */
export const REBUILD_ACTION = { label: 'Rebuild', description: 'Build base and head again', identifier: 'rebuild' } as const;

export class GitHubForge implements Forge {
  readonly kind = 'github' as const;
  readonly repo: string;
  readonly botLogin: string;
  /** Issue comments are capped at 65,536 characters. */
  readonly limits = { commentChars: 65_000 };
  readonly #octokit: ProbotOctokit;
  readonly #repo: api.GhRepo;
  readonly #checkRunIds: CheckRunIds;
  readonly #maxDiffBytes: number;
  readonly #maxFileBytes: number;

  constructor(opts: GitHubForgeOptions) {
    const [owner = '', repo = ''] = opts.repo.split('/');
    this.repo = opts.repo;
    this.botLogin = opts.botLogin;
    this.#octokit = opts.octokit;
    this.#repo = { owner, repo };
    this.#checkRunIds = opts.checkRunIds ?? new Map();
    this.#maxDiffBytes = opts.maxDiffBytes ?? DEFAULT_MAX_DIFF_BYTES;
    this.#maxFileBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  }

  async getPullRequest(pr: number): Promise<PullRequest> {
    return toPullRequest(await api.getPull(this.#octokit, this.#repo, pr));
  }

  getDiff(pr: number): Promise<string> {
    return api.getPullDiff(this.#octokit, this.#repo, pr, this.#maxDiffBytes);
  }

  readFile(path: string, sha: string): Promise<string | null> {
    return api.getRawFile(this.#octokit, this.#repo, path, sha, this.#maxFileBytes);
  }

  async downloadTree(sha: string, destDir: string, signal: AbortSignal): Promise<void> {
    const stream = await api.getTarball(this.#octokit, this.#repo, sha, signal);
    await extractTarball(stream, destDir, { forge: 'github', signal });
  }

  upsertComment(input: UpsertCommentInput): Promise<UpsertCommentResult> {
    return upsertComment(
      {
        list: async (pr) => (await api.listIssueComments(this.#octokit, this.#repo, pr)).map(toForgeComment),
        create: async (pr, body) => toForgeComment(await api.createIssueComment(this.#octokit, this.#repo, pr, body)),
        update: async (id, body) => toForgeComment(await api.updateIssueComment(this.#octokit, this.#repo, id, body)),
      },
      { botLogin: this.botLogin, maxChars: this.limits.commentChars },
      input,
    );
  }

  async setStatus(input: StatusInput): Promise<void> {
    const key = `check-run:${input.sha}`;
    const body: api.GhCheckRunBody = {
      ...GITHUB_CHECK_STATE[input.state],
      ...(input.detailsUrl ? { details_url: input.detailsUrl } : {}),
      ...(input.pr !== undefined ? { external_id: String(input.pr) } : {}),
      output: { title: input.title, summary: fitSummary(input.summary) },
      actions: [REBUILD_ACTION],
    };
    const known = this.#checkRunIds.get(key) ?? (await this.#findCheckRun(input.sha));
    const updated = known === undefined ? null : await api.updateCheckRun(this.#octokit, this.#repo, known, body);
    const id = updated ?? (await api.createCheckRun(this.#octokit, this.#repo, input.sha, body));
    this.#checkRunIds.set(key, id);
  }

  async #findCheckRun(sha: string): Promise<number | undefined> {
    const ids = await api.findCheckRunIds(this.#octokit, this.#repo, sha, this.botLogin.replace(/\[bot\]$/, ''));
    return ids[0];
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
