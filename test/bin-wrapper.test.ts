// bin/bumpguard.js, the npx entry, on a Node that cannot run TypeScript and without the Node 24
// that `npm ci` installs beside bumpguard: it must say what to do, not fail inside Node's loader
// with ERR_UNKNOWN_FILE_EXTENSION. The wrapper runs from a copy of the checkout without node_modules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

const WRAPPER = new URL('../bin/bumpguard.js', import.meta.url);

/** A checkout with the wrapper and a tiny TypeScript CLI that prints its arguments. */
function bareCheckout(t: { after(fn: () => void): void }): string {
  const root = mkdtempSync(join(tmpdir(), 'bumpguard-bin-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'bin'));
  mkdirSync(join(root, 'src', 'cli'), { recursive: true });
  copyFileSync(WRAPPER, join(root, 'bin', 'bumpguard.js'));
  writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(
    join(root, 'src', 'cli', 'main.ts'),
    'const args: string[] = process.argv.slice(2);\nconsole.log(`main.ts ${args.join(" ")}`);\n',
  );
  return root;
}

/** Node binaries on PATH older than 24 (a machine's system Node), outside any node_modules. */
function olderNodesOnPath(): string[] {
  const found = new Set<string>();
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir || dir.includes('node_modules')) continue;
    const bin = join(dir, 'node');
    const version = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    if (version.status === 0 && Number(/^v(\d+)/.exec(version.stdout)?.[1]) < 24)
      found.add(execFileSync(bin, ['-p', 'process.execPath'], { encoding: 'utf8' }).trim());
  }
  return [...found];
}

test('without node_modules/node, a Node older than 24 is told to run npm ci, and nothing is started', (t) => {
  const root = bareCheckout(t);
  // Node 24 made to report version 20 stands for any older Node; a real one on PATH is tried too.
  const runs: Array<{ node: string; args: string[] }> = [
    {
      node: process.execPath,
      args: ['--import', 'data:text/javascript,Object.defineProperty(process.versions, "node", { value: "20.20.2" })'],
    },
    ...olderNodesOnPath().map((node) => ({ node, args: [] })),
  ];
  for (const run of runs) {
    const r = spawnSync(run.node, [...run.args, join(root, 'bin', 'bumpguard.js'), 'check'], { encoding: 'utf8' });
    assert.equal(r.status, 2, `${run.node}: ${r.stderr}`);
    assert.match(r.stderr, /needs Node 24 or newer, and this is Node \d+\.\d+\.\d+\./);
    assert.ok(r.stderr.includes(`Run "npm ci" in ${root}`), r.stderr);
    assert.doesNotMatch(r.stderr, /ERR_UNKNOWN_FILE_EXTENSION/);
    assert.equal(r.stdout, '');
  }
});

test('on Node 24 the wrapper runs the TypeScript CLI itself, with the arguments, and needs no node_modules/node', (t) => {
  const root = bareCheckout(t);
  const r = spawnSync(process.execPath, [join(root, 'bin', 'bumpguard.js'), 'check', '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'main.ts check --json\n');
});
