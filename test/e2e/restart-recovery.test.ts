// A restart on the same database: the state a crash leaves behind is written with the
// store's own API (a job `running`, gates `pending`), then the real bot starts on it. Every gate
// must end in a final state: the interrupted job runs again, a gate of a commit that is no longer
// the head and a gate whose job kept crashing the server are set to `error` with the reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BotJob } from '../../src/bot/index.ts';
import { HeadTracker } from '../../src/jobs/index.ts';
import { JobStore, openDatabase } from '../../src/store/index.ts';
import { fakeRunCheck } from '../helpers/fake-run-check.ts';
import { startBot } from '../helpers/e2e-bot.ts';
import { API, commentJson, GITEA, giteaApi as api, HEAD1, HEAD2, mockReads, READS, SECRET, TOKEN } from '../helpers/gitea-e2e.ts';
import { useHttpMock } from '../helpers/http-mock.ts';

useHttpMock();

const REPO = 'routers/tailscale-mikrotik';
const HEAD3 = '5e7a9c1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c';
const prKey = (pr: number) => HeadTracker.key('gitea', REPO, pr);
const pushJob = (pr: number, sha: string, delivery: string): BotJob => ({
  forge: 'gitea',
  installationId: null,
  repo: REPO,
  deliveryId: delivery,
  event: { type: 'pr-updated', action: 'synchronize', pr, headSha: sha, sender: { login: 'renovate', isBot: false } },
});

/** The job of `job` accepted, started `crashes` times and cut off each time; its gate left pending. */
function leftRunning(store: JobStore, job: BotJob & { event: { type: 'pr-updated' } }, crashes: number): number {
  const queued = store.enqueue(
    {
      kind: 'pr',
      forge: 'gitea',
      repo: REPO,
      prKey: prKey(job.event.pr),
      headSha: job.event.headSha,
      idemKey: `k-${job.deliveryId}`,
      payload: job,
      deliveryId: job.deliveryId,
      movesHead: true,
    },
    '2025-06-13T07:00:00Z',
  );
  assert.equal(queued.result, 'queued');
  const id = queued.result === 'queued' ? queued.id : 0;
  for (let n = 1; n <= crashes; n++) {
    store.claim(id, `2025-06-13T07:0${n}:00Z`);
    if (n < crashes) store.recoverRunning(99, `2025-06-13T07:0${n}:30Z`);
  }
  store.noteGate(
    { forge: 'gitea', repo: REPO, pr: job.event.pr, sha: job.event.headSha, installationId: null, state: 'pending' },
    '2025-06-13T07:05:00Z',
  );
  return id;
}

test('restart: a job a crash left running is run again and its pending gate gets the verdict', async () => {
  const store = new JobStore(openDatabase(':memory:'));
  const id = leftRunning(store, pushJob(14, HEAD1, 'delivery-before-crash') as BotJob & { event: { type: 'pr-updated' } }, 1);
  const r = await startBot({
    gitea: { url: GITEA, token: TOKEN, webhookSecret: SECRET, botLogin: 'bumpguard' },
    runCheck: fakeRunCheck(),
    jobs: store,
  });
  mockReads(r, HEAD1);
  api(r)
    .post(`${API}/statuses/${HEAD1}`, (b) => b.state === 'pending')
    .reply(201, {});
  api(r).get(`${API}/issues/14/comments`).query(true).reply(200, [], { 'x-total-count': '0' });
  api(r).post(`${API}/issues/14/comments`).reply(201, commentJson(901, 'x'));
  api(r)
    .post(`${API}/statuses/${HEAD1}`, (b) => b.state === 'success')
    .reply(201, {});
  assert.deepEqual(
    r.bot.queue.recovered.requeued.map((j) => j.id),
    [id],
  );
  await r.bot.queue.onIdle();
  assert.deepEqual(r.calls, [
    ...READS,
    `POST ${API}/statuses/${HEAD1}`,
    `GET ${API}/issues/14/comments?page=1&limit=50`,
    `POST ${API}/issues/14/comments`,
    `POST ${API}/statuses/${HEAD1}`,
  ]);
  assert.equal(store.getJob(id)?.state, 'done');
  assert.deepEqual(store.listGates('pending'), []);
});

test('restart: gates nobody will finish are set to error with the reason: an older commit, and a job that kept crashing', async () => {
  const store = new JobStore(openDatabase(':memory:'));
  // PR 14: a gate left pending on HEAD1, while the PR's head is HEAD2 (its job already done).
  store.noteGate({ forge: 'gitea', repo: REPO, pr: 14, sha: HEAD1, installationId: null, state: 'pending' }, '2025-06-13T07:00:00Z');
  store.enqueue(
    {
      kind: 'pr',
      forge: 'gitea',
      repo: REPO,
      prKey: prKey(14),
      headSha: HEAD2,
      idemKey: 'k-14',
      payload: pushJob(14, HEAD2, 'd-14'),
      deliveryId: 'd-14',
      movesHead: true,
    },
    '2025-06-13T07:01:00Z',
  );
  store.claim(1, '2025-06-13T07:01:00Z');
  store.finish(1, 'done', { status: 'done', reason: 'passed' }, '2025-06-13T07:02:00Z');
  // PR 15: its job was running when the server died, for the third time.
  const poison = pushJob(15, HEAD3, 'd-15') as BotJob & { event: { type: 'pr-updated' } };
  leftRunning(store, poison, 3);

  const r = await startBot({
    gitea: { url: GITEA, token: TOKEN, webhookSecret: SECRET, botLogin: 'bumpguard' },
    runCheck: fakeRunCheck(),
    jobs: store,
  });
  const titles: Record<string, string> = {};
  for (const sha of [HEAD1, HEAD3]) {
    api(r)
      .post(`${API}/statuses/${sha}`, (b) => b.state === 'error' && Boolean((titles[sha] = b.description)))
      .reply(201, {});
  }
  await r.bot.queue.onIdle();
  assert.deepEqual(titles, {
    [HEAD1]: 'Not judged: superseded by c4a6e8f while bumpguard was down',
    [HEAD3]: 'Not judged: bumpguard stopped 3 times while checking this; comment /rebuild to try again',
  });
  assert.deepEqual(
    r.bot.queue.recovered.failed.map((j) => j.prKey),
    [prKey(15)],
  );
  assert.deepEqual(store.listGates('pending'), []);
  assert.deepEqual(store.countByState(), { queued: 0, running: 0, done: 3, ignored: 0, failed: 1, superseded: 0 });
});
