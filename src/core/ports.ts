// The ports: the interfaces through which the pure rooms and src/jobs reach what lives outside
// them (the target repository, upstream Tailscale and the edit runner, the forge, the stores a job
// writes through). Every room may import them; the implementations are the edge rooms'.

import type { Override, Verdict } from './model.ts';

// The one source-tree port: read access to the target repository at refs, whatever holds it (a
// local git clone for the CLI, the forge's API for the bot). Every member takes the ref first,
// then the path, so no caller has to remember which adapter wants which order.

export interface SourceReader {
  /** Text of `path` (repo-relative) at `ref`; null when the file does not exist there. Throws when the ref is unknown. */
  readFile(ref: string, path: string): Promise<string | null>;
  /** Repo-relative paths of the files under `dir` ("." for all) at `ref`, recursively; [] when absent. */
  listFiles(ref: string, dir: string): Promise<string[]>;
  /** Unified diff of what `headRef` changes since it branched from `baseRef` (a PR's diff). */
  diff(baseRef: string, headRef: string): Promise<string>;
}

export interface SourceTree extends SourceReader {
  /** A directory holding the tree at `ref` (for building); cleaned up by `dispose`. */
  checkout(ref: string, signal: AbortSignal): Promise<string>;
  /** Remove every checkout made. */
  dispose(): Promise<void>;
}

/** A local clone also resolves branch and tag names to commits. */
export interface LocalSource extends SourceReader {
  /** Commit SHA of a ref. */
  resolve(ref: string): Promise<string>;
}

// Where upstream Tailscale files come from. Implementations: local git dir (clone or bare
// mirror), GitHub API, fixtures directory. All are wrapped by a disk cache keyed by
// (repo, tag, path): tags are immutable, so a second audit does no network I/O.
export interface UpstreamSource {
  /**
   * What the source is, for messages and reports that a PR may show: "a local git mirror", "GitHub tailscale/tailscale". Never a host
   * path: the command line that chose the source shows its own spec.
   */
  readonly describe: string;
  /**
   * Text of `path` at `tag`, or null when the file does not exist at that tag. Throws UpstreamError when the tag or source is unreachable.
   */
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

// The edit runner replays a recipe's source edits on upstream files.

/** What running a sed script on one upstream file gave. */
export type SedRun =
  | { status: 'ok'; output: string }
  /** GNU sed's --sandbox refused the script (it uses `e`, `r` or `w`). */
  | { status: 'refused'; message: string }
  /** sed rejected the script or failed on the file. */
  | { status: 'failed'; message: string }
  /** Over the time or output limit: not evaluated. */
  | { status: 'limit'; message: string }
  /** No usable sed on the bot host. */
  | { status: 'unavailable'; message: string };

export type ApplyCheck =
  | { status: 'applies' }
  /** `message` is git's own account, e.g. "error: patch failed: net/tstun/wrap.go:1067". */
  | { status: 'rejected'; message: string }
  | { status: 'limit'; message: string }
  | { status: 'unavailable'; message: string };

/**
 * Runs a source edit on upstream files, on the bot host (src/upstream/local-edit-runner.ts).
 * A PR's sed script and patch are untrusted: sed always runs with --sandbox, both run in a
 * temporary directory with a time and output limit, and every outcome is data, never a throw.
 */
export interface EditRunner {
  readonly describe: string;
  sed(req: { scripts: string[]; scriptText: string | null; flags: string[]; text: string }): Promise<SedRun>;
  /** `git apply --check` of `patch` against `files` (upstream-relative path → text; null: absent). */
  applyCheck(req: {
    patch: string;
    strip: number;
    directory: string;
    reverse: boolean;
    fuzzy: boolean;
    files: ReadonlyMap<string, string | null>;
  }): Promise<ApplyCheck>;
}

// The ONE forge interface. Everything above it (src/jobs, src/bot) is forge-agnostic: a third
// forge only adds a folder next to src/forges/github/ and gitea/. An instance is bound to one
// repository (and, on GitHub, one installation).
export type ForgeKind = 'github' | 'gitea';

/** Our own permission scale; GitHub's maintain/triage and Gitea's owner are folded in by the adapters. */
export type Permission = 'none' | 'read' | 'write' | 'admin';

export type Reaction = 'eyes' | 'rocket' | 'confused' | '+1';

/** What the merge gate shows: a verdict, or work in progress. */
export type GateState = Verdict | 'pending';

/** The status context / check-run name. Users put it in branch protection: never rename. */
export const STATUS_CONTEXT = 'bumpguard';

export interface PullRequest {
  number: number;
  /** Web page of the PR (used as details URL before the comment exists). */
  url: string;
  title: string;
  /** Login of the PR's author, e.g. "renovate[bot]" or "renovate". */
  author: string;
  state: 'open' | 'closed' | 'merged';
  /** Head branch lives in another repository: untrusted code, never built automatically. */
  isFork: boolean;
  /**
   * The author is a GitHub App (renovate[bot]): Apps are no collaborators, so the permission API
   * cannot vouch for them; pushing a branch of the base repository took the App's contents:write.
   */
  authorIsApp?: boolean;
  head: { ref: string; sha: string };
  base: { ref: string; sha: string };
}

export interface UpsertCommentInput {
  pr: number;
  /** Hidden marker owned by src/report; opaque here. Prepended to the body when missing. */
  marker: string;
  body: string;
  /** Comment id remembered from an earlier upsert; saves listing every comment. */
  knownId?: number | null;
}

export interface UpsertCommentResult {
  id: number;
  /** Web link to the comment (a good details URL for the status). */
  url: string;
  outcome: 'created' | 'updated' | 'unchanged';
  /** Ids of further bot comments carrying the marker (older runs, races): left alone, worth a warning. */
  duplicates: number[];
}

export interface StatusInput {
  sha: string;
  context: typeof STATUS_CONTEXT;
  state: GateState;
  /** One line: the verdict in words, or what is running. */
  title: string;
  /** Markdown summary (GitHub check output); Gitea shows the title only. */
  summary: string;
  detailsUrl?: string;
  /** The PR this run is for; GitHub keeps it on the check run (fork PRs' events lack it). */
  pr?: number;
}

export interface Forge {
  readonly kind: ForgeKind;
  /** "owner/name". */
  readonly repo: string;
  /** Login our comments are posted as ("bumpguard[bot]" on GitHub). */
  readonly botLogin: string;
  readonly limits: { commentChars: number };
  getPullRequest(pr: number): Promise<PullRequest>;
  /** Unified diff of the PR (what the PR page shows). */
  getDiff(pr: number): Promise<string>;
  /** File text at a ref (ref first, as every source-tree port); null only when the forge says 404. */
  readFile(ref: string, path: string): Promise<string | null>;
  /** Extract the tree at `sha` into `destDir` (exists, empty) via the archive API. */
  downloadTree(sha: string, destDir: string, signal: AbortSignal): Promise<void>;
  upsertComment(input: UpsertCommentInput): Promise<UpsertCommentResult>;
  setStatus(input: StatusInput): Promise<void>;
  react(commentId: number, reaction: Reaction): Promise<void>;
  /** One comment as the forge has it now (commands act on this, not on the webhook's copy). */
  getComment(id: number): Promise<PrComment>;
  /** A new (non-sticky) comment, e.g. help or a refusal. */
  reply(pr: number, body: string): Promise<{ id: number }>;
  permissionOf(login: string): Promise<Permission>;
}

/** One PR comment as the forge's API has it: who wrote it, what it says, when (the webhook may lie). */
export interface PrComment {
  id: number;
  author: string;
  body: string;
  /** ISO time the forge created it. */
  createdAt: string;
  /** The PR (issue) number it belongs to, when the API says. */
  pr: number | null;
}

/** A comment as both adapters list it, for the shared upsert. */
export interface ForgeComment {
  id: number;
  author: string;
  body: string;
  url: string;
}

// What a job writes besides the forge: overrides, the ids of forge objects, the gates it set.

/**
 * `/accept` overrides of a PR, each valid for one head SHA. Method names match
 * src/store ResultStore, which implements this port; tests use InMemoryJobState.
 */
export interface OverrideStore {
  addOverride(repo: string, pr: number, override: Override): void;
  listOverrides(repo: string, pr: number, headSha: string): Override[];
}

/** Ids of forge objects the bot updates in place (sticky comment, GitHub check run per SHA). */
export interface ForgeIdStore {
  getForgeId(repo: string, key: string): string | null;
  setForgeId(repo: string, key: string, value: string): void;
}

/** Where a job notes each gate state the forge accepted (src/store JobStore.noteGate, bound to the job). */
export interface GateLedger {
  /** `state`: a GateState, or `awaiting` (pending on a person, e.g. fork approval). */
  noteGate(gate: { pr: number; sha: string; state: string }): void;
  /** A head the job found on the PR that no push had announced (recorded like a push's). */
  noteHead?(head: { pr: number; sha: string; at: string }): void;
}

/** 1 MiB per file: the bot reads configs, Dockerfiles and recipe scripts, all far smaller (a 300 MB file once took it to 1.1 GB). */
export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;
