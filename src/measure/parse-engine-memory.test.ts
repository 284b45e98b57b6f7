import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { findTopProcess, parseEngineStats, parseEngineTop } from './parse-engine-memory.ts';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./__fixtures__/engine/${name}`, import.meta.url), 'utf8'));

// Recorded from Docker 20.10 (cgroup v1): a FROM scratch image whose entrypoint starts busybox
// httpd in the background and execs busybox sleep, so comm is "busybox" for both.
test('reads pid, RSS (KiB → bytes), comm and argv from the engine host\'s ps', () => {
  assert.deepStrictEqual(parseEngineTop(fixture('top-two-processes.json')), [
    { pid: 11269, rssBytes: 1376 * 1024, comm: 'busybox', argv: ['/bin/busybox', 'sleep', '1000'] },
    { pid: 11298, rssBytes: 1528 * 1024, comm: 'busybox', argv: ['/bin/busybox', 'httpd', '-f', '-p', '127.0.0.1:8080'] },
  ]);
  assert.equal(parseEngineTop({ Titles: ['UID', 'PID', 'CMD'], Processes: [['0', '1', 'x']] }), null, 'ps without the rss column');
  assert.equal(parseEngineTop({ message: 'No such container' }), null);
});

test('ram.process picks a busybox applet by its argv; without it the container\'s init process is measured', () => {
  const top = parseEngineTop(fixture('top-two-processes.json'))!;
  assert.equal(findTopProcess(top, 'httpd', 11269)?.pid, 11298);
  assert.equal(findTopProcess(top, undefined, 11269)?.pid, 11269);
  assert.equal(findTopProcess(top, 'tailscaled', 11269)?.pid, 11269, 'a name that is not running falls back to init, as on the host path');
  assert.equal(findTopProcess([], undefined, 1), null);
});

test('cgroup v1 stats: total_rss and max_usage (memory.max_usage_in_bytes)', () => {
  assert.deepStrictEqual(parseEngineStats(fixture('stats-cgroup-v1.json')), { rssBytes: 49152, peakBytes: 4079616, cgroupVersion: '1' });
});

// Written in the shape Docker 20.10 returns on a cgroup v2 host (memory.stat keys, no max_usage);
// these machines are cgroup v1, so it is not a recording.
test('cgroup v2 stats: anon, and no peak because the API has none', () => {
  assert.deepStrictEqual(parseEngineStats(fixture('stats-cgroup-v2.json')), { rssBytes: 233472, peakBytes: null, cgroupVersion: '2' });
  assert.deepStrictEqual(parseEngineStats({ message: 'gone' }), { rssBytes: null, peakBytes: null, cgroupVersion: null });
});
