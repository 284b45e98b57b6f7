// Hostile input through the forge: a 300 MB file read through the file API took the bot to
// 1.1 GB, and a source archive with 40,000 path components blocked the event loop for 38 s. File
// reads are capped; archive entries are refused past node-tar's depth and Linux's PATH_MAX.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { createUpstream } from '../../src/upstream/index.ts';
import { runCheck } from '../../src/jobs/index.ts';
import { deliver, startBot } from '../helpers/e2e-bot.ts';
import { fakeRunCheck } from '../helpers/fake-run-check.ts';
import {
  API,
  BASE,
  bumpDiff,
  commentJson,
  expectErrorReport,
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

useHttpMock();

const gitea = { url: GITEA, token: TOKEN, webhookSecret: SECRET, botLogin: 'bumpguard', retry: { retries: 0 } };

test('a 20 MB .bumpguard.yml is refused after 1 MiB with a clear error, not read into memory', async () => {
  const r = await startBot({ gitea, runCheck: fakeRunCheck() });
  api(r).get(`${API}/pulls/14`).reply(200, prJson(HEAD1));
  // Streamed without a content-length, as a server that does not say would send it.
  api(r)
    .get(`${API}/raw/.bumpguard.yml`)
    .query({ ref: BASE })
    .reply(200, () =>
      Readable.from(
        (function* () {
          const line = Buffer.from(`# ${'x'.repeat(1021)}\n`);
          for (let i = 0; i < 20 * 1024; i++) yield line;
        })(),
      ),
    );
  const comment = expectErrorReport(r);
  const body = rawFixture('pull_request.opened');
  assert.equal((await deliver(`${r.url}/api/gitea/webhooks`, body, giteaHeaders('pull_request', 'pull_request', body))).status, 202);
  await r.bot.queue.onIdle();
  assert.equal(r.outcomes[0]?.outcome.verdict, 'error');
  assert.match(comment(), /readFile of \.bumpguard\.yml: the answer is over 1 MiB/);
});

/** A .tar.gz as Gitea's archive endpoint sends it (top folder = repo name). */
async function archive(entries: { name: string; body?: string; type?: 'file' | 'directory' }[]): Promise<Buffer> {
  const p = pack();
  for (const e of entries) p.entry({ name: `tailscale-mikrotik/${e.name}`, type: e.type ?? 'file', mode: 0o644 }, e.body ?? '');
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of p) chunks.push(Buffer.from(chunk as Uint8Array));
  return gzipSync(Buffer.concat(chunks));
}

test(
  'a PR archive nested 1,500 directories deep (or with a 80,000-character name) is refused and reported',
  { timeout: 120_000 },
  async () => {
    const upstream = await createUpstream(fileURLToPath(new URL('../fixtures/upstream/', import.meta.url)), {
      repo: 'tailscale/tailscale',
      cwd: process.cwd(),
    });
    for (const [what, name] of [
      ['depth', `${'a/'.repeat(1500)}f`],
      ['length', `${'a/'.repeat(40_000)}f`],
    ] as const) {
      const r = await startBot({ gitea, runCheck, upstream });
      mockComment(r, 908, 'mira', '/audit');
      api(r).post(`${API}/issues/comments/908/reactions`).times(2).reply(201, {});
      api(r).get(`${API}/collaborators/mira/permission`).reply(200, { permission: 'admin' });
      api(r).get(`${API}/pulls/14`).reply(200, prJson(HEAD1));
      api(r).get(`${API}/pulls/14.diff`).reply(200, bumpDiff);
      for (const path of ['.bumpguard.yml', '.bumpguard.yaml', '.github/bumpguard.yml'])
        api(r).get(`${API}/raw/${path}`).query({ ref: BASE }).reply(404, {});
      api(r).post(`${API}/statuses/${HEAD1}`).times(2).reply(201, {});
      api(r)
        .get(`${API}/raw/Dockerfile`)
        .query({ ref: HEAD1 })
        .reply(200, 'FROM scratch\n# renovate: datasource=github-releases depName=tailscale\nARG TAILSCALE_VERSION=v1.98.8\n');
      api(r)
        .get(`${API}/archive/${HEAD1}.tar.gz`)
        .reply(200, await archive([{ name: 'Dockerfile', body: 'FROM scratch\n' }, { name }]));
      api(r).get(`${API}/issues/14/comments`).query(true).reply(200, [], { 'x-total-count': '0' });
      let comment = '';
      api(r)
        .post(`${API}/issues/14/comments`, (b) => Boolean((comment = b.body)))
        .reply(201, commentJson(901, 'x'));
      const payload = JSON.parse(rawFixture('issue_comment.created').toString());
      payload.comment.body = '/audit';
      const body = JSON.stringify(payload);
      const started = performance.now();
      assert.equal(
        (await deliver(`${r.url}/api/gitea/webhooks`, body, giteaHeaders('issue_comment', 'pull_request_comment', body))).status,
        202,
      );
      const health = await fetch(`${r.url}/healthz`, { signal: AbortSignal.timeout(2000) }).then(
        (res) => res.status,
        (err: Error) => err.name,
      );
      await r.bot.queue.onIdle();
      assert.equal(health, 200, `${what}: /healthz answers while the archive is read`);
      assert.equal(r.outcomes[0]?.outcome.verdict, 'error', what);
      assert.match(comment, what === 'depth' ? /nested deeper than 1024 directories/ : /longer than 4096 characters/);
      assert.ok(performance.now() - started < 10_000, `${what}: took ${Math.round(performance.now() - started)} ms`);
      await r.bot.close();
    }
  },
);
