// A failure that stopped part of a check, turned into the finding the gate is decided on. Whose
// fault it is comes from the one table in src/errors.ts: the target's own failures are blockers
// a maintainer can act on; configuration and infrastructure trouble make the verdict `error`.
import { ERROR_BLAME, type Blame, type BumpguardError, type ErrorCode } from '../errors.ts';
import type { Finding, FindingKind } from '../model.ts';

export interface Failure {
  /** Stable code; a failure without one (an unexpected error) is never blamed on the PR. */
  code?: ErrorCode | undefined;
  message: string;
}

const KIND_OF_BLAME: Record<Exclude<Blame, 'cancelled' | 'usage'>, FindingKind> = {
  target: 'build-failed',
  config: 'config-invalid',
  infrastructure: 'infra-error',
};

/** Whose fault a failure is; usage mistakes in a check are configuration, cancellation cannot reach a verdict. */
export function blameOfFailure(f: Failure): Exclude<Blame, 'cancelled' | 'usage'> {
  const blame = f.code === undefined ? 'infrastructure' : ERROR_BLAME[f.code];
  return blame === 'usage' ? 'config' : blame === 'cancelled' ? 'infrastructure' : blame;
}

/** `what` names the part that failed ("linux/arm64 head build"); the message says why and what to do. */
export function failureFinding(f: Failure, what: string, extra: Partial<Finding> = {}): Finding {
  const blame = blameOfFailure(f);
  const advice = blame === 'infrastructure' ? ' — not caused by this change; `/rebuild` (or running the check again) retries' : '';
  return {
    severity: 'blocker',
    kind: KIND_OF_BLAME[blame],
    features: [],
    introduced: blame === 'target',
    acknowledged: false,
    message: `${what}: ${f.message.replace(/\.$/, '')}${advice}`,
    ...(f.code !== undefined ? { code: f.code } : {}),
    ...extra,
  };
}

/** The finding for a typed error caught while checking. */
export function errorFinding(err: BumpguardError, what: string, extra: Partial<Finding> = {}): Finding {
  return failureFinding({ code: err.code, message: err.userMessage }, what, extra);
}
