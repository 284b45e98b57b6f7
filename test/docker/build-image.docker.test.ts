// Real BuildKit builds of the bundled example (needs the engine from scripts/setup-host.sh).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { execa } from 'execa';
import { buildImage } from '../../src/build/index.ts';
import { detectEngine, localDockerClient, NO_DOCKER_MESSAGE, type EngineInfo } from '../../src/engine/index.ts';
import { BuildError, CancelledError } from '../../src/core/index.ts';
import { analyseImage } from '../../src/measure/index.ts';
import { createExampleRepo, type ExampleRepo } from '../helpers/example-repo.ts';
import { requireDocker } from '../helpers/require-docker.ts';
import { BUSYBOX } from '../helpers/corpus-repos.ts';

const MACHINES: Record<string, string> = { 'linux/amd64': 'x86_64', 'linux/arm64': 'aarch64', 'linux/arm/v7': 'arm' };

describe('buildImage on the example target', () => {
  let engine: EngineInfo;
  let repo: ExampleRepo;
  let out: string;
  before(async () => {
    engine = await requireDocker();
    repo = await createExampleRepo();
    out = await mkdtemp(join(tmpdir(), 'bumpguard-build-test-'));
  });
  after(async () => {
    await repo?.dispose();
    if (out) await rm(out, { recursive: true, force: true });
  });

  it('builds amd64, arm64 and arm/v7 into archives whose ELF binaries match each platform', async () => {
    const tags: string[] = [];
    for (const platform of Object.keys(MACHINES)) {
      const tag = `bumpguard-build:test-${randomUUID()}`;
      tags.push(tag);
      const built = await buildImage({
        contextDir: repo.dir,
        dockerfile: 'Dockerfile',
        platform,
        engine,
        tag,
        outTar: join(out, `${platform.replaceAll('/', '-')}.tar`),
      });
      assert.match(built.imageId, /^sha256:[0-9a-f]{64}$/);
      const analysis = await analyseImage(built.tarPath, { platform, blockSize: 4096, binaryPath: '/usr/local/bin/routerd', top: 5 });
      assert.deepStrictEqual(analysis.binary?.upx, true, `${platform}: routerd is UPX-packed`);
      assert.deepStrictEqual(analysis.elfs.map((e) => [e.path, e.machine]).sort(), [
        ['/bin/busybox', MACHINES[platform]],
        ['/usr/local/bin/routerd', MACHINES[platform]],
      ]);
      assert.equal(analysis.layers.length, 3, 'rootfs, CA bundle, /usr/local');
    }
    for (const tag of tags) {
      const inspect = await execa(engine.docker.file, ['image', 'inspect', tag], { reject: false });
      assert.notEqual(inspect.exitCode, 0, `temporary tag ${tag} is removed`);
    }
  });

  it('builds a bigger image at the bumped version: the ARG changes what is built', async () => {
    const sizes: number[] = [];
    for (const version of [repo.baseVersion, repo.headVersion]) {
      const built = await buildImage({
        contextDir: repo.dir,
        dockerfile: 'Dockerfile',
        platform: 'linux/amd64',
        engine,
        buildArgs: { TAILSCALE_VERSION: version },
        outTar: join(out, `amd64-${version}.tar`),
      });
      const analysis = await analyseImage(built.tarPath, {
        platform: 'linux/amd64',
        blockSize: 4096,
        binaryPath: '/usr/local/bin/routerd',
        top: 5,
      });
      sizes.push(analysis.rootfsBytes);
    }
    const [base, head] = sizes as [number, number];
    assert.ok(head - base > 4096, `rootfs grows by more than 4 KiB (base ${base}, head ${head})`);
  });

  it('turns a failing build into a BuildError carrying the platform and the log tail', async () => {
    await assert.rejects(
      buildImage({
        contextDir: repo.dir,
        dockerfile: 'Dockerfile',
        platform: 'linux/arm64',
        engine,
        buildArgs: { TAILSCALE_VERSION: 'v1.99.0' },
        outTar: join(out, 'broken.tar'),
      }),
      (err: unknown) => {
        assert.ok(err instanceof BuildError);
        assert.equal(err.code, 'build-failed');
        assert.equal(err.platform, 'linux/arm64');
        assert.match(err.logTail, /featuretags: no recorded feature table for v1\.99\.0/);
        assert.match(err.userMessage, /^The linux\/arm64 build failed: /);
        return true;
      },
    );
  });
});

describe('build step timings', () => {
  // What they show on Debian's docker 20.10 (BuildKit v0.8 inside the engine): a step of a stage on
  // --platform=$BUILDPLATFORM is reused for the next target platform only while it does not depend
  // on a COPY from the build context (that source is keyed per target there); newer BuildKit through
  // buildx shares it, and a multi-platform invocation runs it once (docs/scaling.md).
  it('say which steps ran and for how long, and which came from the cache', async () => {
    const engine = await requireDocker();
    const dir = await mkdtemp(join(tmpdir(), 'bumpguard-build-steps-'));
    try {
      await copyFile(BUSYBOX, join(dir, 'busybox'));
      // The token makes this test's steps its own, whatever else the engine has cached.
      const token = randomUUID();
      await writeFile(
        join(dir, 'Dockerfile'),
        [
          'FROM --platform=$BUILDPLATFORM scratch AS build',
          'COPY busybox /bin/busybox',
          `RUN ["/bin/busybox", "sh", "-c", "echo ${token} > /shared && /bin/busybox sleep 1"]`,
          'ARG TARGETARCH',
          'RUN ["/bin/busybox", "sh", "-c", "cp /shared /out-$TARGETARCH"]',
          'FROM scratch',
          'COPY --from=build /out-* /',
          '',
        ].join('\n'),
      );
      const build = async (platform: string) => {
        const built = await buildImage({ contextDir: dir, dockerfile: 'Dockerfile', platform, engine, outTar: join(dir, 'image.tar') });
        // The busybox COPY may be cached by any earlier build of the same file: only the RUN steps are ours.
        // BuildKit reports cached steps in no fixed order: the shared step is put first.
        return built.steps
          .filter((s) => s.instruction.startsWith('RUN'))
          .map((s) => ({ shared: s.instruction.includes('echo'), cached: s.cached, seconds: s.seconds }))
          .sort((a, b) => Number(b.shared) - Number(a.shared));
      };
      const first = await build('linux/amd64');
      assert.equal(first.length, 2);
      assert.ok(!first[0]!.cached && first[0]!.seconds! >= 1, 'the step that sleeps 1 s ran, and its time is read');
      assert.ok(!first[1]!.cached);
      const again = await build('linux/amd64');
      assert.deepStrictEqual(
        again,
        [
          { shared: true, cached: true, seconds: 0 },
          { shared: false, cached: true, seconds: 0 },
        ],
        'the same target again: all from the cache',
      );
      const other = await build('linux/arm64');
      assert.equal(other[1]!.cached, false, 'the per-target step runs for the new target');
      assert.ok(
        other[0]!.cached ? other[0]!.seconds === 0 : other[0]!.seconds! >= 1,
        'the shared step: cached, or ran again (docker 20.10) and timed',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('buildImage cancellation and timeout', () => {
  let engine: EngineInfo;
  let ctx: string;
  before(async () => {
    engine = await requireDocker();
    ctx = await mkdtemp(join(tmpdir(), 'bumpguard-slow-build-'));
    await mkdir(join(ctx, 'bin'));
    await copyFile('/var/cache/bumpguard/busybox/amd64/busybox', join(ctx, 'bin/busybox'));
  });
  after(async () => {
    if (ctx) await rm(ctx, { recursive: true, force: true });
  });

  /** A build whose RUN step sleeps; the marker makes its process findable and its cache key unique. */
  async function slowDockerfile(marker: string): Promise<void> {
    await writeFile(
      join(ctx, 'Dockerfile'),
      [
        'FROM scratch',
        'COPY bin/busybox /bin/busybox',
        `RUN ["/bin/busybox", "sh", "-c", "echo started-${marker}; /bin/busybox sleep 300; echo ${marker}"]`,
        '',
      ].join('\n'),
    );
  }

  async function processesMentioning(text: string): Promise<string[]> {
    const ps = await execa('ps', ['-eo', 'pid=,args=']);
    return ps.stdout.split('\n').filter((l) => l.includes(text) && !l.includes('ps -eo'));
  }

  async function waitGone(text: string, ms: number): Promise<string[]> {
    const until = Date.now() + ms;
    let left = await processesMentioning(text);
    while (left.length > 0 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 250));
      left = await processesMentioning(text);
    }
    return left;
  }

  it('an abort mid-build rejects with CancelledError and leaves no client or RUN process behind', async () => {
    const marker = `bg-cancel-${randomUUID()}`;
    await slowDockerfile(marker);
    const controller = new AbortController();
    const build = buildImage({
      contextDir: ctx,
      dockerfile: 'Dockerfile',
      platform: 'linux/amd64',
      engine,
      signal: controller.signal,
      outTar: join(ctx, 'out.tar'),
      onLog: (line) => {
        if (line.includes(`started-${marker}`)) controller.abort();
      },
    });
    await assert.rejects(build, CancelledError);
    assert.deepStrictEqual(await waitGone(marker, 20_000), [], 'the RUN step is gone');
    assert.deepStrictEqual(await waitGone(ctx, 5000), [], 'the docker client is gone');
  });

  it('a build over its timeout is killed and reported as build-timeout with the log tail', async () => {
    const marker = `bg-timeout-${randomUUID()}`;
    await slowDockerfile(marker);
    await assert.rejects(
      buildImage({
        contextDir: ctx,
        dockerfile: 'Dockerfile',
        platform: 'linux/amd64',
        engine,
        timeoutMs: 4000,
        outTar: join(ctx, 'out.tar'),
      }),
      (err: unknown) => {
        assert.ok(err instanceof BuildError);
        assert.equal(err.code, 'build-timeout');
        assert.match(err.logTail, new RegExp(`started-${marker}`));
        return true;
      },
    );
    assert.deepStrictEqual(await waitGone(marker, 20_000), []);
  });
});

describe('detectEngine', () => {
  it('names the fix when there is no engine to talk to', async () => {
    await assert.rejects(detectEngine({ client: localDockerClient('/nonexistent/docker') }), (err: unknown) => {
      assert.ok(err instanceof BuildError);
      assert.equal(err.code, 'no-docker');
      assert.equal(err.userMessage, NO_DOCKER_MESSAGE);
      return true;
    });
  });

  // As a bot whose container lacks the socket's group (compose without DOCKER_GID): the user
  // nobody on this host, in a child process so the test runner keeps its own identity.
  const probeAs = (opts: { uid?: number; gid?: number; env?: Record<string, string> }) =>
    execa(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { detectEngine } from ${JSON.stringify(new URL('../../src/engine/index.ts', import.meta.url).href)};
     detectEngine().then(() => console.log('reachable'), (err) => console.log(err.code + ': ' + err.userMessage));`,
      ],
      { ...opts, env: { ...process.env, ...opts.env }, stdin: 'ignore' },
    );

  it('says "permission denied on the socket" when the user is not in the socket\'s group', async () => {
    const engine = await requireDocker();
    const socket = '/var/run/docker.sock';
    const gid = (await stat(socket)).gid;
    const { stdout } = await probeAs({ uid: 65534, gid: 65534, env: { BUMPGUARD_DOCKER: engine.docker.file } });
    assert.equal(
      stdout.trim(),
      `no-docker: Permission denied on the Docker socket ${socket}: this process (uid 65534, groups 65534) is not in its group ${gid}. ` +
        `In compose, put that group in build/.env as DOCKER_GID (stat -c %g ${socket}) and recreate the container; on a host, add the bot's user to the socket's group.`,
    );
  });

  it('says no engine answers, and where, when nothing listens on the socket', async () => {
    const engine = await requireDocker();
    const { stdout } = await probeAs({
      env: { BUMPGUARD_DOCKER: engine.docker.file, DOCKER_HOST: 'unix:///nonexistent/bumpguard-test.sock' },
    });
    assert.match(stdout.trim(), /^no-docker: No Docker engine answers at unix:\/\/\/nonexistent\/bumpguard-test\.sock: start dockerd/);
  });
});

describe('a build that fetches sources while builds have no network (the default)', () => {
  it('fails as build-failed saying it hit a network error and naming build.network', async () => {
    const engine = await requireDocker();
    const ctx = await mkdtemp(join(tmpdir(), 'bumpguard-offline-build-'));
    try {
      await mkdir(join(ctx, 'bin'));
      await copyFile('/var/cache/bumpguard/busybox/amd64/busybox', join(ctx, 'bin/busybox'));
      // As a real recipe fetches a Tailscale tarball; a .invalid name, and no network to ask anyway.
      await writeFile(
        join(ctx, 'Dockerfile'),
        [
          'FROM scratch',
          'COPY bin/busybox /bin/busybox',
          `RUN ["/bin/busybox", "wget", "-q", "-O", "/src.tar.gz", "https://tailscale.invalid/archive/${randomUUID()}.tar.gz"]`,
          '',
        ].join('\n'),
      );
      await assert.rejects(
        buildImage({ contextDir: ctx, dockerfile: 'Dockerfile', platform: 'linux/amd64', engine, outTar: join(ctx, 'out.tar') }),
        (err: unknown) => {
          assert.ok(err instanceof BuildError);
          assert.equal(err.code, 'build-failed');
          assert.equal(
            err.userMessage,
            "The linux/amd64 build failed on a network error (wget: bad address 'tailscale.invalid'): builds run without a network by default " +
              '(build.network: none). If the Dockerfile fetches sources in a RUN step, set `build: { network: default }` in .bumpguard.yml on the base branch.',
          );
          return true;
        },
      );
    } finally {
      await rm(ctx, { recursive: true, force: true });
    }
  });
});
