// The containers bumpguard runs from a built image: their limits (the operator's cage) and their
// lifecycle (load, run off the network, wait for readiness, exec, remove).

import { CancelledError, type ConfigIssue } from '../../core/index.ts';
import { execDocker, OWNER_LABEL, processOwner, RUN_LABEL, stampOf, type DockerClient, type Owner } from '../../engine/index.ts';

// The container lifecycle shared by RAM runs and canaries: load the built image if the engine
// lacks it, run it off the network, wait for readiness, exec, and always remove.

export interface ImageRef {
  /** sha256:… config digest (BuildOutput.imageId). */
  imageId: string;
  /** Archive to `docker load` when the engine does not hold the image. */
  tarPath: string;
}

export interface ReadyCondition {
  log?: string | undefined;
  file?: string | undefined;
  delayMs?: number | undefined;
  timeoutMs: number;
}

export interface ContainerSpec {
  image: string;
  /** Value of the `bumpguard.run` label (finds a run's containers). */
  runId: string;
  platform: string;
  readOnly: boolean;
  limits: ContainerLimits;
  /** `--user` of this attempt; null: the image's own user. */
  user: string | null;
  /** The process stamped on it (default: this one). */
  owner?: Owner | undefined;
  /** Replaces the image's entrypoint + cmd. */
  command?: string[] | undefined;
}

/** The labels of a container bumpguard starts: its run, and its maker's stamp (the sweep at the next start judges it by that). */
export function containerLabels(runId: string, owner: Owner | undefined): string[] {
  return ['--label', `${RUN_LABEL}=${runId}`, '--label', `${OWNER_LABEL}=${stampOf(owner ?? processOwner(), Date.now())}`];
}

export interface ExecResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  durationMs: number;
}

const POLL_MS = 100;

/**
 * Makes the engine hold the image under our own tag until `releaseImage`: loaded from the
 * archive when missing. The tag keeps a concurrent job (same content, same image id) from
 * deleting it under us; releasing deletes the image only when no other tag or container uses it.
 */
export async function acquireImage(docker: DockerClient, image: ImageRef, tag: string, signal?: AbortSignal): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const inspect = await execDocker(docker, ['image', 'inspect', '--format', '{{.Id}}', image.imageId], {
      reject: false,
      cancelSignal: signal,
      stdin: 'ignore',
    });
    throwIfCancelled(inspect, signal);
    if (inspect.exitCode !== 0) await execDocker(docker, ['load', '-q', '-i', image.tarPath], { cancelSignal: signal, stdin: 'ignore' });
    const tagged = await execDocker(docker, ['tag', image.imageId, tag], { reject: false, cancelSignal: signal, stdin: 'ignore' });
    throwIfCancelled(tagged, signal);
    if (tagged.exitCode === 0) return;
    // Another job released the image between our inspect and tag: load it again.
    if (attempt >= 2) throw new Error(`cannot tag ${image.imageId}: ${String(tagged.stderr).trim()}`);
  }
}

export async function releaseImage(docker: DockerClient, tag: string): Promise<void> {
  await execDocker(docker, ['rmi', tag], { reject: false, stdin: 'ignore' });
}

/** `docker run -d --network none`; returns the container id. Throws the engine's message on failure. */
export async function startContainer(docker: DockerClient, spec: ContainerSpec, signal?: AbortSignal): Promise<string> {
  const [entrypoint, ...rest] = spec.command ?? [];
  const args = [
    'run',
    '-d',
    '--network',
    'none',
    '--platform',
    spec.platform,
    ...containerLabels(spec.runId, spec.owner),
    ...limitFlags(spec.limits, spec.user),
    ...(spec.readOnly ? ['--read-only'] : []),
    ...(entrypoint !== undefined ? ['--entrypoint', entrypoint] : []),
    spec.image,
    ...rest,
  ];
  const res = await execDocker(docker, args, { reject: false, cancelSignal: signal, stdin: 'ignore' });
  throwIfCancelled(res, signal);
  if (res.exitCode !== 0) throw new Error(String(res.stderr).trim() || `docker run exited ${res.exitCode}`);
  return String(res.stdout).trim();
}

export async function removeContainer(docker: DockerClient, id: string): Promise<void> {
  await execDocker(docker, ['rm', '-f', '-v', id], { reject: false, stdin: 'ignore' });
}

export interface ContainerState {
  running: boolean;
  /** Host pid of the container's init process (0 when stopped). */
  pid: number;
  exitCode: number;
}

export async function containerState(docker: DockerClient, id: string, signal?: AbortSignal): Promise<ContainerState> {
  const res = await execDocker(docker, ['inspect', '--format', '{{.State.Running}} {{.State.Pid}} {{.State.ExitCode}}', id], {
    cancelSignal: signal,
    stdin: 'ignore',
  });
  const [running, pid, exitCode] = String(res.stdout).trim().split(' ');
  return { running: running === 'true', pid: Number(pid), exitCode: Number(exitCode) };
}

async function containerLogs(docker: DockerClient, id: string, signal?: AbortSignal): Promise<string> {
  const res = await execDocker(docker, ['logs', id], { reject: false, cancelSignal: signal, stdin: 'ignore', all: true });
  return String(res.all ?? '');
}

export interface NotReady {
  kind: 'exited' | 'timeout';
  message: string;
}

/**
 * Waits until the container is ready; null when it is, else why not.
 * Readiness: a log line matching `log`, `file` existing in the container, and `delayMs` elapsed.
 */
export async function waitReady(docker: DockerClient, id: string, ready: ReadyCondition, signal?: AbortSignal): Promise<NotReady | null> {
  const started = Date.now();
  const logRe = ready.log === undefined ? null : new RegExp(ready.log, 'm');
  // The log line is awaited on one followed stream: polling `docker logs` for many containers at
  // once (each poll a docker process) would cost more CPU than the images under test.
  const followed = logRe === null ? null : await followLogUntil(docker, id, logRe, ready.timeoutMs, signal);
  for (;;) {
    const state = await containerState(docker, id, signal);
    if (!state.running) {
      const logs = (await containerLogs(docker, id, signal)).trim().split('\n').slice(-5).join(' | ');
      return { kind: 'exited', message: `the container exited with code ${state.exitCode} before it was ready${logs ? `: ${logs}` : ''}` };
    }
    const elapsed = Date.now() - started;
    // A stream that ended with the container still up (the engine dropped it): read the log instead.
    const logOk = logRe === null || followed === 'matched' || (followed === 'ended' && logRe.test(await containerLogs(docker, id, signal)));
    const fileOk = ready.file === undefined || (await fileExists(docker, id, ready.file, signal));
    if (logOk && fileOk && elapsed >= (ready.delayMs ?? 0)) return null;
    if (elapsed > ready.timeoutMs) {
      const missing = [!logOk && `a log line matching /${ready.log}/`, !fileOk && `the file ${ready.file}`].filter(Boolean).join(' and ');
      return { kind: 'timeout', message: `not ready after ${ready.timeoutMs} ms: still waiting for ${missing || 'the delay'}` };
    }
    await sleep(POLL_MS, signal);
  }
}

/** Follows the container's log until a line matches, the stream ends (the container stopped), or `timeoutMs`. */
async function followLogUntil(
  docker: DockerClient,
  id: string,
  re: RegExp,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<'matched' | 'ended' | 'timeout'> {
  const stop = new AbortController();
  const child = execDocker(docker, ['logs', '--follow', id], {
    all: true,
    buffer: false,
    reject: false,
    stdin: 'ignore',
    cancelSignal: signal ? AbortSignal.any([signal, stop.signal]) : stop.signal,
  });
  let text = '';
  let outcome: 'matched' | 'ended' | 'timeout' = 'ended';
  const timer = setTimeout(() => {
    outcome = 'timeout';
    stop.abort();
  }, timeoutMs);
  child.all?.setEncoding('utf8');
  child.all?.on('data', (chunk: string) => {
    // Keep a bounded tail: a chatty daemon must not grow this without end.
    text = (text + chunk).slice(-65_536);
    if (outcome === 'ended' && re.test(text)) {
      outcome = 'matched';
      stop.abort();
    }
  });
  try {
    await child;
  } finally {
    clearTimeout(timer);
  }
  if (signal?.aborted) throw new CancelledError('Measuring was cancelled.');
  return outcome;
}

/** `docker cp` needs no binary inside the image, unlike `test -e`. */
async function fileExists(docker: DockerClient, id: string, path: string, signal?: AbortSignal): Promise<boolean> {
  const res = await execDocker(docker, ['cp', `${id}:${path}`, '-'], {
    reject: false,
    cancelSignal: signal,
    stdout: 'ignore',
    stdin: 'ignore',
  });
  throwIfCancelled(res, signal);
  return res.exitCode === 0;
}

/** Runs a docker argv (`exec …` in the container, or `run …` for a sidecar) with a timeout. */
export async function execIn(
  docker: DockerClient,
  args: string[],
  opts: { timeoutMs: number; signal?: AbortSignal | undefined },
): Promise<ExecResult> {
  const started = Date.now();
  const res = await execDocker(docker, args, {
    reject: false,
    timeout: opts.timeoutMs,
    cancelSignal: opts.signal,
    stdin: 'ignore',
    forceKillAfterDelay: 2000,
  });
  throwIfCancelled(res, opts.signal);
  return {
    exitCode: res.exitCode ?? null,
    stdout: String(res.stdout ?? ''),
    stderr: String(res.stderr ?? ''),
    timedOut: res.timedOut,
    durationMs: Date.now() - started,
  };
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CancelledError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CancelledError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function throwIfCancelled(res: { isCanceled: boolean }, signal?: AbortSignal): void {
  if (res.isCanceled || signal?.aborted) throw new CancelledError('Measuring was cancelled.');
}

// Limits of every container bumpguard runs from a built image (RAM runs, canaries, sidecars).
// The image is the PR's code: it runs with no network, no capabilities, no privilege gain, a
// memory and a process cap, and as a non-root user when the image works that way. They are the
// operator's settings (environment), never the repository's: a PR must not loosen its own cage.
export interface ContainerLimits {
  /** docker --memory (swap is not added on top). */
  memory: string;
  /** docker --pids-limit. */
  pids: number;
  /**
   * `auto`: try the unprivileged 65534:65534 first, the image's own user if the image will not
   * start that way; `image`: the image's user; else a fixed `uid[:gid]`.
   */
  user: string;
}

/** A router image: tens of MiB resident, a handful of processes; room for qemu-user's overhead. */
export const DEFAULT_CONTAINER_LIMITS: ContainerLimits = { memory: '512m', pids: 256, user: 'auto' };

/** nobody:nogroup on Debian; a number, so images without /etc/passwd run it too. */
const UNPRIVILEGED_USER = '65534:65534';

const CONTAINER_ENV = {
  memory: 'BUMPGUARD_CONTAINER_MEMORY',
  pids: 'BUMPGUARD_CONTAINER_PIDS',
  user: 'BUMPGUARD_CONTAINER_USER',
} as const;

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** The limits the environment asks for, or the issues with what it says (variables unset or empty take the defaults). */
export function readContainerLimits(env: Record<string, string | undefined>): { limits: ContainerLimits; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const limits = { ...DEFAULT_CONTAINER_LIMITS };
  const memory = env[CONTAINER_ENV.memory]?.trim();
  if (memory) {
    const m = /^(\d+)([bkmg]?)$/i.exec(memory);
    const bytes = m ? Number(m[1]) * UNITS[m[2]!.toLowerCase()]! : Number.NaN;
    if (!(bytes >= 6 * 1024 ** 2))
      issues.push({ path: CONTAINER_ENV.memory, message: 'must be a docker memory size of at least 6m, e.g. 512m or 1g' });
    else limits.memory = memory.toLowerCase();
  }
  const pids = env[CONTAINER_ENV.pids]?.trim();
  if (pids) {
    const n = Number(pids);
    if (!Number.isInteger(n) || n < 8 || n > 65_536)
      issues.push({ path: CONTAINER_ENV.pids, message: 'must be a whole number of processes from 8 to 65536, e.g. 256' });
    else limits.pids = n;
  }
  const user = env[CONTAINER_ENV.user]?.trim();
  if (user) {
    if (user !== 'auto' && user !== 'image' && !/^\d+(:\d+)?$/.test(user))
      issues.push({ path: CONTAINER_ENV.user, message: 'must be auto, image, or a numeric uid[:gid], e.g. 1000:1000' });
    else limits.user = user;
  }
  return { limits, issues };
}

/** The `docker run` flags for `limits`, with the user of this attempt (null: the image's own). */
export function limitFlags(limits: ContainerLimits, user: string | null): string[] {
  return [
    '--memory',
    limits.memory,
    '--memory-swap',
    limits.memory,
    '--pids-limit',
    String(limits.pids),
    '--cap-drop',
    'ALL',
    '--security-opt',
    'no-new-privileges',
    ...(user !== null ? ['--user', user] : []),
  ];
}

/** The users to try, in order: the first the image becomes ready with is kept for the side. */
export function usersToTry(limits: ContainerLimits): (string | null)[] {
  if (limits.user === 'auto') return [UNPRIVILEGED_USER, null];
  return [limits.user === 'image' ? null : limits.user];
}
