import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { findTailscaleVersionArg } from './find-version-arg.ts';

test('reads the version of the bundled example Dockerfile', () => {
  const text = readFileSync(new URL('../../test/fixtures/target-repo/Dockerfile', import.meta.url), 'utf8');
  assert.deepEqual(findTailscaleVersionArg(text, 'Dockerfile'), { arg: 'TAILSCALE_VERSION', value: 'v1.98.8', line: 8 });
});

test('reads an env file assignment with the v prefix kept as written', () => {
  const text = '# renovate: datasource=github-releases packageName=tailscale/tailscale\nTAILSCALE_VERSION=v1.102.3\n';
  assert.deepEqual(findTailscaleVersionArg(text, 'versions.env'), { arg: 'TAILSCALE_VERSION', value: 'v1.102.3', line: 2 });
});

test('a file with a Go marker but no Tailscale marker has no version', () => {
  const text = '# renovate: datasource=docker depName=golang\nARG GO_VERSION=1.25.4\n';
  assert.equal(findTailscaleVersionArg(text, 'Dockerfile'), null);
});

test('a marker followed by something other than an assignment is not a version', () => {
  const text = '# renovate: depName=tailscale\nRUN echo hi\nARG TAILSCALE_VERSION=v1.98.8\n';
  assert.equal(findTailscaleVersionArg(text, 'Dockerfile'), null);
});
