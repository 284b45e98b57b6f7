// Policy in numbered steps: measured figures → threshold findings, per-platform results →
// derived findings, `/accept` overrides for this head, then the verdict.
import type { Config } from '../config/index.ts';
import type { CheckResult, Finding } from '../model.ts';
import { applyOverrides } from './apply-overrides.ts';
import { decideVerdict, type VerdictOptions } from './decide-verdict.ts';
import { derivePlatformFindings, type DeriveOptions } from './derive-platform-findings.ts';
import { evaluateThresholds } from './evaluate-thresholds.ts';
import type { PolicyCounts, PolicyOutcome } from './types.ts';

function countFindings(findings: Finding[]): PolicyCounts {
  const counts: PolicyCounts = { blockers: 0, warnings: 0, infos: 0, acknowledged: 0 };
  for (const f of findings) {
    if (f.acknowledged) counts.acknowledged++;
    else if (f.severity === 'blocker') counts.blockers++;
    else if (f.severity === 'warning') counts.warnings++;
    else counts.infos++;
  }
  return counts;
}

export type PolicyOptions = Partial<DeriveOptions> & VerdictOptions;

/** Judge a check: every finding (with overrides applied), counts, comparisons and the verdict. */
export function evaluatePolicy(result: CheckResult, config: Config, opts: PolicyOptions = {}): PolicyOutcome {
  // 1. Sizes and RAM against the levels in config (defaults where unset).
  const thresholds = evaluateThresholds(result.platforms, config.thresholds);
  // 2. Failed builds, foreign ELFs, canaries, missing baselines.
  const all = [...result.findings, ...derivePlatformFindings(result, { baseline: opts.baseline ?? true }), ...thresholds.findings];
  // 3. `/accept` for this head SHA only.
  const applied = applyOverrides(all, result.overrides, result.headSha);
  // 4. The gate.
  const { verdict, reason } = decideVerdict(applied.findings, opts.nothingToCheck === undefined ? {} : { nothingToCheck: opts.nothingToCheck });
  return {
    verdict,
    reason,
    findings: applied.findings,
    counts: countFindings(applied.findings),
    accepted: applied.accepted,
    staleOverrides: applied.stale,
    comparisons: thresholds.comparisons,
  };
}
