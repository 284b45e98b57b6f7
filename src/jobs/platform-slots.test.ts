import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CancelledError } from '../errors.ts';
import { PlatformSlots } from './platform-slots.ts';

const never = new AbortController().signal;
const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

test('one build per platform at a time; other platforms are not held up; waiters go in order', async () => {
  const slots = new PlatformSlots(1);
  const order: string[] = [];
  const first = deferred();
  const a1 = slots.run('linux/arm64', never, async () => (order.push('arm64#1'), first.promise));
  const a2 = slots.run('linux/arm64', never, async () => void order.push('arm64#2'));
  const a3 = slots.run('linux/arm64', never, async () => void order.push('arm64#3'));
  await slots.run('linux/amd64', never, async () => void order.push('amd64'));
  assert.deepEqual(order, ['arm64#1', 'amd64']);
  assert.equal(slots.active('linux/arm64'), 1);
  first.resolve();
  await Promise.all([a1, a2, a3]);
  assert.deepEqual(order, ['arm64#1', 'amd64', 'arm64#2', 'arm64#3']);
  assert.equal(slots.active('linux/arm64'), 0);
});

test('a job cancelled while waiting for a slot gives up its place with CancelledError', async () => {
  const slots = new PlatformSlots(1);
  const hold = deferred();
  const running = slots.run('linux/arm/v7', never, () => hold.promise);
  const controller = new AbortController();
  const waiting = slots.run('linux/arm/v7', controller.signal, async () => 'built');
  controller.abort(new Error('superseded'));
  await assert.rejects(waiting, (err: unknown) => err instanceof CancelledError && /waiting for a build slot/.test(err.userMessage));
  hold.resolve();
  await running;
  assert.equal(await slots.run('linux/arm/v7', never, async () => 'next'), 'next');
});
