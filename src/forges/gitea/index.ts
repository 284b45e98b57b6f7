// Gitea (and Forgejo) adapter: REST v1 with a token. One instance per repository; no module state.
import { upsertComment } from '../upsert-comment.ts';
import { extractTarball } from '../extract-tarball.ts';
import type { Forge, Permission, PrComment, PullRequest, Reaction, StatusInput, UpsertCommentInput, UpsertCommentResult } from '../types.ts';
import type { ForgeError } from '../../errors.ts';
import { DEFAULT_MAX_DIFF_BYTES, DEFAULT_MAX_FILE_BYTES } from '../read-capped.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../with-retry.ts';
import * as api from './api.ts';
import type { GiteaHttp } from './http.ts';
import { GITEA_STATUS_STATE, toForgeComment, toPermission, toPrComment, toPullRequest, toStatusDescription } from './map.ts';

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
    this.#http = { baseUrl: opts.url, token: opts.token, fetch: opts.fetch ?? globalThis.fetch, retry: { ...DEFAULT_RETRY_POLICY, ...opts.retry }, onRetry: opts.onRetry };
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
    return upsertComment(
      {
        list: async (pr) => (await api.listIssueComments(this.#http, this.#repo, pr)).map(toForgeComment),
        create: async (pr, body) => toForgeComment(await api.createIssueComment(this.#http, this.#repo, pr, body)),
        update: async (id, body) => toForgeComment(await api.editIssueComment(this.#http, this.#repo, id, body)),
      },
      { botLogin: this.botLogin, maxChars: this.limits.commentChars },
      input,
    );
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
