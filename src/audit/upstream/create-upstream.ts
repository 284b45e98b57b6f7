// Turn the CLI/config's `--upstream DIR|github` into an UpstreamSource: a directory is a git
// clone, a bare mirror, or a fixtures tree (<dir>/<tag>/<path>); `github` reads the API. GitHub
// and git reads go through the disk cache when one is given.
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UpstreamError } from '../../errors.ts';
import { cachedUpstream } from './cached-upstream.ts';
import { errnoCode } from './errno-code.ts';
import { fixturesUpstream } from './fixtures-upstream.ts';
import { gitUpstream } from './git-upstream.ts';
import { githubUpstream } from './github-upstream.ts';
import type { UpstreamSource } from './types.ts';

export interface CreateUpstreamOptions {
  /** "owner/name" of the upstream repository (for GitHub and the cache key). */
  repo: string;
  token?: string | undefined;
  /** Disk cache for GitHub and git reads; none when omitted. */
  cacheDir?: string;
  /** Base for a relative directory spec. */
  cwd: string;
  fetch?: typeof fetch;
  apiUrl?: string;
}

async function kindOf(path: string): Promise<'dir' | 'file' | null> {
  try {
    return (await stat(path)).isDirectory() ? 'dir' : 'file';
  } catch (err) {
    if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') return null;
    throw new UpstreamError('upstream-unreadable', `Cannot inspect ${path}.`, { cause: err });
  }
}

export async function createUpstream(spec: string, options: CreateUpstreamOptions): Promise<UpstreamSource> {
  if (spec === 'github') {
    const source = githubUpstream({ repo: options.repo, token: options.token, fetch: options.fetch, apiUrl: options.apiUrl });
    return options.cacheDir ? cachedUpstream(source, { cacheDir: options.cacheDir, repo: options.repo }) : source;
  }
  const dir = resolve(options.cwd, spec);
  const kind = await kindOf(dir);
  if (kind !== 'dir') {
    throw new UpstreamError('upstream-not-found', `--upstream ${spec}: ${kind === null ? 'no such directory' : 'not a directory'} (give a clone or bare mirror of ${options.repo}, a fixtures directory, or "github").`);
  }
  // A work tree has .git (a directory, or a file for worktrees); a bare repo has HEAD and objects/.
  const isGit = (await kindOf(join(dir, '.git'))) !== null || ((await kindOf(join(dir, 'HEAD'))) === 'file' && (await kindOf(join(dir, 'objects'))) === 'dir');
  if (!isGit) return fixturesUpstream(dir);
  // Tags are immutable, so a mirror's reads are cached too: a warm audit spawns no git at all.
  return options.cacheDir ? cachedUpstream(gitUpstream(dir), { cacheDir: options.cacheDir, repo: `git:${dir}` }) : gitUpstream(dir);
}
