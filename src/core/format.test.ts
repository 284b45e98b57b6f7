import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatBytes, formatLevelPercent, formatPercent, formatSignedBytes, percentChange } from './format.ts';

test('bytes use binary units with fixed decimals, whole multiples without', () => {
  const cases: [number, string][] = [
    [0, '0 B'],
    [512, '512 B'],
    [1023, '1023 B'],
    [1024, '1 KiB'],
    [12_595, '12.3 KiB'],
    [131_072, '128 KiB'],
    [1_048_570, '1.00 MiB'],
    [1_048_576, '1 MiB'],
    [4_415_000, '4.21 MiB'],
    [3_145_728, '3 MiB'],
    [-217_500, '-212.4 KiB'],
  ];
  for (const [bytes, text] of cases) assert.equal(formatBytes(bytes), text, String(bytes));
});

test('deltas carry a sign, zero is ±0', () => {
  assert.deepEqual([formatSignedBytes(217_500), formatSignedBytes(-4096), formatSignedBytes(0)], ['+212.4 KiB', '-4 KiB', '±0 B']);
});

test('percent: two decimals under 1%, one above; no base reads "new"', () => {
  assert.deepEqual(
    [formatPercent(0.2912), formatPercent(5.14), formatPercent(-1.25), formatPercent(0), formatPercent(null)],
    ['+0.29%', '+5.1%', '-1.3%', '±0%', 'new'],
  );
  assert.deepEqual([formatLevelPercent(3), formatLevelPercent(0.5)], ['3%', '0.5%']);
});

test('percent change is relative to the base; a zero base has none', () => {
  assert.equal(percentChange(4_000_000, 4_200_000), 5);
  assert.equal(percentChange(0, 10), null);
  assert.equal(percentChange(0, 0), 0);
});
