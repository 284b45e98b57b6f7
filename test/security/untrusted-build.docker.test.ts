// Hostile input: `--network none` was not a sandbox. The engine fetches `ADD <url>` (and pulled
// images) on the host's network, loopback included, and the last 60 lines of the build log were
// posted on the PR: `ADD http://127.0.0.1:PORT/secret` plus a failing `RUN cat` put the secret
// in the comment. For a PR whose author cannot push, such fetches are now refused unless the
// operator allows them, and even then the comment shows only the failing step and exit code.
// Real server, real BuildKit; the secret is served on loopback by this test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { createTwoFilesPatch } from 'diff';
import { execa } from 'execa';
import { pack } from 'tar-stream';
import { createUpstream } from '../../src/upstream/index.ts';
import { runCheck } from '../../src/jobs/index.ts';
import { DEFAULT_CONTAINER_LIMITS } from '../../src/measure/index.ts';
import { BUSYBOX, createBusyboxRepo } from '../helpers/busybox-repo.ts';
import { deliver, startBot } from '../helpers/e2e-bot.ts';
import {
  API,
  BASE,
  commentJson,
  GITEA,
  giteaApi as api,
  giteaHeaders,
  HEAD1,
  mockComment,
  prJson,
  rawFixture,
  SECRET,
  TOKEN,
} from '../helpers/gitea-e2e.ts';
import { useHttpMock } from '../helpers/http-mock.ts';
import { requireDocker } from '../helpers/require-docker.ts';
import type { UntrustedNetwork } from '../../src/build/index.ts';

useHttpMock();

const MARKER = '# renovate: datasource=github-releases depName=tailscale packageName=tailscale/tailscale versioning=semver';
const busybox = readFileSync(BUSYBOX);
const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const UPSTREAM = fileURLToPath(new URL('../fixtures/upstream/', import.meta.url));

async function archive(files: Record<string, string | Buffer>): Promise<Buffer> {
  const p = pack();
  for (const [name, body] of Object.entries(files))
    p.entry({ name: `tailscale-mikrotik/${name}`, mode: name === 'busybox' ? 0o755 : 0o644 }, body);
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of p) chunks.push(Buffer.from(chunk as Uint8Array));
  return gzipSync(Buffer.concat(chunks));
}

/** A fork PR by "stranger" whose head ADDs the loopback secret; a maintainer approved the build. */
async function approvedForkBuild(untrustedNetwork: UntrustedNetwork): Promise<{ comment: string; fetched: number; secret: string }> {
  await requireDocker();
  const secret = `top-secret-${randomUUID()}`;
  let fetched = 0;
  const hole = createServer((_req, res) => {
    fetched++;
    res.end(`${secret}\n`);
  });
  await new Promise<void>((resolve) => hole.listen(0, '127.0.0.1', resolve));
  const port = (hole.address() as AddressInfo).port;
  try {
    const base = [
      'FROM scratch',
      'COPY busybox /bin/busybox',
      MARKER,
      'ARG TAILSCALE_VERSION=v1.98.5',
      'RUN ["/bin/busybox", "true"]',
      '',
    ].join('\n');
    const head = [
      'FROM scratch',
      'COPY busybox /bin/busybox',
      `ADD http://127.0.0.1:${port}/secret /secret`,
      MARKER,
      'ARG TAILSCALE_VERSION=v1.98.8',
      'RUN ["/bin/busybox", "sh", "-c", "cat /secret; exit 3"]',
      '',
    ].join('\n');
    const diff = `diff --git a/Dockerfile b/Dockerfile\n${createTwoFilesPatch('a/Dockerfile', 'b/Dockerfile', base, head).split('\n').slice(1).join('\n')}`;
    const upstream = await createUpstream(fileURLToPath(new URL('../fixtures/upstream/', import.meta.url)), {
      repo: 'tailscale/tailscale',
      cwd: process.cwd(),
    });
    const r = await startBot({
      gitea: { url: GITEA, token: TOKEN, webhookSecret: SECRET, botLogin: 'bumpguard', retry: { retries: 0 } },
      runCheck,
      upstream,
      sandbox: { untrustedNetwork, limits: DEFAULT_CONTAINER_LIMITS },
    });
    const fork = { ...prJson(HEAD1), user: { login: 'stranger' }, head: { ref: 'bump', sha: HEAD1, repo_id: 40 } };
    const config = 'platforms: [linux/amd64]\nram: { enabled: false }\n';
    api(r).get(`${API}/pulls/14`).times(2).reply(200, fork);
    api(r).get(`${API}/raw/.bumpguard.yml`).query({ ref: BASE }).times(2).reply(200, config);
    api(r).get(`${API}/pulls/14.diff`).times(2).reply(200, diff);
    api(r).get(`${API}/raw/Dockerfile`).query({ ref: BASE }).optionally().times(3).reply(200, base);
    api(r).get(`${API}/raw/Dockerfile`).query({ ref: HEAD1 }).optionally().times(3).reply(200, head);
    // 1. The PR opens: a fork waits for a maintainer.
    api(r).get(`${API}/issues/14/comments`).query(true).reply(200, [], { 'x-total-count': '0' });
    api(r)
      .post(`${API}/issues/14/comments`, (b) => /waiting for a maintainer/.test(b.body))
      .reply(201, commentJson(901, 'w'));
    api(r).post(`${API}/statuses/${HEAD1}`).optionally().times(20).reply(201, {});
    const opened = JSON.stringify({ ...JSON.parse(rawFixture('pull_request.opened').toString()), pull_request: fork });
    await deliver(`${r.url}/api/gitea/webhooks`, opened, giteaHeaders('pull_request', 'pull_request', opened));
    await r.bot.queue.onIdle();
    // 2. A maintainer approves with /rebuild: base and head are built for real.
    mockComment(r, 908, 'mira', '/rebuild', '2025-06-13T09:00:00Z');
    api(r).post(`${API}/issues/comments/908/reactions`).times(2).reply(201, {});
    api(r).get(`${API}/collaborators/mira/permission`).reply(200, { permission: 'admin' });
    api(r)
      .get(`${API}/archive/${BASE}.tar.gz`)
      .reply(200, await archive({ Dockerfile: base, busybox }));
    api(r)
      .get(`${API}/archive/${HEAD1}.tar.gz`)
      .reply(200, await archive({ Dockerfile: head, busybox }));
    let comment = '';
    // The audit reaches the PR before the builds end (and again every 15 s): the last edit is the verdict.
    api(r)
      .patch(`${API}/issues/comments/901`, (b) => Boolean((comment = b.body)))
      .optionally()
      .times(10)
      .reply(200, commentJson(901, 'r'));
    const rebuild = rawFixture('issue_comment.created').toString().replace('/accept size portmapper growth reviewed', '/rebuild');
    await deliver(`${r.url}/api/gitea/webhooks`, rebuild, giteaHeaders('issue_comment', 'pull_request_comment', rebuild));
    await r.bot.queue.onIdle();
    assert.equal(r.outcomes.at(-1)?.outcome.verdict, 'failure', r.outcomes.at(-1)?.outcome.reason);
    await r.bot.close();
    return { comment, fetched, secret };
  } finally {
    hole.close();
  }
}

test('an approved fork PR whose Dockerfile ADDs a loopback URL is refused before the engine fetches it', { timeout: 300_000 }, async () => {
  const { comment, fetched, secret } = await approvedForkBuild('none');
  assert.equal(fetched, 0, 'the engine never asked the loopback server');
  assert.ok(!comment.includes(secret));
  assert.match(
    comment,
    /build was refused: the author of this pull request cannot push to the repository, and its Dockerfile has the engine fetch from the bot's network \(line 3 downloads http:\/\/127\.0\.0\.1:\d+\/secret\)/,
  );
  assert.match(comment, /BUMPGUARD_UNTRUSTED_NETWORK/);
});

test(
  'with fetches allowed by the operator, the comment still shows only the failing step and exit code: no log, no host path, no docker argv',
  { timeout: 300_000 },
  async () => {
    const { comment, fetched, secret } = await approvedForkBuild('all');
    assert.equal(fetched, 1, 'the operator allowed the fetch');
    assert.ok(!comment.includes(secret), 'the secret the build printed is not in the comment');
    assert.match(
      comment,
      /build failed at step `\[3\/3\] RUN \["\/bin\/busybox", "sh", "-c", "cat \/secret; exit 3"\]` \(exit code 3\)\. Its log is not shown/,
    );
    assert.doesNotMatch(comment, /bumpguard-tree-|\/tmp\/|--iidfile|docker build/);
  },
);

test("any build log shown in a report has no docker command line and none of the bot's paths", { timeout: 300_000 }, async (t) => {
  await requireDocker();
  const base = [
    'FROM scratch',
    'COPY busybox /bin/busybox',
    MARKER,
    'ARG TAILSCALE_VERSION=v1.98.5',
    'RUN ["/bin/busybox", "true"]',
    '',
  ].join('\n');
  const repo = await createBusyboxRepo({ Dockerfile: base, '.bumpguard.yml': 'platforms: [linux/amd64]\nram: { enabled: false }\n' });
  const work = await mkdtemp(join(tmpdir(), 'bumpguard-logpaths-'));
  t.after(async () => {
    await repo.dispose();
    await rm(work, { recursive: true, force: true });
  });
  await repo.commit(
    { Dockerfile: base.replace('v1.98.5', 'v1.98.8').replace('"true"]', '"sh", "-c", "echo step output; exit 4"]') },
    'bump',
  );
  const res = await execa(
    process.execPath,
    [MAIN, 'check', '--repo', repo.dir, '--base', 'HEAD~1', '--head', 'HEAD', '--upstream', UPSTREAM, '--db', join(work, 'db.sqlite')],
    {
      reject: false,
      env: { ...process.env, BUMPGUARD_CACHE: join(work, 'cache') },
    },
  );
  assert.equal(res.exitCode, 1, res.stderr);
  assert.match(res.stdout, /step output/, 'a trusted build keeps its log in the report');
  assert.doesNotMatch(res.stdout, /\$ \/usr\/bin\/docker|docker build|--iidfile|bumpguard-tree-|bumpguard-check-|\/tmp\//);
});
