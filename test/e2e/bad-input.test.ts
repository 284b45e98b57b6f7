// Bad input over the real server: each is answered clearly, nothing is enqueued, the
// process stays up. Signatures are covered in gitea-webhooks/github-webhooks.test.ts, streamed
// oversized bodies in src/server/create-server.test.ts (nock, active here, buffers requests).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, createHmac } from 'node:crypto';
import { Readable } from 'node:stream';
import { ProbotOctokit } from 'probot';
import { fakeRunCheck } from '../helpers/fake-run-check.ts';
import { deliver, startBot, type RunningBot } from '../helpers/e2e-bot.ts';
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

const GH_SECRET = 'github-webhook-secret-for-tests';
const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const Octokit = ProbotOctokit.defaults((options: Record<string, any>) => ({
  ...options,
  retry: { enabled: false },
  throttle: { ...options.throttle, enabled: false },
}));

const start = () =>
  startBot({
    gitea: { url: GITEA, token: TOKEN, webhookSecret: SECRET, botLogin: 'bumpguard', retry: { retries: 0 } },
    github: { appId: 123, privateKey, webhookSecret: GH_SECRET, Octokit },
    runCheck: fakeRunCheck(),
  });

const gitea = (r: RunningBot, body: string | Buffer, event = 'pull_request') =>
  deliver(`${r.url}/api/gitea/webhooks`, body, giteaHeaders(event, event, body));
const github = (r: RunningBot, body: string, event = 'pull_request') =>
  deliver(`${r.url}/api/github/webhooks`, body, {
    'x-github-event': event,
    'x-github-delivery': `d-${Math.random()}`,
    'x-hub-signature-256': `sha256=${createHmac('sha256', GH_SECRET).update(body).digest('hex')}`,
  });

async function nothingEnqueued(r: RunningBot) {
  await r.bot.queue.onIdle();
  assert.deepEqual(r.outcomes, []);
  assert.deepEqual(r.bot.queue.store.countByState(), { queued: 0, running: 0, done: 0, ignored: 0, failed: 0, superseded: 0 });
  assert.equal((await fetch(`${r.url}/healthz`)).status, 200, 'the process is still up');
}

test('correctly signed bodies that are not a JSON object, or lack what the event must carry, are 400 on both forges', async () => {
  const r = await start();
  const headless = JSON.parse(rawFixture('pull_request.opened').toString());
  delete headless.pull_request.head;
  const ghHeadless = githubExample('pull_request', 'opened');
  delete (ghHeadless.pull_request as { head?: unknown }).head;
  const bodies = ['{"action": "opened",', 'null', '[]', '"x"', ''];
  const answers = [
    ...(await Promise.all(bodies.map((b) => gitea(r, b)))).map((a) => a.status),
    (await gitea(r, JSON.stringify(headless))).status,
    ...(await Promise.all(bodies.slice(0, 4).map((b) => github(r, b)))).map((a) => a.status),
    (await github(r, JSON.stringify(ghHeadless))).status,
  ];
  assert.deepEqual(answers, [400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400]);
  const why = await gitea(r, 'null');
  assert.match(JSON.parse(why.text).error, /not an object/);
  await nothingEnqueued(r);
});

test('a signed GitHub delivery sent as form data is 415, one without X-GitHub-Event is 400 naming it; nothing is enqueued', async () => {
  const r = await start();
  const body = JSON.stringify(githubExample('pull_request', 'opened'));
  const form = `payload=${encodeURIComponent(body)}`;
  const signed = (b: string) => `sha256=${createHmac('sha256', GH_SECRET).update(b).digest('hex')}`;
  const asForm = await deliver(`${r.url}/api/github/webhooks`, form, {
    'content-type': 'application/x-www-form-urlencoded',
    'x-github-event': 'pull_request',
    'x-github-delivery': 'd-form',
    'x-hub-signature-256': signed(form),
  });
  assert.equal(asForm.status, 415);
  assert.match(JSON.parse(asForm.text).error, /application\/json/);
  const eventless = await deliver(`${r.url}/api/github/webhooks`, body, {
    'x-github-delivery': 'd-eventless',
    'x-hub-signature-256': signed(body),
  });
  assert.equal(eventless.status, 400);
  assert.equal(JSON.parse(eventless.text).error, 'missing header X-GitHub-Event');
  await nothingEnqueued(r);
});

test('unknown events and actions are acknowledged with 204 and ignored', async () => {
  const r = await start();
  const closed = JSON.parse(rawFixture('pull_request.opened').toString());
  closed.action = 'label_updated';
  const answers = [
    (await gitea(r, JSON.stringify(closed))).status,
    (await gitea(r, rawFixture('pull_request.opened'), 'release')).status,
    (await github(r, JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 }), 'ping')).status,
    (await github(r, JSON.stringify(githubExample('pull_request', 'labeled')))).status,
  ];
  assert.deepEqual(answers, [204, 204, 204, 204]);
  await nothingEnqueued(r);
});

const hugeDiff = () =>
  Readable.from(
    (function* () {
      const line = Buffer.from(`+${'x'.repeat(1023)}\n`);
      for (let i = 0; i < 50 * 1024; i++) yield line;
    })(),
  );

function mockConfigAbsent(r: RunningBot) {
  for (const path of ['.bumpguard.yml', '.bumpguard.yaml', '.github/bumpguard.yml'])
    api(r).get(`${API}/raw/${path}`).query({ ref: BASE }).reply(404, { message: 'not found' });
}

test('a PR diff of 50 MB is cut off at 10 MiB; the Dockerfile at both sides decides, so a big PR that bumps nothing passes at once', async () => {
  const r = await start();
  api(r).get(`${API}/pulls/14`).reply(200, prJson(HEAD1));
  mockConfigAbsent(r);
  // Streamed, without a content-length: the adapter must count what it reads (src/forges/http.test.ts
  // shows it stops pulling at the limit; nock itself buffers, so that is not asserted here).
  api(r).get(`${API}/pulls/14.diff`).reply(200, hugeDiff);
  const dockerfile = '# renovate: datasource=github-releases depName=tailscale\nARG TAILSCALE_VERSION=v1.98.8\nFROM scratch\n';
  for (const ref of [BASE, HEAD1]) api(r).get(`${API}/raw/Dockerfile`).query({ ref }).reply(200, dockerfile);
  api(r)
    .post(`${API}/statuses/${HEAD1}`, (b) => b.state === 'success' && b.description === 'not a Tailscale bump — nothing to check')
    .reply(201, {});
  assert.equal((await gitea(r, rawFixture('pull_request.opened'))).status, 202);
  await r.bot.queue.onIdle();
  assert.deepEqual(
    r.outcomes.map((o) => [o.outcome.status, o.outcome.verdict]),
    [['done', 'success']],
  );
});

test('a 50 MB PR diff that does bump Tailscale in the Dockerfile is still found and checked', async () => {
  const r = await start();
  api(r).get(`${API}/pulls/14`).reply(200, prJson(HEAD1));
  mockConfigAbsent(r);
  api(r).get(`${API}/pulls/14.diff`).reply(200, hugeDiff);
  const dockerfile = (v: string) => `# renovate: datasource=github-releases depName=tailscale\nARG TAILSCALE_VERSION=${v}\nFROM scratch\n`;
  api(r).get(`${API}/raw/Dockerfile`).query({ ref: BASE }).reply(200, dockerfile('v1.98.5'));
  api(r).get(`${API}/raw/Dockerfile`).query({ ref: HEAD1 }).reply(200, dockerfile('v1.98.8'));
  api(r).get(`${API}/collaborators/renovate/permission`).reply(200, { permission: 'write' });
  api(r)
    .post(`${API}/statuses/${HEAD1}`, (b) => b.state === 'pending' && b.description === 'Checking tailscale v1.98.5 → v1.98.8…')
    .reply(201, {});
  api(r).get(`${API}/issues/14/comments`).query(true).reply(200, [], { 'x-total-count': '0' });
  api(r).post(`${API}/issues/14/comments`).reply(201, commentJson(901, 'x'));
  api(r)
    .post(`${API}/statuses/${HEAD1}`, (b) => b.state === 'success')
    .reply(201, {});
  assert.equal((await gitea(r, rawFixture('pull_request.opened'))).status, 202);
  await r.bot.queue.onIdle();
  assert.equal(r.outcomes[0]?.outcome.verdict, 'success');
});

test('an invalid .bumpguard.yml on the base names the wrong field in the comment and sets the gate to error', async () => {
  const r = await start();
  api(r).get(`${API}/pulls/14`).reply(200, prJson(HEAD1));
  api(r).get(`${API}/pulls/14.diff`).reply(200, bumpDiff);
  api(r).get(`${API}/raw/.bumpguard.yml`).query({ ref: BASE }).reply(200, 'thresholds:\n  image: { fial: { bytes: 1KiB } }\n');
  api(r).get(`${API}/issues/14/comments`).query(true).reply(200, [], { 'x-total-count': '0' });
  let comment = '';
  api(r)
    .post(`${API}/issues/14/comments`, (b) => Boolean((comment = b.body)))
    .reply(201, commentJson(901, 'x'));
  api(r)
    .post(`${API}/statuses/${HEAD1}`, (b) => b.state === 'error')
    .reply(201, {});
  assert.equal((await gitea(r, rawFixture('pull_request.opened'))).status, 202);
  await r.bot.queue.onIdle();
  assert.match(comment, /\.bumpguard\.yml on main: thresholds\.image/);
  assert.match(comment, /fial/);
  assert.equal(r.outcomes[0]?.outcome.verdict, 'error');
});

test('while shutting down, new deliveries get 503 and nothing is recorded', async () => {
  const r = await start();
  r.bot.server.stopAccepting();
  const res = await gitea(r, rawFixture('pull_request.opened'));
  assert.equal(res.status, 503);
  assert.match(JSON.parse(res.text).error, /shutting down; redeliver/);
  assert.equal((await fetch(`${r.url}/healthz`)).status, 503);
  await r.bot.queue.onIdle();
  assert.deepEqual(r.bot.queue.store.countByState(), { queued: 0, running: 0, done: 0, ignored: 0, failed: 0, superseded: 0 });
});
