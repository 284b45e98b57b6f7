// What `dockerfile` and `context` in .bumpguard.yml mean, decided once for every reader (bump
// detection, the recipe audit, builds): both are relative to the repository root, exactly as
// `docker build -f <dockerfile> <context>` reads them when run at the root. `dockerfile` is never
// relative to `context`.
import { posix } from 'node:path';
import { shortSha } from '../policy/short-sha.ts';
import type { Config } from './schema.ts';

export interface BuildPaths {
  /** Repo-relative path of the Dockerfile, e.g. "image/Containerfile". */
  dockerfile: string;
  /** Repo-relative build context, "." for the root. */
  context: string;
}

export function resolveBuildPaths(config: Pick<Config, 'dockerfile' | 'context'>): BuildPaths {
  return { dockerfile: repoRelative(config.dockerfile), context: repoRelative(config.context) };
}

/** The Dockerfile and context inside a checkout of the repo at `treeDir`. */
export function buildPathsIn(treeDir: string, paths: BuildPaths): BuildPaths {
  return { dockerfile: posix.join(treeDir, paths.dockerfile), context: paths.context === '.' ? treeDir : posix.join(treeDir, paths.context) };
}

/** "`dockerfile: image/Containerfile` in .bumpguard.yml names a file that does not exist at 3f1c9a7 (paths are relative to the repo root)". */
export function missingPathMessage(key: keyof BuildPaths, path: string, ref: string): string {
  const what = key === 'dockerfile' ? 'a file' : 'a folder';
  return `\`${key}: ${path}\` in .bumpguard.yml names ${what} that does not exist at ${shortSha(ref)} (paths are relative to the repo root)`;
}

function repoRelative(path: string): string {
  const normal = posix.normalize(path.replaceAll('\\', '/')).replace(/^\.\/+/, '').replace(/\/+$/, '');
  return normal === '' ? '.' : normal;
}
