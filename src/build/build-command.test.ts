import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseEngineDefinitions } from '../config/index.ts';
import { dockerClientFor, localDockerClient, type ClientCaps } from '../engine/index.ts';
import { BuildError } from '../core/index.ts';
import { buildCommand, canBuildTogether, multiPlatformCommand, remoteBuilderName, type BuildRequest } from './build-command.ts';

const REQ: BuildRequest = {
  contextDir: '/tmp/tree',
  dockerfile: 'Dockerfile',
  platform: 'linux/arm64',
  buildArgs: { TAILSCALE_VERSION: 'v1.92.5' },
  network: 'none',
  outTar: '/tmp/out/arm64.tar',
  idFile: '/tmp/b/image-id',
  tag: 'bumpguard-build:t1',
};
const DEBIAN: ClientCaps = { docker: localDockerClient('/usr/bin/docker'), buildx: null, buildctl: null };
const WITH_BUILDX: ClientCaps = { docker: localDockerClient('/usr/bin/docker'), buildx: 'v0.19.3', buildctl: null };

describe('buildCommand', () => {
  it('builds locally with DOCKER_BUILDKIT=1 docker build, a temp tag to save, and no network', () => {
    assert.deepStrictEqual(buildCommand(undefined, REQ, DEBIAN), {
      kind: 'docker-build',
      file: '/usr/bin/docker',
      args: [
        'build',
        '--progress',
        'plain',
        '--platform',
        'linux/arm64',
        '--network',
        'none',
        '-f',
        '/tmp/tree/Dockerfile',
        '--build-arg',
        'TAILSCALE_VERSION=v1.92.5',
        '-t',
        'bumpguard-build:t1',
        '--iidfile',
        '/tmp/b/image-id',
        '/tmp/tree',
      ],
      env: { DOCKER_BUILDKIT: '1' },
      saveTag: 'bumpguard-build:t1',
      idFormat: 'iidfile',
      ensureBuilder: null,
    });
  });

  it("builds on an operator's engine through the docker client's own transport: --host before the command, the bot's TLS settings cleared", () => {
    const [pi5, x86] = parseEngineDefinitions(
      JSON.stringify([
        { name: 'pi5', host: 'ssh://pi@pi5.lan' },
        { name: 'x86', host: 'tcp://x86.internal:2376', tls: { ca: '/c/ca.pem', cert: '/c/cert.pem', key: '/c/key.pem' } },
      ]),
      'BUMPGUARD_ENGINES',
    );
    const overSsh = buildCommand(undefined, REQ, {
      ...DEBIAN,
      docker: dockerClientFor(pi5!, '/usr/bin/docker', { SSH_AUTH_SOCK: '/run/agent.sock' }),
    });
    assert.deepStrictEqual(
      [overSsh.file, ...overSsh.args.slice(0, 4)],
      ['/usr/bin/docker', '--host', 'ssh://pi@pi5.lan', 'build', '--progress'],
    );
    assert.deepStrictEqual(overSsh.env, {
      DOCKER_TLS_VERIFY: '',
      DOCKER_TLS: '',
      DOCKER_CERT_PATH: '',
      SSH_AUTH_SOCK: '/run/agent.sock',
      DOCKER_BUILDKIT: '1',
    });
    const overTls = buildCommand(undefined, REQ, { ...DEBIAN, docker: dockerClientFor(x86!, '/usr/bin/docker', {}) });
    assert.deepStrictEqual(overTls.args.slice(0, 10), [
      '--host',
      'tcp://x86.internal:2376',
      '--tlsverify',
      '--tlscacert',
      '/c/ca.pem',
      '--tlscert',
      '/c/cert.pem',
      '--tlskey',
      '/c/key.pem',
      'build',
    ]);
  });

  it('keeps an absolute Dockerfile path and the default network when asked', () => {
    const inv = buildCommand({ kind: 'local' }, { ...REQ, dockerfile: '/elsewhere/Dockerfile.router', network: 'default' }, DEBIAN);
    assert.deepStrictEqual(inv.args.slice(5, 9), ['--network', 'default', '-f', '/elsewhere/Dockerfile.router']);
  });

  it('exports straight to a docker archive on a named buildx builder, without provenance on buildx ≥ 0.10', () => {
    assert.deepStrictEqual(buildCommand({ kind: 'buildx', name: 'arm-box' }, REQ, WITH_BUILDX), {
      kind: 'buildx',
      file: '/usr/bin/docker',
      args: [
        'buildx',
        'build',
        '--builder',
        'arm-box',
        '--progress',
        'plain',
        '--platform',
        'linux/arm64',
        '--network',
        'none',
        '-f',
        '/tmp/tree/Dockerfile',
        '--build-arg',
        'TAILSCALE_VERSION=v1.92.5',
        '--provenance=false',
        '--output',
        'type=docker,dest=/tmp/out/arm64.tar',
        '--iidfile',
        '/tmp/b/image-id',
        '/tmp/tree',
      ],
      env: {},
      saveTag: null,
      idFormat: 'iidfile',
      ensureBuilder: null,
    });
    const old = buildCommand({ kind: 'buildx', name: 'arm-box' }, REQ, { ...WITH_BUILDX, buildx: 'v0.9.1' });
    assert.equal(old.args.includes('--provenance=false'), false);
  });

  it('maps a remote endpoint to a remote-driver buildx builder it creates, with BUILDKIT_HOST set', () => {
    const inv = buildCommand({ kind: 'remote', endpoint: 'tcp://arm64-builder:1234' }, REQ, WITH_BUILDX);
    const name = remoteBuilderName('tcp://arm64-builder:1234');
    assert.match(name, /^bumpguard-remote-[0-9a-f]{12}$/);
    assert.deepStrictEqual(inv.ensureBuilder, { name, endpoint: 'tcp://arm64-builder:1234' });
    assert.deepStrictEqual(inv.args.slice(0, 4), ['buildx', 'build', '--builder', name]);
    assert.deepStrictEqual(inv.env, { BUILDKIT_HOST: 'tcp://arm64-builder:1234' });
  });

  it('falls back to buildctl for a remote endpoint when buildx is missing', () => {
    assert.deepStrictEqual(
      buildCommand({ kind: 'remote', endpoint: 'tcp://arm64-builder:1234' }, REQ, { ...DEBIAN, buildctl: 'buildctl' }),
      {
        kind: 'buildctl',
        file: 'buildctl',
        args: [
          'build',
          '--progress',
          'plain',
          '--frontend',
          'dockerfile.v0',
          '--local',
          'context=/tmp/tree',
          '--local',
          'dockerfile=/tmp/tree',
          '--opt',
          'filename=Dockerfile',
          '--opt',
          'platform=linux/arm64',
          '--opt',
          'force-network-mode=none',
          '--opt',
          'build-arg:TAILSCALE_VERSION=v1.92.5',
          '--output',
          'type=docker,name=bumpguard-build:t1,dest=/tmp/out/arm64.tar',
          '--metadata-file',
          '/tmp/b/image-id',
        ],
        env: { BUILDKIT_HOST: 'tcp://arm64-builder:1234' },
        saveTag: null,
        idFormat: 'buildctl-metadata',
        ensureBuilder: null,
      },
    );
  });

  it('says what is missing instead of running a build that cannot work', () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        assert.ok(err instanceof BuildError);
        assert.equal(err.platform, 'linux/arm64');
        return err.code;
      }
      return 'no error';
    };
    assert.equal(
      code(() => buildCommand({ kind: 'buildx', name: 'arm-box' }, REQ, DEBIAN)),
      'no-buildx',
    );
    assert.equal(
      code(() => buildCommand({ kind: 'buildx' }, REQ, WITH_BUILDX)),
      'builder-config',
    );
    assert.equal(
      code(() => buildCommand({ kind: 'remote' }, REQ, WITH_BUILDX)),
      'builder-config',
    );
    assert.equal(
      code(() => buildCommand({ kind: 'remote', endpoint: 'tcp://x:1234' }, REQ, DEBIAN)),
      'no-remote-client',
    );
  });

  it('adds a local BuildKit cache to buildx and buildctl builds, importing only one that exists', () => {
    const cache = { dir: '/data/build-cache/3f9c2a7d/linux-arm64', import: true };
    const bx = buildCommand({ kind: 'buildx', name: 'arm-box' }, { ...REQ, cache }, WITH_BUILDX).args;
    assert.deepStrictEqual(bx.slice(bx.indexOf('--cache-from'), bx.indexOf('--output')), [
      '--cache-from',
      'type=local,src=/data/build-cache/3f9c2a7d/linux-arm64',
      '--cache-to',
      'type=local,dest=/data/build-cache/3f9c2a7d/linux-arm64,mode=max',
    ]);
    const first = buildCommand({ kind: 'buildx', name: 'arm-box' }, { ...REQ, cache: { ...cache, import: false } }, WITH_BUILDX).args;
    assert.equal(first.includes('--cache-from'), false, 'an empty cache directory is not imported');
    const ctl = buildCommand(
      { kind: 'remote', endpoint: 'tcp://arm64-builder:1234' },
      { ...REQ, cache },
      { ...DEBIAN, buildctl: 'buildctl' },
    ).args;
    assert.deepStrictEqual(ctl.slice(ctl.indexOf('--import-cache'), ctl.indexOf('--output')), [
      '--import-cache',
      'type=local,src=/data/build-cache/3f9c2a7d/linux-arm64',
      '--export-cache',
      'type=local,dest=/data/build-cache/3f9c2a7d/linux-arm64,mode=max',
    ]);
    // docker 20.10's `docker build` has no --cache-to: the engine's own BuildKit cache serves it.
    assert.equal(
      buildCommand(undefined, { ...REQ, cache }, DEBIAN).args.some((a) => a.startsWith('--cache')),
      false,
    );
  });
});

describe('multiPlatformCommand', () => {
  const CONTAINERD: ClientCaps = { ...WITH_BUILDX, imageStore: 'containerd' };
  const { platform: _platform, tag: _tag, ...rest } = REQ;

  it('builds every platform of a commit in one buildx invocation into one OCI archive', () => {
    const inv = multiPlatformCommand(
      { ...rest, platforms: ['linux/amd64', 'linux/arm64', 'linux/arm/v7'], outTar: '/tmp/out/head.tar' },
      CONTAINERD,
    );
    assert.deepStrictEqual(inv, {
      kind: 'buildx',
      file: '/usr/bin/docker',
      args: [
        'buildx',
        'build',
        '--progress',
        'plain',
        '--platform',
        'linux/amd64,linux/arm64,linux/arm/v7',
        '--network',
        'none',
        '-f',
        '/tmp/tree/Dockerfile',
        '--build-arg',
        'TAILSCALE_VERSION=v1.92.5',
        '--provenance=false',
        '--output',
        'type=oci,dest=/tmp/out/head.tar',
        '--iidfile',
        '/tmp/b/image-id',
        '/tmp/tree',
      ],
      env: {},
      saveTag: null,
      idFormat: 'iidfile',
      ensureBuilder: null,
    });
  });

  it('is chosen only with buildx on the containerd image store and every platform on the local engine', () => {
    assert.equal(canBuildTogether(CONTAINERD, [undefined, { kind: 'local' }]), true);
    assert.equal(canBuildTogether(WITH_BUILDX, [undefined, undefined]), false, 'the classic image store holds one platform per image');
    assert.equal(canBuildTogether({ ...DEBIAN, imageStore: 'containerd' }, [undefined]), false, 'no buildx plugin');
    assert.equal(canBuildTogether(CONTAINERD, [undefined, { kind: 'remote', endpoint: 'tcp://arm64-builder:1234' }]), false);
  });
});
