import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase } from './open-store.ts';
import { JobStore, type NewJob } from './job-store.ts';

const job = (n: number, over: Partial<NewJob> = {}): NewJob => ({
  kind: 'pr',
  forge: 'gitea',
  repo: 'o/r',
  prKey: `gitea:o/r#${n}`,
  headSha: `sha${n}`,
  idemKey: `k${n}`,
  payload: { n },
  deliveryId: `d${n}`,
  movesHead: true,
  ...over,
});

test('a batch of deliveries (group commit) gets the answers enqueueing them one by one would give', () => {
  const store = new JobStore(openDatabase(':memory:'));
  const results = store.enqueueMany(
    [job(1), job(2), job(1), job(3, { idemKey: 'k2' }), job(4, { prKey: 'gitea:o/r#1', headSha: 'newer' })],
    't',
  );
  assert.deepEqual(
    results.map((r) => r.result),
    ['queued', 'queued', 'duplicate-delivery', 'duplicate-job', 'queued'],
  );
  assert.deepEqual(results[4]?.result === 'queued' && results[4].superseded, [1], 'the push for PR 1 supersedes its queued older head');
  assert.deepEqual(store.listHeads().sort(), [
    ['gitea:o/r#1', 'newer', 't'],
    ['gitea:o/r#2', 'sha2', 't'],
  ]);
});

test("a head keeps the time it first became the PR's head (a command is judged against it)", () => {
  const store = new JobStore(openDatabase(':memory:'));
  store.enqueue(job(1), '2025-01-01T00:00:00Z');
  store.enqueue(job(2, { prKey: 'gitea:o/r#1', headSha: 'sha1', idemKey: 'k1-reopened' }), '2025-01-02T00:00:00Z');
  store.noteHead('gitea:o/r#1', 'sha1', '2025-01-03T00:00:00Z');
  assert.deepEqual(store.listHeads(), [['gitea:o/r#1', 'sha1', '2025-01-01T00:00:00Z']]);
  store.noteHead('gitea:o/r#1', 'sha9', '2025-01-04T00:00:00Z');
  assert.deepEqual(store.listHeads(), [['gitea:o/r#1', 'sha9', '2025-01-04T00:00:00Z']]);
});

test('a batch that fails commits nothing', () => {
  const store = new JobStore(openDatabase(':memory:'));
  assert.throws(() => store.enqueueMany([job(1), { ...job(2), payload: { big: 1n } }], 't'));
  assert.deepEqual(store.countByState(), { queued: 0, running: 0, done: 0, ignored: 0, failed: 0, superseded: 0 });
});

test('pruning forgets old finished jobs with their deliveries, never queued or running ones', () => {
  const store = new JobStore(openDatabase(':memory:'));
  store.enqueueMany([job(1), job(2), job(3)], '2025-01-01T00:00:00Z');
  store.claim(1, '2025-01-01T00:00:00Z');
  store.finish(1, 'done', { status: 'done', reason: 'passed' }, '2025-01-01T00:01:00Z');
  store.claim(2, '2025-01-01T00:00:00Z');
  assert.equal(store.prune('2025-02-01T00:00:00Z'), 1);
  assert.deepEqual(store.countByState(), { queued: 1, running: 1, done: 0, ignored: 0, failed: 0, superseded: 0 });
  assert.equal(store.enqueue(job(1), '2025-02-02T00:00:00Z').result, 'queued', 'a delivery id forgotten a month later may run again');
  assert.equal(store.enqueue(job(3), '2025-02-02T00:00:00Z').result, 'duplicate-delivery');
});
