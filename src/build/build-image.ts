// One BuildKit build of one platform into an image archive.
// Expected failures come back as typed errors the orchestrator turns into findings: BuildError
// (with the log tail; classifyBuildFailure in build-log.ts tells the image's own failure from the engine's)
// or CancelledError.

import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import type { Builder } from '../config/index.ts';
import { BuildError, CancelledError } from '../core/index.ts';
import {
  BUILD_REPOSITORY,
  childEnv,
  detectEngine,
  dockerCommandLine,
  execDocker,
  isLocalEngine,
  processOwner,
  stampedTag,
  type DockerClient,
  type EngineInfo,
  type Owner,
} from '../engine/index.ts';
import { buildCommand, multiPlatformCommand, type BuildInvocation, type BuildRequest } from './build-command.ts';
import {
  BuildSteps,
  classifyBuildFailure,
  findNetworkFailure,
  LogTail,
  networkNoneMessage,
  summariseSteps,
  type BuildStep,
} from './build-log.ts';

export interface BuildImageOptions {
  contextDir: string;
  /** Relative to contextDir, or absolute. */
  dockerfile: string;
  platform: string;
  buildArgs?: Record<string, string> | undefined;
  /** `builders[platform]` from config; undefined: the local engine. */
  builder?: Builder | undefined;
  /** Where to write the image archive (docker-archive format). */
  outTar: string;
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
  network?: 'none' | 'default' | undefined;
  onLog?: ((line: string) => void) | undefined;
  /** From detectEngine(); probed when absent. */
  engine?: EngineInfo | undefined;
  /** Temporary tag for local builds (injected in tests). */
  tag?: string | undefined;
  /** The process stamped on the temporary tag (default: this one): a sweep judges a tag a killed build left by it. */
  owner?: Owner | undefined;
  /**
   * Leave a `docker build` image in the engine under its temporary tag (BuildOutput.heldTag), for
   * the caller to run there and then remove with `removeBuildTag`: it is not loaded back in.
   */
  keepImage?: boolean | undefined;
  /** Monotonic milliseconds (injected in tests). */
  now?: (() => number) | undefined;
  /** Build these platforms in one invocation into one OCI archive (multiPlatformCommand); `platform` then only names them in messages. */
  together?: string[] | undefined;
  /** A local BuildKit cache directory (BuildRequest.cache). */
  cache?: BuildRequest['cache'] | undefined;
}

export interface BuildOutput {
  platform: string;
  tarPath: string;
  /** Image config digest, sha256:… */
  imageId: string;
  durationMs: number;
  logTail: string;
  /** Which client built it. */
  via: BuildInvocation['kind'];
  /** Each Dockerfile step: cached or ran, and for how long (BuildKit's plain progress). */
  steps: BuildStep[];
  /** The tag still holding the image in the engine (keepImage), else null. */
  heldTag: string | null;
}

export async function buildImage(opts: BuildImageOptions): Promise<BuildOutput> {
  const now = opts.now ?? (() => performance.now());
  const started = now();
  const engine = opts.engine ?? (await detectEngine({ signal: opts.signal }));
  const tail = new LogTail();
  const steps = new BuildSteps();
  const scratch = await mkdtemp(join(tmpdir(), 'bumpguard-build-'));
  const tag = opts.tag ?? stampedTag(BUILD_REPOSITORY, opts.owner ?? processOwner(), Date.now(), randomUUID().slice(0, 8));
  const req = {
    contextDir: opts.contextDir,
    dockerfile: opts.dockerfile,
    buildArgs: opts.buildArgs ?? {},
    network: opts.network ?? 'none',
    outTar: opts.outTar,
    idFile: join(scratch, 'image-id'),
    ...(opts.cache ? { cache: opts.cache } : {}),
  } as const;
  const inv = opts.together
    ? multiPlatformCommand({ ...req, platforms: opts.together }, engine)
    : buildCommand(opts.builder, { ...req, platform: opts.platform, tag }, engine);
  const note = (line: string) => {
    tail.line(line);
    opts.onLog?.(line);
  };
  let held = false;
  try {
    await mkdir(dirname(opts.outTar), { recursive: true });
    if (inv.ensureBuilder) await ensureRemoteBuilder(engine.docker, inv.ensureBuilder, opts, note);
    note(`$ ${[inv.file, ...inv.args].join(' ')}`);
    const res = await runLogged(inv.file, inv.args, {
      env: inv.env,
      signal: opts.signal,
      timeoutMs: opts.timeoutMs,
      tail,
      onLog: (line) => {
        steps.line(line);
        opts.onLog?.(line);
      },
    });
    if (res.cancelled) throw new CancelledError(`The ${opts.platform} build was cancelled.`);
    if (res.timedOut) {
      throw new BuildError('build-timeout', `The ${opts.platform} build timed out after ${Math.round((opts.timeoutMs ?? 0) / 1000)} s.`, {
        platform: opts.platform,
        logTail: tail.text(),
      });
    }
    if (res.spawnError) {
      throw new BuildError('no-docker', `Cannot run ${inv.file}: ${res.spawnError.message}`, {
        platform: opts.platform,
        logTail: tail.text(),
        cause: res.spawnError,
      });
    }
    if (res.exitCode !== 0) throw await failedBuild(engine, opts, tail.text());
    const imageId = await readImageId(join(scratch, 'image-id'), inv.idFormat);
    if (inv.saveTag) await saveImage(engine.docker, imageId, opts, note, tail);
    held = inv.saveTag !== null && opts.keepImage === true;
    note(`${opts.platform}: ${summariseSteps(steps.steps())}`);
    return {
      platform: opts.platform,
      tarPath: opts.outTar,
      imageId,
      durationMs: Math.round(now() - started),
      logTail: tail.text(),
      via: inv.kind,
      heldTag: held ? inv.saveTag : null,
      steps: steps.steps(),
    };
  } finally {
    if (inv.saveTag && !held) await removeBuildTag(engine.docker, inv.saveTag, note);
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The build's own failure, or the engine's (it is asked whether it still answers when the log does not say). */
async function failedBuild(engine: EngineInfo, opts: BuildImageOptions, log: string): Promise<BuildError> {
  const { platform } = opts;
  let code = classifyBuildFailure(log);
  if (code === 'build-error' && !(await engineAnswers(engine.docker, opts.signal))) code = 'docker-unavailable';
  // A RUN step that fetched sources without a network: say which setting to change.
  const offline = code === 'build-failed' && (opts.network ?? 'none') === 'none' ? findNetworkFailure(log) : null;
  if (offline !== null) return new BuildError(code, networkNoneMessage(platform, offline), { platform, logTail: log });
  const what: Record<typeof code, string> = {
    'build-failed': `The ${platform} build failed`,
    'build-error': `The ${platform} build stopped for a reason that is not a build step of the image`,
    'docker-unavailable': engineGoneWords(engine.docker, `during the ${platform} build`),
  };
  return new BuildError(code, `${what[code]}: ${errorLine(log)}`, { platform, logTail: log });
}

/** Whether the engine still answers (`docker version` reaches the server). */
export async function engineAnswers(docker: DockerClient, signal?: AbortSignal): Promise<boolean> {
  const res = await execDocker(docker, ['version', '--format', '{{.Server.Version}}'], {
    reject: false,
    timeout: 30_000,
    cancelSignal: signal,
    stdin: 'ignore',
  });
  return res.exitCode === 0 && String(res.stdout).trim() !== '';
}

/** "The Docker engine stopped answering <when>", naming an operator's engine the way its probe does. */
export function engineGoneWords(docker: DockerClient, when: string): string {
  return isLocalEngine(docker)
    ? `The Docker engine stopped answering ${when}`
    : `engine ${docker.engine} unreachable: it stopped answering ${when}`;
}

/** The most telling line of a failed build: BuildKit's last `ERROR`/`error:` line. */
export function errorLine(log: string): string {
  const lines = log
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const hit = lines.findLast((l) => /\berror\b/i.test(l)) ?? lines.at(-1) ?? 'no output';
  return hit.length > 300 ? `${hit.slice(0, 300)}…` : hit;
}

async function readImageId(path: string, format: BuildInvocation['idFormat']): Promise<string> {
  const text = (await readFile(path, 'utf8')).trim();
  if (format === 'iidfile') return text;
  const meta = JSON.parse(text) as Record<string, unknown>;
  const digest = meta['containerimage.config.digest'];
  if (typeof digest !== 'string') throw new BuildError('build-failed', 'buildctl wrote no image config digest.');
  return digest;
}

async function saveImage(docker: DockerClient, imageId: string, opts: BuildImageOptions, note: (l: string) => void, tail: LogTail) {
  // Saved by id, not tag: the archive then carries no tag, and loading it later leaves none behind.
  note(`$ ${dockerCommandLine(docker, ['save', '-o', opts.outTar, imageId])}`);
  const res = await execDocker(docker, ['save', '-o', opts.outTar, imageId], { reject: false, cancelSignal: opts.signal, stdin: 'ignore' });
  if (res.isCanceled) throw new CancelledError(`Saving the ${opts.platform} image was cancelled.`);
  if (res.exitCode !== 0) {
    throw new BuildError('image-save-failed', `docker save of the ${opts.platform} image failed: ${String(res.stderr).trim()}`, {
      platform: opts.platform,
      logTail: tail.text(),
    });
  }
}

/** Removes a build's temporary tag (and the image, unless something else still uses it). */
export async function removeBuildTag(docker: DockerClient, tag: string, note: (l: string) => void = () => {}): Promise<void> {
  const res = await execDocker(docker, ['rmi', tag], { reject: false, stdin: 'ignore' });
  // A failed build never created the tag; anything else is worth a line in the log, not a failure.
  if (res.exitCode !== 0 && !/No such image/i.test(String(res.stderr)))
    note(`warning: could not remove ${tag}: ${String(res.stderr).trim()}`);
}

async function ensureRemoteBuilder(
  docker: DockerClient,
  b: { name: string; endpoint: string },
  opts: BuildImageOptions,
  note: (l: string) => void,
): Promise<void> {
  const inspect = await execDocker(docker, ['buildx', 'inspect', b.name], { reject: false, cancelSignal: opts.signal, stdin: 'ignore' });
  if (inspect.exitCode === 0) return;
  const create = ['buildx', 'create', '--name', b.name, '--driver', 'remote', b.endpoint];
  note(`$ ${dockerCommandLine(docker, create)}`);
  const res = await execDocker(docker, create, {
    reject: false,
    cancelSignal: opts.signal,
    stdin: 'ignore',
  });
  if (res.exitCode !== 0) {
    throw new BuildError(
      'builder-unreachable',
      `Cannot set up the remote builder ${b.endpoint} for ${opts.platform}: ${String(res.stderr).trim()}`,
      {
        platform: opts.platform,
      },
    );
  }
}

// Runs a build client in its own process group, streaming its output into a LogTail.
// Cancelling or timing out kills the whole group (the docker CLI runs buildx as a child
// plugin process, and a leftover client keeps the BuildKit session — and its RUN steps — alive).
interface RunLoggedOptions {
  env?: Record<string, string> | undefined;
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
  tail: LogTail;
  onLog?: ((line: string) => void) | undefined;
  /** After SIGTERM, SIGKILL the group this much later. */
  killGraceMs?: number;
}

interface RunLoggedResult {
  exitCode: number | null;
  timedOut: boolean;
  cancelled: boolean;
  /** Set when the process could not be started at all (e.g. ENOENT). */
  spawnError?: Error;
}

async function runLogged(file: string, args: string[], opts: RunLoggedOptions): Promise<RunLoggedResult> {
  const timeout = opts.timeoutMs === undefined ? null : AbortSignal.timeout(opts.timeoutMs);
  const stop = AbortSignal.any([opts.signal, timeout].filter((s): s is AbortSignal => s !== null && s !== undefined));
  if (stop.aborted) return { exitCode: null, timedOut: timeout?.aborted ?? false, cancelled: opts.signal?.aborted ?? false };

  const child = execa(file, args, {
    ...childEnv(opts.env),
    all: true,
    buffer: false,
    reject: false,
    detached: true,
    stdin: 'ignore',
  });
  const killGroup = (sig: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, sig);
    } catch (err) {
      // ESRCH: the group is already gone, which is what we want.
      if (!(err instanceof Error && 'code' in err && err.code === 'ESRCH')) throw err;
    }
  };
  let graceTimer: NodeJS.Timeout | undefined;
  const onStop = () => {
    killGroup('SIGTERM');
    graceTimer = setTimeout(() => killGroup('SIGKILL'), opts.killGraceMs ?? 5000);
  };
  const onExit = () => killGroup('SIGKILL'); // never leave a build running after we exit
  stop.addEventListener('abort', onStop, { once: true });
  process.once('exit', onExit);
  child.all?.setEncoding('utf8');
  child.all?.on('data', (chunk: string) => {
    for (const line of opts.tail.push(chunk)) opts.onLog?.(line);
  });
  try {
    const result = await child;
    const spawnError = result.failed && result.exitCode === undefined && !result.isTerminated ? result.cause : undefined;
    return {
      exitCode: result.exitCode ?? null,
      timedOut: timeout?.aborted ?? false,
      cancelled: opts.signal?.aborted ?? false,
      ...(spawnError instanceof Error ? { spawnError } : {}),
    };
  } finally {
    if (stop.aborted) killGroup('SIGKILL'); // children that outlived the client
    stop.removeEventListener('abort', onStop);
    process.removeListener('exit', onExit);
    clearTimeout(graceTimer);
  }
}
