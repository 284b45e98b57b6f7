// A full disk: deliveries failed with a bare 500 while /healthz said "ok", so nothing told the
// operator. Now /healthz turns red naming SQLITE_FULL, deliveries get 503 (forges redeliver),
// the log says SQLITE_FULL, and all of it clears once there is room again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { SERVE_SECRET, serveEnv, startServe } from '../helpers/serve-process.ts';

const opened = readFileSync(new URL('../fixtures/gitea/pull_request.opened.json', import.meta.url));

function deliver(url: string, n: number): Promise<Response> {
  const body = Buffer.from(opened.toString().replace('"number": 14', `"number": ${n}`));
  return fetch(`${url}/api/gitea/webhooks`, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'x-gitea-event': 'pull_request',
      'x-gitea-delivery': randomUUID(),
      'x-gitea-signature': createHmac('sha256', SERVE_SECRET).update(body).digest('hex'),
    },
  });
}

/** Fill the filesystem: returns the filler's path. */
async function fill(dir: string): Promise<string> {
  const path = join(dir, 'filler');
  const file = await open(path, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) await file.write(chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    await file.close();
  }
  return path;
}

test(
  'a full disk turns /healthz red with SQLITE_FULL, deliveries get 503, and both recover once there is room',
  { timeout: 60_000 },
  async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'bumpguard-full-'));
    const disk = join(dir, 'disk');
    await mkdir(disk);
    const mounted = await execa('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', disk], { reject: false });
    if (mounted.exitCode !== 0) return t.skip(`a small tmpfs is needed (as root): ${mounted.stderr}`);
    t.after(async () => {
      await execa('umount', ['-l', disk], { reject: false });
      await rm(dir, { recursive: true, force: true });
    });
    const serve = await startServe(serveEnv({ BUMPGUARD_DB: join(disk, 'bumpguard.db'), BUMPGUARD_CACHE: join(dir, 'cache') }), {
      noopJobs: true,
    });
    assert.equal((await deliver(serve.url, 1)).status, 202);
    const filler = await fill(disk);

    let refused: Response | null = null;
    for (let n = 2; n < 200 && refused === null; n++) {
      const res = await deliver(serve.url, n);
      if (res.status !== 202) refused = res;
    }
    assert.equal(refused?.status, 503);
    assert.match(((await refused.json()) as { error: string }).error, /disk is full \(SQLITE_FULL\)/);
    const health = await fetch(`${serve.url}/healthz`);
    assert.equal(health.status, 503);
    assert.deepEqual(((await health.json()) as { problems: string[] }).problems, [
      'the disk is full: the database cannot take writes (SQLITE_FULL)',
    ]);
    assert.ok(
      serve.logs.some((l) => l.sqlite === 'SQLITE_FULL' && l.level === 50),
      'the log names SQLITE_FULL at error level',
    );

    await rm(filler);
    assert.equal((await deliver(serve.url, 500)).status, 202);
    assert.equal((await fetch(`${serve.url}/healthz`)).status, 200);
    assert.equal(await serve.stop(), 0);
  },
);
