import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { BumpguardError } from '../core/index.ts';
import { classifyBump, findTailscaleBumps, findTailscaleVersionArg } from './find-bumps.ts';

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');

test('a Renovate minor bump of the Dockerfile ARG is found with its new line number', () => {
  assert.deepEqual(findTailscaleBumps(fixture('renovate-tailscale-minor.diff')), [
    { file: 'Dockerfile', line: 8, arg: 'TAILSCALE_VERSION', from: 'v1.98.8', to: 'v1.100.0', type: 'minor' },
  ]);
});

test('a quoted `export NAME="x"` in a shell file under a packageName-only marker is a patch bump without v prefix', () => {
  assert.deepEqual(findTailscaleBumps(fixture('renovate-tailscale-patch-shell.diff')), [
    { file: 'scripts/versions.sh', line: 5, arg: 'TAILSCALE_VERSION', from: '1.98.5', to: '1.98.8', type: 'patch' },
  ]);
});

test('Go, Alpine digest and busybox bumps are not Tailscale bumps', () => {
  assert.deepEqual(findTailscaleBumps(fixture('renovate-non-tailscale.diff')), []);
});

test('a bump in two files reports both instead of guessing', () => {
  assert.deepEqual(findTailscaleBumps(fixture('tailscale-two-files.diff')), [
    { file: 'Dockerfile', line: 8, arg: 'TAILSCALE_VERSION', from: 'v1.100.0', to: 'v1.102.3', type: 'minor' },
    { file: 'scripts/versions.sh', line: 5, arg: 'TAILSCALE_VERSION', from: '1.98.8', to: '1.102.3', type: 'minor' },
  ]);
});

test('two markers changed in one Dockerfile give two bumps, a downgrade and a prerelease', () => {
  assert.deepEqual(findTailscaleBumps(fixture('tailscale-twice-in-dockerfile.diff')), [
    { file: 'Dockerfile', line: 8, arg: 'TAILSCALE_VERSION', from: 'v1.102.3', to: 'v1.102.2', type: 'downgrade' },
    { file: 'Dockerfile', line: 47, arg: 'TAILSCALE_CLI_VERSION', from: 'v1.102.3', to: 'v1.103.0-pre', type: 'prerelease' },
  ]);
});

test('an ARG change without the marker directly above is ignored', () => {
  const diff = [
    '--- a/Dockerfile',
    '+++ b/Dockerfile',
    '@@ -1,4 +1,4 @@',
    ' # renovate: datasource=github-releases depName=tailscale',
    ' ',
    '-ARG TAILSCALE_VERSION=v1.98.5',
    '+ARG TAILSCALE_VERSION=v1.98.8',
    ' FROM scratch',
    '',
  ].join('\n');
  assert.deepEqual(findTailscaleBumps(diff), []);
});

test('*.Dockerfile and Containerfile names are Dockerfiles; a README with the same lines is not', () => {
  const hunk = (path: string) =>
    [`--- a/${path}`, `+++ b/${path}`, '@@ -1,2 +1,2 @@', ' # renovate: depName=tailscale', '-ARG TS="v1.98.5"', '+ARG TS="v1.98.8"'].join(
      '\n',
    );
  const diff = ['router.Dockerfile', 'Containerfile', 'README.md'].map(hunk).join('\n') + '\n';
  assert.deepEqual(
    findTailscaleBumps(diff).map((b) => [b.file, b.from, b.to]),
    [
      ['router.Dockerfile', 'v1.98.5', 'v1.98.8'],
      ['Containerfile', 'v1.98.5', 'v1.98.8'],
    ],
  );
});

test('text that is not a diff has no bumps', () => {
  assert.deepEqual(findTailscaleBumps('ARG TAILSCALE_VERSION=v1.98.8\nnot a patch at all\n'), []);
  assert.deepEqual(findTailscaleBumps(''), []);
});

test('a new file that adds a marked ARG has no old value and is not a bump', () => {
  const diff = [
    '--- /dev/null',
    '+++ b/Dockerfile',
    '@@ -0,0 +1,2 @@',
    '+# renovate: depName=tailscale',
    '+ARG TAILSCALE_VERSION=v1.98.8',
    '',
  ].join('\n');
  assert.deepEqual(findTailscaleBumps(diff), []);
});

test('a diff with a malformed hunk is an error, not "no bump"', () => {
  const diff = '--- a/Dockerfile\n+++ b/Dockerfile\n@@ -1,1 +1,1 @@\n-ARG V=1\n+ARG V=2\n+ARG W=3\n';
  assert.throws(
    () => findTailscaleBumps(diff),
    (err: unknown) => err instanceof BumpguardError && err.code === 'diff-unreadable',
  );
});

// A PR diff of 50 MB is bounded. Before the bound, 25 M one-character lines took 13 s and 2 GB.
const hugeSection = (path: string, lines: number) =>
  `diff --git a/${path} b/${path}\nnew file mode 100644\n--- /dev/null\n+++ b/${path}\n@@ -0,0 +1,${lines} @@\n${'+\n'.repeat(lines)}`;

test('a bump next to 50 MB of vendored changes is found without parsing the vendored files', () => {
  const diff = hugeSection('vendor/blob.go', 25 * 1024 * 1024) + fixture('renovate-tailscale-minor.diff');
  const started = performance.now();
  assert.deepEqual(
    findTailscaleBumps(diff).map((b) => `${b.file} ${b.from} → ${b.to}`),
    ['Dockerfile v1.98.8 → v1.100.0'],
  );
  assert.ok(performance.now() - started < 5000, 'one scan over the text, not a parse of every line');
});

test('a 50 MB change to the Dockerfile itself is refused as diff-too-large, not parsed', () => {
  assert.throws(
    () => findTailscaleBumps(hugeSection('Dockerfile', 25 * 1024 * 1024)),
    (err: unknown) => err instanceof BumpguardError && err.code === 'diff-too-large' && /Dockerfile.*50\.0 MiB/.test(err.userMessage),
  );
});

test('a malformed hunk in a file that cannot hold a version does not hide the bump', () => {
  const broken = 'diff --git a/README.md b/README.md\n--- a/README.md\n+++ b/README.md\n@@ -1,1 +1,1 @@\n-a\n+b\n+c\n';
  assert.equal(findTailscaleBumps(broken + fixture('renovate-tailscale-minor.diff')).length, 1);
});

test('reads the version of the bundled example Dockerfile', () => {
  const text = readFileSync(new URL('../../test/fixtures/target-repo/Dockerfile', import.meta.url), 'utf8');
  assert.deepEqual(findTailscaleVersionArg(text, 'Dockerfile'), { arg: 'TAILSCALE_VERSION', value: 'v1.98.8', line: 8 });
});

test('reads an env file assignment with the v prefix kept as written', () => {
  const text = '# renovate: datasource=github-releases packageName=tailscale/tailscale\nTAILSCALE_VERSION=v1.102.3\n';
  assert.deepEqual(findTailscaleVersionArg(text, 'versions.env'), { arg: 'TAILSCALE_VERSION', value: 'v1.102.3', line: 2 });
});

test('a file with a Go marker but no Tailscale marker has no version', () => {
  const text = '# renovate: datasource=docker depName=golang\nARG GO_VERSION=1.25.4\n';
  assert.equal(findTailscaleVersionArg(text, 'Dockerfile'), null);
});

test('a marker followed by something other than an assignment is not a version', () => {
  const text = '# renovate: depName=tailscale\nRUN echo hi\nARG TAILSCALE_VERSION=v1.98.8\n';
  assert.equal(findTailscaleVersionArg(text, 'Dockerfile'), null);
});

test('semver classes tolerate the v prefix on either side', () => {
  assert.deepEqual(
    [
      classifyBump('v1.98.5', 'v1.98.8'),
      classifyBump('v1.98.10', '1.100.0'),
      classifyBump('v1.102.3', 'v2.0.0'),
      classifyBump('v1.102.3', 'v1.103.0-pre'),
      classifyBump('v1.100.0', 'v1.98.10'),
      classifyBump('latest', 'v1.98.8'),
      classifyBump('v1.98.8', 'v1.98.8'),
    ],
    ['patch', 'minor', 'major', 'prerelease', 'downgrade', 'unknown', 'unknown'],
  );
});
