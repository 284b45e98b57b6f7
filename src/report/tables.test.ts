import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeMovers } from './tables.ts';

test('movers are ordered by size of change and include added and removed files', () => {
  const base = [
    { path: '/usr/local/bin/tailscale.combined', bytes: 3_405_312 },
    { path: '/bin/busybox', bytes: 219_432 },
    { path: '/etc/old.conf', bytes: 900 },
    { path: '/etc/passwd', bytes: 87 },
  ];
  const head = [
    { path: '/usr/local/bin/tailscale.combined', bytes: 3_622_812 },
    { path: '/bin/busybox', bytes: 219_432 },
    { path: '/usr/local/bin/derper.conf', bytes: 2_048 },
    { path: '/etc/passwd', bytes: 87 },
  ];
  assert.deepEqual(computeMovers(base, head, 10), [
    { path: '/usr/local/bin/tailscale.combined', base: 3_405_312, head: 3_622_812, delta: 217_500 },
    { path: '/usr/local/bin/derper.conf', base: null, head: 2_048, delta: 2_048 },
    { path: '/etc/old.conf', base: 900, head: null, delta: -900 },
  ]);
});

test('top limits the list', () => {
  const files = (n: number) => Array.from({ length: 20 }, (_, i) => ({ path: `/f${i}`, bytes: n * (i + 1) }));
  assert.deepEqual(
    computeMovers(files(1), files(2), 2).map((m) => m.path),
    ['/f19', '/f18'],
  );
});

test('empty files that appeared or went away are listed; unchanged files are not', () => {
  const base = [
    { path: '/bin/busybox', bytes: 220_000 },
    { path: '/empty-old', bytes: 0 },
  ];
  const head = [
    { path: '/bin/busybox', bytes: 220_000 },
    { path: '/empty-new', bytes: 0 },
  ];
  assert.deepEqual(computeMovers(base, head, 10), [
    { path: '/empty-new', base: null, head: 0, delta: 0 },
    { path: '/empty-old', base: 0, head: null, delta: 0 },
  ]);
});
