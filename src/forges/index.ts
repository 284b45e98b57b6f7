// src/forges: the one Forge interface and its adapters. Business logic stays above it.
export { STATUS_CONTEXT } from './types.ts';
export type { Forge, ForgeComment, ForgeKind, GateState, Permission, PullRequest, Reaction, StatusInput, UpsertCommentInput, UpsertCommentResult } from './types.ts';
export { GitHubForge, REBUILD_ACTION, type GitHubForgeOptions, type CheckRunMemo } from './github/index.ts';
export { GiteaForge, type GiteaForgeOptions } from './gitea/index.ts';
export { extractTarball } from './extract-tarball.ts';
export { DEFAULT_MAX_FILE_BYTES } from './read-capped.ts';
