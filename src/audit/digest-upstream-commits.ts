// What changed upstream behind the features the image ships: of the commits between the two
// tags, those touching code the build compiles in, grouped by feature. A commit is relevant to
// a feature when it touches `feature/<name>/` or a file whose `//go:build` line names
// `ts_omit_<name>`, and to the source patches when it touches a file (or package) they edit.
// Pure: the log and the build lines come from the UpstreamHistory port.
import type { CommitDigest, DigestCommit, DigestGroup } from '../model.ts';
import type { UpstreamCommit, UpstreamLog } from './upstream/types.ts';

export const PATCHES_GROUP = 'source patches';
/** How many commits the comment lists; `--json` has them all. */
export const DIGEST_TOP = 20;

export interface DigestInput {
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

export function digestUpstreamCommits(input: DigestInput): CommitDigest {
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
  const groups = [...byGroup].map(([name, g]) => ({ name, ...g })).sort((a, b) => (a.kind === b.kind ? (a.name < b.name ? -1 : 1) : a.kind === 'patches' ? -1 : 1));
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
export function noDigest(repo: string, fromTag: string, toTag: string, why: string): CommitDigest {
  return { source: null, note: why, total: 0, relevant: 0, compareUrl: compareUrl(repo, fromTag, toTag), groups: [], top: [] };
}

export function compareUrl(repo: string, fromTag: string, toTag: string): string {
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
  return { sha: commit.sha, shortSha: commit.sha.slice(0, 10), subject: commit.subject, url: `https://github.com/${repo}/commit/${commit.sha}`, files };
}
