import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchesProcess } from './match-process.ts';

test('a process matches by command name, or by an argv word bare or as a path\'s last part', () => {
  assert.equal(matchesProcess('routerd', 'routerd', ['/usr/local/bin/routerd']), true);
  assert.equal(matchesProcess('tailscaled', 'tailscale.combi', ['/usr/local/bin/tailscaled', '--state=mem:']), true);
  assert.equal(matchesProcess('httpd', 'busybox', ['/bin/busybox', 'httpd', '-f']), true);
  assert.equal(matchesProcess('httpd', 'busybox', ['/bin/busybox', 'sleep', '600']), false);
  assert.equal(matchesProcess('d', 'routerd', ['/usr/local/bin/routerd']), false, 'no substring matches');
});
