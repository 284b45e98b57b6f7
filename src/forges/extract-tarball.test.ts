import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { pack, type Header } from 'tar-stream';
import { CancelledError, ForgeError } from '../core/index.ts';
import { extractTarball } from './extract-tarball.ts';

type Entry = Partial<Header> & { name: string; content?: string };

/** A .tar.gz as a forge serves it, built in memory. */
async function tarball(entries: Entry[]): Promise<Buffer> {
  const p = pack();
  for (const { content, ...header } of entries) {
    p.entry({ type: 'file', mode: 0o644, ...header }, content ?? '');
  }
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of p) chunks.push(Buffer.from(chunk as Uint8Array));
  return gzipSync(Buffer.concat(chunks));
}

async function extractInto(entries: Entry[], signal = new AbortController().signal) {
  const dir = await mkdtemp(join(tmpdir(), 'bumpguard-extract-test-'));
  const run = extractTarball(Readable.from([await tarball(entries)]), dir, { forge: 'gitea', signal });
  return { dir, run, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

const refused = (pattern: RegExp) => (err: unknown) =>
  err instanceof ForgeError && err.code === 'bad-response' && err.op === 'downloadTree' && pattern.test(err.userMessage);

test('strips the top folder and keeps the execute bit of scripts', async () => {
  const { dir, run, cleanup } = await extractInto([
    { name: 'router-image/', type: 'directory', mode: 0o755 },
    { name: 'router-image/Dockerfile', content: 'FROM scratch\n' },
    { name: 'router-image/scripts/entry.sh', content: '#!/bin/sh\n', mode: 0o4755 },
  ]);
  try {
    assert.deepEqual(await run, { files: 2 });
    assert.equal(await readFile(join(dir, 'Dockerfile'), 'utf8'), 'FROM scratch\n');
    assert.equal((await stat(join(dir, 'scripts/entry.sh'))).mode & 0o7777, 0o755);
  } finally {
    await cleanup();
  }
});

test('keeps a relative link that stays inside the tree', async () => {
  const { dir, run, cleanup } = await extractInto([
    { name: 'top/rootfs/bin/busybox', content: 'ELF' },
    { name: 'top/rootfs/usr/bin/env', type: 'symlink', linkname: '../../bin/busybox' },
  ]);
  try {
    await run;
    assert.equal(await readlink(join(dir, 'rootfs/usr/bin/env')), '../../bin/busybox');
  } finally {
    await cleanup();
  }
});

test('refuses an entry that climbs out with ..', async () => {
  const { run, cleanup } = await extractInto([{ name: 'top/../../etc/cron.d/x', content: 'boom' }]);
  try {
    await assert.rejects(run, refused(/escapes the tree/));
  } finally {
    await cleanup();
  }
});

test('refuses an absolute link target', async () => {
  const { run, cleanup } = await extractInto([{ name: 'top/key', type: 'symlink', linkname: '/etc/ssh/ssh_host_rsa_key' }]);
  try {
    await assert.rejects(run, refused(/outside the tree/));
  } finally {
    await cleanup();
  }
});

test('refuses a link that only escapes when other links are followed', async () => {
  const { run, cleanup } = await extractInto([
    { name: 'top/a', type: 'symlink', linkname: '.' },
    { name: 'top/c/b', type: 'symlink', linkname: '../a/a/..' },
  ]);
  try {
    await assert.rejects(run, refused(/link c\/b points outside/));
  } finally {
    await cleanup();
  }
});

test('refuses to write a file through a link', async () => {
  const { run, cleanup } = await extractInto([
    { name: 'top/sub', type: 'directory' },
    { name: 'top/alias', type: 'symlink', linkname: 'sub' },
    { name: 'top/alias/file', content: 'x' },
  ]);
  try {
    await assert.rejects(run, refused(/written through the link alias/));
  } finally {
    await cleanup();
  }
});

test('a body that is not gzip is a bad response, not a crash', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'bumpguard-extract-test-'));
  try {
    const run = extractTarball(Readable.from([Buffer.from('<html>login</html>')]), dir, {
      forge: 'github',
      signal: new AbortController().signal,
    });
    await assert.rejects(run, refused(/not a readable \.tar\.gz/));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('an aborted download is a cancellation', async () => {
  const controller = new AbortController();
  controller.abort(new Error('superseded'));
  const { run, cleanup } = await extractInto([{ name: 'top/Dockerfile', content: 'FROM scratch\n' }], controller.signal);
  try {
    await assert.rejects(run, CancelledError);
  } finally {
    await cleanup();
  }
});
