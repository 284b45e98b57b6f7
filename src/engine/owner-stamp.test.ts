import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { judgeLeftover, LEFTOVER_AGE_MS, parseStamp, stampedTag, stampOf, type Owner } from './owner-stamp.ts';
import { processOwner, processRuns } from './process-owner.ts';

const NOW = Date.UTC(2026, 11, 6, 12);
const self: Owner = { place: 'a1b2c3d4e5f6', pid: 4242, start: '2k3j', database: 'x' };
const sibling: Owner = { ...self, pid: 777, start: '1zz' };
const elsewhere: Owner = { ...sibling, place: '0f0f0f0f0f0f' };
const runningPids = new Set(['777 1zz']);
const runs = (pid: number, start: string) => runningPids.has(`${pid} ${start}`);
const judge = (owner: Owner | null, ageMs: number, as: Owner = self, engineTimeMs: number | null = null) =>
  judgeLeftover({ stamp: owner && { owner, createdMs: NOW - ageMs }, engineTimeMs }, as, NOW, runs);

describe('stamps', () => {
  it('read back what was written, in a tag of at most 128 characters', () => {
    const tag = stampedTag('bumpguard-measure', { ...self, database: '9e8d7c6b5a49' }, NOW, `test-shellless-${'x'.repeat(120)}`);
    const name = tag.slice('bumpguard-measure:'.length);
    assert.equal(name.length, 128);
    assert.match(name, /^[\w][\w.-]*$/);
    assert.deepEqual(parseStamp(name), { owner: { ...self, database: '9e8d7c6b5a49' }, createdMs: NOW });
    assert.deepEqual(parseStamp(stampOf(self, NOW)), { owner: self, createdMs: NOW });
  });

  it("are not read into an older bumpguard's uuid tags or a stranger's label", () => {
    for (const text of ['5925058a-ad8e-48cf-8118-e846d307a068', 'db-under-test/a-killed-process', 'b1.x', 'b1.a.0.b.c.d', ''])
      assert.equal(parseStamp(text), null, text);
  });

  it('describe this process on Linux: its pid namespace on this boot, and its start', () => {
    const owner = processOwner({ database: 'db-1' });
    assert.match(owner.place, /^[0-9a-f]{12}$/);
    assert.equal(owner.pid, process.pid);
    assert.ok(processRuns(owner.pid, owner.start), 'this process runs');
    assert.equal(processRuns(owner.pid, `${owner.start}0`), false, 'a reused pid is another process');
    assert.notEqual(owner.database, processOwner({ database: 'db-2' }).database);
    assert.equal(processOwner().database, 'x');
    assert.equal(processOwner().place, owner.place, 'one place for every process of this pid namespace');
  });
});

describe('judgeLeftover', () => {
  it('removes what a process of this pid namespace left when it died, at any age', () => {
    assert.deepEqual(judge({ ...sibling, pid: 778 }, 60_000), { remove: true, why: 'its process 778 has exited' });
    assert.equal(judge({ ...sibling, start: '1zy' }, 60_000).remove, true, 'its pid now belongs to a later process');
  });

  it('keeps what a running process made, however old, and its own', () => {
    assert.equal(judge(sibling, 3 * LEFTOVER_AGE_MS).remove, false);
    assert.deepEqual(judge(self, 0), { remove: false, why: 'made by this process' });
  });

  it('judges what another host or container made by its age only: removed after a day', () => {
    assert.equal(judge(elsewhere, LEFTOVER_AGE_MS - 60_000).remove, false);
    assert.equal(judge(elsewhere, LEFTOVER_AGE_MS + 60_000).remove, true);
  });

  it("removes an earlier serve's objects of this serve's database at once, and not another database's", () => {
    const serve = { ...self, database: 'dddddddddddd' };
    assert.equal(judge({ ...elsewhere, database: 'dddddddddddd' }, 60_000, serve).remove, true);
    assert.equal(judge({ ...elsewhere, database: 'eeeeeeeeeeee' }, 60_000, serve).remove, false);
    assert.equal(judge({ ...sibling, database: 'dddddddddddd' }, 60_000, serve).remove, false, 'but never while its process runs');
    assert.equal(judge({ ...elsewhere }, 60_000, serve).remove, false, "a CLI run's");
  });

  it("judges an older bumpguard's objects by the engine's time, and keeps them when it has none", () => {
    assert.equal(judge(null, 0, self, NOW - LEFTOVER_AGE_MS - 1).remove, true);
    assert.equal(judge(null, 0, self, NOW - 60_000).remove, false);
    assert.equal(judge(null, 0, self, null).remove, false);
  });

  it('never compares pids where the place is unknown (not Linux)', () => {
    const unknown = { ...self, place: 'x' };
    assert.equal(judge({ ...unknown, pid: 778 }, 60_000, unknown).remove, false);
  });
});
