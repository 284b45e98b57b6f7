// The ONE forge interface. Everything above it (src/jobs,
// src/bot) is forge-agnostic: a third forge only adds a folder next to github/ and gitea/.
// An instance is bound to one repository (and, on GitHub, one installation).
import type { Verdict } from '../model.ts';

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
