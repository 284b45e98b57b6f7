// Tar entry names → the absolute paths and whiteouts overlayfs applies
// (OCI image-spec layer.md § Whiteouts).
import type { LayerEntry } from './layer-scan.ts';

/** "./usr//bin/" → "/usr/bin"; null for the root itself or a name escaping it. */
export function normaliseTarPath(name: string): string | null {
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') return null;
    parts.push(part);
  }
  return parts.length === 0 ? null : `/${parts.join('/')}`;
}

const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';

/** Turns a whiteout name into its entry; null when `path` is not a whiteout. */
export function whiteoutEntry(path: string): LayerEntry | null {
  const slash = path.lastIndexOf('/');
  const base = path.slice(slash + 1);
  if (!base.startsWith(WHITEOUT)) return null;
  const dir = path.slice(0, slash) || '/';
  if (base === OPAQUE) return { kind: 'opaque', path: dir };
  // Other ".wh..wh.*" names are aufs bookkeeping (hardlink dirs), not deletions.
  if (base.startsWith(`${WHITEOUT}${WHITEOUT}`)) return { kind: 'other', path };
  return { kind: 'whiteout', path: `${dir === '/' ? '' : dir}/${base.slice(WHITEOUT.length)}` };
}

/** Resolves a symlink target against the directory of the link, staying inside the root. */
export function resolveLinkTarget(linkPath: string, target: string): string {
  const base = target.startsWith('/') ? '' : linkPath.slice(0, linkPath.lastIndexOf('/'));
  const parts: string[] = [];
  for (const part of `${base}/${target}`.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}
