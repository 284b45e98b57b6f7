#!/usr/bin/env node
// npx entry: re-exec the TypeScript CLI on the project's Node 24 (the machine may ship Node 20,
// which cannot strip types). Keeps stdio and the exit code.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const localNode = join(root, 'node_modules', 'node', 'bin', 'node');
const major = Number(process.versions.node.split('.')[0]);
const node = major >= 24 ? process.execPath : existsSync(localNode) ? localNode : process.execPath;
const result = spawnSync(node, [
  // --expose-gc lets the image analyser return read buffers early (peak RSS, src/measure/gc-pacer.ts).
  '--expose-gc', join(root, 'src', 'cli', 'main.ts'), ...process.argv.slice(2),
], { stdio: 'inherit' });
if (result.error) {
  console.error(`bumpguard: cannot start Node 24 (${result.error.message}); run "npm ci" first`);
  process.exit(2);
}
process.exit(result.status ?? (result.signal === 'SIGINT' ? 130 : 2));
