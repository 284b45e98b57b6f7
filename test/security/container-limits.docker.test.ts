// Hostile input at run time: RAM runs, canaries and sidecars ran the PR's image with no memory
// or process cap, every capability, privilege gain allowed, and as root; a killed job left its
// containers running. Now each is caged by the operator's limits (the sweep of what a killed run
// left is tested in test/docker/leftovers.docker.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { createBusyboxRepo } from '../helpers/busybox-repo.ts';
import { requireDocker } from '../helpers/require-docker.ts';

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
