// The audit's findings against upstream's tables: those about one tag (missing deps, unknown or
// no-op strips, patch constraints) and those about what changed between the two tags.

import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import type { Finding } from '../core/index.ts';
import type { BuildConstraint } from './parse-recipe.ts';
import { requires, type Selection } from './resolve-selection.ts';
import type { FeatureTable, Recipe } from './types.ts';

// Findings that describe the recipe against ONE upstream tag (missing deps, unknown or
// no-op strips, patch constraints). audit-bump runs this for the old and the new tag: a
// finding is `introduced` when the old tag did not have it.

export interface StateInput {
  table: FeatureTable;
  tag: string;
  recipe: Recipe | null;
  /** The config's explicit opt-in list, or null when read from the recipe. */
  explicitOptIns: string[] | null;
  selection: Selection;
  /** False when the opt-ins are unknown (no featuretags call, no config list): skip opt-in checks. */
  optInsKnown: boolean;
  constraints: BuildConstraint[];
}

/** Findings before acknowledgment: `introduced` and `acknowledged` are filled in by audit-bump. */
export type RawFinding = Omit<Finding, 'introduced' | 'acknowledged'>;

export function findStateFindings(input: StateInput): RawFinding[] {
  const out: RawFinding[] = [];
  if (input.selection.failure !== null) out.push(failureFinding(input.selection.failure, input.tag));
  if (input.selection.replayStopped)
    out.push({ severity: 'blocker', kind: 'recipe-unreadable', features: [], message: input.selection.replayStopped });
  if (input.optInsKnown) {
    out.push(...unknownFeatures(input));
    // With featuretags failing there is no tag list for the strips to act on.
    if (input.selection.failure === null && !input.selection.replayStopped) out.push(...noopStrips(input));
    out.push(...missingDeps(input));
  }
  for (const c of input.constraints) {
    for (const { feature, tag } of c.features) {
      if (input.table.has(feature)) continue;
      out.push({
        severity: 'blocker',
        kind: 'patch-unknown-feature',
        features: [feature],
        message: `${c.path}:${c.line} builds under \`${tag}\`, but ${feature} does not exist at ${input.tag}: the patch's constraint no longer means what it did`,
      });
    }
  }
  return out;
}

function failureFinding(stderr: string, tag: string): RawFinding {
  const unknown = /unknown feature "(?<f>[^"]+)" in --remove/.exec(stderr)?.groups?.f;
  if (unknown !== undefined) {
    return { severity: 'blocker', kind: 'unknown-feature', features: [unknown], message: `featuretags fails at ${tag}: ${stderr}` };
  }
  const dep = /cannot remove "(?<f>[^"]+)" without also removing "(?<d>[^"]+)"/.exec(stderr)?.groups;
  const features = dep ? [dep.d!, dep.f!] : [];
  return {
    severity: 'blocker',
    kind: dep ? 'missing-dep' : 'recipe-unreadable',
    features,
    message: `featuretags fails at ${tag}: ${stderr}`,
  };
}

function unknownFeatures(input: StateInput): RawFinding[] {
  const named: { feature: string; how: string }[] = [];
  for (const f of input.recipe?.featuretags?.add ?? []) named.push({ feature: f, how: `--add=${f} keeps nothing` });
  if (input.explicitOptIns !== null) {
    for (const f of input.explicitOptIns) named.push({ feature: f, how: 'it is listed in recipe.optIn' });
  } else {
    for (const sed of input.recipe?.seds ?? []) {
      for (const feature of sed.features) named.push({ feature, how: `its strip \`${sed.source}\` matches nothing` });
    }
  }
  for (const tag of input.recipe?.includeTags ?? []) {
    const f = tag.slice('ts_include_'.length);
    named.push({ feature: f, how: `\`${tag}\` selects nothing` });
  }
  const seen = new Set<string>();
  return named
    .filter(({ feature }) => !input.table.has(feature) && !seen.has(feature) && seen.add(feature))
    .map(({ feature, how }) => ({
      severity: 'blocker' as const,
      kind: 'unknown-feature' as const,
      features: [feature],
      message: `${feature} does not exist at ${input.tag} (renamed or removed upstream): ${how}, so the build silently leaves it out`,
    }));
}

function noopStrips(input: StateInput): RawFinding[] {
  if (input.explicitOptIns !== null || !input.recipe) return [];
  const out: RawFinding[] = [];
  const earlier = new Set<string>();
  input.recipe.seds.forEach((sed, k) => {
    const removed = input.selection.removedBy[k] ?? [];
    for (const f of sed.features) {
      if (!input.table.has(f) || removed.includes(f)) continue;
      const meta = input.table.get(f)!;
      let why: string | null = null;
      let severity: RawFinding['severity'] = 'info';
      if (input.selection.keptByAdd.has(f)) why = `--add=${input.recipe!.featuretags?.add.join(',')} already keeps ${f}`;
      else if (meta.flags.includes('NotOmittable')) why = `${f} is never omitted`;
      else if (earlier.has(f)) why = `an earlier strip already brought ${f} back`;
      else {
        why = `it does not match ts_omit_${f} in the featuretags output at ${input.tag}, so ${f} stays omitted`;
        severity = 'warning';
      }
      out.push({
        severity,
        kind: 'noop-strip',
        features: [f],
        message: `the strip \`${sed.source}\` (${sed.site.path}:${sed.site.line}) does nothing for ${f}: ${why}`,
      });
    }
    for (const r of removed) earlier.add(r);
  });
  return out;
}

function missingDeps(input: StateInput): RawFinding[] {
  const { table, selection } = input;
  const opted = selection.optedIn.filter((f) => table.has(f));
  const closures = new Map(opted.map((f) => [f, requires(table, f)]));
  const out: RawFinding[] = [];
  for (const feature of opted) {
    const closure = closures.get(feature)!;
    for (const dep of closure) {
      if (dep === feature || selection.included.has(dep)) continue;
      // Report a gap once, at the opted-in feature closest to it.
      const nearer = opted.some((g) => g !== feature && closure.has(g) && closures.get(g)!.has(dep));
      if (nearer) continue;
      const via = pathTo(table, feature, dep).slice(1, -1);
      out.push({
        severity: 'blocker',
        kind: 'missing-dep',
        features: [feature, dep],
        message: `${feature} needs ${dep}${via.length > 0 ? ` (via ${via.join(' → ')})` : ''}, which the recipe omits at ${input.tag}`,
      });
    }
  }
  return out;
}

/** Shortest Deps path from `from` to `to`, both included. */
function pathTo(table: FeatureTable, from: string, to: string): string[] {
  const prev = new Map<string, string>([[from, from]]);
  const queue = [from];
  while (queue.length > 0) {
    const f = queue.shift()!;
    if (f === to) break;
    for (const d of table.get(f)?.deps ?? []) {
      if (!prev.has(d)) {
        prev.set(d, f);
        queue.push(d);
      }
    }
  }
  const path = [to];
  while (path[0] !== from && prev.has(path[0]!)) path.unshift(prev.get(path[0]!)!);
  return path;
}

// Findings about what changed upstream between the two tags: Deps of opted-in features,
// features added or removed (new ones are silently omitted by --min), watched symbols.
/** A watched upstream definition at both tags (null: not found there). */
export interface WatchedSymbol {
  file: string;
  symbol: string;
  /** Why it is watched when not listed under `watch:`, e.g. "the sed at Dockerfile:14 edits it". */
  via?: string;
  old: string | null;
  new: string | null;
}

export interface ChangeInput {
  fromTag: string;
  toTag: string;
  oldTable: FeatureTable;
  newTable: FeatureTable;
  /** Features opted in at either tag. */
  optedIn: string[];
  /** Whether the recipe starts from --min (then new features are left out unless opted in). */
  usesMin: boolean;
  watched: WatchedSymbol[];
}

export type ChangeFinding = Omit<Finding, 'acknowledged'>;

export function findChangeFindings(input: ChangeInput): ChangeFinding[] {
  return [...depsChanged(input), ...featureSetChanges(input), ...input.watched.flatMap((w) => watchedChanged(w, input))];
}

function depsChanged({ oldTable, newTable, optedIn, fromTag, toTag }: ChangeInput): ChangeFinding[] {
  const out: ChangeFinding[] = [];
  for (const feature of optedIn) {
    const before = oldTable.get(feature)?.deps;
    const after = newTable.get(feature)?.deps;
    if (before === undefined || after === undefined) continue;
    const added = after.filter((d) => !before.includes(d));
    const removed = before.filter((d) => !after.includes(d));
    if (added.length === 0 && removed.length === 0) continue;
    const parts = [...added.map((d) => `+${d}`), ...removed.map((d) => `−${d}`)].join(', ');
    out.push({
      severity: 'warning',
      kind: 'deps-changed',
      features: [feature, ...added, ...removed],
      introduced: true,
      message: `${feature}'s Deps changed from ${fromTag} to ${toTag}: ${parts}`,
    });
  }
  return out;
}

function featureSetChanges({ oldTable, newTable, fromTag, toTag, usesMin }: ChangeInput): ChangeFinding[] {
  const added = [...newTable.keys()].filter((f) => !oldTable.has(f)).sort();
  const removed = [...oldTable.keys()].filter((f) => !newTable.has(f)).sort();
  const out: ChangeFinding[] = [];
  if (added.length > 0) {
    const tail = usesMin ? ': --min leaves them out unless the recipe opts in' : '';
    out.push({
      severity: 'info',
      kind: 'features-added',
      features: added,
      introduced: true,
      message: `${toTag} adds ${added.length} feature(s): ${added.join(', ')}${tail}`,
    });
  }
  if (removed.length > 0) {
    out.push({
      severity: 'info',
      kind: 'features-removed',
      features: removed,
      introduced: true,
      message: `${toTag} removes ${removed.length} feature(s) that ${fromTag} had: ${removed.join(', ')}`,
    });
  }
  return out;
}

/** A watched symbol's change between the two tags, as findings. */
export function watchedChanged(w: WatchedSymbol, { fromTag, toTag }: Pick<ChangeInput, 'fromTag' | 'toTag'>): ChangeFinding[] {
  const name = `${w.symbol} (${w.file}${w.via ? `; watched because ${w.via}` : ''})`;
  if (w.old !== null && w.new !== null) {
    if (w.old === w.new) return [];
    const detail = createTwoFilesPatch(`${fromTag}/${w.file}`, `${toTag}/${w.file}`, `${w.old}\n`, `${w.new}\n`, undefined, undefined, {
      headerOptions: FILE_HEADERS_ONLY,
    });
    return [
      {
        severity: 'warning',
        kind: 'watched-symbol-changed',
        features: [],
        introduced: true,
        message: `watched ${name} changed between ${fromTag} and ${toTag}`,
        detail,
      },
    ];
  }
  if (w.old !== null) {
    return [
      {
        severity: 'warning',
        kind: 'watched-symbol-changed',
        features: [],
        introduced: true,
        message: `watched ${name} no longer exists at ${toTag} (moved, renamed or removed)`,
        detail: w.old,
      },
    ];
  }
  if (w.new !== null) {
    return [
      {
        severity: 'info',
        kind: 'watched-symbol-changed',
        features: [],
        introduced: true,
        message: `watched ${name} is new at ${toTag} (absent at ${fromTag})`,
      },
    ];
  }
  return [
    {
      severity: 'warning',
      kind: 'watched-symbol-changed',
      features: [],
      introduced: false,
      message: `watched ${name} exists at neither ${fromTag} nor ${toTag}; check the watch entry in .bumpguard.yml`,
    },
  ];
}
