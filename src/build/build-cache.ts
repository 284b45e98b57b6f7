// An optional BuildKit cache on disk, one directory per repository and platform, for builders
// whose own cache does not last (a fresh buildx container, a BuildKit pod): `--cache-to
// type=local,mode=max` writes it and `--cache-from type=local` reads it on the next build. Each
// export rewrites the layout's index.json but leaves the blobs it no longer names, so after each
// build the unnamed blobs go, and when the whole cache is over its bound the directories used
// longest ago go first. docker 20.10's own `docker build` cannot export a cache (no --cache-to);
// there the engine's BuildKit cache is the only one.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

const OciLayoutIndex = z.object({ manifests: z.array(z.object({ digest: z.string() })).default([]) });

export interface CacheDir {
  dir: string;
  /** The directory holds an exported cache to import. */
  import: boolean;
}

export class BuildCache {
  readonly root: string;
  readonly maxBytes: number;

  constructor(root: string, maxBytes: number) {
    this.root = root;
    this.maxBytes = maxBytes;
  }

  /** The directory for one repository and platform (or platform group); marked as just used. */
  async dirFor(repo: string, platform: string): Promise<CacheDir> {
    const dir = join(
      this.root,
      createHash('sha256').update(repo).digest('hex').slice(0, 16),
      platform.replaceAll('/', '-').replaceAll(',', '+'),
    );
    await mkdir(dir, { recursive: true });
    const now = new Date();
    await utimes(dir, now, now);
    return { dir, import: await exists(join(dir, 'index.json')) };
  }

  /** Blobs the index no longer reaches, then whole directories, least recently used first, until under the bound. */
  async prune(): Promise<{ removed: string[]; bytes: number }> {
    const dirs = await this.#dirs();
    for (const d of dirs) d.bytes -= await dropUnreferenced(d.path);
    let bytes = dirs.reduce((sum, d) => sum + d.bytes, 0);
    const removed: string[] = [];
    for (const d of [...dirs].sort((a, b) => a.usedMs - b.usedMs)) {
      if (bytes <= this.maxBytes) break;
      await rm(d.path, { recursive: true, force: true });
      bytes -= d.bytes;
      removed.push(d.path);
    }
    return { removed, bytes };
  }

  async #dirs(): Promise<{ path: string; usedMs: number; bytes: number }[]> {
    const out: { path: string; usedMs: number; bytes: number }[] = [];
    for (const repo of await list(this.root)) {
      for (const platform of await list(join(this.root, repo))) {
        const path = join(this.root, repo, platform);
        const info = await stat(path);
        if (info.isDirectory()) out.push({ path, usedMs: info.mtimeMs, bytes: await sizeOf(path) });
      }
    }
    return out;
  }
}

/** Removes blobs that neither index.json nor a manifest or index it reaches names; returns the bytes freed. */
async function dropUnreferenced(dir: string): Promise<number> {
  const index = await readJson(join(dir, 'index.json'));
  if (index === null) return 0;
  const reached = new Set<string>();
  const pending = OciLayoutIndex.parse(index).manifests.map((m) => m.digest);
  while (pending.length > 0) {
    const digest = pending.pop()!;
    if (reached.has(digest)) continue;
    reached.add(digest);
    // Manifests and indexes name further blobs; layers are not JSON and name nothing.
    const doc = await readJson(blobPath(dir, digest));
    if (doc !== null) pending.push(...namedDigests(doc));
  }
  let freed = 0;
  for (const algo of await list(join(dir, 'blobs'))) {
    for (const hex of await list(join(dir, 'blobs', algo))) {
      if (reached.has(`${algo}:${hex}`)) continue;
      const path = join(dir, 'blobs', algo, hex);
      freed += (await stat(path)).size;
      await rm(path, { force: true });
    }
  }
  return freed;
}

/** Every `digest` (OCI descriptors) and `blob` (BuildKit's cache config) anywhere in a document. */
function namedDigests(doc: unknown): string[] {
  if (Array.isArray(doc)) return doc.flatMap(namedDigests);
  if (doc === null || typeof doc !== 'object') return [];
  return Object.entries(doc).flatMap(([k, v]) => ((k === 'digest' || k === 'blob') && typeof v === 'string' ? [v] : namedDigests(v)));
}

function blobPath(dir: string, digest: string): string {
  const [algo = '', hex = ''] = digest.split(':');
  return join(dir, 'blobs', algo, hex);
}

/** Small JSON documents only: a layer blob is neither small nor JSON. */
async function readJson(path: string): Promise<unknown> {
  try {
    if ((await stat(path)).size > 4 * 1024 * 1024) return null;
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    if (err instanceof SyntaxError || isMissing(err)) return null;
    throw err;
  }
}

async function sizeOf(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const name of await list(path)) total += await sizeOf(join(path, name));
  return total;
}

async function list(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if (isMissing(err) || (err instanceof Error && 'code' in err && err.code === 'ENOTDIR')) return [];
    throw err;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if (isMissing(err)) return false;
    throw err;
  }
}

function isMissing(err: unknown): boolean {
  return err instanceof Error && 'code' in err && err.code === 'ENOENT';
}
