// Plain-text report of `bumpguard audit` for a terminal: the bump, the verdict, then findings
// by severity, each marked [new] or [already at <from>] so a pre-existing gap reads differently
// from one the bump introduced. A fix shared by several findings is printed once.
import type { Bump, Finding, Severity, UpstreamReport, Verdict } from '../model.ts';
import { renderUpstreamText } from '../report/index.ts';

export interface AuditReport {
  bump: Bump | null;
  findings: Finding[];
  verdict: Verdict;
  /** Why this verdict, one sentence (policy decideVerdict). */
  reason: string;
  /** Where the config came from, e.g. ".bumpguard.yml at main" or "defaults (no .bumpguard.yml)". */
  configSource: string;
  /** Source edits and upstream commits behind the shipped features, when the audit ran. */
  upstream?: UpstreamReport | null;
}

const MARKS: Record<Severity, string> = { blocker: 'x', warning: '!', info: '-' };
const TITLES: Record<Severity, string> = { blocker: 'Blockers', warning: 'Warnings', info: 'Info' };

export function renderAuditText(result: AuditReport, context: { upstream: string }): string {
  const out: string[] = [headline(result), `  config: ${result.configSource} · upstream: ${context.upstream}`];
  // With a bump the findings say why; without one (or when the audit could not run) the reason does.
  if (!result.bump || result.verdict === 'error') out.push(`  ${result.reason}`);
  const from = result.bump?.from ?? 'base';
  const shown = new Set<string>();
  for (const severity of ['blocker', 'warning', 'info'] as const) {
    const items = result.findings.filter((f) => f.severity === severity);
    if (items.length === 0) continue;
    out.push('', `${TITLES[severity]} (${items.length})`);
    for (const f of items) out.push(...findingLines(f, from, shown));
  }
  out.push(...renderUpstreamText(result.upstream ?? undefined));
  return `${out.join('\n')}\n`;
}

function headline(result: AuditReport): string {
  const b = result.bump;
  const what = b ? `tailscale ${b.from} → ${b.to} (${b.type}${b.line > 0 ? `, ${b.file}:${b.line}` : ''})` : 'no Tailscale bump';
  const blockers = result.findings.filter((f) => f.severity === 'blocker').length;
  const warnings = result.findings.filter((f) => f.severity === 'warning').length;
  const verdict =
    result.verdict === 'failure' ? `FAIL: ${blockers} blocker${blockers === 1 ? '' : 's'}`
    : result.verdict === 'success' ? `PASS${warnings > 0 ? ` with ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}`
    : result.verdict.toUpperCase();
  return `bumpguard audit: ${what} — ${verdict}`;
}

function findingLines(f: Finding, from: string, shown: Set<string>): string[] {
  const origin = f.introduced ? ' [new]' : ` [already at ${from}]`;
  const lines = [`  ${MARKS[f.severity]} ${f.kind}: ${f.message}${origin}`];
  if (f.acknowledged) lines.push(`      acknowledged in ${f.acknowledgedBy ?? '.bumpguard.yml'}: ${f.acknowledgedReason ?? ''}`);
  if (f.fix && shown.has(f.fix)) lines.push('      suggested fix: the same as above');
  else if (f.fix) {
    shown.add(f.fix);
    lines.push('      suggested fix:', indent(f.fix.trimEnd(), '        '));
  }
  if (f.detail && !shown.has(f.detail)) {
    shown.add(f.detail);
    lines.push(indent(f.detail.trimEnd(), '      '));
  }
  return lines;
}

function indent(text: string, pad: string): string {
  return text.split('\n').map((l) => (l === '' ? l : pad + l)).join('\n');
}
