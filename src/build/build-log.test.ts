import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import { errorLine } from './build-image.ts';
import {
  BuildSteps,
  classifyBuildFailure,
  commentSafeLog,
  findNetworkFailure,
  LogTail,
  summariseSteps,
  summarizeBuildFailure,
} from './build-log.ts';

describe('LogTail', () => {
  it('keeps only the last lines, joining lines split across chunks', () => {
    const tail = new LogTail(3);
    assert.deepStrictEqual(tail.push('#1 [build 1/9] FROM scr'), []);
    assert.deepStrictEqual(tail.push('atch\n#2 DONE 0.0s\r\n#3 RUN ./tools/assemble\n#3 0.41 assembled 15'), [
      '#1 [build 1/9] FROM scratch',
      '#2 DONE 0.0s',
      '#3 RUN ./tools/assemble',
    ]);
    tail.line('$ docker save');
    assert.equal(tail.text(), '#3 RUN ./tools/assemble\n$ docker save\n#3 0.41 assembled 15');
  });
});

describe('errorLine', () => {
  it('picks the last BuildKit error line of a failed build', () => {
    const log = [
      '#9 [build 6/9] RUN ./tools/assemble',
      '#9 0.120 featuretags: no recorded feature table for v1.99.0',
      '#9 ERROR: executor failed running [/bin/busybox sh -euc ./tools/assemble]: exit code: 1',
      '------',
      'error: failed to solve: executor failed running [/bin/busybox sh -euc ./tools/assemble]: exit code: 1',
      '',
    ].join('\n');
    assert.equal(errorLine(log), 'error: failed to solve: executor failed running [/bin/busybox sh -euc ./tools/assemble]: exit code: 1');
    assert.equal(errorLine(''), 'no output');
  });
});

it('keeps an endless line cut, never whole', () => {
  const tail = new LogTail(5);
  for (let i = 0; i < 1000; i++) tail.push('x'.repeat(10_000));
  assert.ok(tail.text().length < 5000, `kept ${tail.text().length} chars`);
  tail.push('\ndone\n');
  assert.match(tail.text(), /… \(line cut\)\ndone$/);
});

// The shape of `DOCKER_BUILDKIT=1 docker build --progress plain` (docker 20.10) for a second
// target platform: the $BUILDPLATFORM stage comes from the cache, the per-target steps run.
const LOG = `#1 [internal] load build definition from Dockerfile
#1 transferring dockerfile: 2.31kB done
#1 DONE 0.0s

#5 [build  1/11] COPY artifacts/amd64/busybox /bin/busybox
#5 CACHED

#6 [build 2/9] RUN busybox ln -s busybox /bin/sh
#6 CACHED

#11 [build 7/9] COPY artifacts/arm64/busybox /out/rootfs/bin/busybox
#11 DONE 0.1s

#12 [build 8/9] RUN cd /out/rootfs && mkdir -p etc tmp root
#12 0.412 done
#12 DONE 1.3s

#13 [stage-1 1/3] COPY --from=build /out/rootfs/ /
#13 DONE 0.0s

#14 exporting to image
#14 DONE 0.2s`;

test("build steps: which ran and how long, which came from the cache; BuildKit's own vertices are left out", () => {
  const steps = new BuildSteps();
  for (const line of LOG.split('\n')) steps.line(line);
  assert.deepEqual(
    steps.steps().map((s) => [s.stage, s.instruction.split(' ')[0], s.cached, s.seconds]),
    [
      ['build', 'COPY', true, 0],
      ['build', 'RUN', true, 0],
      ['build', 'COPY', false, 0.1],
      ['build', 'RUN', false, 1.3],
      ['stage-1', 'COPY', false, 0],
    ],
  );
  assert.equal(summariseSteps(steps.steps()), '5 steps: 2 cached, 3 ran in 1.4 s');
});

// Tails of real `DOCKER_BUILDKIT=1 docker build --progress plain` runs (Debian docker.io 20.10).
const RUN_FAILED = '------\n > [2/2] RUN ["/bin/busybox","false"]:\n------\nexecutor failed running [/bin/busybox false]: exit code: 1\n';
const COPY_MISSING = '------\n > [1/1] COPY nothere /x:\n------\nfailed to compute cache key: "/nothere" not found: not found\n';
const PARSE_ERROR =
  '#2 DONE 0.0s\nfailed to solve with frontend dockerfile.v0: failed to create LLB definition: dockerfile parse error line 2: unknown instruction: BOGUS\n';
const NEWER_RUN_FAILED =
  'ERROR: failed to solve: process "/bin/sh -c go build ./cmd/tailscaled" did not complete successfully: exit code: 2\n';
const NO_DAEMON = 'Cannot connect to the Docker daemon at unix:///tmp/x/docker.sock. Is the docker daemon running?\n';
const REGISTRY_DOWN =
  'failed to load cache key: failed to do request: Head "https://registry-1.docker.io/v2/library/alpine/manifests/3": dial tcp: lookup registry-1.docker.io: no such host\n';
const DAEMON_DIED = '#5 [2/3] RUN sleep 30\nerror reading from server: EOF\n';
// dockerd 20.10 stopped (SIGTERM) while a RUN step ran: the client's last word.
const DAEMON_STOPPED = '#5 [2/2] RUN ["/bin/busybox","sleep","30"]\n#5 sha256:df12c6512cff\nunexpected EOF\n';
const STEP_SAYS_EOF =
  '#7 0.412 tar: unexpected EOF\n#7 ERROR: executor failed running [/bin/sh -c tar xf src.tgz]: exit code: 1\nexecutor failed running [/bin/sh -c tar xf src.tgz]: exit code: 1\n';

test("the target's own failures are build-failed: a RUN step exiting non-zero, a missing COPY source, a Dockerfile that does not parse", () => {
  assert.deepEqual([RUN_FAILED, COPY_MISSING, PARSE_ERROR, NEWER_RUN_FAILED].map(classifyBuildFailure), [
    'build-failed',
    'build-failed',
    'build-failed',
    'build-failed',
  ]);
});

test('an engine that cannot be reached or dies mid-build is docker-unavailable, even when a RUN step broke with it', () => {
  assert.deepEqual([NO_DAEMON, DAEMON_DIED, DAEMON_STOPPED, `${RUN_FAILED}${DAEMON_DIED}`].map(classifyBuildFailure), [
    'docker-unavailable',
    'docker-unavailable',
    'docker-unavailable',
    'docker-unavailable',
  ]);
});

test("a RUN step that prints an engine-like error is still the image's own failure", () => {
  assert.equal(classifyBuildFailure(STEP_SAYS_EOF), 'build-failed');
});

test('anything else (an unreachable registry, a full disk) is build-error: infrastructure, not the PR', () => {
  assert.deepEqual([REGISTRY_DOWN, 'write /var/lib/docker/tmp/x: no space left on device\n', ''].map(classifyBuildFailure), [
    'build-error',
    'build-error',
    'build-error',
  ]);
});

// Lines as BuildKit's plain progress prints a RUN step's output: `#<step> <seconds> <text>`.
test('finds the fetch that failed for want of a network, whichever tool made it', () => {
  const cases: Array<[string, string]> = [
    ["#7 0.047 wget: bad address 'github.com'", "wget: bad address 'github.com'"],
    [
      "#9 0.512 fatal: unable to access 'https://github.com/tailscale/tailscale/': Could not resolve host: github.com",
      "fatal: unable to access 'https://github.com/tailscale/tailscale/': Could not resolve host: github.com",
    ],
    [
      '#8 1.204 go: github.com/tailscale/wireguard-go@v0.0.0: Get "https://proxy.golang.org/github.com/tailscale/wireguard-go/@v/list": dial tcp: lookup proxy.golang.org on 127.0.0.11:53: no such host',
      'go: github.com/tailscale/wireguard-go@v0.0.0: Get "https://proxy.golang.org/github.com/tailscale/wireguard-go/@v/list": dial tcp: lookup proxy.golang.org on 127.0.0.11:53: no such host',
    ],
    [
      '#6 0.301 ERROR: https://dl-cdn.alpinelinux.org/alpine/v3.20/main: DNS lookup error',
      'ERROR: https://dl-cdn.alpinelinux.org/alpine/v3.20/main: DNS lookup error',
    ],
    [
      "#5 0.050 wget: can't connect to remote host (192.0.2.1): Network is unreachable",
      "wget: can't connect to remote host (192.0.2.1): Network is unreachable",
    ],
  ];
  for (const [line, found] of cases)
    assert.equal(findNetworkFailure(`#5 [builder 3/9] RUN …\n${line}\n#5 ERROR: executor failed running …: exit code: 1`), found);
});

test('ignores the engine failing to pull a base image, and ordinary build errors', () => {
  assert.equal(
    findNetworkFailure(
      [
        '#3 [internal] load metadata for docker.io/library/golang:1.25-alpine',
        '#3 ERROR: failed to do request: Head "https://registry-1.docker.io/v2/library/golang/manifests/1.25-alpine": dial tcp: lookup registry-1.docker.io: no such host',
        'error: failed to solve: golang:1.25-alpine: failed to do request: dial tcp: lookup registry-1.docker.io: no such host',
      ].join('\n'),
    ),
    null,
  );
  assert.equal(
    findNetworkFailure('#7 2.113 featuretags: no recorded feature table for v1.99.0\n#7 ERROR: executor failed running: exit code: 1'),
    null,
  );
});

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

test("the failing step and exit code are read from BuildKit's ERROR line and its vertex header", () => {
  assert.deepEqual(summarizeBuildFailure(FAILED_RUN), { step: '[2/2] RUN ["/bin/busybox", "sh", "-c", "cat /s; exit 3"]', exitCode: 3 });
  assert.deepEqual(summarizeBuildFailure('#4 [1/1] COPY nothere /x\n#4 ERROR: "/nothere" not found: not found\n'), {
    step: '[1/1] COPY nothere /x',
    exitCode: null,
  });
  assert.deepEqual(summarizeBuildFailure('error: something else\n'), { step: null, exitCode: null });
});

test('a log shown on the PR has no docker command line and no bot paths', () => {
  const safe = commentSafeLog(
    `${FAILED_RUN}\nfailed to read dockerfile: open /var/lib/docker/tmp/buildkit-mount1/Dockerfile\nerror: /tmp/bumpguard-tree-x1/sub missing`,
    [
      { path: '/tmp/bumpguard-tree-x1', as: '<checkout>' },
      { path: '/tmp', as: '<tmp>' },
    ],
  );
  assert.doesNotMatch(safe, /\/usr\/bin\/docker|\/tmp|\/var\/lib\/docker/);
  assert.match(safe, /read dockerfile: open <engine>$/m);
  assert.match(safe, /error: <checkout>\/sub missing/);
});
