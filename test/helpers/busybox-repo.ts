// A tiny target repository for Docker tests: a FROM scratch image holding Debian's static busybox
// (no registry needed), with the Dockerfile and .bumpguard.yml a test gives, committed to git so
// `bumpguard measure|check --repo` can build it. Each test gets its own directory and removes it.
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

export const BUSYBOX = '/var/cache/bumpguard/busybox/amd64/busybox';

const GIT_ENV = {
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@bumpguard.invalid',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@bumpguard.invalid',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
};

export interface BusyboxRepo {
  dir: string;
  /** Commit changed files on top (e.g. the head of a PR); returns the new SHA. */
  commit(files: Record<string, string>, message: string): Promise<string>;
  sha(ref?: string): Promise<string>;
  dispose(): Promise<void>;
}

export async function createBusyboxRepo(files: Record<string, string>): Promise<BusyboxRepo> {
  const dir = await mkdtemp(join(tmpdir(), 'bumpguard-bbrepo-'));
  const git = (...args: string[]) => execa('git', args, { cwd: dir, env: GIT_ENV });
  await copyFile(BUSYBOX, join(dir, 'busybox'));
  await git('init', '-q', '-b', 'main');
  const repo: BusyboxRepo = {
    dir,
    async commit(changed, message) {
      for (const [path, text] of Object.entries(changed)) await writeFile(join(dir, path), text);
      await git('add', '-A');
      await git('commit', '-q', '-m', message);
      return repo.sha();
    },
    sha: async (ref = 'HEAD') => (await git('rev-parse', ref)).stdout.trim(),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
  await repo.commit(files, 'router image');
  return repo;
}
