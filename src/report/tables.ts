// The comment's tables: size and RAM per arch and canaries per arch, and how a platform still
// running or one that could not be built reads in them.

import {
  formatBytes,
  formatPercent,
  formatSignedBytes,
  LOCAL_ENGINE,
  METRIC_LABELS,
  SIZE_METRICS,
  type CanaryResult,
  type CheckProgress,
  type CheckResult,
  type FileEntry,
  type Finding,
  type MetricName,
  type PlatformResult,
  type RamMeasurement,
  type RssSource,
  type SideResult,
  type SideStage,
} from '../core/index.ts';
import { blameOfFailure, type MetricComparison, type PolicyOutcome } from '../policy/index.ts';
import { cell, clip, code, table } from './markdown.ts';

/** "▲ +12.3 KiB (+0.32%)", "▼ -4 KiB (-0.1%)", "= ±0 B". */
export function deltaText(c: Pick<MetricComparison, 'deltaBytes' | 'deltaPercent'>): string {
  if (c.deltaBytes === null) return '';
  const arrow = c.deltaBytes > 0 ? '▲' : c.deltaBytes < 0 ? '▼' : '=';
  return `${arrow} ${formatSignedBytes(c.deltaBytes)} (${formatPercent(c.deltaPercent)})`;
}

/** " 🔴" over fail, " 🟡" over warn, with "accepted" when an override or config acknowledged it. */
function levelBadge(c: MetricComparison, findings: Finding[]): string {
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

function row(p: PlatformResult, comparisons: MetricComparison[], findings: Finding[], progress: CheckProgress | undefined): string[] {
  const name = `**${cell(p.platform)}**`;
  const pending = pendingCell(progress, p.platform);
  if (pending) return [name, ...SIZE_METRICS.map(() => pending)];
  if (p.head?.error) return [name, `❌ ${sideFailureLabel(p.head.error)} (log in details)`, '—', '—', '—'];
  if (!p.head?.analysis) return [name, 'not built in this run', '—', '—', '—'];
  const of = (m: MetricName) => comparisons.find((c) => c.platform === p.platform && c.metric === m);
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
export function renderSizeTable(
  result: CheckResult,
  outcome: PolicyOutcome,
  movers: ReadonlyMap<string, Mover[]>,
  progress?: CheckProgress,
): string {
  if (result.platforms.length === 0) return '';
  const headers = ['arch', ...SIZE_METRICS.map((m) => METRIC_LABELS[m])];
  const rows = result.platforms.map((p) => row(p, outcome.comparisons, outcome.findings, progress));
  return [
    '### Size',
    table(headers, rows),
    culprits(result, outcome.comparisons, movers),
    '<sub>base → head · ▲ grew ▼ shrank · 🔴 over the fail level · 🟡 over the warn level (bytes AND percent) · 1 KiB = 1024 B · on flash = every layer extracted, block-rounded</sub>',
  ]
    .filter((s) => s !== '')
    .join('\n\n');
}

// RAM per arch: median ± spread of N runs, native and emulated figures marked, noise and refusals said.
function figure(median: number, spread: number | null | undefined): string {
  return spread ? `${formatBytes(median)} ± ${formatBytes(spread)}` : formatBytes(median);
}

/** `marks`: the sides whose figure carries the RSS-above-peak mark. */
function valueCell(c: MetricComparison | undefined, marks: { base: boolean; head: boolean } = { base: false, head: false }): string {
  if (!c) return '—';
  const mark = (on: boolean) => (on ? ` ${ABOVE_PEAK_MARK}` : '');
  const head = `${figure(c.head, c.headSpread)}${mark(marks.head)}`;
  return c.base === null
    ? `${head}<br><sub>no baseline</sub>`
    : `${head}<br><sub>base ${figure(c.base, c.baseSpread)}${mark(marks.base)}</sub>`;
}

// RSS and peak are different counters, read from different places (renderRamSources says which),
// and each is compared only with its own base. A process's RSS can even be above its container's
// cgroup peak: RSS counts the file pages the process maps, and those already in the host's page
// cache stay charged to the cgroup that read them first. Under qemu-user that is the emulator's own
// binary: in the bundled demo an emulated routerd showed VmRSS 22.2 MiB = RssAnon 16.6 MiB +
// RssFile 5.7 MiB (/proc/<pid>/exe is /usr/bin/qemu-aarch64-static), against a cgroup peak of
// 17.3 MiB whose memory.stat counted no page cache at all.
const ABOVE_PEAK_MARK = '†';

/** The footnote for figures marked ABOVE_PEAK_MARK. */
export const RSS_ABOVE_PEAK_NOTE =
  "RSS above the peak: RSS also counts file pages the process maps from the host's page cache (under qemu-user mostly the emulator's own binary), which the container's memory cgroup was not charged for, so its peak leaves them out";

/** True when a side's RSS median is above its peak median (both measured). */
function rssAbovePeak(ram: RamMeasurement | null | undefined): boolean {
  return !!ram?.rss && !!ram.peak && ram.rss.median > ram.peak.median;
}

/** The mark after a figure of `metric` on `side`, or ''. */
export function abovePeakMark(p: PlatformResult, metric: MetricName, side: 'base' | 'head'): string {
  return metric === 'ramRss' && rssAbovePeak(p[side]?.ram) ? ` ${ABOVE_PEAK_MARK}` : '';
}

function deltaCell(c: MetricComparison | undefined, outcome: PolicyOutcome): string {
  if (!c || c.base === null) return '—';
  if (c.notComparable) return `not compared: ${cell(c.notComparable)}`;
  const delta = `${deltaText(c)}${levelBadge(c, outcome.findings)}`;
  if (c.withinNoise) return `${delta} · within noise`;
  return c.level ? `**${delta}**` : delta;
}

function ramRow(p: PlatformResult, outcome: PolicyOutcome, progress: CheckProgress | undefined): string[] | null {
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
  const marks = { base: rssAbovePeak(p.base?.ram), head: rssAbovePeak(p.head?.ram) };
  return [name, valueCell(rss, marks), deltaCell(rss, outcome), valueCell(peak), deltaCell(peak, outcome), runs];
}

/** The RAM table, or '' when RAM was not measured anywhere. */
export function renderRamTable(result: CheckResult, outcome: PolicyOutcome, progress?: CheckProgress): string {
  const rows = result.platforms.map((p) => ramRow(p, outcome, progress)).filter((r): r is string[] => r !== null);
  if (rows.length === 0) return '';
  const sources = renderRamSources(result);
  const above = anyRssAbovePeak(result) ? ` ${ABOVE_PEAK_MARK} ${RSS_ABOVE_PEAK_NOTE}.` : '';
  return [
    '### RAM',
    table(['arch', 'RSS (median ± spread)', 'Δ RSS', 'peak (median ± spread)', 'Δ peak', 'runs'], rows),
    '<sub>± is the spread (max − min) over the runs; a Δ within the larger spread is noise and is not judged. RSS and peak are different counters: each is compared with its own base figure, never with the other.' +
      above +
      " 🧪 emulated = measured under qemu-user: not the router's RSS, only compared with other emulated figures. " +
      "native = run on an engine with the platform's own CPU (named when it is not the bot's own), only compared with native figures." +
      `${sources ? ` Read from: ${cell(sources)}` : ''}</sub>`,
  ].join('\n\n');
}

/** Some measured side shows an RSS above its peak (the footnote is then needed). */
export function anyRssAbovePeak(result: CheckResult): boolean {
  return result.platforms.some((p) => rssAbovePeak(p.base?.ram) || rssAbovePeak(p.head?.ram));
}

// Where the RAM figures were read: the report says it, because a bot in its own container (or on a
// remote engine) reads them through the Docker API instead of the host's /proc.
const RSS_WORDS: Record<RssSource, string> = {
  'proc-status': "VmRSS of the main process, from the engine host's /proc",
  'docker-top': "the main process's RSS as ps on the engine's host reports it, through the Docker API",
  'docker-stats': "the container cgroup's anonymous memory, through the Docker API (no usable ps on the engine's host)",
};

const PEAK_WORDS: Record<NonNullable<RamMeasurement['peakSource']>, string> = {
  'cgroup-v1': "the container cgroup's peak (memory.max_usage_in_bytes)",
  'cgroup-v2': "the container cgroup's peak (memory.peak)",
  vmhwm: 'VmHWM of the main process (no cgroup peak available)',
};

/** "RSS: …; peak: …" over the measured sides, naming platforms only when they differ; null when nothing was measured. */
export function renderRamSources(result: CheckResult): string | null {
  const rss = new Map<string, string[]>();
  const peak = new Map<string, string[]>();
  const sampled = new Map<number, number[]>();
  for (const p of result.platforms) {
    for (const side of [p.base, p.head]) {
      const ram = side?.ram;
      if (ram?.rss && ram.rssSource) add(rss, RSS_WORDS[ram.rssSource], p.platform);
      if (ram?.peak && ram.peakSource) add(peak, PEAK_WORDS[ram.peakSource], p.platform);
      if ((ram?.rss || ram?.peak) && ram.concurrency)
        sampled.set(ram.concurrency.limit, [...(sampled.get(ram.concurrency.limit) ?? []), ram.concurrency.peak]);
    }
  }
  const parts = [list('RSS', rss), list('peak', peak), concurrencyWords(sampled)].filter((s): s is string => s !== null);
  return parts.length ? `${parts.join('; ')}.` : null;
}

/** "sampled with up to 2 platforms measured at once (1–2 were)", per bound when engines differ. */
function concurrencyWords(sampled: Map<number, number[]>): string | null {
  if (sampled.size === 0) return null;
  const each = [...sampled]
    .sort(([a], [b]) => a - b)
    .map(([limit, peaks]) => {
      const [lo, hi] = [Math.min(...peaks), Math.max(...peaks)];
      return `up to ${limit} platform${limit === 1 ? '' : 's'} measured at once (${lo === hi ? lo : `${lo}–${hi}`} ${lo === 1 && hi === 1 ? 'was' : 'were'})`;
    });
  return `sampled with ${each.join(' or ')}`;
}

function add(map: Map<string, string[]>, words: string, platform: string): void {
  const platforms = map.get(words) ?? [];
  if (!platforms.includes(platform)) platforms.push(platform);
  map.set(words, platforms);
}

function list(label: string, map: Map<string, string[]>): string | null {
  if (map.size === 0) return null;
  if (map.size === 1) return `${label}: ${[...map.keys()][0]}`;
  return `${label}: ${[...map].map(([words, platforms]) => `${words} (${platforms.join(', ')})`).join(', ')}`;
}

// Canary × arch: pass/fail, and for a failure the assertion and what was observed.
function failure(c: CanaryResult): string {
  if (c.assertion) {
    const observed = c.observed !== undefined ? `, got ${cell(clip(c.observed, 120))}` : '';
    return `❌ expected ${cell(clip(c.assertion, 120))}${observed}`;
  }
  return `❌ ${cell(clip(c.detail || 'failed', 160))}`;
}

function canaryCell(p: PlatformResult, name: string, progress: CheckProgress | undefined): string {
  const pending = pendingCell(progress, p.platform);
  if (pending) return progress?.canaries[p.platform]?.includes(name) ? pending : '—';
  if (p.head?.error) return `not run (${sideFailureLabel(p.head.error)})`;
  const head = p.head?.canaries.find((c) => c.name === name);
  if (!head) return '—';
  if (head.ok) return '✅ pass';
  const atBase = p.base?.canaries.find((c) => c.name === name)?.ok === false;
  return `${failure(head)}${atBase ? '<br><sub>already failing at base</sub>' : ''}`;
}

/** The canary table, or '' when no canary ran. */
export function renderCanaryTable(result: CheckResult, progress?: CheckProgress): string {
  const configured = progress ? result.platforms.flatMap((p) => progress.canaries[p.platform] ?? []) : [];
  const names = [...new Set([...result.platforms.flatMap((p) => p.head?.canaries.map((c) => c.name) ?? []), ...configured])];
  if (names.length === 0) return '';
  const rows = names.map((name) => [cell(name), ...result.platforms.map((p) => canaryCell(p, name, progress))]);
  return ['### Canaries', table(['canary', ...result.platforms.map((p) => cell(p.platform))], rows)].join('\n\n');
}

// How a side that did not build reads in every table: the image's own build failure, or a
// check that could not run there (configuration or infrastructure: src/core/errors.ts decides).
export function sideFailureLabel(error: NonNullable<SideResult['error']>): string {
  const blame = blameOfFailure(error);
  return blame === 'target' ? 'build failed' : blame === 'config' ? 'not built: configuration error' : 'not built: infrastructure error';
}

const STAGE_WORDS: Record<Exclude<SideStage, 'done'>, string> = { queued: 'queued', building: 'building…', measuring: 'measuring…' };

/** Both sides of the platform are settled (or the check is not in progress): the only platforms policy may judge mid-check. */
export function isSettled(progress: CheckProgress | undefined, platform: string): boolean {
  const s = progress?.stages[platform];
  return s === undefined || (s.base === 'done' && s.head === 'done');
}

/** What a platform's cells say while it is not settled, or null once both sides are. */
export function pendingCell(progress: CheckProgress | undefined, platform: string): string | null {
  const s = progress?.stages[platform];
  if (!s || isSettled(progress, platform)) return null;
  // The side at work says it: a base building while its head waits reads "building…".
  const open = [s.base, s.head].filter((x): x is Exclude<SideStage, 'done'> => x !== 'done');
  const order: Exclude<SideStage, 'done'>[] = ['building', 'measuring', 'queued'];
  return STAGE_WORDS[order.find((o) => open.includes(o))!];
}

// How a platform's RAM and canary figures are labelled: native when the engine that ran them has
// the platform's CPU (a Pi 5 for linux/arm64), emulated under qemu-user otherwise. The two are only
// ever compared like with like (src/policy thresholds.ts).
/** True when the images ran on an engine whose CPU is the platform's. */
export function isNative(p: Pick<PlatformResult, 'emulated' | 'engine'>): boolean {
  return !p.emulated && p.engine?.platform != null;
}

/** "native", "native on pi5", "🧪 emulated", "🧪 emulated on pi5"; '' when nothing says where it ran. */
export function engineWords(p: Pick<PlatformResult, 'emulated' | 'engine'>, opts: { plain?: boolean } = {}): string {
  const on = p.engine && p.engine.name !== LOCAL_ENGINE ? ` on ${p.engine.name}` : '';
  if (p.emulated) return `${opts.plain ? '' : '🧪 '}emulated${on}`;
  return isNative(p) ? `native${on}` : '';
}

// Files that changed most between base and head, computed once per platform for the whole
// report (the size table's "biggest file change" and the per-arch movers table both read it).
export interface Mover {
  path: string;
  /** null: the file is new in head. */
  base: number | null;
  /** null: the file is gone in head. */
  head: number | null;
  delta: number;
}

/** The `top` files with the largest |Δ| (ties by path), unchanged files left out. */
export function computeMovers(base: FileEntry[], head: FileEntry[], top: number): Mover[] {
  const before = new Map(base.map((f) => [f.path, f.bytes]));
  const after = new Map(head.map((f) => [f.path, f.bytes]));
  const paths = new Set([...before.keys(), ...after.keys()]);
  const movers: Mover[] = [];
  for (const path of paths) {
    const b = before.get(path) ?? null;
    const h = after.get(path) ?? null;
    const delta = (h ?? 0) - (b ?? 0);
    if (delta !== 0 || b === null || h === null) movers.push({ path, base: b, head: h, delta });
  }
  return movers.sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta) || x.path.localeCompare(y.path)).slice(0, top);
}

/** Movers per platform with both sides analysed: the one computation the report's sections share. */
export function moversByPlatform(platforms: PlatformResult[], top: number): ReadonlyMap<string, Mover[]> {
  const out = new Map<string, Mover[]>();
  for (const p of platforms) {
    const base = p.base?.analysis;
    const head = p.head?.analysis;
    if (base && head) out.set(p.platform, computeMovers(base.files, head.files, top));
  }
  return out;
}
