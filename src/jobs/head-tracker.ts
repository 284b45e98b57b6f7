// The latest head SHA known per PR, noted as webhooks arrive, and when it became the latest. A
// job compares its own SHA with it before every forge write, so a superseded run never
// overwrites the newer one's comment or gate; a command compares its comment's
// time with it, so it never approves a head pushed after it was written. An in-memory mirror of
// the store's pr_heads table: JobQueue writes both when a push is accepted and loads it at start.
interface Head {
  sha: string;
  /** ISO time the push was accepted (null: not recorded). */
  seenAt: string | null;
}

export class HeadTracker {
  readonly #latest = new Map<string, Head>();

  static key(forge: string, repo: string, pr: number): string {
    return `${forge}:${repo}#${pr}`;
  }

  /** `sha` is now the PR's head; a repeat of the current head keeps its first time. */
  note(key: string, sha: string, at: string | null = null): void {
    if (this.#latest.get(key)?.sha === sha) return;
    this.#latest.set(key, { sha, seenAt: at });
  }

  /** Restore what the store remembers (at start). */
  load(entries: Iterable<[string, string, string | null]>): void {
    for (const [key, sha, at] of entries) this.#latest.set(key, { sha, seenAt: at });
  }

  latest(key: string): string | undefined {
    return this.#latest.get(key)?.sha;
  }

  /** When `sha` became the PR's head; null when it is not the latest known head or the time is unknown. */
  seenAt(key: string, sha: string): string | null {
    const head = this.#latest.get(key);
    return head?.sha === sha ? head.seenAt : null;
  }

  /** True when a newer head than `sha` is known for the PR. */
  isSuperseded(key: string, sha: string): boolean {
    const latest = this.#latest.get(key)?.sha;
    return latest !== undefined && latest !== sha;
  }
}
