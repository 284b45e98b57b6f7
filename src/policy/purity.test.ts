// src/policy and src/report are pure core (style.md § Rooms): no I/O, no environment, no clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';

const FORBIDDEN: [RegExp, string][] = [
  [/from ['"]node:(fs|child_process|sqlite|net|http|https)(\/promises)?['"]/, 'a node I/O module'],
  [/from ['"](execa|octokit|@octokit\/[^'"]+|probot|pino)['"]/, 'an edge library'],
  [/from ['"]\.\.\/(build|measure|forges|store|jobs)\//, 'an edge room'],
  [/\bprocess\.env\b/, 'process.env'],
  [/\bDate\.now\(|new Date\(\s*\)/, 'the clock'],
  [/\bfetch\(/, 'fetch'],
];

for (const room of ['policy', 'report']) {
  test(`src/${room} uses no I/O, environment or clock`, () => {
    const dir = new URL(`../${room}/`, import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    assert.ok(files.length > 3);
    for (const file of files) {
      const text = readFileSync(new URL(file, dir), 'utf8');
      for (const [re, what] of FORBIDDEN) assert.ok(!re.test(text), `src/${room}/${file} uses ${what}`);
    }
  });
}
