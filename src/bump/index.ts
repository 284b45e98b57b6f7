// src/bump: find the Tailscale version change in a diff or a file, and decide the one bump a check judges. Pure.
export { bumpBetweenTags, bumpFindings, detectBump, upstreamTag, versionAtRef, type BumpDecision } from './decide-bump.ts';
export { findTailscaleBumps, versionFileKind } from './find-bumps.ts';
