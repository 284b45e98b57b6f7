// A PR that bumps Tailscale and deletes the `# renovate:` marker above the version line must not
// slip through as "not a Tailscale bump": when `build.versionArg` names the ARG, or the ARG sat
// under the marker at the base, the bump is still found, checked, and the report says the
// marker went away (Renovate would stop proposing bumps after the merge).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { bumpFindings } from '../../src/bump/index.ts';
import { HeadTracker, runPrJob } from '../../src/jobs/index.ts';
import { InMemoryJobState } from '../../src/store/index.ts';
import type { PullRequest } from '../../src/core/index.ts';
import { FakeForge } from '../helpers/fake-forge.ts';
import { fakeRunCheck } from '../helpers/fake-run-check.ts';

const BASE = '3f1c9a7d2b8e4f6a0c5d7e9f1a3b5c7d9e0f2a4b';
const HEAD = '8d2e4f6a1b3c5d7e9f0a2b4c6d8e0f1a3b5c7d9e';
const MARKER = '# renovate: datasource=github-releases depName=tailscale packageName=tailscale/tailscale versioning=semver';
const before = ['FROM scratch AS build', MARKER, 'ARG TAILSCALE_VERSION=v1.98.5', 'RUN build', ''].join('\n');
const after = ['FROM scratch AS build', 'ARG TAILSCALE_VERSION=v1.98.8', 'RUN build', ''].join('\n');
const diff = [
  'diff --git a/Dockerfile b/Dockerfile',
  '--- a/Dockerfile',
  '+++ b/Dockerfile',
  '@@ -1,4 +1,3 @@',
  ' FROM scratch AS build',
  `-${MARKER}`,
  '-ARG TAILSCALE_VERSION=v1.98.5',
  '+ARG TAILSCALE_VERSION=v1.98.8',
  ' RUN build',
  '',
].join('\n');

const pr: PullRequest = {
  number: 14,
  url: 'https://git.example.org/r/pulls/14',
  title: 'chore: tidy the Dockerfile',
  author: 'someone',
  state: 'open',
  isFork: false,
  head: { ref: 'tidy', sha: HEAD },
  base: { ref: 'main', sha: BASE },
};

async function run(config?: string) {
  const files: Record<string, string> = { [`${BASE}:Dockerfile`]: before, [`${HEAD}:Dockerfile`]: after };
  if (config !== undefined) files[`${BASE}:.bumpguard.yml`] = config;
  const forge = new FakeForge({ pr, diff, files, permissions: { someone: 'write' } });
  const check = fakeRunCheck();
  const outcome = await runPrJob(
    {
      forge: 'gitea',
      installationId: null,
      repo: forge.repo,
      deliveryId: 'd-1',
      event: { type: 'pr-updated', action: 'synchronize', pr: 14, headSha: HEAD, sender: { login: 'someone', isBot: false } },
    },
    {
      forge,
      runCheck: check,
      state: new InMemoryJobState(),
      heads: new HeadTracker(),
      log: pino({ level: 'silent' }),
      signal: new AbortController().signal,
      ports: { upstream: { describe: 'unused', readFile: async () => null }, store: null, now: () => new Date('2025-06-13T08:00:00Z') },
    },
  );
  return { forge, check, outcome };
}

test('removing the marker does not hide the bump: the ARG that was under it at the base is compared, and the report says so', async () => {
  const { check, outcome } = await run();
  assert.equal(outcome.status, 'done');
  assert.equal(check.requests.length, 1, 'the PR was checked, not waved through as "not a Tailscale bump"');
  const decision = check.requests[0]!.bump;
  assert.deepEqual(decision.bump && [decision.bump.arg, decision.bump.from, decision.bump.to], ['TAILSCALE_VERSION', 'v1.98.5', 'v1.98.8']);
  assert.deepEqual(decision.markerRemoved, { file: 'Dockerfile', arg: 'TAILSCALE_VERSION', line: 2 });
  assert.deepEqual(
    bumpFindings(decision).map((f) => [f.severity, f.kind]),
    [['warning', 'marker-removed']],
  );
  assert.match(
    bumpFindings(decision)[0]!.message,
    /marker above TAILSCALE_VERSION \(Dockerfile:2\) was removed: Renovate will stop bumping Tailscale/,
  );
});

test('with build.versionArg set the bump is found by that name too', async () => {
  const { check } = await run('build: { versionArg: TAILSCALE_VERSION }\n');
  assert.deepEqual(check.requests[0]?.bump.versions, { base: 'v1.98.5', head: 'v1.98.8' });
  assert.ok(check.requests[0]?.bump.markerRemoved);
});
