import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAccept } from './overrides.ts';

test('kind and a multi-word reason become Override fields', () => {
  assert.deepEqual(parseAccept('size arm64 grew for the new DNS cache'), {
    ok: true,
    override: { kind: 'size', reason: 'arm64 grew for the new DNS cache' },
  });
});

test('the leading /accept is optional, kind is case-insensitive, whitespace in the reason collapses', () => {
  assert.deepEqual(parseAccept('/accept  RAM   qemu noise,\n  checked on a hAP ax2 '), {
    ok: true,
    override: { kind: 'ram', reason: 'qemu noise, checked on a hAP ax2' },
  });
});

test('every documented kind parses', () => {
  for (const kind of ['size', 'ram', 'canary', 'audit', 'all']) {
    const parsed = parseAccept(`${kind} because`);
    assert.equal(parsed.ok && parsed.override.kind, kind);
  }
});

test('an unknown kind is a usage error naming it and listing the kinds', () => {
  const parsed = parseAccept('flash it fits');
  assert.equal(parsed.ok, false);
  assert.ok(!parsed.ok);
  assert.equal(parsed.error, 'unknown kind "flash"');
  assert.match(parsed.usage, /^Usage: \/accept <size\|ram\|canary\|audit\|all> <reason>\n/);
  assert.match(parsed.usage, /size: size thresholds/);
});

test('a missing reason is a usage error: overrides must say why', () => {
  const parsed = parseAccept('/accept canary');
  assert.ok(!parsed.ok);
  assert.equal(parsed.error, 'a reason is required: say why canary is acceptable for this bump');
});

test('nothing after /accept is a usage error', () => {
  const parsed = parseAccept('/accept');
  assert.ok(!parsed.ok);
  assert.equal(parsed.error, 'missing kind and reason');
});

test('/acceptsize is not the accept command', () => {
  const parsed = parseAccept('/acceptsize big');
  assert.ok(!parsed.ok);
  assert.equal(parsed.error, 'unknown kind "/acceptsize"');
});

test('an overlong reason is refused with its length', () => {
  const parsed = parseAccept(`all ${'x'.repeat(301)}`);
  assert.ok(!parsed.ok);
  assert.equal(parsed.error, 'reason is 301 characters; keep it under 300');
});
