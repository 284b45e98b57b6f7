// Which features a recipe builds at one upstream tag: replay the featuretags call (emulated
// from that tag's table) and then the recipe's sed commands on its output, exactly as the
// shell pipeline would. Replaying, rather than trusting the names in the strips, catches
// strips that match nothing, match too much, or miss the last tag for want of a comma.
import { emulateFeatureTags } from './emulate-featuretags.ts';
import type { Recipe } from './recipe-types.ts';
import { requires } from './resolve-deps.ts';
import type { FeatureTable } from './types.ts';

export interface Selection {
  /** Features the build keeps: no ts_omit_ tag for them in the final list. */
  included: Set<string>;
  /** Features kept by --add and their Deps (upstream resolves those). */
  keptByAdd: Set<string>;
  /** Opted-in features, in recipe order: --add, then what the strips (or config list) bring back. */
  optedIn: string[];
  /** Per recipe sed (same index): features whose ts_omit_ tag it deleted. */
  removedBy: string[][];
  /** featuretags' own error at this tag (e.g. unknown --remove feature), when it fails. */
  failure: string | null;
  /** Why the replay of the recipe's seds was stopped, when it was (a tag list growing without bound). */
  replayStopped?: string;
}

const OMIT_PREFIX = 'ts_omit_';
/** Upstream prints about 3 KiB of tags; a replay past this is not a feature selection. */
const MAX_TAGS_TEXT = 64 * 1024;

/**
 * Replay the recipe at one tag. `explicitOptIns` (config `recipe.optIn` list) replaces the
 * strips; without a featuretags call it stands for the whole selection (as if `--min`).
 */
export function resolveSelection(table: FeatureTable, tag: string, recipe: Recipe | null, explicitOptIns: string[] | null): Selection {
  const call = recipe?.featuretags ?? null;
  const add = call?.add ?? [];
  const keptByAdd = new Set(add.flatMap((f) => [...requires(table, f)]));
  const run = emulateFeatureTags({ table, constants: new Map() }, tag, { min: call?.min ?? true, add, remove: call?.remove ?? [] }, { via: 'binary' });
  const failure = run.exitCode === 0 ? null : run.stderr.trim().split('\n')[0] ?? 'featuretags failed';
  let tags = run.exitCode === 0 ? splitTags(run.stdout) : [];
  const removedBy: string[][] = [];
  const brought: string[] = [];
  if (explicitOptIns !== null) {
    const drop = new Set(explicitOptIns.map((f) => OMIT_PREFIX + f));
    brought.push(...explicitOptIns);
    tags = tags.filter((t) => !drop.has(t));
  } else {
    let text = tags.join(',');
    for (const sed of recipe?.seds ?? []) {
      if (sed.regex === null) {
        removedBy.push([]);
        continue;
      }
      const before = omitted(splitTags(text));
      text = text.replace(new RegExp(sed.regex, (sed.global ? 'g' : '') + (sed.ignoreCase ? 'i' : '')), sed.replacement);
      // Strips shorten the list; seds that keep growing it (`s/,/&&/g` again and again) are not strips.
      if (text.length > MAX_TAGS_TEXT) return stopped(table, keptByAdd, add, `the recipe's sed commands grow the tag list past ${MAX_TAGS_TEXT / 1024} KiB at ${tag}; bumpguard stops replaying them`);
      const after = omitted(splitTags(text));
      const gone = [...before].filter((f) => !after.has(f));
      removedBy.push(gone);
      brought.push(...gone);
    }
    tags = splitTags(text);
  }
  const finalOmitted = omitted(tags);
  // A failing featuretags call builds nothing; counting everything as included keeps that one
  // blocker from drowning in missing-dep noise.
  const included = new Set([...table.keys()].filter((f) => failure !== null || !finalOmitted.has(f)));
  const optedIn = [...new Set([...add, ...brought])];
  return { included, keptByAdd, optedIn, removedBy, failure };
}

function splitTags(text: string): string[] {
  return text.split(',').map((t) => t.trim()).filter((t) => t !== '');
}

function omitted(tags: string[]): Set<string> {
  return new Set(tags.filter((t) => t.startsWith(OMIT_PREFIX)).map((t) => t.slice(OMIT_PREFIX.length)));
}

/** A replay cut short: reported like a failing featuretags call (one blocker, no missing-dep noise). */
function stopped(table: FeatureTable, keptByAdd: Set<string>, add: string[], why: string): Selection {
  return { included: new Set(table.keys()), keptByAdd, optedIn: [...add], removedBy: [], failure: null, replayStopped: why };
}
