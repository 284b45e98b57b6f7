// The required `bumpguard` status on Gitea over the real server and Gitea-signed webhooks, the
// API at the nock boundary: a PR that bumps nothing passes at once; a bump that could not be
// compared blocks (never `warning`, which Gitea 1.25+ counts as success) with the way out; /accept
// and /rebuild each change the gate at the same head.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canaryFail } from '../helpers/check-result.ts';
import { deliver, startBot, type RunningBot } from '../helpers/e2e-bot.ts';
import { fakeRunCheck, type FakeRunCheck } from '../helpers/fake-run-check.ts';
import {
  API,
  commentJson,
  GITEA,
  giteaApi as api,
  giteaHeaders,
  HEAD1,
  HEAD2,
  mockComment,
  mockReads,
  prJson,
  PR_READS,
  rawFixture,
  SECRET,
  TOKEN,
} from '../helpers/gitea-e2e.ts';
import { useHttpMock } from '../helpers/http-mock.ts';

useHttpMock();

const README_DIFF = 'diff --git a/README.md b/README.md\n--- a/README.md\n+++ b/README.md\n@@ -1 +1 @@\n-old\n+new\n';

function start(check: FakeRunCheck): Promise<RunningBot> {
  return startBot({
    gitea: { url: GITEA, token: TOKEN, webhookSecret: SECRET, botLogin: 'bumpguard', retry: { retries: 0 } },
    runCheck: check,
  });
}

/** Every status Gitea received for a commit, in order; the newest is what the PR shows. */
function statuses(r: RunningBot, sha: string, times: number, seen: { state: string; description: string }[]) {
  api(r)
    .post(`${API}/statuses/${sha}`)
    .times(times)
    .reply(async (req: Request) => {
      const b = (await req.json()) as { state: string; description: string };
      seen.push({ state: b.state, description: b.description });
      return [201, {}];
    });
}

async function send(r: RunningBot, fixture: string, eventType: string, edit?: (payload: Record<string, any>) => void) {
  const payload = JSON.parse(rawFixture(fixture).toString());
  edit?.(payload);
  const body = JSON.stringify(payload);
  const event = fixture.startsWith('issue_comment') ? 'issue_comment' : 'pull_request';
  assert.equal((await deliver(`${r.url}/api/gitea/webhooks`, body, giteaHeaders(event, eventType, body))).status, 202);
  await r.bot.queue.onIdle();
}

function mockCommand(r: RunningBot, commentId: number, text: string) {
  mockComment(r, commentId, 'mira', text);
  api(r).post(`${API}/issues/comments/${commentId}/reactions`, { content: 'eyes' }).reply(201, {});
  api(r).get(`${API}/collaborators/mira/permission`).reply(200, { permission: 'admin', role_name: 'admin' });
  api(r).post(`${API}/issues/comments/${commentId}/reactions`, { content: 'rocket' }).reply(201, {});
}

test('gitea: a PR that bumps nothing gets a success status at once, no build, no comment; a later push that bumps Tailscale is checked', async () => {
  const check = fakeRunCheck();
  const r = await start(check);
  const seen: { state: string; description: string }[] = [];
  api(r)
    .get(`${API}/pulls/14`)
    .reply(200, JSON.parse(rawFixture('pull_request.opened').toString()).pull_request);
  for (const path of ['.bumpguard.yml', '.bumpguard.yaml', '.github/bumpguard.yml'])
    api(r).get(`${API}/raw/${path}`).query(true).reply(404, {});
  api(r).get(`${API}/pulls/14.diff`).reply(200, README_DIFF);
  statuses(r, HEAD1, 1, seen);
  await send(r, 'pull_request.opened', 'pull_request');
  assert.deepEqual(r.calls, [...PR_READS, `POST ${API}/statuses/${HEAD1}`]);
  assert.deepEqual(seen, [{ state: 'success', description: 'not a Tailscale bump — nothing to check' }]);
  assert.equal(check.requests.length, 0);

  seen.length = 0;
  mockReads(r, HEAD2);
  statuses(r, HEAD2, 2, seen);
  api(r).get(`${API}/issues/14/comments`).query(true).reply(200, [], { 'x-total-count': '0' });
  api(r).post(`${API}/issues/14/comments`).reply(201, commentJson(901, 'x'));
  await send(r, 'pull_request.synchronized', 'pull_request_sync');
  assert.deepEqual(
    seen.map((s) => s.state),
    ['pending', 'success'],
  );
  assert.equal(check.requests.length, 1);
});

test('gitea: a bump that could not be compared is a failure with the way out; /accept size passes it, /rebuild shows a new canary failure — all at one head', async () => {
  const check = fakeRunCheck({
    script: [{ base: null }, { base: null }, { base: null, head: { canaries: [canaryFail('magicdns', 'status NOERROR', 'SERVFAIL')] } }],
  });
  const r = await start(check);
  const seen: { state: string; description: string }[] = [];

  mockReads(r, HEAD1);
  statuses(r, HEAD1, 2, seen);
  api(r).get(`${API}/issues/14/comments`).query(true).reply(200, [], { 'x-total-count': '0' });
  api(r).post(`${API}/issues/14/comments`).reply(201, commentJson(901, 'x'));
  await send(r, 'pull_request.opened', 'pull_request');
  assert.equal(seen.at(-1)?.state, 'failure', 'never `warning`: Gitea 1.25+ would let that merge');
  assert.match(
    seen.at(-1)!.description,
    /^failed: 3 blockers — no baseline: fix the base build, or \/accept size <reason> — linux\/amd64 at 3f1c9a7/,
  );
  assert.ok(seen.at(-1)!.description.length < 140);

  mockCommand(r, 908, '/accept size portmapper growth reviewed');
  mockReads(r, HEAD1);
  statuses(r, HEAD1, 2, seen);
  api(r)
    .patch(`${API}/issues/comments/901`, (b) => /accepted/.test(b.body))
    .reply(200, commentJson(901, 'y'));
  await send(r, 'issue_comment.created', 'pull_request_comment');
  assert.match(seen.at(-1)!.description, /^passed: 3 accepted/);
  assert.equal(seen.at(-1)?.state, 'success');

  mockCommand(r, 909, '/rebuild');
  mockReads(r, HEAD1);
  statuses(r, HEAD1, 2, seen);
  api(r).patch(`${API}/issues/comments/901`).reply(200, commentJson(901, 'z'));
  await send(r, 'issue_comment.created', 'pull_request_comment', (p) => {
    p.comment.id = 909;
    p.comment.body = '/rebuild';
  });
  assert.deepEqual(
    seen.map((s) => s.state),
    ['pending', 'failure', 'pending', 'success', 'pending', 'failure'],
  );
  assert.match(seen.at(-1)!.description, /canary magicdns failed/);
  assert.deepEqual(
    r.outcomes.map((o) => o.outcome.verdict),
    ['failure', 'success', 'failure'],
  );
});

test('gitea: a push that takes the bump out turns the old report into a note naming that head, once; the PR gets no new comment', async () => {
  const check = fakeRunCheck({ script: [{ head: { canaries: [canaryFail('magicdns', 'status NOERROR', 'SERVFAIL')] } }] });
  const r = await start(check);
  const seen: { state: string; description: string }[] = [];
  const noBumpReads = (head: string) => {
    api(r).get(`${API}/pulls/14`).reply(200, prJson(head));
    for (const path of ['.bumpguard.yml', '.bumpguard.yaml', '.github/bumpguard.yml'])
      api(r).get(`${API}/raw/${path}`).query(true).reply(404, {});
    api(r).get(`${API}/pulls/14.diff`).reply(200, README_DIFF);
  };

  // 1. A Tailscale bump at HEAD1: full report with a failing canary.
  mockReads(r, HEAD1);
  statuses(r, HEAD1, 2, seen);
  api(r).get(`${API}/issues/14/comments`).query(true).reply(200, [], { 'x-total-count': '0' });
  api(r)
    .post(`${API}/issues/14/comments`, (b) => /canary magicdns/.test(b.body))
    .reply(201, commentJson(901, 'x'));
  await send(r, 'pull_request.opened', 'pull_request');
  assert.equal(seen.at(-1)?.state, 'failure');

  // 2. The push to HEAD2 reverts the bump: the same comment is rewritten, the status passes at once.
  r.calls.length = 0;
  seen.length = 0;
  let note = '';
  noBumpReads(HEAD2);
  api(r)
    .patch(`${API}/issues/comments/901`, (b) => Boolean((note = b.body)))
    .reply(200, commentJson(901, 'y'));
  api(r)
    .post(`${API}/statuses/${HEAD2}`, (b) => b.target_url === `${GITEA}/routers/tailscale-mikrotik/pulls/14#issuecomment-901`)
    .reply(async (req: Request) => {
      const b = (await req.json()) as { state: string; description: string };
      seen.push({ state: b.state, description: b.description });
      return [201, {}];
    });
  await send(r, 'pull_request.synchronized', 'pull_request_sync', (p) => {
    p.pull_request.head.sha = HEAD2;
  });
  assert.deepEqual(r.calls, [...PR_READS, `PATCH ${API}/issues/comments/901`, `POST ${API}/statuses/${HEAD2}`]);
  assert.deepEqual(seen, [{ state: 'success', description: 'not a Tailscale bump — nothing to check' }]);
  assert.match(note, /^<!-- bumpguard:report -->\n\n## bumpguard: no Tailscale bump at `c4a6e8f` — nothing is checked any more\n/);
  assert.match(note, /The report that was here was for an earlier head and no longer applies/);
  assert.doesNotMatch(note, /magicdns|❌/);
  assert.equal(check.requests.length, 1, 'nothing was built after the bump went away');

  // 3. A further push without a bump: only the status; the note keeps naming HEAD2.
  r.calls.length = 0;
  const HEAD3 = '9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d';
  noBumpReads(HEAD3);
  statuses(r, HEAD3, 1, seen);
  await send(r, 'pull_request.synchronized', 'pull_request_sync', (p) => {
    p.pull_request.head.sha = HEAD3;
  });
  assert.deepEqual(r.calls, [...PR_READS, `POST ${API}/statuses/${HEAD3}`]);
});
