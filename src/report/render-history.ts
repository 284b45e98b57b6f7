// Size and RAM of the last N Tailscale bumps on the base branch, plus this PR.
// Mermaid `xychart-beta` renders on GitHub and Gitea ≥ 1.22; the table is the fallback
// for everything else (CLI, e-mail notifications, older Gitea).
import type { CheckResult, HistoryPoint } from '../model.ts';
import { formatBytes, shortSha } from '../policy/index.ts';
import { cell, code, fence, table } from './markdown.ts';

interface Column {
  label: string;
  commit: string;
  at: string;
  /** platform → point */
  points: Map<string, Pick<HistoryPoint, 'imageCompressedBytes' | 'ramRssBytes' | 'ramEmulated'>>;
}

function columns(result: CheckResult, limit: number): Column[] {
  const byKey = new Map<string, Column>();
  const sorted = [...result.history].sort((a, b) => a.at.localeCompare(b.at) || a.version.localeCompare(b.version));
  for (const p of sorted) {
    const key = `${p.version}@${p.commit}`;
    const col = byKey.get(key) ?? { label: p.version, commit: p.commit, at: p.at, points: new Map() };
    col.points.set(p.platform, p);
    byKey.set(key, col);
  }
  const cols = [...byKey.values()].slice(-limit);
  const head: Column = { label: `${result.bump?.to ?? 'head'} (this PR)`, commit: result.headSha, at: result.finishedAt, points: new Map() };
  for (const p of result.platforms) {
    const a = p.head?.analysis;
    if (!a) continue;
    const rss = p.head?.ram?.rss?.median ?? null;
    head.points.set(p.platform, { imageCompressedBytes: a.imageCompressedBytes, ramRssBytes: rss, ramEmulated: p.head?.ram?.emulated ?? false });
  }
  return head.points.size ? [...cols, head] : cols;
}

function mib(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(3);
}

function chart(platform: string, cols: Column[]): string {
  const values = cols.map((c) => c.points.get(platform)?.imageCompressedBytes);
  if (values.some((v) => v === undefined)) return '';
  const labels = cols.map((c) => JSON.stringify(c.label.replace(/"/g, "'")));
  const lines = [
    'xychart-beta',
    `  title ${JSON.stringify(`${platform} compressed image (MiB)`)}`,
    `  x-axis [${labels.join(', ')}]`,
    '  y-axis "MiB"',
    `  line [${values.map((v) => mib(v!)).join(', ')}]`,
  ];
  return fence(lines.join('\n'), 'mermaid');
}

function historyCell(c: Column, platform: string): string {
  const p = c.points.get(platform);
  if (!p) return '—';
  const rss = p.ramRssBytes === null ? '' : ` · RSS ${formatBytes(p.ramRssBytes)}${p.ramEmulated ? ' 🧪' : ''}`;
  return `${formatBytes(p.imageCompressedBytes)}${rss}`;
}

/** The "History" section, or '' when the store has no earlier bump. */
export function renderHistory(result: CheckResult, limit: number): string {
  if (result.history.length === 0) return '';
  const cols = columns(result, limit);
  // This run's platform order first (the order of every other table), then any the store adds.
  const platforms = [...new Set([...result.platforms.map((p) => p.platform), ...cols.flatMap((c) => [...c.points.keys()])])]
    .filter((p) => cols.some((c) => c.points.has(p)));
  const charts = platforms.map((p) => chart(p, cols)).filter((s) => s !== '');
  const rows = cols.map((c, i) => {
    const label = i === cols.length - 1 && c.commit === result.headSha ? `**${cell(c.label)}**` : cell(c.label);
    return [label, code(shortSha(c.commit)), c.at.slice(0, 10), ...platforms.map((p) => historyCell(c, p))];
  });
  const body = [...charts, table(['version', 'commit', 'date', ...platforms.map(cell)], rows)].join('\n\n');
  const bumps = cols.length - (cols.at(-1)?.commit === result.headSha ? 1 : 0);
  return `### History\n\n<details><summary>📈 Compressed image and RSS over the last ${bumps} Tailscale bump${bumps === 1 ? '' : 's'} on ${code(result.baseRef)}</summary>\n\n${body}\n\n</details>`;
}
