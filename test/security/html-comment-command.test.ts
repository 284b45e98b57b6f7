// Hostile input: a command hidden in an HTML comment (invisible on the PR page) was run. A
// maintainer quoting or editing a comment would never see "/accept all" there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deliver, startBot } from '../helpers/e2e-bot.ts';
import { fakeRunCheck } from '../helpers/fake-run-check.ts';
import { GITEA, giteaHeaders, rawFixture, SECRET, TOKEN } from '../helpers/gitea-e2e.ts';
import { useHttpMock } from '../helpers/http-mock.ts';

useHttpMock();

test('commands inside an HTML comment are ignored: no job, no API call', async () => {
  const r = await startBot({ gitea: { url: GITEA, token: TOKEN, webhookSecret: SECRET, botLogin: 'bumpguard' }, runCheck: fakeRunCheck() });
  for (const hidden of ['LGTM\n<!--\n/accept all shipping it\n-->', 'Thanks! <!-- start\n/rebuild\n--> done']) {
    const payload = JSON.parse(rawFixture('issue_comment.created').toString());
    payload.comment.body = hidden;
    const body = JSON.stringify(payload);
    assert.equal(
      (await deliver(`${r.url}/api/gitea/webhooks`, body, giteaHeaders('issue_comment', 'pull_request_comment', body))).status,
      204,
    );
  }
  await r.bot.queue.onIdle();
  assert.deepEqual(r.bot.queue.store.countByState(), { queued: 0, running: 0, done: 0, ignored: 0, failed: 0, superseded: 0 });
  assert.deepEqual(r.calls, []);
});
