// Which files hold the recipe: the configured Dockerfile, `recipe.files`, and every shell
// script of the repo the Dockerfile names (`RUN ./build.sh`, `COPY scripts/tags.sh …`).
import { posix } from 'node:path';

/** Repo paths of the shell scripts a Dockerfile mentions by file name. */
export function findReferencedScripts(dockerfileText: string, repoPaths: string[]): string[] {
  return repoPaths.filter((p) => /\.(sh|bash)$/.test(p) && mentions(dockerfileText, posix.basename(p)));
}

function mentions(text: string, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[\\s/"'=])${escaped}($|[\\s"';|&)])`, 'm').test(text);
}
