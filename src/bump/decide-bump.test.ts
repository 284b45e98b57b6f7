import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { bumpFindings, decideBump, needsDockerfiles } from './decide-bump.ts';
import { diffTouches } from './find-bumps.ts';
import { findTailscaleBumps } from './find-bumps.ts';

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
const MARKER = '# renovate: datasource=github-releases depName=tailscale packageName=tailscale/tailscale versioning=semver';
const dockerfile = (version: string, opts: { marker?: boolean; arg?: string } = {}) =>
  [
    'FROM scratch AS build',
    ...(opts.marker === false ? [] : [MARKER]),
    `ARG ${opts.arg ?? 'TAILSCALE_VERSION'}=${version}`,
    'FROM scratch',
    '',
  ].join('\n');

test('a Renovate bump of the Dockerfile is settled by the diff alone: both versions, no file read', () => {
  const diffBumps = findTailscaleBumps(fixture('renovate-tailscale-minor.diff'));
  assert.equal(needsDockerfiles(diffBumps, 'Dockerfile', true), false);
  const d = decideBump({ diffBumps, dockerfile: { path: 'Dockerfile' } });
  assert.deepEqual(d, {
    bump: { file: 'Dockerfile', line: 8, arg: 'TAILSCALE_VERSION', from: 'v1.98.8', to: 'v1.100.0', type: 'minor' },
    bumps: diffBumps,
    ambiguous: false,
    versions: { base: 'v1.98.8', head: 'v1.100.0' },
    markerRemoved: null,
  });
  assert.deepEqual(bumpFindings(d), []);
});

test('a change that does not touch the Dockerfile is no bump and needs no read', () => {
  const diff = '--- a/README.md\n+++ b/README.md\n@@ -1 +1 @@\n-a\n+b\n';
  assert.equal(needsDockerfiles(findTailscaleBumps(diff), 'Dockerfile', diffTouches(diff, 'Dockerfile')), false);
  const d = decideBump({ diffBumps: [], dockerfile: { path: 'Dockerfile' } });
  assert.deepEqual([d.bump, d.ambiguous, d.versions], [null, false, { base: null, head: null }]);
});

test('the version without a v prefix, in a Containerfile in a subfolder, is compared from the files', () => {
  const d = decideBump({
    diffBumps: [],
    dockerfile: { path: 'image/Containerfile', base: dockerfile('1.92.4'), head: dockerfile('1.92.5') },
  });
  assert.deepEqual(d.bump, { file: 'image/Containerfile', line: 3, arg: 'TAILSCALE_VERSION', from: '1.92.4', to: '1.92.5', type: 'patch' });
  assert.deepEqual(d.versions, { base: '1.92.4', head: '1.92.5' });
});

test('build.versionArg picks the ARG that is built, marker or not', () => {
  const base = `${dockerfile('v1.92.4', { marker: false, arg: 'TS_VERSION' })}`;
  const head = `${dockerfile('v1.92.5', { marker: false, arg: 'TS_VERSION' })}`;
  assert.equal(
    decideBump({ diffBumps: [], dockerfile: { path: 'Dockerfile', base, head } }).bump,
    null,
    'without a marker or a name, nothing says which ARG is Tailscale',
  );
  const d = decideBump({ diffBumps: [], dockerfile: { path: 'Dockerfile', base, head }, versionArg: 'TS_VERSION' });
  assert.deepEqual(d.bump && [d.bump.arg, d.bump.from, d.bump.to], ['TS_VERSION', 'v1.92.4', 'v1.92.5']);
  assert.equal(d.markerRemoved, null, 'there was no marker to lose');
});

test('two marked versions moving to different values are unclear: no bump, one blocker naming both', () => {
  const d = decideBump({
    diffBumps: findTailscaleBumps(fixture('tailscale-twice-in-dockerfile.diff')),
    dockerfile: { path: 'Dockerfile' },
  });
  assert.equal(d.bump, null);
  assert.equal(d.ambiguous, true);
  const [finding] = bumpFindings(d);
  assert.equal(finding?.kind, 'bump-unclear');
  assert.match(
    finding?.message ?? '',
    /TAILSCALE_VERSION v1\.102\.3 → v1\.102\.2; Dockerfile:47 TAILSCALE_CLI_VERSION v1\.102\.3 → v1\.103\.0-pre\): set `build\.versionArg`/,
  );
});

test('a bump in a shell file while the Dockerfile does not move is the bump, and the Dockerfile is read to be sure', () => {
  const diffBumps = findTailscaleBumps(fixture('renovate-tailscale-patch-shell.diff'));
  assert.equal(needsDockerfiles(diffBumps, 'Dockerfile', false), true);
  const d = decideBump({ diffBumps, dockerfile: { path: 'Dockerfile', base: 'FROM scratch\n', head: 'FROM scratch\n' } });
  assert.deepEqual(d.bump && [d.bump.file, d.bump.from, d.bump.to], ['scripts/versions.sh', '1.98.5', '1.98.8']);
  assert.deepEqual(d.versions, { base: '1.98.5', head: '1.98.8' });
});

test('diffTouches reads git and plain headers, not hunk lines', () => {
  assert.equal(diffTouches(fixture('renovate-tailscale-minor.diff'), 'Dockerfile'), true);
  assert.equal(
    diffTouches('--- a/x\n+++ b/x\n@@ -1 +1 @@\n--- a/Dockerfile\n+x\n', 'Dockerfile'),
    true,
    'a removed line reading "-- a/Dockerfile" looks like a header: harmless, it only costs a read',
  );
  assert.equal(diffTouches('--- a/README.md\n+++ b/README.md\n@@ -1 +1 @@\n-Dockerfile\n+Containerfile\n', 'Dockerfile'), false);
});
