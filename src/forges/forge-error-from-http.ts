// One mapping from an HTTP answer to a ForgeError, so both adapters fail the same way
// (were one adapter to warn and carry on where the other throws, a required check could be
// left pending on one forge).
import { ForgeError, type ForgeErrorCode } from '../errors.ts';
import type { ForgeKind } from './types.ts';

export interface HttpFailure {
  forge: ForgeKind;
  op: string;
  /** HTTP status; undefined when the request never got an answer (DNS, reset, timeout). */
  status?: number | undefined;
  /** Lower-case response header lookup. */
  header?: (name: string) => string | undefined;
  cause?: unknown;
}

export function forgeErrorFromHttp(f: HttpFailure): ForgeError {
  const code = classify(f.status, f.header);
  const retryAfter = f.header?.('retry-after');
  const reset = f.header?.('x-ratelimit-reset');
  const rateLimit = retryAfter !== undefined || reset !== undefined ? { ...(retryAfter !== undefined ? { retryAfter } : {}), ...(reset !== undefined ? { reset } : {}) } : undefined;
  return new ForgeError({ forge: f.forge, op: f.op, code, status: f.status, cause: f.cause, ...(rateLimit ? { rateLimit } : {}) }, message(f.forge, f.op, f.status, code));
}

/** The same failure, once retries are used up: the message says how often it was tried. */
export function forgeErrorAfterAttempts(err: ForgeError, attempts: number): ForgeError {
  return new ForgeError(
    { forge: err.forge, op: err.op, code: err.code, retryable: false, cause: err, ...(err.status !== undefined ? { status: err.status } : {}) },
    message(err.forge, err.op, err.status, err.code, attempts),
  );
}

function message(forge: string, op: string, status: number | undefined, code: ForgeErrorCode, attempts = 1): string {
  const where = forge === 'github' ? 'GitHub' : 'Gitea';
  const answer = status === undefined ? 'no answer' : `HTTP ${status}`;
  const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
  return `${where} API call ${op} failed (${answer})${tries}: ${HINTS[code]}`;
}

function classify(status: number | undefined, header?: (name: string) => string | undefined): ForgeErrorCode {
  if (status === undefined || status >= 500) return 'unavailable';
  if (status === 429) return 'rate-limited';
  // GitHub signals primary/secondary rate limits with 403 plus these headers.
  if (status === 403 && (header?.('x-ratelimit-remaining') === '0' || header?.('retry-after') !== undefined)) return 'rate-limited';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404 || status === 410) return 'not-found';
  if (status === 409 || status === 422) return 'conflict';
  return 'bad-response';
}

const HINTS: Record<ForgeErrorCode, string> = {
  'not-found': 'the repository, pull request or file does not exist or the bot cannot see it.',
  unauthorized: 'the token or app key is not accepted; check the server configuration.',
  forbidden: 'the bot lacks a permission for this; see docs/github.md or docs/gitea.md for the required scopes.',
  'rate-limited': 'the forge is rate-limiting the bot.',
  conflict: 'the forge rejected the request as invalid or conflicting.',
  unavailable: 'the forge did not answer or had an internal error.',
  'bad-response': 'the forge answered with something the bot does not understand.',
  'too-large': 'the answer is larger than bumpguard reads.',
};
