import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { UpstreamError, type UpstreamSource } from '../core/index.ts';
import { cachedUpstream, createUpstream, fixturesUpstream } from './create-upstream.ts';

const root = mkdtempSync(join(tmpdir(), 'bumpguard-create-upstream-'));
after(() => rmSync(root, { recursive: true, force: true }));
const base = { repo: 'tailscale/tailscale', cwd: root };

describe('createUpstream', () => {
  // `describe` may be shown on a PR: it says what the source is, never where it is on the host.
  it('reads the GitHub API for "github", through the cache when one is given', async () => {
    assert.equal((await createUpstream('github', base)).describe, 'github tailscale/tailscale');
    assert.equal(
      (await createUpstream('github', { ...base, cacheDir: join(root, 'cache') })).describe,
      'github tailscale/tailscale (cached)',
    );
  });

  it('treats a clone or a bare repository as git, relative to cwd', async () => {
    mkdirSync(join(root, 'clone'));
    execFileSync('git', ['init', '-q', join(root, 'clone')]);
    execFileSync('git', ['init', '-q', '--bare', join(root, 'bare.git')]);
    assert.equal((await createUpstream('clone', base)).describe, 'a local git mirror');
    const bare = await createUpstream(join(root, 'bare.git'), { ...base, cacheDir: join(root, 'cache') });
    assert.equal(bare.describe, 'a local git mirror (cached)');
    assert.equal(bare.history?.describe, 'git log of a local mirror');
  });

  it('treats any other directory as fixtures (<dir>/<tag>/<path>)', async () => {
    mkdirSync(join(root, 'fixtures/v1.0.0'), { recursive: true });
    writeFileSync(join(root, 'fixtures/v1.0.0/a.go'), 'a');
    const upstream = await createUpstream('fixtures', base);
    assert.equal(upstream.describe, 'a fixtures directory');
    assert.equal(await upstream.readFile('v1.0.0', 'a.go'), 'a');
  });

  it('says what it expected when the directory does not exist', async () => {
    await assert.rejects(createUpstream('nope', base), {
      code: 'upstream-not-found',
      userMessage:
        '--upstream nope: no such directory (give a clone or bare mirror of tailscale/tailscale, a fixtures directory, or "github").',
    });
  });
});

const cacheRoot = mkdtempSync(join(tmpdir(), 'bumpguard-cache-'));
after(() => rmSync(cacheRoot, { recursive: true, force: true }));
let n = 0;
const freshDir = () => join(cacheRoot, `c${n++}`);

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
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name);
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
    const got = [
      await one.readFile('v1.0.0', 'a.go'),
      await one.readFile('v1.0.1', 'a.go'),
      await one.readFile('v1.0.0', 'b/a.go'),
      await two.readFile('v1.0.0', 'a.go'),
    ];
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
    const cacheDir = join(cacheRoot, 'a-file');
    writeFileSync(cacheDir, 'not a directory');
    const cached = cachedUpstream(countingSource({ 'v1.0.0:a.go': 'x' }), { cacheDir, repo: 'o/r' });
    await assert.rejects(cached.readFile('v1.0.0', 'a.go'), {
      code: 'upstream-cache-unwritable',
      userMessage: `Cannot write the upstream cache under ${cacheDir}; fix its permissions or pass another --cache.`,
    });
  });
});

const dir = mkdtempSync(join(tmpdir(), 'bumpguard-fixtures-upstream-'));
mkdirSync(join(dir, 'v1.98.5/feature/featuretags'), { recursive: true });
writeFileSync(join(dir, 'v1.98.5/feature/featuretags/featuretags.go'), 'package featuretags\n');
after(() => rmSync(dir, { recursive: true, force: true }));

describe('fixturesUpstream', () => {
  const upstream = fixturesUpstream(dir);

  it('reads <dir>/<tag>/<path>', async () => {
    assert.equal(await upstream.readFile('v1.98.5', 'feature/featuretags/featuretags.go'), 'package featuretags\n');
  });

  it('returns null for a file the tag does not have, or a directory', async () => {
    assert.equal(await upstream.readFile('v1.98.5', 'cmd/featuretags/featuretags.go'), null);
    assert.equal(await upstream.readFile('v1.98.5', 'feature/featuretags'), null);
    assert.equal(await upstream.readFile('v1.98.5', 'feature/featuretags/featuretags.go/x'), null);
  });

  it('throws upstream-tag-missing for a tag without a directory', async () => {
    await assert.rejects(upstream.readFile('v1.98.6', 'feature/featuretags/featuretags.go'), { code: 'upstream-tag-missing' });
  });

  it('never reads outside the fixtures directory', async () => {
    await assert.rejects(upstream.readFile('v1.98.5', '../../etc/passwd'), { code: 'upstream-bad-path' });
    await assert.rejects(upstream.readFile('..', 'etc/passwd'), { code: 'upstream-bad-ref' });
  });
});
