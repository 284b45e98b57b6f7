// Resident memory of a running container: the main process's VmRSS/VmHWM from
// /proc/<pid>/status and the container's peak from its memory cgroup, sampled over a window.
// Read from the host's /proc and cgroup fs when the engine is local (no binary needed in the
// image); through `docker exec cat` otherwise.
import { readFile } from 'node:fs/promises';
import { execa } from 'execa';
import { childEnv } from '../child-env.ts';
import type { RamMeasurement } from '../model.ts';
import { containerState, sleep } from './container.ts';
import { memoryCgroup, parseCgroupBytes, parseProcCgroup } from './parse-cgroup.ts';
import { parseProcStatus } from './parse-proc-status.ts';
import { runFigures, type RamSample } from './ram-stats.ts';

export interface RunSample {
  rss: number | null;
  hwm: number | null;
  peak: number | null;
  peakSource: NonNullable<RamMeasurement['peakSource']> | null;
  process: string | null;
}

interface MemoryProbe {
  sample(): Promise<RamSample>;
  peak(): Promise<number | null>;
  peakSource: NonNullable<RamMeasurement['peakSource']> | null;
  process: string | null;
}

/** Samples one running container every `intervalMs` for `windowMs`. */
export async function sampleContainer(
  docker: string, id: string, opts: { windowMs: number; intervalMs: number; process?: string; signal?: AbortSignal },
): Promise<RunSample> {
  const probe = await makeProbe(docker, id, opts.process, opts.signal);
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
    peak: peak ?? figures.hwm,
    peakSource: peak !== null ? probe.peakSource : figures.hwm !== null ? 'vmhwm' : null,
    process: probe.process,
  };
}

async function makeProbe(docker: string, id: string, processName: string | undefined, signal?: AbortSignal): Promise<MemoryProbe> {
  const { pid } = await containerState(docker, id, signal);
  const cgroupText = await readHost(`/proc/${pid}/cgroup`);
  // The engine's pids are ours only when its cgroup names this container (not a remote engine).
  if (pid > 0 && cgroupText !== null && cgroupText.includes(id)) {
    const cg = memoryCgroup(parseProcCgroup(cgroupText));
    const target = processName === undefined || cg === null ? pid : await findProcess(cg.dir, processName, pid);
    const status = parseProcStatus((await readHost(`/proc/${target}/status`)) ?? '');
    return {
      sample: async () => statusSample(await readHost(`/proc/${target}/status`)),
      peak: async () => (cg === null ? null : parseCgroupBytes((await readHost(cg.peakFile)) ?? '')),
      peakSource: cg === null ? null : cg.version === '1' ? 'cgroup-v1' : 'cgroup-v2',
      process: status?.name ?? null,
    };
  }
  return execProbe(docker, id, signal);
}

/** Through the container itself: needs `cat` in the image (busybox has it). */
async function execProbe(docker: string, id: string, signal?: AbortSignal): Promise<MemoryProbe> {
  const cat = async (path: string) => {
    const res = await execa(docker, ['exec', id, 'cat', path], { ...childEnv(), reject: false, cancelSignal: signal, stdin: 'ignore' });
    return res.exitCode === 0 ? String(res.stdout) : null;
  };
  const v1 = await cat('/sys/fs/cgroup/memory/memory.max_usage_in_bytes');
  const peakPath = v1 !== null ? '/sys/fs/cgroup/memory/memory.max_usage_in_bytes' : '/sys/fs/cgroup/memory.peak';
  const first = parseProcStatus((await cat('/proc/1/status')) ?? '');
  return {
    sample: async () => statusSample(await cat('/proc/1/status')),
    peak: async () => parseCgroupBytes((await cat(peakPath)) ?? ''),
    peakSource: v1 !== null ? 'cgroup-v1' : 'cgroup-v2',
    process: first?.name ?? null,
  };
}

async function findProcess(cgroupDir: string, name: string, fallback: number): Promise<number> {
  const procs = (await readHost(`${cgroupDir}/cgroup.procs`)) ?? '';
  for (const p of procs.split('\n').filter(Boolean)) {
    const status = parseProcStatus((await readHost(`/proc/${p}/status`)) ?? '');
    if (status?.name === name) return Number(p);
    const cmdline = (await readHost(`/proc/${p}/cmdline`)) ?? '';
    if (cmdline.split('\0').some((arg) => arg === name || arg.endsWith(`/${name}`))) return Number(p);
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
