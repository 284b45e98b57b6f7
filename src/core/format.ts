// How numbers read wherever bumpguard shows them (finding messages, the comment, the terminal):
// bytes in binary units, signed deltas, percentages, short SHAs and the metrics' names.

import type { MetricName } from './model.ts';

// Human units for findings and the report. One convention everywhere: binary units
// (KiB/MiB), because thresholds are configured in them ("128KiB"), so "+212.4 KiB, over
// the fail level 128 KiB" compares like with like at a glance.

const KIB = 1024;
const MIB = 1024 * 1024;

function trimZeros(fixed: string): string {
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

/** 512 → "512 B", 12_595 → "12.3 KiB", 4_415_000 → "4.21 MiB"; exact multiples drop decimals ("128 KiB"). */
export function formatBytes(bytes: number): string {
  const abs = Math.abs(bytes);
  const sign = bytes < 0 ? '-' : '';
  if (abs < KIB) return `${sign}${Math.round(abs)} B`;
  if (abs < MIB) {
    const text = (abs / KIB).toFixed(1);
    // 1023.96 KiB would print as "1024.0 KiB": promote to MiB instead.
    if (text !== '1024.0') return `${sign}${abs % KIB === 0 ? trimZeros(text) : text} KiB`;
  }
  const text = (abs / MIB).toFixed(2);
  return `${sign}${abs % MIB === 0 ? trimZeros(text) : text} MiB`;
}

/** "+12.3 KiB", "-4 KiB", "±0 B". */
export function formatSignedBytes(delta: number): string {
  if (delta === 0) return '±0 B';
  return delta > 0 ? `+${formatBytes(delta)}` : formatBytes(delta);
}

/** "+5.1%", "+0.29%", "-1.2%", "±0%"; null (no base to divide by) → "new". */
export function formatPercent(percent: number | null): string {
  if (percent === null || !Number.isFinite(percent)) return 'new';
  if (percent === 0) return '±0%';
  const digits = Math.abs(percent) < 1 ? 2 : 1;
  const text = Math.abs(percent).toFixed(digits);
  return `${percent > 0 ? '+' : '-'}${text}%`;
}

/** Plain percent for a configured level: 3 → "3%", 1.5 → "1.5%". */
export function formatLevelPercent(percent: number): string {
  return `${trimZeros(percent.toFixed(2))}%`;
}

/** Relative change in percent of the base; null when the base is 0 (anything is "new"). */
export function percentChange(base: number, head: number): number | null {
  if (base <= 0) return head === base ? 0 : null;
  return ((head - base) / base) * 100;
}

/** How each metric is named in findings and report headings. */
export const METRIC_LABELS = {
  image: 'compressed image',
  flash: 'on-flash size',
  rootfs: 'rootfs',
  binary: 'main binary',
  ramRss: 'RAM (RSS)',
  ramPeak: 'peak RAM',
} as const satisfies Record<MetricName, string>;

export const SIZE_METRICS = ['image', 'flash', 'rootfs', 'binary'] as const satisfies readonly MetricName[];

/** First 7 hex digits of a full commit SHA; anything else (a ref name) unchanged. */
export function shortSha(sha: string): string {
  return /^[0-9a-f]{40}$/i.test(sha) ? sha.slice(0, 7) : sha;
}
