// Hostile input: on Gitea a read-only user's PR from the base repository was built with no
// approval. Gitea's AGit flow (`git push origin HEAD:refs/for/main/topic`) needs only read access
// and opens a PR whose head repository is the base repository, so it did not look like a fork.
// The rule is about the author's permission now, on both forges, fork or not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';
import nock from 'nock';
import { ProbotOctokit } from 'probot';
import { deliver, recorded, startBot } from '../helpers/e2e-bot.ts';
import { fakeRunCheck } from '../helpers/fake-run-check.ts';
import {
  API,
  BASE,
  bumpDiff,
  commentJson,
  GITEA,
  giteaApi as api,
  giteaHeaders,
  HEAD1,
  prJson,
  rawFixture,
  SECRET,
  TOKEN,
} from '../helpers/gitea-e2e.ts';
import { githubExample } from '../helpers/github-examples.ts';
import { useHttpMock } from '../helpers/http-mock.ts';

useHttpMock();

test('gitea: an AGit PR (head in the base repository) by a read-only user waits for a maintainer and is not built', async () => {
  const check = fakeRunCheck();
  const r = await startBot({ gitea: { url: GITEA, token: TOKEN, webhookSecret: SECRET, botLogin: 'bumpguard' }, runCheck: check });
  // What `git push origin HEAD:refs/for/main/bump` by "reader" opens: head.repo_id is the base's.
  const agit = { ...prJson(HEAD1), user: { login: 'reader' }, head: { ref: 'refs/for/main/bump', sha: HEAD1, repo_id: 12 } };
  api(r).get(`${API}/pulls/14`).reply(200, agit);
  api(r).get(`${API}/pulls/14.diff`).reply(200, bumpDiff);
  for (const path of ['.bumpguard.yml', '.bumpguard.yaml', '.github/bumpguard.yml'])
    api(r).get(`${API}/raw/${path}`).query({ ref: BASE }).reply(404, {});
  api(r).get(`${API}/collaborators/reader/permission`).reply(200, { permission: 'read' });
  // Whatever the bot writes is accepted and recorded: the assertions below judge it.
  let comment = '';
  const statuses: string[] = [];
  api(r).get(`${API}/issues/14/comments`).query(true).reply(200, [], { 'x-total-count': '0' });
  api(r)
    .post(`${API}/issues/14/comments`, (b) => Boolean((comment = b.body)))
    .reply(201, commentJson(901, 'w'));
  api(r)
    .post(`${API}/statuses/${HEAD1}`, (b) => Boolean(statuses.push(`${b.state}: ${b.description}`)))
    .times(3)
    .optionally()
    .reply(201, {});
  const payload = JSON.parse(rawFixture('pull_request.opened').toString());
  payload.pull_request = { ...payload.pull_request, ...agit };
  const body = JSON.stringify(payload);
  assert.equal((await deliver(`${r.url}/api/gitea/webhooks`, body, giteaHeaders('pull_request', 'pull_request', body))).status, 202);
  await r.bot.queue.onIdle();
  assert.equal(check.requests.length, 0, 'nothing was built');
  assert.equal(r.outcomes[0]?.outcome.status, 'waiting-approval');
  assert.match(comment, /without write access to this repository/);
  assert.deepEqual(statuses, ['pending: Waiting for a maintainer: comment /rebuild to build this PR']);
});

test('github: a same-repository PR by a user with read access only waits for a maintainer and is not built', async () => {
  const secret = 'github-webhook-secret-for-tests';
  const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const Octokit = ProbotOctokit.defaults((options: Record<string, any>) => ({
    ...options,
    retry: { enabled: false },
    throttle: { ...options.throttle, enabled: false },
  }));
  const check = fakeRunCheck();
  const r = await startBot({ github: { appId: 123, privateKey, webhookSecret: secret, Octokit }, runCheck: check });
  const gh = () => recorded(nock('https://api.github.com'), r.calls);
  const REPO = '/repos/Codertocat/Hello-World';
  const event = githubExample('pull_request', 'opened');
  const pr = event.pull_request;
  pr.user = { ...pr.user, login: 'reader', type: 'User' };
  gh()
    .post('/app/installations/1/access_tokens')
    .reply(201, { token: 'ghs_t', expires_at: '2099-01-01T00:00:00Z', permissions: {}, repository_selection: 'all' });
  gh().get('/app').reply(200, { id: 123, slug: 'bumpguard' });
  gh().get(`${REPO}/pulls/2`).reply(200, pr);
  gh().get(`${REPO}/pulls/2`).matchHeader('accept', 'application/vnd.github.v3.diff').reply(200, bumpDiff);
  for (const path of ['.bumpguard.yml', '.bumpguard.yaml', '.github/bumpguard.yml'])
    gh()
      .get(`${REPO}/contents/${encodeURIComponent(path)}`)
      .query(true)
      .reply(404, {});
  gh().get(`${REPO}/collaborators/reader/permission`).reply(200, { permission: 'read', role_name: 'read' });
  let comment = '';
  gh().get(`${REPO}/issues/2/comments`).query(true).reply(200, []);
  gh()
    .post(`${REPO}/issues/2/comments`, (b) => Boolean((comment = b.body)))
    .reply(201, { id: 900, html_url: 'h', body: 'b', user: { login: 'bumpguard[bot]' } });
  const checks: string[] = [];
  // nock 15 hands a one-argument reply function the fetch Request.
  const run = (status: number, b: any) => [
    status,
    { id: 7, name: 'bumpguard', head_sha: pr.head.sha, status: b.status, conclusion: b.conclusion ?? null, app: { slug: 'bumpguard' } },
  ];
  gh().get(`${REPO}/commits/${pr.head.sha}/check-runs`).query(true).optionally().times(3).reply(200, { total_count: 0, check_runs: [] });
  gh()
    .post(`${REPO}/check-runs`, (b) => Boolean(checks.push(`${b.status}: ${b.output?.title}`)))
    .optionally()
    .times(3)
    .reply(async (req: Request) => run(201, await req.json()));
  gh()
    .patch(/\/check-runs\/7$/, (b) => Boolean(checks.push(`${b.status}: ${b.output?.title}`)))
    .optionally()
    .times(3)
    .reply(async (req: Request) => run(200, await req.json()));
  const body = JSON.stringify(event);
  const res = await deliver(`${r.url}/api/github/webhooks`, body, {
    'x-github-event': 'pull_request',
    'x-github-delivery': 'd-agit',
    'x-hub-signature-256': await sign(secret, body),
  });
  assert.equal(res.status, 202);
  await r.bot.queue.onIdle();
  assert.equal(check.requests.length, 0, 'nothing was built');
  assert.equal(r.outcomes[0]?.outcome.status, 'waiting-approval');
  assert.match(comment, /without write access/);
  assert.deepEqual(checks, ['in_progress: Waiting for a maintainer: comment /rebuild to build this PR']);
});
