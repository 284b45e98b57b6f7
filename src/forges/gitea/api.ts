// Gitea REST v1: the client (token auth, typed errors, zod-checked JSON, pagination), one function
// per endpoint, and the wire shapes (only the fields bumpguard reads).

import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { z } from 'zod';
import { ForgeError } from '../../core/index.ts';
import { forgeErrorFromHttp, parseWire, readTextCapped, withRetry, type RetryPolicy } from '../http.ts';

// Gitea REST client: token auth, typed errors, zod-checked JSON and pagination in one place
// (as renovatebot/renovate lib/util/http/gitea.ts). Endpoint functions live in api.ts.

export interface GiteaHttp {
  /** Instance root, e.g. https://git.example.com (a sub-path install keeps its path). */
  baseUrl: string;
  token: string;
  fetch: typeof fetch;
  retry: RetryPolicy;
  /** Told before each retry (the adapter's owner logs it). */
  onRetry?: ((op: string, err: ForgeError, delayMs: number, attempt: number) => void) | undefined;
}

interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH';
  json?: unknown;
  accept?: string;
  signal?: AbortSignal;
  /** Answer null instead of throwing on 404 (readFile, permission of an unknown user). */
  allow404?: boolean;
  /**
   * Safe to send twice (default: every method but POST). A POST that is not (creating a comment)
   * is retried only when rate-limited: a 502 may come after the comment was created.
   */
  idempotent?: boolean;
}

/** Percent-encode each path segment ("a b/c" → "a%20b/c"). */
function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function request(http: GiteaHttp, op: string, path: string, opts: RequestOptions = {}): Promise<Response | null> {
  const idempotent = opts.idempotent ?? (opts.method ?? 'GET') !== 'POST';
  return withRetry(() => requestOnce(http, op, path, opts), http.retry, {
    signal: opts.signal,
    retryable: (err) => idempotent || err.code === 'rate-limited',
    onRetry: (err, delayMs, attempt) => http.onRetry?.(op, err, delayMs, attempt),
  });
}

async function requestOnce(http: GiteaHttp, op: string, path: string, opts: RequestOptions): Promise<Response | null> {
  const url = `${http.baseUrl.replace(/\/+$/, '')}/api/v1${path}`;
  const headers: Record<string, string> = { authorization: `token ${http.token}`, accept: opts.accept ?? 'application/json' };
  if (opts.json !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await http.fetch(url, {
      method: opts.method ?? 'GET',
      headers,
      ...(opts.json === undefined ? {} : { body: JSON.stringify(opts.json) }),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    throw forgeErrorFromHttp({ forge: 'gitea', op, cause: err });
  }
  if (res.status === 404 && opts.allow404) {
    await res.body?.cancel();
    return null;
  }
  if (!res.ok) {
    const detail = await res.text();
    throw forgeErrorFromHttp({
      forge: 'gitea',
      op,
      status: res.status,
      header: (n) => res.headers.get(n) ?? undefined,
      cause: new Error(detail.slice(0, 500)),
    });
  }
  return res;
}

async function getJson<S extends z.ZodType>(
  http: GiteaHttp,
  op: string,
  path: string,
  schema: S,
  opts: RequestOptions = {},
): Promise<z.output<S>> {
  const res = await request(http, op, path, opts);
  return parseBody(op, res, schema);
}

async function parseBody<S extends z.ZodType>(op: string, res: Response | null, schema: S): Promise<z.output<S>> {
  if (res === null) throw new ForgeError({ forge: 'gitea', op, code: 'not-found', status: 404 }, `Gitea API call ${op} found nothing.`);
  const raw: unknown = await res.json().catch((err: unknown) => {
    throw new ForgeError(
      { forge: 'gitea', op, code: 'bad-response', status: res.status, cause: err },
      `Gitea API call ${op} did not answer JSON.`,
    );
  });
  return parseWire('gitea', op, schema, raw, res.status);
}

const PAGE_LIMIT = 50;
const MAX_PAGES = 100;

/**
 * Every item of a listing. Stops on a short page, at X-Total-Count, or when a page brings
 * nothing new: some endpoints (issue comments) ignore page/limit and return everything.
 */
async function paginate<S extends z.ZodType>(
  http: GiteaHttp,
  op: string,
  path: string,
  itemSchema: S,
  key: (item: z.output<S>) => string | number,
): Promise<z.output<S>[]> {
  const items: z.output<S>[] = [];
  const seen = new Set<string | number>();
  for (let page = 1; page <= MAX_PAGES; page++) {
    const sep = path.includes('?') ? '&' : '?';
    const res = await request(http, op, `${path}${sep}page=${page}&limit=${PAGE_LIMIT}`);
    const total = Number(res?.headers.get('x-total-count') ?? Number.NaN);
    const batch: z.output<S>[] = await parseBody(op, res, z.array(itemSchema));
    const fresh = batch.filter((item) => !seen.has(key(item)));
    for (const item of fresh) {
      seen.add(key(item));
      items.push(item);
    }
    if (fresh.length === 0 || batch.length < PAGE_LIMIT || items.length >= total) break;
  }
  return items;
}

// One function per Gitea endpoint bumpguard calls (API v1, swagger at /api/swagger).
export interface GiteaRepo {
  owner: string;
  name: string;
}

const base = (r: GiteaRepo) => `/repos/${encodeURIComponent(r.owner)}/${encodeURIComponent(r.name)}`;

export function getPull(http: GiteaHttp, repo: GiteaRepo, pr: number): Promise<GiteaPullRequest> {
  return getJson(http, 'getPullRequest', `${base(repo)}/pulls/${pr}`, giteaPullRequest);
}

/** The diff text, refused (ForgeError too-large) once it passes `maxBytes`. */
export async function getPullDiff(http: GiteaHttp, repo: GiteaRepo, pr: number, maxBytes: number): Promise<string> {
  const res = await request(http, 'getDiff', `${base(repo)}/pulls/${pr}.diff`, { accept: 'text/plain' });
  if (!res) return '';
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  return readTextCapped(res.body, maxBytes, {
    forge: 'gitea',
    op: 'getDiff',
    ...(Number.isFinite(declared) ? { declaredBytes: declared } : {}),
  });
}

export async function getRawFile(http: GiteaHttp, repo: GiteaRepo, ref: string, path: string, maxBytes: number): Promise<string | null> {
  const res = await request(http, 'readFile', `${base(repo)}/raw/${encodePath(path)}?ref=${encodeURIComponent(ref)}`, {
    accept: '*/*',
    allow404: true,
  });
  if (res === null) return null;
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  return readTextCapped(res.body, maxBytes, {
    forge: 'gitea',
    op: 'readFile',
    what: path,
    ...(Number.isFinite(declared) ? { declaredBytes: declared } : {}),
  });
}

/** The archive as a byte stream (tar.gz, top folder = lower-case repo name). */
export async function getArchive(http: GiteaHttp, repo: GiteaRepo, sha: string, signal: AbortSignal): Promise<Readable> {
  const res = await request(http, 'downloadTree', `${base(repo)}/archive/${encodeURIComponent(sha)}.tar.gz`, {
    accept: 'application/octet-stream',
    signal,
  });
  if (!res?.body) return Readable.from([]);
  return Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
}

export function listIssueComments(http: GiteaHttp, repo: GiteaRepo, pr: number): Promise<GiteaComment[]> {
  return paginate(http, 'listComments', `${base(repo)}/issues/${pr}/comments`, giteaComment, (c) => c.id);
}

export function getIssueComment(http: GiteaHttp, repo: GiteaRepo, id: number): Promise<GiteaComment> {
  return getJson(http, 'getComment', `${base(repo)}/issues/comments/${id}`, giteaComment);
}

export function createIssueComment(http: GiteaHttp, repo: GiteaRepo, pr: number, body: string): Promise<GiteaComment> {
  return getJson(http, 'createComment', `${base(repo)}/issues/${pr}/comments`, giteaComment, {
    method: 'POST',
    json: { body },
    idempotent: false,
  });
}

export function editIssueComment(http: GiteaHttp, repo: GiteaRepo, id: number, body: string): Promise<GiteaComment> {
  return getJson(http, 'updateComment', `${base(repo)}/issues/comments/${id}`, giteaComment, { method: 'PATCH', json: { body } });
}

export async function postCommentReaction(http: GiteaHttp, repo: GiteaRepo, id: number, content: string): Promise<void> {
  // Gitea answers an existing reaction with 200: sending it twice is harmless.
  const res = await request(http, 'react', `${base(repo)}/issues/comments/${id}/reactions`, {
    method: 'POST',
    json: { content },
    idempotent: true,
  });
  await res?.body?.cancel();
}

export interface GiteaStatusBody {
  state: GiteaStatusState;
  context: string;
  description: string;
  target_url?: string;
}

export async function createCommitStatus(http: GiteaHttp, repo: GiteaRepo, sha: string, status: GiteaStatusBody): Promise<void> {
  // A second identical status only adds a history entry; the latest per context is what gates.
  const res = await request(http, 'setStatus', `${base(repo)}/statuses/${encodeURIComponent(sha)}`, {
    method: 'POST',
    json: status,
    idempotent: true,
  });
  await res?.body?.cancel();
}

/** null when the user does not exist (404); Gitea answers 403 unless the bot is a repo admin. */
export async function getCollaboratorPermission(http: GiteaHttp, repo: GiteaRepo, login: string): Promise<string | null> {
  const res = await request(http, 'permissionOf', `${base(repo)}/collaborators/${encodeURIComponent(login)}/permission`, {
    allow404: true,
  });
  if (res === null) return null;
  return (await parseBody('permissionOf', res, giteaPermission)).permission;
}

// Gitea API v1 wire shapes: only the fields bumpguard reads, unknown keys ignored, so a field the
// forge adds or drops elsewhere never breaks a read (as renovatebot/renovate docs/development/zod.md).
const giteaUser = z.object({ login: z.string() });

const giteaBranch = z.object({
  ref: z.string(),
  sha: z.string(),
  /** Differs from base.repo_id when the head branch lives in a fork. */
  repo_id: z.number(),
});

const giteaPullRequest = z.object({
  number: z.number(),
  html_url: z.string(),
  title: z.string(),
  state: z.string(),
  merged: z.boolean().nullish(),
  user: giteaUser,
  head: giteaBranch,
  base: giteaBranch,
});
export type GiteaPullRequest = z.output<typeof giteaPullRequest>;

const giteaComment = z.object({
  id: z.number(),
  html_url: z.string(),
  body: z.string(),
  user: giteaUser,
  created_at: z.string().optional(),
  /** PR comments: the PR's web page ("…/pulls/14"); issue_url is empty on them. */
  pull_request_url: z.string().nullish(),
  issue_url: z.string().nullish(),
});
export type GiteaComment = z.output<typeof giteaComment>;

/** GET /repos/{o}/{r}/collaborators/{user}/permission */
const giteaPermission = z.object({ permission: z.string() });

/** The `state` Gitea accepts when creating a commit status. */
export type GiteaStatusState = 'pending' | 'success' | 'error' | 'failure' | 'warning';
