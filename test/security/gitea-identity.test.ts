// Hostile input: Gitea payloads were trusted for identity. Whoever holds the webhook secret (an
// organisation admin, with an organisation-wide hook) could send "/accept all" as a maintainer.
// Commands now act on the comment as Gitea's API has it: its author, its text, its PR.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deliver, startBot } from '../helpers/e2e-bot.ts';
import { fakeRunCheck } from '../helpers/fake-run-check.ts';
import { API, GITEA, giteaApi as api, giteaHeaders, mockComment, rawFixture, SECRET, TOKEN } from '../helpers/gitea-e2e.ts';
import { useHttpMock } from '../helpers/http-mock.ts';

useHttpMock();

test('a signed delivery claiming a maintainer wrote "/accept all" is judged by the comment the API returns', async () => {
  const check = fakeRunCheck();
  const r = await startBot({ gitea: { url: GITEA, token: TOKEN, webhookSecret: SECRET, botLogin: 'bumpguard' }, runCheck: check });
  const forged = JSON.parse(rawFixture('issue_comment.created').toString());
  forged.sender.login = forged.comment.user.login = 'mira';
  forged.comment.body = '/accept all nothing to see here';
  const body = JSON.stringify(forged);
  // The comment really is the hook admin's, and says something else.
  mockComment(r, 908, 'orgadmin', 'Thanks, looks fine to me.');
  assert.equal(
    (await deliver(`${r.url}/api/gitea/webhooks`, body, giteaHeaders('issue_comment', 'pull_request_comment', body))).status,
    202,
  );
  await r.bot.queue.onIdle();
  assert.deepEqual(r.calls, [`GET ${API}/issues/comments/908`], 'nothing but the comment is read; nothing is written');
  assert.equal(r.outcomes[0]?.outcome.status, 'ignored');
  assert.equal(check.requests.length, 0);

  // Same comment text, but the API says a read-only user wrote it: refused as that user.
  r.calls.length = 0;
  r.outcomes.length = 0;
  mockComment(r, 908, 'orgadmin', '/accept all nothing to see here');
  api(r).post(`${API}/issues/comments/908/reactions`, { content: 'eyes' }).reply(201, {});
  api(r).get(`${API}/collaborators/orgadmin/permission`).reply(200, { permission: 'read' });
  api(r)
    .post(`${API}/issues/14/comments`, (b) => /@orgadmin, thanks — `\/accept` needs write access/.test(b.body))
    .reply(201, { id: 950, html_url: 'h', body: 'b', user: { login: 'bumpguard' } });
  api(r).post(`${API}/issues/comments/908/reactions`, { content: 'confused' }).reply(201, {});
  const again = giteaHeaders('issue_comment', 'pull_request_comment', body);
  assert.equal((await deliver(`${r.url}/api/gitea/webhooks`, body, again)).status, 202);
  await r.bot.queue.onIdle();
  assert.equal(r.outcomes[0]?.outcome.status, 'refused');
  assert.equal(check.requests.length, 0);
});
