// One pass over a layer blob as it streams out of the image archive: decompress if
// needed, walk the inner tar, size the blob as pushed, and keep only per-entry facts.
import type { Writable as NodeWritable } from 'node:stream';
import { createGunzip, createZstdDecompress } from 'node:zlib';
import { extract as tarExtract, type Extract, type Header } from 'tar-stream';
import { BumpguardError, messageOf } from '../errors.ts';
import { ELF_HEADER_BYTES, parseElfHeader } from './elf-header.ts';
import { createGzipSizer, type GzipSizerOptions } from './gzip-size.ts';
import type { LayerCompression, LayerEntry, LayerScan } from './layer-scan.ts';
import { normaliseTarPath, whiteoutEntry } from './tar-path.ts';
import { isUpxPacked, UPX_SCAN_BYTES } from './upx.ts';

/** Per-entry facts a whole image may hold: a router image has a few dozen files (1M empty files once took 894 MB). */
export const MAX_IMAGE_ENTRIES = 50_000;
/** Longest entry name or link target kept (Linux PATH_MAX). */
export const MAX_ENTRY_PATH_CHARS = 4096;

export interface ScanLayerOptions {
  gzip?: GzipSizerOptions;
  /** Entries left for the whole image, shared by its layers (default: MAX_IMAGE_ENTRIES for this layer alone). */
  budget?: { entries: number };
  /** Called with the size of each decompressed chunk (garbage that GC pacing must count). */
  onDecoded?: (bytes: number) => void;
}

/** Scans a layer blob; `chunks` must yield the whole blob, `compression` as sniffed. */
export async function scanLayer(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  compression: LayerCompression,
  opts: ScanLayerOptions = {},
): Promise<LayerScan> {
  const extract = tarExtract();
  const decoder = compression === 'gzip' ? createGunzip() : compression === 'zstd' ? createZstdDecompress() : null;
  const target = decoder ?? extract;
  let walkError: Error | null = null;
  // Read through a call: the walk sets it from a callback, which TypeScript's narrowing cannot see.
  const walkFailure = (): Error | null => walkError;
  const entries = collectEntries(extract, opts.budget ?? { entries: MAX_IMAGE_ENTRIES }).catch((err: unknown) => {
    // Kept and rethrown below; destroying the writer's target wakes a pending 'drain' wait.
    walkError = err instanceof Error ? err : new Error(messageOf(err));
    target.destroy(walkError);
    return [];
  });
  const sizer = compression === 'none' ? createGzipSizer(opts.gzip) : null;
  let blobBytes = 0;
  let tarBytes = 0;
  if (decoder) {
    decoder.on('data', (chunk: Buffer) => {
      tarBytes += chunk.length;
      opts.onDecoded?.(chunk.length);
    });
    decoder.on('error', (err) => extract.destroy(err));
    decoder.pipe(extract as unknown as NodeWritable);
  }
  try {
    await feed(chunks);
  } catch (err) {
    // A failed walk closes the stream the feeder waits on: report the walk's error, not that.
    target.destroy();
    throw walkFailure() ?? err;
  }
  throwIfWalkFailed();
  if (decoder) decoder.end();
  else extract.end(undefined); // streamx types demand an argument; undefined writes nothing
  const [list, gzipBytes] = await Promise.all([entries, sizer?.end()]);
  throwIfWalkFailed();
  return { compression, compressedBytes: gzipBytes ?? blobBytes, tarBytes, entries: list };

  function throwIfWalkFailed(): void {
    const failed = walkFailure();
    if (failed) throw failed;
  }

  async function feed(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<void> {
    for await (const chunk of source) {
      throwIfWalkFailed();
      blobBytes += chunk.length;
      if (!decoder) tarBytes += chunk.length;
      // Awaited together so a failed deflate is never an unobserved rejection.
      const waits: Array<Promise<unknown>> = sizer ? [sizer.write(chunk)] : [];
      if (!target.write(chunk)) waits.push(drained(target));
      await Promise.all(waits);
    }
  }
}

/** Resolves on 'drain'; rejects when the stream errors or closes first (a failed walk destroys it). */
function drained(stream: { destroyed: boolean; once(event: string, fn: (...args: unknown[]) => void): unknown; off(event: string, fn: (...args: unknown[]) => void): unknown }): Promise<void> {
  if (stream.destroyed) return Promise.reject(new Error('the layer stream was closed'));
  return new Promise((resolve, reject) => {
    const finish = (err?: unknown): void => {
      stream.off('drain', onDrain);
      stream.off('error', onError);
      stream.off('close', onClose);
      if (err === undefined) resolve();
      else reject(err instanceof Error ? err : new Error(messageOf(err)));
    };
    const onDrain = (): void => finish();
    const onError = (err: unknown): void => finish(err);
    const onClose = (): void => finish(new Error('the layer stream was closed'));
    stream.once('drain', onDrain);
    stream.once('error', onError);
    stream.once('close', onClose);
  });
}

async function collectEntries(extract: Extract, budget: { entries: number }): Promise<LayerEntry[]> {
  const out: LayerEntry[] = [];
  for await (const stream of extract) {
    if (--budget.entries < 0) {
      throw new BumpguardError('image-too-many-entries', `The image has more than ${MAX_IMAGE_ENTRIES.toLocaleString('en-US')} files and directories; bumpguard analyses router images, which have a few dozen.`);
    }
    if (stream.header.name.length > MAX_ENTRY_PATH_CHARS || (stream.header.linkname ?? '').length > MAX_ENTRY_PATH_CHARS) {
      throw new BumpguardError('image-unreadable', `The image has an entry whose name or link target is longer than ${MAX_ENTRY_PATH_CHARS} characters.`);
    }
    const want = stream.header.type === 'file' || stream.header.type === 'contiguous-file' ? UPX_SCAN_BYTES : 0;
    const head: Uint8Array[] = [];
    let headBytes = 0;
    for await (const chunk of stream as AsyncIterable<Uint8Array>) {
      if (headBytes < want) {
        head.push(chunk.subarray(0, want - headBytes));
        headBytes += Math.min(chunk.length, want - headBytes);
      }
    }
    const entry = toEntry(stream.header, Buffer.concat(head));
    if (entry) out.push(entry);
  }
  return out;
}

function toEntry(header: Header, head: Buffer): LayerEntry | null {
  const path = normaliseTarPath(header.name);
  if (path === null) return null;
  switch (header.type) {
    case 'file':
    case 'contiguous-file': {
      const whiteout = whiteoutEntry(path);
      if (whiteout) return whiteout;
      const elf = head.length >= ELF_HEADER_BYTES ? parseElfHeader(head) : null;
      return { kind: 'file', path, bytes: header.size, elf, upx: isUpxPacked(head) };
    }
    case 'link': {
      const target = normaliseTarPath(header.linkname);
      return target === null ? { kind: 'other', path } : { kind: 'hardlink', path, target };
    }
    case 'symlink': return { kind: 'symlink', path, target: header.linkname };
    case 'directory': return { kind: 'dir', path };
    case 'character-device': return whiteoutEntry(path) ?? { kind: 'other', path };
    default: return { kind: 'other', path };
  }
}
