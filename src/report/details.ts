// The collapsed sections under the tables: per-arch details, the history of past bumps, and the
// upstream behind this bump (in markdown, and as plain lines for a terminal).

import {
  formatBytes,
  formatSignedBytes,
  shortSha,
  type CheckResult,
  type DigestCommit,
  type EditStatus,
  type HistoryPoint,
  type ImageAnalysis,
  type PlatformResult,
  type UpstreamReport,
} from '../core/index.ts';
import { type PolicyOutcome } from '../policy/index.ts';
import { cell, clip, code, escapeText, fence, table, tail } from './markdown.ts';
import { deltaText, sideFailureLabel, type Mover } from './tables.ts';

// Collapsible per-arch details: layers, largest files, top movers vs base, duplicated
// bytes, the main binary, and build log tails when a build failed.

export interface DetailsOptions {
  /** Layers, largest files, binary line and log tails. */
  full: boolean;
  /** Top movers vs base. */
  movers: boolean;
  /** How many largest files. */
  top: number;
  /** Top movers per platform (moversByPlatform); a platform without an entry has no comparison. */
  moverLists: ReadonlyMap<string, Mover[]>;
}

function summary(p: PlatformResult, outcome: PolicyOutcome): string {
  const name = `<b>${cell(p.platform)}</b>`;
  if (p.head?.error) return `${name} — ❌ ${sideFailureLabel(p.head.error)}`;
  const a = p.head?.analysis;
  if (!a) return `${name} — not built in this run`;
  const image = outcome.comparisons.find((c) => c.platform === p.platform && c.metric === 'image');
  const delta = image && image.deltaBytes !== null ? `, ${deltaText(image)}` : '';
  return `${name} — ${formatBytes(a.imageCompressedBytes)} compressed, ${a.layers.length} layers${delta}`;
}

function layersTable(a: ImageAnalysis): string {
  const rows = a.layers.map((l, i) => [
    String(i + 1),
    l.createdBy ? code(l.createdBy.slice(0, 80)) : code(l.id.slice(0, 19)),
    formatBytes(l.compressedBytes),
    formatBytes(l.uncompressedBytes),
    String(l.fileCount),
  ]);
  return `**Layers**\n\n${table(['#', 'layer', 'compressed', 'uncompressed', 'files'], rows, ['r', 'l', 'r', 'r', 'r'])}`;
}

function largestTable(a: ImageAnalysis, top: number): string {
  const rows = a.largestFiles.slice(0, top).map((f) => [code(f.path), formatBytes(f.bytes)]);
  return rows.length ? `**Largest files**\n\n${table(['path', 'size'], rows, ['l', 'r'])}` : '';
}

function factsLine(a: ImageAnalysis): string {
  const bin = a.binary
    ? `main binary ${code(a.binary.path)} ${formatBytes(a.binary.bytes)}, ${a.binary.upx ? 'UPX-packed' : '**not UPX-packed**'}`
    : 'main binary not found';
  const foreign = a.elfs.filter((e) => !e.matches);
  const n = (k: number) => `${k} ELF${k === 1 ? '' : 's'}`;
  const elfs = foreign.length ? `**${n(foreign.length)} for another CPU**` : `${n(a.elfs.length)} checked, all for this CPU`;
  return `${bin} · duplicated across layers: ${formatBytes(a.duplicateBytes)} · on flash: ${formatBytes(a.flashBytes)} at ${formatBytes(a.blockSize)} blocks · ${elfs}`;
}

function moversTable(movers: Mover[] | undefined): string {
  if (movers === undefined) return '';
  if (movers.length === 0) return '**Top movers vs base**: no file changed size.';
  const rows = movers.map((m) => [
    code(m.path),
    m.base === null ? 'new' : formatBytes(m.base),
    m.head === null ? 'removed' : formatBytes(m.head),
    formatSignedBytes(m.delta),
  ]);
  return `**Top movers vs base**\n\n${table(['path', 'base', 'head', 'Δ'], rows, ['l', 'r', 'r', 'r'])}`;
}

function logBlock(title: string, logTail: string): string {
  return logTail.trim() ? `**${title}** (last lines)\n\n${fence(tail(logTail, 60, 6000), 'text')}` : '';
}

function platformBody(p: PlatformResult, opts: DetailsOptions): string[] {
  const parts: string[] = [];
  const a = p.head?.analysis;
  if (opts.full) {
    if (p.head?.error) parts.push(logBlock(`${p.platform} head build log`, p.head.error.logTail));
    if (p.base?.error) parts.push(logBlock(`${p.platform} base build log`, p.base.error.logTail));
    if (a) parts.push(layersTable(a), largestTable(a, opts.top), factsLine(a));
  }
  if (opts.movers) parts.push(moversTable(opts.moverLists.get(p.platform)));
  return parts.filter((s) => s !== '');
}

/** The "Per arch" section, or '' when both parts are trimmed or nothing has details. */
export function renderPlatformDetails(platforms: PlatformResult[], outcome: PolicyOutcome, opts: DetailsOptions): string {
  if (!opts.full && !opts.movers) return '';
  const blocks = platforms.flatMap((p) => {
    const body = platformBody(p, opts);
    return body.length ? [`<details><summary>${summary(p, outcome)}</summary>\n\n${body.join('\n\n')}\n\n</details>`] : [];
  });
  return blocks.length ? ['### Per arch', ...blocks].join('\n\n') : '';
}

// Size and RAM of the last N Tailscale bumps on the base branch, plus this PR.
// Mermaid `xychart-beta` renders on GitHub and Gitea ≥ 1.22; the table is the fallback
// for everything else (CLI, e-mail notifications, older Gitea).
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
  const head: Column = {
    label: `${result.bump?.to ?? 'head'} (this PR)`,
    commit: result.headSha,
    at: result.finishedAt,
    points: new Map(),
  };
  for (const p of result.platforms) {
    const a = p.head?.analysis;
    if (!a) continue;
    const rss = p.head?.ram?.rss?.median ?? null;
    head.points.set(p.platform, {
      imageCompressedBytes: a.imageCompressedBytes,
      ramRssBytes: rss,
      ramEmulated: p.head?.ram?.emulated ?? false,
    });
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
  const platforms = [...new Set([...result.platforms.map((p) => p.platform), ...cols.flatMap((c) => [...c.points.keys()])])].filter((p) =>
    cols.some((c) => c.points.has(p)),
  );
  const charts = platforms.map((p) => chart(p, cols)).filter((s) => s !== '');
  const rows = cols.map((c, i) => {
    const label = i === cols.length - 1 && c.commit === result.headSha ? `**${cell(c.label)}**` : cell(c.label);
    return [label, code(shortSha(c.commit)), c.at.slice(0, 10), ...platforms.map((p) => historyCell(c, p))];
  });
  const body = [...charts, table(['version', 'commit', 'date', ...platforms.map(cell)], rows)].join('\n\n');
  const bumps = cols.length - (cols.at(-1)?.commit === result.headSha ? 1 : 0);
  return `### History\n\n<details><summary>📈 Compressed image and RSS over the last ${bumps} Tailscale bump${bumps === 1 ? '' : 's'} on ${code(result.baseRef)}</summary>\n\n${body}\n\n</details>`;
}

// "Upstream behind this bump": each source edit the build makes and whether it still applies,
// then (collapsed) the upstream commits between the tags that touch what the image compiles in,
// grouped by feature, at most the 20 most relevant; `--json` has all of them.
const STATUS: Record<EditStatus['status'], string> = {
  applies: '✅ applies',
  drift: '⚠️ count changed',
  stale: '❌ stale',
  unevaluated: 'ℹ️ not evaluated',
};
const KIND: Record<EditStatus['kind'], string> = { sed: 'sed', patch: 'patch', 'copy-go': 'COPY .go', unreadable: 'edit' };

/** `full: false` keeps the edits and one line about the commits (the comment is being trimmed). */
export function renderUpstream(upstream: UpstreamReport | undefined, opts: { full: boolean }): string {
  if (!upstream) return '';
  const parts = ['### Upstream behind this bump'];
  if (upstream.edits.length > 0) parts.push(editsTable(upstream));
  parts.push(opts.full ? commitsDetails(upstream) : commitsLine(upstream));
  return parts.filter((p) => p !== '').join('\n\n');
}

function editsTable(u: UpstreamReport): string {
  const lines = (n: number | null | undefined) => (n === null || n === undefined ? '—' : `${n} line${n === 1 ? '' : 's'}`);
  const rows = u.edits.map((e) => [
    `${KIND[e.kind]} at ${code(`${e.path}:${e.line}`)}`,
    e.target ? code(e.target) : '—',
    e.kind === 'sed' ? lines(e.changed?.from) : '',
    e.kind === 'sed' ? lines(e.changed?.to) : '',
    e.status === 'unevaluated'
      ? `${STATUS[e.status]}: ${cell(clip(e.message.replace(/^.*? was not evaluated: /, ''), 160))}`
      : STATUS[e.status],
  ]);
  return `Source edits the build makes to upstream, replayed at both tags:\n\n${table(['edit', 'edits', `changes at ${cell(u.from)}`, `at ${cell(u.to)}`, 'status'], rows)}`;
}

function commitsLine(u: UpstreamReport): string {
  const c = u.commits;
  if (c.source === null) return `Upstream commits: not listed, ${escapeText(c.note ?? 'no history source')}.`;
  const note = c.note ? ` ${escapeText(c.note)}.` : '';
  return `Upstream commits touching what this image compiles in: ${c.relevant} of ${c.total} ([compare ${escapeText(u.from)}...${escapeText(u.to)}](${c.compareUrl})).${note}`;
}

function commitsDetails(u: UpstreamReport): string {
  const c = u.commits;
  if (c.source === null || c.relevant === 0) return commitsLine(u);
  const top = new Set(c.top.map((t) => t.sha));
  const groups = c.groups
    .map((g) => ({ ...g, shown: g.commits.filter((x) => top.has(x.sha)) }))
    .filter((g) => g.shown.length > 0)
    .map((g) => `**${escapeText(g.name)}** (${g.commits.length})\n${g.shown.map(commitLine).join('\n')}`);
  const more =
    c.relevant > c.top.length ? `\n\n${c.relevant - c.top.length} more in \`bumpguard check --json\` (\`upstream.commits\`).` : '';
  const note = c.note ? `\n\n> ${escapeText(c.note)}.` : '';
  const summary = `What changed upstream behind the shipped features: ${c.relevant} of ${c.total} commits${c.relevant > c.top.length ? ` (the ${c.top.length} most relevant)` : ''}`;
  return `<details><summary>${summary}</summary>\n\n${groups.join('\n\n')}${more}${note}\n\n[Compare ${escapeText(u.from)}...${escapeText(u.to)}](${c.compareUrl}) · from ${escapeText(c.source)}\n\n</details>`;
}

function commitLine(c: DigestCommit): string {
  return `- [${code(c.shortSha)}](${c.url}) ${escapeText(clip(c.subject, 120))}`;
}

// The upstream section for a terminal (`bumpguard audit`, `bumpguard check` as text): each source
// edit with its status, then the most relevant upstream commits by feature, as plain lines.
const STATUS_TEXT = { applies: 'applies', drift: 'COUNT CHANGED', stale: 'STALE', unevaluated: 'not evaluated' } as const;

export function renderUpstreamText(u: UpstreamReport | undefined): string[] {
  if (!u) return [];
  const out = ['', `Upstream ${u.from} → ${u.to}`];
  for (const e of u.edits) {
    const counts = e.kind === 'sed' && e.changed ? ` (${e.changed.from ?? '-'} → ${e.changed.to ?? '-'} lines)` : '';
    out.push(`  ${e.path}:${e.line} ${e.kind} ${e.target || '?'}: ${STATUS_TEXT[e.status]}${counts}`);
  }
  const c = u.commits;
  if (c.source === null) {
    out.push(`  commits: not listed, ${c.note ?? 'no history source'}`);
    return out;
  }
  out.push(`  commits touching what the image compiles in: ${c.relevant} of ${c.total} (${c.compareUrl})`);
  if (c.note) out.push(`  note: ${c.note}`);
  const top = new Set(c.top.map((t) => t.sha));
  for (const g of c.groups) {
    const shown = g.commits.filter((x) => top.has(x.sha));
    if (shown.length === 0) continue;
    out.push(`  ${g.name} (${g.commits.length}):`);
    for (const x of shown) out.push(`    ${x.shortSha} ${x.subject}`);
  }
  if (c.relevant > c.top.length) out.push(`  … ${c.relevant - c.top.length} more with --json (upstream.commits)`);
  return out;
}
