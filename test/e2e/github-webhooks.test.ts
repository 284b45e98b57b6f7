// End to end over the real HTTP server and Probot: the official example payloads from
// @octokit/webhooks-examples (adapted minimally), signed with @octokit/webhooks-methods as
// GitHub signs them; the GitHub API (app token, PR, check runs, comments) mocked with nock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sign } from '@octokit/webhooks-methods';
import { deliver } from '../helpers/e2e-bot.ts';
import { fakeRunCheck } from '../helpers/fake-run-check.ts';
import {
  api,
  checkRuns,
  githubDelivery,
  HEAD1,
  HEAD2,
  mockAppAuth,
  mockComment,
  mockReads,
  READS as reads,
  REPO,
  repoCalls,
  startGithubBot,
} from '../helpers/github-e2e.ts';
import { githubExample } from '../helpers/github-examples.ts';
import { useHttpMock } from '../helpers/http-mock.ts';

useHttpMock();

const KiB = 1024;
const start = (growth = 2 * KiB) => startGithubBot(fakeRunCheck({ growth }));

test('github: a bump PR gets an in-progress check, one comment, then a failure conclusion; the next push edits the comment', async () => {
  const r = await start(300 * KiB);
  const runs = checkRuns(r);
  mockAppAuth(r);
  mockReads(r, HEAD1);
  runs.list(HEAD1);
  runs.create(
    1,
    (b) =>
      b.name === 'bumpguard' &&
      b.head_sha === HEAD1 &&
      b.status === 'in_progress' &&
      b.output?.title === 'Checking tailscale v1.98.5 → v1.98.8…',
  );
  api(r)
    .get(`${REPO}/issues/2/comments`)
    .query({ per_page: '100' })
    .reply(200, [
      {
        id: 5,
        html_url: 'https://github.com/Codertocat/Hello-World/pull/2#issuecomment-5',
        body: 'quoting <!-- bumpguard:report -->',
        user: { login: 'Codertocat' },
      },
    ]);
  api(r)
    .post(`${REPO}/issues/2/comments`, (b) => b.body.startsWith('<!-- bumpguard:report -->') && /bumpguard failed/.test(b.body))
    .reply(201, {
      id: 900,
      html_url: 'https://github.com/Codertocat/Hello-World/pull/2#issuecomment-900',
      body: 'x',
      user: { login: 'bumpguard[bot]' },
    });
  runs.update(
    1,
    (b: any) =>
      b.status === 'completed' &&
      b.conclusion === 'failure' &&
      /^failed: /.test(b.output.title) &&
      b.output.summary.startsWith('<!-- bumpguard:report -->') &&
      b.details_url === 'https://github.com/Codertocat/Hello-World/pull/2#issuecomment-900' &&
      b.external_id === '2' &&
      b.actions[0].identifier === 'rebuild',
  );

  const res = await githubDelivery(r, 'pull_request', githubExample('pull_request', 'opened'));
  assert.equal(res.status, 202);
  await r.bot.queue.onIdle();
  assert.deepEqual(repoCalls(r), [
    ...reads,
    `GET ${REPO}/commits/${HEAD1}/check-runs?check_name=bumpguard&filter=latest`,
    `POST ${REPO}/check-runs`,
    `GET ${REPO}/issues/2/comments?per_page=100`,
    `POST ${REPO}/issues/2/comments`,
    `PATCH ${REPO}/check-runs/77`,
  ]);

  // Renovate pushes again: a new check run for the new SHA, the same comment edited.
  r.calls.length = 0;
  mockReads(r, HEAD2);
  runs
    .list(HEAD2)
    .create(1, (b) => b.head_sha === HEAD2 && b.status === 'in_progress')
    .update(1, (b) => b.conclusion === 'failure');
  api(r)
    .patch(`${REPO}/issues/comments/900`, (b) => b.body.startsWith('<!-- bumpguard:report -->'))
    .reply(200, {
      id: 900,
      html_url: 'https://github.com/Codertocat/Hello-World/pull/2#issuecomment-900',
      body: 'y',
      user: { login: 'bumpguard[bot]' },
    });
  const pushed = githubExample('pull_request', 'synchronize');
  pushed.pull_request.head.sha = HEAD2;
  assert.equal((await githubDelivery(r, 'pull_request', pushed)).status, 202);
  await r.bot.queue.onIdle();
  assert.deepEqual(repoCalls(r), [
    ...reads,
    `GET ${REPO}/commits/${HEAD2}/check-runs?check_name=bumpguard&filter=latest`,
    `POST ${REPO}/check-runs`,
    `PATCH ${REPO}/issues/comments/900`,
    `PATCH ${REPO}/check-runs/78`,
  ]);
  assert.deepEqual(
    r.outcomes.map((o) => o.outcome.verdict),
    ['failure', 'failure'],
  );
  assert.deepEqual([runs.gate(HEAD1)?.conclusion, runs.gate(HEAD2)?.conclusion], ['failure', 'failure']);
});

test('github: a clean bump finishes the check run an earlier job left in progress with a success conclusion', async () => {
  const r = await start(2 * KiB);
  const runs = checkRuns(r);
  runs.seed({ head_sha: HEAD1, status: 'in_progress', conclusion: null });
  mockAppAuth(r);
  mockReads(r, HEAD1);
  runs.list(HEAD1).update(2);
  api(r).get(`${REPO}/issues/2/comments`).query(true).reply(200, []);
  api(r)
    .post(`${REPO}/issues/2/comments`)
    .reply(201, { id: 901, html_url: 'https://github.com/c/1', body: 'x', user: { login: 'bumpguard[bot]' } });
  assert.equal((await githubDelivery(r, 'pull_request', githubExample('pull_request', 'opened'))).status, 202);
  await r.bot.queue.onIdle();
  assert.equal(r.outcomes[0]?.outcome.verdict, 'success');
  assert.equal(runs.runs.length, 1, 'the run in progress was finished, not duplicated');
  assert.equal(runs.gate(HEAD1)?.conclusion, 'success');
});

test('github: bad, missing and empty signatures are refused with 401 and nothing is enqueued', async () => {
  const r = await start();
  const payload = githubExample('pull_request', 'opened');
  const wrong = await sign('not-the-secret', JSON.stringify(payload));
  for (const signature of [wrong, null, '', 'sha256=', `sha1=${wrong.slice(7, 47)}`]) {
    assert.equal((await githubDelivery(r, 'pull_request', payload, signature)).status, 401, `signature ${signature}`);
  }
  await r.bot.queue.onIdle();
  assert.deepEqual(r.outcomes, []);
  assert.deepEqual(r.calls, []);
});

test('github: a command by a user without write access is refused politely; nothing runs', async () => {
  const r = await start();
  mockAppAuth(r);
  const payload = githubExample('issue_comment', 'created');
  payload.issue.number = 2;
  payload.issue.pull_request = { url: 'https://api.github.com/repos/Codertocat/Hello-World/pulls/2' };
  payload.comment.body = 'Could you try again?\n\n/rebuild arm64';
  payload.sender = { ...payload.sender, login: 'visitor' };
  mockComment(r, payload.comment.id, 'visitor', payload.comment.body);
  api(r).post(`${REPO}/issues/comments/${payload.comment.id}/reactions`, { content: 'eyes' }).reply(201, { id: 1 });
  api(r).get(`${REPO}/collaborators/visitor/permission`).reply(200, { permission: 'read', role_name: 'read' });
  api(r)
    .post(`${REPO}/issues/2/comments`, (b) => /@visitor, thanks — `\/rebuild` needs write access/.test(b.body))
    .reply(201, { id: 950, html_url: 'h', body: 'b', user: { login: 'bumpguard[bot]' } });
  api(r).post(`${REPO}/issues/comments/${payload.comment.id}/reactions`, { content: 'confused' }).reply(201, { id: 2 });
  assert.equal((await githubDelivery(r, 'issue_comment', payload)).status, 202);
  await r.bot.queue.onIdle();
  assert.deepEqual(repoCalls(r), [
    `GET ${REPO}/issues/comments/${payload.comment.id}`,
    `POST ${REPO}/issues/comments/${payload.comment.id}/reactions`,
    `GET ${REPO}/collaborators/visitor/permission`,
    `POST ${REPO}/issues/2/comments`,
    `POST ${REPO}/issues/comments/${payload.comment.id}/reactions`,
  ]);
});

test('github: comments by bots (ourselves included) and commands inside quotes are ignored', async () => {
  const r = await start();
  const own = githubExample('issue_comment', 'created');
  own.issue.pull_request = { url: 'https://api.github.com/repos/Codertocat/Hello-World/pulls/1' };
  own.comment.body = '<!-- bumpguard:report -->\nCommands: `/rebuild`\n/help';
  own.sender = { ...own.sender, login: 'bumpguard[bot]', type: 'Bot' };
  const quoted = githubExample('issue_comment', 'created');
  quoted.issue.pull_request = { url: 'https://api.github.com/repos/Codertocat/Hello-World/pulls/1' };
  quoted.comment.body = '> /accept all because\n\nno, let us not';
  for (const payload of [own, quoted]) assert.equal((await githubDelivery(r, 'issue_comment', payload)).status, 204);
  await r.bot.queue.onIdle();
  assert.deepEqual(r.outcomes, []);
});

test('github: the Gitea route answers 404 when only GitHub is configured', async () => {
  const r = await start();
  const res = await deliver(`${r.url}/api/gitea/webhooks`, '{}', { 'x-gitea-event': 'pull_request', 'x-gitea-signature': 'ab'.repeat(32) });
  assert.equal(res.status, 404);
});
