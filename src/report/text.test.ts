import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildFailureArmV7, canaryFailure, engineDownArm64, missingDep, sizeRegressionArm64 } from './__fixtures__/scenarios.ts';
import { renderText } from './text.ts';

test('terminal text has the verdict, the blockers and an aligned size row per arch and metric, without HTML', () => {
  const { result, outcome } = sizeRegressionArm64();
  const text = renderText(result, outcome);
  const lines = text.split('\n');
  assert.equal(lines[0], 'bumpguard FAILED: tailscale v1.98.5 → v1.98.8 (patch)');
  assert.ok(lines.includes('  x linux/arm64 compressed image grew +296.5 KiB (+8.1%), over the fail level 128 KiB and 3%'));
  assert.ok(
    lines.some((l) => /^ {2}linux\/arm64 +compressed image +3\.55 MiB +3\.84 MiB +▲ \+296\.5 KiB \(\+8\.1%\) {2}over fail level$/.test(l)),
  );
  assert.ok(!/<br>|<details>|<sub>/.test(text));
});

test('terminal text prints the suggested fix and a failed build log tail', () => {
  const md = missingDep();
  assert.ok(renderText(md.result, md.outcome).includes('    suggested fix:\n      --- a/Dockerfile\n'));
  const bf = buildFailureArmV7();
  const text = renderText(bf.result, bf.outcome);
  assert.match(text, /^ {2}linux\/arm\/v7 +build failed$/m);
  assert.match(text, /^ {2}magicdns-forwarder +linux\/arm\/v7 +not run \(build failed\)$/m);
  assert.ok(text.includes('    | #14 41.92 net/tstun/wrap.go:1187:3: undefined: invertGSOChecksum'));
});

test('terminal text lists canaries with the failing assertion', () => {
  const { result, outcome } = canaryFailure();
  assert.match(renderText(result, outcome), /^ {2}magicdns-forwarder +linux\/arm64 +FAIL +expected status NOERROR, got SERVFAIL$/m);
});

test("terminal text lists infrastructure trouble under its own title, before the PR's blockers, with how to retry", () => {
  const { result, outcome } = engineDownArm64();
  const text = renderText(result, outcome);
  assert.ok(
    text.includes(
      "\nCould not check, not this change's fault (1)\n  These parts did not run for a reason outside this change; run the check again to retry.\n  ? linux/arm64 head build failed at c0ffee5: engine pi5 unreachable: it stopped answering during the linux/arm64 build\n\nBlockers (1)\n  x advertiseexitnode needs peerapiserver",
    ),
  );
  assert.doesNotMatch(
    text.slice(text.indexOf('Blockers (1)')),
    /engine pi5 unreachable: it stopped answering during the linux\/arm64 build\n/,
  );
});
