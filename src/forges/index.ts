// src/forges: the two adapters of core's Forge port (GitHub, Gitea). Business logic stays above them.
export { GiteaForge } from './gitea/gitea-forge.ts';
export { GitHubForge, type CheckRunMemo } from './github/github-forge.ts';
export type { RetryPolicy } from './http.ts';
