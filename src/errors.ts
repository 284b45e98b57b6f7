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
