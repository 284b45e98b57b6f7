// Byte math of RAM runs: median and spread over runs, per-run figures from samples.
import type { RamStats } from '../model.ts';

export interface RamSample {
  rssBytes: number | null;
  hwmBytes: number | null;
}

export interface RunFigures {
  /** Highest VmRSS seen in the window (steady-state resident memory). */
  rss: number | null;
  /** VmHWM at the end of the window. */
  hwm: number | null;
}

/** Median (mean of the middle two for an even count, rounded) and max − min; null for no runs. */
export function ramStats(values: number[]): RamStats | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
  return { runs: values, median, spread: sorted.at(-1)! - sorted[0]! };
}

export function runFigures(samples: RamSample[]): RunFigures {
  const rss = samples.map((s) => s.rssBytes).filter((v): v is number => v !== null);
  const hwm = samples.map((s) => s.hwmBytes).filter((v): v is number => v !== null);
  return { rss: rss.length ? Math.max(...rss) : null, hwm: hwm.length ? Math.max(...hwm) : null };
}

/** Numbers of the runs that produced one (a run whose probe failed contributes nothing). */
export function presentValues(values: Array<number | null>): number[] {
  return values.filter((v): v is number => v !== null);
}

/**
 * Whether `platform` runs under qemu-user on a `hostPlatform` engine. Only identical
 * os/arch(/variant) is native; the figures of emulated runs are never compared with native ones.
 */
export function isEmulated(platform: string, hostPlatform: string): boolean {
  return normalisePlatform(platform) !== normalisePlatform(hostPlatform);
}

function normalisePlatform(p: string): string {
  const [os = '', arch = '', variant = ''] = p.toLowerCase().split('/');
  if (arch === 'arm64' && (variant === '' || variant === 'v8')) return `${os}/arm64`;
  if (arch === 'arm' && variant === '') return `${os}/arm/v7`;
  return variant ? `${os}/${arch}/${variant}` : `${os}/${arch}`;
}
