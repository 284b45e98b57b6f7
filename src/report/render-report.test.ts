import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildCheckResult, buildPlatform, PLATFORMS, ram } from '../../test/helpers/check-result.ts';
import { parseConfig } from '../config/index.ts';
import type { CheckProgress, CheckResult } from '../core/index.ts';
import { evaluatePolicy } from '../policy/index.ts';
import {
  acceptedOverride,
  buildFailureArmV7,
  canaryFailure,
  cleanBump,
  engineDownArm64,
  missingBaseline,
  missingDep,
  missingDepFinding,
  oversized,
  SCENARIOS,
  sizeRegressionArm64,
} from './__fixtures__/scenarios.ts';
import { renderJson } from './json.ts';
import { MARKER } from './markdown.ts';
import { renderProgressSummary, renderReport, renderSummary, SUMMARY_MAX } from './render-report.ts';
import { renderText, renderTextAudit, renderTextPlatform } from './text.ts';
import { pendingCell } from './tables.ts';

const MiB = 1024 * 1024;

function lines(md: string): string[] {
  return md.split('\n');
}

function row(md: string, arch: string, section: string): string {
  const from = md.indexOf(`### ${section}`);
  const found = lines(md.slice(from)).find((l) => l.startsWith(`| **${arch}**`));
  assert.ok(found, `no ${section} row for ${arch}`);
  return found;
}

test('clean bump: marker first, passed header, small deltas, history chart and table, commands footer', () => {
  const { result, outcome } = cleanBump();
  const md = renderReport(result, outcome);
  assert.equal(lines(md)[0], MARKER);
  assert.ok(md.includes('\n## ✅ bumpguard passed: tailscale v1.98.5 → v1.98.8 (patch)\n'));
  assert.ok(
    md.includes(
      'no findings · head `c0ffee5` (`renovate/tailscale-1.x` → `main`) · 3 builds ran, 3 reused · 4m 11s, finished 2025-11-25 12:34 UTC',
    ),
  );
  assert.ok(!md.includes('### Findings'));
  assert.match(row(md, 'linux/arm64', 'Size'), /^\| \*\*linux\/arm64\*\* \| 3\.55 MiB → 3\.57 MiB<br>▲ \+12\.2 KiB \(\+0\.34%\) \|/);
  for (const arch of ['linux/amd64', 'linux/arm64', 'linux/arm/v7']) assert.ok(!/[🔴🟡]/u.test(row(md, arch, 'Size')), arch);
  assert.ok(md.includes('```mermaid\nxychart-beta\n  title "linux/amd64 compressed image (MiB)"'));
  assert.match(md, /^\| \*\*v1\.98\.8 \(this PR\)\*\* \| `c0ffee5` \| 2025-11-25 \|/m);
  assert.ok(md.trimEnd().endsWith('`/accept <size|ram|canary|audit|all> <reason>` · `/help` · bumpguard</sub>'));
});

test('size regression on arm64 only: the arm64 row is marked, the others are not, and the culprit file is named', () => {
  const { result, outcome } = sizeRegressionArm64();
  const md = renderReport(result, outcome);
  assert.ok(md.includes('## ❌ bumpguard failed:'));
  assert.ok(md.includes('**2 blockers** · 2 warnings'));
  assert.ok(row(md, 'linux/arm64', 'Size').includes('**▲ +296.5 KiB (+8.1%) 🔴**'));
  for (const arch of ['linux/amd64', 'linux/arm/v7']) assert.ok(!/[🔴🟡]/u.test(row(md, arch, 'Size')), arch);
  assert.ok(md.includes('- linux/arm64: mostly `/usr/local/bin/tailscale.combined` +298 KiB'));
  assert.ok(md.includes('- linux/arm64 compressed image grew +296.5 KiB (+8.1%), over the fail level 128 KiB and 3%\n'));
  assert.ok(md.includes('| `/usr/local/bin/tailscale.combined` | 3.25 MiB | 3.54 MiB | +298 KiB |'), 'top movers in arm64 details');
});

test('missing-dep blocker: explained, marked new in this bump, with the recipe fix as a diff block', () => {
  const { result, outcome } = missingDep();
  const md = renderReport(result, outcome);
  assert.ok(md.includes('#### ❌ Blockers (1)'));
  assert.ok(md.includes('**missing-dep** — An opted-in feature depends on a feature the recipe omits.'));
  assert.ok(
    md.includes(
      '- advertiseexitnode needs peerapiserver (new dependency in v1.98.8), which the recipe omits: exit-node clients will get DNS SERVFAIL · 🆕 **new in this bump**',
    ),
  );
  assert.ok(md.includes('  ```diff\n  --- a/Dockerfile\n  +++ b/Dockerfile\n'));
  assert.ok(md.includes("  +      -e 's/ts_omit_peerapiserver,\\{0,1\\}//g' \\\n"));
  assert.ok(md.includes('#### ⚠️ Warnings (1)'));
});

test('a finding already true at base says so', () => {
  const base = missingDep();
  const findings = base.result.findings.map((f) => ({ ...f, introduced: false }));
  const result = { ...base.result, findings };
  const md = renderReport(result, evaluatePolicy(result, parseConfig(null)));
  assert.ok(md.includes('exit-node clients will get DNS SERVFAIL · ↩️ _already at base_'));
});

test('canary failure: the canary × arch table shows the failing assertion and the observed value', () => {
  const { result, outcome } = canaryFailure();
  const md = renderReport(result, outcome);
  assert.ok(md.includes('| canary | linux/amd64 | linux/arm64 | linux/arm/v7 |'));
  assert.ok(md.includes('| magicdns-forwarder | ✅ pass | ❌ expected status NOERROR, got SERVFAIL | ✅ pass |'));
  assert.ok(md.includes('> 1 blocker: canary magicdns-forwarder failed on linux/arm64: expected status NOERROR, got SERVFAIL'));
});

test('missing baseline: a failure whose reason up top says the way out, and the arch row says no baseline', () => {
  const { result, outcome } = missingBaseline();
  const md = renderReport(result, outcome);
  assert.ok(md.includes('## ❌ bumpguard failed: tailscale v1.98.5 → v1.98.8 (patch)'));
  assert.ok(
    md.includes(
      '> 1 blocker: no baseline: fix the base build, or /accept size &lt;reason&gt; — linux/arm64 at 3f9c2a7: the base was neither built nor found in the cache',
    ),
  );
  assert.match(row(md, 'linux/arm64', 'Size'), /^\| \*\*linux\/arm64\*\* \| — → 3\.57 MiB<br>no baseline \|/);
});

test('build failure on arm/v7: blocker, failed row, canaries not run, log tail in the arch details', () => {
  const { result, outcome } = buildFailureArmV7();
  const md = renderReport(result, outcome);
  assert.ok(md.includes('- linux/arm/v7 head build failed at c0ffee5: go build exited with 1\n'));
  assert.equal(row(md, 'linux/arm/v7', 'Size'), '| **linux/arm/v7** | ❌ build failed (log in details) | — | — | — |');
  assert.ok(md.includes('| magicdns-forwarder | ✅ pass | ✅ pass | not run (build failed) |'));
  assert.ok(md.includes('<details><summary><b>linux/arm/v7</b> — ❌ build failed</summary>'));
  assert.ok(md.includes('```text\n#14 [build 6/7]'));
  assert.ok(md.includes('net/tstun/wrap.go:1187:3: undefined: invertGSOChecksum'));
  assert.equal(md.split('undefined: invertGSOChecksum').length, 2, 'log tail shown once, not also under the finding');
});

test("infrastructure trouble is listed apart from the PR's blockers, says it is not the PR's fault and how to retry, and is counted as such", () => {
  const { result, outcome } = engineDownArm64();
  assert.equal(outcome.verdict, 'error');
  const md = renderReport(result, outcome);
  assert.ok(md.includes('## 🛑 bumpguard error:'));
  assert.ok(md.includes('**1 infrastructure problem** · **1 blocker**'));
  const infra = md.indexOf("#### 🛠️ Could not check — not this PR's fault (1)");
  const blockers = md.indexOf('#### ❌ Blockers (1)');
  assert.ok(infra > 0 && blockers > infra, 'the infrastructure group first, the blockers after it');
  assert.ok(
    md.includes(
      "#### 🛠️ Could not check — not this PR's fault (1)\n\nPart of the check could not run for a reason outside this change (Docker, a builder, the forge, the upstream source), so nothing was judged there: the gate shows `error`, not a failure of this pull request. Comment `/rebuild` to try again.\n\n- linux/arm64 head build failed at c0ffee5: engine pi5 unreachable: it stopped answering during the linux/arm64 build\n",
    ),
  );
  const blockerSection = md.slice(blockers, md.indexOf('\n### ', blockers));
  assert.ok(blockerSection.includes('advertiseexitnode needs peerapiserver'));
  assert.ok(!blockerSection.includes('engine pi5'), 'the engine is not listed as a blocker');
  assert.ok(
    renderReport(result, outcome, { commands: false }).includes(
      '(Docker, a builder, the forge, the upstream source), so nothing was judged there: the gate shows `error`, not a failure of this pull request. Run the check again to retry.',
    ),
  );
  assert.match(renderSummary(outcome), /^error: 1 infrastructure problem · 1 blocker — could not finish: linux\/arm64 head build failed/);
});

test('accepted override: who, when, why and what it covers; a stale /accept is listed as not applied', () => {
  const { result, outcome } = acceptedOverride();
  const md = renderReport(result, outcome);
  assert.ok(md.includes('## ✅ bumpguard passed:'));
  assert.ok(md.includes('2 warnings · 2 accepted'));
  assert.ok(
    md.includes(
      '- `/accept size` by @mira on 2025-11-25 13:10 UTC — “arm64 growth is the new peer relay; 11 MB flash still free on the hAP ax²” — acknowledges 2 blockers:\n  - linux/arm64 compressed image grew +296.5 KiB (+8.1%)',
    ),
  );
  assert.ok(md.includes('- ~~`/accept canary` by @jonas~~ was given for `3f9c2a7`, an earlier push'));
  assert.ok(row(md, 'linux/arm64', 'Size').includes('🔴 accepted'));
  assert.ok(!md.includes('#### ❌ Blockers'));
});

test('RAM: emulated and native figures are shown side by side but not compared, and the table says why', () => {
  const platforms = [
    buildPlatform('linux/arm64', {
      base: { ram: ram([19.6 * MiB, 19.7 * MiB, 19.8 * MiB], { emulated: true }) },
      head: { ram: ram([12.1 * MiB, 12.2 * MiB, 12.2 * MiB]) },
    }),
  ];
  const result = buildCheckResult({ platforms });
  const md = renderReport(result, evaluatePolicy(result, parseConfig(null)));
  const ramRow = row(md, 'linux/arm64', 'RAM');
  assert.ok(ramRow.includes('not compared: base measured emulated (qemu-user), head natively'));
  assert.ok(!ramRow.includes('▼'));
  assert.ok(md.includes('linux/arm64 RAM not compared: the base was measured emulated (qemu-user) and the head natively'));
});

test('RAM: an emulated RSS above its container peak is marked and explained, and RSS and peak are said not to be compared with each other', () => {
  // The demo's figures: under qemu-user VmRSS counts the emulator's own binary, which the container's cgroup is not charged for.
  const platforms = [
    buildPlatform('linux/amd64', {
      base: { ram: ram([2.86 * MiB, 2.86 * MiB, 2.88 * MiB], { peak: [3.93 * MiB, 3.93 * MiB, 3.95 * MiB] }) },
      head: { ram: ram([2.88 * MiB, 2.88 * MiB, 2.9 * MiB], { peak: [3.89 * MiB, 3.89 * MiB, 3.9 * MiB] }) },
    }),
    buildPlatform('linux/arm64', {
      base: { ram: ram([22.2 * MiB, 22.21 * MiB, 22.5 * MiB], { emulated: true, peak: [17.2 * MiB, 17.22 * MiB, 17.8 * MiB] }) },
      head: { ram: ram([22.25 * MiB, 22.25 * MiB, 22.26 * MiB], { emulated: true, peak: [17.3 * MiB, 17.38 * MiB, 17.4 * MiB] }) },
    }),
  ];
  const result = buildCheckResult({ platforms });
  const outcome = evaluatePolicy(result, parseConfig(null));
  const md = renderReport(result, outcome);
  assert.match(
    row(md, 'linux/arm64', 'RAM'),
    /^\| \*\*linux\/arm64\*\* 🧪 emulated \| 22\.25 MiB ± 10\.2 KiB †<br><sub>base 22\.21 MiB ± 307\.2 KiB †<\/sub> \|/,
  );
  assert.match(row(md, 'linux/arm64', 'RAM'), /\| 17\.38 MiB ± 102\.4 KiB<br><sub>base 17\.22 MiB ± 614\.4 KiB<\/sub> \|/);
  assert.ok(!row(md, 'linux/amd64', 'RAM').includes('†'), 'a native RSS below its peak is not marked');
  const legend = md
    .slice(md.indexOf('### RAM'))
    .split('\n')
    .find((l) => l.startsWith('<sub>±'));
  assert.ok(legend?.includes('RSS and peak are different counters: each is compared with its own base figure, never with the other.'));
  assert.ok(
    legend?.includes(
      "† RSS above the peak: RSS also counts file pages the process maps from the host's page cache (under qemu-user mostly the emulator's own binary), which the container's memory cgroup was not charged for, so its peak leaves them out.",
    ),
  );
  const text = renderText(result, outcome);
  assert.match(text, /^ {2}linux\/arm64 \(emulated\) +RAM \(RSS\) +22\.21 MiB † +22\.25 MiB ±10\.2 KiB † +▲/m);
  assert.match(text, /^† RSS above the peak: RSS also counts file pages/m);

  const native = buildCheckResult({ platforms: platforms.slice(0, 1) });
  const plain = renderReport(native, evaluatePolicy(native, parseConfig(null)));
  assert.ok(!plain.includes('†'), 'no mark and no footnote where no RSS is above its peak');
  assert.ok(!renderText(native, evaluatePolicy(native, parseConfig(null))).includes('†'));
});

test("RAM measured on the operator's arm64 engine is labelled native and named; the bot's own emulated figures stay marked", () => {
  const pi5 = { name: 'pi5', platform: 'linux/arm64' };
  const platforms = [
    buildPlatform('linux/arm64', {
      engine: pi5,
      base: { ram: ram([2.8 * MiB, 2.9 * MiB, 2.9 * MiB]) },
      head: { ram: ram([2.9 * MiB, 2.9 * MiB, 3 * MiB]) },
    }),
    buildPlatform('linux/arm/v7', {
      base: { ram: ram([21 * MiB, 21 * MiB, 21 * MiB], { emulated: true }) },
      head: { ram: ram([21 * MiB, 21 * MiB, 21 * MiB], { emulated: true }) },
    }),
  ];
  const result = buildCheckResult({ platforms });
  const outcome = evaluatePolicy(result, parseConfig(null));
  const md = renderReport(result, outcome);
  assert.match(row(md, 'linux/arm64', 'RAM'), /^\| \*\*linux\/arm64\*\* native on pi5 \| 2\.90 MiB/);
  assert.match(row(md, 'linux/arm/v7', 'RAM'), /^\| \*\*linux\/arm\/v7\*\* 🧪 emulated \|/);
  const json = renderJson(result, outcome).platforms;
  assert.deepEqual([json['linux/arm64']?.native, json['linux/arm64']?.engine, json['linux/arm64']?.emulated], [true, 'pi5', false]);
  assert.deepEqual([json['linux/arm/v7']?.native, json['linux/arm/v7']?.engine, json['linux/arm/v7']?.emulated], [false, 'local', true]);
});

test('RAM: the report says where the figures were read, naming platforms only where the sources differ', () => {
  const viaApi = { ...ram([2 * MiB, 2 * MiB, 2 * MiB]), rssSource: 'docker-top' as const, peakSource: 'cgroup-v1' as const };
  const platforms = [
    buildPlatform('linux/amd64', { base: { ram: viaApi }, head: { ram: viaApi } }),
    buildPlatform('linux/arm64', {
      base: { ram: { ...viaApi, emulated: true } },
      head: { ram: { ...viaApi, emulated: true, rssSource: 'docker-stats' } },
    }),
  ];
  const result = buildCheckResult({ platforms });
  const md = renderReport(result, evaluatePolicy(result, parseConfig(null)));
  assert.ok(
    md.includes(
      "Read from: RSS: the main process's RSS as ps on the engine's host reports it, through the Docker API (linux/amd64, linux/arm64), " +
        "the container cgroup's anonymous memory, through the Docker API (no usable ps on the engine's host) (linux/arm64); " +
        "peak: the container cgroup's peak (memory.max_usage_in_bytes).</sub>",
    ),
    md.slice(md.indexOf('### RAM')),
  );
});

test('oversized input stays under 60,000 characters and says what was trimmed', () => {
  const { result, outcome } = oversized();
  const md = renderReport(result, outcome);
  assert.ok(md.length < 60_000, `length ${md.length}`);
  assert.equal(lines(md)[0], MARKER);
  const note = lines(md).find((l) => l.startsWith('> ✂️ **Trimmed** to stay under 60,000 characters:'));
  assert.ok(note, 'trim note');
  for (const part of ['per-arch layers, largest files and build logs', 'top movers', 'history', 'finding details'])
    assert.ok(note.includes(part), part);
  assert.match(note, /\d+ findings beyond the first \d+ per severity/);
  assert.match(md, /_… and \d+ more blockers not shown/);
  assert.ok(md.includes('/help'), 'footer survives trimming');
  assert.ok(md.includes('  <details><summary>log tail</summary>'), 'the failed build keeps a log tail');
});

test('a smaller forge limit trims further and still fits', () => {
  const { result, outcome } = oversized();
  for (const maxChars of [20_000, 6_000, 1_500]) {
    const md = renderReport(result, outcome, { maxChars });
    assert.ok(md.length < maxChars, `${maxChars}: ${md.length}`);
    assert.ok(md.startsWith(MARKER));
    assert.ok(md.includes('✂️ **Trimmed**'), `${maxChars}: says it trimmed`);
  }
});

test('a report that fits is not trimmed and says nothing about trimming', () => {
  const { result, outcome } = sizeRegressionArm64();
  assert.ok(!renderReport(result, outcome).includes('Trimmed'));
});

test('text from findings cannot inject a second marker or close our HTML', () => {
  const evil = { ...missingDep().result.findings[0]!, message: `x ${MARKER} </details> | y`, fix: 'a\n```\nb' };
  const result = buildCheckResult({ findings: [evil] });
  const md = renderReport(result, evaluatePolicy(result, parseConfig(null)));
  assert.equal(md.split(MARKER).length, 2);
  assert.ok(md.includes('- x &lt;!-- bumpguard:report --&gt; &lt;/details&gt; | y'));
  assert.ok(md.includes('  ````diff\n  a\n  ```\n  b\n  ````'));
});

test('the CLI variant points to --json instead of slash commands', () => {
  const { result, outcome } = cleanBump();
  const md = renderReport(result, outcome, { commands: false });
  assert.ok(md.includes('Full structured result: `bumpguard check --json`'));
  assert.ok(!md.includes('/accept'));
});

test('history shows only the last N earlier bumps plus this PR', () => {
  const { result, outcome } = cleanBump();
  const md = renderReport(result, outcome, { historyLimit: 2 });
  assert.ok(md.includes('  x-axis ["v1.98.3", "v1.98.5", "v1.98.8 (this PR)"]'));
  assert.ok(md.includes('over the last 2 Tailscale bumps on `main`'));
  assert.ok(!md.includes('v1.96.4'));
});

test('an audit-only result (no platforms built) renders findings without empty tables', () => {
  const { result } = missingDep();
  const auditOnly = { ...result, platforms: [], builds: { ran: 0, reused: 0 } };
  const md = renderReport(auditOnly, evaluatePolicy(auditOnly, parseConfig(null)));
  assert.ok(md.includes('#### ❌ Blockers (1)'));
  for (const section of ['### Size', '### RAM', '### Canaries', '### Per arch', '### History']) assert.ok(!md.includes(section), section);
});

test('a failure names the first blocker', () => {
  assert.equal(
    renderSummary(sizeRegressionArm64().outcome),
    'failed: 2 blockers · 2 warnings — linux/arm64 compressed image grew +296.5 KiB (+8.1%), over the fail level 128 KiB and 3%',
  );
});

test('a pass names the largest image growth', () => {
  assert.equal(
    renderSummary(cleanBump().outcome),
    'passed: no findings — largest compressed image Δ: linux/amd64 +12.2 KiB (+0.31%) → 3.83 MiB',
  );
});

test('a missing baseline fails and the status line says the way out', () => {
  assert.match(
    renderSummary(missingBaseline().outcome),
    /^failed: 1 blocker — no baseline: fix the base build, or \/accept size <reason> — linux\/arm64 at 3f9c2a7: /,
  );
});

test('every scenario fits a Gitea status description (< 140 characters)', () => {
  for (const [name, make] of Object.entries(SCENARIOS)) {
    const line = renderSummary(make().outcome);
    assert.ok(line.length <= SUMMARY_MAX && !line.includes('\n'), `${name}: ${line.length}`);
  }
});

const config = parseConfig(null);

/** amd64 settled, arm64 base measuring while its head waits, arm/v7 not started. */
function midCheck(): { result: CheckResult; progress: CheckProgress; settled: CheckResult } {
  const progress: CheckProgress = {
    stages: {
      'linux/amd64': { base: 'done', head: 'done' },
      'linux/arm64': { base: 'measuring', head: 'queued' },
      'linux/arm/v7': { base: 'queued', head: 'queued' },
    },
    canaries: Object.fromEntries(PLATFORMS.map((p) => [p, ['magicdns']])),
    ram: true,
  };
  const amd64 = buildPlatform('linux/amd64', {
    head: { binaryGrowth: 300 * 1024, canaries: [{ name: 'magicdns', ok: true, detail: 'NOERROR' }] },
  });
  const pending = (platform: string) => ({ platform, emulated: true, base: null, head: null });
  const result = buildCheckResult({
    findings: [missingDepFinding],
    platforms: [amd64, pending('linux/arm64'), pending('linux/arm/v7')],
    builds: { ran: 2, reused: 0 },
    durationMs: 41_000,
  });
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
  const p = (base: CheckProgress['stages'][string]['base'], head: CheckProgress['stages'][string]['head']): CheckProgress => ({
    stages: { x: { base, head } },
    canaries: {},
    ram: true,
  });
  assert.equal(pendingCell(p('done', 'done'), 'x'), null);
  assert.equal(pendingCell(p('building', 'queued'), 'x'), 'building…');
  assert.equal(pendingCell(p('done', 'measuring'), 'x'), 'measuring…');
  assert.equal(pendingCell(p('queued', 'queued'), 'x'), 'queued');
  assert.equal(pendingCell(undefined, 'x'), null);
});

test("on a terminal: the audit section alone, then one platform's rows", () => {
  const { result, settled } = midCheck();
  const outcome = evaluatePolicy(settled, config);
  const audit = renderTextAudit(result, outcome);
  assert.match(
    audit,
    /^bumpguard audit: tailscale v1\.98\.5 → v1\.98\.8 \(patch\)\n\nBlockers \(1\)\n {2}x advertiseexitnode needs peerapiserver/,
  );
  assert.match(audit, /suggested fix:/);
  assert.doesNotMatch(audit, /linux\/amd64/);
  const amd64 = renderTextPlatform(result, outcome, 'linux/amd64');
  assert.match(amd64, /^ {2}linux\/amd64 +compressed image/m);
  assert.match(amd64, /magicdns +linux\/amd64 +pass/);
  assert.doesNotMatch(amd64, /arm64/);
});
