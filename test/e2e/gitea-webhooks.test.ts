// End to end over the real HTTP server: Gitea deliveries in Gitea's own format, signed like
// Gitea signs them, the Gitea API mocked at the HTTP boundary, the build path replaced by a
// deterministic runCheck. Asserts the exact API calls a maintainer would see the effect of.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { fakeRunCheck } from '../helpers/fake-run-check.ts';
import { deliver, startBot, type RunningBot } from '../helpers/e2e-bot.ts';
import {
  API,
  commentJson,
  GITEA,
  giteaApi,
  HEAD1,
  HEAD2,
  hmac,
  mockComment,
  mockReads,
  rawFixture,
  READS,
  SECRET,
  TOKEN,
} from '../helpers/gitea-e2e.ts';
import { useHttpMock } from '../helpers/http-mock.ts';

useHttpMock();

const KiB = 1024;
const raw = rawFixture;

/** Headers exactly as Gitea's webhook deliverer sets them. */
function giteaHeaders(event: string, eventType: string, body: Buffer | string, signature = hmac(body)): Record<string, string> {
  const id = randomUUID();
  return {
    'user-agent': 'GiteaServer',
    'x-gitea-delivery': id,
    'x-gitea-event': event,
    'x-gitea-event-type': eventType,
    'x-gitea-signature': signature,
    'x-github-delivery': id,
    'x-github-event': event,
  };
}

async function start(growth = 2 * KiB): Promise<RunningBot> {
  return startBot({
    gitea: { url: GITEA, token: TOKEN, webhookSecret: SECRET, botLogin: 'bumpguard' },
    runCheck: fakeRunCheck({ growth }),
  });
}

const api = giteaApi;
const comment = commentJson;
const reads = READS;

test('gitea: a Renovate bump PR gets pending, one comment, then failure on a regression; the next push updates that comment', async () => {
  const r = await start(300 * KiB);
  // First delivery: PR opened.
  mockReads(r, HEAD1);
  api(r)
    .post(
      `${API}/statuses/${HEAD1}`,
      (b) => b.state === 'pending' && b.context === 'bumpguard' && b.description === 'Checking tailscale v1.98.5 → v1.98.8…',
    )
    .reply(201, {});
  api(r).get(`${API}/issues/14/comments`).query({ page: '1', limit: '50' }).reply(200, [], { 'x-total-count': '0' });
  api(r)
    .post(`${API}/issues/14/comments`, (b) => b.body.startsWith('<!-- bumpguard:report -->') && /bumpguard failed/.test(b.body))
    .reply(201, comment(901, 'x'));
  api(r)
    .post(
      `${API}/statuses/${HEAD1}`,
      (b) =>
        b.state === 'failure' &&
        b.description.length < 140 &&
        /^failed: /.test(b.description) &&
        b.target_url === `${GITEA}/routers/tailscale-mikrotik/pulls/14#issuecomment-901`,
    )
    .reply(201, {});
  const opened = raw('pull_request.opened');
  const res = await deliver(`${r.url}/api/gitea/webhooks`, opened, giteaHeaders('pull_request', 'pull_request', opened));
  assert.equal(res.status, 202);
  await r.bot.queue.onIdle();
  assert.deepEqual(r.calls, [
    ...reads,
    `POST ${API}/statuses/${HEAD1}`,
    `GET ${API}/issues/14/comments?page=1&limit=50`,
    `POST ${API}/issues/14/comments`,
    `POST ${API}/statuses/${HEAD1}`,
  ]);

  // Second delivery: Renovate pushed again ("synchronized"); the same comment is edited.
  r.calls.length = 0;
  mockReads(r, HEAD2);
  api(r)
    .post(`${API}/statuses/${HEAD2}`, (b) => b.state === 'pending')
    .reply(201, {});
  api(r)
    .patch(`${API}/issues/comments/901`, (b) => b.body.startsWith('<!-- bumpguard:report -->'))
    .reply(200, comment(901, 'y'));
  api(r)
    .post(`${API}/statuses/${HEAD2}`, (b) => b.state === 'failure')
    .reply(201, {});
  const pushed = raw('pull_request.synchronized');
  assert.equal(
    (await deliver(`${r.url}/api/gitea/webhooks`, pushed, giteaHeaders('pull_request', 'pull_request_sync', pushed))).status,
    202,
  );
  await r.bot.queue.onIdle();
  assert.deepEqual(r.calls, [
    ...reads,
    `POST ${API}/statuses/${HEAD2}`,
    `PATCH ${API}/issues/comments/901`,
    `POST ${API}/statuses/${HEAD2}`,
  ]);
  assert.deepEqual(
    r.outcomes.map((o) => o.outcome.verdict),
    ['failure', 'failure'],
  );
});

test("gitea: newer Gitea's X-Hub-Signature-256 is used when present", async () => {
  const r = await start();
  const body = raw('issue_comment.created').toString().replace('/accept size portmapper growth reviewed', 'just chatting');
  const headers = {
    ...giteaHeaders('issue_comment', 'pull_request_comment', body, 'ignored-when-hub-header-present'),
    'x-hub-signature-256': `sha256=${hmac(body)}`,
  };
  assert.equal((await deliver(`${r.url}/api/gitea/webhooks`, body, headers)).status, 204);
});

test('gitea: bad, missing and empty signatures are refused with 401 and nothing is enqueued', async () => {
  const r = await start();
  const body = raw('pull_request.opened');
  const wrong = giteaHeaders('pull_request', 'pull_request', body, createHmac('sha256', 'not-the-secret').update(body).digest('hex'));
  const { 'x-gitea-signature': _drop, ...missing } = giteaHeaders('pull_request', 'pull_request', body);
  const empty = giteaHeaders('pull_request', 'pull_request', body, '');
  const resigned = giteaHeaders('pull_request', 'pull_request', body, hmac(JSON.stringify(JSON.parse(body.toString()))));
  const hubWrongAlgo = { ...giteaHeaders('pull_request', 'pull_request', body), 'x-hub-signature-256': `sha1=${hmac(body)}` };
  for (const headers of [wrong, missing, empty, resigned, hubWrongAlgo]) {
    assert.equal((await deliver(`${r.url}/api/gitea/webhooks`, body, headers)).status, 401);
  }
  await r.bot.queue.onIdle();
  assert.deepEqual(r.outcomes, []);
  assert.deepEqual(r.calls, []);
});

test('gitea: a command by someone without write access gets eyes, a polite refusal and confused; nothing runs', async () => {
  const r = await start();
  const payload = JSON.parse(raw('issue_comment.created').toString());
  payload.comment.body = '/rebuild';
  payload.sender.login = payload.comment.user.login = 'visitor';
  const body = JSON.stringify(payload, null, 2);
  mockComment(r, 908, 'visitor', '/rebuild');
  api(r).post(`${API}/issues/comments/908/reactions`, { content: 'eyes' }).reply(201, {});
  api(r).get(`${API}/collaborators/visitor/permission`).reply(200, { permission: 'read', role_name: 'read' });
  api(r)
    .post(`${API}/issues/14/comments`, (b) => /@visitor, thanks — `\/rebuild` needs write access/.test(b.body))
    .reply(201, comment(950, 'refused'));
  api(r).post(`${API}/issues/comments/908/reactions`, { content: 'confused' }).reply(201, {});
  assert.equal(
    (await deliver(`${r.url}/api/gitea/webhooks`, body, giteaHeaders('issue_comment', 'pull_request_comment', body))).status,
    202,
  );
  await r.bot.queue.onIdle();
  assert.deepEqual(r.calls, [
    `GET ${API}/issues/comments/908`,
    `POST ${API}/issues/comments/908/reactions`,
    `GET ${API}/collaborators/visitor/permission`,
    `POST ${API}/issues/14/comments`,
    `POST ${API}/issues/comments/908/reactions`,
  ]);
  assert.equal(r.outcomes[0]?.outcome.status, 'refused');
});

test("gitea: the bot's own comments and commands inside quotes are ignored without an API call", async () => {
  const r = await start();
  const own = JSON.parse(raw('issue_comment.created').toString());
  own.sender.login = 'bumpguard';
  own.comment.body = '<!-- bumpguard:report -->\nCommands: /rebuild';
  const quoted = JSON.parse(raw('issue_comment.created').toString());
  quoted.comment.body = '> /accept all yolo\n\nPlease do not do this.';
  for (const payload of [own, quoted]) {
    const body = JSON.stringify(payload);
    assert.equal(
      (await deliver(`${r.url}/api/gitea/webhooks`, body, giteaHeaders('issue_comment', 'pull_request_comment', body))).status,
      204,
    );
  }
  await r.bot.queue.onIdle();
  assert.deepEqual(r.outcomes, []);
});

test('gitea: the GitHub route answers 404 when only Gitea is configured; /healthz names the forges', async () => {
  const r = await start();
  const body = raw('pull_request.opened');
  const res = await deliver(`${r.url}/api/github/webhooks`, body, {
    'x-github-event': 'pull_request',
    'x-hub-signature-256': `sha256=${hmac(body)}`,
  });
  assert.equal(res.status, 404);
  const health = await fetch(`${r.url}/healthz`);
  assert.deepEqual([health.status, await health.json()], [200, { status: 'ok', forges: ['gitea'] }]);
});

test('gitea: a closed PR is answered 204; a redelivered delivery (same id) is processed once', async () => {
  const r = await start();
  const closed = JSON.parse(raw('pull_request.opened').toString());
  closed.action = 'closed';
  const closedBody = JSON.stringify(closed);
  assert.equal(
    (await deliver(`${r.url}/api/gitea/webhooks`, closedBody, giteaHeaders('pull_request', 'pull_request', closedBody))).status,
    204,
  );

  const help = JSON.parse(raw('issue_comment.created').toString());
  help.comment.body = '/help';
  const body = JSON.stringify(help);
  const headers = giteaHeaders('issue_comment', 'pull_request_comment', body);
  mockComment(r, 908, 'mira', '/help');
  api(r).post(`${API}/issues/comments/908/reactions`, { content: 'eyes' }).reply(201, {});
  api(r)
    .post(`${API}/issues/14/comments`, (b) => /bumpguard commands/.test(b.body))
    .reply(201, comment(960, 'help'));
  api(r).post(`${API}/issues/comments/908/reactions`, { content: 'rocket' }).reply(201, {});
  assert.equal((await deliver(`${r.url}/api/gitea/webhooks`, body, headers)).status, 202);
  assert.equal((await deliver(`${r.url}/api/gitea/webhooks`, body, headers)).status, 202);
  await r.bot.queue.onIdle();
  assert.equal(r.outcomes.length, 1);
});
