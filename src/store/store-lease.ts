// One `bumpguard serve` per database. A second one would re-queue the first one's running jobs
// as if they had crashed, and every build and status write would happen twice. The holder keeps
// a heartbeat in the `lease` row; another serve refuses to start while it is fresh. A holder
// that died on this host (its pid is gone, or is our own: a restarted container) is taken over
// at once; one on another host after `ttlMs` without a heartbeat.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { DatabaseSync } from 'node:sqlite';
import { BumpguardError } from '../errors.ts';

export interface LeaseOptions {
  /** Without a heartbeat for this long, the lease is free (default 30 s). */
  ttlMs?: number;
  now?: () => Date;
  /** Called when another process took the lease over (this one stalled past the TTL). */
  onLost?: () => void;
  /** Called when a heartbeat could not be written (it is tried again). */
  onHeartbeatError?: (err: unknown) => void;
}

interface LeaseRow {
  holder: string;
  pid: number;
  host: string;
  heartbeat_at: string;
}

export class LeaseHeldError extends BumpguardError {
  constructor(row: LeaseRow, ageMs: number, ttlMs: number) {
    super(
      'store-leased',
      `Another bumpguard serve (pid ${row.pid} on ${row.host}) is using this database; its last heartbeat was ${Math.round(ageMs / 1000)} s ago. ` +
        `Stop it first, or give this one its own BUMPGUARD_DB. A serve that died without stopping frees the database after ${Math.round(ttlMs / 1000)} s.`,
    );
  }
}

export class StoreLease {
  readonly #db: DatabaseSync;
  readonly #holder = randomUUID();
  readonly #ttlMs: number;
  readonly #now: () => Date;
  readonly #timer: NodeJS.Timeout;
  #released = false;

  /** Takes the lease or throws LeaseHeldError; then renews it every third of the TTL. */
  constructor(db: DatabaseSync, opts: LeaseOptions = {}) {
    this.#db = db;
    this.#ttlMs = opts.ttlMs ?? 30_000;
    this.#now = opts.now ?? (() => new Date());
    this.#acquire();
    this.#timer = setInterval(() => {
      try {
        if (!this.#renew()) {
          clearInterval(this.#timer);
          opts.onLost?.();
        }
      } catch (err) {
        opts.onHeartbeatError?.(err);
      }
    }, Math.max(100, Math.floor(this.#ttlMs / 3)));
    this.#timer.unref();
  }

  /** Give the lease up (at shutdown): the next serve starts at once. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    clearInterval(this.#timer);
    this.#db.prepare("DELETE FROM lease WHERE name = 'serve' AND holder = ?").run(this.#holder);
  }

  #acquire(): void {
    const now = this.#now();
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const row = this.#db.prepare("SELECT holder, pid, host, heartbeat_at FROM lease WHERE name = 'serve'").get() as LeaseRow | undefined;
      const ageMs = row ? now.getTime() - Date.parse(row.heartbeat_at) : Infinity;
      if (row && ageMs < this.#ttlMs && !diedHere(row)) throw new LeaseHeldError(row, ageMs, this.#ttlMs);
      this.#db
        .prepare("INSERT OR REPLACE INTO lease (name, holder, pid, host, acquired_at, heartbeat_at) VALUES ('serve', ?, ?, ?, ?, ?)")
        .run(this.#holder, process.pid, hostname(), now.toISOString(), now.toISOString());
      this.#db.exec('COMMIT');
    } catch (err) {
      this.#db.exec('ROLLBACK');
      throw err;
    }
  }

  /** False when the row is no longer ours. */
  #renew(): boolean {
    const { changes } = this.#db.prepare("UPDATE lease SET heartbeat_at = ? WHERE name = 'serve' AND holder = ?").run(this.#now().toISOString(), this.#holder);
    return Number(changes) === 1;
  }
}

/** The holder ran on this host and is gone: its pid no longer exists, or it is our own pid (a restarted container). */
function diedHere(row: LeaseRow): boolean {
  if (row.host !== hostname()) return false;
  if (row.pid === process.pid) return true;
  try {
    process.kill(row.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
