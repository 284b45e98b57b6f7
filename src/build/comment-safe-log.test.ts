import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commentSafeLog, summarizeBuildFailure } from './comment-safe-log.ts';

// Docker 20.10's BuildKit plain progress for a RUN step that prints a secret and fails.
const FAILED_RUN = [
  '$ /usr/bin/docker build --progress plain --network none -f /tmp/bumpguard-tree-x1/Dockerfile -t bumpguard-build:1 /tmp/bumpguard-tree-x1',
  '#4 [2/2] RUN ["/bin/busybox", "sh", "-c", "cat /s; exit 3"]',
  '#4 sha256:a807daffc08a4a6ab2c1021a8c656419be026972e996f1c6dac118f4eabcd0a4',
  '#4 0.123 the-secret-that-was-fetched',
  '#4 ERROR: executor failed running [/bin/busybox sh -c cat /s; exit 3]: exit code: 3',
  '------',
  ' > [2/2] RUN ["/bin/busybox", "sh", "-c", "cat /s; exit 3"]:',
  '------',
  'executor failed running [/bin/busybox sh -c cat /s; exit 3]: exit code: 3',
].join('\n');

test('the failing step and exit code are read from BuildKit\'s ERROR line and its vertex header', () => {
  assert.deepEqual(summarizeBuildFailure(FAILED_RUN), { step: '[2/2] RUN ["/bin/busybox", "sh", "-c", "cat /s; exit 3"]', exitCode: 3 });
  assert.deepEqual(summarizeBuildFailure('#4 [1/1] COPY nothere /x\n#4 ERROR: "/nothere" not found: not found\n'), { step: '[1/1] COPY nothere /x', exitCode: null });
  assert.deepEqual(summarizeBuildFailure('error: something else\n'), { step: null, exitCode: null });
});

test('a log shown on the PR has no docker command line and no bot paths', () => {
  const safe = commentSafeLog(`${FAILED_RUN}\nfailed to read dockerfile: open /var/lib/docker/tmp/buildkit-mount1/Dockerfile\nerror: /tmp/bumpguard-tree-x1/sub missing`, [
    { path: '/tmp/bumpguard-tree-x1', as: '<checkout>' },
    { path: '/tmp', as: '<tmp>' },
  ]);
  assert.doesNotMatch(safe, /\/usr\/bin\/docker|\/tmp|\/var\/lib\/docker/);
  assert.match(safe, /read dockerfile: open <engine>$/m);
  assert.match(safe, /error: <checkout>\/sub missing/);
});
