// Reads what the bump decision needs, once per job: the diff, and the configured Dockerfile at
// both sides only when the diff alone does not settle it (src/bump decideBump says when).
import { decideBump, diffTouches, findTailscaleBumps, needsDockerfiles, versionIn, type BumpDecision } from '../bump/index.ts';
import { resolveBuildPaths, type Config } from '../config/index.ts';
import { BumpguardError } from '../errors.ts';
import type { Bump } from '../model.ts';
import type { SourceReader } from '../repo/index.ts';

export async function detectBump(source: SourceReader, baseRef: string, headRef: string, config: Config): Promise<BumpDecision> {
  const path = resolveBuildPaths(config).dockerfile;
  const versionArg = config.build.versionArg;
  const fromDiff = await bumpsInDiff(source, baseRef, headRef, path);
  if (fromDiff !== null && !needsDockerfiles(fromDiff.bumps, path, fromDiff.touchesDockerfile, versionArg)) {
    return decideBump({ diffBumps: fromDiff.bumps, dockerfile: { path }, versionArg });
  }
  const [base, head] = await Promise.all([source.readFile(baseRef, path), source.readFile(headRef, path)]);
  return decideBump({ diffBumps: fromDiff?.bumps ?? [], dockerfile: { path, base, head }, versionArg });
}

/**
 * Bumps in the diff; null when the diff is too large to read (a PR vendoring 50 MB): then the
 * Dockerfile at both sides decides, so a big PR that bumps nothing is not held up.
 */
async function bumpsInDiff(source: SourceReader, baseRef: string, headRef: string, dockerfile: string): Promise<{ bumps: Bump[]; touchesDockerfile: boolean } | null> {
  try {
    const diff = await source.diff(baseRef, headRef);
    return { bumps: findTailscaleBumps(diff), touchesDockerfile: diffTouches(diff, dockerfile) };
  } catch (err) {
    if (err instanceof BumpguardError && (err.code === 'too-large' || err.code === 'diff-too-large')) return null;
    throw err;
  }
}

/** The Tailscale version one commit builds (`bumpguard measure`, where there is no second side). */
export async function versionAtRef(source: SourceReader, ref: string, config: Config): Promise<string | null> {
  const path = resolveBuildPaths(config).dockerfile;
  return versionIn(await source.readFile(ref, path), path, config.build.versionArg);
}
