// Retries for forge API calls the adapter makes itself (Gitea). GitHub calls go through Octokit's
// retry and throttling plugins, which Probot bundles; this mirrors their policy so both forges
// fail alike: 3 retries, backoff of n² seconds before retry n (@octokit/plugin-retry
// error-request.js), here with ±50% jitter so many jobs hitting one outage do not retry in step;
// Retry-After and X-RateLimit-Reset are honoured (plugin-throttling). Only ForgeError.retryable
// is retried; after the last retry the error says how many attempts were made.
import { setTimeout as delay } from 'node:timers/promises';
import { ForgeError } from '../errors.ts';
import { forgeErrorAfterAttempts } from './forge-error-from-http.ts';

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
