import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import type { BotJob } from '../bot/types.ts';
import { HeadTracker } from './head-tracker.ts';
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
  const queue = new JobQueue({ heads: new HeadTracker(), log: pino({ level: 'silent' }), run: async (job) => void ran.push(job.deliveryId) });
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
  assert.deepEqual(signals.map((s) => s.aborted), [true, false]);
});
