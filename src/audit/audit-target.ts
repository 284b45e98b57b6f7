// Audit one target repo for a bump decided by the caller (src/jobs detectBump): read the recipe
// at the head, fetch both upstream feature tables and watched files, then run the pure audit.
// I/O goes through the source-tree, UpstreamSource and EditRunner ports only. The upstream half
// (source edits, commits behind the shipped features) is audit-upstream.ts. An upstream that
// cannot be read ends the audit as one finding (the rest of the check still runs); it decides no verdict.
import { upstreamTag } from '../bump/index.ts';
import { resolveBuildPaths, type Config } from '../config/index.ts';
import { blameOf, BumpguardError, UpstreamError } from '../errors.ts';
import type { Bump, Finding, UpstreamReport } from '../model.ts';
import { errorFinding } from '../policy/error-finding.ts';
import type { SourceReader } from '../repo/types.ts';
import { auditBump, type WatchedSymbol } from './audit-bump.ts';
import { auditUpstream } from './audit-upstream.ts';
import { extractGoSymbol } from './extract-go-symbol.ts';
import { parseFeatureTags } from './parse-featuretags.ts';
import { memoizeUpstream } from './memoize-upstream.ts';
import { parseRecipe } from './parse-recipe.ts';
import { findReferencedScripts } from './read-recipe-files.ts';
import type { EditRunner } from './source-edit-types.ts';
import type { FeatureTable } from './types.ts';
import type { UpstreamSource } from './upstream/types.ts';

export interface AuditTargetInput {
  source: Pick<SourceReader, 'readFile' | 'listFiles'>;
  /** Where the recipe and patches are read: the PR's head. */
  ref: string;
  bump: Bump;
  /** From the base (a PR cannot loosen its own audit). */
  config: Config;
  /** Replays the build's sed and patch edits; null or absent: they are listed as not evaluated. */
  runner?: EditRunner | null;
}

export interface AuditOutcome {
  findings: Finding[];
  /** Source edits and upstream commits behind the shipped features; null when the audit could not run. */
  upstream: UpstreamReport | null;
}

export const FEATURETAGS_PATH = 'feature/featuretags/featuretags.go';

/** What marks a file as (part of) a feature-tag recipe. */
const RECIPE_WORDS = /featuretags|ts_omit_|ts_include_/;

export async function auditTarget(input: AuditTargetInput, source: UpstreamSource): Promise<AuditOutcome> {
  const { ref, bump, config } = input;
  const fromTag = upstreamTag(bump.from);
  const toTag = upstreamTag(bump.to);
  // One read per distinct upstream file, whichever part of the audit asks first.
  const upstream = memoizeUpstream(source);
  const repo = { readFile: (path: string) => input.source.readFile(ref, path), listFiles: (dir: string) => input.source.listFiles(ref, dir) };
  try {
    const recipe = await readRecipe(input.source, ref, config);
    const [patchFiles, oldTable, newTable, watched, edits] = await Promise.all([
      readPatches(input.source, ref, config.recipe.patches),
      readTable(upstream, fromTag),
      readTable(upstream, toTag),
      readWatched(upstream, fromTag, toTag, config.watch),
      auditUpstream({ recipeFiles: recipe.files, repo, fromTag, toTag, config, upstream, runner: input.runner ?? null }),
    ]);
    const found = recipe.files.some((f) => RECIPE_WORDS.test(f.text));
    const findings = auditBump({
      fromTag, toTag, recipe: found ? parseRecipe(recipe.files) : null, recipeFiles: recipe.files,
      ...(found ? {} : { noRecipe: { files: recipe.files.map((f) => f.path) } }),
      config, oldTable, newTable, patchFiles, watched,
    });
    return { findings: [...findings, ...edits.findings], upstream: edits.report };
  } catch (err) {
    // The upstream source (or the repo) could not be read: the audit part is one error finding.
    const blame = blameOf(err);
    if (err instanceof BumpguardError && (blame === 'infrastructure' || blame === 'config')) {
      return { findings: [errorFinding(err, `the feature-tag audit of ${fromTag} → ${toTag} could not run`)], upstream: null };
    }
    throw err;
  }
}

async function readRecipe(source: AuditTargetInput['source'], ref: string, cfg: Config): Promise<{ files: { path: string; text: string }[] }> {
  const path = resolveBuildPaths(cfg).dockerfile;
  const dockerfile = await source.readFile(ref, path);
  if (dockerfile === null) return { files: [] };
  const scripts = findReferencedScripts(dockerfile, await source.listFiles(ref, '.'));
  const paths = [...new Set([...cfg.recipe.files, ...scripts])].filter((p) => p !== path);
  const texts = await Promise.all(paths.map(async (p) => ({ path: p, text: await source.readFile(ref, p) })));
  const files = texts.filter((f): f is { path: string; text: string } => f.text !== null);
  return { files: [{ path, text: dockerfile }, ...files] };
}

async function readPatches(source: AuditTargetInput['source'], ref: string, dir: string): Promise<{ path: string; text: string }[]> {
  const paths = (await source.listFiles(ref, dir)).filter((p) => p.endsWith('.go'));
  return Promise.all(paths.map(async (path) => ({ path, text: (await source.readFile(ref, path)) ?? '' })));
}

async function readTable(upstream: UpstreamSource, tag: string): Promise<FeatureTable> {
  const text = await upstream.readFile(tag, FEATURETAGS_PATH);
  if (text === null) {
    throw new UpstreamError('featuretags-missing', `${upstream.describe} has no ${FEATURETAGS_PATH} at ${tag}; the feature table exists from v1.90.0 on.`);
  }
  const parsed = parseFeatureTags(text);
  // A half-read table would invent removed features and missing deps: refuse it outright.
  if (parsed.table.size === 0 || parsed.diagnostics.length > 0) {
    const first = parsed.diagnostics[0];
    const why = first ? `${first.line ? `line ${first.line}: ` : ''}${first.message}` : 'no features found';
    const more = parsed.diagnostics.length > 1 ? ` (and ${parsed.diagnostics.length - 1} more)` : '';
    throw new UpstreamError('featuretags-unreadable', `${FEATURETAGS_PATH} at ${tag} from ${upstream.describe} cannot be read: ${why}${more}.`);
  }
  return parsed.table;
}

async function readWatched(upstream: UpstreamSource, fromTag: string, toTag: string, watch: Config['watch']): Promise<WatchedSymbol[]> {
  return Promise.all(
    watch.map(async ({ file, symbol }) => {
      const [a, b] = await Promise.all([upstream.readFile(fromTag, file), upstream.readFile(toTag, file)]);
      return { file, symbol, old: a === null ? null : extractGoSymbol(a, symbol), new: b === null ? null : extractGoSymbol(b, symbol) };
    }),
  );
}
