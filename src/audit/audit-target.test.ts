import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createTwoFilesPatch } from 'diff';
import { UpstreamError } from '../errors.ts';
import type { RepoReader } from '../repo/types.ts';
import { auditTarget, FEATURETAGS_PATH } from './audit-target.ts';
import type { UpstreamSource } from './upstream/types.ts';

const example = (name: string) => readFileSync(new URL(`../../test/fixtures/target-repo/${name}`, import.meta.url), 'utf8');
const featuretagsGo = (tag: string) => readFileSync(new URL(`./__fixtures__/featuretags/${tag}.go`, import.meta.url), 'utf8');

/** Refs → files, with a diff computed like `git diff base...head` for two refs. */
function memoryRepo(refs: Record<string, Record<string, string>>): RepoReader & { reads: string[] } {
  const reads: string[] = [];
  const tree = (ref: string) => {
    const files = refs[ref];
    if (!files) throw new Error(`unknown ref ${ref}`);
    return files;
  };
  return {
    reads,
    async readFile(ref, path) {
      reads.push(`${ref}:${path}`);
      return tree(ref)[path] ?? null;
    },
    async listFiles(ref, dir) {
      return Object.keys(tree(ref)).filter((p) => dir === '.' || p.startsWith(`${dir}/`));
    },
    async diff(base, head) {
      const paths = [...new Set([...Object.keys(tree(base)), ...Object.keys(tree(head))])].sort();
      return paths
        .filter((p) => tree(base)[p] !== tree(head)[p])
        .map((p) => createTwoFilesPatch(`a/${p}`, `b/${p}`, tree(base)[p] ?? '', tree(head)[p] ?? ''))
        .join('');
    },
    async resolve(ref) {
      tree(ref);
      return ref;
    },
  };
}

function memoryUpstream(files: Record<string, string>): UpstreamSource {
  return { describe: 'memory', readFile: async (tag, path) => files[`${tag}/${path}`] ?? null };
}

const exampleFiles = (version: string, extra: Record<string, string> = {}) => ({
  Dockerfile: example('Dockerfile').replace(/^ARG TAILSCALE_VERSION=.*$/m, `ARG TAILSCALE_VERSION=${version}`),
  '.bumpguard.yml': example('.bumpguard.yml'),
  'patches/nologupload.go': example('patches/nologupload.go'),
  ...extra,
});

const upstream = memoryUpstream({
  [`v1.98.8/${FEATURETAGS_PATH}`]: featuretagsGo('v1.98.8'),
  [`v1.100.0/${FEATURETAGS_PATH}`]: featuretagsGo('v1.100.0'),
  'v1.98.8/net/tstun/wrap.go': 'package tstun\n\nfunc invertGSOChecksum(pkt []byte) {\n\tpanic("no netstack")\n}\n',
  'v1.100.0/net/tstun/wrap.go': 'package tstun\n\nfunc invertGSOChecksum(pkt []byte) {\n\treturn\n}\n',
});

test('a PR bump: found in the diff, audited with the base config, the watched symbol compared', async () => {
  const repo = memoryRepo({ main: exampleFiles('v1.98.8'), pr: exampleFiles('v1.100.0') });
  const result = await auditTarget({ repo, baseRef: 'main', headRef: 'pr' }, upstream);
  assert.deepEqual(result.bump, { file: 'Dockerfile', line: 8, arg: 'TAILSCALE_VERSION', from: 'v1.98.8', to: 'v1.100.0', type: 'minor' });
  assert.equal(result.verdict, 'failure');
  assert.equal(result.configSource, '.bumpguard.yml at main');
  assert.deepEqual(result.findings.map((f) => [f.severity, f.kind, f.features.join(' ')]), [
    ['blocker', 'missing-dep', 'advertiseexitnode peerapiserver'],
    ['blocker', 'missing-dep', 'useexitnode peerapiclient'],
    ['warning', 'watched-symbol-changed', ''],
    ['info', 'missing-dep', 'advertiseroutes c2n'],
    ['info', 'features-added', 'routecheck runtimemetrics'],
    // This in-memory upstream cannot list directories and no sed runner is given: said, not skipped.
    ['info', 'patch-unevaluated', ''],
    ['info', 'patch-unevaluated', ''],
  ]);
  assert.deepEqual(result.findings.filter((f) => f.kind === 'patch-unevaluated').map((f) => [f.edit, f.message.replace(/^.* was not evaluated: /, '')]), [
    [{ path: 'Dockerfile', line: 14, target: 'cmd/tailscaled' }, 'memory cannot list directories'],
    [{ path: 'Dockerfile', line: 16, target: 'net/tstun/wrap.go' }, 'no sed runner is available on this host'],
  ]);
});

test('a PR cannot acknowledge its own gaps: config is read from the base, never the head', async () => {
  const lenient = 'acknowledge:\n  - { feature: advertiseexitnode, reason: trust me }\n  - { feature: useexitnode, reason: trust me }\n';
  const repo = memoryRepo({ main: exampleFiles('v1.98.8'), pr: exampleFiles('v1.100.0', { '.bumpguard.yml': lenient }) });
  const result = await auditTarget({ repo, baseRef: 'main', headRef: 'pr' }, upstream);
  assert.equal(result.verdict, 'failure');
  assert.ok(!repo.reads.includes('pr:.bumpguard.yml'));
});

test('a diff that does not touch the Tailscale version is neutral with the reason', async () => {
  const repo = memoryRepo({ main: exampleFiles('v1.98.8'), pr: exampleFiles('v1.98.8', { 'README.md': 'hello\n' }) });
  const result = await auditTarget({ repo, baseRef: 'main', headRef: 'pr' }, upstream);
  assert.deepEqual({ bump: result.bump, findings: result.findings, verdict: result.verdict, reason: result.reason }, {
    bump: null, findings: [], verdict: 'neutral', reason: 'no Tailscale version change between main and pr',
  });
});

test('two Tailscale bumps to different versions in the Dockerfile are reported, not guessed between', async () => {
  const twice = (a: string, b: string) => `# renovate: depName=tailscale\nARG TAILSCALE_VERSION=${a}\n\nFROM scratch\n\n# renovate: depName=tailscale\nARG TS_CLI=${b}\n`;
  const repo = memoryRepo({ main: { Dockerfile: twice('v1.98.8', 'v1.98.8') }, pr: { Dockerfile: twice('v1.100.0', 'v1.98.10') } });
  const result = await auditTarget({ repo, baseRef: 'main', headRef: 'pr' }, upstream);
  assert.equal(result.verdict, 'neutral');
  assert.equal(result.bump, null);
  assert.deepEqual(result.bumps.map((b) => `${b.arg} ${b.to}`), ['TAILSCALE_VERSION v1.100.0', 'TS_CLI v1.98.10']);
  assert.match(result.reason!, /different values .*audit each with --from\/--to/);
});

test('--from/--to audits the recipe at HEAD, and versions without v map to upstream tags', async () => {
  const repo = memoryRepo({ HEAD: exampleFiles('v1.98.8') });
  const result = await auditTarget({ repo, fromTag: '1.98.8', toTag: '1.100.0' }, upstream);
  assert.deepEqual(result.bump, { file: 'Dockerfile', line: 8, arg: 'TAILSCALE_VERSION', from: '1.98.8', to: '1.100.0', type: 'minor' });
  assert.equal(result.findings.filter((f) => f.severity === 'blocker').length, 2);
});

test('a script the Dockerfile runs is read as part of the recipe', async () => {
  const dockerfile = '# renovate: depName=tailscale\nARG TAILSCALE_VERSION=v1.98.8\nCOPY build-tags.sh /\nRUN /build-tags.sh\n';
  const script = "#!/bin/sh\n./tools/featuretags --min --add=osrouter | sed -e 's/ts_omit_advertiseexitnode,\\{0,1\\}//g' -e 's/ts_omit_peerapiserver,\\{0,1\\}//g'\n";
  const files = { Dockerfile: dockerfile, 'build-tags.sh': script, 'unrelated.sh': "go run ./cmd/featuretags --min | sed 's/ts_omit_dns//'\n" };
  const repo = memoryRepo({ HEAD: files });
  const result = await auditTarget({ repo, fromTag: 'v1.98.8', toTag: 'v1.100.0' }, upstream);
  assert.deepEqual(result.findings.map((f) => [f.kind, f.features.join(' ')]), [
    ['missing-dep', 'advertiseexitnode advertiseroutes'],
    ['missing-dep', 'advertiseexitnode c2n'],
    ['features-added', 'routecheck runtimemetrics'],
  ]);
  assert.ok(!repo.reads.includes('HEAD:unrelated.sh'));
});

test('an upstream tag without a feature table is an UpstreamError naming the tag', async () => {
  const repo = memoryRepo({ HEAD: exampleFiles('v1.98.8') });
  await assert.rejects(
    auditTarget({ repo, fromTag: 'v1.88.0', toTag: 'v1.100.0' }, upstream),
    (err: unknown) => err instanceof UpstreamError && err.code === 'featuretags-missing' && /v1\.88\.0/.test(err.userMessage),
  );
});

test('a garbled upstream feature table is an UpstreamError, not an empty audit', async () => {
  const repo = memoryRepo({ HEAD: exampleFiles('v1.98.8') });
  const garbled = memoryUpstream({
    [`v1.98.8/${FEATURETAGS_PATH}`]: 'package featuretags\n\nvar Features = map[FeatureTag]FeatureMeta{ "dns": {Sym: ',
    [`v1.100.0/${FEATURETAGS_PATH}`]: featuretagsGo('v1.100.0'),
  });
  await assert.rejects(
    auditTarget({ repo, fromTag: 'v1.98.8', toTag: 'v1.100.0' }, garbled),
    (err: unknown) => err instanceof UpstreamError && err.code === 'featuretags-unreadable' && /v1\.98\.8/.test(err.userMessage),
  );
});

test('a Dockerfile the audit cannot read (binary junk, an endless unterminated line) is a recipe-unreadable blocker, not a crash', async () => {
  const junk = (version: string) =>
    [
      '# renovate: datasource=github-releases depName=tailscale packageName=tailscale/tailscale versioning=semver',
      `ARG TAILSCALE_VERSION=${version}`,
      '\u0000\u0001\uFFFD\uD800 RUN "unterminated \\',
      `RUN echo '${'x\\'.repeat(500_000)}`,
    ].join('\n');
  const repo = memoryRepo({ main: { Dockerfile: junk('v1.98.8') }, pr: { Dockerfile: junk('v1.100.0') } });
  const result = await auditTarget({ repo, baseRef: 'main', headRef: 'pr' }, upstream);
  assert.equal(result.bump?.to, 'v1.100.0');
  assert.equal(result.verdict, 'failure');
  assert.deepEqual(result.findings.filter((f) => f.kind === 'recipe-unreadable').map((f) => f.severity), ['blocker']);
});
