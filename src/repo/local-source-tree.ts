// SourceTree over a local git repository: what `bumpguard check` builds from. Checkouts are
// `git archive` exports (committed content only) made once per commit and removed by dispose().
import { rm } from 'node:fs/promises';
import { gitCheckout } from './git-checkout.ts';
import { localGitRepo } from './local-git.ts';
import type { LocalSource, SourceTree } from './types.ts';

export function localSourceTree(dir: string): SourceTree & LocalSource {
  const repo = localGitRepo(dir);
  const checkouts = new Map<string, Promise<string>>();
  return {
    ...repo,
    checkout(sha, signal) {
      let dest = checkouts.get(sha);
      if (!dest) {
        dest = gitCheckout(dir, sha, signal);
        // A failed export must not be served from the memo next time.
        dest.catch(() => checkouts.delete(sha));
        checkouts.set(sha, dest);
      }
      return dest;
    },
    async dispose() {
      const dirs = await Promise.allSettled([...checkouts.values()]);
      checkouts.clear();
      await Promise.all(dirs.flatMap((d) => (d.status === 'fulfilled' ? [rm(d.value, { recursive: true, force: true })] : [])));
    },
  };
}
