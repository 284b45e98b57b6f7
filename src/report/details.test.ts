import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DigestCommit, UpstreamReport } from '../core/index.ts';
import { renderUpstream, renderUpstreamText } from './details.ts';

const commit = (k: number): DigestCommit => ({
  sha: `${k}`.padStart(40, 'a'),
  shortSha: `${k}`.padStart(10, 'a'),
  subject: `net/tstun: change ${k}`,
  url: `https://github.com/tailscale/tailscale/commit/${k}`,
  files: ['net/tstun/wrap.go'],
});
const commits = Array.from({ length: 25 }, (_, k) => commit(k));
const report: UpstreamReport = {
  from: 'v1.98.8',
  to: 'v1.102.2',
  edits: [
    {
      kind: 'sed',
      path: 'Dockerfile',
      line: 14,
      command: "sed -i -e '…' net/tstun/wrap.go",
      target: 'net/tstun/wrap.go',
      status: 'stale',
      changed: { from: 1, to: 0 },
      message: 'stale',
    },
    {
      kind: 'unreadable',
      path: 'build.sh',
      line: 3,
      command: 'sed -i "$X" f.go',
      target: '',
      status: 'unevaluated',
      message: 'sed at build.sh:3 was not evaluated: the sed script is built from a shell variable ($X) | a <b>',
    },
  ],
  commits: {
    source: 'git log of a local mirror',
    note: null,
    total: 300,
    relevant: 25,
    compareUrl: 'https://github.com/tailscale/tailscale/compare/v1.98.8...v1.102.2',
    groups: [
      { name: 'source patches', kind: 'patches', commits },
      { name: 'dns', kind: 'feature', commits: [commits[3]!] },
    ],
    top: commits.slice(0, 20),
  },
};

test('the section: each edit with its counts and status, then the 20 most relevant commits collapsed, grouped', () => {
  const md = renderUpstream(report, { full: true });
  assert.match(md, /^### Upstream behind this bump\n/);
  assert.match(md, /\| sed at `Dockerfile:14` \| `net\/tstun\/wrap\.go` \| 1 line \| 0 lines \| ❌ stale \|/);
  // Text from the recipe cannot break the table or inject HTML.
  assert.match(md, /ℹ️ not evaluated: the sed script is built from a shell variable \(\$X\) \\\| a &lt;b&gt; \|/);
  assert.match(
    md,
    /<details><summary>What changed upstream behind the shipped features: 25 of 300 commits \(the 20 most relevant\)<\/summary>/,
  );
  assert.equal(md.match(/^- \[`a+\d+`\]/gm)?.length, 21, '20 under source patches, and the one dns commit among them again under dns');
  assert.match(md, /\*\*dns\*\* \(1\)\n- \[`aaaaaaaaa3`\]/);
  assert.match(md, /5 more in `bumpguard check --json` \(`upstream\.commits`\)\./);
});

test('trimmed, the commits become one line; without history, one line says so', () => {
  assert.match(
    renderUpstream(report, { full: false }),
    /Upstream commits touching what this image compiles in: 25 of 300 \(\[compare v1\.98\.8\.\.\.v1\.102\.2\]\(https:/,
  );
  const none: UpstreamReport = {
    ...report,
    edits: [],
    commits: {
      ...report.commits,
      source: null,
      note: 'a fixtures directory keeps no commit history (a git mirror or github does)',
      groups: [],
      top: [],
      total: 0,
      relevant: 0,
    },
  };
  assert.equal(
    renderUpstream(none, { full: true }),
    '### Upstream behind this bump\n\nUpstream commits: not listed, a fixtures directory keeps no commit history (a git mirror or github does).',
  );
  assert.deepEqual(renderUpstreamText(none), [
    '',
    'Upstream v1.98.8 → v1.102.2',
    '  commits: not listed, a fixtures directory keeps no commit history (a git mirror or github does)',
  ]);
});
