// Where a running check is, side by side: which sides are queued, building, measuring or done,
// and the CheckResult as far as it goes. runCheck feeds it; reports written before the end
// (the bot's interim comment, the CLI's rows on a terminal) read its snapshots.
import type { Config } from '../config/index.ts';
import { canariesFor } from '../measure/index.ts';
import type { CheckProgress, CheckResult, PlatformResult, SideResult, SideStage } from '../model.ts';
import { evaluatePolicy, type PolicyOutcome } from '../policy/index.ts';
import { isSettled } from '../report/index.ts';
import type { ProgressEvent } from './types.ts';

/** A check as far as it has got: `result.platforms` has every platform, a side null until done. */
export interface CheckSnapshot {
  result: CheckResult;
  progress: CheckProgress;
}

type Side = 'base' | 'head';

export class CheckProgressTracker {
  readonly #stages = new Map<string, Record<Side, SideStage>>();
  readonly #results = new Map<string, Record<Side, SideResult | null>>();
  readonly #config: Config;

  constructor(platforms: readonly string[], config: Config) {
    this.#config = config;
    for (const p of platforms) {
      this.#stages.set(p, { base: 'queued', head: 'queued' });
      this.#results.set(p, { base: null, head: null });
    }
  }

  /** Moves a side on from a progress event; true when its stage changed. */
  onEvent(e: ProgressEvent): boolean {
    if (e.phase === 'audit') return false;
    const stage: SideStage | null = e.state === 'start' ? (e.phase === 'build' ? 'building' : 'measuring') : null;
    const stages = this.#stages.get(e.platform);
    if (!stages || stage === null || stages[e.side] === stage || stages[e.side] === 'done') return false;
    stages[e.side] = stage;
    return true;
  }

  /** A side is settled: measured, reused from the store, or failed (its result says which). */
  done(platform: string, side: Side, result: SideResult | null): void {
    this.#stages.get(platform)![side] = 'done';
    this.#results.get(platform)![side] = result;
  }

  progress(): CheckProgress {
    const stages: CheckProgress['stages'] = {};
    const canaries: CheckProgress['canaries'] = {};
    for (const [p, s] of this.#stages) {
      stages[p] = { ...s };
      canaries[p] = canariesFor(this.#config.canaries, p).map((c) => c.name);
    }
    return { stages, canaries, ram: this.#config.ram.enabled };
  }

  /** Every platform in order, with the sides settled so far, as `toResult` makes them a PlatformResult. */
  platforms(toResult: (platform: string, sides: Pick<PlatformResult, 'base' | 'head'>) => PlatformResult): PlatformResult[] {
    return [...this.#results].map(([platform, r]) => toResult(platform, { base: r.base, head: r.head }));
  }
}

/**
 * The policy of a snapshot: the audit and the settled platforms, judged as the final check will
 * judge them (a platform half measured would read as "no baseline").
 */
export function judgeSnapshot(snapshot: CheckSnapshot, config: Config): PolicyOutcome {
  const settled = snapshot.result.platforms.filter((p) => isSettled(snapshot.progress, p.platform));
  return evaluatePolicy({ ...snapshot.result, platforms: settled }, config);
}
