// `npm run demo`: `bumpguard check` of the bundled example target (examples/router-image) on a
// Renovate-style Tailscale bump: real BuildKit builds of three platforms, sizes, RAM, canaries,
// the feature-tag audit and the verdict. The repo is recreated with fixed commit dates, so its
// SHAs are stable and a second run reuses the stored base (0 base builds).
// Upstream Tailscale files come from our fixtures (no network needed); pass --upstream github
// or set BUMPGUARD_UPSTREAM to read the real ones.
import { rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../src/cli/index.ts';
import { createExampleRepo } from '../test/helpers/example-repo.ts';

const cacheDir = process.env.BUMPGUARD_CACHE || join(homedir(), '.cache', 'bumpguard');
const repoDir = join(cacheDir, 'demo', 'router-image');
const fixturesUpstream = fileURLToPath(new URL('../test/fixtures/upstream/', import.meta.url));

await rm(repoDir, { recursive: true, force: true });
process.stderr.write(`demo: creating the example repo in ${repoDir} (prepare.sh cross-compiles routerd)…\n`);
const repo = await createExampleRepo({ dir: repoDir });
process.stderr.write(`demo: ${repo.baseRef} = Tailscale ${repo.baseVersion}, ${repo.headRef} = ${repo.headVersion}\n`);

const controller = new AbortController();
process.once('SIGINT', () => controller.abort(new Error('interrupted')));
process.exitCode = await main({
  argv: [
    'check',
    '--repo',
    repo.dir,
    '--base',
    repo.baseRef,
    '--head',
    repo.headRef,
    '--upstream',
    process.env.BUMPGUARD_UPSTREAM || fixturesUpstream,
    '--db',
    join(cacheDir, 'demo', 'bumpguard.db'),
    ...process.argv.slice(2),
  ],
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  isTTY: Boolean(process.stderr.isTTY) && !process.env.CI,
  signal: controller.signal,
});
// A failure verdict is what the demo is meant to show (the example carries a real regression);
// only an infrastructure error should fail `npm run demo`.
if (process.exitCode === 1) process.exitCode = 0;
