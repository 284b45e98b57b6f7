// Audit one target repo for a bump decided by the caller (src/jobs detectBump): read the recipe
// at the head, fetch both upstream feature tables and watched files, then run the pure audit.
// I/O goes through the source-tree, UpstreamSource and EditRunner ports only. The upstream half
// (source edits, commits behind the shipped features) is auditUpstream, below. An upstream that
// cannot be read ends the audit as one finding (the rest of the check still runs); it decides no verdict.

import { upstreamTag } from '../bump/index.ts';
import { resolveBuildPaths, type Config } from '../config/index.ts';
import {
  blameOf,
  BumpguardError,
  UpstreamError,
  type Bump,
  type CommitDigest,
  type DigestCommit,
  type DigestGroup,
  type EditRunner,
  type Finding,
  type SourceReader,
  type UpstreamCommit,
  type UpstreamLog,
  type UpstreamReport,
  type UpstreamSource,
} from '../core/index.ts';
import { errorFinding } from '../policy/index.ts';
import { acknowledges, auditBump, describeAck, type WatchedSymbol } from './audit-bump.ts';
import { auditSourceEdits } from './audit-source-edits.ts';
import { findSourceEdits } from './find-source-edits.ts';
import { watchedChanged } from './findings.ts';
import { extractGoSymbol } from './go-decls.ts';
import { parseFeatureTags } from './parse-featuretags.ts';
import { findReferencedScripts, parseRecipe } from './parse-recipe.ts';
import type { FeatureTable } from './types.ts';

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
  const repo = {
    readFile: (path: string) => input.source.readFile(ref, path),
    listFiles: (dir: string) => input.source.listFiles(ref, dir),
  };
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
      fromTag,
      toTag,
      recipe: found ? parseRecipe(recipe.files) : null,
      recipeFiles: recipe.files,
      ...(found ? {} : { noRecipe: { files: recipe.files.map((f) => f.path) } }),
      config,
      oldTable,
      newTable,
      patchFiles,
      watched,
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

async function readRecipe(
  source: AuditTargetInput['source'],
  ref: string,
  cfg: Config,
): Promise<{ files: { path: string; text: string }[] }> {
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
    throw new UpstreamError(
      'featuretags-missing',
      `${upstream.describe} has no ${FEATURETAGS_PATH} at ${tag}; the feature table exists from v1.90.0 on.`,
    );
  }
  const parsed = parseFeatureTags(text);
  // A half-read table would invent removed features and missing deps: refuse it outright.
  if (parsed.table.size === 0 || parsed.diagnostics.length > 0) {
    const first = parsed.diagnostics[0];
    const why = first ? `${first.line ? `line ${first.line}: ` : ''}${first.message}` : 'no features found';
    const more = parsed.diagnostics.length > 1 ? ` (and ${parsed.diagnostics.length - 1} more)` : '';
    throw new UpstreamError(
      'featuretags-unreadable',
      `${FEATURETAGS_PATH} at ${tag} from ${upstream.describe} cannot be read: ${why}${more}.`,
    );
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

// One audit reads an upstream file for several reasons (a watched symbol in the file a sed edits,
// a package clause): share each read, so a cold cache costs one read per distinct file.
export function memoizeUpstream(inner: UpstreamSource): UpstreamSource {
  const files = new Map<string, Promise<string | null>>();
  const dirs = new Map<string, Promise<string[] | null>>();
  const once = <T>(cache: Map<string, Promise<T>>, key: string, read: () => Promise<T>): Promise<T> => {
    let hit = cache.get(key);
    if (hit === undefined) {
      hit = read();
      cache.set(key, hit);
    }
    return hit;
  };
  return {
    describe: inner.describe,
    readFile: (tag, path) => once(files, `${tag}\0${path}`, () => inner.readFile(tag, path)),
    ...(inner.listDir && { listDir: (tag: string, dir: string) => once(dirs, `${tag}\0${dir}`, () => inner.listDir!(tag, dir)) }),
    ...(inner.history && { history: inner.history }),
  };
}

// The upstream half of a bump's audit: the source edits the build makes (do they still apply at
// the new tag?), the Go symbols their sed addresses name (watched as if listed under `watch:`),
// and the upstream commits between the tags that touch what the image compiles in. Findings are
// acknowledged here by `acknowledge: [{ edit, reason }]`; the feature entries are audit-bump's.
export interface UpstreamAuditInput {
  /** The Dockerfile, then the scripts it runs, at the head. */
  recipeFiles: { path: string; text: string }[];
  /** The target repo at the head (patch files, copied Go files). */
  repo: { readFile(path: string): Promise<string | null>; listFiles(dir: string): Promise<string[]> };
  fromTag: string;
  toTag: string;
  config: Pick<Config, 'dockerfile' | 'context' | 'upstream' | 'buildArgs' | 'watch' | 'acknowledge' | 'recipe'>;
  /** Shared with the feature audit (memoizeUpstream), so each file is read once. */
  upstream: UpstreamSource;
  /** null: sed and patches are listed as not evaluated. */
  runner: EditRunner | null;
}

export async function auditUpstream(input: UpstreamAuditInput): Promise<{ findings: Finding[]; report: UpstreamReport }> {
  const { fromTag, toTag, config, upstream } = input;
  const tags = { fromTag, toTag };
  const edits = findSourceEdits({
    files: input.recipeFiles,
    context: resolveBuildPaths(config).context,
    upstream: config.upstream,
    buildArgs: config.buildArgs,
  });
  const audit = await auditSourceEdits({ edits, tags, repo: input.repo, upstream, runner: input.runner });
  const listed = new Set(config.watch.map((w) => `${w.file}\0${w.symbol}`));
  const auto = audit.autoWatch.filter((w) => !listed.has(`${w.file}\0${w.symbol}`));
  const [watched, commits] = await Promise.all([
    Promise.all(
      auto.map(async (w): Promise<WatchedSymbol> => {
        const [a, b] = await Promise.all([upstream.readFile(fromTag, w.file), upstream.readFile(toTag, w.file)]);
        return { ...w, old: a === null ? null : extractGoSymbol(a, w.symbol), new: b === null ? null : extractGoSymbol(b, w.symbol) };
      }),
    ),
    readDigest(input, audit.touched),
  ]);
  const raw = [...audit.findings, ...watched.flatMap((w) => watchedChanged(w, tags))];
  return {
    findings: acknowledgeEdits(raw, config.acknowledge, toTag),
    report: { from: fromTag, to: toTag, edits: audit.statuses, commits },
  };
}

/** The opted-in features as the recipe writes them (or the config lists them). */
function optedIn(input: UpstreamAuditInput): string[] {
  if (input.config.recipe.optIn !== 'auto') return input.config.recipe.optIn;
  if (input.recipeFiles.length === 0) return [];
  const recipe = parseRecipe(input.recipeFiles);
  return [...new Set([...(recipe.featuretags?.add ?? []), ...recipe.optIns])];
}

async function readDigest(input: UpstreamAuditInput, touched: string[]): Promise<CommitDigest> {
  const { fromTag, toTag, upstream } = input;
  const repo = input.config.upstream;
  const history = upstream.history;
  if (!history) return noDigest(repo, fromTag, toTag, `${upstream.describe} keeps no commit history (a git mirror or github does)`);
  try {
    const log = await history.log(fromTag, toTag);
    const goFiles = [...new Set(log.commits.flatMap((c) => c.files))].filter((f) => f.endsWith('.go')).sort();
    const buildLines = await history.buildLines(toTag, goFiles);
    return digestUpstreamCommits({ repo, fromTag, toTag, log, source: history.describe, buildLines, optedIn: optedIn(input), touched });
  } catch (err) {
    // The list is a reading aid: an unreachable history says why in one line and judges nothing.
    if (err instanceof UpstreamError) return noDigest(repo, fromTag, toTag, `upstream commits could not be listed: ${err.userMessage}`);
    throw err;
  }
}

/** `acknowledge: [{ edit, reason }]` turns a source-edit finding into info; an entry matching nothing is reported. */
function acknowledgeEdits(findings: Omit<Finding, 'acknowledged'>[], acks: Config['acknowledge'], toTag: string): Finding[] {
  const out: Finding[] = findings.map((f) => {
    const ack = acks.find((a) => 'edit' in a && acknowledges(a, f));
    if (!ack) return { ...f, acknowledged: false };
    return { ...f, severity: 'info', acknowledged: true, acknowledgedReason: ack.reason, acknowledgedBy: '.bumpguard.yml' };
  });
  for (const ack of acks) {
    if (!('edit' in ack) || findings.some((f) => acknowledges(ack, f))) continue;
    out.push({
      severity: 'warning',
      kind: 'stale-acknowledgment',
      features: [],
      introduced: false,
      acknowledged: false,
      message: `the acknowledgment of ${describeAck(ack)} in .bumpguard.yml matches nothing at ${toTag}; remove it or update it`,
    });
  }
  return out;
}

// What changed upstream behind the features the image ships: of the commits between the two
// tags, those touching code the build compiles in, grouped by feature. A commit is relevant to
// a feature when it touches `feature/<name>/` or a file whose `//go:build` line names
// `ts_omit_<name>`, and to the source patches when it touches a file (or package) they edit.
// Pure: the log and the build lines come from the UpstreamHistory port.
const PATCHES_GROUP = 'source patches';
/** How many commits the comment lists; `--json` has them all. */
const DIGEST_TOP = 20;

interface DigestInput {
  /** "owner/name" on GitHub, for links. */
  repo: string;
  fromTag: string;
  toTag: string;
  log: UpstreamLog;
  source: string;
  /** `//go:build` lines of the touched Go files at the new tag. */
  buildLines: ReadonlyMap<string, string>;
  optedIn: readonly string[];
  /** Upstream paths the source edits touch; a trailing `/` marks a package directory. */
  touched: readonly string[];
}

function digestUpstreamCommits(input: DigestInput): CommitDigest {
  const optedIn = new Set(input.optedIn);
  const byGroup = new Map<string, { kind: DigestGroup['kind']; commits: DigestCommit[] }>();
  const score = new Map<string, number>();
  const relevantCommits: DigestCommit[] = [];
  for (const commit of input.log.commits) {
    const hits = groupsOf(commit, input, optedIn);
    if (hits.size === 0) continue;
    const files = [...new Set([...hits.values()].flat())].sort();
    const entry = toDigestCommit(commit, files, input.repo);
    relevantCommits.push(entry);
    // Commits that touch what the patches edit matter most, then those spanning several features.
    score.set(commit.sha, (hits.has(PATCHES_GROUP) ? 100 : 0) + hits.size);
    for (const [name, groupFiles] of hits) {
      const group = byGroup.get(name) ?? { kind: name === PATCHES_GROUP ? 'patches' : 'feature', commits: [] };
      group.commits.push({ ...entry, files: groupFiles.sort() });
      byGroup.set(name, group);
    }
  }
  const groups = [...byGroup]
    .map(([name, g]) => ({ name, ...g }))
    .sort((a, b) => (a.kind === b.kind ? (a.name < b.name ? -1 : 1) : a.kind === 'patches' ? -1 : 1));
  // Array.prototype.sort is stable, so equal scores keep the log's newest-first order.
  const top = [...relevantCommits].sort((a, b) => score.get(b.sha)! - score.get(a.sha)!).slice(0, DIGEST_TOP);
  return {
    source: input.source,
    note: input.log.truncated ?? null,
    total: input.log.commits.length,
    relevant: relevantCommits.length,
    compareUrl: compareUrl(input.repo, input.fromTag, input.toTag),
    groups,
    top,
  };
}

/** The digest when there is no history to read: one line saying so. */
function noDigest(repo: string, fromTag: string, toTag: string, why: string): CommitDigest {
  return { source: null, note: why, total: 0, relevant: 0, compareUrl: compareUrl(repo, fromTag, toTag), groups: [], top: [] };
}

function compareUrl(repo: string, fromTag: string, toTag: string): string {
  return `https://github.com/${repo}/compare/${encodeURIComponent(fromTag)}...${encodeURIComponent(toTag)}`;
}

/** Group name → the commit's files that put it there. */
function groupsOf(commit: UpstreamCommit, input: DigestInput, optedIn: ReadonlySet<string>): Map<string, string[]> {
  const hits = new Map<string, string[]>();
  const add = (name: string, file: string) => hits.set(name, [...(hits.get(name) ?? []), file]);
  for (const file of commit.files) {
    if (input.touched.includes(file)) add(PATCHES_GROUP, file);
    // Only Go sources are compiled in: tests, depaware lists and docs beside them are not.
    if (!file.endsWith('.go') || file.endsWith('_test.go')) continue;
    const folder = /^feature\/([^/]+)\//.exec(file)?.[1];
    if (folder !== undefined && optedIn.has(folder)) add(folder, file);
    const line = input.buildLines.get(file);
    if (line !== undefined) {
      for (const m of line.matchAll(/ts_omit_([A-Za-z0-9_]+)/g)) if (optedIn.has(m[1]!) && m[1] !== folder) add(m[1]!, file);
    }
    if (input.touched.some((t) => t.endsWith('/') && file.startsWith(t) && !file.slice(t.length).includes('/'))) add(PATCHES_GROUP, file);
  }
  return hits;
}

function toDigestCommit(commit: UpstreamCommit, files: string[], repo: string): DigestCommit {
  return {
    sha: commit.sha,
    shortSha: commit.sha.slice(0, 10),
    subject: commit.subject,
    url: `https://github.com/${repo}/commit/${commit.sha}`,
    files,
  };
}
