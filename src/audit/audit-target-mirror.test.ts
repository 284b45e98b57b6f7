// Against the real upstream history: the field recipe's invertGSOChecksum sed (and its COPY into
// cmd/tailscaled) replayed from v1.96.5 to v1.102.3 of tailscale/tailscale. It still applies, so
// there must be no blocker. Runs only when BUMPGUARD_TAILSCALE_MIRROR names a clone or bare mirror.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { tailscaleMirror } from '../../test/helpers/tailscale-mirror.ts';
import { parseConfig } from '../config/index.ts';
import { gitUpstream, localEditRunner } from '../upstream/index.ts';
import { auditUpstream, memoizeUpstream } from './audit-target.ts';

const { dir: MIRROR, skip } = tailscaleMirror();

// As maintainers write it (the panic without netstack in the tun wrapper).
const DOCKERFILE = `FROM golang:1.26-alpine AS build
ARG TAILSCALE_VERSION=v1.96.5
RUN git clone --depth 1 --branch "\${TAILSCALE_VERSION}" https://github.com/tailscale/tailscale.git /src/tailscale
WORKDIR /src/tailscale
RUN sed -i \\
    -e '/func invertGSOChecksum/,/^}/ s/\\t\\tpanic("unreachable")/\\t\\treturn/' \\
    net/tstun/wrap.go
COPY patches/stderr_verbosity_filter.go cmd/tailscaled/
RUN go run ./cmd/featuretags --min --add=osrouter | sed -e 's/ts_omit_netstack,\\{0,1\\}//g' -e 's/ts_omit_dns,\\{0,1\\}//g' > /tags
`;

const root = mkdtempSync(join(tmpdir(), 'bumpguard-mirror-edits-'));
after(() => rmSync(root, { recursive: true, force: true }));

it('the invertGSOChecksum sed still applies from v1.96.5 to v1.102.3: reported as applying, no blocker', { skip }, async () => {
  const { findings, report } = await auditUpstream({
    recipeFiles: [{ path: 'Dockerfile', text: DOCKERFILE }],
    repo: { readFile: async (p) => (p === 'patches/stderr_verbosity_filter.go' ? 'package main\n' : null), listFiles: async () => [] },
    fromTag: 'v1.96.5',
    toTag: 'v1.102.3',
    config: parseConfig(null),
    upstream: memoizeUpstream(gitUpstream(MIRROR!)),
    runner: localEditRunner({ tempRoot: root }),
  });
  assert.deepEqual(
    report.edits.map((e) => [e.kind, e.line, e.target, e.status, e.changed ?? null]),
    [
      ['sed', 5, 'net/tstun/wrap.go', 'applies', { from: 1, to: 1 }],
      ['copy-go', 8, 'cmd/tailscaled', 'applies', null],
    ],
  );
  assert.deepEqual(
    findings.filter((f) => f.severity === 'blocker'),
    [],
  );
  const patches = report.commits.groups.find((g) => g.name === 'source patches');
  assert.ok(patches && patches.commits.length > 0, 'upstream commits touching the patched package are listed');
  assert.ok(
    report.commits.groups.some((g) => g.name === 'netstack'),
    'commits behind the opted-in netstack are grouped',
  );
});
