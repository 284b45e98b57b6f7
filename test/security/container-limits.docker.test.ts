// Hostile input at run time: RAM runs, canaries and sidecars ran the PR's image with no memory
// or process cap, every capability, privilege gain allowed, and as root; a killed job left its
// containers running. Now each is caged by the operator's limits, and serve removes what an
// earlier process of it left behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { openDatabase, ResultStore } from '../../src/store/index.ts';
import { createBusyboxRepo } from '../helpers/busybox-repo.ts';
import { requireDocker } from '../helpers/require-docker.ts';
import { serveEnv, startServe } from '../helpers/serve-process.ts';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/** One canary per limit, each printing what the container sees. */
const canary = (name: string, run: string, stdout: string) =>
  `  - { name: ${name}, run: '${run}', expect: { exitCode: 0, stdout: '${stdout}' } }`;

test(
  'RAM runs and canaries run without capabilities or privilege gain, under 512 MiB and 256 processes, as an unprivileged user',
  { timeout: 300_000 },
  async (t) => {
    await requireDocker();
    const work = await mkdtemp(join(tmpdir(), 'bumpguard-limits-'));
    const repo = await createBusyboxRepo({
      Dockerfile:
        'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\nENTRYPOINT ["/bin/busybox", "sleep", "600"]\n',
      '.bumpguard.yml': [
        'platforms: [linux/amd64]',
        'ram: { runs: 1, windowMs: 200, intervalMs: 100, ready: { timeoutMs: 20000 } }',
        'canaries:',
        canary('no-capabilities', 'grep CapEff /proc/self/status', 'CapEff:\\s+0{16}'),
        canary('no-new-privileges', 'grep NoNewPrivs /proc/self/status', 'NoNewPrivs:\\s+1'),
        canary('pids', 'cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max', '^256\\s*$'),
        canary('memory', 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max', '^536870912\\s*$'),
        canary('unprivileged', 'id -u', '^65534\\s*$'),
        '',
      ].join('\n'),
    });
    t.after(async () => {
      await repo.dispose();
      await rm(work, { recursive: true, force: true });
    });
    const res = await execa(process.execPath, [MAIN, 'measure', '--repo', repo.dir, '--db', join(work, 'store.db'), '--json'], {
      reject: false,
      env: { ...process.env, BUMPGUARD_CACHE: join(work, 'cache') },
    });
    const out = JSON.parse(res.stdout || '{}') as {
      platforms?: Record<string, { canaries: { name: string; ok: boolean; detail: string }[] }>;
    };
    const canaries = out.platforms?.['linux/amd64']?.canaries ?? [];
    assert.deepEqual(
      canaries.map((c) => [c.name, c.ok, c.ok ? '' : c.detail]),
      [
        ['no-capabilities', true, ''],
        ['no-new-privileges', true, ''],
        ['pids', true, ''],
        ['memory', true, ''],
        ['unprivileged', true, ''],
      ],
    );
    assert.equal(res.exitCode, 0, res.stderr);
  },
);

test("serve removes the containers an earlier process of it left running, and nobody else's", { timeout: 120_000 }, async (t) => {
  const engine = await requireDocker();
  const docker = engine.docker.file;
  const dir = await mkdtemp(join(tmpdir(), 'bumpguard-leftover-'));
  const db = join(dir, 'bumpguard.db');
  // The database's id, as the first serve on it records it.
  const store = new ResultStore(openDatabase(db));
  store.setForgeId('(bumpguard)', 'serve-database-id', 'db-under-test');
  const tag = `bumpguard-test-leftover:${randomUUID()}`;
  const ctx = await mkdtemp(join(tmpdir(), 'bumpguard-leftover-ctx-'));
  await execa('cp', ['/var/cache/bumpguard/busybox/amd64/busybox', join(ctx, 'busybox')]);
  await execa(docker, ['build', '-q', '-t', tag, '-f', '-', ctx], {
    input: 'FROM scratch\nCOPY busybox /bin/busybox\nENTRYPOINT ["/bin/busybox", "sleep", "600"]\n',
    env: { DOCKER_BUILDKIT: '1' },
  });
  const run = async (owner: string) =>
    (await execa(docker, ['run', '-d', '--network', 'none', '--label', `bumpguard.owner=${owner}`, tag])).stdout.trim();
  const leftover = await run('db-under-test/a-killed-process');
  const others = await run(`another-database/${randomUUID()}`);
  t.after(async () => {
    await execa(docker, ['rm', '-f', leftover, others], { reject: false });
    await execa(docker, ['rmi', tag], { reject: false });
    await rm(dir, { recursive: true, force: true });
    await rm(ctx, { recursive: true, force: true });
  });
  const serve = await startServe(serveEnv({ BUMPGUARD_DB: db, BUMPGUARD_CACHE: join(dir, 'cache') }));
  const exists = async (id: string) => (await execa(docker, ['inspect', id], { reject: false })).exitCode === 0;
  const deadline = Date.now() + 30_000;
  while ((await exists(leftover)) && Date.now() < deadline) await sleep(250);
  assert.equal(await exists(leftover), false, 'the leftover of this database is gone');
  assert.equal(await exists(others), true, "another database's container stays");
  assert.ok(serve.logs.some((l) => l.msg === 'containers left behind by an earlier run of this server removed' && l.removed === 1));
  assert.equal(await serve.stop(), 0);
});
