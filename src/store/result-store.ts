// Measured results, bump history and overrides in the store; and the override and forge-id
// ports in memory, for tests and a `serve` without a database.

import type { DatabaseSync } from 'node:sqlite';
import type { ForgeIdStore, HistoryPoint, Override, OverrideStore, SideResult } from '../core/index.ts';

// Measured results per (repo, commit, platform, build-inputs hash), bump history and overrides.

export interface ResultKey {
  repo: string;
  commit: string;
  platform: string;
  inputsHash: string;
}

export interface HistoryEntry extends HistoryPoint {
  repo: string;
  baseRef: string;
}

export class ResultStore {
  readonly #db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  findResult(key: ResultKey): SideResult | null {
    const row = this.#db
      .prepare('SELECT side_json FROM results WHERE repo = ? AND commit_sha = ? AND platform = ? AND inputs_hash = ?')
      .get(key.repo, key.commit, key.platform, key.inputsHash) as { side_json: string } | undefined;
    return row ? (JSON.parse(row.side_json) as SideResult) : null;
  }

  /** Only successful measurements are worth reusing: a failed build is retried next time. */
  saveResult(key: ResultKey, side: SideResult, at: string): void {
    if (side.error || !side.analysis) return;
    this.#db
      .prepare(
        `INSERT INTO results (repo, commit_sha, platform, inputs_hash, created_at, side_json) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (repo, commit_sha, platform, inputs_hash) DO UPDATE SET created_at = excluded.created_at, side_json = excluded.side_json`,
      )
      .run(key.repo, key.commit, key.platform, key.inputsHash, at, JSON.stringify({ ...side, cached: false }));
  }

  recordHistory(entry: HistoryEntry): void {
    this.#db
      .prepare(
        `INSERT OR REPLACE INTO history (repo, base_ref, commit_sha, platform, version, image_bytes, flash_bytes, ram_rss_bytes, at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        entry.repo,
        entry.baseRef,
        entry.commit,
        entry.platform,
        entry.version,
        entry.imageCompressedBytes,
        entry.flashBytes,
        entry.ramRssBytes,
        entry.at,
      );
  }

  /** The last `limit` distinct versions measured on the base branch, oldest first. */
  listHistory(repo: string, baseRef: string, limit: number): HistoryPoint[] {
    const rows = this.#db
      .prepare(
        `SELECT version, commit_sha, platform, image_bytes, flash_bytes, ram_rss_bytes, at FROM history
         WHERE repo = ? AND base_ref = ? AND version IN (
           SELECT version FROM history WHERE repo = ? AND base_ref = ? GROUP BY version ORDER BY MAX(at) DESC LIMIT ?)
         ORDER BY at, platform`,
      )
      .all(repo, baseRef, repo, baseRef, limit) as Array<Record<string, string | number | null>>;
    return rows.map((r) => ({
      version: String(r.version),
      commit: String(r.commit_sha),
      platform: String(r.platform),
      imageCompressedBytes: Number(r.image_bytes),
      flashBytes: Number(r.flash_bytes),
      ramRssBytes: r.ram_rss_bytes === null ? null : Number(r.ram_rss_bytes),
      at: String(r.at),
    }));
  }

  addOverride(repo: string, pr: number, override: Override): void {
    this.#db
      .prepare('INSERT INTO overrides (repo, pr, head_sha, kind, reason, by_login, at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(repo, pr, override.headSha, override.kind, override.reason, override.by, override.at);
  }

  /** Overrides apply to one head SHA only: a new push re-evaluates everything. */
  listOverrides(repo: string, pr: number, headSha: string): Override[] {
    const rows = this.#db
      .prepare('SELECT kind, reason, by_login, at, head_sha FROM overrides WHERE repo = ? AND pr = ? AND head_sha = ? ORDER BY at, rowid')
      .all(repo, pr, headSha) as Array<Record<string, string>>;
    return rows.map((r) => ({ kind: r.kind as Override['kind'], reason: r.reason!, by: r.by_login!, at: r.at!, headSha: r.head_sha! }));
  }

  /** Forge object ids we update in place (sticky comment id, check run id per head SHA). */
  getForgeId(repo: string, key: string): string | null {
    const row = this.#db.prepare('SELECT value FROM forge_ids WHERE repo = ? AND key = ?').get(repo, key) as { value: string } | undefined;
    return row?.value ?? null;
  }

  setForgeId(repo: string, key: string, value: string): void {
    this.#db.prepare('INSERT OR REPLACE INTO forge_ids (repo, key, value) VALUES (?, ?, ?)').run(repo, key, value);
  }
}

// OverrideStore + ForgeIdStore in memory: for tests, and for `serve` without a database.
export class InMemoryJobState implements OverrideStore, ForgeIdStore {
  readonly #overrides: { repo: string; pr: number; override: Override }[] = [];
  readonly #ids = new Map<string, string>();

  addOverride(repo: string, pr: number, override: Override): void {
    this.#overrides.push({ repo, pr, override });
  }

  listOverrides(repo: string, pr: number, headSha: string): Override[] {
    return this.#overrides.filter((o) => o.repo === repo && o.pr === pr && o.override.headSha === headSha).map((o) => o.override);
  }

  getForgeId(repo: string, key: string): string | null {
    return this.#ids.get(`${repo}\n${key}`) ?? null;
  }

  setForgeId(repo: string, key: string, value: string): void {
    this.#ids.set(`${repo}\n${key}`, value);
  }
}
