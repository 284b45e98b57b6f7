// RAM per arch: median ± spread of N runs, native and emulated figures marked, noise and refusals said.
import type { CheckProgress, CheckResult, PlatformResult } from '../model.ts';
import { formatBytes, type MetricComparison, type PolicyOutcome } from '../policy/index.ts';
import { engineWords } from './engine-label.ts';
import { cell, table } from './markdown.ts';
import { pendingCell } from './render-progress.ts';
import { renderRamSources } from './render-ram-sources.ts';
import { deltaText, levelBadge } from './render-size-table.ts';

function figure(median: number, spread: number | null | undefined): string {
  return spread ? `${formatBytes(median)} ± ${formatBytes(spread)}` : formatBytes(median);
}

function valueCell(c: MetricComparison | undefined): string {
  if (!c) return '—';
  const head = figure(c.head, c.headSpread);
  return c.base === null ? `${head}<br><sub>no baseline</sub>` : `${head}<br><sub>base ${figure(c.base, c.baseSpread)}</sub>`;
}

function deltaCell(c: MetricComparison | undefined, outcome: PolicyOutcome): string {
  if (!c || c.base === null) return '—';
  if (c.notComparable) return `not compared: ${cell(c.notComparable)}`;
  const delta = `${deltaText(c)}${levelBadge(c, outcome.findings)}`;
  if (c.withinNoise) return `${delta} · within noise`;
  return c.level ? `**${delta}**` : delta;
}

function row(p: PlatformResult, outcome: PolicyOutcome, progress: CheckProgress | undefined): string[] | null {
  const where = engineWords(p);
  const name = `**${cell(p.platform)}**${where ? ` ${cell(where)}` : ''}`;
  const pending = progress?.ram ? pendingCell(progress, p.platform) : null;
  if (pending) return [name, pending, '—', pending, '—', '—'];
  const of = (m: 'ramRss' | 'ramPeak') => outcome.comparisons.find((c) => c.platform === p.platform && c.metric === m);
  const rss = of('ramRss');
  const peak = of('ramPeak');
  const error = p.head?.ram?.error;
  if (!rss && !peak && !error) return null;
  if (!rss && !peak) return [name, `not measured: ${cell(error ?? '')}`, '—', '—', '—', '—'];
  const runs = String(rss?.runs ?? peak?.runs ?? '—');
  return [name, valueCell(rss), deltaCell(rss, outcome), valueCell(peak), deltaCell(peak, outcome), runs];
}

/** The RAM table, or '' when RAM was not measured anywhere. */
export function renderRamTable(result: CheckResult, outcome: PolicyOutcome, progress?: CheckProgress): string {
  const rows = result.platforms.map((p) => row(p, outcome, progress)).filter((r): r is string[] => r !== null);
  if (rows.length === 0) return '';
  const sources = renderRamSources(result);
  return [
    '### RAM',
    table(['arch', 'RSS (median ± spread)', 'Δ RSS', 'peak (median ± spread)', 'Δ peak', 'runs'], rows),
    '<sub>± is the spread (max − min) over the runs; a Δ within the larger spread is noise and is not judged. 🧪 emulated = measured under qemu-user: not the router\'s RSS, only compared with other emulated figures. ' +
      'native = run on an engine with the platform\'s own CPU (named when it is not the bot\'s own), only compared with native figures.' +
      `${sources ? ` Read from: ${cell(sources)}` : ''}</sub>`,
  ].join('\n\n');
}
