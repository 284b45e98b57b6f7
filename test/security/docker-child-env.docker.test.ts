// Hostile input meets secrets: every docker child process inherited the bot's environment, forge
// tokens and webhook secrets included. Children now get only what the docker client reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { createBusyboxRepo } from '../helpers/busybox-repo.ts';
import { requireDocker } from '../helpers/require-docker.ts';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

const SECRETS = {
  GITEA_TOKEN: 'gitea-token-7f3a9c',
  GITEA_WEBHOOK_SECRET: 'gitea-hook-secret-51be02',
  WEBHOOK_SECRET: 'github-hook-secret-c0ffee',
  PRIVATE_KEY: '-----BEGIN RSA PRIVATE KEY-----d00d',
  GITHUB_TOKEN: 'ghp_upstream_token_9a8b',
};

test(
  'bumpguard measure runs docker build, save, run and exec without the forge secrets in their environment',
  { timeout: 300_000 },
  async (t) => {
    const engine = await requireDocker();
    const work = await mkdtemp(join(tmpdir(), 'bumpguard-childenv-'));
    const repo = await createBusyboxRepo({
      Dockerfile:
        'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\nENTRYPOINT ["/bin/busybox", "sleep", "600"]\n',
      '.bumpguard.yml':
        'platforms: [linux/amd64]\nram: { runs: 1, windowMs: 200, intervalMs: 100, ready: { timeoutMs: 20000 } }\ncanaries:\n  - { name: up, run: "true" }\n',
    });
    t.after(async () => {
      await repo.dispose();
      await rm(work, { recursive: true, force: true });
    });
    // A docker "binary" that writes down its environment, then runs the real client.
    const wrapper = join(work, 'docker');
    await writeFile(wrapper, `#!/bin/sh\nenv > "${work}/env.$$"\nexec ${engine.docker.file} "$@"\n`);
    await chmod(wrapper, 0o755);
    const res = await execa(process.execPath, [MAIN, 'measure', '--repo', repo.dir, '--db', join(work, 'store.db'), '--json'], {
      env: { ...process.env, ...SECRETS, BUMPGUARD_DOCKER: wrapper, BUMPGUARD_CACHE: join(work, 'cache') },
      reject: false,
    });
    assert.equal(res.exitCode, 0, res.stderr);
    const dumps = (await readdir(work)).filter((f) => f.startsWith('env.'));
    assert.ok(dumps.length >= 6, `docker was run ${dumps.length} times (info, build, save, load/run, exec, rm …)`);
    for (const dump of dumps) {
      const env = await readFile(join(work, dump), 'utf8');
      for (const [name, value] of Object.entries(SECRETS)) {
        assert.ok(!env.includes(value), `${name} reached a docker child process`);
      }
      assert.match(env, /^PATH=/m, 'the client still gets PATH');
    }
  },
);
