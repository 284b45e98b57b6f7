// Creates the bundled example target (examples/router-image) as a git repo the way a real bump
// looks: `main` at the base Tailscale version, `renovate/tailscale-1.x` one commit ahead that
// changes only the ARG line, as Renovate does. prepare.sh's artifacts are committed too (the
// stand-in for the upstream source a real recipe clones), so any checkout of either ref builds.
//   node_modules/.bin/node test/helpers/example-repo.ts [DIR]   prints the refs as JSON
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

export const EXAMPLE_DIR = fileURLToPath(new URL('../../examples/router-image/', import.meta.url));
export const EXAMPLE_BASE_VERSION = 'v1.90.9';
export const EXAMPLE_HEAD_VERSION = 'v1.92.5';
export const EXAMPLE_HEAD_BRANCH = 'renovate/tailscale-1.x';

export interface ExampleRepo {
  dir: string;
  baseRef: 'main';
  headRef: typeof EXAMPLE_HEAD_BRANCH;
  baseSha: string;
  headSha: string;
  baseVersion: string;
  headVersion: string;
  /** Removes the repo (only when this helper created its parent directory). */
  dispose(): Promise<void>;
}

export interface ExampleRepoOptions {
  /** Where to create it (must not exist or be empty); default: a new temp directory. */
  dir?: string;
  baseVersion?: string;
  headVersion?: string;
  /** Edits the base commit's Dockerfile text before committing (tests of recipe changes). */
  editDockerfile?: (text: string) => string;
}

/** Sets the `ARG TAILSCALE_VERSION=` line, leaving every other byte as it was. */
export function setTailscaleVersion(dockerfile: string, version: string): string {
  const re = /^(ARG TAILSCALE_VERSION=)\S+$/m;
  if (!re.test(dockerfile)) throw new Error('example Dockerfile has no `ARG TAILSCALE_VERSION=` line');
  return dockerfile.replace(re, `$1${version}`);
}

// Fixed identity and dates: the same example content gives the same SHAs on every run, so a
// result store keyed by commit keeps its cached base between runs.
const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Router Maintainer',
  GIT_AUTHOR_EMAIL: 'maintainer@example.com',
  GIT_COMMITTER_NAME: 'Router Maintainer',
  GIT_COMMITTER_EMAIL: 'maintainer@example.com',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
};

export async function createExampleRepo(opts: ExampleRepoOptions = {}): Promise<ExampleRepo> {
  const baseVersion = opts.baseVersion ?? EXAMPLE_BASE_VERSION;
  const headVersion = opts.headVersion ?? EXAMPLE_HEAD_VERSION;
  const owned = opts.dir === undefined;
  const dir = opts.dir === undefined ? await mkdtemp(join(tmpdir(), 'bumpguard-example-')) : resolve(opts.dir);
  await mkdir(dir, { recursive: true });
  await cp(EXAMPLE_DIR, dir, { recursive: true, filter: (src) => basename(src) !== 'artifacts' });
  const dockerfilePath = join(dir, 'Dockerfile');
  const original = await readFile(dockerfilePath, 'utf8');
  await writeFile(dockerfilePath, setTailscaleVersion((opts.editDockerfile ?? ((t) => t))(original), baseVersion));
  await execa('bash', [join(dir, 'prepare.sh')], { stdin: 'ignore' });

  const git = (args: string[], date: string) =>
    execa('git', args, { cwd: dir, env: { ...GIT_ENV, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date }, stdin: 'ignore' });
  await git(['init', '-q', '-b', 'main'], '');
  await git(['add', '-A'], '');
  await git(['add', '-f', 'artifacts'], '');
  await git(['commit', '-q', '-m', `Tailscale ${baseVersion} router image for RouterOS containers`], '2025-11-01T10:00:00Z');
  await git(['checkout', '-q', '-b', EXAMPLE_HEAD_BRANCH], '');
  const base = await readFile(dockerfilePath, 'utf8');
  await writeFile(dockerfilePath, setTailscaleVersion(base, headVersion));
  await git(['commit', '-q', '-am', `chore(deps): update dependency tailscale to ${headVersion}`], '2025-11-20T06:00:00Z');
  await git(['checkout', '-q', 'main'], '');
  const sha = async (ref: string) => (await git(['rev-parse', ref], '')).stdout.trim();
  return {
    dir,
    baseRef: 'main',
    headRef: EXAMPLE_HEAD_BRANCH,
    baseSha: await sha('main'),
    headSha: await sha(EXAMPLE_HEAD_BRANCH),
    baseVersion,
    headVersion,
    dispose: async () => {
      if (owned) await rm(dir, { recursive: true, force: true });
    },
  };
}

if (import.meta.main) {
  // JSON leaves out the dispose function.
  console.log(JSON.stringify(await createExampleRepo(process.argv[2] ? { dir: process.argv[2] } : {}), null, 2));
}
