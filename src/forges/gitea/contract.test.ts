// The shared Forge contract over nock, in Gitea's wire format (API v1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { ForgeError, type GateState } from '../../core/index.ts';
import { forgeContract, type CommentFixture, type PrFixture } from '../../../test/forge-contract.ts';
import { useHttpMock } from '../../../test/helpers/http-mock.ts';
import { GiteaForge } from './gitea-forge.ts';

useHttpMock();

const URL = 'https://git.example.org';
const API = '/api/v1/repos/routers/tailscale-mikrotik';
const TOKEN = 'gitea-test-token';
const BOT = 'bumpguard';
const webhookPr = JSON.parse(
  readFileSync(new globalThis.URL('../../../test/fixtures/gitea/pull_request.opened.json', import.meta.url), 'utf8'),
).pull_request;

const api = () => nock(URL, { reqheaders: { authorization: `token ${TOKEN}` } });
// No retries here: a 5xx must surface as the retryable error itself (retries: src/forges/http.test.ts).
const forge = () => new GiteaForge({ url: URL, token: TOKEN, repo: 'routers/tailscale-mikrotik', botLogin: BOT, retry: { retries: 0 } });

const wireComment = (c: CommentFixture) => ({
  id: c.id,
  html_url: `${URL}/routers/tailscale-mikrotik/pulls/14#issuecomment-${c.id}`,
  pull_request_url: `${URL}/routers/tailscale-mikrotik/pulls/14`,
  issue_url: '',
  user: { id: 1, login: c.author, username: c.author },
  body: c.body,
  created_at: '2025-06-13T07:15:00Z',
  updated_at: '2025-06-13T07:15:00Z',
});

/** What Gitea must receive for each of our states (restated, not imported from gitea-forge.ts). */
const EXPECTED_STATE: Record<GateState, string> = {
  pending: 'pending',
  success: 'success',
  failure: 'failure',
  neutral: 'warning',
  error: 'error',
};

forgeContract('gitea', {
  botLogin: BOT,
  archiveTop: 'tailscale-mikrotik/',
  forge,
  pullRequest(pr: PrFixture) {
    api()
      .get(`${API}/pulls/${pr.number}`)
      .reply(200, {
        ...webhookPr,
        number: pr.number,
        user: { ...webhookPr.user, login: pr.author },
        head: { ...webhookPr.head, ref: pr.headRef, sha: pr.headSha, repo_id: pr.fork ? 99 : 12 },
        base: { ...webhookPr.base, ref: pr.baseRef, sha: pr.baseSha, repo_id: 12 },
      });
  },
  diff(pr, text) {
    api().get(`${API}/pulls/${pr}.diff`).reply(200, text, { 'content-type': 'text/plain;charset=utf-8' });
  },
  file(path, sha, answer) {
    const scope = api().get(`${API}/raw/${path}`).query({ ref: sha });
    if ('text' in answer) scope.reply(200, answer.text, { 'content-type': 'text/plain; charset=utf-8' });
    else scope.reply(answer.status, { message: 'GetBlobByPath', url: `${URL}/api/swagger` });
  },
  archive(sha, tarGz) {
    api().get(`${API}/archive/${sha}.tar.gz`).reply(200, tarGz, { 'content-type': 'application/octet-stream' });
  },
  comments(pr, list) {
    api()
      .get(`${API}/issues/${pr}/comments`)
      .query({ page: '1', limit: '50' })
      .reply(200, list.map(wireComment), { 'x-total-count': String(list.length) });
  },
  createComment(pr, body, id) {
    api()
      .post(`${API}/issues/${pr}/comments`, { body })
      .reply(201, wireComment({ id, author: BOT, body }));
  },
  updateComment(id, body, answer = 'ok') {
    const scope = api().patch(`${API}/issues/comments/${id}`, { body });
    if (answer === 'ok') scope.reply(200, wireComment({ id, author: BOT, body }));
    else scope.reply(404, { errors: null, message: 'comment does not exist [id: 81]', url: `${URL}/api/swagger` });
  },
  statuses(sha, calls) {
    // Gitea keeps every status; the commit shows the newest per context.
    let latest: string | undefined;
    for (const c of calls) {
      api()
        .post(`${API}/statuses/${sha}`, {
          state: EXPECTED_STATE[c.state],
          context: 'bumpguard',
          description: c.title,
          target_url: c.detailsUrl,
        })
        .reply(201, () => {
          latest = EXPECTED_STATE[c.state];
          return { id: 1, status: latest, context: 'bumpguard' };
        });
    }
    return () => latest;
  },
  comment(c) {
    api()
      .get(`${API}/issues/comments/${c.id}`)
      .reply(200, {
        ...wireComment(c),
        created_at: c.createdAt,
        issue_url: '',
        pull_request_url: `${URL}/routers/tailscale-mikrotik/pulls/${c.pr}`,
      });
  },
  shownAs: EXPECTED_STATE,
  reaction(commentId, reaction) {
    api()
      .post(`${API}/issues/comments/${commentId}/reactions`, { content: reaction })
      .reply(201, { user: { login: BOT }, content: reaction });
  },
  permission(login, wire) {
    const scope = api().get(`${API}/collaborators/${login}/permission`);
    if (wire === null) scope.reply(404, { message: 'user does not exist' });
    else scope.reply(200, { permission: wire, role_name: wire, user: { login } });
  },
  permissionCases: [
    ['owner', 'admin'],
    ['admin', 'admin'],
    ['write', 'write'],
    ['read', 'read'],
    ['none', 'none'],
  ],
});

test('gitea: listing comments stops after one page when Gitea ignores page/limit', async () => {
  const many = Array.from({ length: 60 }, (_, i) => wireComment({ id: 1000 + i, author: 'mira', body: `comment ${i}` }));
  api().get(`${API}/issues/14/comments`).query({ page: '1', limit: '50' }).reply(200, many, { 'x-total-count': '60' });
  api()
    .post(`${API}/issues/14/comments`, { body: '<!-- m -->\nhi' })
    .reply(201, wireComment({ id: 2000, author: BOT, body: '<!-- m -->\nhi' }));
  const res = await forge().upsertComment({ pr: 14, marker: '<!-- m -->', body: 'hi' });
  assert.equal(res.outcome, 'created');
});

test('gitea: status description is one line under 140 characters', async () => {
  const title = `bumpguard: ${'x'.repeat(200)}\nsecond line`;
  api()
    .post(
      `${API}/statuses/abc`,
      (body: { description: string }) =>
        body.description.length < 140 && !body.description.includes('\n') && body.description.endsWith('…'),
    )
    .reply(201, {});
  await forge().setStatus({ sha: 'abc', context: 'bumpguard', state: 'failure', title, summary: '' });
});

test('gitea: a bot without admin rights gets a forbidden error naming the fix, not "none"', async () => {
  api().get(`${API}/collaborators/mira/permission`).reply(403, {
    message: 'Only admins can query all permissions, repo admins can query all repo permissions, collaborators can query only their own',
  });
  await assert.rejects(
    forge().permissionOf('mira'),
    (err: unknown) => err instanceof ForgeError && err.code === 'forbidden' && /permission/.test(err.userMessage),
  );
});
