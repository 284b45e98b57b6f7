// Transitive Deps over a FeatureTable, with upstream's semantics (feature/featuretags Requires and
// RequiredBy) but cycle-safe: upstream recurses without a visited set and would overflow its stack
// on a cycle; we visit each feature once.
import type { FeatureTable } from './types.ts';

/**
 * Every feature that must be kept to use `feature`, including itself, in depth-first source order.
 * An unknown feature requires only itself (upstream looks it up as an empty FeatureMeta).
 */
export function requires(table: FeatureTable, feature: string): Set<string> {
  const out = new Set<string>();
  const stack = [feature];
  while (stack.length > 0) {
    const f = stack.pop()!;
    if (out.has(f)) continue;
    out.add(f);
    const deps = table.get(f)?.deps ?? [];
    for (let k = deps.length - 1; k >= 0; k--) stack.push(deps[k]!);
  }
  return out;
}

/**
 * Every feature of the table that depends on `feature` directly or indirectly, including the
 * feature itself when it is in the table. Only table keys are returned, as upstream iterates
 * `Features` to build this set.
 */
export function requiredBy(table: FeatureTable, feature: string): Set<string> {
  const dependents = new Map<string, string[]>();
  for (const [name, meta] of table) {
    for (const dep of meta.deps) {
      const list = dependents.get(dep) ?? [];
      list.push(name);
      dependents.set(dep, list);
    }
  }
  const seen = new Set<string>([feature]);
  const queue = [feature];
  while (queue.length > 0) {
    for (const d of dependents.get(queue.shift()!) ?? []) {
      if (!seen.has(d)) {
        seen.add(d);
        queue.push(d);
      }
    }
  }
  return new Set([...table.keys()].filter((name) => seen.has(name)));
}
