// The source-tree port's implementations: a local git clone (the CLI) and a forge's API and
// archives (the bot).

import { mkdtemp, readdir, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve as resolvePath } from 'node:path';
import { execa } from 'execa';
import { BumpguardError, CancelledError, type Forge, type LocalSource, type SourceTree } from '../core/index.ts';
import { childEnv } from '../engine/index.ts';

// The source reader over a local git clone (bare or not) via the git CLI. Reads committed content
// only, never the working tree, so what is audited is exactly what a PR would contain.

interface GitResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export function localGitRepo(dir: string): LocalSource {
  let checked: Promise<void> | null = null;
  const shas = new Map<string, Promise<string>>();

  const git = async (args: string[]): Promise<GitResult> => {
    const r = await execa('git', ['-C', dir, ...args], {
      ...childEnv({ GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' }),
      reject: false,
      stripFinalNewline: false,
    });
    if (r.failed && r.exitCode === undefined) {
      throw new BumpguardError('git-unavailable', `Cannot run git for ${dir}: ${r.shortMessage}`, { cause: r });
    }
    return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode ?? 1 };
  };

  const ensureRepo = () =>
    (checked ??= git(['rev-parse', '--is-bare-repository']).then(async (r) => {
      if (r.exitCode !== 0) throw new BumpguardError('repo-not-git', `${dir} is not a git repository (${firstLine(r.stderr)}).`);
      if (r.stdout.trim() === 'true') return;
      // Inside a work tree, paths are relative to its top; a subdirectory would shift every path.
      const top = (await git(['rev-parse', '--show-toplevel'])).stdout.trim();
      // git prints the resolved path; compare like with like when /tmp or the repo is a symlink.
      if (resolvePath(top) !== (await realpath(dir))) {
        throw new BumpguardError('repo-not-root', `${dir} is inside the git repository ${top}; give its top-level directory.`);
      }
    }));

  const resolve = (ref: string): Promise<string> => {
    let sha = shas.get(ref);
    if (!sha) {
      sha = ensureRepo().then(async () => {
        const r = await git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
        if (r.exitCode !== 0) throw new BumpguardError('ref-unknown', `Unknown ref "${ref}" in ${dir}: no such branch, tag or commit.`);
        return r.stdout.trim();
      });
      shas.set(ref, sha);
    }
    return sha;
  };

  return {
    resolve,
    async readFile(ref, path) {
      const sha = await resolve(ref);
      const r = await git(['cat-file', 'blob', `${sha}:${path}`]);
      if (r.exitCode === 0) return r.stdout;
      // git's answer for a path that is not in that commit's tree.
      if (/does not exist|Not a valid object name|invalid object name|bad file/.test(r.stderr)) return null;
      throw new BumpguardError('git-failed', `git cannot read ${path} at ${ref} in ${dir}: ${firstLine(r.stderr)}`);
    },
    async listFiles(ref, dir_) {
      const sha = await resolve(ref);
      const scope = dir_ === '' || dir_ === '.' ? [] : ['--', dir_.replace(/\/+$/, '')];
      const r = await git(['ls-tree', '-r', '--name-only', '-z', sha, ...scope]);
      if (r.exitCode !== 0) throw new BumpguardError('git-failed', `git cannot list ${dir_} at ${ref} in ${dir}: ${firstLine(r.stderr)}`);
      return r.stdout.split('\0').filter((p) => p !== '');
    },
    async diff(baseRef, headRef) {
      const [base, head] = await Promise.all([resolve(baseRef), resolve(headRef)]);
      // base...head: changes on head since the merge base, as forges show a PR.
      const r = await git(['diff', '--no-color', '--no-ext-diff', '--no-renames', `${base}...${head}`]);
      if (r.exitCode !== 0)
        throw new BumpguardError('git-failed', `git cannot diff ${baseRef}...${headRef} in ${dir}: ${firstLine(r.stderr)}`);
      return r.stdout;
    },
  };
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

// Materialise a commit as a plain directory for building: `git archive` into a temp dir,
// so builds never see the working tree's uncommitted files or the .git folder.
async function gitCheckout(repoDir: string, sha: string, signal: AbortSignal): Promise<string> {
  const dest = await mkdtemp(join(tmpdir(), 'bumpguard-tree-'));
  try {
    // A pipe between two processes: a git archive failure must not look like an empty tree.
    await execa('git', ['-C', repoDir, 'archive', '--format=tar', sha], { ...childEnv(), cancelSignal: signal, encoding: 'buffer' }).pipe(
      'tar',
      ['-x', '-C', dest],
      { cancelSignal: signal },
    );
    return dest;
  } catch (err) {
    await rm(dest, { recursive: true, force: true });
    if (signal.aborted) throw new CancelledError('Checkout cancelled.', { cause: err });
    throw new BumpguardError(
      'checkout-failed',
      `Cannot export commit ${sha.slice(0, 12)} of ${repoDir}: ${String((err as { stderr?: unknown }).stderr ?? err)
        .trim()
        .split('\n')
        .pop()}`,
      { cause: err },
    );
  }
}

// SourceTree over a local git repository: what `bumpguard check` builds from. Checkouts are
// `git archive` exports (committed content only) made once per commit and removed by dispose().
export function localSourceTree(dir: string): SourceTree & LocalSource {
  const repo = localGitRepo(dir);
  const checkouts = new Map<string, Promise<string>>();
  return {
    ...repo,
    checkout(sha, signal) {
      let dest = checkouts.get(sha);
      if (!dest) {
        dest = gitCheckout(dir, sha, signal);
        // A failed export must not be served from the memo next time.
        dest.catch(() => checkouts.delete(sha));
        checkouts.set(sha, dest);
      }
      return dest;
    },
    async dispose() {
      const dirs = await Promise.allSettled([...checkouts.values()]);
      checkouts.clear();
      await Promise.all(dirs.flatMap((d) => (d.status === 'fulfilled' ? [rm(d.value, { recursive: true, force: true })] : [])));
    },
  };
}

// SourceTree over a forge: single files through the API, whole trees through the archive API
// (no git credentials on disk), one temporary directory per commit, all removed by dispose().
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
      throw new BumpguardError(
        'diff-unavailable',
        `Only the pull request's own diff is available from the forge (asked for ${baseSha.slice(0, 12)}..${headSha.slice(0, 12)}).`,
      );
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
