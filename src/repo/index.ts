// The target repository: the source-tree port (read at refs, check out for builds) and its
// local-git implementation; the forge implementation lives in src/jobs (it needs a Forge).
export { createForgeSourceTree, localGitRepo, localSourceTree } from './source-trees.ts';
