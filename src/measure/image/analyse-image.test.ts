import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { elfFile, EM, makeImageTar, makeLayerTar, type ArchiveSpec, type LayerSpec } from '../../../test/helpers/make-image-tar.ts';
import { BumpguardError, type ImageAnalysis } from '../../core/index.ts';
import { analyseImage, createGcPacer } from './analyse-image.ts';

const arm = (size: number, upx = false): Buffer => elfFile({ eMachine: EM.arm, bits: 32, endian: 'le', size, upx });
const text = (n: number, seed = 'x'): Buffer => Buffer.alloc(n, seed);

/** A router image in the usual RouterOS Tailscale style, with every case the analysis must get right. */
function routerLayers(compression: LayerSpec['compression'] = 'none'): LayerSpec[] {
  return [
    {
      createdBy: 'COPY rootfs / # buildkit',
      compression,
      entries: [
        { path: '/bin', type: 'dir' },
        { path: '/bin/busybox', content: arm(5000) },
        { path: '/bin/sh', type: 'symlink', target: 'busybox' },
        { path: '/bin/ls', type: 'hardlink', target: '/bin/busybox' },
        { path: '/etc/motd', content: text(100) },
        { path: '/etc/old.conf', content: text(3000) },
        { path: '/etc/shared.txt', content: text(4097) },
        { path: '/var/cache/a.txt', content: text(2000) },
        { path: '/var/cache/b.txt', content: text(1000) },
      ],
    },
    {
      createdBy: 'COPY ca-certificates.crt /etc/ssl/certs/ # buildkit',
      compression,
      entries: [
        { path: '/etc/ssl/certs/ca-certificates.crt', content: text(10000, 'c') },
        { path: '/etc/shared.txt', content: text(100, 's') },
      ],
    },
    {
      createdBy: 'COPY bin /usr/local/bin # buildkit',
      compression,
      entries: [
        { path: '/usr/local/bin/tailscale.combined', content: arm(20000, true) },
        { path: '/usr/local/bin/tailscaled', type: 'symlink', target: 'tailscale.combined' },
        { path: '/usr/local/bin/tailscale', type: 'symlink', target: '/usr/local/bin/tailscale.combined' },
        { path: '/usr/local/bin/helper', content: elfFile({ eMachine: EM.x86_64, bits: 64, endian: 'le', size: 300 }) },
        { path: '/etc/.wh.old.conf', content: '' },
        { path: '/var/cache/.wh..wh..opq', content: '' },
        { path: '/var/cache/c.txt', content: text(500) },
      ],
    },
    {
      createdBy: 'COPY entrypoint.sh / # buildkit',
      compression,
      entries: [{ path: '/entrypoint.sh', content: '#!/bin/sh\n'.padEnd(200, '#') }],
    },
  ];
}

const OPTS = { platform: 'linux/arm/v7', blockSize: 4096, binaryPath: '/usr/local/bin/tailscaled', top: 3 };

/** Figures of routerLayers() that do not depend on how the archive stores the layers. */
function assertRouterFigures(a: ImageAnalysis): void {
  assert.deepStrictEqual(
    a.layers.map((l) => [l.uncompressedBytes, l.fileCount, l.createdBy]),
    [
      [5000 + 100 + 3000 + 4097 + 2000 + 1000, 7, 'COPY rootfs / # buildkit'],
      [10000 + 100, 2, 'COPY ca-certificates.crt /etc/ssl/certs/ # buildkit'],
      [20000 + 300 + 500, 3, 'COPY bin /usr/local/bin # buildkit'],
      [200, 1, 'COPY entrypoint.sh / # buildkit'],
    ],
  );
  assert.deepStrictEqual(a.files, [
    { path: '/bin/busybox', bytes: 5000 },
    { path: '/bin/ls', bytes: 5000 },
    { path: '/entrypoint.sh', bytes: 200 },
    { path: '/etc/motd', bytes: 100 },
    { path: '/etc/shared.txt', bytes: 100 },
    { path: '/etc/ssl/certs/ca-certificates.crt', bytes: 10000 },
    { path: '/usr/local/bin/helper', bytes: 300 },
    { path: '/usr/local/bin/tailscale.combined', bytes: 20000 },
    { path: '/var/cache/c.txt', bytes: 500 },
  ]);
  // busybox and its hardlink ls are one inode.
  assert.equal(a.rootfsBytes, 5000 + 200 + 100 + 100 + 10000 + 300 + 20000 + 500);
  // Layer 1: 8192+4096+4096+8192+4096+4096; layer 2: 12288+4096; layer 3: 20480+4096+4096; layer 4: 4096.
  assert.equal(a.flashBytes, 32768 + 16384 + 28672 + 4096);
  assert.equal(a.blockSize, 4096);
  assert.equal(a.duplicateBytes, 4097);
  assert.deepStrictEqual(a.largestFiles, [
    { path: '/usr/local/bin/tailscale.combined', bytes: 20000 },
    { path: '/etc/ssl/certs/ca-certificates.crt', bytes: 10000 },
    { path: '/bin/busybox', bytes: 5000 },
  ]);
  assert.deepStrictEqual(a.binary, { path: '/usr/local/bin/tailscale.combined', bytes: 20000, upx: true });
  assert.deepStrictEqual(a.elfs, [
    { path: '/bin/busybox', machine: 'arm', matches: true },
    { path: '/bin/ls', machine: 'arm', matches: true },
    { path: '/usr/local/bin/helper', machine: 'x86_64', matches: false },
    { path: '/usr/local/bin/tailscale.combined', machine: 'arm', matches: true },
  ]);
}

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bumpguard-analyse-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeArchive(spec: ArchiveSpec): Promise<{ path: string; built: Awaited<ReturnType<typeof makeImageTar>> }> {
  const built = await makeImageTar(spec);
  const path = join(dir, `${spec.layout}-${Math.random().toString(36).slice(2)}.tar`);
  await writeFile(path, built.tar);
  return { path, built };
}

describe('analyseImage on a legacy docker save archive', () => {
  it('measures a shuffled archive whose manifest.json comes after the layers', async () => {
    const { path, built } = await writeArchive({
      layout: 'docker-legacy',
      order: 'shuffled',
      seed: 42,
      images: [{ platform: 'linux/arm/v7', layers: routerLayers() }],
    });
    const a = await analyseImage(path, OPTS);
    assertRouterFigures(a);
    const layers = built.layers[0] ?? [];
    // Uncompressed layers are gzipped on the fly, as `docker push` would.
    assert.deepStrictEqual(
      a.layers.map((l) => l.compressedBytes),
      layers.map((l) => gzipSync(l.tar).length),
    );
    assert.equal(
      a.imageCompressedBytes,
      layers.reduce((sum, l) => sum + gzipSync(l.tar).length, 0),
    );
    assert.deepStrictEqual(
      a.layers.map((l) => [l.id, l.tarBytes, l.compression]),
      layers.map((l) => [l.diffId, l.tar.length, 'none']),
    );
    assert.equal(a.platform, 'linux/arm/v7');
    assert.equal(a.imagePlatform, 'linux/arm/v7');
  });

  it('reads a stream as well as a path', async () => {
    const { path, built } = await writeArchive({ layout: 'docker-legacy', images: [{ platform: 'linux/arm/v7', layers: routerLayers() }] });
    const chunks = Array.from({ length: Math.ceil(built.tar.length / 999) }, (_, i) => built.tar.subarray(i * 999, i * 999 + 999));
    assert.deepStrictEqual(await analyseImage(Readable.from(chunks), OPTS), await analyseImage(path, OPTS));
  });

  it('counts a layer Docker stored as a symlink to an identical layer at each position', async () => {
    const same: LayerSpec = { createdBy: 'COPY same /', entries: [{ path: '/same', content: text(10) }] };
    const other: LayerSpec = { createdBy: 'COPY other /', entries: [{ path: '/other', content: text(20) }] };
    const { path } = await writeArchive({
      layout: 'docker-legacy',
      order: 'shuffled',
      seed: 3,
      images: [{ platform: 'linux/amd64', layers: [same, other, same] }],
    });
    const a = await analyseImage(path, { ...OPTS, platform: 'linux/amd64' });
    assert.deepStrictEqual(
      a.layers.map((l) => [l.createdBy, l.fileCount]),
      [
        ['COPY same /', 1],
        ['COPY other /', 1],
        ['COPY same /', 1],
      ],
    );
    assert.equal(a.duplicateBytes, 10);
    assert.equal(a.flashBytes, 3 * 4096);
  });

  it("reads Docker's 1024-byte empty layer as a layer with no files", async () => {
    const empty: LayerSpec = { createdBy: 'RUN true', entries: [], rawTar: Buffer.alloc(1024) };
    const { path } = await writeArchive({
      layout: 'docker-legacy',
      images: [{ platform: 'linux/amd64', layers: [empty, ...routerLayers().slice(3)] }],
    });
    const a = await analyseImage(path, { ...OPTS, platform: 'linux/amd64' });
    assert.deepStrictEqual(
      a.layers.map((l) => [l.fileCount, l.tarBytes, l.compressedBytes]),
      [
        [0, 1024, gzipSync(Buffer.alloc(1024)).length],
        [1, 2048, a.layers[1]?.compressedBytes],
      ],
    );
    assert.deepStrictEqual(a.files, [{ path: '/entrypoint.sh', bytes: 200 }]);
  });
});

describe('analyseImage on Docker 25+ and OCI archives', () => {
  it('maps config history to layers past ENV/CMD steps in a Docker 25+ save', async () => {
    const { path, built } = await writeArchive({
      layout: 'docker-oci',
      order: 'shuffled',
      seed: 7,
      images: [
        { platform: 'linux/arm/v7', layers: routerLayers(), emptyHistory: ['ENV TS_STATE=/var/lib/tailscale', 'ARG TAILSCALE_VERSION'] },
      ],
    });
    const a = await analyseImage(path, OPTS);
    assertRouterFigures(a);
    assert.deepStrictEqual(
      a.layers.map((l) => l.id),
      (built.layers[0] ?? []).map((l) => l.digest),
    );
  });

  it('picks the wanted platform out of a buildx multi-platform OCI layout with gzip layers and attestations', async () => {
    const amd64: LayerSpec[] = [
      {
        createdBy: 'COPY bin /',
        compression: 'gzip',
        entries: [
          { path: '/usr/local/bin/tailscale.combined', content: elfFile({ eMachine: EM.x86_64, bits: 64, endian: 'le', size: 9999 }) },
        ],
      },
    ];
    const { path, built } = await writeArchive({
      layout: 'oci',
      order: 'shuffled',
      seed: 11,
      attestation: true,
      images: [
        { platform: 'linux/amd64', layers: amd64 },
        { platform: 'linux/arm/v7', layers: routerLayers('gzip') },
      ],
    });
    const a = await analyseImage(path, OPTS);
    assertRouterFigures(a);
    const layers = built.layers[1] ?? [];
    // Compressed blobs are what gets pushed: their size is taken as is.
    assert.deepStrictEqual(
      a.layers.map((l) => [l.id, l.compressedBytes, l.tarBytes, l.compression]),
      layers.map((l) => [l.digest, l.blob.length, l.tar.length, 'gzip']),
    );
    const other = await analyseImage(path, { ...OPTS, platform: 'linux/amd64' });
    assert.deepStrictEqual(other.elfs, [{ path: '/usr/local/bin/tailscale.combined', machine: 'x86_64', matches: true }]);
  });

  it('reads zstd-compressed layers', async () => {
    const { path, built } = await writeArchive({ layout: 'oci', images: [{ platform: 'linux/arm/v7', layers: routerLayers('zstd') }] });
    const a = await analyseImage(path, OPTS);
    assertRouterFigures(a);
    assert.deepStrictEqual(
      a.layers.map((l) => [l.compressedBytes, l.compression]),
      (built.layers[0] ?? []).map((l) => [l.blob.length, 'zstd']),
    );
  });

  it('flags every binary of an image built for the wrong platform', async () => {
    // One image plus its attestation: the attestation is no candidate, so the image is analysed.
    const { path } = await writeArchive({
      layout: 'oci',
      attestation: true,
      images: [{ platform: 'linux/arm/v7', layers: routerLayers('gzip') }],
    });
    const a = await analyseImage(path, { ...OPTS, platform: 'linux/arm64' });
    assert.deepStrictEqual(
      a.elfs.map((e) => [e.machine, e.matches]),
      [
        ['arm', false],
        ['arm', false],
        ['x86_64', false],
        ['arm', false],
      ],
    );
    assert.equal(a.imagePlatform, 'linux/arm/v7');
  });
});

describe('analyseImage failures', () => {
  const isError =
    (code: string, pattern: RegExp) =>
    (err: unknown): boolean =>
      err instanceof BumpguardError && err.code === code && pattern.test(err.userMessage);

  it('names the platforms an archive has when the wanted one is missing', async () => {
    const { path } = await writeArchive({
      layout: 'oci',
      images: [
        { platform: 'linux/amd64', layers: routerLayers('gzip') },
        { platform: 'linux/arm64', layers: routerLayers('gzip') },
      ],
    });
    await assert.rejects(
      analyseImage(path, { ...OPTS, platform: 'linux/arm/v7' }),
      isError('image-unreadable', /no image for linux\/arm\/v7 \(it has linux\/amd64, linux\/arm64\)/),
    );
  });

  it('says a file that is not an image archive is not one', async () => {
    const path = join(dir, 'notes.tar');
    await writeFile(path, 'just some notes, not a tar at all'.repeat(40));
    await assert.rejects(analyseImage(path, OPTS), isError('image-unreadable', /notes\.tar/));
  });

  it('reports a missing archive as missing', async () => {
    await assert.rejects(analyseImage(join(dir, 'nope.tar'), OPTS), isError('image-missing', /nope\.tar/));
  });

  it('rejects a corrupt gzip layer instead of hanging', async () => {
    const corrupt = Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]), Buffer.alloc(3_000_000, 0xff)]);
    const { path } = await writeArchive({
      layout: 'docker-legacy',
      images: [{ platform: 'linux/arm/v7', layers: [{ createdBy: 'COPY x /', entries: [], rawTar: corrupt }] }],
    });
    await assert.rejects(analyseImage(path, OPTS), isError('image-unreadable', /not a readable tar/));
  });

  it('rejects a layer tar with a broken header in the middle of a large layer', async () => {
    const good = await makeLayerTar([
      { path: '/big', content: text(2_000_000) },
      { path: '/after', content: text(10) },
    ]);
    const broken = Buffer.from(good);
    broken.fill(0x41, 512 + 2_000_000, 512 + 2_000_000 + 100); // the second header, checksum now wrong
    const { path } = await writeArchive({
      layout: 'docker-legacy',
      images: [
        {
          platform: 'linux/arm/v7',
          layers: [{ createdBy: 'COPY x /', entries: [], rawTar: Buffer.concat([broken, Buffer.alloc(4_000_000)]) }],
        },
      ],
    });
    await assert.rejects(analyseImage(path, OPTS), isError('image-unreadable', /not a readable tar/));
  });

  it('reports a layer named by the manifest but absent from the archive', async () => {
    const { path } = await writeArchive({
      layout: 'oci',
      images: [{ platform: 'linux/arm/v7', layers: routerLayers('gzip') }],
      omit: (_name, content) => content?.[0] === 0x1f,
    });
    await assert.rejects(analyseImage(path, OPTS), isError('image-unreadable', /layer blobs\/sha256\/[0-9a-f]{64} is missing/));
  });
});

describe('createGcPacer', () => {
  it('asks for one incremental major GC per interval of bytes read', () => {
    const calls: unknown[] = [];
    const pace = createGcPacer(100, (options: unknown) => calls.push(options));
    for (let i = 0; i < 25; i++) pace(10);
    assert.deepStrictEqual(calls, [
      { type: 'major', execution: 'async' },
      { type: 'major', execution: 'async' },
    ]);
  });

  it('does nothing when the process does not expose gc', () => {
    assert.doesNotThrow(() => createGcPacer(1, undefined)(10));
  });
});
