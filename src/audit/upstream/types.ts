// Where upstream Tailscale files come from. Implementations: local git dir (clone or bare
// mirror), GitHub API, fixtures directory. All are wrapped by a disk cache keyed by
// (repo, tag, path): tags are immutable, so a second audit does no network I/O.
export interface UpstreamSource {
  /** Human description for messages, e.g. "git /srv/tailscale.git" or "github tailscale/tailscale". */
  readonly describe: string;
  /** Text of `path` at `tag`, or null when the file does not exist at that tag. Throws UpstreamError when the tag or source is unreachable. */
  readFile(tag: string, path: string): Promise<string | null>;
  /** Names of the files directly in `dir` at `tag` (no subdirectories), or null when there is no such directory. */
  listDir?(tag: string, dir: string): Promise<string[] | null>;
  /** History between two tags, when the source has it (a fixtures directory does not). */
  history?: UpstreamHistory;
}

/** Commits between two tags and what they touched (section "what changed upstream"). */
export interface UpstreamHistory {
  readonly describe: string;
  /** Commits reachable from `to` but not from `from` (git's `from..to`, GitHub's compare), newest first. */
  log(from: string, to: string): Promise<UpstreamLog>;
  /** The `//go:build` line of each Go file in `paths` at `tag` that has one. */
  buildLines(tag: string, paths: string[]): Promise<Map<string, string>>;
}

export interface UpstreamCommit {
  sha: string;
  subject: string;
  /** Paths the commit touched. */
  files: string[];
}

export interface UpstreamLog {
  commits: UpstreamCommit[];
  /** Set when the source listed fewer commits than the range holds (GitHub's compare stops at 250). */
  truncated?: string;
}
