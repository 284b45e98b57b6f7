// Paths inside the build container, as far as the Dockerfile tells: the working directory,
// variables from ARG/ENV, and which repo files COPY (or a bind mount) put where, so a
// `patch < /tmp/fix.patch` can be traced back to `patches/fix.patch` in the repo.
import { posix } from 'node:path';

/**
 * Where a stage starts when its base image sets its own WORKDIR (golang:alpine uses /go): a
 * placeholder that only resolves against itself, so relative paths still compare correctly.
 */
export const IMAGE_WORKDIR = '/<image workdir>';

/** `/a/b` + `c` → `/a/b/c`; null when either side is unknown. */
export function resolvePath(cwd: string | null, path: string | null): string | null {
  if (path === null) return null;
  const abs = path.startsWith('/') ? posix.normalize(path) : cwd === null ? null : posix.join(cwd, path);
  return abs === null || abs === '/' ? abs : abs.replace(/\/+$/, '');
}

/** `path` relative to `root` when it lies inside it ('' for the root itself), else null. */
export function insideRoot(root: string, path: string): string | null {
  if (path === root) return '';
  return path.startsWith(root.endsWith('/') ? root : `${root}/`) ? path.slice(root.length).replace(/^\/+/, '') : null;
}

const VAR_RE = /\$(?:\{(?<braced>[A-Za-z_][A-Za-z0-9_]*)\}|(?<bare>[A-Za-z_][A-Za-z0-9_]*))/g;

/** Expand `$NAME` / `${NAME}` from known values; null when any is unknown or the syntax is richer (`${X:-y}`). */
export function expandVars(text: string, vars: ReadonlyMap<string, string | null>): string | null {
  let unknown = false;
  const out = text.replace(VAR_RE, (_, braced: string | undefined, bare: string | undefined) => {
    const value = vars.get((braced ?? bare)!);
    if (value === undefined || value === null) unknown = true;
    return value ?? '';
  });
  if (unknown || /\$[{(]/.test(out)) return null;
  return out;
}

/** One COPY/ADD from the build context, or a RUN bind mount: repo sources → a container path. */
export interface ContextCopy {
  /** Repo paths (files, directories or globs), relative to the repo root. */
  sources: string[];
  /** Absolute container path. */
  dest: string;
  /** The destination is a directory the sources land in (trailing `/`, several sources, a glob or a directory source). */
  intoDir: boolean;
}

/** The repo file a container path came from, by the latest copy that covers it; null when none does. */
export function repoFileFor(copies: readonly ContextCopy[], containerPath: string): string | null {
  for (let k = copies.length - 1; k >= 0; k--) {
    const c = copies[k]!;
    if (!c.intoDir) {
      if (c.dest === containerPath && c.sources.length === 1) return c.sources[0]!;
      continue;
    }
    const rel = insideRoot(c.dest, containerPath);
    if (rel === null || rel === '') continue;
    for (const source of c.sources) {
      if (posix.basename(source) === rel && !hasGlob(source)) return source;
      if (hasGlob(source) && !rel.includes('/') && posix.matchesGlob(posix.join(posix.dirname(source), rel), source)) return posix.join(posix.dirname(source), rel);
      // A directory source copies its contents (COPY patches/ /patches/).
      if (!hasGlob(source) && c.sources.length === 1 && !/\.[A-Za-z0-9]+$/.test(source)) return posix.join(source, rel);
    }
  }
  return null;
}

export function hasGlob(path: string): boolean {
  return /[*?[]/.test(path);
}

/** A clone URL of the upstream repository ("owner/name"), e.g. https://github.com/tailscale/tailscale.git. */
export function isUpstreamUrl(url: string, upstream: string): boolean {
  const escaped = upstream.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[/:])${escaped}(\\.git)?/?$`, 'i').test(url);
}
