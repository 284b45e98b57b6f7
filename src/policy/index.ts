// src/policy: thresholds, overrides and the verdict. Pure: data in, data out.
export {
  blameOfFailure,
  decideVerdict,
  errorFinding,
  evaluatePolicy,
  groupOfFinding,
  NOT_A_BUMP,
  type FindingGroup,
  type PolicyOutcome,
} from './evaluate-policy.ts';
export { ACCEPT_KINDS, OVERRIDE_SCOPES, parseAccept } from './overrides.ts';
export { DEFAULT_THRESHOLDS, type MetricComparison } from './thresholds.ts';
