import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Finding } from '../core/index.ts';
import { renderFindings } from './findings.ts';

const FIX = '--- a/Dockerfile\n+++ b/Dockerfile\n@@ -1 +1,2 @@\n -e x\n+-e y\n';
const gap = (feature: string, dep: string): Finding => ({
  severity: 'blocker',
  kind: 'missing-dep',
  features: [feature, dep],
  introduced: true,
  acknowledged: false,
  message: `${feature} needs ${dep}, which the recipe omits`,
  fix: FIX,
  detail: 'or switch to --add',
});

test('one diff that fixes two missing deps is printed once, the second finding points to it', () => {
  const { text } = renderFindings([gap('advertiseexitnode', 'peerapiserver'), gap('useexitnode', 'peerapiclient')], {
    perGroup: null,
    withDetail: true,
    logsElsewhere: false,
    commands: true,
  });
  assert.equal(text.split('+++ b/Dockerfile').length - 1, 1);
  assert.equal(text.split('or switch to --add').length - 1, 1);
  assert.match(text, /useexitnode needs peerapiclient[^\n]*\n {2}Suggested fix: the diff above covers this one too\./);
});
