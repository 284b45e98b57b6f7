import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CancelledError } from '../errors.ts';
import { PlatformPhase } from './platform-phase.ts';
import { RuntimeSlots } from './runtime-slots.ts';

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('a platform phase runs base and head together in one runtime slot, once both arrived, and both record the same concurrency', async () => {
  const slots = new RuntimeSlots(1);
  const phase = new PlatformPhase(slots, 'local', 2, new AbortController().signal);
  const started: string[] = [];
  const side = (name: string) => phase.run(async (p) => {
    started.push(name);
    await tick();
    return { name, concurrency: p.concurrency(), active: slots.active('local') };
  });
  const base = side('base');
  await tick();
  assert.deepEqual(started, [], 'the base waits for its head');
  const head = side('head');
  const results = await Promise.all([base, head]);
  assert.deepEqual(started, ['base', 'head']);
  assert.deepEqual(results.map((r) => [r.concurrency, r.active]), [[{ limit: 1, peak: 1 }, 1], [{ limit: 1, peak: 1 }, 1]]);
});

test('a side that drops out (failed build, stored result) lets the other run alone; phases of two platforms share the bound', async () => {
  const slots = new RuntimeSlots(2);
  const signal = new AbortController().signal;
  const [amd64, arm64] = [new PlatformPhase(slots, 'local', 2, signal), new PlatformPhase(slots, 'local', 1, signal)];
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  const armRun = arm64.run(async (p) => {
    await held;
    return p.concurrency();
  });
  amd64.leave();
  const amdRun = amd64.run(async (p) => p.concurrency());
  assert.deepEqual(await amdRun, { limit: 2, peak: 2 });
  release();
  assert.deepEqual(await armRun, { limit: 2, peak: 2 }, 'the arm64 phase saw amd64 running beside it');
});

test('a phase still waiting for a slot when the check is cancelled rejects every side with CancelledError', async () => {
  const slots = new RuntimeSlots(1);
  const controller = new AbortController();
  let release = () => {};
  const busy = slots.run('local', new AbortController().signal, () => new Promise<void>((resolve) => (release = resolve)));
  const phase = new PlatformPhase(slots, 'local', 2, controller.signal);
  const sides = [phase.run(async () => 'base'), phase.run(async () => 'head')];
  controller.abort(new Error('superseded'));
  for (const s of await Promise.allSettled(sides)) assert.ok(s.status === 'rejected' && s.reason instanceof CancelledError);
  release();
  await busy;
});
