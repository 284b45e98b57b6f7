// One row per arch: compressed image, on flash, rootfs, binary — base → head, Δ bytes, Δ %.
import type { Metric } from '../config/index.ts';
import type { CheckResult, Finding, PlatformResult } from '../model.ts';
import { formatBytes, formatPercent, formatSignedBytes, METRIC_LABELS, SIZE_METRICS, type MetricComparison, type PolicyOutcome } from '../policy/index.ts';
import type { Mover } from './compute-movers.ts';
import { cell, code, table } from './markdown.ts';
import { sideFailureLabel } from './side-failure.ts';

/** "▲ +12.3 KiB (+0.32%)", "▼ -4 KiB (-0.1%)", "= ±0 B". */
export function deltaText(c: Pick<MetricComparison, 'deltaBytes' | 'deltaPercent'>): string {
  if (c.deltaBytes === null) return '';
  const arrow = c.deltaBytes > 0 ? '▲' : c.deltaBytes < 0 ? '▼' : '=';
  return `${arrow} ${formatSignedBytes(c.deltaBytes)} (${formatPercent(c.deltaPercent)})`;
}

/** " 🔴" over fail, " 🟡" over warn, with "accepted" when an override or config acknowledged it. */
export function levelBadge(c: MetricComparison, findings: Finding[]): string {
  if (!c.level) return '';
  const acked = findings.some((f) => f.kind === 'threshold' && f.platform === c.platform && f.metric === c.metric && f.acknowledged);
  return `${c.level === 'fail' ? ' 🔴' : ' 🟡'}${acked ? ' accepted' : ''}`;
}

function metricCell(c: MetricComparison | undefined, findings: Finding[]): string {
  if (!c) return '—';
  if (c.base === null) return `— → ${formatBytes(c.head)}<br>no baseline`;
  const delta = `${deltaText(c)}${levelBadge(c, findings)}`;
  return `${formatBytes(c.base)} → ${formatBytes(c.head)}<br>${c.level ? `**${delta.trim()}**` : delta}`;
}

function row(p: PlatformResult, comparisons: MetricComparison[], findings: Finding[]): string[] {
  const name = `**${cell(p.platform)}**`;
  if (p.head?.error) return [name, `❌ ${sideFailureLabel(p.head.error)} (log in details)`, '—', '—', '—'];
  if (!p.head?.analysis) return [name, 'not built in this run', '—', '—', '—'];
  const of = (m: Metric) => comparisons.find((c) => c.platform === p.platform && c.metric === m);
  const cells = SIZE_METRICS.map((m) => metricCell(of(m), findings));
  if (p.head.analysis.binary && !p.head.analysis.binary.upx) cells[3] += '<br>⚠️ not UPX-packed';
  return [name, ...cells];
}

/** For each arch over a level: the file that moved most, so "which arch grew and why" is one line. */
function culprits(result: CheckResult, comparisons: MetricComparison[], movers: ReadonlyMap<string, Mover[]>): string {
  const lines = result.platforms.flatMap((p) => {
    const tripped = comparisons.some((c) => c.platform === p.platform && c.level && (SIZE_METRICS as readonly string[]).includes(c.metric));
    if (!tripped) return [];
    const top = movers.get(p.platform)?.[0];
    return top ? [`- ${cell(p.platform)}: mostly ${code(top.path)} ${formatSignedBytes(top.delta)}`] : [];
  });
  return lines.length ? `Biggest file change where a level tripped:\n${lines.join('\n')}` : '';
}

/** The size table with its legend, or '' when no platform was measured or failed. */
export function renderSizeTable(result: CheckResult, outcome: PolicyOutcome, movers: ReadonlyMap<string, Mover[]>): string {
  if (result.platforms.length === 0) return '';
  const headers = ['arch', ...SIZE_METRICS.map((m) => METRIC_LABELS[m])];
  const rows = result.platforms.map((p) => row(p, outcome.comparisons, outcome.findings));
  return [
    '### Size',
    table(headers, rows),
    culprits(result, outcome.comparisons, movers),
    '<sub>base → head · ▲ grew ▼ shrank · 🔴 over the fail level · 🟡 over the warn level (bytes AND percent) · 1 KiB = 1024 B · on flash = every layer extracted, block-rounded</sub>',
  ].filter((s) => s !== '').join('\n\n');
}
