// The latest head SHA known per PR, noted as webhooks arrive. A job compares its own SHA with it
// before every forge write, so a superseded run never overwrites the newer one's comment or gate
// (forges.md § Both). In memory: after a restart the first event of a PR sets it again.
export class HeadTracker {
  readonly #latest = new Map<string, string>();

  static key(forge: string, repo: string, pr: number): string {
    return `${forge}:${repo}#${pr}`;
  }

  note(key: string, sha: string): void {
    this.#latest.set(key, sha);
  }

  /** True when a newer head than `sha` is known for the PR. */
  isSuperseded(key: string, sha: string): boolean {
    const latest = this.#latest.get(key);
    return latest !== undefined && latest !== sha;
  }
}
