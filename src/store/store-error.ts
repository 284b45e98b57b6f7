// What went wrong with the database, in the terms an operator acts on. node:sqlite throws with
// the SQLite result code in `errcode`; the primary code is its low byte.
import { BumpguardError } from '../errors.ts';

/** `store-busy`: another process holds the write lock. `store-full`: the disk (or the file's limit) is full. */
export class StoreError extends BumpguardError {
  declare readonly code: 'store-busy' | 'store-full';
}

const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;
const SQLITE_FULL = 13;

/** The primary SQLite result code of a node:sqlite error; null for anything else. */
export function sqliteCode(err: unknown): number | null {
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
