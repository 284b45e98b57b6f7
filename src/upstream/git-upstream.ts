// Upstream files from a local clone or bare mirror of tailscale/tailscale, via `git cat-file`.
// One git process per successful read; only on failure do we ask git why (missing tag vs file).

import { execa } from 'execa';
import { UpstreamError, type UpstreamCommit, type UpstreamSource } from '../core/index.ts';
import { childEnv } from '../engine/index.ts';
import { checkPath, checkRef } from './check-ref.ts';

// C locale so git's messages are stable; no pager, no prompts.
const GIT_ENV = { LC_ALL: 'C', GIT_PAGER: 'cat', GIT_TERMINAL_PROMPT: '0' };

async function git(args: string[]) {
  const result = await execa('git', args, { ...childEnv(GIT_ENV), reject: false, stripFinalNewline: false, maxBuffer: 64 * 1024 * 1024 });
  if (result.exitCode === undefined) {
    throw new UpstreamError('upstream-git-missing', 'Cannot run git; install git to read a local upstream clone.', { cause: result.cause });
  }
  return result;
}

// The mirror's directory is the bot host's business: messages name "the local upstream mirror"
// (the command line or BUMPGUARD_UPSTREAM that chose it says where), and git's own words have it
// cut out.
const MIRROR = 'the local upstream mirror';

export function gitUpstream(dir: string): UpstreamSource {
  let gitDir: Promise<string> | null = null;
  const hide = (stderr: string) => stderr.trim().replaceAll(dir, '<upstream>');
  const resolveGitDir = async (): Promise<string> => {
    const r = await git(['-C', dir, 'rev-parse', '--absolute-git-dir']);
    if (r.exitCode !== 0) {
      throw new UpstreamError(
        'upstream-not-git',
        `${MIRROR} is not a git clone or bare mirror of tailscale/tailscale (${hide(r.stderr)}).`,
      );
    }
    return r.stdout.trim();
  };
  const gd = async () => `--git-dir=${await (gitDir ??= resolveGitDir())}`;
  /** Run git on `tag`'s behalf: a missing tag becomes upstream-tag-missing, any other failure upstream-git-failed. */
  const run = async (tag: string, args: string[]) => {
    const r = await git([await gd(), ...args]);
    if (r.exitCode === 0) return r.stdout;
    const commit = await git([await gd(), 'rev-parse', '--verify', '--quiet', `${tag}^{commit}`]);
    if (commit.exitCode !== 0) throw tagMissing(tag);
    throw new UpstreamError('upstream-git-failed', `git ${args[0]} failed in ${MIRROR}: ${hide(r.stderr)}`);
  };
  return {
    describe: 'a local git mirror',
    async listDir(tag, path) {
      checkRef(tag);
      if (path !== '') checkPath(path);
      // -z: names are NUL-separated and never quoted; "<mode> <type> <sha>\t<name>".
      const out = await run(tag, ['ls-tree', '-z', tag, '--', path === '' ? '.' : `${path}/`]);
      const entries = out.split('\0').filter((e) => e !== '');
      if (entries.length === 0) return null;
      return entries
        .filter((e) => e.split(' ')[1] === 'blob')
        .map((e) =>
          e
            .slice(e.indexOf('\t') + 1)
            .split('/')
            .at(-1)!,
        );
    },
    history: {
      describe: 'git log of a local mirror',
      async log(from, to) {
        checkRef(from);
        checkRef(to);
        await run(from, ['rev-parse', '--verify', '--quiet', `${from}^{commit}`]);
        // One record per commit: RS, sha, US, subject, then the touched paths one per line.
        const out = await run(to, ['log', '--no-renames', '--format=%x1e%H%x1f%s', '--name-only', `${from}..${to}`, '--']);
        const commits: UpstreamCommit[] = out
          .split('\x1e')
          .slice(1)
          .map((record) => {
            const [head = '', ...files] = record.split('\n');
            const [sha = '', subject = ''] = head.split('\x1f');
            return { sha, subject, files: files.filter((f) => f !== '') };
          });
        return { commits };
      },
      async buildLines(tag, paths) {
        checkRef(tag);
        const found = new Map<string, string>();
        if (paths.length === 0) return found;
        for (const p of paths) checkPath(p);
        // One grep over the tag's tree for every path; exit 1 means no match, not failure.
        const r = await git([await gd(), 'grep', '-z', '-I', '-m', '1', '-e', '^//go:build ', tag, '--', ...paths]);
        if (r.exitCode !== 0 && r.exitCode !== 1) await run(tag, ['rev-parse', '--verify', `${tag}^{commit}`]);
        for (const line of r.stdout.split('\n')) {
          // "<tag>:<path>\0<text>" with -z.
          const [where, text] = line.split('\0');
          if (where === undefined || text === undefined) continue;
          found.set(where.slice(tag.length + 1), text);
        }
        return found;
      },
    },
    async readFile(tag, path) {
      checkRef(tag);
      checkPath(path);
      gitDir ??= resolveGitDir();
      const gd = `--git-dir=${await gitDir}`;
      const object = `${tag}:${path}`;
      const blob = await git([gd, 'cat-file', 'blob', object]);
      if (blob.exitCode === 0) return blob.stdout;
      const commit = await git([gd, 'rev-parse', '--verify', '--quiet', `${tag}^{commit}`]);
      if (commit.exitCode !== 0) throw tagMissing(tag);
      const type = await git([gd, 'cat-file', '-t', object]);
      // Absent, or a directory rather than a file: either way there is no such file at the tag.
      if (type.exitCode !== 0 || type.stdout.trim() !== 'blob') return null;
      throw new UpstreamError('upstream-git-failed', `git could not read ${object} in ${MIRROR}: ${hide(blob.stderr)}`);
    },
  };
}

function tagMissing(tag: string): UpstreamError {
  return new UpstreamError(
    'upstream-tag-missing',
    `Tag ${tag} does not exist in ${MIRROR}; fetch tags there (git fetch --tags) or pick another tag.`,
  );
}
