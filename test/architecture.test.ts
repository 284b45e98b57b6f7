// The rooms of src/ (docs/architecture.md): the pure core does no I/O, reads no environment and no
// clock, so it is tested with data alone; edges see core types only, never each other.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const PURE_ROOMS = ['bump', 'audit', 'policy', 'report', 'config'];
const EDGE_ROOMS = ['build', 'measure', 'forges', 'store'];

const IMPURE: [RegExp, string][] = [
  [/from ['"]node:(fs|child_process|sqlite|net|http|https|os)(\/promises)?['"]/, 'a node I/O module'],
  [/from ['"](execa|octokit|@octokit\/[^'"]+|probot|pino|nock)['"]/, 'an edge library'],
  [/from ['"](\.\.\/)+(build|measure|forges|store|jobs|server|cli)\//, 'an edge room'],
  [/\bprocess\.env\b/, 'process.env'],
  [/\bDate\.now\(|new Date\(\s*\)/, 'the clock'],
  [/\bfetch\(/, 'fetch'],
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
    .map((e) => join(e.parentPath, e.name))
    .filter((f) => !f.includes('__fixtures__'));
}

for (const room of PURE_ROOMS) {
  test(`src/${room} is pure: no I/O, environment or clock`, () => {
    // UpstreamSource implementations are the audit room's I/O edge.
    const files = sourceFiles(join(SRC, room)).filter((f) => !relative(SRC, f).startsWith('audit/upstream/'));
    assert.ok(files.length >= 3, `src/${room} has source files`);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const [re, what] of IMPURE) assert.ok(!re.test(text), `${relative(SRC, file)} uses ${what}`);
    }
  });
}

for (const room of EDGE_ROOMS) {
  test(`src/${room} imports no other edge room`, () => {
    const others = EDGE_ROOMS.filter((r) => r !== room).join('|');
    const re = new RegExp(`from ['"](\\.\\./)+(${others})/`);
    for (const file of sourceFiles(join(SRC, room))) {
      assert.ok(!re.test(readFileSync(file, 'utf8')), `${relative(SRC, file)} imports another edge room`);
    }
  });
}
