import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  blameOf,
  BuildError,
  BumpguardError,
  CancelledError,
  ConfigError,
  ERROR_BLAME,
  ForgeError,
  UpstreamError,
  type Blame,
  type ErrorCode,
} from './errors.ts';

const byBlame = (blame: Blame) => (Object.keys(ERROR_BLAME) as ErrorCode[]).filter((c) => ERROR_BLAME[c] === blame).sort();

test("only the target failing its own build (or a diff too big to read, or an image no router runs) is the PR's fault", () => {
  assert.deepEqual(byBlame('target'), ['build-failed', 'build-refused', 'diff-too-large', 'image-too-many-entries']);
});

test('Docker, builders, checkouts, the forge and the upstream source are infrastructure: verdict error, never build-failed', () => {
  const infra = new Set(byBlame('infrastructure'));
  for (const code of [
    'no-docker',
    'docker-unavailable',
    'engine-unreachable',
    'no-buildx',
    'no-remote-client',
    'builder-unreachable',
    'build-error',
    'build-timeout',
    'image-save-failed',
    'checkout-failed',
    'git-failed',
    'unavailable',
    'rate-limited',
    'bad-response',
    'upstream-unreachable',
    'upstream-unavailable',
    'featuretags-missing',
  ] as const) {
    assert.ok(infra.has(code), `${code} is infrastructure`);
  }
});

test("paths and settings in .bumpguard.yml that do not fit the repo (or the bot's engines) are configuration errors", () => {
  assert.deepEqual(byBlame('config'), [
    'builder-config',
    'builder-refused',
    'canary-needs-shell',
    'config-invalid',
    'context-missing',
    'dockerfile-missing',
    'engine-unknown',
    'upstream-bad-path',
    'upstream-bad-ref',
    'upstream-bad-repo',
    'upstream-not-found',
    'upstream-not-git',
  ]);
});

test("blameOf reads the table for typed errors; anything else is a bug, never the PR's fault", () => {
  assert.equal(blameOf(new BuildError('build-failed', 'RUN exited 1')), 'target');
  assert.equal(blameOf(new BuildError('docker-unavailable', 'engine gone')), 'infrastructure');
  assert.equal(blameOf(new UpstreamError('upstream-unreachable', 'offline')), 'infrastructure');
  assert.equal(
    blameOf(new ForgeError({ forge: 'gitea', op: 'downloadTree', code: 'unavailable', status: 502 }, 'HTTP 502')),
    'infrastructure',
  );
  assert.equal(blameOf(new ConfigError('bad')), 'config');
  assert.equal(blameOf(new CancelledError()), 'cancelled');
  assert.equal(blameOf(new BumpguardError('ref-unknown', 'no such ref')), 'usage');
  assert.equal(blameOf(new TypeError('a bug')), 'infrastructure');
});
