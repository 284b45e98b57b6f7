// Where upstream files come from: the source `--upstream` names, a fixtures tree, and the disk
// cache in front of git and GitHub.

import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UpstreamError, type UpstreamHistory, type UpstreamLog, type UpstreamSource } from '../core/index.ts';
import { checkPath, checkRef, errnoCode, isImmutableRef } from './check-ref.ts';
import { gitUpstream } from './git-upstream.ts';
import { githubUpstream } from './github-upstream.ts';

// Turn the CLI/config's `--upstream DIR|github` into an UpstreamSource: a directory is a git
// clone, a bare mirror, or a fixtures tree (<dir>/<tag>/<path>); `github` reads the API. GitHub
// and git reads go through the disk cache when one is given.

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
    throw new UpstreamError(
      'upstream-not-found',
      `--upstream ${spec}: ${kind === null ? 'no such directory' : 'not a directory'} (give a clone or bare mirror of ${options.repo}, a fixtures directory, or "github").`,
    );
  }
  // A work tree has .git (a directory, or a file for worktrees); a bare repo has HEAD and objects/.
  const isGit =
    (await kindOf(join(dir, '.git'))) !== null ||
    ((await kindOf(join(dir, 'HEAD'))) === 'file' && (await kindOf(join(dir, 'objects'))) === 'dir');
  if (!isGit) return fixturesUpstream(dir);
  // Tags are immutable, so a mirror's reads are cached too: a warm audit spawns no git at all.
  return options.cacheDir ? cachedUpstream(gitUpstream(dir), { cacheDir: options.cacheDir, repo: `git:${dir}` }) : gitUpstream(dir);
}

// A disk cache in front of any UpstreamSource, keyed by (repo, tag, path). Tags are immutable,
// so entries never expire, and "no such file" is cached too: a second audit reads only disk.
// Refs that can move (branches) pass straight through. Each entry is one file whose first line
// says found/missing; writes go to a temporary file renamed into place, so a crash or a
// concurrent writer never leaves half an entry.
export interface CachedUpstreamOptions {
  cacheDir: string;
  /** "owner/name" of the upstream repository: part of the key. */
  repo: string;
}

const FOUND = 'bumpguard-upstream-cache v1 found\n';
const MISSING = 'bumpguard-upstream-cache v1 missing\n';

/** A file name for one key part; long parts (deep paths) are hashed to stay under name limits. */
function keyPart(part: string): string {
  const enc = encodeURIComponent(part).replaceAll('*', '%2A');
  return enc.length <= 120 && enc !== '.' && enc !== '..' ? enc : `sha256-${createHash('sha256').update(part).digest('hex')}`;
}

export function cachedUpstream(inner: UpstreamSource, options: CachedUpstreamOptions): UpstreamSource {
  const root = join(options.cacheDir, 'upstream', keyPart(options.repo));
  const load = async (file: string): Promise<string | null | undefined> => {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') return undefined;
      throw new UpstreamError(
        'upstream-cache-unreadable',
        `Cannot read the upstream cache at ${file}; fix its permissions or pass another --cache.`,
        { cause: err },
      );
    }
    if (text.startsWith(FOUND)) return text.slice(FOUND.length);
    if (text === MISSING) return null;
    return undefined; // Not ours or from another format version: read upstream again and overwrite.
  };
  const unwritable = (err: unknown) =>
    new UpstreamError(
      'upstream-cache-unwritable',
      `Cannot write the upstream cache under ${options.cacheDir}; fix its permissions or pass another --cache.`,
      { cause: err },
    );
  const store = async (dir: string, file: string, value: string | null): Promise<void> => {
    await mkdir(dir, { recursive: true }).catch((err: unknown) => {
      throw unwritable(err);
    });
    const tmp = join(dir, `.tmp-${randomUUID()}`);
    try {
      await writeFile(tmp, value === null ? MISSING : FOUND + value);
      await rename(tmp, file);
    } catch (err) {
      await rm(tmp, { force: true });
      throw unwritable(err);
    }
  };
  /** A JSON value cached under `kind/key` (keys of immutable refs only); `undefined` from `compute` is never stored. */
  const json = async <T>(kind: string, key: string, compute: () => Promise<T>): Promise<T> => {
    const dir = join(root, kind);
    const file = join(dir, keyPart(key));
    const hit = await load(file);
    if (typeof hit === 'string') return JSON.parse(hit) as T;
    const value = await compute();
    await store(dir, file, JSON.stringify(value));
    return value;
  };
  const history = inner.history && cachedHistory(inner.history, json);
  return {
    describe: `${inner.describe} (cached)`,
    ...(inner.listDir && {
      listDir: (tag: string, path: string) => {
        const listDir = inner.listDir!.bind(inner);
        return isImmutableRef(tag) ? json('dirs', `${tag}\0${path}`, () => listDir(tag, path)) : listDir(tag, path);
      },
    }),
    ...(history && { history }),
    async readFile(tag, path) {
      if (!isImmutableRef(tag)) return inner.readFile(tag, path);
      const dir = join(root, keyPart(tag));
      const file = join(dir, keyPart(path));
      const hit = await load(file);
      if (hit !== undefined) return hit;
      const value = await inner.readFile(tag, path);
      await store(dir, file, value);
      return value;
    },
  };
}

type JsonCache = <T>(kind: string, key: string, compute: () => Promise<T>) => Promise<T>;

/** Logs between two tags and build lines at a tag never change: both are cached whole. */
function cachedHistory(inner: UpstreamHistory, json: JsonCache): UpstreamHistory {
  return {
    describe: inner.describe,
    log: (from, to) =>
      isImmutableRef(from) && isImmutableRef(to)
        ? json<UpstreamLog>('logs', `${from}..${to}`, () => inner.log(from, to))
        : inner.log(from, to),
    async buildLines(tag, paths) {
      if (!isImmutableRef(tag)) return inner.buildLines(tag, paths);
      const key = `${tag}\0${createHash('sha256').update(paths.join('\0')).digest('hex')}`;
      return new Map(await json<[string, string][]>('build-lines', key, async () => [...(await inner.buildLines(tag, paths))]));
    },
  };
}

// Upstream files from a plain directory laid out as <dir>/<tag>/<path>: for tests and for
// maintainers who keep a few files of each release around. Messages name tags and upstream
// paths, never the directory (the command line that chose it shows it).
const FIXTURES = 'the upstream fixtures directory';

export function fixturesUpstream(dir: string): UpstreamSource {
  const tagDir = async (tag: string): Promise<string> => {
    const path = join(dir, tag);
    const info = await stat(path).catch((err: unknown) => {
      if (errnoCode(err) === 'ENOENT') return null;
      throw new UpstreamError('upstream-unreadable', `Cannot read the directory of tag ${tag} in ${FIXTURES}.`, { cause: err });
    });
    if (!info?.isDirectory()) throw new UpstreamError('upstream-tag-missing', `No directory for tag ${tag} in ${FIXTURES}.`);
    return path;
  };
  return {
    describe: 'a fixtures directory',
    async listDir(tag, path) {
      checkRef(tag);
      if (path !== '') checkPath(path);
      const root = await tagDir(tag);
      try {
        return (await readdir(join(root, path), { withFileTypes: true }))
          .filter((e) => e.isFile())
          .map((e) => e.name)
          .sort();
      } catch (err) {
        const code = errnoCode(err);
        if (code === 'ENOENT' || code === 'ENOTDIR') return null;
        throw new UpstreamError('upstream-unreadable', `Cannot list ${path} for ${tag} in ${FIXTURES}.`, { cause: err });
      }
    },
    async readFile(tag, path) {
      checkRef(tag);
      checkPath(path);
      const root = await tagDir(tag);
      try {
        return await readFile(join(root, path), 'utf8');
      } catch (err) {
        const code = errnoCode(err);
        if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return null;
        throw new UpstreamError('upstream-unreadable', `Cannot read ${path} for ${tag} in ${FIXTURES}.`, { cause: err });
      }
    },
  };
}
