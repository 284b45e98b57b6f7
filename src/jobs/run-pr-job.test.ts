import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { FakeForge, type FakeCall, type FakeForgeInit } from '../../test/helpers/fake-forge.ts';
import { fakeRunCheck as fakeCheck } from '../../test/helpers/fake-run-check.ts';
import type { BotEvent, BotJob, SlashCommand } from '../bot/index.ts';
import { BuildError, ForgeError, type CheckProgress, type Finding, type PrComment, type PullRequest } from '../core/index.ts';
import { HeadTracker } from './queue-state.ts';
import { InMemoryJobState } from '../store/index.ts';
import { runPrJob, type PrJobDeps } from './run-pr-job.ts';
import type { RunCheck } from './types.ts';

const BASE = '3f1c9a7d2b8e4f6a0c5d7e9f1a3b5c7d9e0f2a4b';
const HEAD = '8d2e4f6a1b3c5d7e9f0a2b4c6d8e0f1a3b5c7d9e';
const NEWER = 'c4a6e8f0b2d4f6a8c0e2a4b6d8f0a2c4e6b8d0f2';
const BUMP_DIFF = readFileSync(new URL('../../test/fixtures/pr/tailscale-patch.diff', import.meta.url), 'utf8');
const README_DIFF = readFileSync(new URL('../../test/fixtures/pr/readme-only.diff', import.meta.url), 'utf8');
const KiB = 1024;

const pr = (over: Partial<PullRequest> = {}): PullRequest => ({
  number: 14,
  url: 'https://git.example.org/routers/tailscale-mikrotik/pulls/14',
  title: 'chore(deps): update dependency tailscale to v1.98.8',
  author: 'renovate',
  state: 'open',
  isFork: false,
  head: { ref: 'renovate/tailscale-1.x', sha: HEAD },
  base: { ref: 'main', sha: BASE },
  ...over,
});

function setup(init: Partial<FakeForgeInit> = {}, check = fakeCheck()) {
  const forge = new FakeForge({ pr: pr(), diff: BUMP_DIFF, permissions: { mira: 'admin', visitor: 'read', renovate: 'write' }, ...init });
  const heads = new HeadTracker();
  // The push of HEAD arrived before any comment of these tests was written.
  heads.note(HeadTracker.key('gitea', forge.repo, 14), forge.pr.head.sha, '2025-06-13T07:00:00Z');
  const state = new InMemoryJobState();
  const controller = new AbortController();
  const deps: PrJobDeps = {
    forge,
    runCheck: check,
    ports: { upstream: { describe: 'unused', readFile: async () => null }, store: null, now: () => new Date('2025-06-13T08:00:00Z') },
    state,
    heads,
    log: pino({ level: 'silent' }),
    signal: controller.signal,
  };
  /** `login` comments `cmd` on the PR (the forge has it) and the delivery says so. */
  const say = (cmd: SlashCommand, login = 'mira', over: Partial<PrComment> = {}): BotJob => {
    forge.said(908, login, commandText(cmd), over);
    return job(command(cmd, login));
  };
  return { forge, heads, state, deps, check, controller, say };
}

function commandText(cmd: SlashCommand): string {
  switch (cmd.name) {
    case 'rebuild':
      return `/rebuild ${cmd.platforms.join(' ')}`.trim();
    case 'accept':
      return `/accept ${cmd.kind} ${cmd.reason}`;
    case 'unknown':
      return cmd.text;
    default:
      return `/${cmd.name}`;
  }
}

const job = (event: BotEvent): BotJob => ({
  forge: 'gitea',
  installationId: null,
  repo: 'routers/tailscale-mikrotik',
  deliveryId: 'd-1',
  event,
});
const pushed = (sha = HEAD): BotEvent => ({
  type: 'pr-updated',
  action: 'synchronize',
  pr: 14,
  headSha: sha,
  sender: { login: 'renovate', isBot: false },
});
const command = (cmd: SlashCommand, login = 'mira', commentId = 908): BotEvent => ({
  type: 'command',
  pr: 14,
  commentId,
  command: cmd,
  sender: { login, isBot: false },
});
const states = (calls: FakeCall[]) => calls.flatMap((c) => (c.op === 'setStatus' ? [c.state] : []));

test('a bump PR gets a pending gate, then one comment, then a failure on a size regression', async () => {
  const { forge, deps } = setup({}, fakeCheck({ growth: 300 * KiB }));
  const outcome = await runPrJob(job(pushed()), deps);
  assert.equal(outcome.verdict, 'failure');
  assert.deepEqual(
    forge.writes.map((c) => (c.op === 'setStatus' ? `status:${c.state}` : c.op === 'upsertComment' ? `comment:${c.outcome}` : c.op)),
    ['status:pending', 'comment:created', 'status:failure'],
  );
  const [, comment, final] = forge.writes;
  assert.match(comment?.op === 'upsertComment' ? comment.body : '', /^<!-- bumpguard:report -->/);
  assert.match(final?.op === 'setStatus' ? final.title : '', /^failed: /);
});

test('the next push updates the same comment instead of adding one', async () => {
  const { forge, deps, heads } = setup();
  await runPrJob(job(pushed()), deps);
  forge.pr = pr({ head: { ref: 'renovate/tailscale-1.x', sha: NEWER } });
  heads.note(HeadTracker.key('gitea', forge.repo, 14), NEWER);
  await runPrJob(job(pushed(NEWER)), deps);
  assert.deepEqual(
    forge.calls.flatMap((c) => (c.op === 'upsertComment' ? [c.outcome] : [])),
    ['created', 'updated'],
  );
  assert.equal(forge.comments.size, 1);
});

test('a push that takes the bump out rewrites the old report once, naming that head; a later bump gets a full report again', async () => {
  const { forge, deps, heads } = setup({}, fakeCheck({ growth: 300 * KiB }));
  const push = async (sha: string, diff: string) => {
    forge.pr = pr({ head: { ref: 'renovate/tailscale-1.x', sha } });
    forge.diff = diff;
    heads.note(HeadTracker.key('gitea', forge.repo, 14), sha);
    forge.calls.length = 0;
    return runPrJob(job(pushed(sha)), deps);
  };
  await runPrJob(job(pushed()), deps);
  assert.match([...forge.comments.values()][0] ?? '', /❌/);

  assert.equal((await push(NEWER, README_DIFF)).verdict, 'success');
  assert.deepEqual(
    forge.writes.map((c) => (c.op === 'upsertComment' ? `comment:${c.outcome}` : `${c.op}:${c.op === 'setStatus' ? c.title : ''}`)),
    ['comment:updated', 'setStatus:not a Tailscale bump — nothing to check'],
  );
  const note = [...forge.comments.values()][0] ?? '';
  assert.equal(forge.comments.size, 1);
  assert.match(note, /^<!-- bumpguard:report -->\n\n## bumpguard: no Tailscale bump at `c4a6e8f` — nothing is checked any more/);
  assert.match(note, /The report that was here was for an earlier head and no longer applies/);
  assert.doesNotMatch(note, /❌|blocker/);

  const LATER = '0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d';
  await push(LATER, README_DIFF);
  assert.deepEqual(states(forge.writes), ['success'], 'the note keeps naming the head where the bump went away');
  assert.equal([...forge.comments.values()][0], note);

  const AGAIN = '1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e';
  assert.equal((await push(AGAIN, BUMP_DIFF)).verdict, 'failure');
  assert.match([...forge.comments.values()][0] ?? '', /❌/);
  assert.equal(forge.comments.size, 1);
});

test('a push that takes the bump out still passes when the forge will not edit the old report', async () => {
  const serverError = new ForgeError(
    { forge: 'gitea', op: 'updateComment', code: 'unavailable', status: 500 },
    'Gitea API call updateComment failed (HTTP 500).',
  );
  const { forge, deps, heads } = setup({ failOn: { op: 'updateComment', error: serverError } }, fakeCheck({ growth: 300 * KiB }));
  await runPrJob(job(pushed()), deps);
  forge.pr = pr({ head: { ref: 'renovate/tailscale-1.x', sha: NEWER } });
  forge.diff = README_DIFF;
  heads.note(HeadTracker.key('gitea', forge.repo, 14), NEWER);
  const outcome = await runPrJob(job(pushed(NEWER)), deps);
  assert.deepEqual([outcome.status, outcome.verdict], ['done', 'success']);
  assert.deepEqual(states(forge.writes).at(-1), 'success');
  assert.match([...forge.comments.values()][0] ?? '', /❌/, 'the old report stays; the gate is what merges');
});

test('a checked PR that trigger settings do not select gets its old report retired at the next push', async () => {
  const { forge, deps, heads, say } = setup({
    pr: pr({ author: 'mira' }),
    files: { [`${BASE}:.bumpguard.yml`]: 'trigger: { authors: [renovate] }\n' },
  });
  assert.equal((await runPrJob(say({ name: 'rebuild', platforms: [] }), deps)).status, 'done');
  assert.equal(forge.comments.size, 1);
  forge.pr = pr({ author: 'mira', head: { ref: 'renovate/tailscale-1.x', sha: NEWER } });
  heads.note(HeadTracker.key('gitea', forge.repo, 14), NEWER);
  forge.calls.length = 0;
  assert.equal((await runPrJob(job(pushed(NEWER)), deps)).verdict, 'success');
  assert.deepEqual(
    forge.writes.map((c) => (c.op === 'upsertComment' ? `comment:${c.outcome}` : c.op)),
    ['comment:updated', 'setStatus'],
  );
  assert.match([...forge.comments.values()][0] ?? '', /not checked from `c4a6e8f` on — trigger settings leave this PR alone/);
});

test('a PR that does not bump Tailscale passes at once: one success gate, no comment, no build', async () => {
  const { forge, deps, check } = setup({ diff: README_DIFF });
  const outcome = await runPrJob(job(pushed()), deps);
  assert.deepEqual([outcome.status, outcome.verdict], ['done', 'success']);
  assert.deepEqual(forge.writes, [{ op: 'setStatus', sha: HEAD, state: 'success', title: 'not a Tailscale bump — nothing to check' }]);
  assert.equal(check.requests.length, 0);
  assert.equal(
    forge.calls.some((c) => c.op === 'downloadTree'),
    false,
  );
});

test('a run superseded by a newer push writes nothing after the newer head is known', async () => {
  const { forge, deps, heads } = setup();
  const check = fakeCheck();
  deps.runCheck = async (req, ports) => {
    heads.note(HeadTracker.key('gitea', forge.repo, 14), NEWER);
    return check(req, ports);
  };
  const outcome = await runPrJob(job(pushed()), deps);
  assert.equal(outcome.status, 'superseded');
  assert.deepEqual(states(forge.writes), ['pending']);
  assert.equal(forge.comments.size, 0);
});

test('an invalid .bumpguard.yml on the base sets the gate to error and lists the field in the comment', async () => {
  const { forge, deps, check } = setup({
    files: { [`${BASE}:.bumpguard.yml`]: 'thresholds:\n  image: { fial: { bytes: 1KiB, percent: 1 } }\n' },
  });
  const outcome = await runPrJob(job(pushed()), deps);
  assert.equal(outcome.verdict, 'error');
  assert.equal(check.requests.length, 0);
  assert.deepEqual(states(forge.writes), ['error']);
  const comment = [...forge.comments.values()][0] ?? '';
  assert.match(comment, /thresholds\.image/);
  assert.match(comment, /fial/);
});

test('config is read from the base commit, never from the head', async () => {
  const { deps, check } = setup({
    files: { [`${BASE}:.bumpguard.yml`]: 'platforms: [linux/arm64]\n', [`${HEAD}:.bumpguard.yml`]: 'platforms: [linux/amd64]\n' },
  });
  await runPrJob(job(pushed()), deps);
  assert.deepEqual(check.ports[0]?.config.platforms, ['linux/arm64']);
});

test('trigger.authors leaves bump PRs by other authors unchecked, and their gate passes at once', async () => {
  const { forge, deps, check } = setup({
    pr: pr({ author: 'mira' }),
    files: { [`${BASE}:.bumpguard.yml`]: 'trigger: { authors: [renovate] }\n' },
  });
  assert.equal((await runPrJob(job(pushed()), deps)).verdict, 'success');
  assert.deepEqual(states(forge.writes), ['success']);
  assert.match(forge.writes[0]?.op === 'setStatus' ? forge.writes[0].title : '', /^not checked: trigger settings/);
  assert.equal(check.requests.length, 0);
});

test("a fork PR is never built unasked; a maintainer's /rebuild approves that head", async () => {
  const { forge, deps, check, say } = setup({ pr: pr({ isFork: true, author: 'stranger' }) });
  const waiting = await runPrJob(job(pushed()), deps);
  assert.equal(waiting.status, 'waiting-approval');
  assert.equal(check.requests.length, 0);
  assert.equal(
    forge.calls.some((c) => c.op === 'downloadTree'),
    false,
  );
  assert.deepEqual(states(forge.writes), ['pending']);
  assert.match([...forge.comments.values()][0] ?? '', /comes from a fork/);

  const approved = await runPrJob(say({ name: 'rebuild', platforms: [] }), deps);
  assert.equal(approved.status, 'done');
  assert.equal(check.requests.length, 1);
  assert.equal((await runPrJob(say({ name: 'accept', kind: 'size', reason: 'reviewed' }), deps)).status, 'done');
});

test('a command from a user without write access is refused politely and runs nothing', async () => {
  const { forge, deps, check, say } = setup();
  const outcome = await runPrJob(say({ name: 'rebuild', platforms: [] }, 'visitor'), deps);
  assert.equal(outcome.status, 'refused');
  assert.equal(check.requests.length, 0);
  assert.deepEqual(
    forge.writes.map((c) => c.op),
    ['react', 'reply', 'react'],
  );
  const [eyes, reply, confused] = forge.writes;
  assert.deepEqual(
    [eyes, confused].map((c) => c?.op === 'react' && c.reaction),
    ['eyes', 'confused'],
  );
  assert.match(reply?.op === 'reply' ? reply.body : '', /@visitor.*needs write access/);
});

test('/rebuild arm64 rebuilds only that platform without cache and reacts eyes then rocket', async () => {
  const { forge, deps, check, say } = setup();
  await runPrJob(say({ name: 'rebuild', platforms: ['arm64'] }), deps);
  assert.deepEqual(
    { platforms: check.requests[0]?.platforms, noCache: check.requests[0]?.noCache, auditOnly: check.requests[0]?.auditOnly },
    { platforms: ['linux/arm64'], noCache: true, auditOnly: false },
  );
  assert.deepEqual(
    forge.calls.flatMap((c) => (c.op === 'react' ? [c.reaction] : [])),
    ['eyes', 'rocket'],
  );
});

test('/rebuild with a platform the repo does not build says so and builds nothing', async () => {
  const { forge, deps, check, say } = setup();
  assert.equal((await runPrJob(say({ name: 'rebuild', platforms: ['riscv64'] }), deps)).status, 'answered');
  assert.equal(check.requests.length, 0);
  const reply = forge.calls.find((c) => c.op === 'reply');
  assert.match(reply?.op === 'reply' ? reply.body : '', /riscv64/);
  assert.deepEqual(states(forge.writes), []);
});

test('/accept size turns a size blocker into a pass for this head, recorded with who and why', async () => {
  const { forge, deps, state, say } = setup({}, fakeCheck({ growth: 300 * KiB }));
  const outcome = await runPrJob(say({ name: 'accept', kind: 'size', reason: 'portmapper growth reviewed' }), deps);
  assert.equal(outcome.verdict, 'success');
  assert.deepEqual(state.listOverrides('routers/tailscale-mikrotik', 14, HEAD), [
    { kind: 'size', reason: 'portmapper growth reviewed', by: 'mira', at: '2025-06-13T08:00:00.000Z', headSha: HEAD },
  ]);
  assert.match([...forge.comments.values()][0] ?? '', /portmapper growth reviewed/);
});

test('/help is answered for anyone without touching the gate', async () => {
  const { forge, deps, say } = setup();
  assert.equal((await runPrJob(say({ name: 'help' }, 'visitor'), deps)).status, 'answered');
  assert.deepEqual(
    forge.writes.map((c) => c.op),
    ['react', 'reply', 'react'],
  );
  assert.equal(
    forge.calls.some((c) => c.op === 'permissionOf'),
    false,
  );
});

test('a build infrastructure error ends in gate error with its message, never pending', async () => {
  const { forge, deps } = setup();
  deps.runCheck = async () => {
    throw new BuildError('docker-unavailable', 'Docker is not running on the bot host; start dockerd.');
  };
  const outcome = await runPrJob(job(pushed()), deps);
  assert.equal(outcome.status, 'error');
  assert.deepEqual(states(forge.writes), ['pending', 'error']);
  const final = forge.writes.at(-1);
  assert.match(final?.op === 'setStatus' ? final.title : '', /Docker is not running/);
  assert.match([...forge.comments.values()][0] ?? '', /could not finish/);
});

test("the bot host's paths and engine addresses never reach the PR: the comment and the gate show placeholders", async () => {
  const hostPaths = [
    { path: '/srv/bumpguard/tailscale.git', as: '<upstream>' },
    { path: 'ssh://pi@192.0.2.50', as: '<engine pi5>' },
    { path: '192.0.2.50', as: '<engine pi5>' },
  ];
  // A finished report quoting both (a finding's message is whatever an edge put in it)…
  const finding: Finding = {
    kind: 'infra-error',
    severity: 'info',
    features: [],
    acknowledged: false,
    message:
      'git log failed in /srv/bumpguard/tailscale.git/objects; the arm64 engine ssh://pi@192.0.2.50 said: connect to 192.0.2.50 port 22',
    introduced: false,
  };
  const reported = setup({}, fakeCheck({ findings: [finding] }));
  await runPrJob(job(pushed()), { ...reported.deps, hostPaths });
  const report = [...reported.forge.comments.values()][0] ?? '';
  assert.match(report, /git log failed in <upstream>\/objects; the arm64 engine <engine pi5> said: connect to <engine pi5> port 22/);
  // …and an error message on its way to the comment and the status title.
  const failing = setup();
  failing.deps.runCheck = async () => {
    throw new BuildError('no-docker', 'No Docker engine answers at ssh://pi@192.0.2.50: start dockerd there.');
  };
  await runPrJob(job(pushed()), { ...failing.deps, hostPaths });
  const final = failing.forge.writes.at(-1);
  assert.equal(final?.op === 'setStatus' ? final.title : '', 'Error: No Docker engine answers at <engine pi5>: start dockerd there.');
  const comment = [...failing.forge.comments.values()][0] ?? '';
  assert.match(comment, /No Docker engine answers at <engine pi5>/);
  for (const text of [report, comment]) assert.doesNotMatch(text, /192\.0\.2\.50|\/srv\/bumpguard/);
});

/** Timers a test steps by hand: `advance(ms)` fires what fell due. */
function steppedTimers() {
  let now = 0;
  const due: { at: number; fn: () => void }[] = [];
  return {
    timers: {
      now: () => now,
      after(ms: number, fn: () => void) {
        const entry = { at: now + ms, fn };
        due.push(entry);
        return () => void due.splice(due.indexOf(entry), 1);
      },
    },
    advance(ms: number) {
      now += ms;
      for (const entry of due.filter((d) => d.at <= now)) {
        due.splice(due.indexOf(entry), 1);
        entry.fn();
      }
    },
  };
}

/** A check that reports the audit at once, then each platform settling `stepMs` apart, then its result. */
function stagedCheck(step: (ms: number) => void, stepMs: number, findings: Finding[]): RunCheck {
  const inner = fakeCheck({ findings });
  return async (req, ports) => {
    const final = await inner(req, ports);
    const platforms = final.platforms.map((p) => p.platform);
    const stages: CheckProgress['stages'] = Object.fromEntries(platforms.map((p) => [p, { base: 'queued', head: 'queued' }]));
    const progress = (): CheckProgress => ({
      stages: structuredClone(stages),
      canaries: Object.fromEntries(platforms.map((p) => [p, ['magicdns']])),
      ram: true,
    });
    const shown = new Set<string>();
    const snapshot = () =>
      ports.onSnapshot?.({
        result: { ...final, platforms: final.platforms.map((p) => (shown.has(p.platform) ? p : { ...p, base: null, head: null })) },
        progress: progress(),
      });
    stages[platforms[0]!] = { base: 'building', head: 'queued' };
    snapshot();
    for (const platform of platforms) {
      step(stepMs);
      await new Promise((resolve) => setImmediate(resolve));
      stages[platform] = { base: 'done', head: 'done' };
      shown.add(platform);
      snapshot();
    }
    return final;
  };
}

test('the audit reaches the PR before any build ends; platforms follow at most one edit per 15 s; the verdict is the same report as without them', async () => {
  const audit: Finding = {
    severity: 'blocker',
    kind: 'missing-dep',
    features: ['advertiseexitnode', 'peerapiserver'],
    introduced: true,
    acknowledged: false,
    message: 'advertiseexitnode needs peerapiserver, which the recipe omits',
    fix: '-a\n+b\n',
  };
  const clock = steppedTimers();
  const { forge, deps } = setup();
  deps.timers = clock.timers;
  deps.runCheck = stagedCheck((ms) => clock.advance(ms), 10_000, [audit]);
  await runPrJob(job(pushed()), deps);
  const log = forge.writes.map((c) =>
    c.op === 'setStatus' ? `${c.state}: ${c.title}` : c.op === 'upsertComment' ? `comment:${c.outcome}` : c.op,
  );
  // t=0 the audit: written at once. t=10 s amd64 settles: held for 15 s after the last write, and
  // written when the clock passes it (builds 2/6). t=20 s arm64 settles: held again, and dropped
  // when arm/v7 settles at t=30 s, because the verdict follows at once.
  assert.deepEqual(log, [
    'pending: Checking tailscale v1.98.5 → v1.98.8…',
    'comment:created',
    'pending: audit: 1 blocker · builds 0/6',
    'comment:updated',
    'pending: audit: 1 blocker · builds 2/6',
    'comment:updated',
    'failure: failed: 1 blocker — advertiseexitnode needs peerapiserver, which the recipe omits',
  ]);
  const bodies = forge.calls.flatMap((c) => (c.op === 'upsertComment' ? [c.body] : []));
  assert.match(bodies[0]!, /## ⏳ bumpguard checking: tailscale v1\.98\.5 → v1\.98\.8/);
  assert.match(bodies[0]!, /advertiseexitnode needs peerapiserver/);
  assert.match(bodies[0]!, /```diff/, 'the suggested fix is in the first write');
  assert.match(bodies[0]!, /\| \*\*linux\/amd64\*\* \| building… \| building… \|/);
  assert.match(bodies[0]!, /\| \*\*linux\/arm64\*\* \| queued \| queued \|/);
  assert.match(bodies[0]!, /\| magicdns \| building… \| queued \| queued \|/);
  assert.doesNotMatch(bodies[1]!, /\| \*\*linux\/amd64\*\* \| building…/, 'amd64 shows its figures once settled');
  // The final write is the report a check without interim writes posts.
  const plain = setup();
  plain.deps.runCheck = fakeCheck({ findings: [audit] });
  await runPrJob(job(pushed()), plain.deps);
  assert.equal(bodies.at(-1), [...plain.forge.comments.values()][0]);
});

test('a job superseded mid-check writes no interim report and no verdict', async () => {
  const clock = steppedTimers();
  const { forge, deps, heads } = setup();
  deps.timers = clock.timers;
  const staged = stagedCheck((ms) => clock.advance(ms), 10_000, []);
  deps.runCheck = async (req, ports) => {
    heads.note(HeadTracker.key('gitea', 'routers/tailscale-mikrotik', 14), NEWER);
    return staged(req, ports);
  };
  const outcome = await runPrJob(job(pushed()), deps);
  assert.equal(outcome.status, 'superseded');
  assert.deepEqual(
    forge.writes.map((c) => (c.op === 'setStatus' ? c.state : c.op)),
    ['pending'],
  );
});

test('a re-run of the check by a maintainer runs again; an event for an older head is skipped', async () => {
  const { forge, deps, check } = setup();
  const rerun: BotEvent = { type: 'rerun', pr: 14, headSha: HEAD, sender: { login: 'mira', isBot: false }, source: 'rerequested' };
  assert.equal((await runPrJob(job(rerun), deps)).status, 'done');
  assert.equal((await runPrJob(job(pushed('0000000000000000000000000000000000000000')), deps)).status, 'superseded');
  assert.equal(check.requests.length, 1);
  assert.deepEqual(states(forge.writes), ['pending', 'success']);
});

test('a command that fails before the PR is judged is answered with the reason and a confused reaction', async () => {
  const forbidden = new ForgeError(
    { forge: 'gitea', op: 'permissionOf', code: 'forbidden', status: 403 },
    'Gitea API call permissionOf failed (HTTP 403): the bot lacks a permission for this.',
  );
  const { forge, deps, check, say } = setup({ failOn: { op: 'permissionOf', error: forbidden } });
  const outcome = await runPrJob(say({ name: 'rebuild', platforms: [] }), deps);
  assert.equal(outcome.status, 'error');
  assert.equal(check.requests.length, 0);
  assert.deepEqual(
    forge.writes.map((c) => (c.op === 'react' ? `react:${c.reaction}` : c.op)),
    ['react:eyes', 'reply', 'react:confused'],
  );
  const reply = forge.writes[1];
  assert.match(reply?.op === 'reply' ? reply.body : '', /could not run `\/rebuild`: Gitea API call permissionOf failed \(HTTP 403\)/);
});

test('a same-repository PR by an author without write access (Gitea AGit) waits for a maintainer like a fork', async () => {
  const { forge, deps, check, say } = setup({ pr: pr({ author: 'visitor' }) });
  assert.equal((await runPrJob(job(pushed()), deps)).status, 'waiting-approval');
  assert.equal(check.requests.length, 0);
  assert.ok(forge.calls.some((c) => c.op === 'permissionOf' && c.login === 'visitor'));
  assert.match([...forge.comments.values()][0] ?? '', /opened by someone without write access/);
  assert.equal((await runPrJob(say({ name: 'rebuild', platforms: [] }), deps)).status, 'done');
  assert.equal(check.requests[0]?.untrustedHead, true, 'an approved build of untrusted code is still built as untrusted');
});

test('a GitHub App author (renovate[bot]) pushing to the base repository is trusted without a permission lookup', async () => {
  const { forge, deps, check } = setup({ pr: pr({ author: 'renovate[bot]', authorIsApp: true }) });
  assert.equal((await runPrJob(job(pushed()), deps)).status, 'done');
  assert.equal(check.requests[0]?.untrustedHead, false);
  assert.equal(
    forge.calls.some((c) => c.op === 'permissionOf'),
    false,
  );
});

test('/rebuild and /accept written before the current head arrived apply to nothing, and say so', async () => {
  const { forge, deps, check, state, say } = setup({ pr: pr({ isFork: true, author: 'stranger' }) });
  const early = { createdAt: '2025-06-13T06:59:00Z' };
  assert.equal((await runPrJob(say({ name: 'rebuild', platforms: [] }, 'mira', early), deps)).status, 'refused');
  assert.equal(check.requests.length, 0);
  const reply = forge.calls.find((c) => c.op === 'reply');
  assert.match(reply?.op === 'reply' ? reply.body : '', /was written before head `8d2e4f6`/);
  // Nothing was approved: the next push event for this head still waits.
  assert.equal((await runPrJob(job(pushed()), deps)).status, 'waiting-approval');
  assert.equal((await runPrJob(say({ name: 'accept', kind: 'size', reason: 'fine' }, 'mira', early), deps)).status, 'waiting-approval');
  // Once approved, an /accept written before the head still does not apply to it.
  assert.equal((await runPrJob(say({ name: 'rebuild', platforms: [] }), deps)).status, 'done');
  assert.equal((await runPrJob(say({ name: 'accept', kind: 'size', reason: 'fine' }, 'mira', early), deps)).status, 'refused');
  assert.deepEqual(state.listOverrides('routers/tailscale-mikrotik', 14, HEAD), []);
});

test('a head no push announced is not approved by a comment written before the bot saw it', async () => {
  const { forge, deps, check, say } = setup({ pr: pr({ isFork: true, author: 'stranger' }) });
  const key = HeadTracker.key('gitea', forge.repo, 14);
  const fresh = new HeadTracker();
  deps.heads = fresh;
  assert.equal((await runPrJob(say({ name: 'rebuild', platforms: [] }), deps)).status, 'refused');
  assert.equal(fresh.seenAt(key, HEAD), '2025-06-13T08:00:00.000Z', 'the head is recorded as seen now');
  forge.said(909, 'mira', '/rebuild', { createdAt: '2025-06-13T08:05:00Z' });
  assert.equal((await runPrJob(job(command({ name: 'rebuild', platforms: [] }, 'mira', 909)), deps)).status, 'done');
  assert.equal(check.requests.length, 1);
});

test("a command is run as the forge has the comment: the delivery's author and text are not trusted", async () => {
  const { forge, deps, check, state } = setup({}, fakeCheck({ growth: 300 * KiB }));
  // The delivery claims mira wrote "/accept all"; the forge says visitor wrote it.
  forge.said(908, 'visitor', '/accept all yolo');
  const outcome = await runPrJob(job(command({ name: 'accept', kind: 'all', reason: 'yolo' }, 'mira')), deps);
  assert.equal(outcome.status, 'refused');
  assert.equal(check.requests.length, 0);
  assert.deepEqual(state.listOverrides('routers/tailscale-mikrotik', 14, HEAD), []);
  // A comment of another PR, named as this PR's: dropped without a trace.
  forge.said(910, 'mira', '/accept all yolo', { pr: 3 });
  forge.calls.length = 0;
  assert.equal((await runPrJob(job(command({ name: 'accept', kind: 'all', reason: 'yolo' }, 'mira', 910)), deps)).status, 'ignored');
  assert.deepEqual(forge.writes, []);
});
