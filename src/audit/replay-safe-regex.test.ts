import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isReplaySafe } from './replay-safe-regex.ts';
import { sedRegexToJs } from './parse-sed-script.ts';

test('the strips recipes write are replayed', () => {
  for (const [regex, extended] of [
    ['ts_omit_dns,\\{0,1\\}', false], [',\\?ts_omit_useroutes', false], ['ts_omit_\\(gro\\|netstack\\),*', false],
    ['ts_omit_(gro|netstack),?', true], [',$', false], ['^', false], ['ts_omit_[a-z]*,\\{0,1\\}', false], ['\\(ts_omit_dns,\\)\\{0,1\\}', false],
  ] as const) {
    assert.notEqual(sedRegexToJs(regex, extended), null, regex);
  }
});

test('shapes that can backtrack without bound are refused, not run', () => {
  for (const source of ['(.*)*x', '(a+)+$', '(a|aa)*b', '.*.*x', 'a*a*b', '(a*)?b', '(.)\\1', 'a?a?a?a?a?a?a?a?a?aaaaaaaaa', '(a|b|c|d|e|f|g|h|i|j)']) {
    assert.equal(isReplaySafe(source), false, source);
  }
  assert.equal(sedRegexToJs('\\(.*\\)*x', false), null);
});
