// One function per Gitea endpoint bumpguard calls (API v1, swagger at /api/swagger).
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { readTextCapped } from '../read-capped.ts';
import { encodePath, getJson, paginate, parseBody, request, type GiteaHttp } from './http.ts';
import { giteaComment, giteaPermission, giteaPullRequest, type GiteaComment, type GiteaPullRequest, type GiteaStatusState } from './schema.ts';

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
  return readTextCapped(res.body, maxBytes, { forge: 'gitea', op: 'getDiff', ...(Number.isFinite(declared) ? { declaredBytes: declared } : {}) });
}

export async function getRawFile(http: GiteaHttp, repo: GiteaRepo, ref: string, path: string, maxBytes: number): Promise<string | null> {
  const res = await request(http, 'readFile', `${base(repo)}/raw/${encodePath(path)}?ref=${encodeURIComponent(ref)}`, {
    accept: '*/*',
    allow404: true,
  });
  if (res === null) return null;
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  return readTextCapped(res.body, maxBytes, { forge: 'gitea', op: 'readFile', what: path, ...(Number.isFinite(declared) ? { declaredBytes: declared } : {}) });
}

/** The archive as a byte stream (tar.gz, top folder = lower-case repo name). */
export async function getArchive(http: GiteaHttp, repo: GiteaRepo, sha: string, signal: AbortSignal): Promise<Readable> {
  const res = await request(http, 'downloadTree', `${base(repo)}/archive/${encodeURIComponent(sha)}.tar.gz`, { accept: 'application/octet-stream', signal });
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
  return getJson(http, 'createComment', `${base(repo)}/issues/${pr}/comments`, giteaComment, { method: 'POST', json: { body }, idempotent: false });
}

export function editIssueComment(http: GiteaHttp, repo: GiteaRepo, id: number, body: string): Promise<GiteaComment> {
  return getJson(http, 'updateComment', `${base(repo)}/issues/comments/${id}`, giteaComment, { method: 'PATCH', json: { body } });
}

export async function postCommentReaction(http: GiteaHttp, repo: GiteaRepo, id: number, content: string): Promise<void> {
  // Gitea answers an existing reaction with 200: sending it twice is harmless.
  const res = await request(http, 'react', `${base(repo)}/issues/comments/${id}/reactions`, { method: 'POST', json: { content }, idempotent: true });
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
  const res = await request(http, 'setStatus', `${base(repo)}/statuses/${encodeURIComponent(sha)}`, { method: 'POST', json: status, idempotent: true });
  await res?.body?.cancel();
}

/** null when the user does not exist (404); Gitea answers 403 unless the bot is a repo admin. */
export async function getCollaboratorPermission(http: GiteaHttp, repo: GiteaRepo, login: string): Promise<string | null> {
  const res = await request(http, 'permissionOf', `${base(repo)}/collaborators/${encodeURIComponent(login)}/permission`, { allow404: true });
  if (res === null) return null;
  return (await parseBody('permissionOf', res, giteaPermission)).permission;
}
