import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { parseConfig } from '../config/index.ts';
import { judgeSnapshot, type CheckSnapshot } from '../jobs/index.ts';
import type { CheckProgress } from '../core/index.ts';
import { missingDepFinding } from '../report/__fixtures__/scenarios.ts';
import { buildCheckResult, buildPlatform, PLATFORMS } from '../../test/helpers/check-result.ts';
import { createProgress } from './progress.ts';

function sink(): { out: Writable; text: () => string } {
  let text = '';
  const out = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  // eslint-disable-next-line no-control-regex -- the terminal's erase-line escape is what it strips
  return { out, text: () => text.replace(/\r\x1b\[2K(\[ *\d+s\] [^\n\r]*)?/g, '') };
}

function snapshot(settled: string[]): CheckSnapshot {
  const progress: CheckProgress = {
    stages: Object.fromEntries(
      PLATFORMS.map((p) => [p, settled.includes(p) ? { base: 'done', head: 'done' } : { base: 'building', head: 'queued' }]),
    ),
    canaries: {},
    ram: true,
  };
  const platforms = PLATFORMS.map((p) =>
    settled.includes(p) ? buildPlatform(p) : { platform: p, emulated: false, base: null, head: null },
  );
  return { result: buildCheckResult({ findings: [missingDepFinding], platforms }), progress };
}

test('check on a terminal: the audit section as soon as it is known, then each platform once, as it settles', () => {
  const { out, text } = sink();
  const config = parseConfig(null);
  const progress = createProgress(
    out,
    'tty',
    () => 0,
    (s) => judgeSnapshot(s, config),
  );
  progress.onSnapshot(snapshot([]));
  assert.match(
    text(),
    /^bumpguard audit: tailscale v1\.98\.5 → v1\.98\.8 \(patch\)\n\nBlockers \(1\)\n {2}x advertiseexitnode needs peerapiserver/,
  );
  assert.doesNotMatch(text(), /compressed image/);
  progress.onSnapshot(snapshot(['linux/arm64']));
  progress.onSnapshot(snapshot(['linux/arm64']));
  progress.onSnapshot(snapshot(['linux/arm64', 'linux/amd64']));
  const rows = text()
    .split('\n')
    .filter((l) => /^ {2}linux\/\S+ +compressed image/.test(l))
    .map((l) => l.trim().split(/\s+/)[0]);
  assert.deepEqual(rows, ['linux/arm64', 'linux/amd64'], 'each platform printed once, in the order it settled');
  assert.equal(text().match(/bumpguard audit:/g)?.length, 1);
  progress.done();
});

test('check in CI or with --json prints no sections', () => {
  for (const mode of ['lines', 'quiet'] as const) {
    const { out, text } = sink();
    const progress = createProgress(
      out,
      mode,
      () => 0,
      (s) => judgeSnapshot(s, parseConfig(null)),
    );
    progress.onSnapshot(snapshot(['linux/amd64']));
    assert.doesNotMatch(text(), /bumpguard audit:|compressed image/);
  }
});
