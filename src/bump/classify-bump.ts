// Semver class of a version change; Tailscale tags carry a `v` prefix, Renovate may drop it.
import semver from 'semver';
import type { BumpType } from '../model.ts';

/** patch/minor/major for a forward release bump, prerelease when the target is one, downgrade, or unknown when either is not semver. */
export function classifyBump(from: string, to: string): BumpType {
  const a = semver.parse(from, { loose: true });
  const b = semver.parse(to, { loose: true });
  if (a === null || b === null) return 'unknown';
  const order = semver.compare(a, b);
  if (order > 0) return 'downgrade';
  if (b.prerelease.length > 0) return 'prerelease';
  if (order === 0) return 'unknown';
  if (a.major !== b.major) return 'major';
  if (a.minor !== b.minor) return 'minor';
  return 'patch';
}
