// The upstream half of a bump's audit: the source edits the build makes (do they still apply at
// the new tag?), the Go symbols their sed addresses name (watched as if listed under `watch:`),
// and the upstream commits between the tags that touch what the image compiles in. Findings are
// acknowledged here by `acknowledge: [{ edit, reason }]`; the feature entries are audit-bump's.
import { resolveBuildPaths, type Config } from '../config/index.ts';
import { UpstreamError } from '../errors.ts';
import type { CommitDigest, Finding, UpstreamReport } from '../model.ts';
import { acknowledges, describeAck } from './apply-acknowledgments.ts';
import { auditSourceEdits } from './audit-source-edits.ts';
import { digestUpstreamCommits, noDigest } from './digest-upstream-commits.ts';
import { extractGoSymbol } from './extract-go-symbol.ts';
import { watchedChanged, type WatchedSymbol } from './find-change-findings.ts';
import { findSourceEdits } from './find-source-edits.ts';
import { parseRecipe } from './parse-recipe.ts';
import type { EditRunner } from './source-edit-types.ts';
import type { UpstreamSource } from './upstream/types.ts';

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
  const edits = findSourceEdits({ files: input.recipeFiles, context: resolveBuildPaths(config).context, upstream: config.upstream, buildArgs: config.buildArgs });
  const audit = await auditSourceEdits({ edits, tags, repo: input.repo, upstream, runner: input.runner });
  const listed = new Set(config.watch.map((w) => `${w.file}\0${w.symbol}`));
  const auto = audit.autoWatch.filter((w) => !listed.has(`${w.file}\0${w.symbol}`));
  const [watched, commits] = await Promise.all([
    Promise.all(auto.map(async (w): Promise<WatchedSymbol> => {
      const [a, b] = await Promise.all([upstream.readFile(fromTag, w.file), upstream.readFile(toTag, w.file)]);
      return { ...w, old: a === null ? null : extractGoSymbol(a, w.symbol), new: b === null ? null : extractGoSymbol(b, w.symbol) };
    })),
    readDigest(input, audit.touched),
  ]);
  const raw = [...audit.findings, ...watched.flatMap((w) => watchedChanged(w, tags))];
  return { findings: acknowledgeEdits(raw, config.acknowledge, toTag), report: { from: fromTag, to: toTag, edits: audit.statuses, commits } };
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
  if (!history) return noDigest(repo, fromTag, toTag, `no upstream history to list commits from (${upstream.describe} has none; give --upstream a git mirror, or github)`);
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
      severity: 'warning', kind: 'stale-acknowledgment', features: [], introduced: false, acknowledged: false,
      message: `the acknowledgment of ${describeAck(ack)} in .bumpguard.yml matches nothing at ${toTag}; remove it or update it`,
    });
  }
  return out;
}
