// Findings that follow from the per-platform results alone: build failures, foreign-arch
// ELFs, failed canaries and missing baselines. Another room may already have reported some
// of them in CheckResult.findings; those win and are not repeated (deduped by kind+platform).
import type { CheckResult, Finding, FindingKind, PlatformResult, SideResult } from '../model.ts';
import { shortSha } from './short-sha.ts';

const DERIVED_KINDS: readonly FindingKind[] = ['build-failed', 'elf-mismatch', 'canary-failed', 'no-baseline'];

function finding(kind: FindingKind, severity: Finding['severity'], platform: string, message: string, extra: Partial<Finding> = {}): Finding {
  return { severity, kind, features: [], platform, introduced: true, acknowledged: false, message, ...extra };
}

function buildFailed(p: PlatformResult, head: SideResult, error: NonNullable<SideResult['error']>): Finding {
  return finding('build-failed', 'blocker', p.platform,
    `${p.platform} head build failed at ${shortSha(head.commit)}: ${error.message}`,
    { detail: error.logTail });
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

function canaryFailures(p: PlatformResult, head: SideResult): Finding[] {
  const baseFailing = new Set((p.base?.canaries ?? []).filter((c) => !c.ok).map((c) => c.name));
  return head.canaries.filter((c) => !c.ok).map((c) => {
    const why = c.assertion ? `expected ${c.assertion}${c.observed !== undefined ? `, got ${c.observed}` : ''}` : c.detail;
    return finding('canary-failed', 'blocker', p.platform, `canary ${c.name} failed on ${p.platform}: ${why}`, {
      introduced: !baseFailing.has(c.name),
      ...(c.assertion && c.detail ? { detail: c.detail } : {}),
    });
  });
}

function missingBaseline(p: PlatformResult, result: CheckResult): Finding | null {
  const base = p.base;
  const at = shortSha(base?.commit ?? result.baseSha ?? result.baseRef);
  const noBaseline = (why: string, detail?: string) =>
    finding('no-baseline', 'warning', p.platform, `no baseline for ${p.platform} at ${at}: ${why}`,
      { introduced: false, ...(detail ? { detail } : {}) });
  if (!base) return noBaseline('the base was neither built nor found in the cache, so sizes, RAM and canaries were not compared');
  if (base.error) return noBaseline(`the base build failed (${base.error.message}), so nothing was compared`, base.error.logTail);
  if (!base.analysis) return noBaseline('the base image was not analysed, so nothing was compared');
  return null;
}

function notMeasured(p: PlatformResult, result: CheckResult): Finding {
  // Same kind as a missing base: one side of the comparison is absent, which must read as
  // "not judged" (neutral), never as a pass.
  return finding('no-baseline', 'warning', p.platform,
    `no measurement of ${p.platform} at ${shortSha(p.head?.commit ?? result.headSha)}: the head was not built in this run, so sizes, RAM and canaries were not checked`,
    { introduced: false });
}

function forPlatform(p: PlatformResult, result: CheckResult): Finding[] {
  const head = p.head;
  if (head?.error) return [buildFailed(p, head, head.error)];
  if (!head?.analysis) return [notMeasured(p, result)];
  const out: Finding[] = [];
  const elf = elfMismatch(p);
  if (elf) out.push(elf);
  out.push(...canaryFailures(p, head));
  const missing = missingBaseline(p, result);
  if (missing) out.push(missing);
  return out;
}

/** Derived findings for every platform, minus kinds another room already reported for it. */
export function derivePlatformFindings(result: CheckResult): Finding[] {
  const reported = new Set(
    result.findings.filter((f) => DERIVED_KINDS.includes(f.kind) && f.platform).map((f) => `${f.kind}|${f.platform}`),
  );
  return result.platforms
    .flatMap((p) => forPlatform(p, result))
    .filter((f) => !reported.has(`${f.kind}|${f.platform}`));
}
