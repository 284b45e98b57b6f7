// OverrideStore + ForgeIdStore in memory: for tests, and for `serve` without a database.
import type { Override } from '../model.ts';
import type { ForgeIdStore, OverrideStore } from './types.ts';

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
