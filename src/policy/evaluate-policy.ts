// Policy in numbered steps: measured figures → threshold findings, per-platform results →
// derived findings, `/accept` overrides for this head, then the verdict.

import type { Config } from '../config/index.ts';
import {
  ERROR_BLAME,
  shortSha,
  type Blame,
  type BumpguardError,
  type CheckResult,
  type ErrorCode,
  type Finding,
  type FindingKind,
  type Override,
  type PlatformResult,
  type Severity,
  type SideResult,
  type Verdict,
} from '../core/index.ts';
import { applyOverrides, type AcceptedOverride } from './overrides.ts';
import { evaluateThresholds, type MetricComparison } from './thresholds.ts';

function countFindings(findings: Finding[]): PolicyCounts {
  const counts: PolicyCounts = { infrastructure: 0, blockers: 0, warnings: 0, infos: 0, acknowledged: 0 };
  const key = { infrastructure: 'infrastructure', blocker: 'blockers', warning: 'warnings', info: 'infos' } as const;
  for (const f of findings) {
    if (f.acknowledged) counts.acknowledged++;
    else counts[key[groupOfFinding(f)]]++;
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
  const { verdict, reason } = decideVerdict(
    applied.findings,
    opts.nothingToCheck === undefined ? {} : { nothingToCheck: opts.nothingToCheck },
  );
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

// The merge gate, decided here and nowhere else, for `check`, `audit`,
// `measure` and the bot alike:
//   error    the check could not finish (invalid configuration, infrastructure): not the PR's fault
//   failure  any unacknowledged blocker, a missing baseline included (never a silent pass)
//   success  otherwise, warnings allowed; also at once when there is nothing to check
/** The reason a change that does not move the Tailscale version passes, everywhere it is given. */
export const NOT_A_BUMP = 'not a Tailscale bump — nothing to check';

export interface VerdictDecision {
  verdict: Verdict;
  /** One sentence saying why. */
  reason: string;
}

export interface VerdictOptions {
  /** There is nothing to judge (not a Tailscale bump, or a PR the trigger settings leave alone): a pass, with this reason. */
  nothingToCheck?: string;
}

function andMore(list: Finding[], noun: string): string {
  return list.length > 1 ? ` (+${plural(list.length - 1, `more ${noun}`)})` : '';
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** The verdict for findings whose overrides are already applied. */
export function decideVerdict(findings: Finding[], opts: VerdictOptions = {}): VerdictDecision {
  const open = findings.filter((f) => !f.acknowledged);
  const blockers = open.filter((f) => f.severity === 'blocker');
  const config = open.filter((f) => blameOfFinding(f) === 'config');
  if (config.length > 0) return { verdict: 'error', reason: `${config[0]!.message}${andMore(config, 'config problem')}` };
  const infra = open.filter((f) => blameOfFinding(f) === 'infrastructure');
  if (infra.length > 0) {
    // Whatever else was found is listed in the report; the gate says the check itself is incomplete.
    const others = blockers.length - infra.length;
    const also = others > 0 ? `; ${plural(others, 'blocker')} found as well` : '';
    return { verdict: 'error', reason: `could not finish: ${infra[0]!.message}${andMore(infra, 'problem')}${also}` };
  }
  if (blockers.length > 0) {
    const lead = blockers.length === 1 ? '1 blocker:' : `${blockers.length} blockers, first:`;
    return { verdict: 'failure', reason: `${lead} ${blockers[0]!.message}` };
  }
  const warnings = open.filter((f) => f.severity === 'warning').length;
  if (opts.nothingToCheck !== undefined && findings.length === 0) return { verdict: 'success', reason: opts.nothingToCheck };
  const acked = findings.length - open.length;
  const parts = [warnings > 0 ? plural(warnings, 'warning') : 'no warnings'];
  if (acked > 0) parts.push(`${acked} accepted`);
  return { verdict: 'success', reason: `no blockers, ${parts.join(', ')}` };
}

// Findings that follow from the per-platform results alone: failed sides (the target's own build
// failure, or configuration / infrastructure trouble: src/core/errors.ts ERROR_BLAME decides), foreign-arch
// ELFs, failed canaries and missing baselines. Another room may already have reported some of
// them in CheckResult.findings; those win and are not repeated (deduped by kind+platform).
const DERIVED_KINDS: readonly FindingKind[] = ['build-failed', 'elf-mismatch', 'canary-failed', 'no-baseline'];

interface DeriveOptions {
  /** Compare with a base (check); false for one side alone (measure): no baseline is expected. */
  baseline: boolean;
}

function finding(
  kind: FindingKind,
  severity: Finding['severity'],
  platform: string,
  message: string,
  extra: Partial<Finding> = {},
): Finding {
  return { severity, kind, features: [], platform, introduced: true, acknowledged: false, message, ...extra };
}

function sideFailed(p: PlatformResult, side: 'base' | 'head', result: SideResult, error: NonNullable<SideResult['error']>): Finding {
  return failureFinding({ code: error.code, message: error.message }, `${p.platform} ${side} build failed at ${shortSha(result.commit)}`, {
    platform: p.platform,
    ...(error.logTail ? { detail: error.logTail } : {}),
  });
}

function elfMismatch(p: PlatformResult): Finding | null {
  const bad = p.head?.analysis?.elfs.filter((e) => !e.matches) ?? [];
  if (bad.length === 0) return null;
  const baseBad = new Set(p.base?.analysis?.elfs.filter((e) => !e.matches).map((e) => `${e.path}|${e.machine}`) ?? []);
  const list = bad.map((e) => `${e.path} (${e.machine})`).join(', ');
  const what = bad.length === 1 ? `an ELF for another CPU: ${list}` : `${bad.length} ELFs for another CPU: ${list}`;
  return finding('elf-mismatch', 'blocker', p.platform, `${p.platform} image contains ${what}; it will not run on a ${p.platform} router`, {
    introduced: bad.some((e) => !baseBad.has(`${e.path}|${e.machine}`)),
  });
}

function canaryFindings(p: PlatformResult, head: SideResult): Finding[] {
  const baseFailing = new Set((p.base?.canaries ?? []).filter((c) => !c.ok).map((c) => c.name));
  return head.canaries
    .filter((c) => !c.ok)
    .map((c) => {
      // A canary that cannot run as configured says nothing about the image: the config must change.
      if (c.configError) {
        return finding('config-invalid', 'blocker', p.platform, `canary ${c.name} cannot run on ${p.platform}: ${c.configError}`, {
          introduced: false,
          code: 'canary-needs-shell',
        });
      }
      const why = c.assertion ? `expected ${c.assertion}${c.observed !== undefined ? `, got ${c.observed}` : ''}` : c.detail;
      return finding('canary-failed', 'blocker', p.platform, `canary ${c.name} failed on ${p.platform}: ${why}`, {
        introduced: !baseFailing.has(c.name),
        ...(c.assertion && c.detail ? { detail: c.detail } : {}),
      });
    });
}

/** A bump that could not be compared blocks on every forge, and says the way out. */
function missingBaseline(p: PlatformResult, result: CheckResult): Finding | null {
  const base = p.base;
  const at = shortSha(base?.commit ?? result.baseSha ?? result.baseRef);
  const noBaseline = (why: string, detail?: string) =>
    // The way out leads: a status description keeps only the first ~140 characters.
    finding(
      'no-baseline',
      'blocker',
      p.platform,
      `no baseline: fix the base build, or /accept size <reason> — ${p.platform} at ${at}: ${why}`,
      { introduced: false, ...(detail ? { detail } : {}) },
    );
  if (!base) return noBaseline('the base was neither built nor found in the cache, so sizes, RAM and canaries were not compared');
  if (base.error) {
    // The base's configuration or infrastructure trouble is reported as such, not as a missing
    // baseline; once only when the head failed the same way (an engine that does not answer).
    if (blameOfFailure(base.error) !== 'target') {
      const head = p.head?.error;
      return head !== undefined && head.code === base.error.code && head.message === base.error.message
        ? null
        : sideFailed(p, 'base', base, base.error);
    }
    return noBaseline(`the base build failed (${base.error.message}), so nothing was compared`, base.error.logTail);
  }
  if (!base.analysis) return noBaseline('the base image was not analysed, so nothing was compared');
  return null;
}

function forPlatform(p: PlatformResult, result: CheckResult, opts: DeriveOptions): Finding[] {
  const out: Finding[] = [];
  const head = p.head;
  if (head?.error) out.push(sideFailed(p, 'head', head, head.error));
  else if (!head?.analysis) {
    // Only a run that builds nothing (`/audit`) gets here: it judges with stored measurements.
    out.push(
      failureFinding(
        {
          message: `nothing is measured at ${shortSha(head?.commit ?? result.headSha)} yet and this run built nothing (\`/rebuild\` measures it)`,
        },
        `${p.platform} head not measured`,
        { platform: p.platform },
      ),
    );
  } else {
    const elf = elfMismatch(p);
    if (elf) out.push(elf);
    out.push(...canaryFindings(p, head));
  }
  if (opts.baseline) {
    const missing = missingBaseline(p, result);
    if (missing) out.push(missing);
  }
  return out;
}

/** Derived findings for every platform, minus kinds another room already reported for it. */
function derivePlatformFindings(result: CheckResult, opts: DeriveOptions = { baseline: true }): Finding[] {
  const reported = new Set(
    result.findings.filter((f) => DERIVED_KINDS.includes(f.kind) && f.platform).map((f) => `${f.kind}|${f.platform}`),
  );
  return result.platforms.flatMap((p) => forPlatform(p, result, opts)).filter((f) => !reported.has(`${f.kind}|${f.platform}`));
}

// A failure that stopped part of a check, turned into the finding the gate is decided on. Whose
// fault it is comes from the one table in src/core/errors.ts: the target's own failures are blockers
// a maintainer can act on; configuration and infrastructure trouble make the verdict `error`.
export interface Failure {
  /** Stable code; a failure without one (an unexpected error) is never blamed on the PR. */
  code?: ErrorCode | undefined;
  message: string;
}

const KIND_OF_BLAME: Record<Exclude<Blame, 'cancelled' | 'usage'>, FindingKind> = {
  target: 'build-failed',
  config: 'config-invalid',
  infrastructure: 'infra-error',
};

/** Whose fault a failure is; usage mistakes in a check are configuration, cancellation cannot reach a verdict. */
export function blameOfFailure(f: Failure): Exclude<Blame, 'cancelled' | 'usage'> {
  const blame = f.code === undefined ? 'infrastructure' : ERROR_BLAME[f.code];
  return blame === 'usage' ? 'config' : blame === 'cancelled' ? 'infrastructure' : blame;
}

/**
 * Whose fault a finding is: a failure's blame is kept in its kind (KIND_OF_BLAME); every other
 * finding is about the target. The verdict and the reports' grouping both ask this.
 */
function blameOfFinding(f: Finding): Exclude<Blame, 'cancelled' | 'usage'> {
  return f.kind === KIND_OF_BLAME.infrastructure ? 'infrastructure' : f.kind === KIND_OF_BLAME.config ? 'config' : 'target';
}

/** Where a report lists a finding: infrastructure trouble apart from the PR's own blockers, whose heading it must not share. */
export type FindingGroup = 'infrastructure' | Severity;

export function groupOfFinding(f: Finding): FindingGroup {
  return blameOfFinding(f) === 'infrastructure' ? 'infrastructure' : f.severity;
}

/**
 * `what` names the part that failed ("linux/arm64 head build"); the message says why. That it is
 * not the PR's fault and how to retry is said once, by the reports' heading for such findings.
 */
function failureFinding(f: Failure, what: string, extra: Partial<Finding> = {}): Finding {
  const blame = blameOfFailure(f);
  return {
    severity: 'blocker',
    kind: KIND_OF_BLAME[blame],
    features: [],
    introduced: blame === 'target',
    acknowledged: false,
    message: `${what}: ${f.message.replace(/\.$/, '')}`,
    ...(f.code !== undefined ? { code: f.code } : {}),
    ...extra,
  };
}

/** The finding for a typed error caught while checking. */
export function errorFinding(err: BumpguardError, what: string, extra: Partial<Finding> = {}): Finding {
  return failureFinding({ code: err.code, message: err.userMessage }, what, extra);
}

// What src/policy hands to src/report, src/jobs and the CLI's --json.
interface PolicyCounts {
  /** Parts of the check that could not run for a reason outside the PR: each one makes the verdict `error`. */
  infrastructure: number;
  /** Other unacknowledged blockers: each one fails the check. */
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
