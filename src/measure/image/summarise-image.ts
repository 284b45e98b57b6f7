// The figures of one image from its layer scans: the flattened rootfs, bytes stored twice, the
// on-flash estimate, the largest files and the main binary.

import type { FileEntry, ImageAnalysis, LayerInfo } from '../../core/index.ts';
import type { PlannedLayer } from './image-layout.ts';
import { resolveLinkTarget, toElfInfo, type ElfHeader, type LayerEntry, type LayerScan } from './scan-layer.ts';

// Turns the layer scans of one image, in manifest order, into the figures we report.

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
    flashBytes: flashBytes(
      entries.map((e) => e.flatMap((x) => (x.kind === 'file' ? [x.bytes] : []))),
      opts.blockSize,
    ),
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

// Applies layers in order the way overlayfs shows them: whiteouts and opaque directories
// hide lower content, an upper entry replaces a lower one, directories merge.
/** File content; hardlinks share one object, so identity = inode. */
export interface Inode {
  bytes: number;
  elf: ElfHeader | null;
  upx: boolean;
}

type RootfsNode = RootfsDir | { kind: 'file'; inode: Inode } | { kind: 'symlink'; target: string } | { kind: 'other' };

export interface RootfsDir {
  kind: 'dir';
  children: Map<string, RootfsNode>;
}

/** The merged root filesystem of `layers`, lowest first. */
export function flattenLayers(layers: ReadonlyArray<ReadonlyArray<LayerEntry>>): RootfsDir {
  const root: RootfsDir = { kind: 'dir', children: new Map() };
  for (const entries of layers) {
    // Whiteouts act on the layers below only, so they go first.
    for (const entry of entries) {
      if (entry.kind === 'whiteout') removeNode(root, entry.path);
      if (entry.kind === 'opaque') {
        const dir = nodeAt(root, entry.path);
        if (dir?.kind === 'dir') dir.children.clear();
      }
    }
    addLayer(root, entries);
  }
  return root;
}

function addLayer(root: RootfsDir, entries: ReadonlyArray<LayerEntry>): void {
  const inodes = new Map<string, Inode>();
  for (const entry of entries) {
    switch (entry.kind) {
      case 'file': {
        const inode: Inode = { bytes: entry.bytes, elf: entry.elf, upx: entry.upx };
        inodes.set(entry.path, inode);
        putNode(root, entry.path, { kind: 'file', inode });
        break;
      }
      case 'hardlink': {
        // A tar hardlink names an earlier entry of the same archive; fall back to what is
        // visible below rather than dropping the path.
        const lower = nodeAt(root, entry.target);
        const inode = inodes.get(entry.target) ?? (lower?.kind === 'file' ? lower.inode : { bytes: 0, elf: null, upx: false });
        inodes.set(entry.path, inode);
        putNode(root, entry.path, { kind: 'file', inode });
        break;
      }
      case 'symlink':
        putNode(root, entry.path, { kind: 'symlink', target: entry.target });
        break;
      case 'dir':
        putNode(root, entry.path, { kind: 'dir', children: new Map() });
        break;
      case 'other':
        putNode(root, entry.path, { kind: 'other' });
        break;
      case 'whiteout':
      case 'opaque':
        break;
    }
  }
}

function splitPath(path: string): string[] {
  return path.split('/').filter((p) => p !== '');
}

/** The node at `path` without following symlinks. */
function nodeAt(root: RootfsDir, path: string): RootfsNode | null {
  let node: RootfsNode = root;
  for (const name of splitPath(path)) {
    if (node.kind !== 'dir') return null;
    const child = node.children.get(name);
    if (child === undefined) return null;
    node = child;
  }
  return node;
}

function removeNode(root: RootfsDir, path: string): void {
  const parts = splitPath(path);
  const name = parts.pop();
  const parent = nodeAt(root, parts.join('/'));
  if (name !== undefined && parent?.kind === 'dir') parent.children.delete(name);
}

function putNode(root: RootfsDir, path: string, node: RootfsNode): void {
  const parts = splitPath(path);
  const name = parts.pop();
  if (name === undefined) return;
  let dir = root;
  for (const part of parts) {
    const child = dir.children.get(part);
    if (child?.kind === 'dir') {
      dir = child;
    } else {
      const made: RootfsDir = { kind: 'dir', children: new Map() };
      dir.children.set(part, made);
      dir = made;
    }
  }
  // A directory over a directory merges; anything else replaces (and hides a lower subtree).
  if (node.kind === 'dir' && dir.children.get(name)?.kind === 'dir') return;
  dir.children.set(name, node);
}

/** Every regular file of the tree (hardlinks included), sorted by path. */
export function listFiles(root: RootfsDir): Array<{ path: string; inode: Inode }> {
  const out: Array<{ path: string; inode: Inode }> = [];
  const walk = (dir: RootfsDir, prefix: string): void => {
    for (const [name, node] of dir.children) {
      const path = `${prefix}/${name}`;
      if (node.kind === 'file') out.push({ path, inode: node.inode });
      else if (node.kind === 'dir') walk(node, path);
    }
  };
  walk(root, '');
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

const MAX_SYMLINK_HOPS = 40; // Linux's MAXSYMLINKS

/** The regular file `path` names, following symlinks inside the image; null when none. */
export function findFile(root: RootfsDir, path: string): { path: string; inode: Inode } | null {
  let parts = splitPath(resolveLinkTarget('/', `/${path}`));
  let hops = 0;
  restart: for (;;) {
    let dir = root;
    for (let i = 0; i < parts.length; i++) {
      const name = parts[i] as string;
      const node = dir.children.get(name);
      const here = `/${parts.slice(0, i + 1).join('/')}`;
      if (node === undefined || node.kind === 'other') return null;
      if (node.kind === 'symlink') {
        if (++hops > MAX_SYMLINK_HOPS) return null;
        parts = splitPath(resolveLinkTarget(here, [node.target, ...parts.slice(i + 1)].join('/')));
        continue restart;
      }
      if (node.kind === 'file') return i === parts.length - 1 ? { path: here, inode: node.inode } : null;
      dir = node;
    }
    return null;
  }
}

// Bytes stored more than once because the same path is written by several layers:
// every copy but the uppermost is dead weight on flash (overlayfs keeps them all).
/** Sum over paths present in more than one layer of all copies except the uppermost. */
export function duplicateBytes(layers: ReadonlyArray<ReadonlyArray<LayerEntry>>): number {
  const copies = new Map<string, number[]>();
  for (const entries of layers) {
    for (const [path, bytes] of layerFileBytes(entries)) {
      const seen = copies.get(path);
      if (seen) seen.push(bytes);
      else copies.set(path, [bytes]);
    }
  }
  let total = 0;
  for (const sizes of copies.values()) {
    for (let i = 0; i < sizes.length - 1; i++) total += sizes[i] as number;
  }
  return total;
}

/** path → bytes of each regular file in one layer, hardlinks resolved within the layer. */
function layerFileBytes(entries: ReadonlyArray<LayerEntry>): Map<string, number> {
  const bytes = new Map<string, number>();
  for (const entry of entries) {
    if (entry.kind === 'file') bytes.set(entry.path, entry.bytes);
    if (entry.kind === 'hardlink') bytes.set(entry.path, bytes.get(entry.target) ?? 0);
  }
  return bytes;
}

// On-flash estimate: RouterOS extracts every layer into its own overlayfs directory, so
// each layer's files cost their own blocks even when an upper layer hides them.

/** Bytes a file occupies on a filesystem with `blockSize` blocks (empty files use none). */
export function blockRound(bytes: number, blockSize: number): number {
  if (!Number.isInteger(blockSize) || blockSize <= 0) throw new RangeError(`blockSize must be a positive integer, got ${blockSize}`);
  return Math.ceil(bytes / blockSize) * blockSize;
}

/** Sum of block-rounded file sizes over every layer; pass each inode once per layer. */
export function flashBytes(layers: ReadonlyArray<ReadonlyArray<number>>, blockSize: number): number {
  let total = 0;
  for (const sizes of layers) for (const size of sizes) total += blockRound(size, blockSize);
  return total;
}
