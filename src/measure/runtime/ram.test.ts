import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it, test } from 'node:test';
import {
  findTopProcess,
  isEmulated,
  matchesProcess,
  memoryCgroup,
  parseCgroupBytes,
  parseEngineStats,
  parseEngineTop,
  parseProcCgroup,
  parseProcStatus,
  presentValues,
  ramStats,
  runFigures,
} from './ram.ts';

describe('ramStats', () => {
  it('gives the median and max−min spread of an odd number of runs', () => {
    assert.deepStrictEqual(ramStats([23_060_480, 22_507_520, 22_798_336]), {
      runs: [23_060_480, 22_507_520, 22_798_336],
      median: 22_798_336,
      spread: 552_960,
    });
  });

  it('averages the middle two of an even number of runs', () => {
    assert.deepStrictEqual(ramStats([4, 1, 3, 2]), { runs: [4, 1, 3, 2], median: 3, spread: 3 });
  });

  it('is null without runs', () => {
    assert.equal(ramStats([]), null);
  });
});

describe('runFigures', () => {
  it('takes the highest VmRSS and VmHWM seen, skipping unreadable samples', () => {
    assert.deepStrictEqual(
      runFigures([
        { rssBytes: 100, hwmBytes: 120 },
        { rssBytes: null, hwmBytes: null },
        { rssBytes: 110, hwmBytes: 130 },
      ]),
      { rss: 110, hwm: 130 },
    );
    assert.deepStrictEqual(runFigures([{ rssBytes: null, hwmBytes: null }]), { rss: null, hwm: null });
    assert.deepStrictEqual(presentValues([1, null, 2]), [1, 2]);
  });
});

describe('isEmulated', () => {
  it("labels every platform but the engine's own as emulated", () => {
    assert.equal(isEmulated('linux/amd64', 'linux/amd64'), false);
    assert.equal(isEmulated('linux/arm64', 'linux/amd64'), true);
    assert.equal(isEmulated('linux/arm/v7', 'linux/amd64'), true);
  });

  it('treats spelling variants of the same platform as native', () => {
    assert.equal(isEmulated('linux/arm64/v8', 'linux/arm64'), false);
    assert.equal(isEmulated('linux/arm', 'linux/arm/v7'), false);
    assert.equal(isEmulated('linux/arm/v6', 'linux/arm/v7'), true);
  });
});

test("a process matches by command name, or by an argv word bare or as a path's last part", () => {
  assert.equal(matchesProcess('routerd', 'routerd', ['/usr/local/bin/routerd']), true);
  assert.equal(matchesProcess('tailscaled', 'tailscale.combi', ['/usr/local/bin/tailscaled', '--state=mem:']), true);
  assert.equal(matchesProcess('httpd', 'busybox', ['/bin/busybox', 'httpd', '-f']), true);
  assert.equal(matchesProcess('httpd', 'busybox', ['/bin/busybox', 'sleep', '600']), false);
  assert.equal(matchesProcess('d', 'routerd', ['/usr/local/bin/routerd']), false, 'no substring matches');
});

const ID = '33638a32b6367163168be6e2878ee7c4db93d0da5b5b55063aa521cc52b756ed';

describe('parseProcCgroup + memoryCgroup', () => {
  it('uses the v1 memory controller on a hybrid host (this CI machine) and its max_usage file', () => {
    const cg = parseProcCgroup(readFileSync(new URL('./__fixtures__/proc/cgroup-v1-docker.txt', import.meta.url), 'utf8'));
    assert.equal(cg.v1.memory, `/docker/${ID}`);
    assert.equal(cg.unified, `/docker/${ID}`);
    assert.deepStrictEqual(memoryCgroup(cg), {
      version: '1',
      dir: `/sys/fs/cgroup/memory/docker/${ID}`,
      peakFile: `/sys/fs/cgroup/memory/docker/${ID}/memory.max_usage_in_bytes`,
    });
  });

  it('splits combined v1 controllers such as cpu,cpuacct', () => {
    const cg = parseProcCgroup('4:cpu,cpuacct:/docker/abc\n3:memory:/docker/abc\n');
    assert.deepStrictEqual(cg, { v1: { cpu: '/docker/abc', cpuacct: '/docker/abc', memory: '/docker/abc' }, unified: null });
  });

  it('reads memory.peak of the systemd scope on a pure v2 host', () => {
    const cg = parseProcCgroup(`0::/system.slice/docker-${ID}.scope\n`);
    assert.deepStrictEqual(memoryCgroup(cg, '/sys/fs/cgroup'), {
      version: '2',
      dir: `/sys/fs/cgroup/system.slice/docker-${ID}.scope`,
      peakFile: `/sys/fs/cgroup/system.slice/docker-${ID}.scope/memory.peak`,
    });
  });

  it('finds no memory cgroup in empty input', () => {
    assert.equal(memoryCgroup(parseProcCgroup('')), null);
  });
});

describe('parseCgroupBytes', () => {
  it('reads a counter and refuses "max" and garbage', () => {
    assert.equal(parseCgroupBytes('18321408\n'), 18_321_408);
    assert.equal(parseCgroupBytes('max\n'), null);
    assert.equal(parseCgroupBytes(''), null);
  });
});

describe('parseProcStatus', () => {
  it('reads name, pid, VmRSS and VmHWM in bytes from a real status file (routerd under qemu-arm)', () => {
    const text = readFileSync(new URL('./__fixtures__/proc/status-routerd-qemu-armv7.txt', import.meta.url), 'utf8');
    assert.deepStrictEqual(parseProcStatus(text), { name: 'routerd', pid: 7336, vmRssBytes: 22264 * 1024, vmHwmBytes: 22264 * 1024 });
  });

  it('has no memory figures for a kernel thread, which lacks the Vm lines', () => {
    assert.deepStrictEqual(parseProcStatus('Name:\tkworker/0:1\nState:\tI (idle)\nPid:\t12\n'), {
      name: 'kworker/0:1',
      pid: 12,
      vmRssBytes: null,
      vmHwmBytes: null,
    });
  });

  it('returns null for text that is not a status file', () => {
    assert.equal(parseProcStatus(''), null);
    assert.equal(parseProcStatus("cat: can't open '/proc/1/status': No such file or directory\n"), null);
  });
});

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./__fixtures__/engine/${name}`, import.meta.url), 'utf8'));

// Recorded from Docker 20.10 (cgroup v1): a FROM scratch image whose entrypoint starts busybox
// httpd in the background and execs busybox sleep, so comm is "busybox" for both.
test("reads pid, RSS (KiB → bytes), comm and argv from the engine host's ps", () => {
  assert.deepStrictEqual(parseEngineTop(fixture('top-two-processes.json')), [
    { pid: 11269, rssBytes: 1376 * 1024, comm: 'busybox', argv: ['/bin/busybox', 'sleep', '1000'] },
    { pid: 11298, rssBytes: 1528 * 1024, comm: 'busybox', argv: ['/bin/busybox', 'httpd', '-f', '-p', '127.0.0.1:8080'] },
  ]);
  assert.equal(parseEngineTop({ Titles: ['UID', 'PID', 'CMD'], Processes: [['0', '1', 'x']] }), null, 'ps without the rss column');
  assert.equal(parseEngineTop({ message: 'No such container' }), null);
});

test("ram.process picks a busybox applet by its argv; without it the container's init process is measured", () => {
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
