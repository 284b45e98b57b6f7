import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PullRequest } from '../forges/types.ts';
import { canRunCommands, matchesTrigger, resolvePlatforms } from './guards.ts';

const pr = (over: Partial<PullRequest> = {}): PullRequest => ({
  number: 14,
  url: 'https://forge.example/pr/14',
  title: 'chore(deps): update dependency tailscale to v1.98.8',
  author: 'renovate[bot]',
  state: 'open',
  isFork: false,
  head: { ref: 'renovate/tailscale-1.x', sha: 'h' },
  base: { ref: 'main', sha: 'b' },
  ...over,
});

test('only write and admin may run commands', () => {
  assert.deepEqual((['none', 'read', 'write', 'admin'] as const).map(canRunCommands), [false, false, true, true]);
});

test('without trigger settings every bump PR is checked', () => {
  assert.equal(matchesTrigger(pr({ author: 'mira', head: { ref: 'manual-bump', sha: 'h' } }), {}), true);
});

test('trigger.headRef and trigger.authors narrow which PRs are checked unasked', () => {
  const trigger = { headRef: '^renovate/tailscale', authors: ['Renovate[bot]'] };
  assert.equal(matchesTrigger(pr(), trigger), true);
  assert.equal(matchesTrigger(pr({ head: { ref: 'renovate/golang-1.x', sha: 'h' } }), trigger), false);
  assert.equal(matchesTrigger(pr({ author: 'mira' }), trigger), false);
});

test('/rebuild names platforms by short or full name; unknown names are reported', () => {
  const configured = ['linux/amd64', 'linux/arm64', 'linux/arm/v7'];
  assert.deepEqual(resolvePlatforms(['arm64', 'linux/arm/v7', 'ARM64', 'riscv64'], configured), {
    platforms: ['linux/arm64', 'linux/arm/v7'],
    unknown: ['riscv64'],
  });
});
