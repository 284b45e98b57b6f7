// Runs a repo's canaries against a running container: inside it (`docker exec`) or in a sidecar
// sharing its network namespace (`--network container:<id>`), each with its timeout. A string
// `run` is shell form (`sh -c`); a list is exec form, run as is, for images without a shell.
import type { Canary } from '../config/index.ts';
import type { DockerClient } from '../docker-client.ts';
import type { CanaryResult } from '../model.ts';
import { containerLabels, execIn } from './container.ts';
import { DEFAULT_CONTAINER_LIMITS, limitFlags, type ContainerLimits } from './container-limits.ts';
import { evaluateCanary } from './evaluate-canary.ts';

export interface RunCanariesOptions {
  /** The docker client of the engine the image runs on. */
  docker: DockerClient;
  containerId: string;
  /** The image under test: the default sidecar image. */
  imageId: string;
  platform: string;
  canaries: Canary[];
  signal?: AbortSignal | undefined;
  onLog?: ((line: string) => void) | undefined;
  /** Labels sidecar containers `bumpguard.run=<runId>`. */
  runId?: string | undefined;
  /** Labels sidecar containers `bumpguard.owner=<owner>`. */
  owner?: string | undefined;
  /** A sidecar runs caged like the container it joins, as the same user. */
  limits?: ContainerLimits | undefined;
  user?: string | null | undefined;
}

/** Canaries that apply to a platform (`platforms` unset: all). */
export function canariesFor(canaries: Canary[], platform: string): Canary[] {
  return canaries.filter((c) => c.platforms === undefined || c.platforms.includes(platform));
}

export async function runCanaries(opts: RunCanariesOptions): Promise<CanaryResult[]> {
  const results: CanaryResult[] = [];
  for (const canary of canariesFor(opts.canaries, opts.platform)) {
    const [program, ...rest] = typeof canary.run === 'string' ? ['sh', '-c', canary.run] : canary.run;
    const args = canary.in === 'sidecar'
      ? ['run', '--rm', '--network', `container:${opts.containerId}`, '--platform', opts.platform,
        ...(opts.runId ? containerLabels(opts.runId, opts.owner) : []), ...limitFlags(opts.limits ?? DEFAULT_CONTAINER_LIMITS, opts.user ?? null),
        '--entrypoint', program!, canary.sidecarImage ?? opts.imageId, ...rest]
      : ['exec', opts.containerId, program!, ...rest];
    const run = await execIn(opts.docker, args, { timeoutMs: canary.timeoutSeconds * 1000, signal: opts.signal });
    const result = typeof canary.run === 'string' && lacksShell(run) ? needsShell(canary) : evaluateCanary(canary.name, canary.expect, run);
    opts.onLog?.(`canary ${canary.name} (${opts.platform}): ${result.ok ? 'ok' : 'FAILED'}: ${result.detail}`);
    results.push(result);
  }
  return results;
}

/** The runtime's answer when `sh` is not in the image (runc: exec: "sh": executable file not found in $PATH; `docker exec` prints it on stdout). */
function lacksShell(run: { exitCode: number | null; stdout: string; stderr: string }): boolean {
  return (run.exitCode === 126 || run.exitCode === 127) && /exec: "sh": (executable file not found|no such file or directory)/.test(`${run.stdout}\n${run.stderr}`);
}

/** A shell-form canary in an image without a shell is a configuration mistake, not a failure of the image. */
function needsShell(canary: Canary): CanaryResult {
  const words = (canary.run as string).trim().split(/\s+/);
  const suggestion = JSON.stringify(words);
  const message = `\`run\` is a shell command, but the image has no /bin/sh; write it in exec form, e.g. run: ${suggestion}`;
  return { name: canary.name, ok: false, detail: message, configError: message };
}

/** Every applicable canary failed for the same reason (the container never became ready). */
export function canariesNotRun(canaries: Canary[], platform: string, reason: string): CanaryResult[] {
  return canariesFor(canaries, platform).map((c) =>
    evaluateCanary(c.name, c.expect, { exitCode: null, stdout: '', stderr: '', timedOut: false, durationMs: 0, error: reason }),
  );
}
