// src/policy: thresholds, overrides and the verdict. Pure: data in, data out.
export { evaluatePolicy, type PolicyOptions } from './evaluate-policy.ts';
export { decideVerdict, NOT_A_BUMP, type VerdictDecision, type VerdictOptions } from './decide-verdict.ts';
export { errorFinding, failureFinding, blameOfFailure, type Failure } from './error-finding.ts';
export { evaluateThresholds, exceedsLevel, tripLevel, type ThresholdEvaluation } from './evaluate-thresholds.ts';
export { resolveThresholds, type MetricLevels, type ResolvedThresholds } from './resolve-thresholds.ts';
export { DEFAULT_THRESHOLDS } from './default-thresholds.ts';
export { derivePlatformFindings, type DeriveOptions } from './derive-platform-findings.ts';
export { applyOverrides, overrideCovers, overrideScopeOf, OVERRIDE_SCOPES, type OverrideKind, type OverrideApplication } from './apply-overrides.ts';
export { parseAccept, ACCEPT_KINDS, ACCEPT_USAGE, ACCEPT_REASON_MAX, type ParsedAccept } from './parse-accept.ts';
export { formatBytes, formatSignedBytes, formatPercent, formatLevelPercent, percentChange } from './format-size.ts';
export { METRIC_LABELS, SIZE_METRICS, RAM_METRICS } from './metric-labels.ts';
export { shortSha } from './short-sha.ts';
export type { AcceptedOverride, MetricComparison, PolicyCounts, PolicyOutcome } from './types.ts';
