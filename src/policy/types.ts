// What src/policy hands to src/report, src/jobs and the CLI's --json.
import type { Metric } from '../config/index.ts';
import type { Finding, MetricName, Override, Verdict } from '../model.ts';

// model.ts and config/schema.ts name the metrics independently (model must not import config);
// this alias fails to compile if the two lists ever drift apart.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export type MetricNamesMatch = Same<Metric, MetricName> extends true ? true : never;

/** One metric of one platform, base vs head, as judged against its levels. */
export interface MetricComparison {
  platform: string;
  metric: Metric;
  /** Null when there is no usable baseline for this figure. */
  base: number | null;
  head: number;
  deltaBytes: number | null;
  /** Null when there is no base, or the base is 0. */
  deltaPercent: number | null;
  /** Highest level tripped (both bytes AND percent exceeded). */
  level: 'warn' | 'fail' | null;
  /** RAM only: head measured under qemu-user. */
  emulated?: boolean;
  /** RAM only: number of head runs behind the median. */
  runs?: number;
  /** RAM only: max − min over runs, per side. */
  baseSpread?: number | null;
  headSpread?: number;
  /** RAM only: |Δ| no larger than the larger spread, so not judged. */
  withinNoise?: boolean;
  /** Set when base and head cannot be compared (emulated vs native); no delta then. */
  notComparable?: string;
}

/** An `/accept` valid for this head SHA and the blockers it acknowledged (possibly none). */
export interface AcceptedOverride {
  override: Override;
  findings: Finding[];
}

export interface PolicyCounts {
  /** Unacknowledged blockers: each one fails the check. */
  blockers: number;
  warnings: number;
  infos: number;
  /** Findings acknowledged by `/accept` or in .bumpguard.yml. */
  acknowledged: number;
}

export interface PolicyOutcome {
  verdict: Verdict;
  /** One sentence saying why this verdict (status descriptions, CLI stderr). */
  reason: string;
  /** Every finding: the check's own (audit, build, …) plus those derived here, overrides applied. */
  findings: Finding[];
  counts: PolicyCounts;
  accepted: AcceptedOverride[];
  /** `/accept`s given for an earlier head SHA: listed, never applied (a new push re-evaluates). */
  staleOverrides: Override[];
  comparisons: MetricComparison[];
}
