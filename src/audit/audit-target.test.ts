import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createTwoFilesPatch } from 'diff';
import { bumpBetweenTags, bumpFindings } from '../bump/index.ts';
import { parseConfig, readConfigAt } from '../config/index.ts';
import { detectBump } from '../jobs/detect-bump.ts';
import type { Bump } from '../model.ts';
import type { SourceReader } from '../repo/types.ts';
import { auditTarget, FEATURETAGS_PATH } from './audit-target.ts';
import { UpstreamError } from '../errors.ts';
import type { UpstreamSource } from './upstream/types.ts';

const example = (name: string) => readFileSync(new URL(`../../test/fixtures/target-repo/${name}`, import.meta.url), 'utf8');
const featuretagsGo = (tag: string) => readFileSync(new URL(`./__fixtures__/featuretags/${tag}.go`, import.meta.url), 'utf8');

/** Refs → files, with a diff computed like `git diff base...head` for two refs. */
function memoryRepo(refs: Record<string, Record<string, string>>): SourceReader & { reads: string[] } {
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

const config = parseConfig(example('.bumpguard.yml'));
const minor: Bump = { file: 'Dockerfile', line: 8, arg: 'TAILSCALE_VERSION', from: 'v1.98.8', to: 'v1.100.0', type: 'minor' };

test('a PR bump: decided once from the diff, audited at the head with the base config, the watched symbol compared', async () => {
  const repo = memoryRepo({ main: exampleFiles('v1.98.8'), pr: exampleFiles('v1.100.0') });
  const { config: base, source } = await readConfigAt(repo, 'main');
  assert.equal(source, '.bumpguard.yml at main');
  const decision = await detectBump(repo, 'main', 'pr', base);
  assert.deepEqual(decision.bump, minor);
  const { findings } = await auditTarget({ source: repo, ref: 'pr', bump: decision.bump, config: base }, upstream);
  assert.deepEqual(findings.map((f) => [f.severity, f.kind, f.features.join(' ')]), [
    ['blocker', 'missing-dep', 'advertiseexitnode peerapiserver'],
    ['blocker', 'missing-dep', 'useexitnode peerapiclient'],
    ['warning', 'watched-symbol-changed', ''],
    ['info', 'missing-dep', 'advertiseroutes c2n'],
    ['info', 'features-added', 'routecheck runtimemetrics'],
    // This in-memory upstream cannot list directories and no sed runner is given: said, not skipped.
    ['info', 'patch-unevaluated', ''],
    ['info', 'patch-unevaluated', ''],
  ]);
  assert.deepEqual(findings.filter((f) => f.kind === 'patch-unevaluated').map((f) => [f.edit, f.message.replace(/^.* was not evaluated: /, '')]), [
    [{ path: 'Dockerfile', line: 14, target: 'cmd/tailscaled' }, 'memory cannot list directories'],
    [{ path: 'Dockerfile', line: 16, target: 'net/tstun/wrap.go' }, 'no sed runner is available on this host'],
  ]);
});

test('a PR cannot acknowledge its own gaps: the audit reads no config, the caller passes the base one', async () => {
  const lenient = 'acknowledge:\n  - { feature: advertiseexitnode, reason: trust me }\n  - { feature: useexitnode, reason: trust me }\n';
  const repo = memoryRepo({ main: exampleFiles('v1.98.8'), pr: exampleFiles('v1.100.0', { '.bumpguard.yml': lenient }) });
  const { findings } = await auditTarget({ source: repo, ref: 'pr', bump: minor, config: (await readConfigAt(repo, 'main')).config }, upstream);
  assert.equal(findings.filter((f) => f.severity === 'blocker' && !f.acknowledged).length, 2);
  assert.ok(!repo.reads.includes('pr:.bumpguard.yml'));
});

test('--from/--to audits the recipe at HEAD, and versions without v map to upstream tags', async () => {
  const repo = memoryRepo({ HEAD: exampleFiles('v1.98.8') });
  const bump = bumpBetweenTags('1.98.8', '1.100.0', { path: 'Dockerfile', text: await repo.readFile('HEAD', 'Dockerfile') });
  assert.deepEqual(bump, { file: 'Dockerfile', line: 8, arg: 'TAILSCALE_VERSION', from: '1.98.8', to: '1.100.0', type: 'minor' });
  const { findings } = await auditTarget({ source: repo, ref: 'HEAD', bump, config }, upstream);
  assert.equal(findings.filter((f) => f.severity === 'blocker').length, 2);
});

test('a script the Dockerfile runs is read as part of the recipe', async () => {
  const dockerfile = '# renovate: depName=tailscale\nARG TAILSCALE_VERSION=v1.98.8\nCOPY build-tags.sh /\nRUN /build-tags.sh\n';
  const script = "#!/bin/sh\n./tools/featuretags --min --add=osrouter | sed -e 's/ts_omit_advertiseexitnode,\\{0,1\\}//g' -e 's/ts_omit_peerapiserver,\\{0,1\\}//g'\n";
  const files = { Dockerfile: dockerfile, 'build-tags.sh': script, 'unrelated.sh': "go run ./cmd/featuretags --min | sed 's/ts_omit_dns//'\n" };
  const repo = memoryRepo({ HEAD: files });
  const { findings } = await auditTarget({ source: repo, ref: 'HEAD', bump: minor, config: parseConfig(null) }, upstream);
  assert.deepEqual(findings.map((f) => [f.kind, f.features.join(' ')]), [
    ['missing-dep', 'advertiseexitnode advertiseroutes'],
    ['missing-dep', 'advertiseexitnode c2n'],
    ['features-added', 'routecheck runtimemetrics'],
  ]);
  assert.ok(!repo.reads.includes('HEAD:unrelated.sh'));
});

test('the Dockerfile is read where `dockerfile` says, relative to the repo root, not to `context`', async () => {
  const containerfile = example('Dockerfile').replace(/^ARG TAILSCALE_VERSION=.*$/m, 'ARG TAILSCALE_VERSION=v1.98.8');
  const repo = memoryRepo({ HEAD: { 'image/Containerfile': containerfile } });
  const cfg = parseConfig('dockerfile: image/Containerfile\ncontext: image\n');
  const { findings } = await auditTarget({ source: repo, ref: 'HEAD', bump: { ...minor, file: 'image/Containerfile' }, config: cfg }, upstream);
  assert.ok(repo.reads.includes('HEAD:image/Containerfile'));
  assert.ok(findings.some((f) => f.kind === 'missing-dep'), 'the recipe in image/Containerfile was audited');
});

test('no feature-tag recipe anywhere (a prebuilt daemon copied in): one info line and the upstream feature changes, no blocker', async () => {
  const dockerfile = '# renovate: depName=tailscale\nARG TAILSCALE_VERSION=v1.98.8\nFROM scratch\nCOPY prebuilt/tailscaled /usr/local/bin/tailscaled\n';
  const repo = memoryRepo({ HEAD: { 'image/Containerfile': dockerfile } });
  const cfg = parseConfig('dockerfile: image/Containerfile\ncontext: image\n');
  const { findings } = await auditTarget({ source: repo, ref: 'HEAD', bump: minor, config: cfg }, upstream);
  assert.deepEqual(findings.map((f) => [f.severity, f.kind, f.message]), [
    ['info', 'no-recipe', 'no feature-tag recipe found in image/Containerfile: opt-in checks skipped'],
    ['info', 'features-added', 'v1.100.0 adds 2 feature(s): routecheck, runtimemetrics'],
  ]);
});

test('an upstream tag without a feature table ends the audit as one infra-error finding naming the tag', async () => {
  const repo = memoryRepo({ HEAD: exampleFiles('v1.98.8') });
  const { findings } = await auditTarget({ source: repo, ref: 'HEAD', bump: { ...minor, from: 'v1.88.0' }, config }, upstream);
  assert.deepEqual(findings.map((f) => [f.severity, f.kind, f.code]), [['blocker', 'infra-error', 'featuretags-missing']]);
  assert.match(findings[0]!.message, /^the feature-tag audit of v1\.88\.0 → v1\.100\.0 could not run: .*v1\.88\.0.* — not caused by this change/);
});

test('a garbled upstream feature table is an infra-error finding, not an empty audit', async () => {
  const repo = memoryRepo({ HEAD: exampleFiles('v1.98.8') });
  const garbled = memoryUpstream({
    [`v1.98.8/${FEATURETAGS_PATH}`]: 'package featuretags\n\nvar Features = map[FeatureTag]FeatureMeta{ "dns": {Sym: ',
    [`v1.100.0/${FEATURETAGS_PATH}`]: featuretagsGo('v1.100.0'),
  });
  const { findings } = await auditTarget({ source: repo, ref: 'HEAD', bump: minor, config }, garbled);
  assert.deepEqual(findings.map((f) => [f.kind, f.code]), [['infra-error', 'featuretags-unreadable']]);
  assert.match(findings[0]!.message, /v1\.98\.8/);
});

test('an unreachable upstream is one infra-error finding; other failures still throw', async () => {
  const repo = memoryRepo({ HEAD: exampleFiles('v1.98.8') });
  const offline: UpstreamSource = { describe: 'github.com', readFile: async () => { throw new UpstreamError('upstream-unreachable', 'Cannot reach api.github.com: getaddrinfo ENOTFOUND.'); } };
  const { findings } = await auditTarget({ source: repo, ref: 'HEAD', bump: minor, config }, offline);
  assert.deepEqual(findings.map((f) => [f.severity, f.kind, f.code]), [['blocker', 'infra-error', 'upstream-unreachable']]);
  const broken: UpstreamSource = { describe: 'bug', readFile: async () => { throw new TypeError('a bug'); } };
  await assert.rejects(auditTarget({ source: repo, ref: 'HEAD', bump: minor, config }, broken), TypeError);
});

test('a recipe the audit cannot read (binary junk, an endless unterminated line) is a recipe-unreadable blocker, not a crash', async () => {
  const junk = [
    '# renovate: datasource=github-releases depName=tailscale packageName=tailscale/tailscale versioning=semver',
    'ARG TAILSCALE_VERSION=v1.100.0',
    '\u0000\u0001\uFFFD\uD800 RUN "unterminated \\',
    `RUN go run ./cmd/featuretags --min | echo '${'x\\'.repeat(500_000)}`,
  ].join('\n');
  const repo = memoryRepo({ pr: { Dockerfile: junk } });
  const { findings } = await auditTarget({ source: repo, ref: 'pr', bump: minor, config: parseConfig(null) }, upstream);
  assert.deepEqual(findings.filter((f) => f.kind === 'recipe-unreadable').map((f) => f.severity), ['blocker']);
});

test('two Tailscale bumps to different values in the Dockerfile are reported as one unclear-bump blocker, not guessed between', async () => {
  const twice = (a: string, b: string) => `# renovate: depName=tailscale\nARG TAILSCALE_VERSION=${a}\n\nFROM scratch\n\n# renovate: depName=tailscale\nARG TS_CLI=${b}\n`;
  const repo = memoryRepo({ main: { Dockerfile: twice('v1.98.8', 'v1.98.8') }, pr: { Dockerfile: twice('v1.100.0', 'v1.98.10') } });
  const decision = await detectBump(repo, 'main', 'pr', parseConfig(null));
  assert.equal(decision.bump, null);
  assert.deepEqual(decision.bumps.map((b) => `${b.arg} ${b.to}`), ['TAILSCALE_VERSION v1.100.0', 'TS_CLI v1.98.10']);
  assert.deepEqual(bumpFindings(decision).map((f) => [f.severity, f.kind]), [['blocker', 'bump-unclear']]);
  // build.versionArg names the one that is built: then there is nothing unclear.
  const chosen = await detectBump(repo, 'main', 'pr', parseConfig('build: { versionArg: TS_CLI }\n'));
  assert.deepEqual(chosen.bump && [chosen.bump.arg, chosen.bump.to], ['TS_CLI', 'v1.98.10']);
});
