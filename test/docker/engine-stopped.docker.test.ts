// An operator's engine that stops in the middle of a check fails only the platform it serves:
// linux/amd64 runs on a private second dockerd that is stopped under its head build, linux/arm64
// on the machine's own engine still reports its figures. The verdict is `error` (not the PR's
// fault, `/rebuild` retries), and nothing says the build failed.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JsonReport } from '../../src/report/index.ts';
import { makeCorpusRepo, type CorpusRepo } from '../helpers/corpus-repos.ts';
import { engineLayout } from '../helpers/engine-repo.ts';
import { runCli } from '../helpers/run-cli.ts';
import { runCliStoppingEngine, startSecondDockerd, type SecondDockerd } from '../helpers/second-dockerd.ts';

const UPSTREAM = fileURLToPath(new URL('../fixtures/upstream/', import.meta.url));

let second: SecondDockerd;
let repo: CorpusRepo;
let work: string;

before(async () => {
  // The amd64 head build sleeps for a minute in a RUN step: the engine is stopped under it.
  [second, repo, work] = await Promise.all([
    startSecondDockerd(),
    makeCorpusRepo(engineLayout({ slowHeadSeconds: 60 }).layout),
    mkdtemp(join(tmpdir(), 'bumpguard-engine-stopped-')),
  ]);
});
after(async () => {
  await Promise.all([second?.dispose(), repo?.cleanup(), work && rm(work, { recursive: true, force: true })]);
});

test(
  'the engine of linux/amd64 stops mid-check: error for linux/amd64 alone, linux/arm64 still measured on its own engine',
  { timeout: 240_000 },
  async () => {
    const engines = join(work, 'engines.json');
    await writeFile(engines, JSON.stringify([{ name: 'e2', host: second.host, platforms: ['linux/amd64'] }]));
    const { code, stdout, stderr, stopped } = await runCliStoppingEngine(
      [
        'check',
        '--repo',
        repo.dir,
        '--base',
        'main',
        '--head',
        'bump',
        '--engines',
        engines,
        '--upstream',
        UPSTREAM,
        '--db',
        join(work, 'store.db'),
        '--cache',
        work,
        '--format',
        'text',
      ],
      process.env,
      second,
      /linux\/amd64 head: building…$/,
    );
    assert.ok(stopped, `the amd64 head build started (stderr:\n${stderr.join('\n')})`);
    const log = `stderr:\n${stderr.join('\n')}\nstdout:\n${stdout}`;
    assert.equal(code, 2, `an error verdict exits 2 (${log})`);
    assert.match(
      stderr.at(-1) ?? '',
      /^bumpguard check: error: could not finish: linux\/amd64 head build failed at [0-9a-f]{7}: engine e2 unreachable: it stopped answering during the linux\/amd64 build/,
      log,
    );
    // Problems on the one platform only, nothing blamed on the PR: the head's build, and the base's
    // RAM runs, which wait for the head so that both sides are sampled side by side.
    assert.match(
      stdout,
      /^Could not check, not this change's fault \(2\)\n {2}These parts did not run for a reason outside this change; run the check again to retry\.\n {2}\? linux\/amd64 head build failed at [0-9a-f]{7}: engine e2 unreachable: .*\n {2}\? linux\/amd64 base build failed at [0-9a-f]{7}: engine e2 unreachable: it stopped answering while measuring linux\/amd64 \(base\)/m,
      log,
    );
    assert.doesNotMatch(stdout, /^Blockers/m, log);
    assert.match(stdout, /^ {2}linux\/amd64 +not built: infrastructure error$/m, log);
    assert.doesNotMatch(stdout, /build-failed|no baseline/i, log);
    assert.ok(
      stderr.some((l) => /linux\/arm64 head: /.test(l)),
      'arm64 ran after amd64 failed',
    );
    // arm64 measured on the local engine, emulated, canary passing.
    assert.match(stdout, /^ {2}linux\/arm64 \(emulated\) +RAM \(RSS\) +\S+ MiB/m, log);
    assert.match(stdout, /^ {2}busybox-runs +linux\/arm64 +pass$/m, log);
  },
);

test(
  'an engine that does not answer at all: "engine NAME unreachable" for its platform, the others measured',
  { timeout: 240_000 },
  async () => {
    const engines = join(work, 'gone.json');
    const socket = `unix:///tmp/bgd-missing-${process.pid}/docker.sock`;
    await writeFile(engines, JSON.stringify([{ name: 'gone', host: socket, platforms: ['linux/amd64'] }]));
    const run = await runCli([
      'check',
      '--repo',
      repo.dir,
      '--base',
      'main',
      '--head',
      'bump',
      '--engines',
      engines,
      '--upstream',
      UPSTREAM,
      '--db',
      join(work, 'gone.db'),
      '--cache',
      work,
      '--json',
    ]);
    assert.equal(run.code, 2, run.stderr);
    const json = JSON.parse(run.stdout) as JsonReport;
    assert.equal(json.verdict, 'error');
    const errors = json.findings.filter((f) => f.kind === 'infra-error');
    assert.deepEqual(
      errors.map((f) => [f.platform, f.code]),
      [['linux/amd64', 'engine-unreachable']],
      'one finding for both sides',
    );
    // The report shows the bot's paths as placeholders (the temp dir is <tmp>).
    assert.match(
      errors[0]!.message,
      /: engine gone unreachable: Cannot connect to the Docker daemon at unix:\/\/<tmp>\/bgd-missing-\d+\/docker\.sock/,
    );
    assert.ok(!json.findings.some((f) => f.kind === 'build-failed' || f.kind === 'no-baseline'));
    assert.ok((json.platforms['linux/arm64']?.head?.imageCompressedBytes ?? 0) > 0, 'arm64 built on the local engine');
    assert.deepEqual(json.builds, { ran: 4, reused: 0 });
  },
);
