import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { memoryCgroup, parseCgroupBytes, parseProcCgroup } from './parse-cgroup.ts';

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
