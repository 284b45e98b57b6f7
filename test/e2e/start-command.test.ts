// The server under a service manager: docs/operations.md gives a systemd unit whose ExecStart is
// Node itself, so the PID the supervisor watches and signals is the server's. This test is that
// supervisor: it starts the documented command (no shell, as systemd does), sends SIGTERM to the
// PID it started and expects the port freed within the shutdown grace. The npx wrapper
// (bin/bumpguard.js) must pass the signal on instead of leaving the server serving as an orphan.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const INSTALL_DIR = '/opt/bumpguard';

interface Unit {
  workingDirectory: string;
  execStart: string[];
  timeoutStopSec: number;
}

/** The systemd unit after `<!-- start-command -->` in docs/operations.md, moved to this checkout. */
async function documentedUnit(): Promise<Unit> {
  const doc = await readFile(join(ROOT, 'docs/operations.md'), 'utf8');
  const body = /<!-- start-command -->\n```ini\n(?<body>[\s\S]*?)```/.exec(doc)?.groups?.body;
  assert.ok(body, 'docs/operations.md shows a systemd unit after <!-- start-command -->');
  const key = (name: string) => new RegExp(`^${name}=(.*)$`, 'm').exec(body)?.[1]?.trim();
  const here = (path: string) => path.replace(INSTALL_DIR, ROOT.replace(/\/$/, ''));
  const execStart = key('ExecStart');
  assert.ok(execStart && key('WorkingDirectory'), 'the unit sets ExecStart and WorkingDirectory');
  return {
    workingDirectory: here(key('WorkingDirectory')!),
    execStart: execStart.split(/\s+/).map(here),
    timeoutStopSec: Number(key('TimeoutStopSec') ?? 90),
  };
}

/** .env.example as the unit's EnvironmentFile reads it, with one forge filled in. */
async function exampleEnv(dir: string): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const line of (await readFile(join(ROOT, '.env.example'), 'utf8')).split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m) env[m[1]!] = m[2]!;
  }
  return {
    ...env,
    PATH: process.env.PATH ?? '',
    PORT: '0',
    HOST: '127.0.0.1',
    BUMPGUARD_DB: join(dir, 'bumpguard.db'),
    BUMPGUARD_CACHE: join(dir, 'cache'),
    GITEA_URL: 'https://git.example.org',
    GITEA_TOKEN: 'token',
    GITEA_WEBHOOK_SECRET: 'gitea-webhook-secret-for-tests',
    GITEA_BOT_LOGIN: 'bumpguard',
  };
}

interface Started {
  child: ChildProcess;
  /** The pid and port the server logged when it started listening. */
  server: { pid: number; port: number };
  log: () => string;
}

async function start(argv: string[], cwd: string, env: Record<string, string>): Promise<Started> {
  const child = spawn(argv[0]!, argv.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (out += c));
  const server = await new Promise<{ pid: number; port: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not listening after 30 s: ${out}`)), 30_000);
    child.stdout.on('data', () => {
      const line = out.split('\n').find((l) => l.includes('"bumpguard serve listening"'));
      if (!line) return;
      clearTimeout(timer);
      resolve(JSON.parse(line) as { pid: number; port: number });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code} before listening: ${out}`));
    });
  });
  return { child, server, log: () => out };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function freedWithin(port: number, ms: number): Promise<number> {
  const started = Date.now();
  while (await accepts(port)) {
    if (Date.now() - started > ms) assert.fail(`port ${port} still accepts connections ${ms} ms after SIGTERM`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return Date.now() - started;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return { code: child.exitCode, signal: child.signalCode };
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  return { code, signal };
}

describe('stopping the server as a supervisor does', () => {
  let dir: string;
  let unit: Unit;
  let env: Record<string, string>;
  const started: ChildProcess[] = [];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bumpguard-start-'));
    unit = await documentedUnit();
    env = await exampleEnv(dir);
  });
  after(async () => {
    for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('the documented unit starts the server itself, and SIGTERM to that pid frees the port within the grace', async () => {
    const grace = Number(env.BUMPGUARD_SHUTDOWN_GRACE_MS);
    assert.ok(grace < unit.timeoutStopSec * 1000, `the shutdown grace (${grace} ms) is under the unit's TimeoutStopSec`);
    const s = await start(unit.execStart, unit.workingDirectory, { ...env, BUMPGUARD_DB: join(dir, 'unit.db') });
    started.push(s.child);
    assert.equal(s.server.pid, s.child.pid, 'the supervised pid is the server');
    s.child.kill('SIGTERM');
    await freedWithin(s.server.port, grace);
    assert.deepStrictEqual(await exitOf(s.child), { code: 0, signal: null });
    assert.match(s.log(), /"msg":"stopped: checkpointed and queued jobs run at the next start"/);
  });

  it('bin/bumpguard.js passes SIGTERM on: the server stops and no orphan keeps the port', async () => {
    const s = await start([process.execPath, join(ROOT, 'bin/bumpguard.js'), 'serve'], dir, {
      ...env,
      BUMPGUARD_DB: join(dir, 'wrapper.db'),
    });
    started.push(s.child);
    assert.notEqual(s.server.pid, s.child.pid, 'the wrapper runs the server as its child');
    s.child.kill('SIGTERM');
    await freedWithin(s.server.port, Number(env.BUMPGUARD_SHUTDOWN_GRACE_MS));
    assert.deepStrictEqual(await exitOf(s.child), { code: 0, signal: null });
    assert.equal(alive(s.server.pid), false, 'the server process is gone');
  });

  it('one stop delivered twice (wrapper and process group, as systemd and Ctrl-C do) is still a graceful stop', async () => {
    const s = await start([process.execPath, join(ROOT, 'bin/bumpguard.js'), 'serve'], dir, { ...env, BUMPGUARD_DB: join(dir, 'twin.db') });
    started.push(s.child);
    process.kill(s.server.pid, 'SIGTERM');
    s.child.kill('SIGTERM');
    await freedWithin(s.server.port, Number(env.BUMPGUARD_SHUTDOWN_GRACE_MS));
    assert.deepStrictEqual(await exitOf(s.child), { code: 0, signal: null });
    assert.match(s.log(), /"msg":"stopped: checkpointed and queued jobs run at the next start"/);
  });
});
