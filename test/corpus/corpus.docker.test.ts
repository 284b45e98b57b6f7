// `bumpguard check` on target repos laid out in ways the code was not written around
// (test/helpers/corpus-repos.ts), built for real: a clean patch bump passes on every one, a size
// or canary regression fails with the finding that names it, and a shell-form canary in a
// shell-less image is a configuration error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JsonReport } from '../../src/report/index.ts';
import { LAYOUTS, makeCorpusRepo, type CorpusRepo } from '../helpers/corpus-repos.ts';
import { requireDocker } from '../helpers/require-docker.ts';
import { runCli } from '../helpers/run-cli.ts';

const UPSTREAM = fileURLToPath(new URL('../fixtures/upstream/', import.meta.url));
let work: string;

before(async () => {
  await requireDocker();
  work = await mkdtemp(join(tmpdir(), 'bumpguard-corpus-'));
});
after(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

async function check(repo: CorpusRepo, head: string): Promise<{ code: number; report: JsonReport }> {
  const argv = [
    'check',
    '--repo',
    repo.dir,
    '--base',
    'main',
    '--head',
    head,
    '--upstream',
    UPSTREAM,
    '--db',
    join(work, 'store.db'),
    '--json',
  ];
  const { code, stdout, stderr } = await runCli(argv, { env: { ...process.env, BUMPGUARD_CACHE: work }, cwd: work });
  assert.ok(stdout.startsWith('{'), `check printed JSON (stderr: ${stderr})`);
  return { code, report: JSON.parse(stdout) as JsonReport };
}

const EXIT = { success: 0, failure: 1, error: 2, neutral: 0 } as const;

for (const layout of LAYOUTS) {
  test(`corpus ${layout.name}: ${layout.about}`, { timeout: 300_000 }, async (t) => {
    const repo = await makeCorpusRepo(layout);
    t.after(() => repo.cleanup());
    for (const branch of repo.branches) {
      const want = branch === 'bump' ? layout.expect.bump : layout.expect.regression!;
      const { code, report } = await check(repo, branch);
      const kinds = [...new Set(report.findings.map((f) => f.kind))].sort();
      const messages = report.findings.map((f) => `${f.severity} ${f.kind}: ${f.message}`).join('\n');
      const { mentions = [], ...verdictAndKinds } = want;
      assert.deepEqual({ verdict: report.verdict, kinds }, verdictAndKinds, `${layout.name} ${branch}: ${report.reason}\n${messages}`);
      for (const re of mentions)
        assert.ok(
          report.findings.some((f) => re.test(f.message)),
          `${layout.name} ${branch}: a finding matches ${re}\n${messages}`,
        );
      assert.equal(code, EXIT[want.verdict], `${layout.name} ${branch} exit code`);
      assert.deepEqual(
        report.bump && [report.bump.from, report.bump.to, report.bump.type],
        [layout.from, layout.to, 'patch'],
        `${layout.name} ${branch}: the bump`,
      );
      const p = report.platforms['linux/amd64'];
      assert.ok(p?.head, `${layout.name} ${branch}: the head was built and measured`);
      if (want.verdict !== 'error') assert.ok(p.base, `${layout.name} ${branch}: the base was built and measured`);
    }
  });
}

test(
  'an upstream source that cannot be read: the image is still measured, the audit part is one infra-error finding, the verdict error',
  { timeout: 300_000 },
  async (t) => {
    const repo = await makeCorpusRepo(LAYOUTS.find((l) => l.name === 'recipe-script')!);
    t.after(() => repo.cleanup());
    const emptyMirror = await mkdtemp(join(work, 'upstream-'));
    const argv = [
      'check',
      '--repo',
      repo.dir,
      '--base',
      'main',
      '--head',
      'bump',
      '--upstream',
      emptyMirror,
      '--db',
      join(work, 'store.db'),
      '--json',
    ];
    const { code, stdout } = await runCli(argv, { env: { ...process.env, BUMPGUARD_CACHE: work }, cwd: work });
    const report = JSON.parse(stdout) as JsonReport;
    assert.equal(code, 2);
    assert.equal(report.verdict, 'error');
    assert.deepEqual(
      report.findings.map((f) => [f.kind, f.code]),
      [['infra-error', 'upstream-tag-missing']],
    );
    assert.match(report.reason, /^could not finish: the feature-tag audit of v1\.92\.4 → v1\.92\.5 could not run: /);
    const p = report.platforms['linux/amd64'];
    assert.ok(p?.base && p.head && p.head.imageCompressedBytes > 0, 'both sides were measured anyway');
  },
);

test(
  'measure --json says per platform whether it ran emulated, and judges with the same verdict as check',
  { timeout: 300_000 },
  async (t) => {
    const repo = await makeCorpusRepo(LAYOUTS.find((l) => l.name === 'shellless-exec-canaries')!);
    t.after(() => repo.cleanup());
    const argv = ['measure', '--repo', repo.dir, '--ref', 'regression', '--db', join(work, 'store.db'), '--json'];
    const { code, stdout } = await runCli(argv, { env: { ...process.env, BUMPGUARD_CACHE: work }, cwd: work });
    const out = JSON.parse(stdout) as {
      verdict: string;
      reason: string;
      platforms: Record<string, { emulated: boolean; canaries: { name: string; ok: boolean }[] }>;
    };
    assert.equal(out.platforms['linux/amd64']?.emulated, false);
    assert.deepEqual(
      out.platforms['linux/amd64']?.canaries.map((c) => [c.name, c.ok]),
      [
        ['daemon-present', false],
        ['version-file', true],
      ],
    );
    assert.deepEqual([code, out.verdict], [1, 'failure']);
    assert.match(out.reason, /^1 blocker: canary daemon-present failed on linux\/amd64/);
  },
);
