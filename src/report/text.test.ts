import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildFailureArmV7, canaryFailure, missingDep, sizeRegressionArm64 } from './__fixtures__/scenarios.ts';
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
