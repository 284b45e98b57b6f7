// Resident memory of a running container: the main process's RSS and the container's peak from
// its memory cgroup, sampled over a window. Nothing runs inside the measured image, so shell-less
// images are measured too. When the engine is local the bot reads the host's /proc and cgroup fs
// (VmRSS, VmHWM, max usage); when it cannot see the engine's processes (the bot in its own
// container, a remote engine) it asks the Docker API: `top` (the engine host's ps) for the process's
// RSS and `stats` for the cgroup's peak. `rssSource` records which.
import { readFile } from 'node:fs/promises';
import type { DockerClient } from '../docker-client.ts';
import { CancelledError } from '../errors.ts';
import type { RamMeasurement, RssSource } from '../model.ts';
import { containerState, sleep } from './container.ts';
import { getEngineJson } from './engine-api.ts';
import { matchesProcess } from './match-process.ts';
import { memoryCgroup, parseCgroupBytes, parseProcCgroup } from './parse-cgroup.ts';
import { findTopProcess, parseEngineStats, parseEngineTop, TOP_PS_ARGS } from './parse-engine-memory.ts';
import { parseProcStatus } from './parse-proc-status.ts';
import { runFigures, type RamSample } from './ram-stats.ts';

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

async function makeProbe(docker: DockerClient, id: string, processName: string | undefined, readHostProc: boolean, signal?: AbortSignal): Promise<MemoryProbe> {
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
async function engineProbe(docker: DockerClient, id: string, initPid: number, processName: string | undefined, signal?: AbortSignal): Promise<MemoryProbe> {
  const top = async () => parseEngineTop(await askEngine(docker, `/containers/${id}/top?ps_args=${encodeURIComponent(TOP_PS_ARGS)}`, signal));
  const stats = async () => parseEngineStats(await askEngine(docker, `/containers/${id}/stats?stream=false&one-shot=true`, signal));
  const peak = async () => {
    const { peakBytes, cgroupVersion } = await stats();
    return peakBytes === null ? null : { bytes: peakBytes, source: cgroupVersion === '2' ? 'cgroup-v2' as const : 'cgroup-v1' as const };
  };
  const processes = await top();
  const target = processes === null ? null : findTopProcess(processes, processName, initPid);
  if (target !== null) {
    const sample = async (): Promise<RamSample> => ({ rssBytes: (await top())?.find((p) => p.pid === target.pid)?.rssBytes ?? null, hwmBytes: null });
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
