// The single pass over an image archive: layer blobs are scanned while they stream by,
// small entries (manifests, configs, index) are kept whole, everything else is drained.
import type { Readable } from 'node:stream';
import { extract as tarExtract } from 'tar-stream';
import { createGcPacer, GC_EVERY_BYTES } from './gc-pacer.ts';
import type { GzipSizerOptions } from './gzip-size.ts';
import type { LayerScan } from './layer-scan.ts';
import type { ArchiveIndex } from './resolve-image-layout.ts';
import { MAX_IMAGE_ENTRIES, scanLayer } from './scan-layer.ts';
import { SNIFF_BYTES, sniffBlob } from './sniff-blob.ts';
import { normaliseTarPath, resolveLinkTarget } from './tar-path.ts';

/** Entries above this size that are not layers are drained, not kept. */
export const MAX_META_BYTES = 8 * 1024 * 1024;

export interface ArchiveContents extends ArchiveIndex {
  /** Archive path → scan of each layer-looking blob. */
  scans: Map<string, LayerScan>;
}

export async function readArchive(source: Readable, gzip: GzipSizerOptions = {}): Promise<ArchiveContents> {
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
