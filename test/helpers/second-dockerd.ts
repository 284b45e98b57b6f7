// A private Docker engine beside the machine's main one, for tests that must stop an engine (or
// use one per platform) without touching the dockerd other tests share. It keeps everything in a
// short temp dir D (a unix socket path must stay under ~100 characters), runs its own containerd,
// has no bridge, no iptables and no registry: build FROM scratch images in it. Point a docker
// client at it with DOCKER_HOST=`host`.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { openSync, closeSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { readPidFile } from './pid-file.ts';

export interface SecondDockerd {
  /** `unix://D/docker.sock`, for DOCKER_HOST. */
  host: string;
  dir: string;
  /** The daemon's pid (from its pid file). */
  pid: number;
  /** Stop the daemon by its pid file (SIGTERM, then SIGKILL after `graceMs`); resolves once it is gone. */
  stop(graceMs?: number): Promise<void>;
  /** Stop it if still running and remove D. */
  dispose(): Promise<void>;
}

const DOCKERD = '/usr/sbin/dockerd';
const DOCKER = '/usr/bin/docker';

export async function startSecondDockerd(opts: { readyTimeoutMs?: number } = {}): Promise<SecondDockerd> {
  // /tmp, not os.tmpdir(): TMPDIR may be long, and the socket path must stay short.
  const dir = await mkdtemp('/tmp/bgd-');
  const host = `unix://${join(dir, 'docker.sock')}`;
  const pidFile = join(dir, 'docker.pid');
  const log = openSync(join(dir, 'dockerd.log'), 'a');
  const child = spawn(
    DOCKERD,
    [
      '--data-root',
      join(dir, 'data'),
      '--exec-root',
      join(dir, 'exec'),
      '--pidfile',
      pidFile,
      '-H',
      host,
      '--bridge=none',
      '--iptables=false',
      '--ip-masq=false',
    ],
    { detached: true, stdio: ['ignore', log, log] },
  );
  closeSync(log);
  child.unref();
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  for (;;) {
    const res = await execa(DOCKER, ['-H', host, 'version', '--format', '{{.Server.Version}}'], {
      reject: false,
      stdin: 'ignore',
      timeout: 5000,
    });
    if (res.exitCode === 0) break;
    if (exited || Date.now() > deadline) {
      const why = await readFile(join(dir, 'dockerd.log'), 'utf8').catch(() => '');
      if (!exited) process.kill(child.pid!, 'SIGKILL');
      await rm(dir, { recursive: true, force: true });
      throw new Error(
        `the second dockerd did not come up (${exited ? 'it exited' : 'timeout'}): ${why.trim().split('\n').slice(-5).join(' | ')}`,
      );
    }
    await sleep(250);
  }
  const pid = await readPidFile(pidFile);
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
      throw err;
    }
  };
  const stop = async (graceMs = 20_000) => {
    if (!alive()) return;
    process.kill(pid, 'SIGTERM');
    const until = Date.now() + graceMs;
    while (alive() && Date.now() < until) await sleep(100);
    if (alive()) process.kill(pid, 'SIGKILL');
    while (alive()) await sleep(100);
  };
  return {
    host,
    dir,
    pid,
    stop,
    async dispose() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface StoppedRun {
  code: number | null;
  stdout: string;
  stderr: string[];
  /** False when the trigger line never came (the engine was not stopped). */
  stopped: boolean;
}

const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/**
 * Runs the CLI with `args` and stops `dockerd` `afterMs` after a progress line matching `trigger`
 * (e.g. the head build starting, whose RUN step sleeps long enough); resolves once both are over.
 */
export async function runCliStoppingEngine(
  args: string[],
  env: NodeJS.ProcessEnv,
  dockerd: SecondDockerd,
  trigger: RegExp,
  afterMs = 2000,
): Promise<StoppedRun> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...env, CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  const stderr: string[] = [];
  let stopping: Promise<void> | null = null;
  for await (const line of createInterface({ input: child.stderr })) {
    stderr.push(line);
    if (stopping === null && trigger.test(line)) stopping = sleep(afterMs).then(() => dockerd.stop());
  }
  const code = await new Promise<number | null>((resolve) =>
    child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', resolve),
  );
  await stopping;
  return { code, stdout, stderr, stopped: stopping !== null };
}
