import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it, test } from 'node:test';
import { createTwoFilesPatch } from 'diff';
import { bumpBetweenTags, bumpFindings, detectBump } from '../bump/index.ts';
import { parseConfig, readConfigAt } from '../config/index.ts';
import { UpstreamError, type Bump, type Finding, type SourceReader, type UpstreamReport, type UpstreamSource } from '../core/index.ts';
import { gitUpstream, localEditRunner } from '../upstream/index.ts';
import { auditTarget, auditUpstream, FEATURETAGS_PATH, memoizeUpstream } from './audit-target.ts';

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
  assert.deepEqual(
    findings.map((f) => [f.severity, f.kind, f.features.join(' ')]),
    [
      ['blocker', 'missing-dep', 'advertiseexitnode peerapiserver'],
      ['blocker', 'missing-dep', 'useexitnode peerapiclient'],
      ['warning', 'watched-symbol-changed', ''],
      ['info', 'missing-dep', 'advertiseroutes c2n'],
      ['info', 'features-added', 'routecheck runtimemetrics'],
      // This in-memory upstream cannot list directories and no sed runner is given: said, not skipped.
      ['info', 'patch-unevaluated', ''],
      ['info', 'patch-unevaluated', ''],
    ],
  );
  assert.deepEqual(
    findings.filter((f) => f.kind === 'patch-unevaluated').map((f) => [f.edit, f.message.replace(/^.* was not evaluated: /, '')]),
    [
      [{ path: 'Dockerfile', line: 14, target: 'cmd/tailscaled' }, 'memory cannot list directories'],
      [{ path: 'Dockerfile', line: 16, target: 'net/tstun/wrap.go' }, 'no sed runner is available on this host'],
    ],
  );
});

test('a PR cannot acknowledge its own gaps: the audit reads no config, the caller passes the base one', async () => {
  const lenient = 'acknowledge:\n  - { feature: advertiseexitnode, reason: trust me }\n  - { feature: useexitnode, reason: trust me }\n';
  const repo = memoryRepo({ main: exampleFiles('v1.98.8'), pr: exampleFiles('v1.100.0', { '.bumpguard.yml': lenient }) });
  const { findings } = await auditTarget(
    { source: repo, ref: 'pr', bump: minor, config: (await readConfigAt(repo, 'main')).config },
    upstream,
  );
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
  const script =
    "#!/bin/sh\n./tools/featuretags --min --add=osrouter | sed -e 's/ts_omit_advertiseexitnode,\\{0,1\\}//g' -e 's/ts_omit_peerapiserver,\\{0,1\\}//g'\n";
  const files = {
    Dockerfile: dockerfile,
    'build-tags.sh': script,
    'unrelated.sh': "go run ./cmd/featuretags --min | sed 's/ts_omit_dns//'\n",
  };
  const repo = memoryRepo({ HEAD: files });
  const { findings } = await auditTarget({ source: repo, ref: 'HEAD', bump: minor, config: parseConfig(null) }, upstream);
  assert.deepEqual(
    findings.map((f) => [f.kind, f.features.join(' ')]),
    [
      ['missing-dep', 'advertiseexitnode advertiseroutes'],
      ['missing-dep', 'advertiseexitnode c2n'],
      ['features-added', 'routecheck runtimemetrics'],
    ],
  );
  assert.ok(!repo.reads.includes('HEAD:unrelated.sh'));
});

test('the Dockerfile is read where `dockerfile` says, relative to the repo root, not to `context`', async () => {
  const containerfile = example('Dockerfile').replace(/^ARG TAILSCALE_VERSION=.*$/m, 'ARG TAILSCALE_VERSION=v1.98.8');
  const repo = memoryRepo({ HEAD: { 'image/Containerfile': containerfile } });
  const cfg = parseConfig('dockerfile: image/Containerfile\ncontext: image\n');
  const { findings } = await auditTarget(
    { source: repo, ref: 'HEAD', bump: { ...minor, file: 'image/Containerfile' }, config: cfg },
    upstream,
  );
  assert.ok(repo.reads.includes('HEAD:image/Containerfile'));
  assert.ok(
    findings.some((f) => f.kind === 'missing-dep'),
    'the recipe in image/Containerfile was audited',
  );
});

test('no feature-tag recipe anywhere (a prebuilt daemon copied in): one info line and the upstream feature changes, no blocker', async () => {
  const dockerfile =
    '# renovate: depName=tailscale\nARG TAILSCALE_VERSION=v1.98.8\nFROM scratch\nCOPY prebuilt/tailscaled /usr/local/bin/tailscaled\n';
  const repo = memoryRepo({ HEAD: { 'image/Containerfile': dockerfile } });
  const cfg = parseConfig('dockerfile: image/Containerfile\ncontext: image\n');
  const { findings } = await auditTarget({ source: repo, ref: 'HEAD', bump: minor, config: cfg }, upstream);
  assert.deepEqual(
    findings.map((f) => [f.severity, f.kind, f.message]),
    [
      ['info', 'no-recipe', 'no feature-tag recipe found in image/Containerfile: opt-in checks skipped'],
      ['info', 'features-added', 'v1.100.0 adds 2 feature(s): routecheck, runtimemetrics'],
    ],
  );
});

test('an upstream tag without a feature table ends the audit as one infra-error finding naming the tag', async () => {
  const repo = memoryRepo({ HEAD: exampleFiles('v1.98.8') });
  const { findings } = await auditTarget({ source: repo, ref: 'HEAD', bump: { ...minor, from: 'v1.88.0' }, config }, upstream);
  assert.deepEqual(
    findings.map((f) => [f.severity, f.kind, f.code]),
    [['blocker', 'infra-error', 'featuretags-missing']],
  );
  assert.match(findings[0]!.message, /^the feature-tag audit of v1\.88\.0 → v1\.100\.0 could not run: .*v1\.88\.0/);
});

test('a garbled upstream feature table is an infra-error finding, not an empty audit', async () => {
  const repo = memoryRepo({ HEAD: exampleFiles('v1.98.8') });
  const garbled = memoryUpstream({
    [`v1.98.8/${FEATURETAGS_PATH}`]: 'package featuretags\n\nvar Features = map[FeatureTag]FeatureMeta{ "dns": {Sym: ',
    [`v1.100.0/${FEATURETAGS_PATH}`]: featuretagsGo('v1.100.0'),
  });
  const { findings } = await auditTarget({ source: repo, ref: 'HEAD', bump: minor, config }, garbled);
  assert.deepEqual(
    findings.map((f) => [f.kind, f.code]),
    [['infra-error', 'featuretags-unreadable']],
  );
  assert.match(findings[0]!.message, /v1\.98\.8/);
});

test('an unreachable upstream is one infra-error finding; other failures still throw', async () => {
  const repo = memoryRepo({ HEAD: exampleFiles('v1.98.8') });
  const offline: UpstreamSource = {
    describe: 'github.com',
    readFile: async () => {
      throw new UpstreamError('upstream-unreachable', 'Cannot reach api.github.com: getaddrinfo ENOTFOUND.');
    },
  };
  const { findings } = await auditTarget({ source: repo, ref: 'HEAD', bump: minor, config }, offline);
  assert.deepEqual(
    findings.map((f) => [f.severity, f.kind, f.code]),
    [['blocker', 'infra-error', 'upstream-unreachable']],
  );
  const broken: UpstreamSource = {
    describe: 'bug',
    readFile: async () => {
      throw new TypeError('a bug');
    },
  };
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
  assert.deepEqual(
    findings.filter((f) => f.kind === 'recipe-unreadable').map((f) => f.severity),
    ['blocker'],
  );
});

test('two Tailscale bumps to different values in the Dockerfile are reported as one unclear-bump blocker, not guessed between', async () => {
  const twice = (a: string, b: string) =>
    `# renovate: depName=tailscale\nARG TAILSCALE_VERSION=${a}\n\nFROM scratch\n\n# renovate: depName=tailscale\nARG TS_CLI=${b}\n`;
  const repo = memoryRepo({ main: { Dockerfile: twice('v1.98.8', 'v1.98.8') }, pr: { Dockerfile: twice('v1.100.0', 'v1.98.10') } });
  const decision = await detectBump(repo, 'main', 'pr', parseConfig(null));
  assert.equal(decision.bump, null);
  assert.deepEqual(
    decision.bumps.map((b) => `${b.arg} ${b.to}`),
    ['TAILSCALE_VERSION v1.100.0', 'TS_CLI v1.98.10'],
  );
  assert.deepEqual(
    bumpFindings(decision).map((f) => [f.severity, f.kind]),
    [['blocker', 'bump-unclear']],
  );
  // build.versionArg names the one that is built: then there is nothing unclear.
  const chosen = await detectBump(repo, 'main', 'pr', parseConfig('build: { versionArg: TS_CLI }\n'));
  assert.deepEqual(chosen.bump && [chosen.bump.arg, chosen.bump.to], ['TS_CLI', 'v1.98.10']);
});

// The upstream half of the audit over a generated upstream: a throwaway git repository with a
// base tag and a new tag, the commits between them each breaking one source edit of the recipe
// below. Real GNU sed (sandboxed) and git apply do the replays.
const WRAP = (panicLine: string, extra = '') => `package tstun

func invertGSOChecksum(pkt []byte) {
\tif !haveNetstack {
${panicLine}
\t}
${extra}}

func filterOutbound(p []byte) bool {
\treturn len(p) > 0
}
`;
const DNS = (calls: number) => `package dns\n\nfunc apply() {\n${'\tdebugf("apply")\n'.repeat(calls)}}\n`;
const MAGICSOCK = (body: string) => `package magicsock\n\nfunc (c *Conn) send(b []byte) error {\n${body}}\n`;

/** The recipe under test: one edit per case, each written the way a maintainer would. */
const DOCKERFILE = `FROM golang:1.25-alpine AS build
ARG TAILSCALE_VERSION=v1.98.8
RUN git clone --depth 1 --branch "\${TAILSCALE_VERSION}" https://github.com/tailscale/tailscale.git /src/tailscale
WORKDIR /src/tailscale
RUN sed -i -e '/func invertGSOChecksum/,/^}/ s/\\t\\tpanic("unreachable")/\\t\\treturn/' net/tstun/wrap.go
RUN sed -i 's/debugf(/logf(/' net/dns/config.go
COPY patches/magicsock-retry.patch /tmp/
RUN patch -p1 < /tmp/magicsock-retry.patch
COPY patches/oldpkg_quiet.go cmd/oldpkg/
RUN sed -i -e '/^func filterOutbound/,/^}/ s/len(p) > 0/len(p) > 1/' net/tstun/wrap.go
ARG EXTRA_SED
RUN sed -i "\${EXTRA_SED}" net/tstun/wrap.go
RUN go run ./cmd/featuretags --min --add=osrouter | sed -e 's/ts_omit_dns,//' > /tags
`;

const REPO_FILES: Record<string, string> = {
  'patches/magicsock-retry.patch': [
    '--- a/wgengine/magicsock/magicsock.go',
    '+++ b/wgengine/magicsock/magicsock.go',
    '@@ -3,3 +3,3 @@ package magicsock',
    ' func (c *Conn) send(b []byte) error {',
    '-\treturn c.pconn.Write(b)',
    '+\treturn c.writeWithRetry(b)',
    ' }',
    '',
  ].join('\n'),
  'patches/oldpkg_quiet.go': 'package oldpkg\n\nfunc init() { quiet = true }\n',
};

let root: string;
let up: string;
let report: UpstreamReport;
let findings: Finding[];

function git(cwd: string, ...args: string[]): string {
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@example.invalid',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@example.invalid',
    GIT_CONFIG_GLOBAL: '/dev/null',
  };
  return execFileSync('git', args, { cwd, env, encoding: 'utf8' });
}

function commit(dir: string, message: string, files: Record<string, string | null>): void {
  for (const [path, text] of Object.entries(files)) {
    if (text === null) git(dir, 'rm', '-q', path);
    else {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
      git(dir, 'add', path);
    }
  }
  git(dir, 'commit', '-q', '-m', message);
}

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'bumpguard-upstream-audit-'));
  up = join(root, 'tailscale');
  mkdirSync(up);
  git(up, 'init', '-q', '-b', 'main');
  commit(up, 'base', {
    'net/tstun/wrap.go': WRAP('\t\tpanic("unreachable")'),
    'net/dns/config.go': DNS(2),
    'wgengine/magicsock/magicsock.go': MAGICSOCK('\treturn c.pconn.Write(b)\n'),
    'cmd/oldpkg/oldpkg.go': 'package oldpkg\n\nvar quiet bool\n',
    'cmd/tailscaled/tailscaled.go': 'package main\n',
    'feature/dns/dns.go': 'package dns\n',
    'ipn/ipnlocal/dns.go': '//go:build !ts_omit_dns\n\npackage ipnlocal\n',
  });
  git(up, 'tag', 'v1.98.8');
  commit(up, 'tstun: say why invertGSOChecksum is unreachable', {
    'net/tstun/wrap.go': WRAP('\t\tpanic("invertGSOChecksum without netstack")'),
  });
  commit(up, 'net/dns: log each resolver change', { 'net/dns/config.go': DNS(3) });
  commit(up, 'magicsock: send through the batching writer', {
    'wgengine/magicsock/magicsock.go': MAGICSOCK('\treturn c.batch.Write(b)\n'),
  });
  commit(up, 'cmd/oldpkg: remove', { 'cmd/oldpkg/oldpkg.go': null });
  commit(up, 'tstun: count dropped GSO packets', {
    'net/tstun/wrap.go': WRAP('\t\tpanic("invertGSOChecksum without netstack")', '\tmetricGSODropped.Add(1)\n'),
  });
  commit(up, 'ipnlocal: split DNS config', {
    'ipn/ipnlocal/dns.go': '//go:build !ts_omit_dns\n\npackage ipnlocal\n\nfunc splitDNS() {}\n',
    'feature/dns/dns.go': 'package dns\n\nfunc init() {}\n',
  });
  commit(up, 'docs: typo', { 'README.md': 'hello\n' });
  git(up, 'tag', 'v1.100.0');

  const result = await audit(parseConfig(null));
  report = result.report;
  findings = result.findings;
});
after(() => rmSync(root, { recursive: true, force: true }));

function audit(config: ReturnType<typeof parseConfig>) {
  return auditUpstream({
    recipeFiles: [{ path: 'Dockerfile', text: DOCKERFILE }],
    repo: { readFile: async (p) => REPO_FILES[p] ?? null, listFiles: async () => Object.keys(REPO_FILES) },
    fromTag: 'v1.98.8',
    toTag: 'v1.100.0',
    config,
    upstream: memoizeUpstream(gitUpstream(up)),
    runner: localEditRunner({ tempRoot: root }),
  });
}

const at = (line: number) => findings.filter((f) => f.edit?.line === line);

describe('source edits against a generated upstream', () => {
  it('a sed that stops matching is a patch-stale blocker the bump introduced, naming the line', () => {
    assert.deepEqual(
      at(5).map((f) => [f.severity, f.kind, f.introduced, f.edit, f.message]),
      [
        [
          'blocker',
          'patch-stale',
          true,
          { path: 'Dockerfile', line: 5, target: 'net/tstun/wrap.go' },
          'the sed at Dockerfile:5 changed 1 line of net/tstun/wrap.go at v1.98.8 and changes none at v1.100.0: upstream moved what it edits',
        ],
      ],
    );
  });

  it('a sed whose match count changes is a patch-drift warning with what it now does', () => {
    const [drift] = at(6);
    assert.deepEqual(
      [drift?.severity, drift?.kind, drift?.message],
      [
        'warning',
        'patch-drift',
        'the sed at Dockerfile:6 changes 3 lines of net/dns/config.go at v1.100.0, 2 lines at v1.98.8: check it still edits what it should',
      ],
    );
    assert.match(drift!.detail!, /^-\tdebugf\("apply"\)\n\+\tlogf\("apply"\)$/m);
  });

  it("a patch that no longer applies is a blocker with git's reason and the rejected hunk", () => {
    const [stale] = at(8);
    assert.deepEqual(
      [stale?.severity, stale?.kind, stale?.introduced, stale?.edit?.target],
      ['blocker', 'patch-stale', true, 'patches/magicsock-retry.patch'],
    );
    assert.equal(stale!.message, 'patches/magicsock-retry.patch (patch at Dockerfile:8) no longer applies to v1.100.0');
    assert.match(stale!.detail!, /error: patch failed: wgengine\/magicsock\/magicsock\.go:3/);
    assert.match(stale!.detail!, /@@ -3,3 \+3,3 @@\n func \(c \*Conn\) send\(b \[\]byte\) error \{\n-\treturn c\.pconn\.Write\(b\)/);
  });

  it('a COPY into a package upstream removed is a blocker', () => {
    assert.deepEqual(
      at(9).map((f) => [f.severity, f.kind, f.introduced, f.message]),
      [
        [
          'blocker',
          'patch-stale',
          true,
          'Dockerfile:9 copies patches/oldpkg_quiet.go into cmd/oldpkg, which has no Go package at v1.100.0: the copied code no longer compiles in where it should',
        ],
      ],
    );
  });

  it('a sed on a symbol whose body changed still applies, and the symbol is watched with the upstream diff', () => {
    assert.deepEqual(at(10), [], 'the filterOutbound sed still changes its one line');
    assert.deepEqual(
      report.edits.filter((e) => e.line === 10).map((e) => [e.status, e.changed]),
      [['applies', { from: 1, to: 1 }]],
    );
    const watched = findings.filter((f) => f.kind === 'watched-symbol-changed');
    assert.deepEqual(
      watched.map((f) => [f.severity, f.message]),
      [
        [
          'warning',
          'watched invertGSOChecksum (net/tstun/wrap.go; watched because the sed at Dockerfile:5 edits it) changed between v1.98.8 and v1.100.0',
        ],
      ],
    );
    assert.match(watched[0]!.detail!, /^\+\tmetricGSODropped\.Add\(1\)$/m);
  });

  it('a sed script built from a shell variable is an info line that says why', () => {
    assert.deepEqual(
      at(12).map((f) => [f.severity, f.kind, f.message]),
      [
        [
          'info',
          'patch-unevaluated',
          'sed at Dockerfile:12 was not evaluated: the sed script is built from a shell variable (${EXTRA_SED}), so bumpguard cannot replay it',
        ],
      ],
    );
  });
});

describe('upstream commits behind the shipped features', () => {
  it('groups the commits that touch patched files and opted-in features, and leaves the rest out', () => {
    const c = report.commits;
    assert.equal(c.total, 7);
    assert.equal(c.relevant, 6);
    assert.deepEqual(
      c.groups.map((g) => [g.name, g.commits.map((x) => x.subject)]),
      [
        [
          'source patches',
          [
            'tstun: count dropped GSO packets',
            'cmd/oldpkg: remove',
            'magicsock: send through the batching writer',
            'net/dns: log each resolver change',
            'tstun: say why invertGSOChecksum is unreachable',
          ],
        ],
        ['dns', ['ipnlocal: split DNS config']],
      ],
    );
    assert.deepEqual(c.groups[1]!.commits[0]!.files, ['feature/dns/dns.go', 'ipn/ipnlocal/dns.go']);
    assert.match(c.top[0]!.url, /^https:\/\/github\.com\/tailscale\/tailscale\/commit\/[0-9a-f]{40}$/);
    assert.equal(c.compareUrl, 'https://github.com/tailscale/tailscale/compare/v1.98.8...v1.100.0');
  });
});

describe('acknowledging a source edit in .bumpguard.yml', () => {
  it('turns its findings into info with the reason, and reports an entry that matches nothing', async () => {
    const config = parseConfig(
      'acknowledge:\n  - { edit: net/tstun/wrap.go, reason: fixed upstream }\n  - { edit: net/gone.go, reason: old }\n',
    );
    const { findings: acked } = await audit(config);
    assert.deepEqual(
      acked
        .filter((f) => f.edit?.target === 'net/tstun/wrap.go' && f.kind === 'patch-stale')
        .map((f) => [f.severity, f.acknowledged, f.acknowledgedReason]),
      [['info', true, 'fixed upstream']],
    );
    assert.deepEqual(
      acked.filter((f) => f.kind === 'stale-acknowledgment').map((f) => f.message),
      ['the acknowledgment of the edit of net/gone.go in .bumpguard.yml matches nothing at v1.100.0; remove it or update it'],
    );
    // Other edits stay as they were.
    assert.ok(acked.some((f) => f.edit?.line === 8 && f.severity === 'blocker'));
  });
});

describe('a recipe with more edits than bumpguard replays', () => {
  it('replays the first 24 edited files, names the rest in one line, and reads upstream for those only', async () => {
    const seds = Array.from({ length: 30 }, (_, i) => `RUN sed -i 's/a/b/' f${i}.go`).join('\n');
    const reads: string[] = [];
    const { findings: many, report: r } = await auditUpstream({
      recipeFiles: [
        { path: 'Dockerfile', text: `FROM scratch\nWORKDIR /src\nRUN git clone https://github.com/tailscale/tailscale .\n${seds}\n` },
      ],
      repo: { readFile: async () => null, listFiles: async () => [] },
      fromTag: 'v1.98.8',
      toTag: 'v1.100.0',
      config: parseConfig(null),
      upstream: { describe: 'memory', readFile: async (tag, path) => (reads.push(`${tag}:${path}`), 'a\n') },
      runner: localEditRunner({ tempRoot: root }),
    });
    assert.equal(r.edits.filter((e) => e.status === 'applies').length, 24);
    assert.deepEqual(
      many.filter((f) => f.kind === 'patch-unevaluated').map((f) => f.message),
      [
        'sed at Dockerfile:28 was not evaluated: the recipe edits more than 24 upstream files; bumpguard replays the first 24, and these 6 edits from Dockerfile:28 on are not replayed',
      ],
    );
    assert.equal(new Set(reads).size, 48);
  });
});
