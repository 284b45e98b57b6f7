// The plain-text reports for a terminal: `bumpguard check` while it runs and at the end, and
// `bumpguard audit`.

import {
  formatBytes,
  METRIC_LABELS,
  shortSha,
  SIZE_METRICS,
  type Bump,
  type CheckResult,
  type Finding,
  type PlatformResult,
  type UpstreamReport,
  type Verdict,
} from '../core/index.ts';
import { groupOfFinding, type FindingGroup, type MetricComparison, type PolicyOutcome } from '../policy/index.ts';
import { renderUpstreamText } from './details.ts';
import { formatDuration, formatTime } from './markdown.ts';
import { bumpTitle, countsText, plural, VERDICT_LABELS } from './render-report.ts';
import {
  abovePeakMark,
  anyRssAbovePeak,
  deltaText,
  engineWords,
  renderRamSources,
  RSS_ABOVE_PEAK_NOTE,
  sideFailureLabel,
} from './tables.ts';

// The report for a terminal (`bumpguard check` without --json): same facts as the markdown,
// as aligned plain text — no HTML, no tables with <br>, no emoji whose width varies.

// Infrastructure trouble first, under its own title: it is why the verdict is `error`, and it is not the PR's fault.
const GROUPS = ['infrastructure', 'blocker', 'warning', 'info'] as const satisfies readonly FindingGroup[];
const MARKS: Record<FindingGroup, string> = { infrastructure: '?', blocker: 'x', warning: '!', info: '-' };
const TITLES: Record<FindingGroup, string> = {
  infrastructure: "Could not check, not this change's fault",
  blocker: 'Blockers',
  warning: 'Warnings',
  info: 'Info',
};

/** The group's title line; infrastructure trouble also says how to retry (`again`: "run the check again"). */
function groupTitle(group: FindingGroup, count: number, again: string): string[] {
  const title = `${TITLES[group]} (${count})`;
  return group === 'infrastructure' ? [title, `  These parts did not run for a reason outside this change; ${again} to retry.`] : [title];
}

function columns(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? '')].length)));
  return rows.map((r) => `  ${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}`.trimEnd());
}

function indent(text: string, pad: string): string {
  return text
    .split('\n')
    .map((l) => pad + l)
    .join('\n');
}

function findingLines(findings: Finding[]): string[] {
  const out: string[] = [];
  for (const group of GROUPS) {
    const items = findings.filter((f) => !f.acknowledged && groupOfFinding(f) === group);
    if (items.length === 0) continue;
    out.push('', ...groupTitle(group, items.length, 'run the check again'));
    for (const f of items) {
      const origin =
        f.kind === 'threshold' || f.kind === 'no-baseline' || f.kind === 'build-failed' || group === 'infrastructure'
          ? ''
          : f.introduced
            ? ' [new]'
            : ' [already at base]';
      out.push(`  ${MARKS[group]} ${f.message}${origin}`);
      if (f.fix) out.push('    suggested fix:', indent(f.fix.trimEnd(), '      '));
      if (f.detail && f.kind === 'build-failed') out.push(indent(f.detail.trimEnd().split('\n').slice(-20).join('\n'), '    | '));
    }
  }
  return out;
}

function acceptedLines(outcome: PolicyOutcome): string[] {
  const out: string[] = [];
  for (const { override: o, findings } of outcome.accepted) {
    out.push(`  /accept ${o.kind} by ${o.by} (${formatTime(o.at)}): "${o.reason}" — ${plural(findings.length, 'blocker')}`);
    for (const f of findings) out.push(`    ${f.message}`);
  }
  for (const o of outcome.staleOverrides)
    out.push(`  not applied: /accept ${o.kind} by ${o.by} was for ${shortSha(o.headSha)}, an earlier push`);
  return out.length ? ['', 'Accepted', ...out] : [];
}

function comparisonRow(c: MetricComparison, p: PlatformResult): string[] {
  const base = c.base === null ? '—' : formatBytes(c.base) + abovePeakMark(p, c.metric, 'base');
  const level = c.level ? `  over ${c.level} level` : '';
  const delta = c.notComparable
    ? `not compared: ${c.notComparable}`
    : c.base === null
      ? 'no baseline'
      : `${deltaText(c)}${c.withinNoise ? '  within noise' : ''}${level}`;
  const spread = c.headSpread ? ` ±${formatBytes(c.headSpread)}` : '';
  // Only RAM figures depend on where the image ran.
  const where =
    c.emulated === undefined ? '' : engineWords({ emulated: c.emulated, ...(p.engine ? { engine: p.engine } : {}) }, { plain: true });
  return [
    c.platform + (where ? ` (${where})` : ''),
    METRIC_LABELS[c.metric],
    base,
    formatBytes(c.head) + spread + abovePeakMark(p, c.metric, 'head'),
    delta,
  ];
}

function tableLines(result: CheckResult, outcome: PolicyOutcome): string[] {
  const rows = result.platforms.flatMap((p) => {
    if (p.head?.error) return [[p.platform, sideFailureLabel(p.head.error), '', '', '']];
    const mine = outcome.comparisons.filter((c) => c.platform === p.platform);
    const sizes = mine.filter((c) => (SIZE_METRICS as readonly string[]).includes(c.metric));
    return [...sizes, ...mine.filter((c) => !sizes.includes(c))].map((c) => comparisonRow(c, p));
  });
  const sources = renderRamSources(result);
  return rows.length
    ? [
        '',
        'Sizes and RAM (base → head)',
        ...columns([['arch', 'metric', 'base', 'head', 'Δ'], ...rows]),
        ...(sources ? [`RAM read from: ${sources} RSS and peak are each compared with their own base, never with each other.`] : []),
        ...(anyRssAbovePeak(result) ? [`† ${RSS_ABOVE_PEAK_NOTE}.`] : []),
      ]
    : [];
}

function canaryLines(result: CheckResult): string[] {
  const names = [...new Set(result.platforms.flatMap((p) => p.head?.canaries.map((c) => c.name) ?? []))];
  const rows = names.flatMap((name) =>
    result.platforms.map((p) => {
      const c = p.head?.canaries.find((x) => x.name === name);
      if (!c) return [name, p.platform, p.head?.error ? `not run (${sideFailureLabel(p.head.error)})` : '—', ''];
      const why = c.assertion ? `expected ${c.assertion}${c.observed !== undefined ? `, got ${c.observed}` : ''}` : c.detail;
      return [name, p.platform, c.ok ? 'pass' : 'FAIL', c.ok ? '' : why];
    }),
  );
  return rows.length ? ['', 'Canaries', ...columns(rows)] : [];
}

/** The audit part of a check still running, for a terminal: the bump and the audit's findings with their fixes. */
export function renderTextAudit(result: CheckResult, outcome: PolicyOutcome): string {
  const audit = outcome.findings.filter((f) => f.platform === undefined);
  const lines = [
    `bumpguard audit: ${bumpTitle(result)}`,
    ...(audit.length ? findingLines(audit) : ['  no findings']),
    ...renderUpstreamText(result.upstream),
    '',
  ];
  return `${lines.join('\n')}\n`;
}

/** One settled platform of a check still running: its figures base → head, and its canaries. */
export function renderTextPlatform(result: CheckResult, outcome: PolicyOutcome, platform: string): string {
  const only: CheckResult = { ...result, platforms: result.platforms.filter((p) => p.platform === platform) };
  const rows = tableLines(only, outcome)
    .slice(3)
    .filter((l) => !l.startsWith('RAM read from'));
  const canaries = canaryLines(only).slice(2);
  const mine = outcome.findings.filter((f) => f.platform === platform && !f.acknowledged && f.severity !== 'info');
  return `${[...rows, ...canaries, ...mine.map((f) => `  ${MARKS[groupOfFinding(f)]} ${f.message}`)].join('\n')}\n`;
}

/** Plain-text report for terminals; deterministic like the markdown. */
export function renderText(result: CheckResult, outcome: PolicyOutcome): string {
  const v = VERDICT_LABELS[outcome.verdict];
  const lines = [
    `bumpguard ${v.word.toUpperCase()}: ${bumpTitle(result)}`,
    `${countsText(outcome, false)} · head ${shortSha(result.headSha)} (${result.headRef} → ${result.baseRef}) · ${plural(result.builds.ran, 'build')} ran, ${result.builds.reused} reused · ${formatDuration(result.durationMs)}`,
    outcome.reason,
    ...findingLines(outcome.findings),
    ...acceptedLines(outcome),
    ...tableLines(result, outcome),
    ...canaryLines(result),
    ...renderUpstreamText(result.upstream),
  ];
  return `${lines.join('\n')}\n`;
}

// Plain-text report of `bumpguard audit` for a terminal: the bump, the verdict, then findings
// by severity, each marked [new] or [already at <from>] so a pre-existing gap reads differently
// from one the bump introduced. A fix shared by several findings is printed once.
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

export function renderAuditText(result: AuditReport, context: { upstream: string }): string {
  const out: string[] = [headline(result), `  config: ${result.configSource} · upstream: ${context.upstream}`];
  // With a bump the findings say why; without one (or when the audit could not run) the reason does.
  if (!result.bump || result.verdict === 'error') out.push(`  ${result.reason}`);
  const from = result.bump?.from ?? 'base';
  const shown = new Set<string>();
  for (const group of GROUPS) {
    const items = result.findings.filter((f) => groupOfFinding(f) === group);
    if (items.length === 0) continue;
    out.push('', ...groupTitle(group, items.length, 'run the audit again'));
    for (const f of items) out.push(...auditFindingLines(f, from, shown));
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
    result.verdict === 'failure'
      ? `FAIL: ${blockers} blocker${blockers === 1 ? '' : 's'}`
      : result.verdict === 'success'
        ? `PASS${warnings > 0 ? ` with ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}`
        : result.verdict.toUpperCase();
  return `bumpguard audit: ${what} — ${verdict}`;
}

function auditFindingLines(f: Finding, from: string, shown: Set<string>): string[] {
  const origin = groupOfFinding(f) === 'infrastructure' ? '' : f.introduced ? ' [new]' : ` [already at ${from}]`;
  const lines = [`  ${MARKS[groupOfFinding(f)]} ${f.kind}: ${f.message}${origin}`];
  if (f.acknowledged) lines.push(`      acknowledged in ${f.acknowledgedBy ?? '.bumpguard.yml'}: ${f.acknowledgedReason ?? ''}`);
  if (f.fix && shown.has(f.fix)) lines.push('      suggested fix: the same as above');
  else if (f.fix) {
    shown.add(f.fix);
    lines.push('      suggested fix:', indentLines(f.fix.trimEnd(), '        '));
  }
  if (f.detail && !shown.has(f.detail)) {
    shown.add(f.detail);
    lines.push(indentLines(f.detail.trimEnd(), '      '));
  }
  return lines;
}

/** Indents every line but the empty ones (a fix keeps its blank lines blank). */
function indentLines(text: string, pad: string): string {
  return text
    .split('\n')
    .map((l) => (l === '' ? l : pad + l))
    .join('\n');
}
