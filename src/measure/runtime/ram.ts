// Resident memory of a running container: sampling, per-run figures with their median and spread,
// and the parsers of /proc, cgroup files and the Docker API's answers.

import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { CancelledError, type RamMeasurement, type RamStats, type RssSource } from '../../core/index.ts';
import { getEngineJson, type DockerClient } from '../../engine/index.ts';
import { containerState, sleep } from './container.ts';

// Resident memory of a running container: the main process's RSS and the container's peak from
// its memory cgroup, sampled over a window. Nothing runs inside the measured image, so shell-less
// images are measured too. When the engine is local the bot reads the host's /proc and cgroup fs
// (VmRSS, VmHWM, max usage); when it cannot see the engine's processes (the bot in its own
// container, a remote engine) it asks the Docker API: `top` (the engine host's ps) for the process's
// RSS and `stats` for the cgroup's peak. `rssSource` records which.

export interface RunSample {
  rss: number | null;
  hwm: number | null;
  peak: number | null;
  peakSource: NonNullable<RamMeasurement['peakSource']> | null;
  rssSource: RssSource;
  process: string | null;
}

type PeakSource = NonNullable<RamMeasurement['peakSource']>;

interface MemoryProbe {
  sample(): Promise<RamSample>;
  /** The container cgroup's peak, read once after the window. */
  peak(): Promise<{ bytes: number; source: PeakSource } | null>;
  rssSource: RssSource;
  process: string | null;
}

export interface SampleOptions {
  windowMs: number;
  intervalMs: number;
  process?: string | undefined;
  signal?: AbortSignal | undefined;
  /** False skips the host's /proc and asks the Docker API, as a bot in a container must (tests). */
  readHostProc?: boolean | undefined;
}

/** Samples one running container every `intervalMs` for `windowMs`. */
export async function sampleContainer(docker: DockerClient, id: string, opts: SampleOptions): Promise<RunSample> {
  const probe = await makeProbe(docker, id, opts.process, opts.readHostProc ?? true, opts.signal);
  const samples: RamSample[] = [];
  const count = Math.max(1, Math.floor(opts.windowMs / opts.intervalMs));
  for (let i = 0; i < count; i++) {
    samples.push(await probe.sample());
    if (i < count - 1) await sleep(opts.intervalMs, opts.signal);
  }
  const figures = runFigures(samples);
  const peak = await probe.peak();
  return {
    rss: figures.rss,
    hwm: figures.hwm,
    peak: peak?.bytes ?? figures.hwm,
    peakSource: peak !== null ? peak.source : figures.hwm !== null ? 'vmhwm' : null,
    rssSource: probe.rssSource,
    process: probe.process,
  };
}

async function makeProbe(
  docker: DockerClient,
  id: string,
  processName: string | undefined,
  readHostProc: boolean,
  signal?: AbortSignal,
): Promise<MemoryProbe> {
  const { pid } = await containerState(docker, id, signal);
  const cgroupText = readHostProc && pid > 0 ? await readHost(`/proc/${pid}/cgroup`) : null;
  // The engine's pids are ours only when its cgroup names this container (not a remote engine,
  // not the bot's own pid namespace in a container).
  if (cgroupText !== null && cgroupText.includes(id)) {
    const cg = memoryCgroup(parseProcCgroup(cgroupText));
    const target = processName === undefined || cg === null ? pid : await findProcess(cg.dir, processName, pid);
    const status = parseProcStatus((await readHost(`/proc/${target}/status`)) ?? '');
    return {
      sample: async () => statusSample(await readHost(`/proc/${target}/status`)),
      peak: async () => {
        if (cg === null) return null;
        const bytes = parseCgroupBytes((await readHost(cg.peakFile)) ?? '');
        return bytes === null ? null : { bytes, source: cg.version === '1' ? 'cgroup-v1' : 'cgroup-v2' };
      },
      rssSource: 'proc-status',
      process: status?.name ?? null,
    };
  }
  return engineProbe(docker, id, pid, processName, signal);
}

/** Through the Docker API: the engine host's ps for the process, the cgroup stats for the peak. */
async function engineProbe(
  docker: DockerClient,
  id: string,
  initPid: number,
  processName: string | undefined,
  signal?: AbortSignal,
): Promise<MemoryProbe> {
  const top = async () =>
    parseEngineTop(await askEngine(docker, `/containers/${id}/top?ps_args=${encodeURIComponent(TOP_PS_ARGS)}`, signal));
  const stats = async () => parseEngineStats(await askEngine(docker, `/containers/${id}/stats?stream=false&one-shot=true`, signal));
  const peak = async () => {
    const { peakBytes, cgroupVersion } = await stats();
    return peakBytes === null
      ? null
      : { bytes: peakBytes, source: cgroupVersion === '2' ? ('cgroup-v2' as const) : ('cgroup-v1' as const) };
  };
  const processes = await top();
  const target = processes === null ? null : findTopProcess(processes, processName, initPid);
  if (target !== null) {
    const sample = async (): Promise<RamSample> => ({
      rssBytes: (await top())?.find((p) => p.pid === target.pid)?.rssBytes ?? null,
      hwmBytes: null,
    });
    return { sample, peak, rssSource: 'docker-top', process: target.comm };
  }
  // No usable ps on the engine's host: the cgroup's own figure, for the whole container.
  return { sample: async () => ({ rssBytes: (await stats()).rssBytes, hwmBytes: null }), peak, rssSource: 'docker-stats', process: null };
}

/** The API's answer, or null when it could not be had (the container exited, no ps on the engine host). */
async function askEngine(docker: DockerClient, path: string, signal?: AbortSignal): Promise<unknown> {
  try {
    return await getEngineJson(docker, path, signal);
  } catch (err) {
    if (signal?.aborted) throw new CancelledError('Measuring was cancelled.', { cause: err });
    // A missing figure, like a vanished /proc entry on the host path: the run reports no figure.
    if (err instanceof Error) return null;
    throw err;
  }
}

async function findProcess(cgroupDir: string, name: string, fallback: number): Promise<number> {
  const procs = (await readHost(`${cgroupDir}/cgroup.procs`)) ?? '';
  for (const p of procs.split('\n').filter(Boolean)) {
    const status = parseProcStatus((await readHost(`/proc/${p}/status`)) ?? '');
    const argv = ((await readHost(`/proc/${p}/cmdline`)) ?? '').split('\0').filter(Boolean);
    if (matchesProcess(name, status?.name ?? null, argv)) return Number(p);
  }
  return fallback;
}

function statusSample(text: string | null): RamSample {
  const s = text === null ? null : parseProcStatus(text);
  return { rssBytes: s?.vmRssBytes ?? null, hwmBytes: s?.vmHwmBytes ?? null };
}

/** A host file's text, or null when it is gone (the process exited) or unreadable. */
async function readHost(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    // A vanished pid or a cgroup file this kernel lacks is an absent figure, not a failure.
    if (err instanceof Error && 'code' in err && (err.code === 'ENOENT' || err.code === 'ESRCH' || err.code === 'EACCES')) return null;
    throw err;
  }
}

// Byte math of RAM runs: median and spread over runs, per-run figures from samples.
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

// Which process `ram.process` names, the same way wherever the process list comes from (the
// host's /proc or the engine's `ps`).

/**
 * True when `name` is the process's command name or one of its argv words, bare or as the last
 * path part: busybox applets run as `/bin/busybox httpd` with the command name `busybox`.
 */
export function matchesProcess(name: string, comm: string | null, argv: readonly string[]): boolean {
  return comm === name || argv.some((arg) => arg === name || arg.endsWith(`/${name}`));
}

// Where a process's memory cgroup lives, from /proc/<pid>/cgroup, and how to read its peak.
// v1 (these hosts): <root>/memory/<path>/memory.max_usage_in_bytes; v2: <root>/<path>/memory.peak
// (kernel ≥ 5.19). Hybrid hosts list both; the v1 memory controller wins there.

export interface ProcCgroup {
  /** v1 hierarchies: controller → path ("memory" → "/docker/<id>"). */
  v1: Record<string, string>;
  /** The unified (v2) path, from the `0::` line. */
  unified: string | null;
}

export interface MemoryCgroup {
  version: '1' | '2';
  dir: string;
  /** File holding the peak usage in bytes. */
  peakFile: string;
}

export function parseProcCgroup(text: string): ProcCgroup {
  const out: ProcCgroup = { v1: {}, unified: null };
  for (const line of text.split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line.trim());
    if (!m) continue;
    const [, id, controllers = '', path = ''] = m;
    if (id === '0' && controllers === '') out.unified = path;
    else for (const c of controllers.split(',')) if (c) out.v1[c] = path;
  }
  return out;
}

export function memoryCgroup(cg: ProcCgroup, root = '/sys/fs/cgroup'): MemoryCgroup | null {
  const v1 = cg.v1.memory;
  if (v1 !== undefined) {
    const dir = joinPath(`${root}/memory`, v1);
    return { version: '1', dir, peakFile: `${dir}/memory.max_usage_in_bytes` };
  }
  if (cg.unified !== null) {
    const dir = joinPath(root, cg.unified);
    return { version: '2', dir, peakFile: `${dir}/memory.peak` };
  }
  return null;
}

/** A cgroup byte counter; null for "max" or anything that is not a number. */
export function parseCgroupBytes(text: string): number | null {
  const t = text.trim();
  return /^\d+$/.test(t) ? Number(t) : null;
}

function joinPath(root: string, path: string): string {
  return path === '/' ? root : `${root}${path.startsWith('/') ? '' : '/'}${path}`;
}

// Parses /proc/<pid>/status (proc(5)): the memory lines RAM figures come from.

export interface ProcStatus {
  /** The command name (comm), e.g. "routerd". */
  name: string;
  pid: number | null;
  /** Resident set size now. */
  vmRssBytes: number | null;
  /** Peak resident set size ("high water mark"). */
  vmHwmBytes: number | null;
}

const KB = /^(\d+)\s*kB$/i;

/** Null when the text has no `Name:` line (not a status file). */
export function parseProcStatus(text: string): ProcStatus | null {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  const name = fields.get('Name');
  if (name === undefined) return null;
  const pid = Number(fields.get('Pid'));
  return {
    name,
    pid: Number.isInteger(pid) && fields.has('Pid') ? pid : null,
    vmRssBytes: kbToBytes(fields.get('VmRSS')),
    vmHwmBytes: kbToBytes(fields.get('VmHWM')),
  };
}

function kbToBytes(value: string | undefined): number | null {
  const m = value === undefined ? null : KB.exec(value);
  return m ? Number(m[1]) * 1024 : null;
}

// Memory figures from the Docker Engine API, for when the bot cannot see the engine's /proc (it
// runs in its own container, or the engine is remote). `GET /containers/{id}/top` runs `ps` on the
// engine's host, `GET /containers/{id}/stats` reads the container's memory cgroup: neither needs a
// tool inside the measured image, so shell-less images are measured too.
export interface TopProcess {
  /** Pid in the engine host's namespace (what `docker inspect` calls State.Pid). */
  pid: number;
  /** `ps -o rss`: the same counter as VmRSS in /proc/<pid>/status. */
  rssBytes: number;
  comm: string;
  argv: string[];
}

/** The `ps_args` that `parseEngineTop` reads. */
const TOP_PS_ARGS = '-o pid,rss,comm,args';

const topSchema = z.object({ Titles: z.array(z.string()), Processes: z.array(z.array(z.string())) });

/** Processes of `top?ps_args=-o pid,rss,comm,args`; null when the answer lacks those columns. */
export function parseEngineTop(json: unknown): TopProcess[] | null {
  const top = topSchema.safeParse(json);
  if (!top.success) return null;
  // Both comm and args are titled COMMAND: the first is comm, the last (it keeps its spaces) args.
  const titles = top.data.Titles.map((t) => t.toUpperCase());
  const [pidAt, rssAt, commAt, argsAt] = [
    titles.indexOf('PID'),
    titles.indexOf('RSS'),
    titles.indexOf('COMMAND'),
    titles.lastIndexOf('COMMAND'),
  ];
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
  memory_stats: z
    .object({
      max_usage: z.number().optional(),
      stats: z.record(z.string(), z.number()).optional(),
    })
    .optional(),
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
