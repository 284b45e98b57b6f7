// A build of code nobody with write access has reviewed (a maintainer approved building it, no
// more): before it, refuse what the engine would fetch on the bot's network (the operator may
// allow it, BUMPGUARD_UNTRUSTED_NETWORK); after a failure, show its step and exit code only.
// For every build: the PR sees no docker command line and none of the bot's own paths.
import { readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { commentSafeLog, findRemoteSources, redactHostPaths, summarizeBuildFailure, type HostPath, type RemoteSource } from '../build/index.ts';
import { BuildError, type BumpguardError } from '../errors.ts';
import { DEFAULT_MAX_FILE_BYTES } from '../forges/index.ts';
import type { UntrustedNetwork } from './types.ts';


const WHAT: Record<RemoteSource['kind'], string> = {
  url: 'downloads',
  image: 'pulls the image',
  frontend: 'pulls the Dockerfile frontend',
  'cache-mount': 'mounts the engine-wide build cache at',
};

/** What `policy` still refuses: images are allowed from `pull` on, everything at `all`. */
function refused(sources: RemoteSource[], policy: UntrustedNetwork): RemoteSource[] {
  if (policy === 'all') return [];
  return sources.filter((s) => policy === 'none' || s.kind === 'url' || s.kind === 'cache-mount');
}

/** Throws BuildError `build-refused` when the Dockerfile fetches what the operator does not allow. */
export async function refuseRemoteSources(dockerfile: string, buildArgs: Record<string, string>, policy: UntrustedNetwork, platform: string): Promise<void> {
  // The same cap as a Dockerfile read through the forge's file API.
  if ((await stat(dockerfile)).size > DEFAULT_MAX_FILE_BYTES) {
    throw new BuildError('build-refused', `The ${platform} build was refused: the Dockerfile is over 1 MiB.`, { platform });
  }
  const found = refused(findRemoteSources(await readFile(dockerfile, 'utf8'), buildArgs), policy);
  if (found.length === 0) return;
  const list = found.slice(0, 3).map((s) => `line ${s.line} ${WHAT[s.kind]} ${s.what}`).join('; ');
  throw new BuildError(
    'build-refused',
    `The ${platform} build was refused: the author of this pull request cannot push to the repository, and its Dockerfile has the engine fetch ` +
      `from the bot's network (${list}${found.length > 3 ? `; ${found.length - 3} more` : ''}). A maintainer can push the change themselves, ` +
      'or the bot\'s operator can allow it with BUMPGUARD_UNTRUSTED_NETWORK.',
    { platform },
  );
}

/** The bot's own directories, as they are shown when a log or message quotes them. */
export function hostPathsOf(dirs: { checkout: string | null; scratch: string }): HostPath[] {
  return [
    ...(dirs.checkout ? [{ path: dirs.checkout, as: '<checkout>' }] : []),
    { path: dirs.scratch, as: '<scratch>' },
    { path: tmpdir(), as: '<tmp>' },
    { path: process.cwd(), as: '<cwd>' },
  ];
}

/** A failed side as the PR sees it. */
export function shownFailure(failure: BumpguardError, logTail: string, opts: { untrusted: boolean; platform: string; hostPaths: HostPath[] }): { message: string; logTail: string } {
  if (!opts.untrusted) return { message: redactHostPaths(failure.userMessage, opts.hostPaths), logTail: commentSafeLog(logTail, opts.hostPaths) };
  if (failure.code !== 'build-failed' && failure.code !== 'build-error') return { message: redactHostPaths(failure.userMessage, opts.hostPaths), logTail: '' };
  const { step, exitCode } = summarizeBuildFailure(logTail);
  const where = step ? ` at step \`${step.replaceAll('`', "'")}\`` : '';
  const code = exitCode !== null ? ` (exit code ${exitCode})` : '';
  return {
    message: `The ${opts.platform} build failed${where}${code}. Its log is not shown: the author of this pull request cannot push to the repository. The bot's server log has it.`,
    logTail: '',
  };
}
