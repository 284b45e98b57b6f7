// A throwaway git repo of the example router image (test/fixtures/target-repo) with a Renovate
// bump on a branch: `main` pins Tailscale `from`, `renovate/tailscale-1.x` moves it to `to`.
// Commit dates and identities are fixed so SHAs are the same on every run.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

export const TARGET_REPO_FIXTURE = new URL('../fixtures/target-repo/', import.meta.url);
/** Upstream fixtures for the tags the example uses (<dir>/<tag>/<path>). */
export const UPSTREAM_FIXTURES = new URL('../fixtures/upstream/', import.meta.url);

export interface TargetRepo {
  dir: string;
  base: string;
  head: string;
  from: string;
  to: string;
  /** Commit a change to `path` on the head branch (e.g. an applied suggested fix). */
  commitOnHead(path: string, text: string, message: string): Promise<void>;
  cleanup(): Promise<void>;
}

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'bumpguard test',
  GIT_AUTHOR_EMAIL: 'test@bumpguard.invalid',
  GIT_AUTHOR_DATE: '2025-01-01T00:00:00Z',
  GIT_COMMITTER_NAME: 'bumpguard test',
  GIT_COMMITTER_EMAIL: 'test@bumpguard.invalid',
  GIT_COMMITTER_DATE: '2025-01-01T00:00:00Z',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

export async function makeTargetRepo(opts: { from?: string; to?: string } = {}): Promise<TargetRepo> {
  const from = opts.from ?? 'v1.98.8';
  const to = opts.to ?? 'v1.100.0';
  const dir = await mkdtemp(join(tmpdir(), 'bumpguard-target-'));
  const git = (...args: string[]) => execa('git', args, { cwd: dir, env: GIT_ENV });
  await cp(TARGET_REPO_FIXTURE, dir, { recursive: true });
  await git('init', '-q', '-b', 'main');
  await setVersion(dir, from);
  await git('add', '-A');
  await git('commit', '-q', '-m', 'Tailscale router image');
  const head = 'renovate/tailscale-1.x';
  await git('checkout', '-q', '-b', head);
  await setVersion(dir, to);
  await git('commit', '-q', '-am', `chore(deps): update dependency tailscale to ${to}`);
  return {
    dir,
    base: 'main',
    head,
    from,
    to,
    async commitOnHead(path, text, message) {
      await git('checkout', '-q', head);
      await writeFile(join(dir, path), text);
      await git('commit', '-q', '-am', message);
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

async function setVersion(dir: string, version: string): Promise<void> {
  const path = join(dir, 'Dockerfile');
  const text = await readFile(path, 'utf8');
  const next = text.replace(/^ARG TAILSCALE_VERSION=.*$/m, `ARG TAILSCALE_VERSION=${version}`);
  if (next === text && !text.includes(`ARG TAILSCALE_VERSION=${version}`))
    throw new Error('the fixture Dockerfile has no ARG TAILSCALE_VERSION line');
  await writeFile(path, next);
}
