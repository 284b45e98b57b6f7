// The source reader over a local git clone (bare or not) via the git CLI. Reads committed content
// only, never the working tree, so what is audited is exactly what a PR would contain.
import { realpath } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import { execa } from 'execa';
import { childEnv } from '../child-env.ts';
import { BumpguardError } from '../errors.ts';
import type { LocalSource } from './types.ts';

interface GitResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export function localGitRepo(dir: string): LocalSource {
  let checked: Promise<void> | null = null;
  const shas = new Map<string, Promise<string>>();

  const git = async (args: string[]): Promise<GitResult> => {
    const r = await execa('git', ['-C', dir, ...args], { ...childEnv({ GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' }), reject: false, stripFinalNewline: false });
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
      if (r.exitCode !== 0) throw new BumpguardError('git-failed', `git cannot diff ${baseRef}...${headRef} in ${dir}: ${firstLine(r.stderr)}`);
      return r.stdout;
    },
  };
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}
