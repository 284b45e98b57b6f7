import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyBuildFailure } from './classify-build-failure.ts';

// Tails of real `DOCKER_BUILDKIT=1 docker build --progress plain` runs (Debian docker.io 20.10).
const RUN_FAILED = '------\n > [2/2] RUN ["/bin/busybox","false"]:\n------\nexecutor failed running [/bin/busybox false]: exit code: 1\n';
const COPY_MISSING = '------\n > [1/1] COPY nothere /x:\n------\nfailed to compute cache key: "/nothere" not found: not found\n';
const PARSE_ERROR = '#2 DONE 0.0s\nfailed to solve with frontend dockerfile.v0: failed to create LLB definition: dockerfile parse error line 2: unknown instruction: BOGUS\n';
const NEWER_RUN_FAILED = 'ERROR: failed to solve: process "/bin/sh -c go build ./cmd/tailscaled" did not complete successfully: exit code: 2\n';
const NO_DAEMON = 'Cannot connect to the Docker daemon at unix:///tmp/x/docker.sock. Is the docker daemon running?\n';
const REGISTRY_DOWN = 'failed to load cache key: failed to do request: Head "https://registry-1.docker.io/v2/library/alpine/manifests/3": dial tcp: lookup registry-1.docker.io: no such host\n';
const DAEMON_DIED = '#5 [2/3] RUN sleep 30\nerror reading from server: EOF\n';
// dockerd 20.10 stopped (SIGTERM) while a RUN step ran: the client's last word.
const DAEMON_STOPPED = '#5 [2/2] RUN ["/bin/busybox","sleep","30"]\n#5 sha256:df12c6512cff\nunexpected EOF\n';
const STEP_SAYS_EOF = '#7 0.412 tar: unexpected EOF\n#7 ERROR: executor failed running [/bin/sh -c tar xf src.tgz]: exit code: 1\nexecutor failed running [/bin/sh -c tar xf src.tgz]: exit code: 1\n';

test('the target\'s own failures are build-failed: a RUN step exiting non-zero, a missing COPY source, a Dockerfile that does not parse', () => {
  assert.deepEqual([RUN_FAILED, COPY_MISSING, PARSE_ERROR, NEWER_RUN_FAILED].map(classifyBuildFailure), ['build-failed', 'build-failed', 'build-failed', 'build-failed']);
});

test('an engine that cannot be reached or dies mid-build is docker-unavailable, even when a RUN step broke with it', () => {
  assert.deepEqual([NO_DAEMON, DAEMON_DIED, DAEMON_STOPPED, `${RUN_FAILED}${DAEMON_DIED}`].map(classifyBuildFailure), ['docker-unavailable', 'docker-unavailable', 'docker-unavailable', 'docker-unavailable']);
});

test('a RUN step that prints an engine-like error is still the image\'s own failure', () => {
  assert.equal(classifyBuildFailure(STEP_SAYS_EOF), 'build-failed');
});

test('anything else (an unreachable registry, a full disk) is build-error: infrastructure, not the PR', () => {
  assert.deepEqual([REGISTRY_DOWN, 'write /var/lib/docker/tmp/x: no space left on device\n', ''].map(classifyBuildFailure), ['build-error', 'build-error', 'build-error']);
});
