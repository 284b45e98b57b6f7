// GitHub deliveries and API mocks for e2e tests: the App's JWT calls, the reads every check makes
// (PR, config at base, diff), payloads signed as GitHub signs them, and check runs answered as
// real GitHub answers them (github-check-runs.ts).
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sign } from '@octokit/webhooks-methods';
import nock from 'nock';
import { ProbotOctokit } from 'probot';
import type { RunCheck } from '../../src/jobs/index.ts';
import { deliver, recorded, startBot, type RunningBot } from './e2e-bot.ts';
import { GithubCheckRuns } from './github-check-runs.ts';
import { githubExample, renovatePullRequest } from './github-examples.ts';

export const SECRET = 'github-webhook-secret-for-tests';
export const REPO = '/repos/Codertocat/Hello-World';
/** Base and head of the pull_request.opened example (PR #2). */
export const BASE = 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e';
export const HEAD1 = 'ec26c3e57ca3a959ca5aad62de7213c562f8c821';
export const HEAD2 = '4d1b9c6e2f0a8d3b7c5e1f9a2d6b0c8e4f7a3d15';
export const bumpDiff = readFileSync(new URL('../fixtures/pr/tailscale-patch.diff', import.meta.url), 'utf8');
export const readmeDiff = readFileSync(new URL('../fixtures/pr/readme-only.diff', import.meta.url), 'utf8');
const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
// No retries and no write pacing in tests: Probot sets its throttle options after ours, so they
// are overridden last, here. A failed call must show up as a failure, not as a slow pass.
const Octokit = ProbotOctokit.defaults((options: Record<string, any>) => ({
  ...options,
  retry: { enabled: false },
  throttle: { ...options.throttle, enabled: false },
}));

export function startGithubBot(runCheck: RunCheck): Promise<RunningBot> {
  return startBot({ github: { appId: 123, privateKey, webhookSecret: SECRET, Octokit }, runCheck });
}

export async function githubDelivery(r: RunningBot, event: string, payload: unknown, signature?: string | null) {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = {
    'x-github-event': event,
    'x-github-delivery': randomUUID(),
    'user-agent': 'GitHub-Hookshot/e2e',
  };
  const sig = signature === undefined ? await sign(SECRET, body) : signature;
  if (sig !== null) headers['x-hub-signature-256'] = sig;
  return deliver(`${r.url}/api/github/webhooks`, body, headers);
}

export const api = (r: RunningBot): nock.Scope => recorded(nock('https://api.github.com'), r.calls);
export const repoCalls = (r: RunningBot): string[] => r.calls.filter((c) => c.includes(REPO));
export const checkRuns = (r: RunningBot, firstId = 77): GithubCheckRuns => new GithubCheckRuns(() => api(r), REPO, firstId);

/** The app's JWT calls: an installation token, and the app's slug for its bot login. */
export function mockAppAuth(r: RunningBot): void {
  api(r)
    .post('/app/installations/1/access_tokens')
    .reply(201, {
      token: 'ghs_e2e_installation',
      expires_at: '2099-01-01T00:00:00Z',
      permissions: { checks: 'write' },
      repository_selection: 'all',
    });
  api(r)
    .get('/app')
    .reply(200, { id: 123, slug: 'bumpguard', name: 'bumpguard', owner: { login: 'routers' } });
}

/** The PR (at `head`), the three config paths at the base (absent) and the diff. */
export function mockReads(r: RunningBot, head: string, diff = bumpDiff): void {
  // Renovate's App opened it: an App author is trusted without a permission lookup.
  const pr = renovatePullRequest(head);
  const authed = () => recorded(nock('https://api.github.com', { reqheaders: { authorization: 'token ghs_e2e_installation' } }), r.calls);
  authed().get(`${REPO}/pulls/2`).reply(200, pr);
  authed()
    .get(`${REPO}/pulls/2`)
    .matchHeader('accept', 'application/vnd.github.v3.diff')
    .reply(200, diff, { 'content-type': 'text/plain' });
  for (const path of ['.bumpguard.yml', '.bumpguard.yaml', '.github/bumpguard.yml']) {
    authed()
      .get(`${REPO}/contents/${encodeURIComponent(path)}`)
      .query({ ref: BASE })
      .reply(404, { message: 'Not Found' });
  }
}

export const READS = [
  `GET ${REPO}/pulls/2`,
  `GET ${REPO}/contents/.bumpguard.yml?ref=${BASE}`,
  `GET ${REPO}/contents/.bumpguard.yaml?ref=${BASE}`,
  `GET ${REPO}/contents/.github%2Fbumpguard.yml?ref=${BASE}`,
  `GET ${REPO}/pulls/2`,
];

export const commentJson = (id: number, body = 'x') => ({
  id,
  html_url: `https://github.com/Codertocat/Hello-World/pull/2#issuecomment-${id}`,
  body,
  user: { login: 'bumpguard[bot]' },
});

/** A maintainer's slash command on PR #2. */
export function commandPayload(body: string, login = 'Codertocat', commentId = 5001): Record<string, any> {
  const payload = githubExample('issue_comment', 'created');
  payload.issue.number = 2;
  payload.issue.pull_request = { url: 'https://api.github.com/repos/Codertocat/Hello-World/pulls/2' };
  payload.comment.body = body;
  payload.comment.id = commentId;
  payload.sender = { ...payload.sender, login, type: 'User' };
  return payload;
}

/** Comment `id` on PR #2 as the API returns it (a command's job re-reads it): by `login`, at `createdAt`. */
export function mockComment(r: RunningBot, id: number, login: string, body: string, createdAt = '2025-06-13T09:00:00Z'): void {
  api(r)
    .get(`${REPO}/issues/comments/${id}`)
    .reply(200, {
      ...commentJson(id, body),
      user: { login, type: 'User' },
      created_at: createdAt,
      issue_url: `https://api.github.com${REPO}/issues/2`,
    });
}

/** The Re-run button of our check run on `head` (check_run.rerequested). */
export function rerunPayload(head: string, login = 'Codertocat'): Record<string, any> {
  const payload = githubExample('check_run', 'rerequested');
  const repository = githubExample('pull_request', 'opened').repository;
  payload.repository = repository;
  payload.check_run = { ...payload.check_run, name: 'bumpguard', head_sha: head, external_id: '2', pull_requests: [{ number: 2 }] };
  payload.sender = { ...payload.sender, login, type: 'User' };
  return payload;
}
