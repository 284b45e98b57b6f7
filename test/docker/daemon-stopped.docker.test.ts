// A Docker engine that stops in the middle of a check is infrastructure trouble, never the PR's
// fault: `bumpguard check` ends with the verdict `error` (exit 2), reports what it measured before,
// and no finding says the build failed. The engine is a private second dockerd, never the shared one.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LAYOUTS, makeCorpusRepo, type CorpusRepo, type Layout } from '../helpers/corpus-repos.ts';
import { runCliStoppingEngine, startSecondDockerd, type SecondDockerd } from '../helpers/second-dockerd.ts';

const UPSTREAM = fileURLToPath(new URL('../fixtures/upstream/', import.meta.url));

// The no-recipe layout, whose head build runs long enough to stop the engine under it.
const base = LAYOUTS.find((l) => l.name === 'no-recipe')!;
const slowHead: Layout = {
  ...base,
  name: 'engine-stops',
  files: (version, variant) => {
    const files = base.files(version, 'base');
    if (variant !== 'base')
      files.Dockerfile = (files.Dockerfile as string).replace('ENTRYPOINT', 'RUN ["/bin/busybox", "sleep", "60"]\nENTRYPOINT');
    return files;
  },
};

let dockerd: SecondDockerd;
let repo: CorpusRepo;
let work: string;

before(async () => {
  [dockerd, repo, work] = await Promise.all([
    startSecondDockerd(),
    makeCorpusRepo(slowHead),
    mkdtemp(join(tmpdir(), 'bumpguard-engine-stops-')),
  ]);
});
after(async () => {
  await Promise.all([dockerd?.dispose(), repo?.cleanup(), work && rm(work, { recursive: true, force: true })]);
});

test(
  'the engine stopped during the head build: verdict error with the reason, the base still reported, never build-failed',
  { timeout: 180_000 },
  async () => {
    // The head's RUN step sleeps for a minute; the engine is stopped once it is under way.
    const { code, stdout, stderr, stopped } = await runCliStoppingEngine(
      ['check', '--repo', repo.dir, '--base', 'main', '--head', 'bump', '--upstream', UPSTREAM, '--db', join(work, 'store.db')],
      { ...process.env, DOCKER_HOST: dockerd.host, BUMPGUARD_CACHE: work },
      dockerd,
      /linux\/amd64 head: building…$/,
    );
    assert.ok(stopped, `the head build started (stderr:\n${stderr.join('\n')})`);
    assert.equal(code, 2, `an error verdict exits 2 (stderr:\n${stderr.join('\n')})`);
    assert.match(
      stderr.at(-1) ?? '',
      /^bumpguard check: error: could not finish: linux\/amd64 head build failed at [0-9a-f]{7}: The Docker engine stopped answering during the linux\/amd64 build/,
    );
    assert.match(stdout, /^## 🛑 bumpguard error: tailscale v1\.92\.4 → v1\.92\.5 \(patch\)$/m);
    // Listed as not the PR's fault, with the CLI's way to retry, never under "Blockers".
    assert.match(
      stdout,
      /^#### 🛠️ Could not check — not this PR's fault \(1\)\n\n.* Run the check again to retry\.\n\n- linux\/amd64 head build failed/m,
    );
    assert.doesNotMatch(stdout, /Blockers/);
    assert.doesNotMatch(stdout, /\*\*build-failed\*\*|\*\*no-baseline\*\*/);
    assert.match(stdout, /\| \*\*linux\/amd64\*\* \| ❌ not built: infrastructure error \(log in details\) \|/);
    assert.ok(
      stderr.some((l) => /linux\/amd64 base: build done$/.test(l)),
      'the base was built and measured before the engine stopped',
    );
  },
);
