import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderSummary, SUMMARY_MAX } from './render-summary.ts';
import { SCENARIOS, cleanBump, missingBaseline, sizeRegressionArm64 } from './__fixtures__/scenarios.ts';

test('a failure names the first blocker', () => {
  assert.equal(renderSummary(sizeRegressionArm64().outcome),
    'failed: 2 blockers · 2 warnings — linux/arm64 compressed image grew +296.5 KiB (+8.1%), over the fail level 128 KiB and 3%');
});

test('a pass names the largest image growth', () => {
  assert.equal(renderSummary(cleanBump().outcome), 'passed: no findings — largest compressed image Δ: linux/amd64 +12.2 KiB (+0.31%) → 3.83 MiB');
});

test('a missing baseline fails and the status line says the way out', () => {
  assert.match(renderSummary(missingBaseline().outcome), /^failed: 1 blocker — no baseline: fix the base build, or \/accept size <reason> — linux\/arm64 at 3f9c2a7: /);
});

test('every scenario fits a Gitea status description (< 140 characters)', () => {
  for (const [name, make] of Object.entries(SCENARIOS)) {
    const line = renderSummary(make().outcome);
    assert.ok(line.length <= SUMMARY_MAX && !line.includes('\n'), `${name}: ${line.length}`);
  }
});
