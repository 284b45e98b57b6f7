// The embedded store (node:sqlite). One file holds measured results (so a base is built once),
// bump history for trend charts, overrides, and the forge ids the bot must update in place.
// Schema changes go through MIGRATIONS: append only, never edit a shipped step.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

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
];

export function openDatabase(path: string): DatabaseSync {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path);
  // WAL lets the server read while a job writes; busy_timeout rides out a concurrent CLI run.
  db.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;');
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
