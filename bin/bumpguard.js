#!/usr/bin/env node
// npx entry: re-exec the TypeScript CLI on the project's Node 24 (the machine may ship Node 20,
// which cannot strip types). Keeps stdio and the exit code, and passes stop signals on: a
// supervisor that stops this wrapper (systemd, docker stop, npm) must stop the server too, not
// leave it serving as an orphan. Under a supervisor, prefer starting Node 24 directly so the PID
// it watches is the server's (docs/operations.md § Running and upgrading).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const FORWARDED = ['SIGTERM', 'SIGINT', 'SIGHUP'];

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const localNode = join(root, 'node_modules', 'node', 'bin', 'node');
const major = Number(process.versions.node.split('.')[0]);
if (major < 24 && !existsSync(localNode)) {
  // Node before 24 cannot strip types: it would fail with ERR_UNKNOWN_FILE_EXTENSION on main.ts.
  console.error(
    `bumpguard: needs Node 24 or newer, and this is Node ${process.versions.node}. Run "npm ci" in ${root} ` +
      '(it installs Node 24 beside bumpguard), or start bumpguard with Node 24.',
  );
  process.exit(2);
}
const node = major >= 24 ? process.execPath : localNode;
const child = spawn(
  node,
  [
    // --expose-gc lets the image analyser return read buffers early (peak RSS, createGcPacer in src/measure/image/analyse-image.ts).
    '--expose-gc',
    join(root, 'src', 'cli', 'main.ts'),
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit' },
);

// The child may get the same signal from elsewhere too (a terminal's Ctrl-C reaches the whole
// process group, systemd signals the whole cgroup); src/cli/main.ts treats such a twin as one stop.
const forward = (signal) => child.kill(signal);
for (const signal of FORWARDED) process.on(signal, forward);

child.on('error', (err) => {
  console.error(`bumpguard: cannot start Node 24 (${err.message}); run "npm ci" first`);
  process.exit(2);
});
child.on('exit', (code, signal) => {
  for (const s of FORWARDED) process.off(s, forward);
  if (code !== null) process.exit(code);
  // Killed by a signal: end the same way, so the supervisor sees what happened.
  process.kill(process.pid, signal);
  process.exit(128 + (constants.signals[signal] ?? 0));
});
