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
  for (const p of result.platforms) {
    for (const side of [p.base, p.head]) {
      const ram = side?.ram;
      if (ram?.rss && ram.rssSource) add(rss, RSS_WORDS[ram.rssSource], p.platform);
      if (ram?.peak && ram.peakSource) add(peak, PEAK_WORDS[ram.peakSource], p.platform);
    }
  }
  const parts = [list('RSS', rss), list('peak', peak)].filter((s): s is string => s !== null);
  return parts.length ? `${parts.join('; ')}.` : null;
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
