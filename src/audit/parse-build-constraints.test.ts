import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseBuildConstraints } from './parse-build-constraints.ts';

test('the example patch builds under ts_omit_logtail', () => {
  const text = readFileSync(new URL('../../test/fixtures/target-repo/patches/nologupload.go', import.meta.url), 'utf8');
  assert.deepEqual(parseBuildConstraints([{ path: 'patches/nologupload.go', text }]), [
    { path: 'patches/nologupload.go', line: 4, expr: 'ts_omit_logtail', features: [{ feature: 'logtail', tag: 'ts_omit_logtail' }] },
  ]);
});

test('//go:build and legacy // +build lines are read; lines after package and non-Go files are not', () => {
  const go = [
    '/* block comment',
    '//go:build ts_omit_fake',
    '*/',
    '//go:build linux && (ts_omit_netstack || !ts_include_cli)',
    '// +build linux,ts_omit_netstack',
    '',
    'package main',
    '//go:build ts_omit_ignored',
  ].join('\n');
  assert.deepEqual(
    parseBuildConstraints([
      { path: 'patches/a.go', text: go },
      { path: 'patches/README.md', text: '//go:build ts_omit_dns\n' },
    ]).map((c) => [c.line, c.features.map((f) => f.tag)]),
    [
      [4, ['ts_omit_netstack', 'ts_include_cli']],
      [5, ['ts_omit_netstack']],
    ],
  );
});
