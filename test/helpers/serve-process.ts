// `bumpguard serve` as its own process, the way an operator runs it (the CLI entry, env
// configuration, JSON log lines on stdout): for tests of what the process does as a whole —
// its memory, its database file, a second instance.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const SERVE_NOOP = fileURLToPath(new URL('../../scripts/serve-noop.ts', import.meta.url));

export const SERVE_SECRET = 'gitea-webhook-secret-for-tests';

/** A Gitea-only configuration on a free loopback port (nothing is sent to GITEA_URL). */
export function serveEnv(over: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    PORT: '0',
    HOST: '127.0.0.1',
    GITEA_URL: 'https://git.example.org',
    GITEA_TOKEN: 'gitea-api-token',
    GITEA_WEBHOOK_SECRET: SERVE_SECRET,
    GITEA_BOT_LOGIN: 'bumpguard',
    BUMPGUARD_UPSTREAM: fileURLToPath(new URL('../fixtures/upstream/', import.meta.url)),
    LOG_LEVEL: 'info',
    ...over,
  };
}

export interface ServeProcess {
  proc: ChildProcess;
  /** http://127.0.0.1:<port>, once it listens. */
  url: string;
  /** Every log line so far (parsed JSON). */
  logs: Record<string, unknown>[];
  stderr(): string;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts serve; resolves once it listens, rejects with its stderr when it exits first.
 * `noopJobs`: jobs only wait and call no forge (scripts/serve-noop.ts), for tests of the webhook path.
 */
export async function startServe(
  env: Record<string, string>,
  opts: { timeoutMs?: number; noopJobs?: boolean } = {},
): Promise<ServeProcess> {
  const args = opts.noopJobs ? [SERVE_NOOP] : [MAIN, 'serve'];
  const proc = spawn(process.execPath, ['--expose-gc', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: Record<string, unknown>[] = [];
  let err = '';
  proc.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
  let partial = '';
  let onListen: ((port: number) => void) | null = null;
  proc.stdout.setEncoding('utf8').on('data', (c: string) => {
    const lines = (partial + c).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines.filter(Boolean)) {
      const entry = JSON.parse(line) as Record<string, unknown>;
      logs.push(entry);
      if (entry.msg === 'bumpguard serve listening') onListen?.(Number(entry.port));
    }
  });
  const exited = once(proc, 'exit');
  after(() => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  });
  const port = await new Promise<number>((resolve, reject) => {
    onListen = resolve;
    const timer = setTimeout(
      () => reject(new Error(`serve did not listen within ${opts.timeoutMs ?? 20_000} ms: ${err}`)),
      opts.timeoutMs ?? 20_000,
    );
    void exited.then(([code]) => {
      clearTimeout(timer);
      reject(new ServeExited(code as number | null, err));
    });
    onListen = (p) => {
      clearTimeout(timer);
      resolve(p);
    };
  });
  return {
    proc,
    url: `http://127.0.0.1:${port}`,
    logs,
    stderr: () => err,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
      proc.kill('SIGTERM');
      const [code] = await exited;
      return code as number | null;
    },
  };
}

/** serve ended before it listened. */
export class ServeExited extends Error {
  readonly code: number | null;
  readonly stderr: string;
  constructor(code: number | null, stderr: string) {
    super(`serve exited with ${code} before listening: ${stderr}`);
    this.code = code;
    this.stderr = stderr;
  }
}
