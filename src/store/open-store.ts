// Opening the store: the schema and its migrations, database errors in an operator's terms, and
// the lease that keeps one `bumpguard serve` per database.

import { randomUUID } from 'node:crypto';
import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { BumpguardError } from '../core/index.ts';

// The embedded store (node:sqlite). One file holds measured results (so a base is built once),
// bump history for trend charts, overrides, the forge ids the bot must update in place, and the
// durable job queue (jobs, deliveries, runs, PR heads, gate states).
// Schema changes go through MIGRATIONS: append only, never edit a shipped step.

const MIGRATIONS: string[] = [
  `CREATE TABLE results (
     repo TEXT NOT NULL, commit_sha TEXT NOT NULL, platform TEXT NOT NULL, inputs_hash TEXT NOT NULL,
     created_at TEXT NOT NULL, side_json TEXT NOT NULL,
     PRIMARY KEY (repo, commit_sha, platform, inputs_hash));
   CREATE TABLE history (
     repo TEXT NOT NULL, base_ref TEXT NOT NULL, commit_sha TEXT NOT NULL, platform TEXT NOT NULL,
     version TEXT NOT NULL, image_bytes INTEGER NOT NULL, flash_bytes INTEGER NOT NULL, ram_rss_bytes INTEGER,
     at TEXT NOT NULL, PRIMARY KEY (repo, base_ref, commit_sha, platform));
   CREATE TABLE overrides (
     repo TEXT NOT NULL, pr INTEGER NOT NULL, head_sha TEXT NOT NULL, kind TEXT NOT NULL,
     reason TEXT NOT NULL, by_login TEXT NOT NULL, at TEXT NOT NULL);
   CREATE INDEX overrides_by_head ON overrides (repo, pr, head_sha);
   CREATE TABLE forge_ids (
     repo TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (repo, key));`,
  // 2. Durable jobs: every accepted delivery, the job it became, each attempt at running
  //    it, the latest head per PR, and the last gate state written per commit (restart reconcile).
  `CREATE TABLE jobs (
     id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, forge TEXT NOT NULL, repo TEXT NOT NULL,
     pr_key TEXT NOT NULL, head_sha TEXT, idem_key TEXT NOT NULL, payload_json TEXT NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'ignored', 'failed', 'superseded')),
     attempts INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, outcome_json TEXT);
   CREATE INDEX jobs_open ON jobs (id) WHERE state IN ('queued', 'running');
   CREATE INDEX jobs_by_idem ON jobs (idem_key);
   CREATE INDEX jobs_by_pr ON jobs (pr_key);
   CREATE TABLE deliveries (
     forge TEXT NOT NULL, delivery_id TEXT NOT NULL, job_id INTEGER NOT NULL REFERENCES jobs (id),
     received_at TEXT NOT NULL, PRIMARY KEY (forge, delivery_id));
   CREATE TABLE job_runs (
     job_id INTEGER NOT NULL REFERENCES jobs (id), attempt INTEGER NOT NULL, started_at TEXT NOT NULL,
     ended_at TEXT, result TEXT, PRIMARY KEY (job_id, attempt));
   CREATE TABLE pr_heads (pr_key TEXT PRIMARY KEY, head_sha TEXT NOT NULL, updated_at TEXT NOT NULL);
   CREATE TABLE gates (
     forge TEXT NOT NULL, repo TEXT NOT NULL, pr INTEGER NOT NULL, sha TEXT NOT NULL, installation_id INTEGER,
     state TEXT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (forge, repo, sha));
   CREATE INDEX gates_by_state ON gates (state);`,
  // 3. One `serve` per database: the holder of the lease and its last heartbeat.
  `CREATE TABLE lease (
     name TEXT PRIMARY KEY, holder TEXT NOT NULL, pid INTEGER NOT NULL, host TEXT NOT NULL,
     acquired_at TEXT NOT NULL, heartbeat_at TEXT NOT NULL);`,
];

/** The store holds overrides, forge ids and job payloads: readable by its owner only. */
const FILE_MODE = 0o600;

/** `busyTimeoutMs`: how long a write waits for another process's lock, blocking the thread (default 5 s; serve waits less). */
export function openDatabase(path: string, opts: { busyTimeoutMs?: number } = {}): DatabaseSync {
  if (path !== ':memory:') prepareFile(path);
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path);
  } catch (err) {
    throw new BumpguardError('store-unavailable', `Cannot open the database ${path}: ${(err as Error).message}.`, { cause: err });
  }
  // WAL lets the server read while a job writes; busy_timeout rides out a concurrent CLI run.
  // synchronous=NORMAL under WAL: a commit survives the process being killed (-9 included) and
  // costs no fsync per webhook; only an OS crash or power loss can drop the last commits.
  db.exec(
    `PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = ${Math.max(0, Math.trunc(opts.busyTimeoutMs ?? 5000))}; PRAGMA foreign_keys = ON;`,
  );
  migrate(db);
  return db;
}

function migrate(db: DatabaseSync): void {
  const row = db.prepare('PRAGMA user_version').get() as { user_version: number };
  for (let v = row.user_version; v < MIGRATIONS.length; v++) {
    db.exec('BEGIN');
    try {
      db.exec(MIGRATIONS[v]!);
      db.exec(`PRAGMA user_version = ${v + 1}`);
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
  }
}

/**
 * Create the parent directories one by one and the file as 0600 before SQLite opens it: SQLite
 * gives its -wal and -shm files the database file's mode. mkdirSync({ recursive }) is not used:
 * under a parent where mkdir answers ENOENT for ever (/proc) it loops at 100% CPU.
 */
function prepareFile(path: string): void {
  const missing: string[] = [];
  let dir = dirname(path);
  for (;;) {
    const kind = kindOf(dir);
    if (kind === 'dir') break;
    if (kind === 'other') throw unavailable(path, `${dir} exists and is not a directory`);
    missing.unshift(dir);
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  try {
    for (const d of missing) mkdirSync(d, { mode: 0o700 });
    closeSync(openSync(path, 'a', FILE_MODE));
    for (const file of [path, `${path}-wal`, `${path}-shm`]) {
      if (kindOf(file) === 'other' && (statSync(file).mode & 0o077) !== 0) chmodSync(file, FILE_MODE);
    }
  } catch (err) {
    throw unavailable(path, (err as Error).message);
  }
}

function kindOf(path: string): 'dir' | 'other' | null {
  try {
    return statSync(path).isDirectory() ? 'dir' : 'other';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw unavailable(path, (err as Error).message);
  }
}

function unavailable(path: string, why: string): BumpguardError {
  return new BumpguardError(
    'store-unavailable',
    `Cannot create the database ${path}: ${why}. Set BUMPGUARD_DB to a file in a writable directory.`,
  );
}

// What went wrong with the database, in the terms an operator acts on. node:sqlite throws with
// the SQLite result code in `errcode`; the primary code is its low byte.
/** `store-busy`: another process holds the write lock. `store-full`: the disk (or the file's limit) is full. */
export class StoreError extends BumpguardError {
  declare readonly code: 'store-busy' | 'store-full';
}

const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;
const SQLITE_FULL = 13;

/** The primary SQLite result code of a node:sqlite error; null for anything else. */
function sqliteCode(err: unknown): number | null {
  const code = (err as { errcode?: unknown } | null)?.errcode;
  return typeof code === 'number' ? code & 0xff : null;
}

/** A StoreError for the failures the server answers 503 for; `err` itself otherwise. */
export function toStoreError(err: unknown): unknown {
  const code = sqliteCode(err);
  if (code === SQLITE_BUSY || code === SQLITE_LOCKED) {
    return new StoreError('store-busy', 'The database is locked by another process (SQLITE_BUSY); nothing was recorded.', { cause: err });
  }
  if (code === SQLITE_FULL) {
    return new StoreError('store-full', 'The database cannot grow: the disk is full (SQLITE_FULL); nothing was recorded.', { cause: err });
  }
  return err;
}

// One `bumpguard serve` per database. A second one would re-queue the first one's running jobs
// as if they had crashed, and every build and status write would happen twice. The holder keeps
// a heartbeat in the `lease` row; another serve refuses to start while it is fresh. A holder
// that died on this host (its pid is gone, or is our own: a restarted container) is taken over
// at once; one on another host after `ttlMs` without a heartbeat.
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
    this.#timer = setInterval(
      () => {
        try {
          if (!this.#renew()) {
            clearInterval(this.#timer);
            opts.onLost?.();
          }
        } catch (err) {
          opts.onHeartbeatError?.(err);
        }
      },
      Math.max(100, Math.floor(this.#ttlMs / 3)),
    );
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
    const { changes } = this.#db
      .prepare("UPDATE lease SET heartbeat_at = ? WHERE name = 'serve' AND holder = ?")
      .run(this.#now().toISOString(), this.#holder);
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
