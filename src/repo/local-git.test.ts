import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { BumpguardError } from '../errors.ts';
import { makeTargetRepo } from '../../test/helpers/make-target-repo.ts';
import { localGitRepo } from './local-git.ts';

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
    (err: unknown) => err instanceof BumpguardError && err.code === 'repo-not-git' && err.userMessage.startsWith(`${dir} is not a git repository`),
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
  assert.equal(await localGitRepo(bare).readFile(target.head, 'Dockerfile'), await localGitRepo(target.dir).readFile(target.head, 'Dockerfile'));
});
