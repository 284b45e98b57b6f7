import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import type { BotJob } from '../bot/index.ts';
import { JobStore, openDatabase } from '../store/index.ts';
import { HeadTracker } from './queue-state.ts';
import { JobQueue } from './job-queue.ts';

const push = (delivery: string, sha: string): BotJob => ({
  forge: 'gitea',
  installationId: null,
  repo: 'routers/tailscale-mikrotik',
  deliveryId: delivery,
  event: { type: 'pr-updated', action: 'synchronize', pr: 14, headSha: sha, sender: { login: 'renovate', isBot: false } },
});

test('a redelivered delivery id is acknowledged once and processed once', async () => {
  const ran: string[] = [];
  const queue = new JobQueue({
    heads: new HeadTracker(),
    log: pino({ level: 'silent' }),
    run: async (job) => void ran.push(job.deliveryId),
  });
  assert.deepEqual([queue.enqueue(push('d-1', 'aaa')), queue.enqueue(push('d-1', 'aaa'))], ['queued', 'duplicate']);
  await queue.onIdle();
  assert.deepEqual(ran, ['d-1']);
});

test('a new push aborts the running job of the same PR and marks its head superseded at once', async () => {
  const heads = new HeadTracker();
  const signals: AbortSignal[] = [];
  let release!: () => void;
  const firstStarted = new Promise<void>((resolve) => {
    release = resolve;
  });
  const queue = new JobQueue({
    heads,
    concurrency: 2,
    log: pino({ level: 'silent' }),
    run: async (job, signal) => {
      signals.push(signal);
      if (job.deliveryId === 'd-1') {
        release();
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      }
    },
  });
  queue.enqueue(push('d-1', 'aaa'));
  await firstStarted;
  queue.enqueue(push('d-2', 'bbb'));
  assert.equal(heads.isSuperseded(HeadTracker.key('gitea', 'routers/tailscale-mikrotik', 14), 'aaa'), true);
  await queue.onIdle();
  assert.deepEqual(
    signals.map((s) => s.aborted),
    [true, false],
  );
});

// --- durable queue: accepted deliveries survive a restart and run once ---

const silent = pino({ level: 'silent' });
const pushTo = (repo: string, pr: number, delivery: string, sha: string): BotJob => ({
  ...push(delivery, sha),
  repo,
  event: { ...push(delivery, sha).event, pr },
});
const command = (delivery: string, commentId: number): BotJob => ({
  ...push(delivery, 'unused'),
  event: { type: 'command', pr: 14, commentId, command: { name: 'audit' }, sender: { login: 'mira', isBot: false } },
});

/** A run that records each job and finishes only when told (or, on abort, reports superseded). */
function gatedRun() {
  const started: string[] = [];
  const release = new Map<string, () => void>();
  const startedOnce = new Map<string, () => void>();
  const run = async (job: BotJob, signal: AbortSignal) => {
    started.push(job.deliveryId);
    startedOnce.get(job.deliveryId)?.();
    await new Promise<void>((resolve) => {
      release.set(job.deliveryId, resolve);
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
    return signal.aborted ? { status: 'superseded', reason: 'aborted' } : { status: 'done', reason: 'ok' };
  };
  const whenStarted = (id: string) =>
    started.includes(id) ? Promise.resolve() : new Promise<void>((resolve) => startedOnce.set(id, resolve));
  return { run, started, release: (id: string) => release.get(id)?.(), whenStarted };
}

test('Gitea "Redeliver" (same body, new delivery id) is acknowledged and not run twice while the first is queued or done', async () => {
  const ran: string[] = [];
  const queue = new JobQueue({ heads: new HeadTracker(), log: silent, run: async (job) => void ran.push(job.deliveryId) });
  assert.deepEqual([queue.enqueue(push('d-1', 'aaa')), queue.enqueue(push('d-2', 'aaa'))], ['queued', 'same-job']);
  await queue.onIdle();
  assert.equal(queue.enqueue(push('d-3', 'aaa')), 'same-job');
  assert.equal(queue.enqueue(command('d-4', 908)), 'queued');
  assert.equal(queue.enqueue(command('d-5', 908)), 'same-job', 'the same comment redelivered');
  await queue.onIdle();
  assert.deepEqual(ran, ['d-1', 'd-4']);
});

test('a job that failed may be run again by a redelivery: that is how a maintainer retries after an outage', async () => {
  const ran: string[] = [];
  const queue = new JobQueue({
    heads: new HeadTracker(),
    log: silent,
    run: async (job) => (ran.push(job.deliveryId), { status: 'error', reason: 'Gitea was down' }),
  });
  queue.enqueue(push('d-1', 'aaa'));
  await queue.onIdle();
  assert.equal(queue.enqueue(push('d-2', 'aaa')), 'queued');
  await queue.onIdle();
  assert.deepEqual(ran, ['d-1', 'd-2']);
});

test('repositories take turns: a repo with many queued jobs does not starve the others', async () => {
  const ran: string[] = [];
  const queue = new JobQueue({ heads: new HeadTracker(), log: silent, run: async (job) => void ran.push(job.deliveryId) });
  queue.enqueue(pushTo('busy/repo', 1, 'a1', 'a'));
  queue.enqueue(pushTo('busy/repo', 2, 'a2', 'a'));
  queue.enqueue(pushTo('busy/repo', 3, 'a3', 'a'));
  queue.enqueue(pushTo('quiet/repo', 1, 'b1', 'b'));
  queue.enqueue(pushTo('other/repo', 1, 'c1', 'c'));
  queue.enqueue(pushTo('other/repo', 2, 'c2', 'c'));
  await queue.onIdle();
  assert.deepEqual(ran, ['a1', 'b1', 'c1', 'a2', 'c2', 'a3']);
});

test('at most `concurrency` jobs run, and never two of one PR', async () => {
  const g = gatedRun();
  const queue = new JobQueue({ heads: new HeadTracker(), log: silent, concurrency: 2, run: g.run });
  queue.enqueue(command('cmd-1', 1));
  queue.enqueue(command('cmd-2', 2));
  queue.enqueue(pushTo('other/repo', 7, 'other', 'bbb'));
  queue.enqueue(pushTo('third/repo', 7, 'third', 'ccc'));
  await Promise.all([g.whenStarted('cmd-1'), g.whenStarted('other')]);
  assert.deepEqual([...g.started].sort(), ['cmd-1', 'other'], 'cmd-2 waits for cmd-1 (same PR), third for a free slot');
  g.release('cmd-1');
  // Round-robin: third/repo has its turn before the tailscale-mikrotik repo's second job.
  await g.whenStarted('third');
  g.release('other');
  await g.whenStarted('cmd-2');
  g.release('third');
  g.release('cmd-2');
  await queue.onIdle();
  assert.deepEqual(g.started, ['cmd-1', 'other', 'third', 'cmd-2']);
});

test('a push supersedes queued jobs for older heads of the PR: they never run', async () => {
  const g = gatedRun();
  const store = new JobStore(openDatabase(':memory:'));
  const queue = new JobQueue({ store, heads: new HeadTracker(), log: silent, run: g.run });
  queue.enqueue(command('cmd', 1));
  queue.enqueue(push('old', 'aaa'));
  queue.enqueue(push('new', 'bbb'));
  await g.whenStarted('cmd');
  g.release('cmd');
  await g.whenStarted('new');
  g.release('new');
  await queue.onIdle();
  assert.deepEqual(g.started, ['cmd', 'new']);
  assert.deepEqual(store.countByState(), { queued: 0, running: 0, done: 2, ignored: 0, failed: 0, superseded: 1 });
});

test('a job a crash left running is queued again at the next start, and the PR head survives the restart', async () => {
  const db = openDatabase(':memory:');
  const before = gatedRun();
  const crashed = new JobQueue({ store: new JobStore(db), heads: new HeadTracker(), log: silent, run: before.run });
  crashed.enqueue(push('d-1', 'aaa'));
  await before.whenStarted('d-1');
  // The process dies here: `crashed` is simply abandoned with its job running.
  const ran: string[] = [];
  const heads = new HeadTracker();
  const restarted = new JobQueue({ store: new JobStore(db), heads, log: silent, run: async (job) => void ran.push(job.deliveryId) });
  assert.deepEqual(
    restarted.recovered.requeued.map((j) => j.id),
    [1],
  );
  await restarted.onIdle();
  assert.deepEqual(ran, ['d-1']);
  assert.equal(heads.latest(HeadTracker.key('gitea', 'routers/tailscale-mikrotik', 14)), 'aaa');
  assert.equal(restarted.enqueue(push('d-1', 'aaa')), 'duplicate', 'the delivery is remembered across the restart');
});

test('a job that took the server down three times is given up instead of looping', () => {
  const db = openDatabase(':memory:');
  const store = new JobStore(db);
  store.enqueue(
    {
      kind: 'pr',
      forge: 'gitea',
      repo: 'r/r',
      prKey: 'gitea:r/r#1',
      headSha: 'aaa',
      idemKey: 'k',
      payload: {},
      deliveryId: 'd',
      movesHead: true,
    },
    't0',
  );
  const outcomes = [1, 2, 3].map((n) => {
    assert.equal(store.claim(1, `t${n}`), n);
    return store.recoverRunning(3, `t${n}`);
  });
  assert.deepEqual(
    outcomes.map((o) => [o.requeued.length, o.failed.length]),
    [
      [1, 0],
      [1, 0],
      [0, 1],
    ],
  );
  assert.deepEqual(store.getJob(1)?.outcome, {
    status: 'error',
    reason: 'bumpguard stopped 3 times while running this job; not retried again',
  });
});

test('shutdown lets a job finish within the grace period and checkpoints one that does not; the next start runs it', async () => {
  const db = openDatabase(':memory:');
  const store = new JobStore(db);
  const g = gatedRun();
  let graceOver!: () => void;
  const queue = new JobQueue({
    store,
    heads: new HeadTracker(),
    log: silent,
    concurrency: 2,
    run: g.run,
    sleep: () => new Promise((resolve) => (graceOver = resolve)),
  });
  queue.enqueue(pushTo('a/a', 1, 'quick', 'aaa'));
  queue.enqueue(pushTo('b/b', 1, 'slow', 'bbb'));
  queue.enqueue(pushTo('c/c', 1, 'waiting', 'ccc'));
  await Promise.all([g.whenStarted('quick'), g.whenStarted('slow')]);
  const stopping = queue.shutdown(30_000);
  g.release('quick');
  await new Promise((resolve) => setImmediate(resolve));
  graceOver();
  assert.deepEqual(await stopping, { finished: 1, checkpointed: 1 });
  assert.deepEqual(store.countByState(), { queued: 2, running: 0, done: 1, ignored: 0, failed: 0, superseded: 0 });
  const ran: string[] = [];
  const next = new JobQueue({
    store: new JobStore(db),
    heads: new HeadTracker(),
    log: silent,
    run: async (job) => void ran.push(job.deliveryId),
  });
  assert.deepEqual(next.recovered, { requeued: [], failed: [] }, 'a checkpoint is not a crash');
  await next.onIdle();
  assert.deepEqual(ran.sort(), ['slow', 'waiting']);
});
