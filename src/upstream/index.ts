// src/upstream: TODO
export { cachedUpstream, createUpstream } from './create-upstream.ts';
export { gitUpstream } from './git-upstream.ts';
export { localEditRunner } from './local-edit-runner.ts';
