import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { noopJob } from '../../../scripts/serve-noop.ts';
import { serve, serveWith } from './serve.ts';

function io(env: NodeJS.ProcessEnv, signal: AbortSignal) {
  const out = new PassThrough();
  const err = new PassThrough();
  const text = { out: '', err: '' };
  out.on('data', (c) => (text.out += c));
  err.on('data', (c) => (text.err += c));
  /** The port from the "listening" log line, as soon as it is written. */
  const listening = new Promise<number>((resolve) => {
    out.on('data', () => {
      const line = text.out
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
        .find((l) => l.msg === 'bumpguard serve listening');
      if (line) resolve(line.port);
    });
  });
  return { text, listening, io: { argv: [], stdout: out, stderr: err, env, cwd: process.cwd(), isTTY: false, signal } };
}

test('serve starts from the environment, answers /healthz, and exits 0 on shutdown', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'bumpguard-serve-'));
  const controller = new AbortController();
  const {
    io: cli,
    text,
    listening,
  } = io(
    {
      PORT: '0',
      HOST: '127.0.0.1',
      BUMPGUARD_DB: join(dir, 'bumpguard.db'),
      BUMPGUARD_CACHE: join(dir, 'cache'),
      GITEA_URL: 'https://git.example.org',
      GITEA_TOKEN: 'super-secret-gitea-token',
      GITEA_WEBHOOK_SECRET: 'gitea-webhook-secret-for-tests',
      GITEA_BOT_LOGIN: 'bumpguard',
    },
    controller.signal,
  );
  try {
    const running = serve(cli);
    const port = await Promise.race([listening, running.then((code) => assert.fail(`serve exited ${code} before listening: ${text.out}`))]);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.deepEqual(await health.json(), { status: 'ok', forges: ['gitea'] });
    controller.abort();
    assert.equal(await running, 0);
    assert.doesNotMatch(text.out, /super-secret-gitea-token|gitea-webhook-secret-for-tests/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('serve with a half-configured forge exits 2 naming the missing variables, never the secrets', async () => {
  const { io: cli, text } = io(
    { GITEA_URL: 'https://git.example.org', GITEA_TOKEN: 'super-secret-gitea-token' },
    new AbortController().signal,
  );
  assert.equal(await serve(cli), 2);
  assert.match(text.err, /GITEA_WEBHOOK_SECRET: is required for Gitea/);
  assert.match(text.err, /GITEA_BOT_LOGIN: is required for Gitea/);
  assert.doesNotMatch(text.err, /super-secret-gitea-token/);
});

test('SIGTERM with a job running: it is checkpointed back to the queue, and the next start on the same database runs it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'bumpguard-serve-'));
  const env = () => ({
    PORT: '0',
    HOST: '127.0.0.1',
    BUMPGUARD_DB: join(dir, 'bumpguard.db'),
    BUMPGUARD_CACHE: join(dir, 'cache'),
    GITEA_URL: 'http://127.0.0.1:9',
    GITEA_TOKEN: 'never-used',
    GITEA_WEBHOOK_SECRET: 'gitea-webhook-secret-for-tests',
    GITEA_BOT_LOGIN: 'bumpguard',
    // A grace of 0 cancels the running job at once.
    BUMPGUARD_SHUTDOWN_GRACE_MS: '0',
  });
  const body = readFileSync(new URL('../../../test/fixtures/gitea/pull_request.opened.json', import.meta.url));
  const jobState = () => {
    const db = new DatabaseSync(join(dir, 'bumpguard.db'), { readOnly: true });
    try {
      return db
        .prepare('SELECT j.state, group_concat(r.result) AS runs FROM jobs j LEFT JOIN job_runs r ON r.job_id = j.id GROUP BY j.id')
        .get() as { state: string; runs: string | null } | undefined;
    } finally {
      db.close();
    }
  };
  try {
    const first = new AbortController();
    const a = io(env(), first.signal);
    // A job that waits a minute stands in for a long build.
    const running = serveWith({ runJob: noopJob(60_000) }, a.io);
    const port = await Promise.race([a.listening, running.then((code) => assert.fail(`serve exited ${code}: ${a.text.err}`))]);
    const res = await fetch(`http://127.0.0.1:${port}/api/gitea/webhooks`, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'x-gitea-event': 'pull_request',
        'x-gitea-delivery': 'd-sigterm',
        'x-gitea-signature': createHmac('sha256', 'gitea-webhook-secret-for-tests').update(body).digest('hex'),
      },
    });
    assert.equal(res.status, 202);
    for (let i = 0; i < 500 && jobState()?.state !== 'running'; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    first.abort();
    assert.equal(await running, 0);
    assert.deepEqual({ ...jobState() }, { state: 'queued', runs: 'checkpointed' });
    assert.match(a.text.out, /"checkpointed":1/);

    const second = new AbortController();
    const b = io(env(), second.signal);
    const again = serveWith({ runJob: noopJob(0) }, b.io);
    await Promise.race([b.listening, again.then((code) => assert.fail(`serve exited ${code}: ${b.text.err}`))]);
    for (let i = 0; i < 500 && jobState()?.state !== 'done'; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    second.abort();
    assert.equal(await again, 0);
    assert.equal(jobState()?.state, 'done');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
