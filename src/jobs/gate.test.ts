import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildCheckResult } from '../../test/helpers/check-result.ts';
import { InterimReports, type Timers } from './gate.ts';
import type { CheckSnapshot } from './types.ts';

function clock() {
  let now = 0;
  const due: { at: number; fn: () => void }[] = [];
  const timers: Timers = {
    now: () => now,
    after(ms, fn) {
      const entry = { at: now + ms, fn };
      due.push(entry);
      return () => void due.splice(due.indexOf(entry), 1);
    },
  };
  const advance = (ms: number) => {
    now += ms;
    for (const entry of due.filter((d) => d.at <= now)) {
      due.splice(due.indexOf(entry), 1);
      entry.fn();
    }
  };
  return { timers, advance, pending: () => due.length };
}

const snap = (label: string): CheckSnapshot => ({
  result: { ...buildCheckResult({ platforms: [] }), headRef: label },
  progress: { stages: {}, canaries: {}, ram: true },
});

test('interim reports: the first is written at once, later ones at most one per interval with the latest state', async () => {
  const c = clock();
  const written: string[] = [];
  const reports = new InterimReports({ timers: c.timers, intervalMs: 15_000, write: async (s) => void written.push(s.result.headRef) });
  reports.update(snap('audit'));
  c.advance(4_000);
  reports.update(snap('amd64'));
  c.advance(4_000);
  reports.update(snap('arm64'));
  await new Promise(setImmediate);
  assert.deepEqual(written, ['audit']);
  c.advance(7_000);
  await new Promise(setImmediate);
  assert.deepEqual(written, ['audit', 'arm64'], 'amd64 was replaced by the newer state before its turn');
  c.advance(20_000);
  reports.update(snap('arm/v7'));
  await reports.settle();
  assert.deepEqual(written, ['audit', 'arm64', 'arm/v7'], 'a quiet interval lets the next state through at once');
});

test('interim reports: settle drops what is scheduled, waits for a write under way, and takes no more', async () => {
  const c = clock();
  const written: string[] = [];
  let release = () => {};
  const reports = new InterimReports({
    timers: c.timers,
    write: (s) =>
      new Promise<void>((resolve) => {
        release = () => {
          written.push(s.result.headRef);
          resolve();
        };
      }),
  });
  reports.update(snap('audit'));
  reports.update(snap('amd64'));
  assert.equal(c.pending(), 1);
  let settled = false;
  const done = reports.settle().then(() => (settled = true));
  await Promise.resolve();
  assert.equal(settled, false, 'the write under way is waited for');
  assert.equal(c.pending(), 0, 'the scheduled write is dropped');
  release();
  await done;
  reports.update(snap('late'));
  c.advance(60_000);
  assert.deepEqual(written, ['audit']);
});
