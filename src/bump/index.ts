// src/bump: find the Tailscale version change in a PR diff or a file, and decide the one bump a check judges.
export { findTailscaleBumps } from './find-bumps.ts';
export { findTailscaleVersionArg, findVersionArgByName, type VersionArg } from './find-version-arg.ts';
export { bumpBetweenTags, bumpFindings, decideBump, needsDockerfiles, upstreamTag, versionIn, type BumpDecision, type DecideBumpInput } from './decide-bump.ts';
export { diffTouches } from './diff-touches.ts';
export { classifyBump } from './classify-bump.ts';
export { isTailscaleMarker } from './is-tailscale-marker.ts';
export { parseVersionAssignment, versionFileKind, type VersionFileKind } from './parse-version-assignment.ts';
