import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ForgeError } from '../core/index.ts';
import { DEFAULT_RETRY_POLICY, forgeErrorFromHttp, readTextCapped, retryDelay, withRetry, type RetryPolicy } from './http.ts';

/** A pull-based body of `total` bytes in 64 KiB chunks that counts what was pulled. */
function body(total: number) {
  let pulled = 0;
  const chunk = new Uint8Array(64 * 1024).fill(0x2b);
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (pulled >= total) return controller.close();
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulled: () => pulled };
}

test('a body over the cap is refused as too-large after reading just past the cap, not all of it', async () => {
  const b = body(50 * 1024 * 1024);
  await assert.rejects(
    readTextCapped(b.stream, 1024 * 1024, { forge: 'gitea', op: 'getDiff' }),
    (err: unknown) => err instanceof ForgeError && err.code === 'too-large' && !err.retryable,
  );
  assert.ok(b.pulled() <= 1024 * 1024 + 128 * 1024, `pulled ${b.pulled()} bytes`);
});

test('a declared content-length over the cap is refused before reading anything', async () => {
  const b = body(50 * 1024 * 1024);
  await assert.rejects(
    readTextCapped(b.stream, 1024, { forge: 'github', op: 'getDiff', declaredBytes: 50 * 1024 * 1024 }),
    /GitHub API call getDiff: the answer is over/,
  );
  assert.equal(b.pulled(), 0);
});

test('a body under the cap is decoded whole, multi-byte characters across chunks included', async () => {
  const bytes = new TextEncoder().encode('ARG V=→v1.98.8\n');
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(bytes.slice(0, 7));
      c.enqueue(bytes.slice(7));
      c.close();
    },
  });
  assert.equal(await readTextCapped(stream, 1024, { forge: 'gitea', op: 'getDiff' }), 'ARG V=→v1.98.8\n');
});

const NOW = Date.parse('2025-06-13T08:00:00Z');
function policy(random = 0.5): RetryPolicy & { slept: number[] } {
  const slept: number[] = [];
  return { ...DEFAULT_RETRY_POLICY, random: () => random, now: () => NOW, sleep: async (ms) => void slept.push(ms), slept };
}
const fail = (status: number, headers: Record<string, string> = {}) =>
  forgeErrorFromHttp({ forge: 'gitea', op: 'getDiff', status, header: (n) => headers[n] });

/** A call that fails with `errors` in turn, then returns "ok". */
function flaky(...errors: Error[]) {
  let calls = 0;
  const fn = async () => {
    calls++;
    const err = errors.shift();
    if (err) throw err;
    return 'ok';
  };
  return { fn, calls: () => calls };
}

test('5xx is retried 3 times with n² s backoff, then fails saying how many attempts were made', async () => {
  const p = policy();
  const call = flaky(fail(502), fail(503), fail(500), fail(502));
  await assert.rejects(withRetry(call.fn, p), (err: unknown) => {
    assert.ok(err instanceof ForgeError);
    assert.equal(
      err.userMessage,
      'Gitea API call getDiff failed (HTTP 502) after 4 attempts: the forge did not answer or had an internal error.',
    );
    assert.equal(err.retryable, false);
    return true;
  });
  assert.equal(call.calls(), 4);
  assert.deepEqual(p.slept, [1000, 4000, 9000]);
});

test('backoff is jittered between half and one and a half times the base', () => {
  assert.deepEqual(
    [0, 0.999].map((r) => retryDelay(fail(502), 2, policy(r))),
    [2000, 5996],
  );
});

test('a transient failure recovers on the next attempt', async () => {
  const p = policy();
  const call = flaky(fail(502));
  assert.equal(await withRetry(call.fn, p), 'ok');
  assert.deepEqual(p.slept, [1000]);
});

test('4xx other than rate limits, and errors that are not ForgeErrors, are not retried', async () => {
  for (const err of [fail(404), fail(401), fail(422), new TypeError('bug')]) {
    const call = flaky(err);
    await assert.rejects(withRetry(call.fn, policy()), (e: unknown) => e === err);
    assert.equal(call.calls(), 1);
  }
});

test('Retry-After (seconds or an HTTP date) and X-RateLimit-Reset are waited for exactly', () => {
  const p = policy();
  assert.equal(retryDelay(fail(429, { 'retry-after': '7' }), 1, p), 7000);
  assert.equal(retryDelay(fail(503, { 'retry-after': 'Fri, 13 Jun 2025 08:00:30 GMT' }), 1, p), 30_000);
  assert.equal(retryDelay(fail(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 + 12) }), 1, p), 12_000);
});

test('a rate limit that resets later than maxDelayMs is not waited for: the job fails now with the reason', async () => {
  const p = policy();
  const call = flaky(fail(429, { 'retry-after': '3600' }));
  await assert.rejects(
    withRetry(call.fn, p),
    (err: unknown) => err instanceof ForgeError && err.code === 'rate-limited' && /rate-limiting/.test(err.userMessage),
  );
  assert.deepEqual(p.slept, []);
});

test('a caller may narrow what is retried (a non-idempotent POST: rate limits only)', async () => {
  const call = flaky(fail(502));
  await assert.rejects(
    withRetry(call.fn, policy(), { retryable: (e) => e.code === 'rate-limited' }),
    (err: unknown) => err instanceof ForgeError && err.status === 502,
  );
  assert.equal(call.calls(), 1);
});
