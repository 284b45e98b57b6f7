// Findings that follow from the per-platform results alone: failed sides (the target's own build
// failure, or configuration / infrastructure trouble: src/errors.ts ERROR_BLAME decides), foreign-arch
// ELFs, failed canaries and missing baselines. Another room may already have reported some of
// them in CheckResult.findings; those win and are not repeated (deduped by kind+platform).
import type { CheckResult, Finding, FindingKind, PlatformResult, SideResult } from '../model.ts';
import { blameOfFailure, failureFinding } from './error-finding.ts';
import { shortSha } from './short-sha.ts';

const DERIVED_KINDS: readonly FindingKind[] = ['build-failed', 'elf-mismatch', 'canary-failed', 'no-baseline'];

export interface DeriveOptions {
  /** Compare with a base (check); false for one side alone (measure): no baseline is expected. */
  baseline: boolean;
}

function finding(kind: FindingKind, severity: Finding['severity'], platform: string, message: string, extra: Partial<Finding> = {}): Finding {
  return { severity, kind, features: [], platform, introduced: true, acknowledged: false, message, ...extra };
}

function sideFailed(p: PlatformResult, side: 'base' | 'head', result: SideResult, error: NonNullable<SideResult['error']>): Finding {
  return failureFinding({ code: error.code, message: error.message }, `${p.platform} ${side} build failed at ${shortSha(result.commit)}`, { platform: p.platform, ...(error.logTail ? { detail: error.logTail } : {}) });
}

function elfMismatch(p: PlatformResult): Finding | null {
  const bad = p.head?.analysis?.elfs.filter((e) => !e.matches) ?? [];
  if (bad.length === 0) return null;
  const baseBad = new Set(p.base?.analysis?.elfs.filter((e) => !e.matches).map((e) => `${e.path}|${e.machine}`) ?? []);
  const list = bad.map((e) => `${e.path} (${e.machine})`).join(', ');
  const what = bad.length === 1 ? `an ELF for another CPU: ${list}` : `${bad.length} ELFs for another CPU: ${list}`;
  return finding('elf-mismatch', 'blocker', p.platform,
    `${p.platform} image contains ${what}; it will not run on a ${p.platform} router`,
    { introduced: bad.some((e) => !baseBad.has(`${e.path}|${e.machine}`)) });
}

function canaryFindings(p: PlatformResult, head: SideResult): Finding[] {
  const baseFailing = new Set((p.base?.canaries ?? []).filter((c) => !c.ok).map((c) => c.name));
  return head.canaries.filter((c) => !c.ok).map((c) => {
    // A canary that cannot run as configured says nothing about the image: the config must change.
    if (c.configError) {
      return finding('config-invalid', 'blocker', p.platform, `canary ${c.name} cannot run on ${p.platform}: ${c.configError}`, { introduced: false, code: 'canary-needs-shell' });
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
    finding('no-baseline', 'blocker', p.platform, `no baseline: fix the base build, or /accept size <reason> — ${p.platform} at ${at}: ${why}`,
      { introduced: false, ...(detail ? { detail } : {}) });
  if (!base) return noBaseline('the base was neither built nor found in the cache, so sizes, RAM and canaries were not compared');
  if (base.error) {
    // The base's configuration or infrastructure trouble is reported as such, not as a missing
    // baseline; once only when the head failed the same way (an engine that does not answer).
    if (blameOfFailure(base.error) !== 'target') {
      const head = p.head?.error;
      return head !== undefined && head.code === base.error.code && head.message === base.error.message ? null : sideFailed(p, 'base', base, base.error);
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
    out.push(failureFinding({ message: `nothing is measured at ${shortSha(head?.commit ?? result.headSha)} yet and this run built nothing (\`/rebuild\` measures it)` }, `${p.platform} head not measured`, { platform: p.platform }));
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
export function derivePlatformFindings(result: CheckResult, opts: DeriveOptions = { baseline: true }): Finding[] {
  const reported = new Set(
    result.findings.filter((f) => DERIVED_KINDS.includes(f.kind) && f.platform).map((f) => `${f.kind}|${f.platform}`),
  );
  return result.platforms
    .flatMap((p) => forPlatform(p, result, opts))
    .filter((f) => !reported.has(`${f.kind}|${f.platform}`));
}
