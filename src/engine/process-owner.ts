// This process as the owner of what it makes on an engine, and whether another owner of this pid
// namespace still runs, from Linux's /proc. Elsewhere the owner is unknown (`x`) and objects are
// judged by age only.

import { createHash } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import type { Owner } from './owner-stamp.ts';

/** The owner stamped on this process's objects; `database` is the serve's database id (none for a CLI run). */
export function processOwner(opts: { database?: string | undefined } = {}): Owner {
  const bootId = readOrNull(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim());
  const namespace = readOrNull(() => readlinkSync('/proc/self/ns/pid'));
  return {
    place: bootId && namespace ? hash(`${bootId} ${namespace}`) : 'x',
    pid: process.pid,
    start: startTicks(process.pid) ?? 'x',
    database: opts.database ? hash(opts.database) : 'x',
  };
}

/**
 * Whether the process `pid` of this pid namespace runs and is the one that started at `start`.
 * A process that exists but whose start cannot be read (another user's, under hidepid) counts as
 * running: a leftover kept for a while is better than a running job's image removed.
 */
export function processRuns(pid: number, start: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'ESRCH') return false;
    if (!(err instanceof Error && 'code' in err && err.code === 'EPERM')) throw err;
  }
  const now = startTicks(pid);
  return now === null || now === start;
}

/** Field 22 of /proc/<pid>/stat, after the command name (which may hold spaces and parentheses). */
function startTicks(pid: number): string | null {
  const stat = readOrNull(() => readFileSync(`/proc/${pid}/stat`, 'utf8'));
  if (stat === null) return null;
  const ticks = stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .at(19);
  return ticks && /^\d+$/.test(ticks) ? Number(ticks).toString(36) : null;
}

function readOrNull(read: () => string): string | null {
  try {
    return read();
  } catch (err) {
    // Not Linux, or /proc hides it: the caller falls back to what it can know.
    if (err instanceof Error && 'code' in err) return null;
    throw err;
  }
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}
