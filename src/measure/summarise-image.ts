// Turns the layer scans of one image, in manifest order, into the figures we report.
import type { FileEntry, ImageAnalysis, LayerInfo } from '../model.ts';
import { duplicateBytes } from './duplicate-bytes.ts';
import { toElfInfo } from './elf-header.ts';
import { flashBytes } from './flash-bytes.ts';
import { findFile, flattenLayers, listFiles, type Inode } from './flatten-layers.ts';
import type { LayerScan } from './layer-scan.ts';
import type { PlannedLayer } from './resolve-image-layout.ts';

export interface SummaryOptions {
  platform: string;
  blockSize: number;
  binaryPath: string;
  top: number;
}

export function summariseImage(
  layers: ReadonlyArray<{ plan: PlannedLayer; scan: LayerScan }>,
  imagePlatform: string | null,
  opts: SummaryOptions,
): ImageAnalysis {
  const entries = layers.map((l) => l.scan.entries);
  const root = flattenLayers(entries);
  const flat = listFiles(root);
  const files: FileEntry[] = flat.map((f) => ({ path: f.path, bytes: f.inode.bytes }));
  const binary = findFile(root, opts.binaryPath);
  const layerInfos = layers.map(({ plan, scan }) => layerInfo(plan, scan));
  return {
    platform: opts.platform,
    ...(imagePlatform !== null ? { imagePlatform } : {}),
    layers: layerInfos,
    imageCompressedBytes: layerInfos.reduce((sum, l) => sum + l.compressedBytes, 0),
    rootfsBytes: sumInodes(flat.map((f) => f.inode)),
    flashBytes: flashBytes(entries.map((e) => e.flatMap((x) => (x.kind === 'file' ? [x.bytes] : []))), opts.blockSize),
    blockSize: opts.blockSize,
    duplicateBytes: duplicateBytes(entries),
    files,
    largestFiles: [...files].sort((a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : 1)).slice(0, opts.top),
    binary: binary ? { path: binary.path, bytes: binary.inode.bytes, upx: binary.inode.upx } : null,
    elfs: flat.flatMap((f) => (f.inode.elf ? [toElfInfo(f.path, f.inode.elf, opts.platform)] : [])),
  };
}

function layerInfo(plan: PlannedLayer, scan: LayerScan): LayerInfo {
  let uncompressedBytes = 0;
  let fileCount = 0;
  for (const entry of scan.entries) {
    if (entry.kind === 'file') uncompressedBytes += entry.bytes;
    if (entry.kind === 'file' || entry.kind === 'hardlink') fileCount++;
  }
  return {
    id: plan.id,
    compressedBytes: scan.compressedBytes,
    uncompressedBytes,
    fileCount,
    tarBytes: scan.tarBytes,
    compression: scan.compression,
    ...(plan.createdBy !== undefined ? { createdBy: plan.createdBy } : {}),
  };
}

/** Hardlinked paths share an inode and count once, as `du` does. */
function sumInodes(inodes: Inode[]): number {
  let total = 0;
  for (const inode of new Set(inodes)) total += inode.bytes;
  return total;
}
