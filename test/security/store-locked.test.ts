// Another process holding the database's write lock (a backup script, a stuck CLI run) made
// serve wait in SQLite's synchronous busy handler: the whole event loop stood still, /healthz
// included, and the delivery got a 500 after 5 s. Now the delivery is answered 503 at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { SERVE_SECRET, serveEnv, startServe } from '../helpers/serve-process.ts';

const opened = readFileSync(new URL('../fixtures/gitea/pull_request.opened.json', import.meta.url));

async function deliver(url: string): Promise<{ status: number; ms: number; error: string }> {
  const started = performance.now();
  const res = await fetch(`${url}/api/gitea/webhooks`, {
    method: 'POST',
    body: opened,
    headers: {
      'content-type': 'application/json',
      'x-gitea-event': 'pull_request',
      'x-gitea-delivery': randomUUID(),
      'x-gitea-signature': createHmac('sha256', SERVE_SECRET).update(opened).digest('hex'),
    },
    signal: AbortSignal.timeout(15_000),
  });
  const body = (await res.json().catch(() => ({}))) as { error?: string };
  return { status: res.status, ms: performance.now() - started, error: body.error ?? '' };
}

test(
  'while another process holds the write lock, a delivery is answered 503 at once and /healthz stays up',
  { timeout: 60_000 },
  async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'bumpguard-locked-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const db = join(dir, 'bumpguard.db');
    const serve = await startServe(serveEnv({ BUMPGUARD_DB: db, BUMPGUARD_CACHE: join(dir, 'cache') }), { noopJobs: true });
    const other = new DatabaseSync(db);
    other.exec('BEGIN EXCLUSIVE');
    try {
      const [answer, health] = await Promise.all([
        deliver(serve.url),
        fetch(`${serve.url}/healthz`, { signal: AbortSignal.timeout(1000) }).then((r) => r.status),
      ]);
      assert.equal(answer.status, 503);
      assert.match(answer.error, /locked by another process .*Redeliver it later/);
      assert.ok(answer.ms < 1000, `answered after ${Math.round(answer.ms)} ms`);
      assert.equal(health, 200);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    assert.equal((await deliver(serve.url)).status, 202, 'once the lock is gone, deliveries are recorded again');
    assert.equal(await serve.stop(), 0);
  },
);
