import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ForgeError } from '../errors.ts';
import { readTextCapped } from './read-capped.ts';

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
  await assert.rejects(readTextCapped(b.stream, 1024 * 1024, { forge: 'gitea', op: 'getDiff' }), (err: unknown) => err instanceof ForgeError && err.code === 'too-large' && !err.retryable);
  assert.ok(b.pulled() <= 1024 * 1024 + 128 * 1024, `pulled ${b.pulled()} bytes`);
});

test('a declared content-length over the cap is refused before reading anything', async () => {
  const b = body(50 * 1024 * 1024);
  await assert.rejects(readTextCapped(b.stream, 1024, { forge: 'github', op: 'getDiff', declaredBytes: 50 * 1024 * 1024 }), /GitHub API call getDiff: the answer is over/);
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
