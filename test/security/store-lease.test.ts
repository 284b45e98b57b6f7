// Two `bumpguard serve` processes on one database: the second re-queued the first one's running
// job as if it had crashed, so builds and status writes happened twice. The second now refuses
// to start and says why; a serve that stopped, or died on this host, frees the database at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServeExited, serveEnv, startServe } from '../helpers/serve-process.ts';

test('a second serve on the same database refuses to start with a clear message; the first keeps serving', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bumpguard-lease-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const env = serveEnv({ BUMPGUARD_DB: join(dir, 'bumpguard.db'), BUMPGUARD_CACHE: join(dir, 'cache') });
  const first = await startServe(env);
  const second = await startServe(env).then(
    () => null,
    (err: unknown) => err,
  );
  assert.ok(second instanceof ServeExited, `the second serve must not listen, got ${String(second)}`);
  assert.equal(second.code, 2);
  assert.match(
    second.stderr,
    new RegExp(
      `Another bumpguard serve \\(pid ${first.proc.pid} on .+\\) is using this database.*Stop it first, or give this one its own BUMPGUARD_DB`,
    ),
  );
  assert.equal((await fetch(`${first.url}/healthz`)).status, 200);

  // Stopped cleanly: the next one starts at once.
  assert.equal(await first.stop(), 0);
  const third = await startServe(env);
  // Killed with SIGKILL on this host (its pid is gone): the next one starts at once too.
  third.proc.kill('SIGKILL');
  await new Promise((resolve) => third.proc.once('exit', resolve));
  const fourth = await startServe(env);
  assert.equal((await fetch(`${fourth.url}/healthz`)).status, 200);
  assert.equal(await fourth.stop(), 0);
});
