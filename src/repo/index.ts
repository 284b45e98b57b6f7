// src/repo: the target repository as a source tree, from a local git clone or through the forge.
export { createForgeSourceTree, localGitRepo, localSourceTree } from './source-trees.ts';
