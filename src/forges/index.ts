// src/forges: the one Forge interface and its adapters. Business logic stays above it.
export { GiteaForge } from './gitea/gitea-forge.ts';
export { GitHubForge, type CheckRunMemo } from './github/github-forge.ts';
export type { RetryPolicy } from './http.ts';
