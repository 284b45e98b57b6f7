import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { execa } from 'execa';
import { FakeForge } from '../../test/helpers/fake-forge.ts';
import { makeTargetRepo } from '../../test/helpers/make-target-repo.ts';
import { BumpguardError, type PullRequest } from '../core/index.ts';
import { createForgeSourceTree, localGitRepo } from './source-trees.ts';

test('reads committed files per ref, lists a folder, diffs base...head and resolves refs', async (t) => {
  const target = await makeTargetRepo();
  t.after(() => target.cleanup());
  const repo = localGitRepo(target.dir);
  assert.match((await repo.readFile(target.base, 'Dockerfile'))!, /^ARG TAILSCALE_VERSION=v1\.98\.8$/m);
  assert.match((await repo.readFile(target.head, 'Dockerfile'))!, /^ARG TAILSCALE_VERSION=v1\.100\.0$/m);
  assert.equal(await repo.readFile(target.head, 'no/such/file'), null);
  assert.deepEqual(await repo.listFiles(target.head, 'patches'), ['patches/nologupload.go']);
  assert.ok((await repo.listFiles(target.head, '.')).includes('.bumpguard.yml'));
  const diff = await repo.diff(target.base, target.head);
  assert.match(diff, /^-ARG TAILSCALE_VERSION=v1\.98\.8\n\+ARG TAILSCALE_VERSION=v1\.100\.0$/m);
  assert.match(await repo.resolve(target.head), /^[0-9a-f]{40}$/);
});

test('file text keeps its final newline exactly', async (t) => {
  const target = await makeTargetRepo();
  t.after(() => target.cleanup());
  const text = await localGitRepo(target.dir).readFile(target.base, '.bumpguard.yml');
  assert.ok(text!.endsWith('\n') && !text!.endsWith('\n\n'));
});

test('an unknown ref is an error naming the ref', async (t) => {
  const target = await makeTargetRepo();
  t.after(() => target.cleanup());
  await assert.rejects(
    localGitRepo(target.dir).readFile('renovate/nope', 'Dockerfile'),
    (err: unknown) => err instanceof BumpguardError && err.code === 'ref-unknown' && /"renovate\/nope"/.test(err.userMessage),
  );
});

test('a directory that is not a git repository says so', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bumpguard-notgit-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await assert.rejects(
    localGitRepo(dir).diff('main', 'HEAD'),
    (err: unknown) =>
      err instanceof BumpguardError && err.code === 'repo-not-git' && err.userMessage.startsWith(`${dir} is not a git repository`),
  );
});

test('a bare clone reads like the work tree it came from', async (t) => {
  const target = await makeTargetRepo();
  const bare = `${target.dir}.git`;
  t.after(async () => {
    await target.cleanup();
    await rm(bare, { recursive: true, force: true });
  });
  await execa('git', ['clone', '-q', '--bare', target.dir, bare]);
  assert.equal(
    await localGitRepo(bare).readFile(target.head, 'Dockerfile'),
    await localGitRepo(target.dir).readFile(target.head, 'Dockerfile'),
  );
});

const BASE = 'b'.repeat(40);
const HEAD = 'h'.repeat(40);
const never = new AbortController().signal;
const pr: PullRequest = {
  number: 14,
  url: 'https://git.example.org/routers/tailscale-mikrotik/pulls/14',
  title: 'Update tailscale to v1.98.8',
  author: 'renovate',
  state: 'open',
  isFork: false,
  head: { ref: 'renovate/tailscale-1.x', sha: HEAD },
  base: { ref: 'main', sha: BASE },
};
const files = {
  [`${BASE}:Dockerfile`]: 'ARG TAILSCALE_VERSION=v1.98.5\n',
  [`${HEAD}:Dockerfile`]: 'ARG TAILSCALE_VERSION=v1.98.8\n',
  [`${HEAD}:patches/b.patch`]: '--- a\n',
  [`${HEAD}:patches/a.patch`]: '--- a\n',
  [`${HEAD}:rootfs/etc/hosts`]: '127.0.0.1 localhost\n',
};

async function setup(t: { after(fn: () => Promise<void>): void }) {
  const workspace = await mkdtemp(join(tmpdir(), 'bumpguard-forge-tree-'));
  const forge = new FakeForge({ pr, diff: 'diff --git a/Dockerfile b/Dockerfile\n', files });
  const tree = createForgeSourceTree({ forge, pr: { number: 14, baseSha: BASE, headSha: HEAD }, signal: never, workspace });
  t.after(async () => {
    await tree.dispose();
    await rm(workspace, { recursive: true, force: true });
  });
  const downloads = () => forge.calls.filter((c) => c.op === 'downloadTree').map((c) => (c.op === 'downloadTree' ? c.sha : ''));
  return { forge, tree, workspace, downloads };
}

test('each commit is downloaded once through the archive API, however many ask at once', async (t) => {
  const { tree, downloads, workspace } = await setup(t);
  const [a, b, c] = await Promise.all([tree.checkout(HEAD, never), tree.checkout(HEAD, never), tree.checkout(BASE, never)]);
  assert.equal(a, b);
  assert.notEqual(a, c);
  assert.ok(a.startsWith(join(workspace, 'bumpguard-tree-')), a);
  assert.equal(await readFile(join(a, 'Dockerfile'), 'utf8'), 'ARG TAILSCALE_VERSION=v1.98.8\n');
  assert.equal(await readFile(join(c, 'Dockerfile'), 'utf8'), 'ARG TAILSCALE_VERSION=v1.98.5\n');
  assert.deepEqual(downloads().sort(), [BASE, HEAD].sort());
});

test('listFiles lists a directory of the checkout, sorted, with forward slashes; outside the tree or missing is empty', async (t) => {
  const { tree } = await setup(t);
  assert.deepEqual(await tree.listFiles(HEAD, 'patches'), ['patches/a.patch', 'patches/b.patch']);
  assert.deepEqual(await tree.listFiles(HEAD, ''), ['Dockerfile', 'patches/a.patch', 'patches/b.patch', 'rootfs/etc/hosts']);
  assert.deepEqual(await tree.listFiles(HEAD, 'no-such-dir'), []);
  assert.deepEqual(await tree.listFiles(HEAD, '../..'), [], 'a path out of the checkout lists nothing');
});

test('single files come from the forge API at the ref asked, not from a checkout', async (t) => {
  const { tree, downloads } = await setup(t);
  assert.equal(await tree.readFile(BASE, 'Dockerfile'), 'ARG TAILSCALE_VERSION=v1.98.5\n');
  assert.equal(await tree.readFile(HEAD, 'missing.txt'), null);
  assert.deepEqual(downloads(), []);
});

test("only the PR's own base..head diff is answered, fetched once; any other pair is a typed error", async (t) => {
  const { tree, forge } = await setup(t);
  let fetched = 0;
  forge.getDiff = async () => {
    fetched++;
    return 'diff --git a/Dockerfile b/Dockerfile\n';
  };
  assert.equal(await tree.diff(BASE, HEAD), 'diff --git a/Dockerfile b/Dockerfile\n');
  await tree.diff(BASE, HEAD);
  assert.equal(fetched, 1);
  await assert.rejects(
    tree.diff(HEAD, BASE),
    (err) =>
      err instanceof BumpguardError && err.code === 'diff-unavailable' && /asked for hhhhhhhhhhhh\.\.bbbbbbbbbbbb/.test(err.userMessage),
  );
});

test('a failed download is tried again by the next checkout; dispose removes every directory', async (t) => {
  const { tree, forge, workspace } = await setup(t);
  const real = forge.downloadTree.bind(forge);
  let attempts = 0;
  forge.downloadTree = async (sha: string, dir: string) => {
    if (++attempts === 1) throw new Error('archive download cut off');
    return real(sha, dir);
  };
  await assert.rejects(tree.checkout(HEAD, never), /archive download cut off/);
  const dir = await tree.checkout(HEAD, never);
  assert.equal(attempts, 2);
  assert.ok(existsSync(join(dir, 'Dockerfile')));
  await tree.dispose();
  assert.ok(!existsSync(dir), 'the checkout is gone');
  assert.deepEqual(await readdir(workspace), [], "the failed attempt's directory is gone too");
});
