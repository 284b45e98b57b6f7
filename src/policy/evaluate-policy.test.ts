import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../config/index.ts';
import type { Finding, Override } from '../core/index.ts';
import { decideVerdict, evaluatePolicy } from './evaluate-policy.ts';
import { BASE_SHA, HEAD_SHA, PLATFORMS, buildCheckResult, buildPlatform, canaryFail, canaryPass } from '../../test/helpers/check-result.ts';

const config = parseConfig(null);
const KiB = 1024;

const missingDep: Finding = {
  severity: 'blocker',
  kind: 'missing-dep',
  features: ['advertiseexitnode', 'peerapiserver'],
  introduced: true,
  acknowledged: false,
  message: 'advertiseexitnode needs peerapiserver, which the recipe omits',
};

function override(kind: Override['kind'], headSha = HEAD_SHA): Override {
  return { kind, reason: 'arm64 growth is the new DNS cache, flash still fits', by: 'alice', at: '2025-11-25T13:00:00Z', headSha };
}

const regressionOnArm64 = () => PLATFORMS.map((p) => buildPlatform(p, p === 'linux/arm64' ? { head: { binaryGrowth: 300 * KiB } } : {}));

test('a clean bump is a success with no findings', () => {
  const out = evaluatePolicy(buildCheckResult(), config);
  assert.equal(out.verdict, 'success');
  assert.deepEqual(out.findings, []);
  assert.deepEqual(out.counts, { infrastructure: 0, blockers: 0, warnings: 0, infos: 0, acknowledged: 0 });
  assert.equal(out.reason, 'no blockers, no warnings');
});

test('warnings alone still pass', () => {
  const platforms = PLATFORMS.map((p) => buildPlatform(p, { head: { binaryGrowth: 80 * KiB } }));
  const out = evaluatePolicy(buildCheckResult({ platforms }), config);
  assert.equal(out.verdict, 'success');
  assert.ok(out.counts.warnings > 0);
  assert.equal(out.counts.blockers, 0);
});

test('a size regression on one arch fails and names only that arch', () => {
  const out = evaluatePolicy(buildCheckResult({ platforms: regressionOnArm64() }), config);
  assert.equal(out.verdict, 'failure');
  const blockers = out.findings.filter((f) => f.severity === 'blocker');
  assert.deepEqual(
    blockers.map((f) => [f.platform, f.metric]),
    [
      ['linux/arm64', 'image'],
      ['linux/arm64', 'flash'],
    ],
  );
  assert.match(
    out.reason,
    /^2 blockers, first: linux\/arm64 compressed image grew \+298\.5 KiB \(\+8\.2%\), over the fail level 128 KiB and 3%$/,
  );
});

test('an audit blocker fails the check', () => {
  const out = evaluatePolicy(buildCheckResult({ findings: [missingDep] }), config);
  assert.equal(out.verdict, 'failure');
  assert.equal(out.reason, '1 blocker: advertiseexitnode needs peerapiserver, which the recipe omits');
});

test('a failed head build on arm/v7 is a blocker carrying the log tail', () => {
  const platforms = PLATFORMS.map((p) =>
    buildPlatform(
      p,
      p === 'linux/arm/v7'
        ? {
            head: {
              error: {
                message: 'go build exited with 2',
                logTail: '# tailscale.com/net/tstun\nundefined: invertGSOChecksum',
                code: 'build-failed',
              },
            },
          }
        : {},
    ),
  );
  const out = evaluatePolicy(buildCheckResult({ platforms }), config);
  assert.equal(out.verdict, 'failure');
  assert.deepEqual(
    out.findings.map((f) => [f.kind, f.severity, f.platform]),
    [['build-failed', 'blocker', 'linux/arm/v7']],
  );
  assert.equal(out.findings[0]!.message, 'linux/arm/v7 head build failed at c0ffee5: go build exited with 2');
  assert.match(out.findings[0]!.detail!, /invertGSOChecksum/);
});

test('an amd64 binary in the arm64 image is a blocker (ELF machine mismatch)', () => {
  const platforms = [buildPlatform('linux/arm64', { head: { foreignMachine: 'x86_64' } })];
  const out = evaluatePolicy(buildCheckResult({ platforms }), config);
  assert.equal(out.verdict, 'failure');
  assert.deepEqual(
    out.findings.map((f) => [f.kind, f.introduced, f.message]),
    [
      [
        'elf-mismatch',
        true,
        'linux/arm64 image contains an ELF for another CPU: /usr/local/bin/tailscale.combined (x86_64); it will not run on a linux/arm64 router',
      ],
    ],
  );
});

test('a failed canary is a blocker with the assertion and the observed value; a failure at base is marked as not introduced', () => {
  const dns = (ok: boolean) => (ok ? canaryPass('magicdns-forwarder') : canaryFail('magicdns-forwarder', 'status NOERROR', 'SERVFAIL'));
  const platforms = [
    buildPlatform('linux/amd64', { base: { canaries: [dns(true)] }, head: { canaries: [dns(false)] } }),
    buildPlatform('linux/arm64', { base: { canaries: [dns(false)] }, head: { canaries: [dns(false)] } }),
  ];
  const out = evaluatePolicy(buildCheckResult({ platforms }), config);
  assert.equal(out.verdict, 'failure');
  assert.deepEqual(
    out.findings.map((f) => [f.platform, f.introduced, f.message]),
    [
      ['linux/amd64', true, 'canary magicdns-forwarder failed on linux/amd64: expected status NOERROR, got SERVFAIL'],
      ['linux/arm64', false, 'canary magicdns-forwarder failed on linux/arm64: expected status NOERROR, got SERVFAIL'],
    ],
  );
});

test('a missing baseline blocks on every forge, with the reason and the way out, never a silent pass', () => {
  const platforms = PLATFORMS.map((p) => buildPlatform(p, p === 'linux/arm64' ? { base: null } : {}));
  const out = evaluatePolicy(buildCheckResult({ platforms }), config);
  assert.equal(out.verdict, 'failure');
  assert.deepEqual(
    out.findings.map((f) => [f.severity, f.kind, f.message]),
    [
      [
        'blocker',
        'no-baseline',
        'no baseline: fix the base build, or /accept size <reason> — linux/arm64 at 3f9c2a7: the base was neither built nor found in the cache, so sizes, RAM and canaries were not compared',
      ],
    ],
  );
  assert.match(out.reason, /^1 blocker: no baseline: fix the base build, or \/accept size <reason> — linux\/arm64 at 3f9c2a7/);
});

test('a base that failed its own build is no baseline; `/accept size` at this head clears it', () => {
  const platforms = [
    buildPlatform('linux/arm/v7', {
      base: {
        error: {
          message: 'executor failed running [/bin/sh -c make]: exit code: 2',
          logTail: 'make: *** [all] Error 2',
          code: 'build-failed',
        },
      },
    }),
  ];
  const out = evaluatePolicy(buildCheckResult({ platforms }), config);
  assert.equal(out.verdict, 'failure');
  assert.equal(
    out.findings[0]!.message,
    'no baseline: fix the base build, or /accept size <reason> — linux/arm/v7 at 3f9c2a7: the base build failed (executor failed running [/bin/sh -c make]: exit code: 2), so nothing was compared',
  );
  const accepted = evaluatePolicy(buildCheckResult({ platforms, overrides: [override('size')] }), config);
  assert.equal(accepted.verdict, 'success');
  assert.deepEqual(
    accepted.accepted[0]!.findings.map((f) => f.kind),
    ['no-baseline'],
  );
});

test('a base that could not be built for a reason outside the repo is an error, not a missing baseline', () => {
  const platforms = [
    buildPlatform('linux/arm/v7', {
      base: {
        error: {
          message: 'Cannot set up the remote builder tcp://arm:1234',
          logTail: 'dial tcp: i/o timeout',
          code: 'builder-unreachable',
        },
      },
    }),
  ];
  const out = evaluatePolicy(buildCheckResult({ platforms }), config);
  assert.equal(out.verdict, 'error');
  assert.deepEqual(
    out.findings.map((f) => [f.kind, f.code]),
    [['infra-error', 'builder-unreachable']],
  );
  assert.match(
    out.reason,
    /^could not finish: linux\/arm\/v7 base build failed at 3f9c2a7: Cannot set up the remote builder tcp:\/\/arm:1234$/,
  );
  assert.equal(
    evaluatePolicy(buildCheckResult({ platforms, overrides: [override('all')] }), config).verdict,
    'error',
    '/accept cannot clear what was never judged',
  );
});

test('an engine that does not answer is one error for its platform only: the others are still judged', () => {
  const down = {
    message: 'engine pi5 unreachable: ssh: connect to host pi5.lan port 22: No route to host',
    logTail: '',
    code: 'engine-unreachable' as const,
  };
  const platforms = [buildPlatform('linux/amd64'), buildPlatform('linux/arm64', { base: { error: down }, head: { error: down } })];
  const out = evaluatePolicy(buildCheckResult({ platforms }), config);
  assert.equal(out.verdict, 'error');
  assert.deepEqual(
    out.findings.map((f) => [f.kind, f.platform, f.code]),
    [['infra-error', 'linux/arm64', 'engine-unreachable']],
  );
  assert.match(
    out.reason,
    /^could not finish: linux\/arm64 head build failed at c0ffee5: engine pi5 unreachable: ssh: connect to host pi5\.lan port 22: No route to host$/,
  );
  assert.ok(
    out.comparisons.some((c) => c.platform === 'linux/amd64'),
    'amd64 is still compared',
  );
});

test('a blocker beats a missing baseline: failure, with both findings listed', () => {
  const platforms = [buildPlatform('linux/arm64', { base: null })];
  const out = evaluatePolicy(buildCheckResult({ platforms, findings: [missingDep] }), config);
  assert.equal(out.verdict, 'failure');
  assert.deepEqual(
    out.findings.map((f) => f.kind),
    ['missing-dep', 'no-baseline'],
  );
});

test('a platform whose head was not measured (an /audit with nothing stored) is an error, not a pass', () => {
  const platforms = [buildPlatform('linux/amd64'), buildPlatform('linux/arm64', { head: null })];
  const out = evaluatePolicy(buildCheckResult({ platforms }), config);
  assert.equal(out.verdict, 'error');
  assert.match(out.findings[0]!.message, /^linux\/arm64 head not measured: nothing is measured at c0ffee5 yet and this run built nothing/);
});

test('an infrastructure error wins over blockers: the check is incomplete, and the blockers are still listed', () => {
  const platforms = [
    buildPlatform('linux/amd64', {
      head: {
        error: { message: 'The Docker engine stopped answering during the linux/amd64 build', logTail: '', code: 'docker-unavailable' },
      },
    }),
  ];
  const out = evaluatePolicy(buildCheckResult({ platforms, findings: [missingDep] }), config);
  assert.equal(out.verdict, 'error');
  assert.match(
    out.reason,
    /^could not finish: linux\/amd64 head build failed at c0ffee5: The Docker engine stopped answering.*; 1 blocker found as well$/,
  );
});

test('a side error without a code is never blamed on the PR', () => {
  const platforms = [buildPlatform('linux/amd64', { head: { error: { message: 'something unexpected', logTail: '' } } })];
  assert.equal(evaluatePolicy(buildCheckResult({ platforms }), config).verdict, 'error');
});

test('a shell-form canary in an image without a shell is a configuration error, not a canary failure', () => {
  const noShell = {
    name: 'dns',
    ok: false,
    detail: 'no shell',
    configError: '`run` is a shell command, but the image has no /bin/sh; write it in exec form, e.g. run: ["nslookup","router.lan"]',
  };
  const platforms = [buildPlatform('linux/amd64', { head: { canaries: [noShell] } })];
  const out = evaluatePolicy(buildCheckResult({ platforms }), config);
  assert.equal(out.verdict, 'error');
  assert.deepEqual(
    out.findings.map((f) => f.kind),
    ['config-invalid'],
  );
  assert.match(
    out.reason,
    /^canary dns cannot run on linux\/amd64: `run` is a shell command, but the image has no \/bin\/sh; write it in exec form/,
  );
});

test('nothing to check passes at once with the reason; findings are still judged', () => {
  assert.deepEqual(decideVerdict([], { nothingToCheck: 'not a Tailscale bump — nothing to check' }), {
    verdict: 'success',
    reason: 'not a Tailscale bump — nothing to check',
  });
  assert.equal(decideVerdict([missingDep], { nothingToCheck: 'x' }).verdict, 'failure');
});

test('findings another room already reported are not repeated', () => {
  const reported: Finding = {
    severity: 'blocker',
    kind: 'build-failed',
    features: [],
    platform: 'linux/arm/v7',
    introduced: true,
    acknowledged: false,
    message: 'build of linux/arm/v7 timed out after 1800 s',
  };
  const platforms = [
    buildPlatform('linux/arm/v7', { head: { error: { message: 'executor failed running', logTail: '', code: 'build-failed' } } }),
  ];
  const out = evaluatePolicy(buildCheckResult({ platforms, findings: [reported] }), config);
  assert.deepEqual(out.findings, [reported]);
});

test('/accept size for this head SHA acknowledges the size blockers with the reason and passes', () => {
  const out = evaluatePolicy(buildCheckResult({ platforms: regressionOnArm64(), overrides: [override('size')] }), config);
  assert.equal(out.verdict, 'success');
  assert.equal(out.counts.blockers, 0);
  assert.equal(out.counts.acknowledged, 2);
  assert.deepEqual(
    out.accepted[0]!.findings.map((f) => [f.metric, f.acknowledged, f.acknowledgedReason, f.acknowledgedBy]),
    [
      ['image', true, 'arm64 growth is the new DNS cache, flash still fits', 'alice'],
      ['flash', true, 'arm64 growth is the new DNS cache, flash still fits', 'alice'],
    ],
  );
  assert.deepEqual(out.staleOverrides, []);
});

test('/accept given for an earlier head SHA does not apply after a new push and is listed as stale', () => {
  const old = override('size', BASE_SHA);
  const out = evaluatePolicy(buildCheckResult({ platforms: regressionOnArm64(), overrides: [old] }), config);
  assert.equal(out.verdict, 'failure');
  assert.equal(out.counts.acknowledged, 0);
  assert.deepEqual(out.accepted, []);
  assert.deepEqual(out.staleOverrides, [old]);
});

test('/accept of another kind leaves the blocker in place', () => {
  const out = evaluatePolicy(buildCheckResult({ platforms: regressionOnArm64(), overrides: [override('ram'), override('audit')] }), config);
  assert.equal(out.verdict, 'failure');
  assert.deepEqual(
    out.accepted.map((a) => [a.override.kind, a.findings.length]),
    [
      ['ram', 0],
      ['audit', 0],
    ],
  );
});

test('/accept audit acknowledges audit blockers; /accept canary acknowledges canary failures', () => {
  const platforms = [buildPlatform('linux/amd64', { head: { canaries: [canaryFail('magicdns', 'minAnswers 1', '0')] } })];
  const result = buildCheckResult({ platforms, findings: [missingDep] });
  assert.equal(evaluatePolicy({ ...result, overrides: [override('audit')] }, config).verdict, 'failure');
  const both = evaluatePolicy({ ...result, overrides: [override('audit'), override('canary')] }, config);
  assert.equal(both.verdict, 'success');
  assert.deepEqual(
    both.accepted.map((a) => a.findings.map((f) => f.kind)),
    [['missing-dep'], ['canary-failed']],
  );
});

test('/accept all never covers a failed build or a foreign-arch ELF', () => {
  const platforms = [
    buildPlatform('linux/arm64', { head: { foreignMachine: 'x86_64', binaryGrowth: 300 * KiB } }),
    buildPlatform('linux/arm/v7', { head: { error: { message: 'go build exited with 2', logTail: '', code: 'build-failed' } } }),
  ];
  const out = evaluatePolicy(buildCheckResult({ platforms, findings: [missingDep], overrides: [override('all')] }), config);
  assert.equal(out.verdict, 'failure');
  assert.deepEqual(
    out.findings.filter((f) => f.severity === 'blocker' && !f.acknowledged).map((f) => f.kind),
    ['elf-mismatch', 'build-failed'],
  );
  assert.deepEqual(
    out.accepted[0]!.findings.map((f) => f.kind),
    ['missing-dep', 'threshold', 'threshold'],
  );
});

test('invalid config is an error verdict, ahead of any blocker', () => {
  const bad: Finding = {
    severity: 'blocker',
    kind: 'config-invalid',
    features: [],
    introduced: false,
    acknowledged: false,
    message: '.bumpguard.yml is invalid: thresholds.image: unrecognized key "fial"',
  };
  const out = evaluatePolicy(buildCheckResult({ findings: [missingDep, bad] }), config);
  assert.equal(out.verdict, 'error');
  assert.equal(out.reason, bad.message);
});
