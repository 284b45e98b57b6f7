// End to end: `bumpguard audit` on a real temporary git repo of the example router image,
// with the upstream fixtures directory standing in for tailscale/tailscale.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyPatch } from 'diff';
import type { Finding } from '../src/core/index.ts';
import type { JsonAuditReport } from '../src/report/index.ts';
import { makeTargetRepo, UPSTREAM_FIXTURES } from './helpers/make-target-repo.ts';
import { runCli } from './helpers/run-cli.ts';

const UPSTREAM = fileURLToPath(UPSTREAM_FIXTURES);

const run = (argv: string[], env: NodeJS.ProcessEnv = {}) => runCli(argv, { env });

test('audit --json on the example bump: missing-dep blockers, exit 1; the suggested diff applies and clears them', async (t) => {
  const target = await makeTargetRepo();
  t.after(() => target.cleanup());
  const args = ['audit', '--repo', target.dir, '--base', target.base, '--head', target.head, '--upstream', UPSTREAM, '--json'];
  const first = await run(args);
  assert.equal(first.code, 1, first.stderr);
  const report = JSON.parse(first.stdout) as JsonAuditReport;
  assert.deepEqual(Object.keys(report), ['bump', 'verdict', 'findings', 'upstream']);
  // The recipe's source edits, replayed with GNU sed against the upstream fixtures of both tags.
  assert.deepEqual(
    report.upstream!.edits.map((e) => [e.kind, `${e.path}:${e.line}`, e.target, e.status, e.changed ?? null]),
    [
      ['copy-go', 'Dockerfile:14', 'cmd/tailscaled', 'applies', null],
      ['sed', 'Dockerfile:16', 'net/tstun/wrap.go', 'applies', { from: 1, to: 1 }],
    ],
  );
  assert.match(report.upstream!.commits.note!, /^a fixtures directory keeps no commit history \(a git mirror or github does\)$/);
  assert.deepEqual(report.bump, { file: 'Dockerfile', line: 8, arg: 'TAILSCALE_VERSION', from: 'v1.98.8', to: 'v1.100.0', type: 'minor' });
  assert.equal(report.verdict, 'failure');
  const blockers = report.findings.filter((f) => f.severity === 'blocker');
  assert.deepEqual(
    blockers.map((f) => [f.kind, f.features, f.introduced]),
    [
      ['missing-dep', ['advertiseexitnode', 'peerapiserver'], false],
      ['missing-dep', ['useexitnode', 'peerapiclient'], false],
    ],
  );

  const dockerfile = await readFile(join(target.dir, 'Dockerfile'), 'utf8');
  const fixed = applyPatch(dockerfile, blockers[0]!.fix!);
  assert.equal(typeof fixed, 'string', 'the suggested diff applies to the head Dockerfile');
  await target.commitOnHead('Dockerfile', fixed as string, 'build: keep the Deps of the exit-node features');
  const second = await run(args);
  assert.equal(second.code, 0, second.stderr);
  const after = JSON.parse(second.stdout) as { verdict: string; findings: Finding[] };
  assert.equal(after.verdict, 'success');
  assert.deepEqual(
    after.findings.map((f) => [f.severity, f.kind, f.features.join(' ')]),
    [
      ['info', 'missing-dep', 'advertiseroutes c2n'],
      ['info', 'features-added', 'routecheck runtimemetrics'],
    ],
  );
});

test('the text report names the bump, the verdict, the pre-existing gap and the fix once', async (t) => {
  const target = await makeTargetRepo();
  t.after(() => target.cleanup());
  const r = await run(['audit', '--repo', target.dir, '--base', target.base, '--head', target.head], { BUMPGUARD_UPSTREAM: UPSTREAM });
  assert.equal(r.code, 1);
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], 'bumpguard audit: tailscale v1.98.8 → v1.100.0 (minor, Dockerfile:8) — FAIL: 2 blockers');
  assert.ok(
    lines.includes('  x missing-dep: advertiseexitnode needs peerapiserver, which the recipe omits at v1.100.0 [already at v1.98.8]'),
  );
  assert.ok(lines.includes('      acknowledged in .bumpguard.yml: single subnet router, no HA leader election for control to probe'));
  assert.equal(lines.filter((l) => l.trim() === 'suggested fix:').length, 1);
  assert.equal(lines.filter((l) => l.trim() === 'suggested fix: the same as above').length, 1);
});

test('--from/--to audits HEAD for a tag move; a branch without a bump passes with the reason and exits 0', async (t) => {
  const target = await makeTargetRepo();
  t.after(() => target.cleanup());
  const byTags = await run(['audit', '--repo', target.dir, '--from', 'v1.98.8', '--to', 'v1.100.0', '--upstream', UPSTREAM, '--json']);
  assert.equal(byTags.code, 1);
  const none = await run(['audit', '--repo', target.dir, '--base', target.base, '--head', target.base, '--upstream', UPSTREAM, '--json']);
  assert.equal(none.code, 0);
  assert.deepEqual(JSON.parse(none.stdout), { bump: null, verdict: 'success', findings: [] });
  assert.equal(none.stderr, 'bumpguard audit: success: not a Tailscale bump — nothing to check\n');
});

test('usage and infrastructure errors exit 2 with one clear line', async (t) => {
  const target = await makeTargetRepo();
  t.after(() => target.cleanup());
  const help = await run(['audit', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: bumpguard audit --repo DIR/);
  const cases: [string[], RegExp][] = [
    [['audit', '--repo', target.dir], /say what to audit/],
    [['audit', '--repo', target.dir, '--base', 'main', '--from', 'v1.98.8', '--to', 'v1.100.0'], /either --base\/--head or --from\/--to/],
    [['audit', '--repo', target.dir, '--bogus'], /Unknown option '--bogus'/],
    [['audit', '--repo', target.dir, '--base', 'nope', '--upstream', UPSTREAM], /Unknown ref "nope"/],
    [
      ['audit', '--repo', join(target.dir, 'patches'), '--base', 'main', '--upstream', UPSTREAM],
      /is inside the git repository .*; give its top-level directory/,
    ],
    [['audit', '--repo', target.dir, '--from', 'v1.98.8', '--to', 'v1.104.0', '--upstream', UPSTREAM], /No directory for tag v1\.104\.0/],
  ];
  for (const [argv, message] of cases) {
    const r = await run(argv);
    assert.equal(r.code, 2, argv.join(' '));
    assert.match(r.stderr, message);
  }
});
