// Hostile conditions around the database file: the store (job payloads, overrides, forge ids)
// was created world-readable, and a BUMPGUARD_DB under a parent that cannot be created made
// serve spin at 100% CPU instead of saying so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServeExited, serveEnv, startServe } from '../helpers/serve-process.ts';

test('serve creates its database and the directories above it readable by the owner only', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bumpguard-store-mode-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const db = join(dir, 'state', 'bumpguard.db');
  const serve = await startServe(serveEnv({ BUMPGUARD_DB: db, BUMPGUARD_CACHE: join(dir, 'cache') }));
  const modes = await Promise.all([db, `${db}-wal`, join(dir, 'state')].map(async (p) => (await stat(p)).mode & 0o777));
  assert.deepEqual(
    modes.map((m) => m.toString(8)),
    ['600', '600', '700'],
  );
  assert.equal(await serve.stop(), 0);
});

test('a BUMPGUARD_DB whose parent cannot be created stops serve at once with the reason', async () => {
  const started = performance.now();
  const err = await startServe(serveEnv({ BUMPGUARD_DB: '/proc/bumpguard-cannot-exist/bumpguard.db' }), { timeoutMs: 10_000 }).then(
    () => null,
    (e: unknown) => e,
  );
  assert.ok(err instanceof ServeExited, `serve should exit, got ${String(err)}`);
  assert.equal(err.code, 2);
  assert.match(
    err.stderr,
    /Cannot create the database \/proc\/bumpguard-cannot-exist\/bumpguard\.db: .*Set BUMPGUARD_DB to a file in a writable directory/,
  );
  assert.ok(performance.now() - started < 10_000);
});
