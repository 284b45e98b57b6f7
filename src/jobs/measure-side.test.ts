// measureSide on a fake engine (no Docker): the paths that end before an image exists. Each must
// give the platform's runtime phase back, so the other side of the platform never waits for it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../config/index.ts';
import { BuildError, CancelledError } from '../core/index.ts';
import { openDatabase, ResultStore } from '../store/index.ts';
import { buildSide, HEAD_SHA } from '../../test/helpers/check-result.ts';
import { fakeEngineProbe } from '../../test/helpers/fake-engines.ts';
import { CheckEngines, EngineSlots, PlatformPhase, RuntimeSlots } from './engines.ts';
import { engineKeyOf, measureSide, sideKey, type MeasureSideInput } from './measure-side.ts';
import type { BuildFailure, ProgressEvent } from './types.ts';

const PLATFORM = 'linux/amd64';

async function setup(
  t: { after(fn: () => Promise<void>): void },
  opts: { yaml?: string; files?: Record<string, string>; engine?: string | Error; signal?: AbortSignal } = {},
) {
  const dir = await mkdtemp(join(tmpdir(), 'bumpguard-measure-side-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const tree = join(dir, 'tree');
  for (const [path, text] of Object.entries(opts.files ?? {})) {
    await mkdir(join(tree, path, '..'), { recursive: true });
    await writeFile(join(tree, path), text);
  }
  await mkdir(tree, { recursive: true });
  const config = parseConfig(opts.yaml ?? `platforms: [${PLATFORM}]`);
  const { asked, probe } = fakeEngineProbe({ local: opts.engine ?? 'linux/amd64' });
  const engine = new CheckEngines(config, undefined, { docker: 'docker', env: {}, probe }).for(PLATFORM);
  const runtime = new RuntimeSlots(2);
  const signal = opts.signal ?? new AbortController().signal;
  const store = new ResultStore(openDatabase(':memory:'));
  const checkouts: string[] = [];
  const events: string[] = [];
  const failures: BuildFailure[] = [];
  // Two sides may arrive: the one under test and the other side of the platform.
  const phase = new PlatformPhase(runtime, engine.client.engine, 2, signal);
  const input: MeasureSideInput = {
    repo: 'routers/tailscale-mikrotik',
    side: 'head',
    sha: HEAD_SHA,
    version: 'v1.98.8',
    platform: PLATFORM,
    config,
    engine,
    store,
    fresh: false,
    source: {
      readFile: async () => null,
      listFiles: async () => [],
      diff: async () => '',
      dispose: async () => undefined,
      checkout: async (sha) => (checkouts.push(sha), tree),
    },
    scratchDir: dir,
    now: () => new Date('2026-03-02T10:00:00Z'),
    signal,
    lane: new EngineSlots(1),
    runtime,
    phase,
    onProgress: (e: ProgressEvent) => events.push(`${e.phase} ${e.state}`),
    onBuildFailed: (f) => failures.push(f),
  };
  const key = sideKey({ ...input, ...engineKeyOf(engine, runtime) }).key;
  /** Whether the other side of the platform gets its runtime phase now (it would wait forever for a side that kept its place). */
  const otherSideRuns = () => phase.run(async () => 'ran');
  return { input, store, key, asked, checkouts, events, failures, otherSideRuns };
}

test(
  'a side stored by an earlier check is reused: no engine, no checkout, and its place in the runtime phase is given up',
  { timeout: 5000 },
  async (t) => {
    const s = await setup(t);
    const stored = buildSide(PLATFORM, { cached: false }, 'head');
    s.store.saveResult(s.key, stored, '2026-03-01T09:00:00Z');
    const measured = await measureSide(s.input);
    assert.deepEqual(measured, { result: { ...stored, cached: true }, built: false });
    assert.deepEqual([s.asked, s.checkouts, s.events], [[], [], ['build cached']]);
    assert.equal(await s.otherSideRuns(), 'ran');
  },
);

test('a fresh side (/rebuild) ignores the stored one and goes to the engine', { timeout: 5000 }, async (t) => {
  const down = new BuildError('engine-unreachable', 'engine local unreachable: Cannot connect to the Docker daemon');
  const s = await setup(t, { engine: down });
  s.store.saveResult(s.key, buildSide(PLATFORM, {}, 'head'), '2026-03-01T09:00:00Z');
  const measured = await measureSide({ ...s.input, fresh: true });
  assert.equal(measured.result.error?.code, 'engine-unreachable');
  assert.deepEqual(s.asked, ['local']);
});

test("an engine that does not answer is this side's error, found before anything is checked out", { timeout: 5000 }, async (t) => {
  const down = new BuildError('engine-unreachable', 'engine local unreachable: Cannot connect to the Docker daemon');
  const s = await setup(t, { engine: down });
  const measured = await measureSide(s.input);
  assert.equal(measured.built, true);
  assert.deepEqual(measured.result.error, { message: down.userMessage, logTail: '', code: 'engine-unreachable' });
  assert.equal(measured.result.analysis, null);
  assert.deepEqual(s.checkouts, []);
  assert.deepEqual(s.events, ['build start', 'build failed']);
  assert.deepEqual(
    s.failures.map((f) => [f.side, f.code]),
    [['head', 'engine-unreachable']],
  );
  assert.equal(s.store.findResult(s.key), null, 'a failure is never stored as a measurement');
  assert.equal(await s.otherSideRuns(), 'ran');
});

test('a build context missing at the commit names the config key to fix', { timeout: 5000 }, async (t) => {
  const s = await setup(t, { yaml: `platforms: [${PLATFORM}]\ncontext: docker\n`, files: { Dockerfile: 'FROM scratch\n' } });
  const measured = await measureSide(s.input);
  assert.equal(measured.result.error?.code, 'context-missing');
  assert.match(measured.result.error?.message ?? '', /context/);
  assert.match(measured.result.error?.message ?? '', /docker/);
  assert.deepEqual(s.checkouts, [HEAD_SHA]);
  assert.equal(await s.otherSideRuns(), 'ran');
});

test(
  'an untrusted head whose Dockerfile downloads from a URL is refused before any build, and says which line',
  { timeout: 5000 },
  async (t) => {
    const dockerfile = 'FROM scratch\nADD https://example.org/payload.tar.gz /payload.tar.gz\n';
    const s = await setup(t, { files: { Dockerfile: dockerfile } });
    const measured = await measureSide({ ...s.input, untrusted: true });
    assert.equal(measured.result.error?.code, 'build-refused');
    assert.match(measured.result.error?.message ?? '', /line 2 downloads https:\/\/example\.org\/payload\.tar\.gz/);
    assert.match(measured.result.error?.message ?? '', /BUMPGUARD_UNTRUSTED_NETWORK/);
    assert.deepEqual(
      s.failures.map((f) => f.code),
      ['build-refused'],
    );
    assert.equal(await s.otherSideRuns(), 'ran');
  },
);

test('a cancelled side throws CancelledError, reports no build failure and gives up its place', { timeout: 5000 }, async (t) => {
  const controller = new AbortController();
  controller.abort(new Error('superseded'));
  const s = await setup(t, { signal: controller.signal });
  await assert.rejects(measureSide(s.input), (err) => err instanceof CancelledError);
  assert.deepEqual(s.failures, []);
  assert.deepEqual(s.checkouts, []);
});
