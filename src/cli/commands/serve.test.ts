import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { serve } from './serve.ts';

function io(env: NodeJS.ProcessEnv, signal: AbortSignal) {
  const out = new PassThrough();
  const err = new PassThrough();
  const text = { out: '', err: '' };
  out.on('data', (c) => (text.out += c));
  err.on('data', (c) => (text.err += c));
  /** The port from the "listening" log line, as soon as it is written. */
  const listening = new Promise<number>((resolve) => {
    out.on('data', () => {
      const line = text.out.split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((l) => l.msg === 'bumpguard serve listening');
      if (line) resolve(line.port);
    });
  });
  return { text, listening, io: { argv: [], stdout: out, stderr: err, env, cwd: process.cwd(), isTTY: false, signal } };
}

test('serve starts from the environment, answers /healthz, and exits 0 on shutdown', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'bumpguard-serve-'));
  const controller = new AbortController();
  const { io: cli, text, listening } = io(
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
  const { io: cli, text } = io({ GITEA_URL: 'https://git.example.org', GITEA_TOKEN: 'super-secret-gitea-token' }, new AbortController().signal);
  assert.equal(await serve(cli), 2);
  assert.match(text.err, /GITEA_WEBHOOK_SECRET: is required for Gitea/);
  assert.match(text.err, /GITEA_BOT_LOGIN: is required for Gitea/);
  assert.doesNotMatch(text.err, /super-secret-gitea-token/);
});
