import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { crc32, gunzipSync, gzipSync } from 'node:zlib';
import { createGzipSizer, type GzipSizerOptions } from './gzip-size.ts';

/** Feeds `input` in odd-sized chunks; returns the counted size and the stream the blocks form. */
async function sizeAndStream(input: Buffer, options: GzipSizerOptions): Promise<{ size: number; gzip: Buffer }> {
  const pieces = new Map<number, Buffer[]>();
  const sizer = createGzipSizer({
    ...options,
    onOutput: (block, out) => pieces.set(block, [...(pieces.get(block) ?? []), Buffer.from(out)]),
  });
  for (let at = 0; at < input.length; at += 7777) await sizer.write(input.subarray(at, at + 7777));
  const size = await sizer.end();
  const header = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(input), 0);
  trailer.writeUInt32LE(input.length % 2 ** 32, 4);
  const blocks = [...pieces.keys()].sort((a, b) => a - b).flatMap((k) => pieces.get(k) ?? []);
  return { size, gzip: Buffer.concat([header, ...blocks, trailer]) };
}

function mixed(bytes: number): Buffer {
  const text = Buffer.from('tailscaled netstack magicdns peerapi exit-node router '.repeat(Math.ceil(bytes / 2 / 54)));
  return Buffer.concat([text.subarray(0, bytes / 2), randomBytes(bytes / 2)]);
}

describe('createGzipSizer', () => {
  it('matches gzip exactly for a layer that fits in one block', async () => {
    const input = mixed(200_000);
    const { size } = await sizeAndStream(input, { blockBytes: 1024 * 1024 });
    assert.equal(size, gzipSync(input).length);
  });

  it('counts the bytes of a valid gzip stream when blocks are deflated in parallel', async () => {
    const input = mixed(3_000_000);
    const { size, gzip } = await sizeAndStream(input, { blockBytes: 64 * 1024, concurrency: 3 });
    assert.equal(size, gzip.length);
    assert.ok(gunzipSync(gzip).equals(input), 'the concatenated blocks inflate back to the input');
    const single = gzipSync(input).length;
    assert.ok(Math.abs(size - single) / single < 0.01, `parallel ${size} vs single-threaded ${single} bytes`);
  });

  it('handles input that ends exactly on a block boundary', async () => {
    const input = mixed(128 * 1024);
    const { size, gzip } = await sizeAndStream(input, { blockBytes: 64 * 1024 });
    assert.equal(size, gzip.length);
    assert.ok(gunzipSync(gzip).equals(input));
  });

  it('sizes an empty layer as an empty gzip stream', async () => {
    const sizer = createGzipSizer();
    assert.equal(await sizer.end(), gzipSync(Buffer.alloc(0)).length);
  });
});
