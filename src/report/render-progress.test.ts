import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../config/index.ts';
import type { CheckProgress, CheckResult } from '../model.ts';
import { evaluatePolicy } from '../policy/index.ts';
import { renderReport } from './render-report.ts';
import { pendingCell, renderProgressSummary } from './render-progress.ts';
import { renderTextAudit, renderTextPlatform } from './render-text.ts';
import { missingDepFinding } from './__fixtures__/scenarios.ts';
import { buildCheckResult, buildPlatform, PLATFORMS } from '../../test/helpers/check-result.ts';

const config = parseConfig(null);

/** amd64 settled, arm64 base measuring while its head waits, arm/v7 not started. */
function midCheck(): { result: CheckResult; progress: CheckProgress; settled: CheckResult } {
  const progress: CheckProgress = {
    stages: { 'linux/amd64': { base: 'done', head: 'done' }, 'linux/arm64': { base: 'measuring', head: 'queued' }, 'linux/arm/v7': { base: 'queued', head: 'queued' } },
    canaries: Object.fromEntries(PLATFORMS.map((p) => [p, ['magicdns']])),
    ram: true,
  };
  const amd64 = buildPlatform('linux/amd64', { head: { binaryGrowth: 300 * 1024, canaries: [{ name: 'magicdns', ok: true, detail: 'NOERROR' }] } });
  const pending = (platform: string) => ({ platform, emulated: true, base: null, head: null });
  const result = buildCheckResult({ findings: [missingDepFinding], platforms: [amd64, pending('linux/arm64'), pending('linux/arm/v7')], builds: { ran: 2, reused: 0 }, durationMs: 41_000 });
  return { result, progress, settled: { ...result, platforms: [amd64] } };
}

test('a report in progress: the audit with its fix first, figures for settled platforms, the stage for the others, no verdict', () => {
  const { result, progress, settled } = midCheck();
  const outcome = evaluatePolicy(settled, config);
  const md = renderReport(result, outcome, { progress });
  assert.match(md, /^<!-- bumpguard:report -->\n\n## ⏳ bumpguard checking: tailscale v1\.98\.5 → v1\.98\.8 \(patch\)\n/);
  assert.match(md, /audit: \*\*1 blocker\*\* · builds 2\/6 · head `c0ffee5`/);
  assert.match(md, /cannot pass unless it is fixed or accepted/);
  assert.ok(md.indexOf('advertiseexitnode needs peerapiserver') < md.indexOf('### Size'));
  assert.match(md, /```diff\n {2}--- a\/Dockerfile/);
  assert.match(md, /\| \*\*linux\/amd64\*\* \| [\d.]+ MiB → [\d.]+ MiB<br>\*\*▲/, 'settled: figures and their level');
  assert.match(md, /\| \*\*linux\/arm64\*\* \| measuring… \| measuring… \| measuring… \| measuring… \|/);
  assert.match(md, /\| \*\*linux\/arm\/v7\*\* 🧪 emulated \| queued \| — \| queued \| — \| — \|/);
  assert.match(md, /\| magicdns \| ✅ pass \| measuring… \| queued \|/);
  assert.doesNotMatch(md, /<details>|History/, 'details and history come with the verdict');
  assert.doesNotMatch(md, /bumpguard (passed|failed)/);
});

test('the status line counts the audit, the builds, and what the settled platforms found so far, within 139 characters', () => {
  const { progress, settled } = midCheck();
  const outcome = evaluatePolicy(settled, config);
  assert.equal(renderProgressSummary(outcome, progress), 'audit: 1 blocker · builds 2/6 · measured so far: 2 blockers, 2 warnings');
  const quiet = evaluatePolicy({ ...settled, findings: [], platforms: [] }, config);
  assert.equal(renderProgressSummary(quiet, progress), 'audit: no findings · builds 2/6');
  assert.ok(renderProgressSummary(outcome, progress, 20).length <= 20);
});

test('a platform shows the stage of the side at work', () => {
  const p = (base: CheckProgress['stages'][string]['base'], head: CheckProgress['stages'][string]['head']): CheckProgress => ({ stages: { x: { base, head } }, canaries: {}, ram: true });
  assert.equal(pendingCell(p('done', 'done'), 'x'), null);
  assert.equal(pendingCell(p('building', 'queued'), 'x'), 'building…');
  assert.equal(pendingCell(p('done', 'measuring'), 'x'), 'measuring…');
  assert.equal(pendingCell(p('queued', 'queued'), 'x'), 'queued');
  assert.equal(pendingCell(undefined, 'x'), null);
});

test('on a terminal: the audit section alone, then one platform\'s rows', () => {
  const { result, settled } = midCheck();
  const outcome = evaluatePolicy(settled, config);
  const audit = renderTextAudit(result, outcome);
  assert.match(audit, /^bumpguard audit: tailscale v1\.98\.5 → v1\.98\.8 \(patch\)\n\nBlockers \(1\)\n {2}x advertiseexitnode needs peerapiserver/);
  assert.match(audit, /suggested fix:/);
  assert.doesNotMatch(audit, /linux\/amd64/);
  const amd64 = renderTextPlatform(result, outcome, 'linux/amd64');
  assert.match(amd64, /^ {2}linux\/amd64 +compressed image/m);
  assert.match(amd64, /magicdns +linux\/amd64 +pass/);
  assert.doesNotMatch(amd64, /arm64/);
});
