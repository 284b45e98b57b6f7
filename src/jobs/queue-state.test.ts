import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FairQueue } from './queue-state.ts';

const entry = (id: number, repo: string, pr = 1) => ({ id, repo, prKey: `${repo}#${pr}` });
const drain = (q: FairQueue, busy: (k: string) => boolean = () => false) => {
  const out: number[] = [];
  for (let e = q.take(busy); e; e = q.take(busy)) out.push(e.id);
  return out;
};

test('repositories take turns, oldest first within each', () => {
  const q = new FairQueue();
  [entry(1, 'a'), entry(2, 'a'), entry(3, 'a'), entry(4, 'b'), entry(5, 'c'), entry(6, 'c')].forEach((e) => q.push(e));
  assert.deepEqual(drain(q), [1, 4, 5, 2, 6, 3]);
  assert.equal(q.size, 0);
});

test('a busy PR is skipped without losing the repository its turn for its other PRs', () => {
  const q = new FairQueue();
  [entry(1, 'a', 1), entry(2, 'a', 2), entry(3, 'b', 1)].forEach((e) => q.push(e));
  assert.deepEqual(
    drain(q, (k) => k === 'a#1'),
    [2, 3],
  );
  assert.deepEqual(drain(q), [1]);
});

test('a removed (superseded) entry is never taken', () => {
  const q = new FairQueue();
  [entry(1, 'a'), entry(2, 'b'), entry(3, 'a')].forEach((e) => q.push(e));
  assert.equal(q.remove(1), true);
  assert.equal(q.remove(1), false);
  assert.deepEqual(drain(q), [3, 2]);
});
