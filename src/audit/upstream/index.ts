export type { UpstreamSource } from './types.ts';
export { gitUpstream } from './git-upstream.ts';
export { githubUpstream, type GithubUpstreamOptions } from './github-upstream.ts';
export { fixturesUpstream } from './fixtures-upstream.ts';
export { cachedUpstream, type CachedUpstreamOptions } from './cached-upstream.ts';
export { createUpstream, type CreateUpstreamOptions } from './create-upstream.ts';
export { isImmutableRef } from './check-ref.ts';
export { localEditRunner, type LocalEditRunnerOptions } from './local-edit-runner.ts';
