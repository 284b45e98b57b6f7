// The required `bumpguard` check on GitHub over the real server, signed webhooks and GitHub's API
// at the nock boundary, answering as real GitHub does (a finished check run keeps its state):
// a PR that bumps nothing passes at once; a bump that could not be compared blocks with the way
// out; Re-run, /accept and /rebuild each change the gate at the same head with a new check run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canaryFail } from '../helpers/check-result.ts';
import { fakeRunCheck } from '../helpers/fake-run-check.ts';
import {
  api,
  checkRuns,
  commandPayload,
  commentJson,
  githubDelivery,
  HEAD1,
  HEAD2,
  mockAppAuth,
  mockComment,
  mockReads,
  READS,
  readmeDiff,
  REPO,
  repoCalls,
  rerunPayload,
  startGithubBot,
} from '../helpers/github-e2e.ts';
import { githubExample } from '../helpers/github-examples.ts';
import { useHttpMock } from '../helpers/http-mock.ts';

useHttpMock();

const MAINTAINER = 'Codertocat';

function mockMaintainerCommand(r: Awaited<ReturnType<typeof startGithubBot>>, commentId: number, text: string) {
  mockComment(r, commentId, MAINTAINER, text);
  api(r).post(`${REPO}/issues/comments/${commentId}/reactions`, { content: 'eyes' }).reply(201, { id: 1 });
  api(r).get(`${REPO}/collaborators/${MAINTAINER}/permission`).reply(200, { permission: 'admin', role_name: 'admin' });
  api(r).post(`${REPO}/issues/comments/${commentId}/reactions`, { content: 'rocket' }).reply(201, { id: 2 });
}

test('github: a PR that bumps nothing gets a completed success check at once, no build; a later push that bumps Tailscale is checked in full', async () => {
  const check = fakeRunCheck();
  const r = await startGithubBot(check);
  const runs = checkRuns(r);
  mockAppAuth(r);
  mockReads(r, HEAD1, readmeDiff);
  runs.list(HEAD1).create(1, (b) => b.status === 'completed' && b.conclusion === 'success');
  assert.equal((await githubDelivery(r, 'pull_request', githubExample('pull_request', 'opened'))).status, 202);
  await r.bot.queue.onIdle();
  assert.deepEqual(repoCalls(r), [
    ...READS,
    `GET ${REPO}/commits/${HEAD1}/check-runs?check_name=bumpguard&filter=latest`,
    `POST ${REPO}/check-runs`,
  ]);
  assert.deepEqual(runs.gate(HEAD1), { status: 'completed', conclusion: 'success', title: 'not a Tailscale bump — nothing to check' });
  assert.equal(check.requests.length, 0, 'nothing was built');

  r.calls.length = 0;
  mockReads(r, HEAD2);
  runs
    .list(HEAD2)
    .create(1, (b) => b.status === 'in_progress')
    .update(1, (b) => b.status === 'completed');
  api(r).get(`${REPO}/issues/2/comments`).query(true).reply(200, []);
  api(r).post(`${REPO}/issues/2/comments`).reply(201, commentJson(900));
  const pushed = githubExample('pull_request', 'synchronize');
  pushed.pull_request.head.sha = HEAD2;
  assert.equal((await githubDelivery(r, 'pull_request', pushed)).status, 202);
  await r.bot.queue.onIdle();
  assert.equal(check.requests.length, 1);
  assert.equal(runs.gate(HEAD2)?.conclusion, 'success');
  assert.match(runs.gate(HEAD2)?.title ?? '', /^passed: /);
});

test('github: at one head, an infra error, then Re-run (no baseline: blocks with the way out), /accept size (passes), /rebuild (a canary fails) each show a new check run', async () => {
  const check = fakeRunCheck({
    script: [
      {
        head: {
          error: { message: 'The Docker engine stopped answering during the linux/amd64 build', logTail: '', code: 'docker-unavailable' },
        },
      },
      { base: null },
      { base: null },
      { base: null, head: { canaries: [canaryFail('magicdns', 'status NOERROR', 'SERVFAIL')] } },
    ],
  });
  const r = await startGithubBot(check);
  const runs = checkRuns(r);
  mockAppAuth(r);

  // 1. The PR is opened; Docker dies during the check: error, never the PR's fault.
  mockReads(r, HEAD1);
  runs
    .list(HEAD1)
    .create(1, (b) => b.status === 'in_progress')
    .update(1);
  api(r).get(`${REPO}/issues/2/comments`).query(true).reply(200, []);
  api(r).post(`${REPO}/issues/2/comments`).reply(201, commentJson(900));
  await githubDelivery(r, 'pull_request', githubExample('pull_request', 'opened'));
  await r.bot.queue.onIdle();
  assert.deepEqual(runs.gate(HEAD1), { status: 'completed', conclusion: 'failure', title: runs.gate(HEAD1)?.title });
  assert.match(
    runs.gate(HEAD1)!.title,
    /^error: .*could not finish: linux\/amd64 head build failed at ec26c3e: The Docker engine stopped answering/,
  );

  // 2. Re-run: GitHub keeps the finished run, so the new run is a new check run; no baseline blocks.
  mockReads(r, HEAD1);
  api(r).get(`${REPO}/collaborators/${MAINTAINER}/permission`).reply(200, { permission: 'admin', role_name: 'admin' });
  runs.create(1, (b) => b.status === 'in_progress').update(1);
  api(r).patch(`${REPO}/issues/comments/900`).reply(200, commentJson(900));
  await githubDelivery(r, 'check_run', rerunPayload(HEAD1, MAINTAINER));
  await r.bot.queue.onIdle();
  assert.equal(runs.gate(HEAD1)?.conclusion, 'failure');
  assert.match(
    runs.gate(HEAD1)!.title,
    /^failed: 3 blockers — no baseline: fix the base build, or \/accept size <reason> — linux\/amd64 at f95f852/,
  );

  // 3. /accept size: the missing baseline is accepted at this head and the gate turns green.
  mockMaintainerCommand(r, 5001, '/accept size the base image is rebuilt upstream next week');
  mockReads(r, HEAD1);
  runs.create(1, (b) => b.status === 'in_progress').update(1);
  api(r)
    .patch(`${REPO}/issues/comments/900`, (b) => /accepted/.test(b.body))
    .reply(200, commentJson(900));
  await githubDelivery(r, 'issue_comment', commandPayload('/accept size the base image is rebuilt upstream next week', MAINTAINER, 5001));
  await r.bot.queue.onIdle();
  assert.deepEqual(runs.gate(HEAD1), { status: 'completed', conclusion: 'success', title: runs.gate(HEAD1)?.title });
  assert.match(runs.gate(HEAD1)!.title, /^passed: 3 accepted/);

  // 4. /rebuild measures again: a canary now fails, and the gate shows it.
  mockMaintainerCommand(r, 5002, '/rebuild');
  mockReads(r, HEAD1);
  runs.create(1, (b) => b.status === 'in_progress').update(1);
  api(r).patch(`${REPO}/issues/comments/900`).reply(200, commentJson(900));
  await githubDelivery(r, 'issue_comment', commandPayload('/rebuild', MAINTAINER, 5002));
  await r.bot.queue.onIdle();
  assert.equal(runs.gate(HEAD1)?.conclusion, 'failure');
  assert.match(runs.gate(HEAD1)!.title, /canary magicdns failed/);

  assert.equal(runs.runs.length, 4, 'one check run per run; none was reopened');
  assert.deepEqual(
    runs.runs.map((run) => run.conclusion),
    ['failure', 'failure', 'success', 'failure'],
  );
  assert.deepEqual(
    r.outcomes.map((o) => o.outcome.verdict),
    ['error', 'failure', 'success', 'failure'],
  );
});

test('github: a push that takes the bump out turns the old report into a note naming that head, once; the PR gets no new comment', async () => {
  const check = fakeRunCheck({ script: [{ head: { canaries: [canaryFail('magicdns', 'status NOERROR', 'SERVFAIL')] } }] });
  const r = await startGithubBot(check);
  const runs = checkRuns(r);
  mockAppAuth(r);

  // 1. A Tailscale bump: full report with a failing canary.
  mockReads(r, HEAD1);
  runs
    .list(HEAD1)
    .create(1, (b) => b.status === 'in_progress')
    .update(1);
  api(r).get(`${REPO}/issues/2/comments`).query(true).reply(200, []);
  api(r)
    .post(`${REPO}/issues/2/comments`, (b) => /canary magicdns/.test(b.body))
    .reply(201, commentJson(900));
  await githubDelivery(r, 'pull_request', githubExample('pull_request', 'opened'));
  await r.bot.queue.onIdle();
  assert.equal(runs.gate(HEAD1)?.conclusion, 'failure');

  // 2. A push reverts the bump: the same comment is rewritten (no new one), the gate passes at once.
  r.calls.length = 0;
  let note = '';
  mockReads(r, HEAD2, readmeDiff);
  runs
    .list(HEAD2)
    .create(1, (b) => b.status === 'completed' && b.conclusion === 'success' && /issuecomment-900$/.test(b.details_url ?? ''));
  api(r)
    .patch(`${REPO}/issues/comments/900`, (b) => Boolean((note = b.body)))
    .reply(200, commentJson(900));
  const pushed = githubExample('pull_request', 'synchronize');
  pushed.pull_request.head.sha = HEAD2;
  await githubDelivery(r, 'pull_request', pushed);
  await r.bot.queue.onIdle();
  assert.deepEqual(repoCalls(r), [
    ...READS,
    `PATCH ${REPO}/issues/comments/900`,
    `GET ${REPO}/commits/${HEAD2}/check-runs?check_name=bumpguard&filter=latest`,
    `POST ${REPO}/check-runs`,
  ]);
  assert.deepEqual(runs.gate(HEAD2), { status: 'completed', conclusion: 'success', title: 'not a Tailscale bump — nothing to check' });
  assert.match(note, /^<!-- bumpguard:report -->\n\n## bumpguard: no Tailscale bump at `4d1b9c6` — nothing is checked any more\n/);
  assert.match(note, /The report that was here was for an earlier head and no longer applies/);
  assert.doesNotMatch(note, /magicdns|❌/);
  assert.equal(check.requests.length, 1, 'nothing was built after the bump went away');

  // 3. A further push without a bump: the note keeps naming the head where the bump went away.
  r.calls.length = 0;
  const HEAD3 = '9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d';
  mockReads(r, HEAD3, readmeDiff);
  runs.list(HEAD3).create(1, (b) => b.conclusion === 'success');
  pushed.pull_request.head.sha = HEAD3;
  await githubDelivery(r, 'pull_request', pushed);
  await r.bot.queue.onIdle();
  assert.deepEqual(repoCalls(r), [
    ...READS,
    `GET ${REPO}/commits/${HEAD3}/check-runs?check_name=bumpguard&filter=latest`,
    `POST ${REPO}/check-runs`,
  ]);
});
