// Runs a build client in its own process group, streaming its output into a LogTail.
// Cancelling or timing out kills the whole group (the docker CLI runs buildx as a child
// plugin process, and a leftover client keeps the BuildKit session — and its RUN steps — alive).
import { execa } from 'execa';
import { childEnv } from '../child-env.ts';
import type { LogTail } from './log-tail.ts';

export interface RunLoggedOptions {
  env?: Record<string, string> | undefined;
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
  tail: LogTail;
  onLog?: ((line: string) => void) | undefined;
  /** After SIGTERM, SIGKILL the group this much later. */
  killGraceMs?: number;
}

export interface RunLoggedResult {
  exitCode: number | null;
  timedOut: boolean;
  cancelled: boolean;
  /** Set when the process could not be started at all (e.g. ENOENT). */
  spawnError?: Error;
}

export async function runLogged(file: string, args: string[], opts: RunLoggedOptions): Promise<RunLoggedResult> {
  const timeout = opts.timeoutMs === undefined ? null : AbortSignal.timeout(opts.timeoutMs);
  const stop = AbortSignal.any([opts.signal, timeout].filter((s): s is AbortSignal => s !== null && s !== undefined));
  if (stop.aborted) return { exitCode: null, timedOut: timeout?.aborted ?? false, cancelled: opts.signal?.aborted ?? false };

  const child = execa(file, args, {
    ...childEnv(opts.env), all: true, buffer: false, reject: false, detached: true, stdin: 'ignore',
  });
  const killGroup = (sig: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, sig);
    } catch (err) {
      // ESRCH: the group is already gone, which is what we want.
      if (!(err instanceof Error && 'code' in err && err.code === 'ESRCH')) throw err;
    }
  };
  let graceTimer: NodeJS.Timeout | undefined;
  const onStop = () => {
    killGroup('SIGTERM');
    graceTimer = setTimeout(() => killGroup('SIGKILL'), opts.killGraceMs ?? 5000);
  };
  const onExit = () => killGroup('SIGKILL'); // never leave a build running after we exit
  stop.addEventListener('abort', onStop, { once: true });
  process.once('exit', onExit);
  child.all?.setEncoding('utf8');
  child.all?.on('data', (chunk: string) => {
    for (const line of opts.tail.push(chunk)) opts.onLog?.(line);
  });
  try {
    const result = await child;
    const spawnError = result.failed && result.exitCode === undefined && !result.isTerminated ? result.cause : undefined;
    return {
      exitCode: result.exitCode ?? null,
      timedOut: timeout?.aborted ?? false,
      cancelled: opts.signal?.aborted ?? false,
      ...(spawnError instanceof Error ? { spawnError } : {}),
    };
  } finally {
    if (stop.aborted) killGroup('SIGKILL'); // children that outlived the client
    stop.removeEventListener('abort', onStop);
    process.removeListener('exit', onExit);
    clearTimeout(graceTimer);
  }
}
