// Upstream files from a local clone or bare mirror of tailscale/tailscale, via `git cat-file`.
// One git process per successful read; only on failure do we ask git why (missing tag vs file).
import { execa } from 'execa';
import { childEnv } from '../../child-env.ts';
import { UpstreamError } from '../../errors.ts';
import { checkPath, checkRef } from './check-ref.ts';
import type { UpstreamSource } from './types.ts';

// C locale so git's messages are stable; no pager, no prompts.
const GIT_ENV = { LC_ALL: 'C', GIT_PAGER: 'cat', GIT_TERMINAL_PROMPT: '0' };

async function git(args: string[]) {
  const result = await execa('git', args, { ...childEnv(GIT_ENV), reject: false, stripFinalNewline: false, maxBuffer: 64 * 1024 * 1024 });
  if (result.exitCode === undefined) {
    throw new UpstreamError('upstream-git-missing', 'Cannot run git; install git to read a local upstream clone.', { cause: result.cause });
  }
  return result;
}

export function gitUpstream(dir: string): UpstreamSource {
  let gitDir: Promise<string> | null = null;
  const resolveGitDir = async (): Promise<string> => {
    const r = await git(['-C', dir, 'rev-parse', '--absolute-git-dir']);
    if (r.exitCode !== 0) {
      throw new UpstreamError('upstream-not-git', `${dir} is not a git clone or bare mirror of tailscale/tailscale (${r.stderr.trim()}).`);
    }
    return r.stdout.trim();
  };
  return {
    describe: `git ${dir}`,
    async readFile(tag, path) {
      checkRef(tag);
      checkPath(path);
      gitDir ??= resolveGitDir();
      const gd = `--git-dir=${await gitDir}`;
      const object = `${tag}:${path}`;
      const blob = await git([gd, 'cat-file', 'blob', object]);
      if (blob.exitCode === 0) return blob.stdout;
      const commit = await git([gd, 'rev-parse', '--verify', '--quiet', `${tag}^{commit}`]);
      if (commit.exitCode !== 0) {
        throw new UpstreamError('upstream-tag-missing', `Tag ${tag} does not exist in ${dir}; fetch tags there (git fetch --tags) or pick another tag.`);
      }
      const type = await git([gd, 'cat-file', '-t', object]);
      // Absent, or a directory rather than a file: either way there is no such file at the tag.
      if (type.exitCode !== 0 || type.stdout.trim() !== 'blob') return null;
      throw new UpstreamError('upstream-git-failed', `git could not read ${object} in ${dir}: ${blob.stderr.trim()}`);
    },
  };
}
