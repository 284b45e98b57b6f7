// Memory figures from the Docker Engine API, for when the bot cannot see the engine's /proc (it
// runs in its own container, or the engine is remote). `GET /containers/{id}/top` runs `ps` on the
// engine's host, `GET /containers/{id}/stats` reads the container's memory cgroup: neither needs a
// tool inside the measured image, so shell-less images are measured too.
import { z } from 'zod';
import { matchesProcess } from './match-process.ts';

export interface TopProcess {
  /** Pid in the engine host's namespace (what `docker inspect` calls State.Pid). */
  pid: number;
  /** `ps -o rss`: the same counter as VmRSS in /proc/<pid>/status. */
  rssBytes: number;
  comm: string;
  argv: string[];
}

/** The `ps_args` that `parseEngineTop` reads. */
export const TOP_PS_ARGS = '-o pid,rss,comm,args';

const topSchema = z.object({ Titles: z.array(z.string()), Processes: z.array(z.array(z.string())) });

/** Processes of `top?ps_args=-o pid,rss,comm,args`; null when the answer lacks those columns. */
export function parseEngineTop(json: unknown): TopProcess[] | null {
  const top = topSchema.safeParse(json);
  if (!top.success) return null;
  // Both comm and args are titled COMMAND: the first is comm, the last (it keeps its spaces) args.
  const titles = top.data.Titles.map((t) => t.toUpperCase());
  const [pidAt, rssAt, commAt, argsAt] = [titles.indexOf('PID'), titles.indexOf('RSS'), titles.indexOf('COMMAND'), titles.lastIndexOf('COMMAND')];
  if (pidAt < 0 || rssAt < 0 || commAt < 0 || argsAt <= commAt) return null;
  const out: TopProcess[] = [];
  for (const row of top.data.Processes) {
    const pid = Number(row[pidAt]);
    const rssKiB = Number(row[rssAt]);
    if (!Number.isInteger(pid) || !Number.isFinite(rssKiB)) return null;
    out.push({ pid, rssBytes: rssKiB * 1024, comm: row[commAt] ?? '', argv: (row[argsAt] ?? '').split(' ').filter(Boolean) });
  }
  return out;
}

/** `ram.process` by name, else the container's init process (as on the host path), else the first. */
export function findTopProcess(processes: TopProcess[], name: string | undefined, initPid: number): TopProcess | null {
  const named = name === undefined ? undefined : processes.find((p) => matchesProcess(name, p.comm, p.argv));
  return named ?? processes.find((p) => p.pid === initPid) ?? processes[0] ?? null;
}

export interface EngineMemory {
  /** Resident anonymous memory of every process in the container: v1 `total_rss`, v2 `anon`. */
  rssBytes: number | null;
  /** Peak usage of the cgroup: v1 `max_usage` (memory.max_usage_in_bytes). The API has none on v2. */
  peakBytes: number | null;
  cgroupVersion: '1' | '2' | null;
}

const statsSchema = z.object({
  memory_stats: z.object({
    max_usage: z.number().optional(),
    stats: z.record(z.string(), z.number()).optional(),
  }).optional(),
});

/** The memory part of `stats?stream=false&one-shot=true`. */
export function parseEngineStats(json: unknown): EngineMemory {
  const mem = statsSchema.safeParse(json).data?.memory_stats;
  const stats = mem?.stats ?? {};
  // v1 reports total_rss (hierarchical) next to rss; v2 reports anon and never rss.
  const cgroupVersion = 'total_rss' in stats || 'rss' in stats ? '1' : 'anon' in stats ? '2' : null;
  const rssBytes = cgroupVersion === '1' ? (stats.total_rss ?? stats.rss ?? null) : cgroupVersion === '2' ? (stats.anon ?? null) : null;
  return { rssBytes, peakBytes: mem?.max_usage ?? null, cgroupVersion };
}
