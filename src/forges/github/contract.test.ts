// The shared Forge contract over nock, in GitHub's wire format (REST v3, check runs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import nock from 'nock';
import { ForgeError, type GateState } from '../../core/index.ts';
import { ProbotOctokit } from 'probot';
import { forgeContract, type CommentFixture, type PrFixture } from '../../../test/forge-contract.ts';
import { GithubCheckRuns } from '../../../test/helpers/github-check-runs.ts';
import { githubExample } from '../../../test/helpers/github-examples.ts';
import { useHttpMock } from '../../../test/helpers/http-mock.ts';
import { GitHubForge } from './github-forge.ts';

useHttpMock();

const REPO = '/repos/routers/tailscale-mikrotik';
const BOT = 'bumpguard[bot]';
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const octokit = () =>
  new ProbotOctokit({ auth: { token: 'ghs_contract' }, retry: { enabled: false }, throttle: { enabled: false }, log: quiet });
const api = () => nock('https://api.github.com', { reqheaders: { authorization: 'token ghs_contract' } });
const examplePr = githubExample('pull_request', 'opened').pull_request;

const wireComment = (c: CommentFixture) => ({
  id: c.id,
  node_id: 'IC_kwDOA',
  html_url: `https://github.com/routers/tailscale-mikrotik/pull/14#issuecomment-${c.id}`,
  body: c.body,
  user: { login: c.author, id: 1, type: c.author.endsWith('[bot]') ? 'Bot' : 'User' },
  created_at: '2025-06-13T07:15:00Z',
  updated_at: '2025-06-13T07:15:00Z',
});

/** What GitHub must receive for each of our states (restated, not imported from github-forge.ts). */
const EXPECTED_CHECK: Record<GateState, object> = {
  pending: { status: 'in_progress' },
  success: { status: 'completed', conclusion: 'success' },
  failure: { status: 'completed', conclusion: 'failure' },
  neutral: { status: 'completed', conclusion: 'neutral' },
  error: { status: 'completed', conclusion: 'failure' },
};
const REBUILD = [{ label: 'Rebuild', description: 'Build base and head again', identifier: 'rebuild' }];

forgeContract('github', {
  botLogin: BOT,
  archiveTop: 'routers-tailscale-mikrotik-8d2e4f6/',
  forge: () => new GitHubForge({ octokit: octokit(), repo: 'routers/tailscale-mikrotik', botLogin: BOT }),
  pullRequest(pr: PrFixture) {
    const repoOf = (name: string) => ({ ...examplePr.base.repo, full_name: name });
    api()
      .get(`${REPO}/pulls/${pr.number}`)
      .reply(200, {
        ...examplePr,
        number: pr.number,
        user: { ...examplePr.user, login: pr.author },
        head: {
          ...examplePr.head,
          ref: pr.headRef,
          sha: pr.headSha,
          repo: repoOf(pr.fork ? 'stranger/tailscale-mikrotik' : 'routers/tailscale-mikrotik'),
        },
        base: { ...examplePr.base, ref: pr.baseRef, sha: pr.baseSha, repo: repoOf('routers/tailscale-mikrotik') },
      });
  },
  diff(pr, text) {
    api()
      .get(`${REPO}/pulls/${pr}`)
      .matchHeader('accept', 'application/vnd.github.v3.diff')
      .reply(200, text, { 'content-type': 'text/plain; charset=utf-8' });
  },
  file(path, sha, answer) {
    const scope = api()
      .get(`${REPO}/contents/${encodeURIComponent(path)}`)
      .query({ ref: sha })
      .matchHeader('accept', 'application/vnd.github.v3.raw');
    if ('text' in answer) scope.reply(200, answer.text, { 'content-type': 'text/plain; charset=utf-8' });
    else scope.reply(answer.status, { message: answer.status === 404 ? 'Not Found' : 'Server Error' });
  },
  archive(sha, tarGz) {
    // GitHub answers with a redirect to codeload; fetch follows it (without our token).
    api()
      .get(`${REPO}/tarball/${sha}`)
      .reply(302, '', { location: `https://codeload.github.com/routers/tailscale-mikrotik/legacy.tar.gz/${sha}?token=short-lived` });
    nock('https://codeload.github.com')
      .get(`/routers/tailscale-mikrotik/legacy.tar.gz/${sha}`)
      .query({ token: 'short-lived' })
      .reply(200, tarGz, { 'content-type': 'application/x-gzip' });
  },
  comments(pr, list) {
    api().get(`${REPO}/issues/${pr}/comments`).query({ per_page: '100' }).reply(200, list.map(wireComment));
  },
  createComment(pr, body, id) {
    api()
      .post(`${REPO}/issues/${pr}/comments`, { body })
      .reply(201, wireComment({ id, author: BOT, body }));
  },
  updateComment(id, body, answer = 'ok') {
    const scope = api().patch(`${REPO}/issues/comments/${id}`, { body });
    if (answer === 'ok') scope.reply(200, wireComment({ id, author: BOT, body }));
    else scope.reply(404, { message: 'Not Found' });
  },
  statuses(sha, calls) {
    const runs = new GithubCheckRuns(api, REPO);
    runs.list(sha);
    calls.forEach((c, i) => {
      const body = {
        ...EXPECTED_CHECK[c.state],
        details_url: c.detailsUrl,
        external_id: '14',
        output: { title: c.title, summary: `summary ${c.state}` },
        actions: REBUILD,
      };
      // The pending run is created, then finished by the first verdict; once it is completed,
      // every further verdict is a new check run on the same head (a PATCH would not change it).
      if (i === 1) runs.update(1, (b) => isDeepStrictEqual(b, body));
      else runs.create(1, (b) => isDeepStrictEqual(b, { name: 'bumpguard', head_sha: sha, ...body }));
    });
    return () => runs.gate(sha);
  },
  shownAs: {
    pending: { status: 'in_progress', conclusion: null, title: 'gate pending' },
    success: { status: 'completed', conclusion: 'success', title: 'gate success' },
    failure: { status: 'completed', conclusion: 'failure', title: 'gate failure' },
    neutral: { status: 'completed', conclusion: 'neutral', title: 'gate neutral' },
    error: { status: 'completed', conclusion: 'failure', title: 'gate error' },
  },
  comment(c) {
    api()
      .get(`${REPO}/issues/comments/${c.id}`)
      .reply(200, { ...wireComment(c), created_at: c.createdAt, issue_url: `https://api.github.com${REPO}/issues/${c.pr}` });
  },
  reaction(commentId, reaction) {
    api().post(`${REPO}/issues/comments/${commentId}/reactions`, { content: reaction }).reply(201, { id: 1, content: reaction });
  },
  permission(login, wire) {
    const scope = api().get(`${REPO}/collaborators/${login}/permission`);
    if (wire === null) scope.reply(404, { message: 'Not Found' });
    else scope.reply(200, JSON.parse(wire));
  },
  permissionCases: [
    ['{"permission":"admin","role_name":"admin"}', 'admin'],
    ['{"permission":"write","role_name":"maintain"}', 'write'],
    ['{"permission":"write","role_name":"write"}', 'write'],
    ['{"permission":"read","role_name":"triage"}', 'read'],
    ['{"permission":"read","role_name":"read"}', 'read'],
    ['{"permission":"none","role_name":"none"}', 'none'],
    ['{"permission":"write","role_name":"release-manager"}', 'write'],
  ],
});

test("github: a check run an earlier job left in progress on the same SHA is finished, not duplicated; another app's run is left alone", async () => {
  const runs = new GithubCheckRuns(api, REPO, 7);
  const ours = runs.seed({ head_sha: 'abc', status: 'in_progress', conclusion: null });
  runs.seed({ head_sha: 'abc', status: 'in_progress', conclusion: null, app: 'someone-else' });
  runs.list('abc').update(1, (b) => b.status === 'completed' && b.conclusion === 'success');
  const forge = new GitHubForge({ octokit: octokit(), repo: 'routers/tailscale-mikrotik', botLogin: BOT });
  await forge.setStatus({ sha: 'abc', context: 'bumpguard', state: 'success', title: 'ok', summary: 'ok' });
  assert.deepEqual([ours.status, ours.conclusion, runs.runs.length], ['completed', 'success', 2]);
});

test('github: a finished check run is final: /accept, Re-run and /rebuild at the same head each write a new run, and the gate follows the latest', async () => {
  const runs = new GithubCheckRuns(api, REPO);
  runs.seed({ head_sha: 'abc', status: 'completed', conclusion: 'failure', title: 'failed: 1 blocker' });
  // After a restart the adapter knows nothing: it lists, sees a completed run, and creates a new one.
  runs
    .list('abc')
    .create(1, (b) => b.status === 'in_progress')
    .update(1, (b) => b.conclusion === 'success');
  const forge = new GitHubForge({ octokit: octokit(), repo: 'routers/tailscale-mikrotik', botLogin: BOT });
  const set = (state: GateState, title: string) => forge.setStatus({ sha: 'abc', context: 'bumpguard', state, title, summary: title });
  await set('pending', 'Checking…');
  await set('success', 'passed: 1 accepted');
  assert.deepEqual(runs.gate('abc'), { status: 'completed', conclusion: 'success', title: 'passed: 1 accepted' });
  // The adapter remembers the run it finished, so the next conclusion needs no listing and no PATCH.
  runs.create(1, (b) => b.status === 'completed' && b.conclusion === 'failure');
  await set('failure', 'failed: 1 blocker');
  assert.deepEqual(runs.gate('abc'), { status: 'completed', conclusion: 'failure', title: 'failed: 1 blocker' });
  assert.equal(runs.runs.length, 3);
});

test('github: a remembered run that turns out to be completed (GitHub kept its state) is replaced by a new run', async () => {
  const runs = new GithubCheckRuns(api, REPO);
  const old = runs.seed({ head_sha: 'abc', status: 'completed', conclusion: 'failure' });
  runs.update(1).create(1, (b) => b.conclusion === 'success');
  const memo = new Map([['abc', { id: old.id, completed: false }]]);
  const forge = new GitHubForge({ octokit: octokit(), repo: 'routers/tailscale-mikrotik', botLogin: BOT, checkRuns: memo });
  await forge.setStatus({ sha: 'abc', context: 'bumpguard', state: 'success', title: 'passed', summary: 'passed' });
  assert.deepEqual(runs.gate('abc'), { status: 'completed', conclusion: 'success', title: 'passed' });
  assert.equal(old.conclusion, 'failure', 'GitHub never changed the finished run');
});

test('github: a rate-limited answer is a retryable rate-limited error', async () => {
  api().get(`${REPO}/pulls/14`).reply(403, { message: 'API rate limit exceeded' }, { 'x-ratelimit-remaining': '0' });
  const forge = new GitHubForge({ octokit: octokit(), repo: 'routers/tailscale-mikrotik', botLogin: BOT });
  await assert.rejects(
    forge.getPullRequest(14),
    (err: unknown) => err instanceof ForgeError && err.code === 'rate-limited' && err.retryable,
  );
});
