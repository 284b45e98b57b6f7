// Gitea deliveries and API mocks for e2e tests: headers as Gitea's deliverer sets them, the
// body signed over its raw bytes, and the reads every check makes (PR, diff, config at base).
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { recorded, type RunningBot } from './e2e-bot.ts';

export const GITEA = 'https://git.example.org';
export const API = '/api/v1/repos/routers/tailscale-mikrotik';
export const SECRET = 'gitea-webhook-secret-for-tests';
export const TOKEN = 'gitea-api-token';
export const BASE = '3f1c9a7d2b8e4f6a0c5d7e9f1a3b5c7d9e0f2a4b';
/** Head of pull_request.opened.json and of .synchronized.json. */
export const HEAD1 = '8d2e4f6a1b3c5d7e9f0a2b4c6d8e0f1a3b5c7d9e';
export const HEAD2 = 'c4a6e8f0b2d4f6a8c0e2a4b6d8f0a2c4e6b8d0f2';

export const rawFixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/gitea/${name}.json`, import.meta.url));
export const bumpDiff = readFileSync(new URL('../fixtures/pr/tailscale-patch.diff', import.meta.url), 'utf8');
export const hmac = (body: Buffer | string, secret = SECRET): string => createHmac('sha256', secret).update(body).digest('hex');

export function giteaHeaders(event: string, eventType: string, body: Buffer | string, id: string = randomUUID()): Record<string, string> {
  return {
    'user-agent': 'GiteaServer',
    'x-gitea-delivery': id,
    'x-gitea-event': event,
    'x-gitea-event-type': eventType,
    'x-gitea-signature': hmac(body),
    'x-github-delivery': id,
    'x-github-event': event,
  };
}

export const giteaApi = (r: RunningBot): nock.Scope => recorded(nock(GITEA, { reqheaders: { authorization: `token ${TOKEN}` } }), r.calls);

export const prJson = (head: string): Record<string, unknown> => ({
  ...JSON.parse(rawFixture('pull_request.opened').toString()).pull_request,
  head: { ref: 'renovate/tailscale-1.x', sha: head, repo_id: 12 },
});

export const commentJson = (id: number, body: string) => ({
  id,
  html_url: `${GITEA}/routers/tailscale-mikrotik/pulls/14#issuecomment-${id}`,
  body,
  user: { login: 'bumpguard' },
});

/** The PR (at `head`), its diff, the three config paths at the base (absent), and its author's (renovate's) write access. */
export function mockReads(r: RunningBot, head: string): void {
  giteaApi(r).get(`${API}/pulls/14`).reply(200, prJson(head));
  giteaApi(r).get(`${API}/pulls/14.diff`).reply(200, bumpDiff, { 'content-type': 'text/plain' });
  for (const path of ['.bumpguard.yml', '.bumpguard.yaml', '.github/bumpguard.yml']) {
    giteaApi(r).get(`${API}/raw/${path}`).query({ ref: BASE }).reply(404, { message: 'not found' });
  }
  giteaApi(r).get(`${API}/collaborators/renovate/permission`).reply(200, { permission: 'write', role_name: 'write' });
}

/** The reads of a PR that is no bump (its author is not checked). */
export const PR_READS = [
  `GET ${API}/pulls/14`,
  `GET ${API}/raw/.bumpguard.yml?ref=${BASE}`,
  `GET ${API}/raw/.bumpguard.yaml?ref=${BASE}`,
  `GET ${API}/raw/.github/bumpguard.yml?ref=${BASE}`,
  `GET ${API}/pulls/14.diff`,
];

/** The reads of a bump PR: the PR's, then its author's write access. */
export const READS = [...PR_READS, `GET ${API}/collaborators/renovate/permission`];

/** The sticky comment and the `error` status of a job that ends in error; returns the comment's text. */
export function expectErrorReport(r: RunningBot): () => string {
  let comment = '';
  giteaApi(r).get(`${API}/issues/14/comments`).query(true).reply(200, [], { 'x-total-count': '0' });
  giteaApi(r)
    .post(`${API}/issues/14/comments`, (b) => Boolean((comment = b.body)))
    .reply(201, commentJson(901, 'x'));
  giteaApi(r)
    .post(`${API}/statuses/${HEAD1}`, (b) => b.state === 'error')
    .reply(201, {});
  return () => comment;
}

/**
 * Comment `id` as the Gitea API returns it: written by `login` on PR 14 at `createdAt` (default: after the bot's test clock saw the head).
 */
export function mockComment(r: RunningBot, id: number, login: string, body: string, createdAt = '2025-06-13T09:00:00Z'): void {
  giteaApi(r)
    .get(`${API}/issues/comments/${id}`)
    .reply(200, {
      ...commentJson(id, body),
      user: { login },
      created_at: createdAt,
      pull_request_url: `${GITEA}/routers/tailscale-mikrotik/pulls/14`,
      issue_url: '',
    });
}
