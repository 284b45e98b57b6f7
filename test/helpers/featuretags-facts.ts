// The recorded upstream facts (test/fixtures/tailscale-featuretags.json, so a fresh clone tests
// on its own): feature names, Deps and flags of featuretags.go at every stable tag.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FeatureTable } from '../../src/audit/index.ts';

export interface FactFeature {
  sym: string;
  deps: string[];
  flags: string[];
}
export type FactTable = Record<string, FactFeature>;

export const FACTS_COPY = fileURLToPath(new URL('../fixtures/tailscale-featuretags.json', import.meta.url));

export function loadFacts(path = FACTS_COPY): Record<string, FactTable> {
  return (JSON.parse(readFileSync(path, 'utf8')) as { tags: Record<string, FactTable> }).tags;
}

/** An original of the facts kept outside this repository, to compare the copy with: opt-in only. */
export function originalFacts(): { path: string; skip: false } | { path: null; skip: string } {
  const path = process.env.BUMPGUARD_FEATURETAGS_FACTS;
  return path
    ? { path, skip: false }
    : { path: null, skip: 'set BUMPGUARD_FEATURETAGS_FACTS to an original tailscale-featuretags.json to compare the copy with' };
}

/** A parsed table in the facts' shape, keys sorted (the facts list features alphabetically). */
export function toFacts(table: FeatureTable): FactTable {
  const out: FactTable = {};
  for (const name of [...table.keys()].sort()) {
    const { sym, deps, flags } = table.get(name)!;
    out[name] = { deps, sym, flags };
  }
  return out;
}

/** What `--min --add=<feature>` must omit, computed from the facts alone (not our resolver). */
export function expectedMinOmits(facts: FactTable, add: string): string[] {
  const keep = new Set<string>();
  const visit = (f: string): void => {
    if (keep.has(f)) return;
    keep.add(f);
    for (const d of facts[f]?.deps ?? []) visit(d);
  };
  visit(add);
  return Object.keys(facts)
    .filter((f) => !keep.has(f) && !facts[f]!.flags.includes('NotOmittable'))
    .map((f) => `ts_omit_${f}`)
    .sort();
}
