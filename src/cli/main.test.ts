import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { main } from './main.ts';

test('--version prints the version package.json declares', async () => {
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (c) => (out += c));
  const code = await main({
    argv: ['--version'],
    stdout,
    stderr: new PassThrough(),
    env: {},
    cwd: process.cwd(),
    isTTY: false,
    signal: new AbortController().signal,
  });
  const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  assert.equal(code, 0);
  assert.equal(out, `bumpguard ${version}\n`);
});
