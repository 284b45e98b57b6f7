import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { UpstreamError } from '../../errors.ts';
import { cachedUpstream } from './cached-upstream.ts';
import type { UpstreamSource } from './types.ts';

const root = mkdtempSync(join(tmpdir(), 'bumpguard-cache-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => join(root, `c${n++}`);

/** An upstream that counts reads and serves a fixed set of files. */
function countingSource(files: Record<string, string | null | Error>): UpstreamSource & { reads: string[] } {
  const reads: string[] = [];
  return {
    describe: 'counting',
    reads,
    async readFile(tag, path) {
      reads.push(`${tag}:${path}`);
      const value = files[`${tag}:${path}`];
      if (value instanceof Error) throw value;
      return value ?? null;
    },
  };
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
}

describe('cachedUpstream', () => {
  it('serves a second read from disk without touching the inner source, across instances', async () => {
    const inner = countingSource({ 'v1.98.5:feature/featuretags/featuretags.go': 'package featuretags\n' });
    const cacheDir = freshDir();
    const first = cachedUpstream(inner, { cacheDir, repo: 'tailscale/tailscale' });
    assert.equal(await first.readFile('v1.98.5', 'feature/featuretags/featuretags.go'), 'package featuretags\n');
    const second = cachedUpstream(inner, { cacheDir, repo: 'tailscale/tailscale' });
    assert.equal(await second.readFile('v1.98.5', 'feature/featuretags/featuretags.go'), 'package featuretags\n');
    assert.deepStrictEqual(inner.reads, ['v1.98.5:feature/featuretags/featuretags.go']);
  });

  it('caches "no such file" too', async () => {
    const inner = countingSource({});
    const cached = cachedUpstream(inner, { cacheDir: freshDir(), repo: 'tailscale/tailscale' });
    assert.equal(await cached.readFile('v1.88.0', 'feature/featuretags/featuretags.go'), null);
    assert.equal(await cached.readFile('v1.88.0', 'feature/featuretags/featuretags.go'), null);
    assert.equal(inner.reads.length, 1);
  });

  it('keys entries by repo, tag and path', async () => {
    const inner = countingSource({ 'v1.0.0:a.go': 'a', 'v1.0.1:a.go': 'b', 'v1.0.0:b/a.go': 'c' });
    const cacheDir = freshDir();
    const one = cachedUpstream(inner, { cacheDir, repo: 'o/one' });
    const two = cachedUpstream(inner, { cacheDir, repo: 'o/two' });
    const got = [await one.readFile('v1.0.0', 'a.go'), await one.readFile('v1.0.1', 'a.go'), await one.readFile('v1.0.0', 'b/a.go'), await two.readFile('v1.0.0', 'a.go')];
    assert.deepStrictEqual(got, ['a', 'b', 'c', 'a']);
    assert.equal(inner.reads.length, 4);
  });

  it('does not cache errors, and leaves no temporary files behind', async () => {
    const inner = countingSource({ 'v1.0.0:a.go': new UpstreamError('upstream-unreachable', 'down') });
    const cacheDir = freshDir();
    const cached = cachedUpstream(inner, { cacheDir, repo: 'o/r' });
    await assert.rejects(cached.readFile('v1.0.0', 'a.go'), { code: 'upstream-unreachable' });
    await assert.rejects(cached.readFile('v1.0.0', 'a.go'), { code: 'upstream-unreachable' });
    assert.equal(inner.reads.length, 2);
    await cached.readFile('v1.0.0', 'b.go');
    assert.ok(listFiles(cacheDir).every((f) => !f.startsWith('.tmp-')));
  });

  it('passes refs that can move (branches) straight through', async () => {
    const inner = countingSource({ 'main:a.go': 'x' });
    const cached = cachedUpstream(inner, { cacheDir: freshDir(), repo: 'o/r' });
    await cached.readFile('main', 'a.go');
    await cached.readFile('main', 'a.go');
    assert.equal(inner.reads.length, 2);
  });

  it('reports a cache location it cannot write', async () => {
    const cacheDir = join(root, 'a-file');
    writeFileSync(cacheDir, 'not a directory');
    const cached = cachedUpstream(countingSource({ 'v1.0.0:a.go': 'x' }), { cacheDir, repo: 'o/r' });
    await assert.rejects(cached.readFile('v1.0.0', 'a.go'), {
      code: 'upstream-cache-unwritable',
      userMessage: `Cannot write the upstream cache under ${cacheDir}; fix its permissions or pass another --cache.`,
    });
  });
});
