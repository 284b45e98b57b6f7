// Streamed analysis of an exported image archive (`docker save`, OCI layout, buildx
// docker/oci exporters): read once, never whole, never written out.

import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { extract as tarExtract } from 'tar-stream';
import { BumpguardError, type ImageAnalysis } from '../../core/index.ts';
import type { GzipSizerOptions } from './gzip-size.ts';
import { resolveImageLayout, type ArchiveIndex } from './image-layout.ts';
import { MAX_IMAGE_ENTRIES, normaliseTarPath, resolveLinkTarget, scanLayer, type LayerScan } from './scan-layer.ts';
import { summariseImage, type SummaryOptions } from './summarise-image.ts';

export interface AnalyseImageOptions extends SummaryOptions {
  /** Tuning of the on-the-fly gzip of uncompressed layers (tests, bench). */
  gzip?: GzipSizerOptions;
}

/** Analyses an image archive given as a stream or a file path. */
export async function analyseImage(input: Readable | string, opts: AnalyseImageOptions): Promise<ImageAnalysis> {
  const source = typeof input === 'string' ? createReadStream(input, { highWaterMark: 1024 * 1024 }) : input;
  const where = typeof input === 'string' ? input : 'the image stream';
  let contents: ArchiveContents;
  try {
    contents = await readArchive(source, opts.gzip);
  } catch (err) {
    if (err instanceof BumpguardError) throw err;
    if (err instanceof Error && 'code' in err && (err.code === 'ENOENT' || err.code === 'EACCES')) {
      throw new BumpguardError('image-missing', `Cannot read the image archive ${where}: ${err.message}`, { cause: err });
    }
    throw new BumpguardError('image-unreadable', `The image archive ${where} is not a readable tar of an image: ${String(err)}`, {
      cause: err,
    });
  }
  const layout = resolveImageLayout(contents, opts.platform);
  if (!layout.ok) throw new BumpguardError('image-unreadable', `Cannot analyse ${where}: ${layout.reason}.`);
  const layers: Array<{ plan: (typeof layout.layers)[number]; scan: LayerScan }> = [];
  for (const plan of layout.layers) {
    const scan = contents.scans.get(plan.key) ?? (await scanSmallBlob(contents, plan.key, where));
    layers.push({ plan, scan });
  }
  return summariseImage(layers, layout.imagePlatform, opts);
}

/** Layers too small to look like one (Docker's empty layer is 1024 zero bytes) were kept as metadata. */
async function scanSmallBlob(contents: ArchiveContents, key: string, where: string): Promise<LayerScan> {
  const bytes = contents.meta.get(key);
  if (bytes === undefined)
    throw new BumpguardError('image-unreadable', `Cannot analyse ${where}: layer ${key.slice(1)} is missing or is not a tar.`);
  const kind = sniffBlob(bytes);
  try {
    return await scanLayer([bytes], kind === 'gzip' || kind === 'zstd' ? kind : 'none');
  } catch (err) {
    throw new BumpguardError('image-unreadable', `Cannot analyse ${where}: layer ${key.slice(1)} is not a tar: ${String(err)}`, {
      cause: err,
    });
  }
}

// The single pass over an image archive: layer blobs are scanned while they stream by,
// small entries (manifests, configs, index) are kept whole, everything else is drained.
/** Entries above this size that are not layers are drained, not kept. */
const MAX_META_BYTES = 8 * 1024 * 1024;

interface ArchiveContents extends ArchiveIndex {
  /** Archive path → scan of each layer-looking blob. */
  scans: Map<string, LayerScan>;
}

async function readArchive(source: Readable, gzip: GzipSizerOptions = {}): Promise<ArchiveContents> {
  const meta = new Map<string, Uint8Array>();
  const links = new Map<string, string>();
  const scans = new Map<string, LayerScan>();
  const sizing: GzipSizerOptions = { pool: [], ...gzip };
  const budget = { entries: MAX_IMAGE_ENTRIES };
  const extract = tarExtract();
  source.on('error', (err) => extract.destroy(err));
  const pace = createGcPacer(GC_EVERY_BYTES);
  source.on('data', (chunk: Uint8Array) => pace(chunk.length));
  source.pipe(extract);
  try {
    for await (const entry of extract) {
      const { header } = entry;
      const path = normaliseTarPath(header.name);
      const chunks = entry as AsyncIterable<Uint8Array>;
      if (path !== null && header.type === 'symlink') links.set(path, resolveLinkTarget(path, header.linkname));
      if (path !== null && header.type === 'link') links.set(path, normaliseTarPath(header.linkname) ?? '/');
      if (path === null || (header.type !== 'file' && header.type !== 'contiguous-file')) {
        await drain(chunks);
        continue;
      }
      const iterator = chunks[Symbol.asyncIterator]();
      const head = await readHead(iterator, SNIFF_BYTES);
      const kind = sniffBlob(head);
      const rest = prepend(head, iterator);
      if (kind !== 'other') {
        scans.set(path, await scanLayer(rest, kind === 'tar' ? 'none' : kind, { gzip: sizing, onDecoded: pace, budget }));
      } else if (header.size <= MAX_META_BYTES) {
        meta.set(path, await collect(rest));
      } else {
        await drain(rest);
      }
    }
  } finally {
    source.unpipe();
    if (!source.readableEnded) source.destroy();
  }
  return { meta, links, scans };
}

async function readHead(iterator: AsyncIterator<Uint8Array>, bytes: number): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  let total = 0;
  while (total < bytes) {
    const next = await iterator.next();
    if (next.done) break;
    parts.push(next.value);
    total += next.value.length;
  }
  return Buffer.concat(parts, total);
}

async function* prepend(head: Buffer, iterator: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  if (head.length > 0) yield head;
  for (;;) {
    const next = await iterator.next();
    if (next.done) return;
    yield next.value;
  }
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}

async function drain(chunks: AsyncIterable<Uint8Array>): Promise<void> {
  for await (const chunk of chunks) void chunk;
}

// V8 frees dead Buffers lazily: external memory may grow ~64 MiB past the last collection
// before it collects again, so streaming a 100 MB archive through fresh read buffers peaks
// tens of MB above the real working set. When the process runs with --expose-gc, a
// collection every few MiB read or decompressed keeps the peak near the working set
// (bench:analyse shows both).

type GcFunction = (options?: { type?: 'major' | 'minor'; execution?: 'sync' | 'async' }) => unknown;

const GC_EVERY_BYTES = 8 * 1024 * 1024;

/** A byte counter that starts a major GC every `everyBytes`; a no-op when `gc` is not exposed. */
export function createGcPacer(everyBytes: number, gc: unknown = (globalThis as { gc?: unknown }).gc): (bytes: number) => void {
  if (typeof gc !== 'function') return () => {};
  const collect = gc as GcFunction;
  let since = 0;
  return (bytes) => {
    since += bytes;
    if (since < everyBytes) return;
    since = 0;
    // Incremental marking instead of a stop-the-world pause: the bot keeps answering webhooks.
    void collect({ type: 'major', execution: 'async' });
  };
}

// Tells a layer blob from metadata by its first bytes, so blobs can be processed as they
// stream by without waiting for the manifest that names them.

type BlobKind = 'gzip' | 'zstd' | 'tar' | 'other';

/** Bytes needed to see the ustar magic. */
const SNIFF_BYTES = 263;

/** Classifies the start of a blob (pass at least SNIFF_BYTES when the blob is that long). */
function sniffBlob(head: Uint8Array): BlobKind {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  // POSIX "ustar\0" and GNU "ustar  " both start with these five bytes at offset 257.
  if (head.length >= SNIFF_BYTES && Buffer.from(head.buffer, head.byteOffset + 257, 5).toString('latin1') === 'ustar') return 'tar';
  return 'other';
}
