// Thresholds: the defaults, the levels that apply to one platform, and every measured figure
// judged against them.

import {
  formatBytes,
  formatLevelPercent,
  formatPercent,
  formatSignedBytes,
  METRIC_LABELS,
  METRICS,
  percentChange,
  type Finding,
  type ImageAnalysis,
  type MetricName,
  type PlatformResult,
  type RamMeasurement,
  type RamStats,
} from '../core/index.ts';
import { type Config, type MetricThresholds, type ThresholdLevel } from '../config/index.ts';

// Thresholds used when .bumpguard.yml says nothing, sized for a typical RouterOS Tailscale image:
// ~4.0–4.3 MB compressed, rootfs ~3.9 MB, tailscale.combined ~3.5 MB UPX-packed, ~12–15 MB
// RSS on the router, where flash is a few MB: a release that adds 300 kB must not automerge
// unnoticed.
// Both bytes AND percent must be exceeded for a level to trip, so small images don't fail
// on +0.5 kB and big ones don't fail on +0.1%.

const KiB = 1024;
const MiB = 1024 * KiB;

type Levels = NonNullable<MetricThresholds[MetricName]>;

export const DEFAULT_THRESHOLDS = {
  // What the router downloads.
  image: { warn: { bytes: 32 * KiB, percent: 1 }, fail: { bytes: 128 * KiB, percent: 3 } },
  // What the router stores: the scarce resource on a 16 MB flash.
  flash: { warn: { bytes: 32 * KiB, percent: 1 }, fail: { bytes: 128 * KiB, percent: 3 } },
  // rootfs and binary growth explain image/flash growth; failing on them too would count
  // one regression four times, so by default they only warn.
  rootfs: { warn: { bytes: 64 * KiB, percent: 2 } },
  binary: { warn: { bytes: 64 * KiB, percent: 2 } },
  // RSS varies a few hundred KiB between runs even natively; runs within their spread are
  // treated as noise before these levels apply (evaluateRam below).
  ramRss: { warn: { bytes: 512 * KiB, percent: 4 }, fail: { bytes: 1 * MiB, percent: 8 } },
  // Peak is noisier than steady-state RSS (start-up allocations), hence wider levels.
  ramPeak: { warn: { bytes: 1 * MiB, percent: 6 }, fail: { bytes: 2 * MiB, percent: 12 } },
} as const satisfies Record<MetricName, Levels>;

// The levels that apply to one platform: defaults, then `thresholds.<metric>`, then
// `thresholds.platforms[<platform>].<metric>`, merged per level (warn, fail) so a repo
// that only tightens `image.fail` keeps the default `image.warn`.
export interface MetricLevels {
  warn?: ThresholdLevel | undefined;
  fail?: ThresholdLevel | undefined;
}

type ResolvedThresholds = Record<MetricName, MetricLevels>;

function mergeLevels(...layers: (MetricLevels | undefined)[]): MetricLevels {
  const out: MetricLevels = {};
  for (const layer of layers) {
    if (layer?.warn) out.warn = layer.warn;
    if (layer?.fail) out.fail = layer.fail;
  }
  return out;
}

/** Effective warn/fail levels per metric for `platform`. */
function resolveThresholds(thresholds: Config['thresholds'], platform: string): ResolvedThresholds {
  const perPlatform: MetricThresholds | undefined = thresholds?.platforms?.[platform];
  const out = {} as ResolvedThresholds;
  for (const metric of METRICS) {
    out[metric] = mergeLevels(DEFAULT_THRESHOLDS[metric], thresholds?.[metric], perPlatform?.[metric]);
  }
  return out;
}

// Judge every measured figure of every platform against its warn/fail levels.
// A level trips only when BOTH the absolute and the relative increase exceed it.
// RAM: medians are compared, a delta within the runs' spread is noise, and emulated
// (qemu-user) figures are never compared with native ones: under qemu a process's RSS is not the
// router's (a busybox httpd measured ~0.6 MiB native on amd64, ~6 MiB emulated on arm64).
export interface ThresholdEvaluation {
  comparisons: MetricComparison[];
  findings: Finding[];
}

type SizeMetric = 'image' | 'flash' | 'rootfs' | 'binary';

const SIZE_READERS: Record<SizeMetric, (a: ImageAnalysis) => number | null> = {
  image: (a) => a.imageCompressedBytes,
  flash: (a) => a.flashBytes,
  rootfs: (a) => a.rootfsBytes,
  binary: (a) => a.binary?.bytes ?? null,
};

const RAM_READERS: Record<'ramRss' | 'ramPeak', (r: RamMeasurement) => RamStats | null> = {
  ramRss: (r) => r.rss,
  ramPeak: (r) => r.peak,
};

/** True when the increase exceeds both parts of the level. A null percent (base 0) counts as exceeding. */
export function exceedsLevel(deltaBytes: number, deltaPercent: number | null, level: ThresholdLevel): boolean {
  return deltaBytes > level.bytes && (deltaPercent === null || deltaPercent > level.percent);
}

/** The highest level an increase trips, fail before warn. */
export function tripLevel(deltaBytes: number, deltaPercent: number | null, levels: MetricLevels): 'warn' | 'fail' | null {
  if (levels.fail && exceedsLevel(deltaBytes, deltaPercent, levels.fail)) return 'fail';
  if (levels.warn && exceedsLevel(deltaBytes, deltaPercent, levels.warn)) return 'warn';
  return null;
}

/** "RAM (RSS)" + "median of 3 runs" → "RAM (RSS, median of 3 runs)"; "peak RAM" → "peak RAM (median of 3 runs)". */
function qualify(label: string, qualifier: string): string {
  if (!qualifier) return label;
  return label.endsWith(')') ? `${label.slice(0, -1)}, ${qualifier})` : `${label} (${qualifier})`;
}

function thresholdFinding(c: MetricComparison, levels: MetricLevels, qualifier: string): Finding | null {
  if (!c.level || c.deltaBytes === null) return null;
  const level = levels[c.level]!;
  const what = qualify(METRIC_LABELS[c.metric], qualifier);
  return {
    severity: c.level === 'fail' ? 'blocker' : 'warning',
    kind: 'threshold',
    features: [],
    platform: c.platform,
    metric: c.metric,
    introduced: true,
    acknowledged: false,
    message:
      `${c.platform} ${what} grew ${formatSignedBytes(c.deltaBytes)} (${formatPercent(c.deltaPercent)}), ` +
      `over the ${c.level} level ${formatBytes(level.bytes)} and ${formatLevelPercent(level.percent)}`,
  };
}

function ramInfo(platform: string, metric: MetricName, message: string): Finding {
  return { severity: 'info', kind: 'threshold', features: [], platform, metric, introduced: false, acknowledged: false, message };
}

function evaluateSizes(p: PlatformResult, levels: Record<MetricName, MetricLevels>, out: ThresholdEvaluation): void {
  const head = p.head?.analysis;
  if (!head) return;
  const base = p.base?.analysis ?? null;
  for (const metric of Object.keys(SIZE_READERS) as SizeMetric[]) {
    const headValue = SIZE_READERS[metric](head);
    if (headValue === null) continue;
    const baseValue = base ? SIZE_READERS[metric](base) : null;
    const c: MetricComparison = {
      platform: p.platform,
      metric,
      base: baseValue,
      head: headValue,
      deltaBytes: null,
      deltaPercent: null,
      level: null,
    };
    if (baseValue !== null) {
      c.deltaBytes = headValue - baseValue;
      c.deltaPercent = percentChange(baseValue, headValue);
      c.level = tripLevel(c.deltaBytes, c.deltaPercent, levels[metric]);
    }
    out.comparisons.push(c);
    const finding = thresholdFinding(c, levels[metric], '');
    if (finding) out.findings.push(finding);
  }
}

function emulationWord(emulated: boolean): string {
  return emulated ? 'emulated (qemu-user)' : 'natively';
}

/** What an RSS figure counts: one process's resident memory, or the container cgroup's anonymous memory. */
function rssKind(r: RamMeasurement): 'process' | 'cgroup' {
  return r.rssSource === 'docker-stats' ? 'cgroup' : 'process';
}

const RSS_KIND_WORDS = { process: "the process's resident memory", cgroup: "the container cgroup's anonymous memory" } as const;

/** Figures from before runtime phases ran concurrently carry no bound: they were sampled one at a time. */
function samplingLimit(r: RamMeasurement): number {
  return r.concurrency?.limit ?? 1;
}

function platforms(n: number): string {
  return `${n} platform${n === 1 ? '' : 's'}`;
}

/** Why a base and head RAM figure must not be compared, or null when they may. */
function ramRefusal(
  metric: keyof typeof RAM_READERS,
  base: RamMeasurement,
  head: RamMeasurement,
): { what: string; short: string; why: string } | null {
  if (base.emulated !== head.emulated) {
    return {
      what: 'RAM',
      short: `base measured ${emulationWord(base.emulated)}, head ${emulationWord(head.emulated)}`,
      why:
        `the base was measured ${emulationWord(base.emulated)} and the head ${emulationWord(head.emulated)}; ` +
        "RSS under qemu-user is not the router's RSS, so the figures are not comparable",
    };
  }
  const [b, h] = [samplingLimit(base), samplingLimit(head)];
  if (b !== h) {
    return {
      what: 'RAM',
      short: `base sampled with up to ${platforms(b)} at once, head with up to ${platforms(h)}`,
      why:
        `the base was sampled with up to ${platforms(b)} at once and the head with up to ${platforms(h)}; ` +
        'images starting beside each other compete for the CPU, so the figures are not comparable',
    };
  }
  if (metric === 'ramRss' && rssKind(base) !== rssKind(head)) {
    return {
      what: 'RSS',
      short: `base is ${RSS_KIND_WORDS[rssKind(base)]}, head ${RSS_KIND_WORDS[rssKind(head)]}`,
      why:
        `the base figure is ${RSS_KIND_WORDS[rssKind(base)]} and the head's ${RSS_KIND_WORDS[rssKind(head)]} ` +
        "(the engine's host had no usable ps for one of them), so the figures are not comparable",
    };
  }
  return null;
}

function evaluateRam(p: PlatformResult, levels: Record<MetricName, MetricLevels>, out: ThresholdEvaluation): void {
  const head = p.head?.ram;
  if (!p.head?.analysis || !head) return;
  if (head.error) {
    out.findings.push(ramInfo(p.platform, 'ramRss', `${p.platform} RAM not measured: ${head.error}`));
  }
  const base = p.base?.ram ?? null;
  const reported = new Set<string>();
  for (const metric of Object.keys(RAM_READERS) as (keyof typeof RAM_READERS)[]) {
    const h = RAM_READERS[metric](head);
    if (!h) continue;
    const b = base ? RAM_READERS[metric](base) : null;
    const c: MetricComparison = {
      platform: p.platform,
      metric,
      base: b?.median ?? null,
      head: h.median,
      deltaBytes: null,
      deltaPercent: null,
      level: null,
      emulated: head.emulated,
      runs: h.runs.length,
      baseSpread: b?.spread ?? null,
      headSpread: h.spread,
    };
    const refusal = b && base ? ramRefusal(metric, base, head) : null;
    if (refusal) {
      c.notComparable = refusal.short;
      if (!reported.has(refusal.why)) {
        reported.add(refusal.why);
        out.findings.push(ramInfo(p.platform, metric, `${p.platform} ${refusal.what} not compared: ${refusal.why}`));
      }
    } else if (b) {
      c.deltaBytes = h.median - b.median;
      c.deltaPercent = percentChange(b.median, h.median);
      // Medians that differ by no more than one run-to-run spread are indistinguishable from noise.
      c.withinNoise = Math.abs(c.deltaBytes) <= Math.max(b.spread, h.spread);
      c.level = c.withinNoise ? null : tripLevel(c.deltaBytes, c.deltaPercent, levels[metric]);
    }
    out.comparisons.push(c);
    const qualifier = `median of ${h.runs.length} run${h.runs.length === 1 ? '' : 's'}${head.emulated ? ', emulated' : ''}`;
    const finding = thresholdFinding(c, levels[metric], qualifier);
    if (finding) out.findings.push(finding);
  }
}

/** Comparisons for every measured figure and `threshold` findings for every tripped level. */
export function evaluateThresholds(platforms: PlatformResult[], thresholds: Config['thresholds']): ThresholdEvaluation {
  const out: ThresholdEvaluation = { comparisons: [], findings: [] };
  for (const p of platforms) {
    const levels = resolveThresholds(thresholds, p.platform);
    evaluateSizes(p, levels, out);
    evaluateRam(p, levels, out);
  }
  return out;
}

/** One metric of one platform, base vs head, as judged against its levels. */
export interface MetricComparison {
  platform: string;
  metric: MetricName;
  /** Null when there is no usable baseline for this figure. */
  base: number | null;
  head: number;
  deltaBytes: number | null;
  /** Null when there is no base, or the base is 0. */
  deltaPercent: number | null;
  /** Highest level tripped (both bytes AND percent exceeded). */
  level: 'warn' | 'fail' | null;
  /** RAM only: head measured under qemu-user. */
  emulated?: boolean;
  /** RAM only: number of head runs behind the median. */
  runs?: number;
  /** RAM only: max − min over runs, per side. */
  baseSpread?: number | null;
  headSpread?: number;
  /** RAM only: |Δ| no larger than the larger spread, so not judged. */
  withinNoise?: boolean;
  /** Set when base and head cannot be compared (emulated vs native); no delta then. */
  notComparable?: string;
}
