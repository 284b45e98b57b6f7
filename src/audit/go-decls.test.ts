import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { extractGoSymbol } from './go-decls.ts';

const SRC = [
  'package tstun',
  '',
  '// Doc comment, not part of the definition.',
  'func helper(x interface{}) {',
  '\ts := "}" // a brace in a string: }',
  '\t/* and } in a comment */',
  '\tr := `raw }`',
  "\t_ = '}'",
  '}',
  '',
  'func (t *Wrapper) Read(b []byte) (int, error) {',
  '\treturn 0, nil',
  '}',
  '',
  'func (o *Other) Read() {}',
  '',
  'const (',
  '\tsmall = 1',
  '\tbig   = 1 +',
  '\t\t2',
  ')',
  '',
  'var table = map[string]int{',
  '\t"a": 1,',
  '}',
  '',
  'type opts struct {',
  '\tn int',
  '}',
].join('\n');

test('a function is cut at its own closing brace, past braces in strings, runes and comments', () => {
  assert.equal(extractGoSymbol(SRC, 'helper'), SRC.split('\n').slice(3, 9).join('\n'));
});

test('Type.Method picks the method of that receiver', () => {
  assert.equal(extractGoSymbol(SRC, 'Wrapper.Read'), 'func (t *Wrapper) Read(b []byte) (int, error) {\n\treturn 0, nil\n}');
  assert.equal(extractGoSymbol(SRC, 'Other.Read'), 'func (o *Other) Read() {}');
});

test('var, grouped const (with a continued line) and type definitions', () => {
  assert.deepEqual(
    [extractGoSymbol(SRC, 'table'), extractGoSymbol(SRC, 'big'), extractGoSymbol(SRC, 'small'), extractGoSymbol(SRC, 'opts')],
    ['var table = map[string]int{\n\t"a": 1,\n}', 'big   = 1 +\n\t\t2', 'small = 1', 'type opts struct {\n\tn int\n}'],
  );
});

test('an identifier the file does not define is null', () => {
  assert.equal(extractGoSymbol(SRC, 'invertGSOChecksum'), null);
  assert.equal(extractGoSymbol(SRC, 'Missing.Read'), null);
});

test('garbled Go with an unclosed body returns the rest of the file, never hangs', () => {
  assert.equal(extractGoSymbol('package x\nfunc broken() {\n\tif true {\n', 'broken'), 'func broken() {\n\tif true {');
});

test('the watched invertGSOChecksum of the upstream fixture', () => {
  const text = readFileSync(new URL('../../test/fixtures/upstream/v1.100.0/net/tstun/wrap.go', import.meta.url), 'utf8');
  const got = extractGoSymbol(text, 'invertGSOChecksum')!;
  assert.match(got, /^func invertGSOChecksum\(pkt \[\]byte, gso gsoOptions\) \{\n/);
  assert.match(got, /\tpkt\[i\], pkt\[i\+1\] = \^pkt\[i\], \^pkt\[i\+1\]\n\}$/);
});
