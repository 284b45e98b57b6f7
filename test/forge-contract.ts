// The contract every Forge adapter passes (src/core/ports.ts). Each adapter supplies
// a harness that sets up nock in its own wire format and restates the expected wire values, so
// the same behaviour is asserted on both forges at the HTTP boundary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { ForgeError, STATUS_CONTEXT, type Forge, type GateState, type Permission, type Reaction } from '../src/core/index.ts';

export interface PrFixture {
  number: number;
  headSha: string;
  baseSha: string;
  headRef: string;
  baseRef: string;
  author: string;
  fork: boolean;
}

export interface CommentFixture {
  id: number;
  author: string;
  body: string;
}

export interface ContractHarness {
  botLogin: string;
  /** The forge's top folder in archives, e.g. "tailscale-mikrotik/". */
  archiveTop: string;
  forge(): Forge;
  pullRequest(pr: PrFixture): void;
  diff(pr: number, text: string): void;
  file(path: string, sha: string, answer: { text: string } | { status: number }): void;
  archive(sha: string, tarGz: Buffer): void;
  comments(pr: number, list: CommentFixture[]): void;
  createComment(pr: number, body: string, id: number): void;
  updateComment(id: number, body: string, answer?: 'ok' | 'missing'): void;
  /**
   * Every request one `setStatus` per state (in order, same SHA) must make; returns what the
   * forge then shows as the gate of `sha` (the latest state of the context), in its own words.
   */
  statuses(sha: string, states: { state: GateState; title: string; detailsUrl: string }[]): () => unknown;
  /** The forge's own words for what each of our states shows (restated, not imported from the adapters). */
  shownAs: Record<GateState, unknown>;
  reaction(commentId: number, reaction: Reaction): void;
  /** One comment by id, on PR `pr`, written at `createdAt`. */
  comment(c: CommentFixture & { pr: number; createdAt: string }): void;
  /** `wire` null: the forge answers 404. */
  permission(login: string, wire: string | null): void;
  /** Wire permission values and what they must mean. */
  permissionCases: [wire: string, expected: Permission][];
}

const MARKER = '<!-- bumpguard:report -->';
const PR: PrFixture = {
  number: 14,
  headSha: '8d2e4f6a1b3c5d7e9f0a2b4c6d8e0f1a3b5c7d9e',
  baseSha: '3f1c9a7d2b8e4f6a0c5d7e9f1a3b5c7d9e0f2a4b',
  headRef: 'renovate/tailscale-1.x',
  baseRef: 'main',
  author: 'renovate',
  fork: false,
};

export function forgeContract(name: string, h: ContractHarness): void {
  const t = (what: string, fn: () => Promise<void>): void => void test(`${name}: ${what}`, fn);

  t('getPullRequest gives head and base SHA and ref, author and fork flag', async () => {
    h.pullRequest(PR);
    h.pullRequest({ ...PR, number: 15, fork: true, author: 'stranger' });
    const forge = h.forge();
    const pr = await forge.getPullRequest(14);
    assert.deepEqual(
      { head: pr.head, base: pr.base, author: pr.author, isFork: pr.isFork, state: pr.state, number: pr.number },
      {
        head: { ref: PR.headRef, sha: PR.headSha },
        base: { ref: PR.baseRef, sha: PR.baseSha },
        author: 'renovate',
        isFork: false,
        state: 'open',
        number: 14,
      },
    );
    assert.equal((await forge.getPullRequest(15)).isFork, true);
  });

  t('getDiff returns the unified diff text', async () => {
    const diff =
      'diff --git a/Dockerfile b/Dockerfile\n--- a/Dockerfile\n+++ b/Dockerfile\n@@ -1 +1 @@\n-ARG TAILSCALE_VERSION=v1.98.5\n+ARG TAILSCALE_VERSION=v1.98.8\n';
    h.diff(14, diff);
    assert.equal(await h.forge().getDiff(14), diff);
  });

  t('readFile returns the text, null on 404 only, and a retryable error on 5xx', async () => {
    h.file('.bumpguard.yml', PR.baseSha, { text: 'platforms: [linux/arm64]\n' });
    h.file('.github/bumpguard.yml', PR.baseSha, { status: 404 });
    h.file('Dockerfile', PR.baseSha, { status: 502 });
    const forge = h.forge();
    assert.equal(await forge.readFile(PR.baseSha, '.bumpguard.yml'), 'platforms: [linux/arm64]\n');
    assert.equal(await forge.readFile(PR.baseSha, '.github/bumpguard.yml'), null);
    await assert.rejects(
      forge.readFile(PR.baseSha, 'Dockerfile'),
      (err: unknown) => err instanceof ForgeError && err.code === 'unavailable' && err.retryable && err.op === 'readFile',
    );
  });

  t('downloadTree extracts the archive without its top folder', async () => {
    h.archive(PR.headSha, await tarGz({ [`${h.archiveTop}Dockerfile`]: 'FROM scratch\n', [`${h.archiveTop}patches/x.go`]: 'package x\n' }));
    const dir = await mkdtemp(join(tmpdir(), 'bumpguard-contract-'));
    try {
      await h.forge().downloadTree(PR.headSha, dir, new AbortController().signal);
      assert.equal(await readFile(join(dir, 'Dockerfile'), 'utf8'), 'FROM scratch\n');
      assert.equal(await readFile(join(dir, 'patches/x.go'), 'utf8'), 'package x\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  t('upsertComment creates one comment carrying the marker when none is ours', async () => {
    h.comments(14, [
      { id: 1, author: 'mira', body: `quoting the bot: ${MARKER}` },
      { id: 2, author: h.botLogin, body: 'a help reply without the marker' },
    ]);
    h.createComment(14, `${MARKER}\n## report`, 50);
    const res = await h.forge().upsertComment({ pr: 14, marker: MARKER, body: '## report' });
    assert.deepEqual({ id: res.id, outcome: res.outcome, duplicates: res.duplicates }, { id: 50, outcome: 'created', duplicates: [] });
  });

  t('upsertComment updates the oldest of our marked comments and names the duplicates', async () => {
    h.comments(14, [
      { id: 60, author: h.botLogin, body: `${MARKER}\nold` },
      { id: 61, author: h.botLogin, body: `${MARKER}\nraced` },
    ]);
    h.updateComment(60, `${MARKER}\nnew`);
    const res = await h.forge().upsertComment({ pr: 14, marker: MARKER, body: `${MARKER}\nnew` });
    assert.deepEqual({ id: res.id, outcome: res.outcome, duplicates: res.duplicates }, { id: 60, outcome: 'updated', duplicates: [61] });
  });

  t('upsertComment writes nothing when the body is unchanged', async () => {
    h.comments(14, [{ id: 70, author: h.botLogin, body: `${MARKER}\nsame` }]);
    const res = await h.forge().upsertComment({ pr: 14, marker: MARKER, body: `${MARKER}\nsame` });
    assert.deepEqual({ id: res.id, outcome: res.outcome }, { id: 70, outcome: 'unchanged' });
  });

  t('upsertComment patches a remembered id directly and falls back to listing when it was deleted', async () => {
    h.updateComment(80, `${MARKER}\nv2`);
    const forge = h.forge();
    assert.equal((await forge.upsertComment({ pr: 14, marker: MARKER, body: `${MARKER}\nv2`, knownId: 80 })).outcome, 'updated');
    h.updateComment(81, `${MARKER}\nv3`, 'missing');
    h.comments(14, []);
    h.createComment(14, `${MARKER}\nv3`, 82);
    const res = await forge.upsertComment({ pr: 14, marker: MARKER, body: `${MARKER}\nv3`, knownId: 81 });
    assert.deepEqual({ id: res.id, outcome: res.outcome }, { id: 82, outcome: 'created' });
  });

  t('updateComment rewrites a remembered comment, and creates none when the PR has no comment of ours', async () => {
    h.updateComment(90, `${MARKER}\nnote`);
    const forge = h.forge();
    const res = await forge.updateComment({ pr: 14, marker: MARKER, body: `${MARKER}\nnote`, knownId: 90 });
    assert.deepEqual({ id: res?.id, outcome: res?.outcome }, { id: 90, outcome: 'updated' });
    h.updateComment(91, `${MARKER}\nnote`, 'missing');
    h.comments(14, [{ id: 92, author: 'mira', body: `quoting the bot: ${MARKER}` }]);
    assert.equal(await forge.updateComment({ pr: 14, marker: MARKER, body: `${MARKER}\nnote`, knownId: 91 }), null);
  });

  t('setStatus maps pending and every verdict to the forge gate, and each new state is what the forge shows', async () => {
    const states: GateState[] = ['pending', 'success', 'failure', 'neutral', 'error'];
    const calls = states.map((state) => ({ state, title: `gate ${state}`, detailsUrl: 'https://forge.example/c/1' }));
    const shown = h.statuses(PR.headSha, calls);
    const forge = h.forge();
    for (const c of calls) {
      await forge.setStatus({ sha: PR.headSha, context: STATUS_CONTEXT, summary: `summary ${c.state}`, pr: 14, ...c });
      assert.deepEqual(shown(), h.shownAs[c.state], `after ${c.state}`);
    }
  });

  t('getComment gives the author, text, time and PR of a comment as the forge has it', async () => {
    h.comment({ id: 908, author: 'mira', body: '/accept size reviewed', pr: 14, createdAt: '2025-06-13T07:15:00Z' });
    assert.deepEqual(await h.forge().getComment(908), {
      id: 908,
      author: 'mira',
      body: '/accept size reviewed',
      createdAt: '2025-06-13T07:15:00Z',
      pr: 14,
    });
  });

  t('readFile refuses a file over the cap as too-large, without reading it all', async () => {
    h.file('Dockerfile', PR.headSha, { text: 'x'.repeat(2 * 1024 * 1024) });
    await assert.rejects(
      h.forge().readFile(PR.headSha, 'Dockerfile'),
      (err: unknown) => err instanceof ForgeError && err.code === 'too-large' && /readFile of Dockerfile/.test(err.userMessage),
    );
  });

  t('react and reply post to the comment and the PR', async () => {
    h.reaction(908, 'eyes');
    h.createComment(14, 'Commands: /help', 91);
    const forge = h.forge();
    await forge.react(908, 'eyes');
    assert.deepEqual(await forge.reply(14, 'Commands: /help'), { id: 91 });
  });

  t('permissionOf folds the forge roles into none/read/write/admin; unknown users are none', async () => {
    for (const [i, [wire]] of h.permissionCases.entries()) h.permission(`user${i}`, wire);
    h.permission('ghost', null);
    const forge = h.forge();
    const got = [];
    for (const [i] of h.permissionCases.entries()) got.push(await forge.permissionOf(`user${i}`));
    assert.deepEqual(
      got,
      h.permissionCases.map(([, expected]) => expected),
    );
    assert.equal(await forge.permissionOf('ghost'), 'none');
  });
}

async function tarGz(files: Record<string, string>): Promise<Buffer> {
  const p = pack();
  for (const [name, content] of Object.entries(files)) p.entry({ name, mode: 0o644 }, content);
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of p) chunks.push(Buffer.from(chunk as Uint8Array));
  return gzipSync(Buffer.concat(chunks));
}
