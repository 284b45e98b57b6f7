import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { UpstreamError } from '../core/index.ts';
import { gitUpstream } from './git-upstream.ts';

const TABLE = 'feature/featuretags/featuretags.go';
let root: string;
let clone: string;
let bare: string;

function git(cwd: string, ...args: string[]): void {
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@example.invalid',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@example.invalid',
    GIT_CONFIG_GLOBAL: '/dev/null',
  };
  execFileSync('git', args, { cwd, env, stdio: 'pipe' });
}

before(() => {
  root = mkdtempSync(join(tmpdir(), 'bumpguard-git-upstream-'));
  clone = join(root, 'clone');
  mkdirSync(join(clone, 'feature/featuretags'), { recursive: true });
  git(clone, 'init', '-q', '-b', 'main');
  writeFileSync(join(clone, TABLE), 'package featuretags // v1\n\n');
  git(clone, 'add', '.');
  git(clone, 'commit', '-q', '-m', 'one');
  git(clone, 'tag', 'v1.90.0');
  writeFileSync(join(clone, TABLE), 'package featuretags // v2\n');
  writeFileSync(join(clone, 'added.go'), 'package added\n');
  git(clone, 'add', '.');
  git(clone, 'commit', '-q', '-m', 'two');
  git(clone, 'tag', '-a', '-m', 'annotated', 'v1.92.0');
  bare = join(root, 'mirror.git');
  git(root, 'clone', '-q', '--mirror', clone, bare);
});
after(() => rmSync(root, { recursive: true, force: true }));

describe('gitUpstream', () => {
  it('reads a file at a lightweight and at an annotated tag, byte for byte', async () => {
    const upstream = gitUpstream(clone);
    assert.equal(await upstream.readFile('v1.90.0', TABLE), 'package featuretags // v1\n\n');
    assert.equal(await upstream.readFile('v1.92.0', TABLE), 'package featuretags // v2\n');
  });

  it('reads from a bare mirror the same way', async () => {
    assert.equal(await gitUpstream(bare).readFile('v1.92.0', 'added.go'), 'package added\n');
  });

  it('returns null for a file or directory missing at that tag', async () => {
    const upstream = gitUpstream(bare);
    assert.equal(await upstream.readFile('v1.90.0', 'added.go'), null);
    assert.equal(await upstream.readFile('v1.90.0', 'feature/featuretags'), null);
  });

  it('throws a clear UpstreamError for a missing tag', async () => {
    await assert.rejects(gitUpstream(bare).readFile('v9.9.9', TABLE), (err: unknown) => {
      assert.ok(err instanceof UpstreamError);
      assert.equal(err.code, 'upstream-tag-missing');
      assert.equal(
        err.userMessage,
        'Tag v9.9.9 does not exist in the local upstream mirror; fetch tags there (git fetch --tags) or pick another tag.',
      );
      return true;
    });
  });

  it('refuses a directory that is not a git repository', async () => {
    const plain = join(root, 'plain');
    mkdirSync(plain);
    await assert.rejects(gitUpstream(plain).readFile('v1.90.0', TABLE), { name: 'UpstreamError', code: 'upstream-not-git' });
  });

  it('refuses tags and paths that could be read as git options or escape the tree', async () => {
    const upstream = gitUpstream(bare);
    await assert.rejects(upstream.readFile('--output=/tmp/x', TABLE), { code: 'upstream-bad-ref' });
    await assert.rejects(upstream.readFile('v1.90.0', '../etc/passwd'), { code: 'upstream-bad-path' });
  });
});
