// Hostile input: any commenter could freeze the bot. A comment of "/rebuild", 6,000 spaces and a
// CR made the command regex backtrack for a minute inside the webhook handler — before any
// permission check, with /healthz blocked too. Now the scan is linear and bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deliver, startBot } from '../helpers/e2e-bot.ts';
import { fakeRunCheck } from '../helpers/fake-run-check.ts';
import { API, GITEA, giteaApi as api, giteaHeaders, mockComment, rawFixture, SECRET, TOKEN } from '../helpers/gitea-e2e.ts';
import { useHttpMock } from '../helpers/http-mock.ts';

useHttpMock();

test(
  'a stranger\'s comment of "/rebuild", 6,000 spaces and a CR is answered at once and /healthz stays up',
  { timeout: 120_000 },
  async () => {
    const r = await startBot({
      gitea: { url: GITEA, token: TOKEN, webhookSecret: SECRET, botLogin: 'bumpguard' },
      runCheck: fakeRunCheck(),
    });
    const hostile = `/rebuild${' '.repeat(6000)}\r`;
    const payload = JSON.parse(rawFixture('issue_comment.created').toString());
    payload.comment.body = hostile;
    payload.sender.login = payload.comment.user.login = 'visitor';
    const body = JSON.stringify(payload);
    // The job that follows: the forge's copy of the comment, then a polite refusal.
    mockComment(r, 908, 'visitor', hostile);
    api(r).post(`${API}/issues/comments/908/reactions`, { content: 'eyes' }).reply(201, {});
    api(r).get(`${API}/collaborators/visitor/permission`).reply(200, { permission: 'read' });
    api(r)
      .post(`${API}/issues/14/comments`, (b) => /needs write access/.test(b.body))
      .reply(201, { id: 950, html_url: 'h', body: 'b', user: { login: 'bumpguard' } });
    api(r).post(`${API}/issues/comments/908/reactions`, { content: 'confused' }).reply(201, {});

    const started = performance.now();
    const answered = deliver(`${r.url}/api/gitea/webhooks`, body, giteaHeaders('issue_comment', 'pull_request_comment', body));
    const health = await fetch(`${r.url}/healthz`, { signal: AbortSignal.timeout(2000) }).then(
      (res) => res.status,
      (err: Error) => err.name,
    );
    assert.equal(health, 200, '/healthz answers while the comment is handled');
    assert.equal((await answered).status, 202);
    await r.bot.queue.onIdle();
    assert.ok(performance.now() - started < 5000, `the delivery and its job took ${Math.round(performance.now() - started)} ms`);
    assert.equal(r.outcomes[0]?.outcome.status, 'refused');
  },
);
