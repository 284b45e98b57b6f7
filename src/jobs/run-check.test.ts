// runCheck on fake engines (no Docker): what is reused from the store, what an engine that is
// down or a repository's wrong engine name does to its platforms alone, and what is never stored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BumpDecision } from '../bump/index.ts';
import { parseConfig, type Config } from '../config/index.ts';
import { BuildError, CancelledError, UpstreamError, type SideResult, type SourceTree } from '../core/index.ts';
import { openDatabase, ResultStore } from '../store/index.ts';
import { BASE_SHA, buildSide, HEAD_SHA } from '../../test/helpers/check-result.ts';
import { fakeEngineProbe } from '../../test/helpers/fake-engines.ts';
import { engineKeyOf, sideKey } from './measure-side.ts';
import { CheckEngines, RuntimeSlots } from './engines.ts';
import { runCheck } from './run-check.ts';
import type { BuildFailure, CheckPorts, CheckRequest, CheckSnapshot, ProgressEvent } from './types.ts';

const REPO = 'routers/tailscale-mikrotik';
const AT = new Date('2026-03-02T10:00:00Z');
const VERSIONS = { base: 'v1.98.5', head: 'v1.98.8' };
const noBump: BumpDecision = { bump: null, bumps: [], ambiguous: false, versions: VERSIONS, markerRemoved: null };
const request = (over: Partial<CheckRequest> = {}): CheckRequest => ({
  repo: REPO,
  base: { ref: 'main', sha: BASE_SHA },
  head: { ref: 'renovate/tailscale-1.x', sha: HEAD_SHA },
  bump: noBump,
  ...over,
});

/** A source tree whose checkouts are empty directories (so a build there stops at the missing Dockerfile). */
async function emptySource(t: { after(fn: () => Promise<void>): void }) {
  const dir = await mkdtemp(join(tmpdir(), 'bumpguard-run-check-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const checkouts: string[] = [];
  const source: SourceTree = {
    readFile: async () => null,
    listFiles: async () => [],
    diff: async () => '',
    checkout: async (sha) => {
      checkouts.push(sha);
      return dir;
    },
    dispose: async () => undefined,
  };
  return { source, checkouts };
}

function setup(yaml = 'platforms: [linux/amd64, linux/arm64]') {
  const config: Config = parseConfig(yaml);
  const store = new ResultStore(openDatabase(':memory:'));
  const runtime = new RuntimeSlots(2);
  const engines = fakeEngineProbe({ local: 'linux/amd64' });
  const keyOf = (platform: string, side: 'base' | 'head') => {
    const engine = new CheckEngines(config, undefined, { docker: 'docker', env: {}, probe: engines.probe }).for(platform);
    return sideKey({
      repo: REPO,
      sha: side === 'base' ? BASE_SHA : HEAD_SHA,
      version: VERSIONS[side],
      platform,
      config,
      ...engineKeyOf(engine, runtime),
    }).key;
  };
  /** A measurement an earlier check stored, as the local amd64 engine measured it. */
  const stored = (platform: string, side: 'base' | 'head'): SideResult => {
    const result = { ...buildSide(platform, { cached: false }, side), engine: { name: 'local', platform: 'linux/amd64' } };
    store.saveResult(keyOf(platform, side), result, '2026-03-01T09:00:00Z');
    return result;
  };
  const events: ProgressEvent[] = [];
  const snapshots: CheckSnapshot[] = [];
  const failures: BuildFailure[] = [];
  const ports = (source: SourceTree, over: Partial<CheckPorts> = {}): CheckPorts => ({
    source,
    config,
    store,
    runtime,
    now: () => AT,
    signal: new AbortController().signal,
    probeEngine: engines.probe,
    upstream: { describe: 'no upstream', readFile: async () => null },
    onProgress: (e) => events.push(e),
    onSnapshot: (s) => snapshots.push(s),
    onBuildFailed: (f) => failures.push(f),
    ...over,
  });
  return { config, store, keyOf, stored, ports, engines, events, snapshots, failures };
}

const sides = (events: ProgressEvent[]) =>
  events.flatMap((e) => (e.phase === 'audit' ? [] : [`${e.platform} ${e.side} ${e.phase} ${e.state}`]));

test('every side stored: nothing is built, no engine is asked, and the stored figures are judged as they were', async (t) => {
  const s = setup();
  const { source, checkouts } = await emptySource(t);
  const expected = Object.fromEntries(
    ['linux/amd64', 'linux/arm64'].map((p) => [p, { base: s.stored(p, 'base'), head: s.stored(p, 'head') }]),
  );
  const result = await runCheck(request(), s.ports(source));
  assert.deepEqual(result.builds, { ran: 0, reused: 4 });
  assert.deepEqual(s.engines.asked, []);
  assert.deepEqual(checkouts, []);
  for (const p of result.platforms) {
    assert.deepEqual(p.base, { ...expected[p.platform]!.base, cached: true });
    assert.deepEqual(p.head, { ...expected[p.platform]!.head, cached: true });
  }
  // The stored sides say where they were measured: arm64 on an amd64 engine is emulated.
  assert.deepEqual(
    result.platforms.map((p) => [p.platform, p.emulated]),
    [
      ['linux/amd64', false],
      ['linux/arm64', true],
    ],
  );
  assert.deepEqual(sides(s.events).sort(), [
    'linux/amd64 base build cached',
    'linux/amd64 head build cached',
    'linux/arm64 base build cached',
    'linux/arm64 head build cached',
  ]);
  // The base is what the branch ships: it is the history's point for this check.
  assert.deepEqual(
    result.history.map((h) => [h.platform, h.version, h.commit]),
    [
      ['linux/amd64', 'v1.98.5', BASE_SHA],
      ['linux/arm64', 'v1.98.5', BASE_SHA],
    ],
  );
  assert.equal(result.finishedAt, AT.toISOString());
});

test('an engine that does not answer ends the side it had to build in error with the reason; stored sides are still reported', async (t) => {
  const s = setup();
  const { source } = await emptySource(t);
  const down = new BuildError('engine-unreachable', 'engine local unreachable: Cannot connect to the Docker daemon');
  const engines = fakeEngineProbe({ local: down });
  s.stored('linux/amd64', 'base');
  s.stored('linux/amd64', 'head');
  s.stored('linux/arm64', 'base');
  const result = await runCheck(request(), s.ports(source, { probeEngine: engines.probe }));
  const arm64 = result.platforms.find((p) => p.platform === 'linux/arm64')!;
  assert.deepEqual(arm64.head?.error && { code: arm64.head.error.code, message: arm64.head.error.message }, {
    code: 'engine-unreachable',
    message: down.userMessage,
  });
  assert.equal(arm64.base?.cached, true);
  assert.ok(result.platforms.find((p) => p.platform === 'linux/amd64')!.head?.analysis, 'amd64 is judged with its stored figures');
  assert.deepEqual(result.builds, { ran: 1, reused: 3 });
  assert.deepEqual(
    s.failures.map((f) => [f.platform, f.side, f.code]),
    [['linux/arm64', 'head', 'engine-unreachable']],
  );
  assert.deepEqual(
    sides(s.events).filter((e) => e.startsWith('linux/arm64 head')),
    ['linux/arm64 head build start', 'linux/arm64 head build failed'],
  );
  // The first snapshot already shows what the store had, before the build was tried.
  const first = s.snapshots[0]!.result.platforms.find((p) => p.platform === 'linux/amd64')!;
  assert.equal(first.head?.cached, true);
});

test('a platform the repository assigns to an engine the operator never defined fails alone, before any engine is asked', async (t) => {
  const s = setup('platforms: [linux/amd64, linux/arm64]\nbuilders:\n  linux/arm64: { engine: pi5 }\n');
  const { source } = await emptySource(t);
  s.stored('linux/amd64', 'base');
  s.stored('linux/amd64', 'head');
  const result = await runCheck(request(), s.ports(source));
  const arm64 = result.platforms.find((p) => p.platform === 'linux/arm64')!;
  for (const side of [arm64.base, arm64.head]) {
    assert.equal(side?.error?.code, 'engine-unknown');
    assert.match(side?.error?.message ?? '', /no engine named "pi5" is defined for this bot/);
  }
  assert.deepEqual(s.engines.asked, []);
  assert.deepEqual(result.builds, { ran: 0, reused: 2 });
});

test('/audit builds nothing: it judges with what the store holds for these commits, and a side never measured stays empty', async (t) => {
  const s = setup();
  const { source, checkouts } = await emptySource(t);
  s.stored('linux/amd64', 'base');
  s.stored('linux/amd64', 'head');
  s.stored('linux/arm64', 'base');
  const result = await runCheck(request({ auditOnly: true }), s.ports(source));
  const arm64 = result.platforms.find((p) => p.platform === 'linux/arm64')!;
  assert.equal(arm64.head, null);
  assert.equal(arm64.base?.cached, true);
  assert.deepEqual(result.builds, { ran: 0, reused: 3 });
  assert.deepEqual([s.engines.asked, checkouts], [[], []]);
});

test('a head rebuilt on request that fails leaves the stored good measurement in place', async (t) => {
  const s = setup();
  const { source, checkouts } = await emptySource(t);
  s.stored('linux/amd64', 'base');
  const good = s.stored('linux/amd64', 'head');
  const result = await runCheck(request({ platforms: ['linux/amd64'], noCache: true }), s.ports(source));
  const head = result.platforms[0]!.head!;
  assert.equal(head.error?.code, 'dockerfile-missing');
  assert.match(head.error?.message ?? '', /Dockerfile/);
  assert.deepEqual(checkouts, [HEAD_SHA], 'only the head was checked out');
  assert.deepEqual(result.builds, { ran: 1, reused: 1 });
  assert.deepEqual(s.store.findResult(s.keyOf('linux/amd64', 'head')), good);
});

test('a cancelled check rejects with CancelledError and reports no build failure', async (t) => {
  const s = setup();
  const { source } = await emptySource(t);
  const controller = new AbortController();
  controller.abort(new Error('superseded by a newer push'));
  await assert.rejects(
    runCheck(request({ platforms: ['linux/amd64'] }), s.ports(source, { signal: controller.signal })),
    (err) => err instanceof CancelledError,
  );
  assert.deepEqual(s.failures, []);
});

test('an upstream that cannot be read is one error finding, and the platforms are still measured', async (t) => {
  const s = setup();
  const { source } = await emptySource(t);
  for (const p of ['linux/amd64', 'linux/arm64']) for (const side of ['base', 'head'] as const) s.stored(p, side);
  const bump = { file: 'Dockerfile', line: 2, arg: 'TAILSCALE_VERSION', from: 'v1.98.5', to: 'v1.98.8', type: 'patch' as const };
  const upstream = {
    describe: 'github tailscale/tailscale',
    readFile: async (): Promise<string | null> => {
      throw new UpstreamError('upstream-unreachable', 'github tailscale/tailscale cannot be reached: getaddrinfo ENOTFOUND api.github.com');
    },
  };
  const result = await runCheck(request({ bump: { ...noBump, bump, bumps: [bump] } }), s.ports(source, { upstream }));
  const errors = result.findings.filter((f) => f.kind === 'infra-error');
  assert.equal(errors.length, 1, JSON.stringify(result.findings));
  assert.match(errors[0]!.message, /cannot be reached/);
  assert.deepEqual(result.builds, { ran: 0, reused: 4 });
});
