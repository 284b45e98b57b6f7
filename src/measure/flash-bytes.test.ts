import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blockRound, flashBytes } from './flash-bytes.ts';

describe('blockRound', () => {
  it('rounds up to whole blocks and gives empty files no block', () => {
    assert.deepStrictEqual([0, 1, 4095, 4096, 4097, 10000].map((n) => blockRound(n, 4096)), [0, 4096, 4096, 4096, 8192, 12288]);
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
