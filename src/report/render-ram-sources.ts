// Where the RAM figures were read: the report says it, because a bot in its own container (or on a
// remote engine) reads them through the Docker API instead of the host's /proc.
import type { CheckResult, RamMeasurement, RssSource } from '../model.ts';

const RSS_WORDS: Record<RssSource, string> = {
  'proc-status': "VmRSS of the main process, from the engine host's /proc",
  'docker-top': "the main process's RSS as ps on the engine's host reports it, through the Docker API",
  'docker-stats': "the container cgroup's anonymous memory, through the Docker API (no usable ps on the engine's host)",
};

const PEAK_WORDS: Record<NonNullable<RamMeasurement['peakSource']>, string> = {
  'cgroup-v1': "the container cgroup's peak (memory.max_usage_in_bytes)",
  'cgroup-v2': "the container cgroup's peak (memory.peak)",
  vmhwm: "VmHWM of the main process (no cgroup peak available)",
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
      if ((ram?.rss || ram?.peak) && ram.concurrency) sampled.set(ram.concurrency.limit, [...(sampled.get(ram.concurrency.limit) ?? []), ram.concurrency.peak]);
    }
  }
  const parts = [list('RSS', rss), list('peak', peak), concurrencyWords(sampled)].filter((s): s is string => s !== null);
  return parts.length ? `${parts.join('; ')}.` : null;
}

/** "sampled with up to 2 platforms measured at once (1–2 were)", per bound when engines differ. */
function concurrencyWords(sampled: Map<number, number[]>): string | null {
  if (sampled.size === 0) return null;
  const each = [...sampled].sort(([a], [b]) => a - b).map(([limit, peaks]) => {
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
