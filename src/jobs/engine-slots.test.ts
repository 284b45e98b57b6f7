import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CancelledError } from '../errors.ts';
import { EngineSlots } from './engine-slots.ts';

const never = new AbortController().signal;
const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

test('one build per engine at a time, whatever its platform; another engine is not held up; waiters go in order', async () => {
  const slots = new EngineSlots(1);
  const order: string[] = [];
  const first = deferred();
  // amd64 and arm64 (under qemu) both on the bot's own engine: one after the other.
  const a1 = slots.run('local', never, async () => (order.push('local amd64'), first.promise));
  const a2 = slots.run('local', never, async () => void order.push('local arm64'));
  const a3 = slots.run('local', never, async () => void order.push('local arm/v7'));
  await slots.run('pi5', never, async () => void order.push('pi5 arm64'));
  assert.deepEqual(order, ['local amd64', 'pi5 arm64']);
  assert.equal(slots.active('local'), 1);
  first.resolve();
  await Promise.all([a1, a2, a3]);
  assert.deepEqual(order, ['local amd64', 'pi5 arm64', 'local arm64', 'local arm/v7']);
  assert.equal(slots.active('local'), 0);
});

test('an engine\'s own limit (the operator\'s slots) replaces the default for it alone', async () => {
  const slots = new EngineSlots(1, { big: 2 });
  const hold = deferred();
  const started: string[] = [];
  const runs = ['big#1', 'big#2', 'big#3'].map((n) => slots.run('big', never, async () => (started.push(n), hold.promise)));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(started, ['big#1', 'big#2']);
  hold.resolve();
  await Promise.all(runs);
  assert.throws(() => new EngineSlots(1, { pi5: 0 }), /build slot limit of pi5 must be a positive integer, got 0/);
});

test('a job cancelled while waiting for a slot gives up its place with CancelledError', async () => {
  const slots = new EngineSlots(1);
  const hold = deferred();
  const running = slots.run('local', never, () => hold.promise);
  const controller = new AbortController();
  const waiting = slots.run('local', controller.signal, async () => 'built');
  controller.abort(new Error('superseded'));
  await assert.rejects(waiting, (err: unknown) => err instanceof CancelledError && /waiting for a build slot/.test(err.userMessage));
  hold.resolve();
  await running;
  assert.equal(await slots.run('local', never, async () => 'next'), 'next');
});
