// RAM runs and canaries of the real example image (needs the engine from scripts/setup-host.sh).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { execa } from 'execa';
import { buildImage, type BuildOutput } from '../../src/build/index.ts';
import { type EngineInfo } from '../../src/engine/index.ts';
import { parseConfig, type Config } from '../../src/config/index.ts';
import {
  acquireImage,
  DEFAULT_CONTAINER_LIMITS,
  measureRuntime,
  releaseImage,
  removeContainer,
  sampleContainer,
  startContainer,
  waitReady,
} from '../../src/measure/index.ts';
import { createExampleRepo, type ExampleRepo } from '../helpers/example-repo.ts';
import { requireDocker } from '../helpers/require-docker.ts';

const MiB = 1024 * 1024;

describe('measureRuntime on the example image', () => {
  let engine: EngineInfo;
  let repo: ExampleRepo;
  let config: Config;
  let out: string;
  const built = new Map<string, BuildOutput>();
  before(async () => {
    engine = await requireDocker();
    repo = await createExampleRepo();
    config = parseConfig(await readFile(join(repo.dir, '.bumpguard.yml'), 'utf8'));
    out = await mkdtemp(join(tmpdir(), 'bumpguard-runtime-test-'));
    for (const platform of ['linux/amd64', 'linux/arm64']) {
      built.set(
        platform,
        await buildImage({
          contextDir: repo.dir,
          dockerfile: 'Dockerfile',
          platform,
          engine,
          outTar: join(out, `${platform.replaceAll('/', '-')}.tar`),
        }),
      );
    }
  });
  after(async () => {
    await repo?.dispose();
    if (out) await rm(out, { recursive: true, force: true });
  });

  const image = (platform: string) => {
    const b = built.get(platform)!;
    return { imageId: b.imageId, tarPath: b.tarPath };
  };

  it('on amd64: the DNS canaries pass, the exit-node one fails on SERVFAIL, and RAM is native and read-only', async () => {
    const res = await measureRuntime({
      docker: engine.docker,
      image: image('linux/amd64'),
      platform: 'linux/amd64',
      hostPlatform: engine.hostPlatform,
      ram: config.ram,
      canaries: config.canaries,
    });
    assert.deepStrictEqual(
      res.canaries.map((c) => [c.name, c.ok, c.assertion ?? null, c.observed ?? null]),
      [
        ['lan-dns', true, null, null],
        ['magicdns-name', true, null, null],
        ['exit-node-dns', false, 'status NOERROR', 'SERVFAIL'],
      ],
    );
    assert.match(res.canaries[1]!.detail, /flags qr aa rd ra; query time [1-9]\d* ms/);
    const ram = res.ram!;
    assert.equal(ram.emulated, false);
    assert.equal(ram.readOnly, true);
    assert.equal(ram.process, 'routerd');
    assert.equal(ram.peakSource, engine.cgroupVersion === '2' ? 'cgroup-v2' : 'cgroup-v1');
    assert.equal(ram.rss?.runs.length, 3);
    assert.ok(ram.rss.median > 1 * MiB && ram.rss.median < 64 * MiB, `RSS ${ram.rss.median}`);
    assert.ok(ram.peak!.median > 0);
    assert.equal(ram.error, undefined);
  });

  it('on arm64 (qemu-user): RAM is measured and labelled emulated, canaries still answer', async () => {
    const res = await measureRuntime({
      docker: engine.docker,
      image: image('linux/arm64'),
      platform: 'linux/arm64',
      hostPlatform: engine.hostPlatform,
      ram: { ...config.ram, runs: 2 },
      canaries: config.canaries.filter((c) => c.name === 'magicdns-name'),
    });
    assert.equal(res.ram?.emulated, true);
    assert.equal(res.ram?.rss?.runs.length, 2);
    assert.ok(res.ram.rss.median > 1 * MiB);
    assert.deepStrictEqual(
      res.canaries.map((c) => [c.name, c.ok]),
      [['magicdns-name', true]],
    );
  });

  it("runs a sidecar canary in the container's network namespace", async () => {
    const sidecar = parseConfig(
      'canaries: [{ name: lan-from-sidecar, in: sidecar, run: "nslookup nas.lan 127.0.0.1", expect: { status: NOERROR, minAnswers: 1 } }]',
    );
    const res = await measureRuntime({
      docker: engine.docker,
      image: image('linux/amd64'),
      platform: 'linux/amd64',
      hostPlatform: engine.hostPlatform,
      ram: { ...config.ram, enabled: false },
      canaries: sidecar.canaries,
    });
    assert.deepStrictEqual(res.canaries, [{ name: 'lan-from-sidecar', ok: true, detail: 'exit 0; NOERROR, 1 answer(s) (192.168.88.10)' }]);
  });

  it('removes its containers and its hold on the image when done', async () => {
    const runId = `test-${Date.now()}`;
    const res = await measureRuntime({
      docker: engine.docker,
      image: image('linux/amd64'),
      platform: 'linux/amd64',
      hostPlatform: engine.hostPlatform,
      ram: { ...config.ram, runs: 1, windowMs: 250 },
      canaries: config.canaries.slice(0, 1),
      runId,
    });
    assert.equal(res.canaries[0]?.ok, true);
    const ps = await execa(engine.docker.file, ['ps', '-aq', '--filter', `label=bumpguard.run=${runId}`]);
    assert.equal(ps.stdout.trim(), '');
    // The run's tag is bumpguard-measure:<stamp of this process>.<runId> while it runs.
    const tags = await execa(engine.docker.file, ['images', '--filter', 'reference=bumpguard-measure', '--format', '{{.Tag}}']);
    assert.deepEqual(
      tags.stdout.split('\n').filter((t) => t.endsWith(`.${runId}`)),
      [],
      'the run tag is gone',
    );
  });
});

describe('the exit-node canary catches the missing peerapiserver (incident 1)', () => {
  it('passes once the recipe opts peerapiserver back in', async () => {
    const engine = await requireDocker();
    const repo = await createExampleRepo({
      editDockerfile: (text) =>
        text.replace(
          "      -e 's/ts_omit_gro,\\{0,1\\}//g' \\\n",
          "      -e 's/ts_omit_gro,\\{0,1\\}//g' \\\n      -e 's/ts_omit_peerapiserver,\\{0,1\\}//g' \\\n",
        ),
    });
    try {
      assert.match(await readFile(join(repo.dir, 'Dockerfile'), 'utf8'), /ts_omit_peerapiserver/);
      const config = parseConfig(await readFile(join(repo.dir, '.bumpguard.yml'), 'utf8'));
      const b = await buildImage({
        contextDir: repo.dir,
        dockerfile: 'Dockerfile',
        platform: 'linux/amd64',
        engine,
        outTar: join(repo.dir, 'fixed.tar'),
      });
      const res = await measureRuntime({
        docker: engine.docker,
        image: { imageId: b.imageId, tarPath: b.tarPath },
        platform: 'linux/amd64',
        hostPlatform: engine.hostPlatform,
        ram: { ...config.ram, enabled: false },
        canaries: config.canaries.filter((c) => c.name === 'exit-node-dns'),
      });
      assert.equal(res.ram, null);
      assert.deepStrictEqual(
        res.canaries.map((c) => [c.name, c.ok]),
        [['exit-node-dns', true]],
      );
      assert.match(res.canaries[0]!.detail, /NOERROR, 1 answer\(s\) \(192\.0\.2\.10\); flags qr rd ra/);
    } finally {
      await repo.dispose();
    }
  });
});

describe('measureRuntime with images that misbehave', () => {
  let engine: EngineInfo;
  let ctx: string;
  before(async () => {
    engine = await requireDocker();
    ctx = await mkdtemp(join(tmpdir(), 'bumpguard-misbehave-'));
    await mkdir(join(ctx, 'bin'));
    await copyFile('/var/cache/bumpguard/busybox/amd64/busybox', join(ctx, 'bin/busybox'));
  });
  after(async () => {
    if (ctx) await rm(ctx, { recursive: true, force: true });
  });

  async function buildWith(entrypoint: string): Promise<BuildOutput> {
    await writeFile(
      join(ctx, 'Dockerfile'),
      [
        'FROM scratch',
        'COPY bin/busybox /bin/busybox',
        'RUN ["/bin/busybox", "ln", "-s", "busybox", "/bin/sh"]',
        `ENTRYPOINT ["/bin/busybox", "sh", "-c", ${JSON.stringify(entrypoint)}]`,
        '',
      ].join('\n'),
    );
    return buildImage({ contextDir: ctx, dockerfile: 'Dockerfile', platform: 'linux/amd64', engine, outTar: join(ctx, 'img.tar') });
  }

  const ram = (over: Partial<Config['ram']> = {}): Config['ram'] => ({
    enabled: true,
    runs: 1,
    windowMs: 500,
    intervalMs: 250,
    ready: { log: '^ready$', timeoutMs: 10_000 },
    ...over,
  });

  it('falls back to a writable rootfs when the image cannot start read-only, and says so', async () => {
    const b = await buildWith('echo state > /state && echo ready && exec sleep 600');
    const lines: string[] = [];
    const res = await measureRuntime({
      docker: engine.docker,
      image: { imageId: b.imageId, tarPath: b.tarPath },
      platform: 'linux/amd64',
      hostPlatform: engine.hostPlatform,
      ram: ram(),
      canaries: [],
      onLog: (l) => lines.push(l),
    });
    assert.equal(res.ram?.readOnly, false);
    assert.equal(res.ram?.error, undefined);
    assert.ok(res.ram?.rss !== null);
    assert.ok(
      lines.some((l) => /retrying without --read-only/.test(l)),
      lines.join('\n'),
    );
  });

  it('waits for a readiness file inside the image, and gives up naming the file that never appeared', async () => {
    const b = await buildWith('echo up && exec sleep 600');
    const image = { imageId: b.imageId, tarPath: b.tarPath };
    const ok = await measureRuntime({
      docker: engine.docker,
      image,
      platform: 'linux/amd64',
      hostPlatform: engine.hostPlatform,
      ram: ram({ ready: { file: '/bin/busybox', timeoutMs: 10_000 } }),
      canaries: [],
    });
    assert.equal(ok.ram?.error, undefined);
    assert.equal(ok.ram?.rss?.runs.length, 1);
    const never = await measureRuntime({
      docker: engine.docker,
      image,
      platform: 'linux/amd64',
      hostPlatform: engine.hostPlatform,
      ram: ram({ ready: { file: '/run/never', timeoutMs: 1500 } }),
      canaries: [],
    });
    assert.equal(never.ram?.error, 'not ready after 1500 ms: still waiting for the file /run/never');
  });

  it('reports an image that dies before readiness as a RAM error and failed canaries, not a throw', async () => {
    const b = await buildWith('echo "config missing" >&2; exit 3');
    const config = parseConfig('canaries: [{ name: lan-dns, run: "nslookup router.lan 127.0.0.1" }]');
    const res = await measureRuntime({
      docker: engine.docker,
      image: { imageId: b.imageId, tarPath: b.tarPath },
      platform: 'linux/amd64',
      hostPlatform: engine.hostPlatform,
      ram: ram(),
      canaries: config.canaries,
    });
    assert.match(res.ram?.error ?? '', /exited with code 3 before it was ready: config missing/);
    assert.equal(res.ram?.rss, null);
    assert.deepStrictEqual(
      res.canaries.map((c) => [c.name, c.ok, c.assertion]),
      [['lan-dns', false, 'runs']],
    );
  });
});

describe('RAM of a shell-less image (FROM scratch, busybox httpd, no /bin/sh to exec into)', () => {
  let engine: EngineInfo;
  let ctx: string;
  let built: BuildOutput;
  const ram: Config['ram'] = { enabled: true, runs: 1, windowMs: 500, intervalMs: 250, ready: { timeoutMs: 10_000 } };
  before(async () => {
    engine = await requireDocker();
    ctx = await mkdtemp(join(tmpdir(), 'bumpguard-shellless-'));
    await mkdir(join(ctx, 'bin'));
    await copyFile('/var/cache/bumpguard/busybox/amd64/busybox', join(ctx, 'bin/busybox'));
    await writeFile(
      join(ctx, 'Dockerfile'),
      ['FROM scratch', 'COPY bin/busybox /bin/busybox', 'ENTRYPOINT ["/bin/busybox", "httpd", "-f", "-p", "127.0.0.1:8080"]', ''].join(
        '\n',
      ),
    );
    built = await buildImage({ contextDir: ctx, dockerfile: 'Dockerfile', platform: 'linux/amd64', engine, outTar: join(ctx, 'img.tar') });
  });
  after(async () => {
    if (ctx) await rm(ctx, { recursive: true, force: true });
  });

  it("gets a RAM figure from the engine host's /proc when the bot shares that host", async () => {
    const res = (
      await measureRuntime({
        docker: engine.docker,
        image: { imageId: built.imageId, tarPath: built.tarPath },
        platform: 'linux/amd64',
        hostPlatform: engine.hostPlatform,
        ram,
        canaries: [],
      })
    ).ram;
    assert.equal(res?.error, undefined);
    assert.equal(res?.rssSource, 'proc-status');
    assert.equal(res?.process, 'busybox');
    assert.ok(res.rss!.median > 256 * 1024, `RSS ${res.rss!.median}`);
  });

  it("gets the same RSS through the Docker API when it cannot see the engine's processes, as a bot in a container", async () => {
    const runId = `test-shellless-${randomUUID()}`;
    const tag = `bumpguard-measure:${runId}`;
    await acquireImage(engine.docker, { imageId: built.imageId, tarPath: built.tarPath }, tag);
    const id = await startContainer(engine.docker, {
      image: tag,
      runId,
      platform: 'linux/amd64',
      readOnly: true,
      limits: DEFAULT_CONTAINER_LIMITS,
      user: null,
    });
    try {
      assert.equal(await waitReady(engine.docker, id, ram.ready), null);
      const exec = await execa(engine.docker.file, ['exec', id, 'cat', '/proc/1/status'], { reject: false });
      assert.notEqual(exec.exitCode, 0, "nothing in the image can be exec'd to read /proc from inside");
      const window = { windowMs: 500, intervalMs: 250 };
      const viaApi = await sampleContainer(engine.docker, id, { ...window, readHostProc: false });
      const viaHost = await sampleContainer(engine.docker, id, window);
      assert.equal(viaApi.rssSource, 'docker-top');
      assert.equal(viaHost.rssSource, 'proc-status');
      assert.equal(viaApi.process, 'busybox');
      // One idle httpd read twice: ps's rss and VmRSS are the same kernel counter.
      assert.ok(Math.abs(viaApi.rss! - viaHost.rss!) <= 64 * 1024, `API ${viaApi.rss} vs /proc ${viaHost.rss}`);
      if (engine.cgroupVersion === '1') {
        assert.equal(viaApi.peakSource, 'cgroup-v1');
        assert.ok(viaApi.peak! >= viaApi.rss!, `peak ${viaApi.peak} ≥ RSS ${viaApi.rss}`);
      } else {
        assert.equal(viaApi.peak, null, 'the Docker API has no peak on cgroup v2');
      }
    } finally {
      await removeContainer(engine.docker, id);
      await releaseImage(engine.docker, tag);
    }
  });
});
