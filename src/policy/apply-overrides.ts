// `/accept <size|ram|canary|audit|all> <reason>`: a maintainer acknowledges blockers of one
// kind for ONE head SHA; a new push re-evaluates from scratch.
//
// What each kind covers is an exhaustive table so a new FindingKind must be placed here.
// `all` is the union of the four named kinds and deliberately nothing more: a failed build,
// a foreign-arch ELF, invalid config or trouble outside the PR mean the image or the check itself
// is broken, and no reason makes that image safe to ship — fix it or /rebuild. A missing baseline
// is a size question (nothing to compare the head with), so `/accept size` answers it.
import type { Finding, FindingKind, MetricName, Override } from '../model.ts';
import type { AcceptedOverride } from './types.ts';

export type OverrideKind = Override['kind'];

type Scope = 'size' | 'ram' | 'canary' | 'audit' | null;

const SCOPE_OF_KIND: Record<FindingKind, Scope | 'by-metric'> = {
  'missing-dep': 'audit',
  'unknown-feature': 'audit',
  'patch-unknown-feature': 'audit',
  'noop-strip': 'audit',
  'deps-changed': 'audit',
  'features-added': 'audit',
  'features-removed': 'audit',
  'watched-symbol-changed': 'audit',
  'recipe-unreadable': 'audit',
  'stale-acknowledgment': 'audit',
  'no-recipe': 'audit',
  'marker-removed': 'audit',
  'bump-unclear': 'audit',
  'patch-stale': 'audit',
  'patch-drift': 'audit',
  'patch-unevaluated': 'audit',
  'canary-failed': 'canary',
  threshold: 'by-metric',
  'build-failed': null,
  'elf-mismatch': null,
  'no-baseline': 'size',
  'config-invalid': null,
  'infra-error': null,
  'config-deprecated': null,
};

const SCOPE_OF_METRIC: Record<MetricName, Scope> = {
  image: 'size', flash: 'size', rootfs: 'size', binary: 'size', ramRss: 'ram', ramPeak: 'ram',
};

/** What each `/accept` kind acknowledges, for /help and the report. */
export const OVERRIDE_SCOPES = {
  size: 'size thresholds (compressed image, on-flash, rootfs, main binary) and a missing baseline',
  ram: 'RAM thresholds: RSS and peak',
  canary: 'failed canaries',
  audit: 'feature-tag audit blockers',
  all: 'size, ram, canary and audit together (never build failures, foreign-arch ELFs, invalid config or infrastructure errors)',
} as const satisfies Record<OverrideKind, string>;

/** The `/accept` kind that can acknowledge this finding, or null when none can. */
export function overrideScopeOf(f: Finding): Exclude<Scope, null> | null {
  const scope = SCOPE_OF_KIND[f.kind];
  if (scope !== 'by-metric') return scope;
  return f.metric ? SCOPE_OF_METRIC[f.metric] : null;
}

/** True when an `/accept <kind>` acknowledges `f`. */
export function overrideCovers(kind: OverrideKind, f: Finding): boolean {
  const scope = overrideScopeOf(f);
  return scope !== null && (kind === 'all' || kind === scope);
}

export interface OverrideApplication {
  findings: Finding[];
  accepted: AcceptedOverride[];
  stale: Override[];
}

/**
 * Acknowledge unacknowledged blockers covered by an override for `headSha`. Earlier
 * overrides (by `at`) win when several match. Inputs are not mutated.
 */
export function applyOverrides(findings: Finding[], overrides: Override[], headSha: string): OverrideApplication {
  const valid = overrides.filter((o) => o.headSha === headSha).sort((a, b) => a.at.localeCompare(b.at));
  const stale = overrides.filter((o) => o.headSha !== headSha);
  const accepted: AcceptedOverride[] = valid.map((override) => ({ override, findings: [] }));
  const out = findings.map((f) => {
    if (f.severity !== 'blocker' || f.acknowledged) return f;
    const match = accepted.find((a) => overrideCovers(a.override.kind, f));
    if (!match) return f;
    const acked: Finding = { ...f, acknowledged: true, acknowledgedReason: match.override.reason, acknowledgedBy: match.override.by };
    match.findings.push(acked);
    return acked;
  });
  return { findings: out, accepted, stale };
}
