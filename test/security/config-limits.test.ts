// Hostile input in `.bumpguard.yml`: paths that leave the repository (`dockerfile:
// ../../../user` made the bot read other API endpoints with its token; `context: ../../` built
// outside the checkout), a YAML alias bomb (an "unexpected internal error"), and numbers no run
// should take. Each is a config error naming the field, the gate `error`, nothing else read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deliver, startBot, type RunningBot } from '../helpers/e2e-bot.ts';
import { fakeRunCheck } from '../helpers/fake-run-check.ts';
import {
  API,
  BASE,
  bumpDiff,
  expectErrorReport,
  GITEA,
  giteaApi as api,
  giteaHeaders,
  HEAD1,
  prJson,
  rawFixture,
  SECRET,
  TOKEN,
} from '../helpers/gitea-e2e.ts';
import { useHttpMock } from '../helpers/http-mock.ts';

useHttpMock();

/** A bump PR whose base carries `config`: returns the sticky comment's text. */
async function judgeWithConfig(config: string): Promise<{ r: RunningBot; comment: string }> {
  const check = fakeRunCheck();
  const r = await startBot({ gitea: { url: GITEA, token: TOKEN, webhookSecret: SECRET, botLogin: 'bumpguard' }, runCheck: check });
  api(r).get(`${API}/pulls/14`).reply(200, prJson(HEAD1));
  api(r).get(`${API}/pulls/14.diff`).reply(200, bumpDiff);
  api(r).get(`${API}/raw/.bumpguard.yml`).query({ ref: BASE }).reply(200, config);
  const comment = expectErrorReport(r);
  const body = rawFixture('pull_request.opened');
  assert.equal((await deliver(`${r.url}/api/gitea/webhooks`, body, giteaHeaders('pull_request', 'pull_request', body))).status, 202);
  await r.bot.queue.onIdle();
  assert.equal(r.outcomes[0]?.outcome.verdict, 'error');
  assert.equal(check.requests.length, 0, 'nothing was checked with that config');
  return { r, comment: comment() };
}

test('config paths must stay inside the repository: absolute paths and ".." are refused before any read', async () => {
  const { comment } = await judgeWithConfig('dockerfile: ../../../user\ncontext: ../../\nrecipe:\n  files: [/etc/passwd]\n');
  assert.match(comment, /dockerfile: must be a path inside the repository/);
  assert.match(comment, /context: must be a path inside the repository/);
  assert.match(comment, /recipe\.files\.0: must be a path inside the repository/);
});

test('a YAML alias bomb is a config error, not an internal error', async () => {
  const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++)
    levels.push(
      `${'abcdefghi'[i]}: &${'abcdefghi'[i]} [${Array(9)
        .fill(`*${'abcdefghi'[i - 1]}`)
        .join(',')}]`,
    );
  const { comment } = await judgeWithConfig(`${levels.join('\n')}\n`);
  assert.match(comment, /uses more YAML aliases than a config needs/);
  assert.doesNotMatch(comment, /unexpected internal error/);
});

test('numbers a run cannot take (ram.runs, timeouts, a zero block size) are refused with their bounds', async () => {
  const { comment } = await judgeWithConfig(
    'ram: { runs: 1000000 }\nbuild: { timeoutSeconds: 1e12 }\nmeasure: { blockSize: 0 }\ncanaries: [{ name: c, run: "true", timeoutSeconds: 1e9 }]\n',
  );
  assert.match(comment, /ram\.runs: Too big: expected number to be &lt;=20/);
  assert.match(comment, /build\.timeoutSeconds: Too big/);
  assert.match(comment, /measure\.blockSize: Too small: expected number to be &gt;=1/);
  assert.match(comment, /canaries\.0\.timeoutSeconds: Too big/);
});
