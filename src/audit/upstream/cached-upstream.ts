// A disk cache in front of any UpstreamSource, keyed by (repo, tag, path). Tags are immutable,
// so entries never expire, and "no such file" is cached too: a second audit reads only disk.
// Refs that can move (branches) pass straight through. Each entry is one file whose first line
// says found/missing; writes go to a temporary file renamed into place, so a crash or a
// concurrent writer never leaves half an entry.
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UpstreamError } from '../../errors.ts';
import { isImmutableRef } from './check-ref.ts';
import { errnoCode } from './errno-code.ts';
import type { UpstreamHistory, UpstreamLog, UpstreamSource } from './types.ts';

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
      throw new UpstreamError('upstream-cache-unreadable', `Cannot read the upstream cache at ${file}; fix its permissions or pass another --cache.`, { cause: err });
    }
    if (text.startsWith(FOUND)) return text.slice(FOUND.length);
    if (text === MISSING) return null;
    return undefined; // Not ours or from another format version: read upstream again and overwrite.
  };
  const unwritable = (err: unknown) =>
    new UpstreamError('upstream-cache-unwritable', `Cannot write the upstream cache under ${options.cacheDir}; fix its permissions or pass another --cache.`, { cause: err });
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
    describe: `${inner.describe} (cached in ${options.cacheDir})`,
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
    log: (from, to) => (isImmutableRef(from) && isImmutableRef(to) ? json<UpstreamLog>('logs', `${from}..${to}`, () => inner.log(from, to)) : inner.log(from, to)),
    async buildLines(tag, paths) {
      if (!isImmutableRef(tag)) return inner.buildLines(tag, paths);
      const key = `${tag}\0${createHash('sha256').update(paths.join('\0')).digest('hex')}`;
      return new Map(await json<[string, string][]>('build-lines', key, async () => [...(await inner.buildLines(tag, paths))]));
    },
  };
}
