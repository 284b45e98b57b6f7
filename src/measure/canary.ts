// Runs a repo's canaries against a running container: inside it (`docker exec … sh -c`) or in a
// sidecar sharing its network namespace (`--network container:<id>`), each with its timeout.
import type { Canary } from '../config/index.ts';
import type { CanaryResult } from '../model.ts';
import { execIn } from './container.ts';
import { evaluateCanary } from './evaluate-canary.ts';

export interface RunCanariesOptions {
  docker: string;
  containerId: string;
  /** The image under test: the default sidecar image. */
  imageId: string;
  platform: string;
  canaries: Canary[];
  signal?: AbortSignal;
  onLog?: (line: string) => void;
  /** Labels sidecar containers `bumpguard.run=<runId>`. */
  runId?: string;
}

/** Canaries that apply to a platform (`platforms` unset: all). */
export function canariesFor(canaries: Canary[], platform: string): Canary[] {
  return canaries.filter((c) => c.platforms === undefined || c.platforms.includes(platform));
}

export async function runCanaries(opts: RunCanariesOptions): Promise<CanaryResult[]> {
  const results: CanaryResult[] = [];
  for (const canary of canariesFor(opts.canaries, opts.platform)) {
    const args = canary.in === 'sidecar'
      ? ['run', '--rm', '--network', `container:${opts.containerId}`, '--platform', opts.platform,
        ...(opts.runId ? ['--label', `bumpguard.run=${opts.runId}`] : []),
        '--entrypoint', 'sh', canary.sidecarImage ?? opts.imageId, '-c', canary.run]
      : ['exec', opts.containerId, 'sh', '-c', canary.run];
    const run = await execIn(opts.docker, args, { timeoutMs: canary.timeoutSeconds * 1000, signal: opts.signal });
    const result = evaluateCanary(canary.name, canary.expect, run);
    opts.onLog?.(`canary ${canary.name} (${opts.platform}): ${result.ok ? 'ok' : 'FAILED'}: ${result.detail}`);
    results.push(result);
  }
  return results;
}

/** Every applicable canary failed for the same reason (the container never became ready). */
export function canariesNotRun(canaries: Canary[], platform: string, reason: string): CanaryResult[] {
  return canariesFor(canaries, platform).map((c) =>
    evaluateCanary(c.name, c.expect, { exitCode: null, stdout: '', stderr: '', timedOut: false, durationMs: 0, error: reason }),
  );
}
