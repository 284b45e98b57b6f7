// `bumpguard check` end to end on the bundled example: real BuildKit builds of all three
// platforms, the streamed analysis, RAM under qemu, canaries, the audit and the verdict —
// the same path `npm run demo` takes, through the CLI entry.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JsonReport } from '../src/report/index.ts';
import { createExampleRepo, type ExampleRepo } from './helpers/example-repo.ts';
import { requireDocker } from './helpers/require-docker.ts';
import { runCli } from './helpers/run-cli.ts';

const UPSTREAM = fileURLToPath(new URL('./fixtures/upstream/', import.meta.url));
let repo: ExampleRepo;
let work: string;

before(async () => {
  await requireDocker();
  work = await mkdtemp(join(tmpdir(), 'bumpguard-check-cli-'));
  repo = await createExampleRepo();
});
after(async () => {
  await repo?.dispose();
  if (work) await rm(work, { recursive: true, force: true });
});

const run = (argv: string[]) => runCli(argv, { env: { ...process.env, BUMPGUARD_CACHE: work }, cwd: work });

const checkArgs = (db: string, ...extra: string[]) => [
  'check',
  '--repo',
  repo.dir,
  '--base',
  repo.baseRef,
  '--head',
  repo.headRef,
  '--upstream',
  UPSTREAM,
  '--db',
  db,
  ...extra,
];

// One store across three runs: what the second and third reuse is what the first measured, so
// they are steps of one test (running any one alone could not mean the same thing).
test(
  'check on the example: the first run builds all six images and blocks the bump; the next runs reuse what the store holds',
  { timeout: 900_000 },
  async (t) => {
    const db = join(work, 'reuse.db');
    await t.test('the first check builds base and head of every platform and blocks the example bump', async () => {
      const { code, stdout, stderr } = await run(checkArgs(db, '--json'));
      assert.equal(stderr, '', 'with --json nothing but the JSON is written');
      const report = JSON.parse(stdout) as JsonReport;
      assert.equal(code, 1, 'a failure verdict exits 1');
      assert.equal(report.verdict, 'failure');
      assert.deepEqual(report.bump && { from: report.bump.from, to: report.bump.to, type: report.bump.type }, {
        from: repo.baseVersion,
        to: repo.headVersion,
        type: 'minor',
      });
      assert.deepEqual(report.builds, { ran: 6, reused: 0 });
      assert.deepEqual(Object.keys(report.platforms), ['linux/amd64', 'linux/arm64', 'linux/arm/v7']);
      for (const [platform, p] of Object.entries(report.platforms)) {
        assert.ok(p.base && p.head, `${platform} measured on both sides`);
        assert.ok(p.head.imageCompressedBytes > 500_000 && p.head.imageCompressedBytes < 10_000_000, `${platform} image size is plausible`);
        assert.ok(p.head.flashBytes >= p.head.rootfsBytes, 'on-flash counts every block-rounded layer');
        assert.equal(p.head.binaryUpx, true, 'routerd ships UPX-packed');
        assert.ok((p.head.ramRssBytes ?? 0) > 0, `${platform} RSS measured`);
        // Base and head of a platform are sampled side by side, so under the same concurrency.
        assert.ok(p.head.ramConcurrency && p.head.ramConcurrency.limit >= 1, `${platform} records the concurrency it was sampled under`);
        assert.deepEqual(p.base.ramConcurrency, p.head.ramConcurrency);
        assert.equal(p.emulated, platform !== 'linux/amd64');
        // The bump changes the feature selection, so the image really changes size.
        assert.notEqual(p.head.rootfsBytes, p.base.rootfsBytes, `${platform} rootfs differs between versions`);
        const byName = Object.fromEntries(p.canaries.map((c) => [c.name, c.ok]));
        assert.deepEqual(byName, { 'lan-dns': true, 'magicdns-name': true, 'exit-node-dns': false });
      }
      const kinds = report.findings
        .filter((f) => f.severity === 'blocker' && !f.acknowledged)
        .map((f) => `${f.kind}:${f.features.join('>') || f.platform}`);
      assert.ok(
        kinds.includes('missing-dep:advertiseexitnode>peerapiserver'),
        `flags advertiseexitnode → peerapiserver (got ${kinds.join(', ')})`,
      );
      assert.ok(
        kinds.includes('canary-failed:linux/arm/v7') || kinds.some((k) => k.startsWith('canary-failed')),
        'the failing DNS canary is a blocker',
      );
    });

    await t.test('a second check reuses the stored base: 0 base builds', async () => {
      const { code, stdout } = await run(checkArgs(db, '--json', '--no-cache', '--platforms', 'linux/amd64,linux/arm/v7'));
      const report = JSON.parse(stdout) as JsonReport;
      assert.equal(code, 1);
      assert.deepEqual(report.builds, { ran: 2, reused: 2 }, 'only the two heads are rebuilt (--no-cache applies to the head)');
      assert.deepEqual(Object.keys(report.platforms), ['linux/amd64', 'linux/arm/v7']);
    });

    await t.test('the markdown report, from stored results alone, names each arch and the verdict for the PR comment', async () => {
      const { code, stdout, stderr } = await run(checkArgs(db));
      assert.equal(code, 1);
      assert.match(stdout, /^<!-- bumpguard:report -->/);
      assert.match(stdout, /tailscale v1\.90\.9 → v1\.92\.5/);
      for (const arch of ['linux/amd64', 'linux/arm64', 'linux/arm/v7'])
        assert.match(stdout, new RegExp(`\\*\\*${arch.replaceAll('/', '\\/')}\\*\\*`));
      assert.match(stdout, /emulated/);
      // The example's sed on net/tstun/wrap.go, replayed against the upstream fixtures of both tags.
      assert.match(stdout, /### Upstream behind this bump\n\nSource edits the build makes to upstream/);
      assert.match(stdout, /\| sed at `Dockerfile:22` \| `net\/tstun\/wrap\.go` \| 1 line \| 1 line \| ✅ applies \|/);
      assert.match(stderr, /builds ran: 0, reused: 6/, 'every image was measured by the first check');
    });
  },
);

test('an unknown platform is a usage error naming the configured ones', async () => {
  const { code, stderr } = await run(checkArgs(join(work, 'usage.db'), '--platforms', 'linux/riscv64'));
  assert.equal(code, 2);
  assert.match(stderr, /linux\/riscv64 not in the config's platforms \(linux\/amd64, linux\/arm64, linux\/arm\/v7\)/);
});
