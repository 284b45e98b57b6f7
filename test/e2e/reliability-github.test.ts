// Reliability on GitHub: API failures go through Octokit's retry plugin, which Probot bundles
// (3 retries, (n+1)² × retryAfterBaseValue apart; here the base is 0 so no real time passes),
// and after the last retry the check run says the job failed, with the reason, never success.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sign } from '@octokit/webhooks-methods';
import nock from 'nock';
import { ProbotOctokit } from 'probot';
import { deliver, recorded, startBot, type RunningBot } from '../helpers/e2e-bot.ts';
import { fakeRunCheck } from '../helpers/fake-run-check.ts';
import { githubExample, renovatePullRequest } from '../helpers/github-examples.ts';
import { useHttpMock } from '../helpers/http-mock.ts';

useHttpMock();

const SECRET = 'github-webhook-secret-for-tests';
const REPO = '/repos/Codertocat/Hello-World';
const BASE = 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e';
const HEAD = 'ec26c3e57ca3a959ca5aad62de7213c562f8c821';
const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const bumpDiff = readFileSync(new URL('../fixtures/pr/tailscale-patch.diff', import.meta.url), 'utf8');
// Probot's retry plugin as shipped, with the wait between attempts scaled to zero.
const Octokit = ProbotOctokit.defaults((options: Record<string, any>) => ({
  ...options,
  retry: { retryAfterBaseValue: 0 },
  throttle: { ...options.throttle, enabled: false },
}));

const api = (r: RunningBot) => recorded(nock('https://api.github.com'), r.calls);

test('github: check-run writes failing with 502 are retried 3 times, then the check run ends failed with the reason', async () => {
  const r = await startBot({ github: { appId: 123, privateKey, webhookSecret: SECRET, Octokit }, runCheck: fakeRunCheck() });
  api(r)
    .post('/app/installations/1/access_tokens')
    .reply(201, { token: 'ghs_e2e', expires_at: '2099-01-01T00:00:00Z', permissions: {}, repository_selection: 'all' });
  api(r)
    .get('/app')
    .reply(200, { id: 123, slug: 'bumpguard', name: 'bumpguard', owner: { login: 'routers' } });
  api(r).get(`${REPO}/pulls/2`).reply(200, renovatePullRequest(HEAD));
  api(r).get(`${REPO}/pulls/2`).matchHeader('accept', 'application/vnd.github.v3.diff').reply(200, bumpDiff);
  for (const path of ['.bumpguard.yml', '.bumpguard.yaml', '.github/bumpguard.yml']) {
    api(r)
      .get(`${REPO}/contents/${encodeURIComponent(path)}`)
      .query({ ref: BASE })
      .reply(404, { message: 'Not Found' });
  }
  api(r).get(`${REPO}/commits/${HEAD}/check-runs`).query(true).times(2).reply(200, { total_count: 0, check_runs: [] });
  api(r)
    .post(`${REPO}/check-runs`, (b) => b.status === 'in_progress')
    .times(4)
    .reply(502, { message: 'Server Error' });
  api(r).get(`${REPO}/issues/2/comments`).query(true).reply(200, []);
  api(r)
    .post(`${REPO}/issues/2/comments`, (b) => /could not finish/.test(b.body))
    .reply(201, { id: 900, html_url: 'https://github.com/c/900', body: 'x', user: { login: 'bumpguard[bot]' } });
  let title = '';
  api(r)
    .post(`${REPO}/check-runs`, (b) => b.status === 'completed' && b.conclusion === 'failure' && Boolean((title = b.output.title)))
    .reply(201, { id: 77, name: 'bumpguard', status: 'completed', conclusion: 'failure' });

  const body = JSON.stringify(githubExample('pull_request', 'opened'));
  const res = await deliver(`${r.url}/api/github/webhooks`, body, {
    'x-github-event': 'pull_request',
    'x-github-delivery': randomUUID(),
    'x-hub-signature-256': await sign(SECRET, body),
  });
  assert.equal(res.status, 202);
  await r.bot.queue.onIdle();
  assert.equal(r.calls.filter((c) => c === `POST ${REPO}/check-runs`).length, 5, 'four attempts at the pending write, then the error');
  assert.equal(
    title,
    'Error: GitHub API call setStatus failed (HTTP 502) after 4 attempts: the forge did not answer or had an internal error.',
  );
  assert.deepEqual(
    r.outcomes.map((o) => o.outcome.verdict),
    ['error'],
  );
});
