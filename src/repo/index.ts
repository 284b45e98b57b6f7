// The target repository: read access at refs (RepoReader) and checkouts for builds.
export type { RepoReader } from './types.ts';
export { localGitRepo } from './local-git.ts';
export { gitCheckout } from './git-checkout.ts';
export { localSourceTree } from './local-source-tree.ts';
