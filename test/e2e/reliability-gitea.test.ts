// Reliability end to end over the real HTTP server and the durable queue, on Gitea:
// redelivery runs once, a newer push cancels the running check and its result never lands, a
// forge outage ends in gate `error` after the retries, and a restart reconciles stuck gates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeRunCheck } from '../helpers/fake-run-check.ts';
import { deliver, startBot, type RunningBot } from '../helpers/e2e-bot.ts';
import {
  API,
  commentJson,
  GITEA,
  giteaApi as api,
  giteaHeaders,
  HEAD1,
  HEAD2,
  mockReads,
  rawFixture,
  READS,
  SECRET,
  TOKEN,
} from '../helpers/gitea-e2e.ts';
import { useHttpMock } from '../helpers/http-mock.ts';
import type { RunCheck } from '../../src/jobs/index.ts';
import type { RetryPolicy } from '../../src/forges/index.ts';

useHttpMock();

const sleeps: number[] = [];
/** Real retry policy, but the sleeps are recorded instead of slept; jitter pinned to 1×. */
const retry: Partial<RetryPolicy> = { sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 };

function start(runCheck: RunCheck = fakeRunCheck()): Promise<RunningBot> {
  return startBot({ gitea: { url: GITEA, token: TOKEN, webhookSecret: SECRET, botLogin: 'bumpguard', retry }, runCheck });
}

const send = (r: RunningBot, fixture: string, eventType: string, id?: string) => {
  const body = rawFixture(fixture);
  return deliver(`${r.url}/api/gitea/webhooks`, body, giteaHeaders('pull_request', eventType, body, id));
};

/** The writes of one clean run for `head`: pending, the sticky comment, success. */
function mockRun(r: RunningBot, head: string, comment: 'create' | 'update') {
  mockReads(r, head);
  api(r)
    .post(`${API}/statuses/${head}`, (b) => b.state === 'pending')
    .reply(201, {});
  if (comment === 'create') {
    api(r).get(`${API}/issues/14/comments`).query(true).reply(200, [], { 'x-total-count': '0' });
    api(r)
      .post(`${API}/issues/14/comments`, (b) => b.body.includes(head.slice(0, 7)))
      .reply(201, commentJson(901, 'x'));
  } else {
    api(r)
      .patch(`${API}/issues/comments/901`, (b) => b.body.includes(head.slice(0, 7)))
      .reply(200, commentJson(901, 'y'));
  }
  api(r)
    .post(`${API}/statuses/${head}`, (b) => b.state === 'success')
    .reply(201, {});
}

const RUN_WRITES = (head: string) => [
  `POST ${API}/statuses/${head}`,
  `GET ${API}/issues/14/comments?page=1&limit=50`,
  `POST ${API}/issues/14/comments`,
  `POST ${API}/statuses/${head}`,
];

test('gitea: a redelivery with the same id, and "Redeliver" with a new id and the same body, are acknowledged and run once', async () => {
  const r = await start();
  mockRun(r, HEAD1, 'create');
  const first = await send(r, 'pull_request.opened', 'pull_request', 'delivery-1');
  await r.bot.queue.onIdle();
  const again = await send(r, 'pull_request.opened', 'pull_request', 'delivery-1');
  const redeliver = await send(r, 'pull_request.opened', 'pull_request', 'delivery-2');
  await r.bot.queue.onIdle();
  assert.deepEqual(
    [first, again, redeliver].map((res) => [res.status, JSON.parse(res.text).queued]),
    [
      [202, true],
      [202, false],
      [202, false],
    ],
  );
  assert.deepEqual(r.calls, [...READS, ...RUN_WRITES(HEAD1)]);
  assert.equal(r.outcomes.length, 1);
});

test("gitea: a newer push cancels the running check, the old result never lands, and the old commit's gate ends in error", async () => {
  let headOneStarted!: () => void;
  const started = new Promise<void>((resolve) => (headOneStarted = resolve));
  const signals: Record<string, AbortSignal> = {};
  const inner = fakeRunCheck({ growth: 300 * 1024 });
  // The check of HEAD1 runs until it is cancelled, then returns a (failing) result anyway, as a
  // build that ignored the signal would: that late result must not reach the PR.
  const runCheck: RunCheck = async (req, ports) => {
    signals[req.head.sha] = ports.signal;
    if (req.head.sha === HEAD1) {
      headOneStarted();
      await new Promise((resolve) => ports.signal.addEventListener('abort', resolve, { once: true }));
      return inner(req, ports);
    }
    return fakeRunCheck()(req, ports);
  };
  const r = await start(runCheck);
  mockReads(r, HEAD1);
  api(r)
    .post(`${API}/statuses/${HEAD1}`, (b) => b.state === 'pending')
    .reply(201, {});
  mockRun(r, HEAD2, 'create');
  api(r)
    .post(`${API}/statuses/${HEAD1}`, (b) => b.state === 'error' && b.description === 'Not judged: superseded by c4a6e8f')
    .reply(201, {});

  assert.equal((await send(r, 'pull_request.opened', 'pull_request')).status, 202);
  await started;
  assert.equal((await send(r, 'pull_request.synchronized', 'pull_request_sync')).status, 202);
  await r.bot.queue.onIdle();

  assert.equal(signals[HEAD1]?.aborted, true, 'the old check was cancelled');
  assert.equal(signals[HEAD2]?.aborted, false);
  assert.deepEqual(r.calls, [...READS, `POST ${API}/statuses/${HEAD1}`, ...READS, ...RUN_WRITES(HEAD2), `POST ${API}/statuses/${HEAD1}`]);
  assert.deepEqual(
    r.outcomes.map((o) => o.outcome.status),
    ['superseded', 'done'],
  );
});

test('gitea: a forge that keeps answering 502 ends in gate error with the reason, after 3 backed-off retries', async () => {
  sleeps.length = 0;
  // A check that needs the tree: the archive download is where Gitea fails.
  const runCheck: RunCheck = async (req, ports) => {
    await ports.source.checkout(req.head.sha, ports.signal);
    return fakeRunCheck()(req, ports);
  };
  const r = await start(runCheck);
  mockReads(r, HEAD1);
  api(r)
    .post(`${API}/statuses/${HEAD1}`, (b) => b.state === 'pending')
    .reply(201, {});
  api(r).get(`${API}/archive/${HEAD1}.tar.gz`).times(4).reply(502, 'Bad Gateway');
  api(r).get(`${API}/issues/14/comments`).query(true).reply(200, [], { 'x-total-count': '0' });
  api(r)
    .post(
      `${API}/issues/14/comments`,
      (b) => /could not finish/.test(b.body) && /downloadTree failed \(HTTP 502\) after 4 attempts/.test(b.body),
    )
    .reply(201, commentJson(901, 'x'));
  let description = '';
  api(r)
    .post(`${API}/statuses/${HEAD1}`, (b) => b.state === 'error' && Boolean((description = b.description)))
    .reply(201, {});
  assert.equal((await send(r, 'pull_request.opened', 'pull_request')).status, 202);
  await r.bot.queue.onIdle();
  assert.equal(
    description,
    'Error: Gitea API call downloadTree failed (HTTP 502) after 4 attempts: the forge did not answer or had an internal error.',
  );
  assert.deepEqual(sleeps, [1000, 4000, 9000]);
  assert.deepEqual(
    r.outcomes.map((o) => o.outcome.verdict),
    ['error'],
  );
});

test('gitea: a 429 with Retry-After waits as long as asked, then succeeds', async () => {
  sleeps.length = 0;
  const r = await start();
  mockReads(r, HEAD1);
  api(r).post(`${API}/statuses/${HEAD1}`).reply(429, { message: 'slow down' }, { 'retry-after': '7' });
  api(r)
    .post(`${API}/statuses/${HEAD1}`, (b) => b.state === 'pending')
    .reply(201, {});
  api(r).get(`${API}/issues/14/comments`).query(true).reply(200, [], { 'x-total-count': '0' });
  api(r).post(`${API}/issues/14/comments`).reply(201, commentJson(901, 'x'));
  api(r)
    .post(`${API}/statuses/${HEAD1}`, (b) => b.state === 'success')
    .reply(201, {});
  await send(r, 'pull_request.opened', 'pull_request');
  await r.bot.queue.onIdle();
  assert.deepEqual(sleeps, [7000]);
  assert.equal(r.outcomes[0]?.outcome.verdict, 'success');
});
