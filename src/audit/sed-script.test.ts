import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isReplaySafe, parseSedScript, sedRegexToJs } from './sed-script.ts';

test('BRE intervals, optional and groups become JavaScript; ERE passes through', () => {
  assert.deepEqual(
    [
      sedRegexToJs('ts_omit_dns,\\{0,1\\}', false),
      sedRegexToJs(',\\?ts_omit_foo', false),
      sedRegexToJs('ts_omit_\\(gro\\|netstack\\),*', false),
      sedRegexToJs('ts_omit_(gro|netstack),?', true),
      sedRegexToJs('a{b}(c)+', false),
      sedRegexToJs('[^,]*', false),
    ],
    ['ts_omit_dns,{0,1}', ',?ts_omit_foo', 'ts_omit_(gro|netstack),*', 'ts_omit_(gro|netstack),?', 'a\\{b\\}\\(c\\)\\+', '[^,]*'],
  );
});

test('regex syntax without a faithful JavaScript spelling is refused, not guessed', () => {
  assert.deepEqual(
    [sedRegexToJs('[[:alpha:]]', false), sedRegexToJs('\\<dns\\>', false), sedRegexToJs('[unclosed', false)],
    [null, null, null],
  );
});

test('a script splits on ; and newlines; any delimiter, escaped delimiters and flags are read', () => {
  const script = parseSedScript('s|ts_omit_dns,||g;s/a\\/b/&x/I\n/^$/d', false);
  assert.deepEqual(
    script.substitutes.map((s) => ({
      source: s.source,
      offset: s.offset,
      rawRegex: s.rawRegex,
      regex: s.regex,
      replacement: s.replacement,
      global: s.global,
      ignoreCase: s.ignoreCase,
    })),
    [
      {
        source: 's|ts_omit_dns,||g',
        offset: 0,
        rawRegex: 'ts_omit_dns,',
        regex: 'ts_omit_dns,',
        replacement: '',
        global: true,
        ignoreCase: false,
      },
      { source: 's/a\\/b/&x/I', offset: 18, rawRegex: 'a/b', regex: 'a/b', replacement: '$&x', global: false, ignoreCase: true },
    ],
  );
  assert.deepEqual(script.others, ['/^$/d']);
});

test('replaying a translated strip deletes exactly its tag, also when it is the last one (no comma)', () => {
  const [strip] = parseSedScript('s/ts_omit_dns,\\{0,1\\}//g', false).substitutes;
  const re = new RegExp(strip!.regex!, 'g');
  assert.equal('ts_omit_aws,ts_omit_dns,ts_omit_gro'.replace(re, strip!.replacement), 'ts_omit_aws,ts_omit_gro');
  assert.equal('ts_omit_aws,ts_omit_dns'.replace(re, strip!.replacement), 'ts_omit_aws,');
});

test('the strips recipes write are replayed', () => {
  for (const [regex, extended] of [
    ['ts_omit_dns,\\{0,1\\}', false],
    [',\\?ts_omit_useroutes', false],
    ['ts_omit_\\(gro\\|netstack\\),*', false],
    ['ts_omit_(gro|netstack),?', true],
    [',$', false],
    ['^', false],
    ['ts_omit_[a-z]*,\\{0,1\\}', false],
    ['\\(ts_omit_dns,\\)\\{0,1\\}', false],
  ] as const) {
    assert.notEqual(sedRegexToJs(regex, extended), null, regex);
  }
});

test('shapes that can backtrack without bound are refused, not run', () => {
  for (const source of [
    '(.*)*x',
    '(a+)+$',
    '(a|aa)*b',
    '.*.*x',
    'a*a*b',
    '(a*)?b',
    '(.)\\1',
    'a?a?a?a?a?a?a?a?a?aaaaaaaaa',
    '(a|b|c|d|e|f|g|h|i|j)',
  ]) {
    assert.equal(isReplaySafe(source), false, source);
  }
  assert.equal(sedRegexToJs('\\(.*\\)*x', false), null);
});
