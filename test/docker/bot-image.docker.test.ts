// The bot's own image (build/Dockerfile) builds with no registry and serves /healthz from the
// container. Built by scripts/build-bot-image.sh --local: bases assembled from this
// machine's Node 24 binary and docker client, production dependencies from the host's npm cache.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chmod, copyFile, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { buildImage } from '../../src/build/index.ts';
import { type EngineInfo } from '../../src/engine/index.ts';
import type { RamMeasurement } from '../../src/core/index.ts';
import { requireDocker } from '../helpers/require-docker.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const GITEA_ENV = {
  GITEA_URL: 'http://gitea.invalid',
  GITEA_TOKEN: 'test-token',
  GITEA_WEBHOOK_SECRET: 'a-secret-of-twenty-chars',
  GITEA_BOT_LOGIN: 'bumpguard',
};

// Runs inside the container (it has --network none): retries until the server answers or 30 s pass.
const FETCH_HEALTHZ = `
const deadline = Date.now() + 30000;
for (;;) {
  try {
    const res = await fetch('http://127.0.0.1:3000/healthz');
    console.log(JSON.stringify({ status: res.status, body: await res.json() }));
    break;
  } catch (err) {
    if (Date.now() > deadline) throw err;
    await new Promise((r) => setTimeout(r, 200));
  }
}`;

describe('the bot image (build/Dockerfile)', () => {
  let engine: EngineInfo;
  const tag = `bumpguard-test/bot:${randomUUID().slice(0, 8)}`;
  const containers: string[] = [];
  const docker = (args: string[], opts: { reject?: boolean } = {}) =>
    execa(engine.docker.file, args, { reject: opts.reject ?? true, stdin: 'ignore' });

  before(async () => {
    engine = await requireDocker();
    await execa('bash', ['scripts/build-bot-image.sh', '--local', '--tag', tag], { cwd: ROOT, stdin: 'ignore', timeout: 600_000 });
  });
  after(async () => {
    if (!engine) return;
    for (const c of containers) await docker(['rm', '-f', c], { reject: false });
    await docker(['rmi', tag], { reject: false });
  });

  it('runs `bumpguard serve` as uid 1000 with a /healthz health check', async () => {
    const { stdout } = await docker(['image', 'inspect', '-f', '{{json .Config}}', tag]);
    const config = JSON.parse(stdout) as { User: string; Entrypoint: string[]; Cmd: string[]; Healthcheck: { Test: string[] } };
    assert.equal(config.User, '1000:1000');
    assert.deepStrictEqual([...config.Entrypoint, ...config.Cmd], ['node', '--expose-gc', '/app/src/cli/main.ts', 'serve']);
    assert.match(config.Healthcheck.Test.join(' '), /\/healthz/);
  });

  it('answers /healthz inside a container with no network, and Docker reports it healthy', async () => {
    const name = `bumpguard-test-${randomUUID().slice(0, 8)}`;
    containers.push(name);
    const env = Object.entries(GITEA_ENV).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    await docker(['run', '-d', '--name', name, '--network', 'none', '--health-interval', '1s', ...env, tag]);
    const probe = await docker(['exec', name, 'node', '--input-type=module', '-e', FETCH_HEALTHZ]);
    assert.deepStrictEqual(JSON.parse(probe.stdout), { status: 200, body: { status: 'ok', forges: ['gitea'] } });
    assert.equal(await waitForHealth(name), 'healthy');
    // The store opened at startup: /data (the volume) is writable by the non-root user.
    const files = await docker(['exec', name, 'node', '-e', "console.log(require('node:fs').readdirSync('/data').join(' '))"]);
    assert.match(files.stdout, /\bbumpguard\.db\b/);
  });

  it('refuses to start with no forge configured and names the variables to set', async () => {
    const res = await docker(['run', '--rm', '--network', 'none', tag], { reject: false });
    assert.equal(res.exitCode, 2);
    assert.match(res.stderr, /configure at least one forge: APP_ID, PRIVATE_KEY, WEBHOOK_SECRET for GitHub, or GITEA_URL/);
  });

  it('ships the docker client and production dependencies only', async () => {
    const client = await docker(['run', '--rm', '--network', 'none', '--entrypoint', 'docker', tag, '--version']);
    assert.match(client.stdout, /^Docker version \d+\.\d+/);
    const listing = await docker([
      'run',
      '--rm',
      '--network',
      'none',
      '--entrypoint',
      'node',
      tag,
      '-e',
      `
      const fs = require('node:fs');
      const tests = fs.readdirSync('/app/src', { recursive: true }).filter((f) => f.endsWith('.test.ts') || f.includes('__fixtures__'));
      console.log(JSON.stringify({
        app: fs.readdirSync('/app').sort(),
        tests,
        dev: ['typescript', 'nock', 'node', '@types/node'].filter((m) => fs.existsSync('/app/node_modules/' + m)),
        runtime: ['probot', 'zod', 'pino', 'execa'].filter((m) => fs.existsSync('/app/node_modules/' + m)),
      }));`,
    ]);
    assert.deepStrictEqual(JSON.parse(listing.stdout), {
      app: ['bin', 'node_modules', 'package.json', 'src'],
      tests: [],
      dev: [],
      runtime: ['probot', 'zod', 'pino', 'execa'],
    });
  });

  it('measures the RAM of a shell-less image from inside its container, through the Docker API', async () => {
    // As build/compose.yaml runs it: the engine's socket mounted, its group added, no view of the
    // engine's processes. The archive is mounted where the bot would have written it.
    const ctx = await mkdtemp(join(tmpdir(), 'bumpguard-bot-ram-'));
    try {
      await mkdir(join(ctx, 'bin'));
      await copyFile('/var/cache/bumpguard/busybox/amd64/busybox', join(ctx, 'bin/busybox'));
      await writeFile(
        join(ctx, 'Dockerfile'),
        'FROM scratch\nCOPY bin/busybox /bin/busybox\nENTRYPOINT ["/bin/busybox", "httpd", "-f", "-p", "127.0.0.1:8080"]\n',
      );
      const built = await buildImage({
        contextDir: ctx,
        dockerfile: 'Dockerfile',
        platform: 'linux/amd64',
        engine,
        outTar: join(ctx, 'img.tar'),
      });
      await chmod(ctx, 0o755);
      await chmod(built.tarPath, 0o644);
      const socketGroup = String((await stat('/var/run/docker.sock')).gid);
      const measure = `
        import { measureRuntime } from '/app/src/measure/index.ts';
        import { localDockerClient } from '/app/src/engine/index.ts';
        const ram = { enabled: true, runs: 2, windowMs: 500, intervalMs: 250, ready: { timeoutMs: 10000 } };
        const { ram: res } = await measureRuntime({ docker: localDockerClient('docker'), image: ${JSON.stringify({ imageId: built.imageId, tarPath: built.tarPath })},
          platform: 'linux/amd64', hostPlatform: ${JSON.stringify(engine.hostPlatform)}, ram, canaries: [] });
        console.log(JSON.stringify(res));`;
      const res = await docker([
        'run',
        '--rm',
        '--network',
        'none',
        '--group-add',
        socketGroup,
        '-v',
        '/var/run/docker.sock:/var/run/docker.sock',
        '-v',
        `${ctx}:${ctx}:ro`,
        '--entrypoint',
        'node',
        tag,
        '--input-type=module',
        '-e',
        measure,
      ]);
      const ram = JSON.parse(res.stdout) as RamMeasurement;
      assert.equal(ram.error, undefined);
      assert.equal(ram.rssSource, 'docker-top');
      assert.equal(ram.process, 'busybox');
      assert.equal(ram.rss?.runs.length, 2);
      assert.ok(ram.rss.median > 256 * 1024, `RSS ${ram.rss.median}`);
      if (engine.cgroupVersion === '1') assert.equal(ram.peakSource, 'cgroup-v1');
    } finally {
      await rm(ctx, { recursive: true, force: true });
    }
  });

  async function waitForHealth(name: string): Promise<string> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const { stdout } = await docker(['inspect', '-f', '{{.State.Health.Status}}', name]);
      if (stdout.trim() !== 'starting' || Date.now() > deadline) return stdout.trim();
      await new Promise((r) => setTimeout(r, 250));
    }
  }
});
