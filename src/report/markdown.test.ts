import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cell, code, fence, formatDuration, formatTime, tail } from './markdown.ts';

test('cells escape HTML and pipes and stay on one line', () => {
  assert.equal(cell('a | <b>\nc'), 'a \\| &lt;b&gt; c');
});

test('inline code and fences outgrow backticks in their content', () => {
  assert.equal(code('a`b'), '``a`b``');
  assert.equal(fence('x\n````\ny', 'text'), '`````text\nx\n````\ny\n`````');
});

test('log tails keep the last lines and say how many were cut', () => {
  const log = Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n');
  assert.equal(tail(log, 3, 10_000), '… 97 earlier lines cut\nline 97\nline 98\nline 99');
  assert.equal(tail('only\n', 3, 100), 'only');
});

test('durations and times are rendered from the input, in UTC', () => {
  assert.deepEqual([formatDuration(52_000), formatDuration(251_400), formatDuration(3_720_000)], ['52s', '4m 11s', '1h 2m']);
  assert.equal(formatTime('2025-11-25T13:34:56+01:00'), '2025-11-25 12:34 UTC');
});
