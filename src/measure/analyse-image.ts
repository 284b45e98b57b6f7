// Streamed analysis of an exported image archive (`docker save`, OCI layout, buildx
// docker/oci exporters): read once, never whole, never written out.
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { BumpguardError } from '../errors.ts';
import type { ImageAnalysis } from '../model.ts';
import type { GzipSizerOptions } from './gzip-size.ts';
import type { LayerScan } from './layer-scan.ts';
import { readArchive, type ArchiveContents } from './read-archive.ts';
import { resolveImageLayout } from './resolve-image-layout.ts';
import { scanLayer } from './scan-layer.ts';
import { sniffBlob } from './sniff-blob.ts';
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
    throw new BumpguardError('image-unreadable', `The image archive ${where} is not a readable tar of an image: ${String(err)}`, { cause: err });
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
  if (bytes === undefined) throw new BumpguardError('image-unreadable', `Cannot analyse ${where}: layer ${key.slice(1)} is missing or is not a tar.`);
  const kind = sniffBlob(bytes);
  try {
    return await scanLayer([bytes], kind === 'gzip' || kind === 'zstd' ? kind : 'none');
  } catch (err) {
    throw new BumpguardError('image-unreadable', `Cannot analyse ${where}: layer ${key.slice(1)} is not a tar: ${String(err)}`, { cause: err });
  }
}
