// GitHub REST: one function per endpoint over the installation's Octokit, and the wire shapes
// (only the fields bumpguard reads).

import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { ProbotOctokit } from 'probot';
import { z } from 'zod';
import { STATUS_CONTEXT } from '../../core/index.ts';
import { forgeErrorAfterAttempts, forgeErrorFromHttp, parseWire, readTextCapped } from '../http.ts';

// One function per GitHub REST endpoint bumpguard calls, over the installation's Octokit
// (Probot's: retry and throttling plugins included, so failures arrive here already retried).

export interface GhRepo {
  owner: string;
  repo: string;
}

/** Run one Octokit call; its RequestError becomes a ForgeError (404 → null when allowed). */
async function call<T>(op: string, fn: () => Promise<T>): Promise<T>;
async function call<T>(op: string, fn: () => Promise<T>, allow404: true): Promise<T | null>;
async function call<T>(op: string, fn: () => Promise<T>, allow404 = false): Promise<T | null> {
  try {
    return await fn();
  } catch (err) {
    const status = typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : undefined;
    if (status === 404 && allow404) return null;
    const headers = (err as { response?: { headers?: Record<string, string | undefined> } }).response?.headers ?? {};
    const failure = forgeErrorFromHttp({ forge: 'github', op, status, header: (n) => headers[n], cause: err });
    // @octokit/plugin-retry leaves its count on the request options (wrap-request.js): say it gave up.
    const retries = (err as { request?: { request?: { retryCount?: unknown } } }).request?.request?.retryCount;
    throw typeof retries === 'number' && retries > 0 ? forgeErrorAfterAttempts(failure, retries + 1) : failure;
  }
}

function parse<S extends z.ZodType>(op: string, schema: S, data: unknown): z.output<S> {
  return parseWire('github', op, schema, data);
}

function asText(data: unknown): string {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return new TextDecoder().decode(data);
  return String(data);
}

export async function getPull(octokit: ProbotOctokit, r: GhRepo, pr: number): Promise<GhPullRequest> {
  const res = await call('getPullRequest', () =>
    octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', { ...r, pull_number: pr }),
  );
  return parse('getPullRequest', ghPullRequest, res.data);
}

/** The diff text, streamed and refused (ForgeError too-large) once it passes `maxBytes`. */
export async function getPullDiff(octokit: ProbotOctokit, r: GhRepo, pr: number, maxBytes: number): Promise<string> {
  const res = await call('getDiff', () =>
    octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
      ...r,
      pull_number: pr,
      mediaType: { format: 'diff' },
      request: { parseSuccessResponseBody: false },
    }),
  );
  const body = res.data as unknown;
  if (!(body instanceof ReadableStream)) return asText(body);
  const declared = Number(res.headers['content-length'] ?? Number.NaN);
  return readTextCapped(body as ReadableStream<Uint8Array>, maxBytes, {
    forge: 'github',
    op: 'getDiff',
    ...(Number.isFinite(declared) ? { declaredBytes: declared } : {}),
  });
}

export async function getRawFile(octokit: ProbotOctokit, r: GhRepo, ref: string, path: string, maxBytes: number): Promise<string | null> {
  const res = await call(
    'readFile',
    () =>
      octokit.request('GET /repos/{owner}/{repo}/contents/{path}', {
        ...r,
        path,
        ref,
        mediaType: { format: 'raw' },
        request: { parseSuccessResponseBody: false },
      }),
    true,
  );
  if (res === null) return null;
  const body = res.data as unknown;
  if (!(body instanceof ReadableStream)) return asText(body);
  const declared = Number(res.headers['content-length'] ?? Number.NaN);
  return readTextCapped(body as ReadableStream<Uint8Array>, maxBytes, {
    forge: 'github',
    op: 'readFile',
    what: path,
    ...(Number.isFinite(declared) ? { declaredBytes: declared } : {}),
  });
}

/** The tarball as a byte stream; GitHub redirects to codeload with a short-lived token in the URL. */
export async function getTarball(octokit: ProbotOctokit, r: GhRepo, sha: string, signal: AbortSignal): Promise<Readable> {
  const res = await call('downloadTree', () =>
    octokit.request('GET /repos/{owner}/{repo}/tarball/{ref}', { ...r, ref: sha, request: { signal, parseSuccessResponseBody: false } }),
  );
  const body = res.data;
  if (!(body instanceof ReadableStream)) return Readable.from([]);
  return Readable.fromWeb(body as WebReadableStream<Uint8Array>);
}

export async function listIssueComments(octokit: ProbotOctokit, r: GhRepo, pr: number): Promise<GhComment[]> {
  const all = await call('listComments', () =>
    octokit.paginate('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', { ...r, issue_number: pr, per_page: 100 }),
  );
  return all.map((c) => parse('listComments', ghComment, c));
}

export async function getIssueComment(octokit: ProbotOctokit, r: GhRepo, id: number): Promise<GhComment> {
  const res = await call('getComment', () =>
    octokit.request('GET /repos/{owner}/{repo}/issues/comments/{comment_id}', { ...r, comment_id: id }),
  );
  return parse('getComment', ghComment, res.data);
}

export async function createIssueComment(octokit: ProbotOctokit, r: GhRepo, pr: number, body: string): Promise<GhComment> {
  const res = await call('createComment', () =>
    octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { ...r, issue_number: pr, body }),
  );
  return parse('createComment', ghComment, res.data);
}

export async function updateIssueComment(octokit: ProbotOctokit, r: GhRepo, id: number, body: string): Promise<GhComment> {
  const res = await call('updateComment', () =>
    octokit.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', { ...r, comment_id: id, body }),
  );
  return parse('updateComment', ghComment, res.data);
}

export async function createCommentReaction(
  octokit: ProbotOctokit,
  r: GhRepo,
  id: number,
  content: '+1' | 'eyes' | 'rocket' | 'confused',
): Promise<void> {
  await call('react', () =>
    octokit.request('POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions', { ...r, comment_id: id, content }),
  );
}

/** Our latest check run on a commit; other apps' runs of the same name are left out. */
export async function findLatestCheckRun(octokit: ProbotOctokit, r: GhRepo, sha: string, appSlug: string): Promise<GhCheckRun | null> {
  const res = await call('setStatus', () =>
    octokit.request('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', { ...r, ref: sha, check_name: STATUS_CONTEXT, filter: 'latest' }),
  );
  return (
    parse('setStatus', ghCheckRunList, res.data).check_runs.find(
      (run) => run.name === STATUS_CONTEXT && (run.app?.slug ?? appSlug) === appSlug,
    ) ?? null
  );
}

interface GhCheckRunCommon {
  details_url?: string;
  /** The PR number: fork PRs come with an empty `pull_requests` in check_run events. */
  external_id?: string;
  output: { title: string; summary: string };
  actions: { label: string; description: string; identifier: string }[];
}

export type GhCheckRunBody = GhCheckRunCommon & ({ status: 'in_progress' } | { status: 'completed'; conclusion: GhConclusion });

export async function createCheckRun(octokit: ProbotOctokit, r: GhRepo, sha: string, body: GhCheckRunBody): Promise<GhCheckRun> {
  const res = await call('setStatus', () =>
    octokit.request('POST /repos/{owner}/{repo}/check-runs', { ...r, name: STATUS_CONTEXT, head_sha: sha, ...body }),
  );
  return parse('setStatus', ghCheckRun, res.data);
}

/** The run as GitHub holds it after the update (a completed run keeps its state); null when it no longer exists. */
export async function updateCheckRun(octokit: ProbotOctokit, r: GhRepo, id: number, body: GhCheckRunBody): Promise<GhCheckRun | null> {
  const res = await call(
    'setStatus',
    () => octokit.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', { ...r, check_run_id: id, ...body }),
    true,
  );
  return res === null ? null : parse('setStatus', ghCheckRun, res.data);
}

export async function getCollaboratorPermission(
  octokit: ProbotOctokit,
  r: GhRepo,
  login: string,
): Promise<{ permission: string; role_name?: string | undefined } | null> {
  const res = await call(
    'permissionOf',
    () => octokit.request('GET /repos/{owner}/{repo}/collaborators/{username}/permission', { ...r, username: login }),
    true,
  );
  return res === null ? null : parse('permissionOf', ghPermission, res.data);
}

// GitHub REST wire shapes: only the fields bumpguard reads, unknown keys ignored, so a field the
// forge adds or drops elsewhere never breaks a read (as renovatebot/renovate docs/development/zod.md).
const ghUser = z.object({ login: z.string(), type: z.string().optional() });

const ghPullRequest = z.object({
  number: z.number(),
  html_url: z.string(),
  title: z.string(),
  state: z.string(),
  merged: z.boolean().nullish(),
  user: ghUser,
  head: z.object({
    ref: z.string(),
    sha: z.string(),
    /** null when the fork was deleted. */
    repo: z.object({ full_name: z.string() }).nullable(),
  }),
  base: z.object({ ref: z.string(), sha: z.string(), repo: z.object({ full_name: z.string() }) }),
});
export type GhPullRequest = z.output<typeof ghPullRequest>;

const ghComment = z.object({
  id: z.number(),
  html_url: z.string(),
  body: z.string().nullish(),
  user: ghUser.nullable(),
  created_at: z.string().optional(),
  /** "…/repos/o/r/issues/14" (PRs are issues). */
  issue_url: z.string().optional(),
});
export type GhComment = z.output<typeof ghComment>;

const ghCheckRun = z.object({
  id: z.number(),
  name: z.string(),
  /** queued | in_progress | completed (and newer waiting states): only `completed` is final. */
  status: z.string(),
  conclusion: z.string().nullish(),
  app: z.object({ slug: z.string() }).nullish(),
});
export type GhCheckRun = z.output<typeof ghCheckRun>;

const ghCheckRunList = z.object({ check_runs: z.array(ghCheckRun) });

/** GET /repos/{o}/{r}/collaborators/{user}/permission: role_name carries maintain/triage. */
const ghPermission = z.object({ permission: z.string(), role_name: z.string().optional() });

export type GhConclusion = 'success' | 'failure' | 'neutral' | 'cancelled' | 'timed_out' | 'action_required' | 'skipped';
