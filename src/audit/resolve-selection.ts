// What the featuretags call selects at one tag: upstream's transitive Deps, the emulated
// `go run ./cmd/featuretags`, and the recipe's strips replayed on its output.

import semver from 'semver';
import type { ParsedFeatureTags } from './parse-featuretags.ts';
import type { FeatureTable, Recipe } from './types.ts';

// Which features a recipe builds at one upstream tag: replay the featuretags call (emulated
// from that tag's table) and then the recipe's sed commands on its output, exactly as the
// shell pipeline would. Replaying, rather than trusting the names in the strips, catches
// strips that match nothing, match too much, or miss the last tag for want of a comma.

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
  const run = emulateFeatureTags(
    { table, constants: new Map() },
    tag,
    { min: call?.min ?? true, add, remove: call?.remove ?? [] },
    { via: 'binary' },
  );
  const failure = run.exitCode === 0 ? null : (run.stderr.trim().split('\n')[0] ?? 'featuretags failed');
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
      if (text.length > MAX_TAGS_TEXT)
        return stopped(
          table,
          keptByAdd,
          add,
          `the recipe's sed commands grow the tag list past ${MAX_TAGS_TEXT / 1024} KiB at ${tag}; bumpguard stops replaying them`,
        );
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
  return text
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
}

function omitted(tags: string[]): Set<string> {
  return new Set(tags.filter((t) => t.startsWith(OMIT_PREFIX)).map((t) => t.slice(OMIT_PREFIX.length)));
}

/** A replay cut short: reported like a failing featuretags call (one blocker, no missing-dep noise). */
function stopped(table: FeatureTable, keptByAdd: Set<string>, add: string[], why: string): Selection {
  return { included: new Set(table.keys()), keptByAdd, optedIn: [...add], removedBy: [], failure: null, replayStopped: why };
}

// Transitive Deps over a FeatureTable, with upstream's semantics (feature/featuretags Requires and
// RequiredBy) but cycle-safe: upstream recurses without a visited set and would overflow its stack
// on a cycle; we visit each feature once.
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

// Emulate `go run ./cmd/featuretags` of tailscale/tailscale at a tag: the same stdout, stderr and
// exit status, from the parsed feature table of that tag. Behaviour is keyed on the tag's semver;
// cmd/featuretags first shipped in v1.90.0 and its logic is identical through v1.102.3 (only the
// copyright header changed, at v1.96.0), so one behaviour covers every stable tag so far.
//
// What cannot be byte-exact is reported through `exact: false` rather than guessed silently:
// - Go iterates maps in random order. With several --remove features that each fail, or one with
//   several offending dependents, upstream picks one at random; we pick the first in --remove
//   order and the first dependent in sorted order.
// - Panics and stack overflows print goroutine traces with addresses; we print the first lines.
// The log timestamp comes from `run.now` (local time, like Go); without it no prefix is written.
export interface FeatureTagsOptions {
  /** --min: omit every feature not kept by --add. */
  min: boolean;
  /** --add entries; each may itself be comma-separated, as upstream splits one string on commas. */
  add: string[];
  /** --remove entries, comma-separated like --add. */
  remove: string[];
  /** --list: print every feature and its description, nothing else. */
  list: boolean;
}

export interface FeatureTagsRun {
  /** When the program logs; renders the `log` package's date/time prefix. Omitted: no prefix. */
  now?: Date;
  /** 'go-run' (default) adds go run's "exit status N" line and exits 1 on any failure. */
  via?: 'go-run' | 'binary';
}

export interface FeatureTagsOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
  /** False when upstream could print something else here (random map order, stack traces). */
  exact: boolean;
}

export type FeatureTagsInput = Pick<ParsedFeatureTags, 'table' | 'constants'>;

type Failure = { kind: 'fatal'; message: string } | { kind: 'panic'; message: string } | { kind: 'overflow' };
type Outcome = { tags: string[]; exact: boolean; failure?: Failure } | { list: string };
type Behaviour = (input: FeatureTagsInput, options: FeatureTagsOptions) => Outcome;

const BEHAVIOURS: { since: string; run: Behaviour }[] = [{ since: '1.90.0', run: runSince190 }];

/**
 * sha256 of every upstream cmd/featuretags/featuretags.go we reviewed against this emulation,
 * without its `// Copyright` line (v1.90.0–v1.102.3 all hash to this). A test over the upstream
 * mirror fails when a tag's source differs, so a behaviour change can't slip in unreviewed.
 */
export const REVIEWED_CMD_FEATURETAGS = ['3be6c80e28500eb021818c5bdd8c403888e02fda72d0db1826b1cc9b24811f43'] as const;

export function emulateFeatureTags(
  input: FeatureTagsInput,
  tag: string,
  options: Partial<FeatureTagsOptions> = {},
  run: FeatureTagsRun = {},
): FeatureTagsOutput {
  const opts: FeatureTagsOptions = { min: false, add: [], remove: [], list: false, ...options };
  const outcome = behaviourFor(tag)(input, opts);
  if ('list' in outcome) return { stdout: outcome.list, stderr: '', exitCode: 0, exact: true };
  const stdout = outcome.tags.length > 0 ? `${outcome.tags.join(',')}\n` : '';
  if (!outcome.failure) return { stdout, stderr: '', exitCode: 0, exact: outcome.exact };
  return renderFailure(outcome.failure, outcome.exact, run);
}

/** The newest behaviour not newer than `tag`; tags that are not semver get the newest. */
function behaviourFor(tag: string): Behaviour {
  const version = semver.valid(semver.clean(tag));
  const usable = version ? BEHAVIOURS.filter((b) => semver.gte(version, b.since)) : BEHAVIOURS;
  return (usable.at(-1) ?? BEHAVIOURS[0]!).run;
}

function renderFailure(failure: Failure, exact: boolean, run: FeatureTagsRun): FeatureTagsOutput {
  const viaGoRun = (run.via ?? 'go-run') === 'go-run';
  // log.Fatalf exits 1; a panic or runtime fatal error exits 2. `go run` reports the child's
  // status on stderr and itself exits 1.
  const status = failure.kind === 'fatal' ? 1 : 2;
  let stderr: string;
  if (failure.kind === 'fatal') stderr = `${run.now ? goLogPrefix(run.now) : ''}${failure.message}\n`;
  else if (failure.kind === 'panic') stderr = `panic: ${failure.message}\n\ngoroutine 1 [running]:\n`;
  else stderr = 'runtime: goroutine stack exceeds 1000000000-byte limit\nfatal error: stack overflow\n';
  if (viaGoRun) stderr += `exit status ${status}\n`;
  return { stdout: '', stderr, exitCode: viaGoRun ? 1 : status, exact: exact && failure.kind === 'fatal' };
}

function splitCommas(values: string[]): string[] {
  return values
    .join(',')
    .split(',')
    .filter((v) => v !== '');
}

function runSince190(input: FeatureTagsInput, options: FeatureTagsOptions): Outcome {
  const { table } = input;
  const names = [...table.keys()].sort(compareGoStrings);
  if (options.list) return { list: names.map((f) => `${goPadLeft(f, 20)}: ${table.get(f)!.desc}\n`).join('') };
  const keep = new Set<string>();
  for (const t of splitCommas(options.add)) {
    if (!collectRequires(table, t, keep)) return { tags: [], exact: true, failure: { kind: 'overflow' } };
  }
  const tags: string[] = [];
  if (keep.has(input.constants.get('CLI') ?? 'cli')) tags.push('ts_include_cli');
  const omittable = (f: string) => !table.get(f)?.flags.includes('NotOmittable');
  if (options.min) {
    for (const f of names) if (f !== '' && !keep.has(f) && omittable(f)) tags.push(`ts_omit_${f}`);
  }
  const removeSet = new Set<string>();
  for (const v of splitCommas(options.remove)) {
    if (!table.has(v)) return { tags: [], exact: true, failure: { kind: 'fatal', message: `unknown feature ${goQuote(v)} in --remove` } };
    removeSet.add(v);
  }
  const failures: { failure: Failure; ambiguous: boolean }[] = [];
  for (const ft of removeSet) {
    const dependents = dependentsOf(table, ft);
    if (dependents === null) failures.push({ failure: { kind: 'overflow' }, ambiguous: false });
    else {
      const offending = [...dependents].filter((d) => !removeSet.has(d)).sort(compareGoStrings);
      if (offending.length > 0) {
        const message = `cannot remove ${goQuote(ft)} without also removing ${goQuote(offending[0]!)}, which depends on it`;
        failures.push({ failure: { kind: 'fatal', message }, ambiguous: offending.length > 1 });
      } else if (!omittable(ft)) failures.push({ failure: { kind: 'panic', message: `not omitable: ${ft}` }, ambiguous: false });
      else tags.push(`ts_omit_${ft}`);
    }
  }
  const first = failures[0];
  if (first) return { tags: [], exact: failures.length === 1 && !first.ambiguous, failure: first.failure };
  const sorted = tags.sort(compareGoStrings).filter((t, k) => k === 0 || t !== tags[k - 1]);
  return { tags: sorted, exact: true };
}

/**
 * Upstream's Requires: adds `ft` and recurses into Deps with no visited set, so it overflows iff a
 * cycle is reachable. Returns false in that case. `done` memoises finished (acyclic) subtrees.
 */
function collectRequires(table: FeatureTable, ft: string, keep: Set<string>, path = new Set<string>(), done = new Set<string>()): boolean {
  if (path.has(ft)) return false;
  keep.add(ft);
  if (done.has(ft)) return true;
  path.add(ft);
  for (const dep of table.get(ft)?.deps ?? []) if (!collectRequires(table, dep, keep, path, done)) return false;
  path.delete(ft);
  done.add(ft);
  return true;
}

/** Upstream's RequiredBy: table features f with featureDependsOn(f, ft); null when that overflows. */
function dependentsOf(table: FeatureTable, ft: string): Set<string> | null {
  const memo = new Map<string, boolean>();
  const path = new Set<string>();
  let overflow = false;
  const dependsOn = (a: string): boolean => {
    if (a === ft) return true;
    const known = memo.get(a);
    if (known !== undefined) return known;
    if (path.has(a)) {
      overflow = true;
      return false;
    }
    path.add(a);
    // Deps in order with an early return, exactly like featureDependsOn.
    const result = (table.get(a)?.deps ?? []).some((dep) => !overflow && dependsOn(dep));
    path.delete(a);
    memo.set(a, result);
    return result;
  };
  const out = new Set<string>();
  for (const f of table.keys()) {
    if (dependsOn(f)) out.add(f);
    if (overflow) return null;
  }
  return out;
}

// The bits of Go's fmt, strconv, sort and log output that cmd/featuretags relies on, so emulated
// output matches byte for byte: %q quoting, %20s padding (counted in runes), byte-wise string
// order, and the `log` package's default "2006/01/02 15:04:05 " prefix.

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;
const CONTROL_ESCAPES: Record<number, string> = { 7: '\\a', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v' };

/** strconv.Quote: what `%q` prints for a string. */
function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (cp === 0x20 || (cp >= 0x21 && cp < 0x7f) || (cp > 0x7f && PRINTABLE.test(ch))) out += ch;
    else if (CONTROL_ESCAPES[cp]) out += CONTROL_ESCAPES[cp];
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${hex(cp, 2)}`;
    else if (cp < 0x10000) out += `\\u${hex(cp, 4)}`;
    else out += `\\U${hex(cp, 8)}`;
  }
  return `${out}"`;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** `%<width>s`: right-aligned, padded with spaces; fmt counts runes, not bytes. */
function goPadLeft(s: string, width: number): string {
  const runes = [...s].length;
  return runes >= width ? s : ' '.repeat(width - runes) + s;
}

/** Go string order (bytes of UTF-8 = code point order; JS `<` compares UTF-16 units instead). */
function compareGoStrings(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  while (true) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const d = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}

/** The prefix `log.Printf`/`log.Fatalf` write with the default flags (Ldate|Ltime, local time). */
function goLogPrefix(now: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(now.getFullYear(), 4)}/${p(now.getMonth() + 1)}/${p(now.getDate())} ${p(now.getHours())}:${p(now.getMinutes())}:${p(now.getSeconds())} `;
}
