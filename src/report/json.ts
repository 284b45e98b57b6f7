// The CLI's `--json` document (docs/json-contract.md): users script against it,
// so keys are only ever added. Pure: built from the same CheckResult and PolicyOutcome as the comment.

import type { Bump, CanaryResult, CheckResult, Finding, ImageMetrics, SideResult, UpstreamReport, Verdict } from '../core/index.ts';
import type { PolicyOutcome } from '../policy/index.ts';
import { isNative } from './tables.ts';

interface JsonPlatform {
  emulated: boolean;
  /** RAM and canaries ran on an engine with the platform's own CPU. */
  native: boolean;
  /** The engine that built and ran the images: "local" or the operator's name; null when none was chosen. */
  engine: string | null;
  base: ImageMetrics | null;
  head: ImageMetrics | null;
  canaries: CanaryResult[];
  /** Build / measurement errors of either side, when any. */
  errors?: { side: 'base' | 'head'; message: string }[];
}

export interface JsonReport {
  bump: Bump | null;
  verdict: Verdict;
  /** Why this verdict, one sentence. */
  reason: string;
  findings: Finding[];
  /** Source edits and upstream commits behind the shipped features; absent without a bump. */
  upstream?: UpstreamReport;
  platforms: Record<string, JsonPlatform>;
  builds: { ran: number; reused: number };
  headSha: string;
  durationMs: number;
}

/** `bumpguard audit --json`: the same shape with only these keys. */
export interface JsonAuditReport {
  bump: Bump | null;
  verdict: Verdict;
  findings: Finding[];
  upstream?: UpstreamReport;
}

export function toImageMetrics(side: SideResult | null): ImageMetrics | null {
  const a = side?.analysis;
  if (!side || !a) return null;
  return {
    imageCompressedBytes: a.imageCompressedBytes,
    rootfsBytes: a.rootfsBytes,
    flashBytes: a.flashBytes,
    duplicateBytes: a.duplicateBytes,
    binaryBytes: a.binary?.bytes ?? null,
    binaryUpx: a.binary?.upx ?? null,
    ramRssBytes: side.ram?.rss?.median ?? null,
    ramPeakBytes: side.ram?.peak?.median ?? null,
    ramRssSource: side.ram?.rss ? (side.ram.rssSource ?? null) : null,
    ramPeakSource: side.ram?.peak ? (side.ram.peakSource ?? null) : null,
    ramConcurrency: side.ram?.rss || side.ram?.peak ? (side.ram.concurrency ?? null) : null,
  };
}

export function renderJson(result: CheckResult, outcome: PolicyOutcome): JsonReport {
  const platforms: Record<string, JsonPlatform> = {};
  for (const p of result.platforms) {
    const errors = (['base', 'head'] as const).flatMap((side) => {
      const error = p[side]?.error;
      return error ? [{ side, message: error.message }] : [];
    });
    platforms[p.platform] = {
      emulated: p.emulated,
      native: isNative(p),
      engine: p.engine?.name ?? null,
      base: toImageMetrics(p.base),
      head: toImageMetrics(p.head),
      canaries: p.head?.canaries ?? [],
      ...(errors.length > 0 ? { errors } : {}),
    };
  }
  return {
    bump: result.bump,
    verdict: outcome.verdict,
    reason: outcome.reason,
    findings: outcome.findings,
    ...(result.upstream && { upstream: result.upstream }),
    platforms,
    builds: result.builds,
    headSha: result.headSha,
    durationMs: result.durationMs,
  };
}
