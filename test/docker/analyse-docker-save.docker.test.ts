// analyseImage on a real `docker save` of a tiny FROM-scratch image (real BuildKit layers,
// a real static busybox, a real UPX-packed binary, a real whiteout from RUN rm).
// Without an engine the test is skipped locally with the reason, and fails in CI.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { execa } from 'execa';
import { analyseImage, blockRound } from '../../src/measure/index.ts';

const DOCKER = existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';
const HOST = process.arch === 'arm64' ? { platform: 'linux/arm64', machine: 'aarch64' } : { platform: 'linux/amd64', machine: 'x86_64' };

async function missingTools(): Promise<string | null> {
  const version = await execa(DOCKER, ['version', '--format', '{{.Server.Version}}'], { reject: false, timeout: 20_000 });
  if (version.exitCode !== 0)
    return `no Docker engine (${DOCKER} version: ${version.stderr.trim().split('\n')[0]}); run scripts/setup-host.sh`;
  for (const tool of ['/bin/busybox', '/usr/bin/upx']) {
    if (!existsSync(tool)) return `${tool} is missing; run scripts/setup-host.sh`;
  }
  return null;
}

const missing = await missingTools();
if (missing !== null && process.env.CI) throw new Error(`CI must run the real docker save test: ${missing}`);

describe('analyseImage on a real docker save', { skip: missing ?? false }, () => {
  let dir = '';
  const tag = `bumpguard-analyse-test:${randomUUID().slice(0, 8)}`;
  const size = async (p: string): Promise<number> => (await stat(join(dir, p))).size;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bumpguard-docker-save-'));
    await mkdir(join(dir, 'rootfs/bin'), { recursive: true });
    await mkdir(join(dir, 'rootfs/etc'), { recursive: true });
    await mkdir(join(dir, 'rootfs/usr/local/bin'), { recursive: true });
    await mkdir(join(dir, 'certs'), { recursive: true });
    await copyFile('/bin/busybox', join(dir, 'rootfs/bin/busybox'));
    await symlink('busybox', join(dir, 'rootfs/bin/sh'));
    await writeFile(join(dir, 'rootfs/etc/motd'), 'welcome to the router\n'.repeat(10));
    await writeFile(join(dir, 'rootfs/etc/old.conf'), 'x'.repeat(3000));
    await copyFile('/bin/busybox', join(dir, 'rootfs/usr/local/bin/daemon'));
    await execa('/usr/bin/upx', ['-1', '-q', join(dir, 'rootfs/usr/local/bin/daemon')]);
    await symlink('daemon', join(dir, 'rootfs/usr/local/bin/daemond'));
    await writeFile(join(dir, 'certs/ca-certificates.crt'), '-----BEGIN CERTIFICATE-----\n'.repeat(300));
    await writeFile(join(dir, 'motd.new'), 'bumped\n');
    await writeFile(
      join(dir, 'Dockerfile'),
      [
        'FROM scratch',
        'COPY rootfs/ /',
        'COPY certs/ /etc/ssl/certs/',
        'COPY motd.new /etc/motd',
        'RUN ["/bin/busybox", "rm", "/etc/old.conf"]',
        '',
      ].join('\n'),
    );
    await execa(DOCKER, ['build', '--network', 'none', '--platform', HOST.platform, '-t', tag, dir], {
      env: { DOCKER_BUILDKIT: '1' },
      timeout: 300_000,
    });
  });

  after(async () => {
    await execa(DOCKER, ['rmi', '-f', tag], { reject: false });
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('measures layers, whiteouts, duplicates, the UPX-packed binary and ELF machines', { timeout: 120_000 }, async () => {
    const save = execa(DOCKER, ['save', tag], { buffer: false, timeout: 120_000 });
    const [a] = await Promise.all([
      analyseImage(save.stdout, { platform: HOST.platform, blockSize: 4096, binaryPath: '/usr/local/bin/daemond', top: 2 }),
      save,
    ]);
    const busybox = await size('rootfs/bin/busybox');
    const daemon = await size('rootfs/usr/local/bin/daemon');
    const motd = await size('rootfs/etc/motd');
    const motdNew = await size('motd.new');
    const certs = await size('certs/ca-certificates.crt');
    const oldConf = await size('rootfs/etc/old.conf');

    assert.deepStrictEqual(
      a.layers.map((l) => [l.fileCount, l.uncompressedBytes]),
      [
        [4, busybox + motd + oldConf + daemon],
        [1, certs],
        [1, motdNew],
        [0, 0],
      ],
    );
    assert.match(a.layers[3]?.createdBy ?? '', /RUN .*busybox.*rm.*old\.conf/);
    for (const layer of a.layers)
      assert.ok(layer.compressedBytes > 0 && layer.compressedBytes < (layer.tarBytes ?? 0), `${layer.id} is gzip-sized`);
    assert.equal(
      a.imageCompressedBytes,
      a.layers.reduce((sum, l) => sum + l.compressedBytes, 0),
    );
    assert.deepStrictEqual(a.files, [
      { path: '/bin/busybox', bytes: busybox },
      { path: '/etc/motd', bytes: motdNew },
      { path: '/etc/ssl/certs/ca-certificates.crt', bytes: certs },
      { path: '/usr/local/bin/daemon', bytes: daemon },
    ]);
    assert.equal(a.rootfsBytes, busybox + motdNew + certs + daemon);
    const r = (n: number): number => blockRound(n, 4096);
    assert.equal(a.flashBytes, r(busybox) + r(motd) + r(oldConf) + r(daemon) + r(certs) + r(motdNew));
    assert.equal(a.duplicateBytes, motd);
    assert.deepStrictEqual(
      a.largestFiles.map((f) => f.path),
      ['/bin/busybox', '/usr/local/bin/daemon'],
    );
    assert.deepStrictEqual(a.binary, { path: '/usr/local/bin/daemon', bytes: daemon, upx: true });
    assert.deepStrictEqual(a.elfs, [
      { path: '/bin/busybox', machine: HOST.machine, matches: true },
      { path: '/usr/local/bin/daemon', machine: HOST.machine, matches: true },
    ]);
    assert.equal(a.imagePlatform, HOST.platform);
  });
});
