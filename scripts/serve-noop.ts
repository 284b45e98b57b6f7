// `bumpguard serve` whose jobs build nothing and call no forge: each only waits, then counts as
// done. The load bench (scripts/bench-load.ts) and tests of the server process as a whole use it
// to exercise the webhook path, the durable queue and shutdown without Docker or a forge.
// Usage: node scripts/serve-noop.ts [delay-ms]   (environment as for `bumpguard serve`)
import { setTimeout as sleep } from 'node:timers/promises';
import { runAsProcess, serveWith } from '../src/cli/index.ts';
import type { JobRunResult } from '../src/jobs/index.ts';

/** A job that waits `delayMs` (cut short when cancelled: superseded, or shutdown past its grace). */
export function noopJob(delayMs: number) {
  return async (_job: unknown, signal: AbortSignal): Promise<JobRunResult> => {
    if (delayMs > 0) await sleep(delayMs, undefined, { signal }).catch(() => undefined);
    if (signal.aborted) return { status: 'superseded', reason: 'noop job cancelled' };
    return { status: 'done', reason: 'noop job' };
  };
}

if (import.meta.main) {
  const delayMs = Number(process.argv[2] ?? 0);
  if (!Number.isInteger(delayMs) || delayMs < 0) {
    console.error(`serve-noop: the delay must be a whole number of milliseconds, not "${process.argv[2]}"`);
    process.exit(2);
  }
  await runAsProcess((io) => serveWith({ runJob: noopJob(delayMs) }, { ...io, argv: [] }));
}
