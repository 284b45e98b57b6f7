// `/accept <size|ram|canary|audit|all> <reason>`: a maintainer acknowledges blockers of one
// kind for ONE head SHA; a new push re-evaluates from scratch.
//
// What each kind covers is an exhaustive table so a new FindingKind must be placed here.
// `all` is the union of the four named kinds and deliberately nothing more: a failed build,
// a foreign-arch ELF, invalid config or trouble outside the PR mean the image or the check itself
// is broken, and no reason makes that image safe to ship — fix it or /rebuild. A missing baseline
// is a size question (nothing to compare the head with), so `/accept size` answers it.

import type { Finding, FindingKind, MetricName, Override } from '../core/index.ts';

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
  image: 'size',
  flash: 'size',
  rootfs: 'size',
  binary: 'size',
  ramRss: 'ram',
  ramPeak: 'ram',
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
function overrideScopeOf(f: Finding): Exclude<Scope, null> | null {
  const scope = SCOPE_OF_KIND[f.kind];
  if (scope !== 'by-metric') return scope;
  return f.metric ? SCOPE_OF_METRIC[f.metric] : null;
}

/** True when an `/accept <kind>` acknowledges `f`. */
function overrideCovers(kind: OverrideKind, f: Finding): boolean {
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

/** An `/accept` valid for this head SHA and the blockers it acknowledged (possibly none). */
export interface AcceptedOverride {
  override: Override;
  findings: Finding[];
}

// Parse the text of an `/accept <kind> <reason>` command (the forge room finds the command
// in a comment; this turns its arguments into Override fields or a usage error as data).
export const ACCEPT_KINDS = ['size', 'ram', 'canary', 'audit', 'all'] as const satisfies readonly OverrideKind[];

const ACCEPT_USAGE = 'Usage: /accept <size|ram|canary|audit|all> <reason>';

/** A reason is shown in every report for this head; keep it a sentence, not a paste. */
const ACCEPT_REASON_MAX = 300;

export type ParsedAccept = { ok: true; override: Pick<Override, 'kind' | 'reason'> } | { ok: false; error: string; usage: string };

function usageError(error: string): ParsedAccept {
  const kinds = ACCEPT_KINDS.map((k) => `  ${k}: ${OVERRIDE_SCOPES[k]}`).join('\n');
  return { ok: false, error, usage: `${ACCEPT_USAGE}\n${kinds}` };
}

function isKind(word: string): word is OverrideKind {
  return (ACCEPT_KINDS as readonly string[]).includes(word);
}

/**
 * `"size arm64 grew for the new DNS cache"` or `"/accept size …"` → `{ kind: 'size', reason: … }`.
 * The caller adds `by`, `at` and `headSha`. Whitespace in the reason collapses to single spaces.
 */
export function parseAccept(text: string): ParsedAccept {
  const words = text
    .trim()
    .replace(/^\/accept(?=\s|$)/i, '')
    .trim();
  const m = /^(?<kind>\S+)(?:\s+(?<reason>[\s\S]*))?$/.exec(words);
  if (!m?.groups) return usageError('missing kind and reason');
  const kind = m.groups.kind!.toLowerCase();
  if (!isKind(kind)) return usageError(`unknown kind "${m.groups.kind}"`);
  const reason = (m.groups.reason ?? '').replace(/\s+/g, ' ').trim();
  if (reason === '') return usageError(`a reason is required: say why ${kind} is acceptable for this bump`);
  if (reason.length > ACCEPT_REASON_MAX) return usageError(`reason is ${reason.length} characters; keep it under ${ACCEPT_REASON_MAX}`);
  return { ok: true, override: { kind, reason } };
}
