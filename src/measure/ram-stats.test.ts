import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isEmulated, presentValues, ramStats, runFigures } from './ram-stats.ts';

describe('ramStats', () => {
  it('gives the median and max−min spread of an odd number of runs', () => {
    assert.deepStrictEqual(ramStats([23_060_480, 22_507_520, 22_798_336]), {
      runs: [23_060_480, 22_507_520, 22_798_336], median: 22_798_336, spread: 552_960,
    });
  });

  it('averages the middle two of an even number of runs', () => {
    assert.deepStrictEqual(ramStats([4, 1, 3, 2]), { runs: [4, 1, 3, 2], median: 3, spread: 3 });
  });

  it('is null without runs', () => {
    assert.equal(ramStats([]), null);
  });
});

describe('runFigures', () => {
  it('takes the highest VmRSS and VmHWM seen, skipping unreadable samples', () => {
    assert.deepStrictEqual(runFigures([
      { rssBytes: 100, hwmBytes: 120 }, { rssBytes: null, hwmBytes: null }, { rssBytes: 110, hwmBytes: 130 },
    ]), { rss: 110, hwm: 130 });
    assert.deepStrictEqual(runFigures([{ rssBytes: null, hwmBytes: null }]), { rss: null, hwm: null });
    assert.deepStrictEqual(presentValues([1, null, 2]), [1, 2]);
  });
});

describe('isEmulated', () => {
  it('labels every platform but the engine\'s own as emulated', () => {
    assert.equal(isEmulated('linux/amd64', 'linux/amd64'), false);
    assert.equal(isEmulated('linux/arm64', 'linux/amd64'), true);
    assert.equal(isEmulated('linux/arm/v7', 'linux/amd64'), true);
  });

  it('treats spelling variants of the same platform as native', () => {
    assert.equal(isEmulated('linux/arm64/v8', 'linux/arm64'), false);
    assert.equal(isEmulated('linux/arm', 'linux/arm/v7'), false);
    assert.equal(isEmulated('linux/arm/v6', 'linux/arm/v7'), true);
  });
});
