// Which queued job runs next: repositories take turns (round-robin), oldest job first within a
// repository, skipping PRs that already have a job running (one active job per PR). A busy repo
// with twenty Renovate PRs cannot starve another repo's single bump.
export interface FairEntry {
  id: number;
  repo: string;
  prKey: string;
}

export class FairQueue<E extends FairEntry = FairEntry> {
  readonly #byRepo = new Map<string, E[]>();
  /** Repos with queued entries, in turn order. */
  readonly #ring: string[] = [];
  #cursor = 0;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  push(entry: E): void {
    let queue = this.#byRepo.get(entry.repo);
    if (!queue) {
      queue = [];
      this.#byRepo.set(entry.repo, queue);
      this.#ring.push(entry.repo);
    }
    queue.push(entry);
    this.#size++;
  }

  /** Drop an entry (superseded before it ran); false when it is not queued. */
  remove(id: number): boolean {
    for (const [repo, queue] of this.#byRepo) {
      const index = queue.findIndex((e) => e.id === id);
      if (index < 0) continue;
      queue.splice(index, 1);
      this.#size--;
      if (queue.length === 0) this.#dropRepo(repo);
      return true;
    }
    return false;
  }

  /** The next entry whose PR is not busy, repos in turn; null when none can run now. */
  take(busy: (prKey: string) => boolean): E | null {
    const n = this.#ring.length;
    for (let i = 0; i < n; i++) {
      const index = (this.#cursor + i) % n;
      const repo = this.#ring[index]!;
      const queue = this.#byRepo.get(repo)!;
      const at = queue.findIndex((e) => !busy(e.prKey));
      if (at < 0) continue;
      const [entry] = queue.splice(at, 1);
      this.#size--;
      // The next turn starts at the repo after this one.
      this.#cursor = index + 1;
      if (queue.length === 0) this.#dropRepo(repo);
      return entry!;
    }
    return null;
  }

  #dropRepo(repo: string): void {
    this.#byRepo.delete(repo);
    const index = this.#ring.indexOf(repo);
    this.#ring.splice(index, 1);
    // Removing a repo before the cursor shifts the ring left under it.
    if (index < this.#cursor) this.#cursor--;
    if (this.#ring.length > 0) this.#cursor %= this.#ring.length;
    else this.#cursor = 0;
  }
}
