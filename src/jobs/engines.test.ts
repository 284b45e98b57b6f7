import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakeEngineProbe } from '../../test/helpers/fake-engines.ts';
import { parseConfig, parseEngineDefinitions } from '../config/index.ts';
import { BuildError, CancelledError } from '../core/index.ts';
import { localDockerClient } from '../engine/index.ts';
import { CheckEngines, EngineSlots, PlatformPhase, platformResult, RuntimeSlots } from './engines.ts';

const never = new AbortController().signal;
const definitions = parseEngineDefinitions(
  JSON.stringify([{ name: 'pi5', host: 'ssh://pi@pi5.lan', platforms: ['linux/arm64'] }]),
  'BUMPGUARD_ENGINES',
);
const config = parseConfig('platforms: [linux/amd64, linux/arm64, linux/arm/v7]');

function engines(answers: Record<string, string | Error>) {
  const { asked, probe } = fakeEngineProbe({ local: 'linux/amd64', ...answers });
  return { asked, check: new CheckEngines(config, { definitions, repoBuilders: 'warn' }, { docker: '/usr/bin/docker', env: {}, probe }) };
}

test('each engine is asked once per check, however many platforms use it, and only when one needs it', async () => {
  const { asked, check } = engines({ local: 'linux/amd64', pi5: 'linux/arm64' });
  const [amd64, arm64, armv7] = config.platforms.map((p) => check.for(p));
  assert.deepEqual(arm64!.client, {
    engine: 'pi5',
    file: '/usr/bin/docker',
    args: ['--host', 'ssh://pi@pi5.lan'],
    env: { DOCKER_TLS_VERIFY: '', DOCKER_TLS: '', DOCKER_CERT_PATH: '' },
  });
  assert.deepEqual(amd64!.client, localDockerClient('/usr/bin/docker'));
  assert.equal(arm64!.info(), null, 'not asked yet');
  await Promise.all([amd64!.ready(never), armv7!.ready(never), amd64!.ready(never)]);
  assert.deepEqual(asked, ['local']);
  await arm64!.ready(never);
  assert.deepEqual(asked, ['local', 'pi5']);
  assert.equal(arm64!.info()?.hostPlatform, 'linux/arm64');
});

test('an engine that does not answer fails every platform on it, and it alone', async () => {
  const down = new BuildError('engine-unreachable', 'engine pi5 unreachable: ssh: connect to host pi5.lan port 22: Connection refused');
  const { check } = engines({ local: 'linux/amd64', pi5: down });
  await assert.rejects(check.for('linux/arm64').ready(never), (err) => err === down);
  await assert.rejects(check.for('linux/arm64').ready(never), (err) => err === down);
  assert.equal((await check.for('linux/amd64').ready(never)).hostPlatform, 'linux/amd64');
  assert.equal(check.for('linux/arm64').info(), null);
});

test("figures are native on an engine of the platform's CPU, emulated elsewhere, and stored sides say where they ran", async () => {
  const { check } = engines({ local: 'linux/amd64', pi5: 'linux/arm64' });
  const arm64 = check.for('linux/arm64');
  await arm64.ready(never);
  assert.deepEqual(pick(platformResult('linux/arm64', arm64, { base: null, head: null })), {
    emulated: false,
    engine: { name: 'pi5', platform: 'linux/arm64' },
  });
  const armv7 = check.for('linux/arm/v7');
  await armv7.ready(never);
  assert.deepEqual(pick(platformResult('linux/arm/v7', armv7, { base: null, head: null })), {
    emulated: true,
    engine: { name: 'local', platform: 'linux/amd64' },
  });
  // Both sides from the store: no engine was asked, the stored label says where they were measured.
  const stored = {
    commit: 'c',
    version: null,
    cached: true,
    analysis: null,
    ram: null,
    canaries: [],
    engine: { name: 'pi5', platform: 'linux/arm64' },
  };
  const fresh = engines({}).check.for('linux/arm64');
  assert.deepEqual(pick(platformResult('linux/arm64', fresh, { base: stored, head: stored })), {
    emulated: false,
    engine: { name: 'pi5', platform: 'linux/arm64' },
  });
});

const pick = (p: { emulated: boolean; engine?: unknown }) => ({ emulated: p.emulated, engine: p.engine });

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

test("an engine's own limit (the operator's slots) replaces the default for it alone", async () => {
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

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('a platform phase runs base and head together in one runtime slot, once both arrived, and both record the same concurrency', async () => {
  const slots = new RuntimeSlots(1);
  const phase = new PlatformPhase(slots, 'local', 2, new AbortController().signal);
  const started: string[] = [];
  const side = (name: string) =>
    phase.run(async (p) => {
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
  assert.deepEqual(
    results.map((r) => [r.concurrency, r.active]),
    [
      [{ limit: 1, peak: 1 }, 1],
      [{ limit: 1, peak: 1 }, 1],
    ],
  );
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
