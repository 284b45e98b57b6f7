import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { normalizeGiteaEvent } from './normalize-gitea-event.ts';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../test/fixtures/gitea/${name}.json`, import.meta.url), 'utf8'));

test('a Gitea "synchronized" push becomes our pr-updated synchronize', () => {
  assert.deepEqual(normalizeGiteaEvent('pull_request', fixture('pull_request.synchronized'), 'd-1', 'bumpguard'), {
    forge: 'gitea',
    installationId: null,
    repo: 'routers/tailscale-mikrotik',
    deliveryId: 'd-1',
    event: {
      type: 'pr-updated',
      action: 'synchronize',
      pr: 14,
      headSha: 'c4a6e8f0b2d4f6a8c0e2a4b6d8f0a2c4e6b8d0f2',
      sender: { login: 'renovate', isBot: false },
    },
  });
});

test('a PR comment with a command becomes a command event', () => {
  const job = normalizeGiteaEvent('issue_comment', fixture('issue_comment.created'), 'd-2', 'bumpguard');
  assert.deepEqual('event' in job && job.event, {
    type: 'command',
    pr: 14,
    commentId: 908,
    command: { name: 'accept', kind: 'size', reason: 'portmapper growth reviewed' },
    sender: { login: 'mira', isBot: false },
  });
});

test('comments by the bot itself, on plain issues, or without a command are ignored', () => {
  const own = fixture('issue_comment.created');
  own.sender.login = 'BumpGuard';
  assert.deepEqual(normalizeGiteaEvent('issue_comment', own, 'd', 'bumpguard'), { ignored: 'comment by the bot itself' });
  const onIssue = fixture('issue_comment.created');
  onIssue.is_pull = false;
  onIssue.issue.pull_request = null;
  assert.deepEqual(normalizeGiteaEvent('issue_comment', onIssue, 'd', 'bumpguard'), { ignored: 'comment on an issue, not a pull request' });
  const chatter = fixture('issue_comment.created');
  chatter.comment.body = 'LGTM, merging after the check';
  assert.deepEqual(normalizeGiteaEvent('issue_comment', chatter, 'd', 'bumpguard'), { ignored: 'comment without a command' });
});

test('closed PRs, other events and unreadable payloads are ignored, not thrown', () => {
  const closed = fixture('pull_request.opened');
  closed.action = 'closed';
  assert.deepEqual(normalizeGiteaEvent('pull_request', closed, 'd', 'bumpguard'), { ignored: 'pull_request.closed' });
  const odd = fixture('pull_request.opened');
  odd.action = 'constructor';
  assert.deepEqual(normalizeGiteaEvent('pull_request', odd, 'd', 'bumpguard'), { ignored: 'pull_request.constructor' });
  assert.deepEqual(normalizeGiteaEvent('push', fixture('pull_request.opened'), 'd', 'bumpguard'), { ignored: 'event push' });
  const broken = fixture('pull_request.opened');
  delete broken.pull_request.head;
  assert.deepEqual(normalizeGiteaEvent('pull_request', broken, 'd', 'bumpguard'), {
    ignored: 'malformed pull_request payload',
    malformed: true,
  });
});
