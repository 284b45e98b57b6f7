// src/bump: find the Tailscale version change in a PR diff or a file, and decide the one bump a check judges.
export { bumpBetweenTags, bumpFindings, detectBump, upstreamTag, versionAtRef, type BumpDecision } from './decide-bump.ts';
export { findTailscaleBumps, versionFileKind } from './find-bumps.ts';
