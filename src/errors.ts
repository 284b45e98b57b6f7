// Typed errors. `code` is a stable kebab-case string scripts may match on;
// `userMessage` is one sentence a maintainer understands (style.md § Errors).

export class BumpguardError extends Error {
  readonly code: string;
  readonly userMessage: string;
  constructor(code: string, userMessage: string, options?: { cause?: unknown }) {
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
  constructor(code: string, userMessage: string, options?: { cause?: unknown }) {
    super(code, userMessage, options);
  }
}

/** A build or container engine problem; `logTail` holds the last lines of output. */
export class BuildError extends BumpguardError {
  readonly platform: string | undefined;
  readonly logTail: string;
  constructor(code: string, userMessage: string, init: { platform?: string; logTail?: string; cause?: unknown } = {}) {
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
      status?: number;
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
