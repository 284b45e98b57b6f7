// The latest head SHA known per PR, noted as webhooks arrive. A job compares its own SHA with it
// before every forge write, so a superseded run never overwrites the newer one's comment or gate
// (forges.md § Both). An in-memory mirror of the store's pr_heads table: JobQueue writes both
// when a push is accepted and loads it at start, so the check survives a restart.
export class HeadTracker {
  readonly #latest = new Map<string, string>();

  static key(forge: string, repo: string, pr: number): string {
    return `${forge}:${repo}#${pr}`;
  }

  note(key: string, sha: string): void {
    this.#latest.set(key, sha);
  }

  /** Restore what the store remembers (at start). */
  load(entries: Iterable<[string, string]>): void {
    for (const [key, sha] of entries) this.#latest.set(key, sha);
  }

  latest(key: string): string | undefined {
    return this.#latest.get(key);
  }

  /** True when a newer head than `sha` is known for the PR. */
  isSuperseded(key: string, sha: string): boolean {
    const latest = this.#latest.get(key);
    return latest !== undefined && latest !== sha;
  }
}
