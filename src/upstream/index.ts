// src/upstream: upstream Tailscale files from git, GitHub or fixtures behind a disk cache, and the edit runner.
export { cachedUpstream, createUpstream } from './create-upstream.ts';
export { gitUpstream } from './git-upstream.ts';
export { localEditRunner } from './local-edit-runner.ts';
