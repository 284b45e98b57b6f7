import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findNetworkFailure } from './find-network-failure.ts';

// Lines as BuildKit's plain progress prints a RUN step's output: `#<step> <seconds> <text>`.
test('finds the fetch that failed for want of a network, whichever tool made it', () => {
  const cases: Array<[string, string]> = [
    ["#7 0.047 wget: bad address 'github.com'", "wget: bad address 'github.com'"],
    ["#9 0.512 fatal: unable to access 'https://github.com/tailscale/tailscale/': Could not resolve host: github.com",
      "fatal: unable to access 'https://github.com/tailscale/tailscale/': Could not resolve host: github.com"],
    ['#8 1.204 go: github.com/tailscale/wireguard-go@v0.0.0: Get "https://proxy.golang.org/github.com/tailscale/wireguard-go/@v/list": dial tcp: lookup proxy.golang.org on 127.0.0.11:53: no such host',
      'go: github.com/tailscale/wireguard-go@v0.0.0: Get "https://proxy.golang.org/github.com/tailscale/wireguard-go/@v/list": dial tcp: lookup proxy.golang.org on 127.0.0.11:53: no such host'],
    ['#6 0.301 ERROR: https://dl-cdn.alpinelinux.org/alpine/v3.20/main: DNS lookup error', 'ERROR: https://dl-cdn.alpinelinux.org/alpine/v3.20/main: DNS lookup error'],
    ['#5 0.050 wget: can\'t connect to remote host (192.0.2.1): Network is unreachable', 'wget: can\'t connect to remote host (192.0.2.1): Network is unreachable'],
  ];
  for (const [line, found] of cases) assert.equal(findNetworkFailure(`#5 [builder 3/9] RUN …\n${line}\n#5 ERROR: executor failed running …: exit code: 1`), found);
});

test('ignores the engine failing to pull a base image, and ordinary build errors', () => {
  assert.equal(findNetworkFailure([
    '#3 [internal] load metadata for docker.io/library/golang:1.25-alpine',
    '#3 ERROR: failed to do request: Head "https://registry-1.docker.io/v2/library/golang/manifests/1.25-alpine": dial tcp: lookup registry-1.docker.io: no such host',
    'error: failed to solve: golang:1.25-alpine: failed to do request: dial tcp: lookup registry-1.docker.io: no such host',
  ].join('\n')), null);
  assert.equal(findNetworkFailure('#7 2.113 featuretags: no recorded feature table for v1.99.0\n#7 ERROR: executor failed running: exit code: 1'), null);
});
