import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BuildCache } from './build-cache.ts';

/** Writes a blob into an OCI layout as BuildKit's local cache exporter does; returns its digest. */
async function blob(dir: string, content: string | object): Promise<string> {
  const text = typeof content === 'string' ? content : JSON.stringify(content);
  const hex = createHash('sha256').update(text).digest('hex');
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  await writeFile(join(dir, 'blobs', 'sha256', hex), text);
  return `sha256:${hex}`;
}

/** A cache export: a layer, a cache config naming it, a manifest list naming both, index.json naming the list. */
async function exportCache(dir: string, layerText: string): Promise<string> {
  const layer = await blob(dir, layerText);
  const config = await blob(dir, { layers: [{ blob: layer, parent: -1 }], records: [] });
  const list = await blob(dir, { schemaVersion: 2, manifests: [{ digest: layer, size: layerText.length }, { digest: config }] });
  await writeFile(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ digest: list }] }));
  return layer;
}

test('build cache: a directory per repo and platform, imported only once it holds an export', async () => {
  const root = await mkdtemp(join(tmpdir(), 'bumpguard-cache-'));
  try {
    const cache = new BuildCache(root, 1024 * 1024);
    const first = await cache.dirFor('routers/tailscale-mikrotik', 'linux/arm/v7');
    assert.equal(first.import, false);
    assert.match(first.dir, /\/[0-9a-f]{16}\/linux-arm-v7$/);
    await exportCache(first.dir, 'layer');
    assert.deepStrictEqual(await cache.dirFor('routers/tailscale-mikrotik', 'linux/arm/v7'), { ...first, import: true });
    assert.notEqual((await cache.dirFor('other/repo', 'linux/arm/v7')).dir, first.dir);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('build cache: blobs the last export no longer names go, then whole directories used longest ago until under the bound', async () => {
  const root = await mkdtemp(join(tmpdir(), 'bumpguard-cache-'));
  try {
    const cache = new BuildCache(root, 4000);
    const old = await cache.dirFor('a/old', 'linux/amd64');
    await exportCache(old.dir, 'x'.repeat(3000));
    const recent = await cache.dirFor('b/recent', 'linux/amd64');
    const stale = await exportCache(recent.dir, 'y'.repeat(3000));
    const kept = await exportCache(recent.dir, 'z'.repeat(1000));
    await utimes(old.dir, new Date('2025-01-01'), new Date('2025-01-01'));
    const { removed, bytes } = await cache.prune();
    assert.deepStrictEqual(removed, [old.dir], 'the least recently used repository goes first');
    assert.ok(bytes <= 4000, `${bytes} bytes left`);
    const blobs = await readdir(join(recent.dir, 'blobs', 'sha256'));
    assert.ok(!blobs.includes(stale.split(':')[1]!), 'the superseded layer is gone');
    assert.ok(blobs.includes(kept.split(':')[1]!), 'the layer the index names stays');
    assert.equal(blobs.length, 3, 'the layer, its cache config and the manifest list');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
