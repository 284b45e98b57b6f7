// Hostile input: an approval was not bound to what the maintainer saw. A maintainer reviewed a
// fork PR at head A and commented /rebuild; the fork pushed B before the job ran, and B was built
// and marked approved. /accept bound the same way, and a later push never superseded a queued
// command. Now a command covers only a head that arrived before it was written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deliver, startBot, type RunningBot } from '../helpers/e2e-bot.ts';
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
  HEAD2,
  mockComment,
  mockReads,
  prJson,
  rawFixture,
  SECRET,
  TOKEN,
} from '../helpers/gitea-e2e.ts';
import { useHttpMock } from '../helpers/http-mock.ts';

useHttpMock();

const KiB = 1024;

/** The bot's clock: each delivery below happens at a set time. */
let clock = new Date('2025-06-13T08:00:00Z');
const at = (iso: string) => {
  clock = new Date(iso);
};

const forkPr = (head: string) => ({
  ...prJson(head),
  user: { login: 'stranger' },
  head: { ref: 'tailscale-bump', sha: head, repo_id: 40 },
});

function readsOfFork(r: RunningBot, head: string): void {
  api(r).get(`${API}/pulls/14`).reply(200, forkPr(head));
  api(r).get(`${API}/pulls/14.diff`).reply(200, bumpDiff);
  for (const path of ['.bumpguard.yml', '.bumpguard.yaml', '.github/bumpguard.yml'])
    api(r).get(`${API}/raw/${path}`).query({ ref: BASE }).reply(404, {});
}

const push = (r: RunningBot, head: string) => {
  const payload = JSON.parse(rawFixture('pull_request.opened').toString());
  payload.action = head === HEAD1 ? 'opened' : 'synchronized';
  payload.pull_request = { ...payload.pull_request, ...forkPr(head) };
  const body = JSON.stringify(payload);
  return deliver(`${r.url}/api/gitea/webhooks`, body, giteaHeaders('pull_request', 'pull_request', body));
};

const comment = (r: RunningBot, text: string) => {
  const payload = JSON.parse(rawFixture('issue_comment.created').toString());
  payload.comment.body = text;
  const body = JSON.stringify(payload);
  return deliver(`${r.url}/api/gitea/webhooks`, body, giteaHeaders('issue_comment', 'pull_request_comment', body));
};

test('a /rebuild written at head A does not approve head B, pushed before the job ran', async () => {
  const check = fakeRunCheck();
  const r = await startBot({
    gitea: { url: GITEA, token: TOKEN, webhookSecret: SECRET, botLogin: 'bumpguard' },
    runCheck: check,
    now: () => clock,
  });
  // 08:00 the fork PR opens at A: it waits for a maintainer.
  at('2025-06-13T08:00:00Z');
  readsOfFork(r, HEAD1);
  api(r).get(`${API}/issues/14/comments`).query(true).reply(200, [], { 'x-total-count': '0' });
  api(r)
    .post(`${API}/issues/14/comments`, (b) => /waiting for a maintainer/.test(b.body))
    .reply(201, commentJson(901, 'w'));
  api(r)
    .post(`${API}/statuses/${HEAD1}`, (b) => b.state === 'pending')
    .reply(201, {});
  assert.equal((await push(r, HEAD1)).status, 202);
  await r.bot.queue.onIdle();
  // 08:10 the fork pushes B; the maintainer's comment, written at 08:05 while looking at A, is delivered after it.
  at('2025-06-13T08:10:00Z');
  readsOfFork(r, HEAD2);
  api(r)
    .patch(`${API}/issues/comments/901`, (b) => b.body.includes(HEAD2.slice(0, 7)))
    .reply(200, commentJson(901, 'w'));
  api(r)
    .post(`${API}/statuses/${HEAD2}`, (b) => b.state === 'pending')
    .reply(201, {});
  assert.equal((await push(r, HEAD2)).status, 202);
  await r.bot.queue.onIdle();
  at('2025-06-13T08:11:00Z');
  mockComment(r, 908, 'mira', '/rebuild', '2025-06-13T08:05:00Z');
  api(r).post(`${API}/issues/comments/908/reactions`, { content: 'eyes' }).reply(201, {});
  api(r).get(`${API}/collaborators/mira/permission`).reply(200, { permission: 'admin' });
  readsOfFork(r, HEAD2);
  api(r)
    .post(`${API}/issues/14/comments`, (b) => /was written before head `c4a6e8f`/.test(b.body))
    .reply(201, commentJson(902, 'stale'));
  api(r).post(`${API}/issues/comments/908/reactions`, { content: 'confused' }).reply(201, {});
  assert.equal((await comment(r, '/rebuild')).status, 202);
  await r.bot.queue.onIdle();
  assert.deepEqual(
    check.requests.map((q) => q.head.sha),
    [],
    'B was not built',
  );
  assert.equal(r.outcomes.at(-1)?.outcome.status, 'refused');
});

test('a later push supersedes a queued /accept, and the acceptance never lands on the new head', async () => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let startedA!: () => void;
  const runningA = new Promise<void>((resolve) => (startedA = resolve));
  const inner = fakeRunCheck({ growth: 300 * KiB });
  const check: typeof inner = Object.assign(
    async (...args: Parameters<typeof inner>) => {
      if (args[0].head.sha === HEAD1) {
        startedA();
        await held;
      }
      return inner(...args);
    },
    { requests: inner.requests, ports: inner.ports },
  );
  const r = await startBot({
    gitea: { url: GITEA, token: TOKEN, webhookSecret: SECRET, botLogin: 'bumpguard' },
    runCheck: check,
    now: () => clock,
  });
  at('2025-06-13T08:00:00Z');
  // A's check is running (held) when the maintainer accepts A's size growth at 08:05.
  mockReads(r, HEAD1);
  api(r).post(`${API}/statuses/${HEAD1}`).reply(201, {});
  const opened = rawFixture('pull_request.opened');
  await deliver(`${r.url}/api/gitea/webhooks`, opened, giteaHeaders('pull_request', 'pull_request', opened));
  await runningA;
  at('2025-06-13T08:05:00Z');
  assert.equal((await comment(r, '/accept size reviewed at A')).status, 202);
  // 08:10 Renovate pushes B: A's run and the queued /accept are superseded; B is judged on its own.
  at('2025-06-13T08:10:00Z');
  api(r)
    .post(`${API}/statuses/${HEAD1}`, (b) => b.state === 'error')
    .optionally()
    .reply(201, {});
  mockReads(r, HEAD2);
  api(r)
    .post(`${API}/statuses/${HEAD2}`, (b) => b.state === 'pending')
    .reply(201, {});
  api(r).get(`${API}/issues/14/comments`).query(true).reply(200, [], { 'x-total-count': '0' });
  api(r)
    .post(`${API}/issues/14/comments`, (b) => b.body.startsWith('<!-- bumpguard:report -->') && !/reviewed at A/.test(b.body))
    .reply(201, commentJson(901, 'r'));
  api(r)
    .post(`${API}/statuses/${HEAD2}`, (b) => b.state === 'failure')
    .reply(201, {});
  const pushed = rawFixture('pull_request.synchronized');
  await deliver(`${r.url}/api/gitea/webhooks`, pushed, giteaHeaders('pull_request', 'pull_request_sync', pushed));
  release();
  await r.bot.queue.onIdle();
  const states = r.bot.queue.store.countByState();
  assert.equal(states.superseded, 2, "A's run and the /accept written at A are superseded");
  assert.deepEqual(
    r.outcomes.map((o) => [o.job.event.type, o.outcome.verdict ?? o.outcome.status]),
    [
      ['pr-updated', 'superseded'],
      ['pr-updated', 'failure'],
    ],
  );
});
