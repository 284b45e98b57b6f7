// Forge HTTP answers as data or a typed ForgeError, the same on both forges: statuses mapped to
// error codes, zod-checked bodies, capped reads, and retries for the calls Gitea gets.

import { setTimeout as delay } from 'node:timers/promises';
import type { z } from 'zod';
import { ForgeError, type ForgeErrorCode, type ForgeKind } from '../core/index.ts';

// One mapping from an HTTP answer to a ForgeError, so both adapters fail the same way
// (were one adapter to warn and carry on where the other throws, a required check could be
// left pending on one forge).

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
  const rateLimit =
    retryAfter !== undefined || reset !== undefined
      ? { ...(retryAfter !== undefined ? { retryAfter } : {}), ...(reset !== undefined ? { reset } : {}) }
      : undefined;
  return new ForgeError(
    { forge: f.forge, op: f.op, code, status: f.status, cause: f.cause, ...(rateLimit ? { rateLimit } : {}) },
    message(f.forge, f.op, f.status, code),
  );
}

/** The same failure, once retries are used up: the message says how often it was tried. */
export function forgeErrorAfterAttempts(err: ForgeError, attempts: number): ForgeError {
  return new ForgeError(
    {
      forge: err.forge,
      op: err.op,
      code: err.code,
      retryable: false,
      cause: err,
      ...(err.status !== undefined ? { status: err.status } : {}),
    },
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

// Check a forge answer against its (loose) zod schema; a mismatch is a typed bad-response,
// the same on every forge.
export function parseWire<S extends z.ZodType>(forge: ForgeKind, op: string, schema: S, data: unknown, status?: number): z.output<S> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const where = parsed.error.issues[0]?.path.join('.') || '(root)';
  throw new ForgeError(
    { forge, op, code: 'bad-response', cause: parsed.error, ...(status !== undefined ? { status } : {}) },
    `${forge === 'github' ? 'GitHub' : 'Gitea'} API call ${op} answered in an unexpected shape (${where}).`,
  );
}

// Read a response body as text, but never more than `maxBytes`: a 50 MB PR diff is refused
// after the limit, without holding it in memory: a stranger's input never costs unbounded memory.
/** 10 MiB: a Renovate bump changes a handful of lines; GitHub itself stops rendering diffs far below this. */
export const DEFAULT_MAX_DIFF_BYTES = 10 * 1024 * 1024;

const WHY: Record<string, string> = {
  getDiff: 'a Tailscale bump changes a few lines',
  readFile: 'configs, Dockerfiles and recipe scripts are far smaller',
};

export async function readTextCapped(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
  where: { forge: ForgeKind; op: string; declaredBytes?: number; what?: string },
): Promise<string> {
  if (body === null) return '';
  const tooLarge = () =>
    new ForgeError(
      { forge: where.forge, op: where.op, code: 'too-large', retryable: false },
      `${where.forge === 'github' ? 'GitHub' : 'Gitea'} API call ${where.op}${where.what ? ` of ${where.what}` : ''}: the answer is over ${Math.round(maxBytes / 1024 / 1024)} MiB, more than bumpguard reads (${WHY[where.op] ?? 'bumpguard reads small texts only'}).`,
    );
  if (where.declaredBytes !== undefined && where.declaredBytes > maxBytes) {
    await body.cancel();
    throw tooLarge();
  }
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parts: string[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    parts.push(decoder.decode(value, { stream: true }));
  }
  parts.push(decoder.decode());
  return parts.join('');
}

// Retries for forge API calls the adapter makes itself (Gitea). GitHub calls go through Octokit's
// retry and throttling plugins, which Probot bundles; this mirrors their policy so both forges
// fail alike: 3 retries, backoff of n² seconds before retry n (@octokit/plugin-retry
// error-request.js), here with ±50% jitter so many jobs hitting one outage do not retry in step;
// Retry-After and X-RateLimit-Reset are honoured (plugin-throttling). Only ForgeError.retryable
// is retried; after the last retry the error says how many attempts were made.
export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** Backoff before retry n (1-based) is baseMs·n², times a jitter factor in [0.5, 1.5). */
  baseMs: number;
  /** A Retry-After or rate-limit reset further away than this is not waited for: give up now. */
  maxDelayMs: number;
  /** Injected for tests: no real sleeps there. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  random(): number;
  /** Epoch milliseconds (X-RateLimit-Reset is an epoch time). */
  now(): number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 3,
  baseMs: 1000,
  maxDelayMs: 60_000,
  sleep: (ms, signal) => delay(ms, undefined, signal ? { signal } : {}),
  random: Math.random,
  now: Date.now,
};

export interface RetryOptions {
  signal?: AbortSignal | undefined;
  /** Narrower than ForgeError.retryable, e.g. a POST that is not idempotent retries only when rate-limited. */
  retryable?: (err: ForgeError) => boolean;
  onRetry?: (err: ForgeError, delayMs: number, attempt: number) => void;
}

export async function withRetry<T>(fn: () => Promise<T>, policy: RetryPolicy, opts: RetryOptions = {}): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof ForgeError) || !err.retryable || (opts.retryable && !opts.retryable(err))) throw err;
      const wait = attempt > policy.retries ? null : retryDelay(err, attempt, policy);
      if (wait === null) throw attempt > 1 ? forgeErrorAfterAttempts(err, attempt) : err;
      opts.onRetry?.(err, wait, attempt);
      await policy.sleep(wait, opts.signal);
    }
  }
}

/** Milliseconds before retry `attempt`; null when the forge asks for longer than maxDelayMs. */
export function retryDelay(err: ForgeError, attempt: number, policy: RetryPolicy): number | null {
  const asked = askedDelay(err, policy.now());
  if (asked !== null) return asked > policy.maxDelayMs ? null : asked;
  return Math.round(policy.baseMs * attempt ** 2 * (0.5 + policy.random()));
}

/** What the forge asked for: Retry-After (seconds or an HTTP date), else X-RateLimit-Reset (epoch seconds). */
function askedDelay(err: ForgeError, nowMs: number): number | null {
  const retryAfter = err.rateLimit?.retryAfter?.trim();
  if (retryAfter) {
    if (/^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000;
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - nowMs);
  }
  const reset = err.rateLimit?.reset?.trim();
  if (reset && /^\d+$/.test(reset)) return Math.max(0, Number(reset) * 1000 - nowMs);
  return null;
}
