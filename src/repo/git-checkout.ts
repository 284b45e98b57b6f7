// Materialise a commit as a plain directory for building: `git archive` into a temp dir,
// so builds never see the working tree's uncommitted files or the .git folder.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { childEnv } from '../child-env.ts';
import { BumpguardError, CancelledError } from '../errors.ts';

export async function gitCheckout(repoDir: string, sha: string, signal: AbortSignal): Promise<string> {
  const dest = await mkdtemp(join(tmpdir(), 'bumpguard-tree-'));
  try {
    // A pipe between two processes: a git archive failure must not look like an empty tree.
    await execa('git', ['-C', repoDir, 'archive', '--format=tar', sha], { ...childEnv(), cancelSignal: signal, encoding: 'buffer' })
      .pipe('tar', ['-x', '-C', dest], { cancelSignal: signal });
    return dest;
  } catch (err) {
    await rm(dest, { recursive: true, force: true });
    if (signal.aborted) throw new CancelledError('Checkout cancelled.', { cause: err });
    throw new BumpguardError('checkout-failed', `Cannot export commit ${sha.slice(0, 12)} of ${repoDir}: ${String((err as { stderr?: unknown }).stderr ?? err).trim().split('\n').pop()}`, { cause: err });
  }
}
