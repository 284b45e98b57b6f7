import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { localEditRunner } from './local-edit-runner.ts';

const tempRoot = mkdtempSync(join(tmpdir(), 'bumpguard-runner-test-'));
after(() => rmSync(tempRoot, { recursive: true, force: true }));
const runner = localEditRunner({ tempRoot });
const WRAP = 'package tstun\n\nfunc invertGSOChecksum(pkt []byte) {\n\tif !ok {\n\t\tpanic("unreachable")\n\t}\n}\n';
const leftovers = () => readdirSync(tempRoot);

test('sed: a range-addressed substitution runs with GNU sed and its output comes back', async () => {
  const r = await runner.sed({
    scripts: ['/func invertGSOChecksum/,/^}/ s/\\t\\tpanic("unreachable")/\\t\\treturn/'],
    scriptText: null,
    flags: [],
    text: WRAP,
  });
  assert.deepEqual(r, { status: 'ok', output: WRAP.replace('\t\tpanic("unreachable")', '\t\treturn') });
});

test('sed: e, r and w are refused by --sandbox, and nothing is run or written', async () => {
  const marker = join(tempRoot, 'written-by-sed');
  for (const script of [`1e touch ${marker}`, `1w ${marker}`, '1r /etc/passwd', `s/x/y/w ${marker}`]) {
    const r = await runner.sed({ scripts: [script], scriptText: null, flags: [], text: 'x\n' });
    assert.equal(r.status, 'refused', script);
    assert.match((r as { message: string }).message, /sandbox/);
  }
  assert.equal(existsSync(marker), false);
});

test('sed: a script file (-f) and flags such as -n are honoured', async () => {
  const r = await runner.sed({ scripts: [], scriptText: '/panic/p\n', flags: ['-n'], text: WRAP });
  assert.deepEqual(r, { status: 'ok', output: '\t\tpanic("unreachable")\n' });
});

test("sed: a broken script is a failure with sed's own message", async () => {
  const r = await runner.sed({ scripts: ['s/unterminated'], scriptText: null, flags: [], text: 'x\n' });
  assert.equal(r.status, 'failed');
  assert.match((r as { message: string }).message, /unterminated `s' command/);
});

test('sed: a script that loops forever is stopped at the time limit, one that floods at the output cap', async () => {
  const fast = localEditRunner({ timeoutMs: 500, maxOutputBytes: 64 * 1024, tempRoot });
  assert.equal((await fast.sed({ scripts: [':a;b a'], scriptText: null, flags: [], text: 'x\n' })).status, 'limit');
  // `p` on a label loop prints without end.
  assert.equal((await fast.sed({ scripts: [':a;p;b a'], scriptText: null, flags: [], text: 'x\n' })).status, 'limit');
  assert.deepEqual(leftovers(), []);
});

test('sed: no GNU sed on the host is "unavailable", not a throw', async () => {
  const r = await localEditRunner({ sedBinary: 'bumpguard-no-such-sed', tempRoot }).sed({
    scripts: ['p'],
    scriptText: null,
    flags: [],
    text: 'x\n',
  });
  assert.equal(r.status, 'unavailable');
});

const PATCH = [
  '--- a/net/tstun/wrap.go',
  '+++ b/net/tstun/wrap.go',
  '@@ -3,5 +3,5 @@ package tstun',
  ' func invertGSOChecksum(pkt []byte) {',
  ' \tif !ok {',
  '-\t\tpanic("unreachable")',
  '+\t\treturn',
  ' \t}',
  ' }',
  '',
].join('\n');

test("git apply --check: applies to the file it was written for, is rejected (with git's reason) where it no longer fits", async () => {
  assert.deepEqual(
    await runner.applyCheck({
      patch: PATCH,
      strip: 1,
      directory: '',
      reverse: false,
      fuzzy: false,
      files: new Map([['net/tstun/wrap.go', WRAP]]),
    }),
    { status: 'applies' },
  );
  const moved = WRAP.replace('panic("unreachable")', 'panic("no netstack")');
  const r = await runner.applyCheck({
    patch: PATCH,
    strip: 1,
    directory: '',
    reverse: false,
    fuzzy: false,
    files: new Map([['net/tstun/wrap.go', moved]]),
  });
  assert.equal(r.status, 'rejected');
  assert.match((r as { message: string }).message, /^error: patch failed: net\/tstun\/wrap\.go:3$/m);
  const gone = await runner.applyCheck({
    patch: PATCH,
    strip: 1,
    directory: '',
    reverse: false,
    fuzzy: false,
    files: new Map([['net/tstun/wrap.go', null]]),
  });
  assert.equal(gone.status, 'rejected');
});

test('git apply --check never writes: a patch creating a file leaves nothing behind', async () => {
  const create = '--- /dev/null\n+++ b/evil.go\n@@ -0,0 +1 @@\n+package evil\n';
  assert.deepEqual(await runner.applyCheck({ patch: create, strip: 1, directory: '', reverse: false, fuzzy: false, files: new Map() }), {
    status: 'applies',
  });
  assert.deepEqual(leftovers(), []);
});
