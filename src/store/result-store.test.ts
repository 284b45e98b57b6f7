import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from './open-store.ts';
import { ResultStore } from './result-store.ts';
import type { SideResult } from '../core/index.ts';

const side = (bytes: number, error?: string): SideResult => ({
  commit: 'abc',
  version: 'v1.90.1',
  cached: false,
  canaries: [],
  ram: null,
  analysis: error
    ? null
    : {
        platform: 'linux/amd64',
        layers: [],
        imageCompressedBytes: bytes,
        rootfsBytes: bytes,
        flashBytes: bytes,
        blockSize: 4096,
        duplicateBytes: 0,
        files: [],
        largestFiles: [],
        binary: null,
        elfs: [],
      },
  ...(error ? { error: { message: error, logTail: '' } } : {}),
});

test('a measured result survives reopening the database file (base is built once)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bg-store-'));
  try {
    const path = join(dir, 'nested', 'bumpguard.db');
    const key = { repo: 'r', commit: 'abc', platform: 'linux/amd64', inputsHash: 'h1' };
    const a = openDatabase(path);
    new ResultStore(a).saveResult(key, side(4_200_000), '2026-01-01T00:00:00Z');
    a.close();
    const b = openDatabase(path);
    const store = new ResultStore(b);
    assert.equal(store.findResult(key)?.analysis?.imageCompressedBytes, 4_200_000);
    assert.equal(store.findResult({ ...key, inputsHash: 'h2' }), null, 'different build inputs are a different result');
    b.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a failed build is not cached, so the next run retries it', () => {
  const store = new ResultStore(openDatabase(':memory:'));
  const key = { repo: 'r', commit: 'abc', platform: 'linux/arm/v7', inputsHash: 'h' };
  store.saveResult(key, side(0, 'exit 1'), 't');
  assert.equal(store.findResult(key), null);
});

test('overrides apply to their head SHA only', () => {
  const store = new ResultStore(openDatabase(':memory:'));
  store.addOverride('o/r', 7, { kind: 'size', reason: 'new feature we want', by: 'alice', at: '2026-01-01T00:00:00Z', headSha: 'h1' });
  assert.equal(store.listOverrides('o/r', 7, 'h1').length, 1);
  assert.deepEqual(store.listOverrides('o/r', 7, 'h2'), []);
});

test('history lists the last N versions oldest first', () => {
  const store = new ResultStore(openDatabase(':memory:'));
  const versions = ['v1.90.0', 'v1.92.0', 'v1.94.0', 'v1.96.0'];
  versions.forEach((version, i) =>
    store.recordHistory({
      repo: 'r',
      baseRef: 'main',
      commit: `c${i}`,
      platform: 'linux/amd64',
      version,
      imageCompressedBytes: 1000 + i,
      flashBytes: 2000 + i,
      ramRssBytes: null,
      at: `2026-01-0${i + 1}T00:00:00Z`,
    }),
  );
  assert.deepEqual(
    store.listHistory('r', 'main', 3).map((p) => p.version),
    ['v1.92.0', 'v1.94.0', 'v1.96.0'],
  );
});
