// The target repository: the source-tree port (read at refs, check out for builds) and its
// local-git implementation; the forge implementation lives in src/jobs (it needs a Forge).
export type { LocalSource, SourceReader, SourceTree } from './types.ts';
export { localGitRepo } from './local-git.ts';
export { gitCheckout } from './git-checkout.ts';
export { localSourceTree } from './local-source-tree.ts';
