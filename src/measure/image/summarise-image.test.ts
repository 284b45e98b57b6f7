import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LayerEntry } from './scan-layer.ts';
import { blockRound, duplicateBytes, findFile, flashBytes, flattenLayers, listFiles } from './summarise-image.ts';

const file = (path: string, bytes: number): LayerEntry => ({ kind: 'file', path, bytes, elf: null, upx: false });
const flat = (layers: LayerEntry[][]): Array<[string, number]> => listFiles(flattenLayers(layers)).map((f) => [f.path, f.inode.bytes]);

describe('flattenLayers', () => {
  it('lets a whiteout delete a lower file and a whole lower directory', () => {
    const layers: LayerEntry[][] = [
      [file('/etc/a', 1), file('/var/lib/x/1', 2), file('/var/lib/x/2', 3)],
      [
        { kind: 'whiteout', path: '/etc/a' },
        { kind: 'whiteout', path: '/var/lib/x' },
      ],
    ];
    assert.deepStrictEqual(flat(layers), []);
  });

  it('hides lower contents of an opaque directory but keeps what the same layer adds', () => {
    const layers: LayerEntry[][] = [
      [file('/cache/old1', 10), file('/cache/sub/old2', 20), file('/keep', 5)],
      [file('/cache/new', 7), { kind: 'opaque', path: '/cache' }],
    ];
    assert.deepStrictEqual(flat(layers), [
      ['/cache/new', 7],
      ['/keep', 5],
    ]);
  });

  it('lets an upper file replace a lower directory with everything below it', () => {
    assert.deepStrictEqual(flat([[file('/opt/d/f', 9)], [file('/opt/d', 4)]]), [['/opt/d', 4]]);
  });

  it('merges a directory re-declared in an upper layer', () => {
    assert.deepStrictEqual(flat([[file('/usr/a', 1)], [{ kind: 'dir', path: '/usr' }, file('/usr/b', 2)]]), [
      ['/usr/a', 1],
      ['/usr/b', 2],
    ]);
  });

  it('a whiteout applies to lower layers only, not to a re-added path in a later layer', () => {
    const layers: LayerEntry[][] = [[file('/f', 1)], [{ kind: 'whiteout', path: '/f' }], [file('/f', 3)]];
    assert.deepStrictEqual(flat(layers), [['/f', 3]]);
  });

  it('gives hardlinks the inode of their target', () => {
    const root = flattenLayers([[file('/bin/busybox', 5000), { kind: 'hardlink', path: '/bin/ls', target: '/bin/busybox' }]]);
    const files = listFiles(root);
    assert.deepStrictEqual(
      files.map((f) => [f.path, f.inode.bytes]),
      [
        ['/bin/busybox', 5000],
        ['/bin/ls', 5000],
      ],
    );
    assert.equal(files[0]?.inode, files[1]?.inode);
  });
});

describe('findFile', () => {
  const root = flattenLayers([
    [
      file('/usr/local/bin/tailscale.combined', 100),
      { kind: 'symlink', path: '/usr/local/bin/tailscaled', target: 'tailscale.combined' },
      { kind: 'symlink', path: '/usr/bin/ts', target: '../local/bin/tailscaled' },
      { kind: 'symlink', path: '/opt', target: '/usr/local' },
      { kind: 'symlink', path: '/loop/a', target: 'b' },
      { kind: 'symlink', path: '/loop/b', target: 'a' },
    ],
  ]);

  it('follows relative, absolute and directory symlinks to the real file', () => {
    for (const path of ['/usr/local/bin/tailscaled', '/usr/bin/ts', '/opt/bin/tailscale.combined', 'usr/local/bin/tailscale.combined']) {
      assert.equal(findFile(root, path)?.path, '/usr/local/bin/tailscale.combined', path);
    }
  });

  it('returns null for a missing path, a directory and a symlink loop', () => {
    assert.equal(findFile(root, '/usr/local/bin/nope'), null);
    assert.equal(findFile(root, '/usr/local/bin'), null);
    assert.equal(findFile(root, '/loop/a'), null);
  });
});

describe('duplicateBytes', () => {
  it('counts every copy of a path but the uppermost, hardlinks at their target size', () => {
    const layers: LayerEntry[][] = [
      [file('/etc/shared', 4097), file('/bin/a', 50), { kind: 'hardlink', path: '/bin/b', target: '/bin/a' }],
      [file('/etc/shared', 100), file('/bin/b', 10)],
      [file('/etc/shared', 7), file('/only-once', 999)],
    ];
    assert.equal(duplicateBytes(layers), 4097 + 100 + 50);
  });
});

describe('blockRound', () => {
  it('rounds up to whole blocks and gives empty files no block', () => {
    assert.deepStrictEqual(
      [0, 1, 4095, 4096, 4097, 10000].map((n) => blockRound(n, 4096)),
      [0, 4096, 4096, 4096, 8192, 12288],
    );
    assert.equal(blockRound(1000, 512), 1024);
  });

  it('rejects a block size that is not a positive integer', () => {
    assert.throws(() => blockRound(10, 0), RangeError);
    assert.throws(() => blockRound(10, 1.5), RangeError);
  });
});

describe('flashBytes', () => {
  it('charges a file present in two layers twice, as overlayfs stores both copies', () => {
    assert.equal(flashBytes([[5000, 100], [5000]], 4096), 8192 + 4096 + 8192);
  });
});
