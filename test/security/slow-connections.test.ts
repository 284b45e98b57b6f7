// Hostile input before authentication: every body, up to 5 MiB, was buffered before its signature
// could be checked, with no cap on connections and Node's default timeouts (5 minutes for a
// request). 200 slow connections held 1.2 GB, and the memory was not given back. Now at most 32 MiB
// of bodies, each counted at its Content-Length, are read at once (503 past that), and a delivery
// gets 10 s. A burst of real deliveries still fits: neither forge redelivers a 503 by itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SERVE_SECRET, serveEnv, startServe } from '../helpers/serve-process.ts';

const MiB = 1024 * 1024;
const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? Number.NaN) * 1024;

async function healthMs(url: string): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) });
  assert.equal(res.status, 200);
  return performance.now() - started;
}

test(
  '500 connections that send most of a 900 KiB body and stall: RSS stays bounded, /healthz answers, all are cut off',
  { timeout: 120_000 },
  async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'bumpguard-slow-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const serve = await startServe(serveEnv({ BUMPGUARD_DB: join(dir, 'db.sqlite'), BUMPGUARD_CACHE: join(dir, 'cache') }));
    const { port } = new URL(serve.url);
    await healthMs(serve.url);
    const before = rssOf(serve.proc.pid!);

    const body = Buffer.alloc(800 * 1024, 0x7b);
    const sockets: Socket[] = [];
    let closed = 0;
    const statuses: string[] = [];
    for (let i = 0; i < 500; i++) {
      const socket = connect(Number(port), '127.0.0.1');
      socket.on('error', () => undefined); // the server hangs up on most of them
      socket.on('close', () => closed++);
      socket.once('data', (d) => statuses.push(String(d).split('\r\n')[0]!.replace('HTTP/1.1 ', '')));
      socket.write(
        `POST /api/gitea/webhooks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${900 * 1024}\r\n\r\n`,
      );
      socket.write(body);
      sockets.push(socket);
    }
    t.after(() => sockets.forEach((s) => s.destroy()));

    // While they hang there, the server answers and its memory stays put.
    const latencies: number[] = [];
    for (let i = 0; i < 6; i++) {
      await sleep(500);
      latencies.push(await healthMs(serve.url));
    }
    const grown = rssOf(serve.proc.pid!) - before;
    assert.ok(grown < 120 * MiB, `RSS grew by ${(grown / MiB).toFixed(0)} MiB holding 500 slow bodies`);
    assert.ok(Math.max(...latencies) < 1000, `/healthz took up to ${Math.round(Math.max(...latencies))} ms`);

    // No connection outlives the request timeout (10 s, checked every second).
    const deadline = Date.now() + 30_000;
    while (closed < 500 && Date.now() < deadline) await sleep(250);
    assert.equal(
      closed,
      500,
      `every stalled connection was closed by the server (${closed} were; answers: ${JSON.stringify(Object.entries(Object.groupBy(statuses, (x) => x)).map(([k, v]) => `${k} ×${v?.length}`))})`,
    );
    assert.equal(await serve.stop(), 0);
  },
);

test(
  'a burst of 300 real deliveries at once (a Renovate run opening many PRs) is recorded whole: none is refused',
  { timeout: 60_000 },
  async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'bumpguard-burst-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const serve = await startServe(serveEnv({ BUMPGUARD_DB: join(dir, 'db.sqlite'), BUMPGUARD_CACHE: join(dir, 'cache') }), {
      noopJobs: true,
    });
    t.after(() => serve.stop());
    const opened = readFileSync(new URL('../fixtures/gitea/pull_request.opened.json', import.meta.url), 'utf8');
    const answers = await Promise.all(
      Array.from({ length: 300 }, async (_, i) => {
        const body = Buffer.from(opened.replace('"number": 14', `"number": ${1000 + i}`));
        const res = await fetch(`${serve.url}/api/gitea/webhooks`, {
          method: 'POST',
          body,
          headers: {
            'content-type': 'application/json',
            'x-gitea-event': 'pull_request',
            'x-gitea-delivery': randomUUID(),
            'x-gitea-signature': createHmac('sha256', SERVE_SECRET).update(body).digest('hex'),
          },
        });
        await res.arrayBuffer();
        return res.status;
      }),
    );
    assert.deepEqual(
      answers.filter((status) => status !== 202),
      [],
      'every delivery answered 202',
    );
  },
);
