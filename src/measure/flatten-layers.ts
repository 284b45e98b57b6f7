// Applies layers in order the way overlayfs shows them: whiteouts and opaque directories
// hide lower content, an upper entry replaces a lower one, directories merge.
import type { ElfHeader } from './elf-header.ts';
import type { LayerEntry } from './layer-scan.ts';
import { resolveLinkTarget } from './tar-path.ts';

/** File content; hardlinks share one object, so identity = inode. */
export interface Inode {
  bytes: number;
  elf: ElfHeader | null;
  upx: boolean;
}

export type RootfsNode =
  | RootfsDir
  | { kind: 'file'; inode: Inode }
  | { kind: 'symlink'; target: string }
  | { kind: 'other' };

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
      case 'symlink': putNode(root, entry.path, { kind: 'symlink', target: entry.target }); break;
      case 'dir': putNode(root, entry.path, { kind: 'dir', children: new Map() }); break;
      case 'other': putNode(root, entry.path, { kind: 'other' }); break;
      case 'whiteout': case 'opaque': break;
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
