// Hostile input in the built image: per-entry facts were kept for every file, and an image of a
// million empty files took the analysis to 894 MB. Past a router image's worth of entries the
// analysis stops and says so.
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

test('an image with more than 50,000 files is refused with the reason instead of analysed', { timeout: 300_000 }, async (t) => {
  await requireDocker();
  const work = await mkdtemp(join(tmpdir(), 'bumpguard-entries-'));
  const repo = await createBusyboxRepo({
    Dockerfile:
      'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "sh", "-c", "/bin/busybox mkdir /f && cd /f && /bin/busybox seq 1 50001 | /bin/busybox xargs /bin/busybox touch"]\n',
    '.bumpguard.yml': 'platforms: [linux/amd64]\nram: { enabled: false }\n',
  });
  t.after(async () => {
    await repo.dispose();
    await rm(work, { recursive: true, force: true });
  });
  const res = await execa(process.execPath, [MAIN, 'measure', '--repo', repo.dir, '--db', join(work, 'store.db'), '--json'], {
    reject: false,
    env: { ...process.env, BUMPGUARD_CACHE: join(work, 'cache') },
  });
  assert.equal(res.exitCode, 1, res.stderr);
  const out = JSON.parse(res.stdout) as { platforms: Record<string, { error: { message: string } | null }> };
  assert.match(out.platforms['linux/amd64']?.error?.message ?? '', /more than 50,000 files and directories/);
});
