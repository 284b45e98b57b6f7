import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PullRequest } from '../core/index.ts';
import { canRunCommands, matchesTrigger, parseCommand, resolvePlatforms } from './commands.ts';

test('reads /rebuild with and without platforms', () => {
  assert.deepEqual(parseCommand('/rebuild'), { name: 'rebuild', platforms: [] });
  assert.deepEqual(parseCommand('please\n/rebuild arm64, linux/arm/v7\nthanks'), { name: 'rebuild', platforms: ['arm64', 'linux/arm/v7'] });
});

test('reads /audit, /help and /accept with its reason', () => {
  assert.deepEqual(parseCommand('/audit'), { name: 'audit' });
  assert.deepEqual(parseCommand('  /HELP  '), { name: 'help' });
  assert.deepEqual(parseCommand('/accept size portmapper growth reviewed by mira'), {
    name: 'accept',
    kind: 'size',
    reason: 'portmapper growth reviewed by mira',
  });
});

test('an /accept without a known kind or without a reason is answered with help', () => {
  assert.deepEqual(parseCommand('/accept flash because'), {
    name: 'unknown',
    text: '/accept flash because',
    problem: '`/accept`: unknown kind "flash".',
  });
  assert.equal(parseCommand('/accept ram')?.name, 'unknown');
});

test('an unknown command is reported as such', () => {
  assert.deepEqual(parseCommand('/lgtm'), { name: 'unknown', text: '/lgtm', problem: '`/lgtm` is not a bumpguard command.' });
});

test('ignores commands inside fenced code, indented code and quotes', () => {
  assert.equal(parseCommand('```\n/rebuild\n```'), null);
  assert.equal(parseCommand('~~~~sh\n/accept all yolo\n~~~\n~~~~'), null);
  assert.equal(parseCommand('    /rebuild'), null);
  assert.equal(parseCommand('\t/rebuild'), null);
  assert.equal(parseCommand('> /accept all because\n> quoted'), null);
  assert.deepEqual(parseCommand('> /accept all because\n\n/audit'), { name: 'audit' });
});

test('text that merely contains a slash is not a command', () => {
  assert.equal(parseCommand('the binary in /usr/local/bin grew'), null);
  assert.equal(parseCommand('/usr/local/bin/tailscale is bigger'), null);
  assert.equal(parseCommand('see https://example.com/rebuild'), null);
});

test('the first command wins', () => {
  assert.deepEqual(parseCommand('/audit\n/rebuild'), { name: 'audit' });
});

test('ignores commands inside HTML comments, which the forge does not show', () => {
  assert.equal(parseCommand('<!--\n/accept all hidden\n-->'), null);
  assert.equal(parseCommand('Looks fine <!-- start\n/rebuild\nend --> bye'), null);
  assert.equal(parseCommand('<!-- /accept all hidden -->'), null);
  assert.deepEqual(parseCommand('<!-- note -->\n/audit'), { name: 'audit' });
  assert.deepEqual(parseCommand('/rebuild arm64 <!-- and not amd64 -->'), { name: 'rebuild', platforms: ['arm64'] });
});

test('a lone CR ends a line, as in CommonMark', () => {
  assert.deepEqual(parseCommand('thanks\r/rebuild arm64\r'), { name: 'rebuild', platforms: ['arm64'] });
  assert.deepEqual(parseCommand('/audit   \r\n'), { name: 'audit' });
});

test('only the first lines are read: a command below them is ignored', () => {
  assert.equal(parseCommand(`${'text\n'.repeat(20)}/rebuild`), null);
  assert.deepEqual(parseCommand(`${'text\n'.repeat(19)}/rebuild`), { name: 'rebuild', platforms: [] });
});

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
