// SourceTree over a forge: single files through the API, whole trees through the archive API
// (no git credentials on disk), one temporary directory per commit, all removed by dispose().
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { BumpguardError } from '../errors.ts';
import type { Forge } from '../forges/index.ts';
import type { SourceTree } from './types.ts';

export interface ForgeSourceTreeOptions {
  forge: Forge;
  /** The PR whose diff is answered for its own base..head (fetched once, when first asked). */
  pr: { number: number; baseSha: string; headSha: string };
  signal: AbortSignal;
  /** Parent of the temporary checkouts (default: the OS temp dir). */
  workspace?: string;
}

export function createForgeSourceTree(opts: ForgeSourceTreeOptions): SourceTree {
  const checkouts = new Map<string, Promise<string>>();
  const dirs: string[] = [];
  let prDiff: Promise<string> | null = null;

  const checkout = (sha: string, signal: AbortSignal): Promise<string> => {
    let dir = checkouts.get(sha);
    if (!dir) {
      dir = download(opts.forge, sha, opts.workspace ?? tmpdir(), signal, dirs);
      checkouts.set(sha, dir);
      // A failed download may be retried by a later call.
      dir.catch(() => checkouts.delete(sha));
    }
    return dir;
  };

  return {
    readFile: (ref, path) => opts.forge.readFile(ref, path),
    async listFiles(sha, dir) {
      const root = await checkout(sha, opts.signal);
      const target = join(root, dir);
      if (relative(root, target).startsWith('..')) return [];
      return listRecursive(root, target);
    },
    async diff(baseSha, headSha) {
      if (baseSha === opts.pr.baseSha && headSha === opts.pr.headSha) return (prDiff ??= opts.forge.getDiff(opts.pr.number));
      throw new BumpguardError('diff-unavailable', `Only the pull request's own diff is available from the forge (asked for ${baseSha.slice(0, 12)}..${headSha.slice(0, 12)}).`);
    },
    checkout,
    async dispose() {
      await Promise.allSettled([...checkouts.values()]);
      await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
      checkouts.clear();
    },
  };
}

async function download(forge: Forge, sha: string, parent: string, signal: AbortSignal, dirs: string[]): Promise<string> {
  const dir = await mkdtemp(join(parent, 'bumpguard-tree-'));
  dirs.push(dir);
  await forge.downloadTree(sha, dir, signal);
  return dir;
}

async function listRecursive(root: string, dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch((err: unknown) => {
    if ((err as { code?: string }).code === 'ENOENT') return [];
    throw err;
  });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)).split('\\').join('/'))
    .sort();
}
