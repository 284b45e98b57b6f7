// The key under which a measurement is reused: the commit fixes the tree, this hash fixes
// everything else that changes the figures (build settings, what and how we measure).
import { createHash } from 'node:crypto';
import { resolveBuildPaths, type Config } from '../config/index.ts';
import { canariesFor } from '../measure/index.ts';

/**
 * Bump when the analysis itself changes so stored figures are not compared with new ones.
 * 2: `dockerfile` is relative to the repo root (it was read relative to `context`).
 * 3: keyed by the engine that builds and runs the image, not by the repository's builder entry.
 */
export const MEASUREMENT_VERSION = 3;

/**
 * `engine` is the EngineChoice identity (src/config/select-engine.ts): a figure measured on a Pi
 * never serves as the baseline of one measured under qemu on the bot's engine, or the reverse.
 * `sampling.concurrency`: the bound on runtime phases at once under which RAM is sampled. A figure
 * sampled under another bound is measured again rather than reused, so a base and its head are
 * always sampled alike.
 */
export function inputsHash(config: Config, platform: string, buildArgs: Record<string, string>, engine: string, sampling: { concurrency: number }): string {
  const inputs = {
    v: MEASUREMENT_VERSION,
    platform,
    ...resolveBuildPaths(config),
    buildArgs,
    engine,
    network: config.build.network,
    measure: config.measure,
    ram: config.ram,
    sampling: config.ram.enabled ? sampling : null,
    canaries: canariesFor(config.canaries, platform),
  };
  return createHash('sha256').update(JSON.stringify(inputs)).digest('hex').slice(0, 32);
}
