// src/bump: find the Tailscale version change in a PR diff or a file.
export { findTailscaleBumps } from './find-bumps.ts';
export { findTailscaleVersionArg, type VersionArg } from './find-version-arg.ts';
export { classifyBump } from './classify-bump.ts';
export { isTailscaleMarker } from './is-tailscale-marker.ts';
export { parseVersionAssignment, versionFileKind, type VersionFileKind } from './parse-version-assignment.ts';
