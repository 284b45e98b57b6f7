// Typed errors. `code` is a stable kebab-case string scripts may match on (one union per error
// class below); `userMessage` is one sentence a maintainer understands.
// ERROR_BLAME is the one table that says whose problem each code is: the target repo's (a
// broken build), the configuration's, or the infrastructure's (Docker, a builder, the forge, the
// upstream source). Only the target's own failures may fail a PR; the rest end as `error`.

/** The repository under check: git, checkouts and PR diffs. */
type SourceErrorCode =
  | 'git-unavailable'
  | 'git-failed'
  | 'repo-not-git'
  | 'repo-not-root'
  | 'ref-unknown'
  | 'checkout-failed'
  | 'diff-unavailable'
  | 'diff-unreadable'
  | 'diff-too-large';

/** Builds and the container engine. */
export type BuildErrorCode =
  /** The target's own build failed: a RUN step exited non-zero, a COPY source is missing, a parse error. */
  | 'build-failed'
  /** The build failed for a reason bumpguard does not recognise as the target's own. */
  | 'build-error'
  /** Not built: untrusted code whose Dockerfile has the engine fetch from the bot's network. */
  | 'build-refused'
  | 'build-timeout'
  | 'no-docker'
  /** The engine stopped answering (daemon stopped or crashed, socket gone) during the work. */
  | 'docker-unavailable'
  | 'no-buildx'
  | 'no-remote-client'
  | 'builder-config'
  | 'builder-unreachable'
  /** An engine the operator defined (BUMPGUARD_ENGINES) did not answer before its platform's work. */
  | 'engine-unreachable'
  /** `builders.<platform>.engine` names an engine the bot's operator did not define. */
  | 'engine-unknown'
  /** The repository's deprecated builder keys point at an address and the operator refuses those. */
  | 'builder-refused'
  | 'image-save-failed'
  /** `context` in .bumpguard.yml names a folder the commit does not have. */
  | 'context-missing'
  /** `dockerfile` in .bumpguard.yml names a file the commit does not have. */
  | 'dockerfile-missing';

/** Reading the exported image archive. */
type ImageErrorCode =
  | 'image-missing'
  | 'image-unreadable'
  /** More entries than a router image has: per-entry facts are not kept for them all. */
  | 'image-too-many-entries';

/** The database (BUMPGUARD_DB). */
type StoreErrorCode =
  /** The file or its directory cannot be created or opened. */
  | 'store-unavailable'
  /** Another process holds the write lock (SQLITE_BUSY). */
  | 'store-busy'
  /** The disk is full (SQLITE_FULL). */
  | 'store-full'
  /** Another `serve` holds the database's lease. */
  | 'store-leased';

/** Canaries that cannot run as configured. */
export type CanaryErrorCode = 'canary-needs-shell';

/** The upstream Tailscale source (feature table, watched files). */
export type UpstreamErrorCode =
  | 'featuretags-missing'
  | 'featuretags-unreadable'
  | 'upstream-bad-path'
  | 'upstream-bad-ref'
  | 'upstream-bad-repo'
  | 'upstream-bad-response'
  | 'upstream-cache-unreadable'
  | 'upstream-cache-unwritable'
  | 'upstream-git-failed'
  | 'upstream-git-missing'
  | 'upstream-not-found'
  | 'upstream-not-git'
  | 'upstream-rate-limited'
  | 'upstream-tag-missing'
  | 'upstream-unauthorized'
  | 'upstream-unavailable'
  | 'upstream-unreachable'
  | 'upstream-unreadable';

export type ForgeErrorCode =
  | 'not-found'
  | 'unauthorized'
  | 'forbidden'
  | 'rate-limited'
  | 'conflict'
  | 'unavailable'
  | 'bad-response'
  /** The answer is larger than bumpguard reads (a 50 MB PR diff): not retried. */
  | 'too-large';

export type ErrorCode =
  | SourceErrorCode
  | BuildErrorCode
  | ImageErrorCode
  | StoreErrorCode
  | CanaryErrorCode
  | UpstreamErrorCode
  | ForgeErrorCode
  | 'config-invalid'
  | 'usage'
  | 'cancelled';

/**
 * Whose problem a failure is. `target`: the image repo at that commit (a PR's build failure is a
 * blocker; the base's means there is no baseline). `config`: .bumpguard.yml (verdict `error`, the
 * field named). `infrastructure`: not the PR's fault (verdict `error`; `/rebuild` retries).
 */
export type Blame = 'target' | 'config' | 'infrastructure' | 'usage' | 'cancelled';

export const ERROR_BLAME = {
  'git-unavailable': 'infrastructure',
  'git-failed': 'infrastructure',
  'repo-not-git': 'usage',
  'repo-not-root': 'usage',
  'ref-unknown': 'usage',
  'checkout-failed': 'infrastructure',
  'diff-unavailable': 'infrastructure',
  'diff-unreadable': 'infrastructure',
  'diff-too-large': 'target',
  'build-failed': 'target',
  'build-error': 'infrastructure',
  // The PR's own Dockerfile asks for what an unreviewed build may not do (ADD <url>, a pulled image).
  'build-refused': 'target',
  // A build may hang on a slow or overloaded builder as easily as on the recipe: retrying is the way out.
  'build-timeout': 'infrastructure',
  'no-docker': 'infrastructure',
  'docker-unavailable': 'infrastructure',
  'no-buildx': 'infrastructure',
  'no-remote-client': 'infrastructure',
  'builder-config': 'config',
  'builder-unreachable': 'infrastructure',
  'engine-unreachable': 'infrastructure',
  'engine-unknown': 'config',
  'builder-refused': 'config',
  'image-save-failed': 'infrastructure',
  'context-missing': 'config',
  'dockerfile-missing': 'config',
  'image-missing': 'infrastructure',
  'image-unreadable': 'infrastructure',
  // A PR whose image holds 50,000 files is not a router image; the cap keeps the bot's memory bounded.
  'image-too-many-entries': 'target',
  'store-unavailable': 'infrastructure',
  'store-busy': 'infrastructure',
  'store-full': 'infrastructure',
  'store-leased': 'infrastructure',
  'canary-needs-shell': 'config',
  'featuretags-missing': 'infrastructure',
  'featuretags-unreadable': 'infrastructure',
  'upstream-bad-path': 'config',
  'upstream-bad-ref': 'config',
  'upstream-bad-repo': 'config',
  'upstream-bad-response': 'infrastructure',
  'upstream-cache-unreadable': 'infrastructure',
  'upstream-cache-unwritable': 'infrastructure',
  'upstream-git-failed': 'infrastructure',
  'upstream-git-missing': 'infrastructure',
  'upstream-not-found': 'config',
  'upstream-not-git': 'config',
  'upstream-rate-limited': 'infrastructure',
  // A tag the mirror or the API does not have (yet): a lagging mirror, not the bump itself.
  'upstream-tag-missing': 'infrastructure',
  'upstream-unauthorized': 'infrastructure',
  'upstream-unavailable': 'infrastructure',
  'upstream-unreachable': 'infrastructure',
  'upstream-unreadable': 'infrastructure',
  'not-found': 'infrastructure',
  unauthorized: 'infrastructure',
  forbidden: 'infrastructure',
  'rate-limited': 'infrastructure',
  conflict: 'infrastructure',
  unavailable: 'infrastructure',
  'bad-response': 'infrastructure',
  'too-large': 'infrastructure',
  'config-invalid': 'config',
  usage: 'usage',
  cancelled: 'cancelled',
} as const satisfies Record<ErrorCode, Blame>;

/** The message of anything thrown: an Error's own, else the value as text. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Whose problem `err` is; anything that is not a BumpguardError is a bug, never the PR's fault. */
export function blameOf(err: unknown): Blame {
  return err instanceof BumpguardError ? ERROR_BLAME[err.code] : 'infrastructure';
}

export class BumpguardError extends Error {
  readonly code: ErrorCode;
  readonly userMessage: string;
  constructor(code: ErrorCode, userMessage: string, options?: { cause?: unknown }) {
    super(userMessage, options);
    this.name = new.target.name;
    this.code = code;
    this.userMessage = userMessage;
  }
}

export interface ConfigIssue {
  path: string;
  message: string;
}

/** Invalid `.bumpguard.yml` or CLI usage that names the offending field. */
export class ConfigError extends BumpguardError {
  readonly issues: ConfigIssue[];
  constructor(userMessage: string, issues: ConfigIssue[] = [], options?: { cause?: unknown }) {
    super('config-invalid', userMessage, options);
    this.issues = issues;
  }
}

/** Wrong command-line usage (unknown flag, missing argument). */
export class UsageError extends BumpguardError {
  constructor(userMessage: string) {
    super('usage', userMessage);
  }
}

/** Upstream Tailscale source could not be read (missing tag, no network, bad clone). */
export class UpstreamError extends BumpguardError {
  declare readonly code: UpstreamErrorCode;
  constructor(code: UpstreamErrorCode, userMessage: string, options?: { cause?: unknown }) {
    super(code, userMessage, options);
  }
}

/** A build or container engine problem; `logTail` holds the last lines of output. */
export class BuildError extends BumpguardError {
  declare readonly code: BuildErrorCode | CanaryErrorCode;
  readonly platform: string | undefined;
  readonly logTail: string;
  constructor(
    code: BuildErrorCode | CanaryErrorCode,
    userMessage: string,
    init: { platform?: string; logTail?: string; cause?: unknown } = {},
  ) {
    super(code, userMessage, { cause: init.cause });
    this.platform = init.platform;
    this.logTail = init.logTail ?? '';
  }
}

/** Work stopped by an AbortSignal (superseded job, Ctrl-C, timeout). */
export class CancelledError extends BumpguardError {
  constructor(userMessage = 'The work was cancelled.', options?: { cause?: unknown }) {
    super('cancelled', userMessage, options);
  }
}

/** A forge API call failed. `retryable` tells src/jobs whether trying again can help. */
export class ForgeError extends BumpguardError {
  declare readonly code: ForgeErrorCode;
  /** "github" or "gitea". */
  readonly forge: string;
  /** The adapter operation, e.g. "setStatus". */
  readonly op: string;
  /** HTTP status, when the forge answered. */
  readonly status: number | undefined;
  readonly retryable: boolean;
  /** Raw Retry-After / X-RateLimit-Reset headers, when the forge sent them (the retry waits that long). */
  readonly rateLimit: { retryAfter?: string; reset?: string } | undefined;
  constructor(
    init: {
      forge: string;
      op: string;
      code: ForgeErrorCode;
      status?: number | undefined;
      retryable?: boolean;
      rateLimit?: { retryAfter?: string; reset?: string };
      cause?: unknown;
    },
    userMessage: string,
  ) {
    super(init.code, userMessage, { cause: init.cause });
    this.forge = init.forge;
    this.op = init.op;
    this.status = init.status;
    this.retryable = init.retryable ?? (init.code === 'rate-limited' || init.code === 'unavailable');
    this.rateLimit = init.rateLimit;
  }
}
