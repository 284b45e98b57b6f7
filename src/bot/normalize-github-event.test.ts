import { test } from 'node:test';
import assert from 'node:assert/strict';
import { githubExample } from '../../test/helpers/github-examples.ts';
import { normalizeGithubEvent } from './normalize-github-event.ts';

test('pull_request.synchronize from the official example becomes pr-updated', () => {
  const payload = githubExample('pull_request', 'synchronize');
  assert.deepEqual(normalizeGithubEvent('pull_request', payload, 'g-1'), {
    forge: 'github',
    installationId: 1,
    repo: 'Codertocat/Hello-World',
    deliveryId: 'g-1',
    event: {
      type: 'pr-updated',
      action: 'synchronize',
      pr: 2,
      headSha: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821',
      sender: { login: 'Codertocat', isBot: false },
    },
  });
});

test('a PR comment with a command becomes a command event; comments by bots are ignored', () => {
  const payload = githubExample('issue_comment', 'created');
  payload.issue.pull_request = { url: 'https://api.github.com/repos/Codertocat/Hello-World/pulls/1' };
  payload.comment.body = '/rebuild arm64';
  const job = normalizeGithubEvent('issue_comment', payload, 'g-2');
  assert.deepEqual('event' in job && job.event, {
    type: 'command',
    pr: 1,
    commentId: 492700400,
    command: { name: 'rebuild', platforms: ['arm64'] },
    sender: { login: 'Codertocat', isBot: false },
  });
  payload.sender = { ...payload.sender, login: 'renovate[bot]', type: 'Bot' };
  assert.deepEqual(normalizeGithubEvent('issue_comment', payload, 'g-3'), { ignored: 'comment by the bot renovate[bot]' });
});

test('a comment on a plain issue is ignored', () => {
  const payload = githubExample('issue_comment', 'created');
  payload.comment.body = '/rebuild';
  assert.deepEqual(normalizeGithubEvent('issue_comment', payload, 'g'), { ignored: 'comment on an issue, not a pull request' });
});

test("our check run's Re-run and Rebuild button become reruns; other apps' check runs are ignored", () => {
  const rerun = githubExample('check_run', 'rerequested');
  rerun.check_run.name = 'bumpguard';
  rerun.check_run.external_id = '14';
  const job = normalizeGithubEvent('check_run', rerun, 'g');
  assert.deepEqual('event' in job && job.event, {
    type: 'rerun',
    pr: 14,
    headSha: 'd6fde92930d4715a2b49857d24b940956b26d2d3',
    sender: { login: 'octocat', isBot: false },
    source: 'rerequested',
  });
  const button = githubExample('check_run', 'requested_action');
  button.check_run.name = 'bumpguard';
  button.requested_action = { identifier: 'rebuild' };
  const job2 = normalizeGithubEvent('check_run', button, 'g');
  assert.deepEqual('event' in job2 && job2.event && { pr: job2.event.pr, source: 'source' in job2.event ? job2.event.source : null }, {
    pr: 26764,
    source: 'rebuild-button',
  });
  assert.deepEqual(normalizeGithubEvent('check_run', githubExample('check_run', 'requested_action'), 'g'), {
    ignored: 'check run API Review',
  });
});

test('check_suite.rerequested with a PR becomes a rerun; the automatic "requested" is ignored', () => {
  const suite = githubExample('check_suite', 'rerequested');
  const job = normalizeGithubEvent('check_suite', suite, 'g');
  assert.deepEqual('event' in job && job.event, {
    type: 'rerun',
    pr: 2,
    headSha: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821',
    sender: { login: suite.sender.login, isBot: suite.sender.type === 'Bot' },
    source: 'rerequested',
  });
  assert.deepEqual(normalizeGithubEvent('check_suite', githubExample('check_suite', 'requested'), 'g'), {
    ignored: 'check_suite.requested',
  });
});

test('a delivery without an installation is ignored (not an App delivery)', () => {
  const payload = githubExample('pull_request', 'synchronize');
  delete payload.installation;
  assert.deepEqual(normalizeGithubEvent('pull_request', payload, 'g'), { ignored: 'pull_request delivery without an installation' });
});
