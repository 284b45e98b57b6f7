import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GateRecord, JobRow } from '../store/index.ts';
import { HeadTracker } from './queue-state.ts';
import { planGateReconcile } from './recovery.ts';

const gate = (pr: number, sha: string): GateRecord => ({ forge: 'gitea', repo: 'o/r', pr, sha, installationId: null, state: 'pending' });
const key = (pr: number) => HeadTracker.key('gitea', 'o/r', pr);
const summary = (actions: ReturnType<typeof planGateReconcile>) =>
  actions.map((a) =>
    a.action === 'rerun'
      ? `rerun #${a.job.event.pr} ${a.job.event.type === 'pr-updated' ? a.job.event.headSha : ''}`
      : `error #${a.task.pr} ${a.task.sha}: ${a.task.reason}`,
  );

test('a pending gate on the PR head is checked again; one on an older commit is set to error; a PR with a queued job is left to it', () => {
  const heads: Record<string, string> = { [key(1)]: 'bbbbbbb1', [key(2)]: 'ccccccc2', [key(3)]: 'ddddddd3' };
  const actions = planGateReconcile({
    pending: [gate(1, 'aaaaaaa1'), gate(1, 'bbbbbbb1'), gate(2, 'ccccccc2'), gate(3, 'ddddddd3')],
    latestHead: (k) => heads[k],
    hasQueuedJob: (k) => k === key(3),
    gaveUp: [],
    startedAt: '2025-06-13T08:00:00.000Z',
  });
  assert.deepEqual(summary(actions), [
    'error #1 aaaaaaa1: superseded by bbbbbbb while bumpguard was down',
    'rerun #1 bbbbbbb1',
    'rerun #2 ccccccc2',
  ]);
});

test('a gate whose job was given up after crashing the server is set to error, never re-run', () => {
  const crashed: JobRow = {
    id: 9,
    kind: 'pr',
    forge: 'gitea',
    repo: 'o/r',
    prKey: key(4),
    headSha: 'eeeeeee4',
    payload: {},
    state: 'failed',
    attempts: 3,
  };
  const actions = planGateReconcile({
    pending: [gate(4, 'eeeeeee4')],
    latestHead: () => 'eeeeeee4',
    hasQueuedJob: () => false,
    gaveUp: [crashed],
    startedAt: 't',
  });
  assert.deepEqual(summary(actions), ['error #4 eeeeeee4: bumpguard stopped 3 times while checking this; comment /rebuild to try again']);
});

test('without a known head (a gate set by a command) the newest pending gate of the PR is taken as the head', () => {
  const actions = planGateReconcile({
    pending: [gate(5, 'old'), gate(5, 'new')],
    latestHead: () => undefined,
    hasQueuedJob: () => false,
    gaveUp: [],
    startedAt: 't',
  });
  assert.deepEqual(summary(actions), ['error #5 old: superseded by new while bumpguard was down', 'rerun #5 new']);
});

test('synthetic jobs of two starts do not dedupe each other', () => {
  const plan = (startedAt: string) =>
    planGateReconcile({ pending: [gate(6, 'fffffff6')], latestHead: () => 'fffffff6', hasQueuedJob: () => false, gaveUp: [], startedAt });
  const [a] = plan('t1');
  const [b] = plan('t2');
  assert.notEqual(a?.action === 'rerun' && a.idemKey, b?.action === 'rerun' && b.idemKey);
});
