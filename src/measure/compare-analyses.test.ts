import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FileEntry, ImageAnalysis } from '../model.ts';
import { compareAnalyses } from './compare-analyses.ts';

function analysis(files: FileEntry[]): ImageAnalysis {
  return { platform: 'linux/arm64', layers: [], imageCompressedBytes: 0, rootfsBytes: 0, flashBytes: 0, blockSize: 4096, duplicateBytes: 0, files, largestFiles: [], binary: null, elfs: [] };
}

describe('compareAnalyses', () => {
  const base = analysis([
    { path: '/usr/local/bin/tailscale.combined', bytes: 3_500_000 },
    { path: '/etc/ssl/certs/ca-certificates.crt', bytes: 200_000 },
    { path: '/bin/busybox', bytes: 220_000 },
    { path: '/old-helper', bytes: 40_000 },
    { path: '/empty-old', bytes: 0 },
  ]);
  const head = analysis([
    { path: '/usr/local/bin/tailscale.combined', bytes: 3_812_000 },
    { path: '/etc/ssl/certs/ca-certificates.crt', bytes: 201_000 },
    { path: '/bin/busybox', bytes: 220_000 },
    { path: '/new-plugin', bytes: 90_000 },
    { path: '/empty-new', bytes: 0 },
  ]);

  it('lists the largest size changes first, with added and removed files', () => {
    assert.deepStrictEqual(compareAnalyses(base, head, 4).movers, [
      { path: '/usr/local/bin/tailscale.combined', base: 3_500_000, head: 3_812_000, delta: 312_000 },
      { path: '/new-plugin', base: null, head: 90_000, delta: 90_000 },
      { path: '/old-helper', base: 40_000, head: null, delta: -40_000 },
      { path: '/etc/ssl/certs/ca-certificates.crt', base: 200_000, head: 201_000, delta: 1000 },
    ]);
  });

  it('leaves out unchanged files but lists empty files that appeared or went away', () => {
    const movers = compareAnalyses(base, head, 100).movers;
    assert.equal(movers.some((m) => m.path === '/bin/busybox'), false);
    assert.deepStrictEqual(movers.slice(-2), [
      { path: '/empty-new', base: null, head: 0, delta: 0 },
      { path: '/empty-old', base: 0, head: null, delta: 0 },
    ]);
  });
});
