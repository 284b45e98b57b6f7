// Audit one target repo: find the bump (PR diff between two refs, or tags given outright),
// read the recipe at the head and the config at the base, fetch both upstream feature tables
// and watched files, then run the pure audit. I/O goes through the RepoReader and
// UpstreamSource ports only.
import { classifyBump, findTailscaleBumps, findTailscaleVersionArg } from '../bump/index.ts';
import { findConfigFile, parseConfig, type Config } from '../config/index.ts';
import { UpstreamError } from '../errors.ts';
import type { Bump, Finding, UpstreamReport, Verdict } from '../model.ts';
import type { RepoReader } from '../repo/types.ts';
import { auditBump, type WatchedSymbol } from './audit-bump.ts';
import { auditUpstream } from './audit-upstream.ts';
import { extractGoSymbol } from './extract-go-symbol.ts';
import { parseFeatureTags } from './parse-featuretags.ts';
import { parseRecipe } from './parse-recipe.ts';
import { memoizeUpstream } from './memoize-upstream.ts';
import { findReferencedScripts } from './read-recipe-files.ts';
import type { EditRunner } from './source-edit-types.ts';
import type { FeatureTable } from './types.ts';
import type { UpstreamSource } from './upstream/types.ts';

/** What an audit reads from the repo; src/jobs' SourceTree fits too. */
export type AuditRepo = Pick<RepoReader, 'readFile' | 'listFiles' | 'diff'>;

export type AuditTargetInput =
  | { repo: AuditRepo; baseRef: string; headRef: string }
  /** Audit the recipe at `ref` (default HEAD) as if it moved from one tag to another. */
  | { repo: AuditRepo; fromTag: string; toTag: string; ref?: string };

export interface AuditResult {
  /** The audited bump; null when there is none (or several disagree: see `reason`). */
  bump: Bump | null;
  /** Every Tailscale bump the diff contains. */
  bumps: Bump[];
  findings: Finding[];
  verdict: Verdict;
  /** Why the verdict is neutral, in one line. */
  reason?: string;
  /** Where the config came from, e.g. ".bumpguard.yml at main" or "defaults". */
  configSource: string;
  /** Source edits and upstream commits behind the shipped features; absent without a bump. */
  upstream?: UpstreamReport;
}

export const FEATURETAGS_PATH = 'feature/featuretags/featuretags.go';

/** `.bumpguard.yml` (or the other accepted names) at `ref`, parsed; defaults when there is none. Throws ConfigError. */
export async function readRepoConfig(repo: AuditRepo, ref: string): Promise<{ config: Config; source: string }> {
  const found = await findConfigFile((path) => repo.readFile(ref, path));
  if (found) return { config: parseConfig(found.text, found.path), source: `${found.path} at ${ref}` };
  return { config: parseConfig(null), source: 'defaults (no .bumpguard.yml)' };
}

/** Blockers that are not acknowledged fail the audit; everything else passes (warnings listed). */
export function auditVerdict(findings: Finding[]): Verdict {
  return findings.some((f) => f.severity === 'blocker') ? 'failure' : 'success';
}

/** `runner` replays the build's sed and patch edits (null: they are listed as not evaluated). */
export async function auditTarget(input: AuditTargetInput, source: UpstreamSource, config?: Config, runner: EditRunner | null = null): Promise<AuditResult> {
  // One read per distinct upstream file, whichever part of the audit asks first.
  const upstream = memoizeUpstream(source);
  const configRef = 'baseRef' in input ? input.baseRef : (input.ref ?? 'HEAD');
  const read = config ? { config, source: 'given' } : await readRepoConfig(input.repo, configRef);
  const cfg = read.config;
  const headRef = 'headRef' in input ? input.headRef : (input.ref ?? 'HEAD');
  const found = 'baseRef' in input ? await findBump(input.repo, input.baseRef, input.headRef, cfg) : await tagBump(input.repo, headRef, input.fromTag, input.toTag, cfg);
  const base = { bumps: found.bumps, configSource: read.source };
  if (found.bump === null) return { ...base, bump: null, findings: [], verdict: 'neutral', reason: found.reason };
  const fromTag = upstreamTag(found.bump.from);
  const toTag = upstreamTag(found.bump.to);
  const recipe = await readRecipe(input.repo, headRef, cfg);
  const repo = { readFile: (path: string) => input.repo.readFile(headRef, path), listFiles: (dir: string) => input.repo.listFiles(headRef, dir) };
  const [patchFiles, oldTable, newTable, watched, edits] = await Promise.all([
    readPatches(input.repo, headRef, cfg.recipe.patches),
    readTable(upstream, fromTag),
    readTable(upstream, toTag),
    readWatched(upstream, fromTag, toTag, cfg.watch),
    auditUpstream({ recipeFiles: recipe.files, repo, fromTag, toTag, config: cfg, upstream, runner }),
  ]);
  const findings = [
    ...auditBump({
      fromTag, toTag, recipe: recipe.files.length > 0 ? parseRecipe(recipe.files) : null, recipeFiles: recipe.files,
      config: cfg, oldTable, newTable, patchFiles, watched,
    }),
    ...edits.findings,
  ];
  return { ...base, bump: found.bump, findings, verdict: auditVerdict(findings), upstream: edits.report };
}

/** Tailscale tags carry a `v`; Renovate may write the version without it. */
export function upstreamTag(version: string): string {
  return /^\d/.test(version) ? `v${version}` : version;
}

async function findBump(repo: AuditRepo, baseRef: string, headRef: string, cfg: Config): Promise<{ bump: Bump | null; bumps: Bump[]; reason?: string }> {
  const bumps = findTailscaleBumps(await repo.diff(baseRef, headRef));
  if (bumps.length === 0) {
    // The marker can sit outside the diff's context lines; compare the built file itself.
    const [before, after] = await Promise.all([repo.readFile(baseRef, cfg.dockerfile), repo.readFile(headRef, cfg.dockerfile)]);
    const a = before === null ? null : findTailscaleVersionArg(before, cfg.dockerfile);
    const b = after === null ? null : findTailscaleVersionArg(after, cfg.dockerfile);
    if (a === null || b === null || a.value === b.value) return { bump: null, bumps, reason: `no Tailscale version change between ${baseRef} and ${headRef}` };
    const bump: Bump = { file: cfg.dockerfile, line: b.line, arg: b.arg, from: a.value, to: b.value, type: classifyBump(a.value, b.value) };
    return { bump, bumps: [bump] };
  }
  const inDockerfile = bumps.filter((b) => b.file === cfg.dockerfile);
  const candidates = inDockerfile.length > 0 ? inDockerfile : bumps;
  const pairs = new Set(candidates.map((b) => `${upstreamTag(b.from)} → ${upstreamTag(b.to)}`));
  if (pairs.size > 1) {
    const list = candidates.map((b) => `${b.file}:${b.line} ${b.arg} ${b.from} → ${b.to}`).join('; ');
    return { bump: null, bumps, reason: `the diff changes the Tailscale version to different values (${list}); audit each with --from/--to` };
  }
  return { bump: candidates[0]!, bumps };
}

async function tagBump(repo: AuditRepo, ref: string, from: string, to: string, cfg: Config): Promise<{ bump: Bump; bumps: Bump[]; reason?: string }> {
  const text = await repo.readFile(ref, cfg.dockerfile);
  const arg = text === null ? null : findTailscaleVersionArg(text, cfg.dockerfile);
  const bump: Bump = { file: cfg.dockerfile, line: arg?.line ?? 0, arg: arg?.arg ?? '', from, to, type: classifyBump(from, to) };
  return { bump, bumps: [] };
}

async function readRecipe(repo: AuditRepo, ref: string, cfg: Config): Promise<{ files: { path: string; text: string }[] }> {
  const dockerfile = await repo.readFile(ref, cfg.dockerfile);
  if (dockerfile === null) return { files: [] };
  const scripts = findReferencedScripts(dockerfile, await repo.listFiles(ref, '.'));
  const paths = [...new Set([...cfg.recipe.files, ...scripts])].filter((p) => p !== cfg.dockerfile);
  const texts = await Promise.all(paths.map(async (path) => ({ path, text: await repo.readFile(ref, path) })));
  const files = texts.filter((f): f is { path: string; text: string } => f.text !== null);
  return { files: [{ path: cfg.dockerfile, text: dockerfile }, ...files] };
}

async function readPatches(repo: AuditRepo, ref: string, dir: string): Promise<{ path: string; text: string }[]> {
  const paths = (await repo.listFiles(ref, dir)).filter((p) => p.endsWith('.go'));
  const files = await Promise.all(paths.map(async (path) => ({ path, text: (await repo.readFile(ref, path)) ?? '' })));
  return files;
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
